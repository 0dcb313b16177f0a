"""The body of a region's report, one function per section: title, executive summary, each
Kirkpatrick level with the informants' voices beside its numbers, challenges, recommendations.

Each function takes the :class:`ReportData` of :func:`helpers.steps.sections.load_report` and
returns escaped HTML (:class:`helpers.core.formatting.Html`) that a notebook cell displays.
"""

from __future__ import annotations

import pandas as pd

from helpers.core.formatting import Html, fmt_date, fmt_int, fmt_pct
from helpers.core.labels import caption, column, label
from helpers.core.vocabulary import LEVELS
from helpers.steps import narrative as nar
from helpers.steps.provenance import synthetic_notice
from helpers.steps.sections.data import ReportData
from helpers.steps.sections.render import Column, figure, render, table, wrap

__all__ = [
    "title",
    "executive_summary",
    "data_limits",
    "level",
    "voices",
    "challenges",
    "recommendations",
    "estimates_table",
    "quote",
]


def quote(text: object, role: object = None, transcript: object = None) -> Html:
    """One de-identified quote, escaped, with its informant's role and its transcript's neutral
    label ("Wawancara 15") where the cell size allows (``role`` is left out when missing or
    recoded: a role too rare to show is never attributed, not even as a placeholder)."""
    if not isinstance(text, str):
        return Html("")
    who = role if isinstance(role, str) and role and not role.startswith("[") else None
    where = transcript if isinstance(transcript, str) and transcript else None
    return render("quote.html.j2", text=text, role=who, transcript=where)


def _direction(est: float) -> str:
    return "naik" if est > 0 else "turun"


def title(r: ReportData) -> Html:
    """The report's title, programme and (for synthetic data) the notice."""
    spec = r.region
    head = "Laporan evaluasi" if r.language == "id" else "Evaluation report"
    return render(
        "title.html.j2",
        r.language,
        title=f"{head}: {spec.name}",
        programme=spec.programme,
        notice=synthetic_notice(spec, project=r.project),
    )


def _who(r: ReportData) -> str:
    rule, lang = r.region.treatment, r.language
    if rule.window:
        start, end = fmt_date(rule.window[0], lang), fmt_date(rule.window[1], lang)
        if lang == "en":
            return (
                f"took at least {fmt_int(rule.min_jp, lang)} JP (lesson hours) of the "
                f"programme's training between {start} and {end}"
            )
        return (
            f"mengikuti paling sedikit {fmt_int(rule.min_jp)} JP pelatihan program antara "
            f"{start} dan {end}"
        )
    return (
        "are listed as participants of the programme"
        if lang == "en"
        else ("terdaftar sebagai peserta program")
    )


def _naive_gaps(effects: pd.DataFrame, language: str = "id") -> list[dict]:
    out = []
    for _analysis, g in effects.groupby("analysis", sort=False):
        head = g[g["headline"].astype(bool)]
        naive = g[g["design"] == "diff"]
        if head.empty or naive.empty or head["design"].iloc[0] == "diff":
            continue
        h, n = head.iloc[0], naive.iloc[0]
        gap = n["estimate"] - h["estimate"]
        if pd.isna(gap) or abs(gap) < 0.5 * max(h["se"], 1e-12):
            continue
        out.append(
            {
                "label": h["label"],
                "naive": n["estimate"],
                "head": h["estimate"],
                "word": (
                    ("larger", "smaller") if language == "en" else ("lebih besar", "lebih kecil")
                )[int(gap <= 0)],
            }
        )
    return out


def _group_size(sizes: pd.Series, group: str) -> float:
    """A treatment group's size from ``treatment_groups.parquet``: NaN where it was blanked as
    a small cell, 0 where the group is absent."""
    value = sizes.get(group, 0)
    return float("nan") if pd.isna(value) else float(value)


#: The sentences of :func:`_who_text`, by language.
_WHO_TEXT = {
    "id": {
        "cover": "Data mencakup {staff} ASN; {treated} di antaranya ({share}) {who}.",
        "small_share": "sebagian kecil",
        "compared": " Mereka dibandingkan dengan {n} ASN yang tidak mengikuti pelatihan",
        "left_out": (
            "; {n} ASN yang mengikuti sebagian (kurang dari {jp} JP) tidak dimasukkan ke "
            "perbandingan"
        ),
        "included": ", termasuk {n} ASN yang mengikuti kurang dari batas JP",
        "design": (
            " Peserta tidak dipilih secara acak, sehingga setiap estimasi memakai desain yang "
            "menyesuaikan perbedaan awal antara peserta dan bukan peserta; asumsi setiap desain "
            "dijelaskan di Lampiran A."
        ),
    },
    "en": {
        "cover": "The data cover {staff} civil servants (ASN); {treated} of them ({share}) {who}.",
        "small_share": "a small share",
        "compared": " They are compared with {n} ASN who took no training",
        "left_out": (
            "; {n} ASN who took part of it (under {jp} JP) are left out of the comparison"
        ),
        "included": ", including {n} ASN who took less than the JP threshold",
        "design": (
            " Participants were not chosen at random, so every estimate uses a design that "
            "adjusts for the differences between participants and non-participants at the "
            "start; each design's assumptions are set out in Appendix A."
        ),
    },
}


def _who_text(r: ReportData) -> str:
    """Who was treated, who is the comparison, and who was left out of it, in counts (a group
    smaller than the region's minimum is shown as '<5')."""
    cell, lang = r.region.min_cell_size, r.language
    words = _WHO_TEXT[lang]
    groups = r.read("treatment_groups.parquet")

    def n(x: float) -> str:  # a blanked (suppressed) group is NaN: also '<5'
        return f"<{cell}" if pd.isna(x) or 0 < x < cell else fmt_int(x, lang)

    n_staff = len(r.roster)
    treated = int((r.person["treated"] == 1).sum())
    share = treated / n_staff if n_staff else float("nan")
    text = words["cover"].format(
        staff=fmt_int(n_staff, lang),
        treated=n(treated),
        share=fmt_pct(share, 0, lang) if treated >= cell else words["small_share"],
        who=_who(r),
    )
    if groups is not None and len(groups):
        g = groups.set_index("group")["n"]
        untrained, partial = _group_size(g, "untrained"), _group_size(g, "partial")
        text += words["compared"].format(n=n(untrained))
        if partial and r.region.treatment.control == "untrained":
            text += words["left_out"].format(
                n=n(partial), jp=fmt_int(r.region.treatment.min_jp, lang)
            )
        elif partial:
            text += words["included"].format(n=n(partial))
        text += "."
    return text + words["design"]


def data_limits(r: ReportData) -> list[str]:
    """What the region's data do not hold, one sentence each for the reader (from notebook 03's
    ``availability.parquet``, :func:`helpers.steps.availability.region_availability`).

    Examples
    --------
    One Indonesian sentence may stand for two missing items (it is given once); an English
    report turns each item's ``detail`` into a sentence; what is available is not a limit.

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> no_survey = "Tidak ada survei sebelum maupun sesudah program."
    >>> table = pd.DataFrame(
    ...     {
    ...         "item": ["survey_pre", "survey_post", "skp_rating"],
    ...         "available": [False, False, True],
    ...         "what": [no_survey, no_survey, "Predikat SKP tersedia untuk 2023–2024."],
    ...         "detail": [
    ...             "no survey wave before the programme",
    ...             "no survey wave after the programme",
    ...             "SKP predikat for 2023–2024",
    ...         ],
    ...     }
    ... )
    >>> data_limits(SimpleNamespace(language="id", read=lambda name: table))
    ['Tidak ada survei sebelum maupun sesudah program.']
    >>> data_limits(SimpleNamespace(language="en", read=lambda name: table))
    ['No survey wave before the programme.', 'No survey wave after the programme.']
    >>> data_limits(SimpleNamespace(language="id", read=lambda name: None))
    []
    """
    table = r.read("availability.parquet")
    if table is None or not len(table):
        return []
    missing = table[~table["available"].astype(bool)]
    if r.language == "id":
        sentences = list(missing["what"])
    else:
        sentences = [d[:1].upper() + d[1:] + "." for d in missing["detail"]]
    return list(dict.fromkeys(sentences))  # one sentence can stand for two items


def executive_summary(r: ReportData) -> Html:
    """The region's questions answered first (:func:`answer_block`), then each headline effect
    with its meaning (:func:`helpers.steps.meaning.effect_meaning`: the comparison level, the
    unit, the change in percent or grade, the strength of the evidence), who was compared
    with whom, where a naive comparison misleads, and what the data do not hold
    (:func:`data_limits`)."""
    from helpers.steps.meaning import effect_meaning
    from helpers.steps.sections.answers import answer_block

    e = r.effects
    rows = e[e["headline"].astype(bool) & e["estimate"].notna()].sort_values(["level", "analysis"])
    items = []
    for x in rows.to_dict("records"):
        m = effect_meaning(x, language=r.language)
        items.append(
            {
                "label": x["label"],
                "level": int(x["level"]),
                "level_name": label("level", int(x["level"]), r.language),
                "sentence": m.sentence,
                "strength": m.strength,
            }
        )
    return render(
        "summary.html.j2",
        r.language,
        answers=answer_block(r),
        items=items,
        who_text=_who_text(r),
        naive=_naive_gaps(e, r.language),
        limits=data_limits(r),
    )


def estimates_table(
    r: ReportData, effects: pd.DataFrame, caption_text: str, *, headline=True
) -> Html:
    """A numbered table of estimates: outcome, design, effect, interval, p, counts, d, MDE."""
    lang = r.language

    def counts(d: str, t: float, c: float) -> str:
        if d == "paired":
            people = "people (before & after)" if lang == "en" else "orang (sebelum & sesudah)"
            return f"{fmt_int(t, lang)} {people}"
        if d in ("did", "twfe"):
            cells = "unit×month cells" if lang == "en" else "sel unit×bulan"
            return f"{fmt_int(t, lang)} / {fmt_int(c, lang)} {cells}"
        return f"{fmt_int(t, lang)} / {fmt_int(c, lang)}"

    from helpers.core.formatting import fmt_ci

    frame = pd.DataFrame(
        {
            "label": effects["label"].astype(str),
            "design": effects["design"].map(lambda d: label("design", d, lang)),
            "estimate": effects["estimate"],
            "ci": [
                fmt_ci(a, b, 2, lang)
                for a, b in zip(effects["ci_low"], effects["ci_high"], strict=True)
            ],
            "p": effects["p_adj"] if headline else effects["p_value"],
            "counts": [
                counts(d, t, c)
                for d, t, c in zip(
                    effects["design"], effects["n_treated"], effects["n_control"], strict=True
                )
            ],
            "effect_size": effects["effect_size"],
            "mde": effects["mde"],
        }
    )
    cols = [
        Column("label", column("outcome", lang), "text"),
        Column("design", column("design", lang), "text"),
        Column("estimate", column("effect", lang), "num2"),
        Column("ci", column("ci", lang), "text"),
        Column("p", column("p_bh" if headline else "p", lang), "p"),
        Column("counts", column("counts", lang), "text"),
        Column("effect_size", column("effect_size", lang), "num2"),
        Column("mde", column("mde", lang), "num2"),
    ]
    return table(r.numbering, caption_text, frame, cols)


def _reaction_table(r: ReportData) -> Html | None:
    from helpers.steps import descriptives as desc

    react = desc.reaction_scores(r.tables, r.region)
    if not len(react):
        return None
    lang = r.language
    frame = react.assign(table=react["table"].map(lambda t: nar.table_label(r.region, t, lang)))
    cols = [
        Column("table", column("survey", lang), "text"),
        Column("n", column("respondents", lang), "int"),
        Column("mean", column("mean", lang), "num2"),
        Column("sd", column("sd", lang), "num2"),
        Column("share_4plus", column("share_4plus", lang), "share"),
    ]
    return table(r.numbering, caption("reaction", lang), frame, cols)


def _coefficient_figure(r: ReportData, level: int) -> Html:
    from helpers.steps import plots

    lang = r.language
    rows = r.level_effects(level, headline=False)
    named = rows.assign(
        name=[
            wrap(f"{lab} · {label('design_short', d, lang)}", 20)
            for lab, d in zip(rows["label"], rows["design"], strict=True)
        ]
    )
    name = label("level", level, lang).lower()
    key = (
        "level_figure_naive" if level == 3 and (rows["design"] == "diff").any() else "level_figure"
    )
    lines = sum(n.count("\n") + 1 for n in named["name"])
    return figure(
        r.numbering,
        caption(key, lang, level=name),
        lambda ax: plots.coefficient_plot(
            named,
            label="name",
            xlabel=caption("figure_axis", lang),
            ax=ax,
            **({"decimal_comma": False} if lang == "en" else {}),
        ),
        height_in=max(2.0, 0.24 * lines + 0.2 * len(named) + 0.9),
    )


def level(r: ReportData, number: int) -> Html:
    """One Kirkpatrick level: its reaction scores (level 1), its headline estimates and a figure
    of every design's estimate (levels 2-4); a level with no numbers says what would measure it.
    """
    lang = r.language
    blocks: list[Html] = []
    if number == 1:
        react = _reaction_table(r)
        if react is not None:
            blocks.append(react)
    heads = r.level_effects(number)
    name = label("level", number, lang)
    if len(heads):
        blocks.append(estimates_table(r, heads, caption("level_effects", lang, level=name.lower())))
        if number > 1:
            blocks.append(_coefficient_figure(r, number))
    return render(
        "level.html.j2",
        lang,
        level=number,
        name=name,
        what=label("level_what", number, lang),
        examples=LEVELS[number].examples_id if lang == "id" else LEVELS[number].examples,
        blocks=blocks,
    )


def _voice(r: ReportData, x: dict) -> dict:
    counts = None if x.get("suppressed") else x.get("n_transcripts")
    return {
        "label": x["label"],
        "n": counts,
        "quote": quote(
            x.get("example_quote"),
            None if x.get("suppressed") else x.get("example_role"),
            None if x.get("suppressed") else x.get("example_transcript"),
        ),
    }


def voices(r: ReportData, number: int, *, top: int = 3) -> Html:
    """The joint display of a level: each headline estimate beside the codes about its outcome
    (the code codebook's ``constructs``), then the level's other widespread codes; quotes are
    whole de-identified segments, and a code below the minimum cell size shows no count."""
    from helpers.steps.meaning import effect_meaning

    e = r.level_effects(number)
    f = r.level_findings(number)
    if e.empty and f.empty:
        return Html("")
    pairs, used = [], set()
    has_links = "constructs" in f.columns and f["constructs"].fillna("").str.len().gt(0).any()
    for x in e.to_dict("records"):
        construct = x.get("construct")
        if has_links:
            links = f["constructs"].fillna("").str.split("|")
            about = f[[construct in c for c in links]]
        else:
            about = f.iloc[0:0]
        about = about[~about["code"].isin(used)].head(2)
        used |= set(about["code"])
        m = effect_meaning(x, language=r.language)
        pairs.append(
            {
                "label": x["label"],
                "change": m.change,
                "strength": m.strength,
                "verdict": m.verdict,
                "voices": [_voice(r, v) for v in about.to_dict("records")],
            }
        )
    rest = f[~f["code"].isin(used)].head(top)
    return render(
        "voices.html.j2",
        r.language,
        name=label("level", number, r.language),
        pairs=pairs,
        voices=[_voice(r, v) for v in rest.to_dict("records")],
    )


def challenges(r: ReportData, *, top: int = 5) -> Html:
    """Challenges informants raised, most widespread first, each with one quote; a code below
    the minimum cell size says "fewer than <min> transcripts" rather than its count."""
    f = r.findings
    c = f[f["kind"] == "challenge"].sort_values("n_transcripts", ascending=False).head(top)
    items = [
        {
            "label": x["label"],
            # a code below the minimum cell size shows no count and no share (as in voices)
            "n": None if x.get("suppressed") else x["n_transcripts"],
            "share": None if x.get("suppressed") else x["share_of_transcripts"],
            "quote": quote(
                x.get("example_quote"),
                None if x.get("suppressed") else x.get("example_role"),
                None if x.get("suppressed") else x.get("example_transcript"),
            ),
        }
        for x in c.to_dict("records")
    ]
    return render("challenges.html.j2", r.language, items=items, min_cell=r.region.min_cell_size)


def recommendations(r: ReportData) -> Html:
    """Recommendations that follow from this region's findings, each with its basis
    (:func:`helpers.steps.narrative.recommendations` plus the region-specific analyses)."""
    from helpers.steps.sections.extras import extra_recommendations

    recs = nar.recommendations(
        r.effects, r.findings, extras=extra_recommendations(r), language=r.language
    )
    return render("recommendations.html.j2", r.language, items=recs)
