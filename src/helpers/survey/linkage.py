"""Link records to the roster by id, with match rates."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.privacy.nip import canonical_id
from helpers.survey._common import _require_columns

__all__ = [
    "link_records",
]


# --------------------------------------------------------------------------------------------
# linkage
# --------------------------------------------------------------------------------------------


def link_records(
    base: pd.DataFrame, others: Mapping[str, pd.DataFrame], *, key: str = "nip"
) -> pd.DataFrame:
    """How well other tables link to a base table (the roster) on a key.

    Parameters
    ----------
    base : pandas.DataFrame
        The reference table (e.g. the roster).
    others : mapping of str to DataFrame
        Tables to check, by name.
    key : str
        The key column, in every table (compared as :func:`helpers.privacy.nip.canonical_id`).

    Returns
    -------
    pandas.DataFrame
        One row per other table: ``table, n_rows, n_keys`` (distinct non-missing keys),
        ``n_matched_keys`` (of those, found in ``base``), ``match_rate`` (``n_matched_keys /
        n_keys``, NaN without keys), ``n_unmatched_rows`` (rows whose key is missing or not in
        ``base``).

    Examples
    --------
    >>> base = pd.DataFrame({"nip": ["1", "2", "3"]})
    >>> skp = pd.DataFrame({"nip": ["1", "1", "4", None]})
    >>> print(link_records(base, {"skp": skp}).to_string(index=False))
    table  n_rows  n_keys  n_matched_keys  match_rate  n_unmatched_rows
      skp       4       2               1         0.5                 2
    """
    if not isinstance(others, Mapping):
        raise TypeError(
            f"others must be a mapping of name to DataFrame, got {type(others).__name__}"
        )
    _require_columns(base, [key], "link_records base table")
    base_keys = set(canonical_id(base[key]).dropna())
    records = []
    for name, frame in others.items():
        _require_columns(frame, [key], f"link_records table {name!r}")
        keys = canonical_id(frame[key])
        distinct = set(keys.dropna())
        matched = distinct & base_keys
        in_base = keys.map(lambda v: isinstance(v, str) and v in base_keys).astype(bool)
        records.append(
            {
                "table": name,
                "n_rows": len(frame),
                "n_keys": len(distinct),
                "n_matched_keys": len(matched),
                "match_rate": len(matched) / len(distinct) if distinct else np.nan,
                "n_unmatched_rows": int((~in_base).sum()),
            }
        )
    out = pd.DataFrame.from_records(
        records,
        columns=["table", "n_rows", "n_keys", "n_matched_keys", "match_rate", "n_unmatched_rows"],
    )
    return out.astype(
        {
            "table": "str",
            "n_rows": "int64",
            "n_keys": "int64",
            "n_matched_keys": "int64",
            "match_rate": "float64",
            "n_unmatched_rows": "int64",
        }
    )
