"""Covariate balance: standardised mean differences before and after weighting."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _as_names,
    _check_columns,
    _check_frame,
    _is_numeric,
    _object_is_numeric,
    _to_float,
    _to_treatment,
)

__all__ = [
    "balance_table",
]


# --------------------------------------------------------------------------------------------
# balance
# --------------------------------------------------------------------------------------------


def _balance_columns(data: pd.DataFrame, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Covariates as float arrays: categories/strings as one 0/1 row per level (NaN if missing)."""
    out: dict[str, np.ndarray] = {}
    for name in names:
        s = data[name]
        if _is_numeric(s) or (s.dtype == object and _object_is_numeric(s)):
            out[name] = _to_float(s, "covariate")
            continue
        levels = (
            list(s.cat.categories)
            if isinstance(s.dtype, pd.CategoricalDtype)
            else sorted(s.dropna().astype(str).unique())
        )
        missing = s.isna().to_numpy()
        text = s.astype(str)
        for lv in levels:
            col = (text == str(lv)).to_numpy(dtype=np.float64)
            col[missing] = np.nan
            out[f"{name}[{lv}]"] = col
    return out


def _smd(diff: float, denom: float) -> float:
    if denom > 0:
        return diff / denom
    return 0.0 if diff == 0 else math.copysign(math.inf, diff)


def balance_table(
    data: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    weights: str | pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """Covariate balance between treated and untreated rows, in the style of DIME's iebaltab.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    treatment : str
        0/1 or boolean column.
    covariates : sequence of str
        Columns to compare. Numbers and booleans are used as they are; text and categorical
        columns give one 0/1 row per level, named ``column[level]``.
    weights : str, pandas.Series or array, optional
        Weights (e.g. ``ipw_weights(...).weights``): a column name, a Series aligned on the
        index of ``data``, or an array as long as ``data``. NaN weights (trimmed rows) are left
        out of the weighted columns only.

    Returns
    -------
    pandas.DataFrame
        One row per covariate (or level): ``variable``, ``kind`` (``binary`` for 0/1 values,
        else ``continuous``), ``mean_treated``, ``mean_control``, ``sd_treated``,
        ``sd_control`` (sample SDs, ddof=1), ``diff`` (treated minus control), ``smd``, and
        with weights ``mean_treated_weighted``, ``mean_control_weighted``, ``diff_weighted``,
        ``smd_weighted``; then ``n_treated``, ``n_control`` (rows with the covariate present).

    Notes
    -----
    ``smd`` = diff / sqrt((s_1^2 + s_0^2) / 2), the pooled SD of Austin (2009); for binary
    covariates s^2 = p(1 - p). ``smd_weighted`` divides the weighted difference by the same,
    unweighted, denominator (as R's cobalt), so that before and after are comparable; an
    absolute SMD below 0.1 is the usual mark of balance. No p-values are given: balance is
    a property of the sample, not a hypothesis (Imai, King & Stuart 2008).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [0, 0, 1, 1], "age": [30, 40, 35, 45]})
    >>> balance_table(df, "t", ["age"])[["variable", "diff", "smd"]]
      variable  diff       smd
    0      age   5.0  0.707107
    """
    _check_frame(data)
    covs = _as_names(covariates)
    if not covs:
        raise ConfigError("balance_table needs at least one covariate")
    _check_columns(data, {"treatment": [treatment], "covariate": list(covs)})
    if treatment in covs:
        raise ConfigError(f"treatment column {treatment!r} also appears as a covariate")
    t = _to_treatment(data[treatment])
    w: np.ndarray | None = None
    if weights is not None:
        if isinstance(weights, str):
            _check_columns(data, {"weights": [weights]})
            w = _to_float(data[weights], "weights")
        elif isinstance(weights, pd.Series):
            if not weights.index.equals(data.index):
                if not weights.index.is_unique or not set(data.index) <= set(weights.index):
                    raise ConfigError(
                        "weights Series must carry the index of data (one weight per row)"
                    )
                weights = weights.reindex(data.index)
            w = _to_float(weights, "weights")
        else:
            w = np.asarray(weights, dtype=np.float64)
            if w.shape != (len(data),):
                raise ConfigError(
                    f"weights must have one value per row of data ({len(data)}); got shape "
                    f"{w.shape}"
                )
        if (w[np.isfinite(w)] < 0).any():
            raise EstimationError("weights must not be negative")
    columns = _balance_columns(data, covs)
    rows = []
    for name, x in columns.items():
        ok = ~np.isnan(x) & ~np.isnan(t)
        x1, x0 = x[ok & (t == 1)], x[ok & (t == 0)]
        if x1.size == 0 or x0.size == 0:
            raise EstimationError(
                f"only one group in treatment column {treatment!r} where covariate {name!r} "
                "is present"
            )
        binary = bool(np.isin(x[ok], (0.0, 1.0)).all())
        m1, m0 = float(x1.mean()), float(x0.mean())
        sd1 = float(x1.std(ddof=1)) if x1.size > 1 else float("nan")
        sd0 = float(x0.std(ddof=1)) if x0.size > 1 else float("nan")
        if binary:
            denom = math.sqrt((m1 * (1 - m1) + m0 * (1 - m0)) / 2)
        else:
            denom = math.sqrt((sd1**2 + sd0**2) / 2)
        row: dict[str, Any] = {
            "variable": name,
            "kind": "binary" if binary else "continuous",
            "mean_treated": m1,
            "mean_control": m0,
            "sd_treated": sd1,
            "sd_control": sd0,
            "diff": m1 - m0,
            "smd": _smd(m1 - m0, denom),
        }
        if w is not None:
            okw = ok & np.isfinite(w)
            w1, w0 = w[okw & (t == 1)], w[okw & (t == 0)]
            if w1.sum() <= 0 or w0.sum() <= 0:
                raise EstimationError(
                    f"weights of one group sum to zero where covariate {name!r} is present"
                )
            mw1 = float(np.average(x[okw & (t == 1)], weights=w1))
            mw0 = float(np.average(x[okw & (t == 0)], weights=w0))
            row |= {
                "mean_treated_weighted": mw1,
                "mean_control_weighted": mw0,
                "diff_weighted": mw1 - mw0,
                "smd_weighted": _smd(mw1 - mw0, denom),
            }
        row |= {"n_treated": int(x1.size), "n_control": int(x0.size)}
        rows.append(row)
    return pd.DataFrame(rows)
