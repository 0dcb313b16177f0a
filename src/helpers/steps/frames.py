"""The frames a region's analyses run on, built from its processed tables (notebook 03).

Regions differ only in their config: which frame, outcome, baseline and designs.

Frames
------
``person``
    One row per ASN: roster covariates (age, gender, tenure, golongan rank, SKP), the treatment
    group, each survey scale by wave (``<scale>_pre``, ``<scale>_post``), SKP by year
    (``skp_<year>``: predikat rank 1-5, or the 0-100 score in ``skp_score_<year>`` before 2023)
    and person-level outcome tables (tests, observations).
a ``linked_outcome`` table
    Rows linked to a person by a NIP column (students to their teacher, projects to their
    PPTK); ``treated`` is that person's treatment.
an ``events`` table
    Dated records aggregated to unit x month (mean, or the IKM index of the nine elements),
    with ``treated`` = the unit's roll-out month has passed (from the ``rollout`` table).

Treatment is coded from the records, never guessed
--------------------------------------------------
``group`` is ``treated`` (at least ``min_jp`` JP in the window, or listed in a membership
table), ``untrained`` (no JP in the window) or ``partial`` (some JP, fewer than ``min_jp``).
With the registry's ``treatment.control: untrained`` (the default) the partially trained are
left out of the comparison (``treated`` is missing for them) and counted in
:func:`treatment_groups`; with ``below_min`` they are controls. For a roll-out, every unit of the
events table must be in the roll-out table with a start month, or be marked there as not
scheduled (a ``missing_codes`` value of the codebook, such as "Belum dijadwalkan"), or be
listed in the analysis's ``exclude_units``; anything else is an error that names the units.
A unit whose roll-out began before the panel's first month was treated throughout ("always
treated"): it can serve as no comparison and is left out, counted, and said in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.core.config import AnalysisSpec, ProjectPaths, Region, paths
from helpers.core.errors import EstimationError

__all__ = [
    "DEFAULT_PERSON_COVARIATES",
    "GROUPS",
    "load_processed",
    "treatment_groups",
    "treatment_status",
    "baseline_skp",
    "person_frame",
    "linked_frame",
    "Panel",
    "panel_frame",
    "analysis_frame",
    "uses_person_frame",
    "outcome_sd",
]

#: Roster covariates adjusted for by default (plus the SKP rating of the last year before the
#: programme, see :func:`baseline_skp`).
DEFAULT_PERSON_COVARIATES = ("age", "female", "tenure_years", "golongan_rank")
IKM_ELEMENTS = tuple(f"u{i}" for i in range(1, 10))
#: The treatment groups of :func:`treatment_groups`.
GROUPS = ("treated", "untrained", "partial")


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


def treatment_groups(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.Series:
    """Each roster pid's group: ``treated``, ``untrained`` or ``partial`` (see module doc)."""
    roster = tables[next(iter(region.tables_of_kind("roster")))]
    rule = region.treatment
    source = tables[rule.table]
    pids = roster["pid"].to_numpy()
    if rule.window is not None:
        start, end = (pd.Timestamp(x) for x in rule.window)
        inwin = source[(source["start"] >= start) & (source["start"] <= end)]
        jp = roster["pid"].map(inwin.groupby("pid")["jp"].sum()).fillna(0.0).to_numpy()
        group = np.where(jp >= rule.min_jp, "treated", np.where(jp > 0, "partial", "untrained"))
    else:
        listed = roster["pid"].isin(set(source["pid"])).to_numpy()
        group = np.where(listed, "treated", "untrained")
    return pd.Series(group, index=pids, name="group", dtype="str")


def treatment_status(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.Series:
    """1.0 treated, 0.0 comparison, NaN left out (partially trained staff under the default
    ``control: untrained``), by roster pid."""
    group = treatment_groups(tables, region)
    control = {"untrained"} if region.treatment.control == "untrained" else {"untrained", "partial"}
    status = np.where(group == "treated", 1.0, np.where(group.isin(control), 0.0, np.nan))
    return pd.Series(status, index=group.index, name="treated")


def baseline_skp(region: Region, frame: pd.DataFrame) -> str | None:
    """The SKP rating column of the last year before the programme started (the window's start,
    or for a membership treatment the year before the reference date), if the frame has it."""
    start = region.treatment.window[0] if region.treatment.window else region.reference_date
    before = pd.Timestamp(start).year - (0 if region.treatment.window else 1)
    years = sorted(
        int(c.removeprefix("skp_"))
        for c in frame.columns
        if c.startswith("skp_") and c.removeprefix("skp_").isdigit()
    )
    earlier = [y for y in years if y < before]
    return f"skp_{earlier[-1]}" if earlier else None


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
    frame["group"] = frame["pid"].map(treatment_groups(tables, region))
    frame["treated"] = frame["pid"].map(treatment_status(tables, region)).astype(float)
    for name, spec in region.tables.items():
        if name not in tables or name == roster_name:
            continue
        t = tables[name]
        if spec.kind == "skp":
            _add_skp(frame, t)
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


def _add_skp(frame: pd.DataFrame, skp: pd.DataFrame) -> None:
    """SKP by year: the predikat's rank where given, the 0-100 score where given (either may be
    absent: e-Kinerja exports since 2023 carry the predikat only)."""
    for value, prefix in (("rating_rank", "skp_"), ("score", "skp_score_")):
        if value not in skp or skp[value].isna().all():
            continue
        wide = skp.dropna(subset=[value]).pivot_table(
            index="pid", columns="year", values=value, aggfunc="last"
        )
        for year in wide.columns:
            frame[f"{prefix}{int(year)}"] = frame["pid"].map(wide[year]).astype(float)


def linked_frame(
    tables: Mapping[str, pd.DataFrame],
    region: Region,
    name: str,
    *,
    person: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of a linked table with the linked person's treatment and covariates (rows whose
    person is left out of the comparison are dropped). ``person``: the region's
    :func:`person_frame`, when the caller already has it (it is not modified)."""
    spec = region.tables[name]
    key = str(spec.key).replace("nip", "pid")
    if person is None:
        person = person_frame(tables, region)
    person = person.set_index("pid")
    t = tables[name].copy()
    t["treated"] = t[key].map(person["treated"]).astype(float)
    for c in ("age", "female", "tenure_years", "golongan_rank"):
        if c in person:
            t[f"{key}_{c}"] = t[key].map(person[c]).astype(float)
    return t.dropna(subset=["treated"])


@dataclass(frozen=True)
class Panel:
    """What :func:`panel_frame` decided about the units, for the notes and the report."""

    always_treated: tuple[str, ...]
    never_treated: tuple[str, ...]
    excluded: tuple[str, ...]
    first_month: str
    last_month: str

    def notes(self) -> list[str]:
        out = []
        if self.always_treated:
            out.append(
                f"{len(self.always_treated)} unit(s) began the programme before the panel's first "
                f"month ({self.first_month}) and were left out: they were treated throughout, so "
                "they can be no comparison"
            )
        if self.excluded:
            out.append(f"{len(self.excluded)} unit(s) excluded by the registry (exclude_units)")
        return out


def _rollout(tables: Mapping[str, pd.DataFrame], region: Region) -> pd.DataFrame:
    names = list(region.tables_of_kind("rollout"))
    if not names:
        raise EstimationError(
            f"region {region.slug!r}: a difference in differences needs a table of kind "
            "'rollout' (each unit and the month its training started)"
        )
    rollout = tables[names[0]].dropna(subset=["unit"]).copy()
    if "not_scheduled" not in rollout:
        rollout["not_scheduled"] = False
    duplicated = rollout["unit"][rollout["unit"].duplicated()].unique().tolist()
    if duplicated:
        raise EstimationError(
            f"region {region.slug!r}: the roll-out table lists {duplicated} more than once; "
            "give each unit one start month"
        )
    return rollout.set_index("unit")


def panel_frame(
    tables: Mapping[str, pd.DataFrame],
    region: Region,
    name: str,
    outcome: str,
    *,
    exclude: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Unit x month panel of an events table, with the roll-out as treatment.

    Returns a frame with ``unit, month, period`` (0-based month index), the outcome, ``n``
    (events in the cell), ``first_treated`` (the period the unit's roll-out began; NaN for
    units not treated during the panel) and ``treated``; ``.attrs["panel"]`` is a
    :class:`Panel`.

    Raises
    ------
    EstimationError
        A unit of the events table is not in the roll-out table, or has no start month without
        being marked as not scheduled, and is not in ``exclude``.
    """
    t = tables[name].dropna(subset=["unit", "date"]).copy()
    t = t[~t["unit"].isin(exclude)]
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
    rollout = _rollout(tables, region)
    units = sorted(panel["unit"].unique())
    missing = [u for u in units if u not in rollout.index]
    blank = [
        u
        for u in units
        if u in rollout.index
        and pd.isna(rollout.at[u, "start"])
        and not bool(rollout.at[u, "not_scheduled"])
    ]
    if missing or blank:
        problems = []
        if missing:
            problems.append(f"not in the roll-out table: {missing}")
        if blank:
            problems.append(f"in the roll-out table without a start month: {blank}")
        raise EstimationError(
            f"region {region.slug!r}, events table {name!r}: units "
            + "; ".join(problems)
            + ". A unit is never treated only when the roll-out table says so: write its start "
            "month, or a value the codebook lists in missing_codes for that column (such as "
            "'Belum dijadwalkan') if it was not trained during the panel, or list it under the "
            "analysis's exclude_units"
        )
    months = sorted(panel["month"].unique())
    index = {m: i for i, m in enumerate(months)}
    start = panel["unit"].map(rollout["start"].dt.to_period("M"))
    always = sorted(panel.loc[start.notna() & (start < months[0]), "unit"].unique())
    panel = panel[~panel["unit"].isin(always)].copy()
    start = start.loc[panel.index]
    panel["period"] = panel["month"].map(index).astype(int)
    panel["first_treated"] = start.map(lambda p: index.get(p, np.nan) if pd.notna(p) else np.nan)
    after_end = start.notna() & (start > months[-1])  # scheduled after the panel: not yet
    panel.loc[after_end, "first_treated"] = np.nan
    panel["treated"] = (panel["period"] >= panel["first_treated"]).astype(float)
    panel["month"] = panel["month"].astype(str)
    never = sorted(panel.loc[panel["first_treated"].isna(), "unit"].unique())
    panel = panel.reset_index(drop=True)
    panel.attrs["panel"] = Panel(
        tuple(always), tuple(never), tuple(exclude), str(months[0]), str(months[-1])
    )
    return panel


def uses_person_frame(region: Region, spec: AnalysisSpec) -> bool:
    """Whether :func:`analysis_frame` builds ``spec``'s frame from the :func:`person_frame`."""
    if spec.frame == "person":
        return True
    table = region.tables.get(spec.frame)
    return table is not None and table.kind == "linked_outcome"


def analysis_frame(
    tables: Mapping[str, pd.DataFrame],
    region: Region,
    spec: AnalysisSpec,
    *,
    person: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The frame an analysis runs on (see module doc).

    ``person``: the region's :func:`person_frame`, when the caller already has it (a region's
    analyses share it; it is not modified, a person-level analysis gets a copy)."""
    if spec.frame == "person":
        return person.copy() if person is not None else person_frame(tables, region)
    kind = region.tables[spec.frame].kind
    if kind == "linked_outcome":
        return linked_frame(tables, region, spec.frame, person=person)
    if kind == "events":
        return panel_frame(tables, region, spec.frame, spec.outcome, exclude=spec.exclude_units)
    raise EstimationError(
        f"analysis {spec.id!r}: frame {spec.frame!r} is a {kind!r} table; "
        "expected 'person', a linked_outcome or an events table"
    )


def outcome_sd(
    tables: Mapping[str, pd.DataFrame], region: Region, spec: AnalysisSpec, frame: pd.DataFrame
) -> tuple[float, str]:
    """The person- or event-level SD of an analysis's outcome, for comparable scales across
    regions: ``(sd, basis)``.

    ``basis`` is ``"comparison_baseline"`` (the comparison group's baseline: the baseline
    column among controls, or for a roll-out the events before each unit's start) or
    ``"pooled"`` (the outcome of everyone, when there is no baseline). Never the SD of
    aggregated cells: for a panel it is computed from the events table itself (for IKM, from
    each respondent's own index).
    """
    if spec.frame != "person" and region.tables[spec.frame].kind == "events":
        events = tables[spec.frame].dropna(subset=["unit", "date"])
        rollout = _rollout(tables, region)["start"]
        start = events["unit"].map(rollout)
        before = events[start.isna() | (events["date"] < start)]
        if spec.outcome == "ikm":
            from helpers.stats.indices import ikm_per_respondent

            present = [c for c in IKM_ELEMENTS if c in before]
            values = ikm_per_respondent(before, present)
        else:
            values = before[spec.outcome]
        return float(pd.to_numeric(values, errors="coerce").std()), "comparison_baseline"
    if spec.baseline and spec.baseline in frame:
        controls = frame.loc[frame["treated"] == 0, spec.baseline]
        if controls.notna().sum() >= 2:
            return float(controls.std()), "comparison_baseline"
    return float(frame[spec.outcome].std()), "pooled"
