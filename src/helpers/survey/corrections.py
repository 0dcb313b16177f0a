"""Corrections from a reviewer's file, as iecorrect: applied only where the old value holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import InputFileError
from helpers.io.labels import normalise_label, parse_boolean
from helpers.io.log import CleanResult, make_log
from helpers.io.parsing import parse_date, parse_number, raw_row_numbers
from helpers.privacy.nip import canonical_id
from helpers.survey._common import _require_columns, _text

__all__ = [
    "apply_corrections",
    "CORRECTION_COLUMNS",
]


CORRECTION_COLUMNS = ("table", "id", "variable", "old_value", "new_value", "reason")


# --------------------------------------------------------------------------------------------
# corrections
# --------------------------------------------------------------------------------------------


def apply_corrections(
    df: pd.DataFrame,
    corrections: pd.DataFrame,
    *,
    id_column: str,
    table: str,
    file: str = "",
    path: str | Path | None = None,
) -> CleanResult:
    """Apply hand corrections (as ``iecorrect``), each only where the old value still holds.

    Parameters
    ----------
    df : pandas.DataFrame
        A cleaned table (index = raw row - 1).
    corrections : pandas.DataFrame
        ``table, id, variable, old_value, new_value, reason`` (:data:`CORRECTION_COLUMNS`),
        e.g. ``corrections.csv`` read with :func:`helpers.io.reading.read_table`. Rows for other
        tables are ignored. Applied in file order.
    id_column : str
        The column of ``df`` that ``id`` refers to (compared as
        :func:`helpers.privacy.nip.canonical_id`).
    table : str
        This table's name, as in the ``table`` column (compared ignoring case).
    file : str
        Written into the log.
    path : str or Path, optional
        The corrections file, named in errors and in the log (default ``corrections.csv``).

    Returns
    -------
    CleanResult
        ``data``: ``df`` with the corrections applied (types kept); ``log``: one
        ``correction`` entry per correction and matching row: applied (``reason`` = the
        file's reason) or not applied (``reason`` starting ``correction not applied:``).

    Raises
    ------
    InputFileError
        The corrections lack a required column.

    Notes
    -----
    A correction applies where the current value equals ``old_value``: numbers compare as
    numbers (``4`` = ``4.0`` = ``4,0``), dates as dates, booleans as booleans, text stripped
    and ignoring case and runs of whitespace; an empty ``old_value`` matches a missing value.
    An empty ``new_value`` sets the value missing. A correction is never dropped silently:
    an unknown ``id`` or ``variable``, a current value that differs from ``old_value`` or a
    ``new_value`` that does not fit the column's type is logged as not applied (the run
    goes on; the log shows the correction to fix).
    """
    source = Path(path) if path is not None else Path("corrections.csv")
    _require_columns(df, [id_column], "apply_corrections")
    missing = [c for c in CORRECTION_COLUMNS if c not in corrections.columns]
    if missing:
        raise InputFileError(
            source,
            f"corrections lack column(s) {missing}; expected {', '.join(CORRECTION_COLUMNS)}",
            column=missing[0],
        )
    data = df.copy()
    rows = raw_row_numbers(df.index)
    ids = canonical_id(df[id_column]).astype(object).tolist()
    positions: dict[str, list[int]] = {}
    for p, v in enumerate(ids):
        if isinstance(v, str):
            positions.setdefault(v, []).append(p)
    base = {"step": "correction", "table": table, "file": file}
    log: list[dict[str, Any]] = []
    for number, correction in enumerate(corrections.astype(object).to_dict("records"), start=1):
        if normalise_label(correction["table"]) != normalise_label(table):
            continue
        where = f"{source.name} row {number}"
        variable = _text(correction["variable"])
        old, new = _text(correction["old_value"]), _text(correction["new_value"])
        reason = _text(correction["reason"]) or "(no reason given)"
        key = canonical_id(pd.Series([correction["id"]], dtype=object)).iloc[0]
        entry = {**base, "column": variable, "new_value": new}
        if variable not in data.columns or variable == id_column:
            what = "is the id column" if variable == id_column else "is not in the table"
            log.append(
                {
                    **entry,
                    "old_value": old,
                    "reason": f"correction not applied ({where}): variable {variable!r} {what}",
                }
            )
            continue
        if not isinstance(key, str) or key not in positions:
            log.append(
                {
                    **entry,
                    "old_value": old,
                    "reason": f"correction not applied "
                    f"({where}): id {_text(correction['id'])!r} not found",
                }
            )
            continue
        converted, problem = _convert_like(new, data[variable])
        for p in positions[key]:
            current = data[variable].iloc[p]
            shown = _text(current)
            if not _same_value(current, old, data[variable]):
                log.append(
                    {
                        **entry,
                        "row": rows[p],
                        "old_value": shown,
                        "reason": f"correction not applied ({where}): current value is "
                        f"{shown!r}, expected old value {old!r}",
                    }
                )
            elif problem:
                log.append(
                    {
                        **entry,
                        "row": rows[p],
                        "old_value": shown,
                        "reason": f"correction not applied ({where}): {problem}",
                    }
                )
            else:
                column = data[variable].copy()
                column.iloc[p] = converted
                data[variable] = column
                log.append(
                    {**entry, "row": rows[p], "old_value": shown, "reason": f"{reason} ({where})"}
                )
    return CleanResult(data=data, log=make_log(log))


def _kind(column: pd.Series) -> str:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    return "text"


def _same_value(current: Any, old: str, column: pd.Series) -> bool:
    if _text(current) == "" or old == "":
        return _text(current) == "" and old == ""
    kind = _kind(column)
    if kind == "number":
        values, failed = parse_number(pd.Series([old], dtype="str"))
        return not failed.iloc[0] and bool(np.isclose(float(current), values.iloc[0]))
    if kind == "date":
        values, failed = parse_date(pd.Series([old], dtype="str"))
        return not failed.iloc[0] and pd.Timestamp(current) == values.iloc[0]
    if kind == "boolean":
        try:
            return parse_boolean(old) == bool(current)
        except ValueError:
            return False
    return normalise_label(current) == normalise_label(old) and (
        " ".join(_text(current).casefold().split()) == " ".join(old.casefold().split())
    )


def _convert_like(new: str, column: pd.Series) -> tuple[Any, str]:
    """``new`` converted to the column's type, or a problem message."""
    kind = _kind(column)
    if new == "":
        return (pd.NA if kind != "number" or str(column.dtype) != "float64" else np.nan), ""
    if kind == "number":
        values, failed = parse_number(pd.Series([new], dtype="str"))
        if failed.iloc[0]:
            return None, f"new value {new!r} is not a number"
        value = float(values.iloc[0])
        if pd.api.types.is_integer_dtype(column.dtype):
            if not value.is_integer():
                return None, f"new value {new!r} is not a whole number"
            return int(value), ""
        return value, ""
    if kind == "date":
        values, failed = parse_date(pd.Series([new], dtype="str"))
        if failed.iloc[0]:
            return None, f"new value {new!r} is not a date"
        return values.iloc[0], ""
    if kind == "boolean":
        try:
            return parse_boolean(new), ""
        except ValueError:
            return None, f"new value {new!r} is not a boolean"
    if kind == "category":
        if new not in list(column.cat.categories):
            return None, f"new value {new!r} is not a category of the column"
        return new, ""
    return new, ""
