"""Kepahiang's shape: surveys as Google Forms XLSX, relevance rated after the training."""

from __future__ import annotations

import numpy as np

from helpers.simulate.codebooks import _codebook_rows
from helpers.simulate.people import _common, _select, _skp_2024, _training
from helpers.simulate.plans import SCALES
from helpers.simulate.surveys import _scale_items, _survey_waves


def _kepahiang(rng, plan, ref):
    staff, mess = _common(rng, plan, ref)
    treated = _select(rng, staff, plan.selection_shift)
    # relevance of training to the job: only the trained answer; effects grow with it
    rel_latent = rng.normal(0, 0.8, len(staff))
    slope = plan.effects["relevance_slope"]
    eff = {
        s: plan.effects[s] + slope * rel_latent
        if s in ("job_satisfaction", "self_efficacy")
        else plan.effects[s]
        for s in ("job_satisfaction", "motivation", "self_efficacy")
    }
    eff["resources"] = 0.0
    rel_scale = SCALES["training_relevance"]
    rel_items = _scale_items(
        rng, rel_scale, rel_latent + 0.4, rng.normal(0, 0.6, (len(staff), len(rel_scale.items)))
    )
    rel_items = {q: np.where(treated, v, 0) for q, v in rel_items.items()}
    sat_scale = SCALES["training_satisfaction"]
    sat_items = _scale_items(
        rng,
        sat_scale,
        0.6 + 0.5 * rel_latent,
        rng.normal(0, 0.6, (len(staff), len(sat_scale.items))),
    )
    sat_items = {q: np.where(treated, v, 0) for q, v in sat_items.items()}
    extra = {q: (v, rel_scale.labels) for q, v in rel_items.items()}
    extra.update({q: (v, sat_scale.labels) for q, v in sat_items.items()})
    frames, truth = _survey_waves(
        rng,
        mess,
        plan,
        staff,
        treated,
        eff,
        {"pre": "survei_awal_2024.xlsx", "post": "survei_akhir_2025.xlsx"},
        post_extra=extra,
        timestamp_kind="datetime",
    )
    skp, truth["skp"] = _skp_2024(rng, staff, treated, plan.effects["skp"])
    records = _training(rng, staff, treated, plan)
    files = {
        "survei_awal_2024.xlsx": ("xlsx", {"Jawaban Formulir 1": frames["pre"]}),
        "survei_akhir_2025.xlsx": ("xlsx", {"Jawaban Formulir 1": frames["post"]}),
    }
    hi = rel_latent > np.median(rel_latent[treated])
    truth["heterogeneity"] = {
        "moderator": "training_relevance",
        "slope_per_latent_sd": slope,
        "job_satisfaction_att_high_relevance": float(
            plan.effects["job_satisfaction"] + slope * rel_latent[treated & hi].mean()
        ),
        "job_satisfaction_att_low_relevance": float(
            plan.effects["job_satisfaction"] + slope * rel_latent[treated & ~hi].mean()
        ),
    }
    cb = _codebook_rows("survei_*_2025.xlsx", plan.survey_scales) + _codebook_rows(
        "survei_akhir_2025.xlsx", ("training_relevance", "training_satisfaction"), with_person=False
    )
    cb = _codebook_rows("survei_awal_2024.xlsx", plan.survey_scales) + cb
    for r in cb:
        if r["file"] == "survei_akhir_2025.xlsx" and r.get("scale") in (
            "training_relevance",
            "training_satisfaction",
        ):
            r["required"] = False
    describe = {
        "survei_awal_2024.xlsx": "survei awal (Januari 2024), unduhan Google Forms (XLSX)",
        "survei_akhir_2025.xlsx": "survei akhir (Januari 2025), termasuk relevansi dan "
        "kepuasan pelatihan bagi peserta",
    }
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
