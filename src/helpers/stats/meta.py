"""Random-effects meta-analysis for pooling regions' effects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from helpers.core.errors import EstimationError
from helpers.stats._common import (
    _captured_warnings,
    _check_alpha,
    _check_columns,
    _check_frame,
    _check_option,
    _drop_missing,
    _to_float,
)
from helpers.stats.literals import MetaCI, MetaMethod

__all__ = [
    "MetaResult",
    "random_effects_meta",
]


# --------------------------------------------------------------------------------------------
# random-effects meta-analysis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaResult:
    """Random-effects pooled estimate over studies (e.g. regions).

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value : float
        Pooled effect, its standard error, interval at ``1 - alpha`` and p-value.
    tau2 : float
        Between-study variance (method in ``method``).
    i2 : float
        Higgins & Thompson's I^2 = max(0, (Q - df) / Q), the share of variation beyond chance.
    q, q_df, q_p : float, int, float
        Cochran's Q, its df (k - 1) and chi-square p-value (homogeneity test).
    k : int
        Number of studies.
    pi_low, pi_high : float
        Prediction interval for a new study's effect: estimate +- t_{k-2} sqrt(tau2 + se^2)
        (Higgins, Thompson & Spiegelhalter 2009); NaN when k < 3.
    method, ci_method : str
        tau^2 estimator and interval type.
    alpha : float
        Significance level.
    studies : pandas.DataFrame
        Per study: ``label``, ``estimate``, ``se``, ``ci_low``, ``ci_high`` (normal-based),
        ``weight`` (relative random-effects weight, sums to 1), ``weight_fixed``.
    notes : tuple of str
        Dropped rows and cautions.
    results : object
        statsmodels ``CombineResults`` (``dl`` and ``pm``), None for ``reml``.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    tau2: float
    i2: float
    q: float
    q_df: int
    q_p: float
    k: int
    pi_low: float
    pi_high: float
    method: str
    ci_method: str
    alpha: float
    studies: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()
    results: Any = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row with every field except ``studies`` and ``results``.

        Returns
        -------
        pandas.DataFrame
        """
        row = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("studies", "results")
        }
        row["notes"] = " | ".join(self.notes)
        return pd.DataFrame([row])


def _tau2_reml(y: np.ndarray, v: np.ndarray, start: float) -> tuple[float, bool]:
    """REML tau^2 by the fixed-point iteration of Viechtbauer (2005):
    tau2 <- sum w^2((y - mu)^2 - v) / sum w^2 + 1 / sum w, w = 1/(v + tau2), truncated at 0."""
    tau2 = max(start, 0.0)
    for _ in range(10_000):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        new = max(0.0, np.sum(w**2 * ((y - mu) ** 2 - v)) / np.sum(w**2) + 1 / np.sum(w))
        if abs(new - tau2) < 1e-12 * max(1.0, tau2):
            return float(new), True
        tau2 = new
    return float(tau2), False


def random_effects_meta(
    data: pd.DataFrame,
    *,
    estimate: str = "estimate",
    se: str = "se",
    label: str | None = None,
    method: MetaMethod = "dl",
    ci_method: MetaCI = "z",
    alpha: float = 0.05,
) -> MetaResult:
    """Pool study estimates (e.g. one per region) in a random-effects meta-analysis.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per study. Not modified.
    estimate : str
        Column of effect estimates.
    se : str
        Column of their standard errors (> 0).
    label : str, optional
        Column naming the studies (default: the row position).
    method : {"dl", "pm", "reml"}
        Between-study variance: ``dl`` DerSimonian-Laird (default; statsmodels
        ``combine_effects(method_re="dl")``), ``pm`` Paule-Mandel (``method_re="iterated"``),
        ``reml`` restricted maximum likelihood (fixed-point iteration, as metafor).
    ci_method : {"z", "hksj"}
        ``z``: normal interval with se = sqrt(1 / sum w_i), w_i = 1 / (se_i^2 + tau2).
        ``hksj``: Hartung-Knapp-Sidik-Jonkman, se^2 = sum w_i (y_i - mu)^2 / ((k - 1) sum w_i)
        and t with k - 1 df; recommended with few studies.
    alpha : float
        Significance level.

    Returns
    -------
    MetaResult

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"estimate": [0.3, 0.1, 0.5], "se": [0.1, 0.15, 0.12]})
    >>> round(random_effects_meta(d).estimate, 4)
    0.3135
    """
    _check_frame(data)
    _check_option("method", method, MetaMethod)
    _check_option("ci_method", ci_method, MetaCI)
    _check_alpha(alpha)
    roles = {"estimate": [estimate], "se": [se]}
    _check_columns(data, roles | ({"label": [label]} if label is not None else {}))
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes, also=[label] if label is not None else [])
    y = _to_float(frame[estimate], "estimate")
    s = _to_float(frame[se], "se")
    if (s <= 0).any():
        raise EstimationError(f"se column {se!r} must be positive for every study")
    k = y.size
    if k < 2:
        raise EstimationError(f"a meta-analysis needs at least 2 studies; found {k}")
    labels = frame[label].astype(str).tolist() if label is not None else [str(i) for i in range(k)]
    v = s**2
    results = None
    if method in ("dl", "pm"):
        with _captured_warnings() as caught:
            # Paule-Mandel: statsmodels' default tolerance (atol=1e-5) is loose; tighten it
            extra = {} if method == "dl" else {"atol": 1e-12, "maxiter": 1000}
            results = combine_effects(
                y, v, method_re="dl" if method == "dl" else "iterated", row_names=labels,
                alpha=alpha, use_t=False, **extra,
            )  # fmt: skip
        notes.extend(f"statsmodels warning: {m}" for m in caught)
        tau2 = float(results.tau2)
        if tau2 < 0:
            # statsmodels 0.15 returns the untruncated moment estimate when Q < k - 1;
            # DerSimonian-Laird (and Paule-Mandel) truncate tau^2 at zero by definition.
            notes.append(f"tau^2 estimate {tau2:.4g} < 0 truncated at 0 (Q < k - 1).")
            tau2 = 0.0
    else:
        wf = 1 / v
        mu_f = np.sum(wf * y) / np.sum(wf)
        q0 = np.sum(wf * (y - mu_f) ** 2)
        dl = max(0.0, (q0 - (k - 1)) / (np.sum(wf) - np.sum(wf**2) / np.sum(wf)))
        tau2, converged = _tau2_reml(y, v, dl)
        if not converged:
            notes.append("The REML iteration for tau^2 did not converge.")
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se_mu = float(math.sqrt(1 / np.sum(w)))
    if ci_method == "hksj":
        se_mu = float(math.sqrt(np.sum(w * (y - mu) ** 2) / ((k - 1) * np.sum(w))))
        dist = stats.t(k - 1)
    else:
        dist = stats.norm()
    crit = float(dist.ppf(1 - alpha / 2))
    p_value = float(2 * dist.sf(abs(mu / se_mu))) if se_mu > 0 else float("nan")
    wf = 1 / v
    mu_f = np.sum(wf * y) / np.sum(wf)
    q = float(np.sum(wf * (y - mu_f) ** 2))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    if k >= 3:
        half = float(stats.t.ppf(1 - alpha / 2, k - 2)) * math.sqrt(tau2 + se_mu**2)
        pi = (mu - half, mu + half)
    else:
        pi = (float("nan"), float("nan"))
    if k < 5:
        notes.append(
            f"Only {k} studies: tau^2 and I^2 are very imprecise; ci_method='hksj' gives a more "
            "honest interval."
        )
    z = float(stats.norm.ppf(1 - alpha / 2))
    studies = pd.DataFrame(
        {
            "label": labels,
            "estimate": y,
            "se": s,
            "ci_low": y - z * s,
            "ci_high": y + z * s,
            "weight": w / w.sum(),
            "weight_fixed": wf / wf.sum(),
        }
    )
    return MetaResult(
        estimate=mu,
        se=se_mu,
        ci_low=mu - crit * se_mu,
        ci_high=mu + crit * se_mu,
        p_value=p_value,
        tau2=float(tau2),
        i2=float(i2),
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        k=k,
        pi_low=float(pi[0]),
        pi_high=float(pi[1]),
        method=method,
        ci_method=ci_method,
        alpha=float(alpha),
        studies=studies,
        notes=tuple(notes),
        results=results,
    )
