"""Tests of helpers.privacy.nip: make_nip round-trips, every invalid reason, nip_parts."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from helpers.privacy.nip import canonical_id, make_nip, nip_parts, normalise_nip, validate_nip

AS_OF = "2024-06-30"


def reason_of(nip: str, as_of: str = AS_OF) -> str:
    return validate_nip(pd.Series([nip]), as_of=as_of).loc[0, "reason"]


@pytest.mark.parametrize(
    ("birth", "tmt", "gender", "seq"),
    [
        ("1990-01-01", "2010-01-01", "M", 1),
        ("1985-07-31", "2009-03-01", "F", 123),
        ("1970-02-28", "1995-12-01", 1, 999),
        ("2000-12-31", "2023-06-01", 2, 45),
        ("1996-02-29", "2020-02-01", "F", 7),
    ],
)
def test_make_nip_round_trip(birth, tmt, gender, seq):
    nip = make_nip(birth, tmt, gender, seq)
    assert len(nip) == 18 and nip.isdigit()
    out = validate_nip(pd.Series([nip]), as_of=AS_OF).iloc[0]
    assert out["valid"], out["reason"]
    assert out["reason"] == ""
    assert out["birth_date"] == pd.Timestamp(birth)
    assert out["tmt_cpns"] == pd.Timestamp(tmt).replace(day=1)
    assert out["gender"] == {"M": "M", "F": "F", 1: "M", 2: "F"}[gender]
    parts = nip_parts(nip, as_of=AS_OF)
    assert parts.valid
    assert parts.birth_date == pd.Timestamp(birth).date()
    assert parts.sequence == f"{seq:03d}"


def test_make_nip_rejects_bad_parts():
    with pytest.raises(ValueError, match="gender"):
        make_nip("1990-01-01", "2010-01-01", "L", 1)
    with pytest.raises(ValueError, match="sequence"):
        make_nip("1990-01-01", "2010-01-01", "M", 0)
    with pytest.raises(ValueError, match="sequence"):
        make_nip("1990-01-01", "2010-01-01", "M", 1000)
    with pytest.raises(TypeError):
        make_nip("1990-01-01", "2010-01-01", "M", "001")
    with pytest.raises(ValueError):
        make_nip(None, "2010-01-01", "M", 1)


VALID = make_nip("1990-01-01", "2010-01-01", "M", 1)  # 199001012010011001


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        (VALID[:-1], "length: 17 digits, expected 18"),
        (VALID + "1", "length: 19 digits, expected 18"),
        (
            VALID[:5] + "O" + VALID[6:],
            "non-digit characters (at character 6 once separators are removed)",
        ),
        ("19901332" + VALID[8:], "digits 1-8 (birth date) are not a valid date"),
        ("19900230" + VALID[8:], "digits 1-8 (birth date) are not a valid date"),
        (
            VALID[:8] + "201913" + VALID[14:],
            "digits 9-14 (TMT CPNS) are not a valid year and month",
        ),
        (
            VALID[:8] + "201000" + VALID[14:],
            "digits 9-14 (TMT CPNS) are not a valid year and month",
        ),
        (VALID[:14] + "3" + VALID[15:], "digit 15 (gender) is not 1 or 2"),
        (VALID[:15] + "000", "digits 16-18 (sequence) are 000"),
        (make_nip("1990-01-01", "2005-01-01", "M", 1), "TMT CPNS (digits 9-14) before age 18"),
        (make_nip("1990-01-01", "2025-01-01", "M", 1), "TMT CPNS (digits 9-14) after as_of"),
    ],
)
def test_each_invalid_reason(nip, reason):
    assert reason_of(nip) == reason


def test_future_birth_date_reported_with_other_problems():
    nip = make_nip("2030-01-01", "2050-01-01", "F", 3)
    assert (
        reason_of(nip)
        == "birth date (digits 1-8) in the future; TMT CPNS (digits 9-14) after as_of"
    )


def test_missing_and_excel_number():
    out = validate_nip(pd.Series([None, "1.99001012010011E+17"]), as_of=AS_OF)
    assert out["reason"].iloc[0] == "missing"
    assert out["reason"].iloc[1].startswith("stored as a number")
    assert not out["valid"].any()


@pytest.mark.parametrize(
    "written",
    [
        "1.98701242014022E+17",
        "198701242014022000.0",
        "198701242014022016.0",
        "1,98701242014022E+17",
    ],
)
def test_excel_numbers_are_rejected_with_a_reason_not_digits(written):
    out = validate_nip(pd.Series([written]), as_of=AS_OF)
    assert not out["valid"].iloc[0]
    assert out["reason"].iloc[0].startswith("stored as a number")
    assert not re.search(r"\d{4}", out["reason"].iloc[0])


@pytest.mark.parametrize(
    "written",
    [
        "19870124/201402/2/001",
        "19870124  201402  2  001",
        "19870124\u00a0201402\u202f2\u2009001",
        "\ufeff198701242014022001",
        "198701242014022001\x00",
        "1987\u200b0124\u200c2014\u200d0220\u206001",
        "\uff11\uff19\uff18\uff17\uff10\uff11\uff12\uff14\uff12\uff10\uff11\uff14\uff10\uff12\uff12\uff10\uff10\uff11",
        "\u0661\u0669\u0668\u0667\u0660\u0661\u0662\u0664\u0662\u0660\u0661\u0664\u0660\u0662\u0662\u0660\u0660\u0661",
        "1987-0124_2014.02'2\u20130\u20140\u22121",
    ],
)
def test_nip_in_any_dress_is_valid_and_the_same(written):
    out = validate_nip(pd.Series([written]), as_of=AS_OF)
    assert out["valid"].iloc[0], out["reason"].iloc[0]
    assert out["nip"].iloc[0] == "198701242014022001"


def test_reasons_never_quote_digits():
    bad = [
        "19901332" + VALID[8:],
        VALID[:8] + "201913" + VALID[14:],
        VALID[:14] + "3" + VALID[15:],
        "\u0661\u0669\u0669\u0660\u0661\u0663\u0663\u0662" + VALID[8:],
        VALID[:5] + "O" + VALID[6:],
    ]
    reasons = validate_nip(pd.Series(bad), as_of=AS_OF)["reason"]
    for reason in reasons:
        assert not re.search(r"\d{3}", reason.replace("16-18", "")), reason


def test_normalisation_and_alignment():
    s = pd.Series(
        ["19900101 201001 1 001", "'199001012010011001", "19900101.201001.1.001"], index=[7, 8, 9]
    )
    out = validate_nip(s, as_of=AS_OF)
    assert out.index.tolist() == [7, 8, 9]
    assert out["nip"].tolist() == [VALID] * 3
    assert out["valid"].all()
    assert list(out.columns) == ["nip", "valid", "reason", "birth_date", "tmt_cpns", "gender"]
    assert str(out["birth_date"].dtype) == "datetime64[ns]"
    assert out["valid"].dtype == bool


def test_default_as_of_is_today():
    assert validate_nip(pd.Series([VALID]))["valid"].iloc[0]
    tomorrow = dt.date.today() + dt.timedelta(days=40)
    future = make_nip("1990-01-01", tomorrow, "M", 1)
    assert (
        validate_nip(pd.Series([future]))["reason"].iloc[0] == "TMT CPNS (digits 9-14) after as_of"
    )


def test_nip_parts_of_invalid_value():
    parts = nip_parts("199001012010013001", as_of=AS_OF)
    assert not parts.valid
    assert parts.gender is None
    assert parts.birth_date == dt.date(1990, 1, 1)
    assert nip_parts("12345").sequence is None


def test_normalise_nip_and_canonical_id():
    assert normalise_nip(pd.Series(["1990 0101"])).tolist() == ["19900101"]
    assert canonical_id(pd.Series([" R-01 ", "1.2"])).tolist() == ["R-01", "12"]


def test_dates_past_2200_are_in_the_future_not_an_overflow():
    out = validate_nip(pd.Series(["999912312010011001", "199001019999121001"]), as_of=AS_OF)
    assert out["reason"].tolist() == [
        "birth date (digits 1-8) in the future",
        "TMT CPNS (digits 9-14) after as_of",
    ]
    assert out["birth_date"].isna().iloc[0] and out["tmt_cpns"].isna().iloc[1]


def test_the_cheap_check_never_rejects_a_nip_that_validates():
    from helpers.privacy.nip import could_be_valid_nip

    rng = np.random.default_rng(7)
    made = [
        make_nip(f"{y}-{m:02d}-{d:02d}", f"{y + 20 + k}-{m2:02d}-01", g, s)
        for y, m, d, m2, g, s, k in zip(
            rng.integers(1950, 2000, 300), rng.integers(1, 13, 300), rng.integers(1, 29, 300),
            rng.integers(1, 13, 300), rng.integers(1, 3, 300), rng.integers(1, 999, 300),
            rng.integers(0, 6, 300), strict=True,
        )
    ]  # fmt: skip
    noise = ["".join(map(str, rng.integers(0, 10, 18))) for _ in range(3000)]
    near = [n[:k] + str(rng.integers(0, 10)) + n[k + 1 :] for n in made for k in (5, 13, 16)]
    values = pd.Series(made + noise + near, dtype="str")
    valid = validate_nip(values, as_of="2026-01-01")["valid"].to_numpy(dtype=bool)
    cheap = np.array([could_be_valid_nip(v) for v in values])
    assert valid[: len(made)].all()
    assert not (valid & ~cheap).any()  # necessary: nothing valid is rejected
    assert cheap.sum() < len(values) / 2  # and it rejects most random digit runs
