"""Inter-coder agreement on coded segments, code by code and overall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    pass
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from helpers.core.checks import check_option
from helpers.core.errors import EstimationError
from helpers.io.code_codebook import CodeCodebook
from helpers.io.segments import _QUALCODER_ID, _SEP, _check_frame, _is_missing
from helpers.qual.codes import UnitBasis, normalise_codes
from helpers.stats._ratings import OVERALL, _check_columns, _sorted_values
from helpers.stats.kappa import cohen_kappa, fleiss_kappa
from helpers.stats.krippendorff import krippendorff_alpha

__all__ = [
    "agreement_by_code",
    "code_agreement",
]


# ----------------------------------------------------------------------------------------------
# Agreement
# ----------------------------------------------------------------------------------------------


def _unit_basis(data: pd.DataFrame, unit: str) -> str:
    if unit != "auto":
        return unit
    ids = data["segment"].dropna().astype(str).str.strip()
    if len(ids) and ids.str.match(_QUALCODER_ID.pattern).all():
        return "quote"
    return "segment"


def _quote_key(quote: object) -> str | None:
    if _is_missing(quote):
        return None
    text = " ".join(str(quote).split()).casefold()
    return text or None


def agreement_by_code(
    segments: pd.DataFrame,
    codebook: CodeCodebook | None = None,
    *,
    unit: UnitBasis = "auto",
) -> pd.DataFrame:
    """Inter-coder agreement per code, and pooled over codes, on double-coded segments.

    Parameters
    ----------
    segments : pandas.DataFrame
        Coded segments, one row per (segment, coder, code). If ``codebook`` is given and the
        codes are not yet normalised (no ``code_status``), they are normalised first.
    codebook : CodeCodebook, optional
        Orders the codes as in the codebook and adds ``label``, ``theme``, ``kind``.
    unit : {"auto", "segment", "quote"}, default "auto"
        What makes two coders' rows the same unit. ``"segment"``: (``transcript``,
        ``segment``) for spreadsheets whose segment numbers are shared by the coders.
        ``"quote"``: (``transcript``, quote text with whitespace collapsed and case folded),
        for QualCoder/Taguette exports, whose ids belong to one coding or highlight.
        ``"auto"`` picks ``"quote"`` when every segment id is a QualCoder id (``ctid:12``),
        else ``"segment"``; pass ``"quote"`` for Taguette projects coded by several people.

    Returns
    -------
    pandas.DataFrame
        :func:`helpers.qual.agreement.code_agreement`'s table (``code, n_units, n_coders,
        prevalence, percent_agreement, cohen_kappa, kappa_se, fleiss_kappa,
        krippendorff_alpha, note``, one row per code and ``code="__overall__"``), with
        ``label, theme, kind`` (when a codebook is given) and ``unit_basis``.

    Raises
    ------
    ValueError
        Fewer than two coders (e.g. a Taguette export read without ``coder=``).
    helpers.core.errors.EstimationError
        No unit was coded by two or more coders.

    Notes
    -----
    Only units seen by two or more coders count; a coder "saw" a unit when they have a row
    for it, and a row with a missing code (an untagged highlight) says they saw it and applied
    nothing. Rows without coder, transcript or unit key are left out. The codes passed to
    :func:`~helpers.qual.agreement.code_agreement` are those applied somewhere in the data (in
    codebook order, unknown codes after): codes nobody applied are left out because in the
    pooled ``__overall__`` row, which treats every (unit, code) pair as a unit, they would add
    pairs of certain agreement and inflate it. With ``unit="quote"`` passages selected with
    different boundaries are different units: these exports carry no character positions, so
    overlap-based unitising is not possible.
    """

    check_option("unit", unit, UnitBasis)
    _check_frame(segments, "segments", ["transcript", "segment", "coder", "code"])
    data = segments
    if codebook is not None and "code_status" not in data.columns:
        data = normalise_codes(data, codebook).data
    basis = _unit_basis(data, unit)
    if basis == "quote":
        _check_frame(data, "segments", ["quote"])
        key = data["quote"].map(_quote_key)
    else:
        key = data["segment"]
    frame = pd.DataFrame(
        {
            "transcript": data["transcript"],
            "key": key,
            "coder": data["coder"],
            "code": data["code"],
        }
    )
    frame = frame.loc[frame[["transcript", "key", "coder"]].notna().all(axis=1)]
    frame = frame.assign(unit=frame["transcript"].astype(str) + _SEP + frame["key"].astype(str))
    frame = frame[["unit", "coder", "code"]].drop_duplicates(ignore_index=True)
    applied = frame["code"].dropna().unique().tolist()
    order = list(codebook.codes) if codebook is not None else []
    codes = [c for c in order if c in set(applied)] + sorted(set(applied) - set(order))
    result = code_agreement(frame, unit="unit", coder="coder", code="code", codes=codes)
    if codebook is not None:
        table = codebook.table.set_index("code")
        for name in ("label", "theme", "kind"):
            result[name] = result["code"].map(table[name]).astype("str")
    result["unit_basis"] = basis
    return result


# ----------------------------------------------------------------------------------------------
# Multi-label qualitative coding
# ----------------------------------------------------------------------------------------------


def code_agreement(
    segments: pd.DataFrame,
    *,
    unit: Hashable = "segment",
    coder: Hashable = "coder",
    code: Hashable = "code",
    coders: Sequence[Any] | None = None,
    codes: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Per-code agreement of multi-label qualitative coding.

    Parameters
    ----------
    segments : pandas.DataFrame
        One row per (unit, coder, code): coder ``C`` applied code ``K`` to unit ``U``. A unit
        may get several codes. A row with a missing code says the coder read the unit and
        applied no code. Repeated rows count once.
    unit, coder, code : column names, defaults "segment", "coder", "code"
        The columns of ``segments``.
    coders : sequence, optional
        Only these coders (at least two); default every coder in the data.
    codes : sequence, optional
        The codes to report, in this order; lets the report include codes nobody applied.
        Every code in the data must be in it. Default: the codes in the data, sorted.

    Returns
    -------
    pandas.DataFrame
        One row per code, then a row ``code = "__overall__"``; columns ``code, n_units,
        n_coders, prevalence, percent_agreement, cohen_kappa, kappa_se, fleiss_kappa,
        krippendorff_alpha, note``.

    Raises
    ------
    TypeError
        ``segments`` not a DataFrame; wrong types of ``coders``/``codes``.
    ValueError
        Missing columns; missing unit or coder ids; fewer than two coders; ``coders`` not in
        the data; a code in the data missing from ``codes``.
    helpers.core.errors.EstimationError
        No unit was seen by two or more coders.

    Notes
    -----
    A unit is *seen* by a coder who has at least one row for it. Only units seen by at least
    two coders count. For each code, every (unit, coder) seen gets presence 1 if the coder
    applied the code, else 0; then:

    - ``n_units``: units seen by two or more coders (for ``__overall__``: (unit, code) pairs);
    - ``n_coders``: coders who saw at least one of these units;
    - ``prevalence``: share of (unit, coder) ratings with the code present;
    - ``percent_agreement``: share of units on which every coder who saw it agrees;
    - ``cohen_kappa``, ``kappa_se``: :func:`cohen_kappa` (its asymptotic ``se``), only when
      there are exactly two coders, otherwise NaN;
    - ``fleiss_kappa``: :func:`fleiss_kappa`, which uses only the units seen by the modal
      number of coders (``note`` says how many were dropped);
    - ``krippendorff_alpha``: :func:`krippendorff_alpha`, nominal level, every unit.

    The ``__overall__`` row pools the (unit, code) pairs as units. Codes listed in ``codes``
    but never applied add pairs on which everyone agrees (absent), raising the pooled
    agreement. A kappa or alpha is NaN for a code that is never (or always) applied: chance
    agreement is then perfect and the statistic is undefined (``note``).

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.qual import code_agreement
    >>> seg = pd.DataFrame({"segment": [1, 1, 2, 2, 3, 3, 4],
    ...                     "coder": ["a", "b", "a", "b", "a", "b", "a"],
    ...                     "code": ["x", "x", "x", "y", "y", "y", "x"]})
    >>> code_agreement(seg)[["code", "n_units", "percent_agreement"]]
              code  n_units  percent_agreement
    0            x        3           0.666667
    1            y        3           0.666667
    2  __overall__        6           0.666667
    """
    _check_frame(segments, "segments")
    _check_columns(segments, unit=unit, coder=coder, code=code)
    df = (
        segments.loc[:, [unit, coder, code]]
        .set_axis(["unit", "coder", "code"], axis=1)
        .reset_index(drop=True)
    )
    for role, column in (("unit", unit), ("coder", coder)):
        n_missing = int(df[role].isna().sum())
        if n_missing:
            raise ValueError(f"{role} column {column!r} has {n_missing} missing value(s)")
    if coders is not None:
        if isinstance(coders, np.ndarray):
            coders = coders.tolist()
        if isinstance(coders, str) or not isinstance(coders, Sequence):
            raise TypeError(f"coders must be a list of coder ids, got {type(coders).__name__}")
        wanted = list(dict.fromkeys(coders))
        if len(wanted) < 2:
            raise ValueError(f"coders must name at least two different coders, got {wanted}")
        present = set(df["coder"])
        missing = [c for c in wanted if c not in present]
        if missing:
            raise ValueError(f"coders {missing} have no rows in the data")
        df = df.loc[df["coder"].isin(wanted)]
    data_codes = _sorted_values(df["code"].dropna())
    if codes is None:
        code_list = data_codes
    else:
        if isinstance(codes, np.ndarray):
            codes = codes.tolist()
        if isinstance(codes, str) or not isinstance(codes, Sequence):
            raise TypeError(f"codes must be a list of codes, got {type(codes).__name__}")
        code_list = list(codes)
        if len(set(code_list)) != len(code_list):
            raise ValueError("codes must not repeat a code")
        if OVERALL in set(code_list):
            raise ValueError(f"{OVERALL!r} is reserved for the overall row")
        unknown = [c for c in data_codes if c not in set(code_list)]
        if unknown:
            raise ValueError(
                f"codes in the data but not in codes=: {unknown[:10]}; add them or filter the "
                "segments first"
            )
    n_all_coders = int(df["coder"].nunique())
    if n_all_coders < 2:
        raise ValueError(f"agreement needs at least two coders, the data have {n_all_coders}")

    seen = df[["unit", "coder"]].drop_duplicates()
    per_unit = seen.groupby("unit", sort=False)["coder"].transform("size")
    seen = seen.loc[per_unit >= 2].reset_index(drop=True)
    if seen.empty:
        raise EstimationError(
            "no unit was coded by two or more coders, so agreement cannot be computed"
        )
    unit_idx, unit_keys = pd.factorize(seen["unit"])
    n_units = len(unit_keys)
    n_coders = int(seen["coder"].nunique())
    applied = df.dropna(subset=["code"]).drop_duplicates()
    # presence[i, j] = 1 where the i-th (unit, coder) seen applied the j-th code
    presence = np.zeros((len(seen), len(code_list)), dtype=int)
    if len(applied) and code_list:
        where = pd.MultiIndex.from_frame(seen[["unit", "coder"]]).get_indexer(
            pd.MultiIndex.from_frame(applied[["unit", "coder"]])
        )
        which = pd.Index(code_list, dtype=object).get_indexer(applied["code"].astype(object))
        kept = (where >= 0) & (which >= 0)  # units seen by one coder only are not compared
        presence[where[kept], which[kept]] = 1

    rows = []
    pooled = []
    for j, k in enumerate(code_list):
        present = presence[:, j]
        long = pd.DataFrame({"unit": unit_idx, "coder": seen["coder"], "value": present})
        rows.append(_presence_agreement(k, long, n_units, n_coders))
        pooled.append(long.assign(unit=long["unit"] + j * n_units))
    if pooled:
        long_all = pd.concat(pooled, ignore_index=True)
        rows.append(_presence_agreement(OVERALL, long_all, n_units * len(code_list), n_coders))
    columns = [
        "code",
        "n_units",
        "n_coders",
        "prevalence",
        "percent_agreement",
        "cohen_kappa",
        "kappa_se",
        "fleiss_kappa",
        "krippendorff_alpha",
        "note",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["code"] = out["code"].astype(object)
    return out


def _presence_agreement(
    code: Any, long: pd.DataFrame, n_units: int, n_coders: int
) -> dict[str, Any]:
    """One row of :func:`code_agreement` from 0/1 presence in long form."""
    notes = []
    by_unit = long.groupby("unit")["value"]
    agree = by_unit.min() == by_unit.max()
    kappa = kappa_se = float("nan")
    if n_coders == 2:
        ck = cohen_kappa(long, unit="unit", coder="coder", value="value")
        kappa, kappa_se = ck.kappa, ck.se
        if ck.note:
            notes.append(f"Cohen: {ck.note}")
    fk = fleiss_kappa(long, unit="unit", coder="coder", value="value", categories=[0, 1])
    if fk.note:
        notes.append(f"Fleiss: {fk.note}")
    ka = krippendorff_alpha(long, unit="unit", coder="coder", value="value", level="nominal")
    if ka.note:
        notes.append(f"Krippendorff: {ka.note}")
    return {
        "code": code,
        "n_units": int(n_units),
        "n_coders": int(n_coders),
        "prevalence": float(long["value"].mean()),
        "percent_agreement": float(agree.mean()),
        "cohen_kappa": kappa,
        "kappa_se": kappa_se,
        "fleiss_kappa": fk.kappa,
        "krippendorff_alpha": ka.alpha,
        "note": "; ".join(notes),
    }
