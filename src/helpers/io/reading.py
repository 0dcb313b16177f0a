"""Reading raw exports (CSV or XLSX) into string tables (cells are parsed by
:mod:`helpers.io.parsing`).

Everything officials export is read as text first: :func:`read_table` returns a DataFrame of
strings, the header exactly as written (surrounding whitespace stripped), one row per data row
of the file. Types come later, from the codebook (:mod:`helpers.io.codebook`), which calls
:func:`parse_number` and :func:`parse_date` on the columns it converts.

Row numbers
-----------
:func:`read_table` returns a ``RangeIndex``: index label ``i`` is data row ``i + 1`` of the raw
file (1-based, the header and any ``skip_rows`` above it not counted). Cleaning steps keep these
labels (they drop rows but never reset the index), so :func:`raw_row_numbers` can always name
the raw row a value came from, in error messages and in the cleaning log.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "skp.csv"
>>> _ = p.write_text("NIP;Nilai SKP\\n199001012010011001;87,5\\n", encoding="utf-8")
>>> df = read_table(p)
>>> list(df.columns)
['NIP', 'Nilai SKP']
>>> from helpers.io.parsing import parse_number
>>> parse_number(df["Nilai SKP"])[0].tolist()
[87.5]
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core.errors import InputFileError

__all__ = [
    "read_table",
    "check_xlsx_limits",
    "xlsx_sheets",
    "clear_read_cache",
    "READ_CACHE_SIZE",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "MAX_XLSX_RATIO",
    "RAW_ROW",
    "did_you_mean",
    "CSV_EXTENSIONS",
    "XLSX_EXTENSIONS",
]


CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
_DELIMITERS = (";", ",", "\t", "|")
RAW_ROW = "raw_row"
"""Name of an index that holds 1-based raw rows (see :func:`raw_row_numbers`)."""
_SNIFF_CHARS = 65_536
_SNIFF_ROWS = 50


# --------------------------------------------------------------------------------------------
# read_table
# --------------------------------------------------------------------------------------------


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    required_columns: Iterable[str] = (),
    skip_rows: int = 0,
) -> pd.DataFrame:
    """Read a CSV or XLSX export as a table of strings.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt``/``.tsv`` (delimiter and encoding detected) or ``.xlsx``/``.xlsm``.
    sheet : str or int, optional
        XLSX only: the sheet name (or its 0-based position). Default: the first sheet.
    required_columns : iterable of str
        Headers that must be present (compared after stripping surrounding whitespace).
    skip_rows : int
        Rows above the header to skip (a title line, say).

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per header, values as written; empty or whitespace-only cells are
        missing. The index is a ``RangeIndex``: label ``i`` is raw data row ``i + 1``.

    Raises
    ------
    InputFileError
        The file is missing, empty, has a header but no data rows, has duplicated or empty
        column names over non-empty columns, a row with more fields than the header, is not a
        readable workbook, lacks the sheet asked for, or lacks a required column.

    Notes
    -----
    CSV: the encoding is UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 (then
    latin-1). The delimiter is chosen among ``; , TAB |``: each is tried on the first 50 rows,
    and among those that split the header into more than one column with the rows agreeing,
    the one giving most columns wins (``csv.Sniffer`` breaks ties). Fields beyond the header
    that are empty (the trailing delimiter of KoboToolbox legacy exports) are dropped; short
    rows are padded with missing values. Blank rows above the header and after the last data
    row are dropped; empty rows inside the data are kept (all missing) so that row numbers
    match the file.

    XLSX: values are read with calamine (:func:`xlsx_sheets`), formulas as their cached
    results (a formula never calculated by a spreadsheet program reads as empty); dates become
    ISO text
    (``2024-01-12`` or ``2024-01-12 08:30:00``), whole numbers lose their ``.0``, and a
    number too long for a float (an 18-digit NIP typed as a number) keeps Excel's ``e+17``
    form so that :func:`helpers.privacy.nip.validate_nip` can say its digits were lost.

    A file is parsed once per content: the last :data:`READ_CACHE_SIZE` tables read are kept,
    keyed by a hash of the file's bytes (a changed file is parsed again), and each call
    returns its own copy.
    """
    path = Path(path)
    if not isinstance(skip_rows, int) or isinstance(skip_rows, bool) or skip_rows < 0:
        raise TypeError(f"skip_rows must be a non-negative int, got {skip_rows!r}")
    if not path.exists():
        raise InputFileError(path, "file not found")
    if not path.is_file():
        raise InputFileError(path, "not a file (a folder?)")
    suffix = path.suffix.lower()
    if suffix in CSV_EXTENSIONS:
        if sheet is not None:
            raise InputFileError(path, f"a CSV file has no sheets, but sheet={sheet!r} was given")
    elif suffix == ".xls":
        raise InputFileError(
            path, "the old .xls format is not supported; open it in Excel and save as .xlsx or CSV"
        )
    elif suffix not in XLSX_EXTENSIONS:
        raise InputFileError(
            path,
            f"unknown file type {path.suffix!r}; expected one of "
            f"{', '.join(sorted(CSV_EXTENSIONS | XLSX_EXTENSIONS))}",
        )
    if suffix in XLSX_EXTENSIONS:
        check_xlsx_limits(path)
    raw = _read_bytes(path)
    key = ("table", _content_key(raw), suffix, sheet, skip_rows)
    frame, sheet_name = _cached(key, lambda: _parse_table(path, raw, sheet, skip_rows))
    _check_required(path, frame.columns, required_columns, sheet=sheet_name)
    return frame.copy()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc


def _parse_table(
    path: Path, raw: bytes, sheet: str | int | None, skip_rows: int
) -> tuple[pd.DataFrame, str | None]:
    """The table of a file's bytes (what :func:`read_table` keeps for the next read)."""
    if path.suffix.lower() in CSV_EXTENSIONS:
        records = _read_csv_records(path, skip_rows, raw)
        sheet_name = None
    else:
        records, sheet_name = _read_xlsx_records(path, sheet, raw)
    frame = _records_to_frame(path, records[skip_rows:], sheet=sheet_name, skip_rows=skip_rows)
    return frame, sheet_name


def _read_csv_records(path: Path, skip_rows: int, raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    if not text.strip():
        raise InputFileError(path, "file is empty; expected a header row and data rows")
    delimiter = _detect_delimiter(text, skip_rows)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputFileError(
            path, f"not a readable CSV file ({exc})", row=max(reader.line_num - 1, 1)
        ) from exc


def _decode(raw: bytes) -> str:
    """Decode CSV bytes: BOMs first, then UTF-8, then cp1252, then latin-1 (never fails); a
    file mixing UTF-8 and cp1252 lines is decoded line by line."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    if any(not line.isascii() and _is_utf8(line) for line in lines):
        # mixed: an export pasted together from UTF-8 and cp1252 sources; decode each line
        # by what it is, so the UTF-8 rows do not turn into mojibake
        return "\n".join(
            line.decode("utf-8") if _is_utf8(line) else _decode_8bit(line) for line in lines
        )
    return _decode_8bit(raw)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_8bit(raw: bytes) -> str:
    """cp1252 (what Excel on Windows writes), else latin-1 (never fails)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _detect_delimiter(text: str, skip_rows: int = 0) -> str:
    """Choose the delimiter that splits the header into most columns consistently.

    ``csv.Sniffer`` (slow on a large sample) is asked only when it decides: two delimiters
    tie, or none splits the header."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    shapes = {d: _delimiter_shape(sample, d, skip_rows) for d in _DELIMITERS}
    widths = {d: w for d, (kind, w) in shapes.items() if kind == "fits"}
    if widths:
        top = max(widths.values())
        winners = [d for d, w in widths.items() if w == top]
        if len(winners) == 1:
            return winners[0]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    order = sorted(_DELIMITERS, key=lambda d: d != sniffed)  # the sniffed one first
    best: tuple[int, str] | None = None
    single_column: str | None = None
    for delimiter in order:
        kind, width = shapes[delimiter]
        if kind == "single" and single_column is None:
            single_column = delimiter
        elif kind == "fits" and (best is None or width > best[0]):
            best = (width, delimiter)
    if best is not None:
        return best[1]
    if single_column is not None:
        return single_column
    return sniffed or ","


def _delimiter_shape(sample: str, delimiter: str, skip_rows: int) -> tuple[str, int]:
    """How ``delimiter`` splits the first rows: ``("fits", header width)`` when the header
    has several columns and at least half the rows agree; ``("single", 1)`` when every row
    is one column; else ``("no", 0)``."""
    try:
        rows = list(
            itertools.islice(
                csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter),
                skip_rows,
                skip_rows + _SNIFF_ROWS + 1,
            )
        )
    except csv.Error:
        return "no", 0
    rows = [r for r in rows if any(f.strip() for f in r)]
    if not rows:
        return "no", 0
    header, body = rows[0], rows[1:]
    width = len(_trim_trailing_empty(header))
    if width <= 1:
        if all(len(_trim_trailing_empty(r)) <= 1 for r in body):
            return "single", 1
        return "no", 0
    fitting = sum(len(_trim_to(r, len(header))) == len(header) for r in body)
    if body and fitting / len(body) < 0.5:
        return "no", 0
    return "fits", width


def _trim_trailing_empty(fields: Sequence[str]) -> list[str]:
    out = list(fields)
    while out and not out[-1].strip():
        out.pop()
    return out


def _trim_to(fields: Sequence[str], width: int) -> list[str]:
    """Drop empty fields beyond ``width`` (trailing delimiters)."""
    if len(fields) <= width:
        return list(fields)
    extra = fields[width:]
    if any(f.strip() for f in extra):
        return list(fields)
    return list(fields[:width])


#: Largest total uncompressed size of an XLSX workbook's parts, read from the zip directory
#: before anything is parsed (a 200,000-row survey sheet is about 150 MiB of XML).
MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: Largest expansion of one part (uncompressed / compressed) above :data:`XLSX_RATIO_FLOOR`;
#: real sheets compress 5-30 times, a zip bomb thousands of times.
MAX_XLSX_RATIO = 150
#: Parts smaller than this are not held to :data:`MAX_XLSX_RATIO` (tiny repetitive parts
#: compress very well and cost nothing).
XLSX_RATIO_FLOOR = 16 * 1024 * 1024
#: Most parts (files) in one workbook.
MAX_XLSX_PARTS = 10_000


def check_xlsx_limits(path: str | Path) -> None:
    """Refuse a workbook that would expand beyond the limits, before any XML is parsed.

    Reads only the zip directory: the number of parts (:data:`MAX_XLSX_PARTS`), their total
    uncompressed size (:data:`MAX_XLSX_UNCOMPRESSED_BYTES`) and each part's expansion ratio
    (:data:`MAX_XLSX_RATIO`, for parts over :data:`XLSX_RATIO_FLOOR`). Python's zipfile never
    inflates a part beyond the size its directory entry declares, so these numbers bound the
    memory the parse can need. A file that is not a zip is left to the reader's own error.

    Raises
    ------
    InputFileError
        Naming the file and the limit exceeded.
    """
    import zipfile

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(infos) > MAX_XLSX_PARTS:
        raise InputFileError(
            path, f"the workbook has {len(infos):,} parts; at most {MAX_XLSX_PARTS:,} are read"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputFileError(
            path,
            f"the workbook expands to {total / 2**20:,.0f} MiB when unpacked; at most "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES / 2**20:,.0f} MiB are read "
            "(helpers.io.reading.MAX_XLSX_UNCOMPRESSED_BYTES). Save the sheet as CSV, or split "
            "it",
        )
    for info in infos:
        if info.file_size > XLSX_RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_XLSX_RATIO:
                raise InputFileError(
                    path,
                    f"part {info.filename!r} expands {ratio:,.0f} times when unpacked (at most "
                    f"{MAX_XLSX_RATIO} times, helpers.io.reading.MAX_XLSX_RATIO): not a "
                    "workbook a survey tool writes (a zip bomb?)",
                )


def _read_xlsx_records(
    path: Path, sheet: str | int | None, raw: bytes
) -> tuple[list[list[Any]], str]:
    sheets = _workbook(path, raw)
    name = _choose_sheet(path, list(sheets), sheet)
    records = sheets[name]
    if records is None:
        raise InputFileError(path, "sheet is a chart, not a table of cells", sheet=name)
    if not any(any(v is not None for v in r) for r in records):
        raise InputFileError(
            path, "sheet is empty; expected a header row and data rows", sheet=name
        )
    return records, name


#: Parsed files kept for the next read of the same content (most recently used last); a
#: pipeline reads a raw file in its data check, its cleaning and its disclosure scan.
_READ_CACHE: OrderedDict[tuple, Any] = OrderedDict()
#: How many parsed files are kept (the bound keeps a long batch's memory flat).
READ_CACHE_SIZE = 24
_READ_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, make: Callable[[], Any]) -> Any:
    """``make()``, or what it returned for the same key before (errors are not kept)."""
    with _READ_CACHE_LOCK:
        if key in _READ_CACHE:
            _READ_CACHE.move_to_end(key)
            return _READ_CACHE[key]
    value = make()
    with _READ_CACHE_LOCK:
        _READ_CACHE[key] = value
        while len(_READ_CACHE) > READ_CACHE_SIZE:
            _READ_CACHE.popitem(last=False)
    return value


def clear_read_cache() -> None:
    """Forget every parsed file (:func:`read_table` and :func:`xlsx_sheets` keep the last
    :data:`READ_CACHE_SIZE`, keyed by the file's content, so a changed file is read again)."""
    with _READ_CACHE_LOCK:
        _READ_CACHE.clear()


def _content_key(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def xlsx_sheets(path: str | Path) -> dict[str, list[list[str | None]] | None]:
    """Every sheet of a workbook as rows of cell text, in workbook order (None: a chart sheet).

    Each workbook is parsed once per content (the result is shared: do not modify it), with
    the Rust calamine reader; a workbook holding what calamine reads differently (error cells
    such as ``#DIV/0!``, which it reads as empty, or whole numbers of 16 digits or more stored
    as integers, which it reads as floats) is read with openpyxl instead, so the text is the
    same either way. Cells are as :func:`read_table` documents (``None`` for an empty cell);
    with calamine, each row ends at its last non-empty cell.

    Raises
    ------
    InputFileError
        The workbook is too large (:func:`check_xlsx_limits`) or not readable.
    """
    path = Path(path)
    check_xlsx_limits(path)
    return _workbook(path, _read_bytes(path))


def _workbook(path: Path, raw: bytes) -> dict[str, list[list[str | None]] | None]:
    return _cached(("xlsx", _content_key(raw)), lambda: _parse_workbook(path, raw))


_CALAMINE_DIFFERS = re.compile(rb'\bt="e"|<v>\s*-?\d{16,}\s*</v>')


def _needs_openpyxl(raw: bytes) -> bool:
    """True when a worksheet holds an error cell or a long whole number written as one."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            sheets = [
                i
                for i in archive.infolist()
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
            ]
            return any(_CALAMINE_DIFFERS.search(archive.read(i)) for i in sheets)
    except Exception:  # not a readable zip (or a damaged part): the reader says so
        return False


def _parse_workbook(path: Path, raw: bytes) -> dict[str, list[list[str | None]] | None]:
    if _needs_openpyxl(raw):
        return _openpyxl_sheets(path, raw)
    import python_calamine  # imported here: reading CSV should not pay for it

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        metadata = list(workbook.sheets_metadata)
    except Exception as exc:  # zip, XML and calamine errors all mean the same to a user
        raise _unreadable(path, exc, opened=False) from exc
    sheets: dict[str, list[list[str | None]] | None] = {}
    try:
        for meta in metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                sheets[meta.name] = None
                continue
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets[meta.name] = [_calamine_row(row) for row in rows]
    except Exception as exc:
        raise _unreadable(path, exc, opened=True) from exc
    finally:
        workbook.close()
    return sheets


def _calamine_row(row: list[Any]) -> list[str | None]:
    """A calamine row as cell text, ending at its last non-empty cell (as openpyxl's rows)."""
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return [None if v == "" else _cell_text(v) for v in row[:end]]


def _openpyxl_sheets(path: Path, raw: bytes) -> dict[str, list[list[str | None]] | None]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same to a user
        raise _unreadable(path, exc, opened=False) from exc
    sheets: dict[str, list[list[str | None]] | None] = {}
    try:
        for name in workbook.sheetnames:
            worksheet = workbook[name]
            if not hasattr(worksheet, "iter_rows"):
                sheets[name] = None  # a chart sheet
                continue
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()  # some writers store a wrong size; read every row
            sheets[name] = [
                [_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)
            ]
    except Exception as exc:
        raise _unreadable(path, exc, opened=True) from exc
    finally:
        workbook.close()
    return sheets


def _unreadable(path: Path, exc: Exception, *, opened: bool) -> InputFileError:
    if opened:
        return InputFileError(
            path,
            "not a readable XLSX workbook (damaged or truncated?); open it in Excel and save a "
            f"copy [{type(exc).__name__}: {exc}]",
        )
    return InputFileError(
        path,
        "not a readable XLSX workbook (damaged, truncated or password-protected?); open it "
        f"in Excel and save a copy as .xlsx without a password [{type(exc).__name__}: {exc}]",
    )


def _choose_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        if not names:
            raise InputFileError(path, "workbook has no sheets")
        return names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise InputFileError(
            path, f"sheet number {sheet} does not exist; sheets found: {_quoted(names)}"
        )
    if not isinstance(sheet, str):
        raise TypeError(f"sheet must be a str, an int or None, got {type(sheet).__name__}")
    if sheet in names:
        return sheet
    folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputFileError(
        path, f"sheet {sheet!r} not found; sheets found: {_quoted(names)}", sheet=sheet
    )


def _cell_text(value: Any) -> str | None:
    """Text of an openpyxl cell value (``None`` for an empty cell)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def _records_to_frame(
    path: Path, records: list[list[Any]], *, sheet: str | None, skip_rows: int
) -> pd.DataFrame:
    records = [r if None not in r else _as_fields(r) for r in records]  # cells are text
    while records and not any(f.strip() for f in records[-1]):
        records.pop()
    while records and not any(f.strip() for f in records[0]):
        records.pop(0)  # blank lines above the header
    if not records:
        where = f" after skipping {skip_rows} rows" if skip_rows else ""
        raise InputFileError(path, f"no header row{where}; the file is empty", sheet=sheet)
    header = [h.strip() for h in records[0]]
    body = records[1:]
    if not body:
        raise InputFileError(
            path,
            "no data rows: the file has a header but no data (header-only exports are refused "
            "so that an empty survey is never mistaken for a clean one)",
            sheet=sheet,
        )
    width = len(header)
    short: list[tuple[int, int]] = []
    if all(len(fields) == width for fields in body):  # the usual table: nothing to trim or pad
        rows = body
    else:
        rows, short = _fit_rows(path, body, width, sheet)
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    keep: list[int] = []
    for position, name in enumerate(header):
        if name:
            keep.append(position)
            continue
        filled = [i for i, v in enumerate(columns[position], start=1) if v.strip()]
        if filled:
            raise InputFileError(
                path,
                f"column {position + 1} has no header but holds values (first at row "
                f"{filled[0]}); give it a name or delete it",
                row=filled[0],
                sheet=sheet,
            )
    _check_unique(path, [(header[p], p + 1) for p in keep], sheet=sheet)
    data = {header[p]: _text_column(columns[p]) for p in keep}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    if short:
        frame.attrs["short_rows"] = short  # (row, fields): the cleaning log says so
    return frame


def _as_fields(record: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in record]


#: The characters ``str.strip`` removes (``str.isspace``; tests check the list).
WHITESPACE_CODES = (
    *range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
)  # fmt: skip
#: A field that is empty or whitespace only (an RE2 pattern pyarrow matches on a column).
_BLANK_FIELD = "^[" + "".join(f"\\x{{{c:x}}}" for c in WHITESPACE_CODES) + "]*$"


def _text_column(values: Sequence[str]) -> pd.Series:
    """A column of fields as text, empty or whitespace-only fields missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(list(values), type=pa.large_string())
    blank = pc.match_substring_regex(column, _BLANK_FIELD)
    column = pc.if_else(blank, pa.scalar(None, type=column.type), column)
    return pd.Series(pd.array(column, dtype="str"))


def _fit_rows(
    path: Path, body: list[list[str]], width: int, sheet: str | None
) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """Rows trimmed of empty fields beyond ``width`` and padded to it, and the CSV lines that
    were cut short, as (row, fields); a row with a value beyond the header is refused, naming
    the row."""
    rows: list[list[str]] = []
    short: list[tuple[int, int]] = []
    for number, fields in enumerate(body, start=1):
        fields = _trim_to(fields, width)
        if len(fields) > width:
            extra = [k for k, f in enumerate(fields) if k >= width and f.strip()]
            raise InputFileError(
                path,
                f"row has {len(_trim_trailing_empty(fields))} fields but the header has {width}"
                f" (the first extra value is in field {extra[0] + 1}; values are not shown, "
                "they may be personal data); is a delimiter or quote missing?",
                row=number,
                sheet=sheet,
            )
        if sheet is None and len(fields) < width and any(f.strip() for f in fields):
            short.append((number, len(fields)))  # a CSV line cut short (not a workbook row,
            # which simply ends at its last value)
        rows.append(fields + [""] * (width - len(fields)))
    return rows, short


def _check_unique(path: Path, names: list[tuple[str, int]], *, sheet: str | None) -> None:
    """Refuse repeated headers; ``names`` are (header, 1-based column position)."""
    seen: dict[str, list[int]] = {}
    for name, position in names:
        seen.setdefault(name, []).append(position)
    duplicated = {n: p for n, p in seen.items() if len(p) > 1}
    if duplicated:
        parts = [
            f"{n!r} (columns {', '.join(str(p) for p in pos)})" for n, pos in duplicated.items()
        ]
        raise InputFileError(
            path,
            f"duplicated column names: {'; '.join(parts)}; every header must be unique",
            column=next(iter(duplicated)),
            sheet=sheet,
        )


def _check_required(
    path: Path, columns: pd.Index, required: Iterable[str], *, sheet: str | None
) -> None:
    if isinstance(required, str):
        required = [required]
    present = [str(c) for c in columns]
    missing = [r.strip() for r in required if r.strip() not in present]
    if not missing:
        return
    parts = [f"{m!r}{did_you_mean(m, present)}" for m in missing]
    noun = "column is" if len(missing) == 1 else "columns are"
    raise InputFileError(
        path,
        f"required {noun} missing: {'; '.join(parts)}. Columns found: {_quoted(present)}",
        column=missing[0],
        sheet=sheet,
    )


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``" (did you mean 'X'?)"`` for up to 3 close matches (ignoring case), else ``""``.

    Examples
    --------
    >>> did_you_mean("likret", ["likert", "date"])
    " (did you mean 'likert'?)"
    """
    folded = {c.casefold(): c for c in candidates}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(folded[c]) for c in close)}?)"


def _quoted(names: Iterable[str], limit: int = 30) -> str:
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")
