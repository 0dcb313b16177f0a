"""Tests of helpers.survey: duplicates (find, resolve, review loop), corrections, scales, links."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest

from helpers.core.errors import ConfigError, InputFileError
from helpers.io.reading import read_table
from helpers.io.storage import write_csv_atomic
from helpers.survey.corrections import CORRECTION_COLUMNS, apply_corrections
from helpers.survey.duplicates import (
    DUPLICATE_COLUMNS,
    AnswerRule,
    answer_collision_rate,
    find_duplicates,
    merge_duplicate_decisions,
    resolve_duplicates,
)
from helpers.survey.linkage import link_records
from helpers.survey.scales import score_scales

ITEMS = [f"q{i}" for i in range(1, 11)]


def survey_with_planted_duplicates(seed: int = 1):
    """200 respondents; 5 resubmissions with the same id, 3 id-less copies of answers."""
    rng = np.random.default_rng(seed)
    n = 200
    frame = pd.DataFrame(rng.integers(1, 6, size=(n, len(ITEMS))).astype(float), columns=ITEMS)
    frame.insert(0, "pid", [f"P{i:04d}" for i in range(n)])
    frame.insert(1, "submitted", pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), "h"))
    id_dups, answer_dups = [], []
    extra = []
    for k, source in enumerate([3, 40, 77, 120, 150]):
        again = frame.iloc[source].copy()
        again["submitted"] += pd.Timedelta(days=30 + k)
        again["q1"] = 1.0 if again["q1"] != 1 else 2.0  # answers changed a little
        extra.append(again)
        id_dups.append(source)
    for source in [10, 60, 190]:
        again = frame.iloc[source].copy()
        again["pid"] = None
        again["submitted"] += pd.Timedelta(minutes=5)
        extra.append(again)
        answer_dups.append(source)
    full = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    return full, id_dups, answer_dups


def test_planted_duplicates_all_found():
    df, id_dups, answer_dups = survey_with_planted_duplicates()
    report = find_duplicates(
        df, id_column="pid", answer_columns=ITEMS, time_column="submitted", table="survey_pre"
    )
    assert tuple(report.columns) == DUPLICATE_COLUMNS
    ids = report[report["kind"] == "id"]
    assert set(ids["key"]) == {f"P{i:04d}" for i in id_dups}
    for i, source in enumerate(id_dups):
        assert set(ids.loc[ids["key"] == f"P{source:04d}", "row"]) == {source + 1, 201 + i}
    answers = report[report["kind"] == "answers"]
    groups = answers.groupby("group")["row"].apply(set).tolist()
    for i, source in enumerate(answer_dups):
        assert {source + 1, 206 + i} in groups
    assert (report["decision"] == "").all()
    assert (report["table"] == "survey_pre").all()
    assert report["submitted"].iloc[0].startswith("2024-01-01")
    assert ids["note"].str.contains("answers differ in 1 of 10 columns").all()


def test_answers_group_ignores_all_missing_and_same_id():
    df = pd.DataFrame(
        {
            "pid": ["A", "A", "B", "C", "D"],
            "q1": [4.0, 4.0, None, None, 2.0],
            "q2": [5.0, 5.0, None, None, 1.0],
        }
    )
    report = find_duplicates(df, id_column="pid", answer_columns=["q1", "q2"])
    assert report["kind"].tolist() == ["id", "id"]  # A/A: an id group only; B/C: all missing
    assert report["note"].str.startswith("identical answers").all()


def test_find_duplicates_bad_columns():
    with pytest.raises(ConfigError, match=r"\['nope'\]"):
        find_duplicates(pd.DataFrame({"pid": ["a"]}), id_column="pid", answer_columns=["nope"])


def test_resolve_default_keeps_latest():
    df, id_dups, answer_dups = survey_with_planted_duplicates()
    report = find_duplicates(df, id_column="pid", answer_columns=ITEMS, time_column="submitted")
    result = resolve_duplicates(
        df, report, time_column="submitted", id_column="pid", table="survey_pre", file="survei.csv"
    )
    kept = set(result.data.index + 1)
    for i, source in enumerate(id_dups):
        assert 201 + i in kept and source + 1 not in kept  # the later resubmission is kept
    for i, source in enumerate(answer_dups):
        assert source + 1 in kept and 206 + i not in kept  # the id-less copy is dropped
    assert len(result.data) == len(df) - len(id_dups) - len(answer_dups)
    log = result.log
    assert (log["step"] == "duplicates").all()
    first = log[log["row"] == id_dups[0] + 1]["reason"].iloc[0]
    assert first == f"duplicate submission (id P{id_dups[0]:04d}); kept row 201, the latest"
    assert set(log["table"]) == {"survey_pre"}
    assert result.data.index.equals(df.index[df.index.isin(result.data.index)])


def test_resolve_without_time_keeps_last_row():
    df = pd.DataFrame({"pid": ["A", "B", "A"], "q": [1.0, 2.0, 3.0]})
    report = find_duplicates(df, id_column="pid", answer_columns=["q"])
    result = resolve_duplicates(df, report)
    assert result.data["q"].tolist() == [2.0, 3.0]
    assert result.log["reason"].iloc[0] == "duplicate submission (id A); kept row 3, the last row"


LOOSE = AnswerRule(min_answers=1, min_distinct=1, max_collision=1)  # compare everything


def test_answers_groups_with_different_ids_are_flagged_not_dropped():
    df = pd.DataFrame({"pid": ["A", "B"], "q1": [4.0, 4.0], "q2": [4.0, 4.0]})
    assert find_duplicates(df, id_column="pid", answer_columns=["q1", "q2"]).empty  # 2 items
    report = find_duplicates(df, id_column="pid", answer_columns=["q1", "q2"], rule=LOOSE)
    assert report["note"].str.contains("keep all").all()
    result = resolve_duplicates(df, report, id_column="pid")
    assert len(result.data) == 2
    assert result.log[["row", "reason"]].values.tolist() == [
        [
            1,
            "flag: rows 1, 2 have identical answers (duplicate group 1, ids differ or are "
            "missing); all kept, review duplicates.csv",
        ]
    ]


def test_identical_answers_on_a_short_scale_are_not_duplicates():
    """4 items on 4 points, 900 different people: hundreds share a pattern by chance; none of
    them is reported, and the report says how many rows were not compared and why."""
    rng = np.random.default_rng(3)
    n = 900
    answers = rng.choice([1.0, 2.0, 3.0, 4.0], size=(n, 4), p=[0.1, 0.2, 0.45, 0.25])
    df = pd.DataFrame(answers, columns=["a1", "a2", "a3", "a4"])
    df.insert(0, "pid", [f"P{i}" for i in range(n)])
    patterns = df.drop(columns="pid").duplicated(keep=False)
    assert patterns.sum() > 700  # the matches the old rule reported
    items = ["a1", "a2", "a3", "a4"]
    report = find_duplicates(df, id_column="pid", answer_columns=items)
    assert report.empty
    assert report.attrs["answers_not_compared"] == n and report.attrs["answers_compared"] == 0
    assert "at least 5 items" in report.attrs["answer_rule"]
    # with enough items, but answers that different people share often, still nothing
    wide = pd.concat([df, df[items].add_prefix("b")], axis=1)
    rule = AnswerRule(min_answers=4)
    collision = answer_collision_rate(wide, id_column="pid", answer_columns=items, rule=rule)
    assert collision > 0.5
    assert find_duplicates(wide, id_column="pid", answer_columns=items, rule=rule).empty


def test_planted_copies_found_where_answers_are_informative():
    df, _, answer_dups = survey_with_planted_duplicates()
    rate = answer_collision_rate(df, id_column="pid", answer_columns=ITEMS)
    assert rate == 0.0  # 10 items of 5 points: no two people alike
    report = find_duplicates(df, id_column="pid", answer_columns=ITEMS)
    assert report.attrs["answer_collision"] == 0.0
    assert len(report[report["kind"] == "answers"]) == 2 * len(answer_dups)


def test_a_row_without_an_id_is_never_a_duplicate_of_a_different_person():
    base = [4.0, 2.0, 3.0, 1.0, 4.0, 2.0]
    items = [f"q{i}" for i in range(6)]
    df = pd.DataFrame([base, base, base, base[::-1], base[::-1]], columns=items)
    df.insert(0, "pid", ["A", "B", None, None, None])
    report = find_duplicates(df, id_column="pid", answer_columns=items, rule=LOOSE)
    assert report["row"].tolist() == [1, 2]  # A and B flagged; the id-less row 3 is no one's
    assert report["note"].str.contains("keep all").all()
    # with one person only, an id-less copy may be that person's resubmission
    one = df.assign(pid=["A", None, None, None, None]).iloc[:3]
    report = find_duplicates(one, id_column="pid", answer_columns=items, rule=LOOSE)
    assert report["row"].tolist() == [1, 2, 3]
    assert report["note"].str.contains("may be this person's resubmission").all()


def test_answer_rule_checks_its_values():
    df = pd.DataFrame({"pid": ["a", "b"], "q1": [1, 1]})
    with pytest.raises(ValueError, match="max_collision"):
        AnswerRule(max_collision=-1)
    with pytest.raises(ValueError, match="min_answers"):
        AnswerRule(min_answers=0)
    with pytest.raises(TypeError, match="AnswerRule"):
        find_duplicates(df, id_column="pid", answer_columns=["q1"], rule=0.1)
    one = AnswerRule(min_answers=1, min_distinct=1)
    assert answer_collision_rate(df, id_column="pid", answer_columns=["q1"], rule=one) == 1.0


def test_reviewer_decisions_obeyed():
    df = pd.DataFrame({"pid": ["A", "A", "A", "B", "B"], "q": [1.0, 2.0, 3.0, 4.0, 5.0]})
    report = find_duplicates(df, id_column="pid", answer_columns=["q"])
    report.loc[report["row"] == 1, "decision"] = "KEEP "  # any case, spaces
    report.loc[(report["row"] == 4) | (report["row"] == 5), "decision"] = "drop"
    result = resolve_duplicates(df, report)
    assert result.data["q"].tolist() == [1.0]
    reasons = dict(zip(result.log["row"], result.log["reason"], strict=True))
    assert "not kept by the reviewer, who kept row 1" in reasons[2]
    assert "dropped by the reviewer" in reasons[4]


def test_bad_decision_and_stale_rows_are_errors():
    df = pd.DataFrame({"pid": ["A", "A"], "q": [1.0, 2.0]})
    report = find_duplicates(df, id_column="pid", answer_columns=["q"])
    bad = report.assign(decision=["hapus", ""])
    with pytest.raises(InputFileError, match="decision 'hapus' is not one of keep, drop") as err:
        resolve_duplicates(df, bad, report_path="data/review/x/duplicates.csv")
    assert err.value.row == 1 and err.value.column == "decision"
    with pytest.raises(InputFileError, match="not in the table"):
        resolve_duplicates(df.iloc[:1], report)


def test_review_loop_through_csv(tmp_path):
    """Decisions written to duplicates.csv are read back, carried to a new report, obeyed."""
    df, id_dups, _ = survey_with_planted_duplicates()
    report = find_duplicates(df, id_column="pid", answer_columns=ITEMS, time_column="submitted")
    # the reviewer keeps the FIRST submission of the first id group, against the default
    first = report[(report["kind"] == "id")].iloc[0]
    report.loc[(report["key"] == first["key"]) & (report["row"] == first["row"]), "decision"] = (
        "keep"
    )
    path = write_csv_atomic(report, tmp_path / "duplicates.csv")
    previous = read_table(path)  # strings, as the next run reads it

    new_report = find_duplicates(df, id_column="pid", answer_columns=ITEMS, time_column="submitted")
    merged = merge_duplicate_decisions(new_report, previous)
    assert merged.loc[merged["row"] == first["row"], "decision"].tolist() == ["keep"]
    assert (merged["decision"] != "").sum() == 1
    result = resolve_duplicates(df, merged, time_column="submitted", id_column="pid")
    kept = set(result.data.index + 1)
    assert first["row"] in kept
    assert 201 not in kept  # the later one goes, by the reviewer's choice


def test_merge_keeps_stale_decisions_visible():
    df = pd.DataFrame({"pid": ["A", "A", "B", "B"], "q": [1.0, 2.0, 3.0, 4.0]})
    old = find_duplicates(df, id_column="pid", answer_columns=["q"])
    old.loc[old["row"] == 3, "decision"] = "drop"
    old.loc[old["row"] == 3, "note"] = "checked with the unit"
    fixed = df.assign(pid=["A", "A", "B", "C"])  # the B duplicate was corrected at source
    new = find_duplicates(fixed, id_column="pid", answer_columns=["q"])
    merged = merge_duplicate_decisions(new, old)
    stale = merged[merged["group"].isna()]
    assert stale["row"].tolist() == [3]
    assert stale["note"].iloc[0].startswith("stale")
    assert "checked with the unit" in stale["note"].iloc[0]
    result = resolve_duplicates(fixed, merged)
    assert 2 in result.data.index  # row 3 is not dropped by the stale decision
    assert merge_duplicate_decisions(new, None).equals(new)


# ------------------------------------------------------------------------------ corrections


def corrections(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(CORRECTION_COLUMNS), dtype="str")


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "pid": ["199001012010011001", "P2", "P3"],
            "age": pd.array([34, 41, 29], dtype="Int64"),
            "score": [4.0, 3.5, np.nan],
            "unit": ["Dinas A", "Dinas B", "Dinas C"],
            "date": pd.to_datetime(["2024-01-12", "2024-02-01", "2024-03-01"]),
        },
        index=[0, 2, 5],
    )


def test_corrections_applied_and_logged(table):
    fixes = corrections(
        [
            ["survey_pre", "19900101 201001 1 001", "age", "34", "43", "typo in age"],
            ["survey_pre", "P2", "score", "3,5", "4", "confirmed by phone"],
            ["survey_pre", "P3", "score", "", "2.5", "late answer"],
            ["survey_pre", "P3", "unit", "dinas  c", "Dinas D", "moved"],
            ["survey_pre", "P2", "date", "01/02/2024", "2024-02-03", "wrong date"],
            ["other_table", "P2", "age", "41", "99", "not this table"],
        ]
    )
    result = apply_corrections(table, fixes, id_column="pid", table="survey_pre", file="s.csv")
    data = result.data
    assert data.loc[0, "age"] == 43 and str(data["age"].dtype) == "Int64"
    assert data.loc[2, "score"] == 4.0 and data.loc[5, "score"] == 2.5
    assert data.loc[5, "unit"] == "Dinas D"
    assert data.loc[2, "date"] == pd.Timestamp("2024-02-03")
    log = result.log
    assert len(log) == 5
    assert log["row"].tolist() == [1, 3, 6, 6, 3]
    assert log["reason"].iloc[0] == "typo in age (corrections.csv row 1)"
    assert log[["old_value", "new_value"]].iloc[0].tolist() == ["34", "43"]
    assert (log["step"] == "correction").all()
    assert table.loc[0, "age"] == 34  # input untouched


def test_corrections_not_applied_are_logged(table):
    fixes = corrections(
        [
            ["survey_pre", "P2", "age", "40", "42", "stale correction"],
            ["survey_pre", "P9", "age", "41", "42", "unknown person"],
            ["survey_pre", "P2", "salary", "1", "2", "unknown variable"],
            ["survey_pre", "P2", "age", "41", "empat puluh", "bad new value"],
            ["survey_pre", "P2", "pid", "P2", "P7", "changing the id"],
        ]
    )
    result = apply_corrections(
        table, fixes, id_column="pid", table="survey_pre", path="data/review/x/corrections.csv"
    )
    pd.testing.assert_frame_equal(result.data, table)
    reasons = result.log["reason"].tolist()
    assert len(reasons) == 5
    assert all(r.startswith("correction not applied (corrections.csv row") for r in reasons)
    assert "current value is '41', expected old value '40'" in reasons[0]
    assert "id 'P9' not found" in reasons[1]
    assert "variable 'salary' is not in the table" in reasons[2]
    assert "new value 'empat puluh' is not a number" in reasons[3]
    assert "is the id column" in reasons[4]
    assert result.log["row"].tolist()[0] == 3


def test_corrections_missing_columns(table):
    with pytest.raises(InputFileError, match="corrections lack column"):
        apply_corrections(table, pd.DataFrame({"id": ["P2"]}), id_column="pid", table="t")


# ------------------------------------------------------------------------------ scales


def scale_data(seed: int = 3, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    items = {}
    for j in range(4):
        items[f"m{j + 1}"] = np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=n)), 1, 5)
    for j in range(3):
        items[f"c{j + 1}"] = np.clip(np.round(3 - trait + rng.normal(scale=1.0, size=n)), 1, 5)
    df = pd.DataFrame(items)
    mask = rng.random(df.shape) < 0.05
    return df.mask(mask)


CODEBOOK_ROWS = pd.DataFrame(
    {
        "name": ["m1", "m2", "m3", "m4", "c1", "c2", "c3", "unit"],
        "scale": ["motivation"] * 4 + ["confidence"] * 3 + [""],
    }
)


def test_scale_scores_and_alpha_match_pingouin():
    df = scale_data()
    result = score_scales(df, CODEBOOK_ROWS)
    assert list(result.scores.columns) == ["motivation", "confidence"]
    rel = result.reliability.set_index("scale")
    for scale, items in [
        ("motivation", ["m1", "m2", "m3", "m4"]),
        ("confidence", ["c1", "c2", "c3"]),
    ]:
        alpha, ci = pingouin.cronbach_alpha(df[items])
        assert rel.loc[scale, "alpha"] == pytest.approx(alpha, abs=1e-12)
        assert rel.loc[scale, "ci_low"] == pytest.approx(ci[0], abs=6e-4)
        assert rel.loc[scale, "ci_high"] == pytest.approx(ci[1], abs=6e-4)
        assert rel.loc[scale, "n_items"] == len(items)
        answered = df[items].notna().sum(axis=1)
        expected = df[items].mean(axis=1).where(answered >= int(np.ceil(len(items) / 2)))
        pd.testing.assert_series_equal(result.scores[scale], expected, check_names=False)
    assert list(result.reliability.columns) == [
        "scale",
        "n_items",
        "n",
        "alpha",
        "ci_low",
        "ci_high",
        "note",
    ]


def test_scale_min_items():
    df = pd.DataFrame(
        {"a": [1.0, 2.0, np.nan], "b": [2.0, np.nan, np.nan], "c": [3.0, np.nan, 4.0]}
    )
    rows = pd.DataFrame({"name": ["a", "b", "c"], "scale": ["s", "s", "s"]})
    default = score_scales(df, rows).scores["s"]  # needs 2 of 3
    assert default.tolist()[0] == 2.0 and default.iloc[1:].isna().all()
    one = score_scales(df, rows, min_items=1).scores["s"]
    assert one.tolist() == [2.0, 2.0, 4.0]
    capped = score_scales(df, rows, min_items=5)
    assert "capped" in capped.reliability["note"].iloc[0]
    with pytest.raises(ValueError):
        score_scales(df, rows, min_items=0)


def test_scale_edge_cases():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0], "t": ["x", "y", "z"]})
    rows = pd.DataFrame({"name": ["a", "gone", "b"], "scale": ["one", "one", "flat"]})
    result = score_scales(df, rows).reliability.set_index("scale")
    assert np.isnan(result.loc["one", "alpha"])
    assert "items not in the data: gone" in result.loc["one", "note"]
    assert "alpha not computed" in result.loc["one", "note"]
    assert result.loc["flat", "n_items"] == 1
    with pytest.raises(TypeError, match="not numeric"):
        score_scales(df, pd.DataFrame({"name": ["t", "a"], "scale": ["s", "s"]}))


# ------------------------------------------------------------------------------ link_records


def test_link_records_match_rates():
    roster = pd.DataFrame({"nip": ["199001012010011001", "2", "3", "4"]})
    skp = pd.DataFrame({"nip": ["19900101 201001 1 001", "2", "2", "9", None]})
    training = pd.DataFrame({"nip": ["3", "4"]})
    out = link_records(roster, {"skp": skp, "training": training}).set_index("table")
    assert out.loc["skp"].tolist() == [5, 3, 2, pytest.approx(2 / 3), 2]
    assert out.loc["training", "match_rate"] == 1.0
    assert out.loc["training", "n_unmatched_rows"] == 0


def test_link_records_missing_key_and_empty():
    roster = pd.DataFrame({"pid": ["a"]})
    with pytest.raises(ConfigError, match="table 'skp'"):
        link_records(roster, {"skp": pd.DataFrame({"nip": ["a"]})}, key="pid")
    out = link_records(
        roster, {"empty": pd.DataFrame({"pid": pd.Series([], dtype="str")})}, key="pid"
    )
    assert np.isnan(out["match_rate"].iloc[0])
