"""Tests of helpers.stats.indices (IKM, PermenPANRB 14/2017) against hand computations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.stats.indices import IKMGrade, ikm, ikm_grade, ikm_per_respondent

ITEMS = [f"U{i}" for i in range(1, 10)]


def survey(rows: list[list[float | None]], **extra: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ITEMS, dtype="float64")
    for name, values in extra.items():
        frame[name] = values
    return frame


# ----------------------------------------------------------------------------------------------
# ikm_grade
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "grade", "label"),
    [
        (100.0, "A", "Sangat Baik"),
        (88.31, "A", "Sangat Baik"),
        (88.30, "B", "Baik"),
        (76.61, "B", "Baik"),
        (76.60, "C", "Kurang Baik"),
        (65.00, "C", "Kurang Baik"),
        (64.99, "D", "Tidak Baik"),
        (25.0, "D", "Tidak Baik"),
        (80, "B", "Baik"),  # an int is a number too
        (np.float64(90.5), "A", "Sangat Baik"),
    ],
)
def test_ikm_grade_boundaries(value, grade, label):
    res = ikm_grade(value)
    assert (res.grade, res.label) == (grade, label)


def test_ikm_grade_rounds_to_two_decimals_half_up():
    assert ikm_grade(88.305).grade == "A"  # 88.31 as reported
    assert ikm_grade(88.3049).grade == "B"  # 88.30
    assert ikm_grade(76.605).grade == "B"
    assert ikm_grade(64.995).grade == "C"
    assert ikm_grade(64.994).grade == "D"
    assert ikm_grade(88.305).ikm == 88.31
    assert ikm_grade(24.996).grade == "D"  # rounds to 25.00


@pytest.mark.parametrize("value", [24.99, 100.01, 0.0, -5.0, 250.0])
def test_ikm_grade_out_of_range(value):
    with pytest.raises(ValueError, match="between 25.00 and 100.00"):
        ikm_grade(value)


def test_ikm_grade_nan_and_types():
    with pytest.raises(ValueError, match="NaN"):
        ikm_grade(float("nan"))
    with pytest.raises(TypeError, match="number"):
        ikm_grade("88.31")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="number"):
        ikm_grade(True)


def test_ikm_grade_result_is_frozen():
    res = ikm_grade(70.0)
    assert res == IKMGrade(ikm=70.0, grade="C", label="Kurang Baik")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.grade = "A"  # type: ignore[misc]
    assert res.to_frame().to_dict("records") == [
        {"ikm": 70.0, "grade": "C", "label": "Kurang Baik"}
    ]


# ----------------------------------------------------------------------------------------------
# ikm
# ----------------------------------------------------------------------------------------------


def test_ikm_extremes():
    assert ikm(survey([[4] * 9] * 3), ITEMS).loc[0, "ikm"] == 100.0
    low = ikm(survey([[1] * 9] * 3), ITEMS)
    assert low.loc[0, "ikm"] == 25.0 and low.loc[0, "grade"] == "D"


def test_ikm_hand_computed_without_groups():
    rows = [
        [4, 4, 3, 3, 4, 4, 3, 3, 4],
        [3, 3, 3, 2, 4, 3, 3, 2, 3],
        [4, 3, 2, 3, 4, 4, 4, 3, 3],
        [2, 3, 3, 3, 3, 3, 2, 3, 4],
    ]
    out = ikm(survey(rows), ITEMS)
    means = np.array(rows, float).mean(axis=0)
    assert list(out.columns) == ["ikm", "grade", "grade_label", "n", "n_complete", *ITEMS]
    assert_allclose(out.loc[0, ITEMS].to_numpy(float), means, atol=1e-14)
    # sum of element means = 3.25 + 3.25 + 2.75 + 2.75 + 3.75 + 3.5 + 3 + 2.75 + 3.5 = 28.5
    assert_allclose(out.loc[0, "ikm"], 28.5 / 9 * 25, atol=1e-12)  # 79.1666...
    assert (out.loc[0, "grade"], out.loc[0, "grade_label"]) == ("B", "Baik")
    assert (out.loc[0, "n"], out.loc[0, "n_complete"]) == (4, 4)


def test_ikm_missing_answers_use_the_available_answers_per_element():
    rows = [[4] * 9, [2] * 8 + [None], [None] * 9]
    out = ikm(survey(rows), ITEMS)
    # U1..U8 mean 3, U9 mean 4 (only the first respondent answered it)
    assert_allclose(out.loc[0, "U9"], 4.0)
    assert_allclose(out.loc[0, "ikm"], (8 * 3 + 4) / 9 * 25, atol=1e-12)
    assert (out.loc[0, "n"], out.loc[0, "n_complete"]) == (2, 1)  # the empty row is ignored


def test_ikm_by_group():
    rows = [[4] * 9, [3] * 9, [2] * 9, [3] * 9, [1] * 9]
    data = survey(rows, unit=["dinas_a", "dinas_a", "dinas_b", "dinas_b", None])
    out = ikm(data, ITEMS, by="unit")
    assert list(out.columns[:6]) == ["unit", "ikm", "grade", "grade_label", "n", "n_complete"]
    assert out["unit"].tolist()[:2] == ["dinas_a", "dinas_b"]
    assert pd.isna(out["unit"].iloc[2])  # missing group kept as its own group
    assert_allclose(out["ikm"], [87.5, 62.5, 25.0])
    assert out["grade"].tolist() == ["B", "D", "D"]
    assert out["n"].tolist() == [2, 2, 1]


def test_ikm_by_two_columns_and_group_with_empty_element():
    rows = [[4] * 9, [4] * 8 + [None], [3] * 9]
    data = survey(rows, year=[2023, 2023, 2024], unit=["x", "y", "x"])
    out = ikm(data, ITEMS, by=["year", "unit"])
    assert out[["year", "unit"]].values.tolist() == [[2023, "x"], [2023, "y"], [2024, "x"]]
    # group (2023, y): U9 has no answer -> IKM undefined, no grade
    assert np.isnan(out.loc[1, "ikm"]) and out.loc[1, "grade"] is None
    assert_allclose(out.loc[[0, 2], "ikm"], [100.0, 75.0])


def test_ikm_duplicate_index_labels_are_positional():
    data = survey([[4] * 9, [3] * 9, [1] * 9], unit=["a", "b", "a"])
    data.index = [0, 0, 1]
    out = ikm(data, ITEMS, by="unit")
    assert_allclose(out["ikm"], [62.5, 75.0])
    assert_allclose(ikm_per_respondent(data, ITEMS).to_numpy(), [100.0, 75.0, 25.0])


def test_ikm_accepts_nullable_integers_and_does_not_mutate():
    data = survey([[4] * 9, [3] * 8 + [None]]).astype("Int64")
    before = data.copy()
    out = ikm(data, ITEMS)
    pd.testing.assert_frame_equal(data, before)
    assert_allclose(out.loc[0, "ikm"], (8 * 3.5 + 4) / 9 * 25)


def test_ikm_out_of_range_answer_names_column_and_values():
    data = survey([[4] * 9, [3] * 9])
    data.loc[0, "U3"] = 5
    data.loc[1, "U3"] = 0
    with pytest.raises(ValueError, match=r"'U3' has 2 answer\(s\) outside 1-4: \[0.0, 5.0\]"):
        ikm(data, ITEMS)
    data = survey([[4] * 9, [2.5] * 9])
    with pytest.raises(ValueError, match="'U1'.*2.5"):
        ikm(data, ITEMS)


def test_ikm_errors():
    data = survey([[4] * 9])
    with pytest.raises(TypeError, match="DataFrame"):
        ikm(data.to_numpy(), ITEMS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list"):
        ikm(data, "U1")
    with pytest.raises(ValueError, match="9 service elements"):
        ikm(data, ITEMS[:8])
    with pytest.raises(ValueError, match="9 service elements"):
        ikm(data, [*ITEMS[:8], "U1"])
    with pytest.raises(ValueError, match="not in the data"):
        ikm(data, [*ITEMS[:8], "U10"])
    with pytest.raises(TypeError, match="'U2'.*numeric"):
        ikm(data.assign(U2="Baik"), ITEMS)
    with pytest.raises(ValueError, match="by columns"):
        ikm(data, ITEMS, by="unit")
    with pytest.raises(ValueError, match="clash"):
        ikm(data, ITEMS, by="U1")
    with pytest.raises(ValueError, match="clash"):
        ikm(data.assign(n=1), ITEMS, by="n")
    with pytest.raises(TypeError, match="by"):
        ikm(data, ITEMS, by=3)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------
# ikm_per_respondent
# ----------------------------------------------------------------------------------------------


def test_ikm_per_respondent():
    data = survey([[4] * 9, [3] * 8 + [None], [1, 2, 3, 4, 1, 2, 3, 4, 1]], other=[1, 2, 3])
    data.index = ["r1", "r2", "r3"]
    score = ikm_per_respondent(data, ITEMS)
    assert score.name == "ikm" and list(score.index) == ["r1", "r2", "r3"]
    assert_allclose(score.to_numpy(), [100.0, np.nan, 21 / 9 * 25])
    partial = ikm_per_respondent(data, ITEMS, min_answers=8)
    assert_allclose(partial["r2"], 75.0)


def test_ikm_per_respondent_mean_equals_ikm_when_complete():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.integers(1, 5, (50, 9)), columns=ITEMS)
    assert_allclose(ikm_per_respondent(data, ITEMS).mean(), ikm(data, ITEMS).loc[0, "ikm"])


def test_ikm_per_respondent_errors():
    data = survey([[4] * 9])
    with pytest.raises(ValueError, match="min_answers"):
        ikm_per_respondent(data, ITEMS, min_answers=0)
    with pytest.raises(ValueError, match="min_answers"):
        ikm_per_respondent(data, ITEMS, min_answers=10)
    with pytest.raises(TypeError, match="min_answers"):
        ikm_per_respondent(data, ITEMS, min_answers=8.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outside 1-4"):
        ikm_per_respondent(data.assign(U9=7), ITEMS)
