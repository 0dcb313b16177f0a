"""Turn executed notebooks into self-contained, offline HTML reports (the index is
:mod:`helpers.report.index`).

A report is made for officials who never see code, often offline. nbconvert's ``lab``
template loads require.js and MathJax from a CDN and leaves stderr in the page, so the export
here uses nbconvert's ``basic`` body and wraps it in the project's own page:

* no code, no prompts, no ``parameters`` / ``injected-parameters`` cells, no stderr, no errors;
* prose in two languages: a cell tagged ``lang-id`` or ``lang-en`` is kept only in a report of
  that language (a notebook pairs each prose cell with its twin), untagged cells in every one;
* ``lang="id"`` (or ``en``), inline CSS, a table of contents from the headings;
* every image embedded (nbconvert writes figures as ``data:`` URIs), no ``<script>``, and an
  export refuses to finish if any resource would load from the network.

Notebooks number their figures and tables with :class:`Numbering`, and write respondents' text
through :func:`escape` so that it is shown, never executed.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any

from helpers.core.formatting import Html, Language, Numbering, escape, fmt_num, fmt_pct
from helpers.io.storage import write_text_atomic
from helpers.report.page import _TAG, render_page
from helpers.runner.imports import skip_slow_optional_imports

__all__ = [
    "export_report",
    "warm_exporter",
    "REMOVED_TAGS",
    "LANGUAGE_TAG",
    "Html",
    "Numbering",
    "escape",
    "fmt_num",
    "fmt_pct",
]


skip_slow_optional_imports()  # before papermill/nbconvert import nbformat

REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
#: The prefix of the tags that mark a cell's language (``lang-id``, ``lang-en``).
LANGUAGE_TAG = "lang-"
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)


def _other_language(tags: set[str], language: str) -> bool:
    """Whether a cell's ``lang-xx`` tag names another language than the report's."""
    langs = {t.removeprefix(LANGUAGE_TAG) for t in tags if t.startswith(LANGUAGE_TAG)}
    return bool(langs) and language not in langs


def _strip_for_readers(nb: Any, language: str = "id") -> Any:
    """Drop parameter and hidden cells, cells in the other language, stderr streams and error
    outputs (a copy)."""
    import copy

    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_TAGS or _other_language(tags, language):
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


@functools.cache
def _exporter() -> Any:
    """nbconvert's HTML exporter without code or prompts, made once per process: a new one
    compiles its templates again (0.13 s of a 0.34-s export)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def warm_exporter() -> None:
    """Make the exporter (:func:`_exporter`) and convert a one-cell notebook with it, so that
    its templates and filters are compiled before the first real export (about 0.2 s of the
    first one, measured here): for a thread to do while a notebook runs."""
    import nbformat

    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x"), cell])
    _exporter().from_notebook_node(nb)


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
        Sets ``<html lang>`` and the page's own labels, and keeps the prose cells of this
        language (tags ``lang-id``, ``lang-en``).
    title : str, optional
        Page title; default the first ``<h1>`` of the notebook.

    Returns
    -------
    Path
        ``target``.
    """
    import nbformat

    nb = _strip_for_readers(nbformat.read(str(notebook), as_version=4), language)
    body, _ = _exporter().from_notebook_node(nb)
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
