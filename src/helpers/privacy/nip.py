"""NIP (Nomor Induk Pegawai) of a PNS: normalise, validate, split into parts, build.

A PNS NIP has 18 digits::

    19900101 201001 1 001
    |        |      | +-- sequence (001-999)
    |        |      +---- gender: 1 male, 2 female
    |        +----------- TMT CPNS (start of candidate service), YYYYMM
    +-------------------- birth date, YYYYMMDD

:func:`validate_nip` checks all four parts and their consistency (TMT CPNS at 18 or older, no
date in the future). PPPK staff have different numbers and fail here on purpose: give them
their own id column.

Examples
--------
>>> make_nip("1990-01-01", "2010-01", "F", 7)
'199001012010012007'
>>> nip_parts("19900101 201001 2 007").gender
'F'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.io.parsing import clean_text, is_lossy_number, normalise_digits

__all__ = [
    "validate_nip",
    "could_be_valid_nip",
    "nip_parts",
    "make_nip",
    "normalise_nip",
    "canonical_id",
    "NipParts",
    "NIP_LENGTH",
    "STORED_AS_NUMBER",
]

NIP_LENGTH = 18
_MIN_AGE_AT_TMT = 18
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
#: The reason given for a NIP that a spreadsheet stored as a number.
STORED_AS_NUMBER = (
    "stored as a number: a spreadsheet keeps only 15 significant digits, so the last digits "
    "are lost; re-export the column formatted as text"
)


def _non_digit_reason(text: str) -> str:
    """Where the non-digits are (positions, never the characters or the digits)."""
    positions = [str(k + 1) for k, ch in enumerate(text) if not ch.isdigit()]
    shown = ", ".join(positions[:5]) + (", ..." if len(positions) > 5 else "")
    return f"non-digit characters (at character {shown} once separators are removed)"


@dataclass(frozen=True)
class NipParts:
    """One NIP split into its parts; parts that cannot be read are ``None``."""

    nip: str | None
    valid: bool
    reason: str
    birth_date: dt.date | None
    tmt_cpns: dt.date | None
    gender: str | None
    sequence: str | None


def normalise_nip(values: pd.Series) -> pd.Series:
    """Strip the spaces, dots, hyphens and apostrophes people type into NIPs.

    See :func:`helpers.io.parsing.normalise_digits`. Missing stays missing.

    Examples
    --------
    >>> normalise_nip(pd.Series(["'19900101.201001.1.001"])).tolist()
    ['199001012010011001']
    """
    return normalise_digits(values)


def canonical_id(values: pd.Series) -> pd.Series:
    """Identifiers in one comparable form: digits for NIP-like values, else trimmed text.

    A value that is all digits once spaces, dots, hyphens and apostrophes are removed becomes
    those digits (``"19900101 201001 1 001"`` -> ``"199001012010011001"``); any other value
    is stripped with runs of whitespace made single spaces (case kept: ``"R-01"`` stays
    ``"R-01"``). Missing stays missing. Used to compare, link and pseudonymise ids.

    Examples
    --------
    >>> canonical_id(pd.Series(["1990 0101", " R-01 ", None, 12])).tolist()
    ['19900101', 'R-01', nan, '12']
    """
    digits = normalise_nip(values).astype(object)
    out: list[Any] = []
    for original, d in zip(values.astype(object), digits, strict=True):
        if d is None or (isinstance(d, float) and np.isnan(d)):
            out.append(None)
        elif d.isdigit():
            out.append(d)
        else:
            out.append(" ".join(clean_text(str(original)).split()) or None)
    return pd.Series(out, index=values.index, name=values.name, dtype="str")


def could_be_valid_nip(digits: str) -> bool:
    """Whether 18 ASCII digits pass the rules of :func:`validate_nip` that need no calendar.

    A necessary condition, cheap enough for every digit run of a long text: a NIP that
    :func:`validate_nip` finds valid always passes (birth year and TMT CPNS year 1900-2199,
    months 01-12, day 01-31, gender digit 1 or 2, sequence not 000); one that passes still
    needs :func:`validate_nip` (real dates, not in the future, age 18 at TMT CPNS).

    Examples
    --------
    >>> could_be_valid_nip("199001012010011001")
    True
    >>> could_be_valid_nip("167808143790799441")  # year 1678
    False
    >>> could_be_valid_nip("19900101201001100")  # 17 digits
    False
    """
    if len(digits) != NIP_LENGTH or not (digits.isascii() and digits.isdigit()):
        return False
    birth_century, tmt_century = digits[0:2], digits[8:10]
    month, day, tmt_month = int(digits[4:6]), int(digits[6:8]), int(digits[12:14])
    return (
        birth_century in ("19", "20", "21")
        and tmt_century in ("19", "20", "21")
        and 1 <= month <= 12
        and 1 <= day <= 31
        and 1 <= tmt_month <= 12
        and digits[14] in "12"
        and digits[15:18] != "000"
    )


def validate_nip(values: pd.Series | Any, *, as_of: Any = None) -> pd.DataFrame:
    """Validate PNS NIPs part by part.

    Values are normalised first (:func:`helpers.privacy.identifiers.identifier_digits`: digits
    of any script, invisible characters such as a BOM, NUL or zero-width space, and the
    separators people type are all handled), so a NIP typed ``19870124/201402/2/001`` or
    with full-width digits is valid.

    Parameters
    ----------
    values : pandas.Series (or list-like)
        NIPs as text, with or without separators (``"19900101 201001 1 001"``).
    as_of : date-like, optional
        Reference date for "in the future" checks. Default: today.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, columns:

        * ``nip``: normalised digits (str; missing stays missing);
        * ``valid``: bool;
        * ``reason``: ``""`` when valid, else every problem found, joined by ``"; "``,
          described by position and rule and never quoting a digit (reasons go into logs):
          ``"missing"``, ``"length: 17 digits, expected 18"``, ``"non-digit characters (at
          character 11 ...)"``, :data:`STORED_AS_NUMBER` (Excel turned it into ``1.99E+17``
          or ``198701242014022000.0``), ``"digits 1-8 (birth date) are not a valid date"``,
          ``"digits 9-14 (TMT CPNS) are not a valid year and month"``, ``"digit 15 (gender)
          is not 1 or 2"``, ``"digits 16-18 (sequence) are 000"``, ``"birth date (digits 1-8)
          in the future"``, ``"TMT CPNS (digits 9-14) after as_of"``, ``"TMT CPNS (digits
          9-14) before age 18"``;
        * ``birth_date``, ``tmt_cpns`` (first of the month): datetime64[ns], NaT if unreadable;
        * ``gender``: ``"M"``/``"F"``, missing if unreadable.

    Examples
    --------
    >>> out = validate_nip(pd.Series(["199001012010011001", "19900101201001100"]))
    >>> out["valid"].tolist()
    [True, False]
    >>> out.loc[1, "reason"]
    'length: 17 digits, expected 18'
    """
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    as_of_ts = pd.Timestamp.today().normalize() if as_of is None else pd.Timestamp(as_of)
    if pd.isna(as_of_ts):
        raise ValueError(f"as_of must be a date, got {as_of!r}")
    raw = values.astype(object)
    nip = normalise_nip(values)
    text = nip.astype(object)
    missing = nip.isna().to_numpy()
    is_digits = nip.str.fullmatch(r"\d+").fillna(False).astype(bool).to_numpy()
    lengths = nip.str.len().fillna(0).astype(int).to_numpy()
    ok18 = is_digits & (lengths == NIP_LENGTH)

    parts = text.where(ok18, "0" * NIP_LENGTH).astype(str)
    birth_text = parts.str.slice(0, 8)
    tmt_text = parts.str.slice(8, 14)
    gender_digit = parts.str.slice(14, 15)
    sequence = parts.str.slice(15, 18)
    birth = pd.to_datetime(birth_text, format="%Y%m%d", errors="coerce").where(ok18)
    tmt = pd.to_datetime(tmt_text, format="%Y%m", errors="coerce").where(ok18)
    birth = birth.where(birth >= pd.Timestamp("1900-01-01"))
    tmt = tmt.where(tmt >= pd.Timestamp("1900-01-01"))
    # dates from 2200 on are in the future for any as_of, and overflow datetime64[ns]
    far = pd.Timestamp("2200-01-01")
    far_birth, far_tmt = (birth >= far).tolist(), (tmt >= far).tolist()
    birth, tmt = birth.where(birth < far), tmt.where(tmt < far)
    gender = gender_digit.map({"1": "M", "2": "F"}).where(ok18)

    adult = (~(tmt < birth + pd.DateOffset(years=_MIN_AGE_AT_TMT))).to_numpy()
    # a well-formed NIP passing every rule (most of them) has no reason; only the others are
    # looked at one by one
    passing = (
        ok18
        & ~np.asarray(far_birth, dtype=bool)
        & ~np.asarray(far_tmt, dtype=bool)
        & birth.notna().to_numpy()
        & tmt.notna().to_numpy()
        & gender_digit.isin(["1", "2"]).to_numpy()
        & (sequence != "000").to_numpy()
        & ~(birth > as_of_ts).to_numpy()
        & ~(tmt > as_of_ts).to_numpy()
        & adult
    )
    # positional access for the few failing rows: a list of every date would make a Timestamp
    # per row (0.3 s over the shipped regions' NIPs)
    raw_list, text_list = raw.tolist(), text.tolist()
    birth_list, tmt_list = birth.array, tmt.array
    gender_list, sequence_list = gender_digit.tolist(), sequence.tolist()

    def problems(i: int) -> list[str]:
        if missing[i]:
            return ["missing"]
        original = clean_text(str(raw_list[i])).strip()
        if _SCIENTIFIC.match(original) or is_lossy_number(original):
            return [STORED_AS_NUMBER]
        if not is_digits[i]:
            return [_non_digit_reason(str(text_list[i]))]
        if lengths[i] != NIP_LENGTH:
            return [f"length: {lengths[i]} digits, expected {NIP_LENGTH}"]
        found: list[str] = []
        b, t = birth_list[i], tmt_list[i]
        if far_birth[i]:
            found.append("birth date (digits 1-8) in the future")
        elif pd.isna(b):
            found.append("digits 1-8 (birth date) are not a valid date")
        if far_tmt[i]:
            found.append("TMT CPNS (digits 9-14) after as_of")
        elif pd.isna(t):
            found.append("digits 9-14 (TMT CPNS) are not a valid year and month")
        if gender_list[i] not in ("1", "2"):
            found.append("digit 15 (gender) is not 1 or 2")
        if sequence_list[i] == "000":
            found.append("digits 16-18 (sequence) are 000")
        if pd.notna(b) and b > as_of_ts:
            found.append("birth date (digits 1-8) in the future")
        if pd.notna(t) and t > as_of_ts:
            found.append("TMT CPNS (digits 9-14) after as_of")
        if pd.notna(b) and pd.notna(t) and not adult[i]:
            found.append(f"TMT CPNS (digits 9-14) before age {_MIN_AGE_AT_TMT}")
        return found

    reason = [""] * len(values)
    for i in np.flatnonzero(~passing):
        reason[i] = "; ".join(problems(int(i)))
    return pd.DataFrame(
        {
            "nip": nip,
            "valid": pd.Series([not r for r in reason], index=values.index, dtype=bool),
            "reason": pd.Series(reason, index=values.index, dtype="str"),
            "birth_date": birth.astype("datetime64[ns]"),
            "tmt_cpns": tmt.astype("datetime64[ns]"),
            "gender": gender.astype("str"),
        },
        index=values.index,
    )


def nip_parts(nip: str, *, as_of: Any = None) -> NipParts:
    """Split and validate one NIP.

    Examples
    --------
    >>> p = nip_parts("199001012010011001")
    >>> (p.valid, p.birth_date, p.tmt_cpns, p.gender, p.sequence)
    (True, datetime.date(1990, 1, 1), datetime.date(2010, 1, 1), 'M', '001')
    """
    row = validate_nip(pd.Series([nip], dtype="object"), as_of=as_of).iloc[0]
    digits = None if pd.isna(row["nip"]) else str(row["nip"])
    whole = digits is not None and digits.isdigit() and len(digits) == NIP_LENGTH
    return NipParts(
        nip=digits,
        valid=bool(row["valid"]),
        reason=str(row["reason"]),
        birth_date=None if pd.isna(row["birth_date"]) else row["birth_date"].date(),
        tmt_cpns=None if pd.isna(row["tmt_cpns"]) else row["tmt_cpns"].date(),
        gender=None if pd.isna(row["gender"]) else str(row["gender"]),
        sequence=digits[15:] if whole and digits is not None else None,
    )


def make_nip(birth_date: Any, tmt_cpns: Any, gender: str | int, sequence: int) -> str:
    """Build an 18-digit NIP from its parts (for tests and the example-data generator).

    Parameters
    ----------
    birth_date : date-like
        Birth date (``"1990-01-01"``, a ``date`` or a ``Timestamp``).
    tmt_cpns : date-like
        TMT CPNS; only its year and month are used.
    gender : {"M", "F", 1, 2}
        ``"M"``/``1`` male, ``"F"``/``2`` female.
    sequence : int
        1 to 999.

    Raises
    ------
    TypeError
        ``sequence`` is not an int.
    ValueError
        A part out of range (the result would not be a valid NIP shape).

    Examples
    --------
    >>> make_nip(pd.Timestamp("1985-07-31"), "2009-03-01", 1, 123)
    '198507312009031123'
    """
    birth = pd.Timestamp(birth_date)
    tmt = pd.Timestamp(tmt_cpns)
    if pd.isna(birth) or pd.isna(tmt):
        raise ValueError("birth_date and tmt_cpns must be dates")
    if not 1000 <= birth.year <= 9999 or not 1000 <= tmt.year <= 9999:
        raise ValueError("years must have 4 digits")
    genders = {"M": "1", "F": "2", 1: "1", 2: "2", "1": "1", "2": "2"}
    if isinstance(gender, bool) or gender not in genders:
        raise ValueError(f"gender must be 'M', 'F', 1 or 2, got {gender!r}")
    if not isinstance(sequence, (int, np.integer)) or isinstance(sequence, bool):
        raise TypeError(f"sequence must be an int, got {type(sequence).__name__}")
    if not 1 <= int(sequence) <= 999:
        raise ValueError(f"sequence must be 1 to 999, got {sequence}")
    return f"{birth:%Y%m%d}{tmt:%Y%m}{genders[gender]}{int(sequence):03d}"
