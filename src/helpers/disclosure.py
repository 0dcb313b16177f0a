"""Disclosure control: no group smaller than the minimum cell size is shown.

Reports never show a group smaller than a region's ``min_cell_size`` (default 5): a table cell
that counts or averages fewer people could identify them. :func:`suppress_small_cells` blanks
such cells and says so; the report's tables pass through it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["suppress_small_cells", "SUPPRESSED"]

SUPPRESSED = "<5"


def suppress_small_cells(
    table: pd.DataFrame, *, count: str, min_cell: int = 5, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Blank the values of rows whose ``count`` is below ``min_cell`` (a copy).

    Parameters
    ----------
    table : DataFrame
        One row per group, with a count column.
    count : str
        The column holding the number of people in the group.
    min_cell : int
        Smallest group that may be shown.
    columns : sequence of str, optional
        Columns to blank in small rows (default: every column except the group labels, i.e.
        the numeric columns, ``count`` included).

    Returns
    -------
    DataFrame
        Same shape; small rows carry ``pd.NA`` in ``columns`` and ``suppressed=True``.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b"], "n": [12, 3], "share": [0.5, 1.0]})
    >>> suppress_small_cells(t, count="n", min_cell=5)["share"].tolist()
    [0.5, <NA>]
    """
    if count not in table:
        raise KeyError(f"count column {count!r} not in table (columns: {list(table.columns)})")
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    out = table.copy()
    cols = list(columns) if columns is not None else list(out.select_dtypes("number").columns)
    small = pd.to_numeric(out[count], errors="coerce").fillna(0) < min_cell
    for c in cols:
        out[c] = out[c].astype("object").where(~small, pd.NA)
        if c not in (count,) and pd.api.types.is_numeric_dtype(table[c]):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Float64")
    if count in cols:
        out[count] = pd.to_numeric(out[count], errors="coerce").astype("Int64")
    out["suppressed"] = small.to_numpy()
    return out
