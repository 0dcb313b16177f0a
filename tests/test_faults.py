"""Faults: a run killed with SIGKILL leaves every output whole and the previous build's set
intact, a re-run completes, and the raw data are never touched.

The pipeline runs in a subprocess on a temporary project with two small regions: once to the
end, then again (``--force``) until the first region's new report exists and the second region
has begun writing into its staging folder, when the whole process tree is killed (SIGKILL: no
cleanup handler runs). The first region's new outputs must be whole, the second region's
published outputs must be exactly those of the first build, nothing may be half-written under
its final name (stale ``.*.tmp`` temporaries may remain: that is what
:func:`helpers.io.storage.remove_stale_temporaries` is for), and a second run must finish both
regions. The small tests at the top check the storage layer itself (they are fast, not slow).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project

from helpers.core.config import ProjectPaths
from helpers.io.storage import atomic_path, remove_stale_temporaries, write_bytes_atomic
from helpers.runner.fingerprint import _stamp_file

FIRST, SECOND = "kemuning", "kalianda"
TEMPORARY = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.tmp$")  # atomic_path's temporaries
PAPERMILL_TEMPORARY = re.compile(r"^\.(.+)\.running\.ipynb$")  # run_notebook's


# --------------------------------------------------------------------------------------------
# the storage layer (fast)
# --------------------------------------------------------------------------------------------


def _touch(path: Path, data: bytes = b"x", age: float = 0.0) -> Path:
    path.write_bytes(data)
    if age:
        old = time.time() - age
        os.utime(path, (old, old))
    return path


def test_remove_stale_temporaries_removes_only_atomic_temporaries(tmp_path):
    stale = _touch(tmp_path / ".roster.parquet.k2j4_x9a.tmp")
    keep = [
        _touch(tmp_path / "roster.parquet"),
        _touch(tmp_path / ".fingerprint"),
        _touch(tmp_path / ".01-clean-survey.running.ipynb"),
        _touch(tmp_path / "notes.tmp"),
        _touch(tmp_path / ".short.tmp"),
    ]
    (tmp_path / ".dir.parquet.abcdefgh.tmp").mkdir()
    nested = tmp_path / "sub"
    nested.mkdir()
    inner = _touch(nested / ".x.csv.abcdefgh.tmp")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert not stale.exists()
    assert all(p.exists() for p in keep) and inner.exists()
    assert (tmp_path / ".dir.parquet.abcdefgh.tmp").is_dir()


def test_remove_stale_temporaries_can_be_limited_to_targets_and_age(tmp_path):
    mine = _touch(tmp_path / ".kemuning.html.abcdefgh.tmp", age=120)
    other = _touch(tmp_path / ".kalianda.html.abcdefgh.tmp", age=120)
    fresh = _touch(tmp_path / ".kemuning.html.zzzzzzzz.tmp")
    removed = remove_stale_temporaries(tmp_path, targets=["kemuning.html"], min_age=60)
    assert removed == [mine]
    assert other.exists() and fresh.exists()
    assert remove_stale_temporaries(tmp_path / "missing") == []


def test_atomic_write_failure_leaves_target_and_no_temporary(tmp_path):
    target = write_bytes_atomic(tmp_path / "t.bin", b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.bin"]


CHILD = """
import sys, time
from helpers.io.storage import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"new but not yet complete" * 1000)
    print("inside", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
def test_sigkill_during_an_atomic_write_keeps_the_old_file(tmp_path):
    target = write_bytes_atomic(tmp_path / "effects.parquet", b"old and whole")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "inside"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"old and whole"
    left = [p for p in tmp_path.iterdir() if p != target]
    assert len(left) == 1 and TEMPORARY.match(left[0].name), left
    assert remove_stale_temporaries(tmp_path) == left
    assert [p.name for p in tmp_path.iterdir()] == ["effects.parquet"]


# --------------------------------------------------------------------------------------------
# the pipeline, killed and run again (slow)
# --------------------------------------------------------------------------------------------


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _region_outputs(project: ProjectPaths, slug: str, *, build: bool = True) -> dict[str, str]:
    """SHA-256 of every file the region's run published (final names only), with its executed
    notebooks unless ``build`` is False."""
    out: dict[str, str] = {}
    folders = [project.published_region(slug), project.review_region(slug)]
    for folder in folders + ([project.build / slug] if build else []):
        if folder.is_dir():
            out.update(
                {f"{folder.relative_to(project.root)}/{k}": v for k, v in _hashes(folder).items()}
            )
    report = project.report_file(slug)
    out[str(report.relative_to(project.root))] = hashlib.sha256(report.read_bytes()).hexdigest()
    return out


def _output_files(project: ProjectPaths) -> list[Path]:
    folders = [project.processed, project.review, project.reports]
    return [p for f in folders if f.is_dir() for p in sorted(f.rglob("*")) if p.is_file()]


def _unreadable(path: Path) -> str | None:
    """Why a file under its final name is not whole, or None."""
    try:
        if path.suffix == ".parquet":
            pd.read_parquet(path)
        elif path.suffix == ".csv":
            pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            if not text.rstrip().endswith("</html>"):
                return "HTML without its closing </html>"
        elif path.suffix == ".ipynb":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.name == ".fingerprint" and not re.fullmatch(
            r"[0-9a-f]{64}", path.read_text().strip()
        ):
            return "not a SHA-256 fingerprint"
    except Exception as exc:  # what a reader would hit
        return f"{type(exc).__name__}: {exc}"
    return None


def _is_temporary(path: Path) -> bool:
    return bool(TEMPORARY.match(path.name) or PAPERMILL_TEMPORARY.match(path.name))


def _env(tmp: Path, project: ProjectPaths) -> dict[str, str]:
    return {
        **os.environ,
        "ASN_EVAL_ROOT": str(project.root),
        "ASN_EVAL_KEY_FILE": str(tmp / "pseudonym.key"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "PYTHONUNBUFFERED": "1",
    }


def _wait_for(condition, proc: subprocess.Popen, log: Path, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def _kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL the run's process group and every process it started (the Jupyter kernels run
    in sessions of their own), then wait until all are gone."""
    psutil = pytest.importorskip("psutil")
    try:
        tree = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    os.killpg(proc.pid, signal.SIGKILL)
    for child in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    _, alive = psutil.wait_procs(tree, timeout=30)
    assert not alive, f"processes survived SIGKILL: {alive}"


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """Build both regions, then SIGKILL a forced rebuild while the second region writes its
    tables into staging."""
    tmp = tmp_path_factory.mktemp("faults")
    project = copy_project(tmp / "proj", (FIRST, SECOND))
    raw_before = _hashes(project.raw)
    first_build = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--timeout", "600"],
        env=_env(tmp, project),
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert first_build.returncode == 0, first_build.stdout[-3000:] + first_build.stderr[-2000:]
    second_built = _region_outputs(project, SECOND, build=False)
    old_first_report = project.report_file(FIRST).stat().st_mtime_ns
    log = tmp / "run1.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "helpers.pipeline", "run", "--force", "--timeout", "600"],
            env=_env(tmp, project),
            cwd=tmp,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # the first region is finished when its stamp, written last, is back: the run
        # removed it when it began, and publishes, stamps and records the first region in
        # another process while the second region's notebooks run
        stamp = _stamp_file(project, FIRST)
        _wait_for(
            lambda: (
                project.report_file(FIRST).stat().st_mtime_ns != old_first_report
                and stamp.is_file()
            ),
            proc,
            log,
            240,
            f"the new {FIRST} report and its stamp",
        )
        staged = project.staging / SECOND
        _wait_for(
            lambda: staged.is_dir() and any(staged.iterdir()),
            proc,
            log,
            120,
            f"{SECOND} to start writing into staging",
        )
        first_before = _region_outputs(project, FIRST)
    finally:
        if proc.poll() is None:
            _kill_tree(proc)
    files = _output_files(project)
    copy = tmp / "outputs_after_kill"  # for the clean-up test, whatever runs after
    shutil.copytree(project.processed, copy / "processed")
    shutil.copytree(project.reports, copy / "reports")
    return {
        "tmp": tmp,
        "copy": copy,
        "project": project,
        "returncode": proc.returncode,
        "log": log.read_text(),
        "raw_before": raw_before,
        "raw_after": _hashes(project.raw),
        "first_before": first_before,
        "first_after": _region_outputs(project, FIRST),
        "second_built": second_built,
        "second_after": _region_outputs(project, SECOND, build=False),
        "staged_left": sorted(p.name for p in (project.staging / SECOND).glob("*")),
        "broken": {str(p): why for p in files if not _is_temporary(p) and (why := _unreadable(p))},
        "temporaries": [p for p in files if _is_temporary(p)],
    }


@pytest.fixture(scope="module")
def rerun(killed):
    """Run the same command again on the killed project, with one planted stale temporary."""
    project: ProjectPaths = killed["project"]
    planted = project.processed_region(SECOND) / ".effects.parquet.zz99zz99.tmp"
    planted.write_bytes(b"PAR1 half-written")
    proc = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--timeout", "600"],
        env=_env(killed["tmp"], project),
        cwd=killed["tmp"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    files = _output_files(project)
    return {
        "proc": proc,
        "planted": planted,
        "raw_after": _hashes(project.raw),
        "broken": {str(p): why for p in files if not _is_temporary(p) and (why := _unreadable(p))},
    }


@pytest.mark.slow
@pytest.mark.e2e
def test_sigkill_really_stopped_the_run_in_the_second_region(killed):
    assert killed["returncode"] == -signal.SIGKILL, killed["log"][-2000:]
    assert f"[{SECOND}] 01-clean-survey" in killed["log"]
    assert killed["staged_left"], "the kill came while the second region was staging"


@pytest.mark.slow
@pytest.mark.e2e
def test_the_killed_region_keeps_its_previous_set_whole(killed):
    """Nothing of the killed run reached the second region's published folder or report."""
    before, after = killed["second_built"], killed["second_after"]
    assert any(k.endswith(f"{SECOND}.html") for k in before)
    assert sum(k.endswith(".parquet") for k in before) >= 10
    assert after == before


@pytest.mark.slow
@pytest.mark.e2e
def test_first_region_outputs_are_byte_identical_after_the_kill(killed):
    before, after = killed["first_before"], killed["first_after"]
    assert any(k.endswith(f"{FIRST}.html") for k in before)
    assert sum(k.endswith(".parquet") for k in before) >= 10
    assert after == before


@pytest.mark.slow
@pytest.mark.e2e
def test_no_half_written_file_under_a_final_name(killed):
    assert killed["broken"] == {}
    for path in killed["temporaries"]:  # only ever hidden temporaries beside their target
        assert path.name.startswith(".") and _is_temporary(path)


@pytest.mark.slow
@pytest.mark.e2e
def test_stale_temporaries_of_the_kill_can_be_removed(killed):
    copy: Path = killed["copy"]
    before = {p for p in copy.rglob("*") if p.is_file()}
    removed = []
    for folder in [p for p in copy.rglob("*") if p.is_dir()]:
        removed += remove_stale_temporaries(folder)
    assert all(TEMPORARY.match(p.name) for p in removed)
    after = {p for p in copy.rglob("*") if p.is_file()}
    assert after == before - set(removed)
    assert not [p for p in after if TEMPORARY.match(p.name)]


@pytest.mark.slow
@pytest.mark.e2e
def test_rerun_completes_both_regions(rerun, killed):
    proc = rerun["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    project: ProjectPaths = killed["project"]
    for slug in (FIRST, SECOND):
        assert project.report_file(slug).is_file()
        assert re.search(rf"^{slug}\s+(ok|skipped)\b", proc.stdout, re.MULTILINE), proc.stdout
        assert pd.read_parquet(project.processed_region(slug) / "effects.parquet").shape[0] > 0
    assert (project.reports / "index.html").is_file()
    assert rerun["broken"] == {}


@pytest.mark.slow
@pytest.mark.e2e
def test_rerun_removes_stale_temporaries(rerun):
    assert not rerun["planted"].exists()


@pytest.mark.slow
@pytest.mark.e2e
def test_raw_data_byte_identical_through_kill_and_rerun(killed, rerun):
    assert len(killed["raw_before"]) >= 20
    assert killed["raw_after"] == killed["raw_before"]
    assert rerun["raw_after"] == killed["raw_before"]
