"""The region registry: five regions, validation, and a sixth region added by config alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIVE

from helpers.core.config import (
    PROJECT_ROOT,
    ProjectPaths,
    check_region_files,
    get_region,
    load_registry,
    paths,
)
from helpers.core.errors import ConfigError


def test_registry_has_the_five_regions_in_order(registry):
    assert list(registry) == list(FIVE)


@pytest.mark.parametrize("slug", FIVE)
def test_every_region_entry_is_complete(registry, slug):
    r = registry[slug]
    assert r.name and r.province and r.programme and r.questions
    assert r.kemendagri_code.replace(".", "").isdigit()
    assert r.language == "id"
    assert r.min_cell_size == 5
    assert r.analyses, "every region estimates at least one outcome"
    assert {a.level for a in r.analyses} <= {1, 2, 3, 4}
    assert check_region_files(r) == []


def test_paths_are_relative_to_the_project_root():
    assert paths.root == PROJECT_ROOT
    assert paths.raw_region("medan") == PROJECT_ROOT / "data" / "raw" / "medan"
    assert paths.report_file("medan") == PROJECT_ROOT / "reports" / "medan.html"


@pytest.mark.parametrize("slug", ["../../etc", "Medan", "a", "x/y", "", "kepahiang;rm"])
def test_bad_slugs_are_refused(slug):
    with pytest.raises(ConfigError, match="not valid"):
        paths.raw_region(slug)


def test_unknown_region_lists_the_known_ones(registry):
    with pytest.raises(ConfigError, match="known regions"):
        get_region("atlantis", registry=registry)


def _write_registry(tmp_path: Path, mutate) -> Path:
    doc = yaml.safe_load(paths.config_file.read_text(encoding="utf-8"))
    mutate(doc)
    target = tmp_path / "config" / "regions.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["regions"][0].update(colour="red"), "unknown key"),
        (lambda d: d["regions"][0].update(slug="../../etc"), "not valid"),
        (lambda d: d["regions"][0].update(min_cell_size=0), "min_cell_size"),
        (lambda d: d["regions"][0]["analyses"][0].update(designs=["magic"]), "magic"),
        (lambda d: d["regions"][0]["analyses"][0].update(level=5), "Kirkpatrick"),
        (lambda d: d["regions"][0]["tables"]["roster"].update(file="../x.csv"), "plain file"),
        (lambda d: d["regions"][0]["treatment"].update(table="nope"), "treatment.table"),
        (lambda d: d["regions"].append(dict(d["regions"][0])), "listed twice"),
        (lambda d: d["regions"][3]["analyses"][0].pop("unit"), "needs 'unit'"),
    ],
)
def test_invalid_entries_name_the_problem(tmp_path, mutate, message):
    path = _write_registry(tmp_path, mutate)
    with pytest.raises(ConfigError, match=message):
        load_registry(path)


def test_a_sixth_region_is_config_and_data_only(tmp_path):
    """A made-up region: copy one region's data folder, add an entry, no code change."""

    def add(doc):
        entry = dict(next(r for r in doc["regions"] if r["slug"] == "kemuning"))
        entry.update(
            slug="sukamaju",
            name="Kabupaten Sukamaju (contoh)",
            kemendagri_code="99.01",
            min_cell_size=10,
        )
        doc["regions"].append(entry)

    config = _write_registry(tmp_path, add)
    shutil.copytree(
        PROJECT_ROOT / "data" / "raw" / "kemuning", tmp_path / "data" / "raw" / "sukamaju"
    )
    project = ProjectPaths(tmp_path)
    registry = load_registry(config)
    assert list(registry)[-1] == "sukamaju"
    region = registry["sukamaju"]
    assert region.min_cell_size == 10
    assert check_region_files(region, project) == []
    # the real steps run on it, with its own config, and write where its config says
    from helpers.steps.analysis import estimate_region
    from helpers.steps.cleaning import clean_region, write_cleaning

    cleaned = clean_region(region, project=project, key=b"sixth-region-test-key-0123456789")
    write_cleaning(cleaned, project=project)
    assert (tmp_path / "data" / "processed" / "sukamaju" / "roster.parquet").is_file()
    effects = estimate_region(region, cleaned.tables).effects
    assert set(effects["analysis"]) == {a.id for a in region.analyses}
    assert effects["estimate"].notna().all()
    (tmp_path / "data" / "raw" / "sukamaju" / "tes_pre_post.csv").unlink()
    missing = check_region_files(region, project)
    assert len(missing) == 1 and "tes_pre_post.csv" in missing[0]


# --------------------------------------------------------------------------------------------
# the declared schema: every problem names the region, the key and what was expected
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "fragments"),
    [
        (lambda d: d["defaults"].update(min_cell_sise=3), ["defaults", "min_cell_sise"]),
        (
            lambda d: d["regions"][1]["analyses"][0].update(level=True),
            ["'medan'", "analyses[0].level", "Kirkpatrick level", "True"],
        ),
        (
            lambda d: d["regions"][0]["analyses"][1].update(designs="ancova"),
            ["'kepahiang'", "analyses[1].designs", "expected a list", "'ancova'"],
        ),
        (
            lambda d: d["regions"][2]["treatment"].update(min_jp="dua puluh"),
            ["'kalianda'", "treatment.min_jp", "number", "'dua puluh'"],
        ),
        (
            lambda d: d["regions"][4].update(kemendagri_code=14.04),
            ["'kemuning'", "kemendagri_code", "quotes"],
        ),
        (
            lambda d: d["regions"][3]["tables"]["services"].update(kind="event"),
            ["'jambi'", "tables.services.kind", "'event'", "events"],
        ),
        (
            lambda d: d["regions"][0]["treatment"].update(window=["2024-13-01", "2024-11-30"]),
            ["'kepahiang'", "treatment.window", "YYYY-MM-DD"],
        ),
        (
            lambda d: d["regions"][0]["analyses"][0].update(construct="kepuasan"),
            ["'kepahiang'", "analyses[0].construct", "'kepuasan'", "constructs.yaml"],
        ),
        (
            lambda d: d["regions"][0]["analyses"][0].update(lable="x"),
            ["'kepahiang'", "analyses[0]", "unknown key 'lable'", "label"],
        ),
    ],
)
def test_schema_errors_name_region_key_and_expectation(tmp_path, mutate, fragments):
    path = _write_registry(tmp_path, mutate)
    shutil.copy(paths.config_file.with_name("constructs.yaml"), path.with_name("constructs.yaml"))
    with pytest.raises(ConfigError) as info:
        load_registry(path)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_a_region_with_several_problems_lists_them_all(tmp_path):
    def mutate(d):
        d["regions"][0]["analyses"][0].update(level=7)
        d["regions"][0].update(min_cell_size="lima")

    with pytest.raises(ConfigError, match=r"2 problem\(s\)") as info:
        load_registry(_write_registry(tmp_path, mutate))
    assert "min_cell_size" in str(info.value) and "analyses[0].level" in str(info.value)


def test_the_registry_errors_name_the_file_relative_to_the_project():
    with pytest.raises(ConfigError) as info:
        load_registry(PROJECT_ROOT / "config" / "nope.yaml")
    assert str(info.value).startswith("config/nope.yaml:")


def test_yaml_alias_bombs_and_deep_nesting_are_refused(tmp_path):
    target = tmp_path / "regions.yaml"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    target.write_text(bomb + "regions: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="alias bomb"):
        load_registry(target)
    target.write_text("regions: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nested deeper"):
        load_registry(target)


def test_a_national_registry_that_shares_settings_through_aliases_is_read():
    from helpers.core.safe_yaml import load_yaml_text

    # every kabupaten/kota, each sharing ~240 values through one alias (what the generator's
    # national registry does): 126,000 values written out, under the limit
    shared = "".join(f"  k{i}: [{', '.join(['v'] * 10)}]\n" for i in range(20))
    regions = "".join(f"- slug: r{i:03d}\n  tables: *shared\n" for i in range(514))
    data = load_yaml_text(f"shared: &shared\n{shared}regions:\n{regions}", source="regions.yaml")
    assert len(data["regions"]) == 514 and data["regions"][513]["tables"]["k19"] == ["v"] * 10


def test_yaml_anchors_for_shared_settings_still_work(tmp_path):
    text = paths.config_file.read_text(encoding="utf-8")
    text = text.replace(
        '    treatment: {table: training, window: ["2024-02-01", "2024-11-30"], min_jp: 20}\n'
        "    relevance_scale: training_relevance",
        '    treatment: &usual {table: training, window: ["2024-02-01", "2024-11-30"], '
        "min_jp: 20}\n    relevance_scale: training_relevance",
        1,
    ).replace(
        '    treatment: {table: training, window: ["2024-02-01", "2024-11-30"], min_jp: 20}\n'
        "    feedback_response",
        "    treatment: *usual\n    feedback_response",
        1,
    )
    assert "*usual" in text
    target = tmp_path / "config" / "regions.yaml"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    shutil.copy(paths.config_file.with_name("constructs.yaml"), target.with_name("constructs.yaml"))
    assert load_registry(target)["medan"].treatment == load_registry()["medan"].treatment


@pytest.mark.parametrize("name", ["../kemuning/codebook.csv", "/etc/passwd", "~/codebook.csv"])
def test_registry_paths_cannot_leave_the_project(tmp_path, name):
    def mutate(d):
        d["regions"][0]["codebook"] = name

    registry = load_registry(_write_registry(tmp_path, mutate))
    project = ProjectPaths(tmp_path)
    (tmp_path / "data" / "raw" / "kepahiang").mkdir(parents=True)
    problems = check_region_files(registry["kepahiang"], project)
    assert len(problems) == 1 and "codebook" in problems[0] and name in problems[0]
    with pytest.raises(ConfigError, match="kepahiang"):
        project.region_input("kepahiang", name, what="codebook")


def test_a_symbolic_link_out_of_the_project_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "codebook.csv").write_text("file,raw_name,name,type\n", encoding="utf-8")
    root = tmp_path / "project"
    folder = root / "data" / "raw" / "kepahiang"
    folder.mkdir(parents=True)
    (folder / "codebook.csv").symlink_to(outside / "codebook.csv")
    with pytest.raises(ConfigError, match="outside the project"):
        ProjectPaths(root).region_input("kepahiang", "codebook.csv", what="codebook")


def test_every_shipped_region_lists_its_questions_and_what_answers_them(registry):
    from helpers.core.vocabulary import ANSWER_SOURCES
    from helpers.steps.sections.answers import SOURCES

    assert set(SOURCES) == set(ANSWER_SOURCES)  # one list of descriptive sources
    for region in registry.values():
        assert len(region.questions) >= 3, region.slug
        ids = {a.id for a in region.analyses}
        for q in region.questions:
            assert set(q.answered_by) <= ids | set(ANSWER_SOURCES)


def test_a_question_answered_by_something_unknown_is_refused(tmp_path):
    def mutate(d):
        d["regions"][0]["questions"][0]["answered_by"] = ["kepuasan"]

    with pytest.raises(ConfigError, match=r"questions\[0\].answered_by: \['kepuasan'\]"):
        load_registry(_write_registry(tmp_path, mutate))


@pytest.mark.parametrize(
    ("old", "value", "new"),
    [("moderator", "training_relevance", "relevance_scale"), ("question", "Apa?", "questions")],
)
def test_a_renamed_key_names_its_new_form(tmp_path, old, value, new):
    def mutate(d):
        d["regions"][0][old] = value

    with pytest.raises(ConfigError, match=rf"{old}: (renamed to|replaced by) '{new}'"):
        load_registry(_write_registry(tmp_path, mutate))


def test_moderators_take_a_name_or_a_column_with_its_label(registry):
    from helpers.core.labels import moderator_label

    kepahiang = registry["kepahiang"]
    assert kepahiang.moderators == ("resources_pre", "female")
    assert kepahiang.extra["relevance_scale"] == "training_relevance"
    assert moderator_label(kepahiang, "resources_pre") == "dukungan sumber daya sebelum pelatihan"
    assert moderator_label(kepahiang, "female") == "jenis kelamin"
    assert moderator_label(kepahiang, "motivation_pre") == "motivation sebelum pelatihan"
    assert moderator_label(kepahiang, "female", "en") == "gender"


def test_an_english_region_needs_every_reader_facing_text_in_english(temp_project):
    """With ``language: en``, the check names each registry text and codes.csv cell lacking
    its English twin; the shipped regions have them all, and the report's view of the entry
    uses them."""
    import pandas as pd

    from helpers.core.config import load_registry
    from helpers.steps.check import check_region

    project = temp_project(["kemuning"], entries={"kemuning": {"language": "en"}})
    region = load_registry(project.config_file)["kemuning"]
    assert region.missing_english() == []
    assert check_region(region, project=project).ok
    shown = region.for_readers()
    assert shown.programme == region.programme_en and shown.analyses[0].label.startswith("Know")
    assert load_registry()["kemuning"].for_readers().programme == "Program Pelatihan ASN"

    doc = yaml.safe_load(project.config_file.read_text(encoding="utf-8"))
    entry = doc["regions"][0]
    del entry["programme_en"]
    del entry["questions"][1]["text_en"]
    del entry["analyses"][0]["unit_label_en"]
    project.config_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    codes = project.raw_region("kemuning") / "codes.csv"
    table = pd.read_csv(codes, dtype=str, keep_default_na=False)
    table.loc[1, "label_en"] = ""
    table.drop(columns="theme_en").to_csv(codes, index=False)
    region = load_registry(project.config_file)["kemuning"]
    errors = [p.sentence() for p in check_region(region, project=project).errors]
    text = "\n".join(errors)
    for key in ("programme_en", "questions[1].text_en", "analyses[0].unit_label_en (test_scores)"):
        assert f"region 'kemuning', {key}:" in text, key
    assert f"row 2 ({table.loc[1, 'code']}), column label_en" in text
    assert sum("column theme_en" in e for e in errors) == len(table)
    assert len(errors) == 3 + 1 + len(table)
