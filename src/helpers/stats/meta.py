"""Random-effects meta-analysis for pooling regions' effects.

Small-k defaults, as the project's design asks: REML for tau^2, Hartung-Knapp-Sidik-Jonkman
(HKSJ) intervals with t on k - 1 df, and a prediction interval with t on k - 2 df (Riley,
Higgins & Deeks 2011). Checked against the printed output of R metafor 5.1 on the BCG vaccine
trials (``tests/reference/metafor/``).
"""

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
from helpers.stats.literals import MetaCI, MetaMethod, MetaPI

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
        Pooled effect, its standard error (HKSJ-scaled under ``ci_method="hksj"``), interval at
        ``1 - alpha`` and two-sided p-value.
    statistic : float
        ``estimate / se``: a z value, or a t value on ``ci_df`` df.
    ci_df : float
        Degrees of freedom of the t distribution behind the interval (k - 1), ``inf`` for z.
    tau2, tau2_se : float
        Between-study variance (estimator in ``method``) and, for REML, its standard error
        sqrt(2 / tr(P P)) from the expected information (as metafor prints); NaN otherwise.
    i2 : float
        Share of the total variability that is between-study heterogeneity, 0-1:
        tau^2 / (tau^2 + s^2), s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2), w = 1/v
        (Higgins & Thompson 2002, eq. 9; metafor's definition). Under DerSimonian-Laird it
        equals max(0, (Q - df) / Q).
    h2 : float
        (tau^2 + s^2) / s^2: total variability over sampling variability (1 = homogeneous).
    q, q_df, q_p : float, int, float
        Cochran's Q (inverse-variance weights), its df (k - 1) and chi-square p-value.
    k : int
        Number of studies.
    pi_low, pi_high : float
        Prediction interval for the true effect in a new study:
        estimate +- crit * sqrt(tau^2 + se^2) (``pi_method``); NaN when k < 3 with ``riley``.
    pi_df : float
        Degrees of freedom of that interval's t (k - 2 for ``riley``), ``inf`` for z.
    hksj_factor : float
        The HKSJ scale s_w^2 = sum w_i (y_i - mu)^2 / (k - 1) (w_i = 1 / (v_i + tau^2)) by which
        the model variance 1 / sum w_i is multiplied; after truncation at 1 for
        ``hksj_adhoc``; NaN for z intervals.
    method, ci_method, pi_method : str
        tau^2 estimator, interval type and prediction-interval rule.
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
    statistic: float
    ci_df: float
    tau2_se: float
    h2: float
    pi_df: float
    pi_method: str
    hksj_factor: float
    studies: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()
    results: Any = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row with every field except ``studies`` and ``results``.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> m = random_effects_meta(pd.DataFrame({"estimate": [0.3, 0.1, 0.5],
        ...                                       "se": [0.1, 0.15, 0.12]}))
        >>> row = m.to_frame().iloc[0]
        >>> int(row["k"]), row["method"], row["ci_method"], row["pi_method"]
        (3, 'reml', 'hksj', 'riley')
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


def _tau2_statsmodels(
    y: np.ndarray, v: np.ndarray, method: str, labels: list[str], notes: list[str]
) -> tuple[float, Any]:
    """DerSimonian-Laird or Paule-Mandel tau^2 from statsmodels' ``combine_effects``."""
    with _captured_warnings() as caught:
        # Paule-Mandel: statsmodels' default tolerance (atol=1e-5) is loose; tighten it
        extra = {} if method == "dl" else {"atol": 1e-12, "maxiter": 1000}
        results = combine_effects(
            y, v, method_re="dl" if method == "dl" else "iterated", row_names=labels,
            use_t=False, **extra,
        )  # fmt: skip
    notes.extend(f"statsmodels warning: {m}" for m in caught)
    tau2 = float(results.tau2)
    if tau2 < 0:
        # statsmodels 0.15 returns the untruncated moment estimate when Q < k - 1;
        # DerSimonian-Laird (and Paule-Mandel) truncate tau^2 at zero by definition.
        notes.append(f"tau^2 estimate {tau2:.4g} < 0 truncated at 0 (Q < k - 1).")
        tau2 = 0.0
    return tau2, results


def _heterogeneity(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float, float]:
    """Cochran's Q, I^2 and H^2 (metafor's tau^2-based definitions)."""
    k = y.size
    wf = 1 / v
    mu_f = np.sum(wf * y) / np.sum(wf)
    q = float(np.sum(wf * (y - mu_f) ** 2))
    s2 = (k - 1) * np.sum(wf) / (np.sum(wf) ** 2 - np.sum(wf**2))
    return q, float(tau2 / (tau2 + s2)), float((tau2 + s2) / s2)


def random_effects_meta(
    data: pd.DataFrame,
    *,
    estimate: str = "estimate",
    se: str = "se",
    label: str | None = None,
    method: MetaMethod = "reml",
    ci_method: MetaCI = "hksj",
    pi_method: MetaPI = "riley",
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
    method : {"reml", "pm", "dl"}
        Between-study variance tau^2: ``reml`` restricted maximum likelihood (default;
        fixed-point iteration of Viechtbauer 2005, as metafor's ``method="REML"``), ``pm``
        Paule-Mandel (statsmodels ``combine_effects(method_re="iterated")``), ``dl``
        DerSimonian-Laird (statsmodels ``method_re="dl"``). Negative moment estimates are
        truncated at 0.
    ci_method : {"hksj", "hksj_adhoc", "z"}
        ``hksj`` (default): Hartung-Knapp-Sidik-Jonkman, se^2 = s_w^2 / sum w_i with
        s_w^2 = sum w_i (y_i - mu)^2 / (k - 1), and t with k - 1 df; s_w^2 is *not* truncated,
        so the interval can be narrower than the z interval when the studies agree more than
        their standard errors predict (metafor's ``test="knha"``, its default rule).
        ``hksj_adhoc``: the same with s_w^2 truncated below at 1, so that the standard error is
        never smaller than the unadjusted one (Knapp & Hartung 2003's ad hoc variant; Jackson
        et al. 2017, sec. 4.3; metafor's ``test="adhoc"``). ``z``: normal interval with
        se = sqrt(1 / sum w_i).
    pi_method : {"riley", "metafor"}
        Prediction interval estimate +- crit * sqrt(tau^2 + se^2), se as in the interval above.
        ``riley`` (default): crit from t with k - 2 df (Higgins, Thompson & Spiegelhalter 2009;
        Riley et al. 2011; metafor's ``predict(res, predtype="Riley")``); NaN when k < 3.
        ``metafor``: metafor's ``predict()`` default, the interval's own distribution (z, or t
        with k - 1 df under HKSJ), so that it equals the confidence interval when tau^2 = 0.
    alpha : float
        Significance level.

    Returns
    -------
    MetaResult

    Notes
    -----
    Weights w_i = 1 / (v_i + tau^2); mu = sum w_i y_i / sum w_i. Checked against metafor 5.1's
    printed output on the 13 BCG trials (log risk ratios): ``rma(yi, vi, method="REML")``,
    ``rma(..., test="knha")`` and ``predict()`` agree to every printed digit
    (``tests/test_meta.py``); DL and PM against metafor numbers recorded in statsmodels' tests.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"estimate": [0.3, 0.1, 0.5], "se": [0.1, 0.15, 0.12]})
    >>> m = random_effects_meta(d)
    >>> round(m.estimate, 4), m.ci_df, m.pi_df
    (0.3133, 2.0, 1.0)
    >>> round(random_effects_meta(d, method="dl", ci_method="z").estimate, 4)
    0.3135
    """
    _check_frame(data)
    _check_option("method", method, MetaMethod)
    _check_option("ci_method", ci_method, MetaCI)
    _check_option("pi_method", pi_method, MetaPI)
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
    tau2_se = float("nan")
    if method in ("dl", "pm"):
        tau2, results = _tau2_statsmodels(y, v, method, labels, notes)
    else:
        wf = 1 / v
        mu_f = np.sum(wf * y) / np.sum(wf)
        q0 = np.sum(wf * (y - mu_f) ** 2)
        dl = max(0.0, (q0 - (k - 1)) / (np.sum(wf) - np.sum(wf**2) / np.sum(wf)))
        tau2, converged = _tau2_reml(y, v, dl)
        if not converged:
            notes.append("The REML iteration for tau^2 did not converge.")
        w = 1 / (v + tau2)
        p_mat = np.diag(w) - np.outer(w, w) / np.sum(w)
        tau2_se = float(math.sqrt(2 / np.sum(p_mat * p_mat)))
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se_mu = float(math.sqrt(1 / np.sum(w)))
    factor = float("nan")
    if ci_method in ("hksj", "hksj_adhoc"):
        factor = float(np.sum(w * (y - mu) ** 2) / (k - 1))
        if ci_method == "hksj_adhoc" and factor < 1:
            factor = 1.0
        se_mu = float(math.sqrt(factor / np.sum(w)))
        ci_df = float(k - 1)
        dist = stats.t(ci_df)
    else:
        ci_df = math.inf
        dist = stats.norm()
    crit = float(dist.ppf(1 - alpha / 2))
    statistic = mu / se_mu if se_mu > 0 else float("nan")
    p_value = float(2 * dist.sf(abs(statistic))) if se_mu > 0 else float("nan")
    q, i2, h2 = _heterogeneity(y, v, tau2)
    if pi_method == "riley":
        pi_df = float(k - 2)
        pi_crit = float(stats.t.ppf(1 - alpha / 2, pi_df)) if k >= 3 else float("nan")
    else:
        pi_df, pi_crit = ci_df, crit
    half = pi_crit * math.sqrt(tau2 + se_mu**2)
    if k < 5:
        notes.append(
            f"Only {k} studies: tau^2 and I^2 are very imprecise"
            + ("; ci_method='hksj' gives a more honest interval." if ci_method == "z" else ".")
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
            "weight_fixed": (1 / v) / (1 / v).sum(),
        }
    )
    return MetaResult(
        estimate=mu,
        se=se_mu,
        ci_low=mu - crit * se_mu,
        ci_high=mu + crit * se_mu,
        p_value=p_value,
        tau2=float(tau2),
        i2=i2,
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        k=k,
        pi_low=mu - half,
        pi_high=mu + half,
        method=method,
        ci_method=ci_method,
        alpha=float(alpha),
        statistic=float(statistic),
        ci_df=ci_df,
        tau2_se=tau2_se,
        h2=h2,
        pi_df=pi_df,
        pi_method=pi_method,
        hksj_factor=factor,
        studies=studies,
        notes=tuple(notes),
        results=results,
    )
