"""Keep a slow optional import out of the processes that read and write notebooks.

jsonschema imports ``rfc3987_syntax`` whenever it is installed (JupyterLab's
``jupyter-events`` asks for ``jsonschema[format-nongpl]``, which brings it), and that module
builds a parser grammar at import: about 2 s in every process that imports nbformat, which
means papermill, nbclient and nbconvert (jsonschema issues #1392 and #1521). The notebook
schema uses no ``iri`` format, so those checks are never needed here. Marking the module
absent before nbformat is imported makes jsonschema skip that one checker, as it does when
the package is not installed. A process that already imported it is left alone.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Mark :data:`SKIPPED` as not installed, unless already imported."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
