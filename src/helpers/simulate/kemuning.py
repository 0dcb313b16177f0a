"""Kemuning's shape: reaction survey, pre/post tests, supervisor observations, project budgets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.common import OBSERVED, _fmt_dec, _rupiah, _tanggal
from helpers.simulate.mess import _survey_frame
from helpers.simulate.people import _common, _select, _skp_2024, _training, _truth_effect
from helpers.simulate.plans import SCALES
from helpers.simulate.surveys import _scale_items, _scale_score


def _kemuning(rng, plan, ref):
    staff, mess = _common(rng, plan, ref)
    treated = _select(rng, staff, -1.0)
    records = _training(rng, staff, treated, plan)
    skp, skp_truth = _skp_2024(rng, staff, treated, plan.effects["skp"])
    n = len(staff)
    # learning: pre/post knowledge test of the trained
    pre = np.clip(rng.normal(55 + 4 * staff["ability"].to_numpy(), 11), 5, 100)
    noise = rng.normal(0, 8, n)
    post0 = np.clip(pre + 2 + noise, 0, 100)
    post1 = np.clip(pre + 2 + plan.effects["test_scores"] + noise, 0, 100)
    tt = np.flatnonzero(treated)
    tests = pd.DataFrame(
        {
            "NIP": staff["nip"].to_numpy()[tt],
            "Nilai Pre-test": [_fmt_dec(x) for x in pre[tt]],
            "Nilai Post-test": [_fmt_dec(x) for x in post1[tt]],
        }
    )
    # the paired design measures the change among the trained: change minus what would have
    # happened anyway (+2) is the effect; the report says so
    truth = {
        "test_scores": {
            "att": float((post1 - pre)[treated].mean()),
            "ate": float((post1 - pre)[treated].mean()),
            "effect_net_of_retest": float((post1 - post0)[treated].mean()),
            "note": "paired design estimates the mean change among the "
            "trained, which includes a +2 retest gain",
        }
    }
    # behaviour: supervisors observe the trained and a comparison group, before and after
    comparison = (~treated) & (rng.random(n) < treated.sum() / max(1, (~treated).sum()) * 1.1)
    observed = treated | comparison
    obs_scale = SCALES["observed_skills"]
    trait = 0.3 * (staff["skp_2023"].to_numpy() - 3.6) - 0.1 * (staff["age"].to_numpy() - 41) / 9
    trait = trait + rng.normal(0, 0.45, n)
    noise_pre = rng.normal(0, 0.5, (n, 5))
    noise_post = rng.normal(0, 0.5, (n, 5))
    pre_items = _scale_items(rng, obs_scale, trait, noise_pre)
    drift = rng.normal(0, 0.25, n)
    p0 = _scale_items(rng, obs_scale, trait + drift, noise_post)
    p1 = _scale_items(rng, obs_scale, trait + drift + plan.effects["observed_skills"], noise_post)
    post_items = {q: np.where(treated, p1[q], p0[q]) for q in obs_scale.items}
    truth["observed_skills"] = _truth_effect(
        _scale_score(obs_scale, p1), _scale_score(obs_scale, p0), treated, observed
    )
    obs_rows = []
    for i in np.flatnonzero(observed):
        for wave, items, when in (
            ("Awal", pre_items, "2024-02-12"),
            ("Akhir", post_items, "2024-12-09"),
        ):
            obs_rows.append(
                {
                    "NIP": staff.at[int(i), "nip"],
                    "Putaran": wave,
                    "Tanggal Observasi": _tanggal(pd.Timestamp(when)),
                    **{
                        q: mess.answer(
                            int(items[q][i]),
                            obs_scale.labels,
                            "observasi_atasan.csv",
                            q,
                            0,
                            rates=(0.01, 0, 0, 0),
                        )
                        for q in obs_scale.items
                    },
                }
            )
    obs = pd.DataFrame(obs_rows)
    # results: project budgets managed by trained and untrained PPTK (true effect zero)
    pptk = rng.choice(n, 70, replace=False)
    rows = []
    y1s, y0s, tr = [], [], []
    for k, i in enumerate(pptk):
        pagu23 = float(rng.integers(150, 2500)) * 1e6
        pagu24 = pagu23 * rng.uniform(0.9, 1.2)
        r23 = float(np.clip(rng.normal(84, 7), 40, 100))
        base = 30 + 0.62 * r23 + rng.normal(0, 5)
        y0 = float(np.clip(base, 0, 100))
        y1 = float(np.clip(base + plan.effects["budget_realisation"], 0, 100))
        y = y1 if treated[i] else y0
        y1s.append(y1)
        y0s.append(y0)
        tr.append(bool(treated[i]))
        rows.append(
            (
                f"KEG-{k + 1:03d}",
                f"Kegiatan {k + 1}",
                staff.at[int(i), "unit"],
                staff.at[int(i), "nip"],
                _rupiah(pagu23),
                _rupiah(pagu23 * r23 / 100),
                _fmt_dec(r23),
                _rupiah(pagu24),
                _rupiah(pagu24 * y / 100),
                _fmt_dec(y),
            )
        )
    budgets = pd.DataFrame(
        rows,
        columns=[
            "Kode Kegiatan",
            "Nama Kegiatan",
            "Unit Kerja",
            "NIP PPTK",
            "Pagu 2023",
            "Realisasi 2023",
            "Realisasi 2023 (%)",
            "Pagu 2024",
            "Realisasi 2024",
            "Realisasi 2024 (%)",
        ],
    )
    truth["budget_realisation"] = _truth_effect(np.array(y1s), np.array(y0s), np.array(tr))
    # reaction: satisfaction of the trained with the training
    sat_scale = SCALES["training_satisfaction"]
    sat_items = _scale_items(rng, sat_scale, rng.normal(0.7, 0.6, n), rng.normal(0, 0.5, (n, 5)))
    respond = treated & (rng.random(n) < 0.85)
    reaction = _survey_frame(
        rng,
        mess,
        "survei_reaksi_pelatihan.csv",
        staff[respond],
        {q: v[respond] for q, v in sat_items.items()},
        {q: sat_scale.labels for q in sat_scale.items},
        ("2024-10-01", "2024-11-15"),
        dup_rate=0.02,
    )
    files = {
        "survei_reaksi_pelatihan.csv": ("csv", reaction),
        "tes_pre_post.csv": ("csv;", tests),
        "observasi_atasan.csv": ("csv", obs),
        "anggaran_proyek.xlsx": ("xlsx", {"Realisasi Anggaran": budgets}),
    }
    vl_obs = "|".join(f"{i + 1}={lab}" for i, lab in enumerate(OBSERVED))
    cb = (
        _codebook_rows("survei_reaksi_pelatihan.csv", ("training_satisfaction",))
        + [
            dict(
                file="tes_pre_post.csv",
                raw_name="NIP",
                name="nip",
                type="nip",
                label="NIP",
                required=True,
            ),
            dict(
                file="tes_pre_post.csv",
                raw_name="Nilai Pre-test",
                name="test_pre",
                type="number",
                label="Nilai tes awal",
                min=0,
                max=100,
                required=True,
            ),
            dict(
                file="tes_pre_post.csv",
                raw_name="Nilai Post-test",
                name="test_post",
                type="number",
                label="Nilai tes akhir",
                min=0,
                max=100,
                required=True,
            ),
            dict(
                file="observasi_atasan.csv",
                raw_name="NIP",
                name="nip",
                type="nip",
                label="NIP pegawai yang diamati",
                required=True,
            ),
            dict(
                file="observasi_atasan.csv",
                raw_name="Putaran",
                name="wave",
                type="category",
                label="Putaran observasi",
                value_labels="pre=Awal|post=Akhir",
                required=True,
            ),
            dict(
                file="observasi_atasan.csv",
                raw_name="Tanggal Observasi",
                name="date",
                type="date",
                label="Tanggal observasi",
            ),
        ]
        + [
            dict(
                file="observasi_atasan.csv",
                raw_name=q,
                name=f"observed_skills_{j + 1}",
                type="likert",
                label=q,
                value_labels=vl_obs,
                scale="observed_skills",
                min=1,
                max=4,
                required=True,
            )
            for j, q in enumerate(obs_scale.items)
        ]
        + [
            dict(
                file="anggaran_proyek.xlsx",
                raw_name="Kode Kegiatan",
                name="project_id",
                type="id",
                label="Kode kegiatan",
                required=True,
            ),
            dict(
                file="anggaran_proyek.xlsx",
                raw_name="Nama Kegiatan",
                name="project",
                type="string",
                label="Nama kegiatan",
            ),
            dict(
                file="anggaran_proyek.xlsx",
                raw_name="Unit Kerja",
                name="unit",
                type="string",
                label="Unit kerja",
            ),
            dict(
                file="anggaran_proyek.xlsx",
                raw_name="NIP PPTK",
                name="pptk_nip",
                type="nip",
                label="NIP pejabat pelaksana teknis kegiatan",
                required=True,
            ),
        ]
        + [
            dict(
                file="anggaran_proyek.xlsx",
                raw_name=raw,
                name=name,
                type="number",
                label=raw,
                min=0,
                max=mx,
                required=True,
            )
            for raw, name, mx in (
                ("Pagu 2023", "budget_2023", None),
                ("Realisasi 2023", "spent_2023", None),
                ("Realisasi 2023 (%)", "realisation_2023", 100),
                ("Pagu 2024", "budget_2024", None),
                ("Realisasi 2024", "spent_2024", None),
                ("Realisasi 2024 (%)", "realisation_2024", 100),
            )
        ]
    )
    describe = {
        "survei_reaksi_pelatihan.csv": "kepuasan peserta terhadap pelatihan (reaksi)",
        "tes_pre_post.csv": "nilai tes awal dan akhir peserta, pemisah ';' dan koma desimal",
        "observasi_atasan.csv": "observasi keterampilan oleh atasan, awal dan akhir",
        "anggaran_proyek.xlsx": "realisasi anggaran kegiatan per PPTK (XLSX)",
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
