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


def test_the_lock_pins_every_declared_dependency_within_its_range():
    """constraints.txt (``make lock``) pins each dependency of pyproject.toml at a version its
    range admits, so ``make setup`` and CI install what the suite last passed with."""
    from packaging.specifiers import SpecifierSet

    pins = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    for name, spec in _pyproject().items():
        assert name in pins, f"{name} is not pinned in constraints.txt (run make lock)"
        assert pins[name] in SpecifierSet(spec), f"{name}=={pins[name]} is outside {spec}"
