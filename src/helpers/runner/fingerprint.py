"""What a region's and the synthesis's outputs depend on, hashed: a build is skipped when it
is unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers.core.config import ProjectPaths, Region, paths
from helpers.runner.notebooks import REGION_NOTEBOOKS, SYNTHESIS_NOTEBOOK


def _hash_files(h: Any, files: Sequence[Path], root: Path) -> None:
    for f in sorted(files):
        if f.is_file():
            h.update(str(f.relative_to(root)).encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())


PACKAGE = Path(__file__).resolve().parents[1]  # src/helpers


def _code_files() -> list[Path]:
    package = PACKAGE
    return [p for p in package.rglob("*") if p.suffix in (".py", ".j2", ".css")]


def region_fingerprint(region: Region, *, project: ProjectPaths = paths) -> str:
    """SHA-256 over everything a region's outputs depend on: its raw files and review files,
    its registry entry, the notebooks, the helpers package's code and the pseudonym key."""
    h = hashlib.sha256()
    _hash_files(h, list(project.raw_region(region.slug).glob("*")), project.root)
    _hash_files(h, list(project.review_region(region.slug).glob("*.csv")), project.root)
    h.update(repr(region).encode())
    _hash_files(h, [project.notebooks / f"{n}.ipynb" for n in REGION_NOTEBOOKS], project.root)
    _hash_files(h, _code_files(), PACKAGE.parent)
    from helpers.privacy.pseudonym import default_key_path

    key = default_key_path()
    h.update(hashlib.sha256(key.read_bytes()).digest() if key.is_file() else b"no key")
    return h.hexdigest()


def _stamp_file(project: ProjectPaths, slug: str) -> Path:
    return project.build / slug / ".fingerprint"


def is_up_to_date(region: Region, *, project: ProjectPaths = paths) -> bool:
    """True when the region's report exists and nothing it depends on changed since."""
    stamp = _stamp_file(project, region.slug)
    return (
        stamp.is_file()
        and project.report_file(region.slug).is_file()
        and stamp.read_text().strip() == region_fingerprint(region, project=project)
    )


def _synthesis_fingerprint(regions: Sequence[str], project: ProjectPaths) -> str:
    h = hashlib.sha256(",".join(regions).encode())
    _hash_files(h, [project.processed_region(s) / "effects.parquet" for s in regions], project.root)
    _hash_files(h, [project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb"], project.root)
    _hash_files(h, _code_files(), PACKAGE.parent)
    return h.hexdigest()


def _synthesis_stamp(project: ProjectPaths) -> Path:
    return project.build / ".synthesis.fingerprint"


def _synthesis_up_to_date(regions: Sequence[str], project: ProjectPaths) -> bool:
    stamp = _synthesis_stamp(project)
    return (
        (project.reports / "synthesis.html").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == _synthesis_fingerprint(regions, project)
    )
