"""A survey wave as a KoboToolbox XLSX export with a repeat group."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.plans import SCALES

KOBO_META = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]
MENTORING_TOPICS = [
    "Perencanaan karier",
    "Syarat kompetensi jabatan",
    "Penyusunan SKP",
    "Persiapan seleksi terbuka",
    "Pengembangan diri",
]


def _kobo_headers(scale_names: Sequence[str]) -> dict[str, str]:
    """Question text -> KoboToolbox label header with its group path ('Group/Question')."""
    out = {
        "NIP": "Identitas/NIP",
        "Nama Lengkap": "Identitas/Nama Lengkap",
        "Unit Kerja": "Identitas/Unit Kerja",
    }
    for name in scale_names:
        for q in SCALES[name].items:
            out[q] = f"{SCALES[name].label}/{q}"
    return out


def _as_kobo(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    scale_names: Sequence[str],
    title: str,
    mentored: set[str],
) -> dict[str, pd.DataFrame]:
    """A Google-Forms-like frame rewritten as a KoboToolbox XLSX export (labels as headers,
    '/' group paths, tool metadata, a repeat sheet of mentoring sessions linked to each
    submission by _parent_index), as KPI writes it."""
    local = pd.to_datetime(frame["Cap waktu"], format="%d/%m/%Y %H:%M:%S")
    main = frame.drop(columns="Cap waktu").rename(columns=_kobo_headers(scale_names))
    n = len(main)
    main.insert(0, "start", (local - pd.to_timedelta(rng.integers(120, 900, n), "s")).to_numpy())
    main.insert(1, "end", local.to_numpy())
    ids = 48000000 + np.arange(1, n + 1) * 7
    main["_id"] = ids
    main["_uuid"] = [
        f"{rng.integers(0, 2**32):08x}-{rng.integers(0, 2**16):04x}-4"
        f"{rng.integers(0, 2**12):03x}-a{rng.integers(0, 2**12):03x}-"
        f"{rng.integers(0, 2**48):012x}"
        for _ in range(n)
    ]
    main["_submission_time"] = (local - pd.Timedelta(hours=7)).dt.floor("s").to_numpy()
    for col, value in (
        ("_validation_status", ""),
        ("_notes", ""),
        ("_status", "submitted_via_web"),
        ("_submitted_by", ""),
        ("__version__", "vKarier2025"),
        ("_tags", ""),
    ):
        main[col] = value
    main["_index"] = np.arange(1, n + 1)
    rows = []
    for i, nip in enumerate(frame["NIP"]):
        if nip not in mentored:
            continue
        for _ in range(int(rng.integers(1, 6))):
            day = local.iloc[i].normalize() - pd.Timedelta(days=int(rng.integers(20, 300)))
            rows.append(
                {
                    "riwayat_mentoring/Tanggal sesi": day,
                    "riwayat_mentoring/Topik": str(rng.choice(MENTORING_TOPICS)),
                    "riwayat_mentoring/Durasi (menit)": int(rng.choice([45, 60, 90, 120])),
                    "_index": len(rows) + 1,
                    "_parent_table_name": title,
                    "_parent_index": i + 1,
                    "_submission__id": ids[i],
                    "_submission__uuid": main.at[i, "_uuid"],
                    "_submission__submission_time": main.at[i, "_submission_time"],
                    "_submission__validation_status": "",
                    "_submission__notes": "",
                    "_submission__status": "submitted_via_web",
                    "_submission__submitted_by": "",
                    "_submission___version__": "vKarier2025",
                    "_submission__tags": "",
                }
            )
    return {title: main, "riwayat_mentoring": pd.DataFrame(rows)}


def _kobo_codebook_rows(file: str, scale_names: Sequence[str]) -> list[dict]:
    """Codebook rows for a KoboToolbox export: group-path headers, metadata, the repeat."""
    headers = _kobo_headers(scale_names)
    rows = []
    for r in _codebook_rows(file, scale_names):
        if r["raw_name"] == "Cap waktu":
            continue
        rows.append({**r, "raw_name": headers.get(r["raw_name"], r["raw_name"])})
    rows += [
        dict(
            file=file,
            raw_name="_submission_time",
            name="submitted",
            type="datetime",
            label="Waktu kiriman diterima server (UTC)",
            required=True,
        ),
        dict(
            file=file,
            raw_name="_id",
            name="kobo_id",
            type="string",
            label="Nomor kiriman KoboToolbox",
        ),
    ]
    rows += [
        dict(
            file=file,
            raw_name=m,
            name=m.strip("_").replace("__", "_") or "meta",
            type="drop",
            label="Metadata KoboToolbox (tidak dipakai)",
        )
        # the device times and every metadata column but the two kept above
        for m in ("start", "end", *(m for m in KOBO_META if m not in ("_id", "_submission_time")))
    ]
    rows += [
        dict(
            file=file,
            sheet="riwayat_mentoring",
            raw_name="riwayat_mentoring/Tanggal sesi",
            name="session_date",
            type="date",
            label="Tanggal sesi mentoring",
            required=True,
        ),
        dict(
            file=file,
            sheet="riwayat_mentoring",
            raw_name="riwayat_mentoring/Topik",
            name="topic",
            type="string",
            label="Topik sesi mentoring",
        ),
        dict(
            file=file,
            sheet="riwayat_mentoring",
            raw_name="riwayat_mentoring/Durasi (menit)",
            name="minutes",
            type="number",
            label="Durasi sesi (menit)",
            min=0,
            max=480,
        ),
    ]
    return rows
