"""Reading real survey-tool exports (KoboToolbox, Google Forms) into one consistent form.

Layer 5 (base), beside :mod:`helpers.reading`, which it builds on. :func:`read_export` reads a
KoboToolbox export (XLSX with repeat sheets, legacy or modern CSV) or a Google Forms download
(CSV, or the responses sheet as XLSX) and returns an :class:`Export`:

* ``main``: the answers, one row per submission, as text (as :func:`~helpers.reading.read_table`
  gives them), the tool's bookkeeping columns removed; row ``i`` is raw data row ``i + 1``;
* ``meta``: the bookkeeping columns (Kobo ``_id``, ``_uuid``, ``_submission_time``..., the
  Google Forms ``Timestamp``/``Cap waktu``), submission times as time-zone-aware UTC;
* ``repeats``: one table per Kobo repeat sheet, each row linked to its parent row;
* multi-select answers in one form whatever the layout: one column per question holding the
  chosen choices joined by ``;`` (:data:`MULTISELECT_SEPARATOR`);
* ``notes``: everything that was interpreted, in words, for the cleaning report.

A file that is neither is read as a plain table (:func:`~helpers.reading.read_table`).

Multi-select answers
--------------------
Google Forms joins checkbox answers with ``;`` in its CSV and with ``", "`` in its XLSX, and
says nothing about which questions are checkboxes. A column is read as a checkbox question when
its answers look like lists of a few repeated choices (see :func:`_list_choices`):

1. at least one answer holds the separator, and no part is empty or longer than 100 characters;
2. at least two thirds of the parts are choices that occur in two or more answers;
3. some choice appears at two different positions (``Rabu`` alone and in ``Senin, Rabu``):
   the parts of a single-choice option that contains a comma (``Ya, sering``) always keep
   their places, so such a question is not taken for a list.

A checkbox question the rule misses (few answers, choices always ticked in the same order) can
be named in ``multiselect_columns``.

KoboToolbox writes a select_multiple question as one space-separated column
(``accomodation employment``), as one split column per choice ``<question><sep><choice>``
holding ``1``/``0`` or ``True``/``False``, or both. A column ``P<sep>x`` is a split column when

* ``P`` is itself a column (the space-separated one) and every column under ``P<sep>`` holds
  only ``0``, ``1``, ``True``, ``False`` or nothing; or
* ``P`` is not a column, at least two columns sit directly under ``P<sep>``, none deeper, and all
  of them hold only ``0``/``1``/``True``/``False``/nothing (the legacy CSV, split columns only).

Otherwise ``P<sep>x`` is a question ``x`` in group ``P``: with ``.`` as separator the two look
alike, and this rule tells them apart. The folded answer is the space-separated column's
choices when it is filled, else the choices whose split column is true; no choice at all reads
as missing. The split columns are dropped; :attr:`Export.multiselect` lists the choices. A
space-separated column without split columns cannot be told from a text answer that contains
spaces (a geopoint is ``lat lon alt precision``), so it is kept as it is unless named in
``multiselect_columns``.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
>>> _ = p.write_text("Timestamp,Hari\\n2023/11/13 4:20:37 pm CET,Senin;Rabu\\n"
...                  "2023/11/13 4:21:00 pm CET,Rabu\\n2023/11/14 9:00:00 am CET,Senin;Selasa\\n")
>>> export = read_export(p)
>>> export.source, export.main["Hari"].tolist(), export.multiselect
('google_forms', ['Senin;Rabu', 'Rabu', 'Senin;Selasa'], {'Hari': ['Senin', 'Rabu', 'Selasa']})
>>> str(export.meta["Timestamp"].iloc[0])
'2023-11-13 15:20:37+00:00'
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd

from helpers.errors import ConfigError, InputFileError
from helpers.reading import (
    CSV_EXTENSIONS,
    XLSX_EXTENSIONS,
    did_you_mean,
    is_missing,
    read_table,
)

__all__ = [
    "Export",
    "SourceKind",
    "SOURCE_KINDS",
    "MULTISELECT_SEPARATOR",
    "DEFAULT_TIMEZONE",
    "KOBO_META_COLUMNS",
    "GOOGLE_FORMS_TIMESTAMPS",
    "read_export",
    "clean_header",
    "header_group",
]

SourceKind = Literal["auto", "kobotoolbox", "google_forms", "csv", "xlsx"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
MULTISELECT_SEPARATOR = ";"
"""Joins the chosen choices of a multi-select answer in :attr:`Export.main`."""
DEFAULT_TIMEZONE = "Asia/Jakarta"

KOBO_META_COLUMNS = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_index",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_version_",
        "_tags",
        "$edited",
        "_xform_id_string",
        "_attachments",
        "_geolocation",
        "_duration",
        "_media_count",
        "_total_media",
        "_media_all_received",
        "formhub/uuid",
        "formhub.uuid",
    }
)
"""KoboToolbox bookkeeping columns moved to :attr:`Export.meta` (also ``meta/...``)."""
GOOGLE_FORMS_TIMESTAMPS = ("Timestamp", "Cap waktu")
"""First header of a Google Forms download (English and Indonesian locales)."""

_KOBO_MARKERS = ("_uuid", "_submission_time", "meta/instanceID", "meta.instanceID")
_KOBO_TIME_COLUMNS = ("_submission_time",)
_REPEAT_LINK = ("_index", "_parent_table_name", "_parent_index")
_GOOGLE_SHEET = re.compile(r"^(?:form responses|jawaban formulir)\s+\d+$", re.IGNORECASE)
_NOT_APPLICABLE = "n/a"
_TRUE = frozenset({"1", "true"})
_BOOLEAN = frozenset({"0", "1", "true", "false"})
_MAX_CHOICE_CHARS = 100
_EXCEL_SHEET_CHARS = 31


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A survey-tool export read into one consistent form (see the module docstring).

    Attributes
    ----------
    main : pandas.DataFrame
        One row per submission; the export's headers minus tool metadata (multi-select split
        columns folded into their question); values as text, missing where empty or ``n/a``.
        ``RangeIndex``: label ``i`` is raw data row ``i + 1``.
    meta : pandas.DataFrame
        Same index as ``main``; the tool's bookkeeping columns (text), with submission times
        (Kobo ``_submission_time``, Google Forms ``Timestamp``/``Cap waktu``) as
        ``datetime64[ns, UTC]``. No columns for a plain table.
    repeats : dict of str to pandas.DataFrame
        Kobo repeat sheets by sheet name: the answers (full group paths as headers), the
        sheet's own columns (``_index``, ``_parent_table_name``, ``_parent_index``,
        ``_submission_...``) as text, and ``parent_row`` (``Int64``, the 1-based row of the
        parent table: the main table, or the parent repeat sheet for a nested repeat) and
        ``submission_row`` (``Int64``, the 1-based row of ``main`` the row belongs to).
    source : str
        ``"kobotoolbox"``, ``"google_forms"``, ``"csv"`` or ``"xlsx"``.
    group_separator : str or None
        ``"/"`` or ``"."`` (Kobo group paths), None when headers carry no groups.
    multiselect : dict of str to list of str
        Multi-select question (as headed in ``main`` or a repeat sheet) -> its choices, in
        the order of the split columns, then of first appearance.
    notes : tuple of str
        What was interpreted, one sentence each.
    sheet : str or None
        The XLSX sheet read as ``main`` (None for CSV).
    """

    main: pd.DataFrame
    meta: pd.DataFrame
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = "csv"
    group_separator: str | None = None
    multiselect: dict[str, list[str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    sheet: str | None = None

    def as_table(self, *, timezone: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
        """``main`` and ``meta`` side by side, all text, as :func:`read_table` would give.

        Submission times become local ISO text with their offset
        (``2024-03-14 16:36:52+07:00``), so that the codebook's ``datetime`` type reads the
        clock time in ``timezone``. Google Forms' timestamp comes first (as in the file), Kobo
        metadata last. The index is ``main``'s.

        Examples
        --------
        >>> meta = pd.DataFrame({"_submission_time": pd.to_datetime(["2024-03-14 09:36:52"],
        ...                                                         utc=True)})
        >>> e = Export(main=pd.DataFrame({"q": ["a"]}, dtype="str"), meta=meta,
        ...            source="kobotoolbox")
        >>> e.as_table().iloc[0].tolist()
        ['a', '2024-03-14 16:36:52+07:00']
        """
        zone = _zone(timezone)
        meta = pd.DataFrame(
            {c: _meta_text(self.meta[c], zone) for c in self.meta.columns}, index=self.main.index
        )
        parts = [meta, self.main] if self.source == "google_forms" else [self.main, meta]
        return pd.concat(parts, axis=1)


def _meta_text(values: pd.Series, zone: zoneinfo.ZoneInfo) -> pd.Series:
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.astype("str")
    local = values.dt.tz_convert(zone)
    text = [None if pd.isna(v) else v.isoformat(sep=" ") for v in local]
    return pd.Series(text, index=values.index, dtype="str")


# --------------------------------------------------------------------------------------------
# headers
# --------------------------------------------------------------------------------------------


def clean_header(name: str, separator: str | None) -> str:
    """The last component of a group path: the question's own name, for name suggestions.

    Parameters
    ----------
    name : str
        A header such as ``participants/feedback/Comments`` or ``profile.reason``.
    separator : str or None
        The export's group separator (:attr:`Export.group_separator`); None: no groups.

    Examples
    --------
    >>> clean_header("participants/feedback/Comments", "/")
    'Comments'
    >>> clean_header("profile.reason", ".")
    'reason'
    >>> clean_header("Your fave fruit?", None)
    'Your fave fruit?'
    """
    parts = _path_parts(name, separator)
    return parts[-1] if parts else str(name).strip()


def header_group(name: str, separator: str | None) -> str:
    """The group path of a header (all but its last component), ``""`` outside any group.

    Examples
    --------
    >>> header_group("participants/feedback/Comments", "/")
    'participants/feedback'
    >>> header_group("start", "/")
    ''
    """
    parts = _path_parts(name, separator)
    return separator.join(parts[:-1]) if separator and len(parts) > 1 else ""


def _path_parts(name: str, separator: str | None) -> list[str]:
    text = str(name).strip()
    if not separator:
        return [text] if text else []
    return [p.strip() for p in text.split(separator) if p.strip()]


# --------------------------------------------------------------------------------------------
# read_export
# --------------------------------------------------------------------------------------------


def read_export(
    path: str | Path,
    *,
    source: SourceKind = "auto",
    sheet: str | int | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    multiselect_columns: Iterable[str] | None = None,
) -> Export:
    """Read a KoboToolbox or Google Forms export (or a plain CSV/XLSX table).

    Parameters
    ----------
    path : str or Path
        The export: ``.csv`` or ``.xlsx``.
    source : {"auto", "kobotoolbox", "google_forms", "csv", "xlsx"}
        The tool that wrote it. ``"auto"`` recognises it from the file's shape: KoboToolbox
        when the main sheet has a ``_uuid``, ``_submission_time`` or ``meta/instanceID``
        column or another sheet has ``_parent_index``; Google Forms when the first column is
        ``Timestamp``/``Cap waktu`` or the sheet is ``Form responses 1``/``Jawaban Formulir
        1``; otherwise a plain table.
    sheet : str or int, optional
        XLSX: the main sheet. Default: Kobo's first sheet; Google Forms' responses sheet (else
        the first).
    timezone : str
        IANA zone for times written without one: a Google Forms XLSX timestamp, or a CSV
        timestamp without a zone abbreviation. Kobo's ``_submission_time`` is always UTC.
    multiselect_columns : iterable of str, optional
        Headers known to be multi-select questions, folded even when the layout alone does not
        show it (a Google Forms checkbox answered by one person; a Kobo space-separated column
        without split columns). Default: detected, see the module docstring.

    Returns
    -------
    Export

    Raises
    ------
    InputFileError
        Anything :func:`~helpers.reading.read_table` refuses (missing, empty, truncated or
        damaged file, unknown sheet...); a Kobo repeat sheet given as ``sheet``; a repeat row
        whose parent is missing (naming the file, the sheet, the row and the missing
        ``_parent_index``); a ``multiselect_columns`` header the file does not have.
    ConfigError
        An unknown ``source`` or ``timezone``.
    """
    path = Path(path)
    if source not in SOURCE_KINDS:
        raise ConfigError(f"source must be one of {SOURCE_KINDS}, got {source!r}")
    zone = _zone(timezone)
    forced = _forced_columns(multiselect_columns)
    suffix = path.suffix.lower()
    if not path.is_file() or suffix not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
        read_table(path, sheet=sheet)  # raises the reading module's error
        raise InputFileError(path, "not a CSV or XLSX file")  # pragma: no cover
    _check_source_fits_suffix(path, source, suffix)
    shapes = _workbook_shapes(path) if suffix in XLSX_EXTENSIONS else {}
    main_sheet = _main_sheet(path, shapes, sheet, source)
    raw = read_table(path, sheet=main_sheet)
    kind = _detect(raw.columns, main_sheet, shapes, suffix) if source == "auto" else source
    if kind == "kobotoolbox":
        return _read_kobo(path, raw, main_sheet, shapes, forced)
    if kind == "google_forms":
        return _read_google_forms(path, raw, main_sheet, suffix, zone, timezone, forced)
    _check_forced(path, forced, raw.columns)
    return Export(
        main=raw,
        meta=pd.DataFrame(index=raw.index),
        source=kind,
        notes=(f"read as a plain {kind.upper()} table",),
        sheet=main_sheet,
    )


def _zone(timezone: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"unknown time zone {timezone!r}; give an IANA name such as 'Asia/Jakarta' (WIB), "
            "'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
        ) from exc


def _forced_columns(columns: Iterable[str] | None) -> tuple[str, ...]:
    if columns is None:
        return ()
    if isinstance(columns, str):
        columns = [columns]
    return tuple(str(c).strip() for c in columns)


def _check_forced(path: Path, forced: Sequence[str], *header_lists: Iterable[str]) -> None:
    present = [str(c) for headers in header_lists for c in headers if isinstance(c, str)]
    for name in forced:
        if name not in present:
            raise InputFileError(
                path,
                f"multiselect column {name!r} is not in the file{did_you_mean(name, present)}",
                column=name,
            )


def _check_source_fits_suffix(path: Path, source: str, suffix: str) -> None:
    if source == "csv" and suffix in XLSX_EXTENSIONS:
        raise InputFileError(path, "source 'csv' was given, but the file is an XLSX workbook")
    if source == "xlsx" and suffix in CSV_EXTENSIONS:
        raise InputFileError(path, "source 'xlsx' was given, but the file is a CSV file")


@dataclass(frozen=True)
class _SheetShape:
    header: tuple[str, ...]
    has_rows: bool


def _workbook_shapes(path: Path) -> dict[str, _SheetShape]:
    """Each sheet's header row and whether data rows follow, in workbook order."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors all mean the same to a user
        raise InputFileError(
            path,
            "not a readable XLSX workbook (damaged, truncated or password-protected?); "
            f"download the export again [{type(exc).__name__}: {exc}]",
        ) from exc
    try:
        return {name: _sheet_shape(workbook[name]) for name in workbook.sheetnames}
    except Exception as exc:
        raise InputFileError(
            path,
            "not a readable XLSX workbook (damaged or truncated?); download the export again "
            f"[{type(exc).__name__}: {exc}]",
        ) from exc
    finally:
        workbook.close()


def _sheet_shape(worksheet: Any) -> _SheetShape:
    if not hasattr(worksheet, "iter_rows"):
        return _SheetShape((), False)  # a chart sheet
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    header: tuple[str, ...] | None = None
    for row in worksheet.iter_rows(values_only=True):
        if not any(not is_missing(v) for v in row):
            continue
        if header is not None:
            return _SheetShape(header, True)
        header = tuple("" if v is None else str(v).strip() for v in row)
    return _SheetShape(header or (), False)


def _main_sheet(
    path: Path, shapes: Mapping[str, _SheetShape], sheet: str | int | None, source: str
) -> str | None:
    if not shapes:
        if sheet is not None:
            raise InputFileError(path, f"a CSV file has no sheets, but sheet={sheet!r} was given")
        return None
    names = list(shapes)
    if sheet is not None:
        chosen = _find_sheet(path, names, sheet)
        if source in ("auto", "kobotoolbox") and "_parent_index" in shapes[chosen].header:
            raise InputFileError(
                path,
                f"sheet {chosen!r} is a KoboToolbox repeat group (it has _parent_index); read "
                "the main sheet and find this one in Export.repeats",
                sheet=chosen,
            )
        return chosen
    if source in ("auto", "google_forms"):
        responses = [n for n in names if _GOOGLE_SHEET.match(n.strip())]
        if responses:
            return responses[0]
    if source in ("auto", "kobotoolbox"):
        mains = [n for n in names if "_parent_index" not in shapes[n].header]
        if mains:
            return mains[0]
    return names[0] if names else None


def _find_sheet(path: Path, names: list[str], sheet: str | int) -> str:
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif isinstance(sheet, str):
        if sheet in names:
            return sheet
        folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
    else:
        raise TypeError(f"sheet must be a str, an int or None, got {type(sheet).__name__}")
    shown = ", ".join(repr(n) for n in names)
    raise InputFileError(
        path, f"sheet {sheet!r} not found; sheets found: {shown}", sheet=str(sheet)
    )


def _detect(
    columns: pd.Index, main_sheet: str | None, shapes: Mapping[str, _SheetShape], suffix: str
) -> str:
    headers = [str(c) for c in columns]
    if any(m in headers for m in _KOBO_MARKERS) or any(
        "_parent_index" in shape.header for name, shape in shapes.items() if name != main_sheet
    ):
        return "kobotoolbox"
    first = headers[0].strip().casefold() if headers else ""
    if first in {t.casefold() for t in GOOGLE_FORMS_TIMESTAMPS} or (
        main_sheet is not None and _GOOGLE_SHEET.match(main_sheet.strip())
    ):
        return "google_forms"
    return "xlsx" if suffix in XLSX_EXTENSIONS else "csv"


# --------------------------------------------------------------------------------------------
# KoboToolbox
# --------------------------------------------------------------------------------------------


def _read_kobo(
    path: Path,
    raw: pd.DataFrame,
    main_sheet: str | None,
    shapes: Mapping[str, _SheetShape],
    forced: Sequence[str],
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
    meta = _kobo_meta(raw[meta_columns], notes)
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


def _kobo_meta(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    meta = frame.copy()
    for column in _KOBO_TIME_COLUMNS:
        if column not in meta:
            continue
        parsed = _parse_timestamps(meta[column], default_zone=dt.UTC)
        meta[column] = parsed.values
        notes.append(f"{column} read as UTC (KoboToolbox writes it without a zone)")
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


def _fold_listed(values: pd.Series, pattern: str) -> tuple[pd.Series, list[str]]:
    """Answers split on ``pattern`` and joined with ``;``; the choices in order of appearance."""
    choices: list[str] = []
    out: list[str | None] = []
    for v in values.astype(object):
        if is_missing(v):
            out.append(None)
            continue
        parts = [p.strip() for p in re.split(pattern, str(v).strip()) if p.strip()]
        choices.extend(p for p in parts if p not in choices)
        out.append(MULTISELECT_SEPARATOR.join(parts) if parts else None)
    return pd.Series(out, index=values.index, dtype="str"), choices


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


# --------------------------------------------------------------------------------------------
# Google Forms
# --------------------------------------------------------------------------------------------


def _read_google_forms(
    path: Path,
    raw: pd.DataFrame,
    main_sheet: str | None,
    suffix: str,
    zone: zoneinfo.ZoneInfo,
    timezone: str,
    forced: Sequence[str],
) -> Export:
    _check_forced(path, forced, raw.columns)
    notes = ["read as a Google Forms export"]
    first = str(raw.columns[0])
    if first.strip().casefold() in {t.casefold() for t in GOOGLE_FORMS_TIMESTAMPS}:
        parsed = _parse_timestamps(raw[first], default_zone=zone)
        meta = pd.DataFrame({first: parsed.values}, index=raw.index)
        main = raw.drop(columns=[first])
        notes.extend(_timestamp_notes(first, parsed, suffix, timezone))
    else:
        meta = pd.DataFrame(index=raw.index)
        main = raw
        notes.append(f"no {' or '.join(GOOGLE_FORMS_TIMESTAMPS)} column: submission times unknown")
    separators = (", ", ";") if suffix in XLSX_EXTENSIONS else (";", ", ")
    multiselect: dict[str, list[str]] = {}
    main = _fold_checkboxes(main, separators, forced, multiselect, notes)
    return Export(
        main=main,
        meta=meta,
        source="google_forms",
        multiselect=multiselect,
        notes=tuple(notes),
        sheet=main_sheet,
    )


def _timestamp_notes(column: str, parsed: _Parsed, suffix: str, timezone: str) -> list[str]:
    notes = []
    if parsed.zoned:
        zones = ", ".join(sorted(parsed.zones))
        notes.append(f"{column!r} carries its time zone ({zones}); converted to UTC")
    if parsed.unzoned:
        why = (
            "an XLSX timestamp has no time zone"
            if suffix in XLSX_EXTENSIONS
            else f"{parsed.unzoned} timestamps carry no time zone"
        )
        notes.append(f"{column!r}: {why}; read as {timezone} local time and converted to UTC")
    if parsed.order_note:
        notes.append(f"{column!r}: {parsed.order_note}")
    if parsed.failed:
        notes.append(_failed_note(column, parsed.failed))
    return notes


def _fold_checkboxes(
    frame: pd.DataFrame,
    separators: Sequence[str],
    forced: Sequence[str],
    multiselect: dict[str, list[str]],
    notes: list[str],
) -> pd.DataFrame:
    out = frame.copy()
    for column in frame.columns:
        for separator in separators:
            choices = _list_choices(frame[column], separator)
            if choices is None and column in forced and separator == separators[0]:
                choices = []
            if choices is None:
                continue
            values, found = _fold_listed(frame[column], re.escape(separator))
            out[column] = values
            multiselect[column] = found
            how = "" if separator == MULTISELECT_SEPARATOR else f"split on {separator!r} and "
            notes.append(
                f"checkbox question {column!r}: answers {how}joined with "
                f"{MULTISELECT_SEPARATOR!r} ({len(found)} choices seen)"
            )
            break
    return out


def _list_choices(values: pd.Series, separator: str) -> list[str] | None:
    """The choices when ``values`` look like lists of repeated choices (module docstring)."""
    answers = [str(v) for v in values.astype(object) if not is_missing(v)]
    lists = [[p.strip() for p in a.split(separator)] for a in answers]
    if not any(len(parts) > 1 for parts in lists):
        return None
    if any(not p or len(p) > _MAX_CHOICE_CHARS for parts in lists for p in parts):
        return None
    rows_with = Counter(p for parts in lists for p in set(parts))
    total = sum(len(parts) for parts in lists)
    repeated = sum(1 for parts in lists for p in parts if rows_with[p] >= 2)
    if repeated * 3 < total * 2:
        return None
    positions: dict[str, set[int]] = defaultdict(set)
    for parts in lists:
        for position, p in enumerate(parts):
            positions[p].add(position)
    if all(len(p) == 1 for p in positions.values()):
        return None
    return list(dict.fromkeys(p for parts in lists for p in parts))


# --------------------------------------------------------------------------------------------
# timestamps
# --------------------------------------------------------------------------------------------

_STAMP = re.compile(
    r"^(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:(?:[t ]+|, *)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r" *(?P<ampm>[ap]\.? ?m\.?)?)?"
    r" *(?P<zone>z|(?:utc|gmt) *[+-] *\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|[a-z]{1,5})?$"
)
_ZONE_HOURS: dict[str, float] = {
    "z": 0,
    "utc": 0,
    "gmt": 0,
    "wib": 7,
    "wita": 8,
    "wit": 9,
    "wet": 0,
    "west": 1,
    "bst": 1,
    "cet": 1,
    "cest": 2,
    "eet": 2,
    "eest": 3,
    "msk": 3,
    "ict": 7,
    "sgt": 8,
    "myt": 8,
    "pht": 8,
    "hkt": 8,
    "awst": 8,
    "jst": 9,
    "kst": 9,
    "acst": 9.5,
    "aest": 10,
    "aedt": 11,
    "nzst": 12,
    "nzdt": 13,
    "hst": -10,
    "akst": -9,
    "akdt": -8,
    "pst": -8,
    "pdt": -7,
    "mst": -7,
    "mdt": -6,
    "cst": -6,
    "cdt": -5,
    "est": -5,
    "edt": -4,
}
"""Zone abbreviations Google Sheets writes (US meanings for CST/EST...), in hours from UTC."""


@dataclass(frozen=True)
class _Parsed:
    values: pd.Series  # datetime64[ns, UTC]
    failed: tuple[int, ...]  # 1-based rows
    zoned: int
    unzoned: int
    zones: frozenset[str]
    order_note: str


def _parse_timestamps(values: pd.Series, *, default_zone: dt.tzinfo) -> _Parsed:
    """Parse submission times to UTC; a time without a zone is read in ``default_zone``."""
    texts = [None if is_missing(v) else " ".join(str(v).strip().casefold().split()) for v in values]
    matches = [None if t is None else _STAMP.match(t) for t in texts]
    dayfirst, order_note = _date_order(matches)
    stamps: list[Any] = []
    failed: list[int] = []
    zones: set[str] = set()
    zoned = unzoned = 0
    for row, (text, match) in enumerate(zip(texts, matches, strict=True), start=1):
        stamp = None if match is None else _stamp(match, dayfirst, default_zone)
        if stamp is None:
            if text is not None:
                failed.append(row)
            stamps.append(pd.NaT)
            continue
        moment, zone = stamp
        stamps.append(moment)
        if zone:
            zoned += 1
            zones.add(zone.upper())
        else:
            unzoned += 1
    series = pd.Series(
        pd.to_datetime(stamps, utc=True), index=values.index, name=values.name
    ).astype("datetime64[ns, UTC]")
    return _Parsed(series, tuple(failed), zoned, unzoned, frozenset(zones), order_note)


def _date_order(matches: Sequence[re.Match[str] | None]) -> tuple[bool, str]:
    pairs = [(int(m["a"]), int(m["b"])) for m in matches if m is not None and m["a"]]
    if not pairs:
        return True, ""
    if any(a > 12 for a, _ in pairs):
        return True, ""
    if any(b > 12 for _, b in pairs):
        return False, "dates written month/day/year (a day above 12 comes second)"
    if any(a != b for a, b in pairs):
        return True, "dates like 01/02/2024 are ambiguous; read as day/month/year"
    return True, ""


def _stamp(
    match: re.Match[str], dayfirst: bool, default_zone: dt.tzinfo
) -> tuple[pd.Timestamp, str] | None:
    g = match.groupdict()
    if g["y"]:
        year, month, day = int(g["y"]), int(g["m"]), int(g["d"])
    else:
        first, second = int(g["a"]), int(g["b"])
        day, month = (first, second) if dayfirst else (second, first)
        year = int(g["y2"])
    hour = int(g["H"] or 0)
    ampm = (g["ampm"] or "").replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    zone_text = (g["zone"] or "").replace(" ", "")
    tzinfo = _zone_info(zone_text) if zone_text else default_zone
    if tzinfo is None:
        return None
    micro = int((g["f"] or "0").ljust(6, "0")[:6])
    try:
        moment = dt.datetime(
            year, month, day, hour, int(g["M"] or 0), int(g["S"] or 0), micro, tzinfo=tzinfo
        )
    except ValueError:
        return None
    return pd.Timestamp(moment).tz_convert("UTC"), zone_text


def _zone_info(text: str) -> dt.tzinfo | None:
    if text in _ZONE_HOURS:
        return dt.timezone(dt.timedelta(hours=_ZONE_HOURS[text]))
    match = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", text)
    if match is None:
        return None
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes >= 60:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _failed_note(column: str, rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    return (
        f"{column!r}: {len(rows)} values are not readable times (rows {shown}), or carry an "
        "unknown time zone; left missing"
    )
