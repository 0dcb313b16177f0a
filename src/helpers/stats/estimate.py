"""Programme effects: did a training work, by how much, and how sure are we.

A layer-4 general tool: every function takes a plain :class:`pandas.DataFrame` and column names,
knows nothing of regions or files, and returns a frozen dataclass or a DataFrame. Numbers are
computed once, in the estimators; tables (:meth:`Effect.to_frame`, :func:`effects_table`) and
prose (:meth:`Effect.summary_text`) only format them.

Designs of :func:`estimate_effect` and their identifying assumptions
--------------------------------------------------------------------
======== ===================================================== ======================================
design   model                                                 default standard error
======== ===================================================== ======================================
diff     OLS ``y ~ 1 + T`` (optionally WLS)                    HC2 (= Welch's SE), t with N-2 df
ancova   OLS ``y ~ 1 + T + baseline + covariates``              HC2, t with N-K df; CR1 if ``cluster``
ipw      propensity Logit, ATT/ATE weights, WLS ``y ~ 1 + T``  HC2 (ignores the estimated score)
did      ``y ~ T + unit effects + period effects`` (TWFE)      CR1 clustered by unit, t with G-1 df
paired   mean of ``post - pre`` (pingouin paired t test)       SD(d)/sqrt(n), t with n-1 df
mixed    MixedLM ``y ~ 1 + T + ...`` + random intercept        model-based (REML), Wald z
======== ===================================================== ======================================

Small-sample corrections (N observations, K estimated coefficients, G clusters, h_ii leverage)
------------------------------------------------------------------------------------------------
- ``classical``: ``s^2 (X'X)^-1`` with ``s^2 = e'e / (N - K)``.
- ``HC0``: ``(X'X)^-1 X' diag(e_i^2) X (X'X)^-1`` (White 1980), no correction.
- ``HC1``: HC0 times ``N / (N - K)`` (Stata's ``robust``).
- ``HC2``: ``e_i^2`` replaced by ``e_i^2 / (1 - h_ii)`` (MacKinnon & White 1985). For a
  difference in means this is exactly ``sqrt(s_1^2/n_1 + s_0^2/n_0)``, Welch's standard error.
- ``HC3``: ``e_i^2 / (1 - h_ii)^2`` (close to the jackknife; conservative).
- ``cluster`` (CR1): ``G/(G-1) * (N-1)/(N-K)`` times the cluster sandwich, as statsmodels'
  ``cov_type="cluster"`` with ``use_correction=True``; t with ``G - 1`` df (``df_correction``).
  For ``did`` and :func:`event_study` the unit effects are absorbed by the within-unit
  transformation and, when units are nested in the clusters, are not counted in K (fixest's
  default ``fixef.K = "nested"``, as reghdfe): K = treatment + covariates + (periods - 1).
  When units are not nested in the clusters, unit dummies are estimated and counted in K.

All t-based intervals use the t distribution with the degrees of freedom stated in
:attr:`Effect.df` (``inf`` for normal-based intervals).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.core.errors import ConfigError
from helpers.stats._common import _as_names, _check_alpha, _check_frame, _check_option
from helpers.stats.did import _did
from helpers.stats.effect import Effect
from helpers.stats.literals import Design, Estimand, SEType
from helpers.stats.mixed import _mixed
from helpers.stats.prepost import _paired
from helpers.stats.regression import _regression
from helpers.stats.weighting import _ipw

__all__ = [
    "estimate_effect",
]


# Which values of ``se`` each design accepts; the first is what "robust" means there.
_SE_ALLOWED: dict[str, tuple[str, ...]] = {
    "diff": ("robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"),
    "ancova": ("robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"),
    "ipw": ("robust", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"),
    "did": ("robust", "cluster"),
    "paired": ("robust", "classical"),
    "mixed": ("robust", "classical"),
}


# --------------------------------------------------------------------------------------------
# estimate_effect
# --------------------------------------------------------------------------------------------


def estimate_effect(
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    *,
    design: Design,
    covariates: Sequence[str] = (),
    baseline: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    se: SEType = "robust",
    alpha: float = 0.05,
    trim: float = 0.01,
    estimand: Estimand = "ATT",
    n_boot: int = 999,
    seed: int | None = None,
) -> Effect:
    """Estimate the effect of a 0/1 treatment on an outcome with a stated design.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (per unit and period for ``did``). Not modified.
    outcome : str
        Numeric outcome column (the post-test for ``paired``).
    treatment : str or None
        0/1 or boolean column, 1 = took part (for ``did``: treated at that period). For
        ``paired`` it may be None; if given, only rows with treatment 1 are used.
    design : {"diff", "ancova", "ipw", "did", "paired", "mixed"}
        ``diff``: difference in means, OLS of outcome on intercept + treatment (WLS with
        ``weights``); ``se="classical"`` equals Student's t test, ``"robust"`` (HC2) equals
        Welch's standard error, p and CI from t with N-2 df (not Welch-Satterthwaite df).
        ``ancova``: OLS on treatment + ``baseline`` + ``covariates`` (at least one).
        ``ipw``: Logit propensity score on ``covariates`` (+ ``baseline``), weights for the
        ``estimand``, scores outside ``[trim, 1 - trim]`` dropped, WLS of outcome on treatment.
        ``did``: two-way fixed effects ``outcome ~ treatment + covariates + C(unit) + C(time)``,
        unit effects absorbed by the within transformation (exact with unbalanced panels),
        clustered by ``cluster`` (default ``unit``). With staggered adoption and effects that
        change over time or differ between cohorts TWFE can be biased, even of the wrong sign
        (Goodman-Bacon 2021): check with :func:`event_study`, which also shows pre-trends.
        ``paired``: ``outcome - baseline`` on the same people, ``pingouin.ttest(paired=True)``,
        Hedges' g_av from ``pingouin.compute_effsize(paired=True, eftype="hedges")``.
        ``mixed``: statsmodels MixedLM, random intercept per ``cluster``, fixed effects
        treatment + ``baseline`` + ``covariates``, REML, Wald z intervals.
    covariates : sequence of str
        Adjustment (ancova, did, mixed) or propensity-model (ipw) columns. Numbers and booleans
        enter as they are; text and categorical columns as dummies for all levels but the first.
    baseline : str, optional
        Pre-programme outcome: a covariate for ancova/ipw/mixed, the pre-test for paired.
    unit : str, optional
        Unit identifier for ``did`` (person, office, dinas).
    time : str, optional
        Period column for ``did``.
    cluster : str, optional
        Cluster column: cluster-robust CR1 SE for diff/ancova/ipw/did (``did`` defaults to
        ``unit``); the random-intercept grouping for ``mixed`` (required there).
    weights : str, optional
        Column of positive analysis weights for ``diff`` and ``ancova`` (WLS).
    se : {"robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"}
        Standard error. ``"robust"`` means the design's robust default: HC2, or CR1 when a
        ``cluster`` is given (always CR1 for ``did``). ``"bootstrap"`` is for ``ipw`` only:
        stratified (by treatment) bootstrap that re-fits the propensity model each time.
        ``paired`` and ``mixed`` have one standard error each (paired t; MixedLM
        model-based), given for ``"robust"`` or ``"classical"``.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.
    trim : float
        ``ipw`` only: drop rows with propensity score outside ``[trim, 1 - trim]``, in
        ``[0, 0.5)``. The number dropped is stated in ``notes``; dropping changes the population
        the estimate refers to (those with overlap).
    estimand : {"ATT", "ATE"}
        ``ipw`` only. ATT: treated weight 1, control weight p/(1-p). ATE: 1/p and 1/(1-p).
    n_boot : int
        ``ipw`` with ``se="bootstrap"``: number of bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap.

    Returns
    -------
    Effect
        Frozen result; ``.to_frame()`` for a table row, ``.summary_text()`` for prose.

    Raises
    ------
    ConfigError
        Unknown design or option, a missing column, or an option the design does not take.
    EstimationError
        One treatment group only, constant outcome, non-0/1 treatment, fewer than 2 clusters,
        collinear covariates, or too few rows.

    Notes
    -----
    Rows with a missing value in any used column are dropped and counted in ``notes``. Integer
    and boolean columns (int8 to Int64) are cast to float64 before any arithmetic.

    The standard error of ``ipw`` treats the weights as known. For the ATE this is
    conservative (Hirano, Imbens & Ridder 2003); for the ATT it can be too small or too large
    (Abadie & Imbens 2016), so ``se="bootstrap"`` is offered.

    Effect sizes: ``diff`` without weights reports Hedges' g (pooled SD, times
    ``1 - 3/(4N - 9)`` as pingouin); ``paired`` reports pingouin's Hedges' g_av; other designs
    report estimate / pooled within-group SD of the outcome (no correction).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"t": np.repeat([0, 1], 50), "pre": rng.normal(size=100)})
    >>> df["post"] = df["pre"] + 0.5 * df["t"] + rng.normal(scale=0.5, size=100)
    >>> e = estimate_effect(df, "post", "t", design="ancova", baseline="pre")
    >>> round(e.estimate, 2), e.se_type
    (0.43, 'HC2')
    """
    _check_frame(data)
    _check_option("design", design, Design)
    _check_option("se", se, SEType)
    _check_alpha(alpha)
    covs = _as_names(covariates)
    allowed = _SE_ALLOWED[design]
    if se not in allowed:
        raise ConfigError(
            f"se={se!r} is not available for design={design!r}; expected one of "
            f"{', '.join(map(repr, allowed))}"
        )
    # which parameters each design takes
    takes = {
        "diff": {"weights", "cluster"},
        "ancova": {"covariates", "baseline", "weights", "cluster"},
        "ipw": {"covariates", "baseline", "cluster"},
        "did": {"covariates", "unit", "time", "cluster"},
        "paired": {"baseline"},
        "mixed": {"covariates", "baseline", "cluster"},
    }[design]
    given = {
        "covariates": bool(covs),
        "baseline": baseline is not None,
        "unit": unit is not None,
        "time": time is not None,
        "cluster": cluster is not None,
        "weights": weights is not None,
    }
    for name, is_given in given.items():
        if is_given and name not in takes:
            raise ConfigError(f"design={design!r} does not use {name}; remove it")
    if treatment is None and design != "paired":
        raise ConfigError(f"design={design!r} needs a treatment column")
    if treatment is not None and (treatment in covs or treatment == baseline):
        raise ConfigError(f"treatment column {treatment!r} also appears as a covariate/baseline")
    if outcome in covs or outcome == baseline:
        raise ConfigError(f"outcome column {outcome!r} also appears as a covariate/baseline")
    if len(set(covs)) != len(covs):
        raise ConfigError(f"covariates repeat a column: {list(covs)}")

    if design in ("diff", "ancova"):
        if design == "ancova" and not covs and baseline is None:
            raise ConfigError(
                "design='ancova' needs a baseline or covariates; without them use design='diff'"
            )
        if cluster is None and se == "cluster":
            raise ConfigError("se='cluster' needs a cluster column")
        if cluster is not None and se not in ("robust", "cluster"):
            raise ConfigError(
                f"cluster={cluster!r} was given but se={se!r} ignores clustering; "
                "use se='robust' or 'cluster', or drop cluster"
            )
        return _regression(
            data, outcome, treatment, design, covs, baseline, cluster, weights, se, alpha
        )
    if design == "ipw":
        if not covs and baseline is None:
            raise ConfigError("design='ipw' needs covariates for the propensity model")
        if cluster is None and se == "cluster":
            raise ConfigError("se='cluster' needs a cluster column")
        if cluster is not None and se not in ("robust", "cluster"):
            raise ConfigError(
                f"cluster={cluster!r} was given but se={se!r} ignores clustering; "
                "use se='robust' or 'cluster', or drop cluster"
            )
        _check_option("estimand", estimand, Estimand)
        if not isinstance(trim, int | float) or not 0 <= trim < 0.5:
            raise ConfigError(f"trim={trim!r} must be a number in [0, 0.5)")
        if se == "bootstrap" and (not isinstance(n_boot, int) or n_boot < 50):
            raise ConfigError(f"n_boot={n_boot!r} must be an integer of at least 50")
        return _ipw(
            data, outcome, treatment, covs, baseline, cluster, se, alpha, trim, estimand,
            n_boot, seed,
        )  # fmt: skip
    if design == "did":
        if unit is None or time is None:
            raise ConfigError("design='did' needs unit and time columns")
        return _did(data, outcome, treatment, covs, unit, time, cluster or unit, alpha)
    if design == "paired":
        if baseline is None:
            raise ConfigError("design='paired' needs baseline (the pre-test column)")
        return _paired(data, outcome, treatment, baseline, alpha)
    if cluster is None:
        raise ConfigError("design='mixed' needs cluster (the grouping of the random intercept)")
    return _mixed(data, outcome, treatment, covs, baseline, cluster, alpha)
