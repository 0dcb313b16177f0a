"""Clean one region's interview and focus-group codes and turn them into findings
(notebook 02): normalised codes, inter-coder agreement, frequencies, co-occurrence,
de-identified quotes, and the tidy findings table the report joins with the estimates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.core.config import ProjectPaths, Region, paths
from helpers.io.code_codebook import CodeCodebook, load_code_codebook
from helpers.io.reading import read_table
from helpers.io.segments import read_coded_segments
from helpers.io.storage import write_csv_atomic, write_parquet_atomic
from helpers.privacy.deidentify import mask_series
from helpers.qual.agreement import agreement_by_code
from helpers.qual.codes import normalise_codes
from helpers.qual.frequencies import code_frequencies, cooccurrence
from helpers.qual.quotes import qualitative_findings, representative_quotes

__all__ = ["RegionCodes", "roster_names", "clean_region_codes", "write_region_codes"]


@dataclass(frozen=True)
class RegionCodes:
    """Everything notebook 02 produces for one region."""

    region: str
    segments: pd.DataFrame
    unknown: pd.DataFrame
    log: pd.DataFrame
    agreement: pd.DataFrame
    frequencies: pd.DataFrame
    cooccurrence: pd.DataFrame
    quotes: pd.DataFrame
    findings: pd.DataFrame
    codebook: CodeCodebook


def roster_names(region: Region, *, project: ProjectPaths = paths) -> list[str]:
    """Names from the raw roster, to mask in quotes (kept in memory, never written)."""
    roster = next(iter(region.tables_of_kind("roster").values()))
    from helpers.io.codebook import load_codebook

    book = load_codebook(project.raw_region(region.slug) / region.codebook)
    rows = book.for_file(roster.file)
    raw_name = rows.loc[rows["type"] == "name", "raw_name"]
    if raw_name.empty:
        return []
    table = read_table(project.raw_region(region.slug) / roster.file)
    return sorted(set(table[raw_name.iloc[0]].dropna().astype(str)))


def clean_region_codes(region: Region, *, project: ProjectPaths = paths) -> RegionCodes:
    """Read, normalise and summarise the region's coded segments (nothing is written)."""
    spec = next(iter(region.tables_of_kind("codes").values()))
    folder = project.raw_region(region.slug)
    layout = spec.source if spec.source in ("qualcoder", "taguette") else "auto"
    segments = read_coded_segments(folder / spec.file, layout=layout, sheet=spec.sheet)
    # outputs name files relative to the project, never by a machine path
    segments.attrs["source"] = project.relative(folder / spec.file)
    book = load_code_codebook(folder / region.code_codebook)
    normalised = normalise_codes(segments, book)
    data = normalised.data
    names = roster_names(region, project=project)
    agreement = agreement_by_code(data, book)
    frequencies = code_frequencies(data, by=("theme",), min_cell=region.min_cell_size)
    co = cooccurrence(data)
    quotes = representative_quotes(data, per_theme=3, names=names)
    per_code = representative_quotes(data, by="code", per_theme=1, names=names)
    findings = qualitative_findings(data, book, quotes=per_code, min_cell=region.min_cell_size)
    masked = data.copy()
    masked["quote"] = mask_series(masked["quote"], names=names)
    return RegionCodes(
        region.slug,
        masked,
        normalised.unknown,
        normalised.log,
        agreement,
        frequencies,
        co,
        quotes,
        findings,
        book,
    )


def write_region_codes(result: RegionCodes, *, project: ProjectPaths = paths) -> list[Path]:
    """Write the notebook-02 outputs atomically; return their paths."""
    out = project.processed_region(result.region)
    tables = {
        "codes": result.segments,
        "code_agreement": result.agreement,
        "code_frequencies": result.frequencies,
        "quotes": result.quotes,
        "qual_findings": result.findings,
        "code_cooccurrence": result.cooccurrence.reset_index(names="code"),
    }
    written = [write_parquet_atomic(t, out / f"{n}.parquet") for n, t in tables.items()]
    written.append(write_csv_atomic(result.unknown, out / "unknown_codes.csv"))
    written.append(write_csv_atomic(result.log, out / "code_log.csv"))
    return written
