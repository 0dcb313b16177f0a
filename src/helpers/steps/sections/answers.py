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
    top = f"skor {fmt_int(high - 1)} atau {fmt_int(high)} dari {fmt_int(high)}"
    share = float((trained >= high - 1).mean())
    text = (
        f"{fmt_pct(share)} peserta menilai pelatihan relevan dengan pekerjaannya ({top}; "
        f"rata-rata {fmt_num(trained.mean(), 2)})."
    )
    het = r.moderation
    if het is not None and len(het):
        hi = het.loc[het["group"] == "tinggi", "estimate"].mean()
        lo = het.loc[het["group"] == "rendah", "estimate"].mean()
        if not (math.isnan(hi) or math.isnan(lo)):
            text += (
                f" Di antara peserta, yang menilainya relevan menunjukkan perbaikan rata-rata "
                f"{fmt_num(hi, 2)} poin, yang kurang relevan {fmt_num(lo, 2)} poin; penilaian "
                "relevansi diberikan sesudah pelatihan, jadi perbedaan ini gambaran, bukan bukti "
                "sebab-akibat."
            )
    return text, "relevansi"


#: Reader's words for the groups of a 0/1 moderator common to every region.
_GROUP_WORDS = {"female": {0: "laki-laki", 1: "perempuan"}}


def _how_it_differs(rows: pd.DataFrame, moderator: str) -> str:
    """Which way an effect differs: the larger group, or the direction of a continuous slope."""
    slope = rows[rows["level"].astype(str) == "per unit"]
    if rows["kind"].iloc[0] == "continuous" and len(slope):
        word = "makin besar" if float(slope["estimate"].iloc[0]) > 0 else "makin kecil"
        return f"efeknya {word} bila nilainya makin tinggi"
    groups = rows.dropna(subset=["estimate"]).sort_values("estimate", ascending=False)
    if len(groups) < 2:
        return ""
    words = _GROUP_WORDS.get(moderator, {})

    def name(level: object) -> str:
        try:
            return words.get(int(float(level)), f"kelompok {level}")
        except (TypeError, ValueError):
            return f"kelompok {level}"

    top, low = groups.iloc[0], groups.iloc[-1]
    return (
        f"lebih besar pada {name(top['level'])} ({fmt_num(top['estimate'], 2)}) daripada "
        f"{name(low['level'])} ({fmt_num(low['estimate'], 2)})"
    )


def _moderation(r: ReportData) -> tuple[str, str] | None:
    het = r.read("heterogeneity.parquet")
    if het is None or not len(het) or "interaction_p_adj" not in het:
        return None
    het = het.dropna(subset=["interaction_p_adj"])
    if not len(het):
        return None
    labels = {a.id: a.label for a in r.region.analyses}
    order = [m for m in r.region.moderators if m in set(het["moderator"])]
    order += sorted(set(het["moderator"]) - set(order))
    sentences = []
    for moderator in order:
        rows = het[het["moderator"] == moderator]
        tests = rows.drop_duplicates("analysis")
        differ = tests[tests["interaction_p_adj"] < 0.05]
        name = moderator_label(r.region, moderator)
        for analysis, p_adj in zip(differ["analysis"], differ["interaction_p_adj"], strict=True):
            how = _how_it_differs(rows[rows["analysis"] == analysis], moderator)
            sentences.append(
                f"Efek program pada {in_sentence(labels.get(analysis, analysis), drop_unit=True)} "
                f"berbeda menurut {name}"
                + (f": {how}" if how else "")
                + f" (uji interaksi, {fmt_pvalue(p_adj)} setelah koreksi uji berganda)."
            )
        calm = tests[tests["interaction_p_adj"] >= 0.05]
        if len(calm):
            sentences.append(
                "Tidak ada bukti bahwa efek program"
                + (" pada hasil lain" if len(differ) else "")
                + f" berbeda menurut {name} (uji interaksi untuk {fmt_int(len(calm))} hasil, "
                f"p terkecil setelah koreksi {fmt_num(float(calm['interaction_p_adj'].min()), 2)})."
            )
    sentences.append(
        "Perbedaan antarkelompok ini bersifat eksploratif: uji interaksi memerlukan sampel "
        "besar, dan satu hasil yang berbeda perlu dikonfirmasi dengan data berikutnya."
    )
    if r.region.tables_of_kind("codes"):
        sentences.append("Hambatan yang disebut informan dijelaskan di bagian Tantangan.")
        return " ".join(sentences), "Tantangan"
    return " ".join(sentences), level_anchor(3)


def _feedback(r: ReportData) -> tuple[str, str] | None:
    fb = r.feedback
    if fb is None or getattr(fb, "suppressed", False):
        return None
    return (
        f"Hanya {fmt_pct(fb.response_rate)} peserta mengisi umpan balik. Rata-rata kepuasan "
        f"pengisi {fmt_num(fb.mean_respondents, 2)}; dibobot agar menyerupai semua peserta "
        f"{fmt_num(fb.mean_reweighted, 2)}. Tanpa asumsi tentang yang tidak mengisi, kepuasan "
        f"semua peserta bisa di antara {fmt_num(fb.bound_low, 2)} dan "
        f"{fmt_num(fb.bound_high, 2)}: umpan balik yang ada kemungkinan terlalu baik.",
        "bias-umpan-balik",
    )


def _participation(r: ReportData) -> tuple[str, str] | None:
    if r.participation is None:
        return None
    part, reasons = r.participation
    bits = []
    if len(reasons) and reasons["n"].notna().any():
        top = reasons.dropna(subset=["n"]).sort_values("n", ascending=False).iloc[0]
        bits.append(
            f"Alasan paling sering staf tidak ikut pelatihan: {str(top['reason']).lower()} "
            f"({fmt_pct(top['share_of_answers'])} jawaban)."
        )
    lead = part[part["scale"] == "leadership_support"].set_index("tercile")["share_trained"]
    if {"tinggi", "rendah"} <= set(lead.index) and lead.notna().all():
        bits.append(
            f"Dukungan pimpinan berkaitan dengan keikutsertaan: staf dengan dukungan tinggi "
            f"{fmt_pct(lead['tinggi'])} sudah dilatih, dengan dukungan rendah "
            f"{fmt_pct(lead['rendah'])} (gambaran, bukan bukti sebab-akibat)."
        )
    return (" ".join(bits), "partisipasi") if bits else None


def _information(r: ReportData) -> tuple[str, str] | None:
    from helpers.steps import descriptives as desc

    if "mentoring_access_pre" not in r.person:
        return None
    cell = r.region.min_cell_size
    acc = desc.group_gaps(r.person, "mentoring_access_pre", by=("gender", "unit"), min_cell=cell)
    acc = acc.dropna(subset=["mean"])
    if not len(acc):
        return None
    ranked = acc.sort_values("mean")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    name = label("group", low["group"], default=str(low["group"]))
    top = label("group", high["group"], default=str(high["group"]))
    return (
        f"Akses informasi dan mentoring karier paling rendah pada {name} (rata-rata "
        f"{fmt_num(low['mean'], 2)} dari 5, {fmt_int(low['n'])} orang) dan paling tinggi pada "
        f"{top} ({fmt_num(high['mean'], 2)}).",
        "transparansi",
    )


def _open_selection(r: ReportData) -> tuple[str, str] | None:
    from helpers.steps import descriptives as desc

    if "promotions" not in r.tables:
        return None
    promo = r.tables["promotions"].merge(r.roster[["pid", "gender"]], on="pid")
    promo["open_selection"] = promo["open_selection"].astype(float)
    overall = float(promo["open_selection"].mean())
    text = f"{fmt_pct(overall)} promosi dan mutasi dilakukan lewat seleksi terbuka"
    by = desc.group_gaps(promo, "open_selection", by=("gender",), min_cell=r.region.min_cell_size)
    by = by.dropna(subset=["mean"]).set_index("group")["mean"]
    if {"F", "M"} <= set(by.index):
        text += f": {fmt_pct(by['F'])} pada perempuan, {fmt_pct(by['M'])} pada laki-laki"
    return text + ".", "transparansi"


def _budget(r: ReportData) -> tuple[str, str] | None:
    cap = r.capacity
    if cap is None:
        return None
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


def _effect_answer(r: ReportData, analysis: str) -> tuple[str, str] | None:
    e = r.effects
    rows = e[(e["analysis"] == analysis) & e["headline"].astype(bool) & e["estimate"].notna()]
    if rows.empty:
        return None
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
