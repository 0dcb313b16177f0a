"""Event studies: effects by period relative to the start of treatment, with pre-trend checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _check_alpha,
    _check_columns,
    _check_frame,
    _check_outcome_varies,
    _cluster_codes,
    _drop_missing,
    _is_numeric,
    _to_float,
)
from helpers.stats.did import _drop_singletons, _twfe_fit

__all__ = [
    "EventStudyResult",
    "event_study",
]


# --------------------------------------------------------------------------------------------
# event study
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventStudyResult:
    """Dynamic two-way fixed-effects estimates by period relative to the start of treatment.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per relative period: ``rel_time``, ``label`` (``"<=-3"``, ``"-1 (ref)"``,
        ``">=3"``), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n_obs``
        (observations in that bin), ``reference`` (True for the omitted period: estimate 0,
        the rest NaN).
    pretrend_f, pretrend_p : float
        Joint Wald F test that every lead (pre-period coefficient) is zero (NaN if no lead).
    pretrend_df : int
        Numerator degrees of freedom (number of leads tested).
    pretrend_df_denom : int
        Denominator degrees of freedom, G - 1.
    n_units, n_clusters, n_obs : int
        Units, clusters and observations used.
    reference, leads, lags : int
        The omitted period and the window.
    alpha : float
        Significance level of the intervals.
    se_note : str
        The standard error and its correction in one sentence.
    notes : tuple of str
        Dropped rows, empty bins, few clusters, no never-treated units.
    results : object
        statsmodels OLS results of the (within-transformed) regression.
    """

    coefficients: pd.DataFrame = field(repr=False, compare=False)
    pretrend_f: float
    pretrend_p: float
    pretrend_df: int
    pretrend_df_denom: int
    n_units: int
    n_clusters: int
    n_obs: int
    reference: int
    leads: int
    lags: int
    alpha: float
    se_note: str
    notes: tuple[str, ...]
    results: Any = field(default=None, repr=False, compare=False)


def event_study(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    first_treated: str,
    leads: int = 3,
    lags: int = 3,
    reference: int = -1,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event-study (dynamic) two-way fixed effects with a joint pre-trend test.

    ``outcome ~ sum_k D_k + C(unit) + C(time)`` where ``D_k`` = 1 for a treated unit ``k``
    periods after its first treated period. Relative times at or below ``-leads`` are binned
    into one lead, at or above ``lags`` into one lag; ``reference`` is omitted. Never-treated
    units have every ``D_k = 0``. Unit effects are absorbed (exact with unbalanced panels).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit and period. Not modified.
    outcome : str
        Numeric outcome column.
    unit : str
        Unit identifier.
    time : str
        Integer-valued period column (years, months numbered, ...).
    first_treated : str
        Each unit's first treated period, constant within the unit; NaN or inf for units never
        treated.
    leads : int
        Pre-periods shown (>= 1); ``-leads`` is the binned end point.
    lags : int
        Post-periods shown (>= 0); ``lags`` is the binned end point.
    reference : int
        Omitted relative period, between ``-leads`` and -1 (default -1, the last period before).
    cluster : str, optional
        Cluster column (default ``unit``). CR1 standard errors, t with G - 1 df.
    alpha : float
        Significance level of the intervals.

    Returns
    -------
    EventStudyResult

    Notes
    -----
    Leads near zero support parallel trends; a small ``pretrend_p`` is evidence against it.
    A large ``pretrend_p`` is not proof of parallel trends (pre-tests have low power; Roth
    2022). With staggered adoption and heterogeneous effects, TWFE event-study coefficients
    can mix periods (Sun & Abraham 2021); use them as a diagnostic.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame([(u, y) for u in range(40) for y in range(2018, 2024)],
    ...                      columns=["unit", "year"])
    >>> panel["first"] = np.where(panel["unit"] < 20, 2021.0, np.nan)
    >>> panel["y"] = rng.normal(size=len(panel)) + (panel["year"] >= panel["first"])
    >>> es = event_study(panel, "y", unit="unit", time="year", first_treated="first")
    >>> es.coefficients["rel_time"].tolist()
    [-3, -2, -1, 0, 1, 2, 3]
    """
    _check_frame(data)
    _check_alpha(alpha)
    for name, value in (("leads", leads), ("lags", lags), ("reference", reference)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool):
            raise ConfigError(f"{name}={value!r} must be an integer")
    if leads < 1 or lags < 0:
        raise ConfigError(f"leads={leads} must be >= 1 and lags={lags} >= 0")
    if not -leads <= reference <= -1:
        raise ConfigError(f"reference={reference} must lie between -leads ({-leads}) and -1")
    cluster = cluster or unit
    roles: dict[str, list[str]] = {"outcome": [outcome], "unit": [unit], "time": [time]}
    if cluster != unit:
        roles["cluster"] = [cluster]
    _check_columns(data, {**roles, "first_treated": [first_treated]})
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes, also=[first_treated])
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise EstimationError(
            f"unit {unit!r} and time {time!r} do not identify rows: e.g. {dup} appears twice"
        )
    ft_series = frame[first_treated]
    if not _is_numeric(ft_series):
        raise EstimationError(
            f"first_treated column {first_treated!r} must be numeric (NaN for never treated); "
            f"found dtype {ft_series.dtype}"
        )
    ft = ft_series.to_numpy(dtype=np.float64, na_value=np.nan)
    ft = np.where(np.isfinite(ft), ft, np.nan)
    per_unit = pd.Series(ft).groupby(frame[unit].to_numpy()).nunique(dropna=False)
    if (per_unit > 1).any():
        bad = per_unit.index[per_unit.to_numpy() > 1][0]
        raise EstimationError(
            f"first_treated column {first_treated!r} must be constant within each unit; "
            f"unit {bad!r} has several values"
        )
    frame = _drop_singletons(frame, unit, notes)
    tt = _to_float(frame[time], "time")
    ft = frame[first_treated].to_numpy(dtype=np.float64, na_value=np.nan)
    ft = np.where(np.isfinite(ft), ft, np.nan)
    y = _to_float(frame[outcome], "outcome")
    _check_outcome_varies(y, outcome)
    treated_unit = ~np.isnan(ft)
    if not treated_unit.any():
        raise EstimationError(f"no unit has a first treated period in {first_treated!r}")
    rel = tt - ft
    if not np.allclose(rel[treated_unit], np.round(rel[treated_unit])):
        raise EstimationError(
            f"time {time!r} and first_treated {first_treated!r} must be whole-numbered periods"
        )
    binned = np.clip(np.round(rel), -leads, lags)
    ks = [k for k in range(-leads, lags + 1) if k != reference]
    dummies: dict[int, np.ndarray] = {}
    counts: dict[int, int] = {}
    for k in range(-leads, lags + 1):
        d = (treated_unit & (binned == k)).astype(np.float64)
        counts[k] = int(d.sum())
        if k != reference:
            if d.sum() == 0:
                notes.append(f"No observation at relative period {k}: that coefficient is NaN.")
            else:
                dummies[k] = d
    if counts[reference] == 0:
        notes.append(f"No observation at the reference period {reference}.")
    if treated_unit.all():
        notes.append(
            "No never-treated units: the coefficients are identified only from differences in "
            "timing and from the binned end points."
        )
    R = pd.DataFrame({f"rel[{k}]": v for k, v in dummies.items()})
    unit_codes, n_units = _cluster_codes(frame[unit])
    res, _k, g, se_note = _twfe_fit(
        y, R, unit_codes, n_units, frame[time], frame[cluster], cluster, notes
    )
    ci = res.conf_int(alpha=alpha)
    rows = []
    for k in range(-leads, lags + 1):
        label = f"<={k}" if k == -leads else (f">={k}" if k == lags and k > 0 else f"{k}")
        if k == reference:
            rows.append(
                {"rel_time": k, "label": f"{label} (ref)", "estimate": 0.0, "se": np.nan,
                 "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n_obs": counts[k],
                 "reference": True}
            )  # fmt: skip
            continue
        name = f"rel[{k}]"
        if k in dummies:
            est, se_k = float(res.params[name]), float(res.bse[name])
            lo, hi = (float(v) for v in ci.loc[name])
            p = float(res.pvalues[name])
        else:
            est = se_k = lo = hi = p = np.nan
        rows.append(
            {"rel_time": k, "label": label, "estimate": est, "se": se_k, "ci_low": lo,
             "ci_high": hi, "p_value": p, "n_obs": counts[k], "reference": False}
        )  # fmt: skip
    coefs = pd.DataFrame(rows)
    lead_names = [f"rel[{k}]" for k in ks if k < 0 and k in dummies]
    f_stat = p_val = np.nan
    df_num = 0
    if lead_names:
        names = list(res.model.exog_names)
        Rm = np.zeros((len(lead_names), len(names)))
        for i, nm in enumerate(lead_names):
            Rm[i, names.index(nm)] = 1.0
        ft_res = res.f_test(Rm)
        f_stat = float(np.squeeze(ft_res.fvalue))
        p_val = float(ft_res.pvalue)
        df_num = len(lead_names)
    else:
        notes.append("No lead besides the reference period: no pre-trend test.")
    return EventStudyResult(
        coefficients=coefs,
        pretrend_f=f_stat,
        pretrend_p=p_val,
        pretrend_df=df_num,
        pretrend_df_denom=int(g - 1),
        n_units=int(n_units),
        n_clusters=int(g),
        n_obs=int(y.size),
        reference=int(reference),
        leads=int(leads),
        lags=int(lags),
        alpha=float(alpha),
        se_note=se_note,
        notes=tuple(notes),
        results=res,
    )
