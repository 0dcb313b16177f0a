"""Tests of helpers.steps.plots: each figure is a Figure with the expected number of marks."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from helpers.core.errors import ConfigError
from helpers.stats.balance import balance_table
from helpers.stats.effect import effects_table
from helpers.stats.estimate import estimate_effect
from helpers.stats.event_studies import event_study
from helpers.stats.meta import random_effects_meta
from helpers.stats.weighting import ipw_weights
from helpers.steps import plots


@pytest.fixture(autouse=True)
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    base = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-base))).astype(int)
    return pd.DataFrame(
        {
            "y": 0.4 * t + base + rng.normal(size=n),
            "y2": rng.normal(size=n) + 0.2 * t,
            "t": t,
            "base": base,
            "unit": pd.array(rng.choice(["dinas a", "dinas b", "dinas c"], n), dtype="str"),
        }
    )


def scatter_points(ax) -> list[int]:
    return [len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]


def segments(ax) -> list[int]:
    return [len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection)]


def test_coefficient_plot(survey: pd.DataFrame) -> None:
    effs = [estimate_effect(survey, y, "t", design="diff") for y in ("y", "y2")]
    effs.append(estimate_effect(survey, "y", "t", design="ancova", baseline="base"))
    fig = plots.coefficient_plot(effects_table(effs), label="design", title="Efek pelatihan")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert scatter_points(ax) == [3]
    assert segments(ax) == [3]
    assert ax.get_xlabel() == "Perkiraan efek (IK 95%)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["diff", "diff", "ancova"]


def test_coefficient_plot_missing_column() -> None:
    with pytest.raises(ConfigError, match="ci_low"):
        plots.coefficient_plot(pd.DataFrame({"outcome": ["a"], "estimate": [1.0]}))


def test_event_time_plot_draws_periods_before_hollow_and_after_filled() -> None:
    rng = np.random.default_rng(1)
    p = pd.DataFrame([(u, t) for u in range(40) for t in range(2015, 2023)], columns=["u", "t"])
    p["f"] = np.where(p["u"] < 20, 2019.0, np.nan)
    p["y"] = rng.normal(size=len(p)) + (p["t"] >= p["f"])
    res = event_study(p, "y", unit="u", time="t", first_treated="f", leads=3, lags=2)
    table = res.coefficients.assign(pre=lambda d: d["rel_time"] < 0)  # as notebook 03 does
    fig = plots.event_time_plot(table)
    ax = fig.axes[0]
    assert scatter_points(ax) == [3, 3]  # leads -3, -2 and the reference -1; then 0, 1, 2
    assert segments(ax) == [6]
    assert "IK 95%" in ax.get_ylabel()
    with pytest.raises(ValueError, match="pre"):
        plots.event_time_plot(res.coefficients)


def test_forest_plot() -> None:
    d = pd.DataFrame({"region": list("abcde"), "estimate": [0.3, 0.1, 0.5, 0.2, 0.4],
                      "se": [0.1, 0.15, 0.12, 0.2, 0.1]})  # fmt: skip
    fig = plots.forest_plot(random_effects_meta(d, label="region"))
    ax = fig.axes[0]
    assert scatter_points(ax) == [5]
    assert segments(ax) == [5]
    assert sum(isinstance(p, Polygon) for p in ax.patches) == 1
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [*"abcde", "Gabungan (efek acak)"]


def test_balance_plot(survey: pd.DataFrame) -> None:
    w = ipw_weights(survey, "t", ["base"]).weights
    tab = balance_table(survey, "t", ["base", "unit"], weights=w)
    fig = plots.balance_plot(tab)
    ax = fig.axes[0]
    assert scatter_points(ax) == [4, 4]  # base + 3 levels, before and after
    only_before = plots.balance_plot(balance_table(survey, "t", ["base"]))
    assert scatter_points(only_before.axes[0]) == [1]


@pytest.mark.parametrize("kind", ["box", "violin", "hist"])
def test_distribution_by_group(survey: pd.DataFrame, kind: str) -> None:
    fig = plots.distribution_by_group(survey, "y", "unit", kind=kind, ylabel="Skor")
    ax = fig.axes[0]
    if kind == "hist":
        assert len(ax.get_legend().get_texts()) == 3
    else:
        counts = survey["unit"].value_counts().sort_index().tolist()
        assert scatter_points(ax)[-3:] == counts
        assert ax.get_ylabel() == "Skor"


def test_drawing_on_given_axes_returns_its_figure(survey: pd.DataFrame) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    out = plots.distribution_by_group(survey, "y", "t", ax=ax)
    assert out is fig


def test_plots_leave_pyplot_and_backend_alone(survey: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    before = plt.get_fignums()
    plots.distribution_by_group(survey, "y", "t")
    assert plt.get_fignums() == before
    assert matplotlib.get_backend() == backend


def test_figure_renders_to_png(tmp_path, survey: pd.DataFrame) -> None:
    fig = plots.coefficient_plot(effects_table([estimate_effect(survey, "y", "t", design="diff")]))
    out = tmp_path / "f.png"
    fig.savefig(out)
    assert out.stat().st_size > 1000


def test_figure_shows_itself_as_png_in_jupyter(survey: pd.DataFrame) -> None:
    fig = plots.balance_plot(balance_table(survey, "t", ["base"]))
    assert isinstance(fig, plots.ReportFigure) and isinstance(fig, Figure)
    assert fig._repr_png_().startswith(b"\x89PNG")
