"""Paths and the region registry: the one place that knows where things are.

The project root is found once (``ASN_EVAL_ROOT`` if set, else the folder holding
``config/regions.yaml`` above this package, else above the working directory), and every
folder is a named constant, so notebooks run from any working directory.

The registry, ``config/regions.yaml``, has one entry per region. It is validated as a whole
before anything runs: unknown keys, a bad slug (``../../etc``), a missing table or an analysis
that names an unknown design are errors that name the entry and the key.

Examples
--------
>>> from helpers.core.config import load_registry
>>> regions = load_registry()
>>> sorted(regions)[:2]
['jambi', 'kalianda']
>>> regions["kepahiang"].min_cell_size
5
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

import yaml

from helpers.core.errors import ConfigError

__all__ = [
    "PROJECT_ROOT",
    "ProjectPaths",
    "paths",
    "TableSpec",
    "TreatmentSpec",
    "AnalysisSpec",
    "Region",
    "load_registry",
    "get_region",
    "check_region_files",
    "TableKind",
    "Design",
]

TableKind = Literal[
    "roster",
    "training",
    "skp",
    "survey",
    "codes",
    "person_outcome",
    "linked_outcome",
    "events",
    "rollout",
]
Design = Literal["diff", "ancova", "ipw", "did", "paired", "mixed"]
Wave = Literal["pre", "post", "feedback"]
Source = Literal["csv", "xlsx", "google_forms", "kobotoolbox", "qualcoder", "taguette"]

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


def _find_root() -> Path:
    env = os.environ.get("ASN_EVAL_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[3]  # src/helpers/core/config.py -> the root
    if (here / "config" / "regions.yaml").is_file():
        return here
    for candidate in [Path.cwd(), *Path.cwd().parents]:
        if (candidate / "config" / "regions.yaml").is_file():
            return candidate
    return here


@dataclass(frozen=True)
class ProjectPaths:
    """Every folder of the project, relative to one root.

    Tests and the benchmarks build a ``ProjectPaths`` on a temporary copy; everything else uses
    :data:`paths`, built on :data:`PROJECT_ROOT`.
    """

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config" / "regions.yaml"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def review(self) -> Path:
        return self.root / "data" / "review"

    @property
    def truth(self) -> Path:
        return self.root / "data" / "truth"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        """Executed notebooks, kept for audit (and for inspection when a region fails)."""
        return self.root / "reports" / "build"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def raw_region(self, slug: str) -> Path:
        return self.raw / _checked_slug(slug)

    def processed_region(self, slug: str) -> Path:
        return self.processed / _checked_slug(slug)

    def review_region(self, slug: str) -> Path:
        return self.review / _checked_slug(slug)

    def report_file(self, slug: str) -> Path:
        return self.reports / f"{_checked_slug(slug)}.html"


PROJECT_ROOT: Path = _find_root()
paths = ProjectPaths(PROJECT_ROOT)


def _checked_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise ConfigError(
            f"region slug {slug!r} is not valid: expected lower-case letters, digits and '_' "
            "(2-41 characters, starting with a letter), e.g. 'kepahiang'"
        )
    return slug


@dataclass(frozen=True)
class TableSpec:
    """One raw file of a region and its role."""

    name: str
    file: str
    kind: TableKind
    wave: Wave | None = None
    source: Source | None = None
    sheet: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class TreatmentSpec:
    """Who counts as treated: ``min_jp`` hours of training in ``window`` from the training table,
    or (when ``window`` is None) being listed in ``table``."""

    table: str
    window: tuple[str, str] | None = None
    min_jp: float = 0.0


@dataclass(frozen=True)
class AnalysisSpec:
    """One outcome to estimate, with the designs that apply."""

    id: str
    level: int
    outcome: str
    label: str
    designs: tuple[str, ...]
    frame: str = "person"
    baseline: str | None = None
    covariates: tuple[str, ...] | None = None
    unit: str | None = None
    time: str | None = None
    cluster: str | None = None
    higher_is_better: bool = True


@dataclass(frozen=True)
class Region:
    """A region's registry entry, validated."""

    slug: str
    name: str
    province: str
    kemendagri_code: str
    programme: str
    question: str
    language: str
    min_cell_size: int
    reference_date: str
    codebook: str
    code_codebook: str
    tables: Mapping[str, TableSpec]
    treatment: TreatmentSpec
    analyses: tuple[AnalysisSpec, ...]
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def tables_of_kind(self, kind: str) -> dict[str, TableSpec]:
        """The region's tables of one kind, by name."""
        return {n: t for n, t in self.tables.items() if t.kind == kind}

    def parameters(self) -> dict[str, Any]:
        """The papermill parameters every notebook of this region receives."""
        return {"region": self.slug}


_REGION_KEYS = {
    "slug",
    "name",
    "province",
    "kemendagri_code",
    "programme",
    "question",
    "language",
    "min_cell_size",
    "reference_date",
    "codebook",
    "code_codebook",
    "tables",
    "treatment",
    "analyses",
}
_EXTRA_KEYS = {"moderator", "feedback_response", "budget"}
_REQUIRED_REGION_KEYS = {
    "slug",
    "name",
    "province",
    "kemendagri_code",
    "programme",
    "tables",
    "treatment",
    "analyses",
}
_TABLE_KEYS = {"file", "kind", "wave", "source", "sheet", "key"}
_TREATMENT_KEYS = {"table", "window", "min_jp"}
_ANALYSIS_KEYS = {
    "id",
    "level",
    "outcome",
    "label",
    "designs",
    "frame",
    "baseline",
    "covariates",
    "unit",
    "time",
    "cluster",
    "higher_is_better",
}
_LANGUAGES = {"id", "en"}


def _unknown(where: str, given: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(given) - allowed)
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {extra}; allowed: {sorted(allowed)}")


def _literal(where: str, value: Any, kind: Any) -> Any:
    allowed = get_args(kind)
    if value not in allowed:
        raise ConfigError(f"{where}: {value!r} is not one of {list(allowed)}")
    return value


def _table(where: str, name: str, raw: Any) -> TableSpec:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping with 'file' and 'kind', got {raw!r}")
    _unknown(where, raw, _TABLE_KEYS)
    if "file" not in raw or "kind" not in raw:
        raise ConfigError(f"{where}: 'file' and 'kind' are required")
    file = str(raw["file"])
    if "/" in file or "\\" in file or file.startswith("."):
        raise ConfigError(
            f"{where}: file {file!r} must be a plain file name inside the region's data folder"
        )
    kind = _literal(f"{where}.kind", raw["kind"], TableKind)
    wave = raw.get("wave")
    if kind == "survey":
        _literal(f"{where}.wave", wave, Wave)
    source = raw.get("source")
    if source is not None:
        _literal(f"{where}.source", source, Source)
    if kind == "linked_outcome" and not raw.get("key"):
        raise ConfigError(
            f"{where}: a linked_outcome table needs 'key' (the NIP column that "
            "links a row to a person)"
        )
    return TableSpec(
        name=name,
        file=file,
        kind=kind,
        wave=wave,
        source=source,
        sheet=raw.get("sheet"),
        key=raw.get("key"),
    )


def _analysis(where: str, raw: Any, tables: Mapping[str, TableSpec]) -> AnalysisSpec:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {raw!r}")
    _unknown(where, raw, _ANALYSIS_KEYS)
    for key in ("id", "level", "outcome", "label", "designs"):
        if key not in raw:
            raise ConfigError(f"{where}: '{key}' is required")
    level = raw["level"]
    if level not in (1, 2, 3, 4):
        raise ConfigError(f"{where}.level: {level!r} is not a Kirkpatrick level (1-4)")
    designs = tuple(raw["designs"])
    if not designs:
        raise ConfigError(f"{where}.designs: at least one design is needed")
    for d in designs:
        _literal(f"{where}.designs", d, Design)
    frame = raw.get("frame", "person")
    if frame != "person" and frame not in tables:
        raise ConfigError(
            f"{where}.frame: {frame!r} is neither 'person' nor a table of this "
            f"region ({sorted(tables)})"
        )
    if "did" in designs and not (raw.get("unit") and raw.get("time")):
        raise ConfigError(f"{where}: design 'did' needs 'unit' and 'time'")
    covs = raw.get("covariates")
    return AnalysisSpec(
        id=str(raw["id"]),
        level=int(level),
        outcome=str(raw["outcome"]),
        label=str(raw["label"]),
        designs=designs,
        frame=frame,
        baseline=raw.get("baseline"),
        covariates=tuple(covs) if covs is not None else None,
        unit=raw.get("unit"),
        time=raw.get("time"),
        cluster=raw.get("cluster"),
        higher_is_better=bool(raw.get("higher_is_better", True)),
    )


def _region(raw: Any, defaults: Mapping[str, Any], index: int) -> Region:
    where = f"regions[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    _unknown(where + f" ({raw.get('slug', '?')})", raw, _REGION_KEYS | _EXTRA_KEYS)
    missing = sorted(_REQUIRED_REGION_KEYS - set(raw))
    if missing:
        raise ConfigError(f"{where} ({raw.get('slug', '?')}): missing key(s) {missing}")
    slug = _checked_slug(raw["slug"])
    where = f"region {slug!r}"
    merged = {**defaults, **raw}
    if merged.get("language", "id") not in _LANGUAGES:
        raise ConfigError(f"{where}.language: expected one of {sorted(_LANGUAGES)}")
    min_cell = merged.get("min_cell_size", 5)
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise ConfigError(f"{where}.min_cell_size: expected a positive integer, got {min_cell!r}")
    if not isinstance(raw["tables"], Mapping) or not raw["tables"]:
        raise ConfigError(f"{where}.tables: expected a mapping of table name -> spec")
    tables = {n: _table(f"{where}.tables.{n}", n, t) for n, t in raw["tables"].items()}
    if "roster" not in {t.kind for t in tables.values()}:
        raise ConfigError(f"{where}.tables: a region needs one table of kind 'roster'")
    tr = raw["treatment"]
    if not isinstance(tr, Mapping):
        raise ConfigError(f"{where}.treatment: expected a mapping")
    _unknown(f"{where}.treatment", tr, _TREATMENT_KEYS)
    if tr.get("table") not in tables:
        raise ConfigError(
            f"{where}.treatment.table: {tr.get('table')!r} is not a table of this "
            f"region ({sorted(tables)})"
        )
    window = tr.get("window")
    if window is not None and (not isinstance(window, list | tuple) or len(window) != 2):
        raise ConfigError(f"{where}.treatment.window: expected [start, end] dates")
    treatment = TreatmentSpec(
        table=tr["table"],
        window=tuple(str(w) for w in window) if window else None,
        min_jp=float(tr.get("min_jp", 0)),
    )
    analyses = tuple(
        _analysis(f"{where}.analyses[{i}]", a, tables) for i, a in enumerate(raw["analyses"] or [])
    )
    ids = [a.id for a in analyses]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{where}.analyses: ids must be unique, got {ids}")
    extra = MappingProxyType({k: raw[k] for k in _EXTRA_KEYS if k in raw})
    return Region(
        slug=slug,
        name=str(raw["name"]),
        province=str(raw["province"]),
        kemendagri_code=str(raw["kemendagri_code"]),
        programme=str(raw["programme"]),
        question=str(merged.get("question", "")).strip(),
        language=merged.get("language", "id"),
        min_cell_size=min_cell,
        reference_date=str(merged.get("reference_date", "2025-06-30")),
        codebook=str(merged.get("codebook", "codebook.csv")),
        code_codebook=str(merged.get("code_codebook", "codes.csv")),
        tables=MappingProxyType(tables),
        treatment=treatment,
        analyses=analyses,
        extra=extra,
    )


def load_registry(path: str | Path | None = None) -> dict[str, Region]:
    """Read and validate the region registry.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``config/regions.yaml`` under the project root.

    Returns
    -------
    dict of str to Region
        Regions by slug, in the file's order.

    Raises
    ------
    ConfigError
        The file is missing or any entry is invalid; the message names the entry and the key.
    """
    path = Path(path) if path is not None else paths.config_file
    if not path.is_file():
        raise ConfigError(f"{path}: region registry not found")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("regions"), list):
        raise ConfigError(f"{path}: expected a top-level 'regions:' list")
    _unknown(str(path), doc, {"defaults", "regions"})
    defaults = doc.get("defaults") or {}
    regions: dict[str, Region] = {}
    for i, raw in enumerate(doc["regions"]):
        region = _region(raw, defaults, i)
        if region.slug in regions:
            raise ConfigError(f"{path}: region {region.slug!r} is listed twice")
        regions[region.slug] = region
    return regions


def get_region(slug: str, *, registry: Mapping[str, Region] | None = None) -> Region:
    """One region by slug; a clear error lists the known slugs."""
    _checked_slug(slug)
    registry = load_registry() if registry is None else registry
    if slug not in registry:
        raise ConfigError(f"unknown region {slug!r}; known regions: {sorted(registry)}")
    return registry[slug]


def check_region_files(region: Region, project: ProjectPaths | None = None) -> list[str]:
    """List what is missing from the region's raw folder (empty list when complete)."""
    project = project or paths
    folder = project.raw_region(region.slug)
    problems = []
    if not folder.is_dir():
        return [f"{folder}: the region's data folder does not exist"]
    needed = [t.file for t in region.tables.values()] + [region.codebook]
    if region.tables_of_kind("codes"):
        needed.append(region.code_codebook)
    for name in needed:
        if not (folder / name).is_file():
            problems.append(f"{folder / name}: file listed in config/regions.yaml is missing")
    return problems
