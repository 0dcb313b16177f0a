"""One region's run: check, fingerprint, its notebooks in a staging folder, export, disclosure
scan, then publish and stamp.

Every stage of a region goes through :func:`contained`, the one failure policy of every
executor (sequential, ``--jobs``, Dask): an exception in a region's check, fingerprint,
notebooks, export, scan, publication or stamp fails that region only, with the stage named in
its error, and the run goes on with the next region.

The inputs' fingerprint is taken when the region starts (the inputs as read) and again before
publishing; a region whose raw files, registry entry, notebooks, code or key changed during
its run is not published (its outputs could mix old and new inputs). Review files are left
out of that comparison, because the run itself adds new duplicate groups to them; the stamp
written after publishing covers them, so the next run rebuilds only if a reviewer changed one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from helpers.core.config import ProjectPaths, Region, check_region_files, paths
from helpers.io.storage import write_text_atomic
from helpers.runner.fingerprint import (
    _stamp_file,
    is_up_to_date,
    key_id,
    region_fingerprint,
)
from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import (
    DEFAULT_TIMEOUT,
    REGION_NOTEBOOKS,
    StepResult,
    batch_parameters,
    run_notebook,
)
from helpers.runner.staging import RegionStage

__all__ = ["RegionResult", "FinishElsewhere", "run_region", "contained"]

T = TypeVar("T")


@dataclass
class RegionResult:
    """All the steps of one region, and where its report went."""

    region: str
    steps: list[StepResult] = field(default_factory=list)
    report: Path | None = None
    error: str | None = None
    skipped: bool = False
    fingerprint: str | None = None  # of the inputs (but review files) when the region started

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


def contained(
    result: RegionResult,
    stage: str,
    say: Callable[[str], None],
    fn: Callable[..., T],
    /,
    *args: Any,
    **kwargs: Any,
) -> T | None:
    """Run one stage of a region; an exception fails the region (not the run).

    Parameters
    ----------
    result : RegionResult
        The region's result; on failure its ``error`` names ``stage`` and the exception.
    stage : str
        What is being done, for the message ("export", "disclosure scan", ...).
    say : callable
        Progress messages.
    fn : callable
        The stage; called with ``*args`` and ``**kwargs``.

    Returns
    -------
    object or None
        What ``fn`` returned, or None when it raised.
    """
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # the one place a region's failure is contained
        record_failure(result, stage, f"{type(exc).__name__}: {exc}", say)
        return None


def record_failure(result: RegionResult, stage: str, why: str, say: Callable[[str], None]) -> None:
    """Fail the region at ``stage`` because of ``why`` and say so, masked: an exception can
    quote a raw row (NIPs, long numbers and phones are masked)."""
    from helpers.privacy.deidentify import mask_text

    result.error = mask_text(f"{stage} failed: {why}")
    say(f"[{result.region}] {result.error}")


def _prepare_region(
    region: Region,
    project: ProjectPaths,
    force: bool,
    say: Callable[[str], None],
    *,
    key: bytes | None = None,
    checked: Future[CheckedRegion] | None = None,
) -> tuple[RegionResult, bool]:
    """Check a region before its notebooks run: ``(result, go)``.

    ``go`` is False when the region cannot start (the result says why) or is unchanged since
    its last build (skipped). Otherwise the result holds the inputs' fingerprint as read now,
    the stamp and stale temporaries are cleared and an empty staging folder is ready.
    ``checked``: :func:`check_region_ahead`'s future for this region, when the caller had the
    checks done while the previous region ran; only the clearing is left to do here.
    """
    if checked is None:
        result, go, said = check_region_ahead(region, project, force, key=key)
    else:
        result, go, said = checked.result()
    for message in said:
        say(message)
    return result, go and _begin_run(result, region, project, say)


def _begin_run(
    result: RegionResult, region: Region, project: ProjectPaths, say: Callable[[str], None]
) -> bool:
    """Clear a checked region for its run (:func:`_clear_for_run`); False, and no fingerprint
    kept, when that failed (the region did not start)."""
    if contained(result, "preparation", say, _clear_for_run, region, project) is None:
        result.fingerprint = None
        return False
    return True


CheckedRegion = tuple["RegionResult", bool, list[str]]


def check_region_ahead(
    region: Region, project: ProjectPaths, force: bool, *, key: bytes | None = None
) -> CheckedRegion:
    """The checks of :func:`_prepare_region` that only read (the files, the fingerprint, the
    data check): ``(result, go, messages)``. It writes nothing, so it may run ahead of its turn,
    while the previous region's notebooks run; the messages are said at the region's turn."""
    result, go, said = check_region_inputs(region, project, force, key=key)
    if go:
        error, data_said = check_region_data(region, project)
        said += data_said
        if error:
            result.error, result.fingerprint, go = error, None, False
    return result, go, said


def check_region_data(region: Region, project: ProjectPaths) -> tuple[str | None, list[str]]:
    """The contract check of a region's raw data and codebook (the costly part of the checks,
    a read of every raw table): ``(error or None, messages)``. Read-only; the parallel run
    does it on its workers."""
    from helpers.steps.check import require_ready

    said: list[str] = []
    result = RegionResult(region.slug)
    contained(result, "data check", said.append, require_ready, region, project=project)
    return result.error, said


def check_region_inputs(
    region: Region, project: ProjectPaths, force: bool, *, key: bytes | None = None
) -> CheckedRegion:
    """The checks before the data check: the region's files, its notebooks, the inputs'
    fingerprint and whether it is unchanged since its last build (``go`` False then)."""
    said: list[str] = []
    say = said.append
    result = RegionResult(region.slug)
    problems = contained(result, "check", say, check_region_files, region, project)
    if problems is None:
        return result, False, said
    if problems:
        result.error = "; ".join(problems)
        say(f"[{region.slug}] cannot start: {result.error}")
        return result, False, said
    for name in REGION_NOTEBOOKS:
        notebook = project.notebooks / f"{name}.ipynb"
        if not notebook.is_file():
            result.error = f"{project.relative(notebook)}: notebook missing"
            say(f"[{region.slug}] cannot start: {result.error}")
            return result, False, said
    fingerprint = contained(
        result, "fingerprint", say, region_fingerprint, region, project=project, key=key
    )
    inputs = contained(
        result,
        "fingerprint",
        say,
        region_fingerprint,
        region,
        project=project,
        key=key,
        review=False,
    )
    if fingerprint is None or inputs is None:
        return result, False, said
    if not force and is_up_to_date(region, project=project, fingerprint=fingerprint):
        result.skipped = True
        result.report = project.report_file(region.slug)
        say(f"[{region.slug}] unchanged since the last build: skipped")
        return result, False, said
    result.fingerprint = inputs
    return result, True, said


def _clear_for_run(region: Region, project: ProjectPaths) -> bool:
    _stamp_file(project, region.slug).unlink(missing_ok=True)
    # a run killed mid-write (SIGKILL, power loss) leaves temporaries beside its outputs
    from helpers.io.storage import remove_stale_temporaries

    for folder in (
        project.published_region(region.slug),
        project.build / region.slug,
        project.review_region(region.slug),
    ):
        remove_stale_temporaries(folder)
    remove_stale_temporaries(project.reports, targets=[f"{region.slug}.html"])
    RegionStage(project, region.slug).begin()
    return True


def _run_step(
    region: Region,
    name: str,
    project: ProjectPaths,
    *,
    timeout: int,
    kernel_name: str,
    kernel: RegionKernel | None,
    say: Callable[[str], None],
    env: dict[str, str] | None = None,
) -> StepResult:
    """Run one of the region's notebooks (its tables going to the staging folder), saying
    when it starts and how it ended."""
    say(f"[{region.slug}] {name} ...")
    notebook = project.notebooks / f"{name}.ipynb"
    step = run_notebook(
        notebook,
        project.build / region.slug / f"{name}.ipynb",
        batch_parameters(notebook, region.parameters()),
        timeout=timeout,
        kernel_name=kernel_name,
        kernel=kernel,
        env={**RegionStage(project, region.slug).env(), **(env or {})},
        relative_to=project.root,
    )
    if step.status != "ok":
        step = _failed_safely(region, project, step)
    say(
        f"[{region.slug}] {name} {step.status} in {step.seconds:.1f}s"
        + (f" (cell {step.cell}: {step.error})" if step.status != "ok" else "")
    )
    return step


def _failed_safely(region: Region, project: ProjectPaths, step: StepResult) -> StepResult:
    """A failed notebook as it may be shown: its error message with NIPs, long numbers, phone
    numbers and the region's roster names masked (an error can quote a raw row), and its
    executed copy removed when the disclosure scan finds personal data in it (a traceback is
    an output like any other). Works in every executor: each runs notebooks through
    :func:`_run_step`."""
    from helpers.privacy.deidentify import mask_text
    from helpers.steps.scan import roster_identifiers, scan_region

    try:
        names, _ = roster_identifiers(region, project)
    except Exception:  # the roster may be what failed: mask what needs no roster
        names = []
    error = mask_text(step.error or "", names=names, name_parts=False)
    if step.output.is_file():
        try:
            findings = scan_region(region, project, targets=[step.output])
        except Exception:  # a notebook that cannot be checked is not kept
            findings = None
        if findings is None or len(findings):
            step.output.unlink()
            error += " (its executed notebook held personal data and was removed)"
    return replace(step, error=error)


def _scan_staged(region: Region, project: ProjectPaths, stage: RegionStage) -> Any:
    from helpers.steps.scan import scan_region

    targets = [stage.folder, stage.report, project.build / region.slug]
    return scan_region(region, project, targets=[t for t in targets if t.exists()])


def _withdraw_leak(region: Region, project: ProjectPaths, stage: RegionStage) -> None:
    """A disclosure finding: nothing of this run is kept (staged tables, the staged report and
    the executed notebooks, which hold the same outputs)."""
    stage.discard()
    for notebook in (project.build / region.slug).glob("*.ipynb"):
        notebook.unlink()


def _finish_region(
    region: Region,
    project: ProjectPaths,
    result: RegionResult,
    say: Callable[[str], None],
    *,
    export: bool = True,
    key: bytes | None = None,
    pdf: bool = False,
) -> None:
    """After notebook 04: export the report to staging, scan everything the run wrote, check
    that the inputs did not change, publish, stamp (``result`` is updated in place); with
    ``pdf``, print the published report to ``reports/<region>.pdf``."""
    stage = RegionStage(project, region.slug)
    if result.status != "ok":
        stage.discard()
        return
    if export:
        from helpers.report.export import export_report

        notebook = project.build / region.slug / f"{REGION_NOTEBOOKS[-1]}.ipynb"
        exported = contained(
            result, "export", say, export_report, notebook, stage.report, language=region.language
        )
        if exported is None:
            stage.discard()
            return
    # disclosure control: no NIP, roster name, phone, e-mail or small cell may leave
    findings = contained(result, "disclosure scan", say, _scan_staged, region, project, stage)
    if findings is None:
        stage.discard()
        return
    if len(findings):
        from helpers.privacy.disclosure import summarise_findings

        result.error = f"disclosure check failed: {summarise_findings(findings)}"
        say(f"[{region.slug}] {result.error}")
        contained(result, "withdrawal", say, _withdraw_leak, region, project, stage)
        return
    now = contained(
        result,
        "fingerprint",
        say,
        region_fingerprint,
        region,
        project=project,
        key=key,
        review=False,
    )
    if now is None or (result.fingerprint is not None and now != result.fingerprint):
        if now is not None:
            result.error = (
                "its inputs changed during the run (a raw data or config file, a notebook, the "
                "code or the key); nothing was published: run it again"
            )
            say(f"[{region.slug}] {result.error}")
        stage.discard()
        return
    contained(result, "publication", say, stage.publish)
    if result.error:
        return
    if export:
        result.report = project.report_file(region.slug)
        say(f"[{region.slug}] report -> {project.relative(result.report)}")
    contained(result, "stamp", say, _stamp, region, project, result, key)
    if pdf and export and result.report is not None:
        from helpers.report.pdf import report_pdf

        if contained(result, "pdf", say, report_pdf, result.report) is not None:
            say(f"[{region.slug}] pdf -> {project.relative(result.report.with_suffix('.pdf'))}")


def _stamp(region: Region, project: ProjectPaths, result: RegionResult, key: bytes | None) -> None:
    """The build's record: the inputs' fingerprint (what a rebuild compares) and what made it."""
    from helpers import __version__

    fingerprint = region_fingerprint(region, project=project, key=key)  # with the review files
    record = {
        "region": region.slug,
        "inputs_fingerprint": result.fingerprint,
        "fingerprint_with_review": fingerprint,
        "key_fingerprint": key_id(key),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "helpers_version": __version__,
        "notebooks": {s.notebook: round(s.seconds, 2) for s in result.steps},
    }
    write_text_atomic(
        project.build / region.slug / "build.json", json.dumps(record, indent=1) + "\n"
    )
    write_text_atomic(_stamp_file(project, region.slug), fingerprint)


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
    key: bytes | None = None,
    env: dict[str, str] | None = None,
    pdf: bool = False,
    finish_with: Callable[[Region, RegionResult], Any] | None = None,
    checked: Future[CheckedRegion] | None = None,
) -> RegionResult:
    """Run notebooks 01-04 for one region, in order, and publish its outputs and report.

    With ``force=False`` a region whose inputs are unchanged since its last successful build
    (see :func:`region_fingerprint`) is skipped. ``key`` is the pseudonym key the caller
    uses (for the fingerprint; the notebooks read the key file, which ``env`` may name), and
    ``env`` is added to the notebooks' environment; ``pdf`` also prints the report to
    ``reports/<region>.pdf`` (an unchanged region's too, when its PDF is missing or older than
    its report). Never raises for a region's failure: the
    result says what failed (:func:`contained`).

    ``finish_with(region, result)`` takes over the export, the disclosure scan and the
    publication (e.g. a :class:`FinishElsewhere`, in another process, so the next region's
    notebooks run meanwhile); the result is complete when it has. By default they run here,
    before returning. ``checked``: the region's checks, done ahead (see
    :func:`check_region_ahead`); by default they are done here.
    """
    say = progress or (lambda _msg: None)
    result, go = _prepare_region(region, project, force, say, key=key, checked=checked)
    if not go:
        if pdf and result.skipped and project.report_file(region.slug).is_file():
            from helpers.report.pdf import report_pdf

            contained(result, "pdf", say, report_pdf, project.report_file(region.slug),
                      stale_only=True)  # fmt: skip
        return result
    with contextlib.ExitStack() as stack:
        if kernel is None:  # one kernel, so one set of imports, per region at least
            kernel = stack.enter_context(RegionKernel(kernel_name))
        for name in REGION_NOTEBOOKS:
            step = contained(
                result,
                name,
                say,
                _run_step,
                region,
                name,
                project,
                timeout=timeout,
                kernel_name=kernel_name,
                kernel=kernel,
                say=say,
                env=env,
            )
            if step is None:
                break
            result.steps.append(step)
            if step.status != "ok":
                break
    if finish_with is None:
        _finish_region(region, project, result, say, export=export, key=key, pdf=pdf)
    else:
        finish_with(region, result)
    return result


def _finish_job(
    slug: str, root: str, result: RegionResult, key: bytes | None, pdf: bool
) -> tuple[RegionResult, list[str]]:
    """:func:`_finish_region` in the finishing process of a sequential run: the result, updated,
    and what it said. Never raises (a failure is the result's error)."""
    from helpers.runner.parallel import _worker_registry

    said: list[str] = []
    project = ProjectPaths(Path(root))
    try:
        region = _worker_registry(project)[slug]
    except Exception as exc:  # the registry changed under the run
        result.error = f"finishing failed: {type(exc).__name__}: {exc}"
        return result, said
    contained(result, "finishing", said.append, _finish_region, region, project, result,
              said.append, key=key, pdf=pdf)  # fmt: skip
    return result, said


class FinishElsewhere:
    """Export, scan and publish each region in one other process, in the order given, while the
    next region's notebooks run in the kernel (both are CPU work in Python: in one process
    they would take turns on the interpreter lock, on two cores they run side by side).

    A context manager and a ``finish_with`` for :func:`run_region`. What finishing says goes to
    ``say`` as each region is done; on exit every region handed over is finished and its
    :class:`RegionResult` (the caller's object) updated.
    """

    def __init__(
        self,
        project: ProjectPaths,
        *,
        key: bytes | None,
        pdf: bool,
        say: Callable[[str], None] = lambda _m: None,
    ) -> None:
        self.project, self.key, self.pdf, self.say = project, key, pdf, say
        self.pool: Any = None  # started by the first region that gets this far
        self.settled: list[threading.Event] = []  # one per region handed over

    def __enter__(self) -> FinishElsewhere:
        return self

    def __call__(self, region: Region, result: RegionResult) -> None:
        if self.pool is None:  # a run that skips every region starts no process
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")  # the main process holds kernel sockets
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
        future = self.pool.submit(
            _finish_job, region.slug, str(self.project.root), result, self.key, self.pdf
        )
        settled = threading.Event()
        self.settled.append(settled)
        future.add_done_callback(functools.partial(self._settle, result, settled))

    def _settle(self, result: RegionResult, settled: threading.Event, future: Any) -> None:
        try:
            self._update(result, future)
        finally:
            settled.set()

    def _update(self, result: RegionResult, future: Any) -> None:
        try:
            done, said = future.result()
        except Exception as err:  # the finishing process died
            result.error = f"finishing failed: {type(err).__name__}: {err}"
            RegionStage(self.project, result.region).discard()
            self.say(f"[{result.region}] {result.error}")
            return
        result.steps, result.report, result.error = done.steps, done.report, done.error
        for message in said:
            self.say(message)

    def __exit__(self, *exc: Any) -> None:
        if self.pool is None:
            return
        # every region's result updated (its callback run), then the process exits beside
        # what the caller does next (0.2-0.3 s); the interpreter waits for it at exit
        for settled in self.settled:
            settled.wait()
        self.pool.shutdown(wait=False)


def _print_progress(message: str) -> None:
    print(message, flush=True)
