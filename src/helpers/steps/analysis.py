"""Estimate a region's effects (notebook 03): every configured outcome x design, the checks
beside them, and one tidy effects table for the report and the synthesis.

The frames come from :mod:`helpers.steps.frames`. For each outcome the headline is the first
design of :data:`PREFERRED_DESIGNS` the registry lists that could be estimated; when the
preferred one fails, the next becomes the headline and ``headline_note`` says why. A design
that cannot be estimated (one group only, a constant outcome, ...) becomes a row with its
reason in ``error``: the rest of the region is still estimated.

Besides the estimator's own columns (:meth:`helpers.stats.effect.Effect.to_frame`), every row
carries what the synthesis and the report need: ``construct`` (the registry's), ``controlled``
(False for an uncontrolled before/after gain), ``outcome_sd`` and ``outcome_sd_basis`` (the
person- or event-level SD of the outcome, never of aggregated cells), ``unit`` (the outcome's
unit for readers), and ``headline_note``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.config import AnalysisSpec, ProjectPaths, Region, paths
from helpers.core.errors import ConfigError, EstimationError, HelpersError
from helpers.io.storage import write_parquet_atomic
from helpers.privacy.disclosure import suppress_balance
from helpers.stats.balance import balance_table
from helpers.stats.effect import Effect
from helpers.stats.estimate import estimate_effect
from helpers.stats.event_studies import event_study
from helpers.stats.moderation import moderated_effects
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.staggered import staggered_did
from helpers.stats.staggered_results import StaggeredResult
from helpers.stats.weighting import ipw_weights
from helpers.stats.wild_bootstrap import (
    WildBootstrapResult,
    needs_wild_bootstrap,
    wild_bootstrap_fit,
)
from helpers.steps.availability import region_availability
from helpers.steps.descriptives import reaction_scores
from helpers.steps.frames import (
    DEFAULT_PERSON_COVARIATES,
    GROUPS,
    analysis_frame,
    baseline_skp,
    load_processed,
    outcome_sd,
    panel_frame,
    person_frame,
    treatment_groups,
    treatment_status,
    uses_person_frame,
)
from helpers.steps.narrative import in_sentence, outcome_unit

__all__ = [
    "write_effects",
    "PREFERRED_DESIGNS",
    "DEFAULT_PERSON_COVARIATES",
    "load_processed",
    "treatment_status",
    "person_frame",
    "panel_frame",
    "analysis_frame",
    "RegionEffects",
    "estimate_region",
]

#: The design shown as the headline for an outcome, in order of preference: controlled
#: designs first (the heterogeneity-robust DiD, ANCOVA on the baseline, the mixed model for
#: nested data, the doubly robust and weighting estimators, TWFE), then the uncontrolled
#: before/after gain, and the naive difference in means last.
PREFERRED_DESIGNS = ("did", "ancova", "mixed", "aipw", "ipw", "twfe", "paired", "diff")
#: Outputs of notebook 03 besides effects.parquet, each written when it has rows (a run builds
#: a fresh folder, see :mod:`helpers.runner.staging`, so no check of an earlier run survives).
#: What a design that cannot be estimated from these data raises: it becomes a row with the
#: reason, and the rest of the region is estimated (a bug elsewhere still stops the notebook).
ESTIMATION_FAILURES = (HelpersError, ValueError, KeyError, ZeroDivisionError, np.linalg.LinAlgError)
CHECK_TABLES = (
    "balance",
    "event_studies",
    "pretrends",
    "heterogeneity",
    "treatment_groups",
    "did_aggregations",
    "availability",
    "reaction",
)
#: Periods before and after the start kept apart in a TWFE-only event study; further ones are
#: binned into the end points (Schmidheiny and Siegloch 2023).
TWFE_EVENT_WINDOW = 4
#: Designs that need the outcome's baseline; without it they become a row saying so.
BASELINE_DESIGNS = ("ancova", "paired")


@dataclass(frozen=True)
class RegionEffects:
    """Notebook 03's results for one region."""

    effects: pd.DataFrame
    balance: pd.DataFrame
    event_studies: pd.DataFrame
    pretrends: pd.DataFrame
    heterogeneity: pd.DataFrame
    treatment_groups: pd.DataFrame
    did_aggregations: pd.DataFrame
    frames: Mapping[str, pd.DataFrame]
    fits: Mapping[tuple[str, str], Effect]
    availability: pd.DataFrame = field(default_factory=pd.DataFrame)
    """What the data do not hold (:func:`helpers.steps.availability.region_availability`)."""
    reaction: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Level 1: satisfaction with the training per survey
    (:func:`helpers.steps.descriptives.reaction_scores`), read by the synthesis."""


def _covariates(region: Region, spec: AnalysisSpec, frame: pd.DataFrame) -> list[str]:
    if spec.covariates is not None:
        return list(spec.covariates)
    if spec.frame != "person":
        return []
    skp = baseline_skp(region, frame)
    wanted = [*DEFAULT_PERSON_COVARIATES, *([skp] if skp else [])]
    return [
        c for c in wanted if c in frame and c != spec.baseline and frame[c].notna().mean() > 0.5
    ]


def _varying(frame: pd.DataFrame, spec: AnalysisSpec, covs: list[str]) -> tuple[list[str], str]:
    """The default covariates that vary in the analysed rows; a constant one (every ASN of one
    gender, one golongan) cannot be adjusted for and would make the propensity model singular,
    so it is left out and said in the notes. Covariates the registry names are kept."""
    if spec.covariates is not None:
        return covs, ""
    rows = frame.dropna(subset=[c for c in ("treated", spec.outcome) if c in frame])
    constant = [c for c in covs if rows[c].nunique(dropna=True) <= 1]
    if not constant:
        return covs, ""
    kept = [c for c in covs if c not in constant]
    return kept, f"covariate(s) {', '.join(constant)} left out: the same for everyone analysed"


def _with_baseline(spec: AnalysisSpec, frame: pd.DataFrame) -> tuple[AnalysisSpec, str]:
    """The analysis as it can be run: without its baseline when the data do not have it (a
    survey with no wave before the programme), with the reason."""
    if not spec.baseline or (spec.baseline in frame and frame[spec.baseline].notna().any()):
        return spec, ""
    why = (
        f"baseline {spec.baseline!r} is not in the data (no wave or column before the "
        "programme gives it)"
    )
    return replace(spec, baseline=None), why


def _no_outcome(spec: AnalysisSpec, frame: pd.DataFrame) -> str:
    """Why no design of the analysis can be estimated because its outcome has no value at all
    (a scale every respondent left blank gives no score, so no column); empty when it has."""
    if spec.outcome in frame and frame[spec.outcome].notna().any():
        return ""
    return (
        f"not estimated: outcome {spec.outcome!r} has no value in the data (every answer "
        "to its items is blank or missing)"
    )


def _staggered(spec: AnalysisSpec, frame: pd.DataFrame) -> StaggeredResult:
    """The heterogeneity-robust DiD (Callaway-Sant'Anna, not-yet-treated comparison) of a
    roll-out panel, with its TWFE comparison and event study (seeded bootstrap)."""
    return staggered_did(
        frame,
        spec.outcome,
        unit=spec.unit,
        time="period",
        first_treated="first_treated",
        cluster=spec.cluster or spec.unit,
        control_group="notyet",
        seed=0,
    )


def _few_clusters(effect: Effect, frame: pd.DataFrame, cluster: str | None) -> Effect:
    """With fewer clusters than :data:`BOOTSTRAP_BELOW_CLUSTERS`, the p-value and interval come
    from a wild cluster bootstrap (restricted, Rademacher, every sign pattern when 2^G is at
    most B): CR1 with t(G-1) alone is unreliable with few clusters."""
    if cluster is None or effect.results is None or effect.treatment is None:
        return effect
    groups = frame[cluster].nunique()
    if not needs_wild_bootstrap(int(groups)):
        return effect
    boot = wild_bootstrap_fit(effect.results, effect.treatment, seed=0, alpha=effect.alpha)
    return _with_bootstrap(effect, boot)


def _with_bootstrap(effect: Effect, boot: WildBootstrapResult | None) -> Effect:
    """``effect`` with its p-value and interval from the wild cluster bootstrap ``boot``."""
    if boot is None:
        return effect
    return dataclasses.replace(
        effect,
        p_value=boot.p_value,
        ci_low=boot.ci_low,
        ci_high=boot.ci_high,
        se_type="wild-bootstrap",
        se_note=f"{effect.se_note} {boot.method}",
        notes=(*effect.notes, *boot.notes),
        details={**effect.details, "wild_bootstrap": boot},
    )


def _one(
    spec: AnalysisSpec,
    design: str,
    frame: pd.DataFrame,
    covs: list[str],
    staggered: Mapping[str, StaggeredResult],
) -> Effect:
    if design == "did":
        result = staggered[spec.id]
        effect = result.to_effect()  # its details hold n_units and n_clusters, for the summary
        return dataclasses.replace(effect, details={**effect.details, "staggered": result})
    if design == "twfe" and spec.id in staggered:  # the comparison row of a staggered roll-out
        result = staggered[spec.id]
        if result.twfe is None:
            raise EstimationError("no two-way fixed-effects comparison: " + "; ".join(result.notes))
        return _with_bootstrap(result.twfe, result.twfe_bootstrap)
    if design == "paired":
        data = frame[frame["treated"] == 1] if "treated" in frame else frame
        return estimate_effect(data, spec.outcome, None, design="paired", baseline=spec.baseline)
    if design == "twfe":
        fit = estimate_effect(
            frame,
            spec.outcome,
            "treated",
            design="twfe",
            unit=spec.unit,
            time=spec.time if spec.time in frame else "period",
            cluster=spec.cluster or spec.unit,
        )
        return _few_clusters(fit, frame, spec.cluster or spec.unit)
    if design == "mixed":
        return estimate_effect(
            frame,
            spec.outcome,
            "treated",
            design="mixed",
            baseline=spec.baseline,
            covariates=covs,
            cluster=spec.cluster,
        )
    if design == "diff":
        if spec.cluster:
            return estimate_effect(
                frame, spec.outcome, "treated", design="diff", cluster=spec.cluster, se="cluster"
            )
        return estimate_effect(frame, spec.outcome, "treated", design="diff")
    if design == "ancova":
        fit = estimate_effect(
            frame,
            spec.outcome,
            "treated",
            design="ancova",
            baseline=spec.baseline,
            covariates=covs,
            cluster=spec.cluster,
            se="cluster" if spec.cluster else "robust",
        )
        return _few_clusters(fit, frame, spec.cluster)
    if design in ("ipw", "aipw"):
        ps_covs = covs + ([spec.baseline] if spec.baseline else [])
        return estimate_effect(frame, spec.outcome, "treated", design=design, covariates=ps_covs)
    raise EstimationError(f"analysis {spec.id!r}: unknown design {design!r}")


def _designs(spec: AnalysisSpec) -> tuple[str, ...]:
    """The registry's designs; a heterogeneity-robust ``did`` always brings its two-way
    fixed-effects comparison row (``twfe``)."""
    if "did" in spec.designs and "twfe" not in spec.designs:
        return (*spec.designs, "twfe")
    return spec.designs


#: How a row withheld by the disclosure rule starts its ``error`` (the report says why).
TOO_FEW_TO_SHOW = "not shown: fewer than"


def _too_few(fit: Effect, min_cell: int) -> str | None:
    """Why an estimate may not be shown: its treated or comparison group has fewer than
    ``min_cell`` people (an estimate and a comparison mean of three people give away their
    outcome). Never repeats the group's size."""
    return _too_few_counts(int(fit.n_treated), int(fit.n_control), min_cell)


def _too_few_in_frame(spec: AnalysisSpec, frame: pd.DataFrame, min_cell: int) -> str | None:
    """:func:`_too_few` for a design that could not be fitted: its own reason may quote the
    size of a small group ('the untreated has 1 rows'), so a person-level frame whose
    treated or comparison group with an outcome is below ``min_cell`` says only that."""
    if frame.attrs.get("panel") is not None or not {"treated", spec.outcome} <= set(frame):
        return None
    used = frame.loc[frame[spec.outcome].notna(), "treated"]
    return _too_few_counts(int((used == 1).sum()), int((used == 0).sum()), min_cell)


def _too_few_counts(n_treated: int, n_control: int, min_cell: int) -> str | None:
    small = [
        what
        for n, what in ((n_treated, "treated"), (n_control, "comparison"))
        if 0 < int(n) < min_cell
    ]
    if not small:
        return None
    return f"{TOO_FEW_TO_SHOW} {min_cell} {' and '.join(small)} (disclosure rule)"


#: Fewest treated units (dinas, schools) a DiD is reported from: with one treated cluster,
#: cluster-robust and bootstrap inference over-reject badly (Conley and Taber 2011; MacKinnon
#: and Webb 2017), and the estimate is one unit's change.
MIN_TREATED_UNITS = 2


def _too_few_treated_units(spec: AnalysisSpec, design: str, frame: pd.DataFrame) -> str | None:
    """Why a DiD is not reported: fewer than :data:`MIN_TREATED_UNITS` units ever treated."""
    if design not in ("did", "twfe") or not spec.unit or not {"treated", spec.unit} <= set(frame):
        return None
    treated = frame.loc[frame["treated"] == 1, spec.unit].nunique()
    if treated >= MIN_TREATED_UNITS:
        return None
    return (
        f"not estimated: {treated} treated unit(s); a difference-in-differences needs at least "
        f"{MIN_TREATED_UNITS} treated units for its interval (with one, cluster-robust and "
        "bootstrap inference over-reject: Conley and Taber 2011, MacKinnon and Webb 2017)"
    )


def _with_effect_columns(effects: pd.DataFrame) -> pd.DataFrame:
    """Every column of an estimate, also when no design of the region could be estimated (or
    shown): missing numbers are NaN, missing texts None."""
    template = Effect.__dataclass_fields__
    for name in ("estimate", "se", "ci_low", "ci_high", "p_value", "n_treated", "n_control"):
        if name not in effects:
            effects[name] = np.nan
    for name in ("effect_size", "mde", "df", "alpha"):
        if name in template and name not in effects:
            effects[name] = np.nan
    for name in ("se_type", "assumption", "notes", "summary_id", "summary_en", "estimand"):
        if name not in effects:
            effects[name] = None
    return effects


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, HelpersError) else f"{type(exc).__name__}: {exc}"


def _event_study_of(spec: AnalysisSpec, result: StaggeredResult) -> tuple[pd.DataFrame, dict]:
    """The event study and pre-trend test of the staggered estimator itself (no end bins)."""
    pre = result.pretrend
    row = {
        "analysis": spec.id,
        "pretrend_f": pre.statistic if pre is not None else np.nan,
        "pretrend_p": pre.p_value if pre is not None else np.nan,
        "n_units": result.n_units,
        "n_clusters": result.n_clusters,
        "estimator": "callaway_santanna",
    }
    return result.event_study.assign(analysis=spec.id), row


def _headline(spec: AnalysisSpec, estimated: Mapping[str, Effect | str]) -> tuple[str, str]:
    """The headline design and why it is that one (empty when it is the preferred one)."""
    ordered = [d for d in PREFERRED_DESIGNS if d in _designs(spec)]
    failed = []
    for design in ordered:
        if isinstance(estimated.get(design), Effect):
            if not failed:
                return design, ""
            why = "; ".join(f"{d}: {estimated[d]}" for d in failed)
            return design, f"the preferred design could not be estimated ({why})"
        failed.append(design)
    return ordered[0], "no design could be estimated"


def comparison_mean(spec: AnalysisSpec, design: str, frame: pd.DataFrame) -> float:
    """The comparison group's level of the outcome, for readers: the mean outcome of the
    comparison group (untreated staff, or untreated unit-months of a roll-out), and for a
    before/after design the participants' mean before (the baseline)."""
    if design == "paired":
        data = frame[frame["treated"] == 1] if "treated" in frame else frame
        return float(pd.to_numeric(data[spec.baseline], errors="coerce").mean())
    if "treated" not in frame or spec.outcome not in frame:
        return float("nan")
    controls = frame.loc[frame["treated"] == 0, spec.outcome]
    return float(pd.to_numeric(controls, errors="coerce").mean())


def _unit(spec: AnalysisSpec) -> str:
    return spec.unit_label or outcome_unit(spec.label)


def _row(
    region: Region,
    spec: AnalysisSpec,
    design: str,
    fit: Effect | str,
    sd: tuple[float, str],
    comparison: float = float("nan"),
) -> dict:
    base = {
        "analysis": spec.id,
        "level": spec.level,
        "label": spec.label,
        "construct": spec.construct,
        "unit": _unit(spec),
        "higher_is_better": spec.higher_is_better,
        "outcome_sd": sd[0],
        "outcome_sd_basis": sd[1],
        "comparison_mean": comparison,
    }
    if isinstance(fit, str):  # not estimated: no rows were used (the schema needs an n)
        return {**base, "outcome": spec.outcome, "design": design, "n": 0, "error": fit}
    row = fit.to_frame().iloc[0].to_dict()
    row.update(
        base,
        notes="; ".join(fit.notes),
        summary_id=fit.summary_text("id", outcome_label=in_sentence(spec.label), units=_unit(spec)),
        summary_en=fit.summary_text("en", outcome_label=spec.id.replace("_", " ")),
        error=None,
        # a panel's units (dinas, schools): the reader is told when they are few
        n_units=float(fit.details.get("n_units", np.nan))
        if fit.design in ("did", "twfe")
        else np.nan,
    )
    return row


def _balance(
    spec: AnalysisSpec, frame: pd.DataFrame, covs: list[str], min_cell: int
) -> pd.DataFrame:
    """Standardised differences before and after weighting; a group smaller than ``min_cell``
    shows neither its means nor the differences."""
    bal_covs = covs + ([spec.baseline] if spec.baseline else [])
    data = frame.dropna(subset=[*bal_covs, "treated", spec.outcome])
    w = ipw_weights(data, "treated", bal_covs)
    table = balance_table(data, "treated", bal_covs, weights=w.weights).assign(analysis=spec.id)
    return suppress_balance(table, min_cell=min_cell)


def _event_study(spec: AnalysisSpec, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The binned TWFE event study of a panel analysed by ``twfe`` alone (a roll-out analysed
    by ``did`` gets the staggered estimator's own event study instead)."""
    es = event_study(
        frame,
        spec.outcome,
        unit=spec.unit,
        time="period",
        first_treated="first_treated",
        leads=TWFE_EVENT_WINDOW,
        lags=TWFE_EVENT_WINDOW,
        cluster=spec.unit,
    )
    pre = {
        "analysis": spec.id,
        "pretrend_f": es.pretrend_f,
        "pretrend_p": es.pretrend_p,
        "n_units": es.n_units,
    }
    return es.coefficients.assign(analysis=spec.id, pre=lambda d: d["rel_time"] < 0), pre


def _heterogeneity(
    region: Region, spec: AnalysisSpec, frame: pd.DataFrame, covs: list[str]
) -> pd.DataFrame:
    """The effect by each of the region's pre-treatment moderators (ANCOVA with an interaction);
    :func:`_adjust_interactions` adjusts the interaction p-values across the region."""
    rows = []
    for moderator in region.moderators:
        if moderator.endswith("_post"):
            raise ConfigError(
                f"region {region.slug!r}: moderator {moderator!r} is measured after the "
                "programme, which may have changed it; use a baseline answer (…_pre) or a "
                "roster attribute"
            )
        if moderator not in frame:
            raise ConfigError(
                f"region {region.slug!r}: moderator {moderator!r} is not a column of the person "
                f"frame (columns: {sorted(frame.columns)})"
            )
        design = "ancova" if spec.baseline else "diff"
        others = [c for c in covs if c != moderator]
        try:
            fit = moderated_effects(
                frame,
                spec.outcome,
                "treated",
                moderator,
                baseline=spec.baseline if design == "ancova" else None,
                covariates=others if design == "ancova" else (),
                design=design,
            )
        except ESTIMATION_FAILURES as exc:
            rows.append({"analysis": spec.id, "moderator": moderator, "error": str(exc)})
            continue
        for e in fit.effects.to_dict("records"):
            rows.append(
                {
                    "analysis": spec.id,
                    "moderator": moderator,
                    "kind": fit.kind,
                    **e,
                    "interaction_p": fit.interaction_p,
                    "error": None,
                }
            )
    out = pd.DataFrame(rows)
    if len(out) and "level" in out:
        out["level"] = out["level"].astype(str)
    return out


def _adjust_interactions(hetero: pd.DataFrame) -> pd.DataFrame:
    """Benjamini-Hochberg over every (outcome, moderator) interaction test of the region: one
    family, so that testing more moderators does not make a chance difference look real."""
    if not len(hetero) or "interaction_p" not in hetero:
        return hetero
    tests = hetero.dropna(subset=["interaction_p"]).drop_duplicates(["analysis", "moderator"])
    adjusted = pd.Series(
        adjust_pvalues(tests["interaction_p"]),
        index=pd.MultiIndex.from_frame(tests[["analysis", "moderator"]]),
    )
    keys = pd.MultiIndex.from_frame(hetero[["analysis", "moderator"]])
    return hetero.assign(interaction_p_adj=adjusted.reindex(keys).to_numpy())


def _groups(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.DataFrame:
    """How many staff are treated, untrained and partially trained, and who the comparison is;
    a group smaller than the region's minimum cell has its count blanked (``suppressed``)."""
    counts = treatment_groups(tables, region).value_counts()
    control = region.treatment.control
    groups = pd.DataFrame(
        {
            "group": list(GROUPS),
            "n": [int(counts.get(g, 0)) for g in GROUPS],
            "role": [
                "treated",
                "comparison",
                "comparison" if control == "below_min" else "left out",
            ],
        }
    )
    small = (groups["n"] > 0) & (groups["n"] < region.min_cell_size)  # an empty group is no cell
    groups["n"] = groups["n"].astype("Int64").mask(small)
    groups["suppressed"] = small.to_numpy()
    return groups


def _unframed_rows(region: Region, spec: AnalysisSpec, reason: str) -> list[dict]:
    """One row per design of an analysis whose data could not be framed, each with the
    reason; the first preferred design is its headline."""
    designs = _designs(spec)
    headline = next((d for d in PREFERRED_DESIGNS if d in designs), designs[0])
    return [
        {
            **_row(region, spec, design, reason, (np.nan, "pooled")),
            "headline": design == headline,
            "headline_note": "no design could be estimated" if design == headline else "",
        }
        for design in designs
    ]


def estimate_region(region: Region, tables: Mapping[str, pd.DataFrame]) -> RegionEffects:
    """Estimate every configured outcome x design; balance, event studies, heterogeneity by
    the pre-treatment moderators and the treatment groups alongside.

    Returns a tidy effects table (one row per outcome x design, see the module doc) with
    ``headline`` marking the headline design of each outcome; ``p_adj`` is
    Benjamini-Hochberg across the headline estimates of the region (one family of outcomes).
    """
    rows, balance, events, pretrends, hetero, aggregations = [], [], [], [], [], []
    frames: dict[str, pd.DataFrame] = {}
    fits: dict[tuple[str, str], Effect] = {}
    person: pd.DataFrame | None = None  # built once, shared by the analyses that use it
    for configured in region.analyses:
        try:
            if person is None and uses_person_frame(region, configured):
                person = person_frame(tables, region)
            frame = analysis_frame(tables, region, configured, person=person)
        except ESTIMATION_FAILURES as exc:  # no frame (a unit the roll-out lacks): a row each
            rows.extend(_unframed_rows(region, configured, _reason(exc)))
            continue
        frames[configured.id] = frame
        spec, no_baseline = _with_baseline(configured, frame)
        covs, dropped = _varying(frame, spec, _covariates(region, spec, frame))
        no_outcome = _no_outcome(spec, frame)
        sd = (np.nan, "pooled") if no_outcome else outcome_sd(tables, region, spec, frame)
        designs = _designs(spec)
        staggered: dict[str, StaggeredResult] = {}
        estimated: dict[str, Effect | str] = {}
        for design in designs:
            if no_outcome:
                estimated[design] = no_outcome
            elif no_baseline and design in BASELINE_DESIGNS:
                estimated[design] = f"not estimated: {no_baseline}"
        if "did" in designs and "did" not in estimated:
            try:
                staggered[spec.id] = _staggered(spec, frame)
            except ESTIMATION_FAILURES as exc:
                estimated["did"] = _reason(exc)
                estimated["twfe"] = _reason(exc)
        for design in designs:
            if design in estimated:
                continue
            try:
                estimated[design] = _one(spec, design, frame, covs, staggered)
            except ESTIMATION_FAILURES as exc:  # degrade, don't drop: a row with its reason
                small = _too_few_in_frame(spec, frame, region.min_cell_size)
                estimated[design] = small or _reason(exc)
            else:
                withheld = _too_few(estimated[design], region.min_cell_size)
                withheld = withheld or _too_few_treated_units(spec, design, frame)
                estimated[design] = withheld or estimated[design]
        headline, why = _headline(spec, estimated)
        extra_notes = [n for n in (dropped, no_baseline and f"no baseline: {no_baseline}") if n]
        panel = frame.attrs.get("panel")
        for design in designs:
            fit = estimated[design]
            if isinstance(fit, Effect):
                fits[(spec.id, design)] = fit
                if panel is not None and design in ("did", "twfe"):
                    fit = dataclasses.replace(fit, notes=(*fit.notes, *panel.notes()))
            shown = not (isinstance(fit, str) and fit.startswith(TOO_FEW_TO_SHOW))
            level = comparison_mean(spec, design, frame) if shown else float("nan")
            row = _row(region, configured, design, fit, sd, level)
            if isinstance(fit, Effect) and extra_notes:
                row["notes"] = "; ".join(n for n in (row["notes"], *extra_notes) if n)
            row.update(headline=design == headline, headline_note=why if design == headline else "")
            rows.append(row)
        if spec.frame == "person" and {"ipw", "aipw"} & set(designs):
            with contextlib.suppress(*ESTIMATION_FAILURES):  # the ipw/aipw rows say why
                balance.append(_balance(spec, frame, covs, region.min_cell_size))
        if spec.id in staggered:
            coefficients, pre = _event_study_of(spec, staggered[spec.id])
            events.append(coefficients)
            pretrends.append(pre)
            aggregations.append(staggered[spec.id].to_frame().assign(analysis=spec.id))
        elif "twfe" in designs:
            try:
                coefficients, pre = _event_study(spec, frame)
            except ESTIMATION_FAILURES:
                pass
            else:
                events.append(coefficients)
                pretrends.append(pre)
        if spec.frame == "person" and region.moderators:
            hetero.append(_heterogeneity(region, spec, frame, covs))
    effects = _with_effect_columns(pd.DataFrame(rows))
    effects.insert(0, "region", region.slug)
    effects["p_adj"] = np.nan
    if "p_value" in effects:
        ok = effects["headline"] & effects["p_value"].notna()
        if ok.any():
            effects.loc[ok, "p_adj"] = adjust_pvalues(effects.loc[ok, "p_value"])
    for c in effects.columns:
        if effects[c].dtype == object:
            effects[c] = effects[c].astype("string")
    return RegionEffects(
        effects=effects,
        balance=pd.concat(balance, ignore_index=True) if balance else pd.DataFrame(),
        event_studies=pd.concat(events, ignore_index=True) if events else pd.DataFrame(),
        pretrends=pd.DataFrame(pretrends),
        heterogeneity=_adjust_interactions(pd.concat(hetero, ignore_index=True))
        if hetero
        else pd.DataFrame(),
        did_aggregations=pd.concat(aggregations, ignore_index=True)
        if aggregations
        else pd.DataFrame(),
        treatment_groups=_groups(tables, region),
        frames=frames,
        fits=fits,
        availability=region_availability(region, tables, frames),
        reaction=reaction_scores(tables, region),
    )


def write_effects(
    result: RegionEffects, region: Region, *, project: ProjectPaths = paths
) -> list[Path]:
    """Write the effects table and its checks (those with rows) atomically."""
    from helpers.io.schemas import validate

    out = project.processed_region(region.slug)
    validate(result.effects, "effects", table="effects")
    written = [write_parquet_atomic(result.effects, out / "effects.parquet")]
    for name in CHECK_TABLES:
        frame = getattr(result, name)
        if len(frame):
            written.append(write_parquet_atomic(frame, out / f"{name}.parquet"))
    return written
