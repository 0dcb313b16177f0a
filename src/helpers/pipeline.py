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

import argparse
import ast
import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers._imports import skip_slow_optional_imports
from helpers.config import ProjectPaths, Region, check_region_files, load_registry, paths
from helpers.errors import ConfigError, PipelineError
from helpers.storage import write_text_atomic

skip_slow_optional_imports()  # before papermill/nbconvert import nbformat

__all__ = [
    "REGION_NOTEBOOKS",
    "SYNTHESIS_NOTEBOOK",
    "NOTEBOOK_NEEDS",
    "StepResult",
    "RegionResult",
    "notebook_parameters",
    "check_parameters",
    "run_notebook",
    "run_region",
    "run_pipeline",
    "estimated_seconds",
    "main",
]

REGION_NOTEBOOKS = (
    "01-clean-survey",
    "02-clean-interviews",
    "03-estimate-effects",
    "04-region-report",
)
SYNTHESIS_NOTEBOOK = "05-synthesis"
# what each notebook reads from the ones before it (the parallel executor runs the others
# side by side): 01 and 02 read only raw data, 03 reads 01's tables, 04 reads everything
NOTEBOOK_NEEDS: Mapping[str, tuple[str, ...]] = {
    "01-clean-survey": (),
    "02-clean-interviews": (),
    "03-estimate-effects": ("01-clean-survey",),
    "04-region-report": ("01-clean-survey", "02-clean-interviews", "03-estimate-effects"),
}
# the synthesis reads each region's effects, written by 03
NOTEBOOK_NEEDS_SYNTHESIS = "03-estimate-effects"
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
    for name, value in parameters.items():
        # papermill reports no type; the literal default says what the notebook expects
        try:
            default = ast.literal_eval(declared[name].get("default") or "None")
        except (ValueError, SyntaxError):
            continue
        if default is not None and not (
            isinstance(value, type(default))
            or (isinstance(default, float) and isinstance(value, int))
        ):
            raise ConfigError(
                f"{notebook}: parameter {name!r} must be a {type(default).__name__} like its "
                f"default {default!r}, got {type(value).__name__} {value!r}"
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


SHARED_KERNEL_ENGINE = "asn_shared_kernel"
KEPT_CLIENT = "_asn_kept_client"  # the shared kernel's client, kept on its manager
# run in the shared kernel before each notebook: an empty namespace (IPython's %reset, which
# also collects garbage), then gc.freeze(): what survived (the imported modules and whatever
# module state still holds, about 300,000 objects) is left out of later collections, so they
# stop costing 0.2 s each (every %reset pays two, and so do the automatic ones while a notebook
# runs). The price: a reference cycle frozen there and dropped later is only freed when the
# kernel is recycled (RegionKernel.max_notebooks); the notebooks' own variables are collected
# by the reset before the freeze.
RESET_NAMESPACE = ("%reset -f", "__import__('gc').freeze()")


def _register_shared_kernel_engine() -> None:
    """A papermill engine that runs a notebook in a kernel the caller started and keeps.

    papermill starts a kernel (and so pays the imports) for every notebook; notebooks can
    share one (see :class:`RegionKernel`). Each notebook still runs through papermill (parameters injected,
    progress and errors recorded) and starts from an empty namespace (:data:`RESET_NAMESPACE`);
    only the imported modules stay cached in the kernel. The kernel's client is kept too.
    """
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class _FreshNamespaceClient(PapermillNotebookClient):
        async def async_start_new_kernel_client(self):
            # one client per kernel: a new one waits 0.2 s for IOPub to go quiet, every notebook
            kept = getattr(self.km, KEPT_CLIENT, None)
            if kept is not None and kept.channels_running:
                self.kc = kept
                return kept
            kc = await super().async_start_new_kernel_client()
            setattr(self.km, KEPT_CLIENT, kc)
            return kc

        # nbclient binds the sync wrapper to its own coroutine; papermill calls the wrapper
        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        def papermill_execute_cells(self):  # noqa: D401 - papermill's hook
            for code in RESET_NAMESPACE:
                self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
            super().papermill_execute_cells()

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            keep_on_failure=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            kwargs.pop("timeout", None)
            kwargs.pop("startup_timeout", None)
            client = _FreshNamespaceClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute()
            except BaseException:
                # the notebook is not saved after every cell (that is a fifth of the run
                # time); when the kernel dies or a cell times out, keep the cells run so far
                if keep_on_failure:
                    from papermill.iorw import write_ipynb

                    write_ipynb(nb_man.nb, keep_on_failure)
                raise

    if SHARED_KERNEL_ENGINE not in papermill_engines._engines:
        papermill_engines.register(SHARED_KERNEL_ENGINE, SharedKernelEngine)


class RegionKernel:
    """One kernel shared by notebooks (a context manager; shut down on exit): the whole batch
    in a sequential run, all of a worker's notebooks in a parallel one, a region's four in a
    distributed one.

    After ``max_notebooks`` notebooks the kernel is replaced by a fresh one (as a web server
    recycles its workers), so what a long national-scale run leaves behind in a kernel cannot
    grow without bound; the cost is one set of imports per ``max_notebooks`` notebooks.
    """

    def __init__(self, kernel_name: str = "python3", *, max_notebooks: int = 100) -> None:
        if max_notebooks < 1:
            raise ValueError(f"max_notebooks must be at least 1, got {max_notebooks}")
        self.kernel_name = kernel_name
        self.max_notebooks = max_notebooks
        self.notebooks_run = 0  # by the current kernel
        self._km: Any = None

    @property
    def km(self) -> Any:
        """The kernel manager, made on first use (a run that skips everything starts none)."""
        if self._km is None:
            from jupyter_client.manager import AsyncKernelManager

            _register_shared_kernel_engine()
            self._km = AsyncKernelManager(kernel_name=self.kernel_name)
        return self._km

    def __enter__(self) -> RegionKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def discard(self) -> None:
        """Shut the kernel down now; the next notebook starts a fresh one. After a cell timed
        out the kernel may still be running it, and would hold up every notebook after."""
        from jupyter_core.utils import run_sync

        if self._km is not None:
            kept = getattr(self._km, KEPT_CLIENT, None)
            if kept is not None:
                kept.stop_channels()
            if self._km.has_kernel:
                run_sync(self._km.shutdown_kernel)(now=True)
            self._km = None  # a manager's sockets are closed with its kernel: make a new one
        self.notebooks_run = 0

    def ran_one(self) -> None:
        """Count a notebook run; replace the kernel once it has run ``max_notebooks``."""
        if self._km is None:  # it was discarded (timeout, died): the next one starts at 0
            return
        self.notebooks_run += 1
        if self.notebooks_run >= self.max_notebooks:
            self.discard()

    def ensure_alive(self) -> None:
        """A kernel that died (crash, out of memory) is cleaned up; the next notebook starts
        a fresh one, so one failure cannot spoil the notebooks after it."""
        from jupyter_core.utils import run_sync

        if self._km is not None and self._km.has_kernel and not run_sync(self._km.is_alive)():
            self.discard()


def run_notebook(
    notebook: Path,
    output: Path,
    parameters: dict,
    *,
    timeout: int,
    kernel_name: str = "python3",
    cwd: Path | None = None,
    kernel: RegionKernel | None = None,
) -> StepResult:
    """Execute one notebook with papermill; the executed copy is written to ``output``.

    The copy is written under a temporary name and renamed when the run ends (ok or failed),
    so an interrupted run never leaves a half-written notebook under the final name. With
    ``kernel``, the notebook runs in that (shared) kernel, from an empty namespace.
    """
    if kernel is not None:
        kernel.ensure_alive()
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
            **(
                {
                    "engine_name": SHARED_KERNEL_ENGINE,
                    "km": kernel.km,
                    # written once at the end (and on failure), not after every cell
                    "request_save_on_cell_execute": False,
                    "keep_on_failure": str(tmp),
                }
                if kernel
                else {}
            ),
        )
    except PapermillExecutionError as exc:
        status, cell, error = "failed", exc.cell_index, f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, timeout, unreadable notebook: keep going
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        if kernel is not None:
            kernel.discard()
        if tmp.exists():
            cell, found = _failing_cell(tmp)
            error = found or error
    if kernel is not None:
        kernel.ran_one()
    if tmp.exists():
        os.replace(tmp, output)
    return StepResult(notebook.stem, status, time.perf_counter() - start, output, cell, error)


def _hash_files(h: Any, files: Sequence[Path], root: Path) -> None:
    for f in sorted(files):
        if f.is_file():
            h.update(str(f.relative_to(root)).encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())


def _code_files() -> list[Path]:
    package = Path(__file__).parent
    return [p for p in package.rglob("*") if p.suffix in (".py", ".j2", ".css")]


def region_fingerprint(region: Region, *, project: ProjectPaths = paths) -> str:
    """SHA-256 over everything a region's outputs depend on: its raw files and review files,
    its registry entry, the notebooks, the helpers package's code and the pseudonym key."""
    h = hashlib.sha256()
    _hash_files(h, list(project.raw_region(region.slug).glob("*")), project.root)
    _hash_files(h, list(project.review_region(region.slug).glob("*.csv")), project.root)
    h.update(repr(region).encode())
    _hash_files(h, [project.notebooks / f"{n}.ipynb" for n in REGION_NOTEBOOKS], project.root)
    package = Path(__file__).parent
    _hash_files(h, _code_files(), package.parent)
    from helpers.pseudonym import default_key_path

    key = default_key_path()
    h.update(hashlib.sha256(key.read_bytes()).digest() if key.is_file() else b"no key")
    return h.hexdigest()


def _stamp_file(project: ProjectPaths, slug: str) -> Path:
    return project.build / slug / ".fingerprint"


def is_up_to_date(region: Region, *, project: ProjectPaths = paths) -> bool:
    """True when the region's report exists and nothing it depends on changed since."""
    stamp = _stamp_file(project, region.slug)
    return (
        stamp.is_file()
        and project.report_file(region.slug).is_file()
        and stamp.read_text().strip() == region_fingerprint(region, project=project)
    )


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
    from helpers.storage import remove_stale_temporaries

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
    if export and result.status == "ok":
        # disclosure control: no NIP, roster name, phone, e-mail or small cell may leave
        from helpers.disclosure import scan_region, summarise_findings

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


def _print_progress(message: str) -> None:
    print(message, flush=True)


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
    slug: str, name: str, root: str, timeout: int, kernel_name: str, finish: bool
) -> tuple[StepResult, Path | None, str | None]:
    """One notebook of one region in a local worker (the parallel executor), in the worker's
    kernel. After the last notebook (``finish``) also the export, the disclosure scan and the
    stamp. Returns the step, the report written (or None) and the region's error (or None)."""
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
    done = RegionResult(slug, steps=[step])
    try:
        _finish_region(region, project, done, _print_progress)
    except Exception as exc:
        done.error = f"{type(exc).__name__}: {exc}"
        project.report_file(slug).unlink(missing_ok=True)  # unscanned: never published
        done.report = None
    return step, done.report, done.error


def _synthesis_job(regions: list[str], root: str, timeout: int, kernel_name: str) -> RegionResult:
    """The synthesis in a local worker's (already warm) kernel; never raises (see
    :func:`_step_job`)."""
    project = ProjectPaths(Path(root))
    try:
        return _run_synthesis(
            regions,
            project,
            timeout=timeout,
            kernel_name=kernel_name,
            kernel=_worker_kernel(kernel_name),
            say=_print_progress,
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


def _failed_step(name: str, output: Path, exc: BaseException) -> StepResult:
    return StepResult(name, "failed", 0.0, output, None, f"{type(exc).__name__}: {exc}")


class _ParallelRun:
    """The local parallel executor's bookkeeping: which notebooks may start, what ended, and
    when the synthesis can run (see :mod:`helpers.scheduling`).

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
    ) -> None:
        self.chosen, self.project, self.force, self.say = list(chosen), project, force, say
        self.args = (str(project.root), timeout, kernel_name)
        self.results: dict[str, RegionResult] = {}
        self.todo: list[str] = []
        for slug in chosen:
            early = _prepare_region(registry[slug], project, force, say)
            self.results[slug] = early or RegionResult(slug)
            if early is None:
                self.todo.append(slug)
        self.ended: dict[str, dict[str, StepResult]] = {s: {} for s in self.todo}
        self.started: set[tuple[str, str]] = set()
        self.synthesis = synthesis
        self.syn_result: RegionResult | None = RegionResult("__synthesis__") if synthesis else None
        self.syn_regions: list[str] | None = None  # the regions of the last synthesis started
        self.syn_running = False
        costs = estimated_seconds(self.todo, project=project)
        after: dict[Any, list[Any]] = {node: [] for node in costs}
        for slug, name in costs:
            for need in NOTEBOOK_NEEDS[name]:
                after[slug, need].append((slug, name))
        from helpers.scheduling import critical_path

        self.rank = critical_path(costs, after)

    def _failed(self, slug: str) -> bool:
        return self.results[slug].status == "failed"

    def _step_task(self, slug: str, name: str) -> Any:
        from helpers.scheduling import Task

        self.started.add((slug, name))
        finish = name == REGION_NOTEBOOKS[-1]
        return Task(
            (slug, name), _step_job, (slug, name, *self.args, finish), self.rank[slug, name]
        )

    def _ready(self, slug: str) -> list[Any]:
        if self._failed(slug):
            return []
        ok = {n for n, s in self.ended[slug].items() if s.status == "ok"}
        return [
            self._step_task(slug, n)
            for n in REGION_NOTEBOOKS
            if (slug, n) not in self.started and all(need in ok for need in NOTEBOOK_NEEDS[n])
        ]

    def initial(self) -> list[Any]:
        return [task for slug in self.todo for task in self._ready(slug)] + self._synthesis()

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
            (self.project.reports / "synthesis.html").unlink(missing_ok=True)
            _synthesis_stamp(self.project).unlink(missing_ok=True)
        self.syn_regions = regions
        settled = _settled_synthesis(regions, self.project, force=self.force, say=self.say)
        if settled is not None:
            self.syn_result = settled
            return []
        from helpers.scheduling import Task

        self.syn_running = True
        return [Task("__synthesis__", _synthesis_job, (regions, *self.args), priority=0.0)]

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
) -> tuple[list[RegionResult], RegionResult | None]:
    """Notebooks of all regions on ``jobs`` local processes, most urgent first (see
    :class:`_ParallelRun`); the results come back in the registry's order."""
    from helpers.scheduling import run_tasks

    run = _ParallelRun(
        chosen,
        registry,
        project=project,
        timeout=timeout,
        kernel_name=kernel_name,
        force=force,
        synthesis=synthesis,
        say=progress or (lambda _m: None),
    )
    first = run.initial()
    if first:
        run_tasks(first, run.on_result, workers=jobs)
    return [run.results[s] for s in chosen], run.syn_result


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
) -> list[RegionResult]:
    """Whole regions, sequentially (in ``kernel``) or on a Dask distributed scheduler; the
    results come back in the registry's order whatever the executor."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise ConfigError("--scheduler needs the 'distributed' package") from exc
        args = (str(project.root), timeout, kernel_name, force)
        with Client(scheduler) as client:
            futures = [
                client.submit(_region_job, s, *args, key=f"region-{s}", pure=False) for s in chosen
            ]
            return client.gather(futures)
    return [
        run_region(
            registry[s],
            project=project,
            timeout=timeout,
            kernel_name=kernel_name,
            force=force,
            progress=progress,
            kernel=kernel,
        )
        for s in chosen
    ]


def _synthesis_fingerprint(regions: Sequence[str], project: ProjectPaths) -> str:
    h = hashlib.sha256(",".join(regions).encode())
    _hash_files(h, [project.processed_region(s) / "effects.parquet" for s in regions], project.root)
    _hash_files(h, [project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb"], project.root)
    _hash_files(h, _code_files(), Path(__file__).parent.parent)
    return h.hexdigest()


def _synthesis_stamp(project: ProjectPaths) -> Path:
    return project.build / ".synthesis.fingerprint"


def _synthesis_up_to_date(regions: Sequence[str], project: ProjectPaths) -> bool:
    stamp = _synthesis_stamp(project)
    return (
        (project.reports / "synthesis.html").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == _synthesis_fingerprint(regions, project)
    )


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
) -> RegionResult:
    """Run notebook 05 over ``regions``, export ``reports/synthesis.html`` and stamp it."""
    result = RegionResult("__synthesis__")
    stamp = _synthesis_stamp(project)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} ...")
    stamp.unlink(missing_ok=True)
    step = run_notebook(
        project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb",
        project.build / f"{SYNTHESIS_NOTEBOOK}.ipynb",
        {"regions": ",".join(regions)},
        timeout=timeout,
        kernel_name=kernel_name,
        kernel=kernel,
    )
    result.steps.append(step)
    say(f"[synthesis] {SYNTHESIS_NOTEBOOK} {step.status} in {step.seconds:.1f}s")
    if step.status == "ok":
        from helpers.report import export_report

        try:
            result.report = export_report(
                step.output, project.reports / "synthesis.html", language="id"
            )
        except Exception as exc:  # the regions' reports stand without it
            result.error = f"export failed: {type(exc).__name__}: {exc}"
        else:
            write_text_atomic(stamp, _synthesis_fingerprint(regions, project))
    return result


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
) -> list[RegionResult]:
    """Run every region (or those named), then the synthesis and the index.

    The whole registry is validated, and every named region checked, before anything runs.
    ``force=False`` skips regions (and the synthesis) whose inputs did not change;
    ``jobs`` runs notebooks on that many local processes, each keeping one kernel, with
    notebooks of different regions side by side (a region's own notebooks still wait for
    those they need); ``scheduler`` sends each region to a Dask distributed scheduler at that
    address (its workers must see the same project folder).
    """
    registry = load_registry(project.config_file)
    chosen = list(regions) if regions else list(registry)
    unknown = [r for r in chosen if r not in registry]
    if unknown:
        raise ConfigError(f"unknown region(s) {unknown}; known regions: {sorted(registry)}")
    if jobs < 1:
        raise ConfigError(f"jobs must be at least 1, got {jobs}")
    say = progress or (lambda _m: None)
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
        )
    else:
        with contextlib.ExitStack() as stack:
            # a sequential run shares one kernel (one set of imports) across every notebook
            shared = stack.enter_context(RegionKernel(kernel_name)) if scheduler is None else None
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
            )
            syn_result = None
            if synthesis:
                done = [r.region for r in results if r.succeeded]
                syn_result = _settled_synthesis(done, project, force=force, say=say)
                if syn_result is None:
                    syn_result = _run_synthesis(
                        done,
                        project,
                        timeout=timeout,
                        kernel_name=kernel_name,
                        kernel=shared,
                        say=say,
                    )
    if syn_result is None:
        return results
    from helpers.report import build_index

    build_index(results, registry, project=project, synthesis=syn_result)
    failed = syn_result.steps and syn_result.status != "ok"
    return [*results, syn_result] if failed else results


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
            force=args.force,
            jobs=args.jobs,
            scheduler=args.scheduler,
            progress=lambda m: print(m, flush=True),
        )
    except (ConfigError, PipelineError) as exc:
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


if __name__ == "__main__":
    raise SystemExit(main())
