"""The local parallel executor: notebooks of all regions on worker processes, the longest chain
of work first."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers.core.config import ProjectPaths, Region, load_registry, paths
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import (
    NOTEBOOK_NEEDS,
    NOTEBOOK_NEEDS_SYNTHESIS,
    REGION_NOTEBOOKS,
    SYNTHESIS_NOTEBOOK,
    StepResult,
    _failed_step,
)
from helpers.runner.regions import (
    RegionResult,
    _begin_run,
    _finish_region,
    _print_progress,
    _run_step,
    check_region_data,
    check_region_inputs,
    contained,
    record_failure,
)
from helpers.runner.staging import RegionStage
from helpers.runner.synthesis import (
    _drop_synthesis_inputs,
    _run_synthesis,
    _settled_synthesis,
    _synthesis_inputs,
    _withdraw_synthesis,
)

__all__ = [
    "estimated_seconds",
]


_WORKER_KERNEL: RegionKernel | None = None


def _worker_kernel(kernel_name: str) -> RegionKernel:
    """The kernel a local worker process keeps for all the notebooks it runs (shut down when
    the worker exits)."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        from multiprocessing.util import Finalize

        _WORKER_KERNEL = RegionKernel(kernel_name)
        Finalize(_WORKER_KERNEL, _WORKER_KERNEL.__exit__, args=(None, None, None), exitpriority=10)
    return _WORKER_KERNEL


def _warm_worker(kernel_name: str, root: str) -> None:
    """A local worker's initializer: its kernel boots, and does the first notebook's imports,
    while the worker runs its first task (usually a region's data check) instead of after it.
    A kernel that cannot start is left to the first notebook, which says why."""
    from helpers.runner.notebooks import prestart_for_first_notebook

    prestart_for_first_notebook(_worker_kernel(kernel_name), ProjectPaths(Path(root)).notebooks)


_WORKER_REGISTRY: dict[tuple[str, int, int], Mapping[str, Region]] = {}


def _worker_registry(project: ProjectPaths) -> Mapping[str, Region]:
    """The registry, read once per worker (and again only if the file changes): at national
    scale it has hundreds of entries and a worker runs thousands of notebooks."""
    st = project.config_file.stat()
    key = (str(project.config_file), st.st_mtime_ns, st.st_size)
    if key not in _WORKER_REGISTRY:
        _WORKER_REGISTRY.clear()
        _WORKER_REGISTRY[key] = load_registry(project.config_file)
    return _WORKER_REGISTRY[key]


def _step_job(
    slug: str,
    name: str,
    root: str,
    timeout: int,
    kernel_name: str,
    finish: bool,
    fingerprint: str | None = None,
    pdf: bool = False,
) -> tuple[StepResult, Path | None, str | None]:
    """One notebook of one region in a local worker (the parallel executor), in the worker's
    kernel, its tables going to the region's staging folder. After the last notebook
    (``finish``) also the export, the disclosure scan, the publication and the stamp
    (``fingerprint``: the inputs' fingerprint when the region started). Returns the step, the
    report published (or None) and the region's error (or None)."""
    project = ProjectPaths(Path(root))
    output = project.build / slug / f"{name}.ipynb"
    # nothing may escape a worker as an exception: one that cannot be rebuilt in the main
    # process breaks the whole pool, and with it the other worker's notebook
    try:
        region = _worker_registry(project)[slug]
        step = _run_step(
            region,
            name,
            project,
            timeout=timeout,
            kernel_name=kernel_name,
            kernel=_worker_kernel(kernel_name),
            say=_print_progress,
        )
    except Exception as exc:
        return _failed_step(name, output, exc), None, None
    if not finish or step.status != "ok":
        return step, None, None
    done = RegionResult(slug, steps=[step], fingerprint=fingerprint)
    contained(done, "finishing", _print_progress, _finish_region, region, project, done,
              _print_progress, pdf=pdf)  # fmt: skip
    return step, done.report, done.error


def _check_job(slug: str, root: str) -> tuple[str | None, list[str]]:
    """A region's data check (:func:`helpers.runner.regions.check_region_data`) in a local
    worker: ``(error or None, messages)``; never raises (see :func:`_step_job`)."""
    project = ProjectPaths(Path(root))
    try:
        return check_region_data(_worker_registry(project)[slug], project)
    except Exception as exc:
        result, said = RegionResult(slug), []
        record_failure(result, "data check", f"{type(exc).__name__}: {exc}", said.append)
        return result.error, said


#: The data check's node in a region's chain of work (before notebook 01), and its estimated
#: seconds: a read of the raw tables, shorter than any notebook.
CHECK = "data-check"
CHECK_SECONDS = 0.3


def _synthesis_job(
    regions: list[str],
    root: str,
    timeout: int,
    kernel_name: str,
    inputs: dict[str, str] | None = None,
) -> RegionResult:
    """The synthesis in a local worker's (already warm) kernel, reading each region's effects
    from ``inputs`` (slug -> folder holding a copy of its ``effects.parquet``); never raises
    (see :func:`_step_job`)."""
    project = ProjectPaths(Path(root))
    try:
        return _run_synthesis(
            regions,
            project,
            timeout=timeout,
            kernel_name=kernel_name,
            kernel=_worker_kernel(kernel_name),
            say=_print_progress,
            inputs={s: Path(f) for s, f in (inputs or {}).items()},
        )
    except Exception as exc:
        output = project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb"
        return RegionResult("__synthesis__", steps=[_failed_step(SYNTHESIS_NOTEBOOK, output, exc)])


def _raw_size(project: ProjectPaths, slug: str) -> int:
    folder = project.raw_region(slug)
    return sum(p.stat().st_size for p in folder.glob("*") if p.is_file())


def _last_duration(executed: Path) -> float | None:
    """Seconds the notebook took in its last run (papermill's record in the executed copy)."""
    try:
        meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"]["papermill"]
        return float(meta["duration"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def estimated_seconds(
    slugs: Sequence[str], *, project: ProjectPaths = paths
) -> dict[tuple[str, str], float]:
    """How long each region's notebooks are expected to take, for scheduling.

    A notebook's time in the last build (kept in its executed copy) is the estimate. A region
    never built is estimated from its raw data size, at the median seconds per byte that the
    same notebook took in the regions that were built (1 per byte when none was: then only the
    sizes' ratios matter).
    """
    seen = {
        (s, n): _last_duration(project.build / s / f"{n}.ipynb")
        for s in slugs
        for n in REGION_NOTEBOOKS
    }
    sizes = {s: max(_raw_size(project, s), 1) for s in slugs}
    out: dict[tuple[str, str], float] = {}
    for name in REGION_NOTEBOOKS:
        rates = sorted(seen[s, name] / sizes[s] for s in slugs if seen[s, name] is not None)
        rate = rates[len(rates) // 2] if rates else 1.0
        for s in slugs:
            known = seen[s, name]
            out[s, name] = known if known is not None else rate * sizes[s]
    return out


class _ParallelRun:
    """The local parallel executor's bookkeeping: which notebooks may start, what ended, and
    when the synthesis can run (see :mod:`helpers.runner.scheduling`).

    Per region, a notebook starts when those it needs (:data:`NOTEBOOK_NEEDS`) ended ok; a
    failed notebook stops the region's later ones. The synthesis needs only each region's
    effects (notebook 03), so it runs as soon as every region is past 03, beside the last
    reports; if a region then fails, it runs again without that region, so the result is the
    sequential run's.
    """

    def __init__(
        self,
        chosen: Sequence[str],
        registry: Mapping[str, Region],
        *,
        project: ProjectPaths,
        timeout: int,
        kernel_name: str,
        force: bool,
        synthesis: bool,
        say: Callable[[str], None],
        key: bytes | None = None,
    ) -> None:
        self.chosen, self.project, self.force, self.say = list(chosen), project, force, say
        self.args = (str(project.root), timeout, kernel_name)
        self.pdf = False  # print each published report to PDF (run --pdf)
        self.results: dict[str, RegionResult] = {}
        self.todo: list[str] = []
        # the quick checks here; each region's data check (a read of its raw tables, 0.3 s a
        # region at national scale) is a task on the workers, before its notebook 01
        for slug in chosen:
            result, go, said = check_region_inputs(registry[slug], project, force, key=key)
            for message in said:
                say(message)
            self.results[slug] = result
            if go:
                self.todo.append(slug)
        self.checking: set[str] = set(self.todo)
        self.registry = registry
        self.ended: dict[str, dict[str, StepResult]] = {s: {} for s in self.todo}
        self.started: set[tuple[str, str]] = set()
        self.synthesis = synthesis
        self.syn_result: RegionResult | None = RegionResult("__synthesis__") if synthesis else None
        self.syn_regions: list[str] | None = None  # the regions of the last synthesis started
        self.syn_running = False
        costs = estimated_seconds(self.todo, project=project)
        after: dict[Any, list[Any]] = {node: [] for node in costs}
        for slug, name in list(costs):
            for need in NOTEBOOK_NEEDS[name]:
                after[slug, need].append((slug, name))
            if not NOTEBOOK_NEEDS[name]:  # the data check comes before the region's first
                costs[slug, CHECK] = CHECK_SECONDS
                after.setdefault((slug, CHECK), []).append((slug, name))
        from helpers.runner.scheduling import critical_path

        self.rank = critical_path(costs, after)

    def _failed(self, slug: str) -> bool:
        return self.results[slug].status == "failed"

    def _step_task(self, slug: str, name: str) -> Any:
        from helpers.runner.scheduling import Task

        self.started.add((slug, name))
        finish = name == REGION_NOTEBOOKS[-1]
        fingerprint = self.results[slug].fingerprint
        return Task(
            (slug, name),
            _step_job,
            (slug, name, *self.args, finish, fingerprint, self.pdf),
            self.rank[slug, name],
        )

    def _check_task(self, slug: str) -> Any:
        from helpers.runner.scheduling import Task

        return Task((slug, CHECK), _check_job, (slug, self.args[0]), self.rank[slug, CHECK])

    def _checked(self, slug: str, outcome: Any) -> list[Any]:
        """A region's data check ended: say what it said; if it passed, clear the region for
        its run (as :func:`helpers.runner.regions._prepare_region` does) and start it."""
        self.checking.discard(slug)
        result = self.results[slug]
        if outcome.ok:
            result.error, said = outcome.result
            for message in said:
                self.say(message)
        else:  # the worker died
            record_failure(result, "data check", str(outcome.error), self.say)
        if result.error is not None:
            result.fingerprint = None
        else:
            _begin_run(result, self.registry[slug], self.project, self.say)
        return self._ready(slug) + self._synthesis()

    def _ready(self, slug: str) -> list[Any]:
        if self._failed(slug) or slug in self.checking:
            return []
        ok = {n for n, s in self.ended[slug].items() if s.status == "ok"}
        return [
            self._step_task(slug, n)
            for n in REGION_NOTEBOOKS
            if (slug, n) not in self.started and all(need in ok for need in NOTEBOOK_NEEDS[n])
        ]

    def initial(self) -> list[Any]:
        return [self._check_task(slug) for slug in self.todo] + self._synthesis()

    def _synthesis(self) -> list[Any]:
        """The synthesis task, when it is due (see the class notes), else nothing."""
        if not self.synthesis or self.syn_running:
            return []
        needed = NOTEBOOK_NEEDS_SYNTHESIS
        if any(not self._failed(s) and needed not in self.ended[s] for s in self.todo):
            return []
        regions = [s for s in self.chosen if not self._failed(s)]
        if regions == self.syn_regions:
            return []
        if self.syn_regions is not None:
            # a region failed after the synthesis included it: withdraw that synthesis now,
            # whatever happens next (a sequential run would never have written it)
            _withdraw_synthesis(self.project)
        self.syn_regions = regions
        # judged on what it would read: the regions of this run are not published yet
        copies = _synthesis_inputs(regions, self.todo, self.project)
        settled = _settled_synthesis(
            regions, self.project, force=self.force, say=self.say, inputs=copies
        )
        if settled is not None:
            self.syn_result = settled
            return []
        from helpers.runner.scheduling import Task

        self.syn_running = True
        inputs = {s: str(f) for s, f in copies.items()}
        return [Task("__synthesis__", _synthesis_job, (regions, *self.args, inputs), priority=0.0)]

    def on_result(self, outcome: Any) -> list[Any]:
        """Record what a task gave back; return the tasks that became ready."""
        if outcome.task.key == "__synthesis__":
            self.syn_running = False
            if outcome.ok:
                self.syn_result = outcome.result
            else:
                output = self.project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb"
                self.syn_result = RegionResult(
                    "__synthesis__", steps=[_failed_step(SYNTHESIS_NOTEBOOK, output, outcome.error)]
                )
            return self._synthesis()
        slug, name = outcome.task.key
        if name == CHECK:
            return self._checked(slug, outcome)
        result = self.results[slug]
        if outcome.ok:
            step, report, error = outcome.result
            result.report, result.error = report or result.report, error or result.error
        else:  # the worker itself failed (it died, or the job raised outside the notebook)
            step = _failed_step(name, self.project.build / slug / f"{name}.ipynb", outcome.error)
        self.ended[slug][name] = step
        result.steps = [self.ended[slug][n] for n in REGION_NOTEBOOKS if n in self.ended[slug]]
        return self._ready(slug) + self._synthesis()


def _run_parallel(
    chosen: Sequence[str],
    registry: Mapping[str, Region],
    *,
    project: ProjectPaths,
    timeout: int,
    kernel_name: str,
    force: bool,
    jobs: int,
    synthesis: bool,
    progress: Callable[[str], None] | None,
    key: bytes | None = None,
    pdf: bool = False,
) -> tuple[list[RegionResult], RegionResult | None]:
    """Notebooks of all regions on ``jobs`` local processes, most urgent first (see
    :class:`_ParallelRun`); the results come back in the registry's order."""
    from helpers.runner.scheduling import run_tasks

    run = _ParallelRun(
        chosen,
        registry,
        project=project,
        timeout=timeout,
        kernel_name=kernel_name,
        force=force,
        synthesis=synthesis,
        say=progress or (lambda _m: None),
        key=key,
    )
    run.pdf = pdf
    first = run.initial()
    if first:
        run_tasks(first, run.on_result, workers=jobs, initializer=_warm_worker,
                  initargs=(kernel_name, str(project.root)))  # fmt: skip
    for slug in run.todo:  # a failed region's staged outputs go (its old set stays published)
        if run.results[slug].status == "failed":
            RegionStage(project, slug).discard()
    _drop_synthesis_inputs(project)
    return [run.results[s] for s in chosen], run.syn_result
