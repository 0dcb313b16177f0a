"""Every docstring example in the package runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import helpers

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(helpers.__path__, "helpers.")
    if not m.name.endswith("__main__")
)
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module, name) if t.examples]


@pytest.mark.parametrize("name", [m for m in MODULES if _examples(m)])
def test_docstring_examples_run(name: str) -> None:
    matplotlib.use("Agg")
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in _examples(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_package_has_examples() -> None:
    assert sum(len(_examples(m)) for m in MODULES) >= 40
