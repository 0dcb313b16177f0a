"""The schema of each table kind of the registry (roster, training, skp, survey, person and linked
outcomes, events, roll-out, interview codes), with the contract metadata of every column.

Import them from :mod:`helpers.io.schemas` (which validates tables against them); the data
contract (:mod:`helpers.io.contract`) is generated from :data:`KIND_SCHEMAS`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from helpers.io.schema_parts import (
    _NIP_ALIASES,
    GOLONGAN_ORDER,
    SKP_RATING_DTYPE,
    SKP_RATINGS,
    _date,
    _info,
    _numeric,
    _ordered,
    _pid,
    _text,
    _tmt_after_birth,
)

__all__ = [
    "ROSTER",
    "TRAINING",
    "SKP",
    "SURVEY",
    "PERSON_OUTCOME",
    "LINKED_OUTCOME",
    "EVENTS",
    "ROLLOUT",
    "CODES",
    "KIND_SCHEMAS",
    "ITEM_PATTERN",
]


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
