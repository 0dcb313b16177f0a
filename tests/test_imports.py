"""helpers.runner.imports: the pipeline's processes do not pay for jsonschema's IRI grammar."""

from __future__ import annotations

import subprocess
import sys


def _python(code: str) -> str:
    """What a fresh interpreter running ``code`` prints, stripped."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_pipeline_processes_skip_the_slow_iri_grammar_and_still_validate_notebooks():
    code = (
        "import sys, helpers.pipeline, nbformat\n"
        "nb = nbformat.v4.new_notebook()\n"
        "nbformat.validate(nb)\n"
        "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None)"
    )
    assert _python(code) == "True"


def test_a_process_that_already_imported_it_keeps_it():
    code = (
        "import sys, types\n"
        "sys.modules['rfc3987_syntax'] = types.ModuleType('rfc3987_syntax')\n"
        "from helpers.runner.imports import skip_slow_optional_imports\n"
        "skip_slow_optional_imports()\n"
        "print(sys.modules['rfc3987_syntax'] is not None)"
    )
    assert _python(code) == "True"


def test_the_report_index_reads_effects_without_importing_the_meta_analysis(tmp_path):
    # build_index runs in the main process of a --jobs run, after the synthesis ran in a
    # worker: scipy.stats and statsmodels cost it about 1.4 s it does not use
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from helpers.core.config import ProjectPaths\n"
        "from helpers.steps.synthesis import _example_effects, load_effects, regions_by_construct\n"
        "from helpers.steps.reactions import load_reactions\n"
        f"project = ProjectPaths(Path({str(tmp_path)!r}))\n"
        "assert load_effects([], project=project).empty\n"
        "load_reactions([], project=project)\n"
        "assert len(regions_by_construct(_example_effects()))\n"
        "print(sorted(m for m in ('scipy.stats', 'statsmodels') if m in sys.modules))"
    )
    assert _python(code) == "[]"
