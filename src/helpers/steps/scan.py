"""Scan a region's outputs for personal data before anything is published."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from helpers.privacy.disclosure import scan_outputs

__all__ = [
    "scan_region",
    "roster_identifiers",
]


def roster_identifiers(region: Any, project: Any = None) -> tuple[list[str], list[str]]:
    """The names and NIPs of a region's raw roster (what must never reach an output).

    ``region`` is a :class:`helpers.core.config.Region` or a slug; columns are found through the
    region's codebook (types ``name`` and ``nip``).
    """
    from helpers.core.config import load_registry, paths
    from helpers.io.codebook import load_codebook
    from helpers.io.reading import read_table

    project = paths if project is None else project
    if isinstance(region, str):
        region = load_registry(project.config_file)[project.raw_region(region).name]
    folder = project.raw_region(region.slug)
    book = load_codebook(folder / region.codebook)
    names: list[str] = []
    nips: list[str] = []
    for spec in region.tables_of_kind("roster").values():
        rows = book.for_file(spec.file)
        raw = read_table(folder / spec.file, sheet=spec.sheet)
        for column, kind in zip(rows["raw_name"], rows["type"], strict=True):
            if column in raw and kind in ("name", "nip"):
                values = [str(v) for v in raw[column].dropna()]
                (names if kind == "name" else nips).extend(values)
    return names, nips


def scan_region(
    region: Any,
    project: Any = None,
    *,
    names: Iterable[Any] | None = None,
    nips: Iterable[Any] | None = None,
    min_cell: int | None = None,
    targets: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """:func:`scan_outputs` on a region's outputs: ``targets``, or by default its
    ``data/processed/<region>/`` and ``reports/<region>.html`` (those that exist).

    Parameters
    ----------
    region : Region or str
        The region (or its slug, looked up in the project's registry).
    project : ProjectPaths, optional
        Default :data:`helpers.core.config.paths`.
    names, nips : iterable of str, optional
        Default: read from the region's raw roster (:func:`roster_identifiers`).
    min_cell : int, optional
        Default: the region's ``min_cell_size``.
    targets : iterable of paths, optional
        Files and folders to scan instead (the runner passes a run's staging folder, staged
        report and executed notebooks).

    Returns
    -------
    pandas.DataFrame
        The findings (see :func:`scan_outputs`); empty when nothing was found.
    """
    from helpers.core.config import load_registry, paths

    project = paths if project is None else project
    if isinstance(region, str):
        region = load_registry(project.config_file)[project.raw_region(region).name]
    if names is None or nips is None:
        roster_names, roster_nips = roster_identifiers(region, project)
        names = roster_names if names is None else names
        nips = roster_nips if nips is None else nips
    if targets is None:
        defaults = [project.processed_region(region.slug), project.report_file(region.slug)]
        targets = [t for t in defaults if t.exists()]
    return scan_outputs(
        list(targets),
        names=names,
        nips=nips,
        min_cell=region.min_cell_size if min_cell is None else min_cell,
    )
