"""Keyed pseudonyms for NIPs and other personal identifiers (UU 27/2022, PDP).

Why keyed
---------
A NIP is not random: 8 digits of birth date, 6 of TMT CPNS, a gender digit and a 3-digit
sequence. A plain hash (``sha256(nip)``) can be reversed by hashing every plausible NIP, a
few billion candidates, which takes minutes. A pseudonym here is ``HMAC-SHA256(key, nip)``:
without the key, the pseudonym tells nothing about the NIP.

Where the key lives
-------------------
In one file **outside the repository**: ``$ASN_EVAL_KEY_FILE`` if that variable is set, else
``~/.config/asn-eval/pseudonym.key`` (:func:`default_key_path`). :func:`load_or_create_key`
creates it on first use: 32 random bytes from ``os.urandom``, file mode 0600, in a folder
created with mode 0700. The repository's ``.gitignore`` also ignores ``*.key``.

Back it up
----------
Copy the key file to a safe place that is not the repository and not a shared drive (a
password manager's file attachment, an encrypted USB stick kept by the data steward). Every
machine that processes the same programme must use the same key file (copy it, or point
``ASN_EVAL_KEY_FILE`` at it), or their pseudonyms will differ.

Permissions and fingerprint
---------------------------
The key file must be readable by its owner only: :func:`load_or_create_key` refuses a key that
the group or others can read (``chmod 600`` fixes it; ``ASN_EVAL_KEY_PERMISSIVE=1`` makes it a
warning). :func:`key_fingerprint` is a short id of the key that reveals nothing about it; every
build and every review file (``duplicates.csv``) records it, and a run whose key differs from
the one that made a review file stops instead of silently applying old decisions to new
pseudonyms.

Losing it
---------
If the key is lost, a new one is created on the next run and **pseudonyms from new runs will
not match old ones**: processed tables and linked records from before cannot be joined with
new ones. Nothing can recover a lost key. If the key leaks, anyone with it and the NIP list
can re-identify people: replace it (delete the file, rerun every region) and treat all
previously processed data as identifiable.

Examples
--------
>>> key = bytes(range(32))
>>> s = pd.Series(["19900101 201001 1 001", "199001012010011001", None])
>>> p = pseudonymise(s, key)
>>> p.iloc[0] == p.iloc[1], p.iloc[0][:1], len(p.iloc[0]), bool(p.isna().iloc[2])
(True, 'P', 13, True)
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core.errors import InputFileError
from helpers.privacy.nip import canonical_id

__all__ = [
    "default_key_path",
    "load_or_create_key",
    "check_key_permissions",
    "key_fingerprint",
    "PERMISSIVE_ENV_VAR",
    "pseudonymise",
    "KEY_ENV_VAR",
    "KEY_BYTES",
    "MIN_KEY_BYTES",
]

KEY_ENV_VAR = "ASN_EVAL_KEY_FILE"
PERMISSIVE_ENV_VAR = "ASN_EVAL_KEY_PERMISSIVE"
KEY_BYTES = 32
MIN_KEY_BYTES = 16


def default_key_path() -> Path:
    """The key file: ``$ASN_EVAL_KEY_FILE`` if set, else ``~/.config/asn-eval/pseudonym.key``.

    Examples
    --------
    >>> default_key_path().name
    'pseudonym.key'
    """
    env = os.environ.get(KEY_ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / ".config" / "asn-eval" / "pseudonym.key"


def load_or_create_key(path: str | Path | None = None) -> bytes:
    """Read the pseudonym key, creating it (32 random bytes, mode 0600) on first use.

    Parameters
    ----------
    path : str or Path, optional
        The key file. Default: :func:`default_key_path`.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    InputFileError
        The file exists but is not a file, cannot be read (the message says how to fix it),
        holds fewer than 16 bytes, or can be read by other users
        (:func:`check_key_permissions`).

    Notes
    -----
    Creation is atomic and exclusive: the key is written to a temporary file beside the
    target and hard-linked into place only if no key exists yet, so two processes starting at
    once (a parallel run of several regions) end up with the same key.
    """
    target = Path(path).expanduser() if path is not None else default_key_path()
    if not target.exists():
        _create_key(target)
    if not target.is_file():
        raise InputFileError(target, "the pseudonym key path is not a file")
    try:
        key = target.read_bytes()
    except OSError as exc:
        raise InputFileError(
            target,
            f"the pseudonym key cannot be read ({type(exc).__name__}: {exc.strerror or exc}). "
            "Give the user who runs the pipeline read access (chmod 600, owned by that user), "
            f"or point {KEY_ENV_VAR} at a readable copy of the same key. Do not delete it: a "
            "new key makes pseudonyms that no longer match earlier runs",
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise InputFileError(
            target,
            f"the pseudonym key is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed. If "
            "this is not the key used before, restore it from the backup; deleting it makes a "
            "new key, and pseudonyms will no longer match earlier runs",
        )
    check_key_permissions(target)
    return key


def check_key_permissions(path: str | Path) -> None:
    """Refuse a key file that other users can read or write.

    Anyone who can read the key and the NIP list can re-identify every pseudonym, so the key
    file must be readable by its owner only (mode ``0600``; ``0400`` is fine too). On Windows,
    whose files have no such mode bits, nothing is checked. Set ``ASN_EVAL_KEY_PERMISSIVE=1``
    to downgrade the refusal to a warning (a shared read-only mount that cannot be chmodded);
    the warning is a :class:`UserWarning`.

    Raises
    ------
    InputFileError
        The file's mode gives the group or others any access; the message gives the fix.
    """
    if os.name == "nt":
        return
    path = Path(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    message = (
        f"the pseudonym key is readable or writable by other users (mode {mode:04o}); anyone "
        f"who can read it can re-identify every pseudonym. Fix: chmod 600 '{path}'"
    )
    if os.environ.get(PERMISSIVE_ENV_VAR, "").strip() in ("1", "true", "yes"):
        warnings.warn(message, UserWarning, stacklevel=3)
        return
    raise InputFileError(path, message)


def key_fingerprint(key: bytes) -> str:
    """A short, non-reversible id of a key: the same key gives the same id on every machine.

    ``"K"`` and the first 12 hex digits of ``SHA-256("asn-eval key fingerprint" + key)``.
    Record it with every build and in every review file, so a run with another key is
    noticed before its pseudonyms are compared with old ones. 48 bits tell nothing about a
    256-bit key.

    Examples
    --------
    >>> key_fingerprint(bytes(range(32)))
    'Ka84ae37ddc35'
    """
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes, got {type(key).__name__}")
    digest = hashlib.sha256(b"asn-eval key fingerprint\x00" + bytes(key)).hexdigest()
    return f"K{digest[:12]}"


def _create_key(target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, target)  # fails if another process created the key meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            with contextlib.suppress(FileExistsError):
                fd2 = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd2, "wb") as out:
                    out.write(tmp.read_bytes())
                    out.flush()
                    os.fsync(out.fileno())
    finally:
        tmp.unlink(missing_ok=True)


def pseudonymise(
    values: pd.Series, key: bytes, *, prefix: str = "P", length: int = 12
) -> pd.Series:
    """Replace identifiers by keyed pseudonyms: ``prefix`` + first ``length`` hex digits of
    ``HMAC-SHA256(key, value)``.

    Parameters
    ----------
    values : pandas.Series
        Identifiers (NIPs or others). Values that are digits once spaces, dots, hyphens and
        apostrophes are removed are hashed as those digits, so ``"19900101 201001 1 001"``
        and ``"199001012010011001"`` get the same pseudonym; other values are hashed stripped,
        with runs of whitespace made single spaces, case kept.
    key : bytes
        The secret key (:func:`load_or_create_key`), at least 16 bytes.
    prefix : str
        Text put in front (``"P"``), so a pseudonym is never read as a number.
    length : int
        Hex digits kept, 8 to 64. 12 hex digits (48 bits) make a collision among a million
        people unlikely (about 0.2%).

    Returns
    -------
    pandas.Series of str
        Same index and name; missing stays missing.

    Raises
    ------
    TypeError
        ``key`` is not bytes.
    ValueError
        ``key`` is shorter than 16 bytes or ``length`` is out of range.
    """
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes, got {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"key must be at least {MIN_KEY_BYTES} bytes, got {len(key)}")
    if isinstance(length, bool) or not isinstance(length, int) or not 8 <= length <= 64:
        raise ValueError(f"length must be an int from 8 to 64, got {length!r}")
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}")
    canonical = canonical_id(values).astype(object)
    cache: dict[str, str] = {}
    out: list[Any] = []
    for v in canonical:
        if not isinstance(v, str):
            out.append(None)
            continue
        if v not in cache:
            digest = hmac.new(bytes(key), v.encode("utf-8"), hashlib.sha256).hexdigest()
            cache[v] = f"{prefix}{digest[:length]}"
        out.append(cache[v])
    return pd.Series(out, index=values.index, name=values.name, dtype="str")
