"""Run one notebook through papermill: parameters checked first, the executed copy written once,
under a temporary name, and the failing cell found."""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core.errors import ConfigError
from helpers.runner.kernel import (
    KERNEL_ARGUMENTS,
    SHARED_KERNEL_ENGINE,
    RegionKernel,
    register_shared_kernel_engine,
)

__all__ = [
    "REGION_NOTEBOOKS",
    "SYNTHESIS_NOTEBOOK",
    "NOTEBOOK_NEEDS",
    "StepResult",
    "BATCH_PARAMETERS",
    "batch_parameters",
    "notebook_parameters",
    "check_parameters",
    "notebook_imports",
    "prestart_for_first_notebook",
    "run_notebook",
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


#: What a batch run gives every notebook that declares the parameter: no analyst's figures
#: (``figures``: the coefficient, distribution, event-study and co-occurrence plots of notebooks
#: 02 and 03). A batch run draws only what its reports show, and the reports draw their own;
#: the figures are drawn when the notebook runs in JupyterLab (default ``figures = True``) or
#: through papermill with ``-p figures True``.
BATCH_PARAMETERS: dict[str, Any] = {"figures": False}


def batch_parameters(notebook: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """``parameters`` and the :data:`BATCH_PARAMETERS` that ``notebook`` declares.

    Examples
    --------
    >>> from helpers.core.config import paths
    >>> batch_parameters(paths.notebooks / "03-estimate-effects.ipynb", {"region": "medan"})
    {'figures': False, 'region': 'medan'}
    >>> batch_parameters(paths.notebooks / "01-clean-survey.ipynb", {"region": "medan"})
    {'region': 'medan'}
    """
    declared = notebook_parameters(notebook)
    return {**{k: v for k, v in BATCH_PARAMETERS.items() if k in declared}, **parameters}


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's inspection).

    Read again only when the file changes (papermill's inspection costs about 30 ms, and a
    batch asks twice per notebook and region)."""
    stat = Path(notebook).stat()
    found = _inspected(str(notebook), stat.st_mtime_ns, stat.st_size)
    return {name: dict(spec) for name, spec in found.items()}


@functools.lru_cache(maxsize=64)
def _inspected(notebook: str, _mtime_ns: int, _size: int) -> dict[str, dict]:
    import papermill

    return papermill.inspect_notebook(notebook)


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


def notebook_imports(notebook: Path) -> list[str]:
    """The import statements of a notebook's code cells, at their top level, in order, once
    each: what a kernel started ahead of it may run while it boots
    (:meth:`helpers.runner.kernel.RegionKernel.prestart`).

    Relative imports, imports inside functions or blocks and lines of IPython magics are left
    out; a cell that is not valid Python is skipped. An unreadable notebook has none.

    Examples
    --------
    >>> from helpers.core.config import paths
    >>> notebook_imports(paths.notebooks / "04-region-report.ipynb")
    ['from helpers.steps import sections as sec']
    """
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found: dict[str, None] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and not node.level
            ):
                found[ast.unparse(node)] = None
    return list(found)


def prestart_for_first_notebook(kernel: RegionKernel, notebooks: Path) -> None:
    """Start ``kernel`` now in ``notebooks`` (the folder of the notebooks), doing the first
    region notebook's imports while it boots (:meth:`RegionKernel.prestart`), so that it boots
    beside whatever the caller does next. A kernel that cannot start is left to the first
    notebook, which says why."""
    first = Path(notebooks) / f"{REGION_NOTEBOOKS[0]}.ipynb"
    with contextlib.suppress(Exception):
        kernel.prestart(cwd=first.parent, warm=notebook_imports(first))


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
    kernel: RegionKernel | None = None,
    env: dict[str, str] | None = None,
    relative_to: Path | None = None,
) -> StepResult:
    """Execute one notebook with papermill; the executed copy is written to ``output``.

    The copy is written under a temporary name and renamed when the run ends (ok or failed),
    so an interrupted run never leaves a half-written notebook under the final name. With
    ``kernel``, the notebook runs in that (shared) kernel, from an empty namespace and the
    kernel's baseline global state (:mod:`helpers.runner.kernel_state`), in ``cwd`` (default:
    the notebook's folder) with ``env`` added to the kernel's environment. Without ``kernel``
    papermill starts a fresh kernel, which inherits this process's environment.
    """
    if kernel is not None:
        kernel.ensure_alive()
        register_shared_kernel_engine()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(notebook, parameters)
    if env and kernel is None:
        raise ValueError("env is given to a shared kernel; without `kernel`, set os.environ")
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
            extra_arguments=list(KERNEL_ARGUMENTS),
            **(
                {
                    "engine_name": SHARED_KERNEL_ENGINE,
                    "km": kernel.km,
                    # written once at the end (and on failure), not after every cell
                    "request_save_on_cell_execute": False,
                    "keep_on_failure": str(tmp),
                    "kernel_cwd": str(cwd or notebook.parent),
                    "kernel_env": dict(env or {}),
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
        if relative_to is not None:
            _relative_metadata(tmp, notebook, output, relative_to)
        os.replace(tmp, output)
    return StepResult(notebook.stem, status, time.perf_counter() - start, output, cell, error)


def _relative_metadata(executed: Path, notebook: Path, output: Path, root: Path) -> None:
    """Rewrite papermill's ``input_path``/``output_path`` relative to ``root``."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        meta = nb["metadata"]["papermill"]
    except (OSError, ValueError, KeyError):
        return
    for key, path in (("input_path", notebook), ("output_path", output)):
        try:
            meta[key] = Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            meta[key] = Path(path).name
    executed.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _failed_step(name: str, output: Path, exc: BaseException) -> StepResult:
    return StepResult(name, "failed", 0.0, output, None, f"{type(exc).__name__}: {exc}")
