"""The cross-region synthesis step of a run: skipped when unchanged, else notebook 05 and its
export."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from helpers.core.config import ProjectPaths
from helpers.io.storage import write_text_atomic
from helpers.runner.fingerprint import (
    SYNTHESIS_INPUT_FILES,
    _synthesis_fingerprint,
    _synthesis_stamp,
    _synthesis_up_to_date,
)
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import SYNTHESIS_NOTEBOOK, StepResult, run_notebook
from helpers.runner.regions import RegionResult
from helpers.runner.staging import RegionStage, staging_env

SYNTHESIS_INPUTS = ".synthesis"


def _synthesis_inputs(
    regions: Sequence[str], staged: Sequence[str], project: ProjectPaths
) -> dict[str, Path]:
    """A copy of what the synthesis reads from each region
    (:data:`~helpers.runner.fingerprint.SYNTHESIS_INPUT_FILES`) for a synthesis that runs
    while regions are still being built: staged regions' from their staging folder, the
    others' published one. A copy, because a staged region may be published (its folder
    renamed) while the synthesis reads. Returns slug -> the folder holding the copy.

    A region of this run (``staged``) that was published before the copy, or while it was
    made, has its new set in the published folder: publication renames the staging folder
    there in one step (:meth:`RegionStage.publish`). So its files are copied from the staging
    folder, and again from the published one unless the staging folder was still there once
    they were copied."""
    out: dict[str, Path] = {}
    for slug in regions:
        published = project.published_region(slug)
        sources = [RegionStage(project, slug).folder, published] if slug in staged else [published]
        folder = project.staging / SYNTHESIS_INPUTS / slug
        folder.mkdir(parents=True, exist_ok=True)
        for source in sources:
            for name in SYNTHESIS_INPUT_FILES:
                (folder / name).unlink(missing_ok=True)  # never a copy of an earlier one
                with contextlib.suppress(FileNotFoundError):  # a region without it
                    shutil.copyfile(source / name, folder / name)
            if source.is_dir():  # there throughout: every file is of the same set
                break
        out[slug] = folder
    return out


def _drop_synthesis_inputs(project: ProjectPaths) -> None:
    """Remove the copies :func:`_synthesis_inputs` made (at the end of a run)."""
    shutil.rmtree(project.staging / SYNTHESIS_INPUTS, ignore_errors=True)


def _withdraw_synthesis(project: ProjectPaths) -> None:
    """Remove the synthesis page and its stamp: a region it included failed afterwards (a
    sequential run that waited for every region would never have written it)."""
    (project.reports / "synthesis.html").unlink(missing_ok=True)
    _synthesis_stamp(project).unlink(missing_ok=True)


def _settled_synthesis(
    regions: Sequence[str],
    project: ProjectPaths,
    *,
    force: bool,
    say: Callable[[str], None],
    inputs: Mapping[str, Path] | None = None,
) -> RegionResult | None:
    """The synthesis's result when it need not run: empty when there is no region to pool or
    no synthesis notebook, skipped when nothing it reads changed (``inputs``, as for
    :func:`_run_synthesis`: where the tables of regions not yet published are). None: it
    must run."""
    if not regions or not (project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb").is_file():
        return RegionResult("__synthesis__")
    if not force and _synthesis_up_to_date(regions, project, inputs):
        say("[synthesis] unchanged since the last build: skipped")
        return RegionResult(
            "__synthesis__", skipped=True, report=project.reports / "synthesis.html"
        )
    return None


def _run_synthesis(
    regions: Sequence[str],
    project: ProjectPaths,
    *,
    timeout: int,
    kernel_name: str,
    kernel: RegionKernel | None,
    say: Callable[[str], None],
    inputs: Mapping[str, Path] | None = None,
) -> RegionResult:
    """Run notebook 05 over ``regions``, export ``reports/synthesis.html`` and stamp it.

    ``inputs`` (slug -> folder) points the notebook at copies of regions' tables (their
    :data:`~helpers.runner.fingerprint.SYNTHESIS_INPUT_FILES`, :func:`_synthesis_inputs`: the
    synthesis of a run reads regions not yet published); default: the published ones.
    """
    result = RegionResult("__synthesis__")
    stamp = _synthesis_stamp(project)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} ...")
    stamp.unlink(missing_ok=True)
    inputs = dict(inputs or {})
    # this process only waits while the kernel runs the notebook: meanwhile a thread reads
    # every region's roster for the page's disclosure scan (a raw-data read per region),
    # makes (and warms) the HTML exporter and imports what the index needs next
    stop = threading.Event()  # set when the notebook did not finish: the reads stop early
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthesis-scan") as pool:
        from helpers.report.export import warm_exporter

        pool.submit(warm_exporter)  # first: the export comes right after the notebook
        identifiers = pool.submit(_synthesis_identifiers, regions, project, stop)
        pool.submit(_import_index_readers)
        try:
            step = run_notebook(
                project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb",
                project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb",
                {"regions": ",".join(regions)},
                timeout=timeout,
                kernel_name=kernel_name,
                kernel=kernel,
                env=staging_env(inputs),
                relative_to=project.root,
            )
        except BaseException:
            stop.set()
            raise
        if step.status != "ok":
            stop.set()
        return _finish_synthesis(result, step, regions, project, identifiers, inputs, say)


def _finish_synthesis(
    result: RegionResult,
    step: StepResult,
    regions: Sequence[str],
    project: ProjectPaths,
    identifiers: Future[tuple[list[str], list[str], int]],
    inputs: Mapping[str, Path],
    say: Callable[[str], None],
) -> RegionResult:
    """Export, scan, publish and stamp the synthesis once its notebook has run."""
    stamp = _synthesis_stamp(project)
    result.steps.append(step)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} {step.status} in {step.seconds:.1f}s")
    if step.status == "ok":
        from helpers.report.export import export_report

        target = project.reports / "synthesis.html"
        unscanned = target.with_name(".synthesis.unscanned.html")
        try:
            export_report(step.output, unscanned, language="id")
            leaks = _synthesis_findings([unscanned, step.output], identifiers.result())
        except Exception as exc:  # the regions' reports stand without it
            unscanned.unlink(missing_ok=True)
            result.error = f"export failed: {type(exc).__name__}: {exc}"
            return result
        if leaks:
            unscanned.unlink(missing_ok=True)
            step.output.unlink(missing_ok=True)
            result.error = f"disclosure check failed: {leaks}"
            say(f"[synthesis] {result.error}")
            return result
        result.report = unscanned.replace(target)  # nothing is published before it is scanned
        write_text_atomic(stamp, _synthesis_fingerprint(regions, project, inputs))
    return result


def _synthesis_identifiers(
    regions: Sequence[str], project: ProjectPaths, stop: threading.Event | None = None
) -> tuple[list[str], list[str], int]:
    """Every region's roster names and NIPs, and the smallest ``min_cell_size`` of them, for
    :func:`_synthesis_findings`. Once ``stop`` is set no further region is read (the result
    is then not used)."""
    from helpers.core.config import load_registry
    from helpers.steps.scan import roster_identifiers

    registry = load_registry(project.config_file)
    names: list[str] = []
    nips: list[str] = []
    for slug in regions:
        if stop is not None and stop.is_set():
            break
        if slug in registry:
            found_names, found_nips = roster_identifiers(registry[slug], project)
            names += found_names
            nips += found_nips
    min_cell = min((registry[s].min_cell_size for s in regions if s in registry), default=5)
    return names, nips, min_cell


def _import_index_readers() -> None:
    """Import what :func:`helpers.report.index.build_index` reads the regions' effects with,
    which comes next (pandas' Parquet reader among them)."""
    import helpers.steps.reactions  # noqa: F401
    import helpers.steps.synthesis  # noqa: F401


def _synthesis_findings(files: list[Path], identifiers: tuple[list[str], list[str], int]) -> str:
    """What the disclosure scan finds in the synthesis page and its executed notebook, with
    every region's roster names and NIPs (empty when nothing): its inputs were scanned with
    their regions, and the page is scanned again before it is published."""
    from helpers.privacy.disclosure import scan_outputs, summarise_findings

    names, nips, min_cell = identifiers
    findings = scan_outputs([f for f in files if f.is_file()], names=names, nips=nips,
                            min_cell=min_cell)  # fmt: skip
    return summarise_findings(findings) if len(findings) else ""
