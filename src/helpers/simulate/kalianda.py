"""Kalianda's shape: a mentoring pilot, promotions, a KoboToolbox wave, focus groups."""

from __future__ import annotations

import pandas as pd

from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.common import _tanggal
from helpers.simulate.kobo import _as_kobo, _kobo_codebook_rows
from helpers.simulate.people import _common, _select, _skp_2024, _training
from helpers.simulate.surveys import _survey_waves


def _kalianda(rng, plan, ref):
    staff, mess = _common(rng, plan, ref)
    # mentoring pilot: volunteers, younger and better-rated staff more often
    pilot = _select(rng, staff, -1.6)
    eff = {s: plan.effects[s] for s in plan.survey_scales}
    frames, truth = _survey_waves(
        rng,
        mess,
        plan,
        staff,
        pilot,
        eff,
        {"pre": "survei_awal_2024.csv", "post": "survei_akhir_2025.xlsx"},
    )
    skp, skp_truth = _skp_2024(rng, staff, pilot, plan.effects["skp"])
    records = _training(rng, staff, _select(rng, staff, -1.2), plan)
    members = staff[pilot]
    start = pd.Timestamp("2024-03-04")
    pilot_df = pd.DataFrame(
        {
            "NIP": members["nip"].to_numpy(),
            "Nama": members["name"].to_numpy(),
            "Unit Kerja": members["unit"].to_numpy(),
            "Tanggal Mulai Mentoring": [
                _tanggal(start + pd.Timedelta(days=int(d)))
                for d in rng.integers(0, 30, len(members))
            ],
            "Mentor": [f"Mentor {int(m)}" for m in rng.integers(1, 16, len(members))],
        }
    )
    # promotion and placement records: open selection less common for women and lower ranks
    rows = []
    for _ in range(340):
        i = int(rng.integers(0, len(staff)))
        p = staff.iloc[i]
        kind = str(
            rng.choice(
                ["Kenaikan Pangkat", "Promosi Jabatan", "Mutasi", "Rotasi"],
                p=[0.45, 0.15, 0.25, 0.15],
            )
        )
        d = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 700)))
        open_p = 0.65 - 0.2 * (p["gender"] == "P") + 0.04 * p["gol_rank"]
        rows.append(
            (
                p["nip"],
                p["name"],
                kind,
                _tanggal(d),
                "Ya" if rng.random() < open_p else "Tidak",
                "Ya" if rng.random() < open_p - 0.1 else "Tidak",
            )
        )
    promo = pd.DataFrame(
        rows,
        columns=[
            "NIP",
            "Nama",
            "Jenis",
            "Tanggal SK",
            "Melalui Seleksi Terbuka",
            "Diumumkan Terbuka",
        ],
    )
    files = {
        "survei_awal_2024.csv": ("csv", frames["pre"]),
        "survei_akhir_2025.xlsx": (
            "xlsx",
            _as_kobo(
                rng,
                frames["post"],
                plan.survey_scales,
                "Survei Karier ASN 2025",
                set(members["nip"]),
            ),
        ),
        "peserta_pilot_mentoring.csv": ("csv", pilot_df),
        "riwayat_promosi_mutasi.csv": ("csv", promo),
    }
    cb = (
        _codebook_rows("survei_awal_2024.csv", plan.survey_scales)
        + _kobo_codebook_rows("survei_akhir_2025.xlsx", plan.survey_scales)
    ) + [
        dict(
            file="peserta_pilot_mentoring.csv",
            raw_name="NIP",
            name="nip",
            type="nip",
            label="NIP peserta",
            required=True,
        ),
        dict(
            file="peserta_pilot_mentoring.csv",
            raw_name="Nama",
            name="name",
            type="name",
            label="Nama peserta (tidak disimpan)",
        ),
        dict(
            file="peserta_pilot_mentoring.csv",
            raw_name="Unit Kerja",
            name="unit",
            type="string",
            label="Unit kerja",
        ),
        dict(
            file="peserta_pilot_mentoring.csv",
            raw_name="Tanggal Mulai Mentoring",
            name="pilot_start",
            type="date",
            label="Tanggal mulai mentoring",
        ),
        dict(
            file="peserta_pilot_mentoring.csv",
            raw_name="Mentor",
            name="mentor",
            type="string",
            label="Mentor (kode)",
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="NIP",
            name="nip",
            type="nip",
            label="NIP",
            required=True,
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="Nama",
            name="name",
            type="name",
            label="Nama (tidak disimpan)",
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="Jenis",
            name="event",
            type="string",
            label="Jenis peristiwa karier",
            required=True,
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="Tanggal SK",
            name="date",
            type="date",
            label="Tanggal SK",
            required=True,
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="Melalui Seleksi Terbuka",
            name="open_selection",
            type="boolean",
            label="Melalui seleksi terbuka",
        ),
        dict(
            file="riwayat_promosi_mutasi.csv",
            raw_name="Diumumkan Terbuka",
            name="announced",
            type="boolean",
            label="Diumumkan secara terbuka",
        ),
    ]
    describe = {
        "survei_awal_2024.csv": "survei awal (Januari 2024)",
        "survei_akhir_2025.xlsx": "survei akhir (Januari 2025), ekspor KoboToolbox (XLSX) dengan "
        "kelompok pertanyaan dan lembar ulangan riwayat_mentoring",
        "peserta_pilot_mentoring.csv": "peserta uji coba mentoring/coaching 2024",
        "riwayat_promosi_mutasi.csv": "riwayat kenaikan pangkat, promosi dan mutasi",
    }
    truth["skp"] = skp_truth
    return dict(
        staff=staff,
        mess=mess,
        treated=pilot,
        truth=truth,
        skp=skp,
        records=records,
        files=files,
        codebook=cb,
        describe=describe,
    )
