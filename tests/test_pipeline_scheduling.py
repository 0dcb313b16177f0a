"""The parallel executor's bookkeeping (helpers.runner.parallel._ParallelRun), driven by hand: which
notebooks may start, what a failure stops, and when the synthesis runs (and runs again).

No notebook runs here; outcomes are made up. The real parallel run is compared with the
sequential one in test_pipeline_executors.py (slow)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import nbformat
import pytest

from helpers.core.config import ProjectPaths, load_registry
from helpers.runner.notebooks import (
    NOTEBOOK_NEEDS,
    REGION_NOTEBOOKS,
    SYNTHESIS_NOTEBOOK,
    StepResult,
)
from helpers.runner.parallel import _ParallelRun, estimated_seconds
from helpers.runner.scheduling import Outcome

CLEAN, CODES, ESTIMATE, REPORT = REGION_NOTEBOOKS
SLUGS = ["big", "small"]


@pytest.fixture
def project(temp_project) -> ProjectPaths:
    project = temp_project(SLUGS, rename={s: "kemuning" for s in SLUGS})
    tmp_path = project.root
    # "big" has more raw data, so it is expected to take longer
    extra = tmp_path / "data/raw/big/padding.csv"
    extra.write_text("x\n" + "1\n" * 200_000)
    return project


def _run(project: ProjectPaths, **kw) -> _ParallelRun:
    registry = load_registry(project.config_file)
    opts = dict(timeout=60, kernel_name="python3", force=True, synthesis=True, say=lambda m: None)
    return _ParallelRun(SLUGS, registry, project=project, **{**opts, **kw})


def _ok(project, task, status="ok", report=None, error=None) -> Outcome:
    slug, name = task.key
    step = StepResult(name, status, 1.0, project.build / slug / f"{name}.ipynb")
    return Outcome(task, result=(step, report, error))


def _published_with_synthesis(project: ProjectPaths, effects: bytes, page: str) -> Path:
    """The state after a build: each region's published effects, the synthesis page and its
    stamp over them; returns the stamp."""
    from helpers.runner.fingerprint import _synthesis_fingerprint

    for slug in SLUGS:
        folder = project.published_region(slug)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "effects.parquet").write_bytes(effects)
    project.reports.mkdir(parents=True, exist_ok=True)
    (project.reports / "synthesis.html").write_text(page)
    project.build.mkdir(parents=True, exist_ok=True)
    stamp = project.build / ".synthesis.fingerprint"
    stamp.write_text(_synthesis_fingerprint(SLUGS, project))
    return stamp


def _keys(tasks) -> list:
    return [t.key for t in tasks]


def _started(run: _ParallelRun) -> list:
    """Pass every region's data check (the first tasks); return the tasks offered then."""
    from helpers.runner.parallel import CHECK

    checks = run.initial()
    assert sorted(_keys(checks)) == sorted((s, CHECK) for s in SLUGS)
    return [t for c in checks for t in run.on_result(Outcome(c, result=(None, [])))]


def test_notebooks_start_when_what_they_need_ended(project):
    run = _run(project)
    first = _started(run)
    # 01 and 02 of both regions are ready; 01 of the bigger region is the most urgent
    assert sorted(_keys(first)) == sorted((s, n) for s in SLUGS for n in (CLEAN, CODES))
    assert max(first, key=lambda t: t.priority).key == ("big", CLEAN)
    by_key = {t.key: t for t in first}
    assert _keys(run.on_result(_ok(project, by_key["big", CODES]))) == []  # 04 still waits
    (estimate,) = run.on_result(_ok(project, by_key["big", CLEAN]))
    assert estimate.key == ("big", ESTIMATE)
    (report,) = run.on_result(_ok(project, estimate))
    assert report.key == ("big", REPORT) and report.args[5] is True  # the last one also exports
    assert run.on_result(_ok(project, report, report=Path("big.html"))) == []
    assert run.results["big"].status == "ok"
    assert [s.notebook for s in run.results["big"].steps] == list(REGION_NOTEBOOKS)


def test_each_region_is_data_checked_on_a_worker_before_its_notebooks(project):
    from helpers.runner.parallel import CHECK

    said: list[str] = []
    run = _run(project, say=said.append)
    checks = run.initial()
    # the bigger region's chain is the longer one: its check goes first
    assert max(checks, key=lambda t: t.priority).key == ("big", CHECK)
    assert all(c.priority > run.rank[c.key[0], CLEAN] for c in checks)
    by_key = {t.key: t for t in checks}
    failed = Outcome(by_key["small", CHECK], result=("data check failed: Roster.csv", ["x"]))
    assert run.on_result(failed) == []  # a region that fails its data check never starts
    assert run.results["small"].status == "failed" and run.results["small"].steps == []
    assert "data check failed" in run.results["small"].error and said == ["x"]
    offered = run.on_result(Outcome(by_key["big", CHECK], result=(None, [])))
    assert sorted(_keys(offered)) == [("big", CLEAN), ("big", CODES)]
    # the check job itself, as a worker runs it: the shipped region passes; no exception
    from helpers.runner.parallel import _check_job

    assert _check_job("big", str(project.root)) == (None, [])
    error, said = _check_job("no_such_region", str(project.root))
    assert "no_such_region" in error and said == [f"[no_such_region] {error}"]
    # a worker that died: the region fails, and says so
    run = _run(project, say=said.append)
    (check, _) = sorted(run.initial(), key=lambda t: t.key)
    assert run.on_result(Outcome(check, error=RuntimeError("worker died"))) == []
    assert "data check failed: worker died" in run.results["big"].error
    assert said[-1] == f"[big] {run.results['big'].error}"


def test_a_failed_notebook_stops_its_region_only(project):
    run = _run(project)
    by_key = {t.key: t for t in _started(run)}
    assert run.on_result(_ok(project, by_key["small", CLEAN], status="failed")) == []
    assert run.on_result(_ok(project, by_key["small", CODES])) == []  # 04 never starts
    assert run.results["small"].status == "failed"
    assert run.results["small"].failing == CLEAN
    (estimate,) = run.on_result(_ok(project, by_key["big", CLEAN]))
    assert estimate.key == ("big", ESTIMATE)


def test_a_worker_that_died_fails_the_step_with_its_error(project):
    run = _run(project)
    by_key = {t.key: t for t in _started(run)}
    run.on_result(Outcome(by_key["big", CLEAN], error=RuntimeError("worker died")))
    step = run.results["big"].steps[0]
    assert step.status == "failed" and "worker died" in step.error


def test_synthesis_starts_once_every_region_is_past_03_and_reruns_without_a_late_failure(
    project,
):
    run = _run(project)
    by_key = {t.key: t for t in _started(run)}
    for slug in SLUGS:
        run.on_result(_ok(project, by_key[slug, CODES]))
    (big_e,) = run.on_result(_ok(project, by_key["big", CLEAN]))
    (small_e,) = run.on_result(_ok(project, by_key["small", CLEAN]))
    (big_r,) = run.on_result(_ok(project, big_e))
    ready = run.on_result(_ok(project, small_e))
    assert sorted(map(str, _keys(ready))) == sorted(
        ["('small', '04-region-report')", "__synthesis__"]
    )
    synthesis = next(t for t in ready if t.key == "__synthesis__")
    assert synthesis.args[0] == SLUGS
    small_r = next(t for t in ready if t.key != "__synthesis__")
    # the small region's report then fails its disclosure check: the synthesis runs again
    run.on_result(_ok(project, big_r, report=Path("big.html")))
    assert run.on_result(_ok(project, small_r, error="disclosure check failed: 1 NIP")) == []
    from helpers.runner.regions import RegionResult

    (again,) = run.on_result(Outcome(synthesis, result=RegionResult("__synthesis__")))
    assert again.key == "__synthesis__" and again.args[0] == ["big"]
    assert run.on_result(Outcome(again, result=RegionResult("__synthesis__"))) == []


def _past_estimates(project, run) -> list:
    """Drive every region through 01, 02 and 03; return the tasks offered last."""
    by_key = {t.key: t for t in _started(run)}
    offered = []
    for slug in SLUGS:
        run.on_result(_ok(project, by_key[slug, CODES]))
        (estimate,) = run.on_result(_ok(project, by_key[slug, CLEAN]))
        offered = run.on_result(_ok(project, estimate))
    return offered


def test_no_synthesis_when_it_is_not_asked_for(project):
    run = _run(project, synthesis=False)
    assert run.syn_result is None
    offered = _past_estimates(project, run)
    assert [t.key for t in offered] == [("small", REPORT)]  # and no synthesis


def test_the_synthesis_is_offered_when_asked_for(project):
    offered = _past_estimates(project, _run(project))
    assert "__synthesis__" in [t.key for t in offered]


def test_a_synthesis_whose_regions_all_failed_later_is_withdrawn(project):
    run = _run(project)
    by_key = {t.key: t for t in _started(run)}
    reports = []
    synthesis = None
    for slug in SLUGS:
        run.on_result(_ok(project, by_key[slug, CODES]))
        (estimate,) = run.on_result(_ok(project, by_key[slug, CLEAN]))
        for task in run.on_result(_ok(project, estimate)):
            if task.key == "__synthesis__":
                synthesis = task
            else:
                reports.append(task)
    # the speculative synthesis ran and wrote its report and stamp
    project.reports.mkdir(parents=True, exist_ok=True)
    (project.reports / "synthesis.html").write_text("<p>old</p>")
    project.build.mkdir(parents=True, exist_ok=True)
    (project.build / ".synthesis.fingerprint").write_text("x")
    from helpers.runner.regions import RegionResult

    run.on_result(Outcome(synthesis, result=RegionResult("__synthesis__")))
    # then every region fails its disclosure check, one after the other
    first, second = reports
    (rerun,) = run.on_result(_ok(project, first, error="disclosure check failed"))
    assert rerun.key == "__synthesis__" and rerun.args[0] == [second.key[0]]
    assert not (project.reports / "synthesis.html").exists()  # withdrawn at once
    (project.reports / "synthesis.html").write_text("<p>rerun</p>")  # the rerun writes it
    assert run.on_result(_ok(project, second, error="disclosure check failed")) == []
    assert run.on_result(Outcome(rerun, result=RegionResult("__synthesis__"))) == []
    assert not (project.reports / "synthesis.html").exists()
    assert not (project.build / ".synthesis.fingerprint").exists()
    assert run.syn_result.steps == [] and not run.syn_result.report


def test_a_job_that_raises_outside_the_notebook_returns_a_failed_step(project):
    """Worker jobs never raise: an exception the main process cannot rebuild would break
    the pool and fail the other worker's notebook too."""
    from helpers.runner.parallel import _step_job

    step, report, error = _step_job(
        "no_such_region", CLEAN, str(project.root), 60, "python3", False
    )
    assert step.status == "failed" and "no_such_region" in step.error
    assert report is None and error is None


def test_notebook_needs_are_a_dag_over_the_region_notebooks():
    assert list(NOTEBOOK_NEEDS) == list(REGION_NOTEBOOKS)
    for i, name in enumerate(REGION_NOTEBOOKS):
        assert set(NOTEBOOK_NEEDS[name]) <= set(REGION_NOTEBOOKS[:i])
    assert SYNTHESIS_NOTEBOOK not in NOTEBOOK_NEEDS


def test_estimates_come_from_the_last_build_else_from_raw_size(project):
    fresh = estimated_seconds(SLUGS, project=project)
    assert fresh["big", CLEAN] > fresh["small", CLEAN]  # by raw size, nothing built yet
    # "small" was built and its 01 took 9 s: that is its estimate, and "big" is scaled from it
    built = project.build / "small"
    built.mkdir(parents=True)
    (built / f"{CLEAN}.ipynb").write_text(
        json.dumps({"metadata": {"papermill": {"duration": 9.0}}})
    )
    (built / f"{CODES}.ipynb").write_text("{ not json")  # unreadable: estimated from size
    est = estimated_seconds(SLUGS, project=project)
    assert est["small", CLEAN] == 9.0
    assert est["big", CLEAN] > 9.0
    assert est["small", CODES] > 0


# ------------------------------------------------------------------ sequential: checks ahead


def test_a_sequential_run_checks_the_next_region_while_a_region_runs(monkeypatch, tmp_path):
    """While region i's notebooks run, region i+1 is checked in a thread; each region's
    messages are still said at its own turn, in the registry's order."""
    import contextlib
    import threading

    import helpers.runner.run as run_module
    from helpers.runner.regions import RegionResult, _prepare_region

    registry = load_registry()
    chosen = list(registry)[:3]
    started = {slug: threading.Event() for slug in chosen}
    said: list[str] = []

    def check_region_ahead(region, project, force, *, key=None):
        started[region.slug].set()
        return RegionResult(region.slug), False, [f"[{region.slug}] checked"]

    def run_region(region, *, checked, progress, **_kwargs):
        position = chosen.index(region.slug)
        if position + 1 < len(chosen):  # the next region's check starts before this one ends
            assert started[chosen[position + 1]].wait(timeout=30), "next region not checked"
        result, go = _prepare_region(region, None, True, progress, checked=checked)
        progress(f"[{region.slug}] ran")
        return result

    monkeypatch.setattr(run_module, "check_region_ahead", check_region_ahead)
    monkeypatch.setattr(run_module, "run_region", run_region)
    monkeypatch.setattr(run_module, "FinishElsewhere", lambda *a, **k: contextlib.nullcontext())
    results = run_module._run_regions(
        chosen, registry, project=ProjectPaths(tmp_path), timeout=60, kernel_name="python3",
        force=True, scheduler=None, progress=said.append,
    )  # fmt: skip
    assert [r.region for r in results] == chosen
    assert said == [m for slug in chosen for m in (f"[{slug}] checked", f"[{slug}] ran")]


class _CountingKernel:
    """Stands in for RegionKernel: records prestart calls."""

    def __init__(self) -> None:
        self.prestarts: list[dict] = []

    @property
    def started(self) -> bool:
        return bool(self.prestarts)

    def prestart(self, **kwargs) -> None:
        self.prestarts.append(kwargs)


def _sequential(monkeypatch, tmp_path, *, force: bool, go: dict[str, bool], kernel):
    import contextlib

    import helpers.runner.run as run_module
    from helpers.runner.regions import RegionResult

    registry = load_registry()
    chosen = list(registry)[:3]
    order: list[str] = []

    def check_region_ahead(region, project, force, *, key=None):
        return RegionResult(region.slug), go[region.slug], []

    def run_region(region, *, checked, **_kwargs):
        order.append(f"{region.slug} ({len(kernel.prestarts)} prestart)")
        return checked.result()[0]

    monkeypatch.setattr(run_module, "check_region_ahead", check_region_ahead)
    monkeypatch.setattr(run_module, "run_region", run_region)
    monkeypatch.setattr(run_module, "FinishElsewhere", lambda *a, **k: contextlib.nullcontext())
    project = ProjectPaths(tmp_path)
    (tmp_path / "notebooks").mkdir(exist_ok=True)
    nbformat.write(_import_notebook(), tmp_path / "notebooks" / "01-clean-survey.ipynb")
    run_module._run_regions(
        chosen, registry, project=project, timeout=60, kernel_name="python3", force=force,
        scheduler=None, progress=None, kernel=kernel,
    )  # fmt: skip
    return chosen, order


def _import_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import colorsys\nx = 1")]
    return nb


def test_a_forced_sequential_run_starts_its_kernel_before_the_first_region(monkeypatch, tmp_path):
    kernel = _CountingKernel()
    go = dict.fromkeys(load_registry(), True)
    chosen, order = _sequential(monkeypatch, tmp_path, force=True, go=go, kernel=kernel)
    assert order == [f"{slug} (1 prestart)" for slug in chosen]  # once, before the first
    (call,) = kernel.prestarts
    assert call["warm"] == ["import colorsys"]  # the first notebook's imports
    assert call["cwd"] == tmp_path / "notebooks"


def test_an_incremental_run_starts_its_kernel_only_for_a_region_that_will_run(
    monkeypatch, tmp_path
):
    registry = list(load_registry())
    kernel = _CountingKernel()
    go = dict.fromkeys(registry, False)
    chosen, order = _sequential(monkeypatch, tmp_path, force=False, go=go, kernel=kernel)
    assert kernel.prestarts == []  # nothing changed: no kernel at all
    go[registry[1]] = True
    chosen, order = _sequential(monkeypatch, tmp_path, force=False, go=go, kernel=kernel)
    assert order == [f"{chosen[0]} (0 prestart)", f"{chosen[1]} (1 prestart)",
                     f"{chosen[2]} (1 prestart)"]  # fmt: skip


def test_a_local_worker_starts_its_kernel_when_it_starts(monkeypatch, tmp_path):
    """--jobs: each worker's initializer boots the worker's kernel with the first notebook's
    imports, so it boots beside the worker's first task (a data check) instead of after it."""
    import helpers.runner.parallel as parallel

    kernel = _CountingKernel()
    monkeypatch.setattr(parallel, "_worker_kernel", lambda name: kernel)
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_import_notebook(), tmp_path / "notebooks" / "01-clean-survey.ipynb")
    parallel._warm_worker("python3", str(tmp_path))
    (call,) = kernel.prestarts
    assert call == {"cwd": tmp_path / "notebooks", "warm": ["import colorsys"]}


def test_a_worker_whose_kernel_cannot_start_leaves_it_to_the_first_notebook(monkeypatch, tmp_path):
    import helpers.runner.parallel as parallel

    class Broken(_CountingKernel):
        def prestart(self, **kwargs) -> None:
            raise RuntimeError("No such kernel named python3")

    monkeypatch.setattr(parallel, "_worker_kernel", lambda name: Broken())
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_import_notebook(), tmp_path / "notebooks" / "01-clean-survey.ipynb")
    parallel._warm_worker("python3", str(tmp_path))  # no error: the notebook will say why


def test_an_incremental_synthesis_is_judged_on_the_effects_it_would_read(project):
    """Regression: a --jobs run without --force skipped the synthesis as unchanged when the
    regions it rebuilt were still staged (their new effects not yet published), comparing the
    stamp with the old published effects; the synthesis page then showed the old estimates."""
    from helpers.runner.staging import RegionStage

    # the last build: published effects, its synthesis page and stamp
    _published_with_synthesis(project, b"old effects", "<p>old</p>")

    def offered(new_effects: bytes) -> list:
        run = _run(project, force=False)
        by_key = {t.key: t for t in _started(run)}
        tasks = []
        for slug in SLUGS:
            staged = RegionStage(project, slug).folder
            staged.mkdir(parents=True, exist_ok=True)
            (staged / "effects.parquet").write_bytes(
                new_effects if slug == "big" else b"old effects"
            )
            run.on_result(_ok(project, by_key[slug, CODES]))
            (estimate,) = run.on_result(_ok(project, by_key[slug, CLEAN]))
            tasks += run.on_result(_ok(project, estimate))
        return [t.key for t in tasks]

    assert "__synthesis__" in offered(b"new effects")  # big's estimates changed: rerun
    assert "__synthesis__" not in offered(b"old effects")  # the same bytes: still up to date


def test_synthesis_inputs_of_a_region_published_in_the_meantime_are_its_new_effects(project):
    """A region of the run whose report and publication ended before every region was past
    03 has no staging folder left: its copy comes from the published folder (its new set),
    never goes missing."""
    from helpers.runner.staging import RegionStage
    from helpers.runner.synthesis import _synthesis_inputs

    old = project.published_region("small")  # the last build's set: it had reactions
    old.mkdir(parents=True)
    (old / "effects.parquet").write_bytes(b"small, old")
    (old / "reaction.parquet").write_bytes(b"small, old reactions")
    for slug, content in (("big", b"big, published by this run"), ("small", b"small, staged")):
        stage = RegionStage(project, slug)
        stage.folder.mkdir(parents=True, exist_ok=True)
        (stage.folder / "effects.parquet").write_bytes(content)
    (RegionStage(project, "big").folder / "reaction.parquet").write_bytes(b"big reactions")
    RegionStage(project, "big").publish()
    copies = _synthesis_inputs(SLUGS, SLUGS, project)
    assert (copies["big"] / "effects.parquet").read_bytes() == b"big, published by this run"
    assert (copies["big"] / "reaction.parquet").read_bytes() == b"big reactions"
    assert (copies["small"] / "effects.parquet").read_bytes() == b"small, staged"
    # the new set has no reaction table: none is read, not the old set's
    assert not (copies["small"] / "reaction.parquet").exists()


def test_the_synthesis_reads_from_each_region_exactly_its_declared_input_files(
    monkeypatch, tmp_path
):
    """What the fingerprint covers and a parallel run copies (SYNTHESIS_INPUT_FILES) is what
    load_synthesis reads from a region's processed folder: a file read but not declared would
    be stale in a parallel run's synthesis and unseen by the incremental check."""
    from helpers.runner.fingerprint import SYNTHESIS_INPUT_FILES
    from helpers.steps.sections.synthesis import load_synthesis

    asked: list[str] = []

    class Folder(type(Path())):
        def __truediv__(self, name):
            asked.append(str(name))
            return super().__truediv__(name)

    monkeypatch.setattr(ProjectPaths, "processed_region", lambda self, slug: Folder(tmp_path))
    # nothing to pool here: what matters is what it reads, so the pooling itself is skipped
    monkeypatch.setattr("helpers.steps.synthesis.synthesise", lambda *a, **k: None)
    registry = list(load_registry())
    with contextlib.suppress(Exception):
        load_synthesis(",".join(registry[:2]))
    assert sorted(set(asked)) == sorted(SYNTHESIS_INPUT_FILES)


def test_a_synthesis_is_stale_when_a_regions_reaction_table_changed(project):
    from helpers.runner.fingerprint import _synthesis_fingerprint, _synthesis_up_to_date

    for slug in SLUGS:
        folder = project.published_region(slug)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "effects.parquet").write_bytes(b"effects")
        (folder / "reaction.parquet").write_bytes(b"reactions")
    project.reports.mkdir(parents=True, exist_ok=True)
    (project.reports / "synthesis.html").write_text("<p>page</p>")
    project.build.mkdir(parents=True, exist_ok=True)
    (project.build / ".synthesis.fingerprint").write_text(_synthesis_fingerprint(SLUGS, project))
    assert _synthesis_up_to_date(SLUGS, project)
    (project.published_region("small") / "reaction.parquet").write_bytes(b"other reactions")
    assert not _synthesis_up_to_date(SLUGS, project)
    (project.published_region("small") / "reaction.parquet").unlink()  # a region without one
    assert not _synthesis_up_to_date(SLUGS, project)


def test_a_sequential_synthesis_runs_before_the_last_region_is_finished_and_again_if_it_fails(
    monkeypatch, temp_project
):
    """The synthesis starts once the last region's notebooks ran (its export and scan still
    going on); when a region it included then fails, its page is withdrawn and it runs again
    without that region."""
    import helpers.runner.run as run_module
    from helpers.runner.regions import RegionResult
    from helpers.runner.staging import RegionStage

    project = temp_project(SLUGS, rename={s: "kemuning" for s in SLUGS})
    calls: list[tuple[list[str], bool]] = []

    def fake_synthesis(regions, project, *, inputs=None, **_kw):
        calls.append((list(regions), bool(inputs)))
        project.reports.mkdir(parents=True, exist_ok=True)
        (project.reports / "synthesis.html").write_text(",".join(regions))
        return RegionResult("__synthesis__", report=project.reports / "synthesis.html")

    pages: list[str] = []

    def fake_run_regions(chosen, registry, *, before_finished, **_kw):
        done = [RegionResult(s, steps=[StepResult(CLEAN, "ok", 1.0, Path("x"))]) for s in chosen]
        for r in done:  # what the notebooks staged
            stage = RegionStage(project, r.region).folder
            stage.mkdir(parents=True, exist_ok=True)
            (stage / "effects.parquet").write_bytes(r.region.encode())
        before_finished(done)
        pages.append((project.reports / "synthesis.html").read_text())
        done[-1].error = "disclosure check failed: 1 NIP"  # the last region's scan, later
        return done

    monkeypatch.setattr(run_module, "_run_regions", fake_run_regions)
    monkeypatch.setattr(run_module, "_run_synthesis", fake_synthesis)
    monkeypatch.setattr("helpers.report.index.build_index", lambda *a, **k: None)
    monkeypatch.setattr("helpers.runner.run._run_key", lambda: b"k" * 32)
    results = run_module.run_pipeline(SLUGS, project=project, force=True)
    assert pages == ["big,small"]  # it ran before the last region was finished
    assert calls == [(SLUGS, True), (["big"], False)]  # on the staged copies, then again
    assert (project.reports / "synthesis.html").read_text() == "big"
    assert [r.status for r in results] == ["ok", "failed"]
    assert not (project.staging / ".synthesis").exists()  # the copies are gone


def test_a_sequential_synthesis_waits_for_every_region_when_its_copies_cannot_be_made(
    monkeypatch, temp_project
):
    import helpers.runner.run as run_module
    from helpers.runner.regions import RegionResult

    project = temp_project(SLUGS, rename={s: "kemuning" for s in SLUGS})
    calls: list[bool] = []

    def fake_synthesis(regions, project, *, inputs=None, **_kw):
        calls.append(bool(inputs))
        return RegionResult("__synthesis__")

    def fake_run_regions(chosen, registry, *, before_finished, **_kw):
        done = [RegionResult(s, steps=[StepResult(CLEAN, "ok", 1.0, Path("x"))]) for s in chosen]
        before_finished(done)
        assert calls == []  # not ahead
        return done

    def no_space(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_module, "_synthesis_inputs", no_space)
    monkeypatch.setattr(run_module, "_run_regions", fake_run_regions)
    monkeypatch.setattr(run_module, "_run_synthesis", fake_synthesis)
    monkeypatch.setattr("helpers.report.index.build_index", lambda *a, **k: None)
    monkeypatch.setattr("helpers.runner.run._run_key", lambda: b"k" * 32)
    run_module.run_pipeline(SLUGS, project=project, force=True)
    assert calls == [False]  # once, after every region, on the published tables


def test_a_synthesis_is_stale_when_a_region_is_renamed_or_marked_synthetic(project):
    """The page names every region and says when data are synthetic: a renamed region (its
    effects unchanged) or a raw folder that gains or loses the generator's marker rebuilds it."""
    from helpers.runner.fingerprint import _synthesis_fingerprint, _synthesis_up_to_date
    from helpers.steps.provenance import SYNTHETIC_MARKER

    stamp = _published_with_synthesis(project, b"effects", "<p>page</p>")
    assert _synthesis_up_to_date(SLUGS, project)

    name = load_registry(project.config_file)["small"].name
    text = project.config_file.read_text()
    assert text.count(f"name: {name}") == 1
    project.config_file.write_text(text.replace(f"name: {name}", "name: Kabupaten Baru"))
    assert load_registry(project.config_file)["small"].name == "Kabupaten Baru"
    assert not _synthesis_up_to_date(SLUGS, project)

    stamp.write_text(_synthesis_fingerprint(SLUGS, project))
    marker = project.raw_region("small") / SYNTHETIC_MARKER
    if marker.is_file():
        marker.unlink()
    else:
        marker.write_text("synthetic\n")
    assert not _synthesis_up_to_date(SLUGS, project)


def test_the_command_line_starts_a_forced_sequential_runs_kernel_before_pandas():
    """``python -m helpers.pipeline run --force`` boots its kernel while the process imports
    the runner: nothing the command line imports first brings in pandas."""
    import subprocess
    import sys

    code = "import sys, helpers.pipeline; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("argv", "started"),
    [
        (["run", "--force"], True),
        (["run"], False),  # incremental: a kernel only for a region that changed
        (["run", "--force", "--jobs", "2"], False),  # the workers start their own
        (["run", "--force", "--scheduler", "tcp://x:8786"], False),
        (["check"], False),
        (["--list"], False),
    ],
)
def test_only_a_forced_sequential_run_gets_an_early_kernel(monkeypatch, argv, started):
    import helpers.runner.cli as cli

    made: list[_CountingKernel] = []

    def counting(name: str) -> _CountingKernel:
        made.append(_CountingKernel())
        return made[-1]

    monkeypatch.setattr(cli, "RegionKernel", counting)
    kernel = cli._early_kernel(cli.build_parser().parse_args(argv))
    assert (kernel is not None) is started
    if started:
        (call,) = kernel.prestarts
        assert call["cwd"].name == "notebooks" and call["warm"]


def test_a_sequential_run_uses_the_kernel_it_is_given_and_leaves_it_running(monkeypatch, tmp_path):
    import helpers.runner.run as run_module

    given = _CountingKernel()
    given.discarded = False
    given.discard = lambda: setattr(given, "discarded", True)
    seen = {}

    def regions(chosen, registry, **kwargs):
        seen["kernel"] = kwargs["kernel"]
        return []

    monkeypatch.setattr(run_module, "_run_regions", regions)
    monkeypatch.setattr(run_module, "_run_key", lambda: b"k" * 32)
    run_module.run_pipeline(list(load_registry())[:1], synthesis=False, kernel=given)
    assert seen["kernel"] is given and not given.discarded


def test_finishing_elsewhere_has_updated_every_result_when_it_exits(tmp_path):
    """The finishing process's exit is not waited for, but every region handed to it is
    finished, and its result updated, before the caller goes on (to the index)."""
    from helpers.runner.regions import FinishElsewhere, RegionResult

    region = next(iter(load_registry().values()))
    results = [RegionResult(region.slug), RegionResult(region.slug)]
    with FinishElsewhere(ProjectPaths(tmp_path), key=None, pdf=False) as finisher:
        for result in results:
            finisher(region, result)  # no registry there: each fails in the other process
    for result in results:
        assert result.error.startswith("finishing failed: FileNotFoundError")
