"""How often each code occurs, by theme and informant role, and which codes occur together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    pass
from helpers.core.checks import check_option
from helpers.io.segments import _SEP, _check_frame
from helpers.qual.codes import ALL_ROLES, CoderChoice

__all__ = [
    "code_frequencies",
    "cooccurrence",
]


# ----------------------------------------------------------------------------------------------
# Counting
# ----------------------------------------------------------------------------------------------


def _select_coders(data: pd.DataFrame, coders: str) -> pd.DataFrame:
    """All rows, or only the rows of each transcript's primary coder."""
    check_option("coders", coders, CoderChoice)
    if coders == "all" or "coder" not in data.columns:
        return data
    coder = data["coder"].astype(object).where(data["coder"].notna(), "")
    transcript = data["transcript"].astype(object).where(data["transcript"].notna(), "")
    segment = data["segment"].astype(object).where(data["segment"].notna(), "")
    seen = pd.DataFrame({"t": transcript, "c": coder, "s": segment}).drop_duplicates()
    counts = seen.groupby(["t", "c"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["t", "n", "c"], ascending=[True, False, True])
    primary = counts.drop_duplicates("t").set_index("t")["c"]
    return data.loc[coder == transcript.map(primary)]


def _keys(data: pd.DataFrame) -> pd.DataFrame:
    """Internal unit and informant keys (transcript-qualified)."""
    transcript = data["transcript"].astype(object).where(data["transcript"].notna(), "")
    segment = data["segment"].astype(object).where(data["segment"].notna(), "")
    who = data["informant"] if "informant" in data.columns else data["informant_role"]
    who = who.astype(object).where(who.notna(), "")
    return pd.DataFrame(
        {
            "_unit": transcript.astype(str) + _SEP + segment.astype(str),
            "_transcript": transcript.astype(str),
            "_informant": transcript.astype(str) + _SEP + who.astype(str),
        },
        index=data.index,
    )


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(keys, dropna=False, sort=False)
    return grouped.agg(
        n_segments=("_unit", "nunique"),
        n_transcripts=("_transcript", "nunique"),
        n_informants=("_informant", "nunique"),
    ).reset_index()


def code_frequencies(
    data: pd.DataFrame,
    *,
    by: Sequence[str] = ("theme",),
    min_count: int | None = None,
    coders: CoderChoice = "primary",
    per_code: bool = True,
    min_cell: int | None = None,
) -> pd.DataFrame:
    """Segments, transcripts and informants per code (within ``by``), overall and by role.

    Parameters
    ----------
    data : pandas.DataFrame
        Normalised segments (:func:`normalise_codes` ``.data``); rows without a code are
        ignored.
    by : sequence of str, default ("theme",)
        Columns grouping the codes (``("kind", "theme")``, ``()``).
    min_count : int, optional
        Leave out groups coded on fewer than ``min_count`` segments (all roles together).
    coders : {"primary", "all"}, default "primary"
        Each transcript's primary coder only, or every coder (see the module docstring).
    per_code : bool, default True
        One group per code within ``by``; ``False`` counts ``by`` groups only (a segment with
        two codes of a theme counts once for the theme).
    min_cell : int, optional
        If given, rows (role rows and the all-roles total alike) with fewer informants have
        their counts set to NA and ``suppressed=True``.

    Returns
    -------
    pandas.DataFrame
        Columns ``*by, code`` (if ``per_code``), ``label`` (if in ``data``),
        ``informant_role``, ``n_segments, n_transcripts, n_informants`` and ``suppressed``.
        The row with ``informant_role ==`` :data:`ALL_ROLES` (``"semua"``) counts all roles;
        then one row per role (NA for segments without a role). Groups are ordered by ``by``
        then by decreasing ``n_segments``.

    Notes
    -----
    A segment is the pair (``transcript``, ``segment``), so a segment double-coded or given a
    code twice counts once. An informant is (``transcript``, ``informant``) when the data have
    an anonymised ``informant`` id, else (``transcript``, ``informant_role``): one person in an
    interview, one role group in a focus group (the exports carry no person ids).
    """
    if isinstance(by, str):
        raise TypeError("by must be a sequence of column names, e.g. ('theme',)")
    _check_frame(data, "data", ["transcript", "segment", "code", "informant_role", *by])
    rows = _select_coders(data, coders)
    rows = rows.loc[rows["code"].notna()]
    keys = [*by, "code"] if per_code else list(by)
    if not keys:
        raise ValueError("nothing to group by: give by= columns or per_code=True")
    frame = pd.concat([rows[[*dict.fromkeys([*keys, "informant_role"])]], _keys(rows)], axis=1)
    total = _counts(frame, keys).assign(informant_role=ALL_ROLES, _is_total=True)
    by_role = _counts(frame, [*keys, "informant_role"]).assign(_is_total=False)
    if min_count is not None:
        total = total.loc[total["n_segments"] >= min_count]
    size = total[[*keys, "n_segments"]].rename(columns={"n_segments": "_total"})
    out = pd.concat([total, by_role], ignore_index=True).merge(size, on=keys, how="inner")
    out["suppressed"] = False
    if min_cell is not None:
        # every group, the all-roles total included: a code raised by fewer informants than
        # the minimum cell could point at them (the brief's rule for every shown group)
        small = out["n_informants"] < min_cell
        out["suppressed"] = small
        for name in ("n_segments", "n_transcripts", "n_informants"):
            out[name] = out[name].astype("Int64").mask(small)
    ascending = [True] * len(by) + [False] + [True] * (len(keys) - len(by)) + [False, True]
    out = out.sort_values(
        [*by, "_total", *keys[len(by) :], "_is_total", "informant_role"],
        ascending=ascending,
        na_position="last",
        kind="stable",
    )
    if "label" in rows.columns and per_code:
        labels = rows.dropna(subset=["label"]).drop_duplicates("code").set_index("code")["label"]
        out["label"] = out["code"].map(labels).astype("str")
        keys = [*keys, "label"]
    columns = [*keys, "informant_role", "n_segments", "n_transcripts", "n_informants", "suppressed"]
    out = out[columns].reset_index(drop=True)
    out["informant_role"] = out["informant_role"].astype("str")
    return out


def cooccurrence(
    data: pd.DataFrame,
    *,
    unit: Sequence[str] = ("transcript", "segment"),
    coders: CoderChoice = "primary",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Square code x code table: the number of units in which both codes occur.

    Parameters
    ----------
    data : pandas.DataFrame
        Normalised segments; rows without a code are ignored.
    unit : sequence of str, default ("transcript", "segment")
        The columns that identify a unit. For a QualCoder export, where each ``segment`` is
        one coding, pass ``("transcript", "quote")`` to find codes applied to the same text.
    coders : {"primary", "all"}, default "primary"
        ``"primary"``: each transcript's primary coder, so a pair counts only when one person
        applied both codes. ``"all"``: the union of all coders' codes on a unit (a pair may
        then come from two coders' different readings).
    codes : sequence of str, optional
        Rows/columns, in this order (codes absent from the data get zeros). Default: the codes
        in the data by decreasing number of units, then by name.

    Returns
    -------
    pandas.DataFrame
        Index and columns named ``code``, integer counts; symmetric. The diagonal is the number
        of units with that code.
    """
    if isinstance(unit, str):
        raise TypeError("unit must be a sequence of column names, e.g. ('transcript', 'segment')")
    _check_frame(data, "data", ["code", *unit])
    rows = _select_coders(data, coders) if "transcript" in data.columns else data
    rows = rows.loc[rows["code"].notna()]
    parts = [rows[c].astype(object).where(rows[c].notna(), "").astype(str) for c in unit]
    key = parts[0]
    for part in parts[1:]:
        key = key + _SEP + part
    pairs = pd.DataFrame({"unit": key.to_numpy(), "code": rows["code"].astype(object).to_numpy()})
    pairs = pairs.drop_duplicates()
    if pairs.empty:
        present: list[str] = []
        matrix = pd.DataFrame(dtype="int64")
    else:
        indicator = pd.crosstab(pairs["unit"], pairs["code"]).clip(upper=1).astype("int64")
        matrix = indicator.T @ indicator
        diag = pd.Series(np.diag(matrix), index=matrix.index)
        present = sorted(diag.index, key=lambda c: (-diag[c], c))
    order = list(codes) if codes is not None else present
    matrix = matrix.reindex(index=order, columns=order, fill_value=0).astype("int64")
    matrix.index = pd.Index(order, name="code", dtype="str")
    matrix.columns = pd.Index(order, name="code", dtype="str")
    return matrix
