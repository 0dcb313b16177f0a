"""Random-effects meta-analysis against metafor's printed output on the BCG vaccine trials
(tests/reference/metafor/), and the small-k rules (HKSJ truncation, prediction intervals)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats.meta import random_effects_meta

REF = Path(__file__).parent / "reference" / "metafor"

#: metafor call -> our options
CALLS = {
    'rma(yi, vi, data=dat, method="REML")': {"method": "reml", "ci_method": "z"},
    "predict(rma(yi, vi, data=dat), digits=2)": {
        "method": "reml", "ci_method": "z", "pi_method": "metafor",
    },
    "predict(rma(yi, vi, data=dat), transf=exp)": {
        "method": "reml", "ci_method": "z", "pi_method": "metafor",
    },
    'rma(yi, vi, data=dat, test="knha")': {"method": "reml", "ci_method": "hksj"},
    'predict(rma(yi, vi, data=dat, test="knha"), transf=exp, digits=2)': {
        "method": "reml", "ci_method": "hksj", "pi_method": "metafor",
    },
    'rma(yi, vi, data=dat, method="DL")': {"method": "dl", "ci_method": "z"},
    'predict(rma(yi, vi, data=dat, method="DL"), transf=exp)': {"method": "dl", "ci_method": "z"},
}  # fmt: skip


def bcg() -> pd.DataFrame:
    """Log risk ratios and their variances, as metafor's ``escalc(measure="RR")``."""
    d = pd.read_csv(REF / "dat_bcg.csv")
    a, b, c, e = (d[x].astype(float) for x in ("tpos", "tneg", "cpos", "cneg"))
    d["yi"] = np.log((a / (a + b)) / (c / (c + e)))
    d["vi"] = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + e)
    d["sei"] = np.sqrt(d["vi"])
    return d


def value(m, quantity: str) -> float:
    if quantity.startswith("exp_"):
        return float(np.exp(value(m, quantity[4:])))
    if quantity == "tau":
        return float(np.sqrt(m.tau2))
    if quantity == "i2_percent":
        return 100 * m.i2
    return float(getattr(m, quantity))


def test_escalc_log_risk_ratios_match_metafor() -> None:
    printed = pd.read_csv(REF / "dat_bcg_escalc_printed.csv")
    d = bcg()
    np.testing.assert_allclose(d["yi"], printed["yi"], atol=0.5e-4 + 1e-9)
    np.testing.assert_allclose(d["vi"], printed["vi"], atol=0.5e-4 + 1e-9)


@pytest.mark.parametrize("call", sorted(CALLS))
def test_bcg_matches_every_printed_metafor_number(call: str) -> None:
    ref = pd.read_csv(REF / "bcg_printed.csv")
    rows = ref[ref["call"] == call]
    assert len(rows) >= 3, call
    m = random_effects_meta(bcg(), estimate="yi", se="sei", label="author", **CALLS[call])
    for r in rows.itertuples():
        tol = 0.5 * 10.0 ** (-r.digits) + 1e-9
        assert value(m, r.quantity) == pytest.approx(r.value, abs=tol), (call, r.quantity)


def test_bcg_riley_prediction_interval_uses_t_with_k_minus_2_df() -> None:
    """The default prediction interval (metafor's ``predtype="Riley"``): t on 13 - 2 = 11 df
    around the HKSJ fit, by hand from metafor's printed tau^2 and se."""
    m = random_effects_meta(bcg(), estimate="yi", se="sei")
    assert (m.method, m.ci_method, m.pi_method) == ("reml", "hksj", "riley")
    assert m.pi_df == 11 and m.ci_df == 12
    half = stats.t.ppf(0.975, 11) * np.sqrt(m.tau2 + m.se**2)
    assert m.pi_low == pytest.approx(m.estimate - half, abs=1e-12)
    assert m.pi_high == pytest.approx(m.estimate + half, abs=1e-12)
    # with metafor's rounded tau^2 = 0.3132 and se = 0.1808: -0.7145 +- 2.201 * 0.5883
    assert m.pi_low == pytest.approx(-0.7145 - 2.200985 * np.sqrt(0.3132 + 0.1808**2), abs=2e-4)
    # k - 2 df is wider than metafor's default k - 1
    knha = random_effects_meta(bcg(), estimate="yi", se="sei", pi_method="metafor")
    assert m.pi_low < knha.pi_low and m.pi_high > knha.pi_high


def test_hksj_truncation_rules() -> None:
    """Untruncated HKSJ (metafor's knha) can be narrower than z when studies agree more than
    their SEs predict; the ad hoc variant never is."""
    bcg_knha = random_effects_meta(bcg(), estimate="yi", se="sei", ci_method="hksj")
    bcg_adhoc = random_effects_meta(bcg(), estimate="yi", se="sei", ci_method="hksj_adhoc")
    assert bcg_knha.hksj_factor > 1 and bcg_adhoc.se == bcg_knha.se  # s_w^2 = 1.011
    close = pd.DataFrame({"estimate": [0.30, 0.31, 0.29, 0.30], "se": [0.1, 0.12, 0.11, 0.1]})
    z = random_effects_meta(close, ci_method="z")
    knha = random_effects_meta(close, ci_method="hksj")
    adhoc = random_effects_meta(close, ci_method="hksj_adhoc")
    assert knha.hksj_factor < 1 and knha.se < z.se
    assert adhoc.hksj_factor == 1.0 and adhoc.se == pytest.approx(z.se, rel=1e-12)
    assert adhoc.ci_high - adhoc.ci_low > z.ci_high - z.ci_low  # t_3 > z at equal se


def test_i2_is_tau2_based_and_equals_q_based_under_dl() -> None:
    d = bcg()
    dl = random_effects_meta(d, estimate="yi", se="sei", method="dl")
    assert dl.i2 == pytest.approx((dl.q - dl.q_df) / dl.q, abs=1e-12)
    reml = random_effects_meta(d, estimate="yi", se="sei")
    assert reml.i2 > (reml.q - reml.q_df) / reml.q  # 92.22% against 92.12%
    assert reml.h2 == pytest.approx(1 / (1 - reml.i2), rel=1e-12)


def test_pm_matches_statsmodels_paule_mandel() -> None:
    d = bcg()
    pm = random_effects_meta(d, estimate="yi", se="sei", method="pm", ci_method="z")
    ref = combine_effects(d["yi"].to_numpy(), d["vi"].to_numpy(), method_re="iterated", atol=1e-12)
    assert pm.tau2 == pytest.approx(ref.tau2, abs=1e-9)
    assert pm.estimate == pytest.approx(ref.mean_effect_re, abs=1e-9)
    # generalised Q at the PM tau^2 equals its df
    w = 1 / (d["vi"].to_numpy() + pm.tau2)
    y = d["yi"].to_numpy()
    assert np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2) == pytest.approx(12, abs=1e-6)


def test_prediction_interval_needs_three_studies() -> None:
    two = pd.DataFrame({"estimate": [0.3, 0.5], "se": [0.1, 0.12]})
    m = random_effects_meta(two)
    assert np.isnan(m.pi_low) and np.isnan(m.pi_high) and m.ci_df == 1
    three = pd.DataFrame({"estimate": [0.3, 0.5, 0.2], "se": [0.1, 0.12, 0.1]})
    assert np.isfinite(random_effects_meta(three).pi_low)
    assert np.isfinite(random_effects_meta(two, pi_method="metafor").pi_low)


def test_tau2_zero_gives_pi_equal_to_ci_under_metafor_rule() -> None:
    same = pd.DataFrame({"estimate": [0.30, 0.30, 0.30], "se": [0.1, 0.2, 0.15]})
    m = random_effects_meta(same, ci_method="hksj_adhoc", pi_method="metafor")
    assert m.tau2 == 0 and m.i2 == 0 and m.h2 == 1
    assert (m.pi_low, m.pi_high) == pytest.approx((m.ci_low, m.ci_high), abs=1e-12)


@pytest.mark.slow
def test_hksj_interval_covers_the_true_mean_with_five_studies() -> None:
    """Simulated meta-analyses (k = 5, tau^2 = 0.04, unequal SEs): HKSJ covers the true mean
    close to 95%, the z interval clearly less often (Sidik & Jonkman 2002; IntHout et al.
    2014)."""
    rng = np.random.default_rng(20240917)
    se = np.array([0.05, 0.08, 0.1, 0.15, 0.2])
    hits = {"hksj": 0, "z": 0}
    reps = 1500
    for _ in range(reps):
        y = 0.3 + rng.normal(0, 0.2, 5) + rng.normal(0, se)
        d = pd.DataFrame({"estimate": y, "se": se})
        for ci in hits:
            m = random_effects_meta(d, ci_method=ci)  # type: ignore[arg-type]
            hits[ci] += m.ci_low <= 0.3 <= m.ci_high
    assert 0.92 <= hits["hksj"] / reps <= 0.975
    assert hits["z"] / reps < hits["hksj"] / reps - 0.03


def test_unknown_options_are_named() -> None:
    d = pd.DataFrame({"estimate": [0.3, 0.5, 0.2], "se": [0.1, 0.12, 0.1]})
    with pytest.raises(ConfigError, match="pi_method='k-2'"):
        random_effects_meta(d, pi_method="k-2")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="ci_method='knha'"):
        random_effects_meta(d, ci_method="knha")  # type: ignore[arg-type]
    with pytest.raises(EstimationError, match="positive"):
        random_effects_meta(d.assign(se=[0.1, 0.0, 0.1]))
