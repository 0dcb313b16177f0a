"""Every failure is a region's failure, in every executor, and a failed region keeps its old set.

A temporary project holds five copies of one small region. After a first clean build, the
notebooks are given extra cells that make four regions fail at four different stages of the
runner, for real (no mocks, so the local worker processes and the Dask workers see the same
faults): ``leaky`` prints a roster name (the disclosure scan must stop it), ``remote`` shows an
image from the network (the export must refuse it), ``edited`` changes one of its raw files
while it runs (the inputs' fingerprint at the end differs from the start), ``crash`` raises an
error quoting a roster name and a NIP (its message is masked, its executed notebook removed).
The run goes on
with the others in the sequential, ``--jobs 2`` and Dask executors alike; the failed regions'
published tables and reports are exactly those of the first build, nothing is left in
staging, and no output anywhere holds a machine path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from helpers.core.config import PROJECT_ROOT, ProjectPaths
from helpers.runner.run import run_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

GOOD, LEAKY, REMOTE, EDITED, CRASH = "kemuning", "leaky", "remote", "edited", "crash"
REGIONS = [GOOD, LEAKY, REMOTE, EDITED, CRASH]

FAULT_01 = (
    "if region == 'edited':  # a person edits a raw file while the region runs\n"
    "    from helpers.core.config import paths as _p\n"
    "    _f = _p.raw_region(region) / 'SINTETIS.txt'\n"
    "    _f.write_text(_f.read_text(encoding='utf-8') + ' ', encoding='utf-8')\n"
    "if region == 'crash':  # an error that quotes a raw row, as a reader's error can\n"
    "    from helpers.steps.scan import roster_identifiers as _ids\n"
    "    _names, _nips = _ids(region)\n"
    "    _name = next(n for n in _names if len(n.split()) >= 2)\n"
    "    raise ValueError(f'row 7 has 9 fields: {_name}; NIP {_nips[0]}')"
)
FAULT_04 = (
    "from IPython.display import HTML as _HTML\n"
    "if region == 'leaky':\n"
    "    from helpers.steps.scan import roster_identifiers as _ids\n"
    "    _name = next(n for n in _ids(region)[0] if len(n.split()) >= 2)\n"
    "    display(_HTML(f'<p>Narasumber: {_name}</p>'))\n"
    "if region == 'remote':\n"
    "    display(_HTML('<img src=\"https://cdn.example.org/logo.png\">'))"
)


def _append_cell(notebook: Path, code: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def project(make_project):
    project = make_project("isolation", REGIONS, rename={s: GOOD for s in REGIONS})
    root, tmp = project.root, project.root.parent
    mp = pytest.MonkeyPatch()
    mp.setenv("ASN_EVAL_ROOT", str(root))
    mp.setenv("ASN_EVAL_KEY_FILE", str(tmp / "k.key"))
    first = run_pipeline(REGIONS, project=project, force=True, synthesis=False)
    assert [r.status for r in first] == ["ok"] * len(REGIONS), [r.error or r.failing for r in first]
    built = {s: _published(project, s) for s in REGIONS}
    _append_cell(root / "notebooks" / "01-clean-survey.ipynb", FAULT_01)
    _append_cell(root / "notebooks" / "04-region-report.ipynb", FAULT_04)
    yield project, built
    mp.undo()


def _published(project: ProjectPaths, slug: str) -> dict[str, str]:
    files = sorted(project.published_region(slug).glob("*")) + [project.report_file(slug)]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def _check(project: ProjectPaths, built: dict, results: list) -> None:
    by = {r.region: r for r in results}
    assert by[GOOD].status == "ok", by[GOOD].error or by[GOOD].failing
    assert "disclosure check failed" in by[LEAKY].error and "name" in by[LEAKY].error
    assert "export failed" in by[REMOTE].error and "network" in by[REMOTE].error
    assert "inputs changed during the run" in by[EDITED].error
    for slug in (LEAKY, REMOTE, EDITED, CRASH):
        assert _published(project, slug) == built[slug], f"{slug}'s old set was touched"
        assert by[slug].report is None
    assert not [p for p in project.staging.rglob("*") if p.is_file()], "staging left behind"
    assert not (project.reports / ".staging").exists() or not any(
        (project.reports / ".staging").iterdir()
    )
    assert not list((project.build / LEAKY).glob("*.ipynb")), "a leaking notebook was kept"
    crashed = next(st for st in by[CRASH].steps if st.status != "ok")
    assert "row 7 has 9 fields" in crashed.error and "[NIP]" in crashed.error
    assert "[nama]" in crashed.error and "held personal data and was removed" in crashed.error
    assert not crashed.output.exists(), "a failed notebook quoting a roster name was kept"
    assert _published(project, CRASH) == built[CRASH]
    assert (project.reports / "index.html").is_file()


def test_sequential_run_isolates_each_failing_stage(project):
    project, built = project
    _check(project, built, run_pipeline(REGIONS, project=project, force=True))


def test_parallel_run_isolates_each_failing_stage(project):
    project, built = project
    _check(project, built, run_pipeline(REGIONS, project=project, force=True, jobs=2))


def test_distributed_run_isolates_each_failing_stage(project):
    from distributed import LocalCluster

    project, built = project
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        results = run_pipeline(
            REGIONS, project=project, force=True, scheduler=cluster.scheduler_address
        )
    _check(project, built, results)


def test_a_dead_worker_fails_only_its_region():
    from helpers.runner.distributed import run_on_cluster

    class _Dead:
        def result(self):
            from types import SimpleNamespace

            from distributed.scheduler import KilledWorker

            raise KilledWorker("region-b", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)

    class _Alive:
        def __init__(self, slug):
            self.slug = slug

        def result(self):
            from helpers.runner.regions import RegionResult

            return RegionResult(self.slug)

    class _Client:
        def __init__(self, address):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, slug, *args, **kwargs):
            return _Dead() if slug == "b" else _Alive(slug)

    said = []
    results = run_on_cluster(
        ["a", "b", "c"],
        scheduler="tcp://nowhere:1",
        project=ProjectPaths(Path("/nonexistent")),
        timeout=1,
        kernel_name="python3",
        force=True,
        key=b"k" * 32,
        say=said.append,
        client_factory=_Client,
    )
    assert [r.region for r in results] == ["a", "b", "c"]
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert "KilledWorker" in results[1].error and said


def test_no_output_holds_a_machine_path(project):
    project, _ = project
    run_pipeline([GOOD], project=project, force=True)
    needles = {str(project.root), str(project.root.resolve()), str(PROJECT_ROOT), str(Path.home())}
    needles = {n for n in needles if len(n) > 4}
    folders = [project.processed, project.review, project.reports]
    files = [p for f in folders for p in f.rglob("*") if p.is_file()]
    assert files
    found = {}
    for f in files:
        data = f.read_bytes()
        hits = [n for n in needles if n.encode() in data]
        if hits:
            found[str(f.relative_to(project.root))] = hits
    assert found == {}, json.dumps(found, indent=1)
