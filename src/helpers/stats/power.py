"""Minimum detectable effects and required sample sizes (statsmodels' power functions)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.power import TTestIndPower, TTestPower

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import _check_alpha, _check_option
from helpers.stats.literals import MDEDesign

__all__ = [
    "MDEResult",
    "SampleSizeResult",
    "minimum_detectable_effect",
    "mde_from_se",
    "required_sample_size",
]


# --------------------------------------------------------------------------------------------
# power: minimum detectable effect and sample size
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MDEResult:
    """Minimum detectable effect of a planned or completed study.

    Attributes
    ----------
    mde_raw : float
        Smallest true effect, in outcome units, detected with probability ``power``.
    mde_standardised : float
        ``mde_raw`` divided by the SD named in ``standardised_by``.
    standardised_by : str
        ``"SD of the outcome"`` or, for ``paired`` without ``rho_prepost``, ``"SD of the
        changes"`` (Cohen's d_z).
    design : str
        ``diff``, ``ancova`` or ``paired``.
    n_treated, n_control : int
        Sample sizes (pairs and 0 for ``paired``).
    alpha, power, sd, r2, icc : float
        Inputs (``r2`` after applying ``rho_prepost`` for ancova).
    cluster_size : float
        People per cluster.
    design_effect : float
        ``1 + (cluster_size - 1) * icc``.
    n_effective_treated, n_effective_control : float
        Sample sizes divided by the design effect.
    df : float
        Degrees of freedom of the t test behind the calculation.
    formula : str
        The formula in words.
    """

    mde_raw: float
    mde_standardised: float
    standardised_by: str
    design: str
    n_treated: int
    n_control: int
    alpha: float
    power: float
    sd: float
    r2: float
    icc: float
    cluster_size: float
    design_effect: float
    n_effective_treated: float
    n_effective_control: float
    df: float
    formula: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every field.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])


@dataclass(frozen=True)
class SampleSizeResult:
    """Sample size needed to detect a standardised effect with a given power.

    Attributes
    ----------
    n_treated, n_control, n_total : int
        People needed (pairs for ``paired``, with ``n_control`` 0).
    n_clusters_treated, n_clusters_control : int or None
        Clusters needed when ``cluster_size > 1``.
    effect_size : float
        Target effect in SD of the outcome (d_z for ``paired`` without ``rho_prepost``).
    achieved_power : float
        Power at the returned (rounded-up) sizes.
    design : str
        ``diff``, ``ancova`` or ``paired``.
    alpha, power, r2, icc : float
        Inputs.
    cluster_size : float
        People per cluster.
    design_effect : float
        ``1 + (cluster_size - 1) * icc``.
    formula : str
        The formula in words.
    """

    n_treated: int
    n_control: int
    n_total: int
    n_clusters_treated: int | None
    n_clusters_control: int | None
    effect_size: float
    achieved_power: float
    design: str
    alpha: float
    power: float
    r2: float
    icc: float
    cluster_size: float
    design_effect: float
    formula: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every field.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])


def _check_power_inputs(
    design: str,
    alpha: float,
    power: float,
    r2: float,
    icc: float,
    cluster_size: float,
    rho_prepost: float | None,
) -> float:
    """Validate; return r2 (rho_prepost**2 for ancova when r2 is not given)."""
    _check_option("design", design, MDEDesign)
    _check_alpha(alpha)
    if not 0 < power < 1:
        raise ConfigError(f"power={power!r} must lie strictly between 0 and 1")
    if not 0 <= r2 < 1:
        raise ConfigError(f"r2={r2!r} must lie in [0, 1)")
    if not 0 <= icc < 1:
        raise ConfigError(f"icc={icc!r} must lie in [0, 1)")
    if cluster_size < 1:
        raise ConfigError(f"cluster_size={cluster_size!r} must be at least 1")
    if rho_prepost is not None and not -1 < rho_prepost < 1:
        raise ConfigError(f"rho_prepost={rho_prepost!r} must lie strictly between -1 and 1")
    if design == "diff" and (r2 or rho_prepost is not None):
        raise ConfigError("r2 and rho_prepost apply to design='ancova' or 'paired', not 'diff'")
    if design == "paired":
        if r2 or icc or cluster_size != 1:
            raise ConfigError("design='paired' takes rho_prepost, not r2, icc or cluster_size")
        return 0.0
    if design == "ancova" and rho_prepost is not None:
        if r2:
            raise ConfigError("give r2 or rho_prepost for design='ancova', not both")
        return float(rho_prepost) ** 2
    return float(r2)


def _two_group_power(
    d_resid: float, n1: float, n0: float, de: float, m: float, alpha: float
) -> tuple[float, float]:
    df = (n1 + n0) / m - 2 if m > 1 else n1 + n0 - 2
    if df < 1:
        raise EstimationError(f"too few {'clusters' if m > 1 else 'people'} for a t test")
    pw = float(TTestIndPower().power(d_resid, nobs1=n1 / de, alpha=alpha, ratio=n0 / n1, df=df))
    # the noncentral t gives NaN for huge noncentrality, where the power is 1
    return (pw if np.isfinite(pw) else 1.0), float(df)


def _paired_power(d_z: float, n: float, alpha: float) -> float:
    pw = float(TTestPower().power(d_z, nobs=n, alpha=alpha))
    return pw if np.isfinite(pw) else 1.0


def _solve(fun: Any, lo: float, hi: float) -> float:
    while fun(hi) < 0:
        hi *= 2
        if hi > 1e9:
            raise EstimationError("no solution for the requested power")
    return float(optimize.brentq(fun, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500))


def minimum_detectable_effect(
    *,
    n_treated: int,
    n_control: int | None = None,
    design: MDEDesign = "diff",
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float = 1.0,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1,
    rho_prepost: float | None = None,
) -> MDEResult:
    """Minimum detectable effect (two-sided test) via statsmodels.stats.power.

    Formulas (exact noncentral-t power; the normal approximation is shown):

    - ``diff``: MDE = (z_{1-alpha/2} + z_{power}) * sd * sqrt(DE * (1/n_1 + 1/n_0)), with
      DE = 1 + (m - 1) * icc (m = ``cluster_size``), solved with ``TTestIndPower`` on the
      effective sizes n/DE and df = n_1 + n_0 - 2 (clusters: number of clusters - 2).
    - ``ancova``: as ``diff`` with sd * sqrt(1 - r2) (residual SD after the baseline and
      covariates; ``rho_prepost`` gives r2 = rho^2). The df lost to covariates are ignored.
    - ``paired``: MDE = d_z * SD(change) with d_z from ``TTestPower`` (df = n - 1) and
      SD(change) = sd * sqrt(2 (1 - rho)); without ``rho_prepost``, ``sd`` is the SD of the
      changes.

    Parameters
    ----------
    n_treated : int
        Treated people (pairs for ``paired``).
    n_control : int, optional
        Untreated people (default: as many as treated; not used for ``paired``).
    design : {"diff", "ancova", "paired"}
        Analysis planned.
    alpha : float
        Two-sided significance level.
    power : float
        Probability of detecting the effect.
    sd : float
        SD of the outcome (of the changes for ``paired`` without ``rho_prepost``).
    r2 : float
        ``ancova``: share of outcome variance explained by baseline and covariates.
    icc : float
        Intraclass correlation of the outcome within clusters.
    cluster_size : float
        People per cluster (1: no clustering).
    rho_prepost : float, optional
        Correlation between pre and post scores (``paired``; ``ancova`` as r2 = rho^2).

    Returns
    -------
    MDEResult

    Examples
    --------
    >>> r = minimum_detectable_effect(n_treated=64, n_control=64)
    >>> round(r.mde_standardised, 4)
    0.4991
    """
    r2 = _check_power_inputs(design, alpha, power, r2, icc, cluster_size, rho_prepost)
    if not isinstance(n_treated, int | np.integer) or n_treated < 2:
        raise ConfigError(f"n_treated={n_treated!r} must be an integer of at least 2")
    if sd <= 0:
        raise ConfigError(f"sd={sd!r} must be positive")
    if design == "paired":
        if n_control is not None:
            raise ConfigError("design='paired' has no control group; leave n_control out")
        n = int(n_treated)
        d_z = _solve(lambda d: _paired_power(d, n, alpha) - power, 1e-10, 10.0)
        sd_change = sd * math.sqrt(2 * (1 - rho_prepost)) if rho_prepost is not None else sd
        raw = d_z * sd_change
        return MDEResult(
            mde_raw=raw,
            mde_standardised=raw / sd if rho_prepost is not None else d_z,
            standardised_by="SD of the outcome" if rho_prepost is not None else "SD of the changes",
            design=design, n_treated=n, n_control=0, alpha=alpha, power=power, sd=sd, r2=0.0,
            icc=0.0, cluster_size=1, design_effect=1.0, n_effective_treated=float(n),
            n_effective_control=0.0, df=float(n - 1),
            formula="MDE = d_z * SD(change), d_z solving the paired t power (TTestPower, n-1 "
            "df); SD(change) = sd*sqrt(2(1-rho)); approx. (z_{1-a/2}+z_power)*SD(change)/sqrt(n)",
        )  # fmt: skip
    n1 = int(n_treated)
    n0 = int(n_control) if n_control is not None else n1
    if n0 < 2:
        raise ConfigError(f"n_control={n_control!r} must be at least 2")
    de = 1 + (cluster_size - 1) * icc
    d = _solve(
        lambda x: _two_group_power(x, n1, n0, de, cluster_size, alpha)[0] - power, 1e-10, 10.0
    )
    _, df = _two_group_power(d, n1, n0, de, cluster_size, alpha)
    std = d * math.sqrt(1 - r2)
    return MDEResult(
        mde_raw=std * sd, mde_standardised=std, standardised_by="SD of the outcome",
        design=design, n_treated=n1, n_control=n0, alpha=alpha, power=power, sd=sd, r2=r2,
        icc=icc, cluster_size=cluster_size, design_effect=de, n_effective_treated=n1 / de,
        n_effective_control=n0 / de, df=df,
        formula="MDE = d * sd * sqrt(1 - r2), d solving the two-sample t power (TTestIndPower) "
        "at n/DE per group, DE = 1 + (m-1)*icc; approx. (z_{1-a/2}+z_power)*sd*"
        "sqrt(DE*(1-r2)*(1/n1+1/n0))",
    )  # fmt: skip


def mde_from_se(se: float, df: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Minimum detectable effect of a completed design from its own standard error (Bloom 1995).

    Parameters
    ----------
    se : float
        Standard error of the design's estimate (robust, clustered, model-based: whatever the
        design reports, so the clustering and the covariates' precision are in it).
    df : float
        Degrees of freedom of the design's t distribution (``inf``: normal).
    alpha : float
        Two-sided significance level.
    power : float
        Probability of detecting the effect.

    Returns
    -------
    float
        ``(t_{1-alpha/2, df} + t_{power, df}) * se``, in outcome units.

    Notes
    -----
    Bloom (1995), "Minimum detectable effects: a simple way to report the statistical power of
    experimental designs", Evaluation Review 19(5). For a difference in means with the classical
    SE it approximates the exact noncentral-t MDE of statsmodels' ``TTestIndPower`` (within
    0.2% from 10 per group; for a paired t test that of ``TTestPower``); with a CR1 SE it
    carries the design effect ``1 + (m - 1) ICC`` (Bloom 2005's clustered MDE
    ``M sqrt(DE) sigma sqrt(1/n_1 + 1/n_0)``, here with the G - 1 df of the CR1 inference).

    Examples
    --------
    >>> round(mde_from_se(0.25, 62), 4)
    0.7116
    """
    _check_alpha(alpha)
    if not 0 < power < 1:
        raise ConfigError(f"power={power!r} must lie strictly between 0 and 1")
    if not np.isfinite(se) or se <= 0:
        return float("nan")
    if not df > 0:
        raise ConfigError(f"df={df!r} must be positive")
    if math.isinf(df):
        m = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    else:
        m = stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)
    return float(m * se)


def required_sample_size(
    effect_size: float,
    *,
    ratio: float = 1.0,
    design: MDEDesign = "diff",
    alpha: float = 0.05,
    power: float = 0.8,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1,
    rho_prepost: float | None = None,
) -> SampleSizeResult:
    """How many people must be trained (and compared) to detect a standardised effect.

    The inverse of :func:`minimum_detectable_effect`, with the same formulas: the smallest
    whole sizes (whole clusters when ``cluster_size > 1``) whose power reaches ``power``.

    Parameters
    ----------
    effect_size : float
        Target effect in SD of the outcome (Cohen's d); for ``paired`` without
        ``rho_prepost``, in SD of the changes (d_z).
    ratio : float
        Untreated per treated person (1: equal groups; not used for ``paired``).
    design : {"diff", "ancova", "paired"}
        Analysis planned.
    alpha : float
        Two-sided significance level.
    power : float
        Desired power.
    r2 : float
        ``ancova``: share of outcome variance explained by baseline and covariates.
    icc : float
        Intraclass correlation within clusters.
    cluster_size : float
        People per cluster (1: no clustering).
    rho_prepost : float, optional
        Correlation between pre and post scores (``paired``; ``ancova`` as r2 = rho^2).

    Returns
    -------
    SampleSizeResult

    Examples
    --------
    >>> required_sample_size(0.5).n_treated
    64
    """
    r2 = _check_power_inputs(design, alpha, power, r2, icc, cluster_size, rho_prepost)
    if not effect_size or not np.isfinite(effect_size):
        raise ConfigError(f"effect_size={effect_size!r} must be a finite non-zero number")
    es = abs(float(effect_size))
    if ratio <= 0:
        raise ConfigError(f"ratio={ratio!r} must be positive")
    if design == "paired":
        d_z = es / math.sqrt(2 * (1 - rho_prepost)) if rho_prepost is not None else es

        def pw(n: float) -> float:
            return _paired_power(d_z, n, alpha)

        n = max(2, math.ceil(_solve(lambda x: pw(x) - power, 2.0, 10.0) - 1e-9))
        while pw(n) < power:
            n += 1
        return SampleSizeResult(
            n_treated=n, n_control=0, n_total=n, n_clusters_treated=None,
            n_clusters_control=None, effect_size=float(effect_size), achieved_power=pw(n),
            design=design, alpha=alpha, power=power, r2=0.0, icc=0.0, cluster_size=1,
            design_effect=1.0,
            formula="smallest n with paired t power (TTestPower, n-1 df) >= power at "
            "d_z = d / sqrt(2(1-rho))",
        )  # fmt: skip
    de = 1 + (cluster_size - 1) * icc
    d_resid = es / math.sqrt(1 - r2)
    m = cluster_size

    def sizes(c1: float) -> tuple[float, float]:
        # c1: clusters (or people when m == 1) in the treated group
        c0 = math.ceil(c1 * ratio - 1e-9) if float(c1).is_integer() else c1 * ratio
        return c1 * m, c0 * m

    def pw2(c1: float) -> float:
        n1, n0 = sizes(c1)
        return _two_group_power(d_resid, n1, n0, de, m, alpha)[0]

    lo = 2.0 if m == 1 else max(2.0, 2.5 / (1 + ratio) + 1e-6)
    start = _solve(lambda c: pw2(c) - power, lo, 10.0)
    c1 = max(2, math.ceil(start - 1e-9))
    while pw2(c1) < power:
        c1 += 1
    n1, n0 = (int(round(v)) for v in sizes(c1))
    c0 = math.ceil(c1 * ratio - 1e-9)
    return SampleSizeResult(
        n_treated=n1, n_control=n0, n_total=n1 + n0,
        n_clusters_treated=int(c1) if m > 1 else None,
        n_clusters_control=int(c0) if m > 1 else None, effect_size=float(effect_size),
        achieved_power=pw2(c1), design=design, alpha=alpha, power=power, r2=r2, icc=icc,
        cluster_size=cluster_size, design_effect=de,
        formula="smallest n_1 (n_0 = ratio*n_1, whole clusters) with two-sample t power "
        "(TTestIndPower at n/DE per group, DE = 1 + (m-1)*icc) >= power at d / sqrt(1 - r2)",
    )  # fmt: skip
