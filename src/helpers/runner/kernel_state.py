"""The global state a shared kernel returns to before each notebook (runs inside the kernel).

A sequential run executes every notebook in one kernel (one set of imports), and IPython's
``%reset -f`` empties only the namespace. Everything else a notebook may change survives into
the next one, another region's included, so a notebook in a batch could behave differently
from the same notebook opened in JupyterLab. Before each notebook the runner calls
:func:`restore`, which brings back the baseline captured when the kernel started:

================================ ==========================================================
state                            baseline
================================ ==========================================================
pandas options                   pandas' defaults (``pd.reset_option("all")``)
warnings filters                 the filters of the freshly started kernel
matplotlib ``rcParams``          those of the freshly started kernel (inline backend's)
numpy's global random state      the state captured at kernel start
``random`` (stdlib) state        the state captured at kernel start
``os.environ``                   the kernel's environment at start, plus what the runner
                                 sets for this notebook (e.g. the staging folder)
working directory                the notebook's folder (as papermill's ``cwd``)
``helpers`` caches               cleared (:func:`clear_package_caches`); the caches keyed
                                 by a file's content (parsed raw tables, the registry) are
                                 kept: what they hold depends on those bytes only
================================ ==========================================================

numpy, pandas and matplotlib are imported when the baseline is captured; every notebook
imports them anyway, so this costs nothing and makes the baseline the state right after their
import. The namespace itself is emptied afterwards by ``%reset -f``.
"""

from __future__ import annotations

import os
import random
import sys
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["capture", "restore", "clear_package_caches", "snapshot"]

_BASELINE: dict[str, Any] | None = None


def capture() -> dict[str, Any]:
    """Record the baseline (once per kernel) and return it."""
    global _BASELINE
    if _BASELINE is None:
        import matplotlib
        import matplotlib.pyplot  # noqa: F401 - the inline backend sets its rcParams on import
        import numpy as np
        import pandas  # noqa: F401

        _BASELINE = {
            "warnings": list(warnings.filters),
            "rcparams": dict(matplotlib.rcParams),
            "numpy_random": np.random.get_state(),  # noqa: NPY002 - the legacy global state itself
            "random": random.getstate(),
            "environ": dict(os.environ),
        }
    return _BASELINE


def clear_package_caches() -> None:
    """Empty the module-level caches of :mod:`helpers` (functions decorated with
    ``functools.lru_cache``) so that nothing computed for one region is reused by the next."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("helpers.") or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()


def restore(*, cwd: str | None = None, env: Mapping[str, str] | None = None) -> None:
    """Bring the kernel's global state back to the baseline (see the module's table).

    Parameters
    ----------
    cwd : str, optional
        The working directory the next notebook starts in.
    env : mapping, optional
        Environment variables set for the next notebook on top of the baseline environment.
    """
    baseline = capture()
    import matplotlib
    import numpy as np
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resetting deprecated options warns
        pd.reset_option("all")
    warnings.filters[:] = baseline["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)  # invalidate the "once" caches
    if callable(mutated):
        mutated()
    matplotlib.rcParams.clear()
    matplotlib.rcParams.update(baseline["rcparams"])
    np.random.set_state(baseline["numpy_random"])  # noqa: NPY002
    random.setstate(baseline["random"])
    os.environ.clear()
    os.environ.update(baseline["environ"])
    if env:
        os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    clear_package_caches()


def snapshot() -> dict[str, Any]:
    """A comparable summary of the state :func:`restore` controls (for tests)."""
    import matplotlib
    import numpy as np
    import pandas as pd

    return {
        "pandas": {k: str(pd.get_option(k)) for k in ("display.max_rows", "display.precision")},
        "warnings": [repr(f) for f in warnings.filters],
        "rcparams": {k: str(matplotlib.rcParams[k]) for k in ("figure.dpi", "font.size")},
        "numpy_random_draw": float(np.random.get_state()[1][:4].sum()),  # noqa: NPY002
        "environ_has_polluter": "ASN_POLLUTED" in os.environ,
        "cwd": os.getcwd(),
    }
