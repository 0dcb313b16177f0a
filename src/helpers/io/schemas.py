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

SKP_RATINGS = ("Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Sangat Baik")
"""SKP performance ratings of PermenPANRB 6/2022, lowest first."""
SKP_RATING_DTYPE = pd.CategoricalDtype(list(SKP_RATINGS), ordered=True)
"""Ordered dtype for the ``rating`` column of ``skp``: ``Sangat Kurang < ... < Sangat Baik``."""

GOLONGAN_ORDER = [
    "I/a",
    "I/b",
    "I/c",
    "I/d",
    "II/a",
    "II/b",
    "II/c",
    "II/d",
    "III/a",
    "III/b",
    "III/c",
    "III/d",
    "IV/a",
    "IV/b",
    "IV/c",
    "IV/d",
    "IV/e",
]
"""PNS golongan/ruang, lowest first (rank = position)."""

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
_NIP_LIKE = r"\d{18}"
_DIGIT_GAP = r"(?<=\d)[\s.\-']+(?=\d)"  # "19900101 201001 1 001" is a NIP too


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


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _info(
    description: str,
    *,
    codebook: str | None = None,
    types: tuple[str, ...] = (),
    labels: str = "",
    aliases: tuple[str, ...] = (),
    made_by: str = "",
) -> dict[str, Any]:
    """What a column's contract says beyond its dtype and checks (see :mod:`helpers.io.contract`).

    ``codebook`` is the clean name the codebook must give (default: the column's own name),
    ``types`` the codebook types that produce it, ``labels`` the ``value_labels`` it needs,
    ``aliases`` headers agencies' exports use for it, ``made_by`` the step that computes a
    column no codebook row gives.
    """
    meta = {
        "codebook": codebook,
        "types": tuple(types),
        "labels": labels,
        "aliases": tuple(aliases),
        "made_by": made_by,
    }
    return {"description": description, "metadata": meta}


def _numeric(
    *checks: pa.Check,
    nullable: bool = True,
    required: bool = True,
    regex: bool = False,
    **info: Any,
) -> pa.Column:
    """A numeric column of any width (int64, Int64, float64)."""
    return pa.Column(
        None,
        checks=[
            pa.Check(_is_numeric, name="numeric dtype"),
            *checks,
        ],
        nullable=nullable,
        required=required,
        regex=regex,
        **info,
    )


def _text(
    *checks: pa.Check,
    nullable: bool = False,
    required: bool = True,
    unique: bool = False,
    **info: Any,
) -> pa.Column:
    return pa.Column(
        str, checks=list(checks), nullable=nullable, required=required, unique=unique, **info
    )


def _date(*, nullable: bool = True, required: bool = True, **info: Any) -> pa.Column:
    return pa.Column(pa.DateTime, nullable=nullable, required=required, **info)


_NIP_ALIASES = ("NIP", "NIP Baru", "NIP 18 digit", "Nomor Induk Pegawai", "nip_baru")


def _pid(
    *, unique: bool = False, required: bool = True, codebook: str = "nip", **info: Any
) -> pa.Column:
    info = info or _info(
        "the ASN's NIP (18 digits), validated and replaced by a keyed pseudonym `pid`",
        codebook=codebook,
        types=("nip",),
        aliases=_NIP_ALIASES,
    )
    return _text(
        pa.Check.str_matches(r"^\S+$"),
        pa.Check(
            lambda s: ~s.str.fullmatch(_NIP_LIKE),
            name="pid is not a NIP (pseudonymise it)",
        ),
        unique=unique,
        required=required,
        **info,
    )


def _ordered(low: str, high: str) -> pa.Check:
    """Row check: ``low <= high`` where both are present."""

    def check(df: pd.DataFrame) -> pd.Series:
        if low not in df or high not in df:
            return pd.Series(True, index=df.index)
        both = df[low].notna() & df[high].notna()
        return ~both | (df[low] <= df[high]).fillna(True).astype(bool)

    return pa.Check(check, name=f"{low} <= {high}")


def _tmt_after_birth(df: pd.DataFrame) -> pd.Series:
    if "birth_date" not in df or "tmt_cpns" not in df:
        return pd.Series(True, index=df.index)
    both = df["birth_date"].notna() & df["tmt_cpns"].notna()
    return ~both | (df["tmt_cpns"] > df["birth_date"]).fillna(True).astype(bool)


def _no_nip_in(*columns: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for c in columns:
            if c in df:
                text = df[c].astype("str").str.replace(_DIGIT_GAP, "", regex=True)
                ok &= ~text.str.contains(_NIP_LIKE, regex=True).fillna(False).astype(bool)
        return ok

    return pa.Check(check, name="no NIP in the values or reason")


# --------------------------------------------------------------------------------------------
# the schemas
# --------------------------------------------------------------------------------------------


def _at_least_one(*columns: str) -> pa.Check:
    def check(df: pd.DataFrame) -> bool:
        return any(c in df for c in columns)

    return pa.Check(check, name=f"has {' or '.join(columns)}")


_MALE_FEMALE = "M=Laki-laki|F=Perempuan"
ROSTER = pa.DataFrameSchema(
    {
        "pid": _pid(unique=True),
        "unit": _text(
            nullable=True,
            **_info(
                "unit kerja / OPD (text, never numbered codes); the cluster of the estimates",
                types=("string", "category"),
                aliases=(
                    "Unit Kerja",
                    "OPD",
                    "Unor",
                    "Unit Organisasi",
                    "Satuan Kerja",
                    "Perangkat Daerah",
                    "SKPD",
                    "Instansi",
                    "Nama Unit Kerja",
                ),
            ),
        ),  # fmt: skip
        "gender": _text(
            pa.Check.isin(["M", "F"]),
            nullable=True,
            **_info(
                "gender: the clean values are M and F; the codebook maps the export's own "
                "values to them with value_labels",
                types=("category",),
                labels=_MALE_FEMALE,
                aliases=("Jenis Kelamin", "JK", "L/P", "Kelamin", "Gender"),
            ),
        ),
        "birth_date": _date(
            **_info(
                "date of birth",
                types=("date",),
                aliases=("Tanggal Lahir", "Tgl. Lahir", "Tgl Lahir", "Tgl_Lahir"),
            )
        ),
        "tmt_cpns": _date(
            **_info(
                "TMT CPNS: the date the person became a civil-servant candidate",
                types=("date",),
                aliases=("TMT CPNS", "TMT_CPNS", "Tgl. TMT CPNS"),
            )
        ),
        "golongan": _text(
            pa.Check.isin(GOLONGAN_ORDER),
            nullable=True,
            **_info(
                "golongan/ruang I/a ... IV/e (III/A, III-a, 'Penata Muda (III/a)' are read "
                "as III/a)",
                types=("string", "category"),
                aliases=(
                    "Golongan",
                    "Gol. Ruang",
                    "Gol Ruang",
                    "Gol/Ruang",
                    "Golongan/Ruang",
                    "Golongan Ruang",
                    "Pangkat/Gol",
                    "Gol",
                ),
            ),
        ),  # fmt: skip
        "jabatan": _text(
            nullable=True,
            required=False,
            **_info(
                "position (jabatan)",
                types=("string", "category"),
                aliases=("Jabatan", "Nama Jabatan", "Jenis Jabatan"),
            ),
        ),
        "age": _numeric(required=False, **_info("age at the reference date", made_by="cleaning")),
        "tenure_years": _numeric(
            required=False, **_info("years since TMT CPNS", made_by="cleaning")
        ),
        "female": _numeric(required=False, **_info("1 for gender F, else 0", made_by="cleaning")),
        "golongan_rank": _numeric(
            required=False, **_info("0 (I/a) ... 16 (IV/e)", made_by="cleaning")
        ),
    },
    checks=[pa.Check(_tmt_after_birth, name="tmt_cpns after birth_date")],
    strict=False,
    name="roster",
    metadata={
        "inputs": {
            "name": _info(
                "the person's name: used to mask quotes and free text, then dropped",
                types=("name",),
                aliases=("Nama", "Nama Lengkap", "Nama Pegawai", "Nama ASN"),
            )
        },
        "notes": (
            "one row per ASN: a NIP listed twice is an error",
            "the registry's table must be named `roster`",
        ),
    },
)

TRAINING = pa.DataFrameSchema(
    {
        "pid": _pid(),
        "course": _text(
            **_info(
                "the course's title (a `string`, never a `name`: names are dropped)",
                types=("string", "category"),
                aliases=(
                    "Nama Diklat",
                    "Nama Pelatihan",
                    "Judul Pelatihan",
                    "Jenis Diklat",
                    "Diklat",
                    "Pelatihan",
                    "Nama Kegiatan",
                    "Nama Kursus",
                ),
            )
        ),  # fmt: skip
        "start": _date(
            nullable=False,
            **_info(
                "first day of the course (any date form: 2024-03-01, 01/03/2024, 1 Maret 2024)",
                types=("date",),
                aliases=("Tanggal Mulai", "Tgl. Mulai", "Tgl Mulai", "Mulai", "Tanggal Awal"),
            ),
        ),
        "end": _date(
            required=False,
            **_info(
                "last day of the course",
                types=("date",),
                aliases=(
                    "Tanggal Selesai",
                    "Tgl. Selesai",
                    "Tgl Selesai",
                    "Selesai",
                    "Tanggal Akhir",
                ),
            ),
        ),  # fmt: skip
        "jp": _numeric(
            pa.Check.ge(0),
            **_info(
                "hours of study (JP); treatment counts the JP in the registry's window",
                types=("number", "integer"),
                aliases=("Jumlah JP", "JP", "Jam Pelajaran", "JPL", "Jumlah Jam", "Jml JP"),
            ),
        ),
    },
    checks=[_ordered("start", "end")],
    strict=False,
    name="training",
)

_SKP_LABELS = "|".join(f"{i}={r}" for i, r in enumerate(SKP_RATINGS, start=1))
SKP = pa.DataFrameSchema(
    {
        "pid": _pid(),
        "year": pa.Column(
            pa.Int,
            pa.Check.in_range(2000, 2100),
            **_info(
                "the year assessed",
                types=("integer",),
                aliases=("Tahun", "Tahun Penilaian", "Periode", "Periode Penilaian", "Tahun SKP"),
            ),
        ),
        "score": _numeric(
            pa.Check.in_range(0, 100),
            required=False,
            **_info(
                "the 0-100 SKP score (years before 2023); give it, `rating`, or both",
                types=("number", "integer"),
                aliases=(
                    "Nilai SKP",
                    "Nilai",
                    "Nilai Prestasi Kerja",
                    "Nilai Kinerja",
                    "Capaian SKP",
                ),
            ),
        ),  # fmt: skip
        "rating": pa.Column(
            SKP_RATING_DTYPE,
            nullable=True,
            required=False,
            **_info(
                "the predikat of PermenPANRB 6/2022 (2023 onwards); codes 1-5, lowest first",
                types=("category",),
                labels=_SKP_LABELS,
                aliases=(
                    "Predikat",
                    "Predikat Kinerja",
                    "Predikat SKP",
                    "Predikat Kinerja Pegawai",
                    "Rating",
                ),
            ),
        ),  # fmt: skip
        "rating_rank": _numeric(
            required=False, **_info("the predikat's rank 1-5", made_by="cleaning")
        ),
    },
    checks=[_at_least_one("score", "rating")],
    unique=["pid", "year"],
    strict=False,
    name="skp",
    metadata={"notes": ("one row per person and year; `score`, `rating` or both",)},
)

ITEM_PATTERN = r"^(?P<scale>[a-z][a-z0-9_]*?)_(?P<item>\d+)$"
"""Names of scale items: ``<scale>_<k>`` (``job_satisfaction_1``), so that the steps find a
scale's items and its score ``<scale>``."""
SURVEY = pa.DataFrameSchema(
    {
        "pid": _pid(
            required=False,
            **_info(
                "the respondent's NIP: required for waves pre and post (they are linked to the "
                "roster), optional for feedback",
                codebook="nip",
                types=("nip",),
                aliases=_NIP_ALIASES,
            ),
        ),
        "submitted": _date(
            required=False,
            **_info(
                "submission time (Google Forms `Timestamp`/`Cap waktu`, Kobo "
                "`_submission_time`), stored as local time of Asia/Jakarta without a zone",
                types=("datetime",),
                aliases=("Timestamp", "Cap waktu", "_submission_time", "Waktu Pengisian"),
            ),
        ),
        "unit": _text(
            nullable=True,
            required=False,
            **_info(
                "unit kerja the respondent gives",
                types=("string", "category"),
                aliases=("Unit Kerja", "OPD", "Unit Organisasi", "Instansi"),
            ),
        ),
        ITEM_PATTERN: _numeric(
            required=False,
            regex=True,
            **_info(
                "an item of a scale: type likert with value_labels numbered 1..k in order "
                "(min 1, max k), `scale` = <scale>, `reverse` true for a reverse-worded item",
                codebook="<scale>_<k>",
                types=("likert",),
            ),
        ),
        "wave": _text(
            required=False, **_info("the registry's wave (pre, post, feedback)", made_by="cleaning")
        ),
    },
    strict=False,
    name="survey",
    metadata={
        "notes": (
            "the scale score `<scale>` (the mean of its items) is added by cleaning; the person "
            "frame names it `<scale>_<wave>`, e.g. job_satisfaction_post",
            "an analysis's baseline (`<scale>_pre`) needs a pre wave; without it the designs "
            "that need a baseline are not estimated and the report says so",
        )
    },
)

PERSON_OUTCOME = pa.DataFrameSchema(
    {
        "pid": _pid(),
        "wave": _text(
            pa.Check.isin(["pre", "post"]),
            nullable=True,
            required=False,
            **_info(
                "pre or post, when the table holds both rounds (items are then named "
                "<scale>_<k> and the frame gets <scale>_pre and <scale>_post)",
                types=("category",),
                labels="pre=Awal|post=Akhir",
            ),
        ),
    },
    strict=False,
    name="person_outcome",
    metadata={
        "notes": (
            "every numeric column becomes a column of the person frame: name them as the "
            "registry's analyses do (outcome, baseline)",
            "as the registry's treatment table (without a window), listing a person marks them "
            "treated",
        )
    },
)

LINKED_OUTCOME = pa.DataFrameSchema(
    {},
    strict=False,
    name="linked_outcome",
    metadata={
        "inputs": {
            "<key>": _info(
                "the NIP column the registry's `key` names (e.g. teacher_nip), type nip; it "
                "becomes <key> with nip replaced by pid (teacher_pid)",
                types=("nip",),
            )
        },
        "notes": (
            "the outcome, baseline and cluster columns are those the registry's analyses name",
        ),
    },
)

EVENTS = pa.DataFrameSchema(
    {
        "unit": _text(
            nullable=True,
            required=False,
            **_info(
                "the unit (dinas) of the event: required when the table is a difference-in-"
                "differences frame; every unit must be in the roll-out table",
                types=("string", "category"),
                aliases=("Dinas", "Unit Kerja", "OPD", "Unit Layanan"),
            ),
        ),
        "date": _date(
            required=False,
            **_info(
                "the event's date (the panel's month comes from it)",
                types=("date", "datetime"),
                aliases=("Tanggal", "Tanggal Layanan", "Tanggal Survei", "Tanggal SK"),
            ),
        ),
        "pid": _pid(required=False),
        r"^u[1-9]$": _numeric(
            required=False,
            regex=True,
            **_info(
                "the nine IKM elements u1..u9 (PermenPANRB 14/2017), likert 1-4, for outcome `ikm`",
                codebook="u1 ... u9",
                types=("likert",),
                labels="1=Tidak baik|2=Kurang baik|3=Baik|4=Sangat baik",
            ),
        ),
    },
    strict=False,
    name="events",
    metadata={"notes": ("the outcome columns are those the registry's analyses name",)},
)

ROLLOUT = pa.DataFrameSchema(
    {
        "unit": _text(
            unique=True,
            **_info(
                "each unit (dinas) once",
                types=("string", "category"),
                aliases=("Dinas", "Unit Kerja", "OPD"),
            ),
        ),
        "start": _date(
            **_info(
                "the month its training began; a value listed in missing_codes (such as "
                "'Belum dijadwalkan') says it was not scheduled",
                types=("date",),
                aliases=("Bulan Mulai Pelatihan", "Tanggal Mulai", "Mulai"),
            )
        ),
    },
    strict=False,
    name="rollout",
)

CODES = pa.DataFrameSchema(
    {
        "transcript": _text(
            **_info(
                "the transcript (QualCoder File/Case, Taguette document)",
                aliases=("Transkrip", "File", "Case", "document"),
            )
        ),
        "segment": pa.Column(
            None,
            nullable=False,
            **_info(
                "the segment's id (QualCoder Id, Taguette id)",
                aliases=("Segmen", "Id", "id"),
            ),
        ),
        "informant_role": _text(
            nullable=True,
            **_info(
                "the informant's role; from a QualCoder file or case variable or a Taguette "
                "export: map it with the registry's `columns: {informant_role: ...}`",
                aliases=("Peran Informan",),
            ),
        ),
        "coder": _text(**_info("who coded it", aliases=("Pengkode", "Coder"))),
        "code": _text(
            pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"),
            **_info(
                "the code, as codes.csv spells it or one of its synonyms",
                aliases=("Kode", "Codename", "tag"),
            ),
        ),
        "quote": _text(
            nullable=True,
            **_info("the coded text (de-identified)", aliases=("Kutipan", "Coded", "content")),
        ),
        "method": _text(
            pa.Check.isin(["wawancara", "fgd"]),
            nullable=True,
            required=False,
            **_info(
                "wawancara or fgd (Interview, FGD, Diskusi Kelompok Terarah are read as such)",
                aliases=("Metode",),
            ),
        ),
    },
    strict=False,
    name="codes",
    metadata={
        "notes": (
            "read by notebook 02, not through codebook.csv: the project layout's Indonesian "
            "headers, a QualCoder coding report (`source: qualcoder`) or a Taguette export "
            "(`source: taguette`); the registry's `columns:` maps other headers or a file/case "
            "variable to these names",
        )
    },
)

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

KIND_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "roster": ROSTER,
    "training": TRAINING,
    "skp": SKP,
    "survey": SURVEY,
    "person_outcome": PERSON_OUTCOME,
    "linked_outcome": LINKED_OUTCOME,
    "events": EVENTS,
    "rollout": ROLLOUT,
    "codes": CODES,
}
"""The schema of each table kind of the registry (``helpers.core.vocabulary.TABLE_KINDS``)."""

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
