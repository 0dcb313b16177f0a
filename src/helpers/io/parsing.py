"""Parse the cells of a raw table: numbers with decimal commas and rupiah, Indonesian dates,
digits in any script, missing values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.io.reading import RAW_ROW

__all__ = [
    "parse_number",
    "parse_date",
    "normalise_digits",
    "clean_text",
    "clean_text_series",
    "is_lossy_number",
    "raw_row_numbers",
    "is_missing",
    "cell_text",
    "distinct_values",
    "spread",
    "is_text_dtype",
]


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


# Separators people put between digit groups: every kind of space (after cleaning: a plain
# space), dots, hyphens and dashes, slashes, underscores, apostrophes and Excel's text marker.
DIGIT_SEPARATOR_CHARS = (
    " \t\n\r.\\-/_'`\u2018\u2019\u00b4\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
)
_DIGIT_SEPARATORS = re.compile(f"[{DIGIT_SEPARATOR_CHARS}]+")
_EXCEL_FLOAT_TAIL = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIC_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_LONG_FLOAT_TAIL = re.compile(r"^(\d{16,})[.,]0+$")


def is_lossy_number(text: str) -> bool:
    """True when ``text`` is a long identifier a spreadsheet stored as a number, so that its
    last digits are lost: scientific notation (``1.98701242014022E+17``), or 16 or more digits
    with a ``.0`` tail written as Excel shows a float (zeros after the 15th significant digit:
    ``198701242014022000.0``) or as the float's exact value (``198701242014022016.0``).

    Examples
    --------
    >>> [is_lossy_number(t) for t in ("1.98701242014022E+17", "198701242014022000.0",
    ...  "198701242014022016.0", "198701242014022001.0", "198701242014022001")]
    [True, True, True, False, False]
    """
    if _SCIENTIFIC_NUMBER.match(text):
        return True
    m = _LONG_FLOAT_TAIL.match(text)
    if m is None:
        return False
    digits = m.group(1)
    return set(digits[15:]) == {"0"} or int(digits) == int(float(digits))


class _TextTable(dict):
    """``str.translate`` table: digits of every script to ASCII, spaces of every kind to a plain
    space, invisible and format characters (Unicode category Cf: soft hyphen, zero-width
    characters, BOM, word joiner, bidi marks) and control characters (Cc, NUL included; tab,
    line feed and carriage return kept) removed. Filled character by character as text needs
    it (building it for all of Unicode took a second in every process)."""

    def __missing__(self, code: int) -> str | None | int:
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Nd" and code > 0x7F:
            value: str | None | int = str(unicodedata.decimal(ch))
        elif category == "Cf" or (category == "Cc" and ch not in "\t\n\r"):
            value = None
        elif category == "Zs" and ch != " ":
            value = " "
        else:
            value = code  # kept as it is
        self[code] = value
        return value


_TEXT_TABLE = _TextTable()


def _text_table() -> dict[int, str | None | int]:
    """The translate table of :func:`clean_text` (see :class:`_TextTable`)."""
    return _TEXT_TABLE


def clean_text(text: str) -> str:
    """One character-level form for text that may hold an identifier or a name.

    Unicode NFKC (full-width and compatibility forms become plain ones: ``\uff11`` -> ``1``,
    no-break spaces -> spaces), then digits of every script to ASCII (Arabic-Indic ``\u0661``
    -> ``1``, Devanagari, Thai, ...), every kind of space to a plain space, and invisible and
    control characters removed (soft hyphen, zero-width space and joiners, BOM, NUL; tab and
    line breaks are kept). Case, letters and punctuation are kept. ``helpers.privacy.identifiers``
    builds the identifier and name rules on it.

    Examples
    --------
    >>> clean_text("\ufeff1987\u200b0124\u00a0\u0662\u0660\u0661\u0664 Eka Huta\u00adpea")
    '19870124 2014 Eka Hutapea'
    >>> clean_text("\uff11\uff19\uff18\uff17")
    '1987'
    """
    if text.isascii() and text.isprintable():
        return text
    return unicodedata.normalize("NFKC", text).translate(_text_table())


def clean_text_series(values: pd.Series) -> pd.Series:
    """:func:`clean_text` on every text cell (vectorised; other cells are left as they are)."""
    if values.empty:
        return values.copy()
    as_text = values.astype(object)
    is_text = as_text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not is_text.any():
        return values.copy()
    texts = pd.Series(as_text[is_text].to_numpy(), dtype=object)
    plain = texts.map(lambda t: t.isascii() and t.isprintable()).to_numpy(dtype=bool)
    if not plain.all():
        odd = texts[~plain].str.normalize("NFKC").str.translate(_text_table())
        texts[~plain] = odd
    out = as_text.copy()
    out[is_text] = texts.to_numpy()
    if is_text_dtype(values.dtype):
        return out.astype(values.dtype)
    return out


def normalise_digits(values: pd.Series) -> pd.Series:
    """Remove the separators people type into long digit strings (NIP, NIK).

    The text is cleaned first (:func:`clean_text`: digits of any script to ASCII, invisible
    characters such as a BOM, NUL or zero-width space removed, every kind of space made plain).
    Then spaces, dots, hyphens and dashes, slashes, underscores and apostrophes (Excel's text
    marker ``'``) are removed; a trailing ``.0`` added by a spreadsheet
    (``199001012010011001.0``) is dropped first. Values that still hold other characters are
    returned stripped, not emptied, so a validator can report them; so are numbers a
    spreadsheet stored as floats, whose last digits are lost (``1.98701242014022E+17``, or 16
    or more digits with ``.0``). Missing stays missing.

    Examples
    --------
    >>> normalise_digits(pd.Series(["'19900101 201001 1 001", "1990.0101-2010", None])).tolist()
    ['199001012010011001', '199001012010', nan]
    >>> normalise_digits(pd.Series(["\\ufeff19870124/201402/2/001\\x00"])).tolist()
    ['198701242014022001']
    """
    text = _as_text(values)

    def one(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        s = clean_text(str(v)).strip()
        if is_lossy_number(s):
            return s  # a spreadsheet's number: digits already lost; left for the validator
        m = _EXCEL_FLOAT_TAIL.match(s)
        if m:
            s = m.group(1)
        return _DIGIT_SEPARATORS.sub("", s) or None

    # text that is ASCII digits only is already normalised (the common, clean NIP)
    out = [v if v.__class__ is str and v.isdigit() and v.isascii() else one(v) for v in text]
    return pd.Series(out, index=values.index, name=values.name, dtype="str")


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


def is_text_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a dedicated text dtype (``"str"``, ``"string"``): every value is
    text or missing. ``object`` is not, as it may hold anything.

    Examples
    --------
    >>> is_text_dtype(pd.Series(["a"], dtype="str").dtype), is_text_dtype(np.dtype(object))
    (True, False)
    """
    return pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype)


def distinct_values(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each cell as a position in its column's distinct values: ``(codes, uniques)``.

    ``uniques`` are the distinct values that are not missing (:func:`is_missing`), in order of
    first appearance; ``codes[i]`` is cell ``i``'s position in them, ``-1`` where the cell is
    missing. A function of one cell is then computed once per distinct value and spread back
    with ``codes``. Text columns are factorised by pandas; other columns are compared as
    Python values, keyed by type as well (``1``, ``1.0`` and ``True`` stay apart).

    Examples
    --------
    >>> codes, uniques = distinct_values(pd.Series(["b", " ", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), uniques
    ([0, -1, -1, 1, 0], ['b', 'a'])
    """
    if is_text_dtype(values.dtype):
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        found = list(distinct)
        # blank text is missing too (NA already has code -1): one vectorised test per value
        keep = np.asarray(distinct.str.strip().str.len() > 0, dtype=bool)
        if keep.all():
            return np.asarray(codes, dtype=np.int64), found
        renumber = np.full(len(found) + 1, -1, dtype=np.int64)  # the last slot: code -1
        renumber[:-1][keep] = np.arange(int(keep.sum()))
        return renumber[codes], [v for v, k in zip(found, keep, strict=True) if k]
    positions: dict[Any, int] = {}
    uniques: list[Any] = []
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values.astype(object)):
        if is_missing(v):
            codes[i] = -1
            continue
        key = v if isinstance(v, str) else (type(v).__name__, v)
        code = positions.get(key)
        if code is None:
            code = positions[key] = len(uniques)
            uniques.append(v)
        codes[i] = code
    return codes, uniques


def spread(per_value: list[Any], codes: np.ndarray, missing: Any = None) -> np.ndarray:
    """``per_value[code]`` for every cell (an object array), ``missing`` where code is -1.

    Examples
    --------
    >>> spread(["x", "y"], np.array([1, -1, 0])).tolist()
    ['y', None, 'x']
    """
    table = np.empty(len(per_value) + 1, dtype=object)
    table[: len(per_value)] = per_value
    table[-1] = missing
    return table[codes]


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

    codes, uniques = distinct_values(series)
    readings = [_readings(v) for v in uniques]
    votes = {",": 0, ".": 0}
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    for reading, count in zip(readings, counts, strict=True):
        _count_vote(reading, votes, int(count))
    majority = "." if votes["."] > votes[","] else ","  # ties and no evidence: decimal comma
    chosen = np.full(len(uniques) + 1, np.nan)
    bad = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot: missing cells
    for k, (comma, point) in enumerate(readings):
        if decimal == ",":
            value = comma
        elif decimal == ".":
            value = point
        elif comma is not None and point is not None:
            value = comma if majority == "," else point
        else:
            value = comma if comma is not None else point
        if value is None:
            bad[k] = True
        else:
            chosen[k] = value
    out, failed = chosen[codes], bad[codes]
    return (
        pd.Series(out, index=series.index, name=series.name, dtype="float64"),
        pd.Series(failed, index=series.index, name=series.name),
    )


def _count_vote(
    reading: tuple[float | None, float | None], votes: dict[str, int], count: int = 1
) -> None:
    comma, point = reading
    if comma is not None and point is None:
        votes[","] += count
    elif point is not None and comma is None:
        votes["."] += count


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
# what datetime64[ns] holds, whole days (a date outside is not a date of this data: it fails)
_STAMP_MIN, _STAMP_MAX = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")


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
        ``31/02/2024``, or lies outside what datetime64[ns] holds, 1677-09-22 to 2262-04-11,
        such as the placeholder ``01/01/9999``).

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
        outside = values.notna() & ((values < _STAMP_MIN) | (values > _STAMP_MAX))
        return (
            values.mask(outside).astype("datetime64[ns]"),
            outside.rename(series.name),
        )
    codes, uniques = distinct_values(series)
    stamps = [_parse_one_date(v, dayfirst=dayfirst) for v in uniques]
    failed = np.array([s is None for s in stamps] + [False], dtype=bool)[codes]
    out = spread([pd.NaT if s is None else s for s in stamps], codes, pd.NaT)
    return (
        pd.Series(
            pd.DatetimeIndex(out, dtype="datetime64[ns]"), index=series.index, name=series.name
        ),
        pd.Series(failed, index=series.index, name=series.name),
    )


def _parse_one_date(value: Any, *, dayfirst: bool) -> pd.Timestamp | None:
    stamp = _parse_one_date_any(value, dayfirst=dayfirst)
    if stamp is None or not _STAMP_MIN <= stamp <= _STAMP_MAX:
        return None
    return stamp


def _parse_one_date_any(value: Any, *, dayfirst: bool) -> pd.Timestamp | None:
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
