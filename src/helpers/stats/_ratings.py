"""What the reliability statistics share: argument checks, ratings in long form, the result
base class. Private to :mod:`helpers.stats`."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import fields
from numbers import Real
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.core.checks import check_option as _check_option  # noqa: F401 (re-exported)

__all__ = [
    "NanPolicy",
    "KappaWeights",
    "FleissMethod",
    "KrippendorffLevel",
]


# ----------------------------------------------------------------------------------------------
# Options: one Literal each; the checker reads the allowed values from it.
# ----------------------------------------------------------------------------------------------

NanPolicy = Literal["pairwise", "listwise"]
KappaWeights = Literal[None, "linear", "quadratic"]
FleissMethod = Literal["fleiss", "randolph"]
KrippendorffLevel = Literal["nominal", "ordinal", "interval", "ratio"]

OVERALL = "__overall__"


def _check_frame(data: object, name: str = "data") -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")


def _check_ci(ci: object) -> float:
    if isinstance(ci, bool) or not isinstance(ci, Real):
        raise TypeError(f"ci must be a number between 0 and 1, got {type(ci).__name__}")
    ci = float(ci)
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1 (e.g. 0.95), got {ci}")
    return ci


def _check_columns(data: pd.DataFrame, **columns: Hashable) -> None:
    for role, column in columns.items():
        if not isinstance(column, Hashable) or column is None:
            raise TypeError(f"{role} must be a column name, got {type(column).__name__}")
        if column not in data.columns:
            raise ValueError(
                f"{role}={column!r} is not a column of the data; columns are {list(data.columns)}"
            )
    names = list(columns.values())
    if len(set(names)) != len(names):
        raise ValueError(
            "the columns must all be different, got "
            + ", ".join(f"{role}={col!r}" for role, col in columns.items())
        )


def _sorted_values(values: Sequence[Any] | np.ndarray | pd.Series) -> list[Any]:
    """Distinct values, sorted (numbers numerically; mixed types by type name then text)."""
    uniq = pd.unique(pd.Series(values, dtype=object) if isinstance(values, list) else values)
    items = [v.item() if isinstance(v, np.generic) else v for v in list(uniq)]
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda v: (type(v).__name__, str(v)))


def _long_ratings(
    data: pd.DataFrame, unit: Hashable, coder: Hashable, value: Hashable
) -> pd.DataFrame:
    """Check long data and return a new frame with columns ``unit, coder, value``.

    Rows with a missing value are dropped (not rated). Missing unit or coder ids, and two rows
    for the same (unit, coder), are errors.
    """
    _check_frame(data)
    _check_columns(data, unit=unit, coder=coder, value=value)
    long = (
        data.loc[:, [unit, coder, value]]
        .set_axis(["unit", "coder", "value"], axis=1)
        .reset_index(drop=True)
    )
    for role, column in (("unit", unit), ("coder", coder)):
        n_missing = int(long[role].isna().sum())
        if n_missing:
            raise ValueError(
                f"{role} column {column!r} has {n_missing} missing value(s); every rating must "
                f"name its {role}"
            )
    long = long.loc[long["value"].notna()]
    duplicated = long.duplicated(subset=["unit", "coder"], keep=False)
    if duplicated.any():
        pairs = long.loc[duplicated, ["unit", "coder"]].drop_duplicates().head(5)
        shown = ", ".join(f"({u!r}, {c!r})" for u, c in pairs.itertuples(index=False))
        raise ValueError(
            f"{int(duplicated.sum())} rows repeat a ({unit!r}, {coder!r}) pair, e.g. {shown}; "
            "each coder may rate each unit once"
        )
    return long.reset_index(drop=True)


class _Result:
    """Mixin: a one-row DataFrame of the dataclass fields."""

    def to_frame(self) -> pd.DataFrame:
        """Return the result as a one-row DataFrame, one column per attribute."""
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])  # type: ignore[arg-type]
