"""Monte Carlo checks of helpers.stats: coverage of the intervals and bias under selection.

Slow (about half a minute on two cores); run with ``pytest -m slow``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.stats.estimate import estimate_effect

pytestmark = pytest.mark.slow

N_SEEDS = 500
EFFECT = 0.5
DID_EFFECT = 1.0


def cross_section(seed: int, n: int = 300) -> pd.DataFrame:
    """Selection on observables: baseline and x drive both training and the outcome;
    heteroskedastic errors (treated noisier)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    base = 0.5 * x + rng.normal(size=n)
    p = 1 / (1 + np.exp(-(0.8 * base + 0.6 * x - 0.3)))
    t = (rng.random(n) < p).astype(int)
    y = EFFECT * t + base + 0.7 * x + rng.normal(scale=1 + 0.5 * t, size=n)
    return pd.DataFrame({"y": y, "t": t, "base": base, "x": x})


def panel(seed: int, n_units: int = 50, n_years: int = 7) -> pd.DataFrame:
    """Units with a higher level select into training; staggered start, constant effect,
    AR(1) errors within unit, 10% of rows missing (unbalanced)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n_units)
    treated = rng.random(n_units) < 1 / (1 + np.exp(-1.5 * a))
    first = np.where(treated, rng.choice([3, 4, 5], n_units), np.inf)
    eps = rng.normal(size=(n_units, n_years))
    ar = np.zeros_like(eps)
    ar[:, 0] = eps[:, 0]
    for k in range(1, n_years):
        ar[:, k] = 0.5 * ar[:, k - 1] + eps[:, k]
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(n_years), n_units)
    treat = (year >= first[unit]).astype(int)
    y = 2 * a[unit] + 0.2 * year + DID_EFFECT * treat + ar.ravel()
    keep = rng.random(unit.size) > 0.1
    return pd.DataFrame({"unit": unit, "year": year, "treat": treat, "y": y}).loc[keep]


def run(design: str) -> tuple[np.ndarray, float]:
    rows = []
    truth = DID_EFFECT if design == "did" else EFFECT
    for seed in range(N_SEEDS):
        if design == "did":
            e = estimate_effect(panel(seed), "y", "treat", design="did", unit="unit", time="year")
        elif design == "ancova":
            e = estimate_effect(
                cross_section(seed), "y", "t", design="ancova", baseline="base", covariates=["x"]
            )
        elif design in ("ipw", "aipw"):
            e = estimate_effect(
                cross_section(seed), "y", "t", design=design, covariates=["base", "x"]
            )
        else:
            e = estimate_effect(cross_section(seed), "y", "t", design="diff")
        rows.append((e.estimate, e.ci_low, e.ci_high))
    return np.asarray(rows), truth


@pytest.mark.parametrize("design", ["did", "ancova", "ipw", "aipw"])
def test_coverage_and_bias(design: str) -> None:
    est, truth = run(design)
    coverage = np.mean((est[:, 1] < truth) & (truth < est[:, 2]))
    bias = est[:, 0].mean() - truth
    sd = est[:, 0].std(ddof=1)
    assert 0.91 <= coverage <= 0.985, f"{design}: coverage {coverage:.3f}"
    # small next to the sampling noise (IPW keeps a small finite-sample bias of a ratio
    # estimator with large weights, about 0.1 SD here)
    assert abs(bias) < 0.2 * sd, f"{design}: bias {bias:.4f}, SD {sd:.4f}"


def test_naive_difference_is_biased_under_the_same_selection() -> None:
    est, truth = run("diff")
    assert est[:, 0].mean() - truth > 1.0
    assert np.mean((est[:, 1] < truth) & (truth < est[:, 2])) < 0.05
