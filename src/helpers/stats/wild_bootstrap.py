"""Few-cluster inference: the restricted wild cluster bootstrap (WCR) for one coefficient of a
linear regression, with its p-value and a confidence interval by test inversion.

The bootstrap itself is the ``wildboottest`` package (``WildboottestCL``, the implementation
pyfixest's ``Feols.wildboottest`` calls); this module chooses its settings, enumerates the sign
patterns when that is possible, inverts the test for an interval (as Stata's ``boottest`` and
R's ``fwildclusterboot`` do) and says what was done in a sentence a report can print.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    FEW_CLUSTERS,
    _check_alpha,
    _check_option,
    _fmt,
    _fmt_p,
    _level_text,
)

__all__ = [
    "BOOTSTRAP_BELOW_CLUSTERS",
    "BootstrapWeights",
    "WildBootstrapResult",
    "needs_wild_bootstrap",
    "wild_bootstrap_fit",
    "wild_cluster_bootstrap",
]

#: Below this number of clusters the wild cluster bootstrap, not CR1 with t(G-1), gives the
#: p-values and intervals. Cameron, Gelbach & Miller (2008) find cluster-robust t tests
#: over-reject with 5-30 clusters while the wild cluster bootstrap (restricted, WCR) stays close
#: to its level; Cameron & Miller (2015, J. Human Resources 50(2), section VI) put "few" at
#: roughly 20-50 clusters, and MacKinnon & Webb (2017, J. Applied Econometrics 32(2)) show
#: over-rejection persists at 50 clusters when their sizes differ. 50 is the upper end of that
#: range, so every region with 5-30 dinas is covered.
BOOTSTRAP_BELOW_CLUSTERS = FEW_CLUSTERS  # 50, the estimators' own "few clusters" note

#: The bootstrap weights offered: Rademacher (+1/-1 with probability 1/2; all 2^G patterns are
#: enumerated when 2^G <= draws) and Webb's six-point distribution (Webb 2023, recommended when
#: G is below about 10, where Rademacher has too few distinct patterns).
BootstrapWeights = Literal["rademacher", "webb"]

#: Relative precision (in standard errors) to which interval endpoints are found by bisection.
_CI_TOL = 2e-3


def needs_wild_bootstrap(n_clusters: int) -> bool:
    """Whether ``n_clusters`` is few enough that the wild cluster bootstrap should be used.

    Parameters
    ----------
    n_clusters : int
        Number of clusters G.

    Returns
    -------
    bool
        ``n_clusters < BOOTSTRAP_BELOW_CLUSTERS`` (see that constant for the references).

    Examples
    --------
    >>> needs_wild_bootstrap(12), needs_wild_bootstrap(80)
    (True, False)
    """
    return int(n_clusters) < BOOTSTRAP_BELOW_CLUSTERS


@dataclass(frozen=True)
class WildBootstrapResult:
    """A wild cluster bootstrap test of one coefficient, and the interval that inverts it.

    Attributes
    ----------
    term : str
        The coefficient tested.
    estimate : float
        Its OLS estimate.
    se : float
        Its CR1 standard error, G/(G-1)*(N-1)/(N-K) (the one the bootstrap t statistics use).
    t_stat : float
        ``(estimate - null) / se``.
    null : float
        The value of the coefficient under the null hypothesis (default 0).
    p_value : float
        Symmetric two-sided bootstrap p-value: the share of bootstrap |t*| above |t|.
    ci_low, ci_high : float
        Interval at level ``1 - alpha``: every null value the test does not reject at
        ``alpha`` (test inversion, endpoints to 0.002 standard errors); NaN if not computed,
        +-inf if the test never rejects on that side.
    alpha : float
        Significance level of the interval.
    n_obs, n_clusters : int
        Observations and clusters G.
    weights : str
        ``"rademacher"`` or ``"webb"``.
    draws : int
        Bootstrap samples used: 2^G when the sign patterns were enumerated.
    requested_draws : int
        The B asked for.
    enumerated : bool
        True when all 2^G Rademacher sign patterns were used (the p-value does not depend on
        the seed).
    seed : int
        Seed of the random weights (unused when ``enumerated``).
    bootstrap_type : str
        ``"WCR11"``: null imposed, CR1 variance in the bootstrap t (Roodman et al. 2019).
    method : str
        The procedure in one English sentence.
    notes : tuple of str
        Anything a reader should know (few patterns, an open-ended interval).
    """

    term: str
    estimate: float
    se: float
    t_stat: float
    null: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float
    n_obs: int
    n_clusters: int
    weights: str
    draws: int
    requested_draws: int
    enumerated: bool
    seed: int
    bootstrap_type: str
    method: str
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row with every field (``notes`` joined with ``" | "``).

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> r = _example()
        >>> r.to_frame()[["term", "n_clusters", "draws", "enumerated"]]
          term  n_clusters  draws  enumerated
        0    d           8    256        True
        """
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row["notes"] = " | ".join(self.notes)
        return pd.DataFrame([row])

    def summary_text(self, language: Literal["id", "en"] = "id", *, digits: int = 2) -> str:
        """The bootstrap p-value and interval, and how they were obtained, in one or two
        sentences.

        Parameters
        ----------
        language : {"id", "en"}
            Bahasa Indonesia (decimal commas, dots for thousands) or English.
        digits : int
            Decimals of the interval.

        Returns
        -------
        str

        Examples
        --------
        >>> print(_example().summary_text("en"))  # doctest: +ELLIPSIS
        Wild cluster bootstrap (restricted, Rademacher weights, all 256 sign patterns of 8 clusters): p = ...
        """
        _check_option("language", language, Literal["id", "en"])
        lang = language
        p = _fmt_p(self.p_value, lang)
        g = _fmt(self.n_clusters, lang, 0)
        b = _fmt(self.draws, lang, 0)
        level = _level_text(self.alpha)
        has_ci = not (math.isnan(self.ci_low) or math.isnan(self.ci_high))
        lo, hi = _fmt(self.ci_low, lang, digits), _fmt(self.ci_high, lang, digits)
        if lang == "id":
            w = "Rademacher" if self.weights == "rademacher" else "Webb (enam titik)"
            how = (
                f"semua {b} pola tanda dari {g} klaster"
                if self.enumerated
                else f"{b} replikasi, seed {self.seed}, {g} klaster"
            )
            text = f"Bootstrap klaster liar (terestriksi, bobot {w}, {how}): {p}"
            if has_ci:
                text += f"; IK {level}% dari inversi uji: {lo} sampai {hi}"
            return text + "."
        w = "Rademacher" if self.weights == "rademacher" else "Webb six-point"
        how = (
            f"all {b} sign patterns of {g} clusters"
            if self.enumerated
            else f"{b} draws, seed {self.seed}, {g} clusters"
        )
        text = f"Wild cluster bootstrap (restricted, {w} weights, {how}): {p}"
        if has_ci:
            text += f"; {level}% CI by test inversion: {lo} to {hi}"
        return text + "."


# --------------------------------------------------------------------------------------------
# the bootstrap
# --------------------------------------------------------------------------------------------


def _check_settings(weights: str, draws: int, seed: int, alpha: float) -> None:
    _check_option("weights", weights, BootstrapWeights)
    _check_alpha(alpha)
    if not isinstance(draws, int | np.integer) or isinstance(draws, bool) or draws < 99:
        raise ConfigError(f"draws={draws!r} must be an integer of at least 99 (e.g. 9999)")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise ConfigError(f"seed={seed!r} must be a non-negative integer")


def _wcr(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    j: int,
    null: float,
    weights: str,
    draws: int,
    seed: int,
) -> tuple[float, float, float, int, bool, np.ndarray]:
    """One WCR11 test of ``beta_j = null`` by wildboottest: (p, t, se, draws used, enumerated,
    bootstrap t's).

    ``beta_j = null`` is tested as ``beta_j = 0`` on ``y - null * X[:, j]`` (the package tests
    zero restrictions only); the restricted model, residuals and t statistics are those of the
    original hypothesis.
    """
    from wildboottest.wildboottest import WildboottestCL

    g = int(np.unique(groups).size)
    enumerate_all = weights == "rademacher" and 2**g <= draws
    # wildboottest enumerates when 2^G < B (strictly); ask for one more so 2^G == B enumerates too
    b = max(draws, 2**g + 1) if enumerate_all else draws
    R = np.zeros(X.shape[1])
    R[j] = 1.0
    yy = y - null * X[:, j]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = WildboottestCL(X=X, Y=yy, cluster=groups, R=R, B=b, seed=seed, parallel=False)
        boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
        boot.get_weights(weights_type=weights)
        boot.get_numer()
        _denominator(boot)
        boot.get_tboot()
        boot.get_vcov()
        boot.get_tstat()
        boot.get_pvalue(pval_type="two-tailed")
    t = float(np.squeeze(boot.t_stat))
    se = float(np.sqrt(boot.ssc * boot.vcov[j, j]))
    t_boot = np.asarray(boot.t_boot, dtype=float).reshape(-1)
    return float(boot.pvalue), t, se, int(boot.B), bool(boot.full_enumeration), t_boot


def _denominator(boot: Any) -> None:
    """``boot.get_denom()`` without its cost: wildboottest defines its numba kernel inside the
    method, so every call compiled it again (0.7 s, 22 times for one roll-out region). The
    same kernel, compiled once per process (and cached on disk by numba), on the same ``H``."""
    if boot.crv_type != "crv1" or boot.parallel:
        boot.get_denom()
        return
    # H[g, h] = R (X'X)^-1 X_g'X_g (X'X)^-1 s_h: one row vector per cluster, then one product
    # (wildboottest's double loop did G^2 chains of matrix products)
    rows = np.stack([boot.R @ boot.tXXinv @ xgxg @ boot.tXXinv for xgxg in boot.tXgXg_list])
    H = rows @ boot.scores_mat
    boot.denom = _denominator_kernel()(
        boot.Cg, H, boot.bootclustid, boot.B, boot.G, boot.v, boot.ssc
    )


@functools.cache
def _denominator_kernel() -> Callable[..., np.ndarray]:
    """wildboottest's ``compute_denom`` (crv1, not parallel), compiled once."""
    from numba import njit

    @njit(cache=True)
    def compute_denom(Cg, H, bootclustid, B, G, v, ssc):  # noqa: N803 (wildboottest's names)
        denom = np.zeros(B)
        for b in range(B):
            Zg = np.zeros(G)  # noqa: N806
            for ixg, _g in enumerate(bootclustid):
                vH = 0  # noqa: N806
                for ixh, _h in enumerate(bootclustid):
                    vH += v[ixh, b] * H[ixg, ixh]  # noqa: N806
                Zg[ixg] = Cg[ixg] * v[ixg, b] - vH
            denom[b] = ssc * np.sum(np.power(Zg, 2))
        return denom

    return compute_denom


def _invert(
    boot_at: Callable[[float], tuple[float, np.ndarray]],
    estimate: float,
    se: float,
    alpha: float,
    g: int,
) -> tuple[float, float, list[str]]:
    """The set of null values with p >= alpha: each end found by iterating
    ``b0 = estimate +- q(b0) * se`` (q: the bootstrap critical value of |t*| under
    ``beta = b0``; t is linear in b0 with the same CR1 se), then checked, and bisected when the
    iteration does not settle. ``boot_at(b0)`` returns (p, bootstrap t's)."""
    from scipy import stats

    notes: list[str] = []
    tol = _CI_TOL * se
    cache: dict[float, tuple[float, np.ndarray]] = {}

    def at(b0: float) -> tuple[float, np.ndarray]:
        if b0 not in cache:
            cache[b0] = boot_at(b0)
        return cache[b0]

    def crit(tb: np.ndarray) -> float:
        a = np.sort(np.abs(tb[np.isfinite(tb)]))[::-1]
        return float(a[min(max(math.ceil(alpha * a.size), 1), a.size) - 1])

    ends: list[float] = []
    for side in (-1.0, 1.0):
        b0 = estimate + side * float(stats.t.ppf(1 - alpha / 2, max(g - 1, 1))) * se
        for _ in range(6):
            new = estimate + side * crit(at(b0)[1]) * se
            done = abs(new - b0) <= tol
            b0 = new
            if done:
                break
        # bracket the crossing near b0 (p >= alpha inside, < alpha outside), then bisect
        step, inside, outside = tol, b0, b0
        while at(inside)[0] < alpha and abs(inside - estimate) > tol:
            inside = inside - side * step
            inside = estimate if side * (inside - estimate) < 0 else inside
            step *= 4
        step = tol
        while at(outside)[0] >= alpha and step < 1e3 * se:
            inside, outside = outside, outside + side * step
            step *= 4
        if at(outside)[0] >= alpha:
            ends.append(side * math.inf)
            notes.append(
                f"The test does not reject at alpha = {alpha:g} as far as {outside:.4g}: the "
                "interval is open on that side (too few distinct bootstrap patterns)."
            )
            continue
        while abs(outside - inside) > tol:
            mid = (inside + outside) / 2
            if at(mid)[0] >= alpha:
                inside = mid
            else:
                outside = mid
        ends.append((inside + outside) / 2)
    return ends[0], ends[1], notes


def wild_cluster_bootstrap(
    X: pd.DataFrame,
    y: np.ndarray | pd.Series,
    clusters: np.ndarray | pd.Series,
    term: str,
    *,
    null: float = 0.0,
    weights: BootstrapWeights = "rademacher",
    draws: int = 9999,
    seed: int = 0,
    alpha: float = 0.05,
    ci: bool = True,
) -> WildBootstrapResult:
    """Restricted wild cluster bootstrap (WCR) test and interval for one OLS coefficient.

    Parameters
    ----------
    X : pandas.DataFrame
        The regressors (an intercept column if the model has one; fixed effects as dummies, or
        already partialled out when they are nested in the clusters). Numeric, no missing
        values.
    y : array-like
        The outcome, one value per row of ``X``.
    clusters : array-like
        Cluster of each row (any labels).
    term : str
        Column of ``X`` whose coefficient is tested.
    null : float
        Value of the coefficient under the null hypothesis.
    weights : {"rademacher", "webb"}
        Bootstrap weights. With Rademacher weights and ``2**G <= draws`` all ``2**G`` sign
        patterns are used, so the p-value is exact for the bootstrap and seed-free.
    draws : int
        Bootstrap samples B when patterns are drawn at random (default 9,999).
    seed : int
        Seed of the random weights.
    alpha : float
        Significance level of the interval.
    ci : bool
        Compute the interval by test inversion (about 30 bootstrap runs, a few seconds).

    Returns
    -------
    WildBootstrapResult

    Notes
    -----
    WCR11 (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild", Stata J. 19(1)): the
    model is re-estimated with ``beta_term = null`` imposed; each bootstrap outcome is the
    restricted fit plus its residuals multiplied, cluster by cluster, by a weight ``v_g``; the
    bootstrap t uses the CR1 variance, and p = mean(|t*_b| > |t|) (symmetric). The interval
    collects the null values with p >= alpha, searched from the CR1 t(G-1) interval outward
    and bisected to 0.002 standard errors, the same weights being reused for every null value
    (as ``boottest`` does). Computed by ``wildboottest.WildboottestCL`` (bootstrap type
    "11", ``impose_null=True``); checked in tests/test_wild_bootstrap.py against a hand-coded
    enumeration of all sign patterns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> g = np.repeat(np.arange(10), 20)
    >>> d = (g < 5).astype(float)
    >>> y = 4.0 * d + rng.normal(size=10)[g] + rng.normal(size=200)
    >>> X = pd.DataFrame({"Intercept": 1.0, "d": d})
    >>> r = wild_cluster_bootstrap(X, y, g, "d", ci=False)
    >>> r.n_clusters, r.draws, r.enumerated, r.p_value < 0.05
    (10, 1024, True, True)
    """
    _check_settings(weights, draws, seed, alpha)
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}")
    if term not in X.columns:
        raise ConfigError(f"term {term!r} is not a column of X; columns: {list(X.columns)}")
    try:
        Xa = X.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise EstimationError("X must hold numbers only") from None
    ya = np.asarray(y, dtype=np.float64).reshape(-1)
    if ya.size != Xa.shape[0] or len(clusters) != Xa.shape[0]:
        raise EstimationError(
            f"X has {Xa.shape[0]} rows but y has {ya.size} and clusters {len(clusters)}"
        )
    if not (np.isfinite(Xa).all() and np.isfinite(ya).all()):
        raise EstimationError("X and y must not hold missing or infinite values")
    cl = pd.Series(np.asarray(clusters))
    if cl.isna().any():
        raise EstimationError("clusters must not hold missing values")
    groups, _ = pd.factorize(cl, sort=True)
    g = int(groups.max()) + 1
    if g < 2:
        raise EstimationError(f"the wild cluster bootstrap needs at least 2 clusters; found {g}")
    if np.linalg.matrix_rank(Xa) < Xa.shape[1]:
        raise EstimationError(
            f"X is collinear (rank {np.linalg.matrix_rank(Xa)} < {Xa.shape[1]} columns)"
        )
    j = list(X.columns).index(term)
    p, t, se, used, enumerated, _ = _wcr(Xa, ya, groups, j, null, weights, int(draws), int(seed))
    beta = float(np.linalg.lstsq(Xa, ya, rcond=None)[0][j])
    notes: list[str] = []
    if enumerated and g <= 9:
        notes.append(
            f"With {g} clusters there are only {2**g} Rademacher sign patterns, so the smallest "
            f"attainable p-value is about {2 / 2**g:.3g}; Webb weights (weights='webb') give "
            "finer p-values (Webb 2023)."
        )
    lo = hi = math.nan
    if ci:

        def boot_at(b0: float) -> tuple[float, np.ndarray]:
            out = _wcr(Xa, ya, groups, j, b0, weights, int(draws), int(seed))
            return out[0], out[5]

        lo, hi, more = _invert(boot_at, beta, se, alpha, g)
        notes.extend(more)
    wname = "Rademacher" if weights == "rademacher" else "Webb six-point"
    how = (
        f"all {used} sign patterns of the {g} clusters enumerated"
        if enumerated
        else f"{used} random draws (seed {seed})"
    )
    method = (
        f"Restricted wild cluster bootstrap (WCR11, Roodman et al. 2019) of H0: {term} = "
        f"{null:g}, {wname} weights, {how}; bootstrap t with CR1 variance; symmetric two-sided "
        "p-value" + ("; interval by test inversion." if ci else ".")
    )
    return WildBootstrapResult(
        term=str(term),
        estimate=beta,
        se=se,
        t_stat=t,
        null=float(null),
        p_value=p,
        ci_low=float(lo),
        ci_high=float(hi),
        alpha=float(alpha),
        n_obs=int(ya.size),
        n_clusters=g,
        weights=weights,
        draws=used,
        requested_draws=int(draws),
        enumerated=enumerated,
        seed=int(seed),
        bootstrap_type="WCR11",
        method=method,
        notes=tuple(notes),
    )


def wild_bootstrap_fit(
    results: Any,
    term: str,
    *,
    clusters: np.ndarray | pd.Series | None = None,
    null: float = 0.0,
    weights: BootstrapWeights = "rademacher",
    draws: int = 9999,
    seed: int = 0,
    alpha: float = 0.05,
    ci: bool = True,
) -> WildBootstrapResult:
    """:func:`wild_cluster_bootstrap` for a fitted statsmodels OLS regression.

    Takes the regression's own design matrix and outcome; the clusters are those of its
    cluster-robust covariance unless given. For the project's estimators, pass an
    :class:`~helpers.stats.effect.Effect`'s ``results`` and its ``treatment`` (two-way fixed
    effects, ANCOVA with a cluster). Two-way fixed effects fitted on within-transformed data
    (unit effects nested in the clusters) give the same bootstrap as the model with unit
    dummies (Frisch-Waugh-Lovell: the restricted residuals are the same and have zero unit
    means, so multiplying them by cluster weights commutes with the within transformation).

    Parameters
    ----------
    results : statsmodels RegressionResults
        An OLS fit (weighted least squares is not supported by the bootstrap).
    term : str
        Name of the coefficient to test.
    clusters : array-like, optional
        Cluster of each row used in the fit; default ``results.cov_kwds["groups"]``.
    null, weights, draws, seed, alpha, ci
        As in :func:`wild_cluster_bootstrap`.

    Returns
    -------
    WildBootstrapResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from helpers.stats import estimate_effect
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"dinas": np.repeat(np.arange(12), 15)})
    >>> df["t"] = (df["dinas"] < 6).astype(int)
    >>> df["y"] = 2.0 * df["t"] + rng.normal(size=12)[df["dinas"]] + rng.normal(size=180)
    >>> e = estimate_effect(df, "y", "t", design="diff", cluster="dinas")
    >>> r = wild_bootstrap_fit(e.results, "t", ci=False)
    >>> r.enumerated, r.draws, round(r.estimate, 6) == round(e.estimate, 6)
    (True, 4096, True)
    """
    model = getattr(results, "model", None)
    if model is None or not hasattr(model, "exog"):
        raise TypeError(f"results must be a fitted statsmodels regression, got {type(results)}")
    if type(model).__name__ != "OLS":
        raise EstimationError(
            f"the wild cluster bootstrap supports OLS fits only, not {type(model).__name__} "
            "(wildboottest does not implement weighted least squares)"
        )
    names = list(model.exog_names)
    if term not in names:
        raise ConfigError(f"term {term!r} is not a coefficient of the fit; terms: {names}")
    if clusters is None:
        kw = getattr(results, "cov_kwds", None) or {}
        if "groups" not in kw:
            raise ConfigError(
                "the fit has no cluster-robust covariance: pass clusters= (one label per row)"
            )
        clusters = np.asarray(kw["groups"])
    X = pd.DataFrame(np.asarray(model.exog, dtype=np.float64), columns=names)
    return wild_cluster_bootstrap(
        X, np.asarray(model.endog), clusters, term, null=null, weights=weights,
        draws=draws, seed=seed, alpha=alpha, ci=ci,
    )  # fmt: skip


def _example() -> WildBootstrapResult:
    """A small enumerated result for the docstring examples."""
    rng = np.random.default_rng(0)
    g = np.repeat(np.arange(8), 10)
    d = (g % 2).astype(float)
    y = 0.5 * d + rng.normal(size=8)[g] + rng.normal(size=80)
    X = pd.DataFrame({"Intercept": 1.0, "d": d})
    return wild_cluster_bootstrap(X, y, g, "d", ci=False)
