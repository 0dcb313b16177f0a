"""Disclosure control: no group smaller than the minimum cell size is shown, and no personal
data leave ``data/raw``.

Reports never show a group smaller than a region's ``min_cell_size`` (default 5): a table cell
that counts or averages fewer people could identify them. :func:`suppress_small_cells` blanks
such cells and says so; the report's tables pass through it.

:func:`scan_outputs` (and :func:`scan_region` for one region's processed tables and report)
checks written outputs for what must never be in them: NIPs, roster names, phone numbers,
e-mail addresses and small counts that were not suppressed. The pipeline runs it after a
region's export and fails the region when it finds anything.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.io.parsing import is_text_dtype
from helpers.privacy.identifiers import (
    NIP_IN_TEXT,
    NameMatcher,
    clean_text,
    fold_name,
    identifier_digits,
)
from helpers.privacy.nip import could_be_valid_nip, validate_nip

__all__ = [
    "suppress_small_cells",
    "suppress_by_counts",
    "suppress_balance",
    "BALANCE_GROUPS",
    "SUPPRESSED",
    "scan_outputs",
    "summarise_findings",
    "FINDING_COLUMNS",
    "COUNT_COLUMNS",
    "scan_staging",
    "SCANNED_SUFFIXES",
]


SUPPRESSED = "<5"


def suppress_small_cells(
    table: pd.DataFrame, *, count: str, min_cell: int = 5, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Blank the values of rows whose ``count`` is below ``min_cell`` (a copy).

    Parameters
    ----------
    table : DataFrame
        One row per group, with a count column.
    count : str
        The column holding the number of people in the group.
    min_cell : int
        Smallest group that may be shown.
    columns : sequence of str, optional
        Columns to blank in small rows (default: every column except the group labels, i.e.
        the numeric columns, ``count`` included).

    Returns
    -------
    DataFrame
        Same shape; small rows carry ``pd.NA`` in ``columns`` and ``suppressed=True``.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b"], "n": [12, 3], "share": [0.5, 1.0]})
    >>> suppress_small_cells(t, count="n", min_cell=5)["share"].tolist()
    [0.5, <NA>]
    """
    if count not in table:
        raise KeyError(f"count column {count!r} not in table (columns: {list(table.columns)})")
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    out = table.copy()
    cols = list(columns) if columns is not None else list(out.select_dtypes("number").columns)
    small = pd.to_numeric(out[count], errors="coerce").fillna(0) < min_cell
    for c in cols:
        out[c] = out[c].astype("object").where(~small, pd.NA)
        if c not in (count,) and pd.api.types.is_numeric_dtype(table[c]):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Float64")
    if count in cols:
        out[count] = pd.to_numeric(out[count], errors="coerce").astype("Int64")
    out["suppressed"] = small.to_numpy()
    return out


#: What a group's numbers depend on in a balance table (:func:`helpers.stats.balance.balance_table`):
#: the treated and the control side. A difference or SMD involves both, so it goes with either.
BALANCE_GROUPS: dict[str, tuple[str, ...]] = {
    "n_treated": (
        "mean_treated",
        "sd_treated",
        "mean_treated_weighted",
        "diff",
        "smd",
        "diff_weighted",
        "smd_weighted",
    ),
    "n_control": (
        "mean_control",
        "sd_control",
        "mean_control_weighted",
        "diff",
        "smd",
        "diff_weighted",
        "smd_weighted",
    ),
}


def suppress_by_counts(
    table: pd.DataFrame, groups: dict[str, Sequence[str]], *, min_cell: int = 5
) -> pd.DataFrame:
    """Blank, row by row, every number that describes a group smaller than ``min_cell``.

    Parameters
    ----------
    table : DataFrame
        One row per estimate or covariate, with one count column per group.
    groups : mapping of str to sequence of str
        Each count column (``"n_treated"``) and the columns computed from that group
        (``["mean_treated", "sd_treated", "diff"]``). Columns missing from ``table`` are
        skipped.
    min_cell : int
        Smallest group that may be shown.

    Returns
    -------
    DataFrame
        A copy: where ``0 < count < min_cell`` the count and its columns are ``NA`` and
        ``suppressed`` is True (an existing ``suppressed`` column is kept and or-ed).

    Examples
    --------
    >>> t = pd.DataFrame({"n_treated": [3, 40], "n_control": [200, 180],
    ...                   "mean_treated": [41.0, 39.5], "mean_control": [40.0, 40.1]})
    >>> out = suppress_by_counts(t, {"n_treated": ["mean_treated"], "n_control": ["mean_control"]})
    >>> out["mean_treated"].tolist(), out["n_treated"].tolist(), out["suppressed"].tolist()
    ([<NA>, 39.5], [<NA>, 40], [True, False])
    """
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    out = table.copy()
    flagged = (
        out["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "suppressed" in out
        else pd.Series(False, index=out.index).to_numpy()
    )
    for count, columns in groups.items():
        if count not in out:
            continue
        n = pd.to_numeric(out[count], errors="coerce")
        small = ((n > 0) & (n < min_cell)).fillna(False).to_numpy(dtype=bool)
        if not small.any():
            continue
        flagged = flagged | small
        for column in [count, *columns]:
            if column not in out:
                continue
            if pd.api.types.is_numeric_dtype(out[column]):
                kind = "Int64" if pd.api.types.is_integer_dtype(out[column]) else "Float64"
                out[column] = out[column].astype(kind).mask(small)
            else:
                out[column] = out[column].astype(object).mask(small)
    out["suppressed"] = flagged
    return out


def suppress_balance(balance: pd.DataFrame, *, min_cell: int = 5) -> pd.DataFrame:
    """:func:`suppress_by_counts` with :data:`BALANCE_GROUPS`: a balance table whose treated
    (or control) group is smaller than ``min_cell`` shows neither that group's means nor the
    differences. Use it on every balance table a reader sees."""
    return suppress_by_counts(balance, BALANCE_GROUPS, min_cell=min_cell)


# --------------------------------------------------------------------------------------------
# scanning outputs for personal data and small cells
# --------------------------------------------------------------------------------------------

FINDING_COLUMNS = ("file", "kind", "detail")
"""Columns of :func:`scan_outputs`' result."""
COUNT_COLUMNS = (
    "n",
    "n_informants",
    "count",
    "n_respondents",
    "n_treated",
    "n_control",
    "n_people",
    "n_trained",
)
"""Columns that count people: a row with ``0 < count < min_cell`` must be ``suppressed``."""
SCANNED_SUFFIXES = (".parquet", ".csv", ".html", ".htm", ".ipynb", ".log", ".txt", ".md", ".json")
"""What :func:`scan_outputs` reads in a folder: tables, reports, executed notebooks and logs."""

_PHONE = re.compile(
    r"(?<![\w.,+])(?:\+62[ .\-]?|62[ .\-]?|0)8[1-9]\d(?:[ .\-]?\d){6,9}(?![\w])"
    r"|(?<![\w.,])\(0\d{1,3}\)[ ]?\d{3,4}[ .\-]?\d{3,4}(?!\d)"
    r"|(?<![\w.,])0[2-79]\d{0,2}-\d{3,4}-?\d{3,4}(?![\w])"
    r"|\+62[ .\-]?\(?[2-79]\d{0,2}\)?[ .\-]?\d{3,4}[ .\-]?\d{3,4}(?!\d)"
)
_PHONE_MIN_DIGITS = 8  # the fewest digits _PHONE matches: (021) 555-0123 style, 0 + 1 + 3 + 3
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+(?P<tld>[A-Za-z]{2,})\b")
_NOT_EMAIL_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "css", "js", "html", "py"})
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_HIDDEN_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class _Roster:
    """What to look for: roster names (two or more words, or any part after a title) and
    known NIPs, both in the forms of :mod:`helpers.privacy.identifiers`."""

    def __init__(self, names: Iterable[Any], nips: Iterable[Any]) -> None:
        self.matcher = NameMatcher(list(names), min_words=2)
        values = [n for n in nips if n is not None and not isinstance(n, bool)]
        digits = identifier_digits(pd.Series([str(v) for v in values], dtype=object))
        self.nips = {d for d in digits.dropna() if d.isdigit()}
        # what each text holds, without where it was found: the same text (a pseudonym, a
        # unit, a label) recurs across a region's tables and is checked once
        self.found: dict[str, list[tuple[str, str]]] = {}

    def find_names(self, text: str) -> list[tuple[str, ...]]:
        return [tuple(_WORDS.findall(fold_name(found))) for _, _, found in self.matcher.find(text)]


_WORDS = re.compile(r"[^\W\d_]+")
_NON_DIGIT = re.compile(r"\D")


def _mask_nip(digits: str) -> str:
    return f"{digits[:4]}{'*' * 12}{digits[-2:]}"


def _mask_name(words: tuple[str, ...]) -> str:
    return " ".join(f"{w[0].upper()}." for w in words if w)


def _mask_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return f"{'*' * (len(digits) - 3)}{digits[-3:]}"


def _mask_email(text: str) -> str:
    local, domain = text.split("@", 1)
    return f"{local[:1]}***@{domain}"


def _scan_text(text: str, roster: _Roster, where: str) -> list[tuple[str, str]]:
    """(kind, detail) for every NIP, roster name, phone number and e-mail in ``text``."""
    found = roster.found.get(text)
    if found is None:
        found = roster.found[text] = _findings(text, roster)
    return [(kind, f"{where}: {what}") for kind, what in found]


def _findings(text: str, roster: _Roster) -> list[tuple[str, str]]:
    """(kind, what) for every NIP, roster name, phone number and e-mail in ``text``."""
    found: list[tuple[str, str]] = []
    text = clean_text(text)
    n_digits = sum(map(text.count, "0123456789"))  # every digit is ASCII after clean_text
    matches = NIP_IN_TEXT.finditer(text) if n_digits >= 18 else ()
    candidates = [(m.group(0), _NON_DIGIT.sub("", m.group(0))) for m in matches]
    # most digit runs of a table's text (counts, decimals side by side) fail a check that
    # needs no calendar; only the others, and the roster's own NIPs, are validated
    candidates = [(w, d) for w, d in candidates if d in roster.nips or could_be_valid_nip(d)]
    if candidates:
        check = validate_nip(pd.Series([d for _, d in candidates], dtype="str"))
        for (written, digits), valid in zip(candidates, check["valid"], strict=True):
            if valid or digits in roster.nips:
                how = "a valid NIP" if valid else "a roster NIP"
                grouped = " (with separators)" if written != digits else ""
                found.append(("nip", f"{how}{grouped} {_mask_nip(digits)}"))
    for words in roster.find_names(text):
        found.append(("name", f"roster name {_mask_name(words)} ({len(words)} words)"))
    for m in _PHONE.finditer(text) if n_digits >= _PHONE_MIN_DIGITS else ():
        found.append(("phone", f"phone number {_mask_phone(m.group(0))}"))
    for m in _EMAIL.finditer(text) if "@" in text else ():
        if m["tld"].casefold() not in _NOT_EMAIL_TLDS:
            found.append(("email", f"e-mail address {_mask_email(m.group(0))}"))
    return found


def _cell_strings(series: pd.Series) -> pd.Series | None:
    """The column as text where it could hold an identifier (text and integers), else None."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return None
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
    values = series.dropna()
    if is_text_dtype(dtype):
        return values  # already text
    return values.map(str)


def _scan_parquet(path: Path, roster: _Roster, min_cell: int) -> list[tuple[str, str]]:
    columns = _parquet_texts(path)
    if columns is None:  # a layout only pandas reads as the writer meant: read it so
        return _scan_frame(pd.read_parquet(path), roster, min_cell)
    found: list[tuple[str, str]] = []
    for number, (column, texts) in enumerate(columns):
        found.extend(_scan_text(column, roster, f"name of column {number + 1}"))
        for position, value in texts:
            found.extend(_scan_text(value, roster, f"row {position + 1}, column {column!r}"))
    names = {name for name, _ in columns}
    counted = [c for c in ("suppressed", *COUNT_COLUMNS) if c in names]
    if counted:
        found.extend(_small_cells(pd.read_parquet(path, columns=counted), min_cell))
    return found


def _scan_frame(table: pd.DataFrame, roster: _Roster, min_cell: int) -> list[tuple[str, str]]:
    """:func:`_scan_parquet` of a table read by pandas (its stored index is data too)."""
    if not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index(allow_duplicates=True)
    table = table.reset_index(drop=True)
    found: list[tuple[str, str]] = []
    for number, column in enumerate(table.columns):
        found.extend(_scan_text(str(column), roster, f"name of column {number + 1}"))
        text = _cell_strings(table.iloc[:, number])
        if text is None or text.empty:
            continue
        first = text[~text.duplicated()]  # each distinct text at its first row
        for position, value in zip(first.index, first.to_numpy(dtype=object), strict=True):
            found.extend(_scan_text(value, roster, f"row {position + 1}, column {column!r}"))
    found.extend(_small_cells(table, min_cell))
    return found


def _parquet_texts(path: Path) -> list[tuple[str, list[tuple[int, str]]]] | None:
    """Each column's name with its distinct texts at their first rows, read with pyarrow
    (without building the DataFrame): what :func:`_scan_frame` finds in the table pandas
    reads, and also the integers of an integer column with missing values, which pandas reads
    as floats (not scanned, and no longer exact) unless the file says the column was
    nullable. None where the two could differ (a stored index, column labels that are not
    text, a column type :func:`_cell_strings` would turn into text in its own way): the
    caller reads such a file with pandas."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = table.schema.pandas_metadata or {}
    if any(not isinstance(ix, dict) for ix in meta.get("index_columns", [])):
        return None  # a stored index: pandas makes it columns (see _scan_frame)
    labels = meta.get("column_indexes", [])
    if len(labels) > 1 or any(c.get("pandas_type") not in ("unicode", "empty") for c in labels):
        return None  # column labels pandas restores as numbers, dates or tuples
    described = {c.get("field_name"): c for c in meta.get("columns", [])}
    out = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        about = described.get(name, {})
        if about and about.get("name") != name:
            return None  # a label pandas restores as a non-text value (0, a tuple)
        texts = _arrow_texts(column)
        if texts is None:
            return None
        out.append((name, texts))
    return out


def _arrow_texts(column: Any) -> list[tuple[int, str]] | None:
    """(row, text) of each distinct non-missing value of a text or integer column at its
    first row ([] for a column :func:`_cell_strings` skips; None for a type it handles in a
    way not reproduced here). Every integer column is scanned, with missing values or not,
    whatever dtype the file's pandas metadata names: an 18-digit NIP fits in an int64."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    value_type = kind.value_type if pa.types.is_dictionary(kind) else kind
    if (
        pa.types.is_boolean(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_duration(kind)
        or pa.types.is_null(kind)
    ):
        return []  # pandas: bool, float, datetime, timedelta, all missing
    text_like = pa.types.is_string(value_type) or pa.types.is_large_string(value_type)
    if not (text_like or pa.types.is_integer(value_type)):
        return None
    array = column.combine_chunks()
    if array.null_count:
        rows = np.flatnonzero(array.is_valid().to_numpy(zero_copy_only=False))
        array = array.drop_null()
    else:
        rows = np.arange(len(array))
    if not len(array):
        return []
    if not pa.types.is_dictionary(kind):
        array = array.dictionary_encode()
    codes = array.indices.to_numpy(zero_copy_only=False)
    used, first = np.unique(codes, return_index=True)
    words = array.dictionary if text_like else pc.cast(array.dictionary, pa.string())
    words = words.take(pa.array(used)).to_pylist()
    order = np.argsort(first, kind="stable")  # first appearance, as pandas' duplicated()
    return [(int(rows[first[i]]), words[i]) for i in order]


def _small_cells(table: pd.DataFrame, min_cell: int) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if "suppressed" in table:
        flags = table["suppressed"]
        if not pd.api.types.is_bool_dtype(flags):  # a CSV's "True"/"False"
            flags = flags.astype(object).map(lambda v: str(v).strip().casefold() in ("true", "1"))
        marked = flags.astype("boolean").fillna(False).astype(bool).to_numpy()
    else:
        marked = [False] * len(table)
    for column in COUNT_COLUMNS:
        if column not in table:
            continue
        counts = pd.to_numeric(table[column], errors="coerce")
        small = ((counts > 0) & (counts < min_cell)).fillna(False).to_numpy() & ~pd.Series(
            marked
        ).to_numpy(dtype=bool)
        for position in small.nonzero()[0]:
            found.append(
                (
                    "small_cell",
                    f"row {position + 1}: {column} = {counts.iloc[position]:g}, below "
                    f"{min_cell}, and not marked suppressed",
                )
            )
    return found


def _scan_lines(text: str, roster: _Roster) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found.extend(_scan_text(line, roster, f"line {number}"))
    return found


def _html_text(html: str) -> str:
    """The page's text and attribute values (a ``mailto:`` link, a ``title``), line numbers
    kept; embedded images, scripts and styles blanked."""

    def blank(match: re.Match[str]) -> str:
        return " " + "\n" * match.group(0).count("\n")

    def attributes(match: re.Match[str]) -> str:
        values = [a or b for a, b in _ATTRIBUTE.findall(match.group(0))]
        return " " + " ".join(v.replace("\n", " ") for v in values) + blank(match)

    html = _DATA_URI.sub(blank, html)
    html = _HIDDEN_BLOCK.sub(blank, html)
    html = _TAG.sub(attributes, html)
    return htmllib.unescape(html)


def _files(paths_to_scan: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths_to_scan:
        p = Path(p)
        if p.is_dir():
            files.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and f.suffix.lower() in SCANNED_SUFFIXES
                and not f.name.startswith(".")
            )
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: nothing to scan (no such file or folder)")
    return files


def scan_outputs(
    paths_to_scan: Iterable[str | Path] | str | Path,
    *,
    names: Iterable[Any] = (),
    nips: Iterable[Any] = (),
    min_cell: int = 5,
) -> pd.DataFrame:
    """Look for personal data and unsuppressed small cells in output files.

    Parameters
    ----------
    paths_to_scan : path or iterable of paths
        Files and folders (searched recursively for :data:`SCANNED_SUFFIXES`: Parquet, CSV,
        HTML, executed notebooks, logs and text; hidden files, such as the temporaries of
        :mod:`helpers.io.storage`, are skipped). Use :func:`scan_staging` for a folder whose
        every file must be checked.
    names : iterable of str
        Roster names, matched by :class:`helpers.privacy.identifiers.NameMatcher`: names of two
        or more words anywhere, and any part of a name right after a title (``Bu Eka``); one
        word alone (``Dian``, ``Putri``) is also an ordinary word and is not looked for. Case,
        diacritics, spacing, hyphens, apostrophes, invisible characters, titles and degrees
        are ignored.
    nips : iterable of str
        Known NIPs: found even when they would not pass :func:`helpers.privacy.nip.validate_nip`.
    min_cell : int
        Smallest group a count may show (the region's ``min_cell_size``).

    Returns
    -------
    pandas.DataFrame
        One row per finding, columns :data:`FINDING_COLUMNS`: ``file``, ``kind`` and
        ``detail`` (where, and the value masked so the report of a leak does not repeat it).
        Kinds:

        * ``nip``: an 18-digit run (digits of any script, any separators between groups,
          invisible characters ignored) that is a valid NIP, or one of ``nips``;
        * ``name``: a roster name of two or more words, or a part of one after a title;
        * ``phone``: an Indonesian phone number (``0812-3456-7890``, ``+62 812 3456 7890``,
          ``(021) 555-0123``);
        * ``email``: an e-mail address;
        * ``small_cell``: Parquet and CSV tables, a row whose count column
          (:data:`COUNT_COLUMNS`, ``n_treated`` and ``n_control`` included) is above 0 and
          below ``min_cell`` and not marked ``suppressed``;
        * ``unreadable``: a file that could not be read (so could not be checked).

        Empty when nothing was found.

    Notes
    -----
    Parquet: text and integer cells are checked one by one (floats and dates cannot hold an
    identifier intact). CSV, logs and text: line by line (CSV also as a table for small
    cells). HTML: line by line, the text a reader sees and the tags' attribute values (links),
    entities decoded; embedded images, scripts and styles are left out. Executed notebooks:
    every cell's source and every output (text, HTML, JSON, error tracebacks), images
    excepted. The details never repeat what was found: NIPs, names, phones and e-mails are
    masked, and an unreadable file is named by its error's type only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "r.html").write_text("<p>Hubungi Siti Aminah, 0812-3456-7890</p>")
    >>> scan_outputs([d], names=["Siti Aminah"])[["kind"]].to_dict("list")
    {'kind': ['name', 'phone']}
    """
    if isinstance(paths_to_scan, (str, Path)):
        paths_to_scan = [paths_to_scan]
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be a positive int, got {min_cell!r}")
    if isinstance(names, str) or isinstance(nips, str):
        raise TypeError("names and nips must be collections of strings, not one string")
    roster = _Roster(names, nips)
    rows: list[dict[str, str]] = []
    for path in _files(paths_to_scan):
        try:
            found = _scan_file(path, roster, min_cell)
        except Exception as exc:  # a file the scanner cannot read is not a clean file
            found = [("unreadable", f"could not be checked: {type(exc).__name__}")]
        rows.extend({"file": str(path), "kind": k, "detail": d} for k, d in found)
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS)).astype("str")


def scan_staging(
    staging: Iterable[str | Path] | str | Path,
    *,
    names: Iterable[Any] = (),
    nips: Iterable[Any] = (),
    min_cell: int = 5,
) -> pd.DataFrame:
    """Scan a run's staging outputs before they are published: a folder (every file in it,
    whatever its suffix, hidden temporaries excepted) or a list of paths.

    The same rules as :func:`scan_outputs`; files of a suffix the scanner has no reader for
    are read as text, so nothing in the staging folder goes unchecked. Returns the findings
    (empty: safe to publish).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "run.log").write_text("NIP 19870124/201402/2/001 ditolak")
    >>> scan_staging(d)["kind"].tolist()
    ['nip']
    """
    if isinstance(staging, (str, Path)):
        staging = [staging]
    paths: list[Path] = []
    for p in staging:
        p = Path(p)
        if p.is_dir():
            paths.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.is_file():
            paths.append(p)
        else:
            raise FileNotFoundError(f"{p}: nothing to scan (no such file or folder)")
    return (
        scan_outputs(paths, names=names, nips=nips, min_cell=min_cell)
        if paths
        else (pd.DataFrame(columns=list(FINDING_COLUMNS)).astype("str"))
    )


def _scan_file(path: Path, roster: _Roster, min_cell: int) -> list[tuple[str, str]]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _scan_parquet(path, roster, min_cell)
    if suffix in (".html", ".htm"):
        return _scan_lines(_html_text(path.read_text(encoding="utf-8", errors="replace")), roster)
    if suffix == ".ipynb":
        return _scan_notebook(path, roster, min_cell)
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = _scan_lines(text, roster)
    if suffix == ".csv":
        found.extend(_small_cells(_csv_table(text), min_cell))
    return found


def _csv_table(text: str) -> pd.DataFrame:
    import io

    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except Exception:  # not a table: its lines were scanned already
        return pd.DataFrame()


def _scan_notebook(path: Path, roster: _Roster, min_cell: int) -> list[tuple[str, str]]:
    """Every cell's source and every output of an executed notebook (text, HTML, errors)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        where = f"cell {number}"
        found.extend(_prefixed(_scan_lines(_joined(cell.get("source", "")), roster), where))
        for output in cell.get("outputs", []) or []:
            texts: list[str] = []
            if "text" in output:
                texts.append(_joined(output["text"]))
            if "traceback" in output:
                texts.append(_ANSI.sub("", "\n".join(output.get("traceback") or [])))
            if "evalue" in output:
                texts.append(str(output["evalue"]))
            for mime, value in (output.get("data") or {}).items():
                if mime.startswith("image/") and not mime.startswith("image/svg"):
                    continue
                text = value if isinstance(value, str) else _joined(value)
                if mime in ("text/html", "image/svg+xml"):
                    text = _html_text(text)
                elif not isinstance(value, (str, list)):
                    text = json.dumps(value, ensure_ascii=False)
                texts.append(text)
            for text in texts:
                found.extend(_prefixed(_scan_lines(text, roster), f"{where} output"))
    return found


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _prefixed(found: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    return [(kind, f"{where}, {detail}") for kind, detail in found]


def summarise_findings(findings: pd.DataFrame, *, limit: int = 5) -> str:
    """One line for a run summary: ``3 finding(s): name 2, small_cell 1; e.g. ...``."""
    if findings.empty:
        return "no findings"
    counts = findings["kind"].value_counts()
    kinds = ", ".join(f"{k} {n}" for k, n in counts.items())
    examples = [
        f"{Path(f).name} {d}" for f, d in zip(findings["file"], findings["detail"], strict=True)
    ]
    more = f"; {len(examples) - limit} more" if len(examples) > limit else ""
    return f"{len(findings)} finding(s): {kinds}; e.g. {'; '.join(examples[:limit])}{more}"
