"""Shared fixtures: the project root, the shipped example data, the generator's truth, a test
pseudonym key, and temporary copies of the project for tests that read or write outputs.

A test that cleans or builds regions works on a temporary copy (:func:`temp_project`,
:func:`shipped_copy`), never on the repository's own ``data/processed`` and ``data/review``:
those belong to the user's last build (made with the user's key), and a test must neither
depend on them nor change them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import yaml

from helpers.core.config import PROJECT_ROOT, ProjectPaths, load_registry

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
#: The five shipped regions, in the registry's order.
FIVE = ("kepahiang", "medan", "kalianda", "jambi", "kemuning")
#: A fixed pseudonym key for tests: pseudonyms are the same on every machine and run.
TEST_KEY = b"test-key-for-pseudonyms-0123456789"


@pytest.fixture(scope="session")
def project() -> ProjectPaths:
    return ProjectPaths(PROJECT_ROOT)


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def truth(project):
    def _load(slug: str) -> dict:
        return json.loads((project.truth / f"{slug}.json").read_text(encoding="utf-8"))

    return _load


def raw_file(slug: str, name: str) -> Path:
    return PROJECT_ROOT / "data" / "raw" / slug / name


def copy_project(
    root: Path,
    regions: Sequence[str] = FIVE,
    *,
    notebooks: bool = True,
    rename: dict[str, str] | None = None,
    entries: dict[str, dict] | None = None,
) -> ProjectPaths:
    """A copy of the project under ``root``: the registry (only ``regions``, in that order),
    the construct vocabulary, the regions' raw data and, with ``notebooks``, the notebooks.
    ``rename`` gives copies of a region under new slugs (``{"kemuning_b": "kemuning"}``, named
    "<slug> (uji)" unless ``entries`` says otherwise); ``entries`` changes keys of a region's
    registry entry (``{"kemuning": {"language": "en"}}``)."""
    rename = dict(rename or {})
    doc = yaml.safe_load((PROJECT_ROOT / "config" / "regions.yaml").read_text(encoding="utf-8"))
    by_slug = {r["slug"]: r for r in doc["regions"]}
    chosen = []
    for slug in regions:
        source = rename.get(slug, slug)
        entry = {**by_slug[source], "slug": slug}
        if source != slug:
            entry["name"] = f"{slug} (uji)"
        chosen.append({**entry, **(entries or {}).get(slug, {})})
        shutil.copytree(PROJECT_ROOT / "data" / "raw" / source, root / "data" / "raw" / slug)
    doc["regions"] = chosen
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "regions.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    shutil.copy(PROJECT_ROOT / "config" / "constructs.yaml", root / "config" / "constructs.yaml")
    if notebooks:
        shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    return ProjectPaths(root)


@pytest.fixture
def temp_project(tmp_path) -> Callable[..., ProjectPaths]:
    """Make a copy of the project in this test's temporary folder (see :func:`copy_project`)."""

    def make(regions: Sequence[str] = FIVE, **kwargs) -> ProjectPaths:
        return copy_project(tmp_path / "proj", regions, **kwargs)

    return make


@pytest.fixture(scope="session")
def make_project(tmp_path_factory) -> Callable[..., ProjectPaths]:
    """For module-scoped fixtures: ``make_project(name, regions, **kwargs)`` copies the project
    into a fresh temporary folder named after ``name`` (see :func:`copy_project`)."""

    def make(name: str, regions: Sequence[str] = FIVE, **kwargs) -> ProjectPaths:
        return copy_project(tmp_path_factory.mktemp(name) / "proj", regions, **kwargs)

    return make


@pytest.fixture(scope="session")
def shipped_copy(tmp_path_factory) -> ProjectPaths:
    """One copy of the five shipped regions' config and raw data for the whole session (read
    it, don't write into it: tests that write use :func:`temp_project`)."""
    return copy_project(tmp_path_factory.mktemp("shipped") / "proj", FIVE, notebooks=False)


@pytest.fixture(scope="session")
def test_key() -> bytes:
    return TEST_KEY
