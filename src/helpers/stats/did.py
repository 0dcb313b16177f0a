"""Difference in differences with unit and period fixed effects (two-way fixed effects)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _as_names,
    _check_alpha,
    _check_columns,
    _check_frame,
    _check_groups,
    _check_outcome_varies,
    _check_rank,
    _cluster_codes,
    _cluster_notes,
    _covariate_matrix,
    _cr1_sentence,
    _demean,
    _drop_missing,
    _fit_ls,
    _pooled_sd,
    _to_float,
    _to_treatment,
)
from helpers.stats.effect import Effect, _effect_from_regression

__all__ = [
    "estimate_twfe",
]

# --------------------------------------------------------------------------------------------
# two-way fixed effects
# --------------------------------------------------------------------------------------------


def _twfe_fit(
    y: np.ndarray,
    R: pd.DataFrame,
    unit_codes: np.ndarray,
    n_units: int,
    time_values: pd.Series,
    cluster_values: pd.Series,
    cluster: str,
    notes: list[str],
) -> tuple[Any, int, int, str]:
    """OLS of y on R + period dummies + unit effects, CR1 by cluster.

    Units nested in clusters: unit effects absorbed (within transformation), not counted in K.
    Otherwise: unit dummies estimated and counted. Returns (results, K, G, sentence).
    """
    t_codes, t_levels = pd.factorize(time_values, sort=True)
    periods = pd.DataFrame(
        {
            f"period[{lv}]": (t_codes == j).astype(np.float64)
            for j, lv in enumerate(t_levels)
            if j > 0
        }
    )
    X = pd.concat([R.reset_index(drop=True), periods], axis=1)
    groups, g = _cluster_codes(cluster_values)
    _cluster_notes(g, cluster, notes)
    nested = bool((pd.Series(groups).groupby(unit_codes).nunique() == 1).all())
    n = y.size
    if nested:
        Xd = pd.DataFrame(_demean(X.to_numpy(), unit_codes, n_units), columns=X.columns)
        yd = _demean(y[:, None], unit_codes, n_units)[:, 0]
        _check_rank(Xd.to_numpy(), list(Xd.columns), "two-way fixed-effects")
        res = _fit_ls(yd, Xd, w=None, se_type="CR1", groups=groups, notes=notes)
        k = X.shape[1]
        k_text = (
            f" (K counts the {R.shape[1]} regressor column(s) and {len(t_levels) - 1} period "
            f"dummies; the {n_units} unit effects, absorbed by the within transformation, are "
            "not counted because every unit lies within one cluster, and no intercept is "
            "estimated)"
        )
    else:
        units = pd.DataFrame(
            {f"unit[{j}]": (unit_codes == j).astype(np.float64) for j in range(1, n_units)}
        )
        Xf = pd.concat([pd.DataFrame({"Intercept": np.ones(n)}), X, units], axis=1)
        _check_rank(Xf.to_numpy(), list(Xf.columns)[: X.shape[1] + 1], "two-way fixed-effects")
        res = _fit_ls(y, Xf, w=None, se_type="CR1", groups=groups, notes=notes)
        k = Xf.shape[1]
        k_text = (
            f" (K counts every coefficient: the intercept, {R.shape[1]} regressor column(s), "
            f"{n_units - 1} unit and {len(t_levels) - 1} period dummies, since units are not "
            "nested in the clusters)"
        )
    return res, k, g, _cr1_sentence(cluster, g, n, k, k_text)


def _drop_singletons(frame: pd.DataFrame, unit: str, notes: list[str]) -> pd.DataFrame:
    counts = frame.groupby(unit, sort=False)[unit].transform("size")
    single = (counts == 1).to_numpy()
    if single.any():
        notes.append(
            f"{int(single.sum())} units observed in only one period were dropped: they carry "
            "no within-unit information (as reghdfe/fixest)."
        )
        frame = frame.loc[~single].reset_index(drop=True)
    return frame


def estimate_twfe(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    unit: str,
    time: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    alpha: float = 0.05,
) -> Effect:
    """Two-way fixed effects: ``outcome ~ treatment + covariates + C(unit) + C(time)``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit and period. Not modified.
    outcome : str
        Numeric outcome column.
    treatment : str
        0/1 column: the unit is treated at that period.
    unit : str
        Unit identifier (person, office, dinas).
    time : str
        Period column.
    covariates : sequence of str
        Time-varying adjustment columns.
    cluster : str, optional
        Cluster column of the CR1 SE (default ``unit``).
    alpha : float
        Significance level; intervals have level ``1 - alpha``.

    Returns
    -------
    Effect
        ``mde`` from the CR1 SE with G-1 df. No ``sensitivity`` (the robustness value is for
        selection on observables, not for parallel trends).

    Notes
    -----
    Unit effects are absorbed by the within transformation (exact with unbalanced panels);
    units seen in one period only are dropped (as reghdfe/fixest). CR1:
    ``G/(G-1) (N-1)/(N-K)`` times the cluster sandwich, t with G-1 df; K counts the regressor
    columns and the period dummies when each unit lies within one cluster (the unit effects are
    then not counted), and every coefficient including the unit dummies otherwise; ``se_note``
    states the K used. With staggered adoption and effects that change over time or differ
    between cohorts TWFE can be biased, even of the wrong sign (Goodman-Bacon 2021): use
    :func:`~helpers.stats.staggered.staggered_did` (Callaway-Sant'Anna), which keeps this
    estimate as its comparison row.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> p = pd.DataFrame([(u, t) for u in range(20) for t in range(4)], columns=["u", "t"])
    >>> p["d"] = ((p["u"] < 10) & (p["t"] >= 2)).astype(int)
    >>> p["y"] = p["u"] * 0.1 + p["t"] * 0.3 + 1.0 * p["d"] + rng.normal(size=len(p))
    >>> e = estimate_twfe(p, "y", "d", unit="u", time="t")
    >>> e.se_type, int(e.df)
    ('CR1', 19)
    """
    _check_frame(data)
    _check_alpha(alpha)
    covs = _as_names(covariates)
    if treatment in covs or outcome in covs:
        raise ConfigError("the treatment or the outcome column also appears as a covariate")
    cluster = cluster or unit
    roles: dict[str, list[str]] = {
        "outcome": [outcome],
        "treatment": [treatment],
        "unit": [unit],
        "time": [time],
    }
    if covs:
        roles["covariate"] = list(covs)
    if cluster != unit:
        roles["cluster"] = [cluster]
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise EstimationError(
            f"unit {unit!r} and time {time!r} do not identify rows: e.g. {dup} appears twice"
        )
    frame = _drop_singletons(frame, unit, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    unit_codes, n_units = _cluster_codes(frame[unit])
    within = pd.Series(t).groupby(unit_codes).nunique()
    if not (within > 1).any():
        raise EstimationError(
            f"treatment {treatment!r} never changes within a unit {unit!r}: two-way fixed "
            "effects need units observed both before and after treatment"
        )
    R = pd.DataFrame({treatment: t})
    if covs:
        C = _covariate_matrix(frame, covs)
        for name in C.columns:
            R[name] = C[name].to_numpy()
    res, k, g, se_note = _twfe_fit(
        y, R, unit_codes, n_units, frame[time], frame[cluster], cluster, notes
    )
    first = frame.loc[t == 1].groupby(unit)[time].min()
    if first.nunique() > 1:
        notes.append(
            f"Staggered adoption: treated units start in {first.nunique()} different periods. "
            "With effects that change over time or differ between cohorts, two-way fixed "
            "effects can be biased (Goodman-Bacon 2021); compare with event_study and a "
            "heterogeneity-robust estimator."
        )
    es = float(res.params[treatment]) / _pooled_sd(y, t)
    return _effect_from_regression(
        res, term=treatment, y=y, t=t, design="twfe", outcome=outcome, treatment=treatment,
        se_type="CR1", se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type="estimate / pooled SD of the outcome over treated and untreated "
        "unit-periods (no correction)",
        details={"k": k, "n_clusters": g, "n_units": n_units},
    )  # fmt: skip
