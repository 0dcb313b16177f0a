"""Difference in means and ANCOVA by least squares, with the standard errors of
:mod:`helpers.stats.estimate`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _SE_SENTENCES,
    _as_names,
    _check_alpha,
    _check_columns,
    _check_frame,
    _check_groups,
    _check_option,
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
from helpers.stats.literals import RegressionSE

__all__ = [
    "estimate_diff",
    "estimate_ancova",
]


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
    moderator: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """Check the columns, drop incomplete rows (stated in ``notes``) and build the design
    matrix Intercept + treatment (+ baseline) (+ covariates) shared by OLS/WLS and MixedLM.

    Returns the complete-case frame, the outcome, the 0/1 treatment and the matrix. A
    ``moderator`` is kept in the frame (and its missing rows dropped) but not put in the matrix.
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
    if moderator is not None:
        roles["moderator"] = [moderator]
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
        se_note = _cr1_sentence(cluster or "", g, n, k, _k_text(X.columns, treatment, baseline))
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
    sd = _pooled_sd(y, t)
    if design == "diff" and w is None:
        n_all = y.size
        es = float(res.params[treatment]) / sd * (1 - 3 / (4 * n_all - 9))
        es_type = "Hedges' g (difference / pooled SD, times 1 - 3/(4N - 9))"
    else:
        es = float(res.params[treatment]) / sd
        es_type = "estimate / pooled within-group SD of the outcome (no correction)"
    return _effect_from_regression(
        res, term=treatment, y=y, t=t, design=design, outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type=es_type, sensitivity_sd=sd,
    )  # fmt: skip


def _k_text(columns: Sequence[str], treatment: str, baseline: str | None) -> str:
    """What the K of the CR1 factor counts, in words."""
    n_cov = len(columns) - 2 - (baseline is not None)
    parts = ["the intercept", "the treatment"]
    if baseline is not None:
        parts.append("the baseline")
    if n_cov:
        parts.append(f"{n_cov} covariate column{'s' if n_cov > 1 else ''}")
    return f" ({', '.join(parts[:-1])} and {parts[-1]}: every estimated coefficient)"


def _check_se_cluster(se: str, cluster: str | None, design: str) -> None:
    _check_option("se", se, RegressionSE)
    if cluster is None and se == "cluster":
        raise ConfigError(f"design={design!r}: se='cluster' needs a cluster column")
    if cluster is not None and se not in ("robust", "cluster"):
        raise ConfigError(
            f"cluster={cluster!r} was given but se={se!r} ignores clustering; "
            "use se='robust' or 'cluster', or drop cluster"
        )


def _check_roles(outcome: str, treatment: str, covs: Sequence[str], baseline: str | None) -> None:
    if treatment in covs or treatment == baseline:
        raise ConfigError(f"treatment column {treatment!r} also appears as a covariate/baseline")
    if outcome in covs or outcome == baseline:
        raise ConfigError(f"outcome column {outcome!r} also appears as a covariate/baseline")
    if len(set(covs)) != len(covs):
        raise ConfigError(f"covariates repeat a column: {list(covs)}")


def estimate_diff(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    weights: str | None = None,
    cluster: str | None = None,
    se: RegressionSE = "robust",
    alpha: float = 0.05,
) -> Effect:
    """Difference in means: OLS of the outcome on an intercept and the 0/1 treatment.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person. Not modified.
    outcome : str
        Numeric outcome column.
    treatment : str
        0/1 or boolean column, 1 = took part.
    weights : str, optional
        Column of positive analysis weights (WLS).
    cluster : str, optional
        Cluster column: CR1 cluster-robust SE with t(G-1).
    se : {"robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"}
        ``"robust"`` is HC2 (for a difference in means exactly Welch's standard error), or CR1
        when ``cluster`` is given; ``"classical"`` gives Student's pooled-variance t test.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.

    Returns
    -------
    Effect
        With ``mde`` from this SE and df, and ``sensitivity`` (robustness value, E-value).

    Notes
    -----
    Small-sample corrections: classical ``s^2 (X'X)^-1`` with ``s^2 = e'e/(N-2)``; HC1 times
    ``N/(N-K)``; HC2 ``e_i^2/(1-h_ii)``; HC3 ``e_i^2/(1-h_ii)^2``; CR1
    ``G/(G-1) (N-1)/(N-K)`` with K = 2 (intercept and treatment). p and CI from t with N-2 df
    (not Welch-Satterthwaite df), or G-1 when clustered. Effect size: Hedges' g (pooled SD,
    times ``1 - 3/(4N - 9)`` as pingouin) without weights.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 7], "t": [0, 0, 0, 1, 1, 1]})
    >>> e = estimate_diff(df, "y", "t")
    >>> round(e.estimate, 3), e.se_type
    (3.333, 'HC2')
    """
    _check_frame(data)
    _check_alpha(alpha)
    _check_se_cluster(se, cluster, "diff")
    _check_roles(outcome, treatment, (), None)
    return _regression(data, outcome, treatment, "diff", (), None, cluster, weights, se, alpha)


def estimate_ancova(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    baseline: str | None = None,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    cluster: str | None = None,
    se: RegressionSE = "robust",
    alpha: float = 0.05,
) -> Effect:
    """ANCOVA: OLS of the outcome on the treatment, the baseline and covariates.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person. Not modified.
    outcome : str
        Numeric outcome column (the post-test).
    treatment : str
        0/1 or boolean column, 1 = took part.
    baseline : str, optional
        Pre-programme outcome (a covariate).
    covariates : sequence of str
        Adjustment columns. Numbers and booleans enter as they are; text and categorical
        columns as dummies for all levels but the first. A baseline or a covariate is needed.
    weights : str, optional
        Column of positive analysis weights (WLS).
    cluster : str, optional
        Cluster column: CR1 cluster-robust SE with t(G-1).
    se : {"robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"}
        ``"robust"`` is HC2, or CR1 when ``cluster`` is given.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.

    Returns
    -------
    Effect
        With ``mde`` from this SE and df, and ``sensitivity`` (robustness value, E-value).

    Notes
    -----
    Small-sample corrections as :func:`estimate_diff`, with K = every estimated coefficient
    (intercept, treatment, baseline, covariate columns) in ``N - K`` and in CR1's
    ``G/(G-1) (N-1)/(N-K)``. Effect size: estimate / pooled within-group SD of the outcome.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"t": np.repeat([0, 1], 50), "pre": rng.normal(size=100)})
    >>> df["post"] = df["pre"] + 0.5 * df["t"] + rng.normal(scale=0.5, size=100)
    >>> e = estimate_ancova(df, "post", "t", baseline="pre")
    >>> round(e.estimate, 2), e.se_type
    (0.43, 'HC2')
    """
    _check_frame(data)
    _check_alpha(alpha)
    covs = _as_names(covariates)
    _check_se_cluster(se, cluster, "ancova")
    _check_roles(outcome, treatment, covs, baseline)
    if not covs and baseline is None:
        raise ConfigError(
            "design='ancova' needs a baseline or covariates; without them use design='diff'"
        )
    return _regression(
        data, outcome, treatment, "ancova", covs, baseline, cluster, weights, se, alpha
    )
