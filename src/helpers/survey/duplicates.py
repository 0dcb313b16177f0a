"""Duplicate submissions, as ieduplicates: found by id and by identical answers, resolved by a
reviewer's decisions or the latest submission."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import InputFileError
from helpers.io.log import CleanResult, make_log
from helpers.io.parsing import (
    distinct_values,
    is_text_dtype,
    parse_date,
    parse_number,
    raw_row_numbers,
    spread,
)
from helpers.privacy.nip import canonical_id
from helpers.survey._common import _require_columns, _text

__all__ = [
    "AnswerRule",
    "DEFAULT_ANSWER_RULE",
    "answer_collision_rate",
    "find_duplicates",
    "resolve_duplicates",
    "merge_duplicate_decisions",
    "DUPLICATE_COLUMNS",
    "DECISIONS",
]


DUPLICATE_COLUMNS = ("table", "group", "kind", "key", "row", "submitted", "decision", "note")
DECISIONS = ("keep", "drop")
_MISSING_ANSWER = "\x00missing"


# --------------------------------------------------------------------------------------------
# duplicates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRule:
    """When identical answers say two rows are one submission (see :func:`find_duplicates`).

    Attributes
    ----------
    min_answers : int
        Least answered items in a row's answers (default 5).
    min_distinct : int
        Least distinct values among them (default 2: a straight-lined pattern, every item the
        same answer, is given by many people alike).
    max_collision : float
        Largest share of respondents whose answers equal those of a *different* respondent
        (:func:`answer_collision_rate`) at which identical answers still mark a duplicate
        (default 0.01). Above it, the table's own data show that different people often answer
        alike, and no row is grouped by its answers.
    """

    min_answers: int = 5
    min_distinct: int = 2
    max_collision: float = 0.01

    def __post_init__(self) -> None:
        for name in ("min_answers", "min_distinct"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        value = self.max_collision
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise ValueError(f"max_collision must be a share, 0 or more, got {value!r}")

    def text(self) -> str:
        """The rule in one sentence (for logs and reports)."""
        return (
            f"identical answers mark a duplicate only for rows with at least {self.min_answers} "
            f"items answered and {self.min_distinct} distinct values among them, and only in a "
            f"table where fewer than {self.max_collision:.0%} of respondents answer exactly "
            "like a different respondent"
        )


DEFAULT_ANSWER_RULE = AnswerRule()


def _eligible(answers: list[tuple[str, ...]], rule: AnswerRule) -> list[bool]:
    out = []
    for values in answers:
        given = [v for v in values if v != _MISSING_ANSWER]
        out.append(len(given) >= rule.min_answers and len(set(given)) >= rule.min_distinct)
    return out


def answer_collision_rate(
    df: pd.DataFrame,
    *,
    id_column: str,
    answer_columns: Sequence[str],
    rule: AnswerRule = DEFAULT_ANSWER_RULE,
) -> float:
    """The share of respondents whose answers equal those of a different respondent.

    Parameters
    ----------
    df : pandas.DataFrame
    id_column : str
        The respondent id; rows without one are left out.
    answer_columns : sequence of str
    rule : AnswerRule
        Only rows meeting its ``min_answers`` and ``min_distinct`` count.

    Returns
    -------
    float
        Among the respondents (each id once, its first eligible row), the share whose answer
        pattern another respondent also gave; NaN when fewer than two respondents count.

    Notes
    -----
    This is how often identical answers happen by chance *in these data*: it accounts for
    what a formula treating the items as independent would miss (the answers to a scale's
    items are correlated, and some patterns are popular). On 4 items of a 4-point scale it is
    typically well above a third; on 15 items of 5 points, close to zero.

    Examples
    --------
    >>> df = pd.DataFrame({"pid": ["a", "b", "c", "d"], "q1": [1, 1, 2, 3], "q2": [2, 2, 1, 3]})
    >>> loose = AnswerRule(min_answers=2, min_distinct=1)
    >>> answer_collision_rate(df, id_column="pid", answer_columns=["q1", "q2"], rule=loose)
    0.5
    """
    _require_columns(df, [id_column, *answer_columns], "answer_collision_rate")
    ids = canonical_id(df[id_column]).astype(object).tolist()
    answers = _answer_texts(df, list(answer_columns))
    return _collision(ids, answers, _eligible(answers, rule))


def _answer_texts(df: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    """Each row's answers as comparable text (:func:`_text`, a missing answer
    :data:`_MISSING_ANSWER`); each distinct value of a text or numeric column is made text
    once."""
    if df.columns.has_duplicates:
        return [
            tuple(_text(v) or _MISSING_ANSWER for v in values)
            for values in df[columns].astype(object).itertuples(index=False, name=None)
        ]
    texts = []
    for column in columns:
        values = df[column]
        if is_text_dtype(values.dtype):
            codes, uniques = distinct_values(values)
        elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            codes, found = pd.factorize(values, use_na_sentinel=True)
            uniques = list(found)
        else:
            texts.append([_text(v) or _MISSING_ANSWER for v in values.astype(object)])
            continue
        texts.append(spread([_text(u) or _MISSING_ANSWER for u in uniques], codes, _MISSING_ANSWER))
    return list(zip(*texts, strict=True)) if texts else []


def _collision(ids: list[Any], answers: list[tuple[str, ...]], eligible: list[bool]) -> float:
    first: dict[str, tuple[str, ...]] = {}
    for key, values, ok in zip(ids, answers, eligible, strict=True):
        if ok and isinstance(key, str) and key not in first:
            first[key] = values
    if len(first) < 2:
        return math.nan
    counts = Counter(first.values())
    return sum(1 for values in first.values() if counts[values] > 1) / len(first)


def find_duplicates(
    df: pd.DataFrame,
    *,
    id_column: str,
    answer_columns: Sequence[str],
    time_column: str | None = None,
    table: str = "",
    rule: AnswerRule = DEFAULT_ANSWER_RULE,
) -> pd.DataFrame:
    """Report duplicate submissions: the same id twice, or the same answers twice where that
    cannot be chance.

    Parameters
    ----------
    df : pandas.DataFrame
        A cleaned table whose index is the raw row - 1 (as :func:`helpers.io.reading.read_table`
        makes it).
    id_column : str
        The respondent id (NIP or pseudonym). Ids are compared in the form of
        :func:`helpers.privacy.nip.canonical_id` (separators in NIPs ignored).
    answer_columns : sequence of str
        The answers compared for the second kind (text compared stripped, case kept).
    time_column : str, optional
        Submission time, reported in ``submitted`` and used by the default rule.
    table : str
        Written into the ``table`` column (the review file holds all tables of a region).
    rule : AnswerRule
        When identical answers are informative (default :data:`DEFAULT_ANSWER_RULE`).

    Returns
    -------
    pandas.DataFrame
        :data:`DUPLICATE_COLUMNS`, one row per (group, member row):

        * ``kind="id"``: rows sharing an id; ``key`` is the id;
        * ``kind="answers"``: rows with identical answers in every ``answer_columns``
          and not all the same id, when the answers are informative under ``rule``; rows
          with every answer missing are ignored; ``key`` is a short hash of the answers
          (stable across runs). A row without an id joins such a group only when the
          group's other rows are one person (one id): it may be that person's resubmission.
          With two or more people in the group the id-less rows are left out of it (they
          would be attributed to one of them at random), and identical answers of id-less
          rows alone make no group (there is no one to link them to);
        * ``group``: 1, 2, ... in order of each group's first row; ``row``: the 1-based raw
          row; ``submitted``: the time as text; ``decision``: empty, for a reviewer to write
          ``keep`` or ``drop``; ``note``: what differs, and the default the next step applies.

        ``attrs`` holds ``answers_compared`` and ``answers_not_compared`` (rows whose answers
        were and were not compared), ``answer_collision`` (:func:`answer_collision_rate`) and
        ``answer_rule`` (the rule in words).

    Notes
    -----
    On a short scale (4 items of 4 points) many different people give identical answers, so
    such a match says nothing. The rule (:class:`AnswerRule`) therefore asks the data: when
    more than ``max_collision`` of the respondents answer exactly like a different
    respondent, identical answers are not compared at all; otherwise a row is compared when it
    has at least ``min_answers`` answered items with ``min_distinct`` distinct values.

    Examples
    --------
    >>> df = pd.DataFrame({"nip": ["1", "2", "1", None], "q1": [4, 5, 3, 5],
    ...                    "q2": [4, 2, 4, 2]})
    >>> loose = AnswerRule(min_answers=2, max_collision=1)  # two items: for the example only
    >>> rep = find_duplicates(df, id_column="nip", answer_columns=["q1", "q2"], rule=loose)
    >>> rep[["group", "kind", "row"]].values.tolist()
    [[1, 'id', 1], [1, 'id', 3], [2, 'answers', 2], [2, 'answers', 4]]
    >>> find_duplicates(df, id_column="nip", answer_columns=["q1", "q2"])["kind"].tolist()
    ['id', 'id']
    """
    if not isinstance(rule, AnswerRule):
        raise TypeError(f"rule must be an AnswerRule, got {type(rule).__name__}")
    answer_columns = list(answer_columns)
    if not answer_columns:
        raise ValueError("answer_columns is empty; name the answer columns to compare")
    _require_columns(df, [id_column, *answer_columns], "find_duplicates")
    if time_column is not None:
        _require_columns(df, [time_column], "find_duplicates")
    rows = raw_row_numbers(df.index)
    ids = canonical_id(df[id_column]).astype(object).tolist()
    ids = [v if isinstance(v, str) else None for v in ids]
    submitted = _times(df, time_column)
    answers = _answer_texts(df, answer_columns)

    groups: list[tuple[int, str, str, list[int], str]] = []  # first row, kind, key, members
    by_id: dict[str, list[int]] = {}
    for position, key in enumerate(ids):
        if key is not None:
            by_id.setdefault(key, []).append(position)
    for key, members in by_id.items():
        if len(members) > 1:
            groups.append((members[0], "id", key, members, _id_note(answers, members)))
    answered = [any(v != _MISSING_ANSWER for v in values) for values in answers]
    eligible = _eligible(answers, rule)
    collision = _collision(ids, answers, eligible)
    compare = not collision > rule.max_collision  # NaN (too few respondents): compare
    informative = [e and compare for e in eligible]
    by_answers: dict[tuple[str, ...], list[int]] = {}
    for position, values in enumerate(answers):
        if answered[position] and informative[position]:
            by_answers.setdefault(values, []).append(position)
    for values, members in by_answers.items():
        people = {ids[m] for m in members} - {None}
        if len(people) > 1:  # several people: id-less rows are no one's in particular
            members = [m for m in members if ids[m] is not None]
        elif not people:  # id-less rows only: nothing to link them to
            continue
        member_ids = {ids[m] for m in members}
        if len(members) > 1 and (len(member_ids) > 1 or None in member_ids):
            key = hashlib.sha1("\x1f".join(values).encode("utf-8")).hexdigest()[:12]
            groups.append((members[0], "answers", key, members, _answers_note(ids, members)))
    groups.sort(key=lambda g: (g[0], g[1] != "id"))

    records = []
    for number, (_, kind, key, members, note) in enumerate(groups, start=1):
        for m in members:
            records.append(
                {
                    "table": table,
                    "group": number,
                    "kind": kind,
                    "key": key,
                    "row": int(rows[m]),
                    "submitted": _text(submitted[m]) if submitted is not None else "",
                    "decision": "",
                    "note": note,
                }
            )
    report = _report_frame(records)
    n_answered = int(sum(answered))
    report.attrs["answers_compared"] = int(sum(informative))
    report.attrs["answers_not_compared"] = n_answered - int(sum(informative))
    report.attrs["answer_collision"] = collision
    report.attrs["answer_rule"] = rule.text()
    return report


def _times(df: pd.DataFrame, time_column: str | None) -> list[Any] | None:
    if time_column is None:
        return None
    parsed, _ = parse_date(df[time_column])
    return list(parsed)


def _id_note(answers: list[tuple[str, ...]], members: list[int]) -> str:
    k = len(answers[members[0]])
    differ = sum(len({answers[m][j] for m in members}) > 1 for j in range(k))
    what = "identical answers" if differ == 0 else f"answers differ in {differ} of {k} columns"
    return f"{what}; default: keep the latest submission, drop the others"


_NOTE_IDS = 3  # ids named in an answers group's note; the note's length does not grow with it


def _answers_note(ids: list[str | None], members: list[int]) -> str:
    """What the group's ids are, in a note of bounded length (so the report stays linear in
    the rows: a group of 10,000 straight-liners does not repeat 10,000 ids on each row)."""
    member_ids = [ids[m] for m in members]
    missing = sum(i is None for i in member_ids)
    present = list(dict.fromkeys(i for i in member_ids if i is not None))
    shown = ", ".join(present[:_NOTE_IDS])
    if len(present) > _NOTE_IDS:
        shown += f" and {len(present) - _NOTE_IDS} more"
    parts = [p for p in (shown, f"{missing} missing" if missing else "") if p]
    with_id = len(members) - missing
    if with_id and missing:
        default = (
            "the rows without an id may be this person's resubmission; default: drop the rows "
            "without an id, keep the others"
        )
    else:
        default = "default: keep all (identical answers can be chance, e.g. straight-lining)"
    return f"{len(members)} rows, ids: {'; '.join(parts)}; {default}"


def _report_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(DUPLICATE_COLUMNS))
    frame["group"] = frame["group"].astype("Int64")
    frame["row"] = frame["row"].astype("int64")
    for c in ("table", "kind", "key", "submitted", "decision", "note"):
        frame[c] = frame[c].astype("str")
    return frame


def _clean_report(report: pd.DataFrame, source: Path) -> pd.DataFrame:
    """Check a (possibly hand-edited) report and normalise its types."""
    if not isinstance(report, pd.DataFrame):
        raise TypeError(f"report must be a DataFrame, got {type(report).__name__}")
    missing = [c for c in ("group", "kind", "key", "row", "decision") if c not in report.columns]
    if missing:
        raise InputFileError(
            source, f"duplicates report lacks column(s) {missing}; expected {DUPLICATE_COLUMNS}"
        )
    out = report.copy()
    rows, failed = parse_number(out["row"].astype(object).map(_text).astype("str"))
    bad = failed | rows.isna() | (rows != rows.round())
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(
            source,
            f"row {report['row'].iloc[position]!r} is not a row number",
            row=position + 1,
            column="row",
        )
    out["row"] = rows.astype("int64")
    groups, group_failed = parse_number(out["group"].astype(object).map(_text).astype("str"))
    if group_failed.any():
        position = int(np.flatnonzero(group_failed.to_numpy())[0])
        raise InputFileError(
            source,
            f"group {report['group'].iloc[position]!r} is not a number",
            row=position + 1,
            column="group",
        )
    out["group"] = groups.round().astype("Int64")
    for c in ("kind", "key"):
        out[c] = out[c].astype(object).map(_text).astype("str")
    decisions = out["decision"].astype(object).map(lambda v: _text(v).casefold())
    for position, decision in enumerate(decisions):
        if decision not in ("", *DECISIONS):
            raise InputFileError(
                source,
                f"decision {report['decision'].iloc[position]!r} is not one of keep, drop "
                "(or empty for the default rule)",
                row=position + 1,
                column="decision",
            )
    out["decision"] = decisions.astype("str")
    if "note" not in out.columns:
        out["note"] = ""
    return out


def resolve_duplicates(
    df: pd.DataFrame,
    report: pd.DataFrame,
    *,
    time_column: str | None = None,
    id_column: str | None = None,
    table: str = "",
    file: str = "",
    report_path: str | Path | None = None,
) -> CleanResult:
    """Drop duplicate rows as the reviewer decided, or by the default rule.

    Parameters
    ----------
    df : pandas.DataFrame
        The table :func:`find_duplicates` was run on (index = raw row - 1).
    report : pandas.DataFrame
        The report, possibly edited by a reviewer (``decision`` = ``keep``/``drop``/empty,
        any case) and read back from ``duplicates.csv``. Rows without a ``group`` (stale
        decisions kept by :func:`merge_duplicate_decisions`) are ignored.
    time_column : str, optional
        Submission time: the default rule keeps the latest.
    id_column : str, optional
        The id: lets the default rule drop id-less resubmissions in ``answers`` groups.
        Without it, ``answers`` groups are only flagged.
    table, file : str
        Written into the log.
    report_path : str or Path, optional
        The review file, named in errors (default ``duplicates.csv``).

    Returns
    -------
    CleanResult
        ``data``: ``df`` without the dropped rows (index kept); ``log``: one entry per dropped
        row and one ``flag:`` entry per ``answers`` group whose rows are all kept.

    Raises
    ------
    InputFileError
        A decision other than keep/drop/empty, a row that is not a number, or a row that is not
        in ``df`` (the data changed since the report was made: rerun :func:`find_duplicates`).

    Notes
    -----
    Within a group, explicit decisions are obeyed. If any row is marked ``keep``, the group's
    undecided rows are dropped (the reviewer chose). Otherwise the default rule applies to the
    undecided rows (among the rows not marked ``drop``):

    * ``id`` groups: keep the latest submission by ``time_column`` (rows without a time count
      as earliest; ties and no ``time_column``: the last row), drop the others;
    * ``answers`` groups: drop the rows without an id when another row has one (a
      resubmission that lost its id; needs ``id_column``); otherwise keep all and flag them,
      since identical answers from different people happen (straight-lining).

    A row in several groups is dropped if any group drops it, except that an explicit
    ``keep`` beats a default drop; an explicit ``drop`` always wins.
    """
    source = Path(report_path) if report_path is not None else Path("duplicates.csv")
    report = _clean_report(report, source)
    report = report[report["group"].notna()]
    rows = raw_row_numbers(df.index)
    position_of = {int(r): p for p, r in enumerate(rows)}
    unknown = sorted(set(report["row"]) - set(position_of))
    if unknown:
        raise InputFileError(
            source,
            f"rows {unknown[:10]} are not in the table; the data changed since the report was "
            "made: rerun find_duplicates and merge_duplicate_decisions",
            column="row",
        )
    times = _times(df, time_column)
    has_id: dict[int, bool] | None = None
    if id_column is not None:
        _require_columns(df, [id_column], "resolve_duplicates")
        present = canonical_id(df[id_column]).notna().to_numpy()
        has_id = {int(r): bool(h) for r, h in zip(rows, present, strict=True)}
    # (explicit?, drop?, reason, key) per row, per group
    verdicts: dict[int, list[tuple[bool, bool, str, str]]] = {}
    columns = report[["group", "kind", "key", "row", "decision"]].to_dict("list")
    by_group: dict[int, list[int]] = {}
    for i, number in enumerate(columns["group"]):
        by_group.setdefault(int(number), []).append(i)
    for number in sorted(by_group):  # plain lists: linear in the rows, whatever the groups
        members = by_group[number]
        first = members[0]
        group = _Group(
            number=number,
            kind=str(columns["kind"][first]),
            key=str(columns["key"][first]),
            rows=[int(columns["row"][i]) for i in members],
            decisions=[str(columns["decision"][i]) for i in members],
        )
        for row, explicit, drop, reason in _decide_group(group, times, position_of, has_id):
            verdicts.setdefault(row, []).append((explicit, drop, reason, group.key))
    log: list[dict[str, Any]] = []
    drop_rows: set[int] = set()
    for row in sorted(verdicts):
        entries = verdicts[row]
        deciding = [e for e in entries if e[0]] or entries  # explicit decisions beat defaults
        drops = [e for e in deciding if e[1]]
        if drops:
            drop_rows.add(row)
        logged = drops[:1] if drops else [e for e in entries if e[2] and not e[1]]
        log.extend(
            {
                "step": "duplicates",
                "table": table,
                "file": file,
                "row": row,
                "old_value": key,
                "reason": reason,
            }
            for _, _, reason, key in logged
        )
    keep_mask = np.array([int(r) not in drop_rows for r in rows], dtype=bool)
    return CleanResult(data=df.loc[keep_mask], log=make_log(log))


@dataclass(frozen=True)
class _Group:
    """One duplicate group of the report, as plain values."""

    number: int
    kind: str
    key: str
    rows: list[int]
    decisions: list[str]


def _decide_group(
    group: _Group,
    times: list[Any] | None,
    position_of: Mapping[int, int],
    has_id: Mapping[int, bool] | None,
) -> list[tuple[int, bool, bool, str]]:
    """(row, explicit, drop, reason) for each member; reason "" for a silent keep."""
    kind, key, number = group.kind, group.key, group.number
    members = group.rows
    decision = dict(zip(members, group.decisions, strict=True))
    out: list[tuple[int, bool, bool, str]] = []
    kept_by_reviewer = [r for r in members if decision[r] == "keep"]
    for r in members:
        if decision[r] == "drop":
            out.append(
                (r, True, True, f"duplicate group {number} ({kind} {key}): dropped by the reviewer")
            )
        elif decision[r] == "keep":
            out.append((r, True, False, ""))
    undecided = [r for r in members if decision[r] == ""]
    if not undecided:
        return out
    if kept_by_reviewer:
        kept = ", ".join(str(r) for r in kept_by_reviewer)
        for r in undecided:
            out.append(
                (
                    r,
                    True,
                    True,
                    f"duplicate group {number} ({kind} {key}): not kept by "
                    f"the reviewer, who kept row {kept}",
                )
            )
        return out
    candidates = [r for r in members if decision[r] != "drop"]
    if kind == "answers":
        with_id = [r for r in candidates if has_id is not None and has_id[r]]
        flagged = []
        for r in undecided:
            if with_id and has_id is not None and not has_id[r]:
                reason = (
                    f"duplicate submission (identical answers to row {with_id[-1]}, which has "
                    f"an id; this row has none); kept row {with_id[-1]}"
                )
                out.append((r, False, True, reason))
            else:
                flagged.append(r)
        if len(flagged) > 1:  # one flag per group, on its first kept row
            rows_text = ", ".join(str(r) for r in flagged)
            reason = (
                f"flag: rows {rows_text} have identical answers (duplicate group {number}, ids "
                "differ or are missing); all kept, review duplicates.csv"
            )
            out.append((flagged[0], False, False, reason))
            out.extend((r, False, False, "") for r in flagged[1:])
        else:
            out.extend((r, False, False, "") for r in flagged)
        return out
    latest = _latest(candidates, times, position_of)
    for r in undecided:
        if r == latest:
            out.append((r, False, False, ""))
        else:
            how = "the latest" if times is not None else "the last row"
            out.append(
                (r, False, True, f"duplicate submission (id {key}); kept row {latest}, {how}")
            )
    return out


def _latest(candidates: list[int], times: list[Any] | None, position_of: Mapping[int, int]) -> int:
    def sort_key(row: int) -> tuple[bool, Any, int]:
        stamp = times[position_of[row]] if times is not None else pd.NaT
        present = not pd.isna(stamp)
        return (present, stamp if present else pd.Timestamp.min, position_of[row])

    return max(candidates, key=sort_key)


def merge_duplicate_decisions(
    new_report: pd.DataFrame, previous_report: pd.DataFrame | None
) -> pd.DataFrame:
    """Carry a reviewer's decisions from the previous report into a new one.

    Parameters
    ----------
    new_report : pandas.DataFrame
        From :func:`find_duplicates` on this run.
    previous_report : pandas.DataFrame or None
        The review file as read back (``duplicates.csv``), or None on the first run.

    Returns
    -------
    pandas.DataFrame
        ``new_report`` with ``decision`` and ``note`` taken from the previous report where
        ``kind``, ``key`` and ``row`` (and ``table``, when both have it) match. Previous
        rows with a decision that match nothing any more are appended with an empty
        ``group`` and a note saying the decision is stale; :func:`resolve_duplicates`
        ignores them, and the reviewer sees them in the next review file.
    """
    if previous_report is None or len(previous_report) == 0:
        return new_report.copy()
    previous = _clean_report(previous_report, Path("previous duplicates report"))
    new = new_report.copy()
    use_table = "table" in previous.columns and "table" in new.columns

    def key_of(frame: pd.DataFrame) -> list[tuple[str, ...]]:
        parts = [frame["kind"], frame["key"], frame["row"].astype(str)]
        if use_table:
            parts.insert(0, frame["table"].astype(object).map(_text))
        return list(zip(*[p.astype(str) for p in parts], strict=True))

    earlier = {
        k: (decision, _text(note))
        for k, decision, note in zip(
            key_of(previous), previous["decision"], previous["note"].astype(object), strict=True
        )
    }
    new_keys = key_of(new)
    decisions, notes = [], []
    for k, decision, note in zip(new_keys, new["decision"], new["note"], strict=True):
        if k in earlier:
            decisions.append(earlier[k][0])
            notes.append(earlier[k][1] or note)
        else:
            decisions.append(decision)
            notes.append(note)
    new["decision"] = pd.Series(decisions, index=new.index, dtype="str")
    new["note"] = pd.Series(notes, index=new.index, dtype="str")
    matched = set(new_keys)
    stale = previous[
        [
            k not in matched and d != ""
            for k, d in zip(key_of(previous), previous["decision"], strict=True)
        ]
    ]
    if stale.empty:
        return new
    stale = stale.reindex(columns=list(new.columns)).copy()
    stale["group"] = pd.NA
    stale["note"] = "stale: no longer a duplicate in the data, decision not applied" + stale[
        "note"
    ].astype(object).map(lambda n: f" (was: {_text(n)})" if _text(n) else "")
    out = pd.concat([new, stale], ignore_index=True)
    return _report_frame(out.to_dict("records"))
