"""Figures for effect estimates, event studies, meta-analyses, balance and distributions.

Every function draws on a new :class:`ReportFigure` (a :class:`matplotlib.figure.Figure`) or on
the ``ax`` given, and returns the figure. Nothing here calls ``plt.show()``, ``plt.figure()`` or
``plt.close()``, and the backend is never changed: the figures belong to no pyplot state, so
they are freed with their last reference, never pile up in a batch run, and save with
``fig.savefig(...)`` anywhere (Agg renders PNG). Because matplotlib 3.9+ loads the inline
backend lazily, a plain ``Figure`` that is the value of a notebook cell can show up as text
only; :class:`ReportFigure` therefore has ``_repr_png_``, so it renders as an image in
Jupyter, papermill and nbconvert whatever the backend.

Axis labels default to Bahasa Indonesia and can be changed through parameters. With
``decimal_comma=True`` (default) the value axis shows decimal commas (``0,5``).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import MatplotlibDeprecationWarning
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter

from helpers.core.errors import ConfigError
from helpers.io.code_codebook import CodeCodebook
from helpers.io.segments import _check_frame
from helpers.stats.meta import MetaResult

__all__ = [
    "cooccurrence_heatmap",
    "ReportFigure",
    "coefficient_plot",
    "event_time_plot",
    "forest_plot",
    "balance_plot",
    "distribution_by_group",
]

DistributionKind = Literal["box", "violin", "hist"]


class ReportFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG image in Jupyter.

    IPython calls :meth:`_repr_png_` when the figure is the value of a cell; a formatter that
    the inline backend registered for ``Figure`` takes precedence, so it is shown once either
    way.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        return ax.get_figure(root=True), ax
    fig = ReportFigure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _comma_formatter() -> FuncFormatter:
    def fmt(x: float, _pos: int) -> str:
        text = f"{x:.10g}"
        if "e" in text:
            text = f"{x:.2g}"
        return text.replace("-", "\u2212").replace(".", ",")

    return FuncFormatter(fmt)


def _value_axis(ax: Axes, which: str, decimal_comma: bool) -> None:
    if decimal_comma:
        axis = ax.xaxis if which == "x" else ax.yaxis
        axis.set_major_formatter(_comma_formatter())


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{what} lacks column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(str, frame.columns))}"
        )


def _level_label(frame: pd.DataFrame) -> str:
    if "alpha" in frame.columns:
        alphas = pd.unique(frame["alpha"].dropna())
        if len(alphas) == 1:
            level = f"{100 * (1 - float(alphas[0])):.2f}".rstrip("0").rstrip(".")
            return f" (IK {level.replace('.', ',')}%)"
    return ""


def coefficient_plot(
    effects_df: pd.DataFrame,
    *,
    label: str = "outcome",
    estimate: str = "estimate",
    ci_low: str = "ci_low",
    ci_high: str = "ci_high",
    xlabel: str | None = None,
    title: str | None = None,
    reference: float = 0.0,
    decimal_comma: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Point estimates with confidence intervals, one row per effect (a "dot-and-whisker" plot).

    Parameters
    ----------
    effects_df : pandas.DataFrame
        E.g. :func:`helpers.stats.effect.effects_table`; one row per effect.
    label : str
        Column with the row labels (y axis).
    estimate : str
        Column of point estimates.
    ci_low : str
        Column of lower interval bounds.
    ci_high : str
        Column of upper interval bounds.
    xlabel : str, optional
        X-axis label (default "Perkiraan efek", with the interval level when the frame has one
        ``alpha``).
    title : str, optional
        Figure title.
    reference : float
        Position of the dashed "no effect" line.
    decimal_comma : bool
        Show decimal commas on the value axis.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One scatter point and one interval segment per row.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"outcome": ["a", "b"], "estimate": [0.2, -0.1],
    ...                    "ci_low": [0.0, -0.3], "ci_high": [0.4, 0.1]})
    >>> fig = coefficient_plot(df)
    >>> len(fig.axes[0].collections[1].get_offsets())
    2
    """
    _require_columns(effects_df, [label, estimate, ci_low, ci_high], "effects_df")
    if len(effects_df) == 0:
        raise ConfigError("effects_df has no rows to plot")
    fig, ax = _new_axes(ax, (7.0, 0.5 * len(effects_df) + 1.5))
    pos = np.arange(len(effects_df))[::-1]
    est = effects_df[estimate].to_numpy(dtype=float)
    lo = effects_df[ci_low].to_numpy(dtype=float)
    hi = effects_df[ci_high].to_numpy(dtype=float)
    ax.hlines(pos, lo, hi, color="0.25", linewidth=1.8)
    ax.scatter(est, pos, color="C0", zorder=3, s=40)
    ax.axvline(reference, color="0.5", linestyle="--", linewidth=1)
    ax.set_yticks(pos, effects_df[label].astype(str).tolist())
    ax.set_xlabel(xlabel if xlabel is not None else "Perkiraan efek" + _level_label(effects_df))
    if title:
        ax.set_title(title)
    _value_axis(ax, "x", decimal_comma)
    return fig


def event_time_plot(
    table: pd.DataFrame,
    *,
    xlabel: str = "Periode relatif terhadap awal pelatihan",
    ylabel: str = "Perkiraan efek (IK 95%)",
    decimal_comma: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """An event study given as a table (the heterogeneity-robust estimator's): periods before
    the start hollow, periods after filled, each with its interval.

    Parameters
    ----------
    table : pandas.DataFrame
        ``rel_time``, ``estimate``, ``ci_low``, ``ci_high`` and ``pre`` (True before the start),
        as :attr:`helpers.stats.staggered_results.StaggeredResult.event_study`.
    xlabel, ylabel : str
        Axis labels.
    decimal_comma : bool
        Show decimal commas on the value axis.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The periods before the start (first collection), after it (second), the intervals
        (third).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"rel_time": [-2, -1, 0, 1], "estimate": [0.1, -0.1, 1.0, 1.2],
    ...                   "ci_low": [-0.3, -0.5, 0.6, 0.7], "ci_high": [0.5, 0.3, 1.4, 1.7],
    ...                   "pre": [True, True, False, False]})
    >>> fig = event_time_plot(t)
    >>> [len(c.get_offsets()) for c in fig.axes[0].collections[:2]]
    [2, 2]
    """
    _require_columns(table, ["rel_time", "estimate", "ci_low", "ci_high", "pre"], "table")
    rows = table.loc[table["estimate"].notna()].sort_values("rel_time")
    fig, ax = _new_axes(ax, (7.0, 4.0))
    pre = rows.loc[rows["pre"].astype(bool)]
    post = rows.loc[~rows["pre"].astype(bool)]
    ax.axhline(0.0, color="0.5", linewidth=1)
    ax.axvline(-0.5, color="0.6", linestyle=":", linewidth=1)
    ax.scatter(
        pre["rel_time"], pre["estimate"], facecolors="white", edgecolors="C0", zorder=3, s=30
    )
    ax.scatter(post["rel_time"], post["estimate"], color="C0", zorder=3, s=30)
    ax.vlines(rows["rel_time"], rows["ci_low"], rows["ci_high"], color="C0", linewidth=1.4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _value_axis(ax, "y", decimal_comma)
    return fig


def forest_plot(
    meta_result: MetaResult,
    *,
    xlabel: str = "Efek",
    pooled_label: str = "Gabungan (efek acak)",
    title: str | None = None,
    show_prediction: bool = True,
    decimal_comma: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Forest plot: each study's estimate and interval, marker area by weight, pooled diamond.

    Parameters
    ----------
    meta_result : MetaResult
        From :func:`helpers.stats.meta.random_effects_meta`.
    xlabel : str
        X-axis label.
    pooled_label : str
        Label of the pooled row.
    title : str, optional
        Title; tau^2 and I^2 are added to it.
    show_prediction : bool
        Draw the prediction interval (dotted) around the diamond when available.
    decimal_comma : bool
        Show decimal commas on the value axis.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One square per study (first collection), one interval segment per study (second
        collection) and the pooled diamond (a Polygon patch).

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats import random_effects_meta
    >>> m = random_effects_meta(pd.DataFrame({"estimate": [0.3, 0.1, 0.5],
    ...                                       "se": [0.1, 0.15, 0.12]}))
    >>> len(forest_plot(m).axes[0].collections[0].get_offsets())
    3
    """
    if not isinstance(meta_result, MetaResult):
        raise TypeError(f"meta_result must be a MetaResult, got {type(meta_result).__name__}")
    st = meta_result.studies
    k = len(st)
    fig, ax = _new_axes(ax, (7.0, 0.45 * k + 2.0))
    pos = np.arange(k, 0, -1, dtype=float)
    sizes = 30 + 400 * st["weight"].to_numpy(dtype=float)
    ax.scatter(st["estimate"], pos, s=sizes, marker="s", color="C0", zorder=3)
    ax.hlines(pos, st["ci_low"], st["ci_high"], color="0.25", linewidth=1.5)
    m, lo, hi = meta_result.estimate, meta_result.ci_low, meta_result.ci_high
    diamond = Polygon(
        [(lo, 0.0), (m, 0.25), (hi, 0.0), (m, -0.25)], closed=True, color="C3", zorder=3
    )
    ax.add_patch(diamond)
    if show_prediction and np.isfinite(meta_result.pi_low):
        ax.plot([meta_result.pi_low, meta_result.pi_high], [0.0, 0.0], color="C3", linestyle=":")
    ax.axvline(0.0, color="0.5", linestyle="--", linewidth=1)
    ax.set_yticks([*pos, 0.0], [*st["label"].astype(str), pooled_label])
    ax.set_ylim(-0.8, k + 0.8)
    ax.set_xlabel(xlabel)
    i2 = f"{100 * meta_result.i2:.0f}"
    tau2 = f"{meta_result.tau2:.3g}".replace(".", ",")
    het = f"\u03c4\u00b2 = {tau2}; I\u00b2 = {i2}%"
    ax.set_title("\n".join(t for t in (title, het) if t))
    _value_axis(ax, "x", decimal_comma)
    return fig


def balance_plot(
    balance_df: pd.DataFrame,
    *,
    threshold: float = 0.1,
    absolute: bool = True,
    xlabel: str | None = None,
    labels: tuple[str, str] = ("Sebelum pembobotan", "Sesudah pembobotan"),
    title: str | None = None,
    decimal_comma: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Love plot: standardised mean differences per covariate, before and after weighting.

    Parameters
    ----------
    balance_df : pandas.DataFrame
        From :func:`helpers.stats.balance.balance_table`; ``smd_weighted`` is drawn when present.
    threshold : float
        Dashed lines at +-threshold (0.1 is the usual mark of balance).
    absolute : bool
        Plot absolute SMDs.
    xlabel : str, optional
        X-axis label (default "Selisih rata-rata terstandar (SMD)", "mutlak" when absolute).
    labels : tuple of str
        Legend entries for before and after weighting.
    title : str, optional
        Title.
    decimal_comma : bool
        Show decimal commas on the value axis.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One point per covariate before weighting (first collection) and, with weights, one
        per covariate after (second collection).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"variable": ["age", "male"], "smd": [0.4, -0.2]})
    >>> len(balance_plot(b).axes[0].collections[0].get_offsets())
    2
    """
    _require_columns(balance_df, ["variable", "smd"], "balance_df")
    fig, ax = _new_axes(ax, (6.5, 0.4 * len(balance_df) + 2.0))
    pos = np.arange(len(balance_df))[::-1]
    before = balance_df["smd"].to_numpy(dtype=float)
    if absolute:
        before = np.abs(before)
    ax.scatter(before, pos, color="C1", marker="o", label=labels[0], zorder=3)
    if "smd_weighted" in balance_df.columns:
        after = balance_df["smd_weighted"].to_numpy(dtype=float)
        if absolute:
            after = np.abs(after)
        ax.scatter(after, pos, color="C0", marker="D", label=labels[1], zorder=3)
        # the legend gets two rows of its own above the first covariate, never over a point
        ax.set_ylim(-0.6, len(balance_df) + 1.3)
        ax.legend(loc="upper right", facecolor="white", edgecolor="none", framealpha=1.0)
    ax.axvline(threshold, color="0.5", linestyle="--", linewidth=1)
    if not absolute:
        ax.axvline(-threshold, color="0.5", linestyle="--", linewidth=1)
        ax.axvline(0.0, color="0.3", linewidth=1)
    ax.set_yticks(pos, balance_df["variable"].astype(str).tolist())
    if xlabel is None:
        xlabel = (
            "Selisih rata-rata terstandar mutlak (|SMD|)"
            if absolute
            else "Selisih rata-rata terstandar (SMD)"
        )
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    _value_axis(ax, "x", decimal_comma)
    return fig


def distribution_by_group(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    kind: DistributionKind = "box",
    show_points: bool = True,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    decimal_comma: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Distribution of an outcome in each group (box, violin or overlaid histograms).

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    outcome : str
        Numeric column.
    group : str
        Grouping column (e.g. trained or not, region).
    kind : {"box", "violin", "hist"}
        Kind of plot.
    show_points : bool
        For box and violin: overlay the observations (jittered).
    xlabel : str, optional
        X-axis label (default: ``group``, or ``outcome`` for ``hist``).
    ylabel : str, optional
        Y-axis label (default: ``outcome``, or "Jumlah" for ``hist``).
    title : str, optional
        Title.
    decimal_comma : bool
        Show decimal commas on the value axis.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        For box and violin with points: one scatter collection per group (the last ones).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "g": ["a", "a", "a", "b", "b", "b"]})
    >>> fig = distribution_by_group(d, "y", "g")
    >>> len(fig.axes[0].collections[-1].get_offsets())
    3
    """
    if kind not in get_args(DistributionKind):
        raise ConfigError(
            f"kind={kind!r} is not allowed; expected one of "
            f"{', '.join(map(repr, get_args(DistributionKind)))}"
        )
    _require_columns(data, [outcome, group], "data")
    frame = data.loc[:, [outcome, group]].dropna()
    if len(frame) == 0:
        raise ConfigError(f"no rows with both {outcome!r} and {group!r} present")
    if not pd.api.types.is_numeric_dtype(frame[outcome]):
        raise ConfigError(f"outcome column {outcome!r} must be numeric to plot its distribution")
    frame = frame.assign(
        **{outcome: frame[outcome].astype("float64"), group: frame[group].astype(str)}
    )
    levels = sorted(frame[group].unique())
    fig, ax = _new_axes(ax, (6.5, 4.0))
    if kind == "hist":
        sns.histplot(data=frame, x=outcome, hue=group, hue_order=levels, element="step", ax=ax)
        ax.set_xlabel(xlabel if xlabel is not None else outcome)
        ax.set_ylabel(ylabel if ylabel is not None else "Jumlah")
        _value_axis(ax, "x", decimal_comma)
    else:
        plot = sns.boxplot if kind == "box" else sns.violinplot
        extra: dict[str, Any] = (
            {"showfliers": not show_points} if kind == "box" else {"inner": None}
        )
        with warnings.catch_warnings():
            # seaborn 0.13 passes vert= to Axes.bxp, deprecated in matplotlib 3.11: not the
            # reader's concern, so it must not reach a notebook's output
            warnings.filterwarnings("ignore", category=MatplotlibDeprecationWarning)
            plot(data=frame, x=group, y=outcome, order=levels, color="0.85", ax=ax, **extra)
        if show_points:
            rng = np.random.default_rng(0)
            for i, level in enumerate(levels):
                values = frame.loc[frame[group] == level, outcome].to_numpy()
                ax.scatter(
                    i + rng.uniform(-0.15, 0.15, values.size),
                    values,
                    s=12,
                    alpha=0.6,
                    color=f"C{i % 10}",
                    zorder=3,
                )
        ax.set_xlabel(xlabel if xlabel is not None else group)
        ax.set_ylabel(ylabel if ylabel is not None else outcome)
        _value_axis(ax, "y", decimal_comma)
    if title:
        ax.set_title(title)
    return fig


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    *,
    codebook: CodeCodebook | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "Kode yang muncul bersama (jumlah segmen)",
    show_diagonal: bool = False,
    lower_triangle: bool = True,
    annot: bool = True,
    cmap: str = "Blues",
    figsize: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of a :func:`cooccurrence` table with Indonesian code labels.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square code x code counts.
    codebook : CodeCodebook, optional
        Its ``label`` names the rows and columns; codes without one keep their code.
    labels : mapping of str to str, optional
        Code -> label, overriding the codebook's.
    title : str
        Figure title (Indonesian by default).
    show_diagonal : bool, default False
        Show the diagonal (units per code); hidden by default because it dwarfs the pairs.
    lower_triangle : bool, default True
        Show only the lower triangle (the table is symmetric).
    annot : bool, default True
        Write the counts in the cells.
    cmap : str
        Matplotlib colour map.
    figsize : (float, float), optional
        Default grows with the number of codes.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure (not registered with pyplot, so nothing is shown twice in a notebook), or
        the figure of ``ax``.

    Examples
    --------
    >>> import pandas as pd
    >>> matrix = pd.DataFrame([[4, 2], [2, 3]], index=["beban", "dukungan"],
    ...                       columns=["beban", "dukungan"])
    >>> fig = cooccurrence_heatmap(matrix, labels={"beban": "Beban kerja"})
    >>> fig.texts[0].get_text()
    'Kode yang muncul bersama (jumlah segmen)'
    """
    import seaborn as sns
    from matplotlib.figure import Figure

    _check_frame(matrix, "matrix")
    if list(matrix.index) != list(matrix.columns):
        raise ValueError("matrix must be square with the same codes as rows and columns")
    names = dict(codebook.labels) if codebook is not None else {}
    names.update(labels or {})
    tick = [names.get(c, c) for c in matrix.index]
    n = len(tick)
    longest = max((len(t) for t in tick), default=0)
    size = figsize or (max(6.0, 2.5 + 0.6 * n + 0.08 * longest), max(4.5, 2.0 + 0.5 * n))
    own_figure = ax is None
    if ax is None:
        figure = Figure(figsize=size, layout="constrained")
        ax = figure.add_subplot()
    else:
        from matplotlib.axes import Axes as _Axes

        if not isinstance(ax, _Axes):
            raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        figure = ax.get_figure(root=True)
    if n == 0:
        ax.text(0.5, 0.5, "Tidak ada kode", ha="center", va="center")
        ax.set_axis_off()
        _heatmap_title(figure, ax, title, own_figure)
        return figure
    hide = np.zeros((n, n), dtype=bool)
    if lower_triangle:
        hide |= np.triu(np.ones((n, n), dtype=bool), k=1)
    if not show_diagonal:
        hide |= np.eye(n, dtype=bool)
    sns.heatmap(
        matrix.to_numpy(dtype=float),
        mask=hide,
        annot=annot,
        fmt=".0f",
        cmap=cmap,
        vmin=0,
        xticklabels=tick,
        yticklabels=tick,
        square=True,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"label": "Jumlah segmen"},
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    _heatmap_title(figure, ax, title, own_figure)
    return figure


def _heatmap_title(figure: Figure, ax: Axes, title: str, own_figure: bool) -> None:
    """A figure title (kept inside the canvas by the layout), or the axes' title on a given ax."""
    if own_figure:
        figure.suptitle(title)
    else:
        ax.set_title(title)
