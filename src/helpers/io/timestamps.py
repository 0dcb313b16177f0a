"""Timestamps as the exporting tools write them, with or without a zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.io.parsing import is_missing

# --------------------------------------------------------------------------------------------
# timestamps
# --------------------------------------------------------------------------------------------

_STAMP = re.compile(
    r"^(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:(?:[t ]+|, *)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r" *(?P<ampm>[ap]\.? ?m\.?)?)?"
    r" *(?P<zone>z|(?:utc|gmt) *[+-] *\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|[a-z]{1,5})?$"
)
_ZONE_HOURS: dict[str, float] = {
    "z": 0,
    "utc": 0,
    "gmt": 0,
    "wib": 7,
    "wita": 8,
    "wit": 9,
    "wet": 0,
    "west": 1,
    "bst": 1,
    "cet": 1,
    "cest": 2,
    "eet": 2,
    "eest": 3,
    "msk": 3,
    "ict": 7,
    "sgt": 8,
    "myt": 8,
    "pht": 8,
    "hkt": 8,
    "awst": 8,
    "jst": 9,
    "kst": 9,
    "acst": 9.5,
    "aest": 10,
    "aedt": 11,
    "nzst": 12,
    "nzdt": 13,
    "hst": -10,
    "akst": -9,
    "akdt": -8,
    "pst": -8,
    "pdt": -7,
    "mst": -7,
    "mdt": -6,
    "cst": -6,
    "cdt": -5,
    "est": -5,
    "edt": -4,
}
"""Zone abbreviations Google Sheets writes (US meanings for CST/EST...), in hours from UTC."""


@dataclass(frozen=True)
class _Parsed:
    values: pd.Series  # datetime64[ns, UTC]
    failed: tuple[int, ...]  # 1-based rows
    zoned: int
    unzoned: int
    zones: frozenset[str]
    order_note: str


def _parse_timestamps(values: pd.Series, *, default_zone: dt.tzinfo) -> _Parsed:
    """Parse submission times to UTC; a time without a zone is read in ``default_zone``."""
    texts = [None if is_missing(v) else " ".join(str(v).strip().casefold().split()) for v in values]
    matches = [None if t is None else _STAMP.match(t) for t in texts]
    dayfirst, order_note = _date_order(matches)
    stamps: list[Any] = []
    failed: list[int] = []
    zones: set[str] = set()
    zoned = unzoned = 0
    for row, (text, match) in enumerate(zip(texts, matches, strict=True), start=1):
        stamp = None if match is None else _stamp(match, dayfirst, default_zone)
        if stamp is None:
            if text is not None:
                failed.append(row)
            stamps.append(pd.NaT)
            continue
        moment, zone = stamp
        stamps.append(moment)
        if zone:
            zoned += 1
            zones.add(zone.upper())
        else:
            unzoned += 1
    series = pd.Series(
        pd.to_datetime(stamps, utc=True), index=values.index, name=values.name
    ).astype("datetime64[ns, UTC]")
    return _Parsed(series, tuple(failed), zoned, unzoned, frozenset(zones), order_note)


def _date_order(matches: Sequence[re.Match[str] | None]) -> tuple[bool, str]:
    pairs = [(int(m["a"]), int(m["b"])) for m in matches if m is not None and m["a"]]
    if not pairs:
        return True, ""
    if any(a > 12 for a, _ in pairs):
        return True, ""
    if any(b > 12 for _, b in pairs):
        return False, "dates written month/day/year (a day above 12 comes second)"
    if any(a != b for a, b in pairs):
        return True, "dates like 01/02/2024 are ambiguous; read as day/month/year"
    return True, ""


def _stamp(
    match: re.Match[str], dayfirst: bool, default_zone: dt.tzinfo
) -> tuple[pd.Timestamp, str] | None:
    g = match.groupdict()
    if g["y"]:
        year, month, day = int(g["y"]), int(g["m"]), int(g["d"])
    else:
        first, second = int(g["a"]), int(g["b"])
        day, month = (first, second) if dayfirst else (second, first)
        year = int(g["y2"])
    hour = int(g["H"] or 0)
    ampm = (g["ampm"] or "").replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    zone_text = (g["zone"] or "").replace(" ", "")
    tzinfo = _zone_info(zone_text) if zone_text else default_zone
    if tzinfo is None:
        return None
    micro = int((g["f"] or "0").ljust(6, "0")[:6])
    try:
        moment = dt.datetime(
            year, month, day, hour, int(g["M"] or 0), int(g["S"] or 0), micro, tzinfo=tzinfo
        )
    except ValueError:
        return None
    return pd.Timestamp(moment).tz_convert("UTC"), zone_text


def _zone_info(text: str) -> dt.tzinfo | None:
    if text in _ZONE_HOURS:
        return dt.timezone(dt.timedelta(hours=_ZONE_HOURS[text]))
    match = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", text)
    if match is None:
        return None
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes >= 60:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _failed_note(column: str, rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    return (
        f"{column!r}: {len(rows)} values are not readable times (rows {shown}), or carry an "
        "unknown time zone; left missing"
    )
