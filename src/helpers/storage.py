"""Atomic writes: a file is written beside its target under a temporary name, flushed to disk
and renamed into place, so a reader sees either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

__all__ = [
    "atomic_path",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_parquet_atomic",
    "write_csv_atomic",
]


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
