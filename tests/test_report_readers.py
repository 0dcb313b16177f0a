"""Reports an official can read on a phone and on paper (issue 18).

Fast tests: the notebooks are narrative (few lines of code), numbers and labels have one home,
a level without numbers says what would measure it, respondents' text is escaped, a missing
Chromium is a clear error. Slow tests build all five shipped regions (one of them in English)
with ``run --pdf`` and read the real pages: no snake_case identifier, English sentence or
number formatted outside the formatter in the visible text of an Indonesian report; no
horizontal overflow at 390 and 1280 px; figure text readable on a phone; A4 PDFs with page
numbers and the appendices printed open.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIVE

from helpers.core.config import PROJECT_ROOT
from helpers.core.formatting import fmt_p, fmt_pct, fmt_pvalue, fmt_tick, format_cell
from helpers.core.labels import LABELS, column, label, translate_reason
from helpers.core.vocabulary import DESIGNS, LEVELS

NOTEBOOKS = PROJECT_ROOT / "notebooks"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REGIONS = list(FIVE)
ENGLISH = "kemuning"  # built with `language: en` to show an English report stays complete


def _code_lines(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        len("".join(c["source"]).splitlines()) for c in nb["cells"] if c["cell_type"] == "code"
    )


@pytest.mark.parametrize("name", ["04-region-report", "05-synthesis"])
def test_report_notebooks_are_narrative_with_under_150_lines_of_code(name):
    assert _code_lines(NOTEBOOKS / f"{name}.ipynb") < 150


def test_report_notebook_calls_one_section_function_per_cell():
    nb = json.loads((NOTEBOOKS / "04-region-report.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "code" or {"parameters", "remove-cell"} & set(
            cell["metadata"].get("tags", [])
        ):
            continue
        calls = [ln for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        assert all(re.match(r"^(display\()?sec\.\w+\(", ln) for ln in calls), src


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_prose_cell_of_the_report_has_its_twin_and_the_export_keeps_one(language):
    import nbformat

    from helpers.report.export import _strip_for_readers

    nb = nbformat.read(str(NOTEBOOKS / "04-region-report.ipynb"), as_version=4)
    prose = [c for c in nb.cells if c.cell_type == "markdown"]
    tags = [[t for t in c.metadata.get("tags", []) if t.startswith("lang-")] for c in prose]
    assert tags == [["lang-id"], ["lang-en"]] * (len(prose) // 2), (
        "each lang-id cell, then its twin"
    )
    kept = _strip_for_readers(nb, language)
    shown = [c.metadata["tags"] for c in kept.cells if c.cell_type == "markdown"]
    assert shown == [[f"lang-{language}"]] * (len(prose) // 2)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_section_template_parses(language):
    from helpers.steps.sections.render import _environment

    environment = _environment(language)
    for name in environment.list_templates():
        environment.get_template(name)


def test_one_number_format():
    assert format_cell(2550, "int") == "2.550"
    assert format_cell(0.917, "share1") == "91,7%"
    assert format_cell(1045.0, "auto") == "1.045"
    assert fmt_pct(0.317) == "32%"
    assert fmt_pvalue(0.0002) == "p < 0,001" and fmt_pvalue(0.0312) == "p = 0,031"
    assert fmt_p(0.0002) == "< 0,001"
    assert fmt_tick(-0.25) == "-0,25" and fmt_tick(2400.0) == "2.400"
    assert format_cell(-0.0001, "num2") == "0,00", "a value that rounds to zero has no sign"


def test_every_design_and_level_has_a_label_in_both_languages():
    for d in DESIGNS:
        assert d in LABELS["design"] and d in LABELS["design_short"], d
        assert label("design", d, "id") != label("design", d, "en") or d in ("ancova",)
    for n, lv in LEVELS.items():
        assert lv.examples_id and not re.search(r"\b(the|and|of)\b", lv.examples_id)
        assert label("level", n, "en") == lv.name.capitalize() or n == 3
    assert column("outcome", "en") == "Outcome"


def test_unknown_identifiers_and_reasons_never_reach_a_reader():
    assert label("group", "lain_lain") == "lain lain"
    assert translate_reason("invalid NIP: length 17") == "NIP tidak 18 digit"
    unknown = translate_reason("some new English message from a reader", step="read")
    assert unknown == "catatan lain saat membaca berkas"
    timestamps = "'Cap waktu': 265 timestamps carry no time zone; read as Asia/Jakarta"
    assert "WIB" in translate_reason(timestamps)


def test_a_level_without_numbers_says_what_would_measure_it():
    from helpers.steps.sections.render import render

    page = render(
        "level.html.j2",
        level=4,
        name="Hasil",
        what="apa yang diperoleh organisasi dan masyarakat",
        examples=LEVELS[4].examples_id,
        blocks=[],
    )
    assert "dapat diukur dengan, misalnya, waktu tunggu layanan" in page
    assert "tidak ada estimasi" not in page and "<table" not in page


def test_respondents_text_is_escaped_in_quotes_and_tables():
    import pandas as pd

    from helpers.core.formatting import Numbering
    from helpers.steps.sections.body import quote
    from helpers.steps.sections.render import Column, table

    evil = "<script>alert('x')</script>"
    assert "<script>" not in quote(evil, "Kepala <b>OPD</b>")
    assert "&lt;script&gt;" in quote(evil)
    t = table(Numbering(), "Tabel <i>uji</i>", pd.DataFrame({"a": [evil]}), [Column("a", "A")])
    assert "<script>" not in t and "&lt;i&gt;uji" in t
    said = [Column("a", "Reason", "text", lang="id")]
    answers = pd.DataFrame({"a": ["Beban kerja tinggi dan jadwal tidak cocok"]})
    assert 'lang="id"' in table(Numbering("en"), "Reasons", answers, said)
    assert 'lang="id"' not in table(Numbering("id"), "Alasan", answers, said)
    assert indonesian_sentences(table(Numbering("en"), "Reasons", answers, said)) == []


def test_a_section_is_displayed_as_html_with_a_short_plain_text_twin():
    """IPython's text/plain of a section is one short line: the markup is sent, stored in the
    executed notebook and scanned once (as text/html), not a second time escaped."""
    from IPython.core.formatters import DisplayFormatter

    from helpers.core.formatting import Html

    section = Html("<section><h2>Hasil</h2>" + "<p>kalimat</p>" * 500 + "</section>")
    data, _ = DisplayFormatter().format(section)
    assert data["text/html"] == section
    assert data["text/plain"] == f"<HTML, {len(section):,} characters>"
    assert repr(section) == repr(str(section))  # repr itself is still the string's


def test_report_figures_are_vector_at_their_physical_size_and_byte_stable():
    import base64

    from helpers.core.formatting import Numbering
    from helpers.steps.sections.render import CSS_PX_PER_IN, FIGURE_WIDTH_IN, figure

    def draw(ax):
        ax.plot([0, 1, 2], [0.2, 0.5, 0.1], marker="o")
        ax.set_xlabel("Tahun")

    first = figure(Numbering(), "Uji", draw, height_in=2.5)
    assert first == figure(Numbering(), "Uji", draw, height_in=2.5)  # same bytes every run
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', first)
    assert src, first[:300]
    svg = base64.b64decode(src.group(1)).decode("utf-8")
    assert "<text" not in svg and "<dc:date>" not in svg  # glyphs as outlines; no date
    assert f'width="{round(FIGURE_WIDTH_IN * CSS_PX_PER_IN)}"' in first
    assert f'height="{round(2.5 * CSS_PX_PER_IN)}"' in first
    assert f'data-dpi="{CSS_PX_PER_IN}"' in first


def test_a_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    from helpers.report.pdf import ChromiumMissingError, find_chromium

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr("helpers.report.pdf._CANDIDATES", ())
    monkeypatch.setattr("shutil.which", lambda name, *a, **k: None)
    with pytest.raises(ChromiumMissingError, match="apt-get install chromium"):
        find_chromium("/nowhere/chromium")


# ------------------------------------------------------------------------- the real reports
class _Visible(HTMLParser):
    """The text a reader sees: no style, script or image data, and no ``verbatim`` cells
    (file names, hashes, versions: identifiers a reader may need to find as they are)."""

    SKIP = {"style", "script", "title"}

    def __init__(self, skip_lang: str | None = None) -> None:
        super().__init__()
        self.skip_lang = skip_lang
        self.stack: list[bool] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "hr", "input"):
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(tag in self.SKIP or "verbatim" in classes or self.quoted(attrs))
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "summary", "figcaption"):
            self.chunks.append("\n")

    def quoted(self, attrs) -> bool:
        """Text marked as being in ``skip_lang`` (an informant's own words, quoted as said)."""
        return self.skip_lang is not None and dict(attrs).get("lang") == self.skip_lang

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "meta", "link", "hr", "input") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.chunks.append(data)


def visible_text(page: str, *, skip_lang: str | None = None) -> str:
    parser = _Visible(skip_lang)
    parser.feed(page)
    return "".join(parser.chunks)


FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv|xlsx|md|txt|json|parquet)\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENGLISH_WORDS = re.compile(
    r"\b(the|of|and|is|are|was|were|with|because|rows|from|which|their|than|not|has|have|"
    r"been|for|above|below|missing|values|dropped|this|that|its)\b",
    re.I,
)
NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\d(?![\w])|(?<![\w.,])\d(?![\w.,])")
GOOD_NUMBER = re.compile(r"^([1-9]\d{0,2}(\.\d{3})+|\d{1,3})(,\d+)?$|^(19|20)\d\d$")


def reader_problems(page: str) -> list[str]:
    """Every snake_case identifier, English sentence and badly written number a reader sees."""
    text = visible_text(page)
    text = FILE_NAME.sub(" ", text)
    text = re.sub(r"\b\d{2}\.\d{2} WIB\b", " ", text)  # the time of day, as Indonesians write it
    problems = [f"identifier {m}" for m in SNAKE.findall(text)]
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n", text):
        english = {w.lower() for w in ENGLISH_WORDS.findall(sentence)}
        if len(english) >= 2:
            problems.append(f"English: {sentence.strip()[:120]!r}")
    for m in NUMBER.finditer(text):
        if not GOOD_NUMBER.match(m.group(0).rstrip(".,")):
            problems.append(
                f"number {m.group(0)!r} in {text[max(0, m.start() - 40) : m.end() + 20]!r}"
            )
    problems += [f"p-value {m!r}" for m in re.findall(r"p\s*=\s*<", text)]
    problems += [f"ISO date {m}" for m in re.findall(r"\b\d{4}-\d\d-\d\d\b", text)]
    return problems


INDONESIAN_WORDS = re.compile(
    r"\b(yang|dan|dengan|untuk|tidak|dari|pada|adalah|ini|itu|atau|oleh|dalam|sebagai|karena|"
    r"belum|sudah|di|ke|tetapi|juga|akan|dapat|lebih|sehingga|setiap|apakah|bukan|masih|antara|"
    r"tersebut|telah)\b",
    re.I,
)


def indonesian_sentences(page: str) -> list[str]:
    """Every sentence of an English report a reader sees that is Indonesian (two or more
    Indonesian function words), outside elements marked ``lang="id"`` (the informants' own
    words, quoted as they said them)."""
    text = visible_text(page, skip_lang="id")
    found = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n", text):
        words = {w.lower() for w in INDONESIAN_WORDS.findall(sentence)}
        if len(words) >= 2:
            found.append(sentence.strip()[:160])
    return found


def test_the_indonesian_check_finds_what_it_should():
    bad = (
        "<p>The programme was evaluated.</p><p>Data mencakup 120 ASN yang ikut dan 80 yang tidak.</p>"
        "<td>Peserta tidak dipilih secara acak dari daftar</td>"
        "<blockquote lang='id'>Materinya sangat bagus dan berguna untuk tugas saya</blockquote>"
    )
    found = indonesian_sentences(bad)
    assert found == [
        "Data mencakup 120 ASN yang ikut dan 80 yang tidak.",
        "Peserta tidak dipilih secara acak dari daftar",
    ]
    good = "<p>Staff in the Dinas Pendidikan and the BKPSDM took part: 120 of 400 (30%).</p>"
    assert indonesian_sentences(good) == []


def test_the_reader_check_finds_what_it_should():
    bad = (
        "<p>Catatan teknis (bahasa Inggris)</p><table><tr><td>job_satisfaction_post</td>"
        "<td>238 of 850 rows dropped because of missing values</td><td>2400</td><td>0.917</td>"
        "<td>p = < 0,001</td></tr></table>"
    )
    found = "\n".join(reader_problems(bad))
    for what in ("identifier job_satisfaction_post", "English", "'2400'", "'0.917'", "p-value"):
        assert what in found, what
    good = (
        "<p>Data mencakup 2.400 ASN (91,7%), p < 0,001, sejak 1 Februari 2024, berkas "
        "survei_akhir_2025.xlsx.</p><td class='verbatim'>3f9a_c0de 0.1.0</td>"
    )
    assert reader_problems(good) == []


def _project(tmp: Path) -> Path:
    root = tmp / "proj"
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    (root / "config").mkdir(parents=True)
    for f in (PROJECT_ROOT / "config").iterdir():
        if f.is_file():
            shutil.copy(f, root / "config" / f.name)
    doc = yaml.safe_load((PROJECT_ROOT / "config" / "regions.yaml").read_text(encoding="utf-8"))
    for r in doc["regions"]:
        if r["slug"] == ENGLISH:
            r["language"] = "en"
    (root / "config" / "regions.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
    )
    for slug in REGIONS:
        shutil.copytree(PROJECT_ROOT / "data" / "raw" / slug, root / "data" / "raw" / slug)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    tmp = tmp_path_factory.mktemp("readers")
    root = _project(tmp)
    env = {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp / "k.key")}
    proc = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--pdf"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "reports"


PAGES = [*REGIONS, "index", "synthesis"]


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("page", [p for p in PAGES if p != ENGLISH])
def test_visible_text_is_indonesian_with_one_number_format(built, page):
    text = (built / f"{page}.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in text
    assert reader_problems(text) == []
    assert "tidak ada estimasi" not in text and "tidak ada kode" not in text


@pytest.mark.slow
@pytest.mark.e2e
def test_executed_report_notebooks_hold_each_section_once(built):
    build = built / "build"
    notebooks = sorted(build.glob("*/04-region-report.ipynb"))
    assert len(notebooks) == len(REGIONS)
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        html = [o["data"] for o in outputs if "text/html" in o.get("data", {})]
        assert len(html) > 10, path
        for data in html:
            plain = "".join(data["text/plain"])
            assert plain.startswith("<HTML, ") and len(plain) < 40, (path, plain[:80])


@pytest.mark.slow
@pytest.mark.e2e
def test_an_english_report_is_complete(built):
    text = (built / f"{ENGLISH}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    for heading in ("Appendix A: Methods", "Appendix B: Data quality", "Appendix C: Provenance"):
        assert heading in text
    assert "Outcome" in text and "95% CI" in text and "Traceback" not in text
    assert re.search(r"<b>Table 1\.</b>", text) and re.search(r"<b>Figure 1\.</b>", text)
    assert indonesian_sentences(text) == []


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("slug", REGIONS)
def test_appendices_fold_away_from_the_body(built, slug):
    text = (built / f"{slug}.html").read_text(encoding="utf-8")
    assert text.count('<details class="appendix"') == 3
    assert "<details open" not in text
    body = text.split('<details class="appendix"', 1)[0]
    assert "SHA-256" not in body and "Versi paket" not in body


HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="{page}" style="border:0;width:{width}px;height:1400px"></iframe>
<pre id="measure">pending</pre>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var w = this.contentWindow, d = this.contentDocument, wide = [], px = [];
  d.querySelectorAll('body *').forEach(function (el) {{
    var r = el.getBoundingClientRect();
    if (r.right > w.innerWidth + 1 && !el.closest('.table-scroll'))
      wide.push(el.tagName + '.' + el.className);
  }});
  d.querySelectorAll('img[data-text-pt]').forEach(function (im) {{
    px.push(+im.dataset.textPt * +im.dataset.dpi / 72 * im.clientWidth / im.naturalWidth);
  }});
  document.getElementById('measure').textContent = JSON.stringify({{
    inner: w.innerWidth, client: d.documentElement.clientWidth,
    scroll: d.documentElement.scrollWidth, wide: wide.slice(0, 5),
    figpx: px.length ? Math.min.apply(null, px) : null}});
}});
</script></body></html>"""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def measure(page: Path, width: int, profile: Path) -> dict:
    """Lay ``page`` out in a ``width``-px frame and measure its overflow and figure text."""
    harness = page.parent / f"_measure-{width}-{page.stem}.html"
    harness.write_text(HARNESS.format(page=page.name, width=width), encoding="utf-8")
    try:
        proc = _chromium(
            "--allow-file-access-from-files",
            "--window-size=1400,1500",
            "--virtual-time-budget=8000",
            "--dump-dom",
            harness.as_uri(),
            profile=profile,
        )
    finally:
        harness.unlink()
    found = re.search(r'<pre id="measure">(.*?)</pre>', proc.stdout, re.S)
    assert found and found.group(1) != "pending", proc.stderr[-2000:]
    return json.loads(html_lib.unescape(found.group(1)))


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_overflow_and_readable_figures(built, page, width, tmp_path):
    m = measure(built / f"{page}.html", width, tmp_path / "profile")
    assert m["scroll"] <= m["client"], m  # the page body never scrolls sideways
    assert m["wide"] == [], m  # nothing sticks out, except inside a table's own scroll box
    if m["figpx"] is not None:
        assert m["figpx"] >= 9, m  # the smallest figure text, in CSS px at this width


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.parametrize("slug", REGIONS)
def test_pdf_is_a4_with_page_numbers_and_open_appendices(built, slug):
    pypdf = pytest.importorskip("pypdf")
    path = built / f"{slug}.pdf"
    assert path.is_file() and not list(built.glob(f".{slug}.pdf.*.tmp"))
    reader = pypdf.PdfReader(str(path))
    n = len(reader.pages)
    assert n >= 3
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, (w, h)  # A4 in points
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    word, of = ("Page", "of") if slug == ENGLISH else ("Halaman", "dari")
    assert f"{word} 1 {of} {n}" in first and f"{word} {n} {of} {n}" in last
    everything = "".join(p.extract_text() for p in reader.pages)
    assert "SHA-256" in everything, "the folded appendices are printed open"


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("slug", [s for s in REGIONS if s != ENGLISH])
def test_every_registry_question_is_answered_first_with_its_number(built, slug):
    from helpers.core.config import load_registry

    page = (built / f"{slug}.html").read_text(encoding="utf-8")
    block = page.split('<div class="answers">', 1)[1].split("</div>", 1)[0]
    summary_at = page.index('<div class="answers">')
    first_level = re.search(r"<h2[^>]*>Level 1", page).start()  # not the table of contents
    assert summary_at < first_level, "the answers come before the levels"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd([^>]*)>(.*?)</dd>", block, re.S)
    questions = [q.text for q in load_registry()[slug].questions]
    assert [html_unescape(q) for q, _, _ in pairs] == questions
    ids = set(re.findall(r'id="([^"]+)"', page))
    for question, attrs, answer in pairs:
        text = html_unescape(re.sub(r"<[^>]+>", " ", answer))
        if "unanswered" in attrs:
            assert "belum dapat menjawab" in text and "Yang diperlukan" in text
            continue
        assert re.search(r"\d", text), f"{question}: no number behind the answer"
        for target in re.findall(r'href="#([^"]+)"', answer):
            assert target in ids, f"{question}: the link #{target} goes nowhere"


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text).strip()


@pytest.mark.slow
@pytest.mark.e2e
def test_synthesis_page_shows_each_pooled_construct_with_its_forest_plot(built):
    """The page's pooled numbers are the published synthesis table's, each construct has its
    own section, and a pooled construct carries a forest plot."""
    import pandas as pd

    from helpers.core.formatting import fmt_num

    page = (built / "synthesis.html").read_text(encoding="utf-8")
    table = pd.read_parquet(built / "synthesis.parquet")
    constructs = table[table["row_type"] == "construct"]
    assert len(constructs) and constructs["construct"].is_unique
    pooled = constructs[constructs["pooled"].astype(bool)]
    assert len(pooled), "the shipped regions pool at least one construct (SKP, five regions)"
    for row in constructs.to_dict("records"):
        start = page.index(f'id="konstruk-{row["construct"]}"')
        section = page[start : page.find("<h3", start + 1)]
        if row["pooled"]:
            assert row["k"] >= 3
            for value in (row["estimate"], row["ci_low"], row["ci_high"]):
                assert fmt_num(value, 2) in section, (row["construct"], value)
            assert "<img" in section or "<svg" in section, f"{row['construct']}: no forest plot"
        else:
            assert "paling sedikit 3" in html_unescape(section), row["construct"]
    regions = table[(table["row_type"] == "region") & table["in_pool"].fillna(False)]
    counts = regions.groupby("construct").size()
    for row in pooled.to_dict("records"):  # k counts the region rows the pool was made of
        assert counts[row["construct"]] == row["k"], row["construct"]


@pytest.mark.slow
@pytest.mark.e2e
def test_index_shows_which_regions_measured_each_construct(built):
    """The index's 'what is measured where' table: one row per construct with the regions that
    measured it (linked), SKP in all five and linked to its synthesis section, and level 1 from
    the regions that asked participants about their satisfaction."""
    import pandas as pd

    from helpers.core.formatting import fmt_int

    page = (built / "index.html").read_text(encoding="utf-8")
    block = page.split('id="diukur"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", block, re.S)
    by_construct = {}
    for r in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        if not cells:  # the header row
            continue
        by_construct[html_unescape(re.sub(r"<[^>]+>", "", cells[1]))] = cells
    skp = by_construct["Kinerja pegawai (predikat SKP)"]
    assert 'href="synthesis.html#konstruk-skp_performance"' in skp[1]
    assert sorted(re.findall(r'href="(\w+)\.html"', skp[2])) == sorted(REGIONS)
    root = built.parent / "data" / "processed"
    asked = sorted(p.parent.name for p in root.glob("*/reaction.parquet"))
    assert asked, "the shipped surveys hold a satisfaction scale in some regions"
    level1 = by_construct["Kepuasan terhadap pelatihan"]
    assert sorted(re.findall(r'href="(\w+)\.html"', level1[2])) == asked
    synthesis = (built / "synthesis.html").read_text(encoding="utf-8")
    section = synthesis.split('id="Level-1', 1)[1]
    for slug in asked:
        n = pd.read_parquet(root / slug / "reaction.parquet")["n"].max()
        assert f">{fmt_int(n)}</td>" in section, slug


def test_the_moderation_answer_names_the_moderator_and_the_way_the_effect_differs():
    from types import SimpleNamespace

    import pandas as pd

    from helpers.core.config import load_registry
    from helpers.steps.sections.answers import SOURCES

    region = load_registry()["kepahiang"]
    het = pd.DataFrame(
        {
            "analysis": ["skp", "skp", "skp", "skp"],
            "moderator": ["resources_pre", "resources_pre", "female", "female"],
            "kind": ["continuous", "continuous", "categorical", "categorical"],
            "level": ["at mean", "per unit", "0.0", "1.0"],
            "estimate": [0.2, -0.04, 0.29, 0.08],
            "interaction_p_adj": [0.45, 0.45, 0.019, 0.019],
        }
    )
    text, anchor = SOURCES["moderation"](SimpleNamespace(read=lambda name: het, region=region))
    assert "dukungan sumber daya sebelum pelatihan" in text and "resources_pre" not in text
    assert "lebih besar pada laki-laki (0,29) daripada perempuan (0,08)" in text
    assert "p = 0,019" in text and "eksploratif" in text
    assert reader_problems(f"<p>{text}</p>") == []
    assert SOURCES["moderation"](SimpleNamespace(read=lambda name: None, region=region)) is None
    from dataclasses import replace

    in_english = replace(region, language="en").for_readers()
    english = SimpleNamespace(read=lambda name: het, region=in_english, language="en")
    text, anchor = SOURCES["moderation"](english)
    assert "resource support before the training" in text
    assert "larger among men (0.29) than among women (0.08)" in text
    assert indonesian_sentences(f"<p>{text}</p>") == []


def test_a_challenge_below_the_minimum_cell_shows_no_count():
    from types import SimpleNamespace

    import pandas as pd

    from helpers.steps.sections.body import challenges

    findings = pd.DataFrame(
        {
            "code": ["workload", "resources"],
            "label": ["Beban kerja tinggi", "Keterbatasan sumber daya"],
            "kind": ["challenge", "challenge"],
            "n_transcripts": [3, 15],
            "share_of_transcripts": [0.1875, 0.9375],
            "suppressed": [True, False],
            "example_quote": [None, None],
            "example_role": ["Kepala Bidang", "Staf"],
        }
    )
    r = SimpleNamespace(findings=findings, language="id", region=SimpleNamespace(min_cell_size=5))
    text = visible_text(str(challenges(r)))
    assert "Beban kerja tinggi: disebut dalam kurang dari 5 transkrip" in text
    assert "3 transkrip" not in text and "19" not in text
    assert "disebut dalam 15 transkrip (94%)" in text


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("slug", REGIONS)
def test_no_count_of_a_suppressed_code_reaches_the_report(built, slug):
    import pandas as pd

    text = visible_text((built / f"{slug}.html").read_text(encoding="utf-8"))
    findings = pd.read_parquet(built.parent / "data" / "processed" / slug / "qual_findings.parquet")
    for x in findings[findings["suppressed"].astype(bool)].itertuples():
        shown = re.findall(rf"{re.escape(x.label)}\W[^\n]{{0,40}}?\b(\d+)\s+trans", text)
        assert str(x.n_transcripts) not in shown, (x.label, shown)


def test_a_warmed_exporter_exports_what_a_cold_one_does(tmp_path):
    import nbformat

    from helpers.report.export import _exporter, export_report, warm_exporter

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>Rp 1.234</p>"})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Laporan **A**"), cell])
    nbformat.write(nb, tmp_path / "n.ipynb")
    _exporter.cache_clear()
    cold = export_report(tmp_path / "n.ipynb", tmp_path / "cold.html").read_text()
    _exporter.cache_clear()
    warm_exporter()
    warm = export_report(tmp_path / "n.ipynb", tmp_path / "warm.html").read_text()
    assert warm == cold and "<p>Rp 1.234</p>" in warm and "<title>Laporan A</title>" in warm
