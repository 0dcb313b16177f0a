"""``reports/index.html``: every region, its status and its headline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers.core.config import ProjectPaths, paths
from helpers.core.formatting import Language, escape, fmt_num
from helpers.io.storage import write_text_atomic
from helpers.report.page import render_page

__all__ = [
    "build_index",
]


# ----------------------------------------------------------------------------- measured where
def measured_where(
    slugs: Sequence[str], registry: Mapping[str, Any], *, project: ProjectPaths = paths
) -> Any:
    """Which regions measured each construct (their headline effects) and which measured
    participants' satisfaction (level 1), so a region sees what its neighbours measure.

    Parameters
    ----------
    slugs : sequence of str
        The regions whose processed outputs are read (those built).
    registry : mapping
        Slug -> region (for the names).
    project : ProjectPaths
        Where the processed data are.

    Returns
    -------
    pandas.DataFrame
        One row per construct, ordered by Kirkpatrick level: ``level`` (the first level),
        ``construct``, ``construct_label``, ``region_slugs`` (list), ``k``, ``k_controlled``,
        ``pooled`` (True when the synthesis pools it: at least three controlled regions).
    """
    import pandas as pd

    from helpers.core.config import load_constructs
    from helpers.steps.reactions import REACTION_CONSTRUCT, load_reactions
    from helpers.steps.synthesis import load_effects, regions_by_construct

    vocabulary = project.config_file.with_name("constructs.yaml")
    constructs = load_constructs(vocabulary) if vocabulary.is_file() else {}
    labels = {k: c.label for k, c in constructs.items()}
    names = {s: registry[s].name for s in slugs}
    effects = load_effects(slugs, project=project)
    cols = ["level", "construct", "construct_label", "region_slugs", "k", "k_controlled", "pooled"]
    rows = []
    reactions = load_reactions(slugs, project=project)
    if len(reactions):
        who = list(pd.unique(reactions["region"]))
        rows.append([1, REACTION_CONSTRUCT, labels.get(REACTION_CONSTRUCT, "Kepuasan terhadap "
                     "pelatihan"), who, len(who), 0, False])  # fmt: skip
    if len(effects):
        table = regions_by_construct(effects, names=names, construct_labels=labels)
        for r in table.to_dict("records"):
            level = int(str(r["levels"]).split(",")[0])
            who = [x.strip() for x in str(r["region_slugs"]).split(",") if x.strip()]
            rows.append([level, r["construct"], r["construct_label"], who, int(r["k"]),
                         int(r["k_controlled"]), int(r["k_controlled"]) >= 3])  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["level", "k"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


def _measured_html(
    measured: Any, registry: Mapping[str, Any], *, synthesis: bool, language: Language
) -> str:
    from helpers.core.labels import column, label

    if not len(measured):
        return ""

    def cell(key: str, content: str) -> str:
        return f'<td data-label="{escape(column(key, language))}">{content}</td>'

    rows = []
    for r in measured.to_dict("records"):
        where = ", ".join(
            f'<a href="{escape(s)}.html">{escape(registry[s].name)}</a>' for s in r["region_slugs"]
        )
        name = escape(r["construct_label"])
        if synthesis and r["construct"] != "training_satisfaction":
            name = f'<a href="synthesis.html#konstruk-{escape(r["construct"])}">{name}</a>'
        if r["construct"] == "training_satisfaction":
            pooled = "gambaran, bukan efek" if language == "id" else "a description, not an effect"
        elif r["pooled"]:
            pooled = "digabung" if language == "id" else "pooled"
        else:
            pooled = (
                f"{r['k_controlled']} wilayah dengan pembanding; perlu 3"
                if language == "id"
                else f"{r['k_controlled']} controlled region(s); 3 needed"
            )
        rows.append(
            "<tr>"
            + cell("level", escape(label("level", int(r["level"]), language)))
            + cell("construct", name)
            + cell("measured_in", where)
            + cell("pooled", escape(pooled))
            + "</tr>"
        )
    header = "".join(
        f'<th scope="col">{escape(column(k, language))}</th>'
        for k in ("level", "construct", "measured_in", "pooled")
    )
    intro = (
        "Apa yang diukur tiap wilayah, menurut level Kirkpatrick: sebuah wilayah dapat melihat "
        "apa yang diukur tetangganya tetapi belum diukurnya sendiri. Hasil yang sama dari paling "
        "sedikit tiga wilayah dengan pembanding digabung di halaman sintesis."
        if language == "id"
        else "What each region measures, by Kirkpatrick level: a region can see what its "
        "neighbours measure that it does not. The same outcome from at least three controlled "
        "regions is pooled on the synthesis page."
    )
    title = "Yang diukur di tiap wilayah" if language == "id" else "What is measured where"
    return (
        f'<h2 id="diukur">{escape(title)}</h2><p>{escape(intro)}</p>'
        '<div class="tbl reflow"><div class="table-scroll"><table class="reader index">'
        f"<thead><tr>{header}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></div>"
    )


# ----------------------------------------------------------------------------- index
def _headlines(project: ProjectPaths, slug: str, language: Language) -> list[str]:
    import pandas as pd

    path = project.processed_region(slug) / "effects.parquet"
    if not path.is_file():
        return []
    eff = pd.read_parquet(path)
    if "headline" in eff:
        eff = eff[eff["headline"]]
    out = []
    for r in eff.itertuples():
        out.append(
            f"{escape(r.label)}: {fmt_num(r.estimate, 2, language)} "
            f"[{fmt_num(r.ci_low, 2, language)}; {fmt_num(r.ci_high, 2, language)}]"
        )
    return out


def build_index(
    results: Sequence[Any],
    registry: Mapping[str, Any],
    *,
    project: ProjectPaths = paths,
    synthesis: Any = None,
    language: Language = "id",
) -> Path:
    """Write ``reports/index.html``: every region, its status, headline effects and link."""
    from helpers.core.labels import column

    def cell(key: str, content: str, css: str = "") -> str:
        klass = f' class="{css}"' if css else ""
        return f'<td data-label="{escape(column(key, language))}"{klass}>{content}</td>'

    rows = []
    for r in results:
        if r.region not in registry:
            continue
        region = registry[r.region]
        status = "ok" if r.status in ("ok", "skipped") else "failed"
        word = {"ok": "selesai", "failed": "gagal"}[status] if language == "id" else status
        link = (
            f'<a href="{escape(r.region)}.html">{escape(region.name)}</a>'
            if status == "ok"
            else escape(region.name)
        )
        heads = (
            "<br>".join(_headlines(project, r.region, language))
            if status == "ok"
            else (escape(r.failing or r.error or ""))
        )
        rows.append(
            "<tr>"
            + cell("region", link)
            + cell("province", escape(region.province))
            + cell("programme", escape(region.programme))
            + cell("status", word, f"status-{status}")
            + cell("headlines", heads)
            + "</tr>"
        )
    header = "".join(
        f'<th scope="col">{escape(column(k, language))}</th>'
        for k in ("region", "province", "programme", "status", "headlines")
    )
    syn = ""
    if synthesis is not None and getattr(synthesis, "report", None):
        syn = (
            '<p class="callout"><a href="synthesis.html">Sintesis lintas wilayah</a>: '
            "efek gabungan (meta-analisis efek acak) dan plot hutan.</p>"
        )
    from helpers.steps.provenance import now_wib

    built = [r.region for r in results if r.region in registry and r.status in ("ok", "skipped")]
    measured = _measured_html(
        measured_where(built, registry, project=project),
        registry,
        synthesis=bool(syn),
        language=language,
    )
    stamp = now_wib()
    body = (
        '<h1 id="laporan">Evaluasi Program Pelatihan dan Karier ASN</h1>'
        "<p>Laporan per wilayah, disusun menurut empat level Kirkpatrick (reaksi, pembelajaran, "
        "perilaku, hasil). Efek utama ditampilkan dengan interval kepercayaan 95% "
        "dalam kurung siku.</p>"
        f"{syn}"
        '<h2 id="wilayah">Wilayah</h2>'
        '<div class="tbl reflow"><div class="table-scroll"><table class="reader index">'
        f"<thead><tr>{header}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></div>"
        f"{measured}"
        f'<p class="small">Dibangun {stamp}.</p>'
    )
    from helpers.steps.provenance import is_synthetic

    synthetic = any(
        is_synthetic(registry[r.region], project=project) for r in results if r.region in registry
    )
    page = render_page(
        body,
        title="Evaluasi Program ASN",
        language=language,
        toc=False,
        synthetic=synthetic,
        crumbs=False,
    )
    return write_text_atomic(project.reports / "index.html", page)
