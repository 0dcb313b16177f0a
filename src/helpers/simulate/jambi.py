"""Jambi's shape: a staggered roll-out by dinas, service transactions and IKM surveys."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core.formatting import MONTHS_ID
from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.common import AGREE, IKM_LABELS, _dmy, _fmt_dec, _logistic
from helpers.simulate.mess import _survey_frame
from helpers.simulate.people import _common, _skp_2024, _training
from helpers.simulate.plans import SCALES
from helpers.simulate.surveys import _scale_items


def _jambi(rng, plan, ref):
    staff, mess = _common(rng, plan, ref)
    units = list(plan.units)
    months = pd.period_range("2023-07", "2025-06", freq="M")
    # staggered roll-out: dinas with longer waits go first; three not yet trained
    start_idx = {
        u: [6, 6, 9, 9, 12, 12, 15, 15, 18, None, None, None][k] for k, u in enumerate(units)
    }
    unit_level = {u: 48 - 1.2 * k + rng.normal(0, 3) for k, u in enumerate(units)}
    lead = SCALES["leadership_support"]
    load = SCALES["workload"]
    n = len(staff)
    lead_lat = rng.normal(0, 0.8, n)
    load_lat = rng.normal(0, 0.8, n)
    unit_arr = staff["unit"].to_numpy()
    rolled = np.array([start_idx[u] is not None for u in unit_arr])
    p_train = _logistic(0.8 + 1.0 * lead_lat - 1.0 * load_lat)
    treated = rolled & (rng.random(n) < p_train)
    dates = np.array(
        [
            months[start_idx[u]].start_time + pd.Timedelta(days=int(rng.integers(0, 25)))
            if start_idx[u] is not None
            else pd.NaT
            for u in unit_arr
        ],
        dtype=object,
    )
    records = _training(rng, staff, treated, plan, dates=dates)
    lead_items = _scale_items(rng, lead, lead_lat, rng.normal(0, 0.5, (n, 3)))
    load_items = _scale_items(rng, load, load_lat, rng.normal(0, 0.5, (n, 3)))
    reasons = [
        "Beban kerja tinggi",
        "Tidak mendapat izin atasan",
        "Jadwal bentrok",
        "Tidak tahu ada pelatihan",
        "Sedang cuti",
    ]
    why = []
    for i in range(n):
        if treated[i] or not rolled[i]:
            why.append("")
            continue
        picked = [
            r
            for k, r in enumerate(reasons)
            if rng.random()
            < [0.35 + 0.2 * (load_lat[i] > 0), 0.2 + 0.2 * (lead_lat[i] < 0), 0.25, 0.15, 0.05][k]
        ]
        why.append(";".join(picked))
    respond = rng.random(n) < plan.response_rate
    items = {**lead_items, **load_items}
    labels = {q: AGREE for q in items}
    extra = {
        "Apakah Anda sudah mengikuti Pelatihan Manajemen Waktu/Proyek?": np.where(
            treated, "Sudah", "Belum"
        )[respond],
        "Jika belum, apa alasannya? (boleh lebih dari satu)": np.array(why, dtype=object)[respond],
    }
    survey = _survey_frame(
        rng,
        mess,
        "survei_pegawai_2025.csv",
        staff[respond],
        {q: v[respond] for q, v in items.items()},
        labels,
        ("2025-03-03", "2025-03-28"),
        extra=extra,
    )
    # service transactions (';' and decimal commas) and IKM answers, by dinas and month
    effect_w = plan.effects["waiting_time"]
    tx, ikm_rows = [], []
    ikm1_all, ikm0_all = [], []
    month_effect = {m: rng.normal(0, 1.5) - 0.08 * k for k, m in enumerate(months)}
    service_kinds = ["Pengurusan dokumen", "Perizinan", "Pengaduan", "Konsultasi"]
    for u in units:
        q_unit = rng.normal(0, 0.25)
        for k, m in enumerate(months):
            on = start_idx[u] is not None and k >= start_idx[u]
            mu = unit_level[u] + month_effect[m] + (effect_w if on else 0.0)
            for _ in range(int(rng.integers(20, 32))):
                d = m.start_time + pd.Timedelta(days=int(rng.integers(0, m.days_in_month)))
                w = max(1.0, mu + rng.normal(0, 9))
                tx.append((u, _dmy(d), str(rng.choice(service_kinds)), _fmt_dec(w)))
            base = 0.1 + q_unit + 0.01 * k
            shift = 0.15 if on else 0.0
            cell1, cell0 = [], []
            for _ in range(int(rng.integers(10, 16))):
                e = rng.normal(0, 0.55, 9)
                a0 = np.clip(np.rint(2.9 + base + e), 1, 4).astype(int)
                a1 = np.clip(np.rint(2.9 + base + shift + e), 1, 4).astype(int)
                a = a1 if on else a0
                cell1.append(a1 if on else a1)
                cell0.append(a0)
                d = m.start_time + pd.Timedelta(days=int(rng.integers(0, m.days_in_month)))
                ikm_rows.append(
                    (
                        u,
                        _dmy(d),
                        *[
                            mess.label(IKM_LABELS[x - 1], "survei_ikm.csv", f"U{j + 1}", 0)
                            for j, x in enumerate(a)
                        ],
                    )
                )
            if on:
                ikm1_all.append(np.mean(np.array(cell1), axis=0).mean() * 25)
                ikm0_all.append(np.mean(np.array(cell0), axis=0).mean() * 25)
    tx_df = pd.DataFrame(tx, columns=["Dinas", "Tanggal", "Jenis Layanan", "Waktu Tunggu (menit)"])
    ikm_items = [
        "U1 Persyaratan",
        "U2 Sistem, mekanisme dan prosedur",
        "U3 Waktu penyelesaian",
        "U4 Biaya/tarif",
        "U5 Produk spesifikasi jenis pelayanan",
        "U6 Kompetensi pelaksana",
        "U7 Perilaku pelaksana",
        "U8 Penanganan pengaduan, saran dan masukan",
        "U9 Sarana dan prasarana",
    ]
    ikm_df = pd.DataFrame(ikm_rows, columns=["Dinas", "Tanggal Survei", *ikm_items])
    rollout = pd.DataFrame(
        {
            "Dinas": units,
            "Bulan Mulai Pelatihan": [
                f"{MONTHS_ID[months[start_idx[u]].month - 1]} {months[start_idx[u]].year}"
                if start_idx[u] is not None
                else "Belum dijadwalkan"
                for u in units
            ],
        }
    )
    skp, skp_truth = _skp_2024(rng, staff, treated, plan.effects["skp"])
    truth = {
        "waiting_time": {
            "att": effect_w,
            "ate": effect_w,
            "note": "additive effect on the expected waiting time",
        },
        "ikm": {
            "att": float(np.mean(np.array(ikm1_all) - np.array(ikm0_all))),
            "ate": float(np.mean(np.array(ikm1_all) - np.array(ikm0_all))),
        },
        "participation": {"leadership_coef_logit": 1.0, "workload_coef_logit": -1.0},
    }
    files = {
        "survei_pegawai_2025.csv": ("csv", survey),
        "jadwal_pelatihan_dinas.csv": ("csv", rollout),
        "transaksi_layanan.csv": ("csv;", tx_df),
        "survei_ikm.csv": ("csv", ikm_df),
    }
    vl_ikm = "|".join(f"{i + 1}={lab}" for i, lab in enumerate(IKM_LABELS))
    cb = (
        _codebook_rows(
            "survei_pegawai_2025.csv",
            plan.survey_scales,
            extra_rows=[
                dict(
                    file="survei_pegawai_2025.csv",
                    raw_name="Apakah Anda sudah mengikuti Pelatihan Manajemen Waktu/Proyek?",
                    name="trained_self_report",
                    type="boolean",
                    label="Sudah ikut pelatihan (laporan sendiri)",
                ),
                dict(
                    file="survei_pegawai_2025.csv",
                    raw_name="Jika belum, apa alasannya? (boleh lebih dari satu)",
                    name="reasons_not_trained",
                    type="string",
                    label="Alasan belum ikut pelatihan (pilihan ganda, dipisah ';')",
                ),
            ],
        )
        + [
            dict(
                file="jadwal_pelatihan_dinas.csv",
                raw_name="Dinas",
                name="unit",
                type="string",
                label="Dinas",
                required=True,
            ),
            dict(
                file="jadwal_pelatihan_dinas.csv",
                raw_name="Bulan Mulai Pelatihan",
                name="start",
                type="date",
                label="Bulan mulai pelatihan",
                missing_codes="Belum dijadwalkan",
                required=True,
            ),
            dict(
                file="transaksi_layanan.csv",
                raw_name="Dinas",
                name="unit",
                type="string",
                label="Dinas",
                required=True,
            ),
            dict(
                file="transaksi_layanan.csv",
                raw_name="Tanggal",
                name="date",
                type="date",
                label="Tanggal layanan",
                required=True,
            ),
            dict(
                file="transaksi_layanan.csv",
                raw_name="Jenis Layanan",
                name="service",
                type="string",
                label="Jenis layanan",
            ),
            dict(
                file="transaksi_layanan.csv",
                raw_name="Waktu Tunggu (menit)",
                name="waiting_minutes",
                type="number",
                label="Waktu tunggu (menit)",
                min=0,
                max=600,
                required=True,
            ),
            dict(
                file="survei_ikm.csv",
                raw_name="Dinas",
                name="unit",
                type="string",
                label="Dinas",
                required=True,
            ),
            dict(
                file="survei_ikm.csv",
                raw_name="Tanggal Survei",
                name="date",
                type="date",
                label="Tanggal survei",
                required=True,
            ),
        ]
        + [
            dict(
                file="survei_ikm.csv",
                raw_name=q,
                name=f"u{j + 1}",
                type="likert",
                label=q,
                value_labels=vl_ikm,
                scale="ikm_elements",
                min=1,
                max=4,
                required=True,
            )
            for j, q in enumerate(ikm_items)
        ]
    )
    describe = {
        "survei_pegawai_2025.csv": "survei pegawai (Maret 2025): dukungan pimpinan, "
        "beban kerja, alasan tidak ikut pelatihan",
        "jadwal_pelatihan_dinas.csv": "jadwal mulai pelatihan per dinas (bertahap)",
        "transaksi_layanan.csv": "transaksi layanan, pemisah ';' dan koma desimal",
        "survei_ikm.csv": "survei kepuasan masyarakat (IKM, 9 unsur, PermenPANRB 14/2017)",
    }
    truth["skp"] = skp_truth
    return dict(
        staff=staff,
        mess=mess,
        treated=treated,
        truth=truth,
        skp=skp,
        records=records,
        files=files,
        codebook=cb,
        describe=describe,
    )
