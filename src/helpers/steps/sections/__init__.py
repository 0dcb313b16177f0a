"""The sections of a region's report (notebook 04) and of the synthesis page (notebook 05).

One function per section, each returning escaped HTML from a Jinja template (autoescape on)
in ``templates/``; a notebook reads top to bottom as the report it makes::

    from helpers.steps import sections as sec
    report = sec.load_report("kepahiang")
    sec.title(report)
    sec.executive_summary(report)
    sec.level(report, 1)
    ...

Every number goes through :mod:`helpers.core.formatting` and every label comes from
:mod:`helpers.core.labels`. Layer 3: the templates live here, not in the report builder.
"""

from __future__ import annotations

from helpers.steps.sections.appendix import data_quality, methods, provenance
from helpers.steps.sections.body import (
    challenges,
    executive_summary,
    level,
    recommendations,
    title,
    voices,
)
from helpers.steps.sections.data import ReportData, load_report
from helpers.steps.sections.extras import (
    budget_capacity,
    career_transparency,
    feedback_bias,
    participation,
    relevance,
    staggered_rollout,
)
from helpers.steps.sections.synthesis import (
    SynthesisData,
    construct_sections,
    load_synthesis,
    reaction_section,
    synthesis_summary,
    synthesis_title,
    write_synthesis_table,
)

__all__ = [
    "ReportData",
    "load_report",
    "title",
    "executive_summary",
    "level",
    "voices",
    "feedback_bias",
    "relevance",
    "staggered_rollout",
    "career_transparency",
    "budget_capacity",
    "participation",
    "challenges",
    "recommendations",
    "methods",
    "data_quality",
    "provenance",
    "SynthesisData",
    "load_synthesis",
    "synthesis_title",
    "synthesis_summary",
    "construct_sections",
    "reaction_section",
    "write_synthesis_table",
]
