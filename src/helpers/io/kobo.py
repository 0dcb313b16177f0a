"""KoboToolbox exports: metadata apart from answers, multi-select columns folded, repeat groups
linked to their submission."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core.errors import InputFileError
from helpers.io.export import (
    DEFAULT_TIMEZONE,
    KOBO_META_COLUMNS,
    MULTISELECT_SEPARATOR,
    Export,
    _check_forced,
    _fold_listed,
    _SheetShape,
)
from helpers.io.parsing import is_missing
from helpers.io.reading import read_table
from helpers.io.timestamps import _failed_note, _parse_timestamps

_KOBO_TIME_COLUMNS = ("_submission_time",)
_REPEAT_LINK = ("_index", "_parent_table_name", "_parent_index")
_NOT_APPLICABLE = "n/a"
_TRUE = frozenset({"1", "true"})
_BOOLEAN = frozenset({"0", "1", "true", "false"})
_EXCEL_SHEET_CHARS = 31


# --------------------------------------------------------------------------------------------
# KoboToolbox
# --------------------------------------------------------------------------------------------


def _read_kobo(
    path: Path,
    raw: pd.DataFrame,
    main_sheet: str | None,
    shapes: Mapping[str, _SheetShape],
    forced: Sequence[str],
    timezone: str = DEFAULT_TIMEZONE,
) -> Export:
    notes = ["read as a KoboToolbox export"]
    raw = _drop_hxl_row(raw, notes, main_sheet)
    repeat_names = [n for n, s in shapes.items() if n != main_sheet and "_parent_index" in s.header]
    ignored = [n for n in shapes if n != main_sheet and n not in repeat_names]
    if ignored:
        notes.append(
            f"sheets {', '.join(repr(n) for n in ignored)} are not repeat groups (no "
            "_parent_index); not read"
        )
    repeat_raw = {n: _read_repeat_sheet(path, n, shapes[n], notes) for n in repeat_names}
    separator = _group_separator([*raw.columns, *(c for f in repeat_raw.values() for c in f)])
    if separator is not None:
        notes.append(f"group paths in headers are joined with {separator!r}")
    _check_forced(path, forced, raw.columns, *repeat_raw.values())
    meta_columns = [c for c in raw.columns if _is_kobo_meta(c, separator)]
    meta = _kobo_meta(raw[meta_columns], notes, timezone)
    multiselect: dict[str, list[str]] = {}
    main = _kobo_answers(
        raw.drop(columns=meta_columns), separator, forced, multiselect, notes, main_sheet
    )
    repeats = {
        name: _kobo_answers(frame, separator, forced, multiselect, notes, name)
        for name, frame in repeat_raw.items()
    }
    repeats = _link_repeats(path, main_sheet, meta, main, repeats)
    if repeats:
        sizes = ", ".join(f"{n!r} ({len(f)} rows)" for n, f in repeats.items())
        notes.append(f"repeat sheets {sizes} linked to their parent rows (parent_row)")
    return Export(
        main=main,
        meta=meta,
        repeats=repeats,
        source="kobotoolbox",
        group_separator=separator,
        multiselect=multiselect,
        notes=tuple(notes),
        sheet=main_sheet,
        timezone=timezone,
    )


def _read_repeat_sheet(path: Path, name: str, shape: _SheetShape, notes: list[str]) -> pd.DataFrame:
    if shape.has_rows:
        return _drop_hxl_row(read_table(path, sheet=name), notes, name)
    notes.append(f"repeat sheet {name!r} has no rows")
    headers = [h for h in shape.header if h]
    return pd.DataFrame({h: pd.Series([], dtype="str") for h in headers})


def _drop_hxl_row(frame: pd.DataFrame, notes: list[str], sheet: str | None) -> pd.DataFrame:
    """Drop a second header row of HXL tags (``#symmetry``...); it counts as header."""
    if frame.empty:
        return frame
    first = [v for v in frame.iloc[0].astype(object) if not is_missing(v)]
    if not first or not all(str(v).strip().startswith("#") for v in first):
        return frame
    where = f" of sheet {sheet!r}" if sheet else ""
    notes.append(f"second header row{where} holds HXL tags (#...); skipped as part of the header")
    return frame.iloc[1:].reset_index(drop=True)


def _group_separator(headers: Iterable[Any]) -> str | None:
    names = [str(h) for h in headers if isinstance(h, str)]
    questions = [h for h in names if not h.startswith("_") and h not in KOBO_META_COLUMNS]
    for separator in ("/", "."):
        if any(separator in h for h in questions):
            return separator
    if any(h.startswith("meta/") for h in names):
        return "/"
    return None


def _is_kobo_meta(name: Any, separator: str | None) -> bool:
    text = str(name)
    if text in KOBO_META_COLUMNS:
        return True
    return any(text.startswith(f"meta{s}") for s in ("/", separator or "/"))


def _kobo_meta(
    frame: pd.DataFrame, notes: list[str], timezone: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    meta = frame.copy()
    for column in _KOBO_TIME_COLUMNS:
        if column not in meta:
            continue
        parsed = _parse_timestamps(meta[column], default_zone=dt.UTC)
        meta[column] = parsed.values
        notes.append(
            f"{column} read as UTC (KoboToolbox writes it without a zone); stored as "
            f"{timezone} local time, without a zone"
        )
        if parsed.failed:
            notes.append(_failed_note(column, parsed.failed))
    return meta


def _kobo_answers(
    frame: pd.DataFrame,
    separator: str | None,
    forced: Sequence[str],
    multiselect: dict[str, list[str]],
    notes: list[str],
    sheet: str | None,
) -> pd.DataFrame:
    frame = _not_applicable_to_missing(frame, notes, sheet)
    return _fold_kobo_multiselect(frame, separator, forced, multiselect, notes)


def _not_applicable_to_missing(
    frame: pd.DataFrame, notes: list[str], sheet: str | None
) -> pd.DataFrame:
    """Kobo writes ``n/a`` for questions skipped by relevance: read them as missing."""
    out = frame.copy()
    count = 0
    for column in out.columns:
        if column in _REPEAT_LINK:
            continue
        mask = out[column].str.strip().str.casefold().eq(_NOT_APPLICABLE).fillna(False)
        if mask.any():
            count += int(mask.sum())
            out[column] = out[column].mask(mask)
    if count:
        where = f" in sheet {sheet!r}" if sheet else ""
        notes.append(f"{count} 'n/a' cells{where} (questions skipped by relevance) read as missing")
    return out


@dataclass(frozen=True)
class _SplitQuestion:
    question: str
    parent_present: bool
    columns: tuple[str, ...]
    choices: tuple[str, ...]


def _fold_kobo_multiselect(
    frame: pd.DataFrame,
    separator: str | None,
    forced: Sequence[str],
    multiselect: dict[str, list[str]],
    notes: list[str],
) -> pd.DataFrame:
    splits = _split_questions(frame, separator) if separator else []
    columns: dict[str, pd.Series] = {}
    folded_columns = {c for s in splits for c in s.columns}
    by_anchor = {(s.question if s.parent_present else s.columns[0]): s for s in splits}
    for column in frame.columns:
        split = by_anchor.get(column)
        if split is not None:
            values, choices, disagree = _fold_split(frame, split)
            columns[split.question] = values
            multiselect[split.question] = choices
            notes.append(_split_note(split, disagree))
        elif column in folded_columns:
            continue
        elif column in forced:
            values, choices = _fold_listed(frame[column], r"\s+")
            columns[column] = values
            multiselect[column] = choices
            notes.append(f"{column!r}: space-separated choices read as a multi-select answer")
        else:
            columns[column] = frame[column]
    return pd.DataFrame(columns, index=frame.index)


def _split_questions(frame: pd.DataFrame, separator: str) -> list[_SplitQuestion]:
    headers = [str(c) for c in frame.columns]
    present = set(headers)
    boolean = {h: _all_boolean(frame[h]) for h in headers}
    found: list[_SplitQuestion] = []
    claimed: set[str] = set()
    for parent in headers:  # rule 1: the space-separated column is present
        under = [h for h in headers if h.startswith(parent + separator)]
        if under and all(boolean[h] for h in under) and not _is_link(parent):
            found.append(_split(parent, True, under, separator))
            claimed.update(under)
    groups: dict[str, list[str]] = defaultdict(list)
    for h in headers:
        if h in claimed or separator not in h:
            continue
        groups[h.rsplit(separator, 1)[0]].append(h)
    for prefix, under in groups.items():  # rule 2: split columns only
        deeper = [h for h in headers if h.startswith(prefix + separator) and h not in under]
        if (
            prefix not in present
            and len(under) >= 2
            and not deeper
            and not _is_kobo_meta(prefix + separator, separator)
            and all(boolean[h] for h in under)
            and any(frame[h].notna().any() for h in under)
        ):
            found.append(_split(prefix, False, under, separator))
    return found


def _split(question: str, present: bool, under: list[str], separator: str) -> _SplitQuestion:
    choices = tuple(h[len(question) + len(separator) :] for h in under)
    return _SplitQuestion(question, present, tuple(under), choices)


def _is_link(name: str) -> bool:
    return name in _REPEAT_LINK or name.startswith("_submission__")


def _all_boolean(values: pd.Series) -> bool:
    text = values.dropna().astype("str").str.strip().str.casefold()
    return bool(text.isin(_BOOLEAN).all())


def _fold_split(frame: pd.DataFrame, split: _SplitQuestion) -> tuple[pd.Series, list[str], int]:
    """Folded answers, the choices, and the rows where both layouts disagree."""
    ticks = [
        frame[column].astype("str").str.strip().str.casefold().isin(_TRUE).tolist()
        for column in split.columns
    ]
    texts = (
        frame[split.question].astype(object).tolist()
        if split.parent_present
        else [None] * len(frame)
    )
    choices = list(split.choices)
    values: list[str | None] = []
    disagree = 0
    for text, row_ticks in zip(texts, zip(*ticks, strict=True), strict=True):
        ticked = [c for c, on in zip(split.choices, row_ticks, strict=True) if on]
        listed = [] if is_missing(text) else str(text).split()
        choices.extend(c for c in dict.fromkeys(listed) if c not in choices)
        if listed and ticked and set(listed) != set(ticked):
            disagree += 1
        chosen = listed or ticked
        values.append(MULTISELECT_SEPARATOR.join(chosen) if chosen else None)
    return pd.Series(values, index=frame.index, dtype="str"), choices, disagree


def _split_note(split: _SplitQuestion, disagree: int) -> str:
    count = len(split.columns)
    if split.parent_present:
        note = (
            f"select_multiple {split.question!r}: space-separated answers joined with "
            f"{MULTISELECT_SEPARATOR!r}; its {count} split columns (1/0) dropped"
        )
        if disagree:
            note += f"; in {disagree} rows they disagree with it, and it was kept"
        return note
    return (
        f"select_multiple {split.question!r}: {count} split columns (True/False, 1/0) folded "
        f"into one column of choices joined with {MULTISELECT_SEPARATOR!r}"
    )


# --------------------------------------------------------------------------------------------
# Kobo repeat groups
# --------------------------------------------------------------------------------------------


def _link_repeats(
    path: Path,
    main_sheet: str | None,
    meta: pd.DataFrame,
    main: pd.DataFrame,
    repeats: Mapping[str, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """Add ``parent_row`` and ``submission_row`` to each repeat sheet (checked links)."""
    index_rows: dict[str, dict[str, int]] = {}
    main_index = meta.get("_index")
    main_key = main_sheet or "main"
    index_rows[main_key] = _index_positions(main_index, len(main))
    for name, frame in repeats.items():
        index_rows[name] = _index_positions(frame.get("_index"), len(frame))
    parents: dict[str, tuple[list[str], list[int]]] = {}
    for name, frame in repeats.items():
        parents[name] = _parent_rows(path, name, frame, index_rows, main_key)
    linked: dict[str, pd.DataFrame] = {}
    for name, frame in repeats.items():
        tables, rows = parents[name]
        submission = [
            _submission_row(t, r, parents, main_key) for t, r in zip(tables, rows, strict=True)
        ]
        out = frame.copy()
        out["parent_row"] = pd.array(rows, dtype="Int64")
        out["submission_row"] = pd.array(submission, dtype="Int64")
        linked[name] = out
    return linked


def _index_positions(values: pd.Series | None, length: int) -> dict[str, int]:
    """``_index`` value (as a key) -> 1-based row; the row number itself when absent."""
    if values is None:
        return {str(i): i for i in range(1, length + 1)}
    return {_key(v): row for row, v in enumerate(values.astype(object), start=1)}


def _key(value: Any) -> str:
    text = "" if is_missing(value) else str(value).strip()
    match = re.fullmatch(r"(\d+)(?:\.0+)?", text)
    return match.group(1) if match else text


def _parent_rows(
    path: Path,
    name: str,
    frame: pd.DataFrame,
    index_rows: Mapping[str, Mapping[str, int]],
    main_key: str,
) -> tuple[list[str], list[int]]:
    tables: list[str] = []
    rows: list[int] = []
    for row, (table, parent) in enumerate(
        zip(
            frame.get("_parent_table_name", pd.Series([None] * len(frame))).astype(object),
            frame["_parent_index"].astype(object),
            strict=True,
        ),
        start=1,
    ):
        target = _parent_table(path, name, row, table, index_rows, main_key)
        key = _key(parent)
        if key not in index_rows[target]:
            known = list(index_rows[target])
            span = f"its _index values run {known[0]} to {known[-1]}" if known else "it is empty"
            shown = key or "(empty)"
            raise InputFileError(
                path,
                f"repeat row has _parent_index {shown}, but the parent sheet {target!r} has no "
                f"row with _index {shown} ({span}); the parent row is missing from the export "
                "(edited, or downloaded in part?): download the XLSX export again",
                row=row,
                column="_parent_index",
                sheet=name,
            )
        tables.append(target)
        rows.append(index_rows[target][key])
    return tables, rows


def _parent_table(
    path: Path,
    sheet: str,
    row: int,
    table: Any,
    index_rows: Mapping[str, Mapping[str, int]],
    main_key: str,
) -> str:
    if is_missing(table):
        return main_key
    name = str(table).strip()
    names = list(index_rows)
    for candidate in names:
        if candidate == name or candidate.casefold() == name.casefold():
            return candidate
    truncated = name[:_EXCEL_SHEET_CHARS].casefold()  # Excel cuts sheet names at 31 characters
    hits = [n for n in names if n.casefold() == truncated]
    if len(hits) == 1:
        return hits[0]
    raise InputFileError(
        path,
        f"_parent_table_name {name!r} is not a sheet of the workbook; sheets: "
        f"{', '.join(repr(n) for n in names)}",
        row=row,
        column="_parent_table_name",
        sheet=sheet,
    )


def _submission_row(
    table: str,
    row: int,
    parents: Mapping[str, tuple[list[str], list[int]]],
    main_key: str,
) -> int:
    seen: set[tuple[str, int]] = set()
    while table != main_key:
        if (table, row) in seen:  # pragma: no cover - Kobo never writes cycles
            raise ValueError(f"repeat sheets link in a cycle at {table!r} row {row}")
        seen.add((table, row))
        tables, rows = parents[table]
        table, row = tables[row - 1], rows[row - 1]
    return row
