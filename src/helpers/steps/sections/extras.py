"""The report's region-specific sections, each shown only where the region's data call for it:
feedback bias (a low-response feedback survey), relevance as rated after the training (a
description, not a moderator), a staggered roll-out, the transparency of promotion, the
training budget, and why staff skip training; and the recommendations these analyses lead to."""

from __future__ import annotations

import math

import pandas as pd

from helpers.core.formatting import Html, fmt_ci, fmt_int, fmt_num, fmt_pct, fmt_pvalue
from helpers.core.labels import caption, column, label
from helpers.steps import narrative as nar
from helpers.steps.sections.data import ReportData
from helpers.steps.sections.render import Column, figure, render, table

__all__ = [
    "feedback_bias",
    "relevance",
    "staggered_rollout",
    "career_transparency",
    "budget_capacity",
    "participation",
    "extra_recommendations",
]


def feedback_bias(r: ReportData) -> Html:
    """How far the satisfaction of feedback respondents is from all participants'."""
    fb = r.feedback
    if fb is None:
        return Html("")
    lang = r.language
    bal = fb.balance.assign(
        variable=fb.balance["variable"].map(lambda v: nar.variable_label(v, (), lang))
    )
    cols = [
        Column("variable", column("characteristic", lang), "text"),
        Column("mean_treated", column("respondent_group", lang), "num2"),
        Column("mean_control", column("nonrespondent_group", lang), "num2"),
        Column("smd", column("smd", lang), "num2"),
    ]
    balance = table(r.numbering, caption("feedback_balance", lang), bal, cols)
    return render("feedback_bias.html.j2", lang, fb=fb, balance=balance)


def relevance(r: ReportData) -> Html:
    """Effects among participants who found the training relevant and those who did not."""
    het = r.moderation
    if het is None:
        return Html("")
    lang = r.language
    frame = het.assign(
        group=het["group"].map(lambda g: label("group", g, lang)),
        ci=[fmt_ci(a, b, 2, lang) for a, b in zip(het["ci_low"], het["ci_high"], strict=True)],
    )
    cols = [
        Column("label", column("outcome_short", lang), "text"),
        Column("group", column("relevance", lang), "text"),
        Column("estimate", column("effect", lang), "num2"),
        Column("ci", column("ci", lang), "text"),
        Column("n_treated", column("n_treated", lang), "int"),
    ]
    return render(
        "relevance.html.j2", lang, table=table(r.numbering, caption("relevance", lang), frame, cols)
    )


def staggered_rollout(r: ReportData) -> Html:
    """For a roll-out by unit: what the DiD compares, and the event study of each outcome from
    the heterogeneity-robust estimator itself (no end bins), with its pre-trend test described
    as what it is: a test with little power."""
    studies = r.read("event_studies.parquet")
    tests = r.read("pretrends.parquet")
    if studies is None or not len(studies):
        return Html("")
    from helpers.steps import plots

    lang = r.language
    labels = {a.id: a for a in r.region.analyses}
    figures = []
    for analysis, table_ in studies.groupby("analysis", sort=False):
        spec = labels.get(str(analysis))
        if spec is None or "rel_time" not in table_:
            continue
        p = float("nan")
        if tests is not None and len(tests) and analysis in set(tests["analysis"]):
            p = float(tests.set_index("analysis").loc[analysis, "pretrend_p"])
        ok = math.isnan(p) or p > 0.05
        text = caption(
            "event_study",
            lang,
            label=spec.label,
            p=fmt_pvalue(p, lang),
            verdict=caption("pretrend_ok" if ok else "pretrend_bad", lang),
        )
        figures.append(
            figure(
                r.numbering,
                text,
                lambda ax, t=table_, a=spec: plots.event_time_plot(
                    t,
                    xlabel=caption("event_axis", lang),
                    ylabel=nar.core_label(a.label),
                    ax=ax,
                    **({"decimal_comma": False} if lang == "en" else {}),
                ),
                height_in=3.3,
                value_axis="y",
            )
        )
    return render("rollout.html.j2", lang, figures=figures)


def _group_table(r: ReportData, gaps: pd.DataFrame, value: str, kind: str, key: str) -> Html:
    lang = r.language
    frame = gaps.assign(
        by=gaps["by"].map(lambda b: label("by", b, lang)),
        group=gaps["group"].map(lambda g: label("group", g, lang, default=str(g))),
    )
    cols = [
        Column("by", column("by", lang), "text"),
        Column("group", column("group", lang), "text"),
        Column("n", column("n", lang), "int"),
        Column("mean", column(value, lang), kind),  # type: ignore[arg-type]
    ]
    text = caption(key, lang, min_cell=r.region.min_cell_size)
    return table(r.numbering, text, frame, cols)


def career_transparency(r: ReportData) -> Html:
    """Open selection in promotion and placement by group, and who lacks information and
    mentoring (groups under the minimum cell size are not shown)."""
    if "promotions" not in r.tables:
        return Html("")
    from helpers.steps import descriptives as desc

    cell = r.region.min_cell_size
    promo = r.tables["promotions"].merge(r.roster[["pid", "gender", "golongan"]], on="pid")
    promo["open_selection"] = promo["open_selection"].astype(float)
    gaps = desc.group_gaps(
        promo, "open_selection", by=("gender", "golongan_group", "event"), min_cell=cell
    )
    tables = [_group_table(r, gaps, "open_selection", "share", "open_selection")]
    if "mentoring_access_pre" in r.person:
        acc = desc.group_gaps(
            r.person, "mentoring_access_pre", by=("gender", "golongan_group", "unit"), min_cell=cell
        )
        tables.append(_group_table(r, acc, "access", "num2", "access"))
    return render("transparency.html.j2", r.language, tables=tables)


def budget_capacity(r: ReportData) -> Html:
    """How many staff the budget trains, and what effect that sample can detect."""
    if r.capacity is None:
        return Html("")
    return render("budget.html.j2", r.language, cap=r.capacity)


def participation(r: ReportData) -> Html:
    """Reasons for not taking part, and the share trained by leadership support and workload."""
    if r.participation is None:
        return Html("")
    lang = r.language
    part, reasons = r.participation
    t1 = table(
        r.numbering,
        caption("reasons", lang),
        reasons,
        [
            Column("reason", column("reason", lang), "text", lang="id"),  # the survey's options
            Column("n", column("n", lang), "int"),
            Column("share_of_answers", column("share_of_answers", lang), "share"),
        ],
    )
    t2 = table(
        r.numbering,
        caption("participation", lang),
        part.assign(
            scale=part["scale"].map(lambda s: label("scale", s, lang).lower()),
            tercile=part["tercile"].map(lambda g: label("group", g, lang)),
        ),
        [
            Column("scale", column("scale", lang), "text"),
            Column("tercile", column("group", lang), "text"),
            Column("n", column("n", lang), "int"),
            Column("share_trained", column("share_trained", lang), "share"),
        ],
    )
    return render("participation.html.j2", lang, tables=[t1, t2])


def extra_recommendations(r: ReportData) -> list[nar.Recommendation]:
    """Recommendations from the region-specific analyses: budget, leadership support, feedback
    response, relevance, and the 20-JP entitlement."""
    if r.language == "en":
        return _extra_recommendations_en(r)
    out = []
    cap = r.capacity
    if cap is not None:
        out.append(
            nar.Recommendation(
                f"Rencanakan {fmt_int(cap.n_trainable)} peserta per angkatan anggaran dan ukur "
                "dampak dengan pembanding yang setara; efek yang lebih kecil dari "
                f"{fmt_num(cap.mde_standardised, 2)} simpangan baku tidak akan terlihat.",
                f"Anggaran Rp {fmt_int(cap.total_rp)} / Rp {fmt_int(cap.cost_per_participant_rp)} "
                "per peserta.",
                55.0,
            )
        )
    if r.participation is not None:
        part = r.participation[0]
        lead = part[part["scale"] == "leadership_support"].set_index("tercile")["share_trained"]
        if lead.notna().all() and lead.get("tinggi", 0) - lead.get("rendah", 0) > 0.1:
            out.append(
                nar.Recommendation(
                    "Minta pimpinan unit memberi izin tertulis dan waktu bagi staf untuk pelatihan.",
                    f"Staf dengan dukungan pimpinan tinggi sudah dilatih {fmt_pct(lead['tinggi'])}, "
                    f"yang rendah {fmt_pct(lead['rendah'])}.",
                    50.0 + 100 * (lead["tinggi"] - lead["rendah"]),
                    topic="leadership_support",
                )
            )
    fb = r.feedback
    if fb is not None and fb.response_rate < 0.5:
        out.append(
            nar.Recommendation(
                "Kumpulkan umpan balik dari semua peserta (misalnya diisi pada sesi penutupan), "
                "bukan dari yang bersedia saja.",
                f"Tingkat respons umpan balik hanya {fmt_pct(fb.response_rate)}.",
                60.0,
            )
        )
    het = r.moderation
    if het is not None:
        hi = het[het["group"] == "tinggi"]["estimate"].mean()
        lo = het[het["group"] == "rendah"]["estimate"].mean()
        if hi > lo:
            out.append(
                nar.Recommendation(
                    "Utamakan kesesuaian materi dengan jabatan peserta saat memilih pelatihan.",
                    f"Rata-rata efek pada peserta yang menilai pelatihan relevan {fmt_num(hi, 2)}, "
                    f"pada yang kurang relevan {fmt_num(lo, 2)} (penilaian sesudah pelatihan: "
                    "gambaran, bukan bukti sebab-akibat).",
                    45.0,
                    topic="relevance_gap",
                )
            )
    jp = r.jp_share
    if jp == jp and jp < 0.8:
        out.append(
            nar.Recommendation(
                "Pantau pemenuhan hak pengembangan kompetensi 20 JP per tahun bagi setiap ASN.",
                f"Pada 2024 hanya {fmt_pct(jp)} ASN tercatat memenuhi 20 JP.",
                50.0 + 30 * (0.8 - jp),
            )
        )
    out.extend(_gap_recommendations(r))
    return out


def _extra_recommendations_en(r: ReportData) -> list[nar.Recommendation]:
    """:func:`extra_recommendations` in English (the same rules and weights)."""

    def num(x: float) -> str:
        return fmt_num(x, 2, "en")

    def pct(x: float) -> str:
        return fmt_pct(x, 0, "en")

    out = []
    cap = r.capacity
    if cap is not None:
        out.append(
            nar.Recommendation(
                f"Plan for {fmt_int(cap.n_trainable, 'en')} participants per budget round and "
                "measure the effect against a comparable comparison group; effects smaller "
                f"than {num(cap.mde_standardised)} standard deviations will not be seen.",
                f"Budget Rp {fmt_int(cap.total_rp, 'en')} / Rp "
                f"{fmt_int(cap.cost_per_participant_rp, 'en')} per participant.",
                55.0,
            )
        )
    if r.participation is not None:
        part = r.participation[0]
        lead = part[part["scale"] == "leadership_support"].set_index("tercile")["share_trained"]
        if lead.notna().all() and lead.get("tinggi", 0) - lead.get("rendah", 0) > 0.1:
            out.append(
                nar.Recommendation(
                    "Ask unit heads to give staff written permission and time for training.",
                    f"Of staff with strong support from their leaders {pct(lead['tinggi'])} "
                    f"have been trained, of those with weak support {pct(lead['rendah'])}.",
                    50.0 + 100 * (lead["tinggi"] - lead["rendah"]),
                    topic="leadership_support",
                )
            )
    fb = r.feedback
    if fb is not None and fb.response_rate < 0.5:
        out.append(
            nar.Recommendation(
                "Collect feedback from every participant (for example during the closing "
                "session), not only from those willing to answer.",
                f"Only {pct(fb.response_rate)} answered the feedback survey.",
                60.0,
            )
        )
    het = r.moderation
    if het is not None:
        hi = het[het["group"] == "tinggi"]["estimate"].mean()
        lo = het[het["group"] == "rendah"]["estimate"].mean()
        if hi > lo:
            out.append(
                nar.Recommendation(
                    "When choosing training, put first how well the material fits the "
                    "participants' positions.",
                    f"Average effect among participants who found the training relevant "
                    f"{num(hi)}, among those who found it less relevant {num(lo)} (rated after "
                    "the training: a description, not proof of cause and effect).",
                    45.0,
                    topic="relevance_gap",
                )
            )
    jp = r.jp_share
    if jp == jp and jp < 0.8:
        out.append(
            nar.Recommendation(
                "Monitor every ASN's entitlement to 20 JP (lesson hours) of competency "
                "development a year.",
                f"In 2024 only {pct(jp)} of ASN were recorded with 20 JP.",
                50.0 + 30 * (0.8 - jp),
            )
        )
    out.extend(_gap_recommendations(r))
    return out


def _gap_recommendations(r: ReportData) -> list[nar.Recommendation]:
    """Who is left out, by group: a gap of ten points or more in open selection between women
    and men, and the units where access to career information is lowest."""
    from helpers.steps import descriptives as desc

    out = []
    en = r.language == "en"
    cell = r.region.min_cell_size
    if "promotions" in r.tables:
        promo = r.tables["promotions"].merge(r.roster[["pid", "gender"]], on="pid")
        promo["open_selection"] = promo["open_selection"].astype(float)
        by = desc.group_gaps(promo, "open_selection", by=("gender",), min_cell=cell)
        by = by.dropna(subset=["mean"]).set_index("group")["mean"]
        if {"F", "M"} <= set(by.index) and abs(by["F"] - by["M"]) >= 0.10 and en:
            lower = "women" if by["F"] < by["M"] else "men"
            out.append(
                nar.Recommendation(
                    f"Make sure promotions and transfers of {lower} also go through open "
                    "selection, and monitor its share every year by gender.",
                    f"Open selection: {fmt_pct(by['F'], 0, 'en')} for women, "
                    f"{fmt_pct(by['M'], 0, 'en')} for men.",
                    70.0 + 100 * abs(by["F"] - by["M"]),
                )
            )
        elif {"F", "M"} <= set(by.index) and abs(by["F"] - by["M"]) >= 0.10:
            lower = "perempuan" if by["F"] < by["M"] else "laki-laki"
            out.append(
                nar.Recommendation(
                    f"Pastikan promosi dan mutasi bagi {lower} juga melalui seleksi terbuka, dan "
                    "pantau bagiannya setiap tahun menurut jenis kelamin.",
                    f"Seleksi terbuka: {fmt_pct(by['F'])} pada perempuan, {fmt_pct(by['M'])} pada "
                    "laki-laki.",
                    70.0 + 100 * abs(by["F"] - by["M"]),
                )
            )
    if "mentoring_access_pre" in r.person:
        acc = desc.group_gaps(r.person, "mentoring_access_pre", by=("unit",), min_cell=cell)
        acc = acc.dropna(subset=["mean"]).sort_values("mean")
        if len(acc) >= 2 and acc["mean"].iloc[-1] - acc["mean"].iloc[0] >= 0.25:
            low = acc.head(2)
            names = (" and " if en else " dan ").join(str(g) for g in low["group"])
            if en:
                out.append(
                    nar.Recommendation(
                        f"Put {names} first when sharing career information and assigning mentors.",
                        "Access to information and mentoring is lowest there (average "
                        + " and ".join(fmt_num(m, 2, "en") for m in low["mean"])
                        + f" of 5; highest {fmt_num(acc['mean'].iloc[-1], 2, 'en')}).",
                        55.0,
                        topic="information_gap",
                    )
                )
                return out
            out.append(
                nar.Recommendation(
                    f"Utamakan {names} saat menyebarkan informasi karier dan menugaskan mentor.",
                    "Akses informasi dan mentoring terendah di sana (rata-rata "
                    + " dan ".join(fmt_num(m, 2) for m in low["mean"])
                    + f" dari 5; tertinggi {fmt_num(acc['mean'].iloc[-1], 2)}).",
                    55.0,
                    topic="information_gap",
                )
            )
    return out
