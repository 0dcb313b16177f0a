"""Mixed models for nested data: a random intercept per cluster (statsmodels MixedLM)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.mixed_linear_model import MixedLM

from helpers.core.errors import EstimationError
from helpers.stats._common import (
    _as_names,
    _captured_warnings,
    _check_alpha,
    _check_frame,
    _check_rank,
    _cluster_codes,
    _pooled_sd,
)
from helpers.stats.effect import Effect, _build_effect
from helpers.stats.regression import _check_roles, _linear_design

#: Below this number of groups the random-intercept variance is poorly estimated (and with it
#: the standard errors); a note says so (Maas & Hox 2005 find level-2 variance SEs biased
#: below about 30 groups and badly so below 10).
FEW_GROUPS = 10

__all__ = [
    "estimate_mixed",
]


def estimate_mixed(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    cluster: str,
    baseline: str | None = None,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
) -> Effect:
    """Linear mixed model with a random intercept per cluster (statsmodels MixedLM, REML).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (e.g. students in classes). Not modified.
    outcome : str
        Numeric outcome column.
    treatment : str
        0/1 or boolean column, 1 = took part (or taught by a trained teacher).
    cluster : str
        Grouping of the random intercept.
    baseline : str, optional
        Pre-programme outcome (a fixed effect).
    covariates : sequence of str
        Further fixed effects.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.

    Returns
    -------
    Effect
        Wald z inference (``df`` inf), ``mde`` from normal quantiles and the model-based SE,
        ``sensitivity`` read against N - K fixed-effect coefficients.

    Notes
    -----
    Model-based standard errors, no small-sample (Kenward-Roger) correction; with few clusters
    they are optimistic. When the default optimisers fail or warn, powell and Nelder-Mead are
    tried and the fit with the highest restricted likelihood is kept (stated in ``notes``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> g = np.repeat(np.arange(20), 10)
    >>> df = pd.DataFrame({"g": g, "t": (g % 2).astype(int)})
    >>> df["y"] = 0.5 * df["t"] + rng.normal(size=20)[g] + rng.normal(size=200)
    >>> estimate_mixed(df, "y", "t", cluster="g").se_type
    'model-based'
    """
    _check_frame(data)
    _check_alpha(alpha)
    covs = _as_names(covariates)
    _check_roles(outcome, treatment, covs, baseline)
    notes: list[str] = []
    frame, y, t, X = _linear_design(
        data, outcome, treatment, baseline, covs, notes, cluster=cluster
    )
    _check_rank(X.to_numpy(), list(X.columns), "mixed-model fixed-effects")
    groups, g = _cluster_codes(frame[cluster])
    if g < 2:
        raise EstimationError(
            f"cluster column {cluster!r} has {g} cluster; a random intercept needs at least 2"
        )
    if g < FEW_GROUPS:
        notes.append(
            f"Only {g} clusters in {cluster!r}: the random-intercept variance, and so the "
            "standard errors, are imprecise with fewer than about 10 clusters."
        )
    model = MixedLM(y, X, groups=groups)
    # statsmodels' default optimisers (bfgs, lbfgs, cg in turn) first; when they fail or warn,
    # also powell and Nelder-Mead, keeping the fit with the highest restricted likelihood.
    fits: list[tuple[str, Any, list[str]]] = []
    for method in ("default", "powell", "nm"):
        with _captured_warnings() as caught:
            try:
                fit = model.fit(reml=True, method=None if method == "default" else [method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                fit = None
                caught.append(f"{type(exc).__name__}: {exc}")
        fits.append((method, fit, caught))
        if fit is not None and fit.converged and not caught:
            break
    usable = [
        f for f in fits if f[1] is not None and np.isfinite(f[1].bse[treatment]) and f[1].converged
    ] or [f for f in fits if f[1] is not None and np.isfinite(f[1].params[treatment])]
    if not usable:
        raise EstimationError(
            "the mixed model could not be fitted with any optimiser: "
            + "; ".join(m for _, _, caught in fits for m in caught)
        )
    method_used, res, caught_used = max(usable, key=lambda f: f[1].llf)
    if method_used != "default":
        first = fits[0][2]
        notes.append(
            f"MixedLM refitted with the {method_used} optimiser (highest restricted likelihood)"
            + (f"; the default optimisers reported: {'; '.join(first)}" if first else "")
            + "."
        )
    if caught_used:
        notes.append(f"MixedLM ({method_used} optimiser) reported: {'; '.join(caught_used)}")
    if not res.converged:
        notes.append("The mixed model did NOT converge; treat its estimates with caution.")
    term = treatment
    es = float(res.params[term]) / _pooled_sd(y, t)
    var_re = float(np.asarray(res.cov_re)[0, 0])
    icc = var_re / (var_re + float(res.scale))
    if var_re <= 1e-8 * float(res.scale):
        notes.append(
            f"The variance between clusters of {cluster!r} is estimated at zero (the boundary): "
            "the clusters show no extra similarity and the model reduces to ordinary least "
            "squares."
        )
    notes.append(f"Intraclass correlation (conditional on the fixed effects): {icc:.3f}.")
    sd = _pooled_sd(y, t)
    return _build_effect(
        estimate=float(res.params[term]), se=float(res.bse[term]), df=math.inf, alpha=alpha,
        n=int(y.size), n_treated=int((t == 1).sum()), n_control=int((t == 0).sum()),
        design="mixed", outcome=outcome, treatment=treatment, se_type="model-based",
        se_note=(
            f"Model-based standard errors of a linear mixed model (REML) with a random intercept "
            f"for each {cluster} ({g} clusters); Wald z test and normal-based interval, no "
            "small-sample (Kenward-Roger) correction."
        ),
        notes=notes, effect_size=es,
        effect_size_type="estimate / pooled within-group SD of the outcome (no correction)",
        results=res, details={"icc": icc, "n_clusters": g}, p_value=float(res.pvalues[term]),
        sensitivity_dof=float(y.size - X.shape[1]), sensitivity_sd=sd,
    )  # fmt: skip
