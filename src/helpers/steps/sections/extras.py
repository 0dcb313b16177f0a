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

#: The scale of leaders' support for training (a scale of :data:`helpers.core.labels.LABELS`):
#: where the share trained is more than ten points higher in its top third than in its bottom
#: third, unit heads are asked to give staff permission and time, whatever the region.
LEADERSHIP_SCALE = "leadership_support"

#: The word before the last item of a list, by language.
_AND = {"id": " dan ", "en": " and "}


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


def _information_column(r: ReportData) -> str | None:
    """The person frame's column of the registry's ``information_scale`` before the
    programme, or None when the region names none or its data lack it."""
    scale = r.region.information_scale
    column = f"{scale.scale}_pre" if scale is not None else None
    return column if column is not None and column in r.person else None


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
    access = _information_column(r)
    if access is not None:
        acc = desc.group_gaps(
            r.person, access, by=("gender", "golongan_group", "unit"), min_cell=cell
        )
        tables.append(_group_table(r, acc, "access", "num2", "access"))
    return render("transparency.html.j2", r.language, tables=tables)


def budget_capacity(r: ReportData) -> Html:
    """How many staff the budget trains, and what effect that sample can detect."""
    if r.capacity is None:
        return Html("")
    return render("budget.html.j2", r.language, cap=r.capacity)


def participation(r: ReportData) -> Html:
    """Reasons for not taking part, and the share trained by tercile of each survey scale (a
    scale's name is the report's, :data:`helpers.core.labels.LABELS`, else the registry's
    label, else its name made readable)."""
    if r.participation is None:
        return Html("")
    lang = r.language
    part, reasons = r.participation
    given = {s.scale: s.label for s in r.region.participation_scales}

    def name(scale: str) -> str:
        return label("scale", scale, lang, default=given.get(scale)).lower()

    names = [name(s) for s in dict.fromkeys(part["scale"])]
    scales = (
        _AND[lang].join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
    )
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
    if not len(part):
        return render("participation.html.j2", lang, tables=[t1])
    t2 = table(
        r.numbering,
        caption("participation", lang, scales=scales),
        part.assign(
            scale=part["scale"].map(name),
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


#: The sentences of :func:`extra_recommendations` and :func:`_gap_recommendations`, by
#: language: each an (action, basis) pair (the rules and weights are one).
_EXTRA_TEXT = {
    "id": {
        "budget": (
            "Rencanakan {n} peserta per angkatan anggaran dan ukur dampak dengan pembanding "
            "yang setara; efek yang lebih kecil dari {mde} simpangan baku tidak akan terlihat.",
            "Anggaran Rp {total} / Rp {cost} per peserta.",
        ),
        "leaders": (
            "Minta pimpinan unit memberi izin tertulis dan waktu bagi staf untuk pelatihan.",
            "Staf dengan dukungan pimpinan tinggi sudah dilatih {high}, yang rendah {low}.",
        ),
        "feedback": (
            "Kumpulkan umpan balik dari semua peserta (misalnya diisi pada sesi penutupan), "
            "bukan dari yang bersedia saja.",
            "Tingkat respons umpan balik hanya {rate}.",
        ),
        "relevance": (
            "Utamakan kesesuaian materi dengan jabatan peserta saat memilih pelatihan.",
            "Rata-rata efek pada peserta yang menilai pelatihan relevan {high}, pada yang kurang "
            "relevan {low} (penilaian sesudah pelatihan: gambaran, bukan bukti sebab-akibat).",
        ),
        "jp": (
            "Pantau pemenuhan hak pengembangan kompetensi 20 JP per tahun bagi setiap ASN.",
            "Pada 2024 hanya {share} ASN tercatat memenuhi 20 JP.",
        ),
        "open_selection": (
            "Pastikan promosi dan mutasi bagi {lower} juga melalui seleksi terbuka, dan pantau "
            "bagiannya setiap tahun menurut jenis kelamin.",
            "Seleksi terbuka: {women} pada perempuan, {men} pada laki-laki.",
        ),
        "women": "perempuan",
        "men": "laki-laki",
        "information": (
            "Utamakan {names} saat menyebarkan informasi karier dan menugaskan mentor.",
            "Akses informasi dan mentoring terendah di sana (rata-rata {means} dari {top}; "
            "tertinggi {highest}).",
        ),
    },
    "en": {
        "budget": (
            "Plan for {n} participants per budget round and measure the effect against a "
            "comparable comparison group; effects smaller than {mde} standard deviations will "
            "not be seen.",
            "Budget Rp {total} / Rp {cost} per participant.",
        ),
        "leaders": (
            "Ask unit heads to give staff written permission and time for training.",
            "Of staff with strong support from their leaders {high} have been trained, of "
            "those with weak support {low}.",
        ),
        "feedback": (
            "Collect feedback from every participant (for example during the closing "
            "session), not only from those willing to answer.",
            "Only {rate} answered the feedback survey.",
        ),
        "relevance": (
            "When choosing training, put first how well the material fits the participants' "
            "positions.",
            "Average effect among participants who found the training relevant {high}, among "
            "those who found it less relevant {low} (rated after the training: a description, "
            "not proof of cause and effect).",
        ),
        "jp": (
            "Monitor every ASN's entitlement to 20 JP (lesson hours) of competency development "
            "a year.",
            "In 2024 only {share} of ASN were recorded with 20 JP.",
        ),
        "open_selection": (
            "Make sure promotions and transfers of {lower} also go through open selection, and "
            "monitor its share every year by gender.",
            "Open selection: {women} for women, {men} for men.",
        ),
        "women": "women",
        "men": "men",
        "information": (
            "Put {names} first when sharing career information and assigning mentors.",
            "Access to information and mentoring is lowest there (average {means} of {top}; "
            "highest {highest}).",
        ),
    },
}


def extra_recommendations(r: ReportData) -> list[nar.Recommendation]:
    """Recommendations from the region-specific analyses: budget, leadership support, feedback
    response, relevance, and the 20-JP entitlement (sentences from :data:`_EXTRA_TEXT`)."""
    lang = r.language
    words = _EXTRA_TEXT[lang]

    def num(x: float) -> str:
        return fmt_num(x, 2, lang)

    def pct(x: float) -> str:
        return fmt_pct(x, 0, lang)

    out = []
    cap = r.capacity
    if cap is not None:
        action, basis = words["budget"]
        out.append(
            nar.Recommendation(
                action.format(n=fmt_int(cap.n_trainable, lang), mde=num(cap.mde_standardised)),
                basis.format(
                    total=fmt_int(cap.total_rp, lang),
                    cost=fmt_int(cap.cost_per_participant_rp, lang),
                ),
                55.0,
            )
        )
    if r.participation is not None:
        part = r.participation[0]
        lead = part[part["scale"] == LEADERSHIP_SCALE].set_index("tercile")["share_trained"]
        if lead.notna().all() and lead.get("tinggi", 0) - lead.get("rendah", 0) > 0.1:
            action, basis = words["leaders"]
            out.append(
                nar.Recommendation(
                    action,
                    basis.format(high=pct(lead["tinggi"]), low=pct(lead["rendah"])),
                    50.0 + 100 * (lead["tinggi"] - lead["rendah"]),
                    topic="leadership_support",
                )
            )
    fb = r.feedback
    if fb is not None and fb.response_rate < 0.5:
        action, basis = words["feedback"]
        out.append(nar.Recommendation(action, basis.format(rate=pct(fb.response_rate)), 60.0))
    het = r.moderation
    if het is not None:
        hi = het[het["group"] == "tinggi"]["estimate"].mean()
        lo = het[het["group"] == "rendah"]["estimate"].mean()
        if hi > lo:
            action, basis = words["relevance"]
            out.append(
                nar.Recommendation(
                    action,
                    basis.format(high=num(hi), low=num(lo)),
                    45.0,
                    topic="relevance_gap",
                )
            )
    jp = r.jp_share
    if jp == jp and jp < 0.8:
        action, basis = words["jp"]
        out.append(nar.Recommendation(action, basis.format(share=pct(jp)), 50.0 + 30 * (0.8 - jp)))
    out.extend(_gap_recommendations(r))
    return out


def _gap_recommendations(r: ReportData) -> list[nar.Recommendation]:
    """Who is left out, by group: a gap of ten points or more in open selection between women
    and men, and the units where access to career information is lowest (the registry's
    ``information_scale``)."""
    from helpers.steps import descriptives as desc

    out = []
    lang = r.language
    words = _EXTRA_TEXT[lang]
    cell = r.region.min_cell_size
    if "promotions" in r.tables:
        promo = r.tables["promotions"].merge(r.roster[["pid", "gender"]], on="pid")
        promo["open_selection"] = promo["open_selection"].astype(float)
        by = desc.group_gaps(promo, "open_selection", by=("gender",), min_cell=cell)
        by = by.dropna(subset=["mean"]).set_index("group")["mean"]
        if {"F", "M"} <= set(by.index) and abs(by["F"] - by["M"]) >= 0.10:
            lower = words["women"] if by["F"] < by["M"] else words["men"]
            action, basis = words["open_selection"]
            out.append(
                nar.Recommendation(
                    action.format(lower=lower),
                    basis.format(women=fmt_pct(by["F"], 0, lang), men=fmt_pct(by["M"], 0, lang)),
                    70.0 + 100 * abs(by["F"] - by["M"]),
                )
            )
    access = _information_column(r)
    if access is not None:
        acc = desc.group_gaps(r.person, access, by=("unit",), min_cell=cell)
        acc = acc.dropna(subset=["mean"]).sort_values("mean")
        if len(acc) >= 2 and acc["mean"].iloc[-1] - acc["mean"].iloc[0] >= 0.25:
            low = acc.head(2)
            top = r.scale_range(r.region.information_scale.scale)[1]  # type: ignore[union-attr]
            action, basis = words["information"]
            out.append(
                nar.Recommendation(
                    action.format(names=_AND[lang].join(str(g) for g in low["group"])),
                    basis.format(
                        means=_AND[lang].join(fmt_num(m, 2, lang) for m in low["mean"]),
                        top=fmt_int(top, lang),
                        highest=fmt_num(acc["mean"].iloc[-1], 2, lang),
                    ),
                    55.0,
                    topic="information_gap",
                )
            )
    return out
