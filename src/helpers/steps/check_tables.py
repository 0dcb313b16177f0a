"""The checks of one table, for :mod:`helpers.steps.check`: its codebook rows against the data
contract (required names, types, value labels, Likert ranges and item names) and its raw
file's answers against the codebook. Private to the check; its entry points are there."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from helpers.core.config import ProjectPaths, Region, TableSpec
from helpers.core.errors import InputFileError
from helpers.io.codebook import KNOWN_SCALES, Codebook
from helpers.io.contract import contract, gender_code, header_key, normalise_golongan, suggest_name
from helpers.io.labels import _as_number, _LabelMatcher, _match_values, parse_value_labels
from helpers.io.parsing import is_missing, parse_number
from helpers.io.reading import did_you_mean
from helpers.io.schemas import ITEM_PATTERN, SKP_RATINGS

__all__ = ["Problem", "Severity", "MIN_ANSWERS_FOR_GAP", "UNMAPPED_ERROR_SHARE"]

Severity = Literal["error", "note"]
#: Least answers before a label nobody chose is taken as a sign of the wrong scale.
MIN_ANSWERS_FOR_GAP = 20
#: An answer no label covers is an error when one such value is at least this share of a
#: column's answers (a gap in the codebook: a missing label or missing code); rarer stray
#: answers are notes, since cleaning sets them missing and logs each one.
UNMAPPED_ERROR_SHARE = 0.02
#: Category columns the steps need whose every value must be known (no stray values allowed).
_STRICT_CATEGORIES = ("gender", "rating")


@dataclass(frozen=True)
class Problem:
    """One thing to fix (``error``) or to know (``note``).

    Attributes
    ----------
    severity : {"error", "note"}
    file : str
        The file to edit, relative to the project (the codebook, ``config/regions.yaml``, or
        the raw file for a data problem cleaning will log).
    where : str
        The codebook row (``codebook row 12``) or registry key (``tables.skp``,
        ``analyses[0].baseline``).
    problem : str
        What is wrong, with the values seen.
    fix : str
        What to change.
    """

    severity: Severity
    file: str
    where: str
    problem: str
    fix: str

    def sentence(self) -> str:
        """``file, where: problem. Fix: fix``."""
        return f"{self.file}, {self.where}: {self.problem}. Fix: {self.fix}"


@dataclass
class _Checker:
    region: Region
    project: ProjectPaths
    problems: list[Problem] = field(default_factory=list)
    frames: dict[str, set[str]] = field(default_factory=dict)  # frame -> columns it will have

    @property
    def config(self) -> str:
        return "config/regions.yaml"

    @property
    def codebook_file(self) -> str:
        return self.project.relative(
            self.project.raw_region(self.region.slug) / self.region.codebook
        )

    def raw_file(self, spec: TableSpec) -> str:
        return self.project.relative(self.project.raw_region(self.region.slug) / spec.file)

    def add(self, severity: Severity, file: str, where: str, problem: str, fix: str) -> None:
        self.problems.append(Problem(severity, file, where, problem, fix))

    def error(self, file: str, where: str, problem: str, fix: str) -> None:
        self.add("error", file, where, problem, fix)

    def note(self, file: str, where: str, problem: str, fix: str) -> None:
        self.add("note", file, where, problem, fix)

    def row(self, r: Mapping[str, Any]) -> str:
        return f"codebook row {int(r['codebook_row'])} ({r['raw_name']!r})"


# --------------------------------------------------------------------------------------------
# one table
# --------------------------------------------------------------------------------------------


def _required_for(c: _Checker, spec: TableSpec) -> list[str]:
    kind = spec.kind
    if kind == "survey":
        return ["nip"] if spec.wave in ("pre", "post") else []
    if kind == "linked_outcome":
        return [str(spec.key)]
    if kind == "events":
        panel = any(
            a.frame == spec.name and {"did", "twfe"} & set(a.designs) for a in c.region.analyses
        )
        return ["unit", "date"] if panel else []
    return [x.name for x in contract(kind) if x.required and not x.made_by]


def _types_for(kind: str) -> dict[str, Any]:
    return {x.name: x for x in contract(kind) if not x.made_by}


def _check_table(c: _Checker, spec: TableSpec, book: Codebook, *, read: bool) -> None:
    rows = book.for_file(spec.file)
    where_file = f"file {spec.file!r}"
    if rows.empty:
        c.error(
            c.codebook_file,
            where_file,
            f"no codebook row applies to {spec.file} (table {spec.name!r}, kind {spec.kind})",
            f"draft rows with `python -m helpers.codebook template {c.raw_file(spec)} --kind "
            f"{spec.kind} -o /tmp/{Path(spec.file).stem}.csv`, edit them and add them to the "
            "codebook",
        )
        return
    used = rows[rows["type"] != "drop"]
    by_name = {str(r["name"]): r for _, r in used.iterrows()}
    for wanted in _required_for(c, spec):
        if wanted not in by_name:
            _missing_name(c, spec, used, wanted)
    if spec.kind == "skp" and not {"score", "rating"} & set(by_name):
        c.error(
            c.codebook_file,
            where_file,
            "an SKP table needs `rating` (the predikat, 2023 onwards), `score` (0-100, before "
            "2023) or both; neither is named",
            "name the predikat column `rating` (type category) and/or the score column `score`",
        )
    _check_types(c, spec, by_name)
    _check_items(c, spec, used)
    if spec.kind == "linked_outcome" and str(spec.key) in by_name:
        key_row = by_name[str(spec.key)]
        if key_row["type"] != "nip":
            c.error(
                c.codebook_file,
                c.row(key_row),
                f"the registry's key {spec.key!r} must be a NIP column; it has type "
                f"{key_row['type']!r}",
                "set type nip",
            )
    c.frames.setdefault(spec.name, set()).update(
        str(n).replace("nip", "pid") if t == "nip" else str(n)
        for n, t in zip(used["name"], used["type"], strict=True)
    )
    if not read:
        return
    from helpers.steps.cleaning import read_raw

    path = c.project.raw_region(c.region.slug) / spec.file
    try:
        raw = read_raw(spec, path).data
    except InputFileError as exc:
        c.error(c.raw_file(spec), "reading", exc.message, "export the file again, or fix sheet:")
        return
    matched = _match_headers(c, spec, used, raw)
    _check_values(c, spec, used, raw, matched)
    if spec.kind == "skp":
        _skp_years(c, spec, used, raw, matched)


def _missing_name(c: _Checker, spec: TableSpec, rows: pd.DataFrame, wanted: str) -> None:
    types = _types_for(spec.kind)
    info = types.get(wanted)
    what = f" ({info.description})" if info is not None and info.description else ""
    kind_types = " or ".join(info.types) if info is not None and info.types else "nip"
    for _, r in rows.iterrows():
        guesses = {
            suggest_name(r["raw_name"], spec.kind),
            suggest_name(r["name"], spec.kind),
            suggest_name(r["label"], spec.kind) if r["label"] else None,
        }
        if wanted in guesses or header_key(r["name"]) == header_key(wanted):
            c.error(
                c.codebook_file,
                c.row(r),
                f"the {spec.kind} table {spec.name!r} needs the clean name {wanted!r}{what}; "
                f"this row, which looks meant for it, names it {r['name']!r}",
                f"set name to {wanted} (and type {kind_types}) in codebook row "
                f"{int(r['codebook_row'])}",
            )
            return
    c.error(
        c.codebook_file,
        f"file {spec.file!r}",
        f"the {spec.kind} table {spec.name!r} needs the clean name {wanted!r}{what}; no codebook "
        f"row of {spec.file} gives it (names given: {', '.join(map(repr, rows['name']))})",
        f"add a row: file {spec.file}, raw_name = the export's header, name {wanted}, type "
        f"{kind_types} (python -m helpers.codebook contract {spec.kind})",
    )


def _check_types(c: _Checker, spec: TableSpec, by_name: Mapping[str, pd.Series]) -> None:
    for name, info in _types_for(spec.kind).items():
        r = by_name.get(name)
        if r is None or not info.types:
            continue
        if r["type"] not in info.types:
            c.error(
                c.codebook_file,
                c.row(r),
                f"{name!r} has type {r['type']!r}; the {spec.kind} contract needs "
                f"{' or '.join(info.types)}",
                f"set type {info.types[0]}",
            )
            continue
        if name == "gender":
            _check_gender(c, r)
        elif name == "rating":
            _check_rating(c, r)
        elif r["type"] == "category" and "string" in info.types and r["value_labels"]:
            labels = parse_value_labels(r["value_labels"])
            if all(isinstance(k, int) for k in labels):
                c.error(
                    c.codebook_file,
                    c.row(r),
                    f"{name!r} is text, but these value_labels number its values "
                    f"({r['value_labels'][:60]}): the steps would see 1, 2, ...",
                    "set type string and clear value_labels",
                )


def _check_gender(c: _Checker, r: pd.Series) -> None:
    if not r["value_labels"]:
        return  # the raw values must then be M/F already: _check_values says so
    labels = parse_value_labels(r["value_labels"])
    codes = {str(k) for k in labels}
    if codes <= {"M", "F"}:
        return
    proposal = "|".join(
        f"{gender_code(label)}={label}" for label in labels.values() if gender_code(label)
    )
    c.error(
        c.codebook_file,
        c.row(r),
        f"gender is coded {', '.join(sorted(codes))}; the steps need M and F (female is "
        "gender F), so these codes would make everyone not female",
        f"write value_labels {proposal or 'M=<male value>|F=<female value>'}",
    )


def _check_rating(c: _Checker, r: pd.Series) -> None:
    expected = "|".join(f"{i}={x}" for i, x in enumerate(SKP_RATINGS, start=1))
    try:
        labels = parse_value_labels(r["value_labels"]) if r["value_labels"] else {}
    except ValueError:
        return  # load_codebook reports it
    wanted = {i: x.casefold() for i, x in enumerate(SKP_RATINGS, start=1)}
    given = {k: " ".join(str(v).casefold().split()) for k, v in labels.items()}
    if given != wanted:
        c.error(
            c.codebook_file,
            c.row(r),
            "the SKP predikat must be coded 1 (Sangat Kurang) to 5 (Sangat Baik); "
            f"value_labels are {r['value_labels'] or 'empty'}",
            f"write value_labels {expected} (an export's other spellings are matched)",
        )


def _check_items(c: _Checker, spec: TableSpec, rows: pd.DataFrame) -> None:
    """Likert rows: contiguous codes, min/max of the labels, one range per scale, names."""
    likert = rows[rows["type"] == "likert"]
    ranges: dict[str, list[tuple[pd.Series, tuple[float, float]]]] = {}
    for _, r in likert.iterrows():
        codes = []
        if r["value_labels"]:
            try:
                codes = sorted(
                    k for k in parse_value_labels(r["value_labels"]) if isinstance(k, int)
                )
            except ValueError:
                continue
        if codes and codes != list(range(codes[0], codes[-1] + 1)):
            c.error(
                c.codebook_file,
                c.row(r),
                f"the labels' codes {codes} have a gap: answers would be scored on uneven steps",
                f"number the labels {codes[0]}..{codes[0] + len(codes) - 1} in order",
            )
        low = r["min"] if not math.isnan(r["min"]) else (codes[0] if codes else math.nan)
        high = r["max"] if not math.isnan(r["max"]) else (codes[-1] if codes else math.nan)
        if codes and (low != codes[0] or high != codes[-1]):
            c.error(
                c.codebook_file,
                c.row(r),
                f"min/max {low:g}-{high:g} are not the labels' range {codes[0]}-{codes[-1]} "
                "(values outside min/max are set missing; reverse coding uses min + max - x)",
                f"set min {codes[0]} and max {codes[-1]}",
            )
        if r["scale"]:
            ranges.setdefault(str(r["scale"]), []).append((r, (low, high)))
            match = re.match(ITEM_PATTERN, str(r["name"]))
            named = spec.kind not in ("survey", "person_outcome")  # IKM elements are u1..u9
            if not named and (match is None or match["scale"] != r["scale"]):
                k = len(ranges[str(r["scale"])])
                c.error(
                    c.codebook_file,
                    c.row(r),
                    f"an item of scale {r['scale']!r} is named {r['name']!r}; the steps find a "
                    "scale's items by the names <scale>_<k>",
                    f"name it {r['scale']}_{k}",
                )
        elif spec.kind == "survey" and spec.wave in ("pre", "post"):
            c.note(
                c.codebook_file,
                c.row(r),
                f"likert item {r['name']!r} belongs to no scale: it is cleaned but not scored",
                "set scale if it is an item of one",
            )
    for scale, members in ranges.items():
        counted = Counter(b for _, b in members)
        if len(counted) < 2:
            continue
        usual = counted.most_common(1)[0][0]
        for r, bounds in members:
            if bounds != usual:
                what = "a reverse item's" if r["reverse"] else "this item's"
                c.error(
                    c.codebook_file,
                    c.row(r),
                    f"{what} range {bounds[0]:g}-{bounds[1]:g} differs from the rest of scale "
                    f"{scale!r} ({usual[0]:g}-{usual[1]:g})"
                    + (": it would be reversed on the wrong range" if r["reverse"] else ""),
                    f"use the scale's value_labels and min {usual[0]:g}, max {usual[1]:g}",
                )


# --------------------------------------------------------------------------------------------
# the raw file
# --------------------------------------------------------------------------------------------


def _match_headers(
    c: _Checker, spec: TableSpec, rows: pd.DataFrame, raw: pd.DataFrame
) -> dict[int, str]:
    """codebook_row -> raw header (as cleaning matches them); required ones missing are errors."""
    headers = [str(h) for h in raw.columns]
    by_key: dict[str, list[str]] = {}
    for h in headers:
        by_key.setdefault(" ".join(h.casefold().split()), []).append(h)
    needed = set(_required_for(c, spec))
    out: dict[int, str] = {}
    for _, r in rows.iterrows():
        found = r["raw_name"] if r["raw_name"] in headers else None
        if found is None:
            hits = by_key.get(" ".join(str(r["raw_name"]).casefold().split()), [])
            found = hits[0] if len(hits) == 1 else None
        if found is not None:
            out[int(r["codebook_row"])] = found
            continue
        if r["required"] or r["name"] in needed:
            c.error(
                c.codebook_file,
                c.row(r),
                f"header {r['raw_name']!r} is not in {spec.file}"
                f"{did_you_mean(str(r['raw_name']), headers)}",
                "write raw_name exactly as the export's header",
            )
    return out


def _missing_codes(text: str) -> tuple[set[str], set[float]]:
    codes = [x.strip() for x in text.split("|") if x.strip()] if text else []
    numbers = {n for n in (_as_number(x) for x in codes) if n is not None}
    return {x.casefold() for x in codes}, numbers


def _answers(raw: pd.Series, missing_text: str) -> Counter:
    """The distinct non-missing answers of a raw column (stripped), with their counts,
    missing codes left out."""
    folded, numbers = _missing_codes(missing_text)
    counts: Counter = Counter()
    for value, n in raw.astype(object).value_counts(dropna=True).items():
        if is_missing(value):
            continue
        text = str(value).strip()
        if not text or text.casefold() in folded:
            continue
        number = _as_number(text)
        if number is not None and number in numbers:
            continue
        counts[text] += int(n)
    return counts


def _shown(counts: Counter, limit: int = 5) -> str:
    return ", ".join(f"{v!r} ({n})" for v, n in counts.most_common(limit))


@dataclass
class _Stray:
    """Rare answers no label covers, and numbers out of range, of one file (one note each)."""

    rows: list[int] = field(default_factory=list)
    values: Counter = field(default_factory=Counter)


def _check_values(
    c: _Checker, spec: TableSpec, rows: pd.DataFrame, raw: pd.DataFrame, matched: Mapping[int, str]
) -> None:
    scale_codes: dict[str, Counter] = {}
    scale_rows: dict[str, list[pd.Series]] = {}
    stray, outside = _Stray(), _Stray()
    for _, r in rows.iterrows():
        header = matched.get(int(r["codebook_row"]))
        labelled = r["type"] in ("likert", "category") and bool(r["value_labels"])
        gender = r["name"] == "gender" and not r["value_labels"]
        if header is None or not (labelled or gender or r["name"] == "golongan"):
            continue  # only these checks read the answers: numbers, dates and text are not counted
        answers = _answers(raw[header], r["missing_codes"])
        if not answers:
            continue
        if labelled:
            codes = _check_labels(c, spec, r, answers, stray, outside)
            if r["type"] == "likert":
                key = str(r["scale"]) or f"row {int(r['codebook_row'])}"
                scale_codes.setdefault(key, Counter()).update(codes)
                scale_rows.setdefault(key, []).append(r)
        if r["name"] == "golongan":
            _check_golongan(c, spec, r, answers)
        if gender:
            bad = Counter({v: n for v, n in answers.items() if v not in ("M", "F")})
            if bad:
                c.error(
                    c.codebook_file,
                    c.row(r),
                    f"gender values {_shown(bad)} are not M or F, and the row has no value_labels",
                    "write value_labels mapping them, e.g. M=Laki-laki|F=Perempuan",
                )
    for key, counts in scale_codes.items():
        _check_scale_gap(c, key, counts, scale_rows[key])
    if stray.rows:
        c.note(
            c.codebook_file,
            f"codebook rows {', '.join(map(str, stray.rows))}",
            f"{sum(stray.values.values())} stray answer(s) in {spec.file} match no value label "
            f"({_shown(stray.values)}); each is under {UNMAPPED_ERROR_SHARE:.0%} of its "
            "column's answers: cleaning sets them missing and logs every one",
            "add them to missing_codes (or value_labels) if they mean something",
        )
    if outside.rows:
        c.note(
            c.raw_file(spec),
            f"codebook rows {', '.join(map(str, outside.rows))}",
            f"{sum(outside.values.values())} answer(s) outside the items' range "
            f"({_shown(outside.values)}): cleaning sets them missing and logs every one",
            "nothing, unless the range is wrong",
        )


def _check_golongan(c: _Checker, spec: TableSpec, r: pd.Series, answers: Counter) -> None:
    values = pd.Series(list(answers), dtype="str")
    if r["type"] == "category" and r["value_labels"]:
        matcher = _LabelMatcher(parse_value_labels(r["value_labels"]), synonyms=None, cutoff=0.85)
        codes, _, _ = _match_values(values, matcher)
        values = pd.Series([None if x is None else str(x) for x in codes], dtype="str")
    _, failed = normalise_golongan(values)
    bad = Counter({v: answers[v] for v, f in zip(answers, failed, strict=True) if f})
    if bad:
        c.error(
            c.codebook_file,
            c.row(r),
            f"{sum(bad.values())} value(s) of {spec.file} are no golongan I/a ... IV/e: "
            f"{_shown(bad)}",
            "type category with value_labels mapping each to its golongan (e.g. "
            f"III/a={next(iter(bad))}), or missing_codes for values that mean unknown",
        )


def _check_labels(
    c: _Checker,
    spec: TableSpec,
    r: pd.Series,
    answers: Counter,
    stray: _Stray,
    outside: _Stray,
) -> Counter:
    """Answers no label covers: an error when one value is a sizeable share of the column,
    else added to the file's stray answers; numbers out of range to ``outside``. Returns the
    codes chosen, with their counts."""
    labels = parse_value_labels(r["value_labels"])
    matcher = _LabelMatcher(labels, synonyms=None, cutoff=0.85)
    values = pd.Series(list(answers), dtype="str")
    codes, _, _ = _match_values(values, matcher)
    seen: Counter = Counter()
    unmapped: Counter = Counter()
    out_of_range: Counter = Counter()
    low = r["min"] if not math.isnan(r["min"]) else -math.inf
    high = r["max"] if not math.isnan(r["max"]) else math.inf
    for value, code in zip(values, codes, strict=True):
        n = answers[value]
        if code is not None:
            seen[code] += n
            continue
        number = _as_number(value) if r["type"] == "likert" else None
        if number is not None and not low <= number <= high:
            out_of_range[value] += n
        else:
            unmapped[value] += n
    total = sum(answers.values())
    row = int(r["codebook_row"])
    share = max(unmapped.values()) / total if unmapped else 0.0
    required = r["name"] in _STRICT_CATEGORIES
    if unmapped and (required or share >= UNMAPPED_ERROR_SHARE):
        why = (
            f"every value of {r['name']!r} must be known to the steps"
            if required
            else f"one value is {share:.0%} of the answers, a gap in the codebook rather than a "
            "stray answer"
        )
        c.error(
            c.codebook_file,
            c.row(r),
            f"{sum(unmapped.values())} of {total} answer(s) in {spec.file} match no value "
            f"label: {_shown(unmapped)}; {why} (they would be set missing)",
            "add them to value_labels, or to missing_codes when they mean no answer (e.g. "
            f"{unmapped.most_common(1)[0][0]})",
        )
    elif unmapped:
        stray.rows.append(row)
        stray.values.update(unmapped)
    if out_of_range:
        outside.rows.append(row)
        outside.values.update(out_of_range)
    return seen


def _check_scale_gap(c: _Checker, key: str, counts: Counter, rows: list[pd.Series]) -> None:
    """A label nobody chose, where the answers are exactly a shorter known scale."""
    labels = parse_value_labels(rows[0]["value_labels"])
    never = [k for k in labels if k not in counts]
    n = sum(counts.values())
    if not never or n < MIN_ANSWERS_FOR_GAP:
        return
    chosen = {" ".join(str(labels[k]).casefold().split()) for k in counts}
    shorter = None
    for name, text in KNOWN_SCALES.items():
        known = parse_value_labels(text)
        if (
            len(known) < len(labels)
            and {" ".join(v.casefold().split()) for v in known.values()} == chosen
        ):
            shorter = (name, text, len(known))
            break
    where = ", ".join(str(int(r["codebook_row"])) for r in rows)
    unused = ", ".join(f"{k}={labels[k]}" for k in never)
    what = f"scale {key!r}" if not key.startswith("row ") else "this item"
    if shorter is None:
        c.note(
            c.codebook_file,
            f"codebook rows {where}",
            f"nobody chose {unused} in {n} answers to {what}",
            "check the scale has these points",
        )
        return
    name, text, points = shorter
    c.error(
        c.codebook_file,
        f"codebook rows {where}",
        f"nobody chose {unused} in {n} answers to {what}: the answers are the {points}-point "
        f"scale {name}, so these {len(labels)}-point labels would score them "
        f"{', '.join(str(k) for k in sorted(counts))}",
        f"write value_labels {text} with min 1 and max {points} in codebook rows {where}",
    )


def _skp_years(
    c: _Checker, spec: TableSpec, rows: pd.DataFrame, raw: pd.DataFrame, matched: Mapping[int, str]
) -> None:
    """The person frame's skp_<year> and skp_score_<year> columns the raw file will give."""
    header = {str(r["name"]): matched.get(int(r["codebook_row"])) for _, r in rows.iterrows()}
    if header.get("year") is None:
        return
    years, _ = parse_number(raw[header["year"]].astype("str"))
    columns = set()
    for value, prefix in (("rating", "skp_"), ("score", "skp_score_")):
        if header.get(value) is None:
            continue
        present = raw[header[value]].astype(object).map(lambda v: not is_missing(v))
        columns |= {f"{prefix}{int(y)}" for y in years[present.to_numpy()].dropna().unique()}
    c.frames.setdefault("person", set()).update(columns)
