"""``python -m helpers.pipeline``: the command line of the runner."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

# only light modules here: a forced sequential run starts its kernel before this process
# imports pandas and the rest of the runner (see _early_kernel)
from helpers.core.errors import ConfigError
from helpers.core.paths import paths
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import (
    DEFAULT_TIMEOUT,
    REGION_NOTEBOOKS,
    SYNTHESIS_NOTEBOOK,
    prestart_for_first_notebook,
)

if TYPE_CHECKING:
    from helpers.runner.regions import RegionResult

__all__ = [
    "main",
]


def summary_table(results: Sequence[RegionResult]) -> str:
    """A plain-text table: region, status, duration, failing cell."""
    lines = [f"{'region':<14}{'status':<9}{'seconds':>9}  failing", "-" * 60]
    for r in results:
        fail = r.failing or (r.error or "")
        first = fail.splitlines()[0] if fail else ""  # a check's list follows on its own lines
        lines.append(f"{r.region:<14}{r.status:<9}{r.seconds:>9.1f}  {first[:80]}")
    return "\n".join(lines)


def _early_kernel(args: argparse.Namespace) -> RegionKernel | None:
    """The kernel of a forced sequential ``run``, started now: it boots, with the first
    notebook's imports, while this process imports the runner and reads the registry (about
    0.6 s earlier than the run would start it). None for any other command (a ``--jobs`` run's
    workers start their own; an incremental run starts one only for a region that changed).
    A kernel that cannot start is left to the first notebook, which says why."""
    if args.command != "run" or not args.force or args.jobs != 1 or args.scheduler:
        return None
    kernel = RegionKernel(args.kernel)
    prestart_for_first_notebook(kernel, paths.notebooks)
    return kernel


def _check(registry, slugs: Sequence[str] | None) -> int:
    """``check``: every problem of each region; 1 when any region has an error."""
    from helpers.steps.check import check_region

    unknown = [s for s in slugs or () if s not in registry]
    if unknown:
        print(f"error: unknown region(s) {unknown}; known: {sorted(registry)}", file=sys.stderr)
        return 2
    failed = False
    for slug in slugs or list(registry):
        report = check_region(registry[slug], project=paths)
        print(report.text())
        failed = failed or not report.ok
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's arguments: ``run``, ``check`` and ``--list``."""
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
    run.add_argument(
        "--force",
        action="store_true",
        help="rebuild every region, even those whose inputs did not change",
    )
    run.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes, each keeping one kernel; notebooks whose inputs are ready "
        "run side by side, the longest chain of work first (default 1: in sequence)",
    )
    run.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="send regions to a Dask distributed scheduler (e.g. tcp://10.0.0.5:8786); "
        "its workers must see this project folder",
    )
    run.add_argument(
        "--pdf",
        action="store_true",
        help="also print each region's report to reports/<region>.pdf (A4, page numbers) "
        "with headless Chromium",
    )
    check = sub.add_parser(
        "check",
        help="check regions' raw files, codebook and registry entry before a run (changes nothing)",
    )
    check.add_argument("--region", action="append", help="only this region (repeatable)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status (0 ok, 1 a region failed, 2 bad configuration)."""
    args = build_parser().parse_args(argv)
    kernel = _early_kernel(args)
    try:
        return _command(args, kernel)
    finally:
        if kernel is not None:
            kernel.discard()


def _command(args: argparse.Namespace, kernel: RegionKernel | None) -> int:
    from helpers.core.config import load_registry
    from helpers.runner.run import run_pipeline

    try:
        registry = load_registry()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(registry, args.region)
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
            force=args.force,
            jobs=args.jobs,
            scheduler=args.scheduler,
            progress=lambda m: print(m, flush=True),
            pdf=args.pdf,
            kernel=kernel,
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(summary_table(results))
    failed = [r.region for r in results if not r.succeeded]
    skipped = [r.region for r in results if r.status == "skipped"]
    print(
        f"\n{len(results) - len(failed) - len(skipped)} built, {len(skipped)} unchanged "
        f"(skipped), {len(failed)} failed in {time.perf_counter() - start:.1f}s; "
        f"reports in {paths.reports}"
    )
    return 1 if failed else 0
