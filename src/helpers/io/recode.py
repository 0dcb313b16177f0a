"""Apply a codebook to a raw table: rename, type, recode labels, check ranges, reverse items;
every change is logged."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import CodebookError
from helpers.io.codebook import _NUMERIC_TYPES, _STEP, Codebook
from helpers.io.labels import (
    _as_number,
    _LabelMatcher,
    _match_distinct,
    parse_boolean,
    parse_value_labels,
)
from helpers.io.log import CleanResult, make_log
from helpers.io.parsing import (
    distinct_values,
    normalise_digits,
    parse_date,
    parse_number,
    raw_row_numbers,
    spread,
)
from helpers.io.reading import did_you_mean

__all__ = [
    "apply_codebook",
]


# --------------------------------------------------------------------------------------------
# applying a codebook
# --------------------------------------------------------------------------------------------


def apply_codebook(
    df: pd.DataFrame,
    codebook: Codebook,
    *,
    file_name: str | Path,
    path: str | Path | None = None,
    table: str | None = None,
    cutoff: float = 0.85,
    sheet: str | None = None,
) -> CleanResult:
    """Rename, type, recode and range-check a raw table as its codebook says.

    Parameters
    ----------
    df : pandas.DataFrame
        The raw table (from :func:`helpers.io.reading.read_table`; index label + 1 = raw row).
    codebook : Codebook
    file_name : str or Path
        The raw file's name; selects the codebook rows (:meth:`Codebook.for_file`) and fills
        the log's ``file`` column.
    path : str or Path, optional
        The raw file's path, named in errors (default ``file_name``).
    table : str, optional
        The log's ``table`` column (default: the file name's stem).
    cutoff : float
        Spelling-match cutoff for labels (:func:`map_labels`).
    sheet : str, optional
        The sheet ``df`` comes from, for a codebook with a ``sheet`` column (a KoboToolbox
        repeat sheet, see :meth:`Codebook.for_file`); named in errors. Default: the main table.

    Returns
    -------
    CleanResult
        ``data``: one column per codebook row found in the file (type ``drop`` excluded),
        named ``name``, in codebook order, index kept. ``log``: one row per change.

    Raises
    ------
    CodebookError
        No codebook row applies to the file, two rows give the same ``name`` for it, or a
        ``required`` column is missing from the file (naming the raw file, the sheet when
        given, the column and the codebook row).

    Notes
    -----
    Per column: values are stripped; ``missing_codes`` become missing (logged); the type is
    applied:

    * ``nip`` -> digits as text (spaces, dots, apostrophes removed; validate with
      :func:`helpers.privacy.nip.validate_nip`); ``name``/``string``/``id`` -> stripped text;
    * ``category`` -> the code of the matching value label (``Int64`` for whole-number codes,
      text otherwise), or stripped text without value labels;
    * ``integer``/``number`` -> :func:`~helpers.io.parsing.parse_number` (``Int64``/``float64``);
    * ``date``/``datetime`` -> :func:`~helpers.io.parsing.parse_date` (``date`` drops the time);
    * ``likert`` -> :func:`map_labels` (float64); ``boolean`` -> ya/tidak, true/false, 1/0;

    values that cannot be converted become missing (logged, with the reason); spelling and
    abbreviation matches of labels are logged as recodes; then values outside
    ``min``/``max`` become missing (logged; a likert item without ``min``/``max`` uses its
    lowest and highest code, so an answer ``6`` on a 1-5 scale is logged as out of range);
    then ``reverse`` items become ``min + max - x`` with the same bounds (logged once per
    column). Raw columns absent from the codebook are left out, logged once each; codebook
    columns absent from the file (not required) are logged once each. Headers are matched
    exactly, then ignoring case and runs of whitespace.

    The log's ``column`` is the clean ``name`` (the raw header for columns left out).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    file_label = Path(file_name).name
    source = Path(path) if path is not None else Path(file_name)
    table = table if table is not None else Path(file_name).stem
    rows = codebook.for_file(file_label, sheet=sheet)
    if rows.empty:
        patterns = sorted(set(codebook.table["file"]))
        of_sheet = f" (sheet {sheet!r})" if sheet is not None else ""
        raise CodebookError(
            codebook.source,
            f"no codebook row applies to file {file_label!r}{of_sheet}; the 'file' patterns "
            f"are {', '.join(repr(p) for p in patterns)}",
            column="file",
        )
    _check_names_for_file(codebook, rows, file_label)
    matched = _match_columns(df, rows, source, codebook, sheet=sheet)
    context = {"step": _STEP, "table": table, "file": file_label}
    log: list[dict[str, Any]] = []
    used = {str(c) for c in matched.values()}
    for column in df.columns:
        if str(column) not in used:
            log.append({**context, "column": column, "reason": "column not in codebook; left out"})
    out: dict[str, pd.Series] = {}
    for _, spec in rows.iterrows():
        raw_column = matched.get(spec["codebook_row"])
        if raw_column is None:
            log.append(
                {
                    **context,
                    "column": spec["raw_name"],
                    "reason": f"codebook column not in file (codebook row "
                    f"{spec['codebook_row']}); left out",
                }
            )
            continue
        if spec["type"] == "drop":
            log.append({**context, "column": raw_column, "reason": "dropped: codebook type 'drop'"})
            continue
        series, entries = _convert_column(df[raw_column], spec, cutoff=cutoff)
        out[spec["name"]] = series
        log.extend({**context, "column": spec["name"], **e} for e in entries)
    data = pd.DataFrame(out, index=df.index)
    return CleanResult(data=data, log=make_log(log))


def _check_names_for_file(codebook: Codebook, rows: pd.DataFrame, file_label: str) -> None:
    named = rows[rows["name"] != ""]
    duplicated = named[named["name"].duplicated(keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        others = duplicated[duplicated["name"] == first["name"]]["codebook_row"].tolist()
        raise CodebookError(
            codebook.source,
            f"name {first['name']!r} is given by rows {others} for file {file_label!r} (their "
            "file patterns overlap); each name must be unique per file",
            row=int(others[-1]),
            column="name",
        )


def _header_key(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _match_columns(
    df: pd.DataFrame,
    rows: pd.DataFrame,
    source: Path,
    codebook: Codebook,
    *,
    sheet: str | None = None,
) -> dict[int, str]:
    """codebook_row -> raw column name, exact first, then by case- and space-free key."""
    originals = {str(c): c for c in df.columns}
    columns = list(originals)
    by_key: dict[str, list[str]] = {}
    for c in columns:
        by_key.setdefault(_header_key(c), []).append(c)
    matched: dict[int, str] = {}
    taken: dict[str, int] = {}
    missing_required: list[pd.Series] = []
    for _, spec in rows.iterrows():
        raw = spec["raw_name"]
        found = raw if raw in columns else None
        if found is None:
            candidates = by_key.get(_header_key(raw), [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is None:
            if spec["required"]:
                missing_required.append(spec)
            continue
        if found in taken:
            raise CodebookError(
                codebook.source,
                f"raw column {found!r} is matched by codebook rows {taken[found]} and "
                f"{spec['codebook_row']}",
                row=int(spec["codebook_row"]),
                column="raw_name",
            )
        taken[found] = int(spec["codebook_row"])
        matched[int(spec["codebook_row"])] = originals[found]
    if missing_required:
        first = missing_required[0]
        names = "; ".join(
            f"{s['raw_name']!r} (codebook row {s['codebook_row']}){did_you_mean(s['raw_name'], columns)}"
            for s in missing_required
        )
        raise CodebookError(
            source,
            f"required column missing from the file: {names}; the codebook is {codebook.source}",
            column=str(first["raw_name"]),
            sheet=sheet,
        )
    return matched


def _convert_column(
    raw: pd.Series, spec: pd.Series, *, cutoff: float
) -> tuple[pd.Series, list[dict[str, Any]]]:
    rows = raw_row_numbers(raw.index)
    text = _stripped(raw)
    entries: list[dict[str, Any]] = []
    text = _apply_missing_codes(text, spec["missing_codes"], rows, entries)
    kind = spec["type"]
    labels = parse_value_labels(spec["value_labels"]) if spec["value_labels"] else {}
    bounds = _bounds(spec, labels)
    if kind == "nip":
        values = normalise_digits(text)
    elif kind in ("name", "string", "id"):
        values = text.astype("str")
    elif kind in ("category", "likert") and labels:
        values = _convert_labels(text, labels, kind, rows, entries, cutoff=cutoff, bounds=bounds)
    elif kind == "category":
        values = text.astype("str")
    elif kind in ("integer", "number", "likert"):
        values = _convert_number(text, kind, rows, entries)
    elif kind in ("date", "datetime"):
        parsed, failed = parse_date(text)
        _log_failures(text, failed, rows, entries, f"not a {kind} (e.g. 12 Januari 2024)")
        values = parsed.dt.normalize() if kind == "date" else parsed
    elif kind == "boolean":
        values = _convert_boolean(text, rows, entries)
    else:  # pragma: no cover - types are validated on load
        raise ValueError(f"unknown type {kind!r}")
    if kind in _NUMERIC_TYPES:
        values = _check_range(values, text, bounds, rows, entries)
        if spec["reverse"]:
            values = _reverse(values, bounds, entries)
    return values.rename(spec["name"]), entries


def _stripped(raw: pd.Series) -> pd.Series:
    codes, uniques = distinct_values(raw)
    stripped = [v.strip() if isinstance(v, str) else v for v in uniques]
    objects = spread(stripped, codes)
    if all(isinstance(v, str) for v in stripped):
        return pd.Series(objects, index=raw.index, dtype="str")
    return pd.Series(objects, index=raw.index, dtype=object)


def _apply_missing_codes(
    text: pd.Series, codes_text: str, rows: np.ndarray, entries: list[dict[str, Any]]
) -> pd.Series:
    codes = [c.strip() for c in codes_text.split("|") if c.strip()] if codes_text else []
    if not codes:
        return text
    folded = {c.casefold() for c in codes}
    numbers = {n for n in (_as_number(c) for c in codes) if n is not None}
    cells, uniques = distinct_values(text)
    hit = [
        str(v).casefold() in folded or (number is not None and number in numbers)
        for v, number in ((v, _as_number(v)) for v in uniques)
    ]
    mask = pd.Series(np.array([*hit, False], dtype=bool)[cells], index=text.index)
    for row, old in zip(rows[mask.to_numpy()], text[mask], strict=True):
        entries.append(
            {
                "row": row,
                "old_value": old,
                "new_value": "",
                "reason": f"missing code {old!s} -> missing",
            }
        )
    return text.mask(mask)


def _log_failures(
    text: pd.Series,
    failed: pd.Series,
    rows: np.ndarray,
    entries: list[dict[str, Any]],
    reason: str,
) -> None:
    mask = failed.to_numpy()
    for row, old in zip(rows[mask], text[mask], strict=True):
        entries.append({"row": row, "old_value": old, "new_value": "", "reason": reason})


def _convert_number(
    text: pd.Series, kind: str, rows: np.ndarray, entries: list[dict[str, Any]]
) -> pd.Series:
    values, failed = parse_number(text)
    _log_failures(text, failed, rows, entries, "not a number")
    if kind != "integer":
        return values
    fractional = values.notna() & (values != values.round())
    _log_failures(text, fractional, rows, entries, "not a whole number")
    return values.mask(fractional).round().astype("Int64")


def _convert_labels(
    text: pd.Series,
    labels: dict[Any, str],
    kind: str,
    rows: np.ndarray,
    entries: list[dict[str, Any]],
    *,
    cutoff: float,
    bounds: tuple[float, float],
) -> pd.Series:
    """Label codes; a number outside ``bounds`` is kept for the range check to report."""
    matcher = _LabelMatcher(labels, synonyms=None, cutoff=cutoff)
    cells, uniques, found = _match_distinct(text, matcher)
    codes = spread([m.code for m in found], cells).tolist()
    # what each distinct value asks for: a number kept for the range check, or a log entry
    kept: dict[int, float] = {}
    logged: dict[int, tuple[Any, str]] = {}
    for k, (v, m) in enumerate(zip(uniques, found, strict=True)):
        number = _as_number(v) if m.code is None and kind == "likert" else None
        if number is not None and not bounds[0] <= number <= bounds[1]:
            kept[k] = number  # logged as out of range, the truer reason
        elif m.code is None:
            logged[k] = ("", f"label not in value_labels: {m.reason}")
        elif m.method in ("synonym", "fuzzy"):
            how = (
                "abbreviation/synonym"
                if m.method == "synonym"
                else (f"spelling (similarity {m.score:.2f})")
            )
            logged[k] = (m.code, f"label matched by {how}: {v!s} -> {m.label}")
    flagged = np.zeros(len(uniques) + 1, dtype=bool)
    flagged[list(kept) + list(logged)] = True
    for position in np.flatnonzero(flagged[cells]):
        k = int(cells[position])
        if k in kept:
            codes[position] = kept[k]
            continue
        new, reason = logged[k]
        entries.append(
            {"row": rows[position], "old_value": uniques[k], "new_value": new, "reason": reason}
        )
    if kind == "likert" or matcher.int_codes:
        floats = pd.Series([np.nan if c is None else float(c) for c in codes], index=text.index)
        return floats if kind == "likert" else floats.round().astype("Int64")
    return pd.Series(codes, index=text.index, dtype="str")


def _convert_boolean(text: pd.Series, rows: np.ndarray, entries: list[dict[str, Any]]) -> pd.Series:
    cells, uniques = distinct_values(text)
    parsed: list[Any] = []
    failed: list[bool] = []
    for v in uniques:
        try:
            parsed.append(parse_boolean(v))
            failed.append(False)
        except ValueError:
            parsed.append(pd.NA)
            failed.append(True)
    out = spread(parsed, cells, pd.NA)
    bad = np.array([*failed, False], dtype=bool)[cells]
    for position in np.flatnonzero(bad):
        entries.append(
            {
                "row": rows[position],
                "old_value": uniques[int(cells[position])],
                "new_value": "",
                "reason": "not a boolean (expected ya/tidak, true/false, 1/0)",
            }
        )
    return pd.Series(out, index=text.index, dtype="boolean")


def _bounds(spec: pd.Series, labels: Mapping[Any, str]) -> tuple[float, float]:
    """Valid range: ``min``/``max``, else (likert) the lowest and highest code; NaN if none."""
    codes = [float(k) for k in labels if isinstance(k, int)] if spec["type"] == "likert" else []
    low = spec["min"] if not math.isnan(spec["min"]) else (min(codes) if codes else math.nan)
    high = spec["max"] if not math.isnan(spec["max"]) else (max(codes) if codes else math.nan)
    return float(low), float(high)


def _check_range(
    values: pd.Series,
    text: pd.Series,
    bounds: tuple[float, float],
    rows: np.ndarray,
    entries: list[dict[str, Any]],
) -> pd.Series:
    low, high = bounds
    if math.isnan(low) and math.isnan(high):
        return values
    as_float = values.astype("float64")
    outside = pd.Series(False, index=values.index)
    if not math.isnan(low):
        outside |= (as_float < low).fillna(False)
    if not math.isnan(high):
        outside |= (as_float > high).fillna(False)
    if not outside.any():
        return values
    bounds = f"[{'' if math.isnan(low) else f'{low:g}'}, {'' if math.isnan(high) else f'{high:g}'}]"
    mask = outside.to_numpy()
    for row, old in zip(rows[mask], text[mask], strict=True):
        entries.append(
            {
                "row": row,
                "old_value": old,
                "new_value": "",
                "reason": f"outside the valid range {bounds}",
            }
        )
    return values.mask(outside)


def _reverse(
    values: pd.Series, bounds: tuple[float, float], entries: list[dict[str, Any]]
) -> pd.Series:
    low, high = bounds
    entries.append({"reason": f"reverse-coded: {low:g} + {high:g} - x"})
    reversed_ = (low + high) - values
    return reversed_.astype(values.dtype) if str(values.dtype) == "Int64" else reversed_
