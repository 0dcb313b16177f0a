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


def write_csv_atomic(df: pd.DataFrame, target: str | Path) -> Path:
    """Write ``df`` as UTF-8 CSV (index dropped) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")
    return Path(target)


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
