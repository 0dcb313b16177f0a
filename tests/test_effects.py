"""Tests of helpers.stats against independent computations (numpy, pingouin, statsmodels)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import re
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower, TTestPower

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.balance import balance_table
from helpers.stats.effect import Effect, effects_table
from helpers.stats.estimate import estimate_effect
from helpers.stats.event_studies import event_study
from helpers.stats.meta import random_effects_meta
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.power import minimum_detectable_effect, required_sample_size
from helpers.stats.weighting import ipw_weights
from helpers.steps import plots

TOL = 1e-8


# ------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------


def cross_section(n: int = 400, seed: int = 1, effect: float = 0.5) -> pd.DataFrame:
    """Selection on observables: those with a higher baseline and x2 train more often."""
    rng = np.random.default_rng(seed)
    x2 = rng.normal(size=n)
    base = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(0.9 * base + 0.6 * x2 - 0.2)))
    t = (rng.random(n) < p).astype(int)
    y = effect * t + 1.0 * base + 0.7 * x2 + rng.normal(scale=1 + 0.5 * t, size=n)
    return pd.DataFrame(
        {
            "y": y,
            "t": t,
            "base": base,
            "x2": x2,
            "grp": pd.array(rng.choice(["a", "b", "c"], n), dtype="str"),
            "cl": rng.integers(0, 25, n),
            "w": rng.uniform(0.5, 2.0, n),
        },
        index=pd.Index(np.arange(1000, 1000 + n), name="person"),
    )


def panel(
    n_units: int = 60,
    years: range = range(2016, 2024),
    seed: int = 2,
    effect: float = 1.0,
    pretrend: float = 0.0,
    drop: float = 0.1,
) -> pd.DataFrame:
    """Staggered adoption; never-treated units; unbalanced (a share of rows dropped)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        first = (2019 + u % 3) if u < 2 * n_units // 3 else np.nan
        a = rng.normal()
        for yr in years:
            if rng.random() < drop:
                continue
            treated = int(not np.isnan(first) and yr >= first)
            rel = yr - first if not np.isnan(first) else np.nan
            trend = pretrend * rel if (not np.isnan(first) and rel < 0) else 0.0
            y = a + 0.3 * (yr - years[0]) + effect * treated + trend + rng.normal()
            rows.append((u, yr, first, treated, y, u // 6))
    return pd.DataFrame(rows, columns=["unit", "year", "first", "treat", "y", "dinas"])


# ------------------------------------------------------------------------------------------
# independent computations
# ------------------------------------------------------------------------------------------


def ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    return beta, e, bread


def se_classical(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    _, e, bread = ols(X, y)
    s2 = e @ e / (X.shape[0] - X.shape[1])
    return np.sqrt(np.diag(s2 * bread))


def se_hc(X: np.ndarray, y: np.ndarray, kind: str) -> np.ndarray:
    _, e, bread = ols(X, y)
    n, k = X.shape
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    u2 = {
        "HC0": e**2,
        "HC1": e**2 * n / (n - k),
        "HC2": e**2 / (1 - h),
        "HC3": e**2 / (1 - h) ** 2,
    }[kind]
    meat = (X * u2[:, None]).T @ X
    return np.sqrt(np.diag(bread @ meat @ bread))


def se_cr1(X: np.ndarray, y: np.ndarray, groups: np.ndarray, k: int | None = None) -> np.ndarray:
    """CR1 by hand; ``k`` overrides the number of parameters in (N-1)/(N-K)."""
    _, e, bread = ols(X, y)
    n = X.shape[0]
    k = X.shape[1] if k is None else k
    labels = np.unique(groups)
    g = labels.size
    meat = np.zeros((X.shape[1], X.shape[1]))
    for lab in labels:
        s = X[groups == lab].T @ e[groups == lab]
        meat += np.outer(s, s)
    factor = g / (g - 1) * (n - 1) / (n - k)
    return np.sqrt(np.diag(factor * bread @ meat @ bread))


def design_ancova(df: pd.DataFrame) -> np.ndarray:
    return np.column_stack(
        [
            np.ones(len(df)),
            df["t"],
            df["base"],
            df["x2"],
            (df["grp"] == "b").astype(float),
            (df["grp"] == "c").astype(float),
        ]
    ).astype(float)


# ------------------------------------------------------------------------------------------
# diff
# ------------------------------------------------------------------------------------------


def test_diff_matches_numpy_and_t_tests() -> None:
    df = cross_section()
    y = df["y"].to_numpy()
    X = np.column_stack([np.ones(len(df)), df["t"]]).astype(float)
    beta, _, _ = ols(X, y)
    classical = estimate_effect(df, "y", "t", design="diff", se="classical")
    robust = estimate_effect(df, "y", "t", design="diff")
    assert abs(classical.estimate - beta[1]) < TOL
    assert abs(robust.estimate - beta[1]) < TOL
    assert abs(classical.se - se_classical(X, y)[1]) < TOL
    assert abs(robust.se - se_hc(X, y, "HC2")[1]) < TOL
    assert robust.se_type == "HC2" and classical.se_type == "classical"
    y1, y0 = y[df["t"] == 1], y[df["t"] == 0]
    welch_se = math.sqrt(y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size)
    assert abs(robust.se - welch_se) < TOL
    student = pg.ttest(y1, y0, correction=False)
    welch = pg.ttest(y1, y0, correction=True)
    assert abs(classical.estimate / classical.se - student["T"].iloc[0]) < TOL
    assert abs(classical.p_value - student["p_val"].iloc[0]) < TOL
    assert abs(robust.estimate / robust.se - welch["T"].iloc[0]) < TOL
    q = stats.t.ppf(0.975, len(df) - 2)
    assert abs(robust.ci_low - (beta[1] - q * welch_se)) < TOL
    assert abs(robust.ci_high - (beta[1] + q * welch_se)) < TOL
    assert robust.df == len(df) - 2
    hedges = pg.compute_effsize(y1, y0, eftype="hedges")
    assert abs(robust.effect_size - hedges) < TOL
    assert robust.effect_size_type.startswith("Hedges' g")
    assert (robust.n, robust.n_treated, robust.n_control) == (len(df), y1.size, y0.size)


@pytest.mark.parametrize("kind", ["HC0", "HC1", "HC3"])
def test_diff_other_hc_types(kind: str) -> None:
    df = cross_section(n=120, seed=5)
    X = np.column_stack([np.ones(len(df)), df["t"]]).astype(float)
    e = estimate_effect(df, "y", "t", design="diff", se=kind)
    assert abs(e.se - se_hc(X, df["y"].to_numpy(), kind)[1]) < TOL


def test_diff_weighted_matches_wls_by_hand() -> None:
    df = cross_section(n=150, seed=7)
    w = df["w"].to_numpy()
    sw = np.sqrt(w)
    X = np.column_stack([np.ones(len(df)), df["t"]]).astype(float)
    Xw, yw = X * sw[:, None], df["y"].to_numpy() * sw
    e = estimate_effect(df, "y", "t", design="diff", weights="w")
    beta, _, _ = ols(Xw, yw)
    m1 = np.average(df["y"][df["t"] == 1], weights=w[df["t"] == 1])
    m0 = np.average(df["y"][df["t"] == 0], weights=w[df["t"] == 0])
    assert abs(e.estimate - beta[1]) < TOL and abs(e.estimate - (m1 - m0)) < TOL
    assert abs(e.se - se_hc(Xw, yw, "HC2")[1]) < TOL


# ------------------------------------------------------------------------------------------
# ancova
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["classical", "HC0", "HC1", "HC2", "HC3"])
def test_ancova_matches_numpy(kind: str) -> None:
    df = cross_section()
    X, y = design_ancova(df), df["y"].to_numpy()
    se = "robust" if kind == "HC2" else kind
    e = estimate_effect(
        df, "y", "t", design="ancova", baseline="base", covariates=["x2", "grp"], se=se
    )
    beta, _, _ = ols(X, y)
    assert abs(e.estimate - beta[1]) < TOL
    expected = se_classical(X, y)[1] if kind == "classical" else se_hc(X, y, kind)[1]
    assert abs(e.se - expected) < TOL
    assert e.df == len(df) - X.shape[1]


def test_ancova_cluster_cr1_by_hand() -> None:
    df = cross_section()
    X, y = design_ancova(df), df["y"].to_numpy()
    e = estimate_effect(
        df, "y", "t", design="ancova", baseline="base", covariates=["x2", "grp"], cluster="cl"
    )
    assert e.se_type == "CR1"
    assert abs(e.se - se_cr1(X, y, df["cl"].to_numpy())[1]) < TOL
    g = df["cl"].nunique()
    assert e.df == g - 1
    q = stats.t.ppf(0.975, g - 1)
    assert abs(e.ci_high - e.estimate - q * e.se) < TOL
    assert f"({g} clusters)" in e.se_note and "G/(G-1)*(N-1)/(N-K)" in e.se_note


# ------------------------------------------------------------------------------------------
# ipw
# ------------------------------------------------------------------------------------------


def test_ipw_matches_weighted_regression_by_hand() -> None:
    """se='HC2' is the WLS standard error that treats the weights as known (the default until
    issue 15); the trimming of an ATT drops untreated rows only."""
    df = cross_section()
    e = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"], trim=0.01, se="HC2")
    Z = sm.add_constant(df[["base", "x2"]].to_numpy())
    t = df["t"].to_numpy()
    p = sm.Logit(t, Z).fit(disp=0).predict(Z)
    keep = (t == 1) | (p <= 0.99)
    w = np.where(t == 1, 1.0, p / (1 - p))[keep]
    y, tk = df["y"].to_numpy()[keep], t[keep]
    m1 = np.average(y[tk == 1], weights=w[tk == 1])
    m0 = np.average(y[tk == 0], weights=w[tk == 0])
    assert abs(e.estimate - (m1 - m0)) < TOL
    X = np.column_stack([np.ones(tk.size), tk])
    sw = np.sqrt(w)
    assert abs(e.se - se_hc(X * sw[:, None], y * sw, "HC2")[1]) < TOL
    wls = sm.WLS(y, X, weights=w).fit(cov_type="HC2")
    assert abs(e.estimate - wls.params[1]) < TOL and abs(e.se - wls.bse[1]) < TOL
    assert e.n == int(keep.sum()) and e.n_treated == int((t == 1).sum())
    assert "propensity score was estimated" in e.se_note
    # the propensity weights are reachable, aligned with the caller's index
    pw = e.details["ipw"]
    assert pw.weights.index.equals(df.index)
    np.testing.assert_allclose(pw.propensity.to_numpy(), p, atol=1e-10)
    same = ipw_weights(df, "t", ["base", "x2"], trim=0.01)
    pd.testing.assert_series_equal(same.weights, pw.weights)
    # the default: no trimming, the known-weights HC2; the sandwich on request
    d = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"])
    assert d.n == len(df) and d.se_type == "HC2" and d.n_trimmed_treated == 0
    s = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"], se="sandwich")
    assert s.se_type == "M-estimation" and math.isinf(s.df) and s.estimate == d.estimate


def test_ipw_trimming_is_counted_in_notes() -> None:
    """An ATT never drops a treated row; an ATE trims both sides (Crump et al. 2009)."""
    df = cross_section(n=300, seed=4)
    e = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"], trim=0.4)
    pw = e.details["ipw"]
    assert pw.n_trimmed > 0 and pw.n_trimmed_treated == 0 == e.n_trimmed_treated
    assert e.n_trimmed_control == pw.n_trimmed == len(df) - e.n
    assert e.n_treated == int(df["t"].sum())
    assert any(f"{pw.n_trimmed} rows trimmed (0 treated" in note for note in e.notes)
    row = e.to_frame().iloc[0]
    assert row["n_trimmed_treated"] == 0 and row["n_trimmed_control"] == pw.n_trimmed
    assert f"0 peserta dan {pw.n_trimmed} pembanding" in e.summary_text("id")
    ate = estimate_effect(
        df, "y", "t", design="ipw", covariates=["base", "x2"], trim=0.1, estimand="ATE"
    )
    assert ate.n_trimmed_treated > 0 and ate.n_trimmed_control > 0
    assert any("overlap" in note for note in ate.notes)


def test_ipw_bootstrap_runs_and_is_reproducible() -> None:
    df = cross_section(n=200, seed=8)
    kw = dict(design="ipw", covariates=["base", "x2"], se="bootstrap", n_boot=100, seed=3)
    a = estimate_effect(df, "y", "t", **kw)
    b = estimate_effect(df, "y", "t", **kw)
    assert a.se == b.se and a.se_type == "bootstrap" and math.isinf(a.df)
    assert a.details["bootstrap"].size == 100
    assert a.se == pytest.approx(np.std(a.details["bootstrap"], ddof=1))
    assert "re-fitting the propensity model" in a.se_note


# ------------------------------------------------------------------------------------------
# selection on observables: naive diff biased, ancova/ipw not
# ------------------------------------------------------------------------------------------


def test_recovery_under_selection_on_observables() -> None:
    df = cross_section(n=6000, seed=11, effect=0.5)
    naive = estimate_effect(df, "y", "t", design="diff")
    anc = estimate_effect(df, "y", "t", design="ancova", baseline="base", covariates=["x2"])
    ipw = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"])
    assert naive.estimate - 0.5 > 0.5  # strongly biased upwards
    assert naive.ci_low > 0.5  # and its interval misses the truth
    for e in (anc, ipw):
        assert abs(e.estimate - 0.5) < 3 * e.se
        assert e.ci_low < 0.5 < e.ci_high


# ------------------------------------------------------------------------------------------
# did
# ------------------------------------------------------------------------------------------


def twfe_design(p: pd.DataFrame) -> tuple[np.ndarray, int]:
    units = np.sort(p["unit"].unique())
    years = np.sort(p["year"].unique())
    cols = [np.ones(len(p)), p["treat"].to_numpy(float)]
    cols += [(p["year"] == yr).to_numpy(float) for yr in years[1:]]
    cols += [(p["unit"] == u).to_numpy(float) for u in units[1:]]
    return np.column_stack(cols), years.size


def test_did_matches_dummy_regression_on_unbalanced_panel() -> None:
    p = panel()
    assert p.groupby("unit").size().nunique() > 1  # unbalanced
    e = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year")
    X, n_years = twfe_design(p)
    y = p["y"].to_numpy()
    beta, _, _ = ols(X, y)
    assert abs(e.estimate - beta[1]) < TOL
    # CR1 by unit; unit effects nested in clusters are not counted: K = 1 + (T - 1)
    se = se_cr1(X, y, p["unit"].to_numpy(), k=1 + (n_years - 1))[1]
    assert abs(e.se - se) < TOL
    assert e.details["k"] == n_years
    assert e.df == p["unit"].nunique() - 1
    assert any("Goodman-Bacon" in n for n in e.notes)
    # clustered by dinas: units nested in dinas, same K
    d = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year", cluster="dinas")
    assert abs(d.se - se_cr1(X, y, p["dinas"].to_numpy(), k=n_years)[1]) < TOL
    assert any("wild-cluster bootstrap" in n for n in d.notes) == (p["dinas"].nunique() < 50)


def test_did_not_nested_clusters_count_unit_effects() -> None:
    p = panel(n_units=30, seed=3)
    rng = np.random.default_rng(0)
    p = p.assign(region=rng.integers(0, 12, len(p)))  # units cut across clusters
    e = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year", cluster="region")
    X, _ = twfe_design(p)
    y = p["y"].to_numpy()
    assert abs(e.estimate - ols(X, y)[0][1]) < TOL
    assert abs(e.se - se_cr1(X, y, p["region"].to_numpy())[1]) < TOL
    assert e.details["k"] == X.shape[1]


def test_did_drops_singleton_units_and_reports() -> None:
    p = panel(n_units=30, seed=4)
    extra = pd.DataFrame({"unit": [999], "year": [2020], "first": [np.nan], "treat": [0],
                          "y": [1.0], "dinas": [99]})  # fmt: skip
    e = estimate_effect(
        pd.concat([p, extra], ignore_index=True), "y", "treat", design="did", unit="unit",
        time="year",
    )  # fmt: skip
    ref = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year")
    assert abs(e.estimate - ref.estimate) < TOL
    assert any("observed in only one period" in n for n in e.notes)


# ------------------------------------------------------------------------------------------
# event study
# ------------------------------------------------------------------------------------------


def test_event_study_point_estimates_match_dummies() -> None:
    p = panel(seed=6)
    es = event_study(p, "y", unit="unit", time="year", first_treated="first", leads=2, lags=2)
    rel = np.clip(p["year"] - p["first"], -2, 2)
    X, _ = twfe_design(p)
    dummies = [((rel == k) & p["first"].notna()).to_numpy(float) for k in (-2, 0, 1, 2)]
    X = np.column_stack([X[:, :1], *dummies, X[:, 2:]])
    beta, _, _ = ols(X, p["y"].to_numpy())
    coefs = es.coefficients.set_index("rel_time")
    np.testing.assert_allclose(coefs.loc[[-2, 0, 1, 2], "estimate"], beta[1:5], atol=TOL)
    assert coefs.loc[-1, "estimate"] == 0 and coefs.loc[-1, "reference"]
    assert es.pretrend_df == 1 and es.pretrend_df_denom == p["unit"].nunique() - 1
    assert list(coefs.columns[:6]) == ["label", "estimate", "se", "ci_low", "ci_high", "p_value"]


def test_event_study_pretrend_test() -> None:
    flat = event_study(
        panel(n_units=90, seed=21), "y", unit="unit", time="year", first_treated="first"
    )
    assert flat.pretrend_p > 0.01
    assert flat.pretrend_df == 2
    planted = event_study(
        panel(n_units=90, seed=21, pretrend=0.6), "y", unit="unit", time="year",
        first_treated="first",
    )  # fmt: skip
    assert planted.pretrend_p < 0.001
    post = flat.coefficients.query("rel_time >= 0")
    assert abs(post["estimate"].mean() - 1.0) < 0.3  # the planted effect is 1


# ------------------------------------------------------------------------------------------
# paired and mixed
# ------------------------------------------------------------------------------------------


def test_paired_matches_pingouin() -> None:
    rng = np.random.default_rng(9)
    pre = rng.normal(60, 10, 40)
    df = pd.DataFrame({"pre": pre, "post": pre + 3 + rng.normal(0, 6, 40)})
    df.loc[3, "post"] = np.nan
    e = estimate_effect(df, "post", None, design="paired", baseline="pre", alpha=0.1)
    ok = df.dropna()
    ref = pg.ttest(ok["post"], ok["pre"], paired=True, confidence=0.9)
    assert e.n == 39 and e.n_treated == 39 and e.n_control == 0
    assert abs(e.estimate - (ok["post"] - ok["pre"]).mean()) < TOL
    assert abs(e.estimate / e.se - ref["T"].iloc[0]) < TOL
    assert abs(e.p_value - ref["p_val"].iloc[0]) < TOL
    ci = ref["CI90"].iloc[0]
    assert abs(e.ci_low - ci[0]) < 1e-6 and abs(e.ci_high - ci[1]) < 1e-6
    g = pg.compute_effsize(ok["post"], ok["pre"], paired=True, eftype="hedges")
    assert abs(e.effect_size - g) < TOL
    assert any("1 of 40 rows dropped" in n for n in e.notes)


def test_paired_with_treatment_uses_participants_only() -> None:
    rng = np.random.default_rng(10)
    df = pd.DataFrame({"pre": rng.normal(size=30), "t": [1] * 20 + [0] * 10})
    df["post"] = df["pre"] + rng.normal(size=30)
    e = estimate_effect(df, "post", "t", design="paired", baseline="pre")
    assert e.n == 20 and any("were not used" in n for n in e.notes)


def test_mixed_matches_statsmodels_formula() -> None:
    rng = np.random.default_rng(12)
    classes = np.repeat(np.arange(30), 15)
    trained = np.repeat(rng.integers(0, 2, 30), 15)
    pre = rng.normal(size=classes.size)
    y = (
        0.4 * trained
        + 0.8 * pre
        + np.repeat(rng.normal(0, 0.7, 30), 15)
        + rng.normal(size=classes.size)
    )
    df = pd.DataFrame({"y": y, "t": trained, "pre": pre, "kelas": classes})
    e = estimate_effect(df, "y", "t", design="mixed", cluster="kelas", baseline="pre")
    ref = smf.mixedlm("y ~ t + pre", df, groups=df["kelas"]).fit(reml=True)
    assert abs(e.estimate - ref.params["t"]) < 1e-5
    assert abs(e.se - ref.bse["t"]) < 1e-5
    z = stats.norm.ppf(0.975)
    assert abs(e.ci_low - (e.estimate - z * e.se)) < TOL and math.isinf(e.df)
    assert 0 < e.details["icc"] < 1


def test_mixed_warnings_are_captured_not_emitted() -> None:
    rng = np.random.default_rng(1)
    g = np.repeat(np.arange(6), 10)
    df = pd.DataFrame({"g": g, "t": np.tile([0, 1], 30), "x": rng.normal(size=60)})
    df["y"] = 1 + df["x"] + rng.normal(size=60)  # no cluster variance: boundary fit
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = estimate_effect(df, "y", "t", design="mixed", cluster="g", covariates=["x"])
    assert np.isfinite(e.estimate) and np.isfinite(e.se)
    assert any("MixedLM" in n for n in e.notes)
    assert any("estimated at zero" in n for n in e.notes)


# ------------------------------------------------------------------------------------------
# balance
# ------------------------------------------------------------------------------------------


def test_balance_table_by_hand() -> None:
    df = cross_section(n=300, seed=13)
    df["female"] = np.random.default_rng(0).random(len(df)) < 0.4
    tab = balance_table(df, "t", ["base", "female", "grp"]).set_index("variable")
    t = df["t"] == 1
    x1, x0 = df.loc[t, "base"], df.loc[~t, "base"]
    smd = (x1.mean() - x0.mean()) / math.sqrt((x1.var() + x0.var()) / 2)
    assert abs(tab.loc["base", "smd"] - smd) < TOL
    assert abs(tab.loc["base", "sd_treated"] - x1.std()) < TOL
    p1, p0 = df.loc[t, "female"].mean(), df.loc[~t, "female"].mean()
    smd_b = (p1 - p0) / math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    assert abs(tab.loc["female", "smd"] - smd_b) < TOL and tab.loc["female", "kind"] == "binary"
    assert {"grp[a]", "grp[b]", "grp[c]"} <= set(tab.index)
    assert (tab["n_treated"] == t.sum()).all()

    pw = ipw_weights(df, "t", ["base", "x2"])
    wt = balance_table(df, "t", ["base", "x2"], weights=pw.weights).set_index("variable")
    ok = pw.weights.notna()
    w = pw.weights[ok]
    m1 = np.average(df.loc[ok & t, "base"], weights=w[t[ok]])
    m0 = np.average(df.loc[ok & ~t, "base"], weights=w[~t[ok]])
    assert (
        abs(wt.loc["base", "smd_weighted"] - (m1 - m0) / math.sqrt((x1.var() + x0.var()) / 2)) < TOL
    )
    assert abs(wt.loc["base", "smd_weighted"]) < abs(wt.loc["base", "smd"])


# ------------------------------------------------------------------------------------------
# power
# ------------------------------------------------------------------------------------------


def test_mde_matches_statsmodels_power_and_formula() -> None:
    r = minimum_detectable_effect(n_treated=80, n_control=120)
    d = TTestIndPower().solve_power(nobs1=80, ratio=1.5, alpha=0.05, power=0.8)
    assert abs(r.mde_standardised - d) < 1e-6
    assert abs(TTestIndPower().power(r.mde_standardised, 80, 0.05, ratio=1.5) - 0.8) < 1e-8
    big = minimum_detectable_effect(n_treated=5000, sd=4.0)
    approx = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * 4.0 * math.sqrt(2 / 5000)
    assert abs(big.mde_raw / approx - 1) < 1e-3
    anc = minimum_detectable_effect(n_treated=5000, design="ancova", r2=0.5, sd=4.0)
    assert abs(anc.mde_raw - big.mde_raw * math.sqrt(0.5)) < 1e-10
    cl = minimum_detectable_effect(n_treated=2000, icc=0.05, cluster_size=20)
    de = 1 + 19 * 0.05
    assert cl.design_effect == pytest.approx(de)
    ref = TTestIndPower().power(cl.mde_standardised, 2000 / de, 0.05, ratio=1, df=200 - 2)
    assert abs(ref - 0.8) < 1e-8
    pair = minimum_detectable_effect(n_treated=30, design="paired", rho_prepost=0.6, sd=10)
    dz = TTestPower().solve_power(nobs=30, alpha=0.05, power=0.8)
    assert abs(pair.mde_raw - dz * 10 * math.sqrt(2 * 0.4)) < 1e-5


def test_required_sample_size_is_inverse_of_power() -> None:
    r = required_sample_size(0.5)
    assert r.n_treated == 64 and r.n_control == 64
    n = TTestIndPower().solve_power(effect_size=0.5, alpha=0.05, power=0.8)
    assert r.n_treated == math.ceil(n)
    assert TTestIndPower().power(0.5, r.n_treated - 1, 0.05) < 0.8 <= r.achieved_power
    c = required_sample_size(0.3, icc=0.1, cluster_size=20, ratio=1)
    assert c.n_treated == 20 * c.n_clusters_treated
    smaller = minimum_detectable_effect(
        n_treated=c.n_treated - 20, n_control=c.n_control - 20, icc=0.1, cluster_size=20
    )
    assert smaller.mde_standardised > 0.3
    p = required_sample_size(0.4, design="paired")
    assert p.n_treated == math.ceil(TTestPower().solve_power(0.4, alpha=0.05, power=0.8))


# ------------------------------------------------------------------------------------------
# multiple testing and tables
# ------------------------------------------------------------------------------------------


def test_adjust_pvalues_matches_multipletests_and_keeps_nan() -> None:
    p = np.array([0.001, 0.04, np.nan, 0.03, 0.2, 0.011])
    out = adjust_pvalues(p)
    ok = ~np.isnan(p)
    np.testing.assert_allclose(out[ok], multipletests(p[ok], method="fdr_bh")[1], atol=1e-12)
    assert np.isnan(out[2])
    np.testing.assert_allclose(
        adjust_pvalues(p, "holm")[ok], multipletests(p[ok], method="holm")[1], atol=1e-12
    )


def test_effects_table_stacks_rows_and_adjusts() -> None:
    df = cross_section(n=200, seed=3)
    df["y2"] = df["y"] + np.random.default_rng(1).normal(size=len(df))
    effs = [estimate_effect(df, y, "t", design="diff") for y in ("y", "y2")]
    tab = effects_table(effs)
    assert len(tab) == 2 and "results" not in tab.columns
    np.testing.assert_allclose(tab["p_adj"], adjust_pvalues(tab["p_value"]))
    assert set(tab.columns) >= {"estimate", "se", "ci_low", "ci_high", "p_value", "n",
                                "assumption", "se_note", "effect_size_type"}  # fmt: skip


# ------------------------------------------------------------------------------------------
# meta-analysis
# ------------------------------------------------------------------------------------------


META = pd.DataFrame(
    {
        "region": ["kepahiang", "medan", "kalianda", "jambi", "kemuning"],
        "estimate": [0.42, 0.10, 0.35, 0.55, 0.05],
        "se": [0.10, 0.12, 0.15, 0.09, 0.11],
    }
)


def test_meta_dl_matches_combine_effects_and_hand() -> None:
    m = random_effects_meta(META, label="region", method="dl", ci_method="z")
    ref = combine_effects(META["estimate"].to_numpy(), META["se"].to_numpy() ** 2, method_re="dl")
    assert abs(m.estimate - ref.mean_effect_re) < TOL
    assert abs(m.se - ref.sd_eff_w_re) < TOL
    assert abs(m.tau2 - ref.tau2) < TOL
    assert abs(m.q - ref.q) < TOL and abs(m.i2 - ref.i2) < TOL
    lo, hi = ref.conf_int(use_t=False)[1]
    assert abs(m.ci_low - lo) < TOL and abs(m.ci_high - hi) < TOL
    # by hand: DerSimonian-Laird
    y, v = META["estimate"].to_numpy(), META["se"].to_numpy() ** 2
    w = 1 / v
    mu_f = (w * y).sum() / w.sum()
    q = (w * (y - mu_f) ** 2).sum()
    tau2 = max(0.0, (q - 4) / (w.sum() - (w**2).sum() / w.sum()))
    wr = 1 / (v + tau2)
    assert abs(m.tau2 - tau2) < TOL
    assert abs(m.estimate - (wr * y).sum() / wr.sum()) < TOL
    assert abs(m.q_p - stats.chi2.sf(q, 4)) < TOL
    assert abs(m.studies["weight"].sum() - 1) < TOL and m.k == 5
    assert m.studies["label"].tolist() == META["region"].tolist()
    hk = random_effects_meta(META, method="dl", ci_method="hksj")
    assert abs(hk.se - ref.sd_eff_w_re_hksj) < TOL


def test_meta_matches_published_metafor_numbers() -> None:
    """Kacker (2004) example as fitted by R metafor ``rma()`` (values recorded in statsmodels'
    test suite, statsmodels/stats/tests/results/results_meta.py)."""
    d = pd.DataFrame(
        {
            "estimate": [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9],
            "se": np.sqrt([0.2025, 1.21, 0.09, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]),
        }
    )
    dl = random_effects_meta(d, method="dl", ci_method="z")
    assert dl.estimate == pytest.approx(62.3901386044504, abs=1e-9)
    assert dl.se == pytest.approx(0.245749668040304, abs=1e-9)
    assert dl.ci_low == pytest.approx(61.9084781058787, abs=1e-9)
    assert dl.ci_high == pytest.approx(62.8717991030221, abs=1e-9)
    assert dl.tau2 == pytest.approx(0.288049246973751, abs=1e-9)
    assert dl.q == pytest.approx(24.801897741835, abs=1e-9)
    assert dl.q_p == pytest.approx(0.00167935146372742, abs=1e-12)
    assert 100 * dl.i2 == pytest.approx(67.744403741711, abs=1e-7)
    knha = random_effects_meta(d, method="dl", ci_method="hksj")  # rma(test="knha")
    assert knha.se == pytest.approx(0.29477605699879, abs=1e-9)
    assert knha.ci_low == pytest.approx(61.710383798052, abs=1e-8)
    assert knha.ci_high == pytest.approx(63.0698934108488, abs=1e-8)
    pm = random_effects_meta(d, method="pm", ci_method="z")
    assert pm.tau2 == pytest.approx(0.705395309224248, abs=1e-9)
    assert pm.estimate == pytest.approx(62.4076199113286, abs=1e-9)
    assert pm.se == pytest.approx(0.338030602684471, abs=1e-9)


def test_meta_reml_maximises_restricted_likelihood() -> None:
    m = random_effects_meta(META, method="reml", ci_method="z")
    y, v = META["estimate"].to_numpy(), META["se"].to_numpy() ** 2

    def neg_ll(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = (w * y).sum() / w.sum()
        return 0.5 * (np.log(v + tau2).sum() + np.log(w.sum()) + (w * (y - mu) ** 2).sum())

    best = optimize.minimize_scalar(neg_ll, bounds=(0, 5), method="bounded",
                                    options={"xatol": 1e-12})  # fmt: skip
    assert abs(m.tau2 - best.x) < 1e-6
    pm = random_effects_meta(META, method="pm", ci_method="z")
    ref = combine_effects(
        META["estimate"].to_numpy(), META["se"].to_numpy() ** 2, method_re="iterated", atol=1e-12
    )
    assert abs(pm.estimate - ref.mean_effect_re) < TOL


# ------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------


def test_error_only_one_group() -> None:
    df = cross_section(n=50).assign(t=1)
    with pytest.raises(EstimationError, match="only one group"):
        estimate_effect(df, "y", "t", design="diff")


def test_error_constant_outcome() -> None:
    df = cross_section(n=50).assign(y=3.0)
    with pytest.raises(EstimationError, match="constant"):
        estimate_effect(df, "y", "t", design="ancova", baseline="base")


def test_error_missing_column_is_named() -> None:
    with pytest.raises(ConfigError, match="covariate column 'umur'"):
        estimate_effect(cross_section(n=50), "y", "t", design="ancova", covariates=["umur"])


def test_error_one_cluster() -> None:
    df = cross_section(n=50).assign(cl=7)
    with pytest.raises(EstimationError, match="1 cluster"):
        estimate_effect(df, "y", "t", design="ancova", baseline="base", cluster="cl")


def test_error_unknown_design() -> None:
    with pytest.raises(ConfigError, match="design='rdd'"):
        estimate_effect(cross_section(n=50), "y", "t", design="rdd")  # type: ignore[arg-type]


def test_error_non_binary_treatment() -> None:
    df = cross_section(n=50).assign(t=lambda d: d["t"] * 2)
    with pytest.raises(EstimationError, match="0/1"):
        estimate_effect(df, "y", "t", design="diff")


def test_error_meta_needs_two_studies() -> None:
    with pytest.raises(EstimationError, match="at least 2 studies"):
        random_effects_meta(META.iloc[:1])


# ------------------------------------------------------------------------------------------
# types, missing values, no mutation
# ------------------------------------------------------------------------------------------


def test_int8_columns_do_not_overflow() -> None:
    rng = np.random.default_rng(14)
    n = 200
    t = rng.integers(0, 2, n)
    base = rng.integers(90, 120, n)
    y = np.clip(base + 3 * t + rng.integers(-5, 6, n), -128, 127)
    small = pd.DataFrame({"y": y.astype(np.int8), "t": t.astype(np.int8),
                          "base": base.astype(np.int8)})  # fmt: skip
    assert (small["y"].astype(np.int8) ** 2).min() < 0  # int8 arithmetic would overflow
    big = small.astype("float64")
    for kw in (dict(design="diff"), dict(design="ancova", baseline="base")):
        a = estimate_effect(small, "y", "t", **kw)
        b = estimate_effect(big, "y", "t", **kw)
        assert abs(a.estimate - b.estimate) < TOL and abs(a.se - b.se) < TOL
    p = estimate_effect(small, "y", None, design="paired", baseline="base")
    assert abs(p.estimate - (big["y"] - big["base"]).mean()) < TOL
    bt = balance_table(small, "t", ["base"])
    assert np.isclose(bt["sd_treated"].iloc[0], big.loc[big["t"] == 1, "base"].std())


def test_nullable_and_boolean_columns() -> None:
    df = cross_section(n=120, seed=15)
    ref = estimate_effect(df, "y", "t", design="ancova", baseline="base")
    nullable = df.assign(t=df["t"].astype("boolean"), base=df["base"].astype("Float64"))
    nullable.loc[nullable.index[:3], "base"] = pd.NA
    e = estimate_effect(nullable, "y", "t", design="ancova", baseline="base")
    assert e.n == 117 and any("3 of 120 rows dropped" in n for n in e.notes)
    booled = estimate_effect(df.assign(t=df["t"].astype(bool)), "y", "t", design="ancova",
                             baseline="base")  # fmt: skip
    assert abs(booled.estimate - ref.estimate) < TOL


def test_inputs_are_not_mutated() -> None:
    df = cross_section(n=150, seed=16)
    before = df.copy(deep=True)
    estimate_effect(df, "y", "t", design="ancova", baseline="base", covariates=["grp"])
    estimate_effect(df, "y", "t", design="ipw", covariates=["base", "grp"])
    balance_table(df, "t", ["base", "grp"])
    p = panel(n_units=20)
    p_before = p.copy(deep=True)
    estimate_effect(p, "y", "treat", design="did", unit="unit", time="year")
    event_study(p, "y", unit="unit", time="year", first_treated="first")
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(p, p_before)
    assert df.index.name == "person"


# ------------------------------------------------------------------------------------------
# reporting
# ------------------------------------------------------------------------------------------


def test_summary_text_states_level_and_uses_decimal_comma() -> None:
    df = cross_section(n=300, seed=17)
    e90 = estimate_effect(df, "y", "t", design="ancova", baseline="base", alpha=0.1)
    e95 = estimate_effect(df, "y", "t", design="ancova", baseline="base")
    id90 = e90.summary_text("id", outcome_label="skor kepuasan kerja")
    assert "IK 90%" in id90 and "95%" not in id90
    assert "IK 95%" in e95.summary_text()
    assert "90% CI" in e90.summary_text("en")
    est = f"{abs(e95.estimate):.2f}".replace(".", ",")
    assert f"sebesar {est} poin" in e95.summary_text()
    assert re.search(r"\d,\d\d sampai \d,\d\d", e95.summary_text())
    assert "Pelatihan diperkirakan menaikkan skor kepuasan kerja" in id90
    assert "tidak mencakup nol" in e95.summary_text()
    assert ASSUMPTIONS["ancova"]["id"] in e95.summary_text()
    assert e95.assumption in e95.summary_text("en")


def test_effect_frame_and_repr() -> None:
    e = estimate_effect(cross_section(n=100), "y", "t", design="diff")
    frame = e.to_frame()
    assert frame.shape[0] == 1
    assert "results" not in frame.columns and "details" not in frame.columns
    assert "results" not in repr(e)
    assert dataclasses.is_dataclass(e)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.estimate = 0.0  # type: ignore[misc]
    assert isinstance(e.results.params, pd.Series)


# ------------------------------------------------------------------------------------------
# documentation
# ------------------------------------------------------------------------------------------


EFFECT_MODULES = [
    importlib.import_module(f"helpers.stats.{m}")
    for m in (
        "estimate",
        "effect",
        "regression",
        "doubly_robust",
        "did",
        "prepost",
        "mixed",
        "sensitivity",
        "moderation",
        "weighting",
        "balance",
        "event_studies",
        "power",
        "multiplicity",
        "meta",
    )
]


def _public_callables() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for module in (*EFFECT_MODULES, plots):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                out.append((f"{module.__name__}.{name}", obj))
            elif inspect.isclass(obj):
                for meth_name, meth in vars(obj).items():
                    if (
                        inspect.isfunction(meth)
                        and not meth_name.startswith("_")
                        and meth.__module__ == module.__name__
                        and meth.__qualname__ == f"{name}.{meth_name}"
                    ):
                        out.append((f"{module.__name__}.{name}.{meth_name}", meth))
    return out


@pytest.mark.parametrize(
    "name,func", _public_callables(), ids=[name for name, _ in _public_callables()]
)
def test_every_public_parameter_is_documented(name: str, func: object) -> None:
    doc = inspect.getdoc(func) or ""
    assert "Returns" in doc, f"{name} lacks a Returns section"
    params = [p for p in inspect.signature(func).parameters if p != "self"]  # type: ignore[arg-type]
    if not params:
        return
    section = re.search(r"Parameters\n-+\n(.*?)(\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, flags=re.S)
    assert section, f"{name} lacks a Parameters section"
    for param in params:
        pattern = rf"^(\w+, )*(\*\*)?{re.escape(param)}(, \w+)* :"
        assert re.search(pattern, section.group(1), flags=re.M), (
            f"{name}: parameter {param!r} is not documented"
        )


def test_public_functions_have_examples() -> None:
    for name, func in _public_callables():
        if name.count(".") == 3 or name.startswith("helpers.stats.effect.Effect."):
            assert "Examples" in (inspect.getdoc(func) or ""), f"{name} has no Examples"


def test_effect_is_exported_type() -> None:
    assert isinstance(estimate_effect(cross_section(n=60), "y", "t", design="diff"), Effect)


def test_meta_truncates_negative_dl_tau2_at_zero():
    """statsmodels' combine_effects gives tau^2 = -0.0108 here (Q < k - 1); DL truncates at 0,
    so the pooled estimate equals the fixed-effect (inverse-variance) mean."""
    from helpers.stats.meta import random_effects_meta

    y, s = np.array([0.215777, 0.077735]), np.array([0.184837, 0.080516])
    m = random_effects_meta(pd.DataFrame({"estimate": y, "se": s}), method="dl", ci_method="z")
    w = 1 / s**2
    assert m.tau2 == 0.0
    np.testing.assert_allclose(m.estimate, np.sum(w * y) / np.sum(w), rtol=1e-12)
    np.testing.assert_allclose(m.se, np.sqrt(1 / np.sum(w)), rtol=1e-12)
    assert any("truncated" in n for n in m.notes)
