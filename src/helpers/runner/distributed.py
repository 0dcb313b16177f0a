"""The distributed executor: whole regions on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

from helpers.core.config import ProjectPaths, load_registry
from helpers.runner.regions import RegionResult, _print_progress, run_region


def _region_job(slug: str, root: str, timeout: int, kernel_name: str, force: bool) -> RegionResult:
    """One whole region in a Dask worker (the distributed executor)."""
    project = ProjectPaths(Path(root))
    region = load_registry(project.config_file)[slug]
    return run_region(
        region,
        project=project,
        timeout=timeout,
        kernel_name=kernel_name,
        force=force,
        progress=_print_progress,
    )
