"""Forest plots of the cross-region synthesis: one per construct, readable on a phone.

Each row names its region, outcome and design, with the estimate and interval printed beside it
(``0,49 [0,36; 0,63]``, :func:`helpers.core.formatting.fmt_num`). All rows of a construct share
one x-axis (the construct's scale); the pooled diamond and the prediction interval are drawn only
when the construct was pooled.

Size and sharpness: the figure is :data:`FOREST_WIDTH_IN` (5 in) wide with no text smaller than
:data:`MIN_FONT_PT` (12 pt). It is shown at its physical size (96 CSS px per inch, so 480 px in
the report's 62-rem column), and a 390-px phone (about 360 px of column) scales it by 0.75: the
smallest text is then 9 pt. The PNG inside the HTML is rendered at :data:`FOREST_DPI` (200 dpi)
and declared at that CSS width, so it stays sharp when printed.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory, offset_copy

from helpers.core.errors import ConfigError
from helpers.core.formatting import fmt_num
from helpers.stats.meta import MetaResult
from helpers.steps.plots import ReportFigure, _comma_formatter
from helpers.steps.synthesis import Synthesis
from helpers.steps.synthesis_text import design_label

__all__ = [
    "FOREST_WIDTH_IN",
    "MIN_FONT_PT",
    "FOREST_DPI",
    "SharpFigure",
    "construct_forest_plot",
    "synthesis_forest_plots",
]

FOREST_WIDTH_IN = 5.0
MIN_FONT_PT = 12.0
FOREST_DPI = 200
CSS_PX_PER_IN = 96

_LINE_IN = 0.24  # one line of 12-pt text with leading
_BAND_IN = 0.26  # the interval's own band under its label
_GAP_IN = 0.08
_LABEL_CHARS = 34  # wrap width of a row label beside the printed numbers


class SharpFigure(ReportFigure):
    """A :class:`ReportFigure` that shows itself as a high-resolution PNG at its physical size.

    ``_repr_png_`` renders at :data:`FOREST_DPI` and returns the CSS width and height
    (96 px per inch) as metadata, which nbconvert writes as the ``<img>``'s ``width`` and
    ``height``: sharp in print, the designed text size on screen.
    """

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:  # type: ignore[override]
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=FOREST_DPI, bbox_inches="tight")
        data = buffer.getvalue()
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        scale = CSS_PX_PER_IN / FOREST_DPI
        return data, {"width": round(width * scale), "height": round(height * scale)}


def _numbers(est: float, lo: float, hi: float, digits: int) -> str:
    return f"{fmt_num(est, digits)} [{fmt_num(lo, digits)}; {fmt_num(hi, digits)}]"


def _digits(values: Sequence[float]) -> int:
    finite = [abs(v) for v in values if np.isfinite(v)]
    return 1 if finite and max(finite) >= 10 else 2


def construct_forest_plot(
    rows: pd.DataFrame,
    meta: MetaResult | None = None,
    *,
    scale_label: str,
    improvement_sign: int = 1,
    title: str | None = None,
    pooled_label: str = "Gabungan (efek acak)",
    alpha: float = 0.05,
    decimal_comma: bool = True,
) -> Figure:
    """Forest plot of one construct: a row per region, the pooled diamond when pooled.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per region with ``region_name``, ``label`` (the outcome), ``design``, ``y``,
        ``y_low`` and ``y_high`` on the construct's scale; optional ``design_class``
        (``"uncontrolled"`` rows are drawn hollow and marked "tanpa pembanding") and ``weight``
        (random-effects weight: marker area). Rows without a finite ``y`` are left out.
    meta : MetaResult, optional
        The pooled fit; its diamond and prediction interval are drawn only when given.
    scale_label : str
        The scale's name (``"simpangan baku"``, ``"menit"``): the x-axis says it, with the
        direction of improvement.
    improvement_sign : int
        +1 when larger values are better, -1 when smaller ones are.
    title : str, optional
        Figure title (the construct's name).
    pooled_label : str
        Label of the pooled row.
    alpha : float
        Level of the intervals, for the x-axis label.
    decimal_comma : bool
        Decimal commas on the x-axis.

    Returns
    -------
    matplotlib.figure.Figure
        A :class:`SharpFigure`: one square or circle per region (first collection), one interval
        segment per region (second collection), and with ``meta`` one diamond (a Polygon).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"region_name": ["Kepahiang", "Medan"], "label": ["Kepuasan kerja"] * 2,
    ...                      "design": ["ancova", "ancova"], "y": [0.4, 0.2],
    ...                      "y_low": [0.3, 0.1], "y_high": [0.5, 0.3]})
    >>> fig = construct_forest_plot(rows, scale_label="simpangan baku")
    >>> len(fig.axes[0].collections[0].get_offsets())
    2
    """
    need = ["region_name", "label", "design", "y", "y_low", "y_high"]
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows must be a pandas DataFrame, got {type(rows).__name__}")
    missing = [c for c in need if c not in rows.columns]
    if missing:
        raise ConfigError(f"rows lack column(s) {', '.join(map(repr, missing))}")
    rows = rows[np.isfinite(pd.to_numeric(rows["y"], errors="coerce"))].reset_index(drop=True)
    if rows.empty:
        raise ConfigError("rows has no region with a value on the construct's scale to plot")
    if meta is not None and not isinstance(meta, MetaResult):
        raise TypeError(f"meta must be a MetaResult, got {type(meta).__name__}")
    values = [*rows["y"], *rows["y_low"], *rows["y_high"]]
    if meta is not None:
        values += [meta.estimate, meta.ci_low, meta.ci_high, meta.pi_low, meta.pi_high]
    digits = _digits(values)

    # vertical layout in inches from the top
    labels, centres, y = [], [], 0.0
    for r in rows.itertuples():
        tag = " · tanpa pembanding" if getattr(r, "design_class", "") == "uncontrolled" else ""
        text = f"{r.region_name}: {r.label} ({design_label(r.design)}{tag})"
        lines = textwrap.wrap(text, _LABEL_CHARS, break_on_hyphens=False) or [""]
        labels.append(lines)
        y += _LINE_IN * len(lines)
        centres.append(y + _BAND_IN / 2)
        y += _BAND_IN + _GAP_IN
    if meta is not None:
        pooled_top = y + _GAP_IN
        pooled_lines = 2 if np.isfinite(meta.pi_low) else 1
        pooled_centre = pooled_top + _LINE_IN * pooled_lines + _BAND_IN / 2
        y = pooled_centre + _BAND_IN / 2 + _GAP_IN
    height_in = y + 1.0 + (0.35 if title else 0.0)
    fig = SharpFigure(figsize=(FOREST_WIDTH_IN, height_in), layout="constrained")
    ax: Axes = fig.add_subplot()
    ax.set_ylim(y, 0.0)
    label_tf = blended_transform_factory(ax.transAxes, ax.transData)
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}

    est = rows["y"].to_numpy(dtype=float)
    weights = rows["weight"].to_numpy(dtype=float) if "weight" in rows.columns else None
    sizes = (
        40 + 200 * np.nan_to_num(weights, nan=0.0)
        if weights is not None and np.isfinite(weights).any()
        else np.full(len(rows), 70.0)
    )
    hollow = (
        rows["design_class"].eq("uncontrolled").to_numpy()
        if "design_class" in rows.columns
        else np.zeros(len(rows), bool)
    )
    ax.scatter(est, centres, s=sizes, marker="s", zorder=4,
               c=["white" if h else "#1f5fa8" for h in hollow],
               edgecolors="#1f5fa8", linewidths=1.6)  # fmt: skip
    ax.hlines(centres, rows["y_low"], rows["y_high"], color="0.2", linewidth=1.8, zorder=3)

    def put(x: float, centre: float, n: int, j: int, s: str, **kw) -> None:
        """Line ``j`` of ``n`` above the band at ``centre``, offset in inches (not data), so
        that text never stretches with the axes."""
        up = _BAND_IN / 2 + (n - 1 - j) * _LINE_IN + 0.06
        tf = offset_copy(label_tf, fig=fig, x=0.0, y=up, units="inches")
        ax.text(x, centre, s, transform=tf, ha="left" if x == 0 else "right", va="baseline",
                fontsize=MIN_FONT_PT, bbox=box, zorder=5, **kw)  # fmt: skip

    for lines, centre, r in zip(labels, centres, rows.itertuples(), strict=True):
        for j, line in enumerate(lines):
            put(0.0, centre, len(lines), j, line)
        put(1.0, centre, len(lines), 0, _numbers(r.y, r.y_low, r.y_high, digits))
    if meta is not None:
        c = pooled_centre
        ax.add_patch(Polygon([(meta.ci_low, c), (meta.estimate, c - 0.13), (meta.ci_high, c),
                              (meta.estimate, c + 0.13)], closed=True, color="#b8322a",
                             zorder=4))  # fmt: skip
        bold = {"fontweight": "bold"}
        put(0.0, c, pooled_lines, 0, f"{pooled_label}, {meta.k} wilayah", **bold)
        put(1.0, c, pooled_lines, 0, _numbers(meta.estimate, meta.ci_low, meta.ci_high, digits),
            **bold)  # fmt: skip
        if np.isfinite(meta.pi_low):
            ax.plot([meta.pi_low, meta.pi_high], [c, c], color="#b8322a", linewidth=1.4,
                    linestyle=(0, (2, 2)), zorder=3)  # fmt: skip
            red = {"color": "#b8322a"}
            put(0.0, c, 2, 1, "Interval prediksi (wilayah baru)", **red)
            put(1.0, c, 2, 1, f"[{fmt_num(meta.pi_low, digits)}; {fmt_num(meta.pi_high, digits)}]",
                **red)  # fmt: skip
    ax.axvline(0.0, color="0.45", linestyle="--", linewidth=1.1, zorder=1)
    lo, hi = min(v for v in values if np.isfinite(v)), max(v for v in values if np.isfinite(v))
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = 0.06 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    level = f"{100 * (1 - alpha):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    better = "positif" if improvement_sign > 0 else "negatif"
    ax.set_xlabel(f"Efek, {scale_label}; {better} = perbaikan; IK {level}%",
                  fontsize=MIN_FONT_PT)  # fmt: skip
    ax.tick_params(axis="x", labelsize=MIN_FONT_PT)
    if decimal_comma:
        ax.xaxis.set_major_formatter(_comma_formatter())
    if title:
        fig.suptitle(title, x=0.02, ha="left", fontsize=MIN_FONT_PT + 1, fontweight="bold")
    _fit_height(fig, ax, y)
    return fig


def _fit_height(fig: Figure, ax: Axes, content_in: float) -> None:
    """Resize the figure so that the axes is ``content_in`` inches tall: one data unit is then
    one inch, and the rows sit as tightly as their text (placed in inches) requires.

    One layout pass is enough: constrained layout's margins (tick labels, axis label, title)
    are in inches and do not change with the height, so after one resize the axes is exactly
    ``content_in`` tall (a second pass changed no plot of the shipped synthesis). The pass is
    the layout engine's alone: nothing needs drawing to measure the axes (0.33 s for the 15
    plots of the shipped synthesis against 0.58 s for a drawing pass; same SVG bytes)."""
    fig.get_layout_engine().execute(fig)
    axes_in = ax.get_position().height * fig.get_figheight()
    fig.set_figheight(max(1.0, fig.get_figheight() + content_in - axes_in))


def synthesis_forest_plots(synthesis: Synthesis) -> dict[str, Figure]:
    """One forest plot per construct of a synthesis that has a region on its scale.

    Parameters
    ----------
    synthesis : Synthesis
        From :func:`helpers.steps.synthesis.synthesise`.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        By construct, in the synthesis's order. Naive and duplicate rows are not drawn.

    Examples
    --------
    >>> from helpers.steps.synthesis import synthesise, _example_effects
    >>> sorted(synthesis_forest_plots(synthesise(_example_effects())))
    ['efikasi_diri', 'kepuasan_kerja']
    """
    if not isinstance(synthesis, Synthesis):
        raise TypeError(f"synthesis must be a Synthesis, got {type(synthesis).__name__}")
    out: dict[str, Figure] = {}
    regions = synthesis.regions
    for row in synthesis.constructs.itertuples():
        rows = regions[
            (regions["construct"] == row.construct)
            & (regions["design_class"] != "naive")
            & ~regions["duplicate"].astype(bool)
            & np.isfinite(regions["y"])
        ]
        if rows.empty:
            continue
        out[row.construct] = construct_forest_plot(
            rows, synthesis.meta.get(row.construct), scale_label=row.scale_label,
            improvement_sign=int(row.improvement_sign), title=row.construct_label,
            alpha=synthesis.alpha,
        )  # fmt: skip
    return out
