"""Plain words for the region report in its language, computed from the numbers (layer 3).

Readers' names of tables and variables, and the recommendations: each is produced only when a
finding calls for it and says which finding it rests on, in Indonesian or (``language="en"``)
English. The report's sections (:mod:`helpers.steps.sections`) say the rest.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.core import labels as _labels
from helpers.core.formatting import fmt_int, fmt_num, fmt_p, fmt_pct
from helpers.core.labels import Language, in_sentence
from helpers.stats.assumptions import ASSUMPTIONS as _ASSUMPTIONS

__all__ = [
    "LEVELS",
    "DESIGNS",
    "estimates_table",
    "Recommendation",
    "recommendations",
    "ASSUMPTIONS",
    "in_sentence",
]

LEVELS = {
    1: ("Reaksi", "kepuasan peserta terhadap pelatihan"),
    2: ("Pembelajaran", "pengetahuan dan keterampilan yang bertambah"),
    3: ("Perilaku", "keterampilan yang diterapkan di tempat kerja"),
    4: ("Hasil", "apa yang diperoleh organisasi dan masyarakat"),
}

#: Reader-facing names, from the one home of labels (:mod:`helpers.core.labels`).
DESIGNS = {k: v[0] for k, v in _labels.LABELS["design"].items()}

#: Short design names for figures and narrow tables.
DESIGN_SHORT = {k: v[0] for k, v in _labels.LABELS["design_short"].items()}

#: Readers' names of the person-level covariates.
VARIABLE_LABELS = {k: v[0] for k, v in _labels.LABELS["variable"].items()}

#: Readers' names of common survey scales (others fall back to the analyses' labels).
SCALE_LABELS = {k: v[0] for k, v in _labels.LABELS["scale"].items()}

#: Table kinds, as readers call them.
TABLE_KINDS = {k: v[0] for k, v in _labels.LABELS["table_kind"].items()}
WAVES = {k: v[0] for k, v in _labels.LABELS["wave"].items()}

#: Cleaning-log reasons by category (regex on the English reason -> Indonesian category).
REASONS = [(pattern, words) for pattern, words, _en in _labels.REASONS]


def translate_reason(reason: str, step: str | None = None) -> str:
    """The Indonesian category of a cleaning-log reason; an unknown reason is summarised by its
    step, never shown in English (:func:`helpers.core.labels.translate_reason`)."""
    return _labels.translate_reason(reason, "id", step=step)


def table_label(region, name: str, language: Language = "id") -> str:
    """'Survei akhir (survei_akhir_2025.xlsx)' for a table name of the region's config; a
    KoboToolbox repeat sheet (``survey_post_riwayat_mentoring``) is named after its survey."""
    spec = region.tables.get(name)
    if spec is None:
        for parent in sorted(region.tables, key=len, reverse=True):
            if name.startswith(parent + "_"):
                sheet = _labels.readable(name[len(parent) + 1 :])
                word = "sheet" if language == "en" else "lembar"
                return f"{table_label(region, parent, language)}, {word} {sheet}"
        return _labels.readable(name)
    if spec.kind == "survey":
        kind = _labels.label("wave", spec.wave, language, default="") if spec.wave else ""
    else:
        kind = _labels.label("table_kind", spec.kind, language, default="")
    return f"{kind or _labels.readable(name)} ({spec.file})"


def variable_label(name: str, analyses=(), language: Language = "id") -> str:
    """Readers' name of an analysis variable (covariates, '<scale>_pre', outcomes)."""
    before, after = ("before", "after") if language == "en" else ("awal", "akhir")
    if name in VARIABLE_LABELS:
        return _labels.label("variable", name, language)
    for a in analyses:
        if name == a.outcome:
            return f"{a.label} ({after})" if name.endswith("_post") else a.label
        if name == a.baseline:
            return f"{a.label} ({before})"
    for suffix, word in (("_pre", before), ("_post", after)):
        if name.endswith(suffix) and name[: -len(suffix)] in SCALE_LABELS:
            return f"{_labels.label('scale', name[: -len(suffix)], language)} ({word})"
    if name in SCALE_LABELS:
        return _labels.label("scale", name, language)
    return _labels.readable(name)


def outcome_unit(label: str, language: Language = "id") -> str:
    """The unit a label states in brackets: '(menit)' -> 'menit', '(%)' -> 'poin persen'
    ('percentage points' in English); 'poin' ('points') when it states none."""
    m = re.search(r"\(([^)]*)\)\s*$", label)
    inside = m.group(1).strip() if m else ""
    if inside == "%":
        return "percentage points" if language == "en" else "poin persen"
    if inside and not re.match(r"^[\d.,\s–-]+$", inside) and not inside.startswith("IKM"):
        return inside
    return "points" if language == "en" else "poin"


def core_label(label: str) -> str:
    """The label without its bracketed unit: 'Waktu tunggu layanan (menit)' -> '... layanan'."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label).strip()


#: Each design's identifying assumption, in plain Indonesian (the English one is Effect.assumption).
ASSUMPTIONS = {d: text["id"] for d, text in _ASSUMPTIONS.items()}

#: What a challenge code calls for, when informants raise it often enough.
CHALLENGE_ACTIONS = {
    "resource_constraints": "Sediakan sarana dan anggaran pendukung agar hasil pelatihan dapat "
    "diterapkan (perangkat, waktu, biaya kegiatan lanjutan).",
    "relevance_gap": "Susun pelatihan dari analisis kebutuhan kompetensi per jabatan, agar "
    "materi sesuai tugas peserta.",
    "workload": "Jadwalkan pelatihan di luar masa puncak beban kerja dan siapkan pengganti "
    "tugas, agar pegawai yang paling sibuk tidak tertinggal.",
    "transparency_gap": "Umumkan kriteria, jadwal dan hasil seleksi promosi dan mutasi secara "
    "terbuka.",
    "information_gap": "Sebarkan informasi peluang karier dan pelatihan ke semua unit melalui "
    "kanal resmi yang sama, termasuk unit di kecamatan.",
    "leadership_support": "Libatkan pimpinan unit: izin dan dorongan atasan menentukan siapa "
    "yang ikut pelatihan.",
}

#: :data:`CHALLENGE_ACTIONS` in English.
CHALLENGE_ACTIONS_EN = {
    "resource_constraints": "Provide the equipment and budget needed to apply what was learnt "
    "(devices, time, funds for follow-up activities).",
    "relevance_gap": "Design training from an analysis of each position's competency needs, so "
    "that the material fits participants' duties.",
    "workload": "Schedule training outside peak workload and arrange cover for duties, so that "
    "the busiest staff are not left behind.",
    "transparency_gap": "Publish the criteria, schedule and results of selection for promotion "
    "and transfer.",
    "information_gap": "Send information on career and training opportunities to every unit "
    "through the same official channel, including units in the kecamatan.",
    "leadership_support": "Involve unit heads: supervisors' permission and encouragement decide "
    "who takes part in training.",
}


def estimates_table(
    effects: pd.DataFrame,
    *,
    level: int | None = None,
    headline_only: bool = True,
    min_cell: int = 5,
) -> pd.DataFrame:
    """Estimates formatted for readers (Indonesian headers, decimal commas).

    A count of people below ``min_cell`` (the region's ``min_cell_size``) is shown as
    ``<5`` (:data:`helpers.privacy.disclosure.SUPPRESSED` for the default), never as its number.
    """
    e = effects[effects["estimate"].notna()]
    if level is not None:
        e = e[e["level"] == level]
    if headline_only:
        e = e[e["headline"].astype(bool)]
    out = pd.DataFrame(
        {
            "Hasil yang diukur": e["label"].astype(str),
            "Desain": e["design"].map(lambda d: DESIGNS.get(d, d)),
            "Efek": e["estimate"].map(lambda x: fmt_num(x, 2)),
            "IK 95%": [
                f"{fmt_num(a, 2)} sampai {fmt_num(b, 2)}"
                for a, b in zip(e["ci_low"], e["ci_high"], strict=True)
            ],
            "p (BH)" if headline_only else "p": (e["p_adj"] if headline_only else e["p_value"]).map(
                fmt_p
            ),
            "Peserta / pembanding": [
                _counts(d, t, c, min_cell)
                for d, t, c in zip(e["design"], e["n_treated"], e["n_control"], strict=True)
            ],
            "Efek terstandar": e["effect_size"].map(lambda x: fmt_num(x, 2)),
            "MDE": e["mde"].map(lambda x: fmt_num(x, 2)),
        }
    )
    return out.reset_index(drop=True)


def _counts(design: str, treated: float, control: float, min_cell: int = 5) -> str:
    def shown(n: float) -> str:
        if pd.isna(n):
            return "–"
        return f"<{min_cell}" if 0 < n < min_cell else fmt_int(n)

    if design == "paired":
        return f"{shown(treated)} orang (sebelum & sesudah)"
    if design in ("did", "twfe"):
        return f"{shown(treated)} / {shown(control)} sel unit×bulan"
    return f"{shown(treated)} / {shown(control)}"


@dataclass(frozen=True)
class Recommendation:
    """An action, the finding it rests on, how strongly the evidence calls for it (``weight``:
    recommendations are shown heaviest first) and what it is about (``topic``: two
    recommendations on one topic are shown as one, the lighter one's basis added)."""

    action: str
    basis: str
    weight: float = 0.0
    topic: str = ""


#: Informants' own recommendation codes and the challenge whose action says the same: shown
#: once, the informants' count added to the challenge's basis.
SAME_ACTION = {
    "rec_scheduling": "workload",
    "rec_open_selection": "transparency_gap",
    "rec_practice": "relevance_gap",
    "rec_mentoring": "information_gap",
}


def _names(rows: list[dict], language: Language = "id") -> str:
    parts = [
        f"{in_sentence(core_label(r['label']))} ({'+' if r['estimate'] > 0 else '−'}"
        f"{fmt_num(abs(r['estimate']), 2, language)})"
        for r in rows
    ]
    last = " and " if language == "en" else " dan "
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + last + parts[-1]


#: The sentences of :func:`recommendations`, by language (the rules and weights are one).
_REC_TEXT = {
    "id": {
        "worse": (
            "Telusuri mengapa {name} memburuk pada peserta sebelum program diperluas.",
            "Estimasi {estimate} (IK 95% {low} sampai {high}).",
        ),
        "better": (
            "Pertahankan program dan perluas ke pegawai yang belum ikut: dampaknya terlihat "
            "pada {names}.",
            "Estimasi utama dengan pembanding yang setara; interval kepercayaan 95% tidak "
            "mencakup nol.",
        ),
        "uncontrolled": (
            "Ukur {name} juga pada pegawai yang belum dilatih (tes yang sama, waktu yang sama), "
            "agar kenaikannya dapat dibedakan dari efek mengulang tes.",
            "Kenaikan sebelum–sesudah {estimate} tanpa kelompok pembanding.",
        ),
        "mde": "{name} sekitar {mde}",
        "inconclusive": (
            "Jangan menyimpulkan dulu bahwa program tidak berdampak pada {names}; ukur lagi "
            "dengan waktu lebih panjang atau sampel lebih besar, atau tinjau apakah materi "
            "program memang menyasar hasil ini.",
            "Interval mencakup nol; efek terkecil yang dapat terdeteksi: {mdes}.",
        ),
        "challenge": "Tantangan “{label}” disebut dalam {share} transkrip.",
        "also_proposed": " Informan juga mengusulkannya ({share} transkrip).",
        "leaders": "Peran pimpinan dibahas dalam {share} transkrip.",
        "proposal": ("Informan mengusulkan: {label}.", "Diusulkan dalam {share} transkrip."),
        "proposal_prefix": r"^Rekomendasi: ",
    },
    "en": {
        "worse": (
            "Find out why {name} got worse among participants before the programme is extended.",
            "Estimate {estimate} (95% CI {low} to {high}).",
        ),
        "better": (
            "Keep the programme and extend it to staff who have not taken part: its effect "
            "shows in {names}.",
            "Headline estimate with a comparable comparison group; the 95% confidence "
            "interval excludes zero.",
        ),
        "uncontrolled": (
            "Measure {name} among untrained staff too (same test, same time), so that the "
            "gain can be told apart from the effect of retaking a test.",
            "A before–after gain of {estimate} with no comparison group.",
        ),
        "mde": "{name} about {mde}",
        "inconclusive": (
            "Do not conclude yet that the programme has no effect on {names}; measure again "
            "over a longer time or with a larger sample, or check whether the programme's "
            "material aims at this outcome.",
            "The interval includes zero; smallest detectable effect: {mdes}.",
        ),
        "challenge": "The challenge “{label}” is raised in {share} of transcripts.",
        "also_proposed": " Informants propose it too ({share} of transcripts).",
        "leaders": "The role of leaders comes up in {share} of transcripts.",
        "proposal": ("Informants propose: {label}.", "Proposed in {share} of transcripts."),
        "proposal_prefix": r"^(Recommendation|Rekomendasi): ",
    },
}

#: :data:`CHALLENGE_ACTIONS` and its English twin, by language.
_ACTIONS = {"id": CHALLENGE_ACTIONS, "en": CHALLENGE_ACTIONS_EN}


def recommendations(
    effects: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    extras: Sequence[Recommendation] = (),
    challenge_share: float = 0.25,
    language: Language = "id",
) -> list[Recommendation]:
    """Recommendations that follow from this region's findings, each with its basis, once, and
    ordered by the strength and size of the evidence (heaviest first).

    Rules (:func:`helpers.steps.meaning.effect_meaning` grades each headline effect): a worse
    outcome -> find out why, first; effects with evidence of improvement -> one
    recommendation to keep and extend the programme, naming them; an uncontrolled
    before/after gain -> add a comparison group; effects the sample could not settle -> one
    recommendation to measure again before judging; a challenge raised in at least
    ``challenge_share`` of transcripts -> its action, weighted by how widespread it is, with
    informants' own matching proposal folded in (:data:`SAME_ACTION`); other informants'
    proposals; ``extras`` from the region's analyses (gaps between groups, budget, response
    bias), which carry their own weight. ``language`` is the report's (``"en"``: every
    sentence in English, from :data:`_REC_TEXT`).
    """
    from helpers.steps.meaning import effect_meaning

    words, actions = _REC_TEXT[language], _ACTIONS[language]

    def num(x: object) -> str:
        return fmt_num(x, 2, language)  # type: ignore[arg-type]

    def pct(x: object) -> str:
        return fmt_pct(x, 0, language)  # type: ignore[arg-type]

    def name(r: dict) -> str:
        return in_sentence(core_label(r["label"]))

    recs: list[Recommendation] = []
    head = effects[effects["headline"].astype(bool) & effects["estimate"].notna()]
    graded: dict[str, list[dict]] = {}
    for r in head.to_dict("records"):
        graded.setdefault(effect_meaning(r).strength, []).append(r)
    for r in graded.get("worse", []):
        action, basis = words["worse"]
        recs.append(
            Recommendation(
                action.format(name=name(r)),
                basis.format(
                    estimate=num(r["estimate"]), low=num(r["ci_low"]), high=num(r["ci_high"])
                ),
                100.0,
            )
        )
    better = graded.get("better_strong", []) + graded.get("better", [])
    if better:
        action, basis = words["better"]
        recs.append(
            Recommendation(
                action.format(names=_names(better, language)),
                basis,
                80.0 + 5 * len(graded.get("better_strong", [])),
            )
        )
    for r in graded.get("uncontrolled", []):
        action, basis = words["uncontrolled"]
        recs.append(
            Recommendation(
                action.format(name=name(r)), basis.format(estimate=num(r["estimate"])), 45.0
            )
        )
    unsettled = graded.get("inconclusive", [])
    if unsettled:
        mdes = ", ".join(
            words["mde"].format(name=name(r), mde=num(r.get("mde"))) for r in unsettled
        )
        action, basis = words["inconclusive"]
        recs.append(
            Recommendation(
                action.format(names=", ".join(name(r) for r in unsettled)),
                basis.format(mdes=mdes),
                30.0,
            )
        )
    if len(findings):
        proposals = findings[findings["kind"] == "recommendation"].set_index("code")
        folded: set[str] = set()
        ch = findings[
            (findings["kind"] == "challenge")
            & (findings["share_of_transcripts"] >= challenge_share)
        ]
        for r in ch.sort_values("n_transcripts", ascending=False).to_dict("records"):
            if r["code"] not in actions:
                continue
            basis = words["challenge"].format(
                label=r["label"], share=pct(r["share_of_transcripts"])
            )
            for proposal, challenge in SAME_ACTION.items():
                if challenge == r["code"] and proposal in proposals.index:
                    share = proposals.loc[proposal, "share_of_transcripts"]
                    basis += words["also_proposed"].format(share=pct(share))
                    folded.add(proposal)
            recs.append(
                Recommendation(
                    actions[r["code"]],
                    basis,
                    40.0 + 40 * r["share_of_transcripts"],
                    topic=r["code"],
                )
            )
        ctx = findings[
            (findings["code"] == "leadership_support")
            & (findings["share_of_transcripts"] >= challenge_share)
        ]
        for r in ctx.to_dict("records"):
            recs.append(
                Recommendation(
                    actions["leadership_support"],
                    words["leaders"].format(share=pct(r["share_of_transcripts"])),
                    35.0 + 30 * r["share_of_transcripts"],
                    topic="leadership_support",
                )
            )
        for code, r in proposals.iterrows():
            if code in folded:
                continue
            label = re.sub(words["proposal_prefix"], "", str(r["label"]))
            action, basis = words["proposal"]
            recs.append(
                Recommendation(
                    action.format(label=label),
                    basis.format(share=pct(r["share_of_transcripts"])),
                    20.0 + 20 * r["share_of_transcripts"],
                )
            )
    recs.extend(extras)
    return _one_per_topic(recs)


def _one_per_topic(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Heaviest first; a recommendation on a topic already shown adds its basis to it."""
    out: list[Recommendation] = []
    by_topic: dict[str, int] = {}
    for rec in sorted(recs, key=lambda x: -x.weight):
        if any(rec.action == o.action for o in out):
            continue
        if rec.topic and rec.topic in by_topic:
            i = by_topic[rec.topic]
            out[i] = dataclasses.replace(out[i], basis=f"{out[i].basis} {rec.basis}")
            continue
        if rec.topic:
            by_topic[rec.topic] = len(out)
        out.append(rec)
    return out
