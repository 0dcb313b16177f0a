"""Mixed models for nested data: a random intercept per cluster (statsmodels MixedLM)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.core.errors import EstimationError
from helpers.stats._common import (
    FEW_CLUSTERS,
    _captured_warnings,
    _check_rank,
    _cluster_codes,
    _pooled_sd,
)
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.effect import Effect
from helpers.stats.regression import _linear_design


def _mixed(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str,
    alpha: float,
) -> Effect:
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
    if g < FEW_CLUSTERS:
        notes.append(
            f"Only {g} clusters in {cluster!r}: the random-intercept variance, and so the "
            "standard errors, are imprecise with fewer than about 10 clusters."
        )
    model = sm.MixedLM(y, X, groups=groups)
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
    ci = np.asarray(res.conf_int(alpha=alpha).loc[term], dtype=float)
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
    return Effect(
        estimate=float(res.params[term]),
        se=float(res.bse[term]),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        p_value=float(res.pvalues[term]),
        n=int(y.size),
        n_treated=int((t == 1).sum()),
        n_control=int((t == 0).sum()),
        design="mixed",
        outcome=outcome,
        treatment=treatment,
        se_type="model-based",
        effect_size=es,
        effect_size_type="estimate / pooled within-group SD of the outcome (no correction)",
        assumption=ASSUMPTIONS["mixed"]["en"],
        se_note=(
            f"Model-based standard errors of a linear mixed model (REML) with a random intercept "
            f"for each {cluster} ({g} clusters); Wald z test and normal-based interval, no "
            "small-sample (Kenward-Roger) correction."
        ),
        notes=tuple(notes),
        alpha=float(alpha),
        df=math.inf,
        results=res,
        details={"icc": icc, "n_clusters": g},
    )
