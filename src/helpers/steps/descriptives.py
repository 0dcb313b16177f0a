"""Descriptive analyses a region's data and config call for (layer 3).

Each is triggered by what a region has, not by its name: a feedback survey with low response
(:func:`feedback_bias`), a moderator such as training relevance (:func:`heterogeneity`), a
training budget (:func:`budget_capacity`), a staff survey with participation and reasons
(:func:`participation`), promotion records and information access by group
(:func:`group_gaps`). Every table that shows groups passes through
:func:`helpers.privacy.disclosure.suppress_small_cells`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.core.config import Region
from helpers.core.errors import EstimationError
from helpers.privacy.disclosure import (
    SUPPRESSED,
    suppress_balance,
    suppress_by_counts,
    suppress_small_cells,
)
from helpers.stats.balance import balance_table
from helpers.stats.estimate import estimate_effect
from helpers.stats.power import minimum_detectable_effect, required_sample_size
from helpers.stats.weighting import ipw_weights
from helpers.steps.frames import DEFAULT_PERSON_COVARIATES, baseline_skp, person_frame

__all__ = [
    "SUPPRESSED",
    "FeedbackBias",
    "feedback_bias",
    "heterogeneity",
    "BudgetCapacity",
    "budget_capacity",
    "PARTICIPATION_SCALES",
    "participation",
    "reasons_for_skipping",
    "group_gaps",
    "jp_compliance",
    "reaction_scores",
]

#: Roster covariates every person-level adjustment here uses; the SKP rating of the year
#: before the programme is added per region (:func:`helpers.steps.frames.baseline_skp`).
COVARIATES = DEFAULT_PERSON_COVARIATES


@dataclass(frozen=True)
class FeedbackBias:
    """How far the satisfaction of those who answered a feedback survey is from all trained."""

    n_trained: int
    n_respondents: int
    response_rate: float
    mean_respondents: float
    mean_reweighted: float
    bound_low: float
    bound_high: float
    balance: pd.DataFrame
    note: str
    suppressed: bool = False


def reaction_scores(
    tables: Mapping[str, pd.DataFrame],
    region: Region,
    scale: str = "training_satisfaction",
    *,
    min_cell: int | None = None,
) -> pd.DataFrame:
    """Satisfaction with the training (Kirkpatrick level 1) from any survey that has it:
    n, mean, sd and the share scoring 4 or more, per survey; a survey with fewer than
    ``min_cell`` answers (default: the region's ``min_cell_size``) is suppressed."""
    min_cell = region.min_cell_size if min_cell is None else min_cell
    rows = []
    for name, spec in region.tables.items():
        t = tables.get(name)
        if t is None or spec.kind != "survey" or scale not in t:
            continue
        x = t[scale].dropna()
        if len(x):
            rows.append(
                {
                    "table": name,
                    "n": len(x),
                    "mean": float(x.mean()),
                    "sd": float(x.std()),
                    "share_4plus": float((x >= 4).mean()),
                }
            )
    table = pd.DataFrame(rows, columns=["table", "n", "mean", "sd", "share_4plus"])
    return suppress_small_cells(table, count="n", min_cell=min_cell)


def feedback_bias(
    tables: Mapping[str, pd.DataFrame],
    region: Region,
    *,
    table: str,
    scale: str = "training_satisfaction",
    min_cell: int | None = None,
) -> FeedbackBias:
    """Compare feedback respondents with all trained staff, and reweight their satisfaction.

    Respondents are weighted by the inverse of their estimated probability of responding
    (a logit on roster covariates among the trained), so that they resemble all trained staff
    on those covariates. This corrects only the part of the bias that runs through observed
    characteristics: if the satisfied answer more *because* they are satisfied, the reweighted
    mean is still too high, and the note says so.

    Disclosure: with fewer than ``min_cell`` respondents or non-respondents (default: the
    region's ``min_cell_size``) the means and bounds are NaN and ``suppressed`` is True; the
    balance table passes through :func:`helpers.privacy.disclosure.suppress_balance`.
    """
    min_cell = region.min_cell_size if min_cell is None else min_cell
    frame = person_frame(tables, region)
    trained = frame[frame["treated"] == 1].copy()
    fb = tables[table].drop_duplicates("pid", keep="last").set_index("pid")
    trained["responded"] = trained["pid"].isin(fb.index).astype(float)
    trained[scale] = trained["pid"].map(fb[scale]) if scale in fb else np.nan
    skp = baseline_skp(region, trained)
    wanted = [*COVARIATES, *([skp] if skp else [])]
    covs = [c for c in wanted if c in trained and trained[c].notna().mean() > 0.5]
    data = trained.dropna(subset=covs)
    balance = balance_table(data, "responded", covs)
    w = ipw_weights(data, "responded", covs, estimand="ATE")
    resp = data["responded"] == 1
    y = data.loc[resp, scale]
    wt = pd.Series(w.weights, index=data.index).loc[resp]
    ok = y.notna()
    reweighted = float(np.average(y[ok], weights=wt[ok])) if ok.any() else float("nan")
    n_resp = int(resp.sum())
    # Manski worst-case bounds: non-respondents could all have scored the scale minimum or maximum
    r = n_resp / max(len(data), 1)
    lo, hi = float(y.mean()) * r + 1.0 * (1 - r), float(y.mean()) * r + 5.0 * (1 - r)
    note = (
        "Reweighting corrects only for differences in observed characteristics (age, sex, "
        "tenure, rank, SKP); if satisfied participants are more likely to answer because "
        "they are satisfied, both means overstate satisfaction."
    )
    n_non = len(data) - n_resp
    small = 0 < n_resp < min_cell or 0 < n_non < min_cell
    nan = float("nan")
    return FeedbackBias(
        len(trained),
        n_resp,
        n_resp / max(len(trained), 1),
        nan if small else float(y.mean()),
        nan if small else reweighted,
        nan if small else lo,
        nan if small else hi,
        suppress_balance(balance, min_cell=min_cell),
        note if not small else f"{note} Fewer than {min_cell} people on one side: not shown.",
        small,
    )


def heterogeneity(
    frame: pd.DataFrame,
    *,
    outcome: str,
    baseline: str | None,
    moderator: str,
    covariates: Sequence[str] = COVARIATES,
    min_cell: int = 5,
) -> pd.DataFrame:
    """Effect among trained staff with high vs low values of a moderator (split at the
    treated median), each against all untrained staff (ANCOVA, HC2). A subgroup with fewer
    than ``min_cell`` trained people is suppressed (estimate, interval, p and count)."""
    if moderator not in frame:
        raise EstimationError(f"moderator column {moderator!r} not in the frame")
    treated = frame["treated"] == 1
    cut = frame.loc[treated, moderator].median()
    covs = [c for c in covariates if c in frame and c != baseline]
    rows = []
    for name, mask in (("tinggi", frame[moderator] > cut), ("rendah", frame[moderator] <= cut)):
        sub = frame[(~treated) | (treated & mask)]
        eff = estimate_effect(
            sub, outcome, "treated", design="ancova", baseline=baseline, covariates=covs
        )
        rows.append(
            {
                "group": name,
                "moderator": moderator,
                "cut": float(cut),
                "estimate": eff.estimate,
                "ci_low": eff.ci_low,
                "ci_high": eff.ci_high,
                "p_value": eff.p_value,
                "n_treated": eff.n_treated,
            }
        )
    estimates = ["estimate", "ci_low", "ci_high", "p_value"]
    return suppress_by_counts(pd.DataFrame(rows), {"n_treated": estimates}, min_cell=min_cell)


@dataclass(frozen=True)
class BudgetCapacity:
    """How many staff the budget trains, and what effect that sample can detect."""

    total_rp: float
    cost_per_participant_rp: float
    n_trainable: int
    n_staff: int
    mde_standardised: float
    n_for_03: int


def budget_capacity(region: Region, n_staff: int, *, target_d: float = 0.3) -> BudgetCapacity:
    """People trainable on the configured budget, the MDE (in SD) of a trained-vs-untrained
    comparison at that size, and the number needed per group to detect ``target_d``."""
    budget = region.extra["budget"]
    total, cost = float(budget["total_rp"]), float(budget["cost_per_participant_rp"])
    n = int(total // cost)
    mde = minimum_detectable_effect(n_treated=n, n_control=max(n_staff - n, 2), sd=1.0)
    need = required_sample_size(target_d)
    return BudgetCapacity(
        total, cost, n, n_staff, float(mde.mde_standardised), int(np.ceil(need.n_treated))
    )


#: The survey scales :func:`participation` splits by unless told otherwise (those of the
#: project's own staff-survey items; a region adds its own in ``participation_scales``).
PARTICIPATION_SCALES = ("leadership_support", "workload")


def participation(
    frame: pd.DataFrame,
    survey: pd.DataFrame,
    *,
    scales: Sequence[str] = PARTICIPATION_SCALES,
    min_cell: int = 5,
) -> pd.DataFrame:
    """Share of staff trained by tercile of each survey scale (e.g. leadership support); a
    scale the survey lacks is left out."""
    merged = frame[["pid", "treated"]].merge(survey.drop_duplicates("pid"), on="pid")
    rows = []
    for s in scales:
        if s not in merged:
            continue
        groups = pd.qcut(merged[s].rank(method="first"), 3, labels=["rendah", "sedang", "tinggi"])
        for g, sub in merged.groupby(groups, observed=True):
            rows.append(
                {
                    "scale": s,
                    "tercile": str(g),
                    "n": len(sub),
                    "share_trained": float(sub["treated"].mean()),
                }
            )
    table = pd.DataFrame(rows, columns=["scale", "tercile", "n", "share_trained"])
    return suppress_small_cells(table, count="n", min_cell=min_cell)


def reasons_for_skipping(
    survey: pd.DataFrame, column: str, *, sep: str = ";", min_cell: int = 5
) -> pd.DataFrame:
    """Counts of each reason in a multi-select answer (``"Beban kerja tinggi;Jadwal bentrok"``)."""
    answers = survey[column].dropna().astype(str)
    answers = answers[answers.str.strip() != ""]
    reasons = answers.str.split(sep).explode().str.strip()
    reasons = reasons[reasons != ""]
    table = reasons.value_counts().rename_axis("reason").reset_index(name="n")
    table["share_of_answers"] = table["n"] / max(len(answers), 1)
    return suppress_small_cells(table, count="n", min_cell=min_cell)


def group_gaps(
    frame: pd.DataFrame,
    value: str,
    *,
    by: Sequence[str] = ("gender", "golongan_group"),
    min_cell: int = 5,
) -> pd.DataFrame:
    """Mean of ``value`` by each grouping (a shown group has at least ``min_cell`` people)."""
    frame = frame.copy()
    if "golongan_group" in by and "golongan" in frame:
        frame["golongan_group"] = frame["golongan"].astype(str).str.split("/").str[0]
    rows = []
    for g in by:
        if g not in frame:
            continue
        for level, sub in frame.dropna(subset=[value]).groupby(g, observed=True):
            rows.append(
                {"by": g, "group": str(level), "n": len(sub), "mean": float(sub[value].mean())}
            )
    table = pd.DataFrame(rows, columns=["by", "group", "n", "mean"])
    return suppress_small_cells(table, count="n", min_cell=min_cell)


def jp_compliance(
    tables: Mapping[str, pd.DataFrame], region: Region, *, year: int, min_jp: float = 20.0
) -> float:
    """Share of ASN with at least ``min_jp`` JP of competency development in ``year`` (each ASN
    is owed at least 20 JP a year)."""
    roster = tables[next(iter(region.tables_of_kind("roster")))]
    training = tables[region.treatment.table] if region.treatment.window else None
    if training is None or "jp" not in training:
        train_name = next(iter(region.tables_of_kind("training")), None)
        if train_name is None:
            return float("nan")
        training = tables[train_name]
    jp = training[training["start"].dt.year == year].groupby("pid")["jp"].sum()
    return float((roster["pid"].map(jp).fillna(0) >= min_jp).mean())
