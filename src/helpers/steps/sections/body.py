"""The body of a region's report, one function per section: title, executive summary, each
Kirkpatrick level with the informants' voices beside its numbers, challenges, recommendations.

Each function takes the :class:`ReportData` of :func:`helpers.steps.sections.load_report` and
returns escaped HTML (:class:`helpers.core.formatting.Html`) that a notebook cell displays.
"""

from __future__ import annotations

import pandas as pd

from helpers.core.formatting import Html, fmt_date, fmt_int
from helpers.core.labels import caption, column, label
from helpers.core.vocabulary import LEVELS
from helpers.steps import narrative as nar
from helpers.steps.provenance import synthetic_notice
from helpers.steps.sections.data import ReportData
from helpers.steps.sections.render import Column, figure, render, table, wrap

__all__ = [
    "title",
    "executive_summary",
    "level",
    "voices",
    "challenges",
    "recommendations",
    "estimates_table",
    "quote",
]


def quote(text: object, role: object = None) -> Html:
    """One de-identified quote, escaped (``role`` is left out when missing)."""
    if not isinstance(text, str):
        return Html("")
    who = role if isinstance(role, str) and role else None
    return render("quote.html.j2", text=text, role=who)


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
    rule = r.region.treatment
    if rule.window:
        return (
            f"mengikuti paling sedikit {fmt_int(rule.min_jp)} JP pelatihan program antara "
            f"{fmt_date(rule.window[0])} dan {fmt_date(rule.window[1])}"
        )
    return "terdaftar sebagai peserta program"


def _naive_gaps(effects: pd.DataFrame) -> list[dict]:
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
                "word": "lebih besar" if gap > 0 else "lebih kecil",
            }
        )
    return out


def executive_summary(r: ReportData) -> Html:
    """The region's question, each headline effect in one plain sentence with its interval,
    who counts as a participant, and where a naive comparison misleads."""
    e = r.effects
    rows = e[e["headline"].astype(bool) & e["estimate"].notna()].sort_values(["level", "analysis"])
    items = [
        {
            "label": x["label"],
            "level": int(x["level"]),
            "level_name": label("level", int(x["level"]), r.language),
            "direction": _direction(x["estimate"]),
            "size": abs(x["estimate"]),
            "unit": nar.outcome_unit(x["label"]),
            "ci": (x["ci_low"], x["ci_high"]),
            "verdict": nar.verdict(x),
        }
        for x in rows.to_dict("records")
    ]
    n_staff = len(r.roster)
    n_treated = int(r.person["treated"].sum())
    return render(
        "summary.html.j2",
        r.language,
        question=r.region.question,
        items=items,
        n_staff=n_staff,
        n_treated=n_treated,
        share=n_treated / n_staff if n_staff else float("nan"),
        who=_who(r),
        naive=_naive_gaps(e),
    )


def estimates_table(
    r: ReportData, effects: pd.DataFrame, caption_text: str, *, headline=True
) -> Html:
    """A numbered table of estimates: outcome, design, effect, interval, p, counts, d, MDE."""
    lang = r.language

    def counts(d: str, t: float, c: float) -> str:
        if d == "paired":
            return f"{fmt_int(t, lang)} orang (sebelum & sesudah)"
        if d in ("did", "twfe"):
            return f"{fmt_int(t, lang)} / {fmt_int(c, lang)} sel dinas×bulan"
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
    frame = react.assign(table=react["table"].map(lambda t: nar.table_label(r.region, t)))
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
            named, label="name", xlabel=caption("figure_axis", lang), ax=ax
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


def voices(r: ReportData, number: int, *, top: int = 3) -> Html:
    """The joint display of a level: its headline numbers beside the most widespread codes
    (whole de-identified segments); nothing when the level has neither."""
    e = r.level_effects(number)
    f = r.level_findings(number).head(top)
    if e.empty and f.empty:
        return Html("")
    numbers = [
        {
            "label": x["label"],
            "direction": _direction(x["estimate"]),
            "size": abs(x["estimate"]),
            "low": x["ci_low"],
            "high": x["ci_high"],
        }
        for x in e.to_dict("records")
    ]
    said = [
        {
            "label": x["label"],
            "n": x["n_transcripts"],
            "quote": quote(
                x.get("example_quote"), None if x.get("suppressed") else x.get("example_role")
            ),
        }
        for x in f.to_dict("records")
    ]
    return render(
        "voices.html.j2",
        r.language,
        name=label("level", number, r.language),
        numbers=numbers,
        voices=said,
    )


def challenges(r: ReportData, *, top: int = 5) -> Html:
    """Challenges informants raised, most widespread first, each with one quote."""
    f = r.findings
    c = f[f["kind"] == "challenge"].sort_values("n_transcripts", ascending=False).head(top)
    items = [
        {
            "label": x["label"],
            "n": x["n_transcripts"],
            "share": x["share_of_transcripts"],
            "quote": quote(
                x.get("example_quote"), None if x.get("suppressed") else x.get("example_role")
            ),
        }
        for x in c.to_dict("records")
    ]
    return render("challenges.html.j2", r.language, items=items)


def recommendations(r: ReportData) -> Html:
    """Recommendations that follow from this region's findings, each with its basis
    (:func:`helpers.steps.narrative.recommendations` plus the region-specific analyses)."""
    from helpers.steps.sections.extras import extra_recommendations

    recs = nar.recommendations(r.effects, r.findings, extras=extra_recommendations(r))
    return render("recommendations.html.j2", r.language, items=recs)
