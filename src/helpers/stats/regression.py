"""Difference in means and ANCOVA by least squares, with the standard errors of
:mod:`helpers.stats.estimate`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _SE_SENTENCES,
    _check_columns,
    _check_groups,
    _check_outcome_varies,
    _check_rank,
    _cluster_codes,
    _cluster_notes,
    _covariate_matrix,
    _cr1_sentence,
    _drop_missing,
    _fit_ls,
    _pooled_sd,
    _to_float,
    _to_treatment,
)
from helpers.stats.effect import Effect, _effect_from_regression


def _linear_design(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    baseline: str | None,
    covs: tuple[str, ...],
    notes: list[str],
    *,
    cluster: str | None = None,
    weights: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """Check the columns, drop incomplete rows (stated in ``notes``) and build the design
    matrix Intercept + treatment (+ baseline) (+ covariates) shared by OLS/WLS and MixedLM.

    Returns the complete-case frame, the outcome, the 0/1 treatment and the matrix.
    """
    roles: dict[str, list[str]] = {"outcome": [outcome], "treatment": [treatment]}
    if baseline is not None:
        roles["baseline"] = [baseline]
    if covs:
        roles["covariate"] = list(covs)
    if cluster is not None:
        roles["cluster"] = [cluster]
    if weights is not None:
        roles["weights"] = [weights]
    _check_columns(data, roles)
    frame = _drop_missing(data, roles, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    X = pd.DataFrame({"Intercept": np.ones_like(y), treatment: t})
    if baseline is not None:
        X[baseline] = _to_float(frame[baseline], "baseline")
    if covs:
        C = _covariate_matrix(frame, covs)
        for name in C.columns:
            if name in X.columns:
                raise ConfigError(f"covariate {name!r} clashes with another model term")
            X[name] = C[name].to_numpy()
    return frame, y, t, X


def _regression(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    design: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str | None,
    weights: str | None,
    se: str,
    alpha: float,
) -> Effect:
    notes: list[str] = []
    frame, y, t, X = _linear_design(
        data, outcome, treatment, baseline, covs, notes, cluster=cluster, weights=weights
    )
    _check_rank(X.to_numpy(), list(X.columns), design)
    if X.shape[0] <= X.shape[1]:
        raise EstimationError(
            f"{X.shape[0]} rows cannot estimate {X.shape[1]} coefficients; need more rows"
        )
    w = None
    if weights is not None:
        w = _to_float(frame[weights], "weights")
        if (w <= 0).any():
            raise EstimationError(f"weights column {weights!r} must be strictly positive")
    groups = None
    if cluster is not None:
        se_type = "CR1"
        groups, g = _cluster_codes(frame[cluster])
        _cluster_notes(g, cluster, notes)
    else:
        se_type = "HC2" if se == "robust" else se
    res = _fit_ls(y, X, w=w, se_type=se_type, groups=groups, notes=notes)
    n, k = X.shape
    if se_type == "CR1":
        se_note = _cr1_sentence(cluster or "", g, n, k)
    else:
        welch = ""
        if k == 2 and w is None:
            welch = {
                "classical": " (for a difference in means: Student's pooled-variance t test)",
                "HC2": " (for a difference in means: Welch's standard error)",
            }.get(se_type, "")
        se_note = _SE_SENTENCES[se_type].format(df=n - k, welch=welch)
    if w is not None:
        se_note = se_note[:-1] + f"; weighted least squares with weights {weights!r}."
    if design == "diff" and w is None:
        n_all = y.size
        es = float(res.params[treatment]) / _pooled_sd(y, t) * (1 - 3 / (4 * n_all - 9))
        es_type = "Hedges' g (difference / pooled SD, times 1 - 3/(4N - 9))"
    else:
        es = float(res.params[treatment]) / _pooled_sd(y, t)
        es_type = "estimate / pooled within-group SD of the outcome (no correction)"
    return _effect_from_regression(
        res, term=treatment, y=y, t=t, design=design, outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type=es_type,
    )  # fmt: skip
