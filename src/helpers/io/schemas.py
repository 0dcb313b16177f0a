"""Schemas of the processed tables, and one function to check a table against them.

Each schema is a pandera ``DataFrameSchema`` that is strict on the types and ranges of the
columns it lists and permissive elsewhere: extra columns are allowed (regions differ), and a
column marked optional may be absent. :func:`validate` turns pandera's failure report into one
readable :class:`SchemaValidationError`, and refuses any table that still carries personal data
(a ``nip``/``name``/``nama`` column, see :func:`personal_columns`) with a
:class:`~helpers.core.errors.DisclosureError`.

=================  ==============================================================================
schema             columns checked
=================  ==============================================================================
``roster``         ``pid`` (unique text, not a NIP), ``unit``, ``gender`` (M/F), ``birth_date``,
                   ``tmt_cpns`` (dates; TMT after birth), ``golongan``, ``jabatan`` (optional)
``training``       ``pid``, ``course``, ``start``, ``end`` (dates, end >= start), ``jp`` >= 0
``skp``            ``pid``, ``year`` (2000-2100, one row per pid and year), ``score`` 0-100
                   and/or ``rating`` (ordered categorical, :data:`SKP_RATING_DTYPE`): at least one
``survey``         ``pid`` (pre/post waves), ``submitted``, ``unit``, items ``<scale>_<k>``
``person_outcome`` ``pid``, ``wave`` (optional: pre/post), numeric outcomes
``linked_outcome`` the NIP column the registry's ``key`` names, as a pseudonym
``events``         ``unit``, ``date`` (a roll-out's panel), or ``pid`` and ``date``
``rollout``        ``unit`` (one row each), ``start`` (missing: not scheduled)
``codes``          ``transcript``, ``segment``, ``informant_role``, ``coder``, ``code``,
                   ``quote``, ``method`` (optional: wawancara/fgd)
``effects``        the effects table of ARCHITECTURE.md (``ci_low <= ci_high``, p in [0, 1])
``cleaning_log``   ``step, table, file, row, column, old_value, new_value, reason``; no NIP in
                   the values or reasons
``processed``      any processed table: no personal column, ``pid`` (if present) not a NIP
=================  ==============================================================================

Every column also carries what a region's codebook must give for it (``metadata``: the
codebook ``name`` and ``type``, the values, the export headers it usually comes from), so that
the data contract of :mod:`helpers.io.contract` is generated from these schemas and the two
cannot drift.

Examples
--------
>>> import pandas as pd
>>> skp = pd.DataFrame({"pid": ["Pa1", "Pb2"], "year": [2023, 2023], "score": [88.0, None],
...                     "rating": pd.Categorical(["Baik", "Sangat Baik"], dtype=SKP_RATING_DTYPE)})
>>> validate(skp, "skp").shape
(2, 4)
"""

from __future__ import annotations

from typing import Any, get_args

import pandas as pd
import pandera.pandas as pa

from helpers.core.config import Design
from helpers.core.errors import ConfigError, DisclosureError, HelpersError
from helpers.io.schema_parts import (
    GOLONGAN_ORDER,
    SKP_RATING_DTYPE,
    SKP_RATINGS,
    _no_nip_in,
    _numeric,
    _ordered,
    _pid,
    _text,
)
from helpers.io.table_schemas import (
    CODES,
    EVENTS,
    ITEM_PATTERN,
    KIND_SCHEMAS,
    LINKED_OUTCOME,
    PERSON_OUTCOME,
    ROLLOUT,
    ROSTER,
    SKP,
    SURVEY,
    TRAINING,
)

__all__ = [
    "validate",
    "personal_columns",
    "SchemaValidationError",
    "SCHEMAS",
    "SKP_RATINGS",
    "SKP_RATING_DTYPE",
    "GOLONGAN_ORDER",
    "PERSONAL_COLUMNS",
    "ROSTER",
    "TRAINING",
    "SKP",
    "CODES",
    "SURVEY",
    "PERSON_OUTCOME",
    "LINKED_OUTCOME",
    "EVENTS",
    "ROLLOUT",
    "KIND_SCHEMAS",
    "ITEM_PATTERN",
    "EFFECTS",
    "CLEANING_LOG",
    "PROCESSED",
]

PERSONAL_COLUMNS = frozenset(
    {
        "nip",
        "nik",
        "name",
        "nama",
        "full_name",
        "nama_lengkap",
        "nama_pegawai",
        "nama_peserta",
        "nama_responden",
        "respondent_name",
        "employee_name",
        "email",
        "no_hp",
        "phone",
    }
)
"""Column names that hold personal data and must not reach processed tables."""
_PERSONAL_TOKENS = frozenset({"nip", "nik"})


class SchemaValidationError(HelpersError, ValueError):
    """A table does not match its schema.

    Attributes
    ----------
    table : str
        The table's name.
    schema : str
        The schema's name.
    failures : pandas.DataFrame
        pandera's failure cases (``column, check, failure_case, index``).
    """

    def __init__(self, message: str, *, table: str, schema: str, failures: pd.DataFrame) -> None:
        self.table = table
        self.schema = schema
        self.failures = failures
        super().__init__(message)


EFFECTS = pa.DataFrameSchema(
    {
        "region": _text(),
        "level": _numeric(pa.Check.isin([1, 2, 3, 4])),
        "outcome": _text(),
        "label": _text(nullable=True),
        "design": _text(pa.Check.isin(list(get_args(Design)))),
        "estimate": _numeric(),
        "se": _numeric(pa.Check.ge(0)),
        "ci_low": _numeric(),
        "ci_high": _numeric(),
        "p_value": _numeric(pa.Check.in_range(0, 1)),
        "p_adj": _numeric(pa.Check.in_range(0, 1)),
        "n": _numeric(pa.Check.ge(0), nullable=False),
        "n_treated": _numeric(pa.Check.ge(0)),
        "n_control": _numeric(pa.Check.ge(0)),
        "effect_size": _numeric(),
        "mde": _numeric(pa.Check.ge(0)),
        "assumption": _text(nullable=True),
    },
    checks=[_ordered("ci_low", "ci_high")],
    strict=False,
    name="effects",
)

CLEANING_LOG = pa.DataFrameSchema(
    {
        "step": _text(),
        "table": _text(nullable=True),
        "file": _text(nullable=True),
        "row": _numeric(pa.Check.ge(1)),
        "column": _text(nullable=True),
        "old_value": _text(nullable=True),
        "new_value": _text(nullable=True),
        "reason": _text(),
    },
    checks=[_no_nip_in("old_value", "new_value", "reason")],
    strict=False,
    name="cleaning_log",
)

PROCESSED = pa.DataFrameSchema(
    {"pid": pa.Column(str, checks=_pid().checks, nullable=False, required=False)},
    strict=False,
    name="processed",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    **KIND_SCHEMAS,
    "effects": EFFECTS,
    "cleaning_log": CLEANING_LOG,
    "processed": PROCESSED,
}
"""Schemas by name, for :func:`validate`."""


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


def personal_columns(columns: Any) -> list[str]:
    """Columns that look like personal data: :data:`PERSONAL_COLUMNS`, or a ``nip``/``nik``
    word in a snake_case name (``nip_atasan``).

    Examples
    --------
    >>> personal_columns(["pid", "Nama", "nip_atasan", "unit_name"])
    ['Nama', 'nip_atasan']
    """
    found = []
    for column in columns:
        key = str(column).strip().casefold()
        if key in PERSONAL_COLUMNS or _PERSONAL_TOKENS & set(key.split("_")):
            found.append(str(column))
    return found


def validate(df: pd.DataFrame, schema_name: str, *, table: str | None = None) -> pd.DataFrame:
    """Check a processed table against a schema; return it unchanged if it passes.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    schema_name : str
        One of :data:`SCHEMAS`.
    table : str, optional
        The table's name in messages (default: ``schema_name``).

    Returns
    -------
    pandas.DataFrame
        ``df`` itself (nothing is coerced).

    Raises
    ------
    ConfigError
        Unknown ``schema_name``.
    DisclosureError
        A personal column (``nip``, ``name``, ``nama``...) is still there (any schema but
        ``cleaning_log``).
    SchemaValidationError
        The table does not match: the message lists each failing column, the check and a few
        failing values with their index labels.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if schema_name not in SCHEMAS:
        raise ConfigError(
            f"unknown schema {schema_name!r}; expected one of {', '.join(sorted(SCHEMAS))}"
        )
    name = table or schema_name
    if schema_name != "cleaning_log":
        leaked = personal_columns(df.columns)
        if leaked:
            raise DisclosureError(
                f"table {name!r} still has personal column(s) {leaked}; replace NIPs by "
                "pseudonyms (helpers.privacy.pseudonym) and drop names before writing processed data"
            )
    try:
        return SCHEMAS[schema_name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    except pa.errors.SchemaError as exc:  # raised eagerly by some checks
        failures = pd.DataFrame(
            [
                {
                    "column": getattr(exc, "column_name", None),
                    "check": str(getattr(exc, "check", "") or "schema"),
                    "failure_case": str(exc),
                    "index": None,
                }
            ]
        )
    raise SchemaValidationError(
        _describe(failures, df, name, schema_name),
        table=name,
        schema=schema_name,
        failures=failures,
    )


def _describe(
    failures: pd.DataFrame, df: pd.DataFrame, table: str, schema: str, examples: int = 3
) -> str:
    lines = [f"table {table!r} does not match the {schema!r} schema:"]
    frame = failures.copy()
    frame["column"] = frame["column"].astype(object).map(lambda c: "" if _missing(c) else str(c))
    frame["check"] = frame["check"].astype(str)
    frame_level = frame["schema_context"].astype(str).eq("DataFrameSchema") & ~frame["check"].eq(
        "column_in_dataframe"
    )
    missing = frame.loc[frame["check"].eq("column_in_dataframe"), "failure_case"]
    if len(missing):
        names = ", ".join(repr(str(v)) for v in dict.fromkeys(missing.tolist()))
        lines.append(f"- missing column(s): {names}")
    for check, group in frame[frame_level].groupby("check", sort=False):
        lines.append(f"- {_frame_sentence(str(check), group, df, examples)}")
    column_level = frame[~frame_level & ~frame["check"].eq("column_in_dataframe")]
    dtype_checks = column_level["check"].str.startswith("dtype(") | column_level["check"].eq(
        "numeric dtype"
    )
    wrong_type = set(column_level.loc[dtype_checks, "column"])
    for column in dict.fromkeys(column_level.loc[dtype_checks, "column"]):
        lines.append(f"- {_dtype_sentence(str(column), df, schema)}")
    others = column_level[~dtype_checks & ~column_level["column"].isin(wrong_type)]
    for (column, check), group in others.groupby(["column", "check"], sort=False):
        lines.append(f"- {_column_sentence(str(column), str(check), group, examples)}")
    return "\n".join(lines)


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _labels(group: pd.DataFrame) -> list[Any]:
    return list(dict.fromkeys(v for v in group["index"].tolist() if not _missing(v)))


def _frame_sentence(check: str, group: pd.DataFrame, df: pd.DataFrame, examples: int) -> str:
    labels = _labels(group)
    if not labels:
        problem = str(group["failure_case"].iloc[0])
        if problem == "False" and check.startswith("has "):  # a column-set check
            return f"the table fails {check!r}: give at least one of these columns"
        return f"table check {check!r} could not be run ({problem}); fix the types first"
    if check == "multiple_fields_uniqueness":
        what = "repeats a combination that must be unique"
        columns = list(dict.fromkeys(c for c in group["column"] if c))
    else:
        what = f"fails {check!r}"
        columns = list(_FRAME_CHECK_COLUMNS.get(check, ()))
    shown = []
    for label in labels[:examples]:
        if label in df.index and columns:
            values = ", ".join(f"{c}={_show(df.at[label, c])}" for c in columns if c in df)
            shown.append(f"index {label}: {values}")
        else:
            shown.append(f"index {label}")
    return f"table {what} in {len(labels)} row(s), e.g. {'; '.join(shown)}"


def _dtype_sentence(column: str, df: pd.DataFrame, schema: str) -> str:
    found = f"dtype {df[column].dtype}" if column in df else "another dtype"
    spec = SCHEMAS[schema].columns.get(column)
    dtype = getattr(getattr(spec, "dtype", None), "type", None)
    if isinstance(dtype, pd.CategoricalDtype):
        order = " < ".join(str(c) for c in dtype.categories)
        expected = f"an ordered categorical ({order})" if dtype.ordered else "a categorical"
    elif dtype is None:
        expected = "numbers"
    elif "datetime64" in str(dtype):
        expected = "dates (datetime64)"
    else:
        expected = f"dtype {dtype}"
    return f"column {column!r} has {found}, expected {expected}"


def _column_sentence(column: str, check: str, group: pd.DataFrame, examples: int) -> str:
    where = f"column {column!r}" if column else "table"
    labels = _labels(group)
    values = list(dict.fromkeys(_show(v) for v in group["failure_case"].tolist()))
    what = _CHECK_WORDS.get(check, f"fails {check}")
    count = len(labels) if labels else len(values)
    at = f" (index {', '.join(str(i) for i in labels[:examples])})" if labels else ""
    return f"{where} {what} in {count} row(s), e.g. {', '.join(values[:examples])}{at}"


_CHECK_WORDS: dict[str, str] = {
    "not_nullable": "has missing values, which are not allowed,",
    "field_uniqueness": "has repeated values, which must be unique,",
}
_FRAME_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {
    "tmt_cpns after birth_date": ("birth_date", "tmt_cpns"),
    "start <= end": ("start", "end"),
    "ci_low <= ci_high": ("ci_low", "ci_high"),
    "no NIP in the values or reason": ("row", "column"),
}


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else str(value)
    return str(value)
