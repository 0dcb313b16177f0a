"""The notebooks: committed without outputs, each with a parameters cell, no logic beyond calls."""

from __future__ import annotations

import json

import pytest

from helpers.core.config import PROJECT_ROOT
from helpers.core.errors import ConfigError
from helpers.runner.notebooks import (
    REGION_NOTEBOOKS,
    SYNTHESIS_NOTEBOOK,
    batch_parameters,
    check_parameters,
)

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))


def test_every_pipeline_notebook_exists():
    names = {p.stem for p in NOTEBOOKS}
    assert set(REGION_NOTEBOOKS) | {SYNTHESIS_NOTEBOOK} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_with_defaults(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    src = "".join(tagged[0]["source"])
    assert "=" in src and "import" not in src


@pytest.mark.parametrize("name", REGION_NOTEBOOKS)
def test_unknown_or_missing_parameters_are_errors(name):
    path = PROJECT_ROOT / "notebooks" / f"{name}.ipynb"
    check_parameters(path, {"region": "medan"})
    with pytest.raises(ConfigError, match="unknown parameter"):
        check_parameters(path, {"region": "medan", "regoin": "x"})


@pytest.mark.parametrize("name", REGION_NOTEBOOKS)
def test_a_batch_run_turns_the_analysts_figures_off_where_a_notebook_has_them(name):
    path = PROJECT_ROOT / "notebooks" / f"{name}.ipynb"
    given = batch_parameters(path, {"region": "medan"})
    check_parameters(path, given)
    draws = name in ("02-clean-interviews", "03-estimate-effects")
    assert given == ({"region": "medan", "figures": False} if draws else {"region": "medan"})
    if draws:
        with pytest.raises(ConfigError, match="must be a bool"):
            check_parameters(path, {"region": "medan", "figures": "no"})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_sys_path_hacks(path):
    text = path.read_text(encoding="utf-8")
    assert "sys.path" not in text and "os.chdir" not in text
