"""The wild cluster bootstrap (helpers.stats.wild_bootstrap): p-values equal a hand-coded
enumeration of every sign pattern, fwildclusterboot's published bootstrap t statistics are
reproduced, the interval inverts the test, and bad input is refused."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats.estimate import estimate_effect
from helpers.stats.wild_bootstrap import (
    BOOTSTRAP_BELOW_CLUSTERS,
    needs_wild_bootstrap,
    wild_bootstrap_fit,
    wild_cluster_bootstrap,
)

REFERENCE = Path(__file__).parent / "reference" / "wild_bootstrap"


# --------------------------------------------------------------------------------------------
# an independent implementation: restricted OLS, every Rademacher pattern, CR1 t statistics
# --------------------------------------------------------------------------------------------


def _cr1_t(X, XtX_inv, y, groups, g, j, null, ssc):
    b = XtX_inv @ (X.T @ y)
    u = y - X @ b
    sums = np.zeros((g, X.shape[1]))
    np.add.at(sums, groups, X * u[:, None])
    V = ssc * XtX_inv @ (sums.T @ sums) @ XtX_inv
    return (b[j] - null) / np.sqrt(V[j, j])


def hand_wcr(X, y, groups, j, null=0.0, small_sample=True):
    """WCR11 by brute force: (p, t, all 2^G bootstrap t's)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    groups = pd.factorize(np.asarray(groups), sort=True)[0]
    n, k = X.shape
    g = groups.max() + 1
    ssc = g / (g - 1) * (n - 1) / (n - k) if small_sample else 1.0
    XtX_inv = np.linalg.inv(X.T @ X)
    t = _cr1_t(X, XtX_inv, y, groups, g, j, null, ssc)
    Xr = np.delete(X, j, axis=1)
    yr = y - null * X[:, j]
    gamma = np.linalg.lstsq(Xr, yr, rcond=None)[0]
    fit = Xr @ gamma + null * X[:, j]
    resid = y - fit
    tb = np.array(
        [
            _cr1_t(X, XtX_inv, fit + np.asarray(s)[groups] * resid, groups, g, j, null, ssc)
            for s in itertools.product([-1.0, 1.0], repeat=g)
        ]
    )
    return float(np.mean(np.abs(tb) > abs(t))), float(t), tb


def _clustered_data(g: int, seed: int, effect: float = 0.4):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(5, 40, size=g)  # unequal clusters, where the bootstrap matters most
    groups = np.repeat(np.arange(g), sizes)
    d = (rng.random(g) < 0.5).astype(float)[groups]
    x = rng.normal(size=groups.size)
    y = effect * d + 0.5 * x + rng.normal(size=g)[groups] + rng.normal(size=groups.size)
    X = pd.DataFrame({"Intercept": 1.0, "d": d, "x": x})
    return X, y, groups


# --------------------------------------------------------------------------------------------
# p-values against the hand-coded enumeration
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("g", "seed"), [(6, 1), (9, 2), (12, 3), (12, 4)])
def test_p_value_equals_hand_coded_enumeration(g, seed):
    X, y, groups = _clustered_data(g, seed)
    got = wild_cluster_bootstrap(X, y, groups, "d", ci=False)
    p, t, _ = hand_wcr(X, y, groups, 1)
    assert got.enumerated and got.draws == 2**g
    assert got.t_stat == pytest.approx(t, rel=1e-9)
    # the identity pattern and its mirror give |t*| = |t| exactly; rounding decides a tie
    assert abs(got.p_value - p) <= 2 / 2**g + 1e-12


@pytest.mark.parametrize("null", [-0.5, 0.3, 1.1])
def test_p_value_of_a_nonzero_null_equals_hand_coded(null):
    X, y, groups = _clustered_data(10, 7)
    got = wild_cluster_bootstrap(X, y, groups, "d", null=null, ci=False)
    p, t, _ = hand_wcr(X, y, groups, 1, null=null)
    assert got.t_stat == pytest.approx(t, rel=1e-9)
    assert abs(got.p_value - p) <= 2 / 2**10 + 1e-12


def test_twfe_within_transformed_equals_the_model_with_unit_dummies():
    """The bootstrap of an Effect's TWFE fit (unit effects absorbed) equals the bootstrap of
    the full model with unit and period dummies (Frisch-Waugh-Lovell)."""
    rng = np.random.default_rng(11)
    units, periods = 12, 10
    panel = pd.DataFrame([(u, t) for u in range(units) for t in range(periods)], columns=["u", "t"])
    start = {u: [3, 3, 5, 5, 7, 7, 9, 9, None, None, None, None][u] for u in range(units)}
    panel["d"] = [
        int(start[u] is not None and t >= start[u]) for u, t in zip(panel.u, panel.t, strict=True)
    ]
    panel["y"] = (
        rng.normal(size=units)[panel.u]
        + 0.2 * panel.t
        - 1.5 * panel.d
        + rng.normal(size=len(panel))
    )
    effect = estimate_effect(panel, "y", "d", design="did", unit="u", time="t", cluster="u")
    got = wild_bootstrap_fit(effect.results, "d", ci=False)
    full = pd.concat(
        [
            pd.DataFrame({"Intercept": 1.0, "d": panel.d.astype(float)}),
            pd.get_dummies(panel.t, prefix="t", drop_first=True, dtype=float),
            pd.get_dummies(panel.u, prefix="u", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    p, t, _ = hand_wcr(full, panel.y, panel.u, 1)
    assert got.estimate == pytest.approx(effect.estimate, rel=1e-10)
    assert got.n_clusters == 12 and got.enumerated
    assert abs(got.p_value - p) <= 2 / 2**12 + 1e-12
    # the t statistics differ only by the CR1 factor's K (unit dummies counted or not)
    k_within = effect.results.model.exog.shape[1]
    scale = np.sqrt((len(panel) - k_within) / (len(panel) - full.shape[1]))
    assert got.t_stat == pytest.approx(t * scale, rel=1e-8)


def test_ancova_with_a_cluster():
    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(11), 12)
    df = pd.DataFrame({"dinas": g, "t": (rng.random(11) < 0.5).astype(int)[g]})
    df["pre"] = rng.normal(size=len(df))
    df["post"] = 0.6 * df["pre"] + 0.5 * df["t"] + rng.normal(size=11)[g] + rng.normal(size=len(df))
    effect = estimate_effect(df, "post", "t", design="ancova", baseline="pre", cluster="dinas")
    got = wild_bootstrap_fit(effect.results, "t", ci=False)
    X = pd.DataFrame(effect.results.model.exog, columns=effect.results.model.exog_names)
    p, t, _ = hand_wcr(X, df["post"], g, list(X.columns).index("t"))
    assert got.t_stat == pytest.approx(t, rel=1e-9)
    assert abs(got.p_value - p) <= 2 / 2**11 + 1e-12


# --------------------------------------------------------------------------------------------
# published numbers: fwildclusterboot's bootstrap t statistics (see reference/wild_bootstrap)
# --------------------------------------------------------------------------------------------


def _wildboottest_test_data():
    # numpy's legacy generator: the stream the reference data were made with
    np.random.seed(12312)  # noqa: NPY002
    n, k, g = 10000, 3, 5
    X = np.random.normal(0, 1, n * k).reshape((n, k))  # noqa: NPY002
    X[:, 0] = 1
    beta = np.random.normal(0, 1, k)  # noqa: NPY002
    beta[1] = 0.005
    u = np.random.normal(0, 1, n)  # noqa: NPY002
    y = X @ beta + u
    cluster = np.random.choice(list(range(g)), n)  # noqa: NPY002
    return pd.DataFrame(X, columns=["intercept", "X1", "X2"]), y, cluster


def test_fwildclusterboot_bootstrap_t_statistics_are_reproduced():
    X, y, cluster = _wildboottest_test_data()
    assert X.loc[0, "X1"] == pytest.approx(-0.4037156320778326, abs=1e-15)
    assert y[0] == pytest.approx(1.7683429463247458, abs=1e-14)
    assert cluster[:3].tolist() == [0, 1, 4]
    ref = pd.read_csv(REFERENCE / "fwildclusterboot_wcr11_g5.csv")["t_boot"].to_numpy()
    assert ref.size == 32
    p_hand, t_hand, tb_hand = hand_wcr(X, y, cluster, 1, small_sample=False)
    assert np.sort(tb_hand) == pytest.approx(np.sort(ref), abs=1e-10)
    got = wild_cluster_bootstrap(X, y, cluster, "X1", ci=False)
    assert got.enumerated and got.draws == 32
    # ours carry CR1's factor; R's none: one constant between the two t statistics
    n, k = X.shape
    scale = np.sqrt(5 / 4 * (n - 1) / (n - k))
    assert got.t_stat * scale == pytest.approx(t_hand, rel=1e-10)
    p_ref = float(np.mean(np.abs(ref) > abs(t_hand)))
    assert got.p_value == pytest.approx(p_ref, abs=1e-12)
    assert got.p_value == pytest.approx(0.25)


# --------------------------------------------------------------------------------------------
# the interval, the seed, the weights
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_interval():
    X, y, groups = _clustered_data(12, 21, effect=1.0)
    return X, y, groups, wild_cluster_bootstrap(X, y, groups, "d", alpha=0.1)


def test_interval_inverts_the_test(with_interval):
    X, y, groups, got = with_interval
    assert got.ci_low < got.estimate < got.ci_high
    step = 0.01 * got.se
    for end, out in ((got.ci_low, -step), (got.ci_high, step)):
        inside = wild_cluster_bootstrap(X, y, groups, "d", null=end - out, ci=False).p_value
        outside = wild_cluster_bootstrap(X, y, groups, "d", null=end + out, ci=False).p_value
        assert inside >= 0.1 > outside
    # close to the CR1 t(G-1) interval, as it should be with this much data
    cr1 = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    lo, hi = cr1.conf_int(alpha=0.1).loc["d"]
    assert abs(got.ci_low - lo) < 0.5 * got.se and abs(got.ci_high - hi) < 0.5 * got.se


def test_summary_text_states_method_clusters_and_draws(with_interval):
    got = with_interval[3]
    en, id_ = got.summary_text("en"), got.summary_text("id")
    assert "all 4,096 sign patterns of 12 clusters" in en and "90% CI by test inversion" in en
    assert "semua 4.096 pola tanda dari 12 klaster" in id_ and "IK 90% dari inversi uji" in id_
    assert "WCR11" in got.method and "test inversion" in got.method


def test_enumerated_p_value_does_not_depend_on_the_seed():
    X, y, groups = _clustered_data(10, 3)
    ps = {wild_cluster_bootstrap(X, y, groups, "d", seed=s, ci=False).p_value for s in (0, 1, 99)}
    assert len(ps) == 1


def test_random_draws_are_seeded_and_stated():
    X, y, groups = _clustered_data(14, 8)  # 2^14 = 16384 > 9999: Rademacher drawn at random
    a = wild_cluster_bootstrap(X, y, groups, "d", seed=4, ci=False)
    b = wild_cluster_bootstrap(X, y, groups, "d", seed=4, ci=False)
    assert not a.enumerated and a.draws == 9999 and a.p_value == b.p_value
    p_exact, _, _ = hand_wcr(X, y, groups, 1)
    assert abs(a.p_value - p_exact) < 0.02  # 9,999 draws: Monte Carlo SE below 0.005
    w = wild_cluster_bootstrap(X, y, groups, "d", weights="webb", draws=1999, seed=4, ci=False)
    assert w.weights == "webb" and w.draws == 1999 and not w.enumerated
    assert abs(w.p_value - p_exact) < 0.05
    frame = w.to_frame()
    assert frame.loc[0, "draws"] == 1999 and frame.loc[0, "n_clusters"] == 14


def test_enumerates_when_patterns_equal_draws():
    X, y, groups = _clustered_data(7, 2)
    got = wild_cluster_bootstrap(X, y, groups, "d", draws=128, ci=False)
    assert got.enumerated and got.draws == 128


def test_threshold():
    assert BOOTSTRAP_BELOW_CLUSTERS == 50
    assert needs_wild_bootstrap(49) and not needs_wild_bootstrap(50)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


def test_fewer_than_two_clusters_is_an_error():
    X, y, _ = _clustered_data(6, 1)
    with pytest.raises(EstimationError, match="at least 2 clusters"):
        wild_cluster_bootstrap(X, y, np.zeros(len(y)), "d", ci=False)


def test_unknown_term_weights_and_draws_are_errors():
    X, y, groups = _clustered_data(6, 1)
    with pytest.raises(ConfigError, match="term 'z'"):
        wild_cluster_bootstrap(X, y, groups, "z")
    with pytest.raises(ConfigError, match="weights"):
        wild_cluster_bootstrap(X, y, groups, "d", weights="mammen")
    with pytest.raises(ConfigError, match="draws"):
        wild_cluster_bootstrap(X, y, groups, "d", draws=10)


def test_weighted_fit_and_fit_without_clusters_are_refused():
    X, y, groups = _clustered_data(6, 1)
    wls = sm.WLS(y, X, weights=np.ones(len(y))).fit()
    with pytest.raises(EstimationError, match="OLS fits only"):
        wild_bootstrap_fit(wls, "d")
    with pytest.raises(ConfigError, match="pass clusters="):
        wild_bootstrap_fit(sm.OLS(y, X).fit(), "d")
    got = wild_bootstrap_fit(sm.OLS(y, X).fit(), "d", clusters=groups, ci=False)
    assert got.n_clusters == 6
