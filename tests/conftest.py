"""Shared fixtures: the project root, the shipped example data and the generator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.core.config import PROJECT_ROOT, ProjectPaths, load_registry

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


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
