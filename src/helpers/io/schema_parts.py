"""The building blocks of the table schemas: the columns' types and checks, and what a column's
contract says beyond them (:func:`_info`). Private to :mod:`helpers.io.schemas` and
:mod:`helpers.io.table_schemas`; import the schemas from :mod:`helpers.io.schemas`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

__all__ = [
    "SKP_RATINGS",
    "SKP_RATING_DTYPE",
    "GOLONGAN_ORDER",
]

SKP_RATINGS = ("Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Sangat Baik")
"""SKP performance ratings of PermenPANRB 6/2022, lowest first."""
SKP_RATING_DTYPE = pd.CategoricalDtype(list(SKP_RATINGS), ordered=True)
"""Ordered dtype for the ``rating`` column of ``skp``: ``Sangat Kurang < ... < Sangat Baik``."""

GOLONGAN_ORDER = [
    "I/a",
    "I/b",
    "I/c",
    "I/d",
    "II/a",
    "II/b",
    "II/c",
    "II/d",
    "III/a",
    "III/b",
    "III/c",
    "III/d",
    "IV/a",
    "IV/b",
    "IV/c",
    "IV/d",
    "IV/e",
]
"""PNS golongan/ruang, lowest first (rank = position)."""

_NIP_LIKE = r"\d{18}"
_DIGIT_GAP = r"(?<=\d)[\s.\-']+(?=\d)"  # "19900101 201001 1 001" is a NIP too


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _info(
    description: str,
    *,
    codebook: str | None = None,
    types: tuple[str, ...] = (),
    labels: str = "",
    aliases: tuple[str, ...] = (),
    made_by: str = "",
) -> dict[str, Any]:
    """What a column's contract says beyond its dtype and checks (see :mod:`helpers.io.contract`).

    ``codebook`` is the clean name the codebook must give (default: the column's own name),
    ``types`` the codebook types that produce it, ``labels`` the ``value_labels`` it needs,
    ``aliases`` headers agencies' exports use for it, ``made_by`` the step that computes a
    column no codebook row gives.
    """
    meta = {
        "codebook": codebook,
        "types": tuple(types),
        "labels": labels,
        "aliases": tuple(aliases),
        "made_by": made_by,
    }
    return {"description": description, "metadata": meta}


def _numeric(
    *checks: pa.Check,
    nullable: bool = True,
    required: bool = True,
    regex: bool = False,
    **info: Any,
) -> pa.Column:
    """A numeric column of any width (int64, Int64, float64)."""
    return pa.Column(
        None,
        checks=[
            pa.Check(_is_numeric, name="numeric dtype"),
            *checks,
        ],
        nullable=nullable,
        required=required,
        regex=regex,
        **info,
    )


def _text(
    *checks: pa.Check,
    nullable: bool = False,
    required: bool = True,
    unique: bool = False,
    **info: Any,
) -> pa.Column:
    return pa.Column(
        str, checks=list(checks), nullable=nullable, required=required, unique=unique, **info
    )


def _date(*, nullable: bool = True, required: bool = True, **info: Any) -> pa.Column:
    return pa.Column(pa.DateTime, nullable=nullable, required=required, **info)


_NIP_ALIASES = ("NIP", "NIP Baru", "NIP 18 digit", "Nomor Induk Pegawai", "nip_baru")


def _pid(
    *, unique: bool = False, required: bool = True, codebook: str = "nip", **info: Any
) -> pa.Column:
    info = info or _info(
        "the ASN's NIP (18 digits), validated and replaced by a keyed pseudonym `pid`",
        codebook=codebook,
        types=("nip",),
        aliases=_NIP_ALIASES,
    )
    return _text(
        pa.Check.str_matches(r"^\S+$"),
        pa.Check(
            lambda s: ~s.str.fullmatch(_NIP_LIKE),
            name="pid is not a NIP (pseudonymise it)",
        ),
        unique=unique,
        required=required,
        **info,
    )


def _ordered(low: str, high: str) -> pa.Check:
    """Row check: ``low <= high`` where both are present."""

    def check(df: pd.DataFrame) -> pd.Series:
        if low not in df or high not in df:
            return pd.Series(True, index=df.index)
        both = df[low].notna() & df[high].notna()
        return ~both | (df[low] <= df[high]).fillna(True).astype(bool)

    return pa.Check(check, name=f"{low} <= {high}")


def _tmt_after_birth(df: pd.DataFrame) -> pd.Series:
    if "birth_date" not in df or "tmt_cpns" not in df:
        return pd.Series(True, index=df.index)
    both = df["birth_date"].notna() & df["tmt_cpns"].notna()
    return ~both | (df["tmt_cpns"] > df["birth_date"]).fillna(True).astype(bool)


def _no_nip_in(*columns: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for c in columns:
            if c in df:
                text = df[c].astype("str").str.replace(_DIGIT_GAP, "", regex=True)
                ok &= ~text.str.contains(_NIP_LIKE, regex=True).fillna(False).astype(bool)
        return ok

    return pa.Check(check, name="no NIP in the values or reason")
