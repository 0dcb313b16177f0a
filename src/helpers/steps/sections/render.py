"""Rendering of report sections: Jinja templates with autoescape, tables and figures for readers.

Template and data are kept apart (as CausalPy's ``causalpy/steps/report.py`` does): a section
function computes its numbers and words, and a template under ``templates/`` lays them out.
Autoescape is on for every template, so anything a respondent typed is shown, never executed;
only :class:`helpers.core.formatting.Html` (already-rendered blocks) passes unescaped.

Every number reaches the template through :mod:`helpers.core.formatting`: templates use the
filters ``num``, ``int``, ``pct``, ``pvalue`` and ``ci``, and table cells are written by
:func:`helpers.core.formatting.format_cell` from a column's declared kind.

Figures are drawn at :data:`FIGURE_WIDTH_IN` (4.4 in) with :data:`READER_RC` (no text under
12 pt) and embedded as SVG (line art: sharp at any zoom and in print, and one drawing pass,
cheaper than a 200-dpi PNG) with their CSS width set to the physical size (96 px per inch,
about 420 px): on a 390-px phone the figure shrinks to about 360 px, so 12,5-pt text
(16,7 px) is still about 14 px.

The templates live in this package (layer 3) so that the section functions render them without
importing the report builder (layer 2); the page around them is ``helpers/report/templates``.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core.formatting import (
    CellKind,
    Html,
    Language,
    Numbering,
    fmt_ci,
    fmt_date,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_pvalue,
    fmt_tick,
    format_cell,
)

__all__ = [
    "TEMPLATES",
    "READER_RC",
    "FIGURE_WIDTH_IN",
    "FIGURE_DPI",
    "Column",
    "render",
    "table",
    "figure",
    "figure_of",
    "wrap",
]

TEMPLATES = Path(__file__).parent / "templates"
FIGURE_WIDTH_IN = 4.4
FIGURE_DPI = 200  # raster parts of a figure, if any (images); the line art is vector
CSS_PX_PER_IN = 96
#: SVG output settings: glyphs as outlines (no font needed to show them), clip-path ids from a
#: fixed salt so the same figure gives the same bytes.
SVG_RC = {"svg.fonttype": "path", "svg.hashsalt": "asn-eval"}

#: Matplotlib settings of every report figure: text readable on a phone.
READER_RC = {
    "font.size": 13,
    "axes.labelsize": 13,
    "axes.titlesize": 13,
    "xtick.labelsize": 12.5,
    "ytick.labelsize": 12.5,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": FIGURE_DPI,
}

_NUMERIC_KINDS = frozenset({"int", "num1", "num2", "num3", "share", "share1", "p"})


def _environment(language: Language) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        num=lambda x, d=2: fmt_num(x, d, language),
        int=lambda x: fmt_int(x, language),
        pct=lambda x, d=0: fmt_pct(x, d, language),
        pvalue=lambda p: fmt_pvalue(p, language),
        ci=lambda pair, d=2: fmt_ci(pair[0], pair[1], d, language),
        date=lambda v: fmt_date(v, language),
    )
    return env


_ENVIRONMENTS: dict[str, Any] = {}


def render(template: str, language: Language = "id", **context: Any) -> Html:
    """Render ``templates/<template>`` (autoescaped) with ``context``; ``lang`` is set.

    Examples
    --------
    >>> str(render("quote.html.j2", text="<b>x</b>", role=None, transcript=None)).strip()
    '<blockquote class="quote" lang="id">“&lt;b&gt;x&lt;/b&gt;”</blockquote>'
    """
    if language not in _ENVIRONMENTS:
        _ENVIRONMENTS[language] = _environment(language)
    page = _ENVIRONMENTS[language].get_template(template)
    return Html(page.render(lang=language, **context).strip())


@dataclass(frozen=True)
class Column:
    """One column of a reader's table: the frame's ``key``, its ``header`` and what it holds;
    ``lang`` marks cells written in a language other than the page's (respondents' answers and
    coders' spellings as they wrote them, e.g. ``"id"`` in an English report)."""

    key: str
    header: str
    kind: CellKind = "auto"
    lang: str | None = None


def table(
    numbering: Numbering,
    caption: str,
    frame: Any,
    columns: Sequence[Column],
    *,
    reflow: bool | None = None,
) -> Html:
    """A numbered table: caption, then the table in a box that scrolls on its own.

    Every cell is written by :func:`format_cell` from its column's kind and escaped by the
    template. ``reflow`` (default: six columns or more) turns each row into a card on a
    narrow screen, each cell labelled with its header.
    """
    lang = numbering.language
    rows = (
        [
            [format_cell(v, c.kind, lang) for c, v in zip(columns, values, strict=True)]
            for values in zip(*(frame[c.key].tolist() for c in columns), strict=True)
        ]
        if len(frame)
        else []
    )
    return render(
        "table.html.j2",
        lang,
        number=numbering.next_table(),
        caption=caption,
        columns=[
            {
                "header": c.header,
                "numeric": c.kind in _NUMERIC_KINDS,
                "verbatim": c.kind == "verbatim",
                "lang": c.lang if c.lang != lang else None,
            }
            for c in columns
        ],
        rows=rows,
        reflow=len(columns) >= 6 if reflow is None else reflow,
    )


def _svg(fig: Any) -> tuple[bytes, int, int]:
    """``fig`` as SVG (text drawn as outlines, so it looks the same without the fonts) at its
    own size: constrained layout already keeps every label inside the canvas, so no second
    drawing pass crops it. The output is byte-stable (no date, fixed clip-path ids)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    width_in, height_in = fig.get_size_inches()
    return buffer.getvalue(), round(width_in * CSS_PX_PER_IN), round(height_in * CSS_PX_PER_IN)


def _image(fig: Any) -> dict[str, Any]:
    """The template's fields of an embedded figure."""
    data, width, height = _svg(fig)
    return {
        "src": "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"),
        "width": width,
        "height": height,
        "text_pt": min(v for k, v in READER_RC.items() if k.endswith("size")),
        "dpi": CSS_PX_PER_IN,
    }


def figure(
    numbering: Numbering,
    caption: str,
    draw: Callable[[Any], Any],
    *,
    height_in: float = 3.2,
    value_axis: str | None = "x",
    keep_title: bool = False,
) -> Html:
    """A numbered figure: ``draw(ax)`` on a reader-sized axes, embedded as a sharp PNG.

    Parameters
    ----------
    numbering : Numbering
        Counts the figure.
    caption : str
        The caption (escaped).
    draw : callable
        Draws on the axes it is given (e.g. ``lambda ax: plots.coefficient_plot(df, ax=ax)``).
    height_in : float
        Height in inches (the width is :data:`FIGURE_WIDTH_IN`).
    value_axis : {"x", "y", None}
        The axis whose tick labels are numbers, written by :func:`fmt_tick`.
    keep_title : bool
        Keep a title the drawing function set (default: the caption says it, once).
    """
    import matplotlib
    from matplotlib.ticker import FuncFormatter

    from helpers.steps.plots import ReportFigure

    lang = numbering.language
    with matplotlib.rc_context(READER_RC):
        fig = ReportFigure(figsize=(FIGURE_WIDTH_IN, height_in), layout="constrained")
        ax = fig.add_subplot()
        draw(ax)
        if not keep_title:
            ax.set_title("")
        if value_axis:
            axis = ax.xaxis if value_axis == "x" else ax.yaxis
            axis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_tick(x, lang)))
        image = _image(fig)
    return render("figure.html.j2", lang, number=numbering.next_figure(), caption=caption, **image)


def figure_of(numbering: Numbering, caption: str, fig: Any) -> Html:
    """A numbered figure from a figure drawn elsewhere at its own size (e.g. the synthesis's
    forest plots), embedded as SVG (see :func:`figure`)."""
    return render(
        "figure.html.j2",
        numbering.language,
        number=numbering.next_figure(),
        caption=caption,
        **_image(fig),
    )


def wrap(text: str, width: int = 26) -> str:
    """A long axis label on several lines (figures stay narrow enough for a phone)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)
