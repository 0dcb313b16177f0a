"""Person-level estimates an evaluator can defend (issue 15): the design functions behind
estimate_effect, AIPW, sensitivity to hidden bias, MDEs from each design's own SE, IPW trimming
that keeps the estimand, moderators, and the caveat of uncontrolled pre/post gains.

Published reference numbers are in tests/reference/effects/README.md."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.treatment.treatment_effects import TreatmentEffect

from helpers.core.checks import check_option
from helpers.core.errors import ConfigError
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.doubly_robust import estimate_aipw
from helpers.stats.estimate import DESIGNS, estimate_effect
from helpers.stats.literals import Design
from helpers.stats.moderation import adjust_moderation, moderated_effects
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.power import mde_from_se
from helpers.stats.prepost import UNCONTROLLED_NOTE
from helpers.stats.sensitivity import evalue_smd, partial_r2, robustness_value, sensitivity

REFERENCE = Path(__file__).parent / "reference" / "effects"
TOL = 1e-8

#: The columns Effect.to_frame had before issue 15 (the region step writes them).
OLD_COLUMNS = [
    "estimate", "se", "ci_low", "ci_high", "p_value", "n", "n_treated", "n_control", "design",
    "outcome", "treatment", "se_type", "effect_size", "effect_size_type", "assumption",
    "se_note", "notes", "alpha", "df",
]  # fmt: skip


def cross_section(n: int = 600, seed: int = 1, effect: float = 0.5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x2 = rng.normal(size=n)
    base = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(0.9 * base + 0.6 * x2 - 0.2)))
    t = (rng.random(n) < p).astype(int)
    y = effect * t + 1.0 * base + 0.7 * x2 + rng.normal(size=n)
    return pd.DataFrame(
        {
            "y": y,
            "t": t,
            "base": base,
            "x2": x2,
            "cl": rng.integers(0, 30, n),
            "g": rng.choice(["a", "b", "c"], n),
        }  # fmt: skip
    )


def panel(seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(30):
        first = 2019 + u % 3 if u < 20 else np.nan
        a = rng.normal()
        for yr in range(2016, 2023):
            d = int(not np.isnan(first) and yr >= first)
            rows.append((u, yr, d, a + 0.2 * (yr - 2016) + d + rng.normal(), u // 3))
    return pd.DataFrame(rows, columns=["unit", "year", "treat", "y", "dinas"])


def cattaneo() -> pd.DataFrame:
    d = pd.read_csv(REFERENCE / "cattaneo2.csv")
    d["mage2"] = d["mage"] ** 2
    return d


PS = ["mmarried_", "mage", "mage2", "fbaby_", "medu"]
OUTCOME = ["prenatal1_", "mmarried_", "mage", "fbaby_"]


# ------------------------------------------------------------------------------------------
# the front door
# ------------------------------------------------------------------------------------------


def test_every_design_has_one_function_and_the_literal_lists_them():
    from typing import get_args

    assert set(DESIGNS) == set(get_args(Design))
    assert {"aipw", "twfe"} <= set(DESIGNS)
    assert DESIGNS["did"] is DESIGNS["twfe"]


def test_front_door_names_the_design_and_its_options():
    df = cross_section()
    with pytest.raises(ConfigError, match=r"design='diff' does not take unit; its options are: "
                       r"weights, cluster, se, alpha"):  # fmt: skip
        estimate_effect(df, "y", "t", design="diff", unit="cl")
    with pytest.raises(ConfigError, match="design='ipw' does not take weights"):
        estimate_effect(df, "y", "t", design="ipw", covariates=["base"], weights="w")
    with pytest.raises(ConfigError, match="design='twfe' needs unit"):
        estimate_effect(df, "y", "t", design="twfe", time="cl")
    # an option given as None counts as not given (as before the split)
    e = estimate_effect(df, "y", "t", design="diff", cluster=None, weights=None)
    assert e.se_type == "HC2"


def test_front_door_equals_the_design_functions():
    df = cross_section()
    for design, kw in {
        "diff": {},
        "ancova": {"baseline": "base", "covariates": ["x2"]},
        "ipw": {"covariates": ["base", "x2"]},
        "aipw": {"covariates": ["base", "x2"]},
        "mixed": {"cluster": "cl", "baseline": "base"},
    }.items():
        a = estimate_effect(df, "y", "t", design=design, **kw)
        b = DESIGNS[design](df, "y", "t", **kw)
        assert a == b and a.design == design
        assert math.isfinite(a.mde) and a.mde > 0 and a.controlled
        assert a.sensitivity is not None
        assert set(OLD_COLUMNS) <= set(a.to_frame().columns)


def test_did_is_twfe_for_now_and_keeps_its_name():
    p = panel()
    did = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year", cluster="dinas")
    twfe = estimate_effect(p, "y", "treat", design="twfe", unit="unit", time="year",
                           cluster="dinas")  # fmt: skip
    assert did.design == "did" and twfe.design == "twfe"
    assert did.estimate == twfe.estimate and did.se == twfe.se
    assert did.assumption == ASSUMPTIONS["did"]["en"]
    assert twfe.assumption == ASSUMPTIONS["twfe"]["en"]
    assert "unit-periode" in did.summary_text() and "unit-periode" in twfe.summary_text()
    assert did.sensitivity is None and did.df == 10 - 1


def test_one_option_checker_raises_config_error_or_type_error():
    from typing import Literal

    with pytest.raises(ConfigError, match=r"expected one of \['a', 'b'\]"):
        check_option("x", "c", Literal["a", "b"])
    with pytest.raises(TypeError, match="x must be one of"):
        check_option("x", 3, Literal["a", "b"])
    assert issubclass(ConfigError, ValueError)
    from helpers.stats import _common, _ratings

    assert _common._check_option is check_option is _ratings._check_option


# ------------------------------------------------------------------------------------------
# sensitivity: sensemakr's Darfur example, EValue's examples
# ------------------------------------------------------------------------------------------


def test_robustness_value_matches_sensemakr_darfur():
    t = 0.09731582 / 0.02325654
    assert partial_r2(t, 783) == pytest.approx(0.02187309, abs=1e-7)
    assert robustness_value(t, 783) == pytest.approx(0.1387764, abs=1e-6)
    assert robustness_value(t, 783, alpha=0.05) == pytest.approx(0.07625797, abs=1e-6)
    s = sensitivity(0.09731582, 0.02325654, 783, sd=1.0)
    assert (round(100 * s.rv_q), round(100 * s.rv_qa), round(100 * s.partial_r2, 1)) == (14, 8, 2.2)
    assert s.text("id").startswith(
        "Faktor perancu yang tidak terukur harus menjelaskan sedikitnya 14% variasi sisa baik "
        "pada keikutsertaan maupun pada hasil untuk menghapus efek ini"
    )
    assert "at least 14% of the residual variance" in s.text("en")


def test_robustness_value_brings_the_adjusted_estimate_to_zero():
    """Cinelli & Hazlett's bias with R2_{Y~Z|D,X} = R2_{D~Z|X} = RV is the whole estimate:
    |bias| = se sqrt(df) sqrt(RV^2 / (1 - RV))."""
    for t, dof in ((4.18, 783), (2.5, 60), (12.0, 300)):
        rv = robustness_value(t, dof)
        bias = math.sqrt(dof) * math.sqrt(rv * rv / (1 - rv))  # in SE units
        assert bias == pytest.approx(abs(t), rel=1e-10)


def test_evalue_matches_the_evalue_package():
    point, lower = evalue_smd(0.5, 0.25)
    assert (round(point, 6), round(lower, 6)) == (2.529142, 1.110803)
    assert evalue_smd(-0.5, 0.25) == pytest.approx((point, lower))  # preventive: symmetric
    assert evalue_smd(0.1, 0.25)[1] == 1.0  # the interval includes the null
    # EValue's test "SMD, causative": shifting to true = 0.1
    d, se, true = 0.5, 0.2, 0.1
    rr, rr_true = math.exp(0.91 * d), math.exp(0.91 * true)
    e = (rr + math.sqrt(rr * (rr - rr_true))) / rr_true
    lo = math.exp(0.91 * d - 1.78 * se)
    e_lo = (lo + math.sqrt(lo * (lo - rr_true))) / rr_true
    assert evalue_smd(d, se, true=true) == pytest.approx((e, e_lo), rel=1e-12)


def test_effect_sensitivity_reads_the_design_t_and_residual_df():
    df = cross_section()
    e = estimate_effect(df, "y", "t", design="ancova", baseline="base", covariates=["x2"],
                        se="classical")  # fmt: skip
    ref = smf.ols("y ~ t + base + x2", df).fit()
    s = e.sensitivity
    assert s.dof == ref.df_resid and s.t_statistic == pytest.approx(ref.tvalues["t"], rel=1e-10)
    assert s.rv_q == pytest.approx(robustness_value(ref.tvalues["t"], ref.df_resid), rel=1e-10)
    sd = math.sqrt(
        ((df.t == 1).sum() - 1) * df.y[df.t == 1].var() + ((df.t == 0).sum() - 1)
        * df.y[df.t == 0].var()
    ) / math.sqrt(len(df) - 2)  # fmt: skip
    assert s.smd == pytest.approx(e.estimate / sd, rel=1e-10)
    row = e.to_frame().iloc[0]
    assert row["rv_q"] == s.rv_q and row["evalue"] == s.evalue
    assert row["sensitivity_id"] in e.summary_text("id")
    paired = estimate_effect(df, "y", None, design="paired", baseline="base")
    assert paired.sensitivity is None and np.isnan(paired.to_frame()["rv_q"].iloc[0])


# ------------------------------------------------------------------------------------------
# AIPW and IPW against Stata's teffects (cattaneo2, as stored by statsmodels)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimand,estimate,se,pom0",
    [
        ("ATE", -230.68863779526, 25.815243801554, 3403.4627086846),
        ("ATT", -225.17726054799, 23.664582726945, None),
    ],
)
def test_ipw_matches_stata_teffects(estimand, estimate, se, pom0):
    d = cattaneo()
    e = estimate_effect(d, "bweight", "mbsmoke_", design="ipw", covariates=PS,
                        ps_model="probit", estimand=estimand, se="sandwich")  # fmt: skip
    assert e.estimate == pytest.approx(estimate, rel=1e-8)
    assert e.se == pytest.approx(se, rel=1e-6)
    assert e.se_type == "M-estimation" and math.isinf(e.df) and e.estimand == estimand
    z = stats.norm.ppf(0.975)
    assert e.ci_low == pytest.approx(estimate - z * se, rel=1e-6)
    if pom0 is not None:
        assert e.details["mu_control"] == pytest.approx(pom0, rel=1e-8)


def test_aipw_ate_matches_stata_teffects_and_statsmodels():
    d = cattaneo()
    e = estimate_aipw(d, "bweight", "mbsmoke_", covariates=OUTCOME, ps_covariates=PS,
                      ps_model="probit", estimand="ATE")  # fmt: skip
    assert e.estimate == pytest.approx(-230.98920111258, rel=1e-8)
    assert e.se == pytest.approx(26.210564625435, rel=1e-6)
    assert e.details["mu_control"] == pytest.approx(3403.3552531738, rel=1e-8)
    probit = smf.probit("mbsmoke_ ~ mmarried_ + mage + mage2 + fbaby_ + medu", d).fit(disp=0)
    teff = TreatmentEffect(
        OLS.from_formula("bweight ~ prenatal1_ + mmarried_ + mage + fbaby_", d),
        d["mbsmoke_"].to_numpy(),
        results_select=probit,
    )
    assert e.estimate == pytest.approx(teff.aipw(return_results=False)[0], rel=1e-8)


def test_aipw_att_is_the_doubly_robust_formula():
    """ATT = mean_T(Y - m0) - sum (1-T) w (Y - m0) / sum (1-T) w, m0 OLS on the untreated."""
    d = cattaneo()
    e = estimate_aipw(d, "bweight", "mbsmoke_", covariates=OUTCOME, ps_covariates=PS,
                      ps_model="probit")  # fmt: skip
    p = smf.probit("mbsmoke_ ~ mmarried_ + mage + mage2 + fbaby_ + medu", d).fit(disp=0).predict()
    m0 = smf.ols("bweight ~ prenatal1_ + mmarried_ + mage + fbaby_", d[d.mbsmoke_ == 0]).fit()
    r = d["bweight"] - m0.predict(d)
    t = d["mbsmoke_"]
    w = (1 - t) * p / (1 - p)
    assert e.estimate == pytest.approx(r[t == 1].mean() - (w * r).sum() / w.sum(), rel=1e-10)
    assert e.estimand == "ATT" and e.n_trimmed_treated == 0
    # between IPW's and RA's ATT, as a doubly robust estimate should be here
    assert -240 < e.estimate < -215


def test_clustered_sandwich_with_singleton_clusters_is_the_robust_one_times_g_over_g_minus_1():
    df = cross_section(n=300).assign(id=np.arange(300))
    for design, kw in (("ipw", {"se": "sandwich"}), ("aipw", {})):
        a = estimate_effect(df, "y", "t", design=design, covariates=["base", "x2"], **kw)
        b = estimate_effect(df, "y", "t", design=design, covariates=["base", "x2"], cluster="id",
                            **kw)  # fmt: skip
        assert b.se == pytest.approx(a.se * math.sqrt(300 / 299), rel=1e-8)
        assert b.df == 299 and "G/(G-1)" in b.se_note


def _dr_data(n: int, seed: int) -> tuple[pd.DataFrame, float, float]:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    p = 1 / (1 + np.exp(-(-0.3 + 0.6 * x1 + 0.9 * x2)))
    t = (rng.random(n) < p).astype(int)
    tau = 1.0 + 0.5 * x1 + 0.5 * x2  # heterogeneous: ATT != ATE
    y0 = 2.0 * x1 + 1.5 * x2 + rng.normal(size=n)
    y = y0 + t * tau
    df = pd.DataFrame({"y": y, "t": t, "x1": x1, "x2": x2})
    return df, float(tau[t == 1].mean()), float(tau.mean())


def test_aipw_is_doubly_robust():
    """Right outcome model + wrong propensity model, and the reverse, both recover the truth;
    with both wrong (x2 left out of both) the estimate is biased."""
    df, att, ate = _dr_data(40_000, 21)
    right, wrong = ["x1", "x2"], ["x1"]
    for estimand, truth in (("ATT", att), ("ATE", ate)):
        for out, ps in ((right, wrong), (wrong, right), (right, right)):
            e = estimate_aipw(df, "y", "t", covariates=out, ps_covariates=ps, estimand=estimand)
            assert abs(e.estimate - truth) < 4 * e.se, (estimand, out, ps, e.estimate, truth)
        both_wrong = estimate_aipw(df, "y", "t", covariates=wrong, ps_covariates=wrong,
                                   estimand=estimand)  # fmt: skip
        assert abs(both_wrong.estimate - truth) > 10 * both_wrong.se


@pytest.mark.slow
def test_aipw_and_ipw_standard_errors_match_their_sampling_spread():
    """Over 300 samples the M-estimation SE is close to the SD of the estimates and the 95%
    intervals cover the sample ATT about 95% of the time."""
    est, ses, cover = {"ipw": [], "aipw": []}, {"ipw": [], "aipw": []}, {"ipw": 0, "aipw": 0}
    reps = 300
    for seed in range(reps):
        df, att, _ = _dr_data(800, 1000 + seed)
        for design in ("ipw", "aipw"):
            kw = {"se": "sandwich"} if design == "ipw" else {}
            e = estimate_effect(df, "y", "t", design=design, covariates=["x1", "x2"], **kw)
            est[design].append(e.estimate - att)
            ses[design].append(e.se)
            cover[design] += e.ci_low <= att <= e.ci_high
    for design in ("ipw", "aipw"):
        ratio = np.mean(ses[design]) / np.std(est[design], ddof=1)
        assert 0.85 < ratio < 1.15, (design, ratio)
        assert 0.91 <= cover[design] / reps <= 0.985, (design, cover[design])


# ------------------------------------------------------------------------------------------
# IPW trimming keeps the estimand
# ------------------------------------------------------------------------------------------


def test_ipw_att_never_drops_a_treated_person():
    df = cross_section(n=800, seed=5)
    df.loc[df.index[:40], "base"] += 4  # a tail of people almost certain to take part
    for trim in (None, 0.01, 0.05, 0.2):
        e = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"], trim=trim)
        assert e.n_treated == int(df["t"].sum()) and e.n_trimmed_treated == 0
    e = estimate_effect(df, "y", "t", design="ipw", covariates=["base", "x2"], trim=0.05)
    frame = e.to_frame()
    assert {"n_trimmed_treated", "n_trimmed_control", "estimand"} <= set(frame.columns)
    if e.n_trimmed_control:
        assert "dikeluarkan" in e.summary_text("id") and "left out" in e.summary_text("en")


# ------------------------------------------------------------------------------------------
# minimum detectable effects from each design's own SE and df
# ------------------------------------------------------------------------------------------


def test_mde_of_a_classical_diff_is_ttestindpower_mde():
    rng = np.random.default_rng(3)
    n1, n0 = 40, 60
    df = pd.DataFrame({"t": [1] * n1 + [0] * n0, "y": rng.normal(size=n1 + n0)})
    e = estimate_effect(df, "y", "t", design="diff", se="classical")
    sd = e.se / math.sqrt(1 / n1 + 1 / n0)  # the pooled SD behind the classical SE
    d = TTestIndPower().solve_power(nobs1=n1, ratio=n0 / n1, alpha=0.05, power=0.8)
    assert e.mde == pytest.approx(d * sd, rel=5e-3)
    assert e.mde == pytest.approx(mde_from_se(e.se, n1 + n0 - 2), rel=1e-12)
    assert "80% power" in e.mde_note and "Bloom 1995" in e.mde_note


def test_mde_of_paired_is_ttestpower_mde():
    rng = np.random.default_rng(4)
    pre = rng.normal(size=25)
    df = pd.DataFrame({"pre": pre, "post": pre + 0.3 + rng.normal(scale=0.8, size=25)})
    e = estimate_effect(df, "post", None, design="paired", baseline="pre")
    sd_change = (df["post"] - df["pre"]).std()
    dz = TTestPower().solve_power(nobs=25, alpha=0.05, power=0.8)
    assert e.mde == pytest.approx(dz * sd_change, rel=5e-3)


def test_mde_of_a_clustered_design_carries_the_design_effect():
    """Bloom: MDE = M sqrt(DE) sigma sqrt(1/n1 + 1/n0), DE = 1 + (m-1) ICC, M from t(G-1).
    The CR1 SE reproduces it on average over simulated cluster-randomised samples."""
    g, m, icc = 80, 10, 0.2
    de = 1 + (m - 1) * icc
    mult = stats.t.ppf(0.975, g - 1) + stats.t.ppf(0.8, g - 1)
    bloom = mult * math.sqrt(de) * math.sqrt(1 / (g * m / 2) + 1 / (g * m / 2))
    rng = np.random.default_rng(8)
    cl = np.repeat(np.arange(g), m)
    mdes, naive = [], []
    for _ in range(300):
        y = rng.normal(scale=math.sqrt(icc), size=g)[cl] + rng.normal(
            scale=math.sqrt(1 - icc), size=g * m
        )
        df = pd.DataFrame({"y": y, "t": (cl % 2).astype(int), "cl": cl})
        e = estimate_effect(df, "y", "t", design="diff", cluster="cl")
        mdes.append(e.mde**2)
        naive.append(estimate_effect(df, "y", "t", design="diff").mde ** 2)
    assert math.sqrt(np.mean(mdes)) == pytest.approx(bloom, rel=0.05)
    # the two-group formula without the design effect is far too small
    assert math.sqrt(np.mean(naive)) < bloom / math.sqrt(de) * 1.05


def test_every_design_reports_its_mde_from_its_own_df():
    p = panel()
    did = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year")
    assert did.mde == pytest.approx(
        (stats.t.ppf(0.975, 29) + stats.t.ppf(0.8, 29)) * did.se, rel=1e-12
    )
    df = cross_section()
    mixed = estimate_effect(df, "y", "t", design="mixed", cluster="cl", baseline="base")
    assert mixed.mde == pytest.approx(
        (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * mixed.se, rel=1e-12
    )
    assert mixed.mde_at(power=0.9) > mixed.mde


# ------------------------------------------------------------------------------------------
# paired gains are not programme effects; CR1 notes state K
# ------------------------------------------------------------------------------------------


def test_paired_says_the_gain_includes_retest_and_maturation():
    rng = np.random.default_rng(6)
    pre = rng.normal(60, 10, 30)
    df = pd.DataFrame({"pre": pre, "post": pre + 4 + rng.normal(0, 5, 30)})
    e = estimate_effect(df, "post", None, design="paired", baseline="pre")
    assert e.controlled is False and e.to_frame()["controlled"].iloc[0] == False  # noqa: E712
    assert UNCONTROLLED_NOTE in e.notes
    assert "retest" in e.assumption and "maturation" in e.assumption
    assert "belum dapat disebut efek program" in e.summary_text("id")
    assert "not a programme effect" in e.summary_text("en")
    assert "mengerjakan tes yang sama" in ASSUMPTIONS["paired"]["id"]


def test_cr1_notes_state_the_k_they_count():
    df = cross_section()
    e = estimate_effect(df, "y", "t", design="ancova", baseline="base",
                        covariates=["x2", "g"], cluster="cl")  # fmt: skip
    k = e.results.model.exog.shape[1]
    assert k == 6
    assert f"K = {k} (the intercept, the treatment, the baseline and 3 covariate columns" in (
        e.se_note
    )
    p = panel()
    d = estimate_effect(p, "y", "treat", design="did", unit="unit", time="year")
    assert f"K = {d.details['k']} (K counts the 1 regressor column(s) and 6 period dummies" in (
        d.se_note
    )
    assert "fixest" not in d.se_note


# ------------------------------------------------------------------------------------------
# moderators
# ------------------------------------------------------------------------------------------


def test_moderated_effects_by_group_match_the_interacted_regression():
    df = cross_section(n=900, seed=9)
    df["y"] = df["y"] + 0.8 * df["t"] * (df["g"] == "b")
    m = moderated_effects(df, "y", "t", "g", baseline="base", covariates=["x2"])
    ref = smf.ols("y ~ t * C(g) + base + x2", df).fit(cov_type="HC2")
    b, V = ref.params, ref.cov_params()
    eff = m.effects.set_index("level")
    assert eff.loc["a", "estimate"] == pytest.approx(b["t"], rel=1e-10)
    est_b = b["t"] + b["t:C(g)[T.b]"]
    se_b = math.sqrt(V.loc["t", "t"] + V.loc["t:C(g)[T.b]", "t:C(g)[T.b]"]
                     + 2 * V.loc["t", "t:C(g)[T.b]"])  # fmt: skip
    assert eff.loc["b", "estimate"] == pytest.approx(est_b, rel=1e-10)
    assert eff.loc["b", "se"] == pytest.approx(se_b, rel=1e-8)
    wald = ref.wald_test("t:C(g)[T.b] = 0, t:C(g)[T.c] = 0", use_f=True, scalar=True)
    assert m.interaction_stat == pytest.approx(float(wald.statistic), rel=1e-8)
    assert m.interaction_p == pytest.approx(float(wald.pvalue), rel=1e-6)
    assert m.interaction_df == (2.0, ref.df_resid) and m.interaction_p < 0.01
    assert any("before treatment" in n for n in m.notes)
    assert eff["n_treated"].sum() == df["t"].sum()


def test_moderated_effects_continuous_and_bh_across_moderators():
    df = cross_section(n=900, seed=10)
    m = moderated_effects(df, "y", "t", "x2", baseline="base", se="classical")
    c = df.assign(x2c=df["x2"] - df["x2"].mean())
    ref = smf.ols("y ~ t * x2c + base", c).fit()
    eff = m.effects.set_index("level")
    assert eff.loc["per unit", "estimate"] == pytest.approx(ref.params["t:x2c"], rel=1e-10)
    assert eff.loc["at mean", "estimate"] == pytest.approx(ref.params["t"], rel=1e-10)
    assert m.interaction_p == pytest.approx(ref.pvalues["t:x2c"], rel=1e-8)
    g = moderated_effects(df, "y", "t", "g", baseline="base")
    table = adjust_moderation([m, g])
    np.testing.assert_allclose(table["p_adj"], adjust_pvalues([m.interaction_p, g.interaction_p]))
    with pytest.raises(ConfigError, match="moderator 'base'"):
        moderated_effects(df, "y", "t", "base", baseline="base")
