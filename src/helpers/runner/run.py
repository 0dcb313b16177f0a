"""Run the notebooks for every region through papermill, export the reports, build the index.

One command builds everything::

    python -m helpers.pipeline run                 # every region in config/regions.yaml
    python -m helpers.pipeline run --region medan  # one (or several) regions
    python -m helpers.pipeline --list              # the regions and their notebooks
    python -m helpers.pipeline run --force         # rebuild even what did not change
    python -m helpers.pipeline run --jobs 2        # two notebooks at a time on this machine
    python -m helpers.pipeline run --scheduler tcp://host:8786   # on a Dask cluster

A region is rebuilt only when something it depends on changed (raw and review files, its
registry entry, the notebooks, the helpers code or the pseudonym key); otherwise it is
skipped and the run says so.

For each region, notebooks ``01`` to ``04`` run with the region's parameters from the
registry: in sequence, or with ``--jobs`` as soon as the notebooks they read from have run
(:data:`NOTEBOOK_NEEDS`), side by side with other regions' notebooks. Parameters are checked
against each notebook's ``parameters`` cell first: an unknown or missing parameter is an error,
not papermill's warning. The executed notebooks are
kept under ``reports/build/<region>/`` for audit, and a failing one is kept there with its error,
for inspection. A failing region never stops the others; the run ends with a summary table and
a non-zero exit when any region failed. The report of a region is exported to
``reports/<region>.html`` by :mod:`helpers.report`, then the cross-region synthesis and
``reports/index.html`` are built.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from helpers.core.config import ProjectPaths, Region, load_registry, paths
from helpers.core.errors import ConfigError
from helpers.runner.distributed import run_on_cluster
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import DEFAULT_TIMEOUT, prestart_for_first_notebook
from helpers.runner.parallel import _run_parallel
from helpers.runner.regions import (
    CheckedRegion,
    FinishElsewhere,
    RegionResult,
    check_region_ahead,
    contained,
    run_region,
)
from helpers.runner.synthesis import (
    _drop_synthesis_inputs,
    _run_synthesis,
    _settled_synthesis,
    _synthesis_inputs,
    _withdraw_synthesis,
)

__all__ = [
    "run_pipeline",
]


def _run_regions(
    chosen: Sequence[str],
    registry: Mapping[str, Region],
    *,
    project: ProjectPaths,
    timeout: int,
    kernel_name: str,
    force: bool,
    scheduler: str | None,
    progress: Callable[[str], None] | None,
    kernel: RegionKernel | None = None,
    key: bytes | None = None,
    pdf: bool = False,
    before_finished: Callable[[list[RegionResult]], None] | None = None,
) -> list[RegionResult]:
    """Whole regions, sequentially (in ``kernel``) or on a Dask distributed scheduler; the
    results come back in the registry's order whatever the executor.

    ``before_finished(results)``: called (sequential run) once every region's notebooks have
    run, while the last regions' export, scan and publication may still be going on in the
    finishing process; a region in ``results`` may still fail then."""
    say = progress or (lambda _m: None)
    if scheduler:
        from helpers.privacy.pseudonym import load_or_create_key

        return run_on_cluster(
            chosen,
            scheduler=scheduler,
            project=project,
            timeout=timeout,
            kernel_name=kernel_name,
            force=force,
            key=key if key is not None else load_or_create_key(),
            say=say,
            pdf=pdf,
        )
    results = []

    def warm_kernel() -> None:
        # the kernel boots, and does the first notebook's imports, beside this process's
        # checks instead of after them (about 1.5 s of a sequential run's start)
        if kernel is not None and not kernel.started:
            prestart_for_first_notebook(kernel, project.notebooks)

    if force:  # every region will run (unless its files are missing)
        warm_kernel()
    # a region's export, scan and publication run in another process beside the next
    # region's notebooks: on two cores the sequential run no longer waits for them; and
    # while a region's notebooks run (this process only waits for the kernel), a thread
    # checks the next region (check_region_ahead: it only reads)
    with (
        FinishElsewhere(project, key=key, pdf=pdf, say=say) as finisher,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="check-ahead") as ahead,
    ):

        def check(i: int) -> Future[CheckedRegion] | None:
            if i >= len(chosen):
                return None
            return ahead.submit(check_region_ahead, registry[chosen[i]], project, force, key=key)

        upcoming = check(0)
        for i, slug in enumerate(chosen):
            checked, upcoming = upcoming, check(i + 1)
            if not force and _will_run(checked):
                warm_kernel()  # the first region that changed: its notebooks will run
            fallback = RegionResult(slug)
            done = contained(
                fallback,
                "run",
                say,
                run_region,
                registry[slug],
                project=project,
                timeout=timeout,
                kernel_name=kernel_name,
                force=force,
                progress=progress,
                kernel=kernel,
                key=key,
                pdf=pdf,
                finish_with=finisher,
                checked=checked,
            )
            results.append(done if done is not None else fallback)
        if before_finished is not None:
            before_finished(results)
    return results


def _will_run(checked: Future[CheckedRegion] | None) -> bool:
    """The region checked ahead passed its checks and changed: its notebooks will run."""
    try:
        return checked is not None and bool(checked.result()[1])
    except Exception:  # the region's own turn says what went wrong
        return False


def _run_key() -> bytes:
    """The pseudonym key for this run, made before any region starts (so every region's
    fingerprint covers it from the start, and workers get it from here).

    Raises
    ------
    ConfigError
        The key file cannot be read or is not a valid key: the message names the file and
        what to do.
    """
    from helpers.core.errors import InputFileError
    from helpers.privacy.pseudonym import load_or_create_key

    try:
        return load_or_create_key()
    except (InputFileError, OSError) as exc:
        raise ConfigError(f"the pseudonym key cannot be used: {exc}") from None


def run_pipeline(
    regions: Sequence[str] | None = None,
    *,
    project: ProjectPaths = paths,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = "python3",
    synthesis: bool = True,
    force: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
    pdf: bool = False,
    kernel: RegionKernel | None = None,
) -> list[RegionResult]:
    """Run every region (or those named), then the synthesis and the index.

    The whole registry is validated, and every named region checked, before anything runs.
    ``force=False`` skips regions (and the synthesis) whose inputs did not change;
    ``jobs`` runs notebooks on that many local processes, each keeping one kernel, with
    notebooks of different regions side by side (a region's own notebooks still wait for
    those they need); ``scheduler`` sends each region to a Dask distributed scheduler at that
    address (its workers must see the same project folder); ``pdf`` prints each region's
    report to ``reports/<region>.pdf`` with headless Chromium (checked before anything runs).
    ``kernel``: the kernel a sequential run shares across its notebooks, when the caller
    made it (perhaps started already, :meth:`RegionKernel.prestart`) and shuts it down; by
    default the run makes its own and shuts it down at the end. A ``jobs`` or ``scheduler``
    run does not use it (its workers keep their own).
    """
    registry = load_registry(project.config_file)
    chosen = list(regions) if regions else list(registry)
    unknown = [r for r in chosen if r not in registry]
    if unknown:
        raise ConfigError(f"unknown region(s) {unknown}; known regions: {sorted(registry)}")
    if jobs < 1:
        raise ConfigError(f"jobs must be at least 1, got {jobs}")
    say = progress or (lambda _m: None)
    if pdf:
        from helpers.report.pdf import ChromiumMissingError, find_chromium

        try:
            find_chromium()
        except ChromiumMissingError as exc:
            raise ConfigError(str(exc)) from None
    key = _run_key()
    if scheduler is None and jobs > 1:
        results, syn_result = _run_parallel(
            chosen,
            registry,
            project=project,
            timeout=timeout,
            kernel_name=kernel_name,
            force=force,
            jobs=jobs,
            synthesis=synthesis,
            progress=progress,
            key=key,
            pdf=pdf,
        )
    else:
        with contextlib.ExitStack() as stack:
            # a sequential run shares one kernel (one set of imports) across every notebook
            shared = None
            if scheduler is None:
                shared = kernel or stack.enter_context(RegionKernel(kernel_name))

            def synthesise(regions: list[str], inputs: dict[str, Path] | None) -> RegionResult:
                settled = _settled_synthesis(regions, project, force=force, say=say, inputs=inputs)
                if settled is not None:
                    return settled
                return _run_synthesis(regions, project, timeout=timeout, kernel_name=kernel_name,
                                      kernel=shared, say=say, inputs=inputs)  # fmt: skip

            ahead: list[tuple[list[str], RegionResult]] = []

            def synthesis_ahead(so_far: list[RegionResult]) -> None:
                # the kernel is free once the last region's notebooks ran: the synthesis runs
                # while that region is exported, scanned and published, on copies of what it
                # reads from the regions not yet published (as a --jobs run's does)
                regions = [r.region for r in so_far if r.succeeded]
                built = [r.region for r in so_far if r.succeeded and r.steps]
                try:
                    inputs = _synthesis_inputs(built, built, project)
                except OSError:  # no copies (disk full?): it runs once every region is done
                    return
                ahead.append((regions, synthesise(regions, inputs)))

            results = _run_regions(
                chosen,
                registry,
                project=project,
                timeout=timeout,
                kernel_name=kernel_name,
                force=force,
                scheduler=scheduler,
                progress=progress,
                kernel=shared,
                key=key,
                pdf=pdf,
                before_finished=synthesis_ahead if synthesis and shared is not None else None,
            )
            syn_result = None
            if synthesis:
                done = [r.region for r in results if r.succeeded]
                if ahead and ahead[0][0] == done:
                    syn_result = ahead[0][1]
                else:
                    if ahead:  # a region it included failed its export or disclosure scan
                        _withdraw_synthesis(project)
                    syn_result = synthesise(done, None)
                _drop_synthesis_inputs(project)
    if syn_result is None:
        return results
    from helpers.report.index import build_index

    build_index(results, registry, project=project, synthesis=syn_result)
    failed = syn_result.steps and syn_result.status != "ok"
    return [*results, syn_result] if failed else results
