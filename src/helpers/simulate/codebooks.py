"""The codebook and the Indonesian data dictionary shipped with each region."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.io.codebook import CODEBOOK_COLUMNS
from helpers.simulate.common import PREDIKAT
from helpers.simulate.plans import SCALES


# --------------------------------------------------------------------------- codebooks
def _codebook_rows(
    file: str,
    scale_names: Sequence[str],
    *,
    with_person: bool = True,
    extra_rows: Sequence[dict] = (),
) -> list[dict]:
    rows = []
    if with_person:
        rows += [
            dict(
                file=file,
                raw_name="Cap waktu",
                name="submitted",
                type="datetime",
                label="Waktu pengisian formulir",
                required=True,
            ),
            dict(
                file=file,
                raw_name="NIP",
                name="nip",
                type="nip",
                label="Nomor Induk Pegawai",
                required=True,
            ),
            dict(
                file=file,
                raw_name="Nama Lengkap",
                name="name",
                type="name",
                label="Nama responden (tidak disimpan)",
            ),
            dict(
                file=file,
                raw_name="Unit Kerja",
                name="unit",
                type="string",
                label="Unit kerja / OPD",
            ),
        ]
    for s in scale_names:
        scale = SCALES[s]
        k = len(scale.labels)
        vl = "|".join(f"{i + 1}={lab}" for i, lab in enumerate(scale.labels))
        for j, q in enumerate(scale.items):
            rows.append(
                dict(
                    file=file,
                    raw_name=q,
                    name=f"{s}_{j + 1}",
                    type="likert",
                    label=q,
                    value_labels=vl,
                    scale=s,
                    reverse=j in scale.reverse,
                    min=1,
                    max=k,
                    missing_codes="99",
                    required=True,
                )
            )
    rows += list(extra_rows)
    return rows


def _codebook_frame(rows: list[dict]) -> pd.DataFrame:
    columns = list(CODEBOOK_COLUMNS) + (["sheet"] if any(r.get("sheet") for r in rows) else [])
    df = pd.DataFrame(rows).reindex(columns=columns)
    df["reverse"] = df["reverse"].map(lambda v: "true" if v is True else "")
    df["required"] = df["required"].map(lambda v: "true" if v is True else "")
    for c in ("min", "max"):
        df[c] = df[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return df.fillna("")


STANDARD_ROWS = [
    # roster
    dict(
        file="roster_pegawai.csv",
        raw_name="NIP",
        name="nip",
        type="nip",
        label="Nomor Induk Pegawai",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Nama",
        name="name",
        type="name",
        label="Nama pegawai (tidak disimpan)",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Jenis Kelamin",
        name="gender",
        type="category",
        label="Jenis kelamin",
        value_labels="M=L|F=P",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Tanggal Lahir",
        name="birth_date",
        type="date",
        label="Tanggal lahir",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="TMT CPNS",
        name="tmt_cpns",
        type="date",
        label="Terhitung mulai tanggal CPNS",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Golongan",
        name="golongan",
        type="string",
        label="Golongan/ruang",
        required=True,
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Jabatan",
        name="jabatan",
        type="string",
        label="Jenis jabatan",
    ),
    dict(
        file="roster_pegawai.csv",
        raw_name="Unit Kerja",
        name="unit",
        type="string",
        label="Unit kerja / OPD",
        required=True,
    ),
    # training
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="NIP",
        name="nip",
        type="nip",
        label="Nomor Induk Pegawai",
        required=True,
    ),
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="Nama Pegawai",
        name="name",
        type="name",
        label="Nama pegawai (tidak disimpan)",
    ),
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="Nama Diklat",
        name="course",
        type="string",
        label="Nama pelatihan/diklat",
        required=True,
    ),
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="Tanggal Mulai",
        name="start",
        type="date",
        label="Tanggal mulai",
        required=True,
    ),
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="Tanggal Selesai",
        name="end",
        type="date",
        label="Tanggal selesai",
    ),
    dict(
        file="riwayat_pelatihan.csv",
        raw_name="Jumlah JP",
        name="jp",
        type="number",
        label="Jam pelajaran (JP)",
        min=0,
        max=200,
        required=True,
    ),
    # SKP
    dict(
        file="kinerja_skp.csv",
        raw_name="NIP",
        name="nip",
        type="nip",
        label="Nomor Induk Pegawai",
        required=True,
    ),
    dict(
        file="kinerja_skp.csv",
        raw_name="Tahun",
        name="year",
        type="integer",
        label="Tahun penilaian",
        min=2015,
        max=2030,
        required=True,
    ),
    dict(
        file="kinerja_skp.csv",
        raw_name="Nilai SKP",
        name="score",
        type="number",
        label="Nilai SKP 0-100 (sebelum 2023)",
        min=0,
        max=100,
    ),
    dict(
        file="kinerja_skp.csv",
        raw_name="Predikat Kinerja",
        name="rating",
        type="category",
        label="Predikat kinerja (PermenPANRB 6/2022)",
        value_labels="|".join(f"{i + 1}={p}" for i, p in enumerate(PREDIKAT)),
    ),
]


def _data_dictionary(slug: str, name: str, codebook: pd.DataFrame, files: dict[str, str]) -> str:
    lines = [
        f"# Kamus data: {name}",
        "",
        "**Data ini sintetis.** Dibuat oleh `python -m helpers.simulate` (benih acak tetap) "
        "untuk contoh dan pengujian; tidak ada data pribadi sungguhan.",
        "",
        "## Berkas",
        "",
    ]
    for f, desc in files.items():
        lines.append(f"- `{f}`: {desc}")
    lines += [
        "",
        "## Variabel (dari `codebook.csv`)",
        "",
        "| berkas | kolom asli | nama bersih | jenis | keterangan |",
        "|---|---|---|---|---|",
    ]
    for r in codebook.itertuples():
        lines.append(f"| {r.file} | {r.raw_name} | `{r.name}` | {r.type} | {r.label} |")
    lines.append("")
    return "\n".join(lines)
