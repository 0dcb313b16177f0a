"""Paths and the region registry: the one place to import them from.

The project's folders come from :mod:`helpers.core.paths` (found once from the package, so
notebooks run from any working directory); the registry, ``config/regions.yaml``, is read
against its declared schema by :mod:`helpers.core.registry`: every problem names the file,
the region, the key and what was expected.

Examples
--------
>>> from helpers.core.config import load_registry, paths
>>> regions = load_registry()
>>> sorted(regions)[:2]
['jambi', 'kalianda']
>>> regions["kepahiang"].min_cell_size
5
>>> paths.relative(paths.raw_region("kepahiang"))
'data/raw/kepahiang'
"""

from __future__ import annotations

from helpers.core.paths import PROJECT_ROOT, ProjectPaths, paths
from helpers.core.registry import (
    AnalysisSpec,
    Construct,
    Region,
    ScaleWords,
    TableSpec,
    TreatmentSpec,
    check_region_files,
    get_region,
    load_constructs,
    load_registry,
    region_inputs,
)
from helpers.core.vocabulary import Design, TableKind

__all__ = [
    "PROJECT_ROOT",
    "ProjectPaths",
    "paths",
    "TableSpec",
    "TreatmentSpec",
    "AnalysisSpec",
    "Region",
    "ScaleWords",
    "Construct",
    "load_registry",
    "load_constructs",
    "get_region",
    "check_region_files",
    "region_inputs",
    "TableKind",
    "Design",
]
