"""Formatting for readers: HTML-safe text, Indonesian numbers, numbered captions and tables.

Layer 5 (base): knows nothing of regions or notebooks; the report, the narrative and the
notebooks use it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal

from helpers.core.labels import PAGE

__all__ = [
    "Html",
    "Numbering",
    "escape",
    "fmt_num",
    "fmt_int",
    "fmt_pct",
    "fmt_p",
    "fmt_pvalue",
    "fmt_ci",
    "fmt_tick",
    "fmt_date",
    "format_cell",
    "CellKind",
    "table_html",
    "reader_table",
    "LABELS",
    "Language",
]

Language = Literal["id", "en"]

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

#: The page's own words (one home: :data:`helpers.core.labels.PAGE`).
LABELS = PAGE


class Html(str):
    """A string that Jupyter displays as HTML (``display(Html("<b>x</b>"))``)."""

    def _repr_html_(self) -> str:
        return str(self)

    def __html__(self) -> str:  # markupsafe/Jinja: already HTML, not to be escaped again
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # IPython's text/plain twin of the HTML output: a short line, not the escaped markup
        # again (which doubled every executed report notebook, and what the scan read)
        p.text(f"<HTML, {len(self):,} characters>")


def escape(text: Any) -> str:
    """HTML-escape anything a respondent typed (``<script>`` becomes visible text)."""
    return html.escape("" if text is None else str(text), quote=True)


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, pd.NA raises TypeError in bool()
    except TypeError:
        return True


def fmt_num(x: float | None, digits: int = 2, language: Language = "id") -> str:
    """Format a number for readers: decimal comma and dot thousands in Indonesian.

    Examples
    --------
    >>> fmt_num(1234.567, 1)
    '1.234,6'
    >>> fmt_num(-0.5, 2, "en")
    '-0.50'
    >>> fmt_num(-0.001, 2)
    '0,00'
    """
    if _missing(x):
        return "–"
    s = f"{float(x):,.{digits}f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # a value that rounds to zero has no sign
    if language == "id":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_int(x: float | None, language: Language = "id") -> str:
    """A count for readers: ``fmt_int(2550) == '2.550'`` (no decimals, thousands marked)."""
    return fmt_num(x, 0, language)


def fmt_pct(x: float | None, digits: int = 0, language: Language = "id") -> str:
    """A share (0-1) as a percentage: ``fmt_pct(0.256) == '26%'``, ``fmt_pct(0.917, 1) ==
    '91,7%'``."""
    if _missing(x):
        return "–"
    return f"{fmt_num(100 * float(x), digits, language)}%"


def fmt_p(p: float | None, language: Language = "id") -> str:
    """A p-value in a table cell: '< 0,001' below 0.001, else three decimals ('0,031').

    In a sentence use :func:`fmt_pvalue`, which writes the 'p'.
    """
    if _missing(p):
        return "–"
    return ("< " + fmt_num(0.001, 3, language)) if p < 0.001 else fmt_num(p, 3, language)


def fmt_pvalue(p: float | None, language: Language = "id") -> str:
    """A p-value in a sentence: 'p < 0,001' or 'p = 0,031' (never 'p = < 0,001').

    Examples
    --------
    >>> fmt_pvalue(0.0001), fmt_pvalue(0.0312)
    ('p < 0,001', 'p = 0,031')
    """
    if _missing(p):
        return "p = –"
    cell = fmt_p(p, language)
    return f"p {cell}" if cell.startswith("<") else f"p = {cell}"


def fmt_ci(
    low: float | None, high: float | None, digits: int = 2, language: Language = "id"
) -> str:
    """An interval in a table cell: '0,29 sampai 0,50' ('0.29 to 0.50' in English)."""
    word = "to" if language == "en" else "sampai"
    return f"{fmt_num(low, digits, language)} {word} {fmt_num(high, digits, language)}"


def fmt_tick(x: float, language: Language = "id") -> str:
    """An axis tick label: the shortest exact form with the reader's marks ('0,25', '1.500').

    Examples
    --------
    >>> fmt_tick(0.25), fmt_tick(1500.0), fmt_tick(-0.1)
    ('0,25', '1.500', '-0,1')
    """
    if _missing(x):
        return ""
    text = f"{float(x):.10g}"
    if "e" in text:
        text = f"{float(x):.2g}"
    digits = len(text.split(".")[1]) if "." in text else 0
    return fmt_num(float(text), digits, language)


#: What a table cell holds, which decides how it is written (:func:`format_cell`).
CellKind = Literal[
    "text", "int", "num1", "num2", "num3", "share", "share1", "p", "verbatim", "auto"
]


def format_cell(value: Any, kind: CellKind = "auto", language: Language = "id") -> str:
    """One table cell as text for readers (escaping is the table's job).

    ``int``: a count (``2.550``); ``num1``..``num3``: decimals; ``share``/``share1``: a 0-1
    share as a percentage with 0/1 decimals; ``p``: :func:`fmt_p`; ``text``/``verbatim``: as
    given (``verbatim`` marks identifiers a reader may need to find, such as file names);
    ``auto``: integers as counts, other numbers with two decimals, the rest as text.

    Examples
    --------
    >>> format_cell(2550, "int"), format_cell(0.917, "share1"), format_cell(0.0004, "p")
    ('2.550', '91,7%', '< 0,001')
    >>> format_cell(7, "auto"), format_cell(0.5, "auto"), format_cell(None, "auto")
    ('7', '0,50', '–')
    """
    import numbers

    if kind in ("text", "verbatim"):
        return "–" if _missing(value) else str(value)
    if _missing(value):
        return "–"
    if kind == "int":
        return fmt_int(value, language)
    if kind in ("num1", "num2", "num3"):
        return fmt_num(value, int(kind[-1]), language)
    if kind == "share":
        return fmt_pct(value, 0, language)
    if kind == "share1":
        return fmt_pct(value, 1, language)
    if kind == "p":
        return fmt_p(value, language)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return fmt_int(value, language)
    if isinstance(value, numbers.Real):
        v = float(value)
        return (
            fmt_int(v, language) if v.is_integer() and abs(v) >= 1000 else fmt_num(v, 2, language)
        )
    return str(value)


@dataclass
class Numbering:
    """Numbers figures and tables in the order a notebook shows them.

    Examples
    --------
    >>> n = Numbering("id")
    >>> str(n.figure("Efek pelatihan"))
    '<p class="caption"><b>Gambar 1.</b> Efek pelatihan</p>'
    >>> str(n.table("Keseimbangan"))
    '<p class="caption"><b>Tabel 1.</b> Keseimbangan</p>'
    >>> n.next_table(), n.next_figure()
    ('Tabel 2.', 'Gambar 2.')
    """

    language: Language = "id"
    figures: int = 0
    tables: int = 0

    def figure(self, caption: str) -> Html:
        return self._caption(self.next_figure(), caption)

    def table(self, caption: str) -> Html:
        return self._caption(self.next_table(), caption)

    def next_figure(self) -> str:
        """Count one more figure and return its label ('Gambar 3.')."""
        self.figures += 1
        return f"{LABELS[self.language]['figure']} {self.figures}."

    def next_table(self) -> str:
        """Count one more table and return its label ('Tabel 3.')."""
        self.tables += 1
        return f"{LABELS[self.language]['table']} {self.tables}."

    @staticmethod
    def _caption(word: str, caption: str) -> Html:
        return Html(f'<p class="caption"><b>{word}</b> {escape(caption)}</p>')


def table_html(df: Any, *, index: bool = False, language: Language = "id") -> Html:
    """A DataFrame as an HTML table for readers: every cell escaped, numbers written by
    :func:`format_cell` (counts with thousands marks, decimals with the reader's comma),
    missing shown as '–'."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype.kind in "iufb" or out[col].dtype == object:
            out[col] = out[col].map(lambda v: format_cell(v, "auto", language))
    return Html(out.to_html(index=index, escape=True, na_rep="–", border=0, classes="dataframe"))


def fmt_date(value: Any, language: Language = "id") -> str:
    """A date as readers write it: ``fmt_date("2024-03-01") == '1 Maret 2024'``."""
    import pandas as pd

    ts = pd.Timestamp(value)
    if language == "id":
        return f"{ts.day} {MONTHS_ID[ts.month - 1]} {ts.year}"
    return ts.strftime("%-d %B %Y")


def reader_table(
    df: Any,
    columns: dict[str, str],
    *,
    digits: int | dict[str, int] = 2,
    values: dict[str, dict[Any, str]] | None = None,
    kinds: dict[str, CellKind] | None = None,
    language: Language = "id",
) -> Html:
    """A table for readers: only ``columns`` (renamed, in that order), numbers with the
    reader's decimal mark, listed values translated, every cell escaped.

    ``kinds`` names a column's :data:`CellKind` (a count, a share, a p-value); other float
    columns get ``digits`` decimals and integer columns are counts.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"scale": ["a"], "alpha": [0.8123], "n": [1045]})
    >>> html = reader_table(t, {"scale": "Skala", "alpha": "Alfa", "n": "Jumlah"})
    >>> "0,81" in html and "1.045" in html
    True
    """
    import pandas as pd

    out = pd.DataFrame(index=df.index)
    for col, header in columns.items():
        series = df[col]
        if values and col in values:
            series = series.map(lambda v, m=values[col]: m.get(v, v))
        kind = (kinds or {}).get(col)
        if kind is None and pd.api.types.is_float_dtype(series):
            d = digits.get(col, 2) if isinstance(digits, dict) else digits
            kind = f"num{d}" if d in (1, 2, 3) else None
            if kind is None:
                series = series.map(lambda x, d=d: fmt_num(x, d, language))
        if kind is not None:
            series = series.map(lambda x, k=kind: format_cell(x, k, language))
        out[header] = series
    return table_html(out, language=language)
