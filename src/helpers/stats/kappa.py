"""Inter-rater agreement on nominal or ordinal codes: Cohen's and Fleiss' kappa."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import EstimationError
from helpers.stats._ratings import (
    FleissMethod,
    KappaWeights,
    _check_ci,
    _check_option,
    _long_ratings,
    _Result,
    _sorted_values,
)

__all__ = [
    "KappaResult",
    "FleissResult",
    "cohen_kappa",
    "fleiss_kappa",
]


# ----------------------------------------------------------------------------------------------
# Cohen's kappa
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KappaResult(_Result):
    """Cohen's kappa for two coders.

    Attributes
    ----------
    kappa : float
        Cohen's kappa (weighted if ``weights`` is set); NaN when undefined (see ``note``).
    se : float
        Asymptotic standard error of kappa (not under H0); used for the interval.
    se0 : float
        Standard error of kappa under H0: kappa = 0; used for ``z`` and ``p_value``.
    ci_low, ci_high : float
        Wald interval ``kappa -/+ z_(1 - (1 - ci)/2) * se``.
    z : float
        ``kappa / se0``.
    p_value : float
        Two-sided p-value of H0: kappa = 0 (normal approximation).
    n_units : int
        Units rated by both coders.
    observed_agreement, expected_agreement : float
        :math:`p_o` and :math:`p_e` (weighted versions when weighted).
    coders : tuple
        The two coders: first = rows of the contingency table, second = columns.
    categories : tuple
        The categories seen among the units rated by both coders, sorted.
    weights : str or None
        ``None``, ``"linear"`` or ``"quadratic"``.
    ci : float
        Confidence level of the interval.
    note : str
        Empty, or why a number is NaN.
    """

    kappa: float
    se: float
    se0: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    n_units: int
    observed_agreement: float
    expected_agreement: float
    coders: tuple[Any, ...]
    categories: tuple[Any, ...]
    weights: str | None
    ci: float
    note: str


def _choose_two_coders(long: pd.DataFrame, coders: Sequence[Any] | None) -> tuple[Any, Any]:
    present = _sorted_values(long["coder"])
    if coders is None:
        if len(present) != 2:
            raise ValueError(
                f"Cohen's kappa compares two coders; the data have {len(present)} coders "
                f"({present[:10]}). Pass coders=[a, b] to choose two, or use fleiss_kappa or "
                "krippendorff_alpha for more than two"
            )
        return present[0], present[1]
    if isinstance(coders, np.ndarray):
        coders = coders.tolist()
    if isinstance(coders, str) or not isinstance(coders, Sequence):
        raise TypeError(f"coders must be a list of two coder ids, got {type(coders).__name__}")
    if len(coders) != 2 or coders[0] == coders[1]:
        raise ValueError(f"coders must name exactly two different coders, got {list(coders)}")
    missing = [c for c in coders if c not in set(present)]
    if missing:
        raise ValueError(f"coders {missing} have no ratings in the data; coders are {present}")
    return coders[0], coders[1]


def _paired_codes(
    long: pd.DataFrame, first: Any, second: Any
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """The two coders' categories on the units both rated, as positions in ``categories``
    (the values they gave those units, sorted as :func:`_sorted_values` sorts)."""
    units, _ = pd.factorize(long["unit"])
    values, distinct = pd.factorize(long["value"])
    coder = long["coder"].to_numpy()
    by_unit = np.full((2, int(units.max(initial=-1)) + 1), -1, dtype=np.int64)
    for row, who in enumerate((first, second)):
        mine = coder == who
        by_unit[row, units[mine]] = values[mine]  # one rating per (unit, coder): checked
    pairs = by_unit[:, (by_unit >= 0).all(axis=0)]
    seen = np.unique(pairs)
    categories = _sorted_values(pd.Index(distinct).take(seen))
    order = pd.Index(distinct).take(seen).get_indexer(pd.Index(categories, dtype=object))
    position = np.empty(len(distinct), dtype=np.int64)
    position[seen[order]] = np.arange(len(seen))
    return position[pairs[0]], position[pairs[1]], categories


def _kappa_from_table(
    table: np.ndarray, agree_w: np.ndarray
) -> tuple[float, float, float, float, float]:
    """Kappa, var, var0, p_o, p_e from a contingency table and an agreement-weight matrix."""
    nobs = table.sum()
    p = table / nobs
    row = p.sum(axis=1)
    col = p.sum(axis=0)
    p_o = float((agree_w * p).sum())
    p_e = float((agree_w * np.outer(row, col)).sum())
    kappa = (p_o - p_e) / (1 - p_e)
    w_row = agree_w @ col  # wbar_i. = sum_j col_j w_ij
    w_col = row @ agree_w  # wbar_.j = sum_i row_i w_ij
    w_sum = w_row[:, None] + w_col[None, :]
    denom = (1 - p_e) ** 2 * nobs
    var = (
        (p * (agree_w - w_sum * (1 - kappa)) ** 2).sum() - (kappa - p_e * (1 - kappa)) ** 2
    ) / denom
    var0 = ((np.outer(row, col) * (agree_w - w_sum) ** 2).sum() - p_e**2) / denom
    return float(kappa), float(var), float(var0), p_o, p_e


def cohen_kappa(
    data: pd.DataFrame,
    *,
    unit: Hashable,
    coder: Hashable,
    value: Hashable,
    coders: Sequence[Any] | None = None,
    weights: KappaWeights = None,
    ci: float = 0.95,
) -> KappaResult:
    """Cohen's kappa (unweighted or weighted) for two coders, from long data.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per (unit, coder). A missing value means "not rated".
    unit, coder, value : column names
        The unit rated, who rated it, and the category given.
    coders : sequence of two coder ids, optional
        Which two coders to compare. Required when the data have more than two coders.
    weights : {None, "linear", "quadratic"}, default None
        ``None``: unweighted kappa (any hashable categories). ``"linear"``/``"quadratic"``:
        weighted kappa; the values must be numeric and are used as scores.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    KappaResult
        ``kappa, se, se0, ci_low, ci_high, z, p_value, n_units, observed_agreement,
        expected_agreement, coders, categories, weights, ci, note``.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame; a column name or ``coders`` of the wrong type; non-numeric
        values with ``weights``.
    ValueError
        Missing columns; missing unit or coder ids; a repeated (unit, coder); not exactly two
        coders (and ``coders`` not given); an unknown option.
    helpers.core.errors.EstimationError
        No unit is rated by both coders.

    Notes
    -----
    Only units rated by both coders are used. With :math:`p_{ij}` the share of units that
    coder 1 put in category :math:`i` and coder 2 in :math:`j`, margins :math:`p_{i.}`,
    :math:`p_{.j}`, and agreement weights :math:`w_{ij}`,

    .. math::

        p_o = \\sum_{ij} w_{ij} p_{ij}, \\quad p_e = \\sum_{ij} w_{ij} p_{i.} p_{.j}, \\quad
        \\kappa = \\frac{p_o - p_e}{1 - p_e}.

    Unweighted: :math:`w_{ij} = 1` if :math:`i = j`, else 0. With scores :math:`x_i` (the
    category values) and :math:`R = x_{max} - x_{min}`: linear (Cicchetti-Allison)
    :math:`w_{ij} = 1 - |x_i - x_j|/R`; quadratic (Fleiss-Cohen)
    :math:`w_{ij} = 1 - (x_i - x_j)^2/R^2`.

    Standard errors (Fleiss, Cohen & Everitt 1969; the SAS ``PROC FREQ`` formulas), with
    :math:`\\bar w_{i.} = \\sum_j p_{.j} w_{ij}`, :math:`\\bar w_{.j} = \\sum_i p_{i.} w_{ij}`:

    .. math::

        \\operatorname{var}(\\hat\\kappa) = \\frac{\\sum_{ij} p_{ij}\\,[w_{ij} -
        (\\bar w_{i.} + \\bar w_{.j})(1 - \\kappa)]^2 - [\\kappa - p_e (1 - \\kappa)]^2}
        {n (1 - p_e)^2}

        \\operatorname{var}_0(\\hat\\kappa) = \\frac{\\sum_{ij} p_{i.} p_{.j}\\,[w_{ij} -
        (\\bar w_{i.} + \\bar w_{.j})]^2 - p_e^2}{n (1 - p_e)^2}

    ``se`` is the square root of the first (``std_kappa``, "ASE" in SAS) and gives the
    interval; ``se0`` of the second (``std_kappa0``, "ASE under H0") gives ``z`` and the
    two-sided ``p_value``. Both are large-sample approximations; no small-sample correction
    is applied. A variance that is negative only by rounding (perfect agreement) is set to 0.

    When both coders used one and the same category only, :math:`p_e = 1` and kappa is 0/0:
    every number is NaN and ``note`` says why (agreement is perfect but carries no
    information beyond chance).

    Checked against ``statsmodels.stats.inter_rater.cohens_kappa`` on the contingency table
    (``weights=<category values>, wt="linear"|"quadratic"`` for the weighted kappa) to 1e-9,
    and against the SAS example stored in statsmodels' tests (kappa 0.4842, ASE 0.1380,
    ASE under H0 0.1484, z 3.2626). R ``irr::kappa2`` builds its weights from the *ranks* of
    the categories seen, we from their *values*; the two agree unless a value between the
    lowest and highest is never used.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats import cohen_kappa
    >>> long = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                      "coder": ["a", "b"] * 4,
    ...                      "code": ["x", "x", "y", "y", "x", "y", "y", "y"]})
    >>> res = cohen_kappa(long, unit="unit", coder="coder", value="code")
    >>> round(res.kappa, 3), res.n_units, res.observed_agreement
    (0.5, 4, 0.75)
    """
    long = _long_ratings(data, unit, coder, value)
    _check_option("weights", weights, KappaWeights)
    ci = _check_ci(ci)
    first, second = _choose_two_coders(long, coders)
    if weights is not None and not (
        pd.api.types.is_numeric_dtype(long["value"]) or pd.api.types.is_bool_dtype(long["value"])
    ):
        raise TypeError(
            f"weighted kappa (weights={weights!r}) needs numeric values in {value!r} to use as "
            f"scores, got dtype {long['value'].dtype}"
        )
    codes_1, codes_2, categories = _paired_codes(long, first, second)
    n_units = len(codes_1)
    if n_units == 0:
        raise EstimationError(
            f"no unit is rated by both coders {first!r} and {second!r}; kappa cannot be computed"
        )
    n_cat = len(categories)
    table = np.zeros((n_cat, n_cat))
    np.add.at(table, (codes_1, codes_2), 1.0)

    if weights is None:
        agree_w = np.eye(n_cat)
    else:
        scores = np.asarray(categories, dtype="float64")
        span = scores.max() - scores.min() if n_cat > 1 else 1.0
        diff = np.abs(scores[:, None] - scores[None, :]) / span
        agree_w = 1 - (diff if weights == "linear" else diff**2)

    nan = float("nan")
    if n_cat == 1:
        return KappaResult(
            kappa=nan,
            se=nan,
            se0=nan,
            ci_low=nan,
            ci_high=nan,
            z=nan,
            p_value=nan,
            n_units=n_units,
            observed_agreement=1.0,
            expected_agreement=1.0,
            coders=(first, second),
            categories=tuple(categories),
            weights=weights,
            ci=ci,
            note=(
                f"both coders used only the category {categories[0]!r}: agreement is perfect "
                "but so is chance agreement (p_e = 1), so kappa = 0/0 is undefined"
            ),
        )
    kappa, var, var0, p_o, p_e = _kappa_from_table(table, agree_w)
    var = 0.0 if -1e-12 < var < 0 else var
    var0 = 0.0 if -1e-12 < var0 < 0 else var0
    se = math.sqrt(var) if var >= 0 else nan
    se0 = math.sqrt(var0) if var0 >= 0 else nan
    z = kappa / se0 if se0 > 0 else nan
    p_value = float(2 * stats.norm.sf(abs(z))) if not math.isnan(z) else nan
    half = float(stats.norm.isf((1 - ci) / 2)) * se
    return KappaResult(
        kappa=kappa,
        se=se,
        se0=se0,
        ci_low=kappa - half,
        ci_high=kappa + half,
        z=z,
        p_value=p_value,
        n_units=n_units,
        observed_agreement=p_o,
        expected_agreement=p_e,
        coders=(first, second),
        categories=tuple(categories),
        weights=weights,
        ci=ci,
        note="" if se0 > 0 else "the standard error under H0 is 0, so z and p are undefined",
    )


# ----------------------------------------------------------------------------------------------
# Fleiss' kappa
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleissResult(_Result):
    """Fleiss' (or Randolph's) kappa for many coders.

    Attributes
    ----------
    kappa : float
        The kappa; NaN when undefined (see ``note``).
    n_units : int
        Units used (those with the modal number of ratings).
    n_raters : int
        Ratings per unit used.
    categories : tuple
        Categories (given, or seen in the data), sorted.
    note : str
        Empty, or which units were dropped and why a number is NaN.
    method : str
        ``"fleiss"`` or ``"randolph"``.
    n_units_dropped : int
        Units left out because their number of ratings differs from ``n_raters``.
    observed_agreement, expected_agreement : float
        :math:`\\bar P` and :math:`\\bar P_e`.
    """

    kappa: float
    n_units: int
    n_raters: int
    categories: tuple[Any, ...]
    note: str
    method: str
    n_units_dropped: int
    observed_agreement: float
    expected_agreement: float


def _category_codes(
    long: pd.DataFrame, categories: Sequence[Any] | None, value: Hashable
) -> tuple[list[Any], np.ndarray]:
    seen = _sorted_values(long["value"])
    if categories is None:
        cats = seen
    else:
        if isinstance(categories, str) or not isinstance(categories, Sequence | np.ndarray):
            raise TypeError(f"categories must be a list of values, got {type(categories).__name__}")
        cats = _sorted_values(list(categories))
        if len(cats) != len(categories):
            raise ValueError("categories must not repeat a value")
        unknown = [v for v in seen if v not in set(cats)]
        if unknown:
            raise ValueError(
                f"column {value!r} has values not in categories: {unknown[:10]}; "
                f"categories are {cats}"
            )
    codes = np.asarray(pd.Categorical(long["value"], categories=cats).codes)
    return cats, codes


def fleiss_kappa(
    data: pd.DataFrame,
    *,
    unit: Hashable,
    coder: Hashable,
    value: Hashable,
    method: FleissMethod = "fleiss",
    categories: Sequence[Any] | None = None,
) -> FleissResult:
    """Fleiss' kappa (or Randolph's free-marginal kappa) for many coders, from long data.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per (unit, coder). A missing value means "not rated".
    unit, coder, value : column names
        The unit rated, who rated it, and the category given (any hashable values).
    method : {"fleiss", "randolph"}, default "fleiss"
        ``"fleiss"``: chance agreement from the observed category shares (Fleiss 1971).
        ``"randolph"``: chance agreement :math:`1/q` for :math:`q` categories (Randolph 2005).
    categories : sequence, optional
        Every category a coder could choose. Matters only for ``"randolph"``, where
        :math:`q` is its length; by default the categories seen in the data.

    Returns
    -------
    FleissResult
        ``kappa, n_units, n_raters, categories, note, method, n_units_dropped,
        observed_agreement, expected_agreement``.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame; wrong types of column names or ``categories``.
    ValueError
        Missing columns; missing unit or coder ids; a repeated (unit, coder); values outside
        ``categories``; an unknown ``method``.
    helpers.core.errors.EstimationError
        No unit has at least two ratings.

    Notes
    -----
    Fleiss' kappa assumes every unit has the same number :math:`m` of ratings (the coders
    may differ from unit to unit). We take :math:`m` as the modal number of ratings per unit
    (the larger on a tie) and **drop** the units with any other number, reporting their
    count in ``n_units_dropped`` and ``note``. Use :func:`krippendorff_alpha` to keep every
    unit.

    With :math:`n_{ij}` the ratings of unit :math:`i` in category :math:`j`, :math:`N` units:

    .. math::

        P_i = \\frac{\\sum_j n_{ij}^2 - m}{m(m-1)},\\quad \\bar P = \\frac{1}{N}\\sum_i P_i,
        \\quad p_j = \\frac{\\sum_i n_{ij}}{N m}

        \\bar P_e = \\sum_j p_j^2 \\ (\\text{Fleiss}) \\quad\\text{or}\\quad 1/q
        \\ (\\text{Randolph}), \\qquad \\kappa = \\frac{\\bar P - \\bar P_e}{1 - \\bar P_e}.

    When every rating falls in one category, :math:`\\bar P = \\bar P_e = 1` and Fleiss'
    kappa is 0/0: it is returned as NaN with a ``note`` (statsmodels returns NaN silently,
    issue #4387). Randolph's kappa is then 1 if ``categories`` names two or more categories,
    and NaN (with a note) if only one category is known. Long data also avoid the mistake
    in statsmodels issue #7657 (raw ratings passed where counts were expected, giving -0.5).

    Checked against ``statsmodels.stats.inter_rater.fleiss_kappa(aggregate_raters(...)[0])``
    to 1e-9, and against Fleiss' (1971) diagnoses example as computed by R
    ``irr::kappam.fleiss``: 0.4302445.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats import fleiss_kappa
    >>> long = pd.DataFrame({"unit": [1, 1, 1, 2, 2, 2, 3, 3, 3],
    ...                      "coder": ["a", "b", "c"] * 3,
    ...                      "code": ["x", "x", "x", "y", "y", "x", "y", "y", "y"]})
    >>> res = fleiss_kappa(long, unit="unit", coder="coder", value="code")
    >>> round(res.kappa, 4), res.n_units, res.n_raters
    (0.55, 3, 3)
    """
    long = _long_ratings(data, unit, coder, value)
    _check_option("method", method, FleissMethod)
    cats, codes = _category_codes(long, categories, value)
    unit_codes, _ = pd.factorize(long["unit"])
    n_all_units = int(unit_codes.max()) + 1 if len(unit_codes) else 0
    counts = np.zeros((n_all_units, len(cats)))
    np.add.at(counts, (unit_codes, codes), 1.0)
    per_unit = counts.sum(axis=1).astype(int)
    rated = per_unit[per_unit >= 2]
    if rated.size == 0:
        raise EstimationError("no unit has ratings from two or more coders; kappa is undefined")
    sizes, freq = np.unique(rated, return_counts=True)
    m = int(sizes[freq == freq.max()].max())
    keep = per_unit == m
    counts = counts[keep]
    n_units = int(keep.sum())
    n_dropped = n_all_units - n_units
    notes = []
    if n_dropped:
        notes.append(
            f"{n_dropped} unit(s) dropped: Fleiss' kappa needs the same number of ratings per "
            f"unit and {n_units} unit(s) have the modal {m}"
        )
    p_i = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float(p_i.mean())
    if method == "fleiss":
        p_j = counts.sum(axis=0) / (n_units * m)
        p_e = float((p_j**2).sum())
    else:
        p_e = 1.0 / len(cats)
    if p_e >= 1.0 - 1e-15:
        kappa = float("nan")
        if method == "fleiss":
            notes.append(
                "every rating falls in one category: agreement is perfect but so is chance "
                "agreement (P_e = 1), so Fleiss' kappa = 0/0 is undefined"
            )
        else:
            notes.append(
                "only one category is known, so Randolph's chance agreement is 1 and kappa is "
                "undefined; pass categories= with every category coders could choose"
            )
    else:
        kappa = (p_bar - p_e) / (1 - p_e)
    return FleissResult(
        kappa=float(kappa),
        n_units=n_units,
        n_raters=m,
        categories=tuple(cats),
        note="; ".join(notes),
        method=method,
        n_units_dropped=n_dropped,
        observed_agreement=p_bar,
        expected_agreement=p_e,
    )
