"""Clean one region's raw tables into tidy, validated, pseudonymised tables (notebook 01).

For each table the region's config lists (interview codes are notebook 02's), in order:

1. read the export (:func:`helpers.io.reading.read_table`);
2. apply the codebook: rename, type, map Likert labels, reverse-code, range-check
   (:func:`helpers.io.recode.apply_codebook`);
3. surveys: find repeated submissions, carry the reviewer's decisions from
   ``data/review/<region>/duplicates.csv`` and resolve them (as DIME's ieduplicates);
4. apply ``data/review/<region>/corrections.csv`` (as iecorrect);
5. validate every NIP (18 digits; birth date, TMT CPNS, gender, sequence) and link the records to
   the roster; rows with an invalid or unknown NIP are kept aside with their reason;
6. replace NIPs by keyed pseudonyms and drop names;
7. score the survey scales and record Cronbach's alpha;
8. validate the result against its schema.

Nothing is written until :func:`write_cleaning` is called; it writes every table as Parquet
atomically, with the cleaning log (rows in, rows out, and every drop, correction and recode with
its reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.config import ProjectPaths, Region, TableSpec, paths, region_inputs
from helpers.core.errors import CodebookError, InputFileError, RegionCheckError
from helpers.io.codebook import Codebook, load_codebook
from helpers.io.contract import normalise_golongan
from helpers.io.labels import parse_boolean
from helpers.io.log import make_log
from helpers.io.reading import read_table
from helpers.io.recode import apply_codebook
from helpers.io.schemas import GOLONGAN_ORDER
from helpers.io.sources import read_export
from helpers.io.storage import read_csv_for_people, write_csv_atomic, write_parquet_atomic
from helpers.io.table_schemas import KIND_SCHEMAS
from helpers.privacy.deidentify import mask_series
from helpers.privacy.nip import validate_nip
from helpers.privacy.pseudonym import key_fingerprint, load_or_create_key, pseudonymise
from helpers.survey.corrections import apply_corrections
from helpers.survey.duplicates import (
    AnswerRule,
    find_duplicates,
    merge_duplicate_decisions,
    resolve_duplicates,
)
from helpers.survey.scales import score_scales

__all__ = [
    "RawTable",
    "read_raw",
    "RegionCleaning",
    "clean_table",
    "TableCleaning",
    "clean_region",
    "write_cleaning",
    "roster_covariates",
    "GOLONGAN_ORDER",
    "skp_ratings",
    "check_review_key",
    "check_unique_nips",
    "mask_log",
    "FREE_TEXT_TYPES",
    "KEY_FINGERPRINT_COLUMN",
]

NIP_TYPES = ("nip",)
#: Table kinds whose processed table is checked against its kind's schema before writing
#: (the others against the ``processed`` schema: no personal column, pid not a NIP).
VALIDATED_KINDS = ("roster", "training", "skp", "survey", "person_outcome", "events", "rollout")


@dataclass(frozen=True)
class TableCleaning:
    """What :func:`clean_table` gives for one raw table."""

    data: pd.DataFrame
    """The cleaned table (pseudonyms, no names), rows kept aside and duplicates dropped."""
    log: pd.DataFrame
    """One row per drop, correction, recode or flag (:mod:`helpers.io.log`)."""
    rejected: pd.DataFrame
    """The rows kept aside, with their reason (no values)."""
    duplicates: pd.DataFrame
    """The duplicate groups found, for review (``duplicates.csv``)."""
    reliability: pd.DataFrame
    """Cronbach's alpha of each scale of the table."""
    rows_in: int
    """Data rows of the raw table as read (before anything was kept aside or dropped)."""
    children: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    """The cleaned repeat-group tables (KoboToolbox), by name."""
    repeat_rows_in: Mapping[str, int] = field(default_factory=dict)
    """Rows of each repeat-group sheet as read, by the child table's name."""


@dataclass(frozen=True)
class RegionCleaning:
    """Everything notebook 01 produces for one region."""

    region: str
    tables: Mapping[str, pd.DataFrame]
    log: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: pd.DataFrame
    reliability: pd.DataFrame
    match_rates: pd.DataFrame
    summary: pd.DataFrame
    key_fingerprint: str = ""
    kinds: Mapping[str, str] = field(default_factory=dict)
    """Each table's kind in the registry (a Kobo repeat table: ``processed``), for its schema."""


#: Codebook types whose cells are free text: masked (roster names, NIPs, phones, e-mails)
#: before anything is written.
FREE_TEXT_TYPES = ("string",)
#: The review file's column that records which pseudonym key made its pseudonyms.
KEY_FINGERPRINT_COLUMN = "key_fingerprint"


def _log(
    step: str, table: str, file: str, reason: str, *, row=None, column=None, old=None, new=None
) -> dict:
    return {
        "step": step,
        "table": table,
        "file": file,
        "row": row,
        "column": column,
        "old_value": old,
        "new_value": new,
        "reason": reason,
    }


def roster_covariates(roster: pd.DataFrame, reference_date: str) -> pd.DataFrame:
    """Add age, tenure, female and golongan rank (a copy) for balance checks and models."""
    out = roster.copy()
    ref = pd.Timestamp(reference_date)
    out["age"] = (ref - out["birth_date"]).dt.days / 365.25
    out["tenure_years"] = (ref - out["tmt_cpns"]).dt.days / 365.25
    out["female"] = (out["gender"] == "F").astype(float)
    rank = {g: i for i, g in enumerate(GOLONGAN_ORDER)}
    golongan, _ = normalise_golongan(out["golongan"])
    out["golongan_rank"] = golongan.map(rank).astype(float)
    return out


def skp_ratings(skp: pd.DataFrame) -> pd.DataFrame:
    """SKP predikat (PermenPANRB 6/2022) as an ordered categorical ``rating`` plus its rank
    1-5 in ``rating_rank`` (a copy). Ranks come from the codebook's value labels
    (1 = Sangat Kurang ... 5 = Sangat Baik)."""
    from helpers.io.schemas import SKP_RATINGS

    out = skp.copy()
    rank = pd.to_numeric(out["rating"], errors="coerce")
    out["rating_rank"] = rank.astype(float)
    labels = rank.map(lambda r: SKP_RATINGS[int(r) - 1] if pd.notna(r) else None)
    out["rating"] = pd.Categorical(labels, categories=list(SKP_RATINGS), ordered=True)
    return out


def _nip_columns(rows: pd.DataFrame) -> list[str]:
    return [n for n, t in zip(rows["name"], rows["type"], strict=True) if t in NIP_TYPES]


def _id_column(rows: pd.DataFrame) -> str | None:
    for wanted in ("nip", "id"):
        hit = rows.loc[rows["type"] == wanted, "name"]
        if len(hit):
            return str(hit.iloc[0])
    return None


def _mark_not_scheduled(data: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """A roll-out row whose start is one of the codebook's ``missing_codes`` ("Belum
    dijadwalkan") says the unit was not scheduled: ``not_scheduled`` is True there. A start
    left blank stays unexplained (False), and the analysis refuses to guess what it means."""
    coded = log[
        (log["column"] == "start") & log["reason"].astype(str).str.startswith("missing code")
    ]
    rows = set(pd.to_numeric(coded["row"], errors="coerce").dropna().astype(int))
    out = data.copy()
    out["not_scheduled"] = out.index.isin(rows) & out["start"].isna()
    return out


def clean_table(
    spec: TableSpec,
    region: Region,
    codebook: Codebook,
    *,
    project: ProjectPaths = paths,
    roster_nips: set[str] | None = None,
    key: bytes,
    review: Mapping[str, pd.DataFrame] | None = None,
    names: list[str] | None = None,
    unmatched: str = "NIP not in the roster",
) -> TableCleaning:
    """Clean one table (:class:`TableCleaning`: the data, the log, the rows kept aside, the
    duplicates report, the scales' reliability and the cleaned repeat-group tables by name).

    NIPs are validated, then replaced by keyed pseudonyms *before* duplicates and corrections
    are handled, so neither the log nor the review files ever hold a NIP. Free-text cells
    (:data:`FREE_TEXT_TYPES`) and the log's values are masked with the roster ``names``
    (:func:`helpers.privacy.deidentify.mask_series`: NIPs in any form, phones and e-mails too).
    """
    review = review or {}
    path = project.raw_region(region.slug) / spec.file
    rows = codebook.for_file(spec.file)
    required = [
        r
        for r, q in zip(rows["raw_name"], rows["required"], strict=True)
        if parse_boolean(q, default=False)
    ]
    raw = read_raw(spec, path, required)
    result = apply_codebook(raw.data, codebook, file_name=spec.file, path=path, table=spec.name)
    data, logs = result.data, [result.log, raw.notes]
    data.index = pd.RangeIndex(1, len(data) + 1, name="raw_row")
    data = _mask_free_text(data, rows, names or [])
    extra: list[dict] = []
    if spec.kind == "roster" and "golongan" in data:
        data["golongan"] = _golongan(data["golongan"], spec, extra)
    rejected: list[dict] = []
    aside = pd.Series(False, index=data.index)
    nip_cols = [c for c in _nip_columns(rows) if c in data]

    # 5a. NIPs: valid, and known to the roster; the rest are kept aside with their reason
    def set_aside(mask: pd.Series, column: str, reason: str, step: str = "nip") -> None:
        for raw_row in data.index[mask & ~aside]:
            extra.append(
                _log(
                    step,
                    spec.name,
                    spec.file,
                    f"{reason}; row kept aside",
                    row=int(raw_row),
                    column=column,
                )
            )
            rejected.append(
                {"table": spec.name, "row": int(raw_row), "column": column, "reason": reason}
            )
        aside.loc[mask] = True

    for col in nip_cols:
        check = validate_nip(data[col], as_of=region.reference_date)
        check.index = data.index
        data[col] = check["nip"]
        has_value = data[col].notna()
        bad = has_value & ~check["valid"].astype(bool)
        for raw_row, reason in zip(data.index[bad], check.loc[bad, "reason"], strict=True):
            set_aside(
                pd.Series(data.index == raw_row, index=data.index), col, f"invalid NIP: {reason}"
            )
        if roster_nips is not None:
            set_aside(has_value & ~bad & ~data[col].isin(roster_nips), col, unmatched)
        if spec.kind != "survey":  # survey rows without NIP may be resubmissions: see below
            set_aside(~has_value, col, "NIP missing")

    # 5b. impossible dates: after the region's reference date, or TMT CPNS not after birth
    reference = pd.Timestamp(region.reference_date)
    date_cols = [
        n
        for n, t in zip(rows["name"], rows["type"], strict=True)
        if t in ("date", "datetime") and n in data
    ]
    for col in date_cols:
        late = data[col].notna() & (data[col].dt.normalize() > reference)
        set_aside(late, col, f"date after the reference date {region.reference_date}", "dates")
    if {"birth_date", "tmt_cpns"} <= set(data.columns):
        set_aside(
            (data["tmt_cpns"] <= data["birth_date"]).fillna(False).astype(bool),
            "tmt_cpns",
            "TMT CPNS not after the birth date",
            "dates",
        )

    # 5c. a value the processed table cannot do without (a course's start date, an SKP
    # year): a row where it is blank or could not be read is kept aside, never a schema
    # failure that loses the region
    for col in _required_values(spec.kind, data):
        set_aside(data[col].isna(), col, "required value missing or unreadable", "required")

    # 6. pseudonyms instead of NIPs; names dropped
    for col in nip_cols:
        pid = "pid" if col == "nip" else col.replace("nip", "pid")
        data[pid] = pseudonymise(data[col], key)
        data = data.drop(columns=col)
    name_columns = [n for n, t in zip(rows["name"], rows["type"], strict=True) if t == "name"]
    data = data.drop(columns=[n for n in name_columns if n in data])

    # 3. repeated submissions (surveys), found on pseudonyms: report, decisions, resolution
    dup_report = pd.DataFrame()
    likert = [
        n for n, t in zip(rows["name"], rows["type"], strict=True) if t == "likert" and n in data
    ]
    if spec.kind == "survey" and "pid" in data:
        time_col = "submitted" if "submitted" in data else None
        rule = AnswerRule(**dict(region.extra.get("duplicate_answers") or {}))
        report = find_duplicates(
            data,
            id_column="pid",
            answer_columns=likert,
            time_column=time_col,
            table=spec.name,
            rule=rule,
        )
        extra.append(
            _log(
                "duplicates_rule",
                spec.name,
                spec.file,
                f"identical answers compared in {report.attrs['answers_compared']} row(s), not "
                f"in {report.attrs['answers_not_compared']}; respondents answering exactly like "
                f"another: {_share(report.attrs['answer_collision'])}. Rule: {rule.text()}",
            )
        )
        previous = review.get("duplicates")
        if previous is not None and len(previous) and "table" in previous:
            prev = previous[previous["table"] == spec.name]
            if len(prev):
                report = merge_duplicate_decisions(report, prev)
        resolved = resolve_duplicates(
            data, report, time_column=time_col, id_column="pid", table=spec.name, file=spec.file
        )
        logs.append(resolved.log)
        data = resolved.data
        aside = aside.loc[data.index]
        set_aside(data["pid"].isna(), "nip", "NIP missing")
        dup_report = report

    data = data[~aside]

    # 4. corrections (iecorrect); officials write NIPs, matched here through their pseudonyms
    corrections = review.get("corrections")
    id_col = _id_column(rows)
    if corrections is not None and len(corrections) and id_col:
        mine = corrections[corrections["table"] == spec.name].copy()
        if len(mine):
            id_now = "pid" if id_col == "nip" else id_col.replace("nip", "pid")
            if id_col in nip_cols:
                mine["id"] = pseudonymise(mine["id"], key)
            fixed = apply_corrections(data, mine, id_column=id_now, table=spec.name, file=spec.file)
            data = fixed.data
            logs.append(fixed.log)

    # repeat groups (KoboToolbox): each row linked to its submission's pseudonym
    children: dict[str, pd.DataFrame] = {}
    repeat_rows_in: dict[str, int] = {}
    for sheet, rows_of in raw.repeats.items():
        name = f"{spec.name}_{sheet}"
        repeat_rows_in[name] = len(rows_of)
        child = apply_codebook(
            rows_of, codebook, file_name=spec.file, path=path, table=name, sheet=sheet
        )
        logs.append(child.log)
        frame = child.data
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="raw_row")
        parent = pd.Series(rows_of["submission_row"].to_numpy(), index=frame.index)
        kept = parent.isin(data.index)
        for raw_row in frame.index[~kept]:
            extra.append(
                _log(
                    "repeat",
                    name,
                    spec.file,
                    "its submission was set aside or dropped as a duplicate; row not used",
                    row=int(raw_row),
                )
            )
        frame["pid"] = parent.map(data["pid"])
        children[name] = frame[kept].reset_index()

    # 7. scales and their reliability
    reliability = pd.DataFrame()
    if likert:
        scored = score_scales(data, rows)
        for c in scored.scores.columns:
            data[c] = scored.scores[c].to_numpy()
        reliability = scored.reliability.assign(table=spec.name)
    if spec.kind == "survey" and spec.wave:
        data["wave"] = spec.wave
    if spec.kind == "skp" and "rating" in data:
        data = skp_ratings(data)
    if spec.kind == "rollout" and "start" in data:
        data = _mark_not_scheduled(data, result.log)
    data = data.reset_index()
    logs.append(make_log(extra))
    nonempty = [x for x in logs if len(x)]
    log = pd.concat(nonempty, ignore_index=True) if nonempty else make_log()
    log = mask_log(log, names or [])
    children = {n: _mask_free_text(c, rows, names or []) for n, c in children.items()}
    rej = pd.DataFrame(rejected, columns=["table", "row", "column", "reason"])
    return TableCleaning(
        data,
        log,
        rej,
        dup_report,
        reliability,
        rows_in=len(raw.data),
        children=children,
        repeat_rows_in=repeat_rows_in,
    )


def _share(value: float) -> str:
    return "unknown (fewer than two)" if pd.isna(value) else f"{value:.1%}"


def _golongan(values: pd.Series, spec: TableSpec, extra: list[dict]) -> pd.Series:
    """Golongan as I/a ... IV/e (:func:`helpers.io.contract.normalise_golongan`); each value
    rewritten or not readable is logged."""
    clean, failed = normalise_golongan(values)
    for raw_row, old, new, bad in zip(values.index, values, clean, failed, strict=True):
        if bad:
            extra.append(
                _log(
                    "codebook",
                    spec.name,
                    spec.file,
                    "not a golongan I/a ... IV/e -> missing",
                    row=int(raw_row),
                    column="golongan",
                    old=old,
                )
            )
        elif isinstance(old, str) and isinstance(new, str) and old.strip() != new:
            extra.append(
                _log(
                    "codebook",
                    spec.name,
                    spec.file,
                    f"golongan written {old.strip()} -> {new}",
                    row=int(raw_row),
                    column="golongan",
                    old=old,
                    new=new,
                )
            )
    return clean


def _mask_free_text(data: pd.DataFrame, rows: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Free-text columns (:data:`FREE_TEXT_TYPES`) with names, NIPs, phones, e-mails masked."""
    free = [
        n
        for n, t in zip(rows["name"], rows["type"], strict=True)
        if t in FREE_TEXT_TYPES and n in data
    ]
    if not free:
        return data
    out = data.copy()
    for column in dict.fromkeys(free):
        values = out[column]
        present = values.notna()
        if present.any():
            masked = mask_series(values[present].astype(str), names=names, name_parts=False)
            out[column] = values.astype(object).where(~present, masked).astype("str")
    return out


def mask_log(log: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The log's ``column``, ``old_value``, ``new_value`` and ``reason`` masked (a respondent
    may type a NIP or a name into any answer, and an export may carry a free-text question's
    header; the log quotes answers it could not read and headers it left out)."""
    out = log.copy()
    for column in ("column", "old_value", "new_value", "reason"):
        if column in out.columns:
            values = out[column]
            present = values.notna() & (values.astype(str) != "")
            if present.any():
                masked = mask_series(values[present].astype(str), names=names, name_parts=False)
                out[column] = values.astype(object).where(~present, masked)
    return out


@dataclass(frozen=True)
class RawTable:
    """A raw table as strings, what reading interpreted (log rows), and its repeat groups."""

    data: pd.DataFrame
    notes: pd.DataFrame
    repeats: Mapping[str, pd.DataFrame]


def read_raw(spec: TableSpec, path: Path, required: list[str] = ()) -> RawTable:
    """A raw table as strings, a log of what reading interpreted, and its repeat groups.

    KoboToolbox and Google Forms exports (``source:`` in the region's config) are read by
    :func:`helpers.io.sources.read_export`: tool metadata beside the answers, submission times in
    UTC, multi-select answers folded into one ``;``-joined column, skipped questions missing.
    Required columns are then checked by the codebook step.
    """
    if spec.source in ("kobotoolbox", "google_forms"):
        export = read_export(path, source=spec.source, sheet=spec.sheet)
        notes = make_log(
            [
                {"step": "read", "table": spec.name, "file": spec.file, "reason": n}
                for n in export.notes
            ]
        )
        return RawTable(export.as_table(), notes, export.repeats)
    frame = read_table(path, sheet=spec.sheet, required_columns=required)
    width = len(frame.columns)
    notes = make_log(
        [
            {
                "step": "read",
                "table": spec.name,
                "file": spec.file,
                "row": row,
                "reason": f"row has {fields} fields but the header has {width}: the missing "
                "fields read as blank (a line cut short?)",
            }
            for row, fields in frame.attrs.pop("short_rows", ())
        ]
    )
    return RawTable(frame, notes, {})


def _read_review(
    project: ProjectPaths, slug: str, fingerprint: str | None = None
) -> dict[str, pd.DataFrame]:
    """The reviewer's files, formulas restored; ``duplicates.csv`` must have been made with the
    key whose fingerprint is ``fingerprint`` (:func:`check_review_key`)."""
    out = {}
    folder = project.review_region(slug)
    for name in ("duplicates", "corrections"):
        path = folder / f"{name}.csv"
        if path.is_file():
            out[name] = read_csv_for_people(path)
    if "duplicates" in out and fingerprint is not None:
        check_review_key(out["duplicates"], fingerprint, folder / "duplicates.csv")
    return out


def check_review_key(review: pd.DataFrame, fingerprint: str, path: Path) -> None:
    """Stop when a review file's pseudonyms were made with another key.

    A reviewer's keep/drop decisions are tied to pseudonyms; with a changed or lost key the
    same people get new pseudonyms, the decisions match nothing (or the wrong rows) and the
    default rule silently takes over. The file records the key's fingerprint
    (:func:`helpers.privacy.pseudonym.key_fingerprint`) in :data:`KEY_FINGERPRINT_COLUMN`; a
    file without it (written before fingerprints) is accepted.

    Raises
    ------
    InputFileError
        Naming the review file, both fingerprints and the two ways out.
    """
    if KEY_FINGERPRINT_COLUMN not in review.columns:
        return
    recorded = {str(v).strip() for v in review[KEY_FINGERPRINT_COLUMN].dropna()} - {""}
    if recorded and recorded != {fingerprint}:
        raise InputFileError(
            path,
            f"this review file was made with pseudonym key {', '.join(sorted(recorded))}, but this "
            f"run's key is {fingerprint}: its pseudonyms and the reviewer's keep/drop decisions "
            "would no longer match the data. Restore the key that made it (point "
            "ASN_EVAL_KEY_FILE at it), or, if that key is lost for good, move this file aside so "
            "the review starts again (its decisions must then be made again)",
            column=KEY_FINGERPRINT_COLUMN,
        )


def _roster_names(book: Codebook, spec: TableSpec, raw: pd.DataFrame) -> list[str]:
    rows = book.for_file(spec.file)
    headers = rows.loc[rows["type"] == "name", "raw_name"]
    return sorted({str(v) for h in headers if h in raw for v in raw[h].dropna()})


def check_unique_nips(checked: pd.DataFrame, path: Path, column: str) -> None:
    """Refuse a roster that lists the same NIP twice, naming the rows (never the NIP).

    ``checked`` is :func:`helpers.privacy.nip.validate_nip` of the roster's NIP column, indexed
    by position (0-based data rows).
    """
    valid = checked.loc[checked["valid"].astype(bool), "nip"]
    repeated = valid[valid.duplicated(keep=False)]
    if repeated.empty:
        return
    groups = [
        [int(p) + 1 for p in positions]
        for positions in repeated.groupby(repeated, sort=False).groups.values()
    ]
    shown = "; ".join(f"rows {', '.join(map(str, g))}" for g in groups[:5])
    more = f" (and {len(groups) - 5} more)" if len(groups) > 5 else ""
    raise InputFileError(
        path,
        f"the same NIP is listed more than once: {shown}{more}. Each person must appear once "
        "in the roster: delete or correct the repeated rows",
        row=groups[0][1],
        column=column,
    )


def _unmatched_reason(checked: pd.DataFrame, roster_file: str) -> str:
    """Why a record's NIP links to nobody: not in the roster, and, when roster rows were kept
    aside for an invalid NIP (one a spreadsheet stored as a number), that it may be theirs."""
    invalid = int((checked["nip"].notna() & ~checked["valid"].astype(bool)).sum())
    if not invalid:
        return "NIP not in the roster"
    return (
        f"NIP not in the roster ({roster_file} has {invalid} row(s) kept aside for an invalid "
        "NIP; this may be one of them)"
    )


def _required_values(kind: str, data: pd.DataFrame) -> list[str]:
    """The columns of ``data`` its kind's processed schema requires a value in (the pseudonym
    aside: it comes from the NIP, checked before)."""
    schema = KIND_SCHEMAS.get(kind)
    if schema is None:
        return []
    return [
        name
        for name, column in schema.columns.items()
        if not column.nullable and column.required and name != "pid" and name in data
    ]


def clean_region(
    region: Region, *, project: ProjectPaths = paths, key: bytes | None = None
) -> RegionCleaning:
    """Clean every non-interview table of a region (nothing is written).

    Every file the registry names is confined to the project first (no ``..``, no absolute
    path, no symbolic link out): a :class:`ConfigError` before any file is read.
    """
    region_inputs(region, project)
    key = load_or_create_key() if key is None else key
    fingerprint = key_fingerprint(key)
    book = load_codebook(project.raw_region(region.slug) / region.codebook)
    from helpers.steps.check import codebook_problems  # the contract, before any table is read

    problems = codebook_problems(region, book, project=project)
    if problems:
        raise RegionCheckError(region.slug, problems)
    review = _read_review(project, region.slug, fingerprint)
    roster_spec = next(iter(region.tables_of_kind("roster").values()))
    tables: dict[str, pd.DataFrame] = {}
    logs, rejected, dups, rel, summary = [], [], [], [], []

    def run(spec: TableSpec, roster_nips, unmatched: str = "NIP not in the roster"):
        cleaned = clean_table(
            spec,
            region,
            book,
            project=project,
            roster_nips=roster_nips,
            key=key,
            review=review,
            names=names,
            unmatched=unmatched,
        )
        data, log, rej, dup = cleaned.data, cleaned.log, cleaned.rejected, cleaned.duplicates
        reliability, children = cleaned.reliability, cleaned.children
        tables[spec.name] = data
        for name, child in children.items():
            tables[name] = child
            sheet = name.removeprefix(f"{spec.name}_")
            summary.append(
                {
                    "table": name,
                    "file": f"{spec.file} [{sheet}]",
                    "rows_in": cleaned.repeat_rows_in[name],
                    "rows_out": len(child),
                    "rows_kept_aside": 0,
                    "rows_dropped_duplicates": 0,
                }
            )
        logs.append(log)
        rejected.append(rej)
        dups.append(dup)
        rel.append(reliability)
        summary.append(
            {
                "table": spec.name,
                "file": spec.file,
                "rows_in": cleaned.rows_in,
                "rows_out": len(data),
                "rows_kept_aside": len(rej),
                "rows_dropped_duplicates": int(
                    (
                        (log["step"] == "duplicates")
                        & ~log["reason"].astype(str).str.startswith("flag")
                    ).sum()
                ),
            }
        )

    # the roster first: it is the master list the other tables link to
    roster_rows = book.for_file(roster_spec.file)
    nip_rows = roster_rows.loc[(roster_rows["name"] == "nip") & (roster_rows["type"] == "nip")]
    if nip_rows.empty:  # codebook_problems names the row; this is the last guard
        raise CodebookError(
            book.source,
            f"the roster {roster_spec.file} needs a row named 'nip' of type nip",
            column="name",
        )
    nip_header = nip_rows["raw_name"].iloc[0]
    roster_raw = read_table(
        project.raw_region(region.slug) / roster_spec.file,
        sheet=roster_spec.sheet,
        required_columns=[nip_header],
    )
    nip_raw = roster_raw[nip_header]
    checked = validate_nip(nip_raw, as_of=region.reference_date)
    roster_path = project.raw_region(region.slug) / roster_spec.file
    check_unique_nips(checked.reset_index(drop=True), roster_path, nip_header)
    roster_nips = set(checked.loc[checked["valid"].astype(bool), "nip"])
    names = _roster_names(book, roster_spec, roster_raw)
    run(roster_spec, None)
    tables[roster_spec.name] = roster_covariates(tables[roster_spec.name], region.reference_date)
    unmatched = _unmatched_reason(checked, roster_spec.file)
    for spec in region.tables.values():
        if spec.kind in ("roster", "codes"):
            continue
        run(spec, roster_nips, unmatched)

    log = pd.concat([x for x in logs if len(x)], ignore_index=True)
    rejected_df = pd.concat(rejected, ignore_index=True)
    dup_df = (
        pd.concat([d for d in dups if len(d)], ignore_index=True)
        if any(len(d) for d in dups)
        else pd.DataFrame()
    )
    rel_df = (
        pd.concat([r for r in rel if len(r)], ignore_index=True)
        if any(len(r) for r in rel)
        else pd.DataFrame()
    )
    pid_sets = {n: set(t["pid"]) for n, t in tables.items() if "pid" in t and n != "roster"}
    base = set(tables[roster_spec.name]["pid"])
    match = pd.DataFrame(
        [
            {
                "table": n,
                "n_rows": len(tables[n]),
                "n_people": len(s),
                "n_matched": len(s & base),
                "match_rate": len(s & base) / len(s) if s else np.nan,
            }
            for n, s in pid_sets.items()
        ]
    )
    kinds = {n: region.tables[n].kind if n in region.tables else "processed" for n in tables}
    return RegionCleaning(
        region.slug,
        tables,
        log,
        rejected_df,
        dup_df,
        rel_df,
        match,
        pd.DataFrame(summary),
        fingerprint,
        kinds,
    )


def write_cleaning(result: RegionCleaning, *, project: ProjectPaths = paths) -> list[Path]:
    """Write every cleaned table (Parquet) and the logs atomically; return the paths."""
    from helpers.io.schemas import validate

    out = project.processed_region(result.region)
    for name, table in result.tables.items():  # every table checked before any is written
        kind = result.kinds.get(name) or (name if name in ("roster", "training", "skp") else "")
        validate(table, kind if kind in VALIDATED_KINDS else "processed", table=name)
    written = [write_parquet_atomic(t, out / f"{n}.parquet") for n, t in result.tables.items()]
    written.append(write_csv_atomic(result.log, out / "cleaning_log.csv"))
    written.append(write_parquet_atomic(result.summary, out / "cleaning_summary.parquet"))
    written.append(write_parquet_atomic(result.rejected, out / "rejected_rows.parquet"))
    if len(result.reliability):
        written.append(write_parquet_atomic(result.reliability, out / "scale_reliability.parquet"))
    written.append(write_parquet_atomic(result.match_rates, out / "match_rates.parquet"))
    if len(result.duplicates):
        review = project.review_region(result.region) / "duplicates.csv"
        duplicates = result.duplicates.assign(**{KEY_FINGERPRINT_COLUMN: result.key_fingerprint})
        written.append(write_csv_atomic(duplicates, review))
    return written
