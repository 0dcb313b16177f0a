"""The check before a run: a region's raw files, codebook and registry entry against the data
contract (:mod:`helpers.io.contract`), with every problem named where it can be fixed.

``python -m helpers.pipeline check --region X`` prints :func:`check_region`'s report; every
pipeline run checks the regions it builds first (:func:`require_ready`, a region that fails
fails alone). Nothing is written and no raw file is changed. What is checked:

* every table's file has codebook rows, and the clean names its kind requires are there, with
  the contract's types and values (``gender`` coded M/F, ``rating`` the five predikat 1-5, a
  roster table named ``roster``); a row that looks meant for a missing name is named in the fix;
* every required header is in the raw file;
* every answer seen in the raw files is covered by the codebook: a label of ``value_labels``
  (spelling variants that cleaning matches count), a ``missing_codes`` value, or a number in
  range;
* Likert scales: codes contiguous, ``min``/``max`` those of the labels, every item of a scale
  on the same range (a reverse item's too), items named ``<scale>_<k>``, and no label set with
  a point nobody chose where the answers are exactly a shorter known scale (a 5-point set on
  4-point answers scores them 1, 2, 4, 5);
* golongan values are golongan, predikat values are predikat;
* the registry's analyses name columns the frames will have (a missing baseline is a note: the
  designs that need it are skipped and the report says so), the moderators exist, and an
  interview table's ``columns:`` name headers of the export;
* a region with ``language: en`` has the English twin of every reader-facing text: of the
  registry's (``programme_en``, a question's ``text_en``, an analysis's ``label_en``, ...) and
  of ``codes.csv`` (``label_en``, ``theme_en``), so that its report is English throughout.

Problems are ``error`` (the run would fail or give wrong numbers) or ``note`` (something the
report will say is not available, or a data problem cleaning logs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from helpers.core.config import ProjectPaths, Region, TableSpec, check_region_files, paths
from helpers.core.errors import CodebookError, InputFileError, RegionCheckError
from helpers.io.code_template import interview_layout
from helpers.io.codebook import Codebook, load_codebook
from helpers.io.contract import header_key
from helpers.io.reading import did_you_mean
from helpers.io.schemas import ITEM_PATTERN
from helpers.steps.check_tables import (
    MIN_ANSWERS_FOR_GAP,
    UNMAPPED_ERROR_SHARE,
    Problem,
    Severity,
    _check_table,
    _Checker,
)

__all__ = [
    "Problem",
    "Severity",
    "MIN_ANSWERS_FOR_GAP",
    "UNMAPPED_ERROR_SHARE",
    "CheckReport",
    "check_region",
    "require_ready",
    "codebook_problems",
]

_ROSTER_COLUMNS = (
    "pid", "unit", "gender", "golongan", "jabatan", "age", "female", "tenure_years",
    "golongan_rank",
)  # fmt: skip
_BASELINE_DESIGNS = ("ancova", "paired")


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_region` found for one region."""

    region: str
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def notes(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "note")

    @property
    def ok(self) -> bool:
        """No error (notes allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """``severity, file, where, problem, fix``, one row per problem."""
        columns = ["severity", "file", "where", "problem", "fix"]
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=columns)

    def text(self) -> str:
        """The report as lines for a terminal: errors first, then notes."""
        head = (
            f"{self.region}: ok" + (f" ({len(self.notes)} note(s))" if self.notes else "")
            if self.ok
            else f"{self.region}: {len(self.errors)} problem(s) to fix"
        )
        lines = [head]
        lines += [f"  error: {p.sentence()}" for p in self.errors]
        lines += [f"  note:  {p.sentence()}" for p in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------


def check_region(region: Region, *, project: ProjectPaths = paths) -> CheckReport:
    """Check a region's raw files, codebook and registry entry before a run.

    Parameters
    ----------
    region : Region
        The region's registry entry.
    project : ProjectPaths
        The project (default: this one).

    Returns
    -------
    CheckReport
        Every problem found (none when the region is ready), each naming the file, the codebook
        row or registry key, what was expected and the fix. Nothing is written.
    """
    checker = _Checker(region, project)
    missing = check_region_files(region, project)
    for message in missing:
        file, _, problem = message.partition(": ")
        checker.error(file, "file", problem or message, "put the file there or fix the registry")
    if missing:
        return CheckReport(region.slug, tuple(checker.problems))
    try:
        book = load_codebook(project.raw_region(region.slug) / region.codebook)
    except CodebookError as exc:
        where = f"codebook row {exc.row}" if exc.row else "codebook"
        checker.error(checker.codebook_file, where, exc.message, "correct the codebook")
        return CheckReport(region.slug, tuple(checker.problems))
    _check_config(checker)
    for spec in region.tables.values():
        if spec.kind == "codes":
            _check_codes(checker, spec)
        else:
            _check_table(checker, spec, book, read=True)
    _check_analyses(checker)
    return CheckReport(region.slug, tuple(checker.problems))


def require_ready(region: Region, *, project: ProjectPaths = paths) -> CheckReport:
    """:func:`check_region`, raising when it finds an error (the pipeline's first step).

    Raises
    ------
    RegionCheckError
        Listing every error (notes are not errors).
    """
    report = check_region(region, project=project)
    if not report.ok:
        raise RegionCheckError(region.slug, [p.sentence() for p in report.errors])
    return report


def codebook_problems(
    region: Region, book: Codebook, *, project: ProjectPaths = paths
) -> list[str]:
    """The contract errors a codebook has for the region's tables, without reading raw files:
    required clean names missing or of the wrong type (what would otherwise fail deep inside
    cleaning). Used by :func:`helpers.steps.cleaning.clean_region` before it starts."""
    checker = _Checker(region, project)
    for spec in region.tables.values():
        if spec.kind != "codes":
            _check_table(checker, spec, book, read=False)
    return [p.sentence() for p in checker.problems if p.severity == "error"]


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------


def _check_config(c: _Checker) -> None:
    region = c.region
    rosters = list(region.tables_of_kind("roster"))
    if rosters and rosters[0] != "roster":
        c.error(
            c.config,
            f"region {region.slug!r}, tables.{rosters[0]}",
            "the roster table must be named 'roster' (the report reads it by that name)",
            f"rename tables.{rosters[0]} to tables.roster",
        )
    rule = region.treatment
    source = region.tables.get(rule.table)
    if rule.window is not None and source is not None and source.kind != "training":
        c.error(
            c.config,
            "treatment.table",
            f"a treatment counted in JP within a window needs a training table; "
            f"{rule.table!r} is of kind {source.kind!r}",
            "point treatment.table at the training table, or drop window for a membership list",
        )
    if region.language == "en":
        for key in region.missing_english():
            twin = key.split(" ")[0].rsplit(".", 1)[-1]
            c.error(
                c.config,
                f"region {region.slug!r}, {key}",
                "the region's report is in English (language: en), but this text has no "
                "English twin, so the report would show it in Indonesian",
                f"add {twin}: <the English text> beside {twin.removesuffix('_en')}",
            )


# --------------------------------------------------------------------------------------------
# interviews
# --------------------------------------------------------------------------------------------


def _check_codes(c: _Checker, spec: TableSpec) -> None:
    path = c.project.raw_region(c.region.slug) / spec.file
    key = f"tables.{spec.name}"
    layout = interview_layout(path, sheet=spec.sheet)
    from helpers.io.segments import _read_raw

    try:
        header = list(_read_raw(path, sheet=spec.sheet).header)
    except InputFileError as exc:
        c.error(c.raw_file(spec), "reading", exc.message, "export the file again")
        return
    keys = {header_key(h) for h in header}
    for clean, raw_header in spec.columns.items():
        if header_key(raw_header) not in keys:
            c.error(
                c.config,
                f"{key}.columns.{clean}",
                f"header {raw_header!r} is not in {spec.file}{did_you_mean(raw_header, header)}",
                f"write the export's header exactly (its headers: {', '.join(header[:15])})",
            )
    if layout is None and not spec.columns:
        c.error(
            c.raw_file(spec),
            key,
            "not a QualCoder, Taguette or project-layout export of coded segments (headers "
            f"{', '.join(header[:10])})",
            "export a QualCoder coding report or Taguette highlights, or map the headers with "
            "columns: {transcript: ..., segment: ..., code: ...}",
        )
    if layout in ("qualcoder", "taguette") and spec.source not in (layout, None):
        c.error(
            c.config,
            f"{key}.source",
            f"the file is a {layout} export, but source says {spec.source!r}",
            f"set source: {layout}",
        )
    if layout in ("qualcoder", "taguette") and "informant_role" not in spec.columns:
        variables = [h for h in header if header_key(h).startswith(("filevar", "casevar"))]
        c.note(
            c.config,
            f"{key}.columns",
            "no column gives the informant's role, so findings by role will be missing"
            + (f"; the export's variables are {', '.join(variables)}" if variables else ""),
            "map one: columns: {informant_role: <header>, method: <header>}",
        )
    from helpers.io.code_codebook import load_code_codebook

    path = c.project.raw_region(c.region.slug) / c.region.code_codebook
    try:
        codebook = load_code_codebook(path)
    except CodebookError as exc:
        c.error(
            c.project.relative(path),
            f"row {exc.row}" if exc.row else "codes.csv",
            exc.message,
            "correct codes.csv (python -m helpers.codebook template <export> drafts one)",
        )
        return
    if c.region.language == "en":
        for row, code, twin in codebook.missing_english():
            c.error(
                c.project.relative(path),
                f"row {row} ({code}), column {twin}",
                f"the region's report is in English (language: en), but code {code!r} has no "
                f"{twin}, so the report would show its {twin.removesuffix('_en')} in Indonesian",
                f"add a {twin} column to {c.region.code_codebook} and fill it",
            )


# --------------------------------------------------------------------------------------------
# analyses
# --------------------------------------------------------------------------------------------


def _person_columns(c: _Checker) -> set[str]:
    region = c.region
    out = set(_ROSTER_COLUMNS) | c.frames.get("person", set())
    book_frames = c.frames
    for name, spec in region.tables.items():
        columns = book_frames.get(name, set())
        if spec.kind == "survey" and spec.wave in ("pre", "post"):
            scales = {m["scale"] for n in columns if (m := re.match(ITEM_PATTERN, n))}
            out |= {f"{s}_{spec.wave}" for s in scales}
        elif spec.kind == "person_outcome" and name != region.treatment.table:
            scales = {m["scale"] for n in columns if (m := re.match(ITEM_PATTERN, n))}
            if "wave" in columns:
                out |= {f"{s}_{w}" for s in scales for w in ("pre", "post")}
            out |= columns - {"pid", "wave"}
    return out


def _frame_columns(c: _Checker, frame: str) -> set[str] | None:
    if frame == "person":
        return _person_columns(c)
    spec = c.region.tables.get(frame)
    if spec is None:
        return None
    columns = set(c.frames.get(frame, set()))
    if spec.kind == "events":
        columns |= {"month", "period", "treated", "n"}
        if {f"u{i}" for i in range(1, 10)} <= columns:
            columns.add("ikm")
    if spec.kind == "linked_outcome":
        key = str(spec.key).replace("nip", "pid")
        columns |= {"treated"} | {f"{key}_{x}" for x in ("age", "female", "tenure_years")}
    return columns


def _check_analyses(c: _Checker) -> None:
    person = _person_columns(c)
    for i, a in enumerate(c.region.analyses):
        columns = _frame_columns(c, a.frame)
        if columns is None:
            continue
        key = f"analyses[{i}] ({a.id})"
        if a.outcome not in columns:
            c.error(
                c.config,
                f"{key}.outcome",
                f"{a.outcome!r} will not be a column of the {a.frame} frame"
                f"{did_you_mean(a.outcome, columns)}",
                f"name a column the frame will have: {', '.join(sorted(columns)[:25])}",
            )
        if a.baseline and a.baseline not in columns:
            needing = [d for d in a.designs if d in _BASELINE_DESIGNS]
            others = [d for d in a.designs if d not in _BASELINE_DESIGNS]
            what = (
                f"the baseline {a.baseline!r} will not be available (no pre wave or baseline "
                "column gives it)"
            )
            if others:
                c.note(
                    c.config,
                    f"{key}.baseline",
                    f"{what}: {', '.join(needing) or 'no design'} will not be estimated, "
                    f"{', '.join(others)} will be, without it, and the report says so",
                    "add a pre wave, or remove baseline",
                )
            else:
                c.error(
                    c.config,
                    f"{key}.baseline",
                    f"{what}, and every design listed ({', '.join(a.designs)}) needs it",
                    "add a pre wave or a design that needs no baseline (diff, ipw)",
                )
        for what, column in (("cluster", a.cluster), ("unit", a.unit)):
            if column and column not in columns:
                c.error(
                    c.config,
                    f"{key}.{what}",
                    f"{column!r} will not be a column of the {a.frame} frame",
                    f"name one it will have: {', '.join(sorted(columns)[:25])}",
                )
    for j, moderator in enumerate(c.region.moderators):
        if moderator not in person:
            c.error(
                c.config,
                f"moderators[{j}]",
                f"{moderator!r} will not be a column of the person frame"
                f"{did_you_mean(moderator, person)}",
                f"name a pre-treatment column: {', '.join(sorted(person)[:25])}",
            )
