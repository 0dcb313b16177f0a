"""Clean one region's interview and focus-group codes and turn them into findings
(notebook 02): normalised codes, inter-coder agreement, frequencies, co-occurrence,
de-identified quotes, and the tidy findings table the report joins with the estimates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.core.config import ProjectPaths, Region, paths, region_inputs
from helpers.core.errors import CodebookError
from helpers.io.code_codebook import CodeCodebook, load_code_codebook
from helpers.io.reading import read_table
from helpers.io.segments import SEGMENT_COLUMNS, code_slug, read_coded_segments
from helpers.io.storage import write_csv_atomic, write_parquet_atomic
from helpers.privacy.deidentify import mask_series
from helpers.privacy.disclosure import suppress_small_cells
from helpers.qual.agreement import agreement_by_code
from helpers.qual.codes import normalise_codes
from helpers.qual.frequencies import code_frequencies, cooccurrence
from helpers.qual.quotes import (
    is_single_position,
    qualitative_findings,
    representative_quotes,
    role_people,
)

__all__ = [
    "RegionCodes",
    "roster_names",
    "clean_region_codes",
    "write_region_codes",
    "protect_roles",
    "RARE_ROLE",
    "AGREEMENT_COLUMNS",
]


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
    named = rows[rows["type"] == "name"]
    if named.empty:
        return []
    path = project.raw_region(region.slug) / roster.file
    table = read_table(path, sheet=roster.sheet)
    by_key = {" ".join(str(c).casefold().split()): c for c in table.columns}
    header = named["raw_name"].iloc[0]
    column = header if header in table else by_key.get(" ".join(header.casefold().split()))
    if column is None:
        raise CodebookError(
            book.source,
            f"the roster's name column {header!r} (type name) is not in {roster.file}; the "
            "names are needed to mask quotes: fix raw_name",
            row=int(named["codebook_row"].iloc[0]),
            column="raw_name",
        )
    return sorted(set(table[column].dropna().astype(str)))


#: What a role held by fewer than the minimum number of people becomes in every output.
RARE_ROLE = "[jabatan lain]"
#: What the name of a one-person position becomes inside a quote.
POSITION_MARKER = "[jabatan]"


def protect_roles(
    data: pd.DataFrame, *, min_cell: int, names: list[str], unique_roles=()
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Informant roles made safe to show: names masked in them, and every role held by fewer
    than ``min_cell`` distinct people (:func:`helpers.qual.quotes.role_people`: the head of an
    agency counts once however many interviews it gives) recoded to :data:`RARE_ROLE`.

    Returns the recoded segments and the units mapping for :func:`mask_series` that masks the
    one-person positions (and ``unique_roles``) where a quote names them.
    """
    out = data.copy()
    if "informant_role" not in out.columns:
        return out, {}
    roles = out["informant_role"]
    present = roles.notna()
    out.loc[present, "informant_role"] = mask_series(roles[present].astype(str), names=names)
    people = role_people(out, unique_roles=unique_roles)
    rare = {r for r, n in people.items() if n < min_cell}
    out.loc[out["informant_role"].isin(rare), "informant_role"] = RARE_ROLE
    positions = {
        str(r): POSITION_MARKER
        for r in {*people.index, *(str(u) for u in unique_roles)}
        if is_single_position(r) or r in set(map(str, unique_roles))
    }
    return out, positions


#: The agreement table's columns (:func:`helpers.qual.agreement.agreement_by_code`), for a
#: region whose interviews were coded by one coder only, or that has no interviews.
AGREEMENT_COLUMNS = (
    "code", "label", "theme", "kind", "n_units", "n_coders", "prevalence", "percent_agreement",
    "cohen_kappa", "kappa_se", "fleiss_kappa", "krippendorff_alpha", "note", "unit_basis",
)  # fmt: skip


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _agreement(data: pd.DataFrame, book: CodeCodebook) -> pd.DataFrame:
    """Agreement by code; empty (with its columns) when fewer than two coders coded."""
    if data["coder"].nunique() < 2:
        return _empty(AGREEMENT_COLUMNS)
    return agreement_by_code(data, book)


def _no_interviews(region: Region) -> RegionCodes:
    """A region without a codes table: every output empty, with its columns."""
    segments = pd.DataFrame({c: pd.Series([], dtype="str") for c in (*SEGMENT_COLUMNS, "category")})
    segments["row"] = pd.Series([], dtype="int64")
    book = CodeCodebook(
        table=pd.DataFrame(
            {
                "code": pd.Series([], dtype="str"),
                "label": pd.Series([], dtype="str"),
                "definition": pd.Series([], dtype="str"),
                "theme": pd.Series([], dtype="str"),
                "kind": pd.Series([], dtype="str"),
                "level": pd.Series([], dtype="Int64"),
                "synonyms": pd.Series([], dtype=object),
            }
        ),
        source="(no interviews)",
    )
    normalised = normalise_codes(segments, book)
    data = normalised.data
    per_code = representative_quotes(data, by="code", per_theme=1, names=[], units={})
    return RegionCodes(
        region.slug,
        data,
        normalised.unknown,
        normalised.log,
        _empty(AGREEMENT_COLUMNS),
        code_frequencies(data, by=("theme",), min_cell=region.min_cell_size),
        cooccurrence(data),
        representative_quotes(data, per_theme=3, names=[], units={}),
        qualitative_findings(data, book, quotes=per_code, min_cell=region.min_cell_size),
        book,
    )


def clean_region_codes(region: Region, *, project: ProjectPaths = paths) -> RegionCodes:
    """Read, normalise and summarise the region's coded segments (nothing is written).

    Everything it returns is safe to write: quotes masked (:func:`mask_series` with the roster
    names and the one-person positions), rare informant roles recoded (:func:`protect_roles`),
    unknown codes listed without transcript names and with small counts suppressed, and the
    log's values masked.

    The table's registry ``columns`` (clean name -> the export's header) name the headers
    that hold the informant's role, the method or any other segment column: a QualCoder
    ``FileVar_``/``CaseVar_`` variable, a Taguette or project-layout column. A region without
    a ``codes`` table gets empty outputs (with their columns), so that its report says no
    interviews were coded; interviews coded by one coder get an empty agreement table.
    """
    specs = list(region.tables_of_kind("codes").values())
    if not specs:
        return _no_interviews(region)
    region_inputs(region, project)  # every registry path confined to the project, first
    spec = specs[0]
    folder = project.raw_region(region.slug)
    layout = spec.source if spec.source in ("qualcoder", "taguette") else "auto"
    columns = {header: clean for clean, header in spec.columns.items()} or None
    segments = read_coded_segments(
        folder / spec.file, layout=layout, sheet=spec.sheet, columns=columns
    )
    # outputs name files relative to the project, never by a machine path
    segments.attrs["source"] = project.relative(folder / spec.file)
    book = load_code_codebook(folder / region.code_codebook)
    normalised = normalise_codes(segments, book)
    names = roster_names(region, project=project)
    unique_roles = tuple(str(r) for r in (region.extra or {}).get("identifying_roles", ()) or ())
    data, positions = protect_roles(
        _mask_transcripts(_mask_unknown_codes(normalised.data, names), names),
        min_cell=region.min_cell_size,
        names=names,
        unique_roles=unique_roles,
    )
    agreement = _agreement(data, book)
    frequencies = code_frequencies(data, by=("theme",), min_cell=region.min_cell_size)
    co = cooccurrence(data)
    # one quote per code for the findings, then up to three per theme that none of them uses:
    # no segment is quoted twice in a report
    per_code = representative_quotes(data, by="code", per_theme=1, names=names, units=positions)
    quotes = representative_quotes(
        data,
        per_theme=3,
        names=names,
        units=positions,
        exclude=zip(per_code["transcript"], per_code["segment"], strict=True),
    )
    findings = qualitative_findings(
        data, book, quotes=per_code, min_cell=region.min_cell_size, unique_roles=unique_roles
    )
    masked = data.copy()
    masked["quote"] = mask_series(masked["quote"], names=names, units=positions)
    return RegionCodes(
        region.slug,
        masked,
        _safe_unknown(normalised.unknown, names=names, min_cell=region.min_cell_size),
        _safe_log(normalised.log, names=names),
        agreement,
        frequencies,
        co,
        quotes,
        findings,
        book,
    )


def _mask_transcripts(data: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Transcript ids masked like free text: a project may name an interview by its
    informant ('W-01 Eka Hutapea'), and the id is shown beside every quote."""
    if "transcript" not in data.columns:
        return data
    values = data["transcript"]
    present = values.notna()
    if not present.any():
        return data
    out = data.copy()
    masked = mask_series(values[present].astype(str), names=names)
    out["transcript"] = values.astype(object).where(~present, masked)
    return out


def _mask_unknown_codes(data: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Codes not in the codebook are what a coder typed: masked like any free text (parts of
    names included), and the code's slug made again from the masked text, since a slug's
    underscores hide a title and a name from the masker (``kata_hj_eka``)."""
    if "code_status" not in data.columns:
        return data
    out = data.copy()
    unknown = out["code_status"] == "unknown"
    if not unknown.any():
        return out
    for column in ("code_raw", "code"):
        if column in out.columns:
            values = out.loc[unknown, column]
            present = values.notna()
            out.loc[values.index[present], column] = mask_series(
                values[present].astype(str), names=names
            ).to_numpy()
    if "code_raw" in out.columns:
        raw = out.loc[unknown, "code_raw"]
        present = raw.notna()
        out.loc[raw.index[present], "code"] = [
            code_slug(v) or str(v).strip() for v in raw[present].astype(str)
        ]
    return out


def _safe_unknown(unknown: pd.DataFrame, *, names: list[str], min_cell: int) -> pd.DataFrame:
    """Unknown codes as a reader may see them: no transcript names (file names can name
    people), spellings masked, and codes seen fewer than ``min_cell`` times with their
    counts and example rows suppressed."""
    out = unknown.drop(columns=["example_transcripts"], errors="ignore").copy()
    for column in ("label_raw", "variants", "code"):
        if column in out.columns:
            present = out[column].notna()
            out.loc[present, column] = mask_series(
                out.loc[present, column].astype(str), names=names
            )
    columns = [c for c in ("n", "n_transcripts", "example_rows") if c in out.columns]
    if "n" not in out.columns:
        return out
    return suppress_small_cells(out, count="n", min_cell=min_cell, columns=columns)


def _safe_log(log: pd.DataFrame, *, names: list[str]) -> pd.DataFrame:
    out = log.copy()
    for column in ("old_value", "new_value", "reason"):
        if column in out.columns:
            present = out[column].notna()
            out.loc[present, column] = mask_series(
                out.loc[present, column].astype(str), names=names
            )
    return out


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
