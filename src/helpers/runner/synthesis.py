"""The cross-region synthesis step of a run: skipped when unchanged, else notebook 05 and its
export."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from helpers.core.config import ProjectPaths
from helpers.io.storage import write_text_atomic
from helpers.runner.fingerprint import (
    _synthesis_fingerprint,
    _synthesis_stamp,
    _synthesis_up_to_date,
)
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import SYNTHESIS_NOTEBOOK, run_notebook
from helpers.runner.regions import RegionResult
from helpers.runner.staging import staging_env


def _settled_synthesis(
    regions: Sequence[str], project: ProjectPaths, *, force: bool, say: Callable[[str], None]
) -> RegionResult | None:
    """The synthesis's result when it need not run: empty when there is no region to pool or
    no synthesis notebook, skipped when nothing it reads changed. None: it must run."""
    if not regions or not (project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb").is_file():
        return RegionResult("__synthesis__")
    if not force and _synthesis_up_to_date(regions, project):
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

    ``inputs`` (slug -> folder) points the notebook at copies of regions' effects (a parallel
    run's synthesis reads regions not yet published); default: the published effects.
    """
    result = RegionResult("__synthesis__")
    stamp = _synthesis_stamp(project)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} ...")
    stamp.unlink(missing_ok=True)
    inputs = dict(inputs or {})
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
    result.steps.append(step)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} {step.status} in {step.seconds:.1f}s")
    if step.status == "ok":
        from helpers.report.export import export_report

        target = project.reports / "synthesis.html"
        unscanned = target.with_name(".synthesis.unscanned.html")
        try:
            export_report(step.output, unscanned, language="id")
            leaks = _synthesis_findings(regions, project, [unscanned, step.output])
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
        effects = [
            (inputs[s] if s in inputs else project.published_region(s)) / "effects.parquet"
            for s in regions
        ]
        write_text_atomic(stamp, _synthesis_fingerprint(regions, project, effects))
    return result


def _synthesis_findings(regions: Sequence[str], project: ProjectPaths, files: list[Path]) -> str:
    """What the disclosure scan finds in the synthesis page and its executed notebook, with
    every region's roster names and NIPs (empty when nothing): its inputs were scanned with
    their regions, and the page is scanned again before it is published."""
    from helpers.core.config import load_registry
    from helpers.privacy.disclosure import scan_outputs, summarise_findings
    from helpers.steps.scan import roster_identifiers

    registry = load_registry(project.config_file)
    names: list[str] = []
    nips: list[str] = []
    for slug in regions:
        if slug in registry:
            found_names, found_nips = roster_identifiers(registry[slug], project)
            names += found_names
            nips += found_nips
    min_cell = min((registry[s].min_cell_size for s in regions if s in registry), default=5)
    findings = scan_outputs([f for f in files if f.is_file()], names=names, nips=nips,
                            min_cell=min_cell)  # fmt: skip
    return summarise_findings(findings) if len(findings) else ""
