"""The bad-input corpus (tests/bad_inputs/): every broken input gets its documented outcome.

Each case is a small project (the registry and the shipped kemuning region) with one thing
broken, written by ``tests/bad_inputs/make_corpus.py``. The outcome is either a clear error
naming the file (and row and column where there is one), or a cleaning-log entry naming the
row and column with the row kept (value missing) or kept aside. ``README.md`` beside the
generator lists every case. (The six bugs this corpus found are fixed; their tests pass.)
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.config import PROJECT_ROOT, ProjectPaths, check_region_files, load_registry
from helpers.core.errors import ConfigError, HelpersError, InputFileError
from helpers.io.reading import read_table
from helpers.runner import regions as runner_regions
from helpers.runner import run as runner_run
from helpers.runner.notebooks import check_parameters
from helpers.steps.cleaning import clean_region, write_cleaning

HERE = Path(__file__).parent / "bad_inputs"
_spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
mc = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = mc  # dataclasses look their module up here
_spec.loader.exec_module(mc)

KEY = bytes(range(32))
REGION = mc.REGION


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad_inputs")
    roots = mc.write_corpus(folder)
    mc.write_project(folder / "_intact")
    roots["_intact"] = folder / "_intact"
    mc.write_project(folder / "_intact_did", region=mc.DID_REGION)
    roots["_intact_did"] = folder / "_intact_did"
    return roots


def slug_of(case: str) -> str:
    """The shipped region a case's project copies."""
    if case == "_intact_did":
        return mc.DID_REGION
    return next((c.region for c in mc.CASES if c.name == case), REGION)


@pytest.fixture(scope="module")
def cleaned(corpus):
    """clean_region on a case's project, computed once per case."""
    cache: dict[str, object] = {}

    def _clean(case: str):
        if case not in cache:
            root = corpus[case]
            region = load_registry(root / "config" / "regions.yaml")[slug_of(case)]
            cache[case] = clean_region(region, project=ProjectPaths(root), key=KEY)
        return cache[case]

    return _clean


def raw(corpus, case: str, name: str) -> Path:
    return corpus[case] / "data" / "raw" / REGION / name


def log_rows(result, *, file: str, column: str) -> pd.DataFrame:
    log = result.log
    return log[(log["file"] == file) & (log["column"] == column)]


def entry(result, *, file: str, column: str, row: int) -> pd.Series:
    """The one cleaning-log row for (file, column, raw row)."""
    rows = log_rows(result, file=file, column=column)
    rows = rows[rows["row"] == row]
    assert len(rows) == 1, f"expected one log row for {file} row {row} {column}: {rows}"
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# the corpus itself
# --------------------------------------------------------------------------------------------


def test_readme_documents_every_case():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert mc.readme_table() in readme, "regenerate the README table with readme_table()"


def test_every_case_breaks_something(corpus):
    for case in mc.CASES:
        intact = corpus["_intact" if case.region == REGION else "_intact_did"]
        root = corpus[case.name]
        changed = [
            p.relative_to(root)
            for p in sorted(root.rglob("*"))
            if p.is_file()
            and (
                p.is_symlink()
                or not (intact / p.relative_to(root)).is_file()
                or (intact / p.relative_to(root)).read_bytes() != p.read_bytes()
            )
        ]
        missing = [
            p.relative_to(intact)
            for p in intact.rglob("*")
            if p.is_file() and not (root / p.relative_to(intact)).exists()
        ]
        assert len(changed) + len(missing) in (1, 2), (case.name, changed, missing)


# --------------------------------------------------------------------------------------------
# unreadable files: a clear InputFileError from read_table, passed on unchanged by clean_region
# --------------------------------------------------------------------------------------------

READ_ERRORS = [
    # case, file, message fragments, row, column, sheet
    ("empty_file", mc.ROSTER, ["file is empty"], None, None, None),
    ("header_only", mc.SURVEY, ["no data rows"], None, None, None),
    (
        "truncated_xlsx",
        mc.BUDGETS,
        ["not a readable XLSX workbook", "truncated"],
        None,
        None,
        None,
    ),
    ("random_bytes_xlsx", mc.BUDGETS, ["not a readable XLSX workbook"], None, None, None),
    ("password_xlsx", mc.BUDGETS, ["password-protected?", "without a password"], None, None, None),
    ("two_header_rows", mc.SURVEY, ["column 2 has no header but holds values"], 1, None, None),
    (
        "two_header_rows_xlsx",
        mc.BUDGETS,
        ["row has 10 fields but the header has 8", "first extra value is in field 9"],
        1,
        None,
        "Realisasi Anggaran",
    ),
    (
        "duplicated_columns",
        mc.ROSTER,
        ["duplicated column names", "'Unit Kerja' (columns 7, 8)"],
        None,
        "Unit Kerja",
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "file", "fragments", "row", "column", "sheet"),
    READ_ERRORS,
    ids=[c[0] for c in READ_ERRORS],
)
def test_unreadable_file_is_a_clear_error(corpus, case, file, fragments, row, column, sheet):
    with pytest.raises(InputFileError) as info:
        read_table(raw(corpus, case, file))
    error = info.value
    assert error.path.name == file and file in str(error)
    for fragment in fragments:
        assert fragment in error.message
    assert (error.row, error.column, error.sheet) == (row, column, sheet)


@pytest.mark.parametrize(
    ("case", "file"), [(c[0], c[1]) for c in READ_ERRORS], ids=[c[0] for c in READ_ERRORS]
)
def test_clean_region_stops_with_the_same_error(corpus, cleaned, case, file):
    with pytest.raises(InputFileError) as info:
        cleaned(case)
    assert info.value.path == raw(corpus, case, file)


def test_unsupported_delimiter_reads_as_one_column_and_names_what_is_missing(corpus):
    path = raw(corpus, "unsupported_delimiter", mc.ROSTER)
    assert read_table(path).shape == (380, 1)
    with pytest.raises(InputFileError) as info:
        read_table(path, required_columns=["NIP", "Nama"])
    assert info.value.column == "NIP"
    assert "required columns are missing" in info.value.message
    assert "Columns found: 'NIP#Nama#" in info.value.message


def test_unsupported_delimiter_in_roster_is_named_by_clean_region(corpus, cleaned):
    with pytest.raises(InputFileError) as info:
        cleaned("unsupported_delimiter")
    assert info.value.path.name == mc.ROSTER
    assert info.value.column == "NIP"


# --------------------------------------------------------------------------------------------
# encodings and delimiters that must be read as if nothing were wrong
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["semicolon_delimiter", "utf8_bom", "utf16_bom"])
def test_roster_in_another_dress_cleans_the_same(cleaned, case):
    got, want = cleaned(case), cleaned("_intact")
    pd.testing.assert_frame_equal(got.tables["roster"], want.tables["roster"])
    pd.testing.assert_frame_equal(got.summary, want.summary)


def test_header_of_bom_file_has_no_bom(corpus):
    for case in ("utf8_bom", "utf16_bom"):
        frame = read_table(raw(corpus, case, mc.ROSTER))
        assert frame.columns[0] == "NIP"
        assert len(frame) == 380


def test_one_cp1252_byte_is_read_as_cp1252(corpus, cleaned):
    frame = read_table(raw(corpus, "cp1252_byte", mc.SURVEY))
    assert frame.loc[2, "Unit Kerja"] == mc.EN_DASH_UNIT  # raw row 3
    assert not frame.stack().str.contains("\u00e2\u20ac").any()  # no mojibake anywhere
    pd.testing.assert_frame_equal(cleaned("cp1252_byte").summary, cleaned("_intact").summary)


def test_mixed_encodings_never_silently_garble_text(corpus):
    path = raw(corpus, "mixed_encoding", mc.SURVEY)
    try:
        frame = read_table(path)
    except InputFileError as error:  # acceptable: refuse, naming the first non-UTF-8 row
        assert error.row == 3 and "encoding" in error.message.casefold()
    else:  # also acceptable: decode each row by itself
        assert frame.loc[[0, 2], "Unit Kerja"].tolist() == [mc.EN_DASH_UNIT] * 2


# --------------------------------------------------------------------------------------------
# wrong values: kept (missing) or kept aside, always with a cleaning-log row naming row + column
# --------------------------------------------------------------------------------------------


def _feedback_value(result, raw_row: int, column: str):
    feedback = result.tables["feedback"].set_index("raw_row")
    return feedback.loc[raw_row, column]


def test_likert_in_english_is_logged_and_left_missing(cleaned):
    result = cleaned("likert_english")
    for row, label in ((2, "Very satisfied"), (4, "Strongly agree"), (6, "Satisfied")):
        e = entry(result, file=mc.SURVEY, column=mc.SURVEY_ITEM_NAME, row=row)
        assert e["old_value"] == label and e["new_value"] == ""
        assert e["reason"].startswith("label not in value_labels")
        assert pd.isna(_feedback_value(result, row, mc.SURVEY_ITEM_NAME))
    assert result.summary.equals(cleaned("_intact").summary), "no row lost"


def test_likert_number_out_of_range_is_logged_and_left_missing(cleaned):
    result = cleaned("likert_number_out_of_range")
    for row, value in ((2, "7"), (5, "0")):
        e = entry(result, file=mc.SURVEY, column=mc.SURVEY_ITEM_NAME, row=row)
        assert e["old_value"] == value
        assert e["reason"] == "outside the valid range [1, 5]"
        assert pd.isna(_feedback_value(result, row, mc.SURVEY_ITEM_NAME))
    assert result.summary.equals(cleaned("_intact").summary)


def test_numbers_out_of_range_are_logged_and_left_missing(cleaned):
    result = cleaned("number_out_of_range")
    jp = entry(result, file=mc.TRAINING, column="jp", row=4)
    assert (jp["old_value"], jp["reason"]) == ("500", "outside the valid range [0, 200]")
    post = entry(result, file=mc.TESTS, column="test_post", row=2)
    assert (post["old_value"], post["reason"]) == ("150,5", "outside the valid range [0, 100]")
    tests = result.tables["tests"].set_index("raw_row")
    assert pd.isna(tests.loc[2, "test_post"]) and tests["test_post"].max() <= 100
    assert result.tables["training"]["jp"].max() <= 200
    assert result.summary.equals(cleaned("_intact").summary)


@pytest.mark.parametrize(
    ("case", "reasons"),
    [
        ("nip_letters", {2: "non-digit characters", 4: "non-digit characters"}),
        (
            "nip_wrong_length",
            {2: "length: 17 digits, expected 18", 4: "length: 19 digits, expected 18"},
        ),
    ],
)
def test_bad_nip_sets_the_row_aside_with_its_reason(cleaned, case, reasons):
    result = cleaned(case)
    for row, reason in reasons.items():
        e = entry(result, file=mc.SURVEY, column="nip", row=row)
        assert e["reason"].startswith(f"invalid NIP: {reason}") and e["reason"].endswith(
            "; row kept aside"
        )
        assert e["old_value"] == "", "the log never holds a NIP"
        assert row not in set(result.tables["feedback"]["raw_row"])
    rejected = result.rejected[result.rejected["table"] == "feedback"]
    assert set(rejected["row"]) == set(reasons)
    summary = result.summary.set_index("table").loc["feedback"]
    assert summary["rows_kept_aside"] == 2
    assert not result.log["old_value"].str.contains(r"\d{17}").any()


@pytest.mark.parametrize(
    ("case", "file", "table", "row", "columns", "date_column"),
    [
        ("future_date", mc.TRAINING, "training", 3, {"start", "end"}, "start"),
        ("future_submission", mc.SURVEY, "feedback", 2, {"submitted"}, "submitted"),
    ],
)
def test_date_in_the_future_is_flagged(cleaned, case, file, table, row, columns, date_column):
    result = cleaned(case)
    log = result.log
    flagged = log[(log["file"] == file) & (log["row"] == row) & log["column"].isin(columns)]
    assert len(flagged) >= 1
    assert flagged["reason"].str.contains("future|after", case=False).any()
    assert not (result.tables[table][date_column] > pd.Timestamp("2030-01-01")).any()


def test_tmt_before_birth_names_the_raw_row(corpus, cleaned):
    root = corpus["tmt_before_birth"]
    try:
        result = cleaned("tmt_before_birth")
        write_cleaning(result, project=ProjectPaths(root))
    except HelpersError as error:  # acceptable: an error naming the file and the raw row
        assert mc.ROSTER in str(error) and re.search(r"\brow 1\b", str(error))
    else:  # also acceptable: flagged and kept aside
        log = result.log
        flagged = log[(log["file"] == mc.ROSTER) & (log["row"] == 1)]
        assert flagged["column"].isin(["birth_date", "tmt_cpns"]).any()


def test_a_missing_or_unreadable_start_date_keeps_the_row_aside(corpus, cleaned, tmp_path):
    """Found by this corpus: a blank or unreadable required value (a training's start) made
    the processed schema fail and the whole region was lost."""
    result = cleaned("unreadable_start_date")
    starts = log_rows(result, file=mc.TRAINING, column="start")
    for row in (3, 4):
        reasons = set(starts.loc[starts["row"] == row, "reason"])
        assert "required value missing or unreadable; row kept aside" in reasons
    unread = starts.loc[starts["row"] == 4, "reason"]
    assert unread.str.startswith("not a date").any()  # the codebook step said why first
    assert not {3, 4} & set(result.tables["training"]["raw_row"])
    rejected = result.rejected[result.rejected["table"] == "training"]
    assert {3, 4} <= set(rejected["row"])
    write_cleaning(result, project=ProjectPaths(tmp_path))


def test_a_blank_skp_year_keeps_the_row_aside(cleaned, tmp_path):
    result = cleaned("skp_year_blank")
    for row in (2, 5):
        e = entry(result, file="kinerja_skp.csv", column="year", row=row)
        assert e["reason"] == "required value missing or unreadable; row kept aside"
    assert not {2, 5} & set(result.tables["skp"]["raw_row"])
    write_cleaning(result, project=ProjectPaths(tmp_path))


def test_numbers_in_other_digit_scripts_are_read(cleaned):
    result = cleaned("fullwidth_numbers")
    training = result.tables["training"].set_index("raw_row")
    assert training.loc[[1, 2], "jp"].tolist() == [24.0, 24.0]
    assert log_rows(result, file=mc.TRAINING, column="jp").empty


def test_a_line_cut_short_is_logged_with_its_row(cleaned):
    result = cleaned("too_few_fields")
    log = result.log
    noted = log[(log["file"] == mc.SURVEY) & (log["row"] == 3) & (log["step"] == "read")]
    assert noted["reason"].tolist() == [
        "row has 4 fields but the header has 9: the missing fields read as blank "
        "(a line cut short?)"
    ]
    feedback = result.tables["feedback"].set_index("raw_row")
    assert feedback.loc[3, [f"training_satisfaction_{k}" for k in range(1, 6)]].isna().all()
    assert len(result.tables["feedback"]) == len(cleaned("_intact").tables["feedback"])
    assert (
        not log[(log["step"] == "read") & (log["file"] != mc.SURVEY)]["reason"]
        .str.contains("fields but the header")
        .any()
    )


# --------------------------------------------------------------------------------------------
# missing files, codebook mismatches, the registry
# --------------------------------------------------------------------------------------------


def test_missing_file_is_named_before_anything_runs(corpus, cleaned, monkeypatch):
    root = corpus["missing_file"]
    project = ProjectPaths(root)
    region = load_registry(project.config_file)[REGION]
    problems = check_region_files(region, project)
    assert len(problems) == 1 and mc.TESTS in problems[0] and "missing" in problems[0]
    with pytest.raises(InputFileError, match="file not found") as info:
        cleaned("missing_file")
    assert info.value.path.name == mc.TESTS

    def no_notebook(*args, **kwargs):
        raise AssertionError("a notebook ran for a region with a missing file")

    monkeypatch.setattr(runner_regions, "run_notebook", no_notebook)
    result = runner_regions.run_region(region, project=project)
    assert result.status == "failed" and mc.TESTS in result.error
    assert not project.build.exists()


def test_codebook_naming_a_missing_required_column(corpus, cleaned):
    with pytest.raises(InputFileError) as info:
        cleaned("codebook_missing_required")
    error = info.value
    assert error.path == raw(corpus, "codebook_missing_required", mc.TESTS)
    assert error.column == "Nilai Post-test (tidak ada)"
    assert "required column is missing" in error.message
    assert "did you mean 'Nilai Post-test'" in error.message


def test_codebook_naming_a_missing_optional_column(corpus, cleaned):
    result = cleaned("codebook_missing_optional")
    roster_log = result.log[result.log["file"] == mc.ROSTER]
    reasons = dict(zip(roster_log["column"], roster_log["reason"], strict=True))
    assert (
        reasons["Jabatan (tidak ada)"] == "codebook column not in file (codebook row 7); left out"
    )
    assert reasons["Jabatan"] == "column not in codebook; left out"
    assert "jabatan" not in result.tables["roster"]
    assert len(result.tables["roster"]) == 380
    write_cleaning(result, project=ProjectPaths(corpus["codebook_missing_optional"]))


def _with_broken_training(result):
    """The cleaned region with one schema violation planted after cleaning (a negative JP)."""
    training = result.tables["training"].copy()
    training.loc[training.index[0], "jp"] = -5.0
    return dataclasses.replace(result, tables={**result.tables, "training": training})


def test_schema_failure_names_the_table_and_column(corpus, cleaned):
    result = _with_broken_training(cleaned("end_date_column_missing"))
    with pytest.raises(HelpersError, match=r"(?s)table 'training'.*column 'jp'"):
        write_cleaning(result, project=ProjectPaths(corpus["end_date_column_missing"]))


def test_schema_failure_writes_nothing(corpus, cleaned, tmp_path):
    project = ProjectPaths(tmp_path)  # a fresh output folder; the raw data are not read
    with pytest.raises(HelpersError):
        write_cleaning(_with_broken_training(cleaned("end_date_column_missing")), project=project)
    written = sorted(p.name for p in project.processed.rglob("*") if p.is_file())
    assert written == []


def test_training_without_end_dates_is_valid(corpus, cleaned, tmp_path):
    """End dates are optional: treatment rests on start dates and JP."""
    result = cleaned("end_date_column_missing")
    assert "end" not in result.tables["training"]
    write_cleaning(result, project=ProjectPaths(tmp_path))


def test_slug_with_path_traversal_is_refused(corpus):
    root = corpus["slug_traversal"]
    with pytest.raises(ConfigError, match=re.escape("region slug '../../etc' is not valid")):
        load_registry(root / "config" / "regions.yaml")
    with pytest.raises(ConfigError, match="not valid"):
        ProjectPaths(root).raw_region("../../etc")
    with pytest.raises(ConfigError, match="not valid"):
        ProjectPaths(root).report_file("../../etc")


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("codebook_climbs_out", "must not climb out of data/raw/kemuning/ with '..'"),
        ("code_codebook_absolute", "not an absolute path"),
        ("codebook_symlink_out", "resolves outside the project (a symbolic link?)"),
    ],
)
def test_registry_paths_out_of_the_project_are_refused_before_reading(corpus, case, fragment):
    from helpers.steps.qualitative import clean_region_codes

    project = ProjectPaths(corpus[case])
    region = load_registry(project.config_file)[REGION]
    problems = check_region_files(region, project)
    assert len(problems) == 1 and fragment in problems[0]
    for step in (
        lambda: clean_region(region, project=project, key=KEY),
        lambda: clean_region_codes(region, project=project),
    ):
        with pytest.raises(ConfigError, match=re.escape(fragment)) as info:
            step()
        assert "kemuning" in str(info.value)
    assert not project.processed.exists()


# --------------------------------------------------------------------------------------------
# report safety: parameters are checked before anything runs
# --------------------------------------------------------------------------------------------


@pytest.fixture
def no_run(monkeypatch):
    """Fail the test if any notebook or region starts."""

    def boom(*args, **kwargs):
        raise AssertionError("something ran although the parameters were invalid")

    monkeypatch.setattr(runner_regions, "run_notebook", boom)
    monkeypatch.setattr(runner_run, "run_region", boom)


@pytest.mark.parametrize("regions", [["../../etc"], ["atlantis"], [REGION, "../../etc"]])
def test_run_pipeline_refuses_bad_regions_before_running(corpus, no_run, regions):
    project = ProjectPaths(corpus["_intact"])
    with pytest.raises(ConfigError, match="unknown region"):
        runner_run.run_pipeline(regions, project=project)
    assert not project.reports.exists() and not project.processed.exists()


NOTEBOOK = PROJECT_ROOT / "notebooks" / "01-clean-survey.ipynb"


def test_check_parameters_accepts_the_region_parameter():
    check_parameters(NOTEBOOK, {"region": REGION})


def test_check_parameters_rejects_a_wrong_parameter_name():
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['regoin'\]"):
        check_parameters(NOTEBOOK, {"regoin": REGION})


def test_check_parameters_rejects_a_wrong_parameter_type():
    with pytest.raises(ConfigError, match="region"):
        check_parameters(NOTEBOOK, {"region": 123})


# --------------------------------------------------------------------------------------------
# degrade, don't drop: an analysis that cannot be estimated is a row with its reason
# --------------------------------------------------------------------------------------------


def _estimated(corpus, cleaned, case: str, tmp_path: Path):
    """estimate_region on the cleaned case (no exception), its effects written (schema)."""
    from helpers.steps.analysis import _designs, estimate_region, write_effects
    from helpers.steps.narrative import estimates_table

    region = load_registry(corpus[case] / "config" / "regions.yaml")[slug_of(case)]
    result = estimate_region(region, dict(cleaned(case).tables))
    effects = result.effects
    want = [(a.id, d) for a in region.analyses for d in _designs(a)]
    assert list(zip(effects["analysis"], effects["design"], strict=True)) == want
    assert (effects.groupby("analysis")["headline"].sum() == 1).all()
    assert (effects["error"].notna() == effects["estimate"].isna()).all()
    write_effects(result, region, project=ProjectPaths(tmp_path))
    estimates_table(effects, min_cell=region.min_cell_size)  # the report's table builds
    return result, effects.set_index(["analysis", "design"])


def test_nobody_treated_gives_a_row_per_design_with_its_reason(corpus, cleaned, tmp_path):
    result, effects = _estimated(corpus, cleaned, "nobody_treated", tmp_path)
    assert effects["estimate"].isna().all() and effects["error"].notna().all()
    compared = effects.drop(index="test_scores", level="analysis")
    assert compared["error"].str.contains("only one group in treatment column 'treated'").all()
    assert compared["error"].str.contains(r"usable rows are untreated \(0\)").all()
    groups = result.treatment_groups.set_index("group")
    assert groups.loc["treated", "n"] == 0 and not groups["suppressed"].any()


def test_one_treated_is_withheld_or_not_estimated_and_never_counted(corpus, cleaned, tmp_path):
    from helpers.steps.analysis import TOO_FEW_TO_SHOW

    result, effects = _estimated(corpus, cleaned, "one_treated", tmp_path)
    assert effects["estimate"].isna().all()
    errors = effects["error"]
    assert (
        errors.str.startswith(TOO_FEW_TO_SHOW) | errors.str.contains("only one group|no rows")
    ).all()
    assert errors.str.startswith(TOO_FEW_TO_SHOW).any()
    assert not errors.str.contains(r"\b1 treated|all 1 ").any()
    withheld = effects[errors.str.startswith(TOO_FEW_TO_SHOW)]
    assert withheld["comparison_mean"].isna().all()
    groups = result.treatment_groups.set_index("group")
    assert pd.isna(groups.loc["treated", "n"]) and groups.loc["treated", "suppressed"]


def test_one_untrained_person_is_never_a_comparison_shown_or_counted(corpus, cleaned, tmp_path):
    """Found by this case: the doubly robust design's own reason said 'the outcome model of
    the untreated has 1 rows', the size the disclosure rule hides; a failed design of a
    group below the minimum now says only that it is withheld."""
    from helpers.steps.analysis import TOO_FEW_TO_SHOW

    result, effects = _estimated(corpus, cleaned, "one_untrained", tmp_path)
    gain = effects.loc[("test_scores", "paired")]
    assert pd.notna(gain["estimate"])
    controlled = effects.drop(index="test_scores", level="analysis")
    assert controlled["estimate"].isna().all()
    assert controlled.loc["skp", "error"].str.startswith(TOO_FEW_TO_SHOW).all()
    assert not effects["error"].dropna().str.contains(r"\b[1-4] rows|\ball [1-4] ").any()
    groups = result.treatment_groups.set_index("group")
    assert pd.isna(groups.loc["untrained", "n"]) and groups.loc["untrained", "suppressed"]


def test_everyone_treated_keeps_the_before_after_gain(corpus, cleaned, tmp_path):
    _, effects = _estimated(corpus, cleaned, "everyone_treated", tmp_path)
    gain = effects.loc[("test_scores", "paired")]
    assert pd.notna(gain["estimate"]) and pd.isna(gain["error"])
    controlled = effects.drop(index="test_scores", level="analysis")
    assert controlled["estimate"].isna().all()
    assert controlled["error"].str.contains(r"usable rows are treated \(1\)").all()


def test_a_scale_left_blank_by_everyone_loses_only_its_analysis(corpus, cleaned, tmp_path):
    """Found by this case: the outcome's SD was computed before any design was tried, so a
    scale with no answer (no score column) raised a KeyError and lost the whole region."""
    _, effects = _estimated(corpus, cleaned, "scale_blank_everywhere", tmp_path)
    blank = effects.loc["observed_skills"]
    assert blank["estimate"].isna().all()
    assert (
        blank["error"]
        .str.startswith("not estimated: outcome 'observed_skills_post' has no value in the data")
        .all()
    )
    others = effects.drop(index="observed_skills", level="analysis")
    assert others["estimate"].notna().all(), others["error"].dropna().to_dict()


def test_a_did_with_one_dinas_loses_only_its_panel_analyses(corpus, cleaned, tmp_path):
    _, effects = _estimated(corpus, cleaned, "did_single_dinas", tmp_path)
    panel = effects.loc[["waiting_time", "ikm"]]
    assert panel["estimate"].isna().all()
    assert panel["error"].str.contains("no comparison units").all()
    assert effects.loc["skp"]["estimate"].notna().all()


def test_the_did_base_region_is_estimable_when_intact(corpus, cleaned, tmp_path):
    """The control for did_single_dinas: the same panels with every dinas are estimated."""
    _, effects = _estimated(corpus, cleaned, "_intact_did", tmp_path)
    assert pd.notna(effects.loc[("waiting_time", "did"), "estimate"])
    assert pd.notna(effects.loc[("ikm", "did"), "estimate"])


def test_a_blank_reaction_scale_empties_level_1_only(corpus, cleaned, tmp_path):
    from helpers.steps.analysis import estimate_region

    result = cleaned("reaction_scale_blank")
    assert len(result.tables["feedback"]) == len(cleaned("_intact").tables["feedback"])
    got, effects = _estimated(corpus, cleaned, "reaction_scale_blank", tmp_path)
    assert got.reaction.empty
    region = load_registry(corpus["_intact"] / "config" / "regions.yaml")[REGION]
    want = estimate_region(region, dict(cleaned("_intact").tables)).effects
    pd.testing.assert_frame_equal(got.effects, want)


def test_a_did_whose_dinas_all_start_together_loses_only_its_panels(corpus, cleaned, tmp_path):
    _, effects = _estimated(corpus, cleaned, "did_same_month", tmp_path)
    panel = effects.loc[["waiting_time", "ikm"]]
    assert panel["estimate"].isna().all()
    assert panel["error"].str.contains("only one cohort").all()
    assert effects.loc["skp"]["estimate"].notna().all()


def test_a_did_with_one_treated_dinas_is_not_reported(corpus, cleaned, tmp_path):
    """With one treated cluster, cluster-robust inference over-rejects (Conley-Taber): the
    reviewer's run gave p = 0.0014 for one dinas's change."""
    _, effects = _estimated(corpus, cleaned, "did_one_treated_dinas", tmp_path)
    for design in ("did", "twfe"):
        rows = effects.xs(design, level="design").loc[["waiting_time", "ikm"]]
        assert rows["estimate"].isna().all() and rows["p_value"].isna().all()
        assert rows["error"].str.contains("1 treated unit").all()
    assert effects.loc["skp"]["estimate"].notna().all()


def test_a_roll_out_missing_units_loses_only_its_panels(corpus, cleaned, tmp_path):
    """Found by this case: the panel frame's error was raised outside the per-design
    fallback and lost the region."""
    _, effects = _estimated(corpus, cleaned, "rollout_missing_units", tmp_path)
    panel = effects.loc[["waiting_time", "ikm"]]
    assert panel["estimate"].isna().all()
    assert panel["error"].str.contains("units not in the roll-out table").all()
    assert panel["error"].str.contains("Belum dijadwalkan").all()  # the fix is in the reason
    assert effects.loc["skp"]["estimate"].notna().all()
