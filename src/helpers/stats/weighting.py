"""Inverse-probability weighting: propensity scores, ATT/ATE weights and the weighted
difference in means."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _SE_SENTENCES,
    _as_names,
    _captured_warnings,
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
from helpers.stats.literals import Estimand

__all__ = [
    "PropensityWeights",
    "ipw_weights",
]


# --------------------------------------------------------------------------------------------
# inverse probability weighting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropensityWeights:
    """Propensity scores and inverse-probability weights, aligned with the caller's rows.

    Attributes
    ----------
    propensity : pandas.Series
        Estimated P(treatment = 1 | covariates), same index as ``data``; NaN where a used
        column was missing.
    weights : pandas.Series
        Weights for the ``estimand``; NaN where trimmed or missing (these rows are not used).
    trimmed : pandas.Series
        True where the score lay outside ``[trim, 1 - trim]``.
    n_trimmed : int
        Number of rows trimmed.
    estimand : str
        ``"ATT"`` or ``"ATE"``.
    trim : float
        The trimming threshold.
    notes : tuple of str
        Dropped rows, trimming, warnings of the Logit fit, effective sample size.
    results : object
        statsmodels Logit results of the propensity model.
    """

    propensity: pd.Series = field(repr=False)
    weights: pd.Series = field(repr=False)
    trimmed: pd.Series = field(repr=False)
    n_trimmed: int
    estimand: str
    trim: float
    notes: tuple[str, ...]
    results: Any = field(default=None, repr=False, compare=False)


def _logit_scores(
    t: np.ndarray, Z: pd.DataFrame, notes: list[str] | None
) -> tuple[np.ndarray, Any]:
    exog = pd.concat([pd.DataFrame({"Intercept": np.ones(len(t))}), Z], axis=1)
    _check_rank(exog.to_numpy(), list(exog.columns), "propensity-score")
    with _captured_warnings() as caught:
        try:
            res = sm.Logit(t, exog).fit(disp=0, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise EstimationError(
                f"the propensity model (Logit) could not be fitted: {exc}"
            ) from None
    if notes is not None:
        notes.extend(f"propensity model: {m}" for m in caught)
        if not res.mle_retvals.get("converged", True):
            notes.append("The propensity model (Logit) did not converge.")
    return np.asarray(res.predict(exog), dtype=float), res


def _weights_from_scores(t: np.ndarray, p: np.ndarray, estimand: str) -> np.ndarray:
    if estimand == "ATT":
        return np.where(t == 1, 1.0, p / (1 - p))
    return np.where(t == 1, 1.0 / p, 1.0 / (1 - p))


def ipw_weights(
    data: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    *,
    estimand: Estimand = "ATT",
    trim: float = 0.01,
) -> PropensityWeights:
    """Propensity scores (statsmodels Logit) and inverse-probability weights.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified; the returned Series carry its index.
    treatment : str
        0/1 or boolean treatment column.
    covariates : sequence of str
        Columns of the propensity model (an intercept is added; categories become dummies).
    estimand : {"ATT", "ATE"}
        ATT: treated 1, controls p/(1-p). ATE: treated 1/p, controls 1/(1-p).
    trim : float
        Rows with score outside ``[trim, 1 - trim]`` get weight NaN (dropped); in ``[0, 0.5)``.

    Returns
    -------
    PropensityWeights

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=200)})
    >>> df["t"] = (rng.random(200) < 1 / (1 + np.exp(-df["x"]))).astype(int)
    >>> w = ipw_weights(df, "t", ["x"])
    >>> bool(w.weights[df["t"] == 1].dropna().eq(1).all())
    True
    """
    _check_frame(data)
    _check_option("estimand", estimand, Estimand)
    if not isinstance(trim, int | float) or not 0 <= trim < 0.5:
        raise ConfigError(f"trim={trim!r} must be a number in [0, 0.5)")
    covs = _as_names(covariates)
    if not covs:
        raise ConfigError("ipw_weights needs at least one covariate")
    roles = {"treatment": [treatment], "covariate": list(covs)}
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    p, res = _logit_scores(t, _covariate_matrix(frame, covs), notes)
    keep = (p >= trim) & (p <= 1 - trim)
    _trim_note(keep, t, trim, notes)
    return _propensity_weights(data, roles, p, keep, t, estimand, trim, res, notes)


def _trim_note(keep: np.ndarray, t: np.ndarray, trim: float, notes: list[str]) -> None:
    n_trim = int((~keep).sum())
    if n_trim:
        notes.append(
            f"{n_trim} rows trimmed: propensity score outside [{trim:g}, {1 - trim:g}] "
            f"({int((~keep & (t == 1)).sum())} treated, {int((~keep & (t == 0)).sum())} "
            "untreated); the estimate refers to the rows with overlap."
        )


def _ipw(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str | None,
    se: str,
    alpha: float,
    trim: float,
    estimand: str,
    n_boot: int,
    seed: int | None,
) -> Effect:
    ps_covs = ((baseline,) if baseline is not None else ()) + covs
    roles: dict[str, list[str]] = {
        "outcome": [outcome],
        "treatment": [treatment],
        "covariate": list(ps_covs),
    }
    if cluster is not None:
        roles["cluster"] = [cluster]
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    Z = _covariate_matrix(frame, ps_covs)
    p, logit_res = _logit_scores(t, Z, notes)
    keep = (p >= trim) & (p <= 1 - trim)
    _trim_note(keep, t, trim, notes)
    yk, tk, pk = y[keep], t[keep], p[keep]
    _check_groups(tk, treatment)
    w = _weights_from_scores(tk, pk, estimand)
    wc = w[tk == 0]
    notes.append(
        f"Effective sample size of the weighted controls (Kish): {wc.sum() ** 2 / (wc**2).sum():.1f} "
        f"of {wc.size}."
    )
    X = pd.DataFrame({"Intercept": np.ones_like(yk), treatment: tk})
    groups = None
    g = 0
    if cluster is not None:
        groups, g = _cluster_codes(frame[cluster][keep])
        _cluster_notes(g, cluster, notes)
        se_type = "CR1"
    elif se == "bootstrap":
        se_type = "classical"
    else:
        se_type = "HC2" if se == "robust" else se
    res = _fit_ls(yk, X, w=w, se_type=se_type, groups=groups, notes=notes)
    ignore = (
        " These treat the weights as known, ignoring that the propensity score was estimated"
        + (
            " (conservative for the ATE)."
            if estimand == "ATE"
            else " (for the ATT this can err either way; se='bootstrap' accounts for it)."
        )
    )
    n, k = X.shape
    if se_type == "CR1":
        se_note = _cr1_sentence(cluster or "", g, n, k)[:-1] + "." + ignore
    else:
        se_note = _SE_SENTENCES[se_type].format(df=n - k, welch="")[:-1] + "." + ignore
    es = float(res.params[treatment]) / _pooled_sd(yk, tk)
    weights_obj = _propensity_weights(data, roles, p, keep, t, estimand, trim, logit_res, notes)
    details: dict[str, Any] = {"ipw": weights_obj}
    effect = _effect_from_regression(
        res, term=treatment, y=yk, t=tk, design="ipw", outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type="estimate / pooled within-group SD of the outcome (no correction)",
        details=details,
    )  # fmt: skip
    if se != "bootstrap":
        return effect
    boot, failed = _ipw_bootstrap(y, t, Z, trim, estimand, n_boot, seed)
    if failed:
        notes.append(f"{failed} of {n_boot} bootstrap replicates failed and were skipped.")
    if boot.size < 50:
        raise EstimationError(f"only {boot.size} bootstrap replicates succeeded; need at least 50")
    se_b = float(boot.std(ddof=1))
    z = stats.norm.ppf(1 - alpha / 2)
    est = effect.estimate
    details["bootstrap"] = boot
    return Effect(
        estimate=est,
        se=se_b,
        ci_low=est - z * se_b,
        ci_high=est + z * se_b,
        p_value=float(2 * stats.norm.sf(abs(est / se_b))),
        n=effect.n,
        n_treated=effect.n_treated,
        n_control=effect.n_control,
        design="ipw",
        outcome=outcome,
        treatment=treatment,
        se_type="bootstrap",
        effect_size=effect.effect_size,
        effect_size_type=effect.effect_size_type,
        assumption=effect.assumption,
        se_note=(
            f"Bootstrap standard error: SD of {boot.size} re-estimates from resampling rows "
            "within the treated and untreated groups, re-fitting the propensity model and the "
            "trimming each time; normal-based interval and p-value."
        ),
        notes=tuple(notes),
        alpha=float(alpha),
        df=math.inf,
        results=res,
        details=details,
    )


def _propensity_weights(
    data: pd.DataFrame,
    roles: Mapping[str, Sequence[str]],
    p: np.ndarray,
    keep: np.ndarray,
    t: np.ndarray,
    estimand: str,
    trim: float,
    logit_res: Any,
    notes: Sequence[str],
) -> PropensityWeights:
    """PropensityWeights aligned with ``data`` from arrays over the used rows."""
    cols = list(dict.fromkeys(c for names in roles.values() for c in names))
    used = data.loc[:, cols].notna().all(axis=1).to_numpy()
    prop_full = np.full(len(data), np.nan)
    w_full = np.full(len(data), np.nan)
    trim_full = np.zeros(len(data), dtype=bool)
    prop_full[used] = p
    w_full[used] = np.where(keep, _weights_from_scores(t, p, estimand), np.nan)
    trim_full[used] = ~keep
    return PropensityWeights(
        propensity=pd.Series(prop_full, index=data.index, name="propensity"),
        weights=pd.Series(w_full, index=data.index, name="weight"),
        trimmed=pd.Series(trim_full, index=data.index, name="trimmed"),
        n_trimmed=int((~keep).sum()),
        estimand=estimand,
        trim=float(trim),
        notes=tuple(notes),
        results=logit_res,
    )


def _ipw_bootstrap(
    y: np.ndarray,
    t: np.ndarray,
    Z: pd.DataFrame,
    trim: float,
    estimand: str,
    n_boot: int,
    seed: int | None,
) -> tuple[np.ndarray, int]:
    rng = np.random.default_rng(seed)
    idx1, idx0 = np.flatnonzero(t == 1), np.flatnonzero(t == 0)
    Zv = np.column_stack([np.ones(len(t)), Z.to_numpy(dtype=float)])
    out: list[float] = []
    failed = 0
    for _ in range(n_boot):
        idx = np.concatenate(
            [rng.choice(idx1, idx1.size, replace=True), rng.choice(idx0, idx0.size, replace=True)]
        )
        yb, tb, Zb = y[idx], t[idx], Zv[idx]
        try:
            with _captured_warnings():
                lr = sm.Logit(tb, Zb).fit(disp=0, maxiter=200)
            pb = np.asarray(lr.predict(Zb), dtype=float)
        except (np.linalg.LinAlgError, ValueError):
            failed += 1
            continue
        kb = (pb >= trim) & (pb <= 1 - trim)
        tk, yk = tb[kb], yb[kb]
        if (tk == 1).sum() == 0 or (tk == 0).sum() == 0:
            failed += 1
            continue
        wk = _weights_from_scores(tk, pb[kb], estimand)
        m1 = np.average(yk[tk == 1], weights=wk[tk == 1])
        m0 = np.average(yk[tk == 0], weights=wk[tk == 0])
        out.append(m1 - m0)
    return np.asarray(out), failed
