"""Reliability of scales and agreement between coders.

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

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields
from numbers import Real
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from helpers.errors import EstimationError

__all__ = [
    "NanPolicy",
    "KappaWeights",
    "FleissMethod",
    "KrippendorffLevel",
    "AlphaResult",
    "KappaResult",
    "FleissResult",
    "KrippendorffResult",
    "cronbach_alpha",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "code_agreement",
]

# ----------------------------------------------------------------------------------------------
# Options: one Literal each; the checker reads the allowed values from it.
# ----------------------------------------------------------------------------------------------

NanPolicy = Literal["pairwise", "listwise"]
KappaWeights = Literal[None, "linear", "quadratic"]
FleissMethod = Literal["fleiss", "randolph"]
KrippendorffLevel = Literal["nominal", "ordinal", "interval", "ratio"]

OVERALL = "__overall__"


def _check_option(name: str, value: object, options: Any) -> None:
    """Raise unless ``value`` is one of the values of the ``Literal`` ``options``."""
    allowed = get_args(options)
    if value is not None and not isinstance(value, str):
        raise TypeError(
            f"{name} must be one of {list(allowed)}, got an object of type {type(value).__name__}"
        )
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")


def _check_frame(data: object, name: str = "data") -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")


def _check_ci(ci: object) -> float:
    if isinstance(ci, bool) or not isinstance(ci, Real):
        raise TypeError(f"ci must be a number between 0 and 1, got {type(ci).__name__}")
    ci = float(ci)
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1 (e.g. 0.95), got {ci}")
    return ci


def _check_columns(data: pd.DataFrame, **columns: Hashable) -> None:
    for role, column in columns.items():
        if not isinstance(column, Hashable) or column is None:
            raise TypeError(f"{role} must be a column name, got {type(column).__name__}")
        if column not in data.columns:
            raise ValueError(
                f"{role}={column!r} is not a column of the data; columns are {list(data.columns)}"
            )
    names = list(columns.values())
    if len(set(names)) != len(names):
        raise ValueError(
            "the columns must all be different, got "
            + ", ".join(f"{role}={col!r}" for role, col in columns.items())
        )


def _sorted_values(values: Sequence[Any] | np.ndarray | pd.Series) -> list[Any]:
    """Distinct values, sorted (numbers numerically; mixed types by type name then text)."""
    uniq = pd.unique(pd.Series(values, dtype=object) if isinstance(values, list) else values)
    items = [v.item() if isinstance(v, np.generic) else v for v in list(uniq)]
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda v: (type(v).__name__, str(v)))


def _long_ratings(
    data: pd.DataFrame, unit: Hashable, coder: Hashable, value: Hashable
) -> pd.DataFrame:
    """Check long data and return a new frame with columns ``unit, coder, value``.

    Rows with a missing value are dropped (not rated). Missing unit or coder ids, and two rows
    for the same (unit, coder), are errors.
    """
    _check_frame(data)
    _check_columns(data, unit=unit, coder=coder, value=value)
    long = (
        data.loc[:, [unit, coder, value]]
        .set_axis(["unit", "coder", "value"], axis=1)
        .reset_index(drop=True)
    )
    for role, column in (("unit", unit), ("coder", coder)):
        n_missing = int(long[role].isna().sum())
        if n_missing:
            raise ValueError(
                f"{role} column {column!r} has {n_missing} missing value(s); every rating must "
                f"name its {role}"
            )
    long = long.loc[long["value"].notna()]
    duplicated = long.duplicated(subset=["unit", "coder"], keep=False)
    if duplicated.any():
        pairs = long.loc[duplicated, ["unit", "coder"]].drop_duplicates().head(5)
        shown = ", ".join(f"({u!r}, {c!r})" for u, c in pairs.itertuples(index=False))
        raise ValueError(
            f"{int(duplicated.sum())} rows repeat a ({unit!r}, {coder!r}) pair, e.g. {shown}; "
            "each coder may rate each unit once"
        )
    return long.reset_index(drop=True)


class _Result:
    """Mixin: a one-row DataFrame of the dataclass fields."""

    def to_frame(self) -> pd.DataFrame:
        """Return the result as a one-row DataFrame, one column per attribute."""
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])  # type: ignore[arg-type]


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
    helpers.errors.EstimationError
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
    >>> from helpers.reliability import cronbach_alpha
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
    helpers.errors.EstimationError
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
    >>> from helpers.reliability import cohen_kappa
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
    a = long.loc[long["coder"] == first, ["unit", "value"]]
    b = long.loc[long["coder"] == second, ["unit", "value"]]
    pairs = a.merge(b, on="unit", suffixes=("_1", "_2"))
    n_units = len(pairs)
    if n_units == 0:
        raise EstimationError(
            f"no unit is rated by both coders {first!r} and {second!r}; kappa cannot be computed"
        )
    categories = _sorted_values(pd.concat([pairs["value_1"], pairs["value_2"]], ignore_index=True))
    codes_1 = pd.Categorical(pairs["value_1"], categories=categories).codes
    codes_2 = pd.Categorical(pairs["value_2"], categories=categories).codes
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
    helpers.errors.EstimationError
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
    >>> from helpers.reliability import fleiss_kappa
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


# ----------------------------------------------------------------------------------------------
# Krippendorff's alpha
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KrippendorffResult(_Result):
    """Krippendorff's alpha.

    Attributes
    ----------
    alpha : float
        Krippendorff's alpha; NaN when undefined (see ``note``).
    level : str
        Level of measurement (distance metric).
    n_units : int
        Pairable units: units with at least two values.
    n_coders : int
        Coders with at least one value.
    n_pairable_values : int
        :math:`n`, the values in pairable units.
    observed_disagreement, expected_disagreement : float
        :math:`D_o` and :math:`D_e`.
    note : str
        Empty, or why alpha is NaN.
    """

    alpha: float
    level: str
    n_units: int
    n_coders: int
    n_pairable_values: int
    observed_disagreement: float
    expected_disagreement: float
    note: str


def _coincidences(unit_codes: np.ndarray, value_codes: np.ndarray, n_values: int) -> np.ndarray:
    """Krippendorff's coincidence matrix o_ck from unit and value codes of each rating."""
    n_units = int(unit_codes.max()) + 1
    counts = np.zeros((n_units, n_values))
    np.add.at(counts, (unit_codes, value_codes), 1.0)
    m_u = counts.sum(axis=1)
    counts = counts[m_u >= 2]
    scaled = counts / (counts.sum(axis=1) - 1)[:, None]
    # o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)
    return scaled.T @ counts - np.diag(scaled.sum(axis=0))


def krippendorff_alpha(
    data: pd.DataFrame,
    *,
    unit: Hashable,
    coder: Hashable,
    value: Hashable,
    level: KrippendorffLevel = "nominal",
) -> KrippendorffResult:
    """Krippendorff's alpha from long data, missing codings allowed.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per (unit, coder). A missing value means "not coded".
    unit, coder, value : column names
        The unit coded, who coded it, and the value given.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement. ``"nominal"`` takes any hashable values (e.g. strings);
        ``"ordinal"`` takes numbers or an *ordered* pandas Categorical (its category order
        is the rank order); ``"interval"`` and ``"ratio"`` take numbers (``"ratio"``: not
        negative).

    Returns
    -------
    KrippendorffResult
        ``alpha, level, n_units, n_coders, n_pairable_values, observed_disagreement,
        expected_disagreement, note``.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame; values of the wrong kind for ``level``.
    ValueError
        Missing columns; missing unit or coder ids; a repeated (unit, coder); negative values
        at the ratio level; an unknown ``level``.
    helpers.errors.EstimationError
        No unit has two or more values.

    Notes
    -----
    Computed from the coincidence matrix (Krippendorff 2011). Units with fewer than two
    values are not pairable and are ignored. For unit :math:`u` with :math:`m_u \\ge 2`
    values, of which :math:`n_{uc}` equal :math:`c`:

    .. math::

        o_{ck} = \\sum_u \\frac{n_{uc} n_{uk} - [c = k]\\, n_{uc}}{m_u - 1}, \\quad
        n_c = \\sum_k o_{ck}, \\quad n = \\sum_c n_c

        \\alpha = 1 - \\frac{D_o}{D_e} = 1 - (n - 1)
        \\frac{\\sum_{c,k} o_{ck}\\, \\delta^2_{ck}}{\\sum_{c,k} n_c n_k\\, \\delta^2_{ck}},

    with :math:`D_o = \\sum o_{ck}\\delta^2_{ck} / n` and
    :math:`D_e = \\sum n_c n_k \\delta^2_{ck} / (n(n-1))`. Distances: nominal
    :math:`\\delta^2 = [c \\ne k]`; ordinal
    :math:`\\delta^2_{ck} = (\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2`; interval
    :math:`(c - k)^2`; ratio :math:`((c - k)/(c + k))^2` (0 when :math:`c = k = 0`).
    The :math:`n - 1` in the expected disagreement is part of the definition (sampling
    without replacement), not an optional correction.

    When all pairable values are equal, :math:`D_e = 0` and alpha is 0/0: it is returned as
    NaN with a ``note`` (the ``krippendorff`` package raises an error instead).

    Checked against ``krippendorff.alpha(reliability_data=..., level_of_measurement=...)``
    to 1e-9 at all four levels, and against the worked example of Krippendorff (2011),
    4 coders x 12 units with missing values: nominal 0.743, ordinal 0.815, interval 0.849,
    ratio 0.797.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    https://repository.upenn.edu/asc_papers/43

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from helpers.reliability import krippendorff_alpha
    >>> wide = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    ...         "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    ...         "C": [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    ...         "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]}
    >>> long = (pd.DataFrame(wide).rename_axis("unit").reset_index()
    ...         .melt(id_vars="unit", var_name="coder", value_name="value"))
    >>> res = krippendorff_alpha(long, unit="unit", coder="coder", value="value")
    >>> round(res.alpha, 3), res.n_units, res.n_pairable_values
    (0.743, 11, 40)
    """
    long = _long_ratings(data, unit, coder, value)
    _check_option("level", level, KrippendorffLevel)
    dtype = data[value].dtype
    is_ordered_cat = isinstance(dtype, pd.CategoricalDtype) and bool(dtype.ordered)
    is_number = (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ) and not isinstance(dtype, pd.CategoricalDtype)
    if level in ("interval", "ratio") and not is_number:
        raise TypeError(f"level={level!r} needs numeric values in {value!r}, got dtype {dtype}")
    if level == "ordinal" and not (is_number or is_ordered_cat):
        raise TypeError(
            f"level='ordinal' needs numeric values or an ordered Categorical in {value!r} "
            f"(to know the order), got dtype {dtype}"
        )
    if is_ordered_cat:
        domain = [c for c in dtype.categories if c in set(long["value"])]
    else:
        domain = _sorted_values(long["value"])
    if level == "ratio" and min(domain) < 0:
        raise ValueError(
            f"level='ratio' needs values of at least 0 (a ratio scale has a true zero); "
            f"{value!r} has {min(domain)}"
        )
    n_coders = int(long["coder"].nunique())
    unit_codes, _ = pd.factorize(long["unit"])
    value_codes = np.asarray(pd.Categorical(long["value"], categories=domain).codes)
    pairable_units = np.bincount(unit_codes) >= 2 if len(unit_codes) else np.array([], bool)
    n_units = int(pairable_units.sum())
    if n_units == 0:
        raise EstimationError(
            "no unit has values from two or more coders, so there is nothing to compare"
        )
    o = _coincidences(unit_codes, value_codes, len(domain))
    n_c = o.sum(axis=0)
    n = float(n_c.sum())
    if level == "nominal":
        delta = 1.0 - np.eye(len(domain))
    elif level == "ordinal":
        mid_rank = np.cumsum(n_c) - n_c / 2  # sum_{g<=c} n_g - n_c / 2
        delta = (mid_rank[:, None] - mid_rank[None, :]) ** 2
    else:
        x = np.asarray(domain, dtype="float64")
        diff = x[:, None] - x[None, :]
        if level == "interval":
            delta = diff**2
        else:
            total = x[:, None] + x[None, :]
            with np.errstate(invalid="ignore", divide="ignore"):
                delta = np.where(total == 0, 0.0, (diff / total) ** 2)
    d_o = float((o * delta).sum()) / n
    d_e = float((np.outer(n_c, n_c) * delta).sum()) / (n * (n - 1))
    note = ""
    if d_e <= 0:
        alpha = float("nan")
        note = (
            "all pairable values are the same, so expected disagreement is 0 and alpha = 0/0 "
            "is undefined (agreement is perfect but shows nothing about reliability)"
        )
    else:
        alpha = 1 - d_o / d_e
    return KrippendorffResult(
        alpha=float(alpha),
        level=level,
        n_units=n_units,
        n_coders=n_coders,
        n_pairable_values=round(n),
        observed_disagreement=d_o,
        expected_disagreement=d_e,
        note=note,
    )


# ----------------------------------------------------------------------------------------------
# Multi-label qualitative coding
# ----------------------------------------------------------------------------------------------


def code_agreement(
    segments: pd.DataFrame,
    *,
    unit: Hashable = "segment",
    coder: Hashable = "coder",
    code: Hashable = "code",
    coders: Sequence[Any] | None = None,
    codes: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Per-code agreement of multi-label qualitative coding.

    Parameters
    ----------
    segments : pandas.DataFrame
        One row per (unit, coder, code): coder ``C`` applied code ``K`` to unit ``U``. A unit
        may get several codes. A row with a missing code says the coder read the unit and
        applied no code. Repeated rows count once.
    unit, coder, code : column names, defaults "segment", "coder", "code"
        The columns of ``segments``.
    coders : sequence, optional
        Only these coders (at least two); default every coder in the data.
    codes : sequence, optional
        The codes to report, in this order; lets the report include codes nobody applied.
        Every code in the data must be in it. Default: the codes in the data, sorted.

    Returns
    -------
    pandas.DataFrame
        One row per code, then a row ``code = "__overall__"``; columns ``code, n_units,
        n_coders, prevalence, percent_agreement, cohen_kappa, kappa_se, fleiss_kappa,
        krippendorff_alpha, note``.

    Raises
    ------
    TypeError
        ``segments`` not a DataFrame; wrong types of ``coders``/``codes``.
    ValueError
        Missing columns; missing unit or coder ids; fewer than two coders; ``coders`` not in
        the data; a code in the data missing from ``codes``.
    helpers.errors.EstimationError
        No unit was seen by two or more coders.

    Notes
    -----
    A unit is *seen* by a coder who has at least one row for it. Only units seen by at least
    two coders count. For each code, every (unit, coder) seen gets presence 1 if the coder
    applied the code, else 0; then:

    - ``n_units``: units seen by two or more coders (for ``__overall__``: (unit, code) pairs);
    - ``n_coders``: coders who saw at least one of these units;
    - ``prevalence``: share of (unit, coder) ratings with the code present;
    - ``percent_agreement``: share of units on which every coder who saw it agrees;
    - ``cohen_kappa``, ``kappa_se``: :func:`cohen_kappa` (its asymptotic ``se``), only when
      there are exactly two coders, otherwise NaN;
    - ``fleiss_kappa``: :func:`fleiss_kappa`, which uses only the units seen by the modal
      number of coders (``note`` says how many were dropped);
    - ``krippendorff_alpha``: :func:`krippendorff_alpha`, nominal level, every unit.

    The ``__overall__`` row pools the (unit, code) pairs as units. Codes listed in ``codes``
    but never applied add pairs on which everyone agrees (absent), raising the pooled
    agreement. A kappa or alpha is NaN for a code that is never (or always) applied: chance
    agreement is then perfect and the statistic is undefined (``note``).

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.reliability import code_agreement
    >>> seg = pd.DataFrame({"segment": [1, 1, 2, 2, 3, 3, 4],
    ...                     "coder": ["a", "b", "a", "b", "a", "b", "a"],
    ...                     "code": ["x", "x", "x", "y", "y", "y", "x"]})
    >>> code_agreement(seg)[["code", "n_units", "percent_agreement"]]
              code  n_units  percent_agreement
    0            x        3           0.666667
    1            y        3           0.666667
    2  __overall__        6           0.666667
    """
    _check_frame(segments, "segments")
    _check_columns(segments, unit=unit, coder=coder, code=code)
    df = (
        segments.loc[:, [unit, coder, code]]
        .set_axis(["unit", "coder", "code"], axis=1)
        .reset_index(drop=True)
    )
    for role, column in (("unit", unit), ("coder", coder)):
        n_missing = int(df[role].isna().sum())
        if n_missing:
            raise ValueError(f"{role} column {column!r} has {n_missing} missing value(s)")
    if coders is not None:
        if isinstance(coders, np.ndarray):
            coders = coders.tolist()
        if isinstance(coders, str) or not isinstance(coders, Sequence):
            raise TypeError(f"coders must be a list of coder ids, got {type(coders).__name__}")
        wanted = list(dict.fromkeys(coders))
        if len(wanted) < 2:
            raise ValueError(f"coders must name at least two different coders, got {wanted}")
        present = set(df["coder"])
        missing = [c for c in wanted if c not in present]
        if missing:
            raise ValueError(f"coders {missing} have no rows in the data")
        df = df.loc[df["coder"].isin(wanted)]
    data_codes = _sorted_values(df["code"].dropna())
    if codes is None:
        code_list = data_codes
    else:
        if isinstance(codes, np.ndarray):
            codes = codes.tolist()
        if isinstance(codes, str) or not isinstance(codes, Sequence):
            raise TypeError(f"codes must be a list of codes, got {type(codes).__name__}")
        code_list = list(codes)
        if len(set(code_list)) != len(code_list):
            raise ValueError("codes must not repeat a code")
        if OVERALL in set(code_list):
            raise ValueError(f"{OVERALL!r} is reserved for the overall row")
        unknown = [c for c in data_codes if c not in set(code_list)]
        if unknown:
            raise ValueError(
                f"codes in the data but not in codes=: {unknown[:10]}; add them or filter the "
                "segments first"
            )
    n_all_coders = int(df["coder"].nunique())
    if n_all_coders < 2:
        raise ValueError(f"agreement needs at least two coders, the data have {n_all_coders}")

    seen = df[["unit", "coder"]].drop_duplicates()
    per_unit = seen.groupby("unit", sort=False)["coder"].transform("size")
    seen = seen.loc[per_unit >= 2].reset_index(drop=True)
    if seen.empty:
        raise EstimationError(
            "no unit was coded by two or more coders, so agreement cannot be computed"
        )
    unit_idx, unit_keys = pd.factorize(seen["unit"])
    n_units = len(unit_keys)
    n_coders = int(seen["coder"].nunique())
    applied = df.dropna(subset=["code"]).drop_duplicates()
    applied_index = pd.MultiIndex.from_frame(applied[["unit", "coder", "code"]])

    rows = []
    pooled = []
    for j, k in enumerate(code_list):
        keys = pd.MultiIndex.from_arrays(
            [seen["unit"], seen["coder"], pd.Series([k] * len(seen), dtype=object)]
        )
        present = np.asarray(keys.isin(applied_index), dtype=int)
        long = pd.DataFrame({"unit": unit_idx, "coder": seen["coder"], "value": present})
        rows.append(_presence_agreement(k, long, n_units, n_coders))
        pooled.append(long.assign(unit=long["unit"] + j * n_units))
    if pooled:
        long_all = pd.concat(pooled, ignore_index=True)
        rows.append(_presence_agreement(OVERALL, long_all, n_units * len(code_list), n_coders))
    columns = [
        "code",
        "n_units",
        "n_coders",
        "prevalence",
        "percent_agreement",
        "cohen_kappa",
        "kappa_se",
        "fleiss_kappa",
        "krippendorff_alpha",
        "note",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["code"] = out["code"].astype(object)
    return out


def _presence_agreement(
    code: Any, long: pd.DataFrame, n_units: int, n_coders: int
) -> dict[str, Any]:
    """One row of :func:`code_agreement` from 0/1 presence in long form."""
    notes = []
    agree = long.groupby("unit")["value"].agg(lambda v: v.min() == v.max())
    kappa = kappa_se = float("nan")
    if n_coders == 2:
        ck = cohen_kappa(long, unit="unit", coder="coder", value="value")
        kappa, kappa_se = ck.kappa, ck.se
        if ck.note:
            notes.append(f"Cohen: {ck.note}")
    fk = fleiss_kappa(long, unit="unit", coder="coder", value="value", categories=[0, 1])
    if fk.note:
        notes.append(f"Fleiss: {fk.note}")
    ka = krippendorff_alpha(long, unit="unit", coder="coder", value="value", level="nominal")
    if ka.note:
        notes.append(f"Krippendorff: {ka.note}")
    return {
        "code": code,
        "n_units": int(n_units),
        "n_coders": int(n_coders),
        "prevalence": float(long["value"].mean()),
        "percent_agreement": float(agree.mean()),
        "cohen_kappa": kappa,
        "kappa_se": kappa_se,
        "fleiss_kappa": fk.kappa,
        "krippendorff_alpha": ka.alpha,
        "note": "; ".join(notes),
    }
