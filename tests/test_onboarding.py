"""Issue 16: a real agency adds its region with config and data only.

A sixth region is written in the shapes agencies really export (SIASN roster, XLSX training
records with mixed dates, an e-Kinerja SKP export with predikat only, Google Forms CSVs on a
4-point scale with a reverse item, a QualCoder report) by ``tests/fixtures/agency``, a generator
independent of ``helpers.simulate``. The test then walks README's "Adding a region": template
-> the edits a user makes from the template's notes -> check -> the run, with no code change
and no raw file edited, and compares the estimates with the planted truth. The check must find
each planted codebook mistake, naming its row.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.codebook import main as codebook_main
from helpers.core.config import PROJECT_ROOT, ProjectPaths, load_registry
from helpers.core.errors import CodebookError, RegionCheckError
from helpers.io.code_template import codes_template
from helpers.io.template import codebook_template

FIXTURE = Path(__file__).parent / "fixtures" / "agency" / "make_agency.py"
KEY = b"onboarding-test-key-0123456789abcdef"


def _generator():
    spec = importlib.util.spec_from_file_location("make_agency", FIXTURE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_agency"] = module
    spec.loader.exec_module(module)
    return module


AGENCY = _generator()
SLUG = AGENCY.SLUG
ROSTER = "data_pegawai_siasn.csv"
TRAINING = "riwayat_diklat.xlsx"
SKP = "skp_ekinerja.csv"
PRE = "survei_keterlibatan_awal.csv"
POST = "survei_keterlibatan_akhir.csv"
CODES = "laporan_koding_qualcoder.csv"


def registry_entry(slug: str = SLUG, *, baseline: bool = True, interviews: bool = True) -> dict:
    """The entry a user writes in config/regions.yaml (README, step 4)."""
    tables = {
        "roster": {"file": ROSTER, "kind": "roster"},
        "training": {"file": TRAINING, "kind": "training"},
        "skp": {"file": SKP, "kind": "skp"},
        "survey_post": {"file": POST, "kind": "survey", "wave": "post", "source": "google_forms"},
    }
    if baseline:
        tables["survey_pre"] = {
            "file": PRE, "kind": "survey", "wave": "pre", "source": "google_forms",
        }  # fmt: skip
    if interviews:
        tables["codes"] = {
            "file": CODES,
            "kind": "codes",
            "source": "qualcoder",
            "columns": {"informant_role": "CaseVar_Peran", "method": "FileVar_Metode"},
        }
    return {
        "slug": slug,
        "name": "Kabupaten Tanjung Harapan (contoh)",
        "province": "Contoh",
        "kemendagri_code": "99.02",
        "programme": "Program Penguatan Keterlibatan Kerja ASN",
        "questions": [
            {
                "text": "Apakah pelatihan menaikkan keterlibatan kerja dan predikat SKP?",
                "answered_by": ["engagement", "skp"],
            },
            {
                "text": "Apakah dampaknya berbeda antara perempuan dan laki-laki?",
                "answered_by": ["moderation"],
            },
        ],
        "tables": tables,
        "treatment": {"table": "training", "window": list(AGENCY.WINDOW), "min_jp": AGENCY.MIN_JP},
        "moderators": ["female"],
        "analyses": [
            {
                "id": "engagement",
                "level": 3,
                "outcome": "engagement_post",
                "baseline": "engagement_pre",
                "designs": ["diff", "ancova", "ipw", "aipw"],
                "label": "Keterlibatan kerja",
                "unit_label": "poin (skala 1–4)",
            },
            {
                "id": "skp",
                "level": 3,
                "construct": "skp_performance",
                "outcome": "skp_2024",
                "baseline": "skp_2023",
                "designs": ["diff", "ancova"],
                "label": "Predikat kinerja SKP (1-5)",
                "unit_label": "tingkat predikat (1–5)",
            },
        ],  # fmt: skip
    }


def edit_as_a_user(draft: pd.DataFrame) -> pd.DataFrame:
    """What README tells a user to do with a template, from its notes: drop the columns the
    contract does not place, put the Likert items in a scale named <scale>_<k>, mark the
    reverse-worded item, and list the 'no answer' option the note found in missing_codes."""
    t = draft.copy()
    t.loc[t["note"].str.startswith("not placed"), "type"] = "drop"
    likert = t["type"] == "likert"
    t.loc[likert, "scale"] = "engagement"
    t.loc[likert, "name"] = [f"engagement_{k}" for k in range(1, int(likert.sum()) + 1)]
    t.loc[likert & t["raw_name"].str.contains("membosankan"), "reverse"] = "true"
    t.loc[likert & t["note"].str.contains("'Tidak tahu'"), "missing_codes"] = "Tidak tahu"
    return t


def build_project(root: Path, *, baseline: bool = True, interviews: bool = True, slug=SLUG):
    """A project with only the new region: its raw files, codebook and codes.csv from the
    templates and the user's edits, and its registry entry. Returns the planted truth."""
    raw = root / "data" / "raw" / slug
    truth = AGENCY.make_agency(raw, baseline=baseline, interviews=interviews)
    drafts = [
        codebook_template(raw / f)
        for f in (ROSTER, TRAINING, SKP, PRE, POST)
        if (raw / f).is_file()
    ]
    codebook = pd.concat([edit_as_a_user(d) for d in drafts], ignore_index=True)
    codebook.to_csv(raw / "codebook.csv", index=False)
    if interviews:
        codes_template(raw / CODES).codes.to_csv(raw / "codes.csv", index=False)
    config = root / "config"
    config.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "config" / "constructs.yaml", config / "constructs.yaml")
    entry = registry_entry(slug, baseline=baseline, interviews=interviews)
    doc = {"defaults": {"reference_date": "2025-06-30"}, "regions": [entry]}
    (config / "regions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return truth


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.name not in ("codebook.csv", "codes.csv")
    }


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    root = tmp_path_factory.mktemp("agency")
    truth = build_project(root)
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")  # the runner wants them
    project = ProjectPaths(root)
    region = load_registry(root / "config" / "regions.yaml")[SLUG]
    raw = project.raw_region(SLUG)
    return root, project, region, truth, fingerprints(raw)


@pytest.fixture(scope="module")
def cleaned(agency):
    from helpers.steps.cleaning import clean_region

    _, project, region, _, _ = agency
    return clean_region(region, project=project, key=KEY)


# --------------------------------------------------------------------------------------------
# template
# --------------------------------------------------------------------------------------------


def test_the_template_proposes_the_contract_from_agency_headers(agency):
    _, project, _, _, _ = agency
    raw = project.raw_region(SLUG)
    roster = codebook_template(raw / ROSTER).set_index("raw_name")
    assert roster.attrs["kind"] == "roster"
    names = roster["name"].to_dict()
    assert names["NIP Baru"] == "nip" and roster.loc["NIP Baru", "type"] == "nip"
    assert (names["Tgl. Lahir"], names["TMT CPNS"]) == ("birth_date", "tmt_cpns")
    assert names["Gol. Ruang"] == "golongan" and names["Unit Kerja"] == "unit"
    assert roster.loc["Jenis Kelamin", ["name", "type", "value_labels"]].tolist() == [
        "gender",
        "category",
        "M=Laki-laki|F=Perempuan",
    ]
    assert roster.loc["Nama", "type"] == "name"
    assert roster.loc["Tempat Lahir", "note"].startswith("not placed")
    training = codebook_template(raw / TRAINING).set_index("raw_name")
    assert training.loc["Nama Diklat", ["name", "type"]].tolist() == ["course", "string"]
    assert training.loc["Nama Pegawai", "type"] == "name"
    assert (training.loc["Tanggal Mulai", "name"], training.loc["Jumlah JP", "name"]) == (
        "start",
        "jp",
    )
    skp = codebook_template(raw / SKP).set_index("raw_name")
    assert skp.loc["Predikat Kinerja", ["name", "type", "value_labels"]].tolist() == [
        "rating",
        "category",
        "1=Sangat Kurang|2=Kurang|3=Butuh Perbaikan|4=Baik|5=Sangat Baik",
    ]
    survey = codebook_template(raw / PRE).set_index("raw_name")
    item = survey.loc[AGENCY.ITEMS[0]]
    assert item["type"] == "likert"
    assert item["value_labels"] == "1=Sangat tidak setuju|2=Tidak setuju|3=Setuju|4=Sangat setuju"
    assert (item["min"], item["max"]) == ("1", "4")
    assert "'Tidak tahu'" in survey.loc[AGENCY.ITEMS[1], "note"]
    assert survey.loc["Timestamp", "name"] == "submitted"


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Nama Diklat", "string"),
        ("Nama Unit Kerja", "string"),
        ("Nama Program", "string"),
        ("Nama Pegawai", "name"),
        ("Nama Lengkap", "name"),
    ],
)
def test_a_course_unit_or_programme_title_is_never_a_name(tmp_path, header, kind):
    path = tmp_path / "x.csv"
    values = [f"Judul {i % 3}" if kind == "string" else f"Orang {i}" for i in range(12)]
    pd.DataFrame({header: values, "Keterangan": ["a"] * 12}).to_csv(path, index=False)
    row = codebook_template(path).set_index("raw_name").loc[header]
    assert (row["type"] == "name") is (kind == "name")


def test_qualcoder_export_gets_a_codes_draft_and_the_registry_line(agency, tmp_path, capsys):
    _, project, _, _, _ = agency
    export = project.raw_region(SLUG) / CODES
    with pytest.raises(CodebookError, match="needs no codebook.csv rows"):
        codebook_template(export)
    draft = codes_template(export)
    assert draft.layout == "qualcoder"
    assert draft.columns == {"method": "FileVar_Metode", "informant_role": "CaseVar_Peran"}
    codes = draft.codes.set_index("code")
    assert codes.loc["beban_kerja", ["label", "theme", "kind"]].tolist() == [
        "Beban Kerja",
        "Tantangan",
        "challenge",
    ]
    assert codes.loc["perbanyak_praktik", "kind"] == "recommendation"
    out = tmp_path / "codes_draft.csv"
    assert codebook_main(["template", str(export), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "needs no codebook.csv rows" in said
    assert 'columns: {method: "FileVar_Metode", informant_role: "CaseVar_Peran"}' in said
    assert len(pd.read_csv(out)) == 5  # not one garbage row whose raw_name is the header


def test_architecture_holds_the_contract_the_schemas_generate():
    from helpers.io.contract import CONTRACT_END, CONTRACT_START, contract_markdown

    text = (PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert CONTRACT_START in text and CONTRACT_END in text
    copy = text.split(CONTRACT_START, 1)[1].split(CONTRACT_END, 1)[0].strip()
    assert copy == contract_markdown().strip(), (
        "ARCHITECTURE.md's data contract is stale: paste `python -m helpers.codebook contract`"
    )


def test_the_contract_is_shown_by_a_command(capsys):
    assert codebook_main(["contract", "skp"]) == 0
    text = capsys.readouterr().out
    assert "#### `skp`" in text and "| `rating` | `category` | no |" in text
    assert "| `year` | `integer` | yes |" in text
    assert codebook_main(["contract", "nope"]) == 2


# --------------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------------


def test_the_check_passes_on_the_edited_codebook(agency):
    from helpers.steps.check import check_region

    _, project, region, _, before = agency
    report = check_region(region, project=project)
    assert report.ok, report.text()
    assert fingerprints(project.raw_region(SLUG)) == before  # the check changes no raw file


def _mistake(root: Path, mutate) -> list[str]:
    """The check's errors after one edit of the good codebook (restored afterwards)."""
    from helpers.steps.check import check_region

    path = root / "data" / "raw" / SLUG / "codebook.csv"
    good = path.read_bytes()
    book = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        mutate(book)
        book.to_csv(path, index=False)
        region = load_registry(root / "config" / "regions.yaml")[SLUG]
        report = check_region(region, project=ProjectPaths(root))
        return [p.sentence() for p in report.errors]
    finally:
        path.write_bytes(good)


def _row_of(book: pd.DataFrame, file: str, raw_name: str) -> int:
    return int(book.index[(book["file"] == file) & (book["raw_name"] == raw_name)][0]) + 1


FIVE_POINT = "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju"


def test_the_check_finds_a_five_point_label_set_on_a_four_point_scale(agency):
    root = agency[0]

    def mutate(book):
        items = (book["file"] == POST) & (book["type"] == "likert")
        book.loc[items, "value_labels"] = FIVE_POINT
        book.loc[items, "max"] = "5"

    errors = _mistake(root, mutate)
    book = pd.read_csv(root / "data" / "raw" / SLUG / "codebook.csv", dtype=str)
    rows = [_row_of(book, POST, item) for item in AGENCY.ITEMS]
    gap = [e for e in errors if "nobody chose 3=Netral" in e]
    assert len(gap) == 1, errors
    assert f"codebook rows {', '.join(map(str, rows))}" in gap[0]
    assert "agreement_4" in gap[0] and "score them 1, 2, 4, 5" in gap[0]


def test_the_check_finds_an_unmapped_answer(agency):
    root = agency[0]
    book = pd.read_csv(root / "data" / "raw" / SLUG / "codebook.csv", dtype=str)
    row = _row_of(book, PRE, AGENCY.ITEMS[AGENCY.DONT_KNOW_ITEM])

    def mutate(book):
        book.loc[book["missing_codes"] == "Tidak tahu", "missing_codes"] = ""

    errors = _mistake(root, mutate)
    hit = [e for e in errors if f"codebook row {row} " in e and "'Tidak tahu'" in e]
    assert len(hit) == 1, errors
    assert "missing_codes" in hit[0]


@pytest.mark.parametrize(
    ("labels", "words"),
    [
        ("1=Laki-laki|2=Perempuan", "gender is coded 1, 2"),
        ("M=L|F=P", "match no value label"),
    ],
)
def test_the_check_finds_an_unknown_gender_code(agency, labels, words):
    root = agency[0]
    book = pd.read_csv(root / "data" / "raw" / SLUG / "codebook.csv", dtype=str)
    row = _row_of(book, ROSTER, "Jenis Kelamin")

    def mutate(book):
        book.loc[book["name"] == "gender", "value_labels"] = labels

    errors = _mistake(root, mutate)
    hit = [e for e in errors if f"codebook row {row} ('Jenis Kelamin')" in e]
    assert hit and words in hit[0], errors


def test_the_check_finds_a_missing_required_name(agency):
    root = agency[0]
    book = pd.read_csv(root / "data" / "raw" / SLUG / "codebook.csv", dtype=str)
    row = _row_of(book, ROSTER, "Tgl. Lahir")

    def mutate(book):
        book.loc[book["name"] == "birth_date", "name"] = "tgl_lahir"

    errors = _mistake(root, mutate)
    hit = [e for e in errors if f"codebook row {row} ('Tgl. Lahir')" in e]
    assert hit and "needs the clean name 'birth_date'" in hit[0], errors
    assert "set name to birth_date" in hit[0]


def _golongan_as_rank_names(book):
    row = book["name"] == "golongan"
    book.loc[row, ["type", "value_labels"]] = ["category", "III/a=Penata Muda|III/b=Penata"]


def _reversed_predikat(book):
    row = book["name"] == "rating"
    book.loc[row, "value_labels"] = (
        "1=Sangat Baik|2=Baik|3=Butuh Perbaikan|4=Kurang|5=Sangat Kurang"
    )


def _reverse_item_on_another_range(book):
    row = (book["file"] == PRE) & (book["reverse"] == "true")
    book.loc[row, ["value_labels", "max"]] = [FIVE_POINT, "5"]


def _item_not_named_by_its_scale(book):
    book.loc[(book["file"] == PRE) & (book["name"] == "engagement_3"), "name"] = "tenggelam"


def _scale_renamed_after(book):
    rows = (book["file"] == POST) & (book["scale"] == "engagement")
    book.loc[rows, "scale"] = "keterlibatan"
    book.loc[rows, "name"] = book.loc[rows, "name"].str.replace("engagement", "keterlibatan")


@pytest.mark.parametrize(
    ("mutate", "raw_name", "words"),
    [
        (_golongan_as_rank_names, "Gol. Ruang", "match no value label"),
        (_reversed_predikat, "Predikat Kinerja", "must be coded 1 (Sangat Kurang) to 5"),
        (_reverse_item_on_another_range, AGENCY.ITEMS[3], "a reverse item's range 1-5 differs"),
        (_item_not_named_by_its_scale, AGENCY.ITEMS[2], "name it engagement_3"),
        (_scale_renamed_after, None, "'engagement_post' will not be a column"),
    ],
    ids=["golongan", "predikat", "reverse_range", "item_name", "analysis_outcome"],
)
def test_the_check_finds_other_contract_mistakes(agency, mutate, raw_name, words):
    errors = _mistake(agency[0], mutate)
    hit = [e for e in errors if words in e]
    assert hit, errors
    if raw_name is not None:
        assert f"('{raw_name}')" in hit[0]
    else:
        assert "config/regions.yaml, analyses[0] (engagement).outcome" in hit[0]


def test_the_check_names_a_registry_column_the_export_lacks(agency, tmp_path):
    from helpers.steps.check import check_region

    root = agency[0]
    doc = yaml.safe_load((root / "config" / "regions.yaml").read_text("utf-8"))
    doc["regions"][0]["tables"]["codes"]["columns"]["informant_role"] = "CaseVar_Jabatan"
    config = tmp_path / "regions.yaml"
    config.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    shutil.copy(root / "config" / "constructs.yaml", tmp_path / "constructs.yaml")
    report = check_region(load_registry(config)[SLUG], project=ProjectPaths(root))
    errors = [p.sentence() for p in report.errors]
    assert any(
        "tables.codes.columns.informant_role" in e and "'CaseVar_Jabatan' is not in" in e
        for e in errors
    ), errors


def test_the_registry_refuses_columns_on_other_tables_and_unknown_targets(agency, tmp_path):
    from helpers.core.errors import ConfigError

    root = agency[0]
    for table, columns, words in (
        ("roster", {"informant_role": "Peran"}, "maps the headers of coded interview segments"),
        ("codes", {"peran": "CaseVar_Peran"}, "peran"),
    ):
        doc = yaml.safe_load((root / "config" / "regions.yaml").read_text("utf-8"))
        doc["regions"][0]["tables"][table]["columns"] = columns
        config = tmp_path / "regions.yaml"
        config.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
        with pytest.raises(ConfigError, match=words):
            load_registry(config)


def test_cleaning_a_wrong_codebook_names_the_row_not_a_pandas_error(agency):
    """Without the check, the run itself says what to fix (no IndexError, no KeyError)."""
    from helpers.steps.cleaning import clean_region

    root, project, _, _, _ = agency
    path = root / "data" / "raw" / SLUG / "codebook.csv"
    good = path.read_bytes()
    book = pd.read_csv(path, dtype=str, keep_default_na=False)
    book.loc[book["name"] == "nip", "name"] = "nip_baru"
    book.loc[book["name"] == "birth_date", "name"] = "tgl_lahir"
    try:
        book.to_csv(path, index=False)
        region = load_registry(root / "config" / "regions.yaml")[SLUG]
        with pytest.raises(RegionCheckError) as err:
            clean_region(region, project=project, key=KEY)
    finally:
        path.write_bytes(good)
    message = str(err.value)
    assert "needs the clean name 'nip'" in message and "'birth_date'" in message
    assert "codebook row 2 ('NIP Baru')" in message


def test_a_region_that_fails_its_check_fails_alone_before_any_notebook(agency):
    """The runner's first stage: the check, contained like every stage."""
    from helpers.runner.regions import _prepare_region

    root, project, _, _, _ = agency
    path = root / "data" / "raw" / SLUG / "codebook.csv"
    good = path.read_bytes()
    book = pd.read_csv(path, dtype=str, keep_default_na=False)
    book.loc[book["name"] == "gender", "value_labels"] = "1=Laki-laki|2=Perempuan"
    said: list[str] = []
    try:
        book.to_csv(path, index=False)
        region = load_registry(root / "config" / "regions.yaml")[SLUG]
        result, go = _prepare_region(region, project, True, said.append)
    finally:
        path.write_bytes(good)
    assert not go and result.status == "failed" and not result.steps
    assert result.error.startswith("data check failed: RegionCheckError")
    assert "gender is coded 1, 2" in result.error and "codebook row 6" in said[-1]


def test_pipeline_check_command_lists_problems_and_exits_non_zero(agency, capsys, monkeypatch):
    import helpers.core.config
    from helpers.runner import cli

    root, _, _, _, _ = agency
    monkeypatch.setattr(  # the command line imports it when it runs
        helpers.core.config,
        "load_registry",
        lambda: load_registry(root / "config" / "regions.yaml"),
    )
    monkeypatch.setattr(cli, "paths", ProjectPaths(root))
    assert cli.main(["check", "--region", SLUG]) == 0
    assert capsys.readouterr().out.startswith(f"{SLUG}: ok")
    path = root / "data" / "raw" / SLUG / "codebook.csv"
    good = path.read_bytes()
    book = pd.read_csv(path, dtype=str, keep_default_na=False)
    book.loc[book["name"] == "tmt_cpns", "type"] = "string"
    try:
        book.to_csv(path, index=False)
        assert cli.main(["check", "--region", SLUG]) == 1
    finally:
        path.write_bytes(good)
    out = capsys.readouterr().out
    assert "'tmt_cpns' has type 'string'; the roster contract needs date" in out
    assert cli.main(["check", "--region", "atlantis"]) == 2


# --------------------------------------------------------------------------------------------
# the run, in process
# --------------------------------------------------------------------------------------------


def test_the_estimates_recover_the_planted_effect(agency, cleaned):
    from helpers.steps.analysis import estimate_region
    from helpers.steps.frames import treatment_groups

    _, _, region, truth, _ = agency
    groups = treatment_groups(cleaned.tables, region)  # from the XLSX's mixed date formats
    assert int((groups == "treated").sum()) == truth.n_treated
    effects = estimate_region(region, cleaned.tables).effects.set_index(["analysis", "design"])
    ancova = effects.loc[("engagement", "ancova")]
    assert bool(ancova["headline"])
    assert ancova["ci_low"] <= truth.att <= ancova["ci_high"], (ancova["estimate"], truth.att)
    assert abs(ancova["estimate"] - truth.effect) < 3 * ancova["se"]
    skp = effects.loc[("skp", "ancova")]  # predikat only: no score, and that is fine
    assert pd.notna(skp["estimate"]) and pd.isna(skp["error"])


def test_roster_values_reach_the_models(cleaned):
    roster = cleaned.tables["roster"]
    assert set(roster["gender"]) == {"M", "F"}
    assert 0.3 < roster["female"].mean() < 0.7  # not 0 for everyone
    assert roster["golongan_rank"].notna().all()
    assert roster["birth_date"].notna().all() and roster["tmt_cpns"].notna().all()


def test_duplicates_report_only_real_groups(agency, cleaned):
    _, _, _, truth, _ = agency
    report = cleaned.duplicates
    assert set(report["kind"]) == {"id"}  # 4 items of 4 points: identical answers are chance
    for table, file in (("survey_pre", PRE), ("survey_post", POST)):
        mine = report[report["table"] == table]
        assert mine["group"].nunique() == truth.resubmissions[file]
        assert truth.chance_copy[file] not in set(mine["row"])  # the row without a NIP
        aside = cleaned.rejected[cleaned.rejected["table"] == table]
        assert aside.set_index("row").loc[truth.chance_copy[file], "reason"] == "NIP missing"
    rule = cleaned.log[cleaned.log["step"] == "duplicates_rule"]["reason"]
    assert rule.str.contains("compared in 0 row").all()


def test_timestamps_are_stored_and_logged_in_local_time(agency, cleaned):
    _, project, _, _, _ = agency
    raw = pd.read_csv(project.raw_region(SLUG) / POST, dtype=str)
    first = raw["Timestamp"].iloc[0]  # e.g. 2025/01/18 6:42:00 AM GMT+7
    stored = cleaned.tables["survey_post"].set_index("raw_row").loc[1, "submitted"]
    expected = pd.to_datetime(first.removesuffix(" GMT+7"), format="%Y/%m/%d %I:%M:%S %p")
    assert stored == expected and stored.tzinfo is None
    notes = cleaned.log[cleaned.log["step"] == "read"]["reason"]
    assert notes.str.contains("stored as Asia/Jakarta local time").any()
    assert not notes.str.contains("UTC").any()


def test_interview_variables_are_mapped_from_the_registry(agency):
    from helpers.steps.qualitative import clean_region_codes

    _, project, region, _, _ = agency
    codes = clean_region_codes(region, project=project)
    segments = codes.segments
    assert segments["informant_role"].notna().all()
    assert set(segments["method"]) == {"wawancara", "fgd"}
    assert len(codes.agreement) and codes.findings["n_segments"].sum() > 0


def test_no_raw_file_is_changed_by_the_run(agency, cleaned):
    from helpers.steps.cleaning import write_cleaning

    _, project, _, _, before = agency
    write_cleaning(cleaned, project=project)
    assert fingerprints(project.raw_region(SLUG)) == before


# --------------------------------------------------------------------------------------------
# optional where the world is optional
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lean(tmp_path_factory):
    """The same agency with no survey before the programme and no interviews."""
    root = tmp_path_factory.mktemp("lean")
    build_project(root, baseline=False, interviews=False)
    project = ProjectPaths(root)
    return project, load_registry(root / "config" / "regions.yaml")[SLUG]


def test_the_summary_lists_what_the_data_do_not_hold_once_each(tmp_path):
    from types import SimpleNamespace

    from helpers.steps.sections.body import data_limits

    rows = [
        ("interviews", True, "Wawancara tersedia.", "coded interviews available"),
        ("survey_pre", False, "Tidak ada survei.", "no survey wave before the programme"),
        ("survey_post", False, "Tidak ada survei.", "no survey wave after the programme"),
        ("skp_score", False, "Nilai SKP tidak tersedia.", "no SKP 0-100 score"),
    ]
    table = pd.DataFrame(rows, columns=["item", "available", "what", "detail"])
    report = SimpleNamespace(language="id", read=lambda name: table)
    assert data_limits(report) == ["Tidak ada survei.", "Nilai SKP tidak tersedia."]
    report = SimpleNamespace(language="en", read=lambda name: table)
    assert data_limits(report)[0] == "No survey wave before the programme."
    assert len(data_limits(report)) == 3
    assert data_limits(SimpleNamespace(language="id", read=lambda name: None)) == []


def test_a_region_without_baseline_or_interviews_runs_and_says_what_is_missing(lean):
    from helpers.steps.analysis import estimate_region
    from helpers.steps.check import check_region
    from helpers.steps.cleaning import clean_region
    from helpers.steps.qualitative import clean_region_codes

    project, region = lean
    report = check_region(region, project=project)
    assert report.ok, report.text()
    assert any("engagement_pre" in p.problem for p in report.notes)
    cleaned = clean_region(region, project=project, key=KEY)
    result = estimate_region(region, cleaned.tables)
    rows = result.effects.set_index(["analysis", "design"])
    assert "not estimated" in rows.loc[("engagement", "ancova"), "error"]
    assert bool(rows.loc[("engagement", "aipw"), "headline"])
    available = result.availability.set_index("item")["available"]
    assert not available["interviews"] and not available["survey_pre"]
    assert not available["baseline:engagement"] and not available["skp_score"]
    assert available["skp_rating"] and available["baseline:skp"]
    codes = clean_region_codes(region, project=project)
    assert codes.segments.empty and codes.findings.empty and codes.agreement.empty
    assert "code" in codes.agreement.columns


# --------------------------------------------------------------------------------------------
# the whole walk-through: the pipeline's own commands, notebooks and report
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_new_region_goes_from_template_to_report_with_no_code_change(tmp_path):
    import os
    import subprocess

    root = tmp_path / "proj"
    truth = build_project(root)
    build_project(root / "lean", baseline=False, interviews=False, slug="tanjung_ringkas")
    shutil.move(root / "lean" / "data" / "raw" / "tanjung_ringkas", root / "data" / "raw")
    doc = yaml.safe_load((root / "config" / "regions.yaml").read_text("utf-8"))
    lean = yaml.safe_load((root / "lean" / "config" / "regions.yaml").read_text("utf-8"))
    lean["regions"][0]["name"] = "Kabupaten Tanjung Ringkas (contoh)"
    doc["regions"] += lean["regions"]
    (root / "config" / "regions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    before = fingerprints(root / "data" / "raw" / SLUG)
    env = {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp_path / "k")}
    command = [sys.executable, "-m", "helpers.pipeline"]
    check = subprocess.run([*command, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run(
        [*command, "run", "--timeout", "600"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    out = root / "data" / "processed" / SLUG
    effects = pd.read_parquet(out / "effects.parquet").set_index(["analysis", "design"])
    ancova = effects.loc[("engagement", "ancova")]
    assert ancova["ci_low"] <= truth.att <= ancova["ci_high"]
    report = (root / "reports" / f"{SLUG}.html").read_text("utf-8")
    assert "Kabupaten Tanjung Harapan (contoh)" in report
    assert f"{ancova['estimate']:.2f}".replace(".", ",") in report
    codes = pd.read_parquet(out / "codes.parquet")
    assert codes["informant_role"].notna().all()
    lean_out = root / "data" / "processed" / "tanjung_ringkas"
    available = pd.read_parquet(lean_out / "availability.parquet").set_index("item")
    assert not available.loc["interviews", "available"]
    lean_report = (root / "reports" / "tanjung_ringkas.html").read_text("utf-8")
    limits = lean_report[lean_report.index('<ul class="limits">') :].split("</ul>")[0]
    for item in ("interviews", "survey_pre", "baseline:engagement", "skp_score"):
        assert html.escape(available.loc[item, "what"], quote=False) in limits, item
    assert fingerprints(root / "data" / "raw" / SLUG) == before
