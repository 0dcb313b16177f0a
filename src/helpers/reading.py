"""Reading raw exports (CSV or XLSX) into string tables, and parsing raw cells.

Everything officials export is read as text first: :func:`read_table` returns a DataFrame of
strings, the header exactly as written (surrounding whitespace stripped), one row per data row
of the file. Types come later, from the codebook (:mod:`helpers.codebook`), which calls
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
>>> parse_number(df["Nilai SKP"])[0].tolist()
[87.5]
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.errors import InputFileError

__all__ = [
    "read_table",
    "parse_number",
    "parse_date",
    "normalise_digits",
    "raw_row_numbers",
    "RAW_ROW",
    "is_missing",
    "cell_text",
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

    XLSX: values are read with openpyxl, formulas as their cached results (a formula never
    calculated by a spreadsheet program reads as empty); dates become ISO text
    (``2024-01-12`` or ``2024-01-12 08:30:00``), whole numbers lose their ``.0``, and a
    number too long for a float (an 18-digit NIP typed as a number) keeps Excel's ``e+17``
    form so that :func:`helpers.nip.validate_nip` can say its digits were lost.
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
        records = _read_csv_records(path, skip_rows)
        sheet_name = None
    elif suffix in XLSX_EXTENSIONS:
        records, sheet_name = _read_xlsx_records(path, sheet)
    elif suffix == ".xls":
        raise InputFileError(
            path, "the old .xls format is not supported; open it in Excel and save as .xlsx or CSV"
        )
    else:
        raise InputFileError(
            path,
            f"unknown file type {path.suffix!r}; expected one of "
            f"{', '.join(sorted(CSV_EXTENSIONS | XLSX_EXTENSIONS))}",
        )
    frame = _records_to_frame(path, records[skip_rows:], sheet=sheet_name, skip_rows=skip_rows)
    _check_required(path, frame.columns, required_columns, sheet=sheet_name)
    return frame


def _read_csv_records(path: Path, skip_rows: int) -> list[list[str]]:
    raw = path.read_bytes()
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
    """Choose the delimiter that splits the header into most columns consistently."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    order = sorted(_DELIMITERS, key=lambda d: d != sniffed)  # the sniffed one first
    best: tuple[int, str] | None = None
    single_column: str | None = None
    for delimiter in order:
        try:
            rows = list(
                itertools.islice(
                    csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter),
                    skip_rows,
                    skip_rows + _SNIFF_ROWS + 1,
                )
            )
        except csv.Error:
            continue
        rows = [r for r in rows if any(f.strip() for f in r)]
        if not rows:
            continue
        header, body = rows[0], rows[1:]
        width = len(_trim_trailing_empty(header))
        if width <= 1:
            if single_column is None and all(len(_trim_trailing_empty(r)) <= 1 for r in body):
                single_column = delimiter
            continue
        fitting = sum(len(_trim_to(r, len(header))) == len(header) for r in body)
        if body and fitting / len(body) < 0.5:
            continue
        if best is None or width > best[0]:
            best = (width, delimiter)
    if best is not None:
        return best[1]
    if single_column is not None:
        return single_column
    return sniffed or ","


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


def _read_xlsx_records(path: Path, sheet: str | int | None) -> tuple[list[list[Any]], str]:
    import openpyxl  # imported here: reading CSV should not pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same to a user
        raise InputFileError(
            path,
            "not a readable XLSX workbook (damaged, truncated or password-protected?); open it "
            f"in Excel and save a copy as .xlsx without a password [{type(exc).__name__}: {exc}]",
        ) from exc
    try:
        names = list(workbook.sheetnames)
        name = _choose_sheet(path, names, sheet)
        worksheet = workbook[name]
        if not hasattr(worksheet, "iter_rows"):
            raise InputFileError(path, "sheet is a chart, not a table of cells", sheet=name)
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers store a wrong size; read every row
        records = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            path,
            "not a readable XLSX workbook (damaged or truncated?); open it in Excel and save a "
            f"copy [{type(exc).__name__}: {exc}]",
        ) from exc
    finally:
        workbook.close()
    if not any(any(v is not None for v in r) for r in records):
        raise InputFileError(
            path, "sheet is empty; expected a header row and data rows", sheet=name
        )
    return records, name


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
    records = [[("" if v is None else str(v)) for v in r] for r in records]
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
    rows: list[list[str]] = []
    for number, fields in enumerate(body, start=1):
        fields = _trim_to(fields, width)
        if len(fields) > width:
            extra = [f for f in fields[width:] if f.strip()]
            raise InputFileError(
                path,
                f"row has {len(_trim_trailing_empty(fields))} fields but the header has {width}"
                f" (first extra value {extra[0]!r}); is a delimiter or quote missing?",
                row=number,
                sheet=sheet,
            )
        rows.append(fields + [""] * (width - len(fields)))
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
    data = {
        header[p]: pd.Series([v if v.strip() else None for v in columns[p]], dtype="str")
        for p in keep
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


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


# --------------------------------------------------------------------------------------------
# row numbers and digits
# --------------------------------------------------------------------------------------------


def raw_row_numbers(index: pd.Index | pd.Series | pd.DataFrame) -> np.ndarray:
    """1-based raw data rows for an index kept from :func:`read_table` (label + 1).

    An integer index named ``raw_row`` is taken to hold the 1-based rows themselves. A
    non-integer index (a table not from :func:`read_table`) is numbered by position.

    Examples
    --------
    >>> raw_row_numbers(pd.Index([0, 2, 5])).tolist()
    [1, 3, 6]
    >>> raw_row_numbers(pd.Index([1, 3, 6], name="raw_row")).tolist()
    [1, 3, 6]
    """
    if isinstance(index, (pd.Series, pd.DataFrame)):
        index = index.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.name == RAW_ROW:
        return np.asarray(index, dtype=np.int64)
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index, dtype=np.int64) + 1
    return np.arange(1, len(index) + 1, dtype=np.int64)


_DIGIT_SEPARATORS = re.compile(r"[\s.\-'`\u2018\u2019\u00b4_/]+")
_EXCEL_FLOAT_TAIL = re.compile(r"^(\d+)\.0+$")


def normalise_digits(values: pd.Series) -> pd.Series:
    """Remove the separators people type into long digit strings (NIP, NIK).

    Spaces, dots, hyphens, slashes, underscores and apostrophes (Excel's text marker ``'``)
    are removed; a trailing ``.0`` added by a spreadsheet (``199001012010011001.0``) is dropped
    first. Values that still hold other characters are returned stripped, not emptied, so
    a validator can report them. Missing stays missing.

    Examples
    --------
    >>> normalise_digits(pd.Series(["'19900101 201001 1 001", "1990.0101-2010", None])).tolist()
    ['199001012010011001', '199001012010', nan]
    """
    text = _as_text(values)

    def one(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        s = str(v).strip()
        m = _EXCEL_FLOAT_TAIL.match(s)
        if m:
            s = m.group(1)
        return _DIGIT_SEPARATORS.sub("", s) or None

    return pd.Series([one(v) for v in text], index=values.index, name=values.name, dtype="str")


def _as_text(values: pd.Series) -> list[Any]:
    """Values as Python objects, integers of numeric columns as whole-number text."""
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return [None if pd.isna(v) else str(int(v)) for v in values.astype(object)]
    return list(values.astype(object))


def is_missing(value: Any) -> bool:
    """True for None, NaN, NA, NaT and empty or whitespace-only text.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, "  ", "0", 0)]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """A cell as text for logs and comparisons: ``""`` when missing, whole floats without
    ``.0``, timestamps as ``2024-01-12`` (or ``2024-01-12 08:30:00``); text as it is.

    Examples
    --------
    >>> [cell_text(v) for v in (None, 4.0, 2.5, pd.Timestamp("2024-01-12"), " a ")]
    ['', '4', '2.5', '2024-01-12', ' a ']
    """
    if is_missing(value) and not isinstance(value, str):
        return ""
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else value.isoformat(sep=" ")
    return str(value)


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_NUMBER_PATTERNS = {
    ",": re.compile(r"^(?P<int>[1-9]\d{0,2}(?:\.\d{3})+|\d+)?(?:,(?P<frac>\d+))?$"),
    ".": re.compile(r"^(?P<int>[1-9]\d{0,2}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?$"),
}


def parse_number(
    series: pd.Series, *, decimal: Literal["auto", ",", "."] = "auto"
) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written the Indonesian or the English way.

    Parameters
    ----------
    series : pandas.Series
        Text such as ``"12,5"``, ``"1.234,5"``, ``"12.5"``, ``"1,234.5"``, ``"Rp 1.500.000,-"``,
        ``"- 3"``, ``"12,5%"`` (the percent sign is dropped, not divided). Numeric series are
        returned as float.
    decimal : {"auto", ",", "."}
        The decimal mark. ``","`` or ``"."`` parse strictly (a value written the other way
        fails). ``"auto"`` decides from the evidence, see Notes.

    Returns
    -------
    values : pandas.Series of float64
        Same index and name; missing where the input is missing or failed.
    failed : pandas.Series of bool
        True where a non-missing value could not be parsed.

    Notes
    -----
    With ``decimal="auto"`` each value is parsed under both conventions (decimal comma with
    ``.`` thousands, decimal point with ``,`` thousands; thousands groups are exactly 3 digits
    and the first group does not start with 0):

    * parses under one convention only (``12,5``, ``1.500.000``, ``12.5``, ``1,234.5``):
      that reading is used, and the value is one vote for its convention;
    * parses under both to the same number (``1234``, ``-7``): used as is;
    * parses under both to different numbers (``1.500``, ``2,750``): ambiguous; resolved by
      the column's majority vote, and by the Indonesian convention (decimal comma, so
      ``1.500`` is 1500 and ``2,750`` is 2.75) when the column has no evidence or a tie.

    Examples
    --------
    >>> values, failed = parse_number(pd.Series(["1.234,5", "Rp 1.500.000", "12,5", "x", None]))
    >>> values.tolist()
    [1234.5, 1500000.0, 12.5, nan, nan]
    >>> failed.tolist()
    [False, False, False, True, False]
    >>> parse_number(pd.Series(["1,500", "2.5"]))[0].tolist()
    [1500.0, 2.5]
    """
    if decimal not in ("auto", ",", "."):
        raise ValueError(f"decimal must be 'auto', ',' or '.', got {decimal!r}")
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, got {type(series).__name__}")
    if pd.api.types.is_bool_dtype(series.dtype):
        raise TypeError(f"column {series.name!r} is boolean, not numbers")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        return values, pd.Series(False, index=series.index, name=series.name)

    readings: dict[Any, tuple[float | None, float | None]] = {}
    votes = {",": 0, ".": 0}
    objects = list(series.astype(object))
    for v in objects:
        if is_missing(v):
            continue
        if v not in readings:
            readings[v] = _readings(v)
        _count_vote(readings[v], votes)
    majority = "." if votes["."] > votes[","] else ","  # ties and no evidence: decimal comma
    out = np.full(len(objects), np.nan)
    failed = np.zeros(len(objects), dtype=bool)
    for i, v in enumerate(objects):
        if is_missing(v):
            continue
        comma, point = readings[v]
        if decimal == ",":
            value = comma
        elif decimal == ".":
            value = point
        elif comma is not None and point is not None:
            value = comma if majority == "," else point
        else:
            value = comma if comma is not None else point
        if value is None:
            failed[i] = True
        else:
            out[i] = value
    return (
        pd.Series(out, index=series.index, name=series.name, dtype="float64"),
        pd.Series(failed, index=series.index, name=series.name),
    )


def _count_vote(reading: tuple[float | None, float | None], votes: dict[str, int]) -> None:
    comma, point = reading
    if comma is not None and point is None:
        votes[","] += 1
    elif point is not None and comma is None:
        votes["."] += 1


def _readings(value: Any) -> tuple[float | None, float | None]:
    """The value under (decimal comma, decimal point); None where it does not parse."""
    if isinstance(value, (bool, np.bool_)):
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), float(value)
    text = _SPACES.sub("", _CURRENCY.sub("", str(value).strip()))
    text = text.replace("\u2212", "-")
    sign = 1.0
    if text and text[0] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    for tail in (",-", ".-", ",--", "%"):
        if text.endswith(tail):
            text = text[: -len(tail)]
    if _SCIENTIFIC.match(text):
        number = sign * float(text)
        return number, number
    return (_strict(text, ",", sign), _strict(text, ".", sign))


def _strict(text: str, decimal: str, sign: float) -> float | None:
    match = _NUMBER_PATTERNS[decimal].match(text)
    if not match or not (match.group("int") or match.group("frac")):
        return None
    thousands = "." if decimal == "," else ","
    whole = (match.group("int") or "0").replace(thousands, "")
    frac = match.group("frac") or "0"
    return sign * float(f"{whole}.{frac}")


# --------------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags agus aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_WEEKDAY = re.compile(
    r"^(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+"
)
_TIME = (
    r"(?:(?:\s+|t|,\s*)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?)?"
    r"(?:\s*(?:wib|wita|wit|utc|gmt|cet|cest|z|[+-]\d{2}:?\d{2}|[a-z]{3,4}))?"
)
_DATE_PATTERNS = {
    "iso": re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + "$"),
    "numeric": re.compile(
        r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})" + _TIME + "$"
    ),
    "day_month": re.compile(
        r"^(?P<d>\d{1,2})[\s\-/.,]*(?P<mon>[a-z]+)\.?[\s\-/.,]*(?P<y>\d{4}|\d{2})" + _TIME + "$"
    ),
    "month_day": re.compile(r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _TIME + "$"),
    "month_year": re.compile(r"^(?P<mon>[a-z]+)\.?[\s\-/,]+(?P<y>\d{4})$"),
    "compact": re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    "serial": re.compile(r"^(?P<serial>\d{5}(?:\.\d+)?)$"),
}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_date(series: pd.Series, *, dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse dates as Indonesians and their spreadsheets write them.

    Parameters
    ----------
    series : pandas.Series
        Text such as ``"12 Januari 2024"``, ``"12 Jan 2024"``, ``"12-Agu-2023"``,
        ``"Senin, 12 Agt 2024"``, ``"Mei 2024"`` (first of the month), ``"12/01/2024"``,
        ``"2024-01-12"``, ``"2024-01-12 08:30:00"``, ``"2023/11/13 4:20:37 pm CET"``,
        ``"20240112"``, Excel serial numbers (``"45303"`` is 2024-01-12; 5 digits), or datetime values.
    dayfirst : bool
        Read ``01/02/2024`` as 1 February (True, the Indonesian way) or 2 January.

    Returns
    -------
    values : pandas.Series of datetime64[ns]
        NaT where missing or unparsable.
    failed : pandas.Series of bool
        True where a non-missing value could not be parsed (or is not a real date, such as
        ``31/02/2024``).

    Notes
    -----
    Month names: Indonesian and English, full or abbreviated, any case, with the usual
    variants (``Agt``, ``Ags``, ``Agu``, ``Pebruari``, ``Nop``, ``Des``, ``Okt``). A leading
    weekday is ignored. Two-digit years are 2000-2069 for 00-69 and 1970-1999 for 70-99.
    Time zones (``WIB``, ``CET``, ``+07:00``) are dropped: the clock time as written is kept,
    naive. Excel serial numbers count days from 1899-12-30 (the 1900 date system).

    Examples
    --------
    >>> values, failed = parse_date(pd.Series(["12 Januari 2024", "12-Agt-2023", "45303", "?"]))
    >>> values.dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-12', '2023-08-12', '2024-01-12', nan]
    >>> failed.tolist()
    [False, False, False, True]
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, got {type(series).__name__}")
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series
        if getattr(series.dt, "tz", None) is not None:
            values = series.dt.tz_localize(None)
        return (
            values.astype("datetime64[ns]"),
            pd.Series(False, index=series.index, name=series.name),
        )
    cache: dict[Any, pd.Timestamp | None] = {}
    out: list[Any] = []
    failed = np.zeros(len(series), dtype=bool)
    for i, v in enumerate(series.astype(object)):
        if is_missing(v):
            out.append(pd.NaT)
            continue
        key = (type(v).__name__, v) if not isinstance(v, str) else v
        if key not in cache:
            cache[key] = _parse_one_date(v, dayfirst=dayfirst)
        stamp = cache[key]
        if stamp is None:
            failed[i] = True
            out.append(pd.NaT)
        else:
            out.append(stamp)
    return (
        pd.Series(
            pd.DatetimeIndex(out, dtype="datetime64[ns]"), index=series.index, name=series.name
        ),
        pd.Series(failed, index=series.index, name=series.name),
    )


def _parse_one_date(value: Any, *, dayfirst: bool) -> pd.Timestamp | None:
    try:
        if isinstance(value, (dt.datetime, dt.date, np.datetime64)):
            stamp = pd.Timestamp(value)
            return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)
        ):
            return _from_serial(float(value))
        return _parse_date_text(str(value), dayfirst=dayfirst)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None


def _from_serial(days: float) -> pd.Timestamp | None:
    if not 1 <= days < 2_958_466:  # Excel's own range
        return None
    stamp = _EXCEL_EPOCH + pd.Timedelta(days=days)
    return stamp.round("s")


def _parse_date_text(text: str, *, dayfirst: bool) -> pd.Timestamp | None:
    s = _SPACES.sub(" ", text.strip().casefold())
    s = _WEEKDAY.sub("", s)
    for kind, pattern in _DATE_PATTERNS.items():
        match = pattern.match(s)
        if not match:
            continue
        g = match.groupdict()
        if kind == "serial":
            return _from_serial(float(g["serial"]))
        if kind in ("iso", "compact"):
            year, month, day = int(g["y"]), int(g["m"]), int(g["d"])
        elif kind == "numeric":
            first, second = int(g["a"]), int(g["b"])
            day, month = (first, second) if dayfirst else (second, first)
            year = _full_year(g["y"])
        else:
            month_number = _MONTHS.get(g["mon"])
            if month_number is None:
                return None
            month = month_number
            year = _full_year(g["y"])
            day = int(g["d"]) if g.get("d") else 1
        hour, minute, second_, micro = _clock(g)
        if hour is None:
            return None
        return pd.Timestamp(dt.datetime(year, month, day, hour, minute, second_, micro))
    return None


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _clock(g: dict[str, Any]) -> tuple[int | None, int, int, int]:
    if not g.get("H"):
        return 0, 0, 0, 0
    hour, minute = int(g["H"]), int(g["M"])
    second = int(g["S"]) if g.get("S") else 0
    micro = int((g.get("f") or "0").ljust(6, "0")[:6])
    ampm = (g.get("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None, 0, 0, 0
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return hour, minute, second, micro
