"""End to end: the real pipeline runs the real notebooks through papermill on a copy of the
shipped data, one region deliberately broken, and the real HTML is opened and checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIVE, copy_project

from helpers.core.config import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

GOOD = ["kemuning", "kalianda"]
BROKEN = "rusak"  # fails inside notebook 01 (a NIP listed twice in the roster)
BAD_CODEBOOK = "rusak_kode"  # fails the data check before any notebook runs
SCRIPT = "<script>alert('xss')</script>"
SECTIONS = [
    "Ringkasan eksekutif",
    "Level 1 – Reaksi",
    "Level 2 – Pembelajaran",
    "Level 3 – Perilaku",
    "Level 4 – Hasil",
    "Tantangan",
    "Rekomendasi",
    "Lampiran A: Metode",
    "Lampiran B: Kualitas data",
    "Lampiran C: Asal-usul",
]


def _project(tmp: Path) -> Path:
    """A copy of the project with two real regions, one whose roster lists a NIP twice and one
    whose codebook names a column its survey does not have."""
    first, last = [s for s in FIVE if s in GOOD]  # in the registry's order
    regions = [first, BROKEN, BAD_CODEBOOK, last]
    root = copy_project(
        tmp / "proj",
        regions,
        rename={BROKEN: "kemuning", BAD_CODEBOOK: "kemuning"},
        entries={
            BROKEN: {"name": "Wilayah Rusak (uji)"},
            BAD_CODEBOOK: {"name": "Wilayah Rusak Kodebuk (uji)"},
        },
    ).root
    roster = root / "data" / "raw" / BROKEN / "roster_pegawai.csv"
    lines = roster.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[1].split(",")[0] + lines[2][lines[2].index(",") :]  # row 2 repeats row 1's NIP
    roster.write_text("\n".join(lines), encoding="utf-8")
    book = root / "data" / "raw" / BAD_CODEBOOK / "codebook.csv"
    cb = pd.read_csv(book, dtype=str, keep_default_na=False)
    cb.loc[cb["raw_name"] == "Nilai Post-test", "raw_name"] = "Nilai Post-test (tidak ada)"
    cb.to_csv(book, index=False)
    # respondents' text with HTML: every quote in one region carries a script tag
    codes = root / "data" / "raw" / "kemuning" / "koding_wawancara.csv"
    seg = pd.read_csv(codes, dtype=str, keep_default_na=False)
    seg["Kutipan"] = seg["Kutipan"] + " " + SCRIPT
    seg.to_csv(codes, index=False)
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    root = _project(tmp)
    env = {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp / "k.key")}
    proc = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--timeout", "600"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=tmp,
    )
    return root, proc


def test_failing_region_does_not_stop_the_others(run):
    root, proc = run
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    for slug in GOOD:
        assert (root / "reports" / f"{slug}.html").is_file(), proc.stdout[-3000:]
    assert not (root / "reports" / f"{BROKEN}.html").exists()
    summary = proc.stdout[proc.stdout.index("region") :]
    assert re.search(rf"{BROKEN}\s+failed\s+[\d.]+\s+01-clean-survey cell \d+", summary), summary
    assert re.search(r"kemuning\s+ok", summary) and re.search(r"kalianda\s+ok", summary)
    kept = root / "reports" / "build" / BROKEN / "01-clean-survey.ipynb"
    assert kept.is_file() and "listed more than once" in kept.read_text(encoding="utf-8")
    # a codebook that names a missing column fails the data check, before any notebook runs
    assert re.search(rf"{BAD_CODEBOOK}\s+failed\s+0\.0\s+data check failed", summary), summary
    assert "Nilai Post-test (tidak ada)" in proc.stdout and "codebook row" in proc.stdout
    assert not (root / "reports" / "build" / BAD_CODEBOOK / "01-clean-survey.ipynb").exists()
    assert not (root / "reports" / f"{BAD_CODEBOOK}.html").exists()
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "gagal" in index and 'href="kemuning.html"' in index
    assert (root / "reports" / "synthesis.html").is_file()


@pytest.mark.parametrize("slug", GOOD)
def test_report_is_for_readers(run, slug):
    root, _ = run
    html = (root / "reports" / f"{slug}.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in html
    for section in SECTIONS:
        assert section in html, section
    main = html.split("<main>", 1)[1]
    assert "SINTETIS" in main.split('id="Ringkasan-eksekutif"')[0], "synthetic notice at the top"
    assert '<nav class="toc"' in html
    assert re.search(r"<b>Tabel 1\.</b>", html) and re.search(r"<b>Gambar 1\.</b>", html)
    # no code, prompts, parameters, tracebacks, warnings or stderr
    for marker in (
        "input_area",
        "jp-InputArea",
        "In&nbsp;[",
        "Traceback",
        "Warning:",
        "output_stderr",
        'region = "',
        "injected-parameters",
        "ipykernel",
    ):
        assert marker not in html, marker
    # every image embedded; nothing loads from the network
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert imgs and all(src.startswith("data:image/svg+xml;base64,") for src in imgs)
    assert not re.search(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', html)
    assert "<script" not in html.lower().replace("&lt;script", "")


def test_respondent_text_is_escaped_and_personal_data_absent(run):
    root, _ = run
    html = (root / "reports" / "kemuning.html").read_text(encoding="utf-8")
    assert re.search(
        r"&lt;script&gt;alert\((?:'|&#x27;|&#39;)xss(?:'|&#x27;|&#39;)\)&lt;/script&gt;", html
    )
    assert "<script>" not in html
    assert not re.search(r"(?<!\d)\d{18}(?!\d)", html), "a NIP in the report"
    roster = pd.read_csv(root / "data" / "raw" / "kemuning" / "roster_pegawai.csv", dtype=str)
    leaked = [n for n in roster["Nama"] if n in html]
    assert not leaked, leaked[:3]


def test_raw_data_untouched_and_outputs_complete(run):
    root, _ = run
    for slug in GOOD:
        out = root / "data" / "processed" / slug
        for name in (
            "roster.parquet",
            "effects.parquet",
            "qual_findings.parquet",
            "cleaning_log.csv",
        ):
            assert (out / name).is_file(), name
        assert not list(out.glob(".*.tmp")), "no half-written temporary file"
        original = PROJECT_ROOT / "data" / "raw" / slug
        for f in original.iterdir():
            if slug == "kemuning" and f.name == "koding_wawancara.csv":
                continue  # planted <script> in the test copy
            assert (root / "data" / "raw" / slug / f.name).read_bytes() == f.read_bytes()


def test_a_batch_run_draws_only_the_reports_figures(run):
    root, _ = run
    for slug in GOOD:
        for name in ("02-clean-interviews", "03-estimate-effects"):
            executed = json.loads(
                (root / "reports" / "build" / slug / f"{name}.ipynb").read_text(encoding="utf-8")
            )
            kinds = {
                k
                for c in executed["cells"]
                for o in c.get("outputs", ())
                for k in o.get("data", {})
            }
            assert not kinds & {"image/png", "image/svg+xml"}, (slug, name)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HARNESS = """<!DOCTYPE html><html><body><div id="out">pending</div>
<iframe id="f" src="{page}" style="width:1200px;height:800px"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, imgs = d.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {{ if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++; }}
  var remote = this.contentWindow.performance.getEntriesByType('resource')
      .map(function (e) {{ return e.name; }})
      .filter(function (n) {{ return !/^(data|file|about):/.test(n); }});
  document.getElementById('out').textContent =
      'images=' + imgs.length + ';loaded=' + ok + ';remote=' + remote.length +
      ';scripts=' + d.scripts.length + ';title=' + d.title;
}});
</script></body></html>"""


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("slug", ["kemuning"])
def test_report_renders_offline_in_chromium(run, slug, tmp_path):
    root, _ = run
    page = root / "reports" / f"{slug}.html"
    harness = root / "reports" / "_harness.html"
    harness.write_text(HARNESS.format(page=page.name), encoding="utf-8")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--allow-file-access-from-files",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=15000",
        "--dump-dom",
        harness.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    harness.unlink()
    found = re.search(r'<div id="out">([^<]*)</div>', proc.stdout)
    assert found, proc.stderr[-2000:]
    fields = dict(kv.split("=", 1) for kv in found.group(1).split(";"))
    assert int(fields["images"]) > 0 and fields["loaded"] == fields["images"], fields
    assert fields["remote"] == "0" and fields["scripts"] == "0", fields
    assert fields["title"].startswith("Laporan evaluasi"), fields
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    assert not [c for c in console if "Uncaught" in c or "Failed to load" in c], console
