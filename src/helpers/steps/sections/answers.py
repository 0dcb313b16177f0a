"""The region's evaluation questions, each answered in one or two plain sentences with the number
behind it and a link to the section that shows it (the first block of the executive summary).

The registry lists a region's ``questions``, each with what answers it (``answered_by``): the
ids of its analyses (an estimated effect, told by :func:`helpers.steps.meaning.effect_meaning`)
or the names of descriptive results (:data:`SOURCES`). A question whose sources are missing from
this region's data says so, and what data would answer it (the question's ``needs``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote as urlquote

import pandas as pd

from helpers.core.config import ScaleWords
from helpers.core.formatting import Html, fmt_int, fmt_num, fmt_pct, fmt_pvalue
from helpers.core.labels import in_sentence, label, moderator_label
from helpers.core.vocabulary import LEVELS
from helpers.steps.meaning import effect_meaning
from helpers.steps.sections.data import ReportData
from helpers.steps.sections.render import render

__all__ = ["Answer", "SOURCES", "answers", "answer_block"]


@dataclass(frozen=True)
class Answer:
    """One question and its answer, as the summary shows them."""

    question: str
    answer: str
    anchor: str | None
    answered: bool


def level_anchor(number: int, language: str = "id") -> str:
    """The id nbconvert gives the level's heading ("Level 3 – Perilaku")."""
    name = LEVELS[number].name_id if language == "id" else LEVELS[number].name.capitalize()
    return urlquote(f"Level-{number}-–-{name}", safe="-:()")


# --------------------------------------------------------------------------------------------
# descriptive sources: each returns (answer text, anchor) or None when the data lack it
# --------------------------------------------------------------------------------------------


def _relevance(r: ReportData) -> tuple[str, str] | None:
    scale = r.region.extra.get("relevance_scale")
    column = f"{scale}_post" if scale else None
    if column is None or column not in r.person:
        return None
    trained = r.person.loc[r.person["treated"] == 1, column].dropna()
    if len(trained) < r.region.min_cell_size:
        return None
    low, high = r.scale_range(scale)
    share = float((trained >= high - 1).mean())
    en = r.language == "en"
    lang = r.language
    top = (
        f"a score of {fmt_int(high - 1, lang)} or {fmt_int(high, lang)} out of "
        f"{fmt_int(high, lang)}"
        if en
        else f"skor {fmt_int(high - 1)} atau {fmt_int(high)} dari {fmt_int(high)}"
    )
    text = (
        f"{fmt_pct(share, 0, 'en')} of participants found the training relevant to their work "
        f"({top}; average {fmt_num(trained.mean(), 2, 'en')})."
        if en
        else f"{fmt_pct(share)} peserta menilai pelatihan relevan dengan pekerjaannya ({top}; "
        f"rata-rata {fmt_num(trained.mean(), 2)})."
    )
    het = r.moderation
    if het is not None and len(het):
        hi = het.loc[het["group"] == "tinggi", "estimate"].mean()
        lo = het.loc[het["group"] == "rendah", "estimate"].mean()
        if not (math.isnan(hi) or math.isnan(lo)):
            text += (
                f" Among participants, those who found it relevant improved by "
                f"{fmt_num(hi, 2, 'en')} points on average, the others by {fmt_num(lo, 2, 'en')} "
                "points; relevance was rated after the training, so this difference is a "
                "description, not proof of cause and effect."
                if en
                else f" Di antara peserta, yang menilainya relevan menunjukkan perbaikan rata-rata "
                f"{fmt_num(hi, 2)} poin, yang kurang relevan {fmt_num(lo, 2)} poin; penilaian "
                "relevansi diberikan sesudah pelatihan, jadi perbedaan ini gambaran, bukan bukti "
                "sebab-akibat."
            )
    return text, "relevansi"


#: Reader's words for the groups of a 0/1 moderator common to every region.
_GROUP_WORDS = {
    "id": {"female": {0: "laki-laki", 1: "perempuan"}},
    "en": {"female": {0: "men", 1: "women"}},
}


def _how_it_differs(rows: pd.DataFrame, moderator: str, language: str = "id") -> str:
    """Which way an effect differs: the larger group, or the direction of a continuous slope."""
    en = language == "en"
    slope = rows[rows["level"].astype(str) == "per unit"]
    if rows["kind"].iloc[0] == "continuous" and len(slope):
        up = float(slope["estimate"].iloc[0]) > 0
        if en:
            return f"the effect is {'larger' if up else 'smaller'} the higher its value"
        return f"efeknya {'makin besar' if up else 'makin kecil'} bila nilainya makin tinggi"
    groups = rows.dropna(subset=["estimate"]).sort_values("estimate", ascending=False)
    if len(groups) < 2:
        return ""
    words = _GROUP_WORDS["en" if en else "id"].get(moderator, {})
    other = "group" if en else "kelompok"

    def name(level: object) -> str:
        try:
            return words.get(int(float(level)), f"{other} {level}")
        except (TypeError, ValueError):
            return f"{other} {level}"

    top, low = groups.iloc[0], groups.iloc[-1]
    hi, lo = fmt_num(top["estimate"], 2, language), fmt_num(low["estimate"], 2, language)
    if en:
        return f"larger among {name(top['level'])} ({hi}) than among {name(low['level'])} ({lo})"
    return f"lebih besar pada {name(top['level'])} ({hi}) daripada {name(low['level'])} ({lo})"


def _moderation(r: ReportData) -> tuple[str, str] | None:
    het = r.read("heterogeneity.parquet")
    if het is None or not len(het) or "interaction_p_adj" not in het:
        return None
    het = het.dropna(subset=["interaction_p_adj"])
    if not len(het):
        return None
    lang = getattr(r, "language", "id")
    en = lang == "en"
    labels = {a.id: a.label for a in r.region.analyses}
    order = [m for m in r.region.moderators if m in set(het["moderator"])]
    order += sorted(set(het["moderator"]) - set(order))
    sentences = []
    for moderator in order:
        rows = het[het["moderator"] == moderator]
        tests = rows.drop_duplicates("analysis")
        differ = tests[tests["interaction_p_adj"] < 0.05]
        name = moderator_label(r.region, moderator, lang)
        for analysis, p_adj in zip(differ["analysis"], differ["interaction_p_adj"], strict=True):
            how = _how_it_differs(rows[rows["analysis"] == analysis], moderator, lang)
            outcome = in_sentence(labels.get(analysis, analysis), drop_unit=True)
            p_text = fmt_pvalue(p_adj, lang)
            sentences.append(
                f"The programme's effect on {outcome} differs by {name}"
                + (f": {how}" if how else "")
                + f" (interaction test, {p_text} after correction for multiple tests)."
                if en
                else f"Efek program pada {outcome} berbeda menurut {name}"
                + (f": {how}" if how else "")
                + f" (uji interaksi, {p_text} setelah koreksi uji berganda)."
            )
        calm = tests[tests["interaction_p_adj"] >= 0.05]
        if len(calm):
            n, smallest = (
                fmt_int(len(calm), lang),
                fmt_num(calm["interaction_p_adj"].min(), 2, lang),
            )
            sentences.append(
                "No evidence that the programme's effect"
                + (" on the other outcomes" if len(differ) else "")
                + f" differs by {name} (interaction tests for {n} outcomes, smallest p after "
                f"correction {smallest})."
                if en
                else "Tidak ada bukti bahwa efek program"
                + (" pada hasil lain" if len(differ) else "")
                + f" berbeda menurut {name} (uji interaksi untuk {n} hasil, p terkecil setelah "
                f"koreksi {smallest})."
            )
    sentences.append(
        "These differences between groups are exploratory: interaction tests need large "
        "samples, and a single outcome that differs needs confirming with later data."
        if en
        else "Perbedaan antarkelompok ini bersifat eksploratif: uji interaksi memerlukan sampel "
        "besar, dan satu hasil yang berbeda perlu dikonfirmasi dengan data berikutnya."
    )
    if r.region.tables_of_kind("codes"):
        sentences.append(
            "The obstacles informants mention are described under Challenges."
            if en
            else "Hambatan yang disebut informan dijelaskan di bagian Tantangan."
        )
        return " ".join(sentences), ("Challenges" if en else "Tantangan")
    return " ".join(sentences), level_anchor(3, lang)


def _feedback(r: ReportData) -> tuple[str, str] | None:
    fb = r.feedback
    if fb is None or getattr(fb, "suppressed", False):
        return None
    if r.language == "en":
        return (
            f"Only {fmt_pct(fb.response_rate, 0, 'en')} of participants answered the feedback "
            f"survey. Their average satisfaction is {fmt_num(fb.mean_respondents, 2, 'en')}; "
            f"weighted to resemble all participants {fmt_num(fb.mean_reweighted, 2, 'en')}. "
            "With no assumption about those who did not answer, all participants' satisfaction "
            f"could lie between {fmt_num(fb.bound_low, 2, 'en')} and "
            f"{fmt_num(fb.bound_high, 2, 'en')}: the feedback at hand is probably too good.",
            "bias-umpan-balik",
        )
    return (
        f"Hanya {fmt_pct(fb.response_rate)} peserta mengisi umpan balik. Rata-rata kepuasan "
        f"pengisi {fmt_num(fb.mean_respondents, 2)}; dibobot agar menyerupai semua peserta "
        f"{fmt_num(fb.mean_reweighted, 2)}. Tanpa asumsi tentang yang tidak mengisi, kepuasan "
        f"semua peserta bisa di antara {fmt_num(fb.bound_low, 2)} dan "
        f"{fmt_num(fb.bound_high, 2)}: umpan balik yang ada kemungkinan terlalu baik.",
        "bias-umpan-balik",
    )


#: The sentences of :func:`_participation` and :func:`_information`, by language.
_SCALE_TEXT = {
    "id": {
        "top_reason": "Alasan paling sering staf tidak ikut pelatihan: {reason} ({share} jawaban).",
        "goes_with": (
            "{label} berkaitan dengan keikutsertaan: staf dengan {high} {share_high} sudah "
            "dilatih, dengan {low} {share_low} (gambaran, bukan bukti sebab-akibat)."
        ),
        "high": "{label} tinggi",
        "low": "{label} rendah",
        "information": (
            "{label} paling rendah pada {lowest} (rata-rata {mean_lowest} dari {top}, {n} "
            "orang) dan paling tinggi pada {highest} ({mean_highest})."
        ),
    },
    "en": {
        "top_reason": (
            "The most frequent reason staff give for not taking part: “{reason}” ({share} of "
            "answers)."
        ),
        "goes_with": (
            "{label} goes with taking part: of staff with {high} {share_high} have been "
            "trained, with {low} {share_low} (a description, not proof of cause and effect)."
        ),
        "high": "high {label}",
        "low": "low {label}",
        "information": (
            "{label} is lowest among {lowest} (average {mean_lowest} of {top}, {n} people) and "
            "highest among {highest} ({mean_highest})."
        ),
    },
}


def _scale_name(scale: ScaleWords, language: str) -> str:
    """A described scale's name opening a sentence: the registry's label, else the report's
    own (:data:`helpers.core.labels.LABELS`), else the scale's name made readable."""
    name = scale.label or label("scale", scale.scale, language)
    return name[:1].upper() + name[1:]


def _participation(r: ReportData) -> tuple[str, str] | None:
    """The most frequent reason for not taking part, and for each of the registry's
    ``participation_scales`` the share trained in its top and bottom third."""
    if r.participation is None:
        return None
    part, reasons = r.participation
    lang = r.language
    words = _SCALE_TEXT[lang]
    bits = []
    if len(reasons) and reasons["n"].notna().any():
        top = reasons.dropna(subset=["n"]).sort_values("n", ascending=False).iloc[0]
        reason = str(top["reason"]).lower()  # the survey's answer, as respondents chose it
        share = fmt_pct(top["share_of_answers"], 0, lang)
        bits.append(words["top_reason"].format(reason=reason, share=share))
    for scale in r.region.participation_scales:
        shares = part[part["scale"] == scale.scale].set_index("tercile")["share_trained"]
        if not ({"tinggi", "rendah"} <= set(shares.index) and shares.notna().all()):
            continue
        name = _scale_name(scale, lang)
        bits.append(
            words["goes_with"].format(
                label=name,
                high=scale.high or words["high"].format(label=in_sentence(name)),
                low=scale.low or words["low"].format(label=in_sentence(name)),
                share_high=fmt_pct(shares["tinggi"], 0, lang),
                share_low=fmt_pct(shares["rendah"], 0, lang),
            )
        )
    return (" ".join(bits), "partisipasi") if bits else None


def _information(r: ReportData) -> tuple[str, str] | None:
    """Who has the least and the most access to career information and mentoring (the
    registry's ``information_scale``, before the programme), by gender and unit."""
    from helpers.steps import descriptives as desc

    scale = r.region.information_scale
    column = f"{scale.scale}_pre" if scale is not None else None
    if column is None or column not in r.person:
        return None
    cell = r.region.min_cell_size
    acc = desc.group_gaps(r.person, column, by=("gender", "unit"), min_cell=cell)
    acc = acc.dropna(subset=["mean"])
    if not len(acc):
        return None
    ranked = acc.sort_values("mean")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    lang = r.language
    text = _SCALE_TEXT[lang]["information"].format(
        label=_scale_name(scale, lang),
        lowest=label("group", low["group"], lang, default=str(low["group"])),
        mean_lowest=fmt_num(low["mean"], 2, lang),
        top=fmt_int(r.scale_range(scale.scale)[1], lang),
        n=fmt_int(low["n"], lang),
        highest=label("group", high["group"], lang, default=str(high["group"])),
        mean_highest=fmt_num(high["mean"], 2, lang),
    )
    return text, "transparansi"


def _open_selection(r: ReportData) -> tuple[str, str] | None:
    from helpers.steps import descriptives as desc

    if "promotions" not in r.tables:
        return None
    promo = r.tables["promotions"].merge(r.roster[["pid", "gender"]], on="pid")
    promo["open_selection"] = promo["open_selection"].astype(float)
    overall = float(promo["open_selection"].mean())
    en = r.language == "en"
    text = (
        f"{fmt_pct(overall, 0, 'en')} of promotions and transfers went through open selection"
        if en
        else f"{fmt_pct(overall)} promosi dan mutasi dilakukan lewat seleksi terbuka"
    )
    by = desc.group_gaps(promo, "open_selection", by=("gender",), min_cell=r.region.min_cell_size)
    by = by.dropna(subset=["mean"]).set_index("group")["mean"]
    if {"F", "M"} <= set(by.index) and en:
        text += f": {fmt_pct(by['F'], 0, 'en')} for women, {fmt_pct(by['M'], 0, 'en')} for men"
    elif {"F", "M"} <= set(by.index):
        text += f": {fmt_pct(by['F'])} pada perempuan, {fmt_pct(by['M'])} pada laki-laki"
    return text + ".", "transparansi"


def _budget(r: ReportData) -> tuple[str, str] | None:
    cap = r.capacity
    if cap is None:
        return None
    if r.language == "en":
        return (
            f"A budget of Rp {fmt_int(cap.total_rp, 'en')} covers "
            f"{fmt_int(cap.n_trainable, 'en')} participants (Rp "
            f"{fmt_int(cap.cost_per_participant_rp, 'en')} each). With a sample that size, the "
            f"smallest effect that can be seen is about {fmt_num(cap.mde_standardised, 2, 'en')} "
            "standard deviations.",
            "anggaran",
        )
    return (
        f"Anggaran Rp {fmt_int(cap.total_rp)} cukup untuk {fmt_int(cap.n_trainable)} peserta "
        f"(Rp {fmt_int(cap.cost_per_participant_rp)} per orang). Dengan sampel sebesar itu, efek "
        f"terkecil yang dapat dilihat sekitar {fmt_num(cap.mde_standardised, 2)} simpangan baku.",
        "anggaran",
    )


def _sample_size(r: ReportData) -> tuple[str, str] | None:
    e = r.effects[r.effects["headline"].astype(bool) & r.effects["estimate"].notna()]
    if e.empty:
        return None
    small = [
        in_sentence(x["label"], drop_unit=True)
        for x in e.to_dict("records")
        if x["ci_low"] <= 0 <= x["ci_high"] and abs(x["estimate"]) < x["mde"]
    ]
    if r.language == "en":
        text = (
            "For every outcome the report gives the smallest effect this sample can detect (MDE)."
        )
        if small:
            text += f" The sample is too small to settle an effect as small as the one seen on {', '.join(small)}."
        else:
            text += " The effects found are larger than their MDE: the sample is large enough to see them."
        return text, "Lampiran-A:-Metode"
    text = (
        "Untuk setiap hasil, laporan menyebut efek terkecil yang dapat dilihat (MDE) dengan "
        "sampel ini."
    )
    if small:
        text += (
            f" Sampel terlalu kecil untuk memastikan efek sekecil yang teramati pada "
            f"{', '.join(small)}."
        )
    else:
        text += " Efek yang ditemukan lebih besar dari MDE-nya: sampel cukup untuk melihatnya."
    return text, "Lampiran-A:-Metode"


def _reaction(r: ReportData) -> tuple[str, str] | None:
    from helpers.steps import descriptives as desc

    react = desc.reaction_scores(r.tables, r.region)
    react = react.dropna(subset=["mean"]) if len(react) else react
    if not len(react):
        return None
    row = react.iloc[0]
    if r.language == "en":
        return (
            f"Participants' satisfaction with the training averages "
            f"{fmt_num(row['mean'], 2, 'en')} of 5; {fmt_pct(row['share_4plus'], 0, 'en')} say "
            f"they are satisfied or very satisfied ({fmt_int(row['n'], 'en')} respondents).",
            level_anchor(1, "en"),
        )
    return (
        f"Kepuasan peserta terhadap pelatihan rata-rata {fmt_num(row['mean'], 2)} dari 5; "
        f"{fmt_pct(row['share_4plus'])} menyatakan puas atau sangat puas "
        f"({fmt_int(row['n'])} responden).",
        level_anchor(1),
    )


#: The descriptive results a question can be answered by (``answered_by`` in the registry;
#: their names are :data:`helpers.core.vocabulary.ANSWER_SOURCES`).
SOURCES: dict[str, Callable[[ReportData], tuple[str, str] | None]] = {
    "relevance": _relevance,
    "moderation": _moderation,
    "feedback_bias": _feedback,
    "participation": _participation,
    "information_gaps": _information,
    "open_selection": _open_selection,
    "budget_capacity": _budget,
    "sample_size": _sample_size,
    "reaction": _reaction,
}


def _withheld_answer(r: ReportData, analysis: str) -> tuple[str, str] | None:
    """The answer for an outcome whose estimates the disclosure rule withheld (a group smaller
    than the minimum cell), or None when it was simply not estimated."""
    from helpers.steps.analysis import TOO_FEW_TO_SHOW

    e = r.effects
    errors = e.loc[e["analysis"] == analysis, "error"].dropna().astype(str)
    if not errors.str.startswith(TOO_FEW_TO_SHOW).any():
        return None
    cell = fmt_int(r.region.min_cell_size, r.language)
    label = next((a.label for a in r.region.analyses if a.id == analysis), analysis)
    name = label.split(" (")[0]
    if r.language == "en":
        text = (
            f"{name}: not shown, because the participants or the comparison group number fewer "
            f"than {cell} people; an estimate from so few would disclose their results."
        )
    else:
        text = (
            f"{name}: tidak ditampilkan, karena peserta atau kelompok pembanding kurang dari "
            f"{cell} orang; estimasi dari jumlah sekecil itu akan membuka hasil pribadi mereka."
        )
    return text, "Lampiran-A:-Metode"  # the appendix keeps this anchor in both languages


def _effect_answer(r: ReportData, analysis: str) -> tuple[str, str] | None:
    e = r.effects
    rows = e[(e["analysis"] == analysis) & e["headline"].astype(bool) & e["estimate"].notna()]
    if rows.empty:
        return _withheld_answer(r, analysis)
    row = rows.iloc[0].to_dict()
    m = effect_meaning(row, language=r.language)
    name = row["label"].split(" (")[0]
    text = f"{name}: {m.change}"
    if m.comparison:
        text += f"; {m.comparison}"
    return f"{text}. {m.verdict}", level_anchor(int(row["level"]), r.language)


def answers(r: ReportData) -> list[Answer]:
    """Every question of the region's registry entry with its answer (see the module doc)."""
    out = []
    analyses = {a.id for a in r.region.analyses}
    for q in r.region.questions:
        parts, anchors = [], []
        for source in q.answered_by:
            got = _effect_answer(r, source) if source in analyses else SOURCES[source](r)
            if got is not None:
                parts.append(got[0])
                anchors.append(got[1])
        if parts:
            out.append(Answer(q.text, " ".join(parts), anchors[0], True))
        elif r.language == "en":
            needs = q.needs or "data that measure it"
            out.append(
                Answer(
                    q.text,
                    f"This region's data cannot answer this question yet. What is needed: {needs}.",
                    None,
                    False,
                )
            )
        else:
            needs = q.needs or "data yang mengukurnya"
            out.append(
                Answer(
                    q.text,
                    f"Data wilayah ini belum dapat menjawab pertanyaan ini. Yang diperlukan: {needs}.",
                    None,
                    False,
                )
            )
    return out


def answer_block(r: ReportData) -> Html:
    """The "Pertanyaan → Jawaban" block the executive summary opens with."""
    return render("answers.html.j2", r.language, items=answers(r))
