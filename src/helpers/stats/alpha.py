"""Cronbach's alpha, and the reliability statistics of :mod:`helpers.stats` at a glance.

Layer 4: these functions know nothing of regions, files or notebooks. Each takes a DataFrame
and options and returns a small frozen result (with ``.to_frame()``) or a DataFrame.

- :func:`cronbach_alpha`: internal consistency of a multi-item scale (wide data).
- :func:`cohen_kappa`: agreement of two coders, unweighted or weighted (long data).
- :func:`fleiss_kappa`: agreement of many coders, equal number of ratings per unit (long data).
- :func:`krippendorff_alpha`: agreement of any number of coders with missing codings, at the
  nominal, ordinal, interval or ratio level (long data).
- :func:`code_agreement`: per-code agreement of multi-label qualitative coding.

Long data have one row per (unit, coder) with the value that coder gave that unit. A missing
value means "not rated"; two rows for the same (unit, coder) are an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import EstimationError
from helpers.stats._ratings import NanPolicy, _check_ci, _check_frame, _check_option, _Result

__all__ = [
    "AlphaResult",
    "cronbach_alpha",
]


# ----------------------------------------------------------------------------------------------
# Cronbach's alpha
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult(_Result):
    """Cronbach's alpha with its Feldt confidence interval.

    Attributes
    ----------
    alpha : float
        Cronbach's alpha.
    ci_low, ci_high : float
        Feldt confidence limits (not rounded).
    n : int
        Respondents (rows) used; see :func:`cronbach_alpha` Notes.
    k : int
        Items.
    ci : float
        Confidence level of the interval.
    nan_policy : str
        How missing answers were handled.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    ci: float
    nan_policy: str


def cronbach_alpha(
    items: pd.DataFrame, *, nan_policy: NanPolicy = "pairwise", ci: float = 0.95
) -> AlphaResult:
    """Cronbach's alpha of a scale, with Feldt's confidence interval.

    Parameters
    ----------
    items : pandas.DataFrame
        Wide data: one row per respondent, one numeric column per item (already
        reverse-coded where needed). Integer, nullable integer, boolean and float columns are
        accepted and cast to float64; a missing answer is ``NaN``/``pd.NA``.
    nan_policy : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"``: each covariance uses the rows where both items are answered
        (``DataFrame.cov``). ``"listwise"``: only rows with every item answered are used.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    AlphaResult
        ``alpha, ci_low, ci_high, n, k, ci, nan_policy``; ``.to_frame()`` gives one row.

    Raises
    ------
    TypeError
        ``items`` is not a DataFrame, a column is not numeric, or ``ci`` is not a number.
    ValueError
        Fewer than 2 items or fewer than 2 rows, or an unknown ``nan_policy``/``ci``.
    helpers.core.errors.EstimationError
        Fewer than 2 rows are left after listwise deletion, two items are never answered
        together, or the total score has no variance.

    Notes
    -----
    With :math:`C` the :math:`k \\times k` item covariance matrix (denominator
    :math:`n - 1`),

    .. math::

        \\alpha = \\frac{k}{k - 1}\\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}\\right).

    The confidence interval is Feldt's (Feldt, Woodruff & Salih 1987), from
    :math:`(1-\\alpha)/(1-\\hat\\alpha) \\sim F(n - 1, (n - 1)(k - 1))`:

    .. math::

        c_L = 1 - (1 - \\hat\\alpha)\\, F_{1 - \\gamma/2}, \\qquad
        c_U = 1 - (1 - \\hat\\alpha)\\, F_{\\gamma/2},

    with :math:`\\gamma = 1 - \\text{ci}` and :math:`F_q` the upper-:math:`q` quantile.
    No other small-sample correction is applied.

    Sample size :math:`n`: rows with every item missing are dropped first (they carry no
    information). With ``"pairwise"``, :math:`n` is every remaining row; with
    ``"listwise"``, :math:`n` is the number of complete rows, the rows alpha is computed
    from.

    Checked against ``pingouin.cronbach_alpha`` (which was checked against R ``psych::alpha``):
    alpha agrees to 1e-12; pingouin rounds its interval to 3 decimals, ours is not rounded and
    agrees after rounding. One deliberate difference: with ``nan_policy="listwise"`` and
    incomplete rows, pingouin (like ``psych``) puts the number of rows *before* deletion into
    the F degrees of freedom, which makes the interval too narrow; we use the complete rows,
    so we equal ``pingouin.cronbach_alpha(items.dropna())``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297-334.

    Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement 11(1), 93-103.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats import cronbach_alpha
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 3], "q2": [2, 2, 3, 5, 4, 3],
    ...                       "q3": [1, 3, 3, 4, 5, 2]})
    >>> res = cronbach_alpha(items)
    >>> round(res.alpha, 4), round(res.ci_low, 4), round(res.ci_high, 4), res.n, res.k
    (0.9318, 0.7109, 0.9897, 6, 3)
    """
    _check_frame(items, "items")
    _check_option("nan_policy", nan_policy, NanPolicy)
    ci = _check_ci(ci)
    n_rows, k = items.shape
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items (columns), got {k}")
    if n_rows < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 rows (respondents), got {n_rows}")
    bad = [
        str(col)
        for col in items.columns
        if not (pd.api.types.is_numeric_dtype(items[col]) or pd.api.types.is_bool_dtype(items[col]))
    ]
    if bad:
        raise TypeError(
            f"every item must be numeric; not numeric: {bad} (map answer labels to scores first)"
        )
    values = pd.DataFrame(
        {
            i: items.iloc[:, i].to_numpy(dtype="float64", na_value=np.nan)
            for i in range(k)  # positional, so repeated column names are fine
        },
        index=items.index,
    )
    values = values.loc[values.notna().any(axis=1).to_numpy()]
    if nan_policy == "listwise":
        values = values.dropna(axis=0, how="any")
    n = len(values)
    if n < 2:
        raise EstimationError(
            f"Cronbach's alpha needs at least 2 rows with answers ({nan_policy} deletion left {n})"
        )
    cov = values.cov()
    if cov.isna().to_numpy().any():
        raise EstimationError(
            "some pair of items has fewer than 2 rows answered together, so their covariance "
            "is undefined; use fewer items or more respondents"
        )
    total_var = float(cov.to_numpy().sum())
    if total_var <= 0:
        raise EstimationError("the total score has no variance; Cronbach's alpha is undefined")
    alpha = (k / (k - 1)) * (1 - np.trace(cov.to_numpy()) / total_var)
    gamma = 1 - ci
    df1 = n - 1
    df2 = df1 * (k - 1)
    ci_low = 1 - (1 - alpha) * stats.f.isf(gamma / 2, df1, df2)
    ci_high = 1 - (1 - alpha) * stats.f.isf(1 - gamma / 2, df1, df2)
    return AlphaResult(
        alpha=float(alpha),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        n=int(n),
        k=int(k),
        ci=ci,
        nan_policy=nan_policy,
    )
