"""The region registry, ``config/regions.yaml``, read against a declared schema.

The schema is a set of pydantic models (:class:`RegistryFile` and the models it holds, in
:mod:`helpers.core.registry_schema`); every
key, its type and its allowed values are declared there, so a typo anywhere (inside
``defaults`` too), ``level: true``, ``designs: ancova`` or ``min_jp: "dua puluh"`` is an error
that names the file, the region, the key and what was expected. A valid entry becomes a frozen
:class:`Region` that the rest of the package reads. The construct vocabulary,
``config/constructs.yaml``, is read and checked the same way.

Examples
--------
>>> from helpers.core.registry import load_registry
>>> regions = load_registry()
>>> regions["jambi"].analyses[0].designs
('did',)
>>> regions["kepahiang"].analyses[0].construct
'job_satisfaction'
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from helpers.core.errors import ConfigError
from helpers.core.paths import ProjectPaths, paths
from helpers.core.registry_schema import ConstructFile, Defaults, RegionModel, RegistryFile
from helpers.core.safe_yaml import load_yaml
from helpers.core.vocabulary import (
    Source,
    TableKind,
    Wave,
)

__all__ = [
    "TableSpec",
    "TreatmentSpec",
    "AnalysisSpec",
    "Region",
    "Construct",
    "Question",
    "ScaleWords",
    "load_registry",
    "load_constructs",
    "get_region",
    "check_region_files",
    "region_inputs",
    "RegistryFile",
]


# --------------------------------------------------------------------------------------------
# what the rest of the package reads
# --------------------------------------------------------------------------------------------


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
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class TreatmentSpec:
    """Who counts as treated: ``min_jp`` hours of training in ``window`` from the training table,
    or (when ``window`` is None) being listed in ``table``."""

    table: str
    window: tuple[str, str] | None = None
    min_jp: float = 0.0
    control: str = "untrained"


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
    construct: str | None = None
    unit_label: str | None = None
    exclude_units: tuple[str, ...] = ()
    label_en: str | None = None
    unit_label_en: str | None = None


@dataclass(frozen=True)
class Question:
    """One of a region's evaluation questions, and what answers it."""

    text: str
    answered_by: tuple[str, ...]
    needs: str | None = None
    text_en: str | None = None
    needs_en: str | None = None


@dataclass(frozen=True)
class ScaleWords:
    """A survey scale that a descriptive answer is about, and the reader's words for it
    (``participation_scales`` and ``information_scale`` in the registry): its ``label`` in a
    sentence and, for a participation scale, the words for staff in its top and bottom third
    (``high``, ``low``). None where the registry gives no words: the report then uses its
    own (:data:`helpers.core.labels.LABELS`)."""

    scale: str
    label: str | None = None
    high: str | None = None
    low: str | None = None
    label_en: str | None = None
    high_en: str | None = None
    low_en: str | None = None

    def missing_english(self) -> list[str]:
        """The words given without their English twin (``label`` without ``label_en``)."""
        pairs = (("label", self.label, self.label_en), ("high", self.high, self.high_en))
        pairs += (("low", self.low, self.low_en),)
        return [f"{key}_en" for key, given, twin in pairs if given and not twin]

    def for_readers(self) -> ScaleWords:
        """The words in English (an English twin, else the Indonesian words)."""
        return replace(
            self,
            label=self.label_en or self.label,
            high=self.high_en or self.high,
            low=self.low_en or self.low,
        )


@dataclass(frozen=True)
class Region:
    """A region's registry entry, validated."""

    slug: str
    name: str
    province: str
    kemendagri_code: str
    programme: str
    language: str
    min_cell_size: int
    reference_date: str
    codebook: str
    code_codebook: str
    tables: Mapping[str, TableSpec]
    treatment: TreatmentSpec
    analyses: tuple[AnalysisSpec, ...]
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    moderators: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    moderator_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The reader's words for moderators that the registry labels (``{column, label}``)."""
    moderator_labels_en: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Their English twins (``label_en``)."""
    programme_en: str | None = None
    participation_scales: tuple[ScaleWords, ...] = ()
    """The staff-survey scales whose link with taking part the report describes."""
    information_scale: ScaleWords | None = None
    """The scale of access to career information and mentoring, asked before the programme."""

    def missing_english(self) -> list[str]:
        """The reader-facing keys that lack their English twin (``programme_en``, a question's
        ``text_en`` and ``needs_en``, an analysis's ``label_en`` and ``unit_label_en``): what an
        English report (``language: en``) would show in Indonesian."""
        missing = [] if self.programme_en else ["programme_en"]
        for i, q in enumerate(self.questions):
            missing += [] if q.text_en else [f"questions[{i}].text_en"]
            missing += [f"questions[{i}].needs_en"] if q.needs and not q.needs_en else []
        for i, column in enumerate(self.moderators):
            if column in self.moderator_labels and column not in self.moderator_labels_en:
                missing.append(f"moderators[{i}].label_en ({column})")
        for i, s in enumerate(self.participation_scales):
            missing += [f"participation_scales[{i}].{k} ({s.scale})" for k in s.missing_english()]
        if self.information_scale is not None:
            scale = self.information_scale
            missing += [f"information_scale.{k} ({scale.scale})" for k in scale.missing_english()]
        for i, a in enumerate(self.analyses):
            missing += [] if a.label_en else [f"analyses[{i}].label_en ({a.id})"]
            if a.unit_label and not a.unit_label_en:
                missing.append(f"analyses[{i}].unit_label_en ({a.id})")
        return missing

    def for_readers(self) -> Region:
        """The entry as its report's readers see it: in an English region (``language: en``)
        the reader-facing texts are their English twins (the Indonesian text where a twin is
        missing, which ``python -m helpers.pipeline check`` reports); else the entry itself."""
        if self.language != "en":
            return self
        return replace(
            self,
            programme=self.programme_en or self.programme,
            questions=tuple(
                replace(q, text=q.text_en or q.text, needs=q.needs_en or q.needs)
                for q in self.questions
            ),
            analyses=tuple(
                replace(a, label=a.label_en or a.label, unit_label=a.unit_label_en or a.unit_label)
                for a in self.analyses
            ),
            moderator_labels=MappingProxyType(
                {**self.moderator_labels, **self.moderator_labels_en}
            ),
            participation_scales=tuple(s.for_readers() for s in self.participation_scales),
            information_scale=(
                self.information_scale.for_readers() if self.information_scale else None
            ),
        )

    def tables_of_kind(self, kind: str) -> dict[str, TableSpec]:
        """The region's tables of one kind, by name."""
        return {n: t for n, t in self.tables.items() if t.kind == kind}

    def parameters(self) -> dict[str, Any]:
        """The papermill parameters every notebook of this region receives."""
        return {"region": self.slug}


@dataclass(frozen=True)
class Construct:
    """One entry of the construct vocabulary (``config/constructs.yaml``)."""

    name: str
    label: str
    label_en: str
    instrument: str


# --------------------------------------------------------------------------------------------
# errors a person can act on
# --------------------------------------------------------------------------------------------


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "function-before") or str(part).startswith(
            ("function-", "constrained-", "lax-or-strict", "union[", "json-or-python")
        ):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed where an unknown key was found."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        nested = [
            a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        current = nested[0] if nested else None
    return sorted(getattr(current, "model_fields", {})) if current is not None else []


def _explain(error: Mapping[str, Any], model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    where = _location(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc)
        return f"{where}: unknown key {loc[-1]!r}; allowed: {allowed}"
    if kind == "missing":
        return f"{where}: is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: {value!r} is not one of {expected}"
    if kind == "list_type":
        return f"{where}: expected a list such as [{value}], got {value!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping (key: value lines), got {value!r}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"{where}: expected a whole number, got {value!r}"
    if kind in ("float_type", "float_parsing"):
        return f"{where}: expected a number, got {value!r}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{where}: expected true or false, got {value!r}"
    if kind == "string_type":
        return f"{where}: expected text, got {value!r}"
    if kind == "string_pattern_mismatch" and where.endswith("slug"):
        return (
            f"{where}: region slug {value!r} is not valid: expected lower-case letters, digits and '_' "
            "(2-41 characters, starting with a letter), e.g. 'kepahiang'"
        )
    if kind == "string_pattern_mismatch" and where.endswith("kemendagri_code"):
        return f'{where}: expected a Kemendagri code such as "17.08", got {value!r}'
    if kind == "too_short":
        return f"{where}: must not be empty"
    if kind == "greater_than_equal":
        limit = error.get("ctx", {}).get("ge")
        return f"{where}: expected a whole number of at least {limit}, got {value!r}"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _raise_validation(source: str, what: str, exc: ValidationError, model: type[BaseModel]) -> None:
    problems = [_explain(e, model) for e in exc.errors(include_url=False)]
    lines = "\n  - ".join(problems)
    raise ConfigError(f"{source}: {what}: {len(problems)} problem(s)\n  - {lines}") from None


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------


def load_constructs(path: str | Path | None = None) -> dict[str, Construct]:
    """Read and validate the construct vocabulary (``config/constructs.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``config/constructs.yaml`` beside the registry.

    Returns
    -------
    dict of str to Construct
        By name, in the file's order.

    Raises
    ------
    ConfigError
        The file is unreadable or an entry is invalid.
    """
    path = Path(path) if path is not None else paths.config_file.with_name("constructs.yaml")
    doc = load_yaml(path, source=_source(path))
    try:
        parsed = ConstructFile.model_validate(doc)
    except ValidationError as exc:
        _raise_validation(_source(path), "construct vocabulary", exc, ConstructFile)
    return {
        name: Construct(name, c.label, c.label_en, c.instrument)
        for name, c in parsed.constructs.items()
    }


def _source(path: Path) -> str:
    return paths.relative(path) if path.is_absolute() else str(path)


def _region(raw: Any, defaults: Defaults, index: int, source: str) -> Region:
    label = raw.get("slug", "?") if isinstance(raw, Mapping) else "?"
    what = f"region {label!r} (regions[{index}])"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: {what}: expected a mapping of keys, got {raw!r}")
    try:
        m = RegionModel.model_validate(dict(raw))
    except ValidationError as exc:
        _raise_validation(source, what, exc, RegionModel)
    tables = {
        n: TableSpec(
            n,
            t.file,
            t.kind,
            t.wave,
            t.source,
            t.sheet,
            t.key,
            MappingProxyType(dict(t.columns or {})),
        )
        for n, t in m.tables.items()
    }
    analyses = tuple(
        AnalysisSpec(
            id=a.id,
            level=a.level,
            outcome=a.outcome,
            label=a.label,
            designs=tuple(a.designs),
            frame=a.frame,
            baseline=a.baseline,
            covariates=tuple(a.covariates) if a.covariates is not None else None,
            unit=a.unit,
            time=a.time,
            cluster=a.cluster,
            higher_is_better=a.higher_is_better,
            construct=a.construct_name,
            unit_label=a.unit_label,
            exclude_units=tuple(a.exclude_units),
            label_en=a.label_en,
            unit_label_en=a.unit_label_en,
        )
        for a in m.analyses
    )
    extra: dict[str, Any] = {}
    if m.relevance_scale is not None:
        extra["relevance_scale"] = m.relevance_scale
    if m.feedback_response is not None:
        extra["feedback_response"] = m.feedback_response
    if m.budget is not None:
        extra["budget"] = m.budget.model_dump()
    if m.identifying_roles:
        extra["identifying_roles"] = tuple(m.identifying_roles)
    if m.duplicate_answers is not None:
        extra["duplicate_answers"] = m.duplicate_answers.model_dump()
    return Region(
        slug=m.slug,
        name=m.name,
        province=m.province,
        kemendagri_code=m.kemendagri_code,
        programme=m.programme,
        language=m.language or defaults.language,
        min_cell_size=m.min_cell_size if m.min_cell_size is not None else defaults.min_cell_size,
        reference_date=m.reference_date or defaults.reference_date,
        codebook=m.codebook or defaults.codebook,
        code_codebook=m.code_codebook or defaults.code_codebook,
        tables=MappingProxyType(tables),
        treatment=TreatmentSpec(
            m.treatment.table,
            tuple(m.treatment.window) if m.treatment.window else None,
            float(m.treatment.min_jp),
            m.treatment.control,
        ),
        analyses=analyses,
        extra=MappingProxyType(extra),
        moderators=tuple(x if isinstance(x, str) else x.column for x in m.moderators),
        moderator_labels=MappingProxyType(
            {x.column: x.label for x in m.moderators if not isinstance(x, str)}
        ),
        moderator_labels_en=MappingProxyType(
            {x.column: x.label_en for x in m.moderators if not isinstance(x, str) and x.label_en}
        ),
        questions=tuple(
            Question(q.text, tuple(q.answered_by), q.needs, q.text_en, q.needs_en)
            for q in m.questions
        ),
        programme_en=m.programme_en,
        participation_scales=tuple(_scale_words(x) for x in m.participation_scales),
        information_scale=(
            _scale_words(m.information_scale) if m.information_scale is not None else None
        ),
    )


def _scale_words(entry: Any) -> ScaleWords:
    """A registry scale entry (a name, or a mapping of the scale and its words)."""
    if isinstance(entry, str):
        return ScaleWords(entry)
    return ScaleWords(**entry.model_dump())


def load_registry(path: str | Path | None = None) -> dict[str, Region]:
    """Read and validate the region registry.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``config/regions.yaml`` under the project root. The construct
        vocabulary is read from ``constructs.yaml`` beside it (when present).

    Returns
    -------
    dict of str to Region
        Regions by slug, in the file's order.

    Raises
    ------
    ConfigError
        The file is missing or any entry is invalid; the message names the file, the region,
        the key and what was expected, for every problem found in that region.
    """
    path = Path(path) if path is not None else paths.config_file
    source = _source(path)
    if not path.is_file():
        raise ConfigError(f"{source}: region registry not found")
    key = _registry_key(path)
    with _REGISTRY_LOCK:
        known = _REGISTRY_CACHE.get(key)
    if known is not None:
        return dict(known)
    regions = _read_registry(path, source)
    with _REGISTRY_LOCK:
        _REGISTRY_CACHE[key] = regions
        while len(_REGISTRY_CACHE) > 8:
            _REGISTRY_CACHE.pop(next(iter(_REGISTRY_CACHE)))
    return dict(regions)


#: Registries already read, by file and content (their regions are frozen, so shared): a
#: notebook, the runner and the scan each ask for the registry, and parsing it takes 0.2 s.
_REGISTRY_CACHE: dict[tuple[str, str, str], dict[str, Region]] = {}
_REGISTRY_LOCK = threading.Lock()


def _registry_key(path: Path) -> tuple[str, str, str]:
    """The registry file and its construct vocabulary, by content."""

    def digest(p: Path) -> str:
        try:
            return hashlib.blake2b(p.read_bytes(), digest_size=20).hexdigest()
        except OSError:
            return ""

    return (str(path.resolve()), digest(path), digest(path.with_name("constructs.yaml")))


def _read_registry(path: Path, source: str) -> dict[str, Region]:
    doc = load_yaml(path, source=source)
    if not isinstance(doc, Mapping) or not isinstance(doc.get("regions"), list):
        raise ConfigError(f"{source}: expected a top-level 'regions:' list")
    try:
        parsed = RegistryFile.model_validate(dict(doc))
    except ValidationError as exc:
        _raise_validation(source, "registry", exc, RegistryFile)
    vocabulary_file = path.with_name("constructs.yaml")
    constructs = load_constructs(vocabulary_file) if vocabulary_file.is_file() else None
    regions: dict[str, Region] = {}
    for i, raw in enumerate(parsed.regions):
        region = _region(raw, parsed.defaults, i, source)
        if region.slug in regions:
            raise ConfigError(f"{source}: region {region.slug!r} is listed twice")
        if constructs is not None:
            for j, a in enumerate(region.analyses):
                if a.construct is not None and a.construct not in constructs:
                    raise ConfigError(
                        f"{source}: region {region.slug!r}: analyses[{j}].construct: "
                        f"{a.construct!r} is not in {_source(vocabulary_file)} "
                        f"(known: {sorted(constructs)}); add it there or use a known one"
                    )
        regions[region.slug] = region
    return regions


def get_region(slug: str, *, registry: Mapping[str, Region] | None = None) -> Region:
    """One region by slug; a clear error lists the known slugs."""
    from helpers.core.paths import checked_slug

    checked_slug(slug)
    registry = load_registry() if registry is None else registry
    if slug not in registry:
        raise ConfigError(f"unknown region {slug!r}; known regions: {sorted(registry)}")
    return registry[slug]


def region_inputs(region: Region, project: ProjectPaths | None = None) -> dict[str, Path]:
    """Every file the region's entry names, by role (table names, ``codebook``,
    ``code_codebook``), each confined to the project (see :meth:`ProjectPaths.region_input`).
    """
    project = project or paths
    out = {
        name: project.region_input(region.slug, spec.file, what=f"tables.{name}.file")
        for name, spec in region.tables.items()
    }
    out["codebook"] = project.region_input(region.slug, region.codebook, what="codebook")
    if region.tables_of_kind("codes"):
        out["code_codebook"] = project.region_input(
            region.slug, region.code_codebook, what="code_codebook"
        )
    return out


def check_region_files(region: Region, project: ProjectPaths | None = None) -> list[str]:
    """List what is missing from the region's raw folder (empty list when complete)."""
    project = project or paths
    folder = project.raw_region(region.slug)
    if not folder.is_dir():
        return [f"{project.relative(folder)}: the region's data folder does not exist"]
    try:
        inputs = region_inputs(region, project)
    except ConfigError as exc:
        return [str(exc)]
    return [
        f"{project.relative(p)}: file listed in config/regions.yaml is missing"
        for p in inputs.values()
        if not p.is_file()
    ]
