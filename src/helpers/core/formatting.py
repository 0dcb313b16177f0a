"""Formatting for readers: HTML-safe text, Indonesian numbers, numbered captions and tables.

Layer 5 (base): knows nothing of regions or notebooks; the report, the narrative and the
notebooks use it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Html", "Numbering", "escape", "fmt_num", "fmt_pct", "table_html", "LABELS", "Language"]

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

LABELS = {
    "id": {
        "toc": "Daftar isi",
        "index": "Semua laporan",
        "synthetic": "Data dalam laporan ini SINTETIS (contoh buatan), bukan data pegawai "
        "sungguhan.",
        "footer": "Dibuat otomatis dari data wilayah; angka dapat diperiksa ulang dengan "
        "menjalankan ulang pipeline.",
        "figure": "Gambar",
        "table": "Tabel",
    },
    "en": {
        "toc": "Contents",
        "index": "All reports",
        "synthetic": "The data in this report are SYNTHETIC (made-up examples), not real "
        "staff records.",
        "footer": "Generated from the region's data; rerun the pipeline to reproduce every number.",
        "figure": "Figure",
        "table": "Table",
    },
}


class Html(str):
    """A string that Jupyter displays as HTML (``display(Html("<b>x</b>"))``)."""

    def _repr_html_(self) -> str:
        return str(self)


def escape(text: Any) -> str:
    """HTML-escape anything a respondent typed (``<script>`` becomes visible text)."""
    return html.escape("" if text is None else str(text), quote=True)


def fmt_num(x: float | None, digits: int = 2, language: Language = "id") -> str:
    """Format a number for readers: decimal comma and dot thousands in Indonesian.

    Examples
    --------
    >>> fmt_num(1234.567, 1)
    '1.234,6'
    >>> fmt_num(-0.5, 2, "en")
    '-0.50'
    """
    if x is None or x != x:  # NaN
        return "–"
    s = f"{x:,.{digits}f}"
    if language == "id":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(x: float | None, digits: int = 0, language: Language = "id") -> str:
    """A share (0-1) as a percentage: ``fmt_pct(0.256) == '26%'``."""
    if x is None or x != x:
        return "–"
    return f"{fmt_num(100 * x, digits, language)}%"


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
    """

    language: Language = "id"
    figures: int = 0
    tables: int = 0

    def figure(self, caption: str) -> Html:
        self.figures += 1
        return self._caption(LABELS[self.language]["figure"], self.figures, caption)

    def table(self, caption: str) -> Html:
        self.tables += 1
        return self._caption(LABELS[self.language]["table"], self.tables, caption)

    @staticmethod
    def _caption(word: str, n: int, caption: str) -> Html:
        return Html(f'<p class="caption"><b>{word} {n}.</b> {escape(caption)}</p>')


def table_html(df: Any, *, index: bool = False) -> Html:
    """A DataFrame as an HTML table for readers: every cell escaped, missing shown as '–'."""
    return Html(df.to_html(index=index, escape=True, na_rep="–", border=0, classes="dataframe"))


def fmt_p(p: float | None, language: Language = "id") -> str:
    """A p-value for readers: '< 0,001' below 0.001, else three decimals."""
    if p is None or p != p:
        return "–"
    return ("< " + fmt_num(0.001, 3, language)) if p < 0.001 else fmt_num(p, 3, language)


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
    language: Language = "id",
) -> Html:
    """A table for readers: only ``columns`` (renamed, in that order), numbers with the
    reader's decimal mark, listed values translated, every cell escaped.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"scale": ["a"], "alpha": [0.8123]})
    >>> "0,81" in reader_table(t, {"scale": "Skala", "alpha": "Alfa"})
    True
    """
    import pandas as pd

    out = pd.DataFrame(index=df.index)
    for col, header in columns.items():
        series = df[col]
        if values and col in values:
            series = series.map(lambda v, m=values[col]: m.get(v, v))
        if pd.api.types.is_float_dtype(series):
            d = digits.get(col, 2) if isinstance(digits, dict) else digits
            series = series.map(lambda x, d=d: fmt_num(x, d, language))
        out[header] = series
    return table_html(out)
