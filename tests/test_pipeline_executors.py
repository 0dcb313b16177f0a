"""Incremental rebuilds, parallel (--jobs) and distributed (Dask) runs give the same outputs as
the sequential run, on a temporary project with two small regions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from helpers.core.config import ProjectPaths
from helpers.runner.notebooks import REGION_NOTEBOOKS, SYNTHESIS_NOTEBOOK
from helpers.runner.run import run_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

REGIONS = ["kemuning", "kemuning_b"]


@pytest.fixture(scope="module")
def project(make_project):
    project = make_project("executors", REGIONS, rename={"kemuning_b": "kemuning"})
    root, tmp = project.root, project.root.parent
    mp = pytest.MonkeyPatch()
    # kernels and workers read the project root and key from the environment
    mp.setenv("ASN_EVAL_ROOT", str(root))
    mp.setenv("ASN_EVAL_KEY_FILE", str(tmp / "k.key"))
    yield project
    mp.undo()


def _digest(project: ProjectPaths) -> dict[str, str]:
    """Hashes of the processed outputs (the HTML carries a build time, so it is left out)."""
    out = {}
    for slug in REGIONS:
        for f in sorted(project.processed_region(slug).glob("*")):
            out[f"{slug}/{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _synthesis_regions(project: ProjectPaths) -> list[str]:
    """The regions the last synthesis ran over (its injected parameter)."""
    import nbformat

    nb = nbformat.read(project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb", as_version=4)
    return nb.metadata.papermill.parameters["regions"].split(",")


def _synthesis_outputs(project: ProjectPaths) -> list[str]:
    """What the executed synthesis notebook shows (its outputs: the page's sections)."""
    import nbformat

    nb = nbformat.read(project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb", as_version=4)
    return [
        str(o.get("data", {}).get("text/html") or o.get("text") or "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ]


def test_parallel_and_distributed_runs_match_the_sequential_run(project):
    sequential = run_pipeline(REGIONS, project=project, force=True, synthesis=True)
    assert [r.status for r in sequential] == ["ok", "ok"]
    expected = _digest(project)
    assert any(k.endswith("effects.parquet") for k in expected)
    # the synthesis reads each region's effects and reactions (Level 1, which these have)
    synthesis = _synthesis_outputs(project)
    assert any("Kepuasan peserta terhadap pelatihan diukur di" in o for o in synthesis)

    parallel = run_pipeline(REGIONS, project=project, force=True, jobs=2, synthesis=True)
    assert [r.region for r in parallel] == REGIONS  # the registry's order, not the finish order
    assert [r.status for r in parallel] == ["ok", "ok"]
    assert all([s.notebook for s in r.steps] == list(REGION_NOTEBOOKS) for r in parallel)
    assert _digest(project) == expected
    assert _synthesis_regions(project) == REGIONS
    # its synthesis ran while regions were still staged: it read the same tables
    assert _synthesis_outputs(project) == synthesis
    assert (project.reports / "index.html").is_file()

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        distributed = run_pipeline(
            REGIONS,
            project=project,
            force=True,
            scheduler=cluster.scheduler_address,
            synthesis=True,
        )
    assert [r.status for r in distributed[:2]] == ["ok", "ok"]
    assert _digest(project) == expected
    assert _synthesis_outputs(project) == synthesis
    for slug in REGIONS:
        assert project.report_file(slug).is_file()
    assert (project.reports / "index.html").is_file()


def test_rebuild_skips_what_did_not_change(project):
    run_pipeline(REGIONS, project=project, force=False)  # bring everything up to date
    again = run_pipeline(REGIONS, project=project, force=False)  # speed: benchmarks/batch.py
    assert [r.status for r in again] == ["skipped", "skipped"]
    assert all(not r.steps for r in again), "no notebook ran"
    # change one region's raw data: only that region is rebuilt
    raw = project.raw_region("kemuning_b") / "tes_pre_post.csv"
    raw.write_bytes(raw.read_bytes().replace(b";", b";", 1) + b"\n")
    changed = run_pipeline(REGIONS, project=project, force=False)
    assert [r.status for r in changed] == ["skipped", "ok"]
    assert Path(changed[1].report).is_file()


def test_parallel_run_with_a_failing_region(project):
    """A region whose cleaning fails stops there; the other is built and the synthesis runs
    over it alone."""
    roster = project.raw_region("kemuning_b") / "roster_pegawai.csv"
    original = roster.read_bytes()
    lines = original.decode("utf-8").split("\n")
    lines[2] = lines[1].split(",")[0] + lines[2][lines[2].index(",") :]  # a NIP listed twice
    try:
        roster.write_bytes("\n".join(lines).encode("utf-8"))
        results = run_pipeline(REGIONS, project=project, force=True, jobs=2)
    finally:
        roster.write_bytes(original)
    ok, failed = results[:2]
    assert ok.status == "ok" and project.report_file("kemuning").is_file()
    assert failed.status == "failed" and failed.failing.startswith("01-clean-survey cell")
    ran = [s.notebook for s in failed.steps]
    assert "03-estimate-effects" not in ran and "04-region-report" not in ran
    assert _synthesis_regions(project) == ["kemuning"]


def test_a_notebook_after_another_regions_gives_what_a_fresh_kernel_gives(make_project):
    """Issue 14: one kernel state per notebook. Kemuning's notebooks run in the kernel that
    has just run Kepahiang's (the sequential batch), then alone in a fresh kernel: every
    processed output is byte-identical. And one run's outputs per folder: a stale check table
    left in the published folder is gone after the next run."""
    project = make_project("kernel_state", ["kepahiang", "kemuning"])
    mp = pytest.MonkeyPatch()
    mp.setenv("ASN_EVAL_ROOT", str(project.root))
    mp.setenv("ASN_EVAL_KEY_FILE", str(project.root.parent / "k.key"))
    try:
        after = run_pipeline(["kepahiang", "kemuning"], project=project, force=True,
                             synthesis=False)  # fmt: skip
        assert [r.status for r in after] == ["ok", "ok"]
        shared = {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(project.processed_region("kemuning").glob("*"))
        }
        alone = run_pipeline(["kemuning"], project=project, force=True, synthesis=False)
        assert [r.status for r in alone] == ["ok"]
        fresh = {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(project.processed_region("kemuning").glob("*"))
        }
        # a check table of an earlier design (kemuning has no roll-out) does not survive a run
        stale = project.published_region("kemuning") / "pretrends.parquet"
        stale.write_bytes((project.published_region("kemuning") / "effects.parquet").read_bytes())
        again = run_pipeline(["kemuning"], project=project, force=True, synthesis=False)
        assert [r.status for r in again] == ["ok"] and not stale.exists()
    finally:
        mp.undo()
    assert len(shared) > 10 and fresh == shared
