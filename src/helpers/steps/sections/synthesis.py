"""The sections of the cross-region synthesis page (notebook 05): title, summary per level,
the standardised effects pooled, and a forest plot per level.

The numbers come from :func:`helpers.steps.synthesis.comparable_effects` and
:func:`helpers.steps.synthesis.pool_by_level`, as notebook 05 has shown them so far; the page's
layout and words are here and in ``templates/synthesis_*.html.j2``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.core.config import ProjectPaths, Region, load_registry, paths
from helpers.core.formatting import Html, Numbering, fmt_num, fmt_pct, fmt_pvalue
from helpers.core.labels import column, label
from helpers.steps.sections.render import Column, figure, render, table, wrap

__all__ = [
    "SynthesisData",
    "load_synthesis",
    "synthesis_title",
    "synthesis_summary",
    "pooled_table",
    "forest_plots",
]


@dataclass(frozen=True)
class SynthesisData:
    """The regions of the synthesis, their comparable effects and the pooled results."""

    registry: Mapping[str, Region]
    slugs: list[str]
    comparable: pd.DataFrame
    pooled: Mapping[int, Any]
    project: ProjectPaths = paths
    numbering: Numbering = field(default_factory=Numbering)


def load_synthesis(regions: str = "all", *, project: ProjectPaths = paths) -> SynthesisData:
    """Read every named region's effects (``"all"`` or comma-separated slugs) and pool them.

    Raises
    ------
    ValueError
        A slug the registry does not know.
    """
    from helpers.steps.synthesis import comparable_effects, load_effects, pool_by_level

    registry = load_registry(project.config_file)
    slugs = (
        list(registry) if regions == "all" else [s.strip() for s in regions.split(",") if s.strip()]
    )
    unknown = sorted(set(slugs) - set(registry))
    if unknown:
        raise ValueError(f"unknown region(s) {unknown}; known: {sorted(registry)}")
    comparable = comparable_effects(load_effects(slugs, project=project))
    return SynthesisData(registry, slugs, comparable, pool_by_level(comparable), project)


def synthesis_title(s: SynthesisData) -> Html:
    """The page's title and, when any region's data are synthetic, the notice."""
    from helpers.steps.provenance import is_synthetic

    synthetic = any(is_synthetic(s.registry[x], project=s.project) for x in s.slugs)
    return render("synthesis_title.html.j2", synthetic=synthetic)


def _heterogeneity_words(i2: float) -> str:
    if i2 < 0.25:
        return "efek antarwilayah cukup seragam"
    if i2 < 0.75:
        return "efek antarwilayah cukup berbeda"
    return "efek antarwilayah sangat berbeda"


def synthesis_summary(s: SynthesisData) -> Html:
    """One line per level: the pooled effect with its interval and heterogeneity, or the one
    region that measured it."""
    pooled = [
        {
            "level": level,
            "name": label("level", level),
            "k": m.k,
            "estimate": m.estimate,
            "ci_low": m.ci_low,
            "ci_high": m.ci_high,
            "i2": m.i2,
            "het": _heterogeneity_words(m.i2),
        }
        for level, m in sorted(s.pooled.items())
    ]
    alone = s.comparable[~s.comparable["level"].isin(list(s.pooled))]
    single = [
        {
            "level": int(x["level"]),
            "name": label("level", int(x["level"])),
            "region": s.registry[x["region"]].name,
            "label": x["label"],
            "d": x["d"],
        }
        for x in alone.to_dict("records")
    ]
    return render("synthesis_summary.html.j2", pooled=pooled, single=single)


def pooled_table(s: SynthesisData) -> Html:
    """The standardised effect of each region and level (positive = improvement)."""
    c = s.comparable
    frame = pd.DataFrame(
        {
            "region": c["region"].map(lambda x: s.registry[x].name),
            "level": c["level"].map(lambda lv: f"{int(lv)} {label('level', int(lv))}"),
            "label": c["label"],
            "design": c["design"].map(lambda d: label("design_short", d)),
            "d": c["d"],
            "se_d": c["se_d"],
        }
    )
    cols = [
        Column("region", column("region"), "text"),
        Column("level", column("level"), "text"),
        Column("label", column("outcome_short"), "text"),
        Column("design", column("design"), "text"),
        Column("d", column("standardised"), "num2"),
        Column("se_d", column("se"), "num3"),
    ]
    text = "Efek terstandar per wilayah dan level (positif = perbaikan)"
    return table(s.numbering, text, frame, cols)


def forest_plots(s: SynthesisData) -> Html:
    """A forest plot per pooled level, its caption stating tau², I², Q's p and the prediction
    interval (only from three regions on)."""
    from helpers.steps import plots

    out = []
    for level, m in sorted(s.pooled.items()):
        if m.k >= 3:
            prediction = (
                f"Interval prediksi (efek di wilayah baru): {fmt_num(m.pi_low, 2)} sampai "
                f"{fmt_num(m.pi_high, 2)}."
            )
        else:
            prediction = "Interval prediksi tidak dihitung: perlu paling sedikit tiga wilayah."
        text = (
            f"Level {level}, {label('level', level)}: efek tiap wilayah (ukuran titik menurut "
            f"bobot) dan efek gabungan (belah ketupat). τ² = {fmt_num(m.tau2, 3)}, "
            f"I² = {fmt_pct(m.i2)}, uji Q {fmt_pvalue(m.q_p)}. {prediction}"
        )
        named = m.studies.assign(
            label=m.studies["label"].map(lambda x: wrap(s.registry[x].name, 18))
        )
        meta = dataclasses.replace(m, studies=named)
        out.append(
            figure(
                s.numbering,
                text,
                lambda ax, meta=meta: plots.forest_plot(
                    meta,
                    xlabel="Efek terstandar (simpangan baku)",
                    pooled_label="Gabungan\n(efek acak)",
                    ax=ax,
                ),
                height_in=0.6 * m.k + 1.8,
            )
        )
    return Html("\n".join(out))
