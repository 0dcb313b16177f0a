"""The distributed executor: whole regions on a Dask cluster.

Each region is one task. A worker gets the pseudonym key from the caller (never a key of its
own: a worker that made a new key would give pseudonyms that match nothing), writes it to a
private temporary file for the region's notebooks, and runs the region with the same failure
policy as every executor. A task that fails in the worker, or a worker that dies
(``KilledWorker``), fails that region only; the others' results still come back.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers.core.config import ProjectPaths, load_registry
from helpers.privacy.pseudonym import KEY_ENV_VAR
from helpers.runner.kernel import RegionKernel
from helpers.runner.regions import RegionResult, _print_progress, run_region

__all__ = ["run_on_cluster"]


_THREAD = threading.local()


def _thread_kernel(kernel_name: str) -> RegionKernel:
    """The kernel this worker thread keeps for every region it runs (one set of imports per
    thread, as the local executors' workers; shut down when the worker process exits). A Dask
    worker with several threads has one kernel per thread, never one shared by two regions."""
    kernels = getattr(_THREAD, "kernels", None)
    if kernels is None:
        kernels = _THREAD.kernels = {}
    if kernel_name not in kernels:
        kernel = kernels[kernel_name] = RegionKernel(kernel_name)
        atexit.register(kernel.__exit__, None, None, None)
    return kernels[kernel_name]


def _region_job(
    slug: str, root: str, timeout: int, kernel_name: str, force: bool, key: bytes, pdf: bool = False
) -> RegionResult:
    """One whole region in a Dask worker, with the caller's pseudonym key, in the kernel the
    worker thread keeps (a new kernel per region cost its start and imports, ~3 s, each time)."""
    project = ProjectPaths(Path(root))
    region = load_registry(project.config_file)[slug]
    with tempfile.TemporaryDirectory(prefix="asn-eval-key-") as folder:
        key_file = Path(folder) / "pseudonym.key"
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return run_region(
            region,
            project=project,
            timeout=timeout,
            kernel_name=kernel_name,
            force=force,
            progress=_print_progress,
            kernel=_thread_kernel(kernel_name),
            key=key,
            env={KEY_ENV_VAR: str(key_file)},
            pdf=pdf,
        )


def run_on_cluster(
    chosen: Sequence[str],
    *,
    scheduler: str,
    project: ProjectPaths,
    timeout: int,
    kernel_name: str,
    force: bool,
    key: bytes,
    say: Callable[[str], None],
    client_factory: Callable[[str], object] | None = None,
    pdf: bool = False,
) -> list[RegionResult]:
    """Send each region to the Dask scheduler at ``scheduler``; results in ``chosen``'s order.

    Parameters
    ----------
    chosen : sequence of str
        Region slugs.
    scheduler : str
        The scheduler's address (``tcp://host:8786``).
    project : ProjectPaths
        The project, which every worker must see at the same path.
    timeout, kernel_name, force
        As for :func:`helpers.runner.regions.run_region`.
    key : bytes
        The caller's pseudonym key, given to every worker.
    say : callable
        Progress messages.
    client_factory : callable, optional
        Makes the client from the address (default ``distributed.Client``); tests pass a
        local cluster's.

    Returns
    -------
    list of RegionResult
        One per region; a region whose task failed or whose worker died has ``error`` set.
    """
    if client_factory is None:
        from distributed import Client as client_factory  # noqa: N813
    args = (str(project.root), timeout, kernel_name, force, key, pdf)
    results: list[RegionResult] = []
    with client_factory(scheduler) as client:
        futures = [
            client.submit(_region_job, s, *args, key=f"region-{s}", pure=False) for s in chosen
        ]
        for slug, future in zip(chosen, futures, strict=True):
            try:
                results.append(future.result())
            except Exception as exc:  # KilledWorker, a lost connection, a job that raised
                result = RegionResult(slug, error=f"worker failed: {type(exc).__name__}: {exc}")
                say(f"[{slug}] {result.error}")
                results.append(result)
    return results
