"""What every export reader gives back (:class:`Export`) and the constants the readers share."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from helpers.core.errors import ConfigError, InputFileError
from helpers.io.parsing import distinct_values, spread
from helpers.io.reading import did_you_mean

__all__ = [
    "Export",
    "SourceKind",
    "SOURCE_KINDS",
    "MULTISELECT_SEPARATOR",
    "DEFAULT_TIMEZONE",
    "KOBO_META_COLUMNS",
    "GOOGLE_FORMS_TIMESTAMPS",
]


SourceKind = Literal["auto", "kobotoolbox", "google_forms", "csv", "xlsx"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
MULTISELECT_SEPARATOR = ";"
"""Joins the chosen choices of a multi-select answer in :attr:`Export.main`."""
DEFAULT_TIMEZONE = "Asia/Jakarta"

KOBO_META_COLUMNS = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_index",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_version_",
        "_tags",
        "$edited",
        "_xform_id_string",
        "_attachments",
        "_geolocation",
        "_duration",
        "_media_count",
        "_total_media",
        "_media_all_received",
        "formhub/uuid",
        "formhub.uuid",
    }
)
"""KoboToolbox bookkeeping columns moved to :attr:`Export.meta` (also ``meta/...``)."""
GOOGLE_FORMS_TIMESTAMPS = ("Timestamp", "Cap waktu")
"""First header of a Google Forms download (English and Indonesian locales)."""


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A survey-tool export read into one consistent form (see the module docstring).

    Attributes
    ----------
    main : pandas.DataFrame
        One row per submission; the export's headers minus tool metadata (multi-select split
        columns folded into their question); values as text, missing where empty or ``n/a``.
        ``RangeIndex``: label ``i`` is raw data row ``i + 1``.
    meta : pandas.DataFrame
        Same index as ``main``; the tool's bookkeeping columns (text), with submission times
        (Kobo ``_submission_time``, Google Forms ``Timestamp``/``Cap waktu``) as
        ``datetime64[ns, UTC]``. No columns for a plain table.
    repeats : dict of str to pandas.DataFrame
        Kobo repeat sheets by sheet name: the answers (full group paths as headers), the
        sheet's own columns (``_index``, ``_parent_table_name``, ``_parent_index``,
        ``_submission_...``) as text, and ``parent_row`` (``Int64``, the 1-based row of the
        parent table: the main table, or the parent repeat sheet for a nested repeat) and
        ``submission_row`` (``Int64``, the 1-based row of ``main`` the row belongs to).
    source : str
        ``"kobotoolbox"``, ``"google_forms"``, ``"csv"`` or ``"xlsx"``.
    group_separator : str or None
        ``"/"`` or ``"."`` (Kobo group paths), None when headers carry no groups.
    multiselect : dict of str to list of str
        Multi-select question (as headed in ``main`` or a repeat sheet) -> its choices, in
        the order of the split columns, then of first appearance.
    notes : tuple of str
        What was interpreted, one sentence each.
    sheet : str or None
        The XLSX sheet read as ``main`` (None for CSV).
    timezone : str
        The zone times without one were read in, and the zone :meth:`as_table` gives times
        in (the zone policy: ``meta`` is UTC; tables are the local clock time of this zone,
        without a zone, as the processed tables store them).
    """

    main: pd.DataFrame
    meta: pd.DataFrame
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = "csv"
    group_separator: str | None = None
    multiselect: dict[str, list[str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    sheet: str | None = None
    timezone: str = DEFAULT_TIMEZONE

    def as_table(self, *, timezone: str | None = None) -> pd.DataFrame:
        """``main`` and ``meta`` side by side, all text, as :func:`read_table` would give.

        Submission times become local ISO text with their offset
        (``2024-03-14 16:36:52+07:00``), so that the codebook's ``datetime`` type reads the
        clock time in ``timezone`` (default: the export's :attr:`timezone`). Google Forms' timestamp comes first (as in the file), Kobo
        metadata last. The index is ``main``'s.

        Examples
        --------
        >>> meta = pd.DataFrame({"_submission_time": pd.to_datetime(["2024-03-14 09:36:52"],
        ...                                                         utc=True)})
        >>> e = Export(main=pd.DataFrame({"q": ["a"]}, dtype="str"), meta=meta,
        ...            source="kobotoolbox")
        >>> e.as_table().iloc[0].tolist()
        ['a', '2024-03-14 16:36:52+07:00']
        """
        zone = _zone(timezone or self.timezone)
        meta = pd.DataFrame(
            {c: _meta_text(self.meta[c], zone) for c in self.meta.columns}, index=self.main.index
        )
        parts = [meta, self.main] if self.source == "google_forms" else [self.main, meta]
        return pd.concat(parts, axis=1)


def _meta_text(values: pd.Series, zone: zoneinfo.ZoneInfo) -> pd.Series:
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.astype("str")
    local = values.dt.tz_convert(zone)
    text = [None if pd.isna(v) else v.isoformat(sep=" ") for v in local]
    return pd.Series(text, index=values.index, dtype="str")


def _zone(timezone: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"unknown time zone {timezone!r}; give an IANA name such as 'Asia/Jakarta' (WIB), "
            "'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
        ) from exc


def _check_forced(path: Path, forced: Sequence[str], *header_lists: Iterable[str]) -> None:
    present = [str(c) for headers in header_lists for c in headers if isinstance(c, str)]
    for name in forced:
        if name not in present:
            raise InputFileError(
                path,
                f"multiselect column {name!r} is not in the file{did_you_mean(name, present)}",
                column=name,
            )


@dataclass(frozen=True)
class _SheetShape:
    header: tuple[str, ...]
    has_rows: bool


def _fold_listed(values: pd.Series, pattern: str) -> tuple[pd.Series, list[str]]:
    """Answers split on ``pattern`` and joined with ``;``; the choices in order of appearance
    (each distinct answer split once)."""
    codes, uniques = distinct_values(values)
    choices: list[str] = []
    folded: list[str | None] = []
    for v in uniques:
        parts = [p.strip() for p in re.split(pattern, str(v).strip()) if p.strip()]
        choices.extend(p for p in parts if p not in choices)
        folded.append(MULTISELECT_SEPARATOR.join(parts) if parts else None)
    return pd.Series(spread(folded, codes), index=values.index, dtype="str"), choices
