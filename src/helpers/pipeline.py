"""Run the notebooks for every region through papermill, export the reports, build the index.

One command builds everything::

    python -m helpers.pipeline run                 # every region in config/regions.yaml
    python -m helpers.pipeline run --region medan  # one (or several) regions
    python -m helpers.pipeline --list              # the regions and their notebooks

For each region, in sequence, notebooks ``01`` to ``04`` run with the region's parameters from
the registry. Parameters are checked against each notebook's ``parameters`` cell first: an
unknown or missing parameter is an error, not papermill's warning. The executed notebooks are
kept under ``reports/build/<region>/`` for audit, and a failing one is kept there with its error,
for inspection. A failing region never stops the others; the run ends with a summary table and
a non-zero exit when any region failed. The report of a region is exported to
``reports/<region>.html`` by :mod:`helpers.report`, then the cross-region synthesis and
``reports/index.html`` are built.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from helpers.config import ProjectPaths, Region, check_region_files, load_registry, paths
from helpers.errors import ConfigError, PipelineError

__all__ = [
    "REGION_NOTEBOOKS",
    "SYNTHESIS_NOTEBOOK",
    "StepResult",
    "RegionResult",
    "notebook_parameters",
    "check_parameters",
    "run_notebook",
    "run_region",
    "run_pipeline",
    "main",
]

REGION_NOTEBOOKS = (
    "01-clean-survey",
    "02-clean-interviews",
    "03-estimate-effects",
    "04-region-report",
)
SYNTHESIS_NOTEBOOK = "05-synthesis"
DEFAULT_TIMEOUT = 600


@dataclass(frozen=True)
class StepResult:
    """One notebook run."""

    notebook: str
    status: str  # "ok" | "failed"
    seconds: float
    output: Path
    cell: int | None = None
    error: str | None = None


@dataclass
class RegionResult:
    """All the steps of one region, and where its report went."""

    region: str
    steps: list[StepResult] = field(default_factory=list)
    report: Path | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error or any(s.status != "ok" for s in self.steps):
            return "failed"
        return "ok"

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def failing(self) -> str:
        for s in self.steps:
            if s.status != "ok":
                return f"{s.notebook} cell {s.cell}" if s.cell is not None else s.notebook
        return ""


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's inspection)."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Refuse unknown parameters and parameters the notebook declares without a default.

    Raises
    ------
    ConfigError
        Naming the notebook and the parameter.
    """
    declared = notebook_parameters(notebook)
    if not declared:
        raise ConfigError(f"{notebook}: no cell tagged 'parameters'")
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ConfigError(
            f"{notebook}: unknown parameter(s) {unknown}; the notebook declares {sorted(declared)}"
        )
    missing = sorted(
        k
        for k, v in declared.items()
        if k not in parameters and v.get("default") in (None, "None", "")
    )
    if missing:
        raise ConfigError(f"{notebook}: parameter(s) {missing} have no default and were not given")


def _failing_cell(nb_path: Path) -> tuple[int | None, str | None]:
    """Find the cell that raised in an executed notebook: (index, 'Error: message')."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, f"{out.get('ename')}: {out.get('evalue')}"
    return None, None


def run_notebook(
    notebook: Path,
    output: Path,
    parameters: dict,
    *,
    timeout: int,
    kernel_name: str = "python3",
    cwd: Path | None = None,
) -> StepResult:
    """Execute one notebook with papermill; the executed copy is written to ``output``.

    The copy is written under a temporary name and renamed when the run ends (ok or failed),
    so an interrupted run never leaves a half-written notebook under the final name.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(notebook, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.stem}.running.ipynb")
    start = time.perf_counter()
    status, cell, error = "ok", None, None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(tmp),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            cwd=str(cwd or notebook.parent),
            # the kernel's own start-up log (ipykernel's TCP notice) is not for the reader
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as exc:
        status, cell, error = "failed", exc.cell_index, f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, timeout, unreadable notebook: keep going
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        if tmp.exists():
            cell, found = _failing_cell(tmp)
            error = found or error
    if tmp.exists():
        os.replace(tmp, output)
    return StepResult(notebook.stem, status, time.perf_counter() - start, output, cell, error)


def run_region(
    region: Region,
    *,
    project: ProjectPaths = paths,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = "python3",
    export: bool = True,
    progress: Callable[[str], None] | None = None,
) -> RegionResult:
    """Run notebooks 01-04 for one region and export its HTML report."""
    say = progress or (lambda _msg: None)
    result = RegionResult(region.slug)
    problems = check_region_files(region, project)
    if problems:
        result.error = "; ".join(problems)
        say(f"[{region.slug}] cannot start: {result.error}")
        return result
    for name in REGION_NOTEBOOKS:
        nb = project.notebooks / f"{name}.ipynb"
        if not nb.is_file():
            result.error = f"{nb}: notebook missing"
            break
        say(f"[{region.slug}] {name} ...")
        step = run_notebook(
            nb,
            project.build / region.slug / f"{name}.ipynb",
            region.parameters(),
            timeout=timeout,
            kernel_name=kernel_name,
        )
        result.steps.append(step)
        say(
            f"[{region.slug}] {name} {step.status} in {step.seconds:.1f}s"
            + (f" (cell {step.cell}: {step.error})" if step.status != "ok" else "")
        )
        if step.status != "ok":
            break
    if export and result.status == "ok":
        from helpers.report import export_report

        try:
            result.report = export_report(
                project.build / region.slug / f"{REGION_NOTEBOOKS[-1]}.ipynb",
                project.report_file(region.slug),
                language=region.language,
            )
            say(f"[{region.slug}] report -> {result.report}")
        except Exception as exc:  # an export failure fails this region only
            result.error = f"export failed: {type(exc).__name__}: {exc}"
    return result


def run_pipeline(
    regions: Sequence[str] | None = None,
    *,
    project: ProjectPaths = paths,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = "python3",
    synthesis: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[RegionResult]:
    """Run every region (or those named), then the synthesis and the index.

    The whole registry is validated, and every named region checked, before anything runs.
    """
    registry = load_registry(project.config_file)
    chosen = list(regions) if regions else list(registry)
    unknown = [r for r in chosen if r not in registry]
    if unknown:
        raise ConfigError(f"unknown region(s) {unknown}; known regions: {sorted(registry)}")
    results = [
        run_region(
            registry[s],
            project=project,
            timeout=timeout,
            kernel_name=kernel_name,
            progress=progress,
        )
        for s in chosen
    ]
    if synthesis:
        from helpers.report import build_index

        syn = project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb"
        syn_result = RegionResult("__synthesis__")
        if syn.is_file() and any(r.status == "ok" for r in results):
            (progress or (lambda _m: None))(f"[synthesis] {SYNTHESIS_NOTEBOOK} ...")
            step = run_notebook(
                syn,
                project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb",
                {"regions": ",".join(r.region for r in results if r.status == "ok")},
                timeout=timeout,
                kernel_name=kernel_name,
            )
            syn_result.steps.append(step)
            if step.status == "ok":
                from helpers.report import export_report

                syn_result.report = export_report(
                    step.output, project.reports / "synthesis.html", language="id"
                )
        build_index(results, registry, project=project, synthesis=syn_result)
        if syn_result.steps and syn_result.status != "ok":
            results.append(syn_result)
    return results


def summary_table(results: Sequence[RegionResult]) -> str:
    """A plain-text table: region, status, duration, failing cell."""
    lines = [f"{'region':<14}{'status':<9}{'seconds':>9}  failing", "-" * 60]
    for r in results:
        fail = r.failing or (r.error or "")
        lines.append(f"{r.region:<14}{r.status:<9}{r.seconds:>9.1f}  {fail[:80]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--list", action="store_true", help="list the regions and notebooks")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the notebooks and build the reports")
    run.add_argument("--region", action="append", help="only this region (repeatable)")
    run.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        help=f"seconds allowed per cell (default {DEFAULT_TIMEOUT})",
    )
    run.add_argument("--kernel", default="python3", help="Jupyter kernel name")
    run.add_argument(
        "--no-synthesis", action="store_true", help="skip the cross-region synthesis and index"
    )
    args = parser.parse_args(argv)
    try:
        registry = load_registry()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.list or args.command is None:
        for slug, region in registry.items():
            print(f"{slug:<12} {region.name} ({region.province}, {region.kemendagri_code})")
        print("notebooks: " + ", ".join(REGION_NOTEBOOKS) + f", then {SYNTHESIS_NOTEBOOK}")
        return 0
    start = time.perf_counter()
    try:
        results = run_pipeline(
            args.region,
            timeout=args.timeout,
            kernel_name=args.kernel,
            synthesis=not args.no_synthesis,
            progress=lambda m: print(m, flush=True),
        )
    except (ConfigError, PipelineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(summary_table(results))
    failed = [r.region for r in results if r.status != "ok"]
    print(
        f"\n{len(results) - len(failed)} ok, {len(failed)} failed "
        f"in {time.perf_counter() - start:.0f}s; reports in {paths.reports}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
