"""Provenance of a report: data fingerprints, code version, package versions, parameters, date;
and the notice shown when a region's data are synthetic."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers.core.config import PROJECT_ROOT, ProjectPaths, Region, paths
from helpers.core.formatting import Html, escape, fmt_date

__all__ = [
    "SYNTHETIC_MARKER",
    "is_synthetic",
    "synthetic_notice",
    "fingerprints",
    "git_commit",
    "package_versions",
    "provenance_table",
    "PACKAGES",
]

#: Written by the example-data generator into each region's raw folder.
SYNTHETIC_MARKER = "SINTETIS.txt"
PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "seaborn",
    "matplotlib",
    "papermill",
    "nbconvert",
    "pyarrow",
    "pandera",
    "openpyxl",
    "python-calamine",
    "krippendorff",
)


def is_synthetic(region: Region, *, project: ProjectPaths = paths) -> bool:
    """True when the region's raw folder carries the generator's marker file."""
    return (project.raw_region(region.slug) / SYNTHETIC_MARKER).is_file()


def synthetic_notice(
    region: Region, *, project: ProjectPaths = paths, language: str | None = None
) -> Html:
    """A visible notice for the top of every notebook and report made from synthetic data
    (an empty string for real data)."""
    if not is_synthetic(region, project=project):
        return Html("")
    lang = language or region.language
    text = (
        f"Data {escape(region.name)} dalam dokumen ini SINTETIS: dibuat oleh generator "
        "contoh dengan efek yang sudah diketahui, bukan data pegawai sungguhan."
        if lang == "id"
        else f"The data of {escape(region.name)} in this document are SYNTHETIC: made by the "
        "example generator with known effects, not real staff records."
    )
    return Html(
        f'<div class="notice synthetic" role="note" style="border-left:5px solid '
        f'#c98a00;background:#fff4d6;padding:.6rem 1rem;font-weight:600">{text}</div>'
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprints(folder: Path) -> pd.DataFrame:
    """SHA-256, size and name of every file in a folder (sorted by name)."""
    rows = [
        {"file": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file()
    ]
    return pd.DataFrame(rows, columns=["file", "bytes", "sha256"])


def git_commit(root: Path = PROJECT_ROOT) -> str:
    """The checked-out commit (with '+changes' when the tree is dirty), or 'unknown'."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return sha + ("+changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions(packages: tuple[str, ...] = PACKAGES) -> pd.DataFrame:
    """Installed versions of the packages the analysis depends on."""
    rows = []
    for name in ("asn-eval-helpers", *packages):
        try:
            rows.append({"package": name, "version": metadata.version(name)})
        except metadata.PackageNotFoundError:
            rows.append({"package": name, "version": "not installed"})
    return pd.DataFrame(rows)


def now_wib() -> str:
    """The current time as readers write it, in Western Indonesian Time: '23 November 2026,
    13.44 WIB'."""
    from zoneinfo import ZoneInfo

    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    return f"{fmt_date(now)}, {now:%H.%M} WIB"


#: The items of :func:`provenance_table`, in Indonesian and English.
_PROVENANCE_ITEMS = {
    "id": (
        "Wilayah", "Parameter", "Versi kode (git)", "Tanggal pembuatan",
        "Sidik jari data mentah (SHA-256 gabungan)", "Jumlah berkas data mentah", "kode",
    ),
    "en": (
        "Region", "Parameters", "Code version (git)", "Made on",
        "Fingerprint of the raw data (combined SHA-256)", "Number of raw data files", "code",
    ),
}  # fmt: skip


def provenance_table(
    region: Region, parameters: dict, *, project: ProjectPaths = paths, language: str = "id"
) -> pd.DataFrame:
    """Key facts about one run: region, parameters, commit, run date, data fingerprint (the
    items named in ``language``)."""
    fp = fingerprints(project.raw_region(region.slug))
    combined = hashlib.sha256("".join(fp["sha256"]).encode()).hexdigest()
    items = _PROVENANCE_ITEMS.get(language, _PROVENANCE_ITEMS["id"])
    return pd.DataFrame(
        [
            (items[0], f"{region.name} ({region.slug}, {items[6]} {region.kemendagri_code})"),
            (items[1], ", ".join(f"{k}={v!r}" for k, v in parameters.items())),
            (items[2], git_commit(project.root)),
            (items[3], now_wib()),
            (items[4], combined[:16]),
            (items[5], str(len(fp))),
        ],
        columns=["Keterangan", "Nilai"],
    )
