"""Stacked M-estimation: the propensity model, its scores, and the sandwich variance of a
parameter vector defined by estimating equations. Private to :mod:`helpers.stats`.

The weighting designs stack the propensity model's score equations with the equations of the
means they weight, so that the variance accounts for the estimated propensity score (Lunceford
& Davidian 2004; Stata's ``teffects`` and statsmodels' ``TreatmentEffect`` do the same).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.discrete.discrete_model import Logit, Probit

from helpers.core.errors import EstimationError
from helpers.stats._common import _captured_warnings, _check_rank

#: Relative step of the central differences of the Jacobian.
_STEP = 1e-6


def _ps_prob(Z: np.ndarray, gamma: np.ndarray, model: str) -> np.ndarray:
    xb = Z @ gamma
    return special.expit(xb) if model == "logit" else stats.norm.cdf(xb)


def _ps_scores(Z: np.ndarray, t: np.ndarray, gamma: np.ndarray, model: str) -> np.ndarray:
    """Per-row score of the Bernoulli log likelihood of the logit or probit model."""
    xb = Z @ gamma
    if model == "logit":
        return Z * (t - special.expit(xb))[:, None]
    p = np.clip(stats.norm.cdf(xb), 1e-300, 1 - 1e-16)
    return Z * (stats.norm.pdf(xb) * (t - p) / (p * (1 - p)))[:, None]


def _fit_propensity(
    t: np.ndarray, Z: pd.DataFrame, model: str, notes: list[str] | None
) -> tuple[np.ndarray, np.ndarray, Any]:
    """Fit P(T = 1 | Z) by maximum likelihood (statsmodels Logit/Probit; Z has the intercept).

    Returns the scores, the coefficients and the statsmodels results; warnings become notes.
    """
    _check_rank(Z.to_numpy(), list(Z.columns), "propensity-score")
    cls = Logit if model == "logit" else Probit
    with _captured_warnings() as caught:
        try:
            res = cls(t, Z).fit(disp=0, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise EstimationError(
                f"the propensity model ({model}) could not be fitted: {exc}"
            ) from None
    if notes is not None:
        notes.extend(f"propensity model: {m}" for m in caught)
        if not res.mle_retvals.get("converged", True):
            notes.append(f"The propensity model ({model}) did not converge.")
    p = np.asarray(res.predict(Z), dtype=float)
    return p, np.asarray(res.params, dtype=float), res


def _sum_by_group(psi: np.ndarray, groups: np.ndarray) -> np.ndarray:
    n_groups = int(groups.max()) + 1
    out = np.zeros((n_groups, psi.shape[1]))
    np.add.at(out, groups, psi)
    return out


def sandwich(
    moments: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    *,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Covariance of ``theta`` solving ``sum_i psi_i(theta) = 0``: ``A^-1 B A^-T``.

    ``A = sum_i d psi_i / d theta`` (central differences with step ``1e-6 max(1, |theta_j|)``),
    ``B = sum_i psi_i psi_i'``, no small-sample factor (as Stata's ``teffects`` and
    statsmodels' GMM with HC0); clustered: ``B = sum_g s_g s_g'`` with ``s_g`` the sum of
    ``psi_i`` in cluster g, times ``G/(G-1)``.
    """
    psi = moments(theta)
    k = theta.size
    A = np.empty((k, k))
    for j in range(k):
        h = _STEP * max(1.0, abs(float(theta[j])))
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        A[:, j] = (moments(up).sum(axis=0) - moments(down).sum(axis=0)) / (2 * h)
    if groups is None:
        B = psi.T @ psi
        factor = 1.0
    else:
        s = _sum_by_group(psi, groups)
        g = s.shape[0]
        B = s.T @ s
        factor = g / (g - 1)
    try:
        A_inv = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        raise EstimationError(
            "the estimating equations are singular (a covariate may be constant within a "
            "treatment group, or the propensity scores reach 0 or 1)"
        ) from None
    return factor * A_inv @ B @ A_inv.T
