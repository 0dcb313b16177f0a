"""Read YAML that a person wrote without letting the file exhaust the machine.

``yaml.safe_load`` builds no arbitrary objects, but it still expands aliases (a 9 KB file of
nested aliases, the "billion laughs", fills the memory of whatever walks the result) and
recurses without limit (a deeply nested file ends in a ``RecursionError`` thousands of lines
long). :func:`load_yaml` keeps anchors and aliases (people use them to avoid repeating
themselves) but counts the document as if every alias were written out and refuses one larger
than :data:`MAX_YAML_NODES`, refuses recursive aliases, limits the nesting depth and the file
size, and turns every failure into one error that names the file and the line.

Examples
--------
>>> load_yaml_text("a: [1, 2]\\nb: x\\n", source="demo.yaml")
{'a': [1, 2], 'b': 'x'}
>>> load_yaml_text("a: &x [1]\\nb: *x\\n", source="demo.yaml")
{'a': [1], 'b': [1]}
>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\\n" for i in range(6))
>>> load_yaml_text(bomb, source="demo.yaml")
Traceback (most recent call last):
...
helpers.core.errors.ConfigError: demo.yaml, line 6: expands to more than 1,000,000 values through its aliases (an alias bomb?)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import ConfigError

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "load_yaml", "load_yaml_text"]

#: Largest YAML file read (the shipped registry is about 8 KB, a large codebook under 1 MB).
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Deepest nesting of mappings and lists (the registry needs 5).
MAX_YAML_DEPTH = 20
#: Most values (scalars, lists, mappings) a document may hold with its aliases written out: a
#: registry of all 514 kabupaten/kota holds about 113,000 (60 generated regions: 13,179), an
#: alias bomb of a few lines billions; a million values built are some 150 MB at most.
MAX_YAML_NODES = 1_000_000


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that limits nesting depth and the size of the document with its aliases
    written out."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(
                    f"nested deeper than {MAX_YAML_DEPTH} levels; this file needs far fewer",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def bounded_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return self.construct_document(node)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """Values in ``node`` with every alias written out (memoised, so linear in the file)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise _Refused(
            "an alias refers to a value that contains it (recursive)", node.start_mark.line + 1
        )
    open_.add(key)
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, open_)
        if total > MAX_YAML_NODES:
            raise _Refused(
                f"expands to more than {MAX_YAML_NODES:,} values through its aliases "
                "(an alias bomb?)",
                node.start_mark.line + 1,
            )
    open_.discard(key)
    sizes[key] = total
    return total


def _raise(error: type[Exception], source: str, path: Path | None, line: int | None, message: str):
    """Raise ``error`` for ``message``: an input-file error (codebooks) gets the file and row,
    any other (ConfigError, the registry) one line naming the source and line."""
    from helpers.core.errors import InputFileError

    if issubclass(error, InputFileError):
        raise error(path if path is not None else Path(source), message, row=line) from None
    where = f", line {line}" if line is not None else ""
    raise error(f"{source}{where}: {message}") from None


def load_yaml_text(
    text: str,
    *,
    source: str,
    error: type[Exception] = ConfigError,
    path: Path | None = None,
) -> Any:
    """Parse YAML text with the limits of this module.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        What to call it in error messages (the file's path relative to the project).
    error : exception class
        What to raise: :class:`ConfigError` (default, the registry) or an
        :class:`~helpers.core.errors.InputFileError` subclass such as ``CodebookError``
        (given the file and the line as its row).
    path : Path, optional
        The file, for an input-file error.

    Returns
    -------
    object
        The document (mappings, lists, strings, numbers, booleans, dates, None).

    Raises
    ------
    ConfigError
        Or ``error``: not valid YAML, too large with its aliases written out, a recursive
        alias, or nesting deeper than :data:`MAX_YAML_DEPTH`; the message names ``source`` and
        the line.
    """
    loader = _BoundedLoader(text)
    try:
        return loader.bounded_data()
    except _Refused as exc:
        _raise(error, source, path, exc.line, str(exc))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        _raise(error, source, path, line, f"not valid YAML ({exc.problem})")
    except yaml.YAMLError as exc:
        _raise(error, source, path, None, f"not valid YAML ({exc})")
    finally:
        loader.dispose()


def load_yaml(
    path: str | Path, *, source: str | None = None, error: type[Exception] = ConfigError
) -> Any:
    """Read and parse a YAML file with the limits of this module.

    Parameters
    ----------
    path : str or Path
        The file.
    source : str, optional
        The name used in messages (default: the path as given).
    error : exception class
        As for :func:`load_yaml_text`.

    Returns
    -------
    object
        The document.

    Raises
    ------
    ConfigError
        Or ``error``: missing, larger than :data:`MAX_YAML_BYTES`, not UTF-8, or refused by
        :func:`load_yaml_text`.
    """
    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        _raise(error, source, path, None, "file not found")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        _raise(
            error,
            source,
            path,
            None,
            f"{size:,} bytes is larger than the {MAX_YAML_BYTES:,} bytes a YAML file here may have",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        _raise(error, source, path, None, f"not UTF-8 text (byte {exc.start})")
    return load_yaml_text(text, source=source, error=error, path=path)
