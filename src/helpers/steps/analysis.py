"""Build each region's analysis frames from its processed tables and estimate its effects
(notebook 03). Regions differ only in their config: which frame, outcome, baseline and designs.

Frames
------
``person``
    One row per ASN: roster covariates (age, gender, tenure, golongan rank, SKP), the treatment
    indicator (>= ``min_jp`` hours of training in the programme window, or being listed in a
    membership table such as a pilot), each survey scale by wave (``<scale>_pre``,
    ``<scale>_post``), SKP by year (``skp_<year>``: predikat rank 1-5, or the 0-100 score in
    ``skp_score_<year>`` before 2023) and person-level outcome tables (tests, observations).
a ``linked_outcome`` table
    Rows linked to a person by a NIP column (students to their teacher, projects to their
    PPTK); ``treated`` is that person's treatment.
an ``events`` table
    Dated records aggregated to unit x month (mean, or the IKM index of the nine elements),
    with ``treated`` = the unit's roll-out month has passed (from the ``rollout`` table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.config import AnalysisSpec, ProjectPaths, Region, paths
from helpers.core.errors import EstimationError
from helpers.io.storage import write_parquet_atomic
from helpers.stats.balance import balance_table
from helpers.stats.effect import Effect
from helpers.stats.estimate import estimate_effect
from helpers.stats.event_studies import event_study
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.weighting import ipw_weights
from helpers.steps.narrative import in_sentence

__all__ = [
    "write_effects",
    "PREFERRED_DESIGNS",
    "DEFAULT_PERSON_COVARIATES",
    "load_processed",
    "treatment_status",
    "person_frame",
    "linked_frame",
    "panel_frame",
    "analysis_frame",
    "RegionEffects",
    "estimate_region",
]

#: The design shown as the headline for an outcome, in order of preference.
PREFERRED_DESIGNS = ("did", "ancova", "mixed", "ipw", "paired", "diff")
DEFAULT_PERSON_COVARIATES = ("age", "female", "tenure_years", "golongan_rank", "skp_2023")
IKM_ELEMENTS = tuple(f"u{i}" for i in range(1, 10))


def load_processed(region: Region, *, project: ProjectPaths = paths) -> dict[str, pd.DataFrame]:
    """Read the region's processed tables (those notebook 01 wrote).

    Interview codes (kind ``codes``) are notebook 02's and are not read here, so notebook 03
    depends on 01 only (the pipeline runs 02 beside them).
    """
    folder = project.processed_region(region.slug)
    out = {}
    for name, spec in region.tables.items():
        if spec.kind == "codes":
            continue
        path = folder / f"{name}.parquet"
        if path.is_file():
            out[name] = pd.read_parquet(path)
    return out


def treatment_status(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.Series:
    """``True`` for each roster pid that counts as treated under the region's rule."""
    roster = tables[next(iter(region.tables_of_kind("roster")))]
    rule = region.treatment
    source = tables[rule.table]
    if rule.window is not None:
        start, end = (pd.Timestamp(x) for x in rule.window)
        inwin = source[(source["start"] >= start) & (source["start"] <= end)]
        jp = inwin.groupby("pid")["jp"].sum()
        treated = roster["pid"].map(jp).fillna(0.0) >= rule.min_jp
    else:
        treated = roster["pid"].isin(set(source["pid"]))
    return pd.Series(treated.to_numpy(dtype=bool), index=roster["pid"].to_numpy(), name="treated")


def _scales(table: pd.DataFrame) -> list[str]:
    """Scale-score columns: those whose items ``<scale>_<k>`` are also present."""
    out = []
    for c in table.columns:
        if any(
            str(x).startswith(f"{c}_") and str(x)[len(c) + 1 :].isdigit() for x in table.columns
        ):
            out.append(c)
    return out


def person_frame(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.DataFrame:
    """One row per ASN with covariates, treatment and outcomes by wave (see module doc)."""
    roster_name = next(iter(region.tables_of_kind("roster")))
    roster = tables[roster_name]
    keep = [
        "pid",
        "unit",
        "gender",
        "golongan",
        "jabatan",
        "age",
        "female",
        "tenure_years",
        "golongan_rank",
    ]
    frame = roster[[c for c in keep if c in roster]].copy()
    frame["treated"] = frame["pid"].map(treatment_status(tables, region)).astype(float)
    for name, spec in region.tables.items():
        if name not in tables or name == roster_name:
            continue
        t = tables[name]
        if spec.kind == "skp":
            rank = t.dropna(subset=["rating_rank"]).pivot_table(
                index="pid", columns="year", values="rating_rank", aggfunc="last"
            )
            for year in rank.columns:
                frame[f"skp_{int(year)}"] = frame["pid"].map(rank[year]).astype(float)
            score = t.dropna(subset=["score"]).pivot_table(
                index="pid", columns="year", values="score", aggfunc="last"
            )
            for year in score.columns:
                frame[f"skp_score_{int(year)}"] = frame["pid"].map(score[year]).astype(float)
        elif spec.kind == "survey" and spec.wave in ("pre", "post"):
            by_pid = t.drop_duplicates("pid", keep="last").set_index("pid")
            for s in _scales(t):
                frame[f"{s}_{spec.wave}"] = frame["pid"].map(by_pid[s]).astype(float)
        elif spec.kind == "person_outcome" and name != region.treatment.table:
            if "wave" in t:
                for s in _scales(t):
                    wide = t.pivot_table(index="pid", columns="wave", values=s, aggfunc="last")
                    for wave in wide.columns:
                        frame[f"{s}_{wave}"] = frame["pid"].map(wide[wave]).astype(float)
            else:
                by_pid = t.drop_duplicates("pid", keep="last").set_index("pid")
                for c in by_pid.select_dtypes("number").columns:
                    frame[c] = frame["pid"].map(by_pid[c]).astype(float)
    return frame


def linked_frame(tables: Mapping[str, pd.DataFrame], region: Region, name: str) -> pd.DataFrame:
    """Rows of a linked table with the linked person's treatment and covariates."""
    spec = region.tables[name]
    key = str(spec.key).replace("nip", "pid")
    person = person_frame(tables, region).set_index("pid")
    t = tables[name].copy()
    t["treated"] = t[key].map(person["treated"]).astype(float)
    for c in ("age", "female", "tenure_years", "golongan_rank"):
        if c in person:
            t[f"{key}_{c}"] = t[key].map(person[c]).astype(float)
    return t.dropna(subset=["treated"])


def panel_frame(
    tables: Mapping[str, pd.DataFrame], region: Region, name: str, outcome: str
) -> pd.DataFrame:
    """Unit x month panel of an events table, with the roll-out as treatment."""
    t = tables[name].dropna(subset=["unit", "date"]).copy()
    t["month"] = t["date"].dt.to_period("M")
    if outcome == "ikm":
        from helpers.stats.indices import ikm

        present = [c for c in IKM_ELEMENTS if c in t]
        panel = ikm(t, present, by=["unit", "month"])[["unit", "month", "ikm", "n"]]
    else:
        panel = (
            t.groupby(["unit", "month"], observed=True)[outcome]
            .agg(["mean", "size"])
            .reset_index()
            .rename(columns={"mean": outcome, "size": "n"})
        )
    rollout_name = next(iter(region.tables_of_kind("rollout")))
    rollout = tables[rollout_name].dropna(subset=["unit"]).set_index("unit")["start"]
    first = panel["unit"].map(rollout.dt.to_period("M"))
    months = sorted(panel["month"].unique())
    index = {m: i for i, m in enumerate(months)}
    panel["period"] = panel["month"].map(index).astype(int)
    panel["first_treated"] = first.map(lambda p: index.get(p, np.nan) if pd.notna(p) else np.nan)
    panel["treated"] = (panel["period"] >= panel["first_treated"]).astype(float)
    panel["month"] = panel["month"].astype(str)
    return panel


def analysis_frame(
    tables: Mapping[str, pd.DataFrame], region: Region, spec: AnalysisSpec
) -> pd.DataFrame:
    """The frame an analysis runs on (see module doc)."""
    if spec.frame == "person":
        return person_frame(tables, region)
    kind = region.tables[spec.frame].kind
    if kind == "linked_outcome":
        return linked_frame(tables, region, spec.frame)
    if kind == "events":
        return panel_frame(tables, region, spec.frame, spec.outcome)
    raise EstimationError(
        f"analysis {spec.id!r}: frame {spec.frame!r} is a {kind!r} table; "
        "expected 'person', a linked_outcome or an events table"
    )


@dataclass(frozen=True)
class RegionEffects:
    """Notebook 03's results for one region."""

    effects: pd.DataFrame
    balance: pd.DataFrame
    event_studies: pd.DataFrame
    pretrends: pd.DataFrame
    frames: Mapping[str, pd.DataFrame]
    fits: Mapping[tuple[str, str], Effect]


def _covariates(spec: AnalysisSpec, frame: pd.DataFrame) -> list[str]:
    if spec.covariates is not None:
        return list(spec.covariates)
    if spec.frame != "person":
        return []
    return [
        c
        for c in DEFAULT_PERSON_COVARIATES
        if c in frame and c != spec.baseline and frame[c].notna().mean() > 0.5
    ]


def _one(spec: AnalysisSpec, design: str, frame: pd.DataFrame, covs: list[str]) -> Effect:
    if design == "paired":
        data = frame[frame["treated"] == 1] if "treated" in frame else frame
        return estimate_effect(data, spec.outcome, None, design="paired", baseline=spec.baseline)
    if design == "did":
        return estimate_effect(
            frame,
            spec.outcome,
            "treated",
            design="did",
            unit=spec.unit,
            time=spec.time if spec.time in frame else "period",
            cluster=spec.cluster or spec.unit,
        )
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
        return estimate_effect(
            frame,
            spec.outcome,
            "treated",
            design="ancova",
            baseline=spec.baseline,
            covariates=covs,
            cluster=spec.cluster,
            se="cluster" if spec.cluster else "robust",
        )
    if design == "ipw":
        ipw_covs = covs + ([spec.baseline] if spec.baseline else [])
        return estimate_effect(frame, spec.outcome, "treated", design="ipw", covariates=ipw_covs)
    raise EstimationError(f"analysis {spec.id!r}: unknown design {design!r}")


def estimate_region(region: Region, tables: Mapping[str, pd.DataFrame]) -> RegionEffects:
    """Estimate every configured outcome x design; balance, event studies and MDE alongside
    (each Effect's own ``mde``: from the design's SE and df, Bloom 1995).

    Returns a tidy effects table (one row per outcome x design) with ``headline`` marking the
    preferred design of each outcome; ``p_adj`` is Benjamini-Hochberg across the headline
    estimates of the region (one family of outcomes).
    """
    rows, balance, events, pretrends = [], [], [], []
    frames: dict[str, pd.DataFrame] = {}
    fits: dict[tuple[str, str], Effect] = {}
    for spec in region.analyses:
        frame = analysis_frame(tables, region, spec)
        frames[spec.id] = frame
        covs = _covariates(spec, frame)
        headline = next(d for d in PREFERRED_DESIGNS if d in spec.designs)
        for design in spec.designs:
            try:
                eff = _one(spec, design, frame, covs)
            except EstimationError as exc:
                rows.append(
                    {
                        "analysis": spec.id,
                        "level": spec.level,
                        "label": spec.label,
                        "outcome": spec.outcome,
                        "design": design,
                        "error": str(exc),
                        "headline": design == headline,
                    }
                )
                continue
            fits[(spec.id, design)] = eff
            row = eff.to_frame().iloc[0].to_dict()
            row.update(
                analysis=spec.id,
                level=spec.level,
                label=spec.label,
                headline=design == headline,
                higher_is_better=spec.higher_is_better,
                notes="; ".join(eff.notes),
                summary_id=eff.summary_text("id", outcome_label=in_sentence(spec.label)),
                summary_en=eff.summary_text("en", outcome_label=spec.id.replace("_", " ")),
                error=None,
            )
            rows.append(row)
        if spec.frame == "person" and "ipw" in spec.designs:
            bal_covs = covs + ([spec.baseline] if spec.baseline else [])
            data = frame.dropna(subset=[*bal_covs, "treated", spec.outcome])
            w = ipw_weights(data, "treated", bal_covs)
            bt = balance_table(data, "treated", bal_covs, weights=w.weights)
            balance.append(bt.assign(analysis=spec.id))
        if "did" in spec.designs:
            es = event_study(
                frame,
                spec.outcome,
                unit=spec.unit,
                time="period",
                first_treated="first_treated",
                leads=4,
                lags=4,
                cluster=spec.unit,
            )
            events.append(es.coefficients.assign(analysis=spec.id))
            pretrends.append(
                {
                    "analysis": spec.id,
                    "pretrend_f": es.pretrend_f,
                    "pretrend_p": es.pretrend_p,
                    "n_units": es.n_units,
                }
            )
    effects = pd.DataFrame(rows)
    effects.insert(0, "region", region.slug)
    effects["p_adj"] = np.nan
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
        frames=frames,
        fits=fits,
    )


def write_effects(
    result: RegionEffects, region: Region, *, project: ProjectPaths = paths
) -> list[Path]:
    """Write the effects table and its checks (balance, event studies, pre-trends) atomically."""
    from helpers.io.schemas import validate

    out = project.processed_region(region.slug)
    validate(result.effects, "effects", table="effects")
    written = [write_parquet_atomic(result.effects, out / "effects.parquet")]
    for name in ("balance", "event_studies", "pretrends"):
        frame = getattr(result, name)
        if len(frame):
            written.append(write_parquet_atomic(frame, out / f"{name}.parquet"))
    return written
