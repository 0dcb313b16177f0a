"""The region registry, ``config/regions.yaml``, read against a declared schema.

The schema is a set of pydantic models (:class:`RegistryFile` and the models it holds); every
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

import datetime as dt
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from helpers.core.errors import ConfigError
from helpers.core.paths import SLUG_PATTERN, ProjectPaths, paths
from helpers.core.safe_yaml import load_yaml
from helpers.core.vocabulary import (
    ANSWER_SOURCES,
    Design,
    SegmentColumn,
    Source,
    TableKind,
    Wave,
    level_number,
)

__all__ = [
    "TableSpec",
    "TreatmentSpec",
    "AnalysisSpec",
    "Region",
    "Construct",
    "Question",
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


@dataclass(frozen=True)
class Question:
    """One of a region's evaluation questions, and what answers it."""

    text: str
    answered_by: tuple[str, ...]
    needs: str | None = None


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
    moderators: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()

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
# the schema
# --------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _plain_text(value: Any) -> Any:
    # YAML reads `kemendagri_code: 17.08` as a float and `name: 2024` as an int: say so
    if isinstance(value, int | float):  # bool is an int too
        raise ValueError(f"expected text, got the number {value!r}; put it in quotes")
    return value


Text = Annotated[StrictStr, BeforeValidator(_plain_text), Field(min_length=1)]


def _iso_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


IsoDate = Annotated[str, BeforeValidator(_iso_date)]


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


Number = Annotated[float, BeforeValidator(_number)]


def _plain_file(value: Any) -> Any:
    if isinstance(value, str) and ("/" in value or "\\" in value or value.startswith(".")):
        raise ValueError(
            f"file {value!r} must be a plain file name inside the region's data folder"
        )
    return value


PlainFile = Annotated[Text, BeforeValidator(_plain_file)]


def _level(value: Any) -> int:
    return level_number(value)


KirkpatrickLevel = Annotated[int, BeforeValidator(_level)]


class TableModel(_Strict):
    """A raw file: ``file`` (a plain name in ``data/raw/<slug>/``), ``kind``, and for surveys
    the ``wave``; ``source`` names the exporting tool; ``key`` is the NIP column that links a
    ``linked_outcome`` row to a person; ``columns`` (interview codes only) maps a clean column
    of the coded segments to the export's header: a QualCoder file or case variable, a
    column of a Taguette or project-layout file, e.g. ``columns: {informant_role:
    "CaseVar_Peran", method: "FileVar_Metode"}``."""

    file: PlainFile
    kind: TableKind
    wave: Wave | None = None
    source: Source | None = None
    sheet: Text | None = None
    key: Text | None = None
    columns: dict[SegmentColumn, Text] | None = None

    @model_validator(mode="after")
    def _kind_needs(self) -> TableModel:
        if self.kind == "survey" and self.wave is None:
            raise ValueError("a survey table needs 'wave' (pre, post or feedback)")
        if self.kind == "linked_outcome" and not self.key:
            raise ValueError(
                "a linked_outcome table needs 'key' (the NIP column that links a row to a person)"
            )
        if self.columns is not None and self.kind != "codes":
            raise ValueError(
                "'columns' maps the headers of coded interview segments (kind 'codes'); the "
                "columns of other tables are named in the codebook"
            )
        if self.columns is not None:
            headers = list(self.columns.values())
            repeated = sorted({h for h in headers if headers.count(h) > 1})
            if repeated:
                raise ValueError(f"columns: header(s) {repeated} are mapped to two names")
        return self


class TreatmentModel(_Strict):
    """Who counts as treated: ``min_jp`` JP of training in ``window`` (from ``table``, a
    training table), or, without ``window``, being listed in ``table``.

    ``control`` says who the comparison group is when treatment is counted in JP:
    ``untrained`` (the default) compares with staff who had no training at all in the window,
    and leaves out, counted and reported, those who had some but less than ``min_jp``;
    ``below_min`` compares with everyone below ``min_jp``, partially trained staff included.
    """

    table: Text
    window: Annotated[list[IsoDate], Field(min_length=2, max_length=2)] | None = None
    min_jp: Number = 0.0
    control: Literal["untrained", "below_min"] = "untrained"

    @field_validator("min_jp")
    @classmethod
    def _non_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError(f"expected a number of JP hours, 0 or more, got {value!r}")
        return float(value)

    @field_validator("window")
    @classmethod
    def _ordered(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"the window's start {value[0]} is after its end {value[1]}")
        return value


class AnalysisModel(_Strict):
    """One outcome to estimate: its ``id``, Kirkpatrick ``level`` (1-4 or reaction, learning,
    behaviour, results), the ``outcome`` column, a reader's ``label``, the ``designs``
    (a list), and where the outcome lives (``frame``: ``person`` or a table name)."""

    id: Text
    level: KirkpatrickLevel
    outcome: Text
    label: Text
    designs: list[Design] = Field(min_length=1)
    frame: Text = "person"
    baseline: Text | None = None
    covariates: list[Text] | None = None
    unit: Text | None = None
    time: Text | None = None
    cluster: Text | None = None
    higher_is_better: StrictBool = True
    construct_name: Text | None = Field(None, alias="construct")
    unit_label: Text | None = None
    exclude_units: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _design_needs(self) -> AnalysisModel:
        for design in ("did", "twfe"):
            if design in self.designs and not (self.unit and self.time):
                raise ValueError(f"design {design!r} needs 'unit' and 'time'")
        if "mixed" in self.designs and not self.cluster:
            raise ValueError("design 'mixed' needs 'cluster' (the grouping of the random effect)")
        if "paired" in self.designs and not self.baseline:
            raise ValueError("design 'paired' needs 'baseline' (the pre-test column)")
        return self


class QuestionModel(_Strict):
    """An evaluation question: its ``text`` (as the region asks it), what answers it
    (``answered_by``: ids of the region's analyses and names of descriptive results, see
    :data:`helpers.core.vocabulary.ANSWER_SOURCES`), and what data would answer it when the
    region's data cannot (``needs``)."""

    text: Text
    answered_by: list[Text] = Field(min_length=1)
    needs: Text | None = None


class BudgetModel(_Strict):
    """The training budget, for how many can be trained."""

    total_rp: Annotated[Number, Field(gt=0)]
    cost_per_participant_rp: Annotated[Number, Field(gt=0)]


class DuplicateAnswersModel(_Strict):
    """When identical survey answers count as one submission (``helpers.survey.duplicates``'s
    ``AnswerRule``): rows with at least ``min_answers`` items answered with ``min_distinct``
    distinct values, in a table where fewer than ``max_collision`` of the respondents answer
    exactly like a different respondent."""

    min_answers: Annotated[StrictInt, Field(ge=1)] = 5
    min_distinct: Annotated[StrictInt, Field(ge=1)] = 2
    max_collision: Annotated[Number, Field(ge=0)] = 0.01


class Defaults(_Strict):
    """Keys every region inherits unless it sets its own."""

    language: Literal["id", "en"] = "id"
    min_cell_size: StrictInt = Field(5, ge=1)
    reference_date: IsoDate = "2025-06-30"
    codebook: Text = "codebook.csv"
    code_codebook: Text = "codes.csv"


class RegionModel(_Strict):
    """One region's entry."""

    slug: Annotated[StrictStr, Field(pattern=SLUG_PATTERN.pattern)]
    name: Text
    province: Text
    kemendagri_code: Annotated[Text, Field(pattern=r"^\d{2}(\.\d{2}){0,3}$")]
    programme: Text
    question: StrictStr = ""
    questions: list[QuestionModel] = Field(default_factory=list)
    language: Literal["id", "en"] | None = None
    min_cell_size: Annotated[StrictInt, Field(ge=1)] | None = None
    reference_date: IsoDate | None = None
    codebook: Text | None = None
    code_codebook: Text | None = None
    tables: dict[Text, TableModel] = Field(min_length=1)
    treatment: TreatmentModel
    analyses: list[AnalysisModel] = Field(default_factory=list)
    moderator: Text | None = None
    moderators: list[Text] = Field(default_factory=list)
    identifying_roles: list[Text] = Field(default_factory=list)
    duplicate_answers: DuplicateAnswersModel | None = None
    feedback_response: Text | None = None
    budget: BudgetModel | None = None

    @model_validator(mode="after")
    def _references(self) -> RegionModel:
        kinds = [t.kind for t in self.tables.values()]
        if "roster" not in kinds:
            raise ValueError("tables: a region needs one table of kind 'roster'")
        if self.treatment.table not in self.tables:
            raise ValueError(
                f"treatment.table: {self.treatment.table!r} is not a table of this region "
                f"({sorted(self.tables)})"
            )
        if self.feedback_response is not None and self.feedback_response not in self.tables:
            raise ValueError(
                f"feedback_response: {self.feedback_response!r} is not a table of this region"
            )
        ids = [a.id for a in self.analyses]
        if len(ids) != len(set(ids)):
            raise ValueError(f"analyses: ids must be unique, got {ids}")
        known = set(ids) | set(ANSWER_SOURCES)
        for i, q in enumerate(self.questions):
            unknown = [s for s in q.answered_by if s not in known]
            if unknown:
                raise ValueError(
                    f"questions[{i}].answered_by: {unknown} is neither an analysis of this region "
                    f"({ids}) nor a descriptive result ({sorted(ANSWER_SOURCES)})"
                )
        for i, a in enumerate(self.analyses):
            if a.frame != "person" and a.frame not in self.tables:
                raise ValueError(
                    f"analyses[{i}].frame: {a.frame!r} is neither 'person' nor a table of this "
                    f"region ({sorted(self.tables)})"
                )
        return self


class RegistryFile(_Strict):
    """``config/regions.yaml``: ``defaults`` and the list of ``regions``."""

    defaults: Defaults = Field(default_factory=Defaults)
    regions: list[dict[str, Any]]


class ConstructModel(_Strict):
    label: Text
    label_en: Text
    instrument: Text


class ConstructFile(_Strict):
    constructs: dict[Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")], ConstructModel]


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
        )
        for a in m.analyses
    )
    extra: dict[str, Any] = {}
    if m.moderator is not None:
        extra["moderator"] = m.moderator
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
        question=(m.question.strip() or " ".join(q.text for q in m.questions)),
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
        moderators=tuple(m.moderators),
        questions=tuple(Question(q.text, tuple(q.answered_by), q.needs) for q in m.questions),
    )


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
