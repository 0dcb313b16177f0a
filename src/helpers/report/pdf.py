"""Print an exported report to an A4 PDF with headless Chromium (``run --pdf``).

The page's print stylesheet (``templates/report.css`` and the ``@page`` rules in
``page.html.j2``) sets A4 with margins and prints the page numbers ("Halaman 3 dari 12") in the
page margin, so Chromium's own header and footer are switched off (``--no-pdf-header-footer``).
Chromium runs offline (no background networking, a fresh profile in a temporary folder) and
writes into a temporary file beside the target, which is renamed into place: a reader sees
the old PDF or the new one, never half of one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["ChromiumMissingError", "find_chromium", "print_pdf", "report_pdf", "CHROMIUM_FLAGS"]

#: Flags of a headless, offline Chromium that starts with nothing of a user's profile.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumMissingError(RuntimeError):
    """No Chromium to print with: the message says how to install one."""


def find_chromium(executable: str | os.PathLike[str] | None = None) -> str:
    """The Chromium to print with: ``executable``, ``$CHROMIUM``, or the first on the path.

    Raises
    ------
    ChromiumMissingError
        None found; the message names what was tried and how to install Debian's.
    """
    tried = [str(executable)] if executable else []
    if os.environ.get("CHROMIUM"):
        tried.append(os.environ["CHROMIUM"])
    tried += [*_CANDIDATES, "/usr/bin/chromium"]
    for name in tried:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissingError(
        "printing a report to PDF needs headless Chromium, and none was found (tried "
        f"{', '.join(tried)}); install it (Debian/Ubuntu: `apt-get install chromium`) or name "
        "one with the CHROMIUM environment variable"
    )


def print_pdf(
    html: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    chromium: str | os.PathLike[str] | None = None,
    timeout: float = 300,
) -> Path:
    """Print one HTML file to ``target`` (A4, the page's own page numbers), atomically.

    Parameters
    ----------
    html : path
        The exported, self-contained report.
    target : path
        The PDF to write.
    chromium : path, optional
        The browser (default :func:`find_chromium`).
    timeout : float
        Seconds Chromium may take.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    ChromiumMissingError
        No Chromium.
    RuntimeError
        Chromium failed or wrote no PDF (its last output lines are in the message).
    """
    source = Path(html).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"no report to print at {source}")
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    browser = find_chromium(chromium)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="asn-eval-chromium-") as profile:
            cmd = [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                source.as_uri(),
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        data = tmp.read_bytes() if tmp.is_file() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-5:])
            raise RuntimeError(
                f"Chromium could not print {source.name} to PDF (exit {proc.returncode}): {tail}"
            )
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary file, not mkstemp's 0600
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def report_pdf(html: str | os.PathLike[str], *, stale_only: bool = False) -> Path | None:
    """Print a published report to the PDF beside it (``reports/<region>.pdf``).

    With ``stale_only`` a PDF newer than its HTML is kept (for regions a run skipped because
    nothing changed). Returns the PDF, or None when it was up to date.
    """
    source = Path(html)
    target = source.with_suffix(".pdf")
    if stale_only and target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return None
    return print_pdf(source, target)
