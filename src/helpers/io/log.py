"""The cleaning log every step writes: one row per drop, correction, recode or flag."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.io.parsing import (
    cell_text,
)

__all__ = [
    "CleanResult",
    "LOG_COLUMNS",
    "make_log",
]


LOG_COLUMNS = ("step", "table", "file", "row", "column", "old_value", "new_value", "reason")


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanResult:
    """A cleaned table and the log of what cleaning changed (:data:`LOG_COLUMNS`)."""

    data: pd.DataFrame
    log: pd.DataFrame


def make_log(records: Sequence[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """A cleaning log from dicts with keys in :data:`LOG_COLUMNS` (others are refused).

    ``row`` is a nullable integer (the 1-based raw data row, missing for column-level
    entries); every other column is text, ``""`` when empty.

    Examples
    --------
    >>> log = make_log([{"step": "codebook", "row": 3, "column": "x", "reason": "not a number"}])
    >>> log.loc[0, ["column", "old_value", "reason"]].tolist(), int(log.loc[0, "row"])
    (['x', '', 'not a number'], 3)
    """
    columns: dict[str, list[Any]] = {c: [] for c in LOG_COLUMNS}
    for record in records:
        unknown = set(record) - set(LOG_COLUMNS)
        if unknown:
            raise ValueError(f"unknown cleaning-log keys {sorted(unknown)}; expected {LOG_COLUMNS}")
        for c in LOG_COLUMNS:
            value = record.get(c)
            if c == "row":
                columns[c].append(None if value is None or pd.isna(value) else int(value))
            else:
                columns[c].append(cell_text(value))
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype="Int64" if c == "row" else "str") for c, v in columns.items()}
    )
    return frame
