"""The registry's schema: the pydantic models that ``config/regions.yaml`` and
``config/constructs.yaml`` are read against (every key, its type and its allowed values).
Private to :mod:`helpers.core.registry`, which turns a valid entry into a frozen ``Region``;
import from there.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from helpers.core.paths import SLUG_PATTERN
from helpers.core.vocabulary import (
    ANSWER_SOURCES,
    Design,
    SegmentColumn,
    Source,
    TableKind,
    Wave,
    level_number,
)

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
    (a list), and where the outcome lives (``frame``: ``person`` or a table name). ``label_en``
    and ``unit_label_en`` are the English twins of ``label`` and ``unit_label``."""

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
    label_en: Text | None = None
    unit_label_en: Text | None = None

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


class ModeratorModel(_Strict):
    """A pre-treatment moderator with the words a reader sees for it: ``column`` (of the person
    frame), ``label`` (e.g. "dukungan sumber daya sebelum pelatihan") and its English twin
    ``label_en``."""

    column: Text
    label: Text
    label_en: Text | None = None


class ScaleModel(_Strict):
    """A survey scale that one of the report's descriptive answers is about: ``scale``, its
    name in the codebook's ``scale`` column, and the words a reader sees for it in a sentence,
    ``label`` and its English twin ``label_en`` (default: the scale's name in
    :data:`helpers.core.labels.LABELS`, or the scale's name made readable)."""

    scale: Text
    label: Text | None = None
    label_en: Text | None = None


class ParticipationScaleModel(ScaleModel):
    """A staff-survey scale whose link with taking part the report describes (the share
    trained among staff in its top and bottom third). Besides its ``label``, ``high`` and
    ``low`` name those staff in a sentence ("dukungan tinggi"; default "<label> tinggi" and
    "<label> rendah"), and ``high_en`` and ``low_en`` are their English twins ("strong
    support"; default "high <label>" and "low <label>")."""

    high: Text | None = None
    low: Text | None = None
    high_en: Text | None = None
    low_en: Text | None = None


#: Registry keys that were renamed: the old key gets an error that names the new one.
RENAMED_KEYS: dict[str, str] = {
    "moderator": (
        "renamed to 'relevance_scale' (the scale participants answer after the training, e.g. "
        "training_relevance; its split of the effect is descriptive). Moderators tested with an "
        "interaction go in 'moderators' and must be measured before the training."
    ),
    "question": (
        "replaced by 'questions', a list of {text: ..., answered_by: [...]} (README, "
        "'Adding a region')."
    ),
}


class QuestionModel(_Strict):
    """An evaluation question: its ``text`` (as the region asks it), what answers it
    (``answered_by``: ids of the region's analyses and names of descriptive results, see
    :data:`helpers.core.vocabulary.ANSWER_SOURCES`), and what data would answer it when the
    region's data cannot (``needs``); ``text_en`` and ``needs_en`` are their English twins, for
    an English report."""

    text: Text
    answered_by: list[Text] = Field(min_length=1)
    needs: Text | None = None
    text_en: Text | None = None
    needs_en: Text | None = None


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
    """One region's entry. Reader-facing texts are Indonesian; each may have an English twin
    (``programme_en``, and ``*_en`` keys of questions and analyses) that an English report
    (``language: en``) shows instead."""

    slug: Annotated[StrictStr, Field(pattern=SLUG_PATTERN.pattern)]
    name: Text
    province: Text
    kemendagri_code: Annotated[Text, Field(pattern=r"^\d{2}(\.\d{2}){0,3}$")]
    programme: Text
    programme_en: Text | None = None
    questions: list[QuestionModel] = Field(default_factory=list)
    language: Literal["id", "en"] | None = None
    min_cell_size: Annotated[StrictInt, Field(ge=1)] | None = None
    reference_date: IsoDate | None = None
    codebook: Text | None = None
    code_codebook: Text | None = None
    tables: dict[Text, TableModel] = Field(min_length=1)
    treatment: TreatmentModel
    analyses: list[AnalysisModel] = Field(default_factory=list)
    relevance_scale: Text | None = None
    participation_scales: list[Text | ParticipationScaleModel] = Field(default_factory=list)
    """Scales of the staff survey that asks why staff did not take part
    (``reasons_not_trained``) whose link with taking part the report describes: the share
    trained in each scale's top and bottom third, in the ``participation`` answer (a name, or
    ``{scale, label, high, low}`` and their ``*_en`` twins: :class:`ParticipationScaleModel`).
    Empty (the default): the answer gives the reasons alone."""
    information_scale: Text | ScaleModel | None = None
    """The scale of staff's access to career information and mentoring, asked before the
    programme (``<scale>_pre``): the ``information_gaps`` answer, the transparency section and
    a recommendation name the groups and units with the least (a name, or ``{scale, label,
    label_en}``: :class:`ScaleModel`)."""
    moderators: list[Text | ModeratorModel] = Field(default_factory=list)
    identifying_roles: list[Text] = Field(default_factory=list)
    duplicate_answers: DuplicateAnswersModel | None = None
    feedback_response: Text | None = None
    budget: BudgetModel | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old, why in RENAMED_KEYS.items():
                if old in data:
                    raise ValueError(f"{old}: {why}")
        return data

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
