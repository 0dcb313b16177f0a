"""Turn executed notebooks into self-contained, offline HTML reports, and build the index.

A report is made for officials who never see code, often offline. nbconvert's ``lab``
template loads require.js and MathJax from a CDN and leaves stderr in the page, so the export
here uses nbconvert's ``basic`` body and wraps it in the project's own page:

* no code, no prompts, no ``parameters`` / ``injected-parameters`` cells, no stderr, no errors;
* ``lang="id"`` (or ``en``), inline CSS, a table of contents from the headings;
* every image embedded (nbconvert writes figures as ``data:`` URIs), no ``<script>``, and an
  export refuses to finish if any resource would load from the network.

Notebooks number their figures and tables with :class:`Numbering`, and write respondents' text
through :func:`escape` so that it is shown, never executed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers._imports import skip_slow_optional_imports
from helpers.config import ProjectPaths, paths
from helpers.formatting import (
    LABELS,
    Html,
    Language,
    Numbering,
    escape,
    fmt_num,
    fmt_pct,
)
from helpers.storage import write_text_atomic

skip_slow_optional_imports()  # before papermill/nbconvert import nbformat

__all__ = [
    "Html",
    "Numbering",
    "escape",
    "fmt_num",
    "fmt_pct",
    "export_report",
    "build_index",
    "render_page",
    "REMOVED_TAGS",
    "NetworkResourceError",
]

REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
TEMPLATES = Path(__file__).parent / "templates"


class NetworkResourceError(RuntimeError):
    """An exported page would load something from the network."""


# ----------------------------------------------------------------------------- export
_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_REMOTE = re.compile(
    r"""(?:\bsrc|<link[^>]*\bhref|@import\s+url\(|url\()\s*=?\s*["']?\s*(?:https?:)?//""", re.I
)


def _strip_for_readers(nb: Any) -> Any:
    """Drop parameter and hidden cells, stderr streams and error outputs (a copy)."""
    import copy

    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_TAGS:
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and o.get("output_type") != "error"
            ]
            if not cell.outputs:
                continue
        kept.append(cell)
    nb.cells = kept
    return nb


def _toc(body: str) -> list[dict[str, str]]:
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        items.append({"level": level, "id": anchor, "text": text})
    return items


def render_page(
    body: str,
    *,
    title: str,
    language: Language = "id",
    toc: bool = True,
    synthetic: bool = False,
    crumbs: bool = True,
) -> str:
    """Wrap an HTML body in the project's offline page (autoescaped Jinja, inline CSS)."""
    import jinja2

    from helpers import __version__

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    page = env.get_template("page.html.j2").render(
        lang=language,
        title=title,
        body=body,
        toc=_toc(body) if toc else [],
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        labels=LABELS[language],
        synthetic=synthetic,
        crumbs=crumbs,
        version=__version__,
    )
    if _REMOTE.search(page):
        raise NetworkResourceError(
            f"page {title!r} would load a resource from the network: "
            f"{_REMOTE.search(page).group(0)!r}"
        )
    return page


def export_report(
    notebook: str | Path, target: str | Path, *, language: Language = "id", title: str | None = None
) -> Path:
    """Export an executed notebook to one self-contained offline HTML file.

    Parameters
    ----------
    notebook : path
        The executed notebook (papermill's output).
    target : path
        The HTML file; written atomically.
    language : {"id", "en"}
        Sets ``<html lang>`` and the page's own labels.
    title : str, optional
        Page title; default the first ``<h1>`` of the notebook.

    Returns
    -------
    Path
        ``target``.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = _strip_for_readers(nbformat.read(str(notebook), as_version=4))
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    body = _SCRIPT.sub("", body)
    body = body.replace(
        'alt="No description has been provided for this image"',
        'alt="Gambar"' if language == "id" else 'alt="Figure"',
    )
    if title is None:
        m = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        title = html.unescape(_TAG.sub("", m.group(1))).replace("¶", "").strip() if m else "Laporan"
    page = render_page(body, title=title, language=language)
    return write_text_atomic(target, page)


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
            f"<tr><td>{link}</td><td>{escape(region.province)}</td>"
            f"<td>{escape(region.programme)}</td>"
            f'<td class="status-{status}">{word}</td><td>{heads}</td></tr>'
        )
    syn = ""
    if synthesis is not None and getattr(synthesis, "report", None):
        syn = (
            '<p class="callout"><a href="synthesis.html">Sintesis lintas wilayah</a>: '
            "efek gabungan (meta-analisis efek acak) dan plot hutan.</p>"
        )
    from helpers.provenance import now_wib

    stamp = now_wib()
    body = (
        '<h1 id="laporan">Evaluasi Program Pelatihan dan Karier ASN</h1>'
        "<p>Laporan per wilayah, disusun menurut empat level Kirkpatrick (reaksi, pembelajaran, "
        "perilaku, hasil). Efek utama ditampilkan dengan interval kepercayaan 95% "
        "dalam kurung siku.</p>"
        f"{syn}"
        '<h2 id="wilayah">Wilayah</h2>'
        "<table><thead><tr><th>Wilayah</th><th>Provinsi</th><th>Program</th><th>Status</th>"
        "<th>Efek utama [IK 95%]</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f'<p class="small">Dibangun {stamp}.</p>'
    )
    from helpers.provenance import is_synthetic

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
