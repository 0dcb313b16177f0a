"""Scale scores: the mean of a scale's items, with Cronbach's alpha."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.errors import EstimationError
from helpers.stats.alpha import cronbach_alpha
from helpers.survey._common import _require_columns, _text

__all__ = [
    "score_scales",
    "ScaleResult",
]


# --------------------------------------------------------------------------------------------
# scales
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleResult:
    """Scale scores and their reliability.

    Attributes
    ----------
    scores : pandas.DataFrame
        One float column per scale, index as the input.
    reliability : pandas.DataFrame
        ``scale, n_items, n, alpha, ci_low, ci_high, note``, one row per scale.
    """

    scores: pd.DataFrame
    reliability: pd.DataFrame


def score_scales(
    df: pd.DataFrame, codebook_rows: pd.DataFrame, *, min_items: int | None = None
) -> ScaleResult:
    """Score each codebook scale as the mean of its items, with Cronbach's alpha.

    Parameters
    ----------
    df : pandas.DataFrame
        Cleaned data: items numeric and already reverse-coded (:func:`apply_codebook`).
    codebook_rows : pandas.DataFrame
        Codebook rows with ``name`` and ``scale`` (e.g. ``Codebook.for_file(...)``); rows with
        an empty ``scale`` are ignored. Scales come out in order of first appearance.
    min_items : int, optional
        Least answered items for a score; fewer gives a missing score. Default: half the
        scale's items, rounded up. A value above a scale's item count is capped (noted).

    Returns
    -------
    ScaleResult
        ``scores`` (one column per scale, named as the scale) and ``reliability``: ``scale,
        n_items, n, alpha, ci_low, ci_high, note`` from
        :func:`helpers.stats.alpha.cronbach_alpha` (pairwise deletion, 95% Feldt interval,
        as ``pingouin.cronbach_alpha``). Alpha is NaN, with the reason in ``note``, for a
        scale of one item or without variance; items absent from ``df`` are noted and
        skipped.

    Examples
    --------
    >>> df = pd.DataFrame({"a1": [1, 2, 3, 4.0], "a2": [2, 2, 3, None], "a3": [1, 3, 3, 5.0]})
    >>> rows = pd.DataFrame({"name": ["a1", "a2", "a3"], "scale": ["a", "a", "a"]})
    >>> res = score_scales(df, rows)
    >>> res.scores["a"].round(3).tolist()
    [1.333, 2.333, 3.0, 4.5]
    """
    _require_columns(codebook_rows, ["name", "scale"], "score_scales codebook_rows")
    if min_items is not None and (
        isinstance(min_items, bool) or not isinstance(min_items, int) or min_items < 1
    ):
        raise ValueError(f"min_items must be a positive int, got {min_items!r}")
    scaled = codebook_rows[codebook_rows["scale"].astype(object).map(_text) != ""]
    order = list(dict.fromkeys(scaled["scale"].astype(object).map(_text)))
    scores: dict[str, pd.Series] = {}
    table: list[dict[str, Any]] = []
    for scale in order:
        names = [_text(n) for n in scaled.loc[scaled["scale"].map(_text) == scale, "name"]]
        present = [n for n in names if n in df.columns]
        notes = []
        absent = [n for n in names if n not in df.columns]
        if absent:
            notes.append(f"items not in the data: {', '.join(absent)}")
        not_numeric = [n for n in present if not pd.api.types.is_numeric_dtype(df[n].dtype)]
        if not_numeric:
            raise TypeError(
                f"scale {scale!r}: items {not_numeric} are not numeric; apply the codebook first"
            )
        k = len(present)
        if k == 0:
            scores[scale] = pd.Series(np.nan, index=df.index, dtype="float64")
            table.append(_reliability_row(scale, 0, 0, None, "; ".join(notes + ["no items"])))
            continue
        items = df[present].astype("float64")
        needed = math.ceil(k / 2) if min_items is None else min_items
        if needed > k:
            notes.append(f"min_items {needed} capped at the {k} items present")
            needed = k
        answered = items.notna().sum(axis=1)
        scores[scale] = items.mean(axis=1).where(answered >= needed)
        result = None
        try:
            result = cronbach_alpha(items)
        except (ValueError, EstimationError) as exc:
            notes.append(f"alpha not computed: {exc}")
        n = result.n if result is not None else int(items.notna().any(axis=1).sum())
        table.append(_reliability_row(scale, k, n, result, "; ".join(notes)))
    reliability = pd.DataFrame.from_records(
        table, columns=["scale", "n_items", "n", "alpha", "ci_low", "ci_high", "note"]
    )
    reliability = reliability.astype(
        {
            "scale": "str",
            "n_items": "int64",
            "n": "int64",
            "alpha": "float64",
            "ci_low": "float64",
            "ci_high": "float64",
            "note": "str",
        }
    )
    return ScaleResult(scores=pd.DataFrame(scores, index=df.index), reliability=reliability)


def _reliability_row(scale: str, k: int, n: int, result: Any, note: str) -> dict[str, Any]:
    return {
        "scale": scale,
        "n_items": k,
        "n": n,
        "alpha": result.alpha if result is not None else np.nan,
        "ci_low": result.ci_low if result is not None else np.nan,
        "ci_high": result.ci_high if result is not None else np.nan,
        "note": note,
    }
