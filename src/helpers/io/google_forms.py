"""Google Forms downloads: timestamps read in the form's zone, checkbox answers folded."""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.io.export import (
    GOOGLE_FORMS_TIMESTAMPS,
    MULTISELECT_SEPARATOR,
    Export,
    _check_forced,
    _fold_listed,
)
from helpers.io.parsing import distinct_values
from helpers.io.reading import XLSX_EXTENSIONS
from helpers.io.timestamps import _failed_note, _parse_timestamps, _Parsed

_MAX_CHOICE_CHARS = 100


# --------------------------------------------------------------------------------------------
# Google Forms
# --------------------------------------------------------------------------------------------


def _read_google_forms(
    path: Path,
    raw: pd.DataFrame,
    main_sheet: str | None,
    suffix: str,
    zone: zoneinfo.ZoneInfo,
    timezone: str,
    forced: Sequence[str],
) -> Export:
    _check_forced(path, forced, raw.columns)
    notes = ["read as a Google Forms export"]
    first = str(raw.columns[0])
    if first.strip().casefold() in {t.casefold() for t in GOOGLE_FORMS_TIMESTAMPS}:
        parsed = _parse_timestamps(raw[first], default_zone=zone)
        meta = pd.DataFrame({first: parsed.values}, index=raw.index)
        main = raw.drop(columns=[first])
        notes.extend(_timestamp_notes(first, parsed, suffix, timezone))
    else:
        meta = pd.DataFrame(index=raw.index)
        main = raw
        notes.append(f"no {' or '.join(GOOGLE_FORMS_TIMESTAMPS)} column: submission times unknown")
    separators = (", ", ";") if suffix in XLSX_EXTENSIONS else (";", ", ")
    multiselect: dict[str, list[str]] = {}
    main = _fold_checkboxes(main, separators, forced, multiselect, notes)
    return Export(
        main=main,
        meta=meta,
        source="google_forms",
        multiselect=multiselect,
        notes=tuple(notes),
        sheet=main_sheet,
        timezone=timezone,
    )


def _timestamp_notes(column: str, parsed: _Parsed, suffix: str, timezone: str) -> list[str]:
    notes = []
    if parsed.zoned:
        zones = ", ".join(sorted(parsed.zones))
        notes.append(
            f"{column!r} carries its time zone ({zones}); stored as {timezone} local time, "
            "without a zone"
        )
    if parsed.unzoned:
        why = (
            "an XLSX timestamp has no time zone"
            if suffix in XLSX_EXTENSIONS
            else f"{parsed.unzoned} timestamps carry no time zone"
        )
        notes.append(f"{column!r}: {why}; read and stored as {timezone} local time")
    if parsed.order_note:
        notes.append(f"{column!r}: {parsed.order_note}")
    if parsed.failed:
        notes.append(_failed_note(column, parsed.failed))
    return notes


def _fold_checkboxes(
    frame: pd.DataFrame,
    separators: Sequence[str],
    forced: Sequence[str],
    multiselect: dict[str, list[str]],
    notes: list[str],
) -> pd.DataFrame:
    out = frame.copy()
    for column in frame.columns:
        for separator in separators:
            choices = _list_choices(frame[column], separator)
            if choices is None and column in forced and separator == separators[0]:
                choices = []
            if choices is None:
                continue
            values, found = _fold_listed(frame[column], re.escape(separator))
            out[column] = values
            multiselect[column] = found
            how = "" if separator == MULTISELECT_SEPARATOR else f"split on {separator!r} and "
            notes.append(
                f"checkbox question {column!r}: answers {how}joined with "
                f"{MULTISELECT_SEPARATOR!r} ({len(found)} choices seen)"
            )
            break
    return out


def _list_choices(values: pd.Series, separator: str) -> list[str] | None:
    """The choices when ``values`` look like lists of repeated choices (module docstring).

    Each distinct answer is split once; counts weigh it by how often it was given."""
    codes, uniques = distinct_values(values)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniques)).tolist()
    lists = [[p.strip() for p in str(a).split(separator)] for a in uniques]
    if not any(len(parts) > 1 for parts in lists):
        return None
    if any(not p or len(p) > _MAX_CHOICE_CHARS for parts in lists for p in parts):
        return None
    rows_with: Counter = Counter()
    for parts, weight in zip(lists, weights, strict=True):
        for p in set(parts):
            rows_with[p] += weight
    total = sum(len(parts) * weight for parts, weight in zip(lists, weights, strict=True))
    repeated = sum(
        weight * sum(1 for p in parts if rows_with[p] >= 2)
        for parts, weight in zip(lists, weights, strict=True)
    )
    if repeated * 3 < total * 2:
        return None
    positions: dict[str, set[int]] = defaultdict(set)
    for parts in lists:
        for position, p in enumerate(parts):
            positions[p].add(position)
    if all(len(p) == 1 for p in positions.values()):
        return None
    return list(dict.fromkeys(p for parts in lists for p in parts))
