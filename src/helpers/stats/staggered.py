"""Difference in differences for staggered roll-outs that stays unbiased when effects differ by
cohort and over time (Callaway & Sant'Anna 2021), with the event study from the same
estimator, a pre-trend test and the two-way fixed-effects coefficient for comparison.

The group-time effects and their aggregations are computed by the ``moderndid`` package, a
port of R's ``did`` (``att_gt``/``aggte``, same arguments and numbers); this module checks the
panel, derives the cohorts, chooses the inference for the number of clusters and returns one
frozen result (:class:`~helpers.stats.staggered_results.StaggeredResult`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import sys
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _captured_warnings,
    _check_alpha,
    _check_columns,
    _check_frame,
    _check_option,
    _covariate_matrix,
    _drop_missing,
    _is_numeric,
    _to_float,
    _to_treatment,
)
from helpers.stats.did import estimate_twfe
from helpers.stats.staggered_results import (
    AGGREGATIONS,
    Aggregate,
    PretrendTest,
    StaggeredResult,
)
from helpers.stats.wild_bootstrap import (
    needs_wild_bootstrap,
    wild_bootstrap_fit,
)

__all__ = [
    "staggered_did",
]

ControlGroup = Literal["notyet", "never"]
EstMethod = Literal["dr", "reg", "ipw"]
BasePeriod = Literal["varying", "universal"]
Inference = Literal["auto", "analytical", "bootstrap"]
Aggregation = Literal["simple", "dynamic", "group", "calendar"]

_LIBRARY_CONTROL = {"notyet": "notyettreated", "never": "nevertreated"}


# --------------------------------------------------------------------------------------------
# the panel and its cohorts
# --------------------------------------------------------------------------------------------


def _label(value: Any) -> Any:
    """A unit label as a reader wrote it (numpy scalars as plain Python values)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_int(name: str, value: object, low: int) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
        raise ConfigError(f"{name}={value!r} must be an integer >= {low}")
    return int(value)


def _cohorts_from_treatment(
    frame: pd.DataFrame, unit: str, tt: np.ndarray, d: np.ndarray
) -> pd.Series:
    """First period with treatment 1, per unit (NaN if never); error if treatment switches off."""
    order = np.lexsort((tt, pd.factorize(frame[unit])[0]))
    units = frame[unit].to_numpy()[order]
    ds, ts = d[order], tt[order]
    same = np.r_[False, units[1:] == units[:-1]]
    off = same & (ds < np.r_[0.0, ds[:-1]])
    if off.any():
        k = int(np.flatnonzero(off)[0])
        raise EstimationError(
            f"treatment is not absorbing: unit {_label(units[k])!r} is treated in period {ts[k - 1]:g} "
            f"but not in period {ts[k]:g}; a staggered design needs units to stay treated once "
            "treated (code the first treated period instead, or analyse switching separately)"
        )
    first = pd.Series(np.where(ds == 1, ts, np.nan)).groupby(units).min()
    return first


def _cohorts_from_column(
    frame: pd.DataFrame, unit: str, first_treated: str, t_min: float
) -> tuple[pd.Series, int]:
    """First treated period per unit; NaN, +-inf, or 0 before the panel's first period mean
    never treated (R did's convention). Returns the series and how many zeros were recoded."""
    s = frame[first_treated]
    if not _is_numeric(s):
        raise EstimationError(
            f"first_treated column {first_treated!r} must be numeric (NaN for never treated); "
            f"found dtype {s.dtype}"
        )
    ft = s.to_numpy(dtype=np.float64, na_value=np.nan)
    ft = np.where(np.isfinite(ft), ft, np.nan)
    zero = (ft == 0) & (t_min > 0)
    ft = np.where(zero, np.nan, ft)
    per_unit = pd.Series(ft).groupby(frame[unit].to_numpy()).nunique(dropna=False)
    if (per_unit > 1).any():
        bad = per_unit.index[per_unit.to_numpy() > 1][0]
        raise EstimationError(
            f"first_treated column {first_treated!r} must be constant within each unit; "
            f"unit {_label(bad)!r} has several values"
        )
    first = pd.Series(ft).groupby(frame[unit].to_numpy()).first()
    n_zero = int(pd.Series(zero).groupby(frame[unit].to_numpy()).any().sum())
    return first, n_zero


def _balance(
    frame: pd.DataFrame, unit: str, time: str, notes: list[str]
) -> tuple[pd.DataFrame, int]:
    n_t = frame[time].nunique()
    counts = frame.groupby(unit, sort=False)[time].transform("nunique")
    keep = (counts == n_t).to_numpy()
    dropped = int(frame.loc[~keep, unit].nunique())
    if dropped:
        notes.append(
            f"{dropped} units not observed in all {n_t} periods were dropped (a balanced panel, "
            "as R's did by default)."
        )
        frame = frame.loc[keep].reset_index(drop=True)
    if frame.empty:
        raise EstimationError(f"no unit is observed in all {n_t} periods of {time!r}")
    return frame, dropped


def _cluster_per_unit(frame: pd.DataFrame, unit: str, cluster: str) -> None:
    per = frame.groupby(unit, sort=False)[cluster].nunique()
    if (per > 1).any():
        bad = per.index[per.to_numpy() > 1][0]
        raise EstimationError(
            f"cluster column {cluster!r} must be constant within each unit {unit!r}; unit "
            f"{_label(bad)!r} is in several clusters"
        )


# --------------------------------------------------------------------------------------------
# the library call and its results
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Scale:
    """How the library's standard errors become intervals and p-values: ``factor`` multiplies
    the SE (sqrt(G/(G-1)) with few clusters, else 1), ``df`` is the t reference (G - 1, or inf
    for the normal), ``crit`` its two-sided critical value at ``alpha``."""

    factor: float
    df: float
    crit: float

    def se(self, se: Any) -> np.ndarray:
        return np.asarray(se, dtype=float) * self.factor

    def p(self, est: Any, se: Any) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            tstat = np.abs(np.asarray(est, dtype=float) / np.asarray(se, dtype=float))
        return 2 * (stats.norm.sf(tstat) if math.isinf(self.df) else stats.t.sf(tstat, self.df))


def _scale(g: int, alpha: float, small_sample: bool) -> _Scale:
    if small_sample:
        df = float(g - 1)
        return _Scale(math.sqrt(g / (g - 1)), df, float(stats.t.ppf(1 - alpha / 2, df)))
    return _Scale(1.0, math.inf, float(stats.norm.ppf(1 - alpha / 2)))


def _aggregate(
    md: Any,
    out: Any,
    kind: str,
    *,
    sc: _Scale,
    boot: bool,
    draws: int,
    seed: int,
    alpha: float,
    cluster_vec: np.ndarray | None,
    control: str,
    levels: np.ndarray,
    notes: list[str],
) -> tuple[Aggregate, Any]:
    with _captured_warnings() as caught:
        agg = md.aggte(out, type=kind, random_state=seed)
    notes.extend(f"moderndid ({kind}): {m}" for m in caught)
    est, se = float(agg.overall_att), float(sc.se(agg.overall_se))
    p_boot = math.nan
    if boot and np.isfinite(se):
        res = md.mboot(
            inf_func=np.asarray(agg.influence_func_overall, dtype=float),
            n_units=int(out.n_units), biters=draws, alp=alpha, cluster=cluster_vec,
            random_state=seed,
        )  # fmt: skip
        g = int(np.unique(cluster_vec).size) if cluster_vec is not None else int(out.n_units)
        dev = np.abs(np.asarray(res["bres"])[:, 0]) / math.sqrt(g)
        p_boot = float(np.mean(dev >= abs(est)))
    cols = ["level", "estimate", "se", "ci_low", "ci_high", "band_low", "band_high", "p_value"]
    table = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    crit = sc.crit
    if kind != "simple" and agg.event_times is not None:
        lv = np.asarray(agg.event_times, dtype=float)
        if kind in ("group", "calendar"):  # period ranks back to the data's time values
            lv = levels[lv.astype(int) - 1]
        e, s = np.asarray(agg.att_by_event, float), sc.se(agg.se_by_event)
        cv = np.asarray(agg.critical_values, float) if agg.critical_values is not None else None
        crit = float(cv[0]) if boot and cv is not None and cv.size and np.isfinite(cv[0]) else crit
        z = sc.crit
        table = pd.DataFrame(
            {"level": lv, "estimate": e, "se": s, "ci_low": e - z * s, "ci_high": e + z * s,
             "band_low": e - crit * s, "band_high": e + crit * s, "p_value": sc.p(e, s)}
        )  # fmt: skip
    a = Aggregate(
        type=kind, estimate=est, se=se, ci_low=est - sc.crit * se, ci_high=est + sc.crit * se,
        p_value=float(sc.p(est, se)), p_value_bootstrap=p_boot, table=table,
        critical_value=crit, control_group=control, alpha=float(alpha),
    )  # fmt: skip
    return a, agg


def _pretrend(
    es: pd.DataFrame,
    dyn: Any,
    n_units: int,
    cluster_vec: np.ndarray | None,
    cap: int | None,
    notes: list[str],
    gt_stat: Any,
    gt_p: Any,
) -> PretrendTest:
    """Hotelling-type test of the leads from their cluster-summed influence functions."""
    gt_s = float(gt_stat) if gt_stat is not None else math.nan
    gt_pv = float(gt_p) if gt_p is not None else math.nan
    cand = es.loc[es["pre"] & ~es["reference"] & np.isfinite(es["se"]) & (es["se"] > 0)]
    groups = (
        pd.factorize(cluster_vec, sort=True)[0] if cluster_vec is not None else np.arange(n_units)
    )
    g = int(groups.max()) + 1
    limit = max(1, (g - 1) // 2) if cap is None else min(cap, g - 1)
    leads = sorted(cand["rel_time"].astype(int).tolist(), reverse=True)
    if len(leads) > limit:
        why = (
            f"pretrend_leads={cap}"
            if cap is not None and cap < g - 1
            else f"with {g} clusters at most {limit} leads keep G - L > L"
        )
        notes.append(
            f"The pre-trend test uses the {limit} leads nearest the start "
            f"({min(leads[:limit])} to {max(leads[:limit])}) of {len(leads)} ({why})."
        )
        leads = leads[:limit]
    leads = sorted(leads)
    method = (
        "Wald test that the event-study leads are all zero, with the covariance of their "
        f"influence functions summed by cluster ({g} clusters), referred to Hotelling's "
        "small-sample F: F = (G - L) / (L G) * W on (L, G - L) degrees of freedom."
    )
    if not leads or g - len(leads) < 1:
        notes.append("No pre-period coefficient to test: no pre-trend test.")
        return PretrendTest(math.nan, 0, g - 1, math.nan, (), method, gt_s, gt_pv)
    k = len(leads)
    times = np.asarray(dyn.event_times, dtype=float)
    cols = [int(np.flatnonzero(times == e)[0]) for e in leads]
    psi = np.asarray(dyn.influence_func, dtype=float)[:, cols]
    sums = np.zeros((g, k))
    np.add.at(sums, groups, psi)
    V = sums.T @ sums / n_units**2
    theta = es.set_index("rel_time").loc[leads, "estimate"].to_numpy(dtype=float)
    if np.linalg.matrix_rank(V) < k:
        notes.append("The leads' covariance is singular: no pre-trend test.")
        return PretrendTest(math.nan, k, g - k, math.nan, tuple(leads), method, gt_s, gt_pv)
    wald = float(theta @ np.linalg.solve(V, theta))
    f = (g - k) / (k * g) * wald
    p = float(stats.f.sf(f, k, g - k))
    return PretrendTest(f, k, g - k, p, tuple(leads), method, gt_s, gt_pv)


# --------------------------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------------------------


def _is_dask_dataframe(data: Any) -> bool:
    """Whether ``data`` is a Dask DataFrame, without importing Dask: none can exist in a
    process that has not imported ``dask.dataframe``."""
    dd = sys.modules.get("dask.dataframe")
    return dd is not None and isinstance(data, getattr(dd, "DataFrame", ()))


@contextlib.contextmanager
def _cheap_dask_check() -> Iterator[None]:
    """While moderndid estimates: its ``att_gt`` asks whether its input is a Dask DataFrame by
    importing ``dask.dataframe`` (moderndid 0.2, ``moderndid.dask._utils``), 0.5-0.65 s the
    first time in a process, for a pandas frame built here. :func:`_is_dask_dataframe`
    answers the same question without the import. Nothing changes when moderndid has no
    such function."""
    try:
        from moderndid.dask import _utils as dask_utils
    except ImportError:
        yield
        return
    original = getattr(dask_utils, "is_dask_collection", None)
    if original is None:
        yield
        return
    dask_utils.is_dask_collection = _is_dask_dataframe
    try:
        yield
    finally:
        dask_utils.is_dask_collection = original


def staggered_did(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    first_treated: str | None = None,
    treatment: str | None = None,
    control_group: ControlGroup = "notyet",
    covariates: tuple[str, ...] | list[str] = (),
    cluster: str | None = None,
    anticipation: int = 0,
    est_method: EstMethod = "dr",
    base_period: BasePeriod = "varying",
    overall: Aggregation = "simple",
    inference: Inference = "auto",
    draws: int = 999,
    seed: int = 0,
    pretrend_leads: int | None = None,
    wild_bootstrap: bool | None = None,
    small_sample: bool | None = None,
    alpha: float = 0.05,
) -> StaggeredResult:
    """Callaway-Sant'Anna difference in differences for a staggered roll-out.

    Each cohort (units first treated in period g) is compared with units not (yet) treated,
    period by period, giving ATT(g,t); these are averaged into an overall effect, an event
    study by periods since the start, effects by cohort and by calendar period. Unlike two-way
    fixed effects, already-treated units are never used as controls, so effects that differ
    by cohort or grow over time do not bias the estimate (Goodman-Bacon 2021).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit and period. Not modified.
    outcome : str
        Numeric outcome column.
    unit, time : str
        Unit identifier; numeric period (months numbered, years, ...). Periods are used in
        their order; event times count observed periods.
    first_treated : str, optional
        First treated period of each unit, constant within the unit; NaN or inf for never
        treated (0 too when 0 lies before the first period, R's convention). A period between
        two observed ones counts from the next observed period; one after the last observed
        period means not treated within the panel.
    treatment : str, optional
        A 0/1 treatment column instead of ``first_treated``: the cohort is each unit's first
        period with 1. A unit whose treatment goes back to 0 is an error naming it.
    control_group : {"notyet", "never"}
        Comparison units: not yet treated in the period (default; includes the never treated)
        or never treated only.
    covariates : sequence of str
        Covariates of a conditional parallel-trends assumption (their base-period values are
        used, as R's did; categories become dummies).
    cluster : str, optional
        Cluster column, constant within a unit (default ``unit``).
    anticipation : int
        Periods before the start in which units may already react.
    est_method : {"dr", "reg", "ipw"}
        The 2x2 estimator (doubly robust default, as R's did); identical without covariates,
        and then computed by the outcome-regression form (see :func:`_library_method`).
    base_period : {"varying", "universal"}
        R did's base period: pre-period effects compare each period with the one before
        (``"varying"``, default) or every period with g - 1 (``"universal"``, comparable with a
        TWFE event study).
    overall : {"simple", "dynamic", "group", "calendar"}
        The aggregation reported as the headline (default ``"simple"``: the average over all
        treated unit-periods; R did's authors favour ``"group"``).
    inference : {"auto", "analytical", "bootstrap"}
        ``"auto"``: the multiplier bootstrap when clusters are fewer than
        ``BOOTSTRAP_BELOW_CLUSTERS`` or differ from units, else analytical standard errors.
    draws : int
        Multiplier-bootstrap draws B (R did's default 1000; 999 here).
    seed : int
        Seed of the bootstrap draws (multiplier bootstrap and the TWFE wild bootstrap).
    pretrend_leads : int, optional
        Test at most this many leads, nearest the start (default: all, but at most
        (G - 1) // 2 so the F reference keeps more denominator than numerator degrees of
        freedom; never more than G - 1).
    wild_bootstrap : bool, optional
        Wild cluster bootstrap of the TWFE comparison (default: when clusters are few).
    small_sample : bool, optional
        Multiply the standard errors by sqrt(G/(G-1)) and use t(G-1) for intervals and
        p-values (default: when G < ``BOOTSTRAP_BELOW_CLUSTERS``). R's did uses the normal;
        with 12 clusters its 95% interval for the simple ATT covered 0.91 in a Jambi-like
        simulation, 0.95 with this correction (tests/test_staggered.py).
    alpha : float
        Significance level of the intervals.

    Returns
    -------
    StaggeredResult

    Notes
    -----
    ATT(g,t) = E[Y_t - Y_{g-1-a} | G = g] - E[Y_t - Y_{g-1-a} | control], a = anticipation,
    by the doubly robust 2x2 estimator (Sant'Anna & Zhao 2020); aggregations as ``aggte``
    (Callaway & Sant'Anna 2021, section 3), weights proportional to cohort size. Standard
    errors come from the influence function (analytical) or from R did's multiplier bootstrap
    of it (Mammen weights, clustered; SE = IQR / 1.349), intervals are estimate +- z * SE
    (with fewer than ``BOOTSTRAP_BELOW_CLUSTERS`` clusters: SE * sqrt(G/(G-1)) and t(G-1),
    see ``small_sample``), bands in the tables use the bootstrap sup-t critical value. Units first treated in or
    before the first period are excluded and counted. Reproduces the group-time effects and
    aggregations of R's did on its ``mpdta`` example (tests/test_staggered.py).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame([(u, t) for u in range(60) for t in range(1, 7)],
    ...                      columns=["unit", "period"])
    >>> panel["first"] = panel["unit"].map(lambda u: [3.0, 5.0, np.nan][u % 3])
    >>> on = panel["period"] >= panel["first"]
    >>> panel["y"] = rng.normal(size=len(panel)) + 2.0 * on
    >>> r = staggered_did(panel, "y", unit="unit", time="period", first_treated="first",
    ...                   inference="analytical")
    >>> r.n_cohorts, r.n_never_treated, bool(abs(r.estimate - 2) < 0.5)
    (2, 20, True)
    >>> r.event_study["rel_time"].tolist()
    [-3, -2, -1, 0, 1, 2, 3]
    """
    import moderndid as md

    _check_frame(data)
    _check_alpha(alpha)
    _check_option("control_group", control_group, ControlGroup)
    _check_option("est_method", est_method, EstMethod)
    _check_option("base_period", base_period, BasePeriod)
    _check_option("overall", overall, Aggregation)
    _check_option("inference", inference, Inference)
    anticipation = _check_int("anticipation", anticipation, 0)
    draws = _check_int("draws", draws, 99)
    seed = _check_int("seed", seed, 0)
    if pretrend_leads is not None:
        pretrend_leads = _check_int("pretrend_leads", pretrend_leads, 1)
    if (first_treated is None) == (treatment is None):
        raise ConfigError(
            "give exactly one of first_treated= (a period column) or treatment= (0/1)"
        )
    covariates = tuple(covariates)
    cluster = cluster or unit
    roles: dict[str, list[str]] = {"outcome": [outcome], "unit": [unit], "time": [time]}
    if treatment is not None:
        roles["treatment"] = [treatment]
    if covariates:
        roles["covariate"] = list(covariates)
    if cluster != unit:
        roles["cluster"] = [cluster]
    _check_columns(data, {**roles, **({"first_treated": [first_treated]} if first_treated else {})})
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes, also=[first_treated] if first_treated else [])
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise EstimationError(
            f"unit {unit!r} and time {time!r} do not identify rows: e.g. {dup} appears twice"
        )
    tt = _to_float(frame[time], "time")
    levels = np.unique(tt)
    if levels.size < 2:
        raise EstimationError(f"time column {time!r} has one period; need at least two")
    if treatment is not None:
        first = _cohorts_from_treatment(frame, unit, tt, _to_treatment(frame[treatment]))
    else:
        first, n_zero = _cohorts_from_column(frame, unit, first_treated, float(levels[0]))
        if n_zero:
            notes.append(
                f"{n_zero} units with first_treated = 0 (before the first period) are read as "
                "never treated, as in R's did."
            )
    frame, n_unbalanced = _balance(frame, unit, time, notes)
    if cluster != unit:
        _cluster_per_unit(frame, unit, cluster)
    first = first.loc[frame[unit].unique()]
    g_rank = np.searchsorted(levels, first.to_numpy(), side="left") + 1.0
    g_rank = np.where(np.isnan(first.to_numpy()) | (g_rank > levels.size), 0.0, g_rank)
    after = int((first.notna() & (first.to_numpy() > levels[-1])).sum())
    if after:
        notes.append(
            f"{after} units first treated after the last period ({levels[-1]:g}) are untreated "
            "throughout the panel and count as never treated (as in R's did)."
        )
    always = g_rank == 1
    n_always = int(always.sum())
    if n_always:
        notes.append(
            f"{n_always} units treated in or before the first period ({levels[0]:g}) were "
            "excluded: they have no pre-period and can never be a comparison."
        )
    g_of = pd.Series(g_rank, index=first.index)[~always]
    frame = frame.loc[frame[unit].isin(g_of.index)].reset_index(drop=True)
    n_never = int((g_of == 0).sum())
    cohort_sizes = g_of[g_of > 0].value_counts().sort_index()
    if cohort_sizes.empty:
        raise EstimationError(
            "no unit is first treated within the panel after its first period: there is no "
            "cohort to estimate an effect for"
        )
    if n_never == 0 and cohort_sizes.size == 1:
        start = levels[int(cohort_sizes.index[0]) - 1]
        raise EstimationError(
            f"only one cohort (first treated in period {start:g}) and no never-treated units: "
            "there are no comparison units for it"
        )
    if control_group == "never" and n_never == 0:
        raise EstimationError(
            "control_group='never' but no unit is never treated; use control_group='notyet' "
            "(later cohorts before their start serve as comparisons)"
        )
    ucodes, uniques = pd.factorize(frame[unit], sort=True)
    ccodes, cuniq = pd.factorize(frame[cluster], sort=True)
    n_units, g = len(uniques), len(cuniq)
    if g < 2:
        raise EstimationError(
            f"cluster column {cluster!r} has {g} cluster in the rows used; inference needs at "
            "least 2 clusters (and many more to be reliable)"
        )
    t_rank = np.searchsorted(levels, _to_float(frame[time], "time")) + 1
    work = pd.DataFrame(
        {"id": ucodes + 1, "t": t_rank.astype(np.int64),
         "g": frame[unit].map(g_of).to_numpy(dtype=np.float64),
         "y": _to_float(frame[outcome], "outcome"), "cl": ccodes.astype(np.int64)}
    )  # fmt: skip
    xformla = None
    if covariates:
        C = _covariate_matrix(frame, covariates)
        for k, name in enumerate(C.columns):
            work[f"x{k}"] = C[name].to_numpy(dtype=np.float64)
        xformla = "~ " + " + ".join(f"x{k}" for k in range(C.shape[1]))
    boot = inference == "bootstrap" or (
        inference == "auto" and (cluster != unit or needs_wild_bootstrap(g))
    )
    if cluster != unit and not boot:
        raise ConfigError(
            "clustering above the unit needs the bootstrap (as R's did): use inference='auto' "
            "or 'bootstrap'"
        )
    with _captured_warnings() as caught, _cheap_dask_check():
        try:
            out = md.att_gt(
                work, yname="y", tname="t", idname="id", gname="g", xformla=xformla,
                alp=alpha, cband=boot, boot=boot, biters=draws,
                # only the extra cluster: moderndid 0.2 clusters aggte by clustervars[0]
                clustervars=["cl"] if cluster != unit else None,
                est_method=_library_method(est_method, covariates),
                control_group=_LIBRARY_CONTROL[control_group],
                anticipation=anticipation, base_period=base_period, random_state=seed,
            )  # fmt: skip
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as err:
            if "Never treated group is too small" in str(err):
                raise EstimationError(
                    f"only {n_never} never-treated units: R's did needs at least (covariates "
                    "+ 5) for control_group='never'; use control_group='notyet'"
                ) from err
            raise EstimationError(f"the group-time estimation failed: {err}") from err
    # the library names cohorts by its internal period codes: say it in the data's terms
    skip = ("anticipation =", "small groups in your dataset")
    notes.extend(f"moderndid: {m}" for m in caught if not any(k in m for k in skip))
    if int(cohort_sizes.min()) < 5 or n_never and n_never < 5:
        notes.append(
            f"Small groups: cohorts of {', '.join(map(str, cohort_sizes.astype(int)))} units and "
            f"{n_never} never-treated units; each ATT(g,t) rests on few units."
        )
    if len(out.att_gt) == 0:
        raise EstimationError("no group-time effect could be estimated from this panel")
    few = needs_wild_bootstrap(g) if small_sample is None else bool(small_sample)
    sc = _scale(g, alpha, few)
    cluster_vec = (
        np.asarray(out.estimation_params.get("cluster"))
        if cluster != unit and out.estimation_params.get("cluster") is not None
        else None
    )
    gt = _group_time(out, levels, cohort_sizes, anticipation, sc, boot)
    aggs: dict[str, Aggregate] = {}
    raw: dict[str, Any] = {}
    for kind in AGGREGATIONS:
        aggs[kind], raw[kind] = _aggregate(
            md, out, kind, sc=sc, boot=boot, draws=draws, seed=seed, alpha=alpha,
            cluster_vec=cluster_vec, control=control_group, levels=levels, notes=notes,
        )  # fmt: skip
    es = _event_study(aggs["dynamic"], gt, anticipation, base_period)
    pre = _pretrend(
        es, raw["dynamic"], n_units, cluster_vec, pretrend_leads, notes,
        out.wald_stat, out.wald_pvalue,
    )  # fmt: skip
    d_obs = (work["g"] > 0) & (work["t"] >= work["g"])
    twfe, twfe_wb = _twfe(
        work, d_obs, outcome, treatment, first_treated, time, alpha, g, wild_bootstrap, seed,
        notes, cluster or unit,
    )  # fmt: skip
    if few:
        ref = (
            f"SEs times sqrt(G/(G-1)) = {sc.factor:.4f} and t({g - 1}) critical values and "
            f"p-values (few clusters; R did uses the normal)"
        )
    else:
        ref = "normal critical values and p-values, as R did"
    if boot:
        se_note = (
            f"Standard errors from R did's multiplier bootstrap of the influence function, "
            f"clustered by {cluster} ({g} clusters; Mammen weights, B = {draws}, seed {seed}; "
            f"SE = interquartile range / 1.349); {ref}; bands in the tables from the "
            "bootstrap sup-t critical value."
        )
    else:
        se_note = (
            f"Analytical standard errors from the estimator's influence function, clustered by "
            f"{cluster} ({g} clusters); {ref}."
        )
    if few:
        notes.append(
            f"Only {g} clusters: inference on the staggered estimator rests on few clusters; "
            "the intervals use a small-sample correction but remain approximate."
        )
    head = aggs[overall]
    cohorts = pd.DataFrame(
        {"group": [levels[int(k) - 1] for k in cohort_sizes.index],
         "n_units": cohort_sizes.to_numpy(dtype=int)}
    )  # fmt: skip
    return StaggeredResult(
        outcome=outcome, overall=overall, estimate=head.estimate, se=head.se,
        ci_low=head.ci_low, ci_high=head.ci_high, p_value=head.p_value, group_time=gt,
        aggregations=aggs, event_study=es, pretrend=pre, twfe=twfe, twfe_bootstrap=twfe_wb,
        control_group=control_group, est_method=est_method, base_period=base_period,
        anticipation=anticipation, covariates=covariates, cohorts=cohorts,
        n_obs=int(len(work)), n_treated_obs=int(d_obs.sum()), n_units=int(n_units),
        n_clusters=int(g), n_cohorts=int(cohort_sizes.size), n_never_treated=n_never,
        n_always_treated=n_always, n_unbalanced=int(n_unbalanced),
        inference="multiplier bootstrap" if boot else "analytical",
        bootstrap_weights="Mammen" if boot else None, bootstrap_draws=draws if boot else None,
        seed=seed, df=sc.df, small_sample=few, alpha=float(alpha), se_note=se_note,
        notes=tuple(dict.fromkeys(notes)),
        results=out,
    )  # fmt: skip


def _library_method(est_method: str, covariates: tuple[str, ...]) -> str:
    """The 2x2 estimator to ask the library for: ``est_method``, or ``"reg"`` without covariates.

    Without covariates the propensity score and the outcome regression have an intercept
    only, and the doubly robust, inverse-probability and outcome-regression estimators of
    ATT(g,t) are one estimator: the same estimate and the same influence function (the
    nuisance-estimation terms of Sant'Anna & Zhao 2020 vanish, because the intercept-only
    fits are the group means). The outcome-regression form fits no propensity GLM, so it
    is about 2.5 times faster per group-time cell; tests/test_staggered.py checks that the
    three agree to rounding and that R did's published ``dr`` and ``reg`` numbers are met.
    """
    return est_method if covariates else "reg"


def _group_time(
    out: Any,
    levels: np.ndarray,
    cohort_sizes: pd.Series,
    anticipation: int,
    sc: _Scale,
    boot: bool,
) -> pd.DataFrame:
    g = np.asarray(out.groups, dtype=float)
    t = np.asarray(out.times, dtype=float)
    att, se = np.asarray(out.att_gt, float), sc.se(out.se_gt)
    z = sc.crit
    crit = float(out.critical_value) if boot and np.isfinite(out.critical_value) else z
    return pd.DataFrame(
        {"group": levels[g.astype(int) - 1], "time": levels[t.astype(int) - 1],
         "rel_time": (t - g).astype(int), "att": att, "se": se, "ci_low": att - z * se,
         "ci_high": att + z * se, "band_low": att - crit * se, "band_high": att + crit * se,
         "p_value": sc.p(att, se), "post": t >= g - anticipation,
         "n_units": cohort_sizes.reindex(g).to_numpy(dtype=int)}
    )  # fmt: skip


def _event_study(dyn: Aggregate, gt: pd.DataFrame, anticipation: int, base: str) -> pd.DataFrame:
    tab = dyn.table.rename(columns={"level": "rel_time"}).copy()
    tab["rel_time"] = tab["rel_time"].astype(int)
    tab["pre"] = tab["rel_time"] < -anticipation
    ref = -1 - anticipation
    tab["reference"] = (tab["rel_time"] == ref) & (base == "universal")
    counts = gt.loc[np.isfinite(gt["att"])].groupby("rel_time")["group"].nunique()
    tab["n_cohorts"] = tab["rel_time"].map(counts).fillna(0).astype(int)
    return tab.reset_index(drop=True)


def _twfe(
    work: pd.DataFrame,
    d_obs: pd.Series,
    outcome: str,
    treatment: str | None,
    first_treated: str | None,
    time: str,
    alpha: float,
    g: int,
    wild_bootstrap: bool | None,
    seed: int,
    notes: list[str],
    cluster_name: str = "cluster",
) -> tuple[Any, Any]:
    """The plain TWFE coefficient on the same panel, CR1 by cluster; WCR when clusters are few
    (the cluster keeps the caller's name, so the SE note says what it clusters by)."""
    name = cluster_name if cluster_name not in ("y", "d", "id", "t") else "cluster"
    tw = pd.DataFrame(
        {"y": work["y"], "d": d_obs.astype(float), "id": work["id"], "t": work["t"],
         name: work["cl"]}
    )  # fmt: skip
    try:
        eff = estimate_twfe(tw, "y", "d", unit="id", time="t", cluster=name, alpha=alpha)
    except EstimationError as err:
        notes.append(f"No TWFE comparison: {err}.")
        return None, None
    label = treatment if treatment is not None else f"{time} >= {first_treated}"
    eff = dataclasses.replace(eff, outcome=outcome, treatment=label)
    run = needs_wild_bootstrap(g) if wild_bootstrap is None else bool(wild_bootstrap)
    wb = wild_bootstrap_fit(eff.results, "d", seed=seed, alpha=alpha) if run else None
    return eff, wb
