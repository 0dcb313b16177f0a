"""Atomic writes: a file is written beside its target under a temporary name, flushed to disk
and renamed into place, so a reader sees either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

__all__ = [
    "atomic_path",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_parquet_atomic",
    "write_csv_atomic",
    "read_csv_for_people",
    "neutralise_formulas",
    "restore_formulas",
    "FORMULA_STARTS",
    "remove_stale_temporaries",
]

_TEMPORARY = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp$")
"""Names :func:`atomic_path` gives its temporary files: ``.<target name>.<8 random>.tmp``."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it onto ``target``.

    On any exception the temporary file is removed and ``target`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "x.txt").read_text()
    'hello'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 - umask)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text_atomic(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically and return ``target``."""
    return write_bytes_atomic(target, text.encode(encoding))


def write_parquet_atomic(df: pd.DataFrame, target: str | Path) -> Path:
    """Write ``df`` as Parquet (pyarrow, index dropped) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, engine="pyarrow", index=False)
    return Path(target)


#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` safe to open in a spreadsheet: every text cell (and column name) that
    begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``.

    A cell that already begins with ``'`` gets one more, so :func:`restore_formulas` undoes
    exactly this and nothing else. Plain numbers (``-9``, ``+62``, ``-1.5``) are left alone:
    a spreadsheet reads them as numbers, never as formulas. See OWASP, "CSV Injection".

    Examples
    --------
    >>> t = pd.DataFrame({"a": ["=HYPERLINK(1)", "-9", "@x", "'a", "ok"]})
    >>> neutralise_formulas(t)["a"].tolist()
    ["'=HYPERLINK(1)", '-9', "'@x", "''a", 'ok']
    >>> restore_formulas(neutralise_formulas(t))["a"].tolist() == t["a"].tolist()
    True
    """
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(_neutralise_cell).astype(values.dtype)
    out.columns = [_neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _neutralise_cell(value: object) -> object:
    if not isinstance(value, str) or not value:
        return value
    if value[0] == "'" or (value[0] in FORMULA_STARTS and not _PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def restore_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table read back (a reviewer's file)."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(restore_cell).astype(values.dtype)
    out.columns = [restore_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def restore_cell(value: object) -> object:
    """One cell of :func:`restore_formulas`: a leading ``'`` before ``'`` or a formula
    character is removed."""
    quoted = isinstance(value, str) and len(value) > 1 and value[0] == "'"
    if quoted and (value[1] == "'" or value[1] in FORMULA_STARTS):
        return value[1:]
    return value


def write_csv_atomic(
    df: pd.DataFrame, target: str | Path, *, spreadsheet_safe: bool = True
) -> Path:
    """Write ``df`` as UTF-8 CSV (index dropped) to ``target`` atomically.

    With ``spreadsheet_safe`` (the default: every CSV here is opened by a person, in a
    spreadsheet) cells that would run as formulas are neutralised first
    (:func:`neutralise_formulas`); read such a file back with :func:`read_csv_for_people`.
    """
    if spreadsheet_safe:
        df = neutralise_formulas(df)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")
    return Path(target)


def read_csv_for_people(path: str | Path) -> pd.DataFrame:
    """Read back a CSV written by :func:`write_csv_atomic` and edited by a person (the review
    files): :func:`helpers.io.reading.read_table`, then :func:`restore_formulas`."""
    from helpers.io.reading import read_table

    return restore_formulas(read_table(Path(path)))


def remove_stale_temporaries(
    folder: str | Path, *, targets: Iterable[str] | None = None, min_age: float = 0.0
) -> list[Path]:
    """Delete the temporary files :func:`atomic_path` left in ``folder`` when a process was
    killed (``SIGKILL``, power loss) between creating them and renaming them into place.

    Parameters
    ----------
    folder : str or Path
        The folder to clean (not its subfolders). A missing folder is not an error.
    targets : iterable of str, optional
        Only temporaries of these final names (``["kemuning.html"]``): use it in a folder
        shared with writers that may be running now (``reports/`` during a parallel run).
        Default: every temporary in ``folder``.
    min_age : float
        Only temporaries not modified for at least this many seconds.

    Returns
    -------
    list of Path
        The files removed. Final files, other hidden files and folders are never touched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".x.parquet.ab12cd_9.tmp").write_bytes(b"half")
    >>> _ = (d / "x.parquet").write_bytes(b"whole")
    >>> [p.name for p in remove_stale_temporaries(d)], sorted(p.name for p in d.iterdir())
    (['.x.parquet.ab12cd_9.tmp'], ['x.parquet'])
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    wanted = None if targets is None else {str(t) for t in targets}
    now = time.time()
    removed: list[Path] = []
    for path in sorted(folder.iterdir()):
        match = _TEMPORARY.match(path.name)
        if match is None or (wanted is not None and match["target"] not in wanted):
            continue
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if not path.is_file() or path.is_symlink() or now - info.st_mtime < min_age:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
