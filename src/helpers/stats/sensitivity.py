"""Sensitivity to hidden bias: how strong an unmeasured confounder would have to be to explain an
estimate away (the Cinelli-Hazlett robustness value and the VanderWeele-Ding E-value).

Both need only numbers every :class:`~helpers.stats.effect.Effect` has (estimate, standard
error, residual degrees of freedom, the outcome's SD), so they are written here from the
published formulas rather than taken from a package: PySensemakr's robustness-value functions
give the same numbers, but the package is unmaintained and its benchmark bounds fail under
pandas 3, and the R EValue package has no Python port.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import ConfigError
from helpers.stats._common import _check_option, _fmt
from helpers.stats.literals import Language

__all__ = [
    "partial_r2",
    "robustness_value",
    "evalue_smd",
    "Sensitivity",
    "sensitivity",
]


def _check_dof(dof: float) -> None:
    if not isinstance(dof, int | float | np.integer | np.floating) or not dof > 1:
        raise ConfigError(f"dof={dof!r} must be a number of residual degrees of freedom above 1")


def partial_r2(t_statistic: float, dof: float) -> float:
    """Partial R² of the treatment with the outcome, ``t² / (t² + dof)``.

    Parameters
    ----------
    t_statistic : float
        t statistic of the treatment coefficient.
    dof : float
        Residual degrees of freedom of the regression.

    Returns
    -------
    float
        Share of the outcome's residual variance (after the covariates) the treatment explains;
        also the partial R² with the treatment an unmeasured confounder would need to explain
        the whole residual variance of the outcome and still bring the estimate to zero
        (Cinelli & Hazlett 2020, section 4.4).

    Notes
    -----
    Checked against sensemakr's Darfur example (``partial_r2`` 0.02187309 at t = 4.18445,
    783 df).

    Examples
    --------
    >>> round(partial_r2(4.18445, 783), 5)
    0.02187
    """
    _check_dof(dof)
    t2 = float(t_statistic) ** 2
    return t2 / (t2 + float(dof))


def robustness_value(
    t_statistic: float, dof: float, *, q: float = 1.0, alpha: float | None = None
) -> float:
    """Robustness value RV_q (or RV_{q,alpha}) of Cinelli & Hazlett (2020).

    The partial R² that an unmeasured confounder would need with *both* the treatment and the
    outcome (after the covariates) to reduce the estimate by ``100 q`` percent (``q = 1``: to
    zero), or, with ``alpha``, to make its ``1 - alpha`` interval include that value.

    Parameters
    ----------
    t_statistic : float
        t statistic of the treatment coefficient.
    dof : float
        Residual degrees of freedom of the regression.
    q : float
        Share of the estimate to explain away (1 = all of it).
    alpha : float, optional
        Significance level; None gives RV_q for the point estimate.

    Returns
    -------
    float
        In [0, 1].

    Notes
    -----
    With ``f_q = q |t| / sqrt(dof)``: ``RV_q = (sqrt(f_q^4 + 4 f_q^2) - f_q^2) / 2``. With
    ``alpha``, ``f* = |t_{alpha/2, dof-1}| / sqrt(dof - 1)`` and ``f = f_q - f*``: 0 if
    ``f < 0``; ``(f_q^2 - f*^2) / (1 + f_q^2)`` if ``f_q > 1/f*`` (the constraint does not
    bind); else ``(sqrt(f^4 + 4 f^2) - f^2) / 2``; as sensemakr's ``robustness_value``.
    Checked against sensemakr's Darfur example: t = 4.18445, 783 df give RV_q = 0.1387764
    and RV_{q=1,alpha=0.05} = 0.07625797.

    Examples
    --------
    >>> round(robustness_value(4.18445, 783), 4), round(robustness_value(4.18445, 783, alpha=0.05), 4)
    (0.1388, 0.0763)
    """
    _check_dof(dof)
    if not q > 0:
        raise ConfigError(f"q={q!r} must be positive")
    fq = q * abs(float(t_statistic)) / math.sqrt(dof)
    if alpha is None:
        return 0.5 * (math.sqrt(fq**4 + 4 * fq**2) - fq**2)
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha={alpha!r} must lie strictly between 0 and 1")
    f_crit = abs(float(stats.t.ppf(alpha / 2, dof - 1))) / math.sqrt(dof - 1)
    fqa = fq - f_crit
    if fqa < 0:
        return 0.0
    if fq > 1 / f_crit:
        return (fq**2 - f_crit**2) / (1 + fq**2)
    return 0.5 * (math.sqrt(fqa**4 + 4 * fqa**2) - fqa**2)


def _evalue_rr(rr: float) -> float:
    """E-value of a risk ratio: ``RR + sqrt(RR (RR - 1))`` for RR >= 1 (its inverse below 1)."""
    if rr < 1:
        rr = 1 / rr
    return rr + math.sqrt(rr * (rr - 1))


def evalue_smd(d: float, se: float | None = None, *, true: float = 0.0) -> tuple[float, float]:
    """E-value (VanderWeele & Ding 2017) for a standardised mean difference and its CI limit.

    Parameters
    ----------
    d : float
        Standardised mean difference (estimate / SD of the outcome).
    se : float, optional
        Its standard error; without it the CI E-value is NaN.
    true : float
        The standardised difference to shift the estimate to (0: explain it away).

    Returns
    -------
    (float, float)
        The E-value of the point estimate and of the confidence limit nearer ``true`` (1 when
        the interval includes ``true``).

    Notes
    -----
    As the R EValue package's ``evalues.MD``: the difference is turned into an approximate risk
    ratio ``RR = exp(0.91 d)`` (Chinn 2000; VanderWeele 2017), the limits
    ``exp(0.91 d -+ 1.78 se)`` (1.78 = 0.91 x 1.96: a 95% interval whatever the design's alpha),
    and ``E = RR/RR_true + sqrt(RR/RR_true (RR/RR_true - 1))`` for ``RR > RR_true`` (with the
    ratios inverted below). Checked against ``evalues.MD(0.5, 0.25)``: E-values 2.529142 and
    1.110803.

    Examples
    --------
    >>> tuple(round(x, 6) for x in evalue_smd(0.5, 0.25))
    (2.529142, 1.110803)
    """
    if not np.isfinite(d):
        return float("nan"), float("nan")
    rr = math.exp(0.91 * d) / math.exp(0.91 * true)
    point = _evalue_rr(rr)
    if se is None or not np.isfinite(se):
        return point, float("nan")
    if se < 0:
        raise ConfigError(f"se={se!r} cannot be negative")
    lo = math.exp(0.91 * d - 1.78 * se) / math.exp(0.91 * true)
    hi = math.exp(0.91 * d + 1.78 * se) / math.exp(0.91 * true)
    if lo <= 1 <= hi:
        return point, 1.0
    limit = lo if rr > 1 else hi
    return point, _evalue_rr(limit)


@dataclass(frozen=True)
class Sensitivity:
    """How strong a hidden confounder would have to be to explain an estimate away.

    Attributes
    ----------
    t_statistic : float
        Estimate / SE (the design's own SE, robust or clustered).
    dof : float
        Residual degrees of freedom of the outcome model (N - K).
    partial_r2 : float
        Partial R² of the treatment with the outcome, t² / (t² + dof).
    rv_q : float
        Robustness value for the point estimate (q = 1).
    rv_qa : float
        Robustness value for significance at ``alpha``.
    alpha : float
        Level used for ``rv_qa``.
    smd, smd_se : float
        Estimate and SE divided by the outcome's SD (the E-value's input).
    evalue, evalue_ci : float
        E-values of the point estimate and of the CI limit nearer the null.
    note : str
        How the numbers were computed, in one sentence.
    """

    t_statistic: float
    dof: float
    partial_r2: float
    rv_q: float
    rv_qa: float
    alpha: float
    smd: float
    smd_se: float
    evalue: float
    evalue_ci: float
    note: str

    def text(self, language: Language = "id") -> str:
        """One plain sentence on the robustness value (and the E-value).

        Parameters
        ----------
        language : {"id", "en"}
            Bahasa Indonesia or English.

        Returns
        -------
        str

        Examples
        --------
        >>> s = sensitivity(0.09731582, 0.02325654, 783, sd=1.0)
        >>> s.text("id")[:88]
        'Faktor perancu yang tidak terukur harus menjelaskan sedikitnya 14% variasi sisa baik pad'
        """
        _check_option("language", language, Language)
        rv = f"{100 * self.rv_q:.0f}%"
        rva = f"{100 * self.rv_qa:.0f}%"
        level = f"{100 * self.alpha:g}%"
        ev = _fmt(self.evalue, language, 2)
        if language == "id":
            level = level.replace(".", ",")
            text = (
                f"Faktor perancu yang tidak terukur harus menjelaskan sedikitnya {rv} variasi sisa "
                "baik pada keikutsertaan maupun pada hasil untuk menghapus efek ini"
            )
            if self.rv_qa > 0:
                text += f" (dan sedikitnya {rva} agar efek ini tidak lagi nyata pada taraf {level})"
            else:
                text += f"; efek ini sudah tidak nyata pada taraf {level} tanpa perancu tambahan"
            return text + (
                "; perancu itu juga harus melipatgandakan peluang ikut serta dan peluang hasil "
                f"yang tinggi masing-masing sedikitnya {ev} kali (E-value)."
            )
        text = (
            f"An unmeasured confounder would have to explain at least {rv} of the residual "
            "variance of both taking part and the outcome to explain this effect away"
        )
        if self.rv_qa > 0:
            text += f" (and at least {rva} to make it no longer significant at the {level} level)"
        else:
            text += f"; it is not significant at the {level} level even without one"
        return text + (
            "; it would also have to multiply both the chance of taking part and the chance of a "
            f"high outcome by at least {ev} (E-value)."
        )

    def to_frame(self) -> pd.DataFrame:
        """One row with every field.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> sensitivity(0.5, 0.1, 100, sd=2.0).to_frame()[["rv_q", "evalue"]].round(3)
           rv_q  evalue
        0  0.39   1.822
        """
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])


def sensitivity(
    estimate: float, se: float, dof: float, *, sd: float, alpha: float = 0.05
) -> Sensitivity:
    """Robustness values, the partial R² and the E-value of one estimate.

    Parameters
    ----------
    estimate : float
        The effect in outcome units.
    se : float
        Its standard error (the design's own).
    dof : float
        Residual degrees of freedom of the outcome model.
    sd : float
        SD of the outcome used to standardise (pooled within-group SD).
    alpha : float
        Level of ``rv_qa``.

    Returns
    -------
    Sensitivity

    Notes
    -----
    The t statistic is the design's (robust or cluster-robust when the design's SE is), as
    sensemakr does for a ``fixest`` model with a clustered vcov; with classical OLS standard
    errors the numbers are exactly sensemakr's. For weighting estimators the robustness value
    reads the same t statistic against the outcome model's residual df: an approximation, since
    Cinelli & Hazlett's bound is derived for least squares.

    Examples
    --------
    >>> s = sensitivity(0.09731582, 0.02325654, 783, sd=1.0)
    >>> round(s.rv_q, 4), round(s.rv_qa, 4), round(s.partial_r2, 4)
    (0.1388, 0.0763, 0.0219)
    """
    t = float(estimate) / float(se)
    d = float(estimate) / float(sd) if sd and np.isfinite(sd) and sd > 0 else float("nan")
    d_se = float(se) / float(sd) if np.isfinite(d) else float("nan")
    ev, ev_ci = evalue_smd(d, d_se)
    return Sensitivity(
        t_statistic=t,
        dof=float(dof),
        partial_r2=partial_r2(t, dof),
        rv_q=robustness_value(t, dof),
        rv_qa=robustness_value(t, dof, alpha=alpha),
        alpha=float(alpha),
        smd=d,
        smd_se=d_se,
        evalue=ev,
        evalue_ci=ev_ci,
        note=(
            f"Robustness values (Cinelli & Hazlett 2020) from t = {t:.3f} and {dof:g} residual "
            "degrees of freedom, q = 1; E-value (VanderWeele & Ding 2017) of the standardised "
            "difference via RR = exp(0.91 d), 95% limit exp(0.91 d -+ 1.78 se) (EValue's "
            "evalues.MD)."
        ),
    )


def _nan_sensitivity_row() -> dict[str, Any]:
    """The sensitivity columns of :meth:`Effect.to_frame` when a design has none."""
    return {
        "partial_r2": float("nan"),
        "rv_q": float("nan"),
        "rv_qa": float("nan"),
        "evalue": float("nan"),
        "evalue_ci": float("nan"),
        "sensitivity_id": None,
        "sensitivity_en": None,
    }
