"""Medan's shape: teachers' students' scores, low-response feedback."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.common import _fmt_dec, _logistic
from helpers.simulate.mess import _survey_frame
from helpers.simulate.people import _common, _select, _skp_2024, _training, _truth_effect
from helpers.simulate.plans import SCALES
from helpers.simulate.surveys import _scale_items, _scale_score, _survey_waves


def _medan(rng, plan, ref):
    staff, mess = _common(rng, plan, ref)
    treated = _select(rng, staff, plan.selection_shift)
    eff = {s: plan.effects[s] for s in plan.survey_scales}
    frames, truth = _survey_waves(
        rng,
        mess,
        plan,
        staff,
        treated,
        eff,
        {"pre": "survei_awal_2024.csv", "post": "survei_akhir_2025.csv"},
    )
    skp, skp_truth = _skp_2024(rng, staff, treated, plan.effects["skp"])
    records = _training(rng, staff, treated, plan)
    # feedback on the training: low, selective response (the satisfied answer more)
    sat_scale = SCALES["training_satisfaction"]
    sat_latent = 0.3 + 0.25 * (staff["skp_2023"].to_numpy() - 3.6) + rng.normal(0, 0.7, len(staff))
    sat_items = _scale_items(
        rng, sat_scale, sat_latent, rng.normal(0, 0.5, (len(staff), len(sat_scale.items)))
    )
    sat_score = _scale_score(sat_scale, sat_items)
    p_resp = _logistic(-1.6 + 1.3 * sat_latent + 0.3 * (staff["skp_2023"].to_numpy() - 3.6))
    respond = treated & (rng.random(len(staff)) < p_resp)
    fb = _survey_frame(
        rng,
        mess,
        "umpan_balik_pelatihan.csv",
        staff[respond],
        {q: v[respond] for q, v in sat_items.items()},
        {q: sat_scale.labels for q in sat_scale.items},
        ("2024-12-01", "2024-12-31"),
        dup_rate=0.01,
    )
    truth["feedback"] = {
        "n_trained": int(treated.sum()),
        "n_respondents": int(respond.sum()),
        "response_rate": float(respond.sum() / treated.sum()),
        "mean_satisfaction_all_trained": float(sat_score[treated].mean()),
        "mean_satisfaction_respondents": float(sat_score[respond].mean()),
    }
    # teachers' classes: students' scores before and after their teacher's training
    teachers = np.flatnonzero(staff["jabatan"].to_numpy() == "Guru")
    teachers = np.sort(rng.choice(teachers, size=min(140, len(teachers)), replace=False))
    rows = []
    y1s, y0s, tr = [], [], []
    per_school: dict[str, int] = {}
    for c, ti in enumerate(teachers):
        class_effect = rng.normal(0, 4)
        school = staff.at[int(ti), "unit"]
        k = per_school[school] = per_school.get(school, -1) + 1  # one class per teacher
        for s in range(int(rng.integers(22, 32))):
            pre = float(np.clip(rng.normal(66, 10), 20, 100))
            base = 12 + 0.82 * pre + class_effect + rng.normal(0, 6)
            y0 = float(np.clip(base, 0, 100))
            y1 = float(np.clip(base + plan.effects["student_scores"], 0, 100))
            y = y1 if treated[ti] else y0
            y1s.append(y1)
            y0s.append(y0)
            tr.append(bool(treated[ti]))
            rows.append(
                (
                    f"S{c + 1:03d}{s + 1:02d}",
                    staff.at[int(ti), "nip"],
                    f"{school} - Kelas {7 + k % 3}{chr(65 + k // 3)}",
                    school,
                    _fmt_dec(pre),
                    _fmt_dec(y),
                )
            )
    students = pd.DataFrame(
        rows,
        columns=[
            "ID Siswa",
            "NIP Guru",
            "Kelas",
            "Sekolah",
            "Nilai Awal (Semester Ganjil 2023/2024)",
            "Nilai Akhir (Semester Ganjil 2024/2025)",
        ],
    )
    truth["student_scores"] = _truth_effect(np.array(y1s), np.array(y0s), np.array(tr))
    files = {
        "survei_awal_2024.csv": ("csv", frames["pre"]),
        "survei_akhir_2025.csv": ("csv", frames["post"]),
        "umpan_balik_pelatihan.csv": ("csv", fb),
        "nilai_siswa.csv": ("csv;", students),
    }
    cb = (
        _codebook_rows("survei_*.csv", plan.survey_scales)
        + _codebook_rows("umpan_balik_pelatihan.csv", ("training_satisfaction",))
        + [
            dict(
                file="nilai_siswa.csv",
                raw_name="ID Siswa",
                name="student_id",
                type="id",
                label="ID siswa (sudah anonim di sekolah)",
                required=True,
            ),
            dict(
                file="nilai_siswa.csv",
                raw_name="NIP Guru",
                name="teacher_nip",
                type="nip",
                label="NIP guru kelas",
                required=True,
            ),
            dict(
                file="nilai_siswa.csv",
                raw_name="Kelas",
                name="class_id",
                type="string",
                label="Kelas",
                required=True,
            ),
            dict(
                file="nilai_siswa.csv",
                raw_name="Sekolah",
                name="school",
                type="string",
                label="Sekolah",
            ),
            dict(
                file="nilai_siswa.csv",
                raw_name="Nilai Awal (Semester Ganjil 2023/2024)",
                name="score_pre",
                type="number",
                label="Nilai awal siswa",
                min=0,
                max=100,
                required=True,
            ),
            dict(
                file="nilai_siswa.csv",
                raw_name="Nilai Akhir (Semester Ganjil 2024/2025)",
                name="score_post",
                type="number",
                label="Nilai akhir siswa",
                min=0,
                max=100,
                required=True,
            ),
        ]
    )
    describe = {
        "survei_awal_2024.csv": "survei awal pegawai (Januari 2024)",
        "survei_akhir_2025.csv": "survei akhir pegawai (Januari 2025)",
        "umpan_balik_pelatihan.csv": "umpan balik peserta pelatihan (respons rendah)",
        "nilai_siswa.csv": "nilai siswa per guru, pemisah ';' dan koma desimal",
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
