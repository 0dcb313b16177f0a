"""Reading real survey-tool exports (KoboToolbox, Google Forms) into one consistent form.

Layer 5 (base), beside :mod:`helpers.io.reading`, which it builds on; the tools' own readers
are :mod:`helpers.io.kobo` and :mod:`helpers.io.google_forms`. :func:`read_export` reads a
KoboToolbox export (XLSX with repeat sheets, legacy or modern CSV) or a Google Forms download
(CSV, or the responses sheet as XLSX) and returns an :class:`Export`:

* ``main``: the answers, one row per submission, as text (as :func:`~helpers.io.reading.read_table`
  gives them), the tool's bookkeeping columns removed; row ``i`` is raw data row ``i + 1``;
* ``meta``: the bookkeeping columns (Kobo ``_id``, ``_uuid``, ``_submission_time``..., the
  Google Forms ``Timestamp``/``Cap waktu``), submission times as time-zone-aware UTC;
* ``repeats``: one table per Kobo repeat sheet, each row linked to its parent row;
* multi-select answers in one form whatever the layout: one column per question holding the
  chosen choices joined by ``;`` (:data:`MULTISELECT_SEPARATOR`);
* ``notes``: everything that was interpreted, in words, for the cleaning report.

A file that is neither is read as a plain table (:func:`~helpers.io.reading.read_table`).

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

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from helpers.core.errors import ConfigError, InputFileError
from helpers.io.export import (
    DEFAULT_TIMEZONE,
    GOOGLE_FORMS_TIMESTAMPS,
    SOURCE_KINDS,
    Export,
    SourceKind,
    _check_forced,
    _SheetShape,
    _zone,
)
from helpers.io.google_forms import _read_google_forms
from helpers.io.kobo import _read_kobo
from helpers.io.parsing import is_missing
from helpers.io.reading import CSV_EXTENSIONS, XLSX_EXTENSIONS, read_table, xlsx_sheets

__all__ = [
    "read_export",
    "clean_header",
    "header_group",
]


_KOBO_MARKERS = ("_uuid", "_submission_time", "meta/instanceID", "meta.instanceID")
_GOOGLE_SHEET = re.compile(r"^(?:form responses|jawaban formulir)\s+\d+$", re.IGNORECASE)


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
        Anything :func:`~helpers.io.reading.read_table` refuses (missing, empty, truncated or
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
        return _read_kobo(path, raw, main_sheet, shapes, forced, timezone)
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


def _forced_columns(columns: Iterable[str] | None) -> tuple[str, ...]:
    if columns is None:
        return ()
    if isinstance(columns, str):
        columns = [columns]
    return tuple(str(c).strip() for c in columns)


def _check_source_fits_suffix(path: Path, source: str, suffix: str) -> None:
    if source == "csv" and suffix in XLSX_EXTENSIONS:
        raise InputFileError(path, "source 'csv' was given, but the file is an XLSX workbook")
    if source == "xlsx" and suffix in CSV_EXTENSIONS:
        raise InputFileError(path, "source 'xlsx' was given, but the file is a CSV file")


def _workbook_shapes(path: Path) -> dict[str, _SheetShape]:
    """Each sheet's header row and whether data rows follow, in workbook order (from the
    workbook :func:`~helpers.io.reading.read_table` reads next: it is parsed once)."""
    return {name: _sheet_shape(rows) for name, rows in xlsx_sheets(path).items()}


def _sheet_shape(rows: list[list[str | None]] | None) -> _SheetShape:
    if rows is None:
        return _SheetShape((), False)  # a chart sheet
    header: tuple[str, ...] | None = None
    for row in rows:
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
