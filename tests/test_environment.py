"""pyproject.toml and environment.yml declare the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers.core.config import PROJECT_ROOT

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI: dict[str, str] = {}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    doc = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    specs = doc["project"]["dependencies"] + doc["project"]["optional-dependencies"]["dev"]
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    doc = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    out = {}
    for dep in doc["dependencies"]:
        if not isinstance(dep, str):
            continue
        name, spec = _split(dep)
        if name in {"python", "pip"}:
            continue
        out[CONDA_TO_PYPI.get(name, name)] = spec
    return out


def test_same_packages_and_bounds():
    assert _pyproject() == _environment()


def test_environment_pins_python_311():
    doc = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    assert "python=3.11" in doc["dependencies"]
    assert doc["channels"] == ["conda-forge"]
