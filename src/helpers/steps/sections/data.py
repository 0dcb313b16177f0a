"""What a region's report is made from: its config, processed tables, estimates and findings,
read once, with the region-specific analyses computed once and shared by the sections."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core.config import (
    ProjectPaths,
    Region,
    get_region,
    load_registry,
    paths,
    region_inputs,
)
from helpers.core.errors import CodebookError
from helpers.core.formatting import Language, Numbering

__all__ = ["ReportData", "load_report"]


@dataclass(frozen=True)
class ReportData:
    """One region's report inputs (see :func:`load_report`).

    The region-specific analyses (feedback bias, moderation, budget, participation, JP
    compliance) are computed on first use and kept, so that the recommendations can draw on
    them whichever section showed them first. ``numbering`` counts the report's tables and
    figures in the order the sections are shown.
    """

    region: Region
    tables: Mapping[str, pd.DataFrame]
    effects: pd.DataFrame
    findings: pd.DataFrame
    summary: pd.DataFrame
    folder: Path
    raw: Path
    project: ProjectPaths = paths
    numbering: Numbering = field(default_factory=Numbering)

    @property
    def language(self) -> Language:
        return self.region.language  # type: ignore[return-value]

    def read(self, name: str) -> pd.DataFrame | None:
        """A processed table of notebook 02 or 03 (``balance``, ``pretrends``, ...), or None."""
        path = self.folder / name
        if not path.is_file():
            return None
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)

    @cached_property
    def person(self) -> pd.DataFrame:
        from helpers.steps.analysis import person_frame

        return person_frame(self.tables, self.region)

    @cached_property
    def feedback(self) -> Any:
        """:class:`helpers.steps.descriptives.FeedbackBias`, or None without a feedback survey."""
        from helpers.steps import descriptives as desc

        table = self.region.extra.get("feedback_response")
        if not table:
            return None
        return desc.feedback_bias(self.tables, self.region, table=table)

    @cached_property
    def person_covariates(self) -> list[str]:
        """The roster covariates and the SKP rating of the year before the programme."""
        from helpers.steps.frames import DEFAULT_PERSON_COVARIATES, baseline_skp

        skp = baseline_skp(self.region, self.person)
        return [*DEFAULT_PERSON_COVARIATES, *([skp] if skp else [])]

    @cached_property
    def moderation(self) -> pd.DataFrame | None:
        """Effects among trained staff with high and low values of the registry's
        ``relevance_scale`` (answered after the training: a description, not a moderator)."""
        from helpers.steps import descriptives as desc

        scale = self.region.extra.get("relevance_scale")
        column = f"{scale}_post"
        if not scale or column not in self.person:
            return None
        rows = [
            desc.heterogeneity(
                self.person,
                outcome=a.outcome,
                baseline=a.baseline,
                moderator=column,
                covariates=self.person_covariates,
            ).assign(label=a.label)
            for a in self.region.analyses
            if a.frame == "person" and "ancova" in a.designs
        ]
        return pd.concat(rows, ignore_index=True) if rows else None

    @cached_property
    def scale_ranges(self) -> dict[str, tuple[float, float]]:
        """Each scale's (min, max) answer value, from the region's codebook."""
        from helpers.io.codebook import load_codebook

        book = load_codebook(self.raw / self.region.codebook).table
        rows = book[book["scale"].astype(str).str.strip() != ""]
        grouped = rows.groupby("scale").agg(low=("min", "min"), high=("max", "max"))
        return {k: (float(v.low), float(v.high)) for k, v in grouped.iterrows()}

    def scale_range(self, scale: str) -> tuple[float, float]:
        """The (min, max) answer value of one scale; a clear error when the codebook lacks it."""
        if scale not in self.scale_ranges or any(map(math.isnan, self.scale_ranges[scale])):
            raise CodebookError(
                f"{self.raw / self.region.codebook}: scale {scale!r} (named by the registry) has "
                "no rows with min and max in the codebook"
            )
        return self.scale_ranges[scale]

    @cached_property
    def capacity(self) -> Any:
        """:class:`helpers.steps.descriptives.BudgetCapacity`, or None without a budget."""
        from helpers.steps import descriptives as desc

        if not self.region.extra.get("budget"):
            return None
        return desc.budget_capacity(self.region, len(self.roster))

    @cached_property
    def participation(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """(share trained by tercile of each survey scale: those of
        :data:`helpers.steps.descriptives.PARTICIPATION_SCALES` and the registry's
        ``participation_scales``; reasons for not taking part), or None without a staff survey
        that asks."""
        from helpers.steps import descriptives as desc

        survey = self.tables.get("survey_post")
        if survey is None or "reasons_not_trained" not in survey:
            return None
        cell = self.region.min_cell_size
        described = (s.scale for s in self.region.participation_scales)
        scales = tuple(dict.fromkeys([*desc.PARTICIPATION_SCALES, *described]))
        part = desc.participation(self.person, survey, scales=scales, min_cell=cell)
        reasons = desc.reasons_for_skipping(survey, "reasons_not_trained", min_cell=cell)
        return part, reasons

    @cached_property
    def jp_share(self) -> float:
        """Share of ASN with at least 20 JP in 2024."""
        from helpers.steps import descriptives as desc

        return desc.jp_compliance(self.tables, self.region, year=2024)

    def code_labels(self) -> dict[str, str]:
        """Code -> its label in the report's language (codes.csv's ``label`` or ``label_en``);
        empty without an interview-code codebook."""
        from helpers.io.code_codebook import load_code_codebook

        path = self.raw / self.region.code_codebook
        if not path.is_file():
            return {}
        codebook = load_code_codebook(path)
        return codebook.in_english("label") if self.language == "en" else codebook.labels

    @property
    def roster(self) -> pd.DataFrame:
        return self.tables[next(iter(self.region.tables_of_kind("roster")))]

    def level_effects(self, level: int, *, headline: bool = True) -> pd.DataFrame:
        """The estimates of one Kirkpatrick level (headline rows only by default)."""
        e = self.effects[(self.effects["level"] == level) & self.effects["estimate"].notna()]
        return e[e["headline"].astype(bool)] if headline else e

    def level_findings(self, level: int) -> pd.DataFrame:
        """The coded findings of one level, most widespread first."""
        f = self.findings
        if "level" not in f:
            return f.iloc[0:0]
        return f[f["level"] == level].sort_values("n_transcripts", ascending=False)


def load_report(region: str | Region, *, project: ProjectPaths = paths) -> ReportData:
    """Read everything one region's report shows (notebook 04's first call).

    Parameters
    ----------
    region : str or Region
        The region's slug (``config/regions.yaml``) or its entry.
    project : ProjectPaths
        The project's folders.

    Returns
    -------
    ReportData
        With a fresh :class:`Numbering` in the region's language.
    """
    from helpers.steps.analysis import load_processed

    spec = (
        get_region(region, registry=load_registry(project.config_file))
        if isinstance(region, str)
        else region
    ).for_readers()
    region_inputs(spec, project)  # the codebooks it reads labels from stay in the project
    folder = project.processed_region(spec.slug)
    effects = pd.read_parquet(folder / "effects.parquet")
    findings = pd.read_parquet(folder / "qual_findings.parquet")
    if spec.language == "en":
        effects, findings = _in_english(spec, effects, findings, project)
    return ReportData(
        region=spec,
        tables=load_processed(spec, project=project),
        effects=effects,
        findings=findings,
        summary=pd.read_parquet(folder / "cleaning_summary.parquet"),
        folder=folder,
        raw=project.raw_region(spec.slug),
        project=project,
        numbering=Numbering(spec.language),  # type: ignore[arg-type]
    )


def _in_english(
    spec: Region, effects: pd.DataFrame, findings: pd.DataFrame, project: ProjectPaths
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates' outcome labels and units, and the codes' labels and themes, in English:
    the processed tables hold the registry's and codes.csv's Indonesian texts (the synthesis
    reads them), an English report shows their twins."""
    from helpers.io.code_codebook import load_code_codebook
    from helpers.steps.narrative import outcome_unit

    effects = effects.copy()
    by_id = {a.id: a for a in spec.analyses}
    units = {a.id: a.unit_label or outcome_unit(a.label, "en") for a in spec.analyses}
    if "label" in effects:
        english = effects["analysis"].map(lambda a: by_id[a].label if a in by_id else None)
        effects["label"] = english.where(english.notna(), effects["label"])
    if "unit" in effects:
        english = effects["analysis"].map(units)
        effects["unit"] = english.where(english.notna(), effects["unit"])
    codebook_file = project.raw_region(spec.slug) / spec.code_codebook
    if len(findings) and "code" in findings and codebook_file.is_file():
        codebook = load_code_codebook(codebook_file)
        findings = findings.copy()
        for column in ("label", "theme"):
            if column in findings:
                english = findings["code"].map(codebook.in_english(column))
                findings[column] = english.where(english.notna(), findings[column])
    return effects, findings
