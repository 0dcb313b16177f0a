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
