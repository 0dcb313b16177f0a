"""One region's run: check, its notebooks in order, export, disclosure scan and stamp."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.config import ProjectPaths, Region, check_region_files, paths
from helpers.io.storage import write_text_atomic
from helpers.runner.fingerprint import _stamp_file, is_up_to_date, region_fingerprint
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import DEFAULT_TIMEOUT, REGION_NOTEBOOKS, StepResult, run_notebook

__all__ = [
    "RegionResult",
    "run_region",
]


@dataclass
class RegionResult:
    """All the steps of one region, and where its report went."""

    region: str
    steps: list[StepResult] = field(default_factory=list)
    report: Path | None = None
    error: str | None = None
    skipped: bool = False

    @property
    def status(self) -> str:
        if self.error or any(s.status != "ok" for s in self.steps):
            return "failed"
        return "skipped" if self.skipped else "ok"

    @property
    def succeeded(self) -> bool:
        """Built now, or unchanged since a successful build."""
        return self.status in ("ok", "skipped")

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def failing(self) -> str:
        for s in self.steps:
            if s.status != "ok":
                return f"{s.notebook} cell {s.cell}" if s.cell is not None else s.notebook
        return ""


def _prepare_region(
    region: Region, project: ProjectPaths, force: bool, say: Callable[[str], None]
) -> RegionResult | None:
    """Check a region before its notebooks run. Return its final result when it cannot start
    or is unchanged (skipped); otherwise clear its stamp and stale temporaries and return None.
    """
    result = RegionResult(region.slug)
    problems = check_region_files(region, project)
    if problems:
        result.error = "; ".join(problems)
        say(f"[{region.slug}] cannot start: {result.error}")
        return result
    if not force and is_up_to_date(region, project=project):
        result.skipped = True
        result.report = project.report_file(region.slug)
        say(f"[{region.slug}] unchanged since the last build: skipped")
        return result
    _stamp_file(project, region.slug).unlink(missing_ok=True)
    # a run killed mid-write (SIGKILL, power loss) leaves temporaries beside its outputs
    from helpers.io.storage import remove_stale_temporaries

    for folder in (
        project.processed_region(region.slug),
        project.build / region.slug,
        project.review_region(region.slug),
    ):
        remove_stale_temporaries(folder)
    remove_stale_temporaries(project.reports, targets=[f"{region.slug}.html"])
    for name in REGION_NOTEBOOKS:
        if not (project.notebooks / f"{name}.ipynb").is_file():
            result.error = f"{project.notebooks / f'{name}.ipynb'}: notebook missing"
            say(f"[{region.slug}] cannot start: {result.error}")
            return result
    return None


def _run_step(
    region: Region,
    name: str,
    project: ProjectPaths,
    *,
    timeout: int,
    kernel_name: str,
    kernel: RegionKernel | None,
    say: Callable[[str], None],
) -> StepResult:
    """Run one of the region's notebooks, saying when it starts and how it ended."""
    say(f"[{region.slug}] {name} ...")
    step = run_notebook(
        project.notebooks / f"{name}.ipynb",
        project.build / region.slug / f"{name}.ipynb",
        region.parameters(),
        timeout=timeout,
        kernel_name=kernel_name,
        kernel=kernel,
    )
    say(
        f"[{region.slug}] {name} {step.status} in {step.seconds:.1f}s"
        + (f" (cell {step.cell}: {step.error})" if step.status != "ok" else "")
    )
    return step


def _finish_region(
    region: Region,
    project: ProjectPaths,
    result: RegionResult,
    say: Callable[[str], None],
    *,
    export: bool = True,
) -> None:
    """After notebook 04: export the report, scan the outputs for disclosure, and stamp the
    region as built (``result`` is updated in place)."""
    if export and result.status == "ok":
        from helpers.report.export import export_report

        try:
            result.report = export_report(
                project.build / region.slug / f"{REGION_NOTEBOOKS[-1]}.ipynb",
                project.report_file(region.slug),
                language=region.language,
            )
            say(f"[{region.slug}] report -> {result.report}")
        except Exception as exc:  # an export failure fails this region only
            result.error = f"export failed: {type(exc).__name__}: {exc}"
    if export and result.status == "ok":
        # disclosure control: no NIP, roster name, phone, e-mail or small cell may leave
        from helpers.privacy.disclosure import summarise_findings
        from helpers.steps.scan import scan_region

        findings = scan_region(region, project)
        if len(findings):
            result.error = f"disclosure check failed: {summarise_findings(findings)}"
            project.report_file(region.slug).unlink(missing_ok=True)  # never publish a leak
            result.report = None
            say(f"[{region.slug}] {result.error}")
    if result.status == "ok":
        write_text_atomic(
            _stamp_file(project, region.slug), region_fingerprint(region, project=project)
        )


def run_region(
    region: Region,
    *,
    project: ProjectPaths = paths,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = "python3",
    export: bool = True,
    force: bool = True,
    progress: Callable[[str], None] | None = None,
    kernel: RegionKernel | None = None,
) -> RegionResult:
    """Run notebooks 01-04 for one region, in order, and export its HTML report.

    With ``force=False`` a region whose inputs are unchanged since its last successful build
    (see :func:`region_fingerprint`) is skipped.
    """
    say = progress or (lambda _msg: None)
    early = _prepare_region(region, project, force, say)
    if early is not None:
        return early
    result = RegionResult(region.slug)
    with contextlib.ExitStack() as stack:
        if kernel is None:  # one kernel, so one set of imports, per region at least
            kernel = stack.enter_context(RegionKernel(kernel_name))
        for name in REGION_NOTEBOOKS:
            step = _run_step(
                region,
                name,
                project,
                timeout=timeout,
                kernel_name=kernel_name,
                kernel=kernel,
                say=say,
            )
            result.steps.append(step)
            if step.status != "ok":
                break
    _finish_region(region, project, result, say, export=export)
    return result


def _print_progress(message: str) -> None:
    print(message, flush=True)
