"""Codebooks: load and validate them, apply them to raw tables, and draft them from raw files.

The Python counterpart of DIME's ``iecodebook``. A codebook (``data/raw/<region>/codebook.csv``,
format in ARCHITECTURE.md) has one row per raw variable and says what it becomes: a clean
snake_case ``name``, a ``type``, value labels, a valid range, missing codes, scale membership
and reverse coding. :func:`apply_codebook` does all of it and logs every change it makes, one
row per cell, in the cleaning-log layout (:data:`LOG_COLUMNS`).

Command line (a starting codebook from a raw file, like ``iecodebook template``)::

    python -m helpers.codebook template data/raw/kepahiang/survei_pre.csv -o codebook.csv

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "codebook.csv").write_text(
...     "file,raw_name,name,type,value_labels\\n"
...     "survei.csv,Saya puas,satisfied,likert,"
...     "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju\\n")
>>> cb = load_codebook(d / "codebook.csv")
>>> raw = pd.DataFrame({"Saya puas": ["SANGAT SETUJU", "sgt setuju", "Setju", "Netral"]})
>>> apply_codebook(raw, cb, file_name="survei.csv").data["satisfied"].tolist()
[5.0, 5.0, 4.0, 3.0]
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import math
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from helpers.errors import CodebookError, InputFileError
from helpers.reading import (
    cell_text,
    did_you_mean,
    is_missing,
    normalise_digits,
    parse_date,
    parse_number,
    raw_row_numbers,
    read_table,
)
from helpers.sources import KOBO_META_COLUMNS, Export, clean_header, header_group, read_export
from helpers.storage import write_csv_atomic

__all__ = [
    "Codebook",
    "CleanResult",
    "CodebookType",
    "CODEBOOK_TYPES",
    "CODEBOOK_COLUMNS",
    "OPTIONAL_CODEBOOK_COLUMNS",
    "LOG_COLUMNS",
    "load_codebook",
    "apply_codebook",
    "map_labels",
    "normalise_label",
    "parse_value_labels",
    "parse_boolean",
    "codebook_template",
    "make_log",
    "KNOWN_SCALES",
    "main",
]

CodebookType = Literal[
    "nip",
    "name",
    "id",
    "string",
    "category",
    "integer",
    "number",
    "date",
    "datetime",
    "likert",
    "boolean",
    "drop",
]
CODEBOOK_TYPES: tuple[str, ...] = get_args(CodebookType)
CODEBOOK_COLUMNS = (
    "file",
    "raw_name",
    "name",
    "type",
    "label",
    "value_labels",
    "scale",
    "reverse",
    "min",
    "max",
    "missing_codes",
    "required",
)
OPTIONAL_CODEBOOK_COLUMNS = ("group", "sheet")
"""Optional columns: ``group`` (the header's group path in a KoboToolbox export; information
only, ignored when cleaning) and ``sheet`` (the XLSX sheet the row applies to, for the repeat
sheets of a KoboToolbox export; empty: the file's main table)."""
_REQUIRED_CODEBOOK_COLUMNS = ("raw_name", "name", "type")
LOG_COLUMNS = ("step", "table", "file", "row", "column", "old_value", "new_value", "reason")
_NUMERIC_TYPES = ("integer", "number", "likert")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STEP = "codebook"

KNOWN_SCALES: dict[str, str] = {
    "agreement_5": "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju",
    "agreement_4": "1=Sangat tidak setuju|2=Tidak setuju|3=Setuju|4=Sangat setuju",
    "satisfaction_5": "1=Sangat tidak puas|2=Tidak puas|3=Cukup puas|4=Puas|5=Sangat puas",
    "satisfaction_4": "1=Sangat tidak puas|2=Tidak puas|3=Puas|4=Sangat puas",
    "quality_4": "1=Tidak baik|2=Kurang baik|3=Baik|4=Sangat baik",
    "frequency_5": "1=Tidak pernah|2=Jarang|3=Kadang-kadang|4=Sering|5=Selalu",
}
"""Likert scales :func:`codebook_template` recognises (5-point preferred on a tie)."""


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanResult:
    """A cleaned table and the log of what cleaning changed (:data:`LOG_COLUMNS`)."""

    data: pd.DataFrame
    log: pd.DataFrame


def make_log(records: Sequence[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """A cleaning log from dicts with keys in :data:`LOG_COLUMNS` (others are refused).

    ``row`` is a nullable integer (the 1-based raw data row, missing for column-level
    entries); every other column is text, ``""`` when empty.

    Examples
    --------
    >>> log = make_log([{"step": "codebook", "row": 3, "column": "x", "reason": "not a number"}])
    >>> log.loc[0, ["column", "old_value", "reason"]].tolist(), int(log.loc[0, "row"])
    (['x', '', 'not a number'], 3)
    """
    columns: dict[str, list[Any]] = {c: [] for c in LOG_COLUMNS}
    for record in records:
        unknown = set(record) - set(LOG_COLUMNS)
        if unknown:
            raise ValueError(f"unknown cleaning-log keys {sorted(unknown)}; expected {LOG_COLUMNS}")
        for c in LOG_COLUMNS:
            value = record.get(c)
            if c == "row":
                columns[c].append(None if value is None or pd.isna(value) else int(value))
            else:
                columns[c].append(cell_text(value))
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype="Int64" if c == "row" else "str") for c, v in columns.items()}
    )
    return frame


# --------------------------------------------------------------------------------------------
# the codebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codebook:
    """A validated codebook.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per raw variable with the columns of :data:`CODEBOOK_COLUMNS` (``file`` is
        ``"*"`` where empty; ``reverse``/``required`` bool; ``min``/``max`` float; text
        columns ``""`` where empty) plus ``codebook_row`` (the 1-based row in the codebook
        file), the optional ``group`` and ``sheet`` (text, ``""`` where empty) when the file
        has them (:data:`OPTIONAL_CODEBOOK_COLUMNS`), and any other extra columns.
    path : Path or None
        The codebook file (named in error messages).
    """

    table: pd.DataFrame
    path: Path | None = None

    def for_file(self, file_name: str | Path, sheet: str | None = None) -> pd.DataFrame:
        """Rows whose ``file`` pattern (a glob, case-insensitive) matches ``file_name``.

        Only the base name of ``file_name`` is compared. When the codebook has a ``sheet``
        column: ``sheet=None`` selects the rows whose ``sheet`` is empty (the file's main
        table); a sheet name selects the rows naming that sheet (ignoring case), or, when no
        row names it, the rows whose ``sheet`` is empty. Without a ``sheet`` column every
        matching row applies, whatever the sheet.
        """
        base = Path(file_name).name.casefold()
        mask = [fnmatch.fnmatchcase(base, str(p).casefold()) for p in self.table["file"]]
        rows = self.table.loc[mask]
        if "sheet" in rows.columns:
            sheets = rows["sheet"].fillna("").astype("str").str.strip().str.casefold()
            main = sheets == ""
            wanted = "" if sheet is None else str(sheet).strip().casefold()
            named = (sheets == wanted) & ~main
            rows = rows.loc[named if named.any() else main]
        return rows.reset_index(drop=True)

    @property
    def source(self) -> Path:
        """The codebook file, or ``Path("codebook")`` for one built in memory."""
        return self.path if self.path is not None else Path("codebook")


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook from CSV, XLSX or YAML (a list of row mappings).

    Parameters
    ----------
    path : str or Path
        The codebook file.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        A required column (``raw_name``, ``name``, ``type``) is missing, or a row is invalid:
        an unknown ``type``, a ``name`` that is not snake_case or is used twice for the same
        ``file`` pattern, a ``raw_name`` mapped twice, unparseable ``value_labels``, a
        non-number ``min``/``max`` or ``min > max``, a ``reverse``/``required`` that is not a
        boolean, reverse coding without a known range, a ``scale`` item that is not numeric.
        The message names the codebook file, the first bad row (1-based, header excluded)
        and column, and lists the other problems.
    """
    path = Path(path)
    raw = _read_codebook_file(path)
    columns = {str(c).strip().casefold(): c for c in raw.columns}
    missing = [c for c in _REQUIRED_CODEBOOK_COLUMNS if c not in columns]
    if missing:
        found = [str(c) for c in raw.columns]
        raise CodebookError(
            path,
            f"codebook columns missing: {', '.join(repr(m) for m in missing)}; columns found: "
            f"{', '.join(repr(f) for f in found)}; expected {', '.join(CODEBOOK_COLUMNS)}",
            column=missing[0],
        )
    raw = raw.rename(columns={orig: key for key, orig in columns.items()})
    table = _validate_codebook(path, raw)
    return Codebook(table=table, path=path)


def _read_codebook_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml_codebook(path)
    try:
        return read_table(path)
    except CodebookError:
        raise
    except InputFileError as exc:
        raise CodebookError(
            exc.path, exc.message, row=exc.row, column=exc.column, sheet=exc.sheet
        ) from exc


def _read_yaml_codebook(path: Path) -> pd.DataFrame:
    import yaml

    if not path.is_file():
        raise CodebookError(path, "file not found")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CodebookError(path, f"not valid YAML{where}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CodebookError(path, "not UTF-8 text") from exc
    if not isinstance(content, list) or not content:
        raise CodebookError(path, "a YAML codebook must be a non-empty list of row mappings")
    records = []
    for number, item in enumerate(content, start=1):
        if not isinstance(item, Mapping):
            raise CodebookError(
                path, f"item is a {type(item).__name__}, expected a mapping", row=number
            )
        records.append({str(k): _yaml_text(v) for k, v in item.items()})
    return pd.DataFrame.from_records(records)


def _yaml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):  # value_labels written as a mapping {1: Sangat tidak setuju}
        return "|".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):  # missing_codes written as a list
        return "|".join(str(v) for v in value)
    return str(value)


def _validate_codebook(path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    problems: list[tuple[int, str, str]] = []
    records: list[dict[str, Any]] = []
    extra = [c for c in raw.columns if c not in CODEBOOK_COLUMNS]
    for position, (_, row) in enumerate(raw.iterrows(), start=1):
        cells = {c: _cell(row.get(c)) for c in CODEBOOK_COLUMNS}
        if not any(cells.values()):
            continue  # a blank line
        record = _validate_row(position, cells, problems)
        record["codebook_row"] = position
        for c in extra:
            record[c] = _cell(row.get(c)) if c in OPTIONAL_CODEBOOK_COLUMNS else row.get(c)
        records.append(record)
    if not records and not problems:
        raise CodebookError(path, "the codebook has no rows")
    _check_unique_per_file(records, problems)
    if problems:
        problems.sort(key=lambda p: p[0])
        row, column, message = problems[0]
        others = [f"row {r} column {c!r}: {m}" for r, c, m in problems[1:6]]
        more = f"; {len(problems) - 6} more" if len(problems) > 6 else ""
        also = f". Also: {'; '.join(others)}{more}" if others else ""
        raise CodebookError(path, f"{message}{also}", row=row, column=column)
    table = pd.DataFrame.from_records(records)
    for c in (
        "file",
        "raw_name",
        "name",
        "type",
        "label",
        "value_labels",
        "scale",
        "missing_codes",
    ):
        table[c] = table[c].astype("str")
    table["reverse"] = table["reverse"].astype(bool)
    table["required"] = table["required"].astype(bool)
    table["min"] = table["min"].astype("float64")
    table["max"] = table["max"].astype("float64")
    table["codebook_row"] = table["codebook_row"].astype("int64")
    for c in OPTIONAL_CODEBOOK_COLUMNS:
        if c in table.columns:
            table[c] = table[c].astype("str")
    return table


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _validate_row(
    number: int, cells: dict[str, str], problems: list[tuple[int, str, str]]
) -> dict[str, Any]:
    def bad(column: str, message: str) -> None:
        problems.append((number, column, message))

    kind = cells["type"].casefold()
    if kind not in CODEBOOK_TYPES:
        hint = did_you_mean(kind, CODEBOOK_TYPES)
        bad("type", f"unknown type {cells['type']!r}{hint}; expected one of {CODEBOOK_TYPES}")
    if not cells["raw_name"]:
        bad("raw_name", "raw_name is empty; give the header exactly as in the raw file")
    name = cells["name"]
    if not name and kind != "drop":
        bad("name", "name is empty; give a snake_case name (or type 'drop')")
    elif name and not _NAME.match(name):
        bad("name", f"name {name!r} is not snake_case (lower-case letters, digits, _)")
    labels: dict[Any, str] = {}
    if cells["value_labels"]:
        try:
            labels = parse_value_labels(cells["value_labels"])
        except ValueError as exc:
            bad("value_labels", str(exc))
        if kind in CODEBOOK_TYPES and kind not in ("likert", "category"):
            bad("value_labels", f"value_labels are used by likert and category only, not {kind!r}")
    bounds = {}
    for c in ("min", "max"):
        bounds[c] = math.nan
        if cells[c]:
            values, failed = parse_number(pd.Series([cells[c]], dtype="str"))
            if failed.iloc[0]:
                bad(c, f"{c} {cells[c]!r} is not a number")
            else:
                bounds[c] = float(values.iloc[0])
            if kind in CODEBOOK_TYPES and kind not in _NUMERIC_TYPES:
                bad(c, f"min/max apply to {', '.join(_NUMERIC_TYPES)} columns, not {kind!r}")
    if bounds["min"] > bounds["max"]:  # False when either is NaN
        bad("min", f"min {bounds['min']:g} is greater than max {bounds['max']:g}")
    flags = {}
    for c in ("reverse", "required"):
        try:
            flags[c] = parse_boolean(cells[c], default=False)
        except ValueError:
            bad(c, f"{c} {cells[c]!r} is not a boolean; write true or false")
            flags[c] = False
    if kind == "likert":
        if labels and not all(isinstance(k, int) for k in labels):
            bad("value_labels", "likert value_labels need whole-number codes (1=...|2=...)")
        no_range = math.isnan(bounds["min"]) or math.isnan(bounds["max"])
        if not cells["value_labels"] and no_range:
            bad("value_labels", "a likert item needs value_labels (or both min and max)")
    if flags["reverse"]:
        int_codes = [k for k in labels if isinstance(k, int)]
        known = (not math.isnan(bounds["min"]) and not math.isnan(bounds["max"])) or bool(
            kind == "likert" and int_codes
        )
        if kind in CODEBOOK_TYPES and (kind not in _NUMERIC_TYPES or not known):
            bad(
                "reverse",
                "reverse coding needs a likert item with value_labels, or a numeric "
                "item with min and max",
            )
    scale = cells["scale"]
    if scale:
        if not _NAME.match(scale):
            bad("scale", f"scale {scale!r} is not snake_case")
        if kind in CODEBOOK_TYPES and kind not in _NUMERIC_TYPES:
            bad("scale", f"scale items must be likert, integer or number, not {kind!r}")
    return {
        "file": cells["file"] or "*",
        "raw_name": cells["raw_name"],
        "name": name,
        "type": kind,
        "label": cells["label"],
        "value_labels": cells["value_labels"],
        "scale": scale,
        "reverse": flags["reverse"],
        "min": bounds["min"],
        "max": bounds["max"],
        "missing_codes": cells["missing_codes"],
        "required": flags["required"],
    }


def _check_unique_per_file(
    records: list[dict[str, Any]], problems: list[tuple[int, str, str]]
) -> None:
    seen_name: dict[tuple[str, str, str], int] = {}
    seen_raw: dict[tuple[str, str, str], int] = {}
    for r in records:
        pattern = r["file"].casefold()
        sheet = str(r.get("sheet") or "").casefold()
        where = f" sheet {r['sheet']!r}" if sheet else ""
        if r["name"]:
            key = (pattern, sheet, r["name"])
            if key in seen_name:
                problems.append(
                    (
                        r["codebook_row"],
                        "name",
                        f"name {r['name']!r} is used twice "
                        f"for file {r['file']!r}{where} (also row {seen_name[key]})",
                    )
                )
            else:
                seen_name[key] = r["codebook_row"]
        if r["raw_name"]:
            key = (pattern, sheet, r["raw_name"])
            if key in seen_raw:
                problems.append(
                    (
                        r["codebook_row"],
                        "raw_name",
                        f"raw_name {r['raw_name']!r} "
                        f"appears twice for file {r['file']!r}{where} (also row {seen_raw[key]})",
                    )
                )
            else:
                seen_raw[key] = r["codebook_row"]


def parse_value_labels(text: str) -> dict[Any, str]:
    """Parse ``"1=Sangat tidak setuju|2=Tidak setuju"`` into ``{1: "Sangat tidak setuju", ...}``.

    Codes are ints when every code is a whole number, else text (``"M=Laki-laki|F=Perempuan"``).

    Raises
    ------
    ValueError
        An item without ``=``, an empty code or label, or a code or label used twice.

    Examples
    --------
    >>> parse_value_labels("1=Tidak | 2 = Ya")
    {1: 'Tidak', 2: 'Ya'}
    >>> parse_value_labels("M=Laki-laki|F=Perempuan")
    {'M': 'Laki-laki', 'F': 'Perempuan'}
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("value_labels are empty")
    pairs: list[tuple[str, str]] = []
    for item in text.split("|"):
        if not item.strip():
            continue
        if "=" not in item:
            raise ValueError(
                f"value_labels item {item.strip()!r} has no '='; expected code=label items "
                "separated by '|', e.g. 1=Tidak setuju|2=Setuju"
            )
        code, label = (part.strip() for part in item.split("=", 1))
        if not code or not label:
            raise ValueError(f"value_labels item {item.strip()!r} needs both a code and a label")
        pairs.append((code, label))
    if not pairs:
        raise ValueError("value_labels hold no code=label items")
    whole = all(re.fullmatch(r"[+-]?\d+(?:\.0+)?", c) for c, _ in pairs)
    labels: dict[Any, str] = {}
    seen_labels: dict[str, Any] = {}
    for code_text, label in pairs:
        code: Any = int(float(code_text)) if whole else code_text
        if code in labels:
            raise ValueError(f"value_labels code {code_text!r} appears twice")
        norm = normalise_label(label)
        if norm in seen_labels:
            raise ValueError(
                f"value_labels label {label!r} appears twice (codes {seen_labels[norm]} and "
                f"{code_text})"
            )
        labels[code] = label
        seen_labels[norm] = code_text
    return labels


_TRUE = frozenset({"true", "ya", "yes", "y", "iya", "benar", "sudah", "1"})
_FALSE = frozenset({"false", "tidak", "tdk", "no", "n", "salah", "belum", "bukan", "0"})


def parse_boolean(value: Any, *, default: bool | None = None) -> bool | None:
    """Read ya/tidak, true/false, yes/no, 1/0 (any case); empty gives ``default``.

    Raises
    ------
    ValueError
        Anything else.

    Examples
    --------
    >>> parse_boolean("Ya"), parse_boolean("TIDAK"), parse_boolean("", default=False)
    (True, False, False)
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return default
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = _as_number(value)
    if number in (0.0, 1.0):
        return number == 1.0
    text = normalise_label(value)
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not a boolean (expected ya/tidak, true/false, 1/0)")


# --------------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['\u2018\u2019`\u00b4]")
WORD_SYNONYMS: dict[str, str] = {
    "sgt": "sangat",
    "sngt": "sangat",
    "sgat": "sangat",
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "tdak": "tidak",
    "stj": "setuju",
    "stju": "setuju",
    "krg": "kurang",
    "ckp": "cukup",
}
"""Word-level abbreviations expanded before label matching."""
ANSWER_SYNONYMS: dict[str, str] = {
    "sts": "sangat tidak setuju",
    "ts": "tidak setuju",
    "n": "netral",
    "rr": "ragu ragu",
    "s": "setuju",
    "ss": "sangat setuju",
    "ks": "kurang setuju",
    "stp": "sangat tidak puas",
    "tp": "tidak puas",
    "kp": "kurang puas",
    "cp": "cukup puas",
    "p": "puas",
    "sp": "sangat puas",
}
"""Whole-answer abbreviations common on Indonesian questionnaires (SS, S, N, TS, STS...)."""
MIDPOINT_LABELS = frozenset(
    {
        "netral",
        "ragu ragu",
        "ragu",
        "biasa saja",
        "biasa",
        "cukup",
        "cukup puas",
        "cukup setuju",
        "cukup baik",
        "sedang",
        "kadang kadang",
    }
)
"""Midpoint answers treated as one another when the scale has exactly one of them."""


def normalise_label(text: Any) -> str:
    """Casefold, drop apostrophes, turn other punctuation into spaces, collapse whitespace.

    Examples
    --------
    >>> normalise_label("  Sangat   SETUJU. ")
    'sangat setuju'
    >>> normalise_label("Ragu-ragu")
    'ragu ragu'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = _APOSTROPHES.sub("", s)
    s = _PUNCTUATION.sub(" ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class _Match:
    code: Any  # None when unmapped
    method: str  # exact, code, number, synonym, fuzzy, unmapped
    label: str = ""
    score: float = 1.0
    reason: str = ""


class _LabelMatcher:
    """Matches answers to value labels: exact, code, number, synonyms, then fuzzy."""

    def __init__(
        self,
        value_labels: Mapping[Any, str],
        *,
        synonyms: Mapping[str, Any] | None,
        cutoff: float,
    ) -> None:
        if not value_labels:
            raise ValueError("value_labels are empty")
        if not 0 < cutoff <= 1:
            raise ValueError(f"cutoff must be in (0, 1], got {cutoff}")
        self.labels = dict(value_labels)
        self.cutoff = cutoff
        self.by_norm = {normalise_label(label): code for code, label in self.labels.items()}
        self.int_codes = all(
            isinstance(c, (int, np.integer)) and not isinstance(c, bool) for c in self.labels
        )
        self.text_codes = {str(c).strip().casefold(): c for c in self.labels}
        self.user: dict[str, Any] = {}
        for variant, target in (synonyms or {}).items():
            if target in self.labels:
                self.user[normalise_label(variant)] = target
            elif normalise_label(target) in self.by_norm:
                self.user[normalise_label(variant)] = self.by_norm[normalise_label(target)]
            else:
                raise ValueError(
                    f"synonym {variant!r} -> {target!r}: {target!r} is neither a code nor a "
                    f"label of {self.labels}"
                )
        midpoints = [n for n in self.by_norm if n in MIDPOINT_LABELS]
        self.midpoint = self.by_norm[midpoints[0]] if len(midpoints) == 1 else None

    def match(self, value: Any) -> _Match:
        number = _as_number(value)
        if number is not None:
            if self.int_codes and float(number).is_integer() and int(number) in self.labels:
                code = int(number)
                return _Match(code, "number", self.labels[code])
            if not self.int_codes and str(value).strip().casefold() in self.text_codes:
                code = self.text_codes[str(value).strip().casefold()]
                return _Match(code, "code", self.labels[code])
            return _Match(
                None,
                "unmapped",
                reason=f"number {value!s} is not a code of {_codes_text(self.labels)}",
            )
        if not self.int_codes and str(value).strip().casefold() in self.text_codes:
            code = self.text_codes[str(value).strip().casefold()]
            return _Match(code, "code", self.labels[code])
        norm = normalise_label(value)
        if norm in self.by_norm:
            code = self.by_norm[norm]
            return _Match(code, "exact", self.labels[code])
        if norm in self.user:
            code = self.user[norm]
            return _Match(code, "synonym", self.labels[code])
        expanded = ANSWER_SYNONYMS.get(norm) or " ".join(
            WORD_SYNONYMS.get(w, w) for w in norm.split()
        )
        if expanded in self.by_norm:
            code = self.by_norm[expanded]
            return _Match(code, "synonym", self.labels[code])
        if expanded in MIDPOINT_LABELS and self.midpoint is not None:
            return _Match(self.midpoint, "synonym", self.labels[self.midpoint])
        scores = {n: difflib.SequenceMatcher(None, expanded, n).ratio() for n in self.by_norm}
        close = sorted((s, n) for n, s in scores.items() if s >= self.cutoff)
        if len(close) == 1:
            score, n = close[0]
            code = self.by_norm[n]
            return _Match(code, "fuzzy", self.labels[code], score=score)
        if len(close) > 1:
            names = " and ".join(repr(self.labels[self.by_norm[n]]) for _, n in close[-2:])
            return _Match(None, "unmapped", reason=f"ambiguous: close to {names}")
        best = max(scores.items(), key=lambda kv: kv[1])
        return _Match(
            None,
            "unmapped",
            reason=f"no label within similarity {self.cutoff:g} (closest "
            f"{self.labels[self.by_norm[best[0]]]!r}, {best[1]:.2f})",
        )


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    text = str(value).strip().replace(",", ".")
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
        return float(text)
    return None


def _codes_text(labels: Mapping[Any, str]) -> str:
    return "value_labels (" + ", ".join(f"{c}={lab}" for c, lab in labels.items()) + ")"


def _match_values(
    values: pd.Series, matcher: _LabelMatcher
) -> tuple[list[Any], dict[Any, _Match], list[bool]]:
    """Codes per cell (None where missing or unmapped), matches by distinct value, missingness."""
    cache: dict[Any, _Match] = {}
    codes: list[Any] = []
    missing: list[bool] = []
    for v in values.astype(object):
        if is_missing(v):
            codes.append(None)
            missing.append(True)
            continue
        missing.append(False)
        key = v if isinstance(v, str) else (type(v).__name__, v)
        if key not in cache:
            cache[key] = matcher.match(v)
        codes.append(cache[key].code)
    return codes, cache, missing


def map_labels(
    values: pd.Series,
    value_labels: Mapping[int, str],
    *,
    synonyms: Mapping[str, Any] | None = None,
    cutoff: float = 0.85,
) -> tuple[pd.Series, pd.DataFrame]:
    """Map Likert (or other labelled) answers to their numeric codes.

    Parameters
    ----------
    values : pandas.Series
        Answers as text (``"Sangat Setuju "``, ``"sgt setuju"``, ``"Setju"``, ``"4"``, ...).
    value_labels : mapping of int to str
        ``{1: "Sangat tidak setuju", ..., 5: "Sangat setuju"}``.
    synonyms : mapping of str to str or int, optional
        Extra whole-answer variants: ``{"ok": "Setuju"}`` or ``{"ok": 4}``; tried after an
        exact match.
    cutoff : float
        Least :class:`difflib.SequenceMatcher` similarity for a spelling match.

    Returns
    -------
    codes : pandas.Series of float64
        Same index; NaN where missing or unmapped.
    unmapped : pandas.DataFrame
        One row per distinct answer that was not mapped: ``value`` (as written), ``count``,
        ``rows`` (list of 1-based raw rows, index + 1), ``reason``. Nothing is dropped
        silently.

    Notes
    -----
    Order of attempts, on the answer normalised by :func:`normalise_label`:

    1. a number (``"4"``, ``"4.0"``, ``"4,0"``) that is one of the codes;
    2. the same text as a label;
    3. a ``synonyms`` entry;
    4. after expanding abbreviations (:data:`ANSWER_SYNONYMS` for whole answers such as
       ``SS``/``TS``, else :data:`WORD_SYNONYMS` word by word: ``sgt`` -> ``sangat``,
       ``tdk``/``tak``/``gak`` -> ``tidak``, ``stj`` -> ``setuju``), the same text as a label;
    5. a midpoint answer (``Netral``, ``Ragu-ragu``, ``Biasa saja``, ``Cukup``...) when the
       scale has exactly one midpoint label (:data:`MIDPOINT_LABELS`);
    6. a spelling match: the one label whose similarity to the expanded answer is at least
       ``cutoff`` (0.85 accepts one dropped or swapped letter in a short label, ``Setju`` ->
       ``Setuju``, and keeps ``Setuju`` apart from ``Sangat setuju`` and ``Tidak setuju``).
       Two labels above the cutoff is ambiguous: unmapped.

    Examples
    --------
    >>> labels = {1: "Sangat tidak setuju", 2: "Tidak setuju", 3: "Netral", 4: "Setuju",
    ...           5: "Sangat setuju"}
    >>> codes, unmapped = map_labels(pd.Series(["sgt setuju", "Ragu-ragu", "4.0", "Mungkin"]),
    ...                              labels)
    >>> codes.tolist()
    [5.0, 3.0, 4.0, nan]
    >>> unmapped[["value", "count", "rows"]].to_dict("records")
    [{'value': 'Mungkin', 'count': 1, 'rows': [4]}]
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}")
    matcher = _LabelMatcher(value_labels, synonyms=synonyms, cutoff=cutoff)
    if not matcher.int_codes:
        raise ValueError(f"map_labels needs whole-number codes, got {list(value_labels)}")
    codes, matches, _ = _match_values(values, matcher)
    out = pd.Series(
        [np.nan if c is None else float(c) for c in codes],
        index=values.index,
        name=values.name,
        dtype="float64",
    )
    return out, _unmapped_report(values, matches)


def _unmapped_report(values: pd.Series, matches: Mapping[Any, _Match]) -> pd.DataFrame:
    rows = raw_row_numbers(values.index)
    found: dict[Any, dict[str, Any]] = {}
    for v, row in zip(values.astype(object), rows, strict=True):
        if is_missing(v):
            continue
        key = v if isinstance(v, str) else (type(v).__name__, v)
        m = matches[key]
        if m.code is not None:
            continue
        entry = found.setdefault(key, {"value": str(v), "count": 0, "rows": [], "reason": m.reason})
        entry["count"] += 1
        entry["rows"].append(int(row))
    frame = pd.DataFrame(list(found.values()), columns=["value", "count", "rows", "reason"])
    frame = frame.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)
    return frame.astype({"value": "str", "count": "int64", "reason": "str"})


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
        The raw table (from :func:`helpers.reading.read_table`; index label + 1 = raw row).
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
      :func:`helpers.nip.validate_nip`); ``name``/``string``/``id`` -> stripped text;
    * ``category`` -> the code of the matching value label (``Int64`` for whole-number codes,
      text otherwise), or stripped text without value labels;
    * ``integer``/``number`` -> :func:`~helpers.reading.parse_number` (``Int64``/``float64``);
    * ``date``/``datetime`` -> :func:`~helpers.reading.parse_date` (``date`` drops the time);
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
    objects = [
        None if is_missing(v) else (v.strip() if isinstance(v, str) else v)
        for v in raw.astype(object)
    ]
    if all(v is None or isinstance(v, str) for v in objects):
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
    hit = []
    for v in text.astype(object):
        if is_missing(v):
            hit.append(False)
            continue
        number = _as_number(v)
        hit.append(str(v).casefold() in folded or (number is not None and number in numbers))
    mask = pd.Series(hit, index=text.index)
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
    codes, matches, _ = _match_values(text, matcher)
    for position, (row, v) in enumerate(zip(rows, text.astype(object), strict=True)):
        if is_missing(v):
            continue
        m = matches[v if isinstance(v, str) else (type(v).__name__, v)]
        number = _as_number(v) if m.code is None and kind == "likert" else None
        if number is not None and not bounds[0] <= number <= bounds[1]:
            codes[position] = number  # logged as out of range, the truer reason
        elif m.code is None:
            entries.append(
                {
                    "row": row,
                    "old_value": v,
                    "new_value": "",
                    "reason": f"label not in value_labels: {m.reason}",
                }
            )
        elif m.method in ("synonym", "fuzzy"):
            how = (
                "abbreviation/synonym"
                if m.method == "synonym"
                else (f"spelling (similarity {m.score:.2f})")
            )
            entries.append(
                {
                    "row": row,
                    "old_value": v,
                    "new_value": m.code,
                    "reason": f"label matched by {how}: {v!s} -> {m.label}",
                }
            )
    if kind == "likert" or matcher.int_codes:
        floats = pd.Series([np.nan if c is None else float(c) for c in codes], index=text.index)
        return floats if kind == "likert" else floats.round().astype("Int64")
    return pd.Series(codes, index=text.index, dtype="str")


def _convert_boolean(text: pd.Series, rows: np.ndarray, entries: list[dict[str, Any]]) -> pd.Series:
    out: list[Any] = []
    for row, v in zip(rows, text.astype(object), strict=True):
        try:
            out.append(pd.NA if is_missing(v) else parse_boolean(v))
        except ValueError:
            entries.append(
                {
                    "row": row,
                    "old_value": v,
                    "new_value": "",
                    "reason": "not a boolean (expected ya/tidak, true/false, 1/0)",
                }
            )
            out.append(pd.NA)
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


# --------------------------------------------------------------------------------------------
# template
# --------------------------------------------------------------------------------------------

_STOPWORD_TEXT = (
    "saya anda bapak ibu yang dan di ke dari dengan untuk pada dalam ini itu adalah apakah "
    "atau oleh akan telah sudah the a an of to and is are do you your"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NUMBERING = re.compile(
    r"^\s*(?:(?:no|nomor|q|p|pertanyaan|soal|butir|item)\.?\s*)?"
    r"(?:[a-z]\s*)?\d+(?:[.\-]\d+)*\s*[.):\-]?\s+|^\s*[a-z][.)]\s+",
    re.IGNORECASE,
)
_NAME_HEADERS = ("nama", "name", "full name", "nama lengkap")
_ID_HEADERS = {"_id", "_uuid", "_index", "id", "uuid", "meta/instanceid", "instanceid"}
_MAX_NAME = 32
_MAX_LABELS = 20


def codebook_template(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Draft a codebook from a raw file: one row per column, to be checked and edited.

    Parameters
    ----------
    path : str or Path
        The raw CSV or XLSX file: a plain table, or a KoboToolbox or Google Forms export
        (recognised by :func:`helpers.sources.read_export`).
    sheet : str or int, optional
        XLSX sheet of the main table (default: the first; for a Google Forms workbook its
        responses sheet). KoboToolbox repeat sheets are always included.

    Returns
    -------
    pandas.DataFrame
        :data:`CODEBOOK_COLUMNS`, all text: ``file`` = the file name, ``raw_name`` as written,
        ``label`` = the header, a suggested ``name`` (ASCII, question numbering and filler
        words removed, at most 32 characters at a word boundary, unique), a guessed ``type``
        and, for likert and category guesses, ``value_labels`` (a known scale from
        :data:`KNOWN_SCALES`, or the distinct values seen, up to 20, numbered in order of
        first appearance). ``reverse``/``required`` are ``false`` except ``required`` for a
        ``nip`` column.

        A KoboToolbox export adds ``group`` (the header's group path, e.g.
        ``participants/feedback``; the ``name`` is suggested from the last path component)
        and, when it has repeat sheets, ``sheet``: the main table's rows come first (``sheet``
        empty), then one block per repeat sheet (``sheet`` = its name, with its link columns
        ``_index``, ``_parent_index``, ``parent_row``, ``submission_row``). Names are unique
        within each block.

    Notes
    -----
    The type guess, on the non-missing values: ``nip`` if 80% are 18-digit strings;
    ``name``/``id`` from the header (``Nama``..., Kobo ``_id``/``_uuid``); ``integer`` or
    ``number`` if every value is a number; ``date``/``datetime`` if 90% parse as dates and
    are not plain numbers; ``likert`` if 90% of answers match one known scale; ``boolean``
    for ya/tidak answers; ``category`` for at most 20 distinct values that repeat;
    ``string`` otherwise. A guess is a suggestion: check every row.

    Tool exports are read through :func:`helpers.sources.read_export`, so the rows describe
    the table :meth:`helpers.sources.Export.as_table` gives (the answers, then the tool's
    metadata; Google Forms' timestamp first): multi-select answers are one ``string``
    column of choices joined by ``;`` (the choices seen are listed in ``label``), Kobo's
    split select_multiple columns are gone, ``n/a`` is missing. Tool bookkeeping columns
    (Kobo ``_status``, ``_notes``, ``__version__``..., and the ``_submission__...`` copies of
    the submission's metadata on repeat sheets) are suggested as ``drop``.
    """
    path = Path(path)
    export = read_export(path, sheet=sheet)
    if export.source not in ("kobotoolbox", "google_forms"):
        records = _template_block(path.name, export.main, separator="/", multiselect={})
        return pd.DataFrame.from_records(records, columns=list(CODEBOOK_COLUMNS)).astype("str")
    return _tool_template(path.name, export)


def _tool_template(file_name: str, export: Export) -> pd.DataFrame:
    separator = export.group_separator or "/"
    is_kobo = export.source == "kobotoolbox"
    blocks = [("", export.as_table())] + list(export.repeats.items())
    records: list[dict[str, str]] = []
    for sheet_name, frame in blocks:
        for record in _template_block(
            file_name, frame, separator=separator, multiselect=export.multiselect
        ):
            if is_kobo:
                record["group"] = header_group(record["raw_name"], export.group_separator)
            record["sheet"] = sheet_name
            records.append(record)
    columns = list(CODEBOOK_COLUMNS)
    if is_kobo:
        columns.append("group")
    if export.repeats:
        columns.append("sheet")
    return pd.DataFrame.from_records(records, columns=columns).astype("str")


_KEPT_KOBO_META = frozenset({"_id", "_uuid", "_submission_time", "_index"})


def _is_bookkeeping(header: str) -> bool:
    """Tool metadata a codebook usually drops (Kobo status, notes, version, repeat copies)."""
    kobo_meta = header in KOBO_META_COLUMNS and header not in _KEPT_KOBO_META
    return kobo_meta or header.startswith("_submission__")


def _template_block(
    file_name: str,
    frame: pd.DataFrame,
    *,
    separator: str,
    multiselect: Mapping[str, Sequence[str]],
) -> list[dict[str, str]]:
    taken: set[str] = set()
    records = []
    for column in frame.columns:
        values = frame[column].astype("str")
        label = str(column)
        if column in multiselect:
            kind, labels = "string", ""
            label = (
                f"{column} [multi-select, choices joined by ';': {', '.join(multiselect[column])}]"
            )
        else:
            kind, labels = _guess_type(column, values)
        if _is_bookkeeping(str(column)):
            kind, labels = "drop", ""
        elif column == "_parent_table_name":
            kind, labels = "string", ""
        name = _suggest_name(column, taken, separator)
        taken.add(name)
        records.append(
            {
                "file": file_name,
                "raw_name": column,
                "name": name,
                "type": kind,
                "label": label,
                "value_labels": labels,
                "scale": "",
                "reverse": "false",
                "min": "",
                "max": "",
                "missing_codes": "",
                "required": "true" if kind == "nip" else "false",
            }
        )
    return records


def _suggest_name(raw: str, taken: set[str], separator: str = "/") -> str:
    """A unique snake_case name from the last path component, more components on a clash."""
    groups = [s for s in str(raw).split(separator) if s.strip()][:-1]
    segments = [*groups, clean_header(raw, separator)]
    base = ""
    for depth in range(1, len(segments) + 1):
        base = _slug(" ".join(segments[-depth:]))
        if base not in taken:
            break
    name = base
    counter = 2
    while name in taken:
        suffix = f"_{counter}"
        name = base[: _MAX_NAME - len(suffix)].rstrip("_") + suffix
        counter += 1
    return name


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = _NUMBERING.sub("", ascii_text, count=1)
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).split()
    kept = [w for w in words if w not in _STOPWORDS] or words
    name = ""
    for w in kept:
        candidate = f"{name}_{w}" if name else w
        if len(candidate) > _MAX_NAME:
            if not name:
                name = w[:_MAX_NAME]
            break
        name = candidate
    if not name:
        name = "var"
    if not name[0].isalpha():
        name = f"q_{name}"[:_MAX_NAME].rstrip("_")
    return name


def _guess_type(header: str, series: pd.Series) -> tuple[str, str]:
    values = series.dropna()
    values = values[values.str.strip() != ""]
    key = _header_key(header)
    if key in _ID_HEADERS:
        return "id", ""
    if values.empty:
        return "string", ""
    digits = normalise_digits(values)
    if digits.str.fullmatch(r"\d{18}").fillna(False).mean() >= 0.8:
        return "nip", ""
    if key in _NAME_HEADERS or key.startswith(("nama ", "name ")):
        return "name", ""
    numbers, failed = parse_number(values)
    if not failed.any():
        whole = bool((numbers == numbers.round()).all())
        return ("integer" if whole else "number"), ""
    not_plain_number = failed
    dates, date_failed = parse_date(values[not_plain_number])
    if not_plain_number.mean() >= 0.9 and (~date_failed).mean() >= 0.9:
        has_time = bool((dates.dropna() != dates.dropna().dt.normalize()).any())
        return ("datetime" if has_time else "date"), ""
    scale = _guess_scale(values)
    if scale is not None:
        return "likert", KNOWN_SCALES[scale]
    distinct = list(dict.fromkeys(values.str.strip()))
    try:
        if all(parse_boolean(v) is not None for v in distinct) and len(distinct) <= 4:
            return "boolean", ""
    except ValueError:
        pass
    if len(distinct) <= _MAX_LABELS and len(values) > len(distinct):
        return "category", "|".join(f"{i}={v}" for i, v in enumerate(distinct, start=1))
    return "string", ""


def _guess_scale(values: pd.Series) -> str | None:
    """The known scale matching most answers (at least 90%); more points win a tie."""
    best_name: str | None = None
    best_key: tuple[float, int] | None = None
    for name, text in KNOWN_SCALES.items():
        labels = parse_value_labels(text)
        codes, _, _ = _match_values(values, _LabelMatcher(labels, synonyms=None, cutoff=0.85))
        share = sum(c is not None for c in codes) / len(codes)
        key = (share, len(labels))
        if share >= 0.9 and (best_key is None or key > best_key):
            best_name, best_key = name, key
    return best_name


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.codebook template RAW_FILE [-o OUT.csv] [--sheet NAME] [--force]``.

    Returns the exit status: 0 on success, 1 when the output exists (without ``--force``),
    2 when the raw file cannot be read.
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers.codebook",
        description="Codebook tools (the Python counterpart of iecodebook).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser(
        "template", help="write a starting codebook (CSV) from a raw CSV/XLSX file"
    )
    template.add_argument("raw_file", type=Path, help="the raw export")
    template.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="where to write (default: <raw file stem>_codebook.csv beside the raw file)",
    )
    template.add_argument("--sheet", default=None, help="XLSX sheet (default: the first)")
    template.add_argument("--force", action="store_true", help="overwrite an existing output")
    args = parser.parse_args(argv)

    output = args.output or args.raw_file.with_name(f"{args.raw_file.stem}_codebook.csv")
    if output.exists() and not args.force:
        sys.stderr.write(f"error: {output} exists; use --force to overwrite it\n")
        return 1
    try:
        frame = codebook_template(args.raw_file, sheet=args.sheet)
    except InputFileError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    write_csv_atomic(frame, output)
    sys.stdout.write(f"wrote {output} ({len(frame)} rows); check every guessed name and type\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
