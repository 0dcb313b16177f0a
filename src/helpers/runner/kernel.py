"""One kernel shared by several notebooks, and the papermill engine that runs a notebook in it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: How every kernel of a run is started: its own start-up log (ipykernel's TCP notice) is not
#: for the reader; no input history is kept: IPython writes every cell to an SQLite file
#: in the user's profile (which kernels side by side share), 0.3-0.9 ms of the
#: kernel's CPU per cell that nothing of a batch run reads; and no pause before each reply:
#: ipykernel sleeps 0.5 ms after every cell so that clients which stop listening at the reply
#: still get the cell's last output, but nbclient (papermill's client) collects a cell's
#: output until the kernel says it is idle, which comes after that output on the same channel.
KERNEL_ARGUMENTS = (
    "--IPKernelApp.log_level=ERROR",
    "--HistoryManager.enabled=False",
    "--IPythonKernel._execute_sleep=0",
)
SHARED_KERNEL_ENGINE = "asn_shared_kernel"
KEPT_CLIENT = "_asn_kept_client"  # the shared kernel's client, kept on its manager
# run in the shared kernel before each notebook: the global state back to the kernel's baseline
# (helpers.runner.kernel_state: pandas options, warnings filters, rcParams, random states,
# environment, working directory, package caches), an empty namespace (IPython's %reset, which
# also collects garbage), then gc.freeze(): what survived (the imported modules and whatever
# module state still holds, about 300,000 objects) is left out of later collections, so they
# stop costing 0.2 s each (every %reset pays two, and so do the automatic ones while a notebook
# runs). The price: a reference cycle frozen there and dropped later is only freed when the
# kernel is recycled (RegionKernel.max_notebooks); the notebooks' own variables are collected
# by the reset before the freeze.
RESTORE_STATE = (
    "import helpers.runner.kernel_state as _asn_state\n"
    "_asn_state.restore(cwd={cwd!r}, env={env!r})\n"
    "del _asn_state"
)
RESET_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\n__import__('gc').freeze()"


def reset_code(cwd: str | None, env: dict[str, str] | None) -> str:
    """The code run in a shared kernel before a notebook, as one request (each costs a round
    trip to the kernel, about 3 ms): restore the baseline state, then an empty namespace
    (see the comment on :data:`RESET_NAMESPACE`)."""
    return RESTORE_STATE.format(cwd=cwd, env=dict(env or {})) + "\n" + RESET_NAMESPACE


def warm_arguments(imports: Sequence[str]) -> list[str]:
    """The kernel's command-line arguments that record its baseline state, then run the import
    statements ``imports``, while it boots (IPython's ``exec_lines``, run before the kernel
    answers its first request).

    Each import runs in its own ``try``: one that fails leaves the others to run and the
    failure to the notebook, whose own import then raises the real error.

    Raises
    ------
    ValueError
        An entry is not a single ``import`` or ``from ... import`` statement.

    Examples
    --------
    >>> warm_arguments(["import pandas as pd"])[-1]
    '--IPKernelApp.exec_lines=try:\\n    import pandas as pd\\nexcept Exception:\\n    pass'
    """
    import ast

    lines = [
        "import helpers.runner.kernel_state as _asn_state; _asn_state.capture(); del _asn_state"
    ]
    for statement in imports:
        try:
            body = ast.parse(statement).body
        except SyntaxError:
            body = []
        if len(body) != 1 or not isinstance(body[0], ast.Import | ast.ImportFrom):
            raise ValueError(f"not an import statement: {statement!r}")
        lines.append(f"try:\n    {ast.unparse(body[0])}\nexcept Exception:\n    pass")
    return [f"--IPKernelApp.exec_lines={line}" for line in lines]


def register_shared_kernel_engine() -> None:
    """Register (once; later calls do nothing) a papermill engine that runs a notebook in a
    kernel the caller started and keeps (papermill is imported here, not before a kernel
    starts).

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
            code = reset_code(self.asn_cwd, self.asn_env)
            reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
            if reply and reply.get("content", {}).get("status") == "error":
                content = reply["content"]
                raise RuntimeError(
                    "the shared kernel could not be reset before the notebook: "
                    f"{content.get('ename')}: {content.get('evalue')}"
                )
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
            kernel_cwd = kwargs.pop("kernel_cwd", None)
            kernel_env = kwargs.pop("kernel_env", None)
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
            client.asn_cwd, client.asn_env = kernel_cwd, kernel_env
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
    in a sequential run, all of a worker's notebooks in a parallel one, all of a Dask worker
    thread's in a distributed one.

    After ``max_notebooks`` notebooks the kernel is replaced by a fresh one (as a web server
    recycles its workers), so what a long national-scale run leaves behind in a kernel cannot
    grow without bound; the cost is one set of imports (and of first calls: compiled-code
    caches, fonts) per ``max_notebooks`` notebooks, 4-5 s of CPU. Measured over 400 notebooks
    of 100 generated regions in one kernel, its resident memory between notebooks stayed at
    566-570 MB, so the default recycles rarely: every 125 regions.
    """

    def __init__(self, kernel_name: str = "python3", *, max_notebooks: int = 500) -> None:
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

            self._km = AsyncKernelManager(kernel_name=self.kernel_name)
        return self._km

    @property
    def started(self) -> bool:
        """A kernel is running (or booting) for the next notebook."""
        return self._km is not None and self._km.has_kernel

    def prestart(self, *, cwd: str | Path | None = None, warm: Sequence[str] = ()) -> None:
        """Start the kernel now, so that it boots beside whatever this process does next.

        The next notebook adopts it (nbclient starts a kernel only when its manager has
        none) and waits for it to be ready. While booting, the kernel records its baseline
        state (:func:`helpers.runner.kernel_state.capture`, as the first notebook would)
        and then runs the import statements ``warm``, typically the first notebook's
        (:func:`helpers.runner.notebooks.notebook_imports`): what they import is loaded when
        the notebook's own imports run, and the names they bind are gone with the namespace
        reset before it. Nothing happens when a kernel is already running.

        Parameters
        ----------
        cwd : str or Path, optional
            The kernel's working directory while it boots (the first notebook's folder, as
            papermill would start it; each notebook then runs in its own).
        warm : sequence of str
            Import statements (see :func:`warm_arguments`).
        """
        if self.started:
            return
        from jupyter_core.utils import run_sync

        run_sync(self.km.start_kernel)(
            extra_arguments=[*KERNEL_ARGUMENTS, *warm_arguments(warm)],
            **({"cwd": str(cwd)} if cwd is not None else {}),
        )

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
