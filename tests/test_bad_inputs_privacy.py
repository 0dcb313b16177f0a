"""The privacy cases of the bad-input corpus (tests/bad_inputs/): nothing personal is ever
published, whatever dress a NIP or a name wears, and no group smaller than the minimum shows.

Each case is written by ``make_corpus.py`` (see its README); here every one is cleaned (and its
codes processed) into a fresh project, and every output, log and message is searched for the
planted NIP and name, both with the disclosure scanner and independently of it.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.config import ProjectPaths, load_registry
from helpers.core.errors import CodebookError, HelpersError, InputFileError
from helpers.io.storage import FORMULA_STARTS, read_csv_for_people
from helpers.privacy.disclosure import scan_outputs, scan_staging
from helpers.privacy.identifiers import clean_text, fold_name
from helpers.steps.cleaning import clean_region, write_cleaning
from helpers.steps.qualitative import RARE_ROLE, clean_region_codes, write_region_codes
from helpers.steps.scan import scan_region

HERE = Path(__file__).parent / "bad_inputs"
if "make_corpus" in sys.modules:
    mc = sys.modules["make_corpus"]
else:
    _spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    mc = importlib.util.module_from_spec(_spec)
    sys.modules["make_corpus"] = mc
    _spec.loader.exec_module(mc)

KEY = bytes(range(32))
REGION = mc.REGION
NIP = mc.PLANTED_NIP


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("privacy_corpus")
    roots = mc.write_corpus(folder)
    mc.write_project(folder / "_intact")
    roots["_intact"] = folder / "_intact"
    return roots


def region_of(root: Path, slug: str = REGION):
    return load_registry(root / "config" / "regions.yaml")[slug]


def clean_and_write(root: Path, *, codes: bool = True):
    """Clean the case's project (and its codes) and write every output; return them."""
    project = ProjectPaths(root)
    region = region_of(root)
    result = clean_region(region, project=project, key=KEY)
    write_cleaning(result, project=project)
    coded = None
    if codes:
        coded = clean_region_codes(region, project=project)
        write_region_codes(coded, project=project)
    return result, coded, project


def roster_identifiers(root: Path) -> tuple[list[str], list[str]]:
    roster = pd.read_csv(root / "data" / "raw" / REGION / mc.ROSTER, dtype=str)
    return roster["Nama"].dropna().tolist(), roster["NIP"].dropna().tolist()


def output_texts(project: ProjectPaths) -> dict[str, list[str]]:
    """Every text cell of every written output (Parquet cells, CSV and text lines), cleaned."""
    texts: dict[str, list[str]] = {}
    for folder in (project.processed, project.review):
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if not path.is_file():
                continue
            if path.suffix == ".parquet":
                frame = pd.read_parquet(path)
                cells = [str(v) for c in frame.columns for v in frame[c].dropna().tolist()]
                cells += [str(c) for c in frame.columns]
            else:
                cells = path.read_bytes().decode("utf-8", errors="replace").splitlines()
            texts[str(path)] = [clean_text(c) for c in cells]
    return texts


def holds_planted_nip(text: str) -> bool:
    """Independent of the scanner: the planted NIP's digits in order, any separators."""
    digits = re.sub(r"[^0-9]", "", text)
    return NIP in digits


def holds_planted_name(text: str) -> bool:
    folded = fold_name(text)
    return "hutapea" in folded or re.search(r"\beka\b", folded) is not None


# --------------------------------------------------------------------------------------------
# NIPs and names in free text and quotes
# --------------------------------------------------------------------------------------------


def test_nip_in_free_text_is_masked_everywhere(corpus):
    result, _, project = clean_and_write(corpus["nip_in_free_text"], codes=False)
    feedback = result.tables["feedback"].set_index("raw_row")
    for row in range(1, len(mc.NIP_DRESSES) + 1):
        assert feedback.loc[row, "unit"] == "Unit saya, NIP [NIP]"
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells), path
    names, nips = roster_identifiers(corpus["nip_in_free_text"])
    found = scan_outputs([project.processed, project.review], names=names, nips=nips)
    assert found.empty, found.to_dict("records")


def test_name_in_free_text_is_masked_everywhere(corpus):
    result, _, project = clean_and_write(corpus["name_in_free_text"], codes=False)
    feedback = result.tables["feedback"].set_index("raw_row")
    for row in range(1, len(mc.NAME_DRESSES) + 1):
        assert feedback.loc[row, "unit"] == "Atasan: [nama]", feedback.loc[row, "unit"]
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_name(c) for c in cells), path
    names, nips = roster_identifiers(corpus["name_in_free_text"])
    assert scan_outputs([project.processed], names=names, nips=nips).empty


def test_nip_and_name_in_quotes_are_masked_in_every_output(corpus):
    _, coded, project = clean_and_write(corpus["nip_and_name_in_quotes"])
    segments = coded.segments.set_index("row") if "row" in coded.segments else coded.segments
    masked = " ".join(segments["quote"].dropna())
    assert "[NIP]" in masked and "[nama]" in masked
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells), path
        assert not any(holds_planted_name(c) for c in cells), path
    names, nips = roster_identifiers(corpus["nip_and_name_in_quotes"])
    found = scan_outputs([project.processed], names=names, nips=nips)
    assert found[found["kind"].isin(["nip", "name"])].empty, found.to_dict("records")


def test_a_unique_role_is_one_person_and_never_shown(corpus):
    _, coded, project = clean_and_write(corpus["unique_role_informant"])
    interviews = coded.segments["transcript"].astype(str).str.startswith("W-")
    assert (coded.segments.loc[interviews, "informant_role"] == RARE_ROLE).all()
    assert not coded.findings["example_role"].eq(mc.UNIQUE_ROLE).any()
    assert not coded.quotes["informant_role"].eq(mc.UNIQUE_ROLE).any()
    for path, cells in output_texts(project).items():
        assert not any("kepala bkpsdm" in fold_name(c) for c in cells), path


@pytest.mark.parametrize(
    ("case", "table", "column"),
    [
        ("nip_and_name_in_course", "training", "course"),
        ("nip_and_name_in_xlsx", "budgets", "project"),
    ],
)
def test_identifiers_in_other_free_text_are_masked_everywhere(corpus, case, table, column):
    result, _, project = clean_and_write(corpus[case])
    text = " ".join(result.tables[table][column].astype(str))
    assert "[nama]" in text and "[NIP]" in text
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells), path
        assert not any(holds_planted_name(c) for c in cells), path
    names, nips = roster_identifiers(corpus[case])
    found = scan_outputs([project.processed, project.review], names=names, nips=nips)
    assert found[found["kind"].isin(["nip", "name"])].empty, found.to_dict("records")


def test_identifiers_typed_into_typed_cells_are_masked_in_the_log(corpus):
    result, _, project = clean_and_write(corpus["identifiers_in_typed_cells"])
    log = result.log
    cells = {
        (mc.SURVEY, mc.SURVEY_ITEM_NAME, 1): "[NIP]",
        (mc.SURVEY, mc.SURVEY_ITEM_NAME, 2): "[nama]",
        (mc.TRAINING, "jp", 1): "[NIP]",
        (mc.TRAINING, "start", 3): "[nama]",
        (mc.TRAINING, "start", 4): "[NIP]",
    }
    for (file, column, row), shown in cells.items():
        old = log.loc[
            (log["file"] == file) & (log["column"] == column) & (log["row"] == row), "old_value"
        ]
        assert shown in set(old), (file, column, row, old.tolist())
    for path, cells_ in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells_), path
        assert not any(holds_planted_name(c) for c in cells_), path


def test_a_workbook_row_with_an_extra_cell_names_row_and_field_only(corpus):
    with pytest.raises(InputFileError) as info:
        clean_region(
            region_of(corpus["extra_cell_in_xlsx"]),
            project=ProjectPaths(corpus["extra_cell_in_xlsx"]),
            key=KEY,
        )
    error = info.value
    assert error.path.name == mc.BUDGETS and error.row == 3 and error.sheet
    assert "field 12" in error.message and "values are not shown" in error.message
    assert not holds_planted_nip(str(error)) and not holds_planted_name(str(error))


def test_a_personal_column_header_is_masked_in_the_log(corpus):
    result, _, project = clean_and_write(corpus["identifiers_in_header"], codes=False)
    left_out = result.log[result.log["reason"] == "column not in codebook; left out"]
    assert "Catatan untuk [nama] [NIP]" in set(left_out["column"])
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells), path
        assert not any(holds_planted_name(c) for c in cells), path


def test_a_transcript_named_after_its_informant_is_masked(corpus):
    _, coded, project = clean_and_write(corpus["name_in_transcript_id"])
    assert "W-01 [nama] [NIP]" in set(coded.segments["transcript"])
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_nip(c) for c in cells), path
        assert not any(holds_planted_name(c) for c in cells), path
    names, nips = roster_identifiers(corpus["name_in_transcript_id"])
    found = scan_outputs([project.processed], names=names, nips=nips)
    assert found[found["kind"].isin(["nip", "name"])].empty, found.to_dict("records")


def test_a_name_after_a_common_role_is_masked_in_every_output(corpus):
    _, coded, project = clean_and_write(corpus["name_in_informant_role"])
    masked = f"{mc.COMMON_ROLE} ([nama])"
    assert coded.segments["informant_role"].eq(masked).sum() > 0
    for table in (coded.segments, coded.quotes):
        roles = set(table["informant_role"].dropna())
        assert roles <= {masked, RARE_ROLE}, roles
    assert masked in set(coded.findings["example_role"])
    for path, cells in output_texts(project).items():
        assert not any(holds_planted_name(c) for c in cells), path
    names, nips = roster_identifiers(corpus["name_in_informant_role"])
    found = scan_outputs([project.processed], names=names, nips=nips)
    assert found[found["kind"] == "name"].empty, found.to_dict("records")


def test_an_unknown_code_used_once_names_no_transcript_or_row(corpus):
    _, coded, project = clean_and_write(corpus["unknown_code_once"])
    unknown = coded.unknown.set_index("code")
    once = unknown.loc[mc.UNKNOWN_CODE]
    assert bool(once["suppressed"])
    assert pd.isna(once["n"]) and pd.isna(once["n_transcripts"]) and pd.isna(once["example_rows"])
    text = (project.processed_region(REGION) / "unknown_codes.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if mc.UNKNOWN_CODE in x)
    assert "W-01" not in line and not re.search(r",\s*1\s*,", line), line


# --------------------------------------------------------------------------------------------
# NIP validation: reasons by position, any dress normalised, Excel numbers explained
# --------------------------------------------------------------------------------------------


def test_invalid_non_ascii_nips_are_described_without_their_digits(corpus):
    result, _, project = clean_and_write(corpus["nip_invalid_non_ascii"], codes=False)
    log = result.log[(result.log["file"] == mc.SURVEY) & (result.log["column"] == "nip")]
    reasons = dict(zip(log["row"], log["reason"], strict=True))
    assert "digits 9-14 (TMT CPNS) are not a valid year and month" in reasons[2]
    assert "digit 15 (gender) is not 1 or 2" in reasons[4]
    texts = [*map(str, result.log.to_numpy().ravel()), *result.rejected["reason"]]
    for text in texts:
        digits = re.sub(r"[^0-9]", "", clean_text(text))
        assert "19870124" not in digits and "201413" not in digits, text
    for cells in output_texts(project).values():
        assert not any("198701242014" in re.sub(r"[^0-9]", "", c) for c in cells)


def test_nips_with_invisible_characters_link_to_the_roster(corpus):
    got = clean_region(
        region_of(corpus["nip_invisible_characters"]),
        project=ProjectPaths(corpus["nip_invisible_characters"]),
        key=KEY,
    )
    want = clean_region(
        region_of(corpus["_intact"]), project=ProjectPaths(corpus["_intact"]), key=KEY
    )
    pd.testing.assert_frame_equal(got.summary, want.summary)
    pd.testing.assert_frame_equal(got.tables["feedback"], want.tables["feedback"])


def test_excel_numbers_are_rejected_with_their_reason(corpus):
    result = clean_region(
        region_of(corpus["nip_excel_number"]),
        project=ProjectPaths(corpus["nip_excel_number"]),
        key=KEY,
    )
    log = result.log[(result.log["file"] == mc.SURVEY) & (result.log["column"] == "nip")]
    for row in (2, 4):
        reason = log.loc[log["row"] == row, "reason"]
        assert len(reason) == 1 and reason.iloc[0].startswith("invalid NIP: stored as a number")
    assert not log["reason"].str.contains("not in the roster").any()


def test_row_error_names_row_and_field_but_no_value(corpus):
    with pytest.raises(InputFileError) as info:
        clean_region(
            region_of(corpus["extra_field_with_nip"]),
            project=ProjectPaths(corpus["extra_field_with_nip"]),
            key=KEY,
        )
    error = info.value
    assert error.path.name == mc.SURVEY and error.row == 3
    assert "field 10" in error.message
    assert not re.search(r"\d{8}", str(error)) and "NIP" not in error.message


@pytest.mark.parametrize("case", ["duplicate_roster_nip", "duplicate_roster_nip_dressed"])
def test_duplicate_roster_nip_names_the_rows(corpus, case):
    with pytest.raises(InputFileError) as info:
        clean_region(region_of(corpus[case]), project=ProjectPaths(corpus[case]), key=KEY)
    error = info.value
    assert error.path.name == mc.ROSTER and error.column == "NIP"
    assert "rows 1, 5" in error.message
    assert not re.search(r"\d{8}", str(error))


# --------------------------------------------------------------------------------------------
# spreadsheet formulas, resource limits
# --------------------------------------------------------------------------------------------


def test_formula_answers_are_neutralised_and_read_back_as_typed(corpus):
    result, _, project = clean_and_write(corpus["formula_answers"], codes=False)
    path = project.processed_region(REGION) / "cleaning_log.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in raw.columns:
        for value in raw[column]:
            assert not (
                value and value[0] in FORMULA_STARTS and not re.fullmatch(r"[+-]?[\d.,]+", value)
            ), value
    back = read_csv_for_people(path)
    typed = set(back["old_value"].dropna())
    for formula in mc.FORMULAS:
        assert formula.strip() in {t.strip() for t in typed}, formula


def formula_cells(project: ProjectPaths) -> dict[str, list[str]]:
    """Every cell of every written CSV that a spreadsheet would run as a formula."""
    found: dict[str, list[str]] = {}
    for folder in (project.processed, project.review):
        for path in sorted(folder.rglob("*.csv")) if folder.exists() else []:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            cells = [*raw.columns, *(v for c in raw.columns for v in raw[c])]
            bad = [
                v
                for v in cells
                if v and v[0] in FORMULA_STARTS and not re.fullmatch(r"[+-]?[\d.,]+", v)
            ]
            if bad:
                found[path.name] = bad
    return found


def test_no_written_csv_of_a_formula_case_holds_a_formula(corpus):
    for case in ("formula_answers", "formula_codes", "formula_duplicates", "formula_header"):
        _, _, project = clean_and_write(corpus[case])
        assert formula_cells(project) == {}, case


def test_a_formula_header_is_neutralised_in_the_log(corpus):
    _, _, project = clean_and_write(corpus["formula_header"], codes=False)
    path = project.processed_region(REGION) / "cleaning_log.csv"
    assert "'=HYPERLINK(" in path.read_text(encoding="utf-8")
    back = read_csv_for_people(path)
    assert mc.FORMULAS[0] in set(back["column"].dropna())


def test_formula_codes_are_neutralised_in_the_code_csvs_and_read_back_as_typed(corpus):
    _, coded, project = clean_and_write(corpus["formula_codes"])
    out = project.processed_region(REGION)
    for name in ("unknown_codes.csv", "code_log.csv"):
        text = (out / name).read_text(encoding="utf-8")
        assert "'=HYPERLINK(" in text and "'@SUM(1)" in text, name
        back = read_csv_for_people(out / name)
        cells = {str(v).strip() for c in back.columns for v in back[c].dropna()}
        for formula in mc.FORMULAS[:4]:
            assert formula in cells, (name, formula)


def test_formula_duplicates_reach_duplicates_csv_without_their_answers(corpus):
    result, _, project = clean_and_write(corpus["formula_duplicates"], codes=False)
    review = read_csv_for_people(project.review_region(REGION) / "duplicates.csv")
    group = review.loc[review["row"].astype(int).isin([1, 2, 3]), "group"]
    assert len(group) == 3 and group.nunique() == 1
    text = (project.review_region(REGION) / "duplicates.csv").read_text(encoding="utf-8")
    assert "HYPERLINK" not in text and "+1+1" not in text


def test_roster_nips_with_invisible_characters_link_every_record(corpus):
    got = clean_region(
        region_of(corpus["roster_nip_invisible"]),
        project=ProjectPaths(corpus["roster_nip_invisible"]),
        key=KEY,
    )
    want = clean_region(
        region_of(corpus["_intact"]), project=ProjectPaths(corpus["_intact"]), key=KEY
    )
    pd.testing.assert_frame_equal(got.summary, want.summary)
    for table in ("roster", "training", "feedback", "skp"):
        pd.testing.assert_frame_equal(got.tables[table], want.tables[table])


def test_a_roster_nip_stored_as_a_number_is_explained_not_silently_dropped(corpus):
    result, _, project = clean_and_write(corpus["roster_nip_excel_number"], codes=False)
    log = result.log
    roster = log[(log["file"] == mc.ROSTER) & (log["column"] == "nip") & (log["row"] == 1)]
    assert len(roster) == 1
    assert roster["reason"].iloc[0].startswith("invalid NIP: stored as a number")
    assert "re-export the column formatted as text" in roster["reason"].iloc[0]
    assert 1 not in set(result.tables["roster"]["raw_row"])
    elsewhere = log[(log["file"] != mc.ROSTER) & log["reason"].str.contains("not in the roster")]
    assert len(elsewhere) and elsewhere["row"].notna().all()
    assert (
        elsewhere["reason"]
        .str.contains(f"{mc.ROSTER} has 1 row(s) kept aside for an invalid NIP", regex=False)
        .all()
    )
    texts = [*map(str, log.to_numpy().ravel()), *result.rejected["reason"].astype(str)]
    assert not any("198701242014022" in re.sub(r"[^0-9]", "", t) for t in texts)
    for path, cells in output_texts(project).items():
        assert not any("198701242014022" in re.sub(r"[^0-9]", "", c) for c in cells), path


def test_a_roster_row_with_too_many_fields_names_row_and_field_only(corpus):
    with pytest.raises(InputFileError) as info:
        clean_region(
            region_of(corpus["extra_field_in_roster"]),
            project=ProjectPaths(corpus["extra_field_in_roster"]),
            key=KEY,
        )
    error = info.value
    assert error.path.name == mc.ROSTER and error.row == 2
    assert "field 9" in error.message and "values are not shown" in error.message
    assert not holds_planted_nip(str(error)) and not holds_planted_name(str(error))
    assert not re.search(r"\d{8}", str(error))


def test_xlsx_bomb_is_refused_before_parsing(corpus):
    from helpers.io.reading import MAX_XLSX_UNCOMPRESSED_BYTES, read_table

    path = corpus["xlsx_bomb"] / "data" / "raw" / REGION / mc.BUDGETS
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(InputFileError, match="MAX_XLSX_UNCOMPRESSED_BYTES") as info:
        read_table(path)
    assert info.value.path == path and f"{MAX_XLSX_UNCOMPRESSED_BYTES / 2**20:,.0f} MiB" in str(
        info.value
    )
    with pytest.raises(InputFileError, match="MAX_XLSX"):
        clean_region(
            region_of(corpus["xlsx_bomb"]), project=ProjectPaths(corpus["xlsx_bomb"]), key=KEY
        )


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("yaml_alias_codebook", "alias bomb"),
        ("yaml_deep_codebook", "nested deeper than 20"),
    ],
)
def test_hostile_yaml_codebook_is_a_clear_error(corpus, case, fragment):
    with pytest.raises(CodebookError) as info:
        clean_region(region_of(corpus[case]), project=ProjectPaths(corpus[case]), key=KEY)
    assert info.value.path.name == "codebook.yaml" and fragment in info.value.message
    assert len(str(info.value).splitlines()) == 1


# --------------------------------------------------------------------------------------------
# small groups: three treated people
# --------------------------------------------------------------------------------------------


def test_three_treated_people_show_in_no_cell(corpus):
    from helpers.privacy.disclosure import _small_cells, suppress_balance
    from helpers.stats.balance import balance_table
    from helpers.steps import descriptives as desc
    from helpers.steps import narrative as nar
    from helpers.steps.analysis import person_frame

    root = corpus["three_treated"]
    region = region_of(root)
    result = clean_region(region, project=ProjectPaths(root), key=KEY)
    tables = dict(result.tables)
    frame = person_frame(tables, region)
    assert int(frame["treated"].sum()) == 3
    min_cell = region.min_cell_size
    covs = [c for c in ("age", "female", "tenure_years") if c in frame]
    balance = suppress_balance(balance_table(frame, "treated", covs), min_cell=min_cell)
    assert balance[["mean_treated", "sd_treated", "diff", "smd", "n_treated"]].isna().all().all()
    assert balance["suppressed"].all() and balance["mean_control"].notna().all()
    shown = [
        balance,
        desc.reaction_scores(tables, region),
        desc.group_gaps(frame.assign(x=frame["treated"]), "x", min_cell=min_cell),
    ]
    for table in shown:
        assert _small_cells(table, min_cell) == [], table
    effects = pd.DataFrame(
        {
            "estimate": [0.4],
            "ci_low": [0.1],
            "ci_high": [0.7],
            "p_value": [0.02],
            "p_adj": [0.02],
            "headline": [True],
            "level": [3],
            "label": ["x"],
            "design": ["ancova"],
            "n_treated": [3],
            "n_control": [227],
            "effect_size": [0.3],
            "mde": [0.5],
        }
    )
    text = nar.estimates_table(effects, min_cell=min_cell)["Peserta / pembanding"].iloc[0]
    assert text == "<5 / 227"


def test_three_treated_people_degrade_the_estimates_and_the_scan_passes(corpus):
    from helpers.privacy.disclosure import _small_cells
    from helpers.steps.analysis import TOO_FEW_TO_SHOW, estimate_region

    root = corpus["three_treated"]
    region = region_of(root)
    result = clean_region(region, project=ProjectPaths(root), key=KEY)
    effects = estimate_region(region, dict(result.tables))
    ids = {a.id for a in region.analyses if a.frame == "person"}
    person = effects.effects[effects.effects["analysis"].isin(ids)]
    assert len(person) and person["estimate"].isna().all()
    withheld = person["error"].str.startswith(TOO_FEW_TO_SHOW)
    assert withheld.sum() >= len(person) - 1  # the other row could not be estimated at all
    assert person["comparison_mean"].isna().all()
    assert "3" not in " ".join(person["error"])
    for name in ("effects", "balance", "heterogeneity", "treatment_groups"):
        table = getattr(effects, name)
        assert _small_cells(table, region.min_cell_size) == [], (name, table)


def test_the_scan_flags_a_table_that_still_shows_three_treated(tmp_path):
    pd.DataFrame(
        {"variable": ["age"], "mean_treated": [41.0], "n_treated": [3], "n_control": [227]}
    ).to_parquet(tmp_path / "balance.parquet")
    found = scan_staging(tmp_path)
    assert found["kind"].tolist() == ["small_cell"] and "n_treated = 3" in found["detail"].iloc[0]


def test_readme_lists_the_privacy_cases():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    for case in ("nip_in_free_text", "unique_role_informant", "three_treated", "xlsx_bomb"):
        assert f"`{case}`" in readme


def test_every_message_is_free_of_the_planted_nip(corpus):
    """Whatever the case raises or logs, the planted NIP is never in it."""
    for case in mc.CASES:
        try:
            result = clean_region(
                region_of(corpus[case.name], case.region),
                project=ProjectPaths(corpus[case.name]),
                key=KEY,
            )
        except (HelpersError, FileNotFoundError) as error:
            assert not holds_planted_nip(clean_text(str(error))), case.name
        else:
            text = " ".join(map(str, result.log.to_numpy().ravel()))
            assert not holds_planted_nip(clean_text(text)), case.name


def _run_pipeline_on(case_root: Path, tmp_path: Path, slug: str = REGION):
    """Run the real pipeline (notebooks included) on a copy of a case's project."""
    import os
    import subprocess

    from helpers.core.config import PROJECT_ROOT

    root = tmp_path / "project"
    shutil.copytree(case_root, root)
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    env = {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp_path / "k")}
    run = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--region", slug, "--no-synthesis"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    return root, run


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize(
    ("case", "slug", "analysis"),
    [
        ("nobody_treated", REGION, "observed_skills"),
        ("scale_blank_everywhere", REGION, "observed_skills"),
        ("rollout_missing_units", mc.DID_REGION, "waiting_time"),
    ],
)
def test_a_region_with_an_analysis_that_cannot_be_estimated_is_still_published(
    corpus, tmp_path, case, slug, analysis
):
    root, run = _run_pipeline_on(corpus[case], tmp_path, slug)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = root / "reports" / f"{slug}.html"
    assert report.is_file()
    effects = pd.read_parquet(root / "data" / "processed" / slug / "effects.parquet")
    assert effects.loc[effects["analysis"] == analysis, "error"].notna().all()
    found = scan_region(slug, ProjectPaths(root))
    assert found.empty, found.to_string()


@pytest.mark.slow
@pytest.mark.e2e
def test_a_region_with_three_treated_is_published_with_its_estimates_withheld(corpus, tmp_path):
    import os
    import subprocess

    from helpers.core.config import PROJECT_ROOT

    root = tmp_path / "three"
    shutil.copytree(corpus["three_treated"], root)
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    env = {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp_path / "k")}
    run = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--region", REGION, "--no-synthesis"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = (root / "reports" / f"{REGION}.html").read_text(encoding="utf-8")
    assert "tidak ditampilkan, karena peserta atau kelompok pembanding kurang dari 5" in report
    assert "&lt;5 di antaranya" in report
    found = scan_region(REGION, ProjectPaths(root))
    assert found.empty, found.to_string()
