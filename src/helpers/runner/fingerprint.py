"""What a region's and the synthesis's outputs depend on, hashed: a build is skipped when it
is unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
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


def _key_bytes(key: bytes | None) -> bytes | None:
    if key is not None:
        return key
    from helpers.privacy.pseudonym import default_key_path, load_or_create_key

    # read (with its permission check) only a key that exists: a fingerprint never makes one
    return load_or_create_key() if default_key_path().is_file() else None


def key_id(key: bytes | None = None) -> str:
    """The key's :func:`~helpers.privacy.pseudonym.key_fingerprint`, or ``"no key"`` when there
    is none yet (default: the key file)."""
    from helpers.privacy.pseudonym import key_fingerprint

    data = _key_bytes(key)
    return "no key" if data is None else key_fingerprint(data)


def region_fingerprint(
    region: Region,
    *,
    project: ProjectPaths = paths,
    key: bytes | None = None,
    review: bool = True,
) -> str:
    """SHA-256 over everything a region's outputs depend on: every file in its raw folder
    (subfolders too) and every input its registry entry names wherever it lives, its review
    files (unless ``review`` is False: a run adds new duplicate groups to them itself), its
    registry entry, the notebooks, the helpers package's code and the pseudonym key (``key``,
    default the key file)."""
    from helpers.core.config import region_inputs

    h = hashlib.sha256()
    raw = [p for p in project.raw_region(region.slug).rglob("*") if p.is_file()]
    inputs = [p for p in region_inputs(region, project).values() if p not in raw]
    _hash_files(h, raw + inputs, project.root)
    if review:
        _hash_files(h, list(project.review_region(region.slug).glob("*.csv")), project.root)
    h.update(repr(region).encode())
    _hash_files(h, [project.notebooks / f"{n}.ipynb" for n in REGION_NOTEBOOKS], project.root)
    _hash_files(h, _code_files(), PACKAGE.parent)
    h.update(key_id(key).encode())
    return h.hexdigest()


def _stamp_file(project: ProjectPaths, slug: str) -> Path:
    return project.build / slug / ".fingerprint"


def is_up_to_date(
    region: Region, *, project: ProjectPaths = paths, fingerprint: str | None = None
) -> bool:
    """True when the region's report exists and nothing it depends on changed since its last
    build (``fingerprint``: the inputs' fingerprint now, if already computed)."""
    stamp = _stamp_file(project, region.slug)
    if not (stamp.is_file() and project.report_file(region.slug).is_file()):
        return False
    now = fingerprint or region_fingerprint(region, project=project)
    return stamp.read_text().strip() == now


#: What the synthesis reads from each region's processed folder
#: (:func:`helpers.steps.sections.synthesis.load_synthesis`): its fingerprint covers these
#: files, and a run copies them for a synthesis of regions not yet published.
SYNTHESIS_INPUT_FILES = ("effects.parquet", "reaction.parquet")


def _synthesis_fingerprint(
    regions: Sequence[str], project: ProjectPaths, folders: Mapping[str, Path] | None = None
) -> str:
    """Over the regions' :data:`SYNTHESIS_INPUT_FILES` (in ``folders[slug]``, where the
    synthesis read them; default the published folder), their registry entries (the page names
    each region) and synthetic-data markers (the page says when data are synthetic), the
    synthesis notebook, the code and the construct vocabulary."""
    from helpers.core.config import load_registry
    from helpers.steps.provenance import is_synthetic

    h = hashlib.sha256(",".join(regions).encode())
    folders = folders or {}
    registry = load_registry(project.config_file)
    for slug in regions:  # in the regions' order, named by region (copies live elsewhere)
        region = registry[slug]
        h.update(repr(region).encode())
        h.update(b"synthetic" if is_synthetic(region, project=project) else b"")
        folder = folders.get(slug, project.published_region(slug))
        for name in SYNTHESIS_INPUT_FILES:
            f = folder / name
            h.update(hashlib.sha256(f.read_bytes()).digest() if f.is_file() else b"missing")
    _hash_files(h, [project.config_file.with_name("constructs.yaml")], project.root)
    _hash_files(h, [project.notebooks / f"{SYNTHESIS_NOTEBOOK}.ipynb"], project.root)
    _hash_files(h, _code_files(), PACKAGE.parent)
    return h.hexdigest()


def _synthesis_stamp(project: ProjectPaths) -> Path:
    return project.build / ".synthesis.fingerprint"


def _synthesis_up_to_date(
    regions: Sequence[str], project: ProjectPaths, folders: Mapping[str, Path] | None = None
) -> bool:
    """The synthesis page exists and its stamp matches the fingerprint over what the synthesis
    would read now (``folders``, as for :func:`_synthesis_fingerprint`)."""
    stamp = _synthesis_stamp(project)
    return (
        (project.reports / "synthesis.html").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == _synthesis_fingerprint(regions, project, folders)
    )
