"""The package's layout: layers import downward only, the module map in ARCHITECTURE.md lists
exactly the modules on disk, no module grows past ~800 lines, and paths come from the package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.core.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "helpers"
MODULES = sorted(PACKAGE.rglob("*.py"))

# folder (or top-level module) -> layer; 1 is the top. `simulate` stands beside the stack.
LAYERS = {
    "pipeline": 1,
    "codebook": 1,
    "runner": 2,
    "report": 2,
    "steps": 3,
    "stats": 4,
    "privacy": 4,
    "survey": 4,
    "qual": 4,
    "io": 5,
    "core": 5,
}
BESIDE = "simulate"
MAX_LINES = 800


def _part(module: str) -> str:
    """'helpers.stats.estimate' -> 'stats'; 'helpers' -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``helpers`` module a file imports, at any depth (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "helpers":  # a subpackage, or a name of the package itself
                found += [
                    (node.lineno, f"helpers.{a.name}")
                    for a in node.names
                    if a.name in LAYERS or a.name == BESIDE
                ]
            elif node.module.startswith("helpers."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("helpers.")]
    return found


def test_every_module_belongs_to_a_layer():
    parts = {_part(_dotted(p)) for p in MODULES} - {""}
    assert parts <= set(LAYERS) | {BESIDE}, sorted(parts - set(LAYERS) - {BESIDE})


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_down_only(path):
    me = _part(_dotted(path))
    if me in ("", BESIDE):  # the package's flat API and the generator may import anything
        return
    wrong = []
    for line, target in _imports(path):
        other = _part(target)
        if other == "":
            continue  # `from helpers import lazy_exports`: the package itself
        if other == BESIDE:
            wrong.append(f"line {line}: {target} (the generator stands beside the stack)")
        elif LAYERS[other] < LAYERS[me]:
            wrong.append(f"line {line}: {target} is layer {LAYERS[other]}, above {LAYERS[me]}")
    assert not wrong, "\n".join(wrong)


def _mapped_modules() -> list[str]:
    text = (PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(helpers/[^`]+\.py)` \|", section, flags=re.M)


def test_architecture_module_map_matches_the_package():
    on_disk = sorted(p.relative_to(PACKAGE.parent).as_posix() for p in MODULES)
    mapped = _mapped_modules()
    assert len(mapped) == len(set(mapped)), "a module is listed twice"
    assert sorted(mapped) == on_disk, {
        "missing from ARCHITECTURE.md": sorted(set(on_disk) - set(mapped)),
        "listed but not on disk": sorted(set(mapped) - set(on_disk)),
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_800_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.name} has {n} lines; split it along its seams"


def test_no_module_is_named_utils():
    assert not [p for p in MODULES if p.stem in ("utils", "util", "misc", "helpers")]


def test_the_project_root_comes_from_the_package_not_the_working_directory(tmp_path):
    code = "from helpers.core.config import PROJECT_ROOT; print(PROJECT_ROOT)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "ASN_EVAL_ROOT"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()) == PROJECT_ROOT.resolve()


def test_the_code_fingerprint_covers_every_subpackage():
    from helpers.runner.fingerprint import _code_files

    covered = {p.resolve() for p in _code_files()}
    assert {p.resolve() for p in MODULES} <= covered
    assert (PACKAGE / "report" / "templates" / "page.html.j2").resolve() in covered
