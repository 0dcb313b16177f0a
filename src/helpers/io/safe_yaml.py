"""YAML read safely: no aliases (no "billion laughs"), bounded nesting and size, clear errors.

``yaml.safe_load`` builds no objects, but it still expands aliases: a 1 KB document whose
anchors refer to each other nine deep becomes a billion list items, and a deeply nested
document ends in a ``RecursionError`` thousands of lines long. :func:`load_yaml` refuses both
before any of it is built, and names the file and line.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
>>> _ = p.write_text("- name: a\\n  type: string\\n")
>>> load_yaml(p)
[{'name': 'a', 'type': 'string'}]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import InputFileError

__all__ = ["load_yaml", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES"]

#: Largest YAML file read (a codebook of a few thousand rows is well under 1 MB).
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Deepest nesting of lists and mappings (a codebook needs 2, the registry 4 or 5).
MAX_YAML_DEPTH = 20
#: Most nodes (scalars, lists, mappings) in one document.
MAX_YAML_NODES = 1_000_000


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and counts depth and nodes while composing."""

    def __init__(self, stream: str, *, max_depth: int, max_nodes: int) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._max_depth = max_depth
        self._max_nodes = max_nodes

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 (PyYAML hook)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                "uses an alias (*name): aliases are not allowed (a few of them can expand to "
                "billions of items); write the values out",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > self._max_nodes:
            raise _Refused(
                f"has more than {self._max_nodes:,} values", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                raise _Refused(
                    f"is nested more than {self._max_depth} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def load_yaml(
    path: str | Path,
    *,
    max_bytes: int = MAX_YAML_BYTES,
    max_depth: int = MAX_YAML_DEPTH,
    max_nodes: int = MAX_YAML_NODES,
    error: type[InputFileError] = InputFileError,
) -> Any:
    """Read one YAML document with :data:`MAX_YAML_BYTES`, :data:`MAX_YAML_DEPTH` and
    :data:`MAX_YAML_NODES` as limits and no aliases.

    Parameters
    ----------
    path : str or Path
        The YAML file (UTF-8, a BOM allowed).
    max_bytes, max_depth, max_nodes : int
        The limits.
    error : InputFileError subclass
        Raised for every problem (``CodebookError`` for a codebook).

    Raises
    ------
    error
        Naming the file (and the line): missing, too large, not UTF-8, not valid YAML, an
        alias, too deep or too many values.
    """
    path = Path(path)
    if not path.is_file():
        raise error(path, "file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise error(
            path,
            f"the YAML file is {size:,} bytes; at most {max_bytes:,} are read (is it the "
            "right file?)",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path, "not UTF-8 text") from exc
    loader = _LimitedLoader(text, max_depth=max_depth, max_nodes=max_nodes)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        line = f" at line {exc.mark.line + 1}" if exc.mark is not None else ""
        raise error(path, f"YAML refused{line}: the document {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise error(path, f"not valid YAML{where}: {problem}") from None
    finally:
        loader.dispose()
