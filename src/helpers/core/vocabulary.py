"""The registry's fixed vocabularies, defined once: table kinds, survey waves, export tools,
estimation designs and the Kirkpatrick levels (with their Indonesian names and examples).

Every module that needs one of these sets imports it from here, so the registry's validation,
the estimators' option checks and the report's labels cannot disagree.

Examples
--------
>>> LEVELS[1].name_id, LEVELS[1].name
('Reaksi', 'reaction')
>>> level_number("behaviour")
3
>>> "aipw" in DESIGNS
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "TableKind",
    "TABLE_KINDS",
    "Wave",
    "WAVES",
    "Source",
    "SOURCES",
    "SegmentColumn",
    "SEGMENT_COLUMNS",
    "Design",
    "DESIGNS",
    "CONTROLLED_DESIGNS",
    "Level",
    "LEVELS",
    "level_number",
    "ANSWER_SOURCES",
]

TableKind = Literal[
    "roster",
    "training",
    "skp",
    "survey",
    "codes",
    "person_outcome",
    "linked_outcome",
    "events",
    "rollout",
]
TABLE_KINDS: tuple[str, ...] = get_args(TableKind)

Wave = Literal["pre", "post", "feedback"]
WAVES: tuple[str, ...] = get_args(Wave)

Source = Literal["csv", "xlsx", "google_forms", "kobotoolbox", "qualcoder", "taguette"]
SOURCES: tuple[str, ...] = get_args(Source)

#: The clean columns of coded interview segments a registry ``columns:`` mapping may target
#: (``helpers.io.segments`` reads every layout into them).
SegmentColumn = Literal[
    "transcript", "segment", "informant_role", "method", "coder", "code", "quote", "category",
    "informant",
]  # fmt: skip
SEGMENT_COLUMNS: tuple[str, ...] = get_args(SegmentColumn)

#: Estimation designs. ``did`` is the heterogeneity-robust difference in differences (the
#: headline for a roll-out), ``twfe`` the two-way fixed-effects regression (a comparison row);
#: ``paired`` is the only uncontrolled design (a before/after change with no comparison group).
Design = Literal["diff", "ancova", "ipw", "aipw", "did", "twfe", "paired", "mixed"]
DESIGNS: tuple[str, ...] = get_args(Design)
CONTROLLED_DESIGNS: frozenset[str] = frozenset(DESIGNS) - {"paired"}


@dataclass(frozen=True)
class Level:
    """One Kirkpatrick level: what an outcome measures about the training."""

    number: int
    name: str
    name_id: str
    question_id: str
    examples: str
    examples_id: str = ""


#: The four levels. A level is what an outcome measures about the training, not where it fits
#: on a page: satisfaction with a course is reaction; perceptions of the career system
#: (transparency of promotion, access to information) are results of the career system.
LEVELS: dict[int, Level] = {
    1: Level(
        1,
        "reaction",
        "Reaksi",
        "Apakah peserta puas dengan pelatihan?",
        "satisfaction with the course, the trainer, the materials; perceived relevance",
        "survei kepuasan peserta terhadap materi, pengajar dan penyelenggaraan pelatihan, atau "
        "penilaian peserta tentang relevansi pelatihan dengan pekerjaannya",
    ),
    2: Level(
        2,
        "learning",
        "Pembelajaran",
        "Apakah pengetahuan dan keterampilan peserta bertambah?",
        "pre/post knowledge tests, self-efficacy, skills demonstrated in training",
        "tes pengetahuan sebelum dan sesudah pelatihan, skala kepercayaan diri (efikasi diri), "
        "atau praktik keterampilan yang dinilai selama pelatihan",
    ),
    3: Level(
        3,
        "behaviour",
        "Perilaku",
        "Apakah peserta menerapkannya di tempat kerja?",
        "supervisor observation, SKP performance, motivation and commitment at work",
        "observasi atasan atas keterampilan di tempat kerja, predikat kinerja SKP, atau "
        "motivasi dan komitmen kerja beberapa bulan sesudah pelatihan",
    ),
    4: Level(
        4,
        "results",
        "Hasil",
        "Apa manfaatnya bagi organisasi dan masyarakat?",
        "service waiting times, IKM, budget realisation, students' scores, career-system "
        "outcomes such as transparency of promotion and access to information",
        "waktu tunggu layanan, indeks kepuasan masyarakat (IKM), realisasi anggaran, nilai "
        "siswa, atau hasil sistem karier seperti transparansi promosi dan akses informasi",
    ),
}
_LEVEL_NAMES = {lv.name: n for n, lv in LEVELS.items()} | {"behavior": 3}


def level_number(value: int | str) -> int:
    """The level's number for ``1``-``4`` or a name (``"reaction"`` ... ``"results"``).

    Parameters
    ----------
    value : int or str
        A level number or its English name.

    Returns
    -------
    int
        1 to 4.

    Raises
    ------
    ValueError
        Anything else (booleans included), with the allowed values.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a Kirkpatrick level 1-4 or its name, got {value!r}")
    if isinstance(value, int) and value in LEVELS:
        return value
    if isinstance(value, str) and value.strip().lower() in _LEVEL_NAMES:
        return _LEVEL_NAMES[value.strip().lower()]
    names = ", ".join(f"{n} ({lv.name})" for n, lv in LEVELS.items())
    raise ValueError(f"expected a Kirkpatrick level: one of {names}; got {value!r}")


#: The descriptive results a region's evaluation question can be answered by, besides its
#: analyses (``questions[].answered_by`` in the registry; each is written out by
#: :mod:`helpers.steps.sections.answers`).
ANSWER_SOURCES: dict[str, str] = {
    "relevance": "how relevant participants found the training, and the effect by relevance",
    "moderation": "whether the effect differs by the region's pre-treatment moderators "
    "(interaction tests, BH-adjusted)",
    "feedback_bias": "how far the low-response feedback is from all participants' view",
    "participation": "why staff skip training, and the share trained by the region's "
    "participation_scales (e.g. leadership support)",
    "information_gaps": "who lacks career information and mentoring (the region's "
    "information_scale), by group and unit",
    "open_selection": "the share of promotions and placements by open selection, by gender",
    "budget_capacity": "how many the budget trains, and the effect that sample can detect",
    "sample_size": "whether the sample can detect the effects sought (the MDEs)",
    "reaction": "participants' satisfaction with the training",
}
