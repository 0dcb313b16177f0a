"""Scan a region's outputs for personal data before anything is published."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from helpers.privacy.disclosure import scan_outputs, scan_staging

__all__ = [
    "scan_region",
    "roster_identifiers",
    "region_outputs",
]


def roster_identifiers(region: Any, project: Any = None) -> tuple[list[str], list[str]]:
    """The names and NIPs of a region's raw tables (what must never reach an output).

    ``region`` is a :class:`helpers.core.config.Region` or a slug; columns are found through the
    region's codebook (types ``name`` and ``nip``). The roster comes first; the names and NIPs
    typed into the other tables (a survey's "Nama Lengkap") are added, since they may be spelt
    differently. A table that cannot be read is skipped here (its cleaning fails loudly).
    """
    from helpers.core.config import load_registry, paths
    from helpers.core.errors import HelpersError
    from helpers.io.codebook import load_codebook
    from helpers.io.reading import read_table

    project = paths if project is None else project
    if isinstance(region, str):
        region = load_registry(project.config_file)[project.raw_region(region).name]
    folder = project.raw_region(region.slug)
    book = load_codebook(folder / region.codebook)
    names: list[str] = []
    nips: list[str] = []
    specs = list(region.tables_of_kind("roster").values())
    specs += [s for s in region.tables.values() if s.kind not in ("roster", "codes")]
    for number, spec in enumerate(specs):
        rows = book.for_file(spec.file)
        wanted = [
            (c, k)
            for c, k in zip(rows["raw_name"], rows["type"], strict=True)
            if k in ("name", "nip")
        ]
        if not wanted:
            continue
        try:
            raw = read_table(folder / spec.file, sheet=spec.sheet)
        except HelpersError:
            if number == 0:
                raise  # the roster must be readable
            continue
        for column, kind in wanted:
            if column in raw:
                values = [str(v) for v in raw[column].dropna()]
                (names if kind == "name" else nips).extend(values)
    return list(dict.fromkeys(names)), list(dict.fromkeys(nips))


def region_outputs(region: Any, project: Any) -> list[Any]:
    """Everything of a region a reader or reviewer may see, those that exist: its processed
    tables and logs, its review files, its executed notebooks (``reports/build/<region>``)
    and its report."""
    targets = [
        project.processed_region(region.slug),
        project.review_region(region.slug),
        project.build / region.slug,
        project.report_file(region.slug),
    ]
    return [t for t in targets if t.exists()]


def scan_region(
    region: Any,
    project: Any = None,
    *,
    names: Iterable[Any] | None = None,
    nips: Iterable[Any] | None = None,
    min_cell: int | None = None,
    targets: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Scan a region's outputs for personal data and small cells before anything is published.

    Parameters
    ----------
    region : Region or str
        The region (or its slug, looked up in the project's registry).
    project : ProjectPaths, optional
        Default :data:`helpers.core.config.paths`.
    names, nips : iterable of str, optional
        Default: read from the region's raw tables (:func:`roster_identifiers`).
    min_cell : int, optional
        Default: the region's ``min_cell_size``.
    targets : iterable of paths, optional
        What to scan: a run's staging folder (or a list of files), every file in it whatever
        its suffix (:func:`helpers.privacy.disclosure.scan_staging`). Default: the region's
        published places (:func:`region_outputs`: processed tables and logs, review files,
        executed notebooks, the report), with the scanner's suffixes.

    Returns
    -------
    pandas.DataFrame
        The findings (:data:`helpers.privacy.disclosure.FINDING_COLUMNS`); empty when clean.
    """
    from helpers.core.config import load_registry, paths

    project = paths if project is None else project
    if isinstance(region, str):
        region = load_registry(project.config_file)[project.raw_region(region).name]
    if names is None or nips is None:
        roster_names, roster_nips = roster_identifiers(region, project)
        names = roster_names if names is None else names
        nips = roster_nips if nips is None else nips
    min_cell = region.min_cell_size if min_cell is None else min_cell
    if targets is not None:
        return scan_staging(list(targets), names=names, nips=nips, min_cell=min_cell)
    return scan_outputs(region_outputs(region, project), names=names, nips=nips, min_cell=min_cell)
