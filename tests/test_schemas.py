"""Tests of helpers.io.schemas: good tables pass, bad ones fail with readable messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.core.errors import ConfigError, DisclosureError, HelpersError
from helpers.io.log import make_log
from helpers.io.schemas import (
    SCHEMAS,
    SKP_RATING_DTYPE,
    SKP_RATINGS,
    SchemaValidationError,
    personal_columns,
    validate,
)


def roster() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": ["Pa1", "Pb2", "Pc3"],
            "unit": ["Dinas A", "Dinas B", None],
            "gender": ["M", "F", None],
            "birth_date": pd.to_datetime(["1990-01-01", "1985-05-05", None]),
            "tmt_cpns": pd.to_datetime(["2010-01-01", "2009-03-01", "2012-01-01"]),
            "golongan": ["III/a", None, "II/c"],
            "region_extra": [1, 2, 3],  # extra columns are allowed
        }
    )


def training() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": ["Pa1", "Pa1"],
            "course": ["Manajemen proyek", "Pelayanan publik"],
            "start": pd.to_datetime(["2024-01-10", "2024-03-01"]),
            "end": pd.to_datetime(["2024-01-12", None]),
            "jp": pd.array([24, None], dtype="Int64"),
        }
    )


def skp() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": ["Pa1", "Pa1", "Pb2"],
            "year": [2022, 2023, 2023],
            "score": [88.5, np.nan, 70.0],
            "rating": pd.Categorical([None, "Baik", "Butuh Perbaikan"], dtype=SKP_RATING_DTYPE),
        }
    )


def codes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transcript": ["T01", "T01"],
            "segment": [1, 2],
            "informant_role": ["kepala_bidang", None],
            "method": ["wawancara", "fgd"],
            "coder": ["A", "B"],
            "code": ["beban_kerja", "dukungan_pimpinan"],
            "quote": ["Beban kerja tinggi", None],
        }
    )


def effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["kepahiang", "kepahiang"],
            "level": [1, 3],
            "outcome": ["satisfaction", "skp_score"],
            "label": ["Kepuasan kerja", None],
            "design": ["ancova", "did"],
            "estimate": [0.3, 1.2],
            "se": [0.1, 0.5],
            "ci_low": [0.1, 0.2],
            "ci_high": [0.5, 2.2],
            "p_value": [0.003, 0.02],
            "p_adj": [0.006, 0.02],
            "n": [200, 800],
            "n_treated": [90, np.nan],
            "n_control": [110, np.nan],
            "effect_size": [0.35, np.nan],
            "mde": [0.28, 0.9],
            "assumption": ["no unmeasured confounding", "parallel trends"],
        }
    )


def cleaning_log() -> pd.DataFrame:
    return make_log(
        [
            {"step": "codebook", "table": "survey", "file": "s.csv", "row": 3, "column": "age",
             "old_value": "17", "reason": "outside the valid range [18, 65]"},
            {"step": "codebook", "table": "survey", "file": "s.csv", "column": "x",
             "reason": "column not in codebook; left out"},
        ]
    )  # fmt: skip


def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": ["Pa1", "Pb2"],
            "submitted": pd.to_datetime(["2024-01-10 08:00", "2024-01-11 09:30"]),
            "job_satisfaction_1": [4.0, None],
            "job_satisfaction_2": [3.0, 2.0],
            "job_satisfaction": [3.5, 2.0],
        }
    )


def rollout() -> pd.DataFrame:
    return pd.DataFrame(
        {"unit": ["Dinas A", "Dinas B"], "start": pd.to_datetime(["2024-03-01", None])}
    )


def events() -> pd.DataFrame:
    return pd.DataFrame(
        {"unit": ["Dinas A"], "date": pd.to_datetime(["2024-03-05"]), "u1": [3.0], "u9": [4.0]}
    )


def person_outcome() -> pd.DataFrame:
    return pd.DataFrame({"pid": ["Pa1", "Pa1"], "wave": ["pre", "post"], "test": [50.0, 70.0]})


def linked_outcome() -> pd.DataFrame:
    return pd.DataFrame({"teacher_pid": ["Pa1"], "score_post": [71.0]})


GOOD = {
    "survey": survey,
    "rollout": rollout,
    "events": events,
    "person_outcome": person_outcome,
    "linked_outcome": linked_outcome,
    "roster": roster,
    "training": training,
    "skp": skp,
    "codes": codes,
    "effects": effects,
    "cleaning_log": cleaning_log,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_tables_pass(name):
    df = GOOD[name]()
    assert validate(df, name) is not None
    pd.testing.assert_frame_equal(validate(df, name), df)


def test_every_schema_is_named():
    assert set(GOOD) | {"processed"} == set(SCHEMAS)


def test_skp_ratings_ordered():
    assert list(SKP_RATING_DTYPE.categories) == list(SKP_RATINGS)
    s = pd.Series(["Baik", "Sangat Kurang", "Sangat Baik"], dtype=SKP_RATING_DTYPE)
    assert s.max() == "Sangat Baik" and s.min() == "Sangat Kurang"


def failure(df: pd.DataFrame, name: str, table: str | None = None) -> str:
    with pytest.raises(SchemaValidationError) as err:
        validate(df, name, table=table)
    assert isinstance(err.value, HelpersError) and isinstance(err.value, ValueError)
    assert "Traceback" not in str(err.value)
    return str(err.value)


def test_roster_failures_readable():
    bad = roster()
    bad.loc[1, "pid"] = "Pa1"
    bad.loc[2, "gender"] = "L"
    bad.loc[0, "tmt_cpns"] = pd.Timestamp("1980-01-01")
    bad = bad.drop(columns="golongan")
    message = failure(bad, "roster", table="roster_kepahiang")
    assert message.startswith("table 'roster_kepahiang' does not match the 'roster' schema:")
    assert "missing column(s): 'golongan'" in message
    assert (
        "column 'pid' has repeated values, which must be unique, in 2 row(s), e.g. 'Pa1'" in message
    )
    assert "column 'gender' fails isin(['M', 'F']) in 1 row(s), e.g. 'L' (index 2)" in message
    assert "birth_date=1990-01-01, tmt_cpns=1980-01-01" in message


def test_pid_that_is_a_nip_rejected():
    bad = roster()
    bad.loc[0, "pid"] = "199001012010011001"
    assert "pid is not a NIP" in failure(bad, "roster")


def test_training_failures():
    bad = training()
    bad.loc[0, "end"] = pd.Timestamp("2024-01-01")
    bad["jp"] = [-4, 3]
    message = failure(bad, "training")
    assert "'start <= end' in 1 row(s), e.g. index 0: start=2024-01-10, end=2024-01-01" in message
    assert "column 'jp' fails greater_than_or_equal_to(0) in 1 row(s), e.g. -4" in message


def test_skp_failures():
    bad = skp()
    bad.loc[2, "year"] = 2023
    bad.loc[1, "year"] = 2022
    bad.loc[0, "score"] = 140.0
    message = failure(bad, "skp")
    assert "repeats a combination that must be unique" in message
    assert "column 'score' fails in_range(0, 100) in 1 row(s), e.g. 140.0 (index 0)" in message
    assert "has score or rating" in failure(skp().drop(columns=["score", "rating"]), "skp")
    text_rating = skp().assign(rating=["Baik", "Baik", "Cukup"])
    message = failure(text_rating, "skp")
    assert (
        "column 'rating' has dtype str, expected an ordered categorical (Sangat Kurang <" in message
    )


def test_skp_with_predikat_only_or_score_only_passes():
    """e-Kinerja exports since 2023 carry the predikat only; older ones the 0-100 score only."""
    assert validate(skp().drop(columns="score"), "skp") is not None
    assert validate(skp().drop(columns="rating"), "skp") is not None


def test_new_kinds_check_their_columns():
    message = failure(rollout().assign(unit=["Dinas A", "Dinas A"]), "rollout")
    assert "column 'unit' has repeated values" in message
    message = failure(survey().assign(job_satisfaction_1=["4", "x"]), "survey")
    assert "column 'job_satisfaction_1' has dtype str, expected numbers" in message
    message = failure(events().assign(u1=["baik"]), "events")
    assert "column 'u1' has dtype str, expected numbers" in message


def test_wrong_types_are_named():
    bad = training().assign(jp=["24", "3"], start=["2024-01-10", "2024-03-01"])
    message = failure(bad, "training")
    assert "column 'jp' has dtype str, expected numbers" in message
    assert "column 'start' has dtype str, expected dates (datetime64)" in message


def test_codes_and_effects_failures():
    bad = codes().assign(code=["Beban Kerja", "ok"], method=["interview", "fgd"])
    message = failure(bad, "codes")
    assert "column 'code' fails str_matches" in message
    assert "column 'method' fails isin" in message
    bad = effects()
    bad.loc[0, "p_value"] = 1.5
    bad.loc[1, "ci_low"] = 3.0
    bad.loc[1, "design"] = "magic"
    message = failure(bad, "effects")
    assert "column 'p_value' fails in_range(0, 1)" in message
    assert "'ci_low <= ci_high' in 1 row(s), e.g. index 1: ci_low=3.0, ci_high=2.2" in message
    assert "column 'design' fails isin" in message


def test_cleaning_log_refuses_nips():
    bad = cleaning_log()
    for value in ("199001012010011001", "19900101 201001 1 001", "NIP 19900101.201001.1.001"):
        bad.loc[0, "old_value"] = value
        assert "no NIP in the values or reason" in failure(bad, "cleaning_log")
    bad.loc[0, "old_value"] = "12 Januari 2024 08.30"
    assert validate(bad, "cleaning_log") is not None
    bad.loc[0, "reason"] = "duplicate submission (id 199001012010011001); kept row 3"
    assert "no NIP in the values or reason" in failure(bad, "cleaning_log")


@pytest.mark.parametrize("column", ["nip", "nama", "name", "Nama", "nip_atasan"])
@pytest.mark.parametrize("name", ["roster", "training", "processed"])
def test_personal_columns_refused(column, name):
    df = GOOD.get(name, roster)().assign(**{column: "x"})
    with pytest.raises(DisclosureError, match="personal column"):
        validate(df, name, table="t")


def test_personal_columns_detection():
    assert personal_columns(["pid", "unit_name", "nama_lengkap", "NIK"]) == ["nama_lengkap", "NIK"]


def test_processed_schema_checks_pid_only():
    assert validate(pd.DataFrame({"pid": ["Pa"], "anything": [1]}), "processed") is not None
    assert validate(pd.DataFrame({"unit": ["A"]}), "processed") is not None
    assert "pid" in failure(pd.DataFrame({"pid": ["Pa", None]}), "processed")


def test_unknown_schema_and_bad_input():
    with pytest.raises(ConfigError, match="unknown schema 'rooster'"):
        validate(roster(), "rooster")
    with pytest.raises(TypeError):
        validate([1, 2], "roster")
