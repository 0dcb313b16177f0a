"""helpers: evaluation of Indonesian civil-servant (ASN) training and career programmes.

The package holds all logic; notebooks hold narrative, parameters and calls. See
ARCHITECTURE.md for the module map. Submodules are imported on first use, so
``import helpers`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = {
    "analysis",
    "codebook",
    "config",
    "deidentify",
    "effects",
    "errors",
    "indices",
    "interviews",
    "nip",
    "pipeline",
    "plots",
    "pseudonym",
    "reading",
    "reliability",
    "report",
    "schemas",
    "simulate",
    "storage",
    "survey",
    "synthesis",
    "disclosure",
    "provenance",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"helpers.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
