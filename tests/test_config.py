"""The region registry: five regions, validation, and a sixth region added by config alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.core.config import (
    PROJECT_ROOT,
    ProjectPaths,
    check_region_files,
    get_region,
    load_registry,
    paths,
)
from helpers.core.errors import ConfigError

FIVE = ["kepahiang", "medan", "kalianda", "jambi", "kemuning"]


def test_registry_has_the_five_regions_in_order(registry):
    assert list(registry) == FIVE


@pytest.mark.parametrize("slug", FIVE)
def test_every_region_entry_is_complete(registry, slug):
    r = registry[slug]
    assert r.name and r.province and r.programme and r.question
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
