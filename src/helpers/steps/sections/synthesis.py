"""The sections of the cross-region synthesis page (notebook 05): the title, the conclusion,
one section per construct (a forest plot, the pooled estimate or why there is none), and the
tidy table of results written beside the page.

The numbers come from :func:`helpers.steps.synthesis.synthesise`: only effects of the same
construct are pooled, controlled designs only, on a comparable scale (raw units when every
region reports the same one, else the person- or event-level SD), REML with
Hartung-Knapp-Sidik-Jonkman intervals and a prediction interval, and no pooled estimate below
three regions. The page's layout and words are here and in ``templates/synthesis_*.html.j2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.core.config import ProjectPaths, Region, load_constructs, load_registry, paths
from helpers.core.formatting import Html, Numbering, fmt_num, fmt_pct
from helpers.core.labels import label
from helpers.io.storage import write_parquet_atomic
from helpers.steps.sections.render import Column, figure_of, render, table

__all__ = [
    "SynthesisData",
    "load_synthesis",
    "synthesis_title",
    "synthesis_summary",
    "construct_sections",
    "reaction_section",
    "write_synthesis_table",
]


@dataclass(frozen=True)
class SynthesisData:
    """The regions of the synthesis, their effects and the synthesis of them."""

    registry: Mapping[str, Region]
    slugs: list[str]
    effects: pd.DataFrame
    synthesis: object  # helpers.steps.synthesis.Synthesis
    project: ProjectPaths = paths
    reactions: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Level 1 per region (:func:`helpers.steps.reactions.reaction_overview`)."""
    numbering: Numbering = field(default_factory=Numbering)


def load_synthesis(regions: str = "all", *, project: ProjectPaths = paths) -> SynthesisData:
    """Read every named region's effects (``"all"`` or comma-separated slugs) and synthesise.

    Raises
    ------
    ValueError
        A slug the registry does not know.
    """
    from helpers.steps.reactions import load_reactions, reaction_overview
    from helpers.steps.synthesis import load_effects, synthesise

    registry = load_registry(project.config_file)
    slugs = (
        list(registry) if regions == "all" else [s.strip() for s in regions.split(",") if s.strip()]
    )
    unknown = sorted(set(slugs) - set(registry))
    if unknown:
        raise ValueError(f"unknown region(s) {unknown}; known: {sorted(registry)}")
    effects = load_effects(slugs, project=project)
    vocabulary = project.config_file.with_name("constructs.yaml")
    labels = (
        {k: c.label for k, c in load_constructs(vocabulary).items()}
        if vocabulary.is_file()
        else None
    )
    names = {s: registry[s].name for s in slugs}
    synthesis = synthesise(effects, names=names, construct_labels=labels)
    reactions = reaction_overview(load_reactions(slugs, project=project), names=names)
    return SynthesisData(registry, slugs, effects, synthesis, project, reactions=reactions)


def synthesis_title(s: SynthesisData) -> Html:
    """The page's title and, when any region's data are synthetic, the notice."""
    from helpers.steps.provenance import is_synthetic

    synthetic = any(is_synthetic(s.registry[x], project=s.project) for x in s.slugs)
    return render("synthesis_title.html.j2", synthetic=synthetic)


def synthesis_summary(s: SynthesisData) -> Html:
    """The conclusion in four plain paragraphs (where the programme worked, where it did not,
    how sure we are, what the regions differ in), then one line per construct."""
    syn = s.synthesis
    rows = []
    for c in syn.constructs.to_dict("records"):
        levels = ", ".join(
            label("level", int(v)) for v in str(c["levels"]).split(",") if v.strip().isdigit()
        )
        rows.append(
            {
                "label": c["construct_label"],
                "levels": levels,
                "k": c["k"],
                "pooled": bool(c["pooled"]),
                "summary": c["summary_id"],
                "reason": c["reason"] if isinstance(c["reason"], str) else "",
                "anchor": f"konstruk-{c['construct']}",
            }
        )
    return render("synthesis_summary.html.j2", conclusion=syn.conclusion(), rows=rows)


def construct_sections(s: SynthesisData) -> Html:
    """One section per construct: its forest plot (region and outcome names, each estimate and
    interval printed beside its row, one x-axis), and what the pooling says or why there is
    none (fewer than three comparable regions)."""
    from helpers.steps.forest import synthesis_forest_plots

    syn = s.synthesis
    figures = synthesis_forest_plots(syn)
    blocks = []
    for c in syn.constructs.to_dict("records"):
        fig = figures.get(c["construct"])
        caption = f"{c['construct_label']}: efek per wilayah pada {c['scale_label']}" + (
            "; belah ketupat: efek gabungan, garis tipis: interval prediksi."
            if c["pooled"]
            else "; tidak digabung."
        )
        blocks.append(
            {
                "anchor": f"konstruk-{c['construct']}",
                "label": c["construct_label"],
                "summary": c["summary_id"],
                "heterogeneity": c["heterogeneity_id"]
                if isinstance(c["heterogeneity_id"], str)
                else "",
                "reason": c["reason"] if isinstance(c["reason"], str) else "",
                "figure": figure_of(s.numbering, caption, fig) if fig is not None else None,
            }
        )
    return render("synthesis_constructs.html.j2", blocks=blocks)


def reaction_section(s: SynthesisData) -> Html:
    """Level 1 (reaction) region by region: where participants' satisfaction with the training
    was measured and what they said. A description, never pooled: only participants answer, so
    there is no comparison group, and satisfaction is not learning."""
    r = s.reactions
    measured = r.dropna(subset=["mean"]) if len(r) else r
    names = list(r["region_name"]) if len(r) else []
    missing = [s.registry[x].name for x in s.slugs if x not in set(r["region"] if len(r) else [])]
    if len(measured):
        lead = (
            f"Kepuasan peserta terhadap pelatihan diukur di {len(names)} dari {len(s.slugs)} "
            f"wilayah; rata-ratanya {fmt_num(measured['mean'].min(), 2)} sampai "
            f"{fmt_num(measured['mean'].max(), 2)} dari 5, dan {fmt_pct(measured['share_4plus'].min())}"
            f" sampai {fmt_pct(measured['share_4plus'].max())} peserta menyatakan puas atau sangat "
            "puas."
        )
    elif names:
        lead = "Kepuasan peserta diukur, tetapi jumlah jawabannya terlalu kecil untuk ditampilkan."
    else:
        lead = "Tidak ada wilayah yang mengukur kepuasan peserta terhadap pelatihan."
    grid = (
        table(
            s.numbering,
            "Kepuasan peserta terhadap pelatihan (Level 1) per wilayah; bukan efek program.",
            r,
            [
                Column("region_name", "Wilayah", "text"),
                Column("n", "Responden", "int"),
                Column("mean", "Rata-rata (1–5)", "num2"),
                Column("share_4plus", "Puas atau sangat puas", "share"),
            ],
            reflow=False,
        )
        if len(r)
        else None
    )
    return render(
        "synthesis_reaction.html.j2",
        lead=lead,
        grid=grid,
        missing=", ".join(missing),
    )


def write_synthesis_table(s: SynthesisData, *, project: ProjectPaths | None = None) -> Path:
    """Write the synthesis's tidy table (constructs and their regions' rows) to
    ``reports/synthesis.parquet`` beside the page, atomically; return its path."""
    project = project or s.project
    return write_parquet_atomic(s.synthesis.to_frame(), project.reports / "synthesis.parquet")
