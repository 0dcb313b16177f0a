"""The report's appendices, folded away from the body: methods (designs, all estimates,
balance, pre-trends, reliability, coder agreement, technical notes), data quality (rows in and
out, why rows were set aside, what was changed, unknown interview codes) and provenance.

Each appendix is a ``<details>`` element: folded on screen, printed open, each on a new page
(``report.css``). Technical notes come from the estimates' structured fields (standard-error
kind, degrees of freedom, observations, effect-size kind), translated; the estimators' English
prose stays in ``effects.parquet`` for researchers.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.core.formatting import Html, fmt_int
from helpers.core.labels import (
    caption,
    column,
    effect_size_label,
    label,
    se_type_label,
    translate_reason,
)
from helpers.core.vocabulary import DESIGNS
from helpers.steps import narrative as nar
from helpers.steps.sections.body import estimates_table
from helpers.steps.sections.data import ReportData
from helpers.steps.sections.render import Column, figure, render, table

__all__ = ["appendix", "methods", "data_quality", "provenance"]

_HINT = {"id": "ketuk untuk membuka", "en": "tap to open"}


def appendix(r: ReportData, anchor: str, heading: str, blocks: list[Html], intro: str = "") -> Html:
    """A folded appendix with its own heading (in the table of contents)."""
    return render(
        "appendix.html.j2",
        r.language,
        anchor=anchor,
        heading=heading,
        hint=_HINT[r.language],
        intro=intro,
        blocks=[b for b in blocks if b],
    )


def _assumption(design: str, language: str) -> str:
    from helpers.stats.assumptions import ASSUMPTIONS

    if language == "id" and design in nar.ASSUMPTIONS:
        return nar.ASSUMPTIONS[design]
    return ASSUMPTIONS.get(design, {}).get(language, "")


def _technical(r: ReportData) -> Html | None:
    lang = r.language
    e = r.effects[r.effects["estimate"].notna()]
    if e.empty:
        return None

    def df_text(x: float) -> str:
        if x is None or (isinstance(x, float) and (math.isinf(x) or math.isnan(x))):
            return label("df", "inf", lang)
        return fmt_int(x, lang)

    frame = pd.DataFrame(
        {
            "label": e["label"],
            "design": e["design"].map(lambda d: label("design_short", d, lang)),
            "se_type": e["se_type"].map(lambda s: se_type_label(s, lang)),
            "df": e["df"].map(df_text),
            "n": e["n"],
            "es": e["effect_size_type"].map(lambda s: effect_size_label(s, lang)),
        }
    )
    cols = [
        Column("label", column("outcome_short", lang), "text"),
        Column("design", column("design", lang), "text"),
        Column("se_type", column("se_type", lang), "text"),
        Column("df", column("df", lang), "text"),
        Column("n", column("n_used", lang), "int"),
        Column("es", column("es_type", lang), "text"),
    ]
    return table(r.numbering, caption("technical", lang), frame, cols)


def _balance_words(lang: str) -> dict:
    """The balance figure's legend and number style in the report's language (the plot's
    defaults are Indonesian)."""
    if lang == "en":
        return {"labels": ("Before weighting", "After weighting"), "decimal_comma": False}
    return {}


def _balance(r: ReportData) -> list[Html]:
    from helpers.steps import plots

    bal = r.read("balance.parquet")
    if bal is None or bal.empty:
        return []
    lang = r.language
    first = bal[bal["analysis"] == bal["analysis"].iloc[0]]
    labelled = first.assign(
        variable=first["variable"].map(lambda v: nar.variable_label(v, r.region.analyses, lang))
    )
    cols = [
        Column("variable", column("characteristic", lang), "text"),
        Column("mean_treated", column("treated", lang), "num2"),
        Column("mean_control", column("control", lang), "num2"),
        Column("smd", column("smd_before", lang), "num2"),
        Column("smd_weighted", column("smd_after", lang), "num2"),
    ]
    tab = table(r.numbering, caption("balance", lang), labelled, cols)
    from helpers.steps.sections.render import wrap

    wrapped = labelled.assign(variable=labelled["variable"].map(lambda v: wrap(v, 22)))
    fig = figure(
        r.numbering,
        caption("balance_figure", lang),
        lambda ax: plots.balance_plot(wrapped, ax=ax, xlabel="|SMD|", **_balance_words(lang)),
        height_in=0.42 * len(wrapped) + 1.9,  # two rows above the covariates for the legend
    )
    return [tab, fig]


def methods(r: ReportData) -> Html:
    """Appendix A: designs and assumptions, every estimate, balance, pre-trends, reliability,
    coder agreement and the estimates' technical notes."""
    lang = r.language
    used = [d for d in DESIGNS if d in set(r.effects["design"])]
    designs = render(
        "designs.html.j2",
        lang,
        designs=[
            {"name": label("design", d, lang), "assumption": _assumption(d, lang)} for d in used
        ],
    )
    every = r.effects[r.effects["estimate"].notna()]
    blocks = [designs, estimates_table(r, every, caption("all_estimates", lang), headline=False)]
    blocks += _balance(r)
    pt = r.read("pretrends.parquet")
    if pt is not None and len(pt):
        labels = {a.id: a.label for a in r.region.analyses}
        blocks.append(
            table(
                r.numbering,
                caption("pretrends", lang),
                pt.assign(analysis=pt["analysis"].map(lambda a: labels.get(a, a))),
                [
                    Column("analysis", column("outcome_short", lang), "text"),
                    Column("pretrend_f", column("f", lang), "num2"),
                    Column("pretrend_p", column("p", lang), "p"),
                    Column("n_units", column("n_units", lang), "int"),
                ],
            )
        )
    rel = r.read("scale_reliability.parquet")
    if rel is not None and len(rel):
        frame = rel.assign(
            table=rel["table"].map(lambda t: nar.table_label(r.region, t, lang)),
            scale=rel["scale"].map(lambda x: nar.variable_label(x, r.region.analyses, lang)),
        )
        blocks.append(
            table(
                r.numbering,
                caption("reliability", lang),
                frame,
                [
                    Column("table", column("survey", lang), "text"),
                    Column("scale", column("scale", lang), "text"),
                    Column("n_items", column("n_items", lang), "int"),
                    Column("n", column("respondents", lang), "int"),
                    Column("alpha", column("alpha", lang), "num2"),
                    Column("ci_low", column("ci_low", lang), "num2"),
                    Column("ci_high", column("ci_high", lang), "num2"),
                ],
            )
        )
    agree = r.read("code_agreement.parquet")
    if agree is not None and len(agree):
        known = agree[agree["label"].notna() | (agree["code"] == "__overall__")]
        if lang == "en":
            english = known["code"].map(r.code_labels())
            known = known.assign(label=english.where(english.notna(), known["label"]))
        known = known.assign(label=known["label"].fillna(caption("all_codes", lang)))
        blocks.append(
            table(
                r.numbering,
                caption("agreement", lang),
                known,
                [
                    Column("label", column("code", lang), "text"),
                    Column("n_units", column("double_coded", lang), "int"),
                    Column("percent_agreement", column("agreement", lang), "share1"),
                    Column("cohen_kappa", column("kappa", lang), "num2"),
                    Column("kappa_se", column("kappa_se", lang), "num2"),
                    Column("krippendorff_alpha", column("kripp", lang), "num2"),
                ],
            )
        )
    blocks.append(_technical(r))
    heading = "Lampiran A: Metode" if lang == "id" else "Appendix A: Methods"
    return appendix(r, "Lampiran-A:-Metode", heading, blocks)


def _counts_by(frame: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    return frame.groupby(keys).size().rename(name).reset_index()


def data_quality(r: ReportData) -> Html:
    """Appendix B: rows in and out of each table, why rows were set aside, what the cleaning
    changed (by kind), and interview codes not in the codebook."""
    lang = r.language
    s = r.summary
    blocks = [
        table(
            r.numbering,
            caption("rows", lang),
            s.assign(table=s["table"].map(lambda t: nar.table_label(r.region, t, lang))),
            [
                Column("table", column("table", lang), "text"),
                Column("rows_in", column("rows_in", lang), "int"),
                Column("rows_out", column("rows_out", lang), "int"),
                Column("rows_kept_aside", column("rows_kept_aside", lang), "int"),
                Column("rows_dropped_duplicates", column("rows_dropped_duplicates", lang), "int"),
            ],
        )
    ]
    rej = r.read("rejected_rows.parquet")
    if rej is not None and len(rej):
        why = rej.assign(
            reason=rej["reason"].map(lambda x: translate_reason(x, lang, step="nip")),
            table=rej["table"].map(lambda t: nar.table_label(r.region, t, lang)),
        )
        blocks.append(
            table(
                r.numbering,
                caption("rejected", lang),
                _counts_by(why, ["table", "reason"], "rows"),
                [
                    Column("table", column("table", lang), "text"),
                    Column("reason", column("reason", lang), "text"),
                    Column("rows", column("rows", lang), "int"),
                ],
            )
        )
    log = r.read("cleaning_log.csv")
    if log is not None and len(log):
        recode = log[log["step"] != "nip"]
        changes = recode.assign(
            reason=[
                translate_reason(x, lang, step=s)
                for x, s in zip(recode["reason"], recode["step"], strict=True)
            ]
        )
        counted = _counts_by(changes, ["reason"], "values").sort_values("values", ascending=False)
        blocks.append(
            table(
                r.numbering,
                caption("changes", lang),
                counted,
                [
                    Column("reason", column("change", lang), "text"),
                    Column("values", column("values", lang), "int"),
                ],
            )
        )
    unknown = r.read("unknown_codes.csv")
    if unknown is not None and len(unknown):
        blocks.append(
            table(
                r.numbering,
                caption("unknown_codes", lang),
                unknown,
                [
                    Column("label_raw", column("written", lang), "text", lang="id"),
                    Column("variants", column("variants", lang), "text", lang="id"),
                    Column("n", column("n", lang), "int"),
                    Column("n_transcripts", column("transcripts", lang), "int"),
                ],
            )
        )
    intro = (
        "Baris yang dikeluarkan dan alasannya. Data mentah tidak pernah diubah; semua perubahan "
        "tercatat dalam log pembersihan data (berkas cleaning_log.csv)."
        if lang == "id"
        else "Rows set aside and why. Raw data are never changed; every change is in the "
        "cleaning log (file cleaning_log.csv)."
    )
    heading = "Lampiran B: Kualitas data" if lang == "id" else "Appendix B: Data quality"
    return appendix(r, "Lampiran-B:-Kualitas-data", heading, blocks, intro=intro)


def provenance(r: ReportData, parameters: dict | None = None) -> Html:
    """Appendix C: how the report was made (parameters, code version, date, data fingerprint),
    each raw file's fingerprint and the package versions."""
    from helpers.steps.provenance import fingerprints, package_versions, provenance_table

    lang = r.language
    params = parameters if parameters is not None else {"region": r.region.slug}
    facts = provenance_table(r.region, params, project=r.project, language=lang)
    fp = fingerprints(r.raw).assign(sha256=lambda d: d["sha256"].str[:16])
    blocks = [
        table(
            r.numbering,
            caption("provenance", lang),
            facts,
            [
                Column("Keterangan", column("item", lang), "text"),
                Column("Nilai", column("value", lang), "verbatim"),
            ],
        ),
        table(
            r.numbering,
            caption("fingerprints", lang),
            fp,
            [
                Column("file", column("file", lang), "verbatim"),
                Column("bytes", column("bytes", lang), "int"),
                Column("sha256", column("sha256", lang), "verbatim"),
            ],
        ),
        table(
            r.numbering,
            caption("packages", lang),
            package_versions().replace(
                {
                    "version": {
                        "not installed": "tidak terpasang" if lang == "id" else "not installed"
                    }
                }
            ),
            [
                Column("package", column("package", lang), "verbatim"),
                Column("version", column("version", lang), "verbatim"),
            ],
        ),
    ]
    heading = "Lampiran C: Asal-usul (provenans)" if lang == "id" else "Appendix C: Provenance"
    return appendix(r, "Lampiran-C:-Asal-usul-(provenans)", heading, blocks)
