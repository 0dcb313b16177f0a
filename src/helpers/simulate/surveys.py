"""Survey panels: Likert items from latent scale scores, before and after, with the true effects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.simulate.common import _likert
from helpers.simulate.mess import _survey_frame
from helpers.simulate.people import _truth_effect
from helpers.simulate.plans import SCALES, Scale


def _scale_items(
    rng: np.random.Generator, scale: Scale, latent: np.ndarray, noise: np.ndarray
) -> dict[str, np.ndarray]:
    k = len(scale.labels)
    out = {}
    for j, q in enumerate(scale.items):
        x = _likert(latent, noise[:, j], k)
        if j in scale.reverse:
            x = k + 1 - x
        out[q] = x
    return out


def _scale_score(scale: Scale, items: dict[str, np.ndarray]) -> np.ndarray:
    k = len(scale.labels)
    cols = []
    for j, q in enumerate(scale.items):
        x = items[q].astype(float)
        cols.append(k + 1 - x if j in scale.reverse else x)
    return np.mean(cols, axis=0)


@dataclass
class SurveyPanel:
    """Potential scale scores of every person for one scale, pre and post."""

    pre_items: dict[str, np.ndarray]
    post_items: dict[str, np.ndarray]
    pre: np.ndarray
    post0: np.ndarray
    post1: np.ndarray


def _panel(
    rng: np.random.Generator,
    scale: Scale,
    staff: pd.DataFrame,
    treated: np.ndarray,
    effect: np.ndarray | float,
) -> SurveyPanel:
    """Pre and post answers for one scale; the post answers realised under treatment status,
    with both potential scale scores kept for the truth."""
    n = len(staff)
    trait = rng.normal(0, 0.55, n)
    base = (
        0.7 * (staff["skp_2023"].to_numpy() - 3.6)
        - 0.25 * (staff["age"].to_numpy() - 41) / 9
        + trait
        + 0.5
    )
    noise_pre = rng.normal(0, 0.6, (n, len(scale.items)))
    noise_post = rng.normal(0, 0.6, (n, len(scale.items)))
    drift = rng.normal(0, 0.3, n)
    pre_items = _scale_items(rng, scale, base, noise_pre)
    post0_items = _scale_items(rng, scale, base + drift, noise_post)
    post1_items = _scale_items(rng, scale, base + drift + effect, noise_post)
    post_items = {q: np.where(treated, post1_items[q], post0_items[q]) for q in scale.items}
    return SurveyPanel(
        pre_items,
        post_items,
        _scale_score(scale, pre_items),
        _scale_score(scale, post0_items),
        _scale_score(scale, post1_items),
    )


def _survey_waves(
    rng,
    mess,
    plan,
    staff,
    treated,
    effects_latent,
    files,
    *,
    post_extra=None,
    pre_when=("2024-01-08", "2024-01-31"),
    post_when=("2025-01-06", "2025-02-14"),
    timestamp_kind="text",
    pre_scales=None,
):
    """Pre and post survey exports for the plan's scales, and the true effects."""
    truth = {}
    pre_items, post_items, labels = {}, {}, {}
    scale_names = plan.survey_scales
    for s in scale_names:
        eff = effects_latent.get(s, 0.0)
        panel = _panel(rng, SCALES[s], staff, treated, eff)
        pre_items.update(panel.pre_items)
        post_items.update(panel.post_items)
        labels.update({q: SCALES[s].labels for q in SCALES[s].items})
        truth[s] = _truth_effect(panel.post1, panel.post0, treated)
    respond_pre = rng.random(len(staff)) < plan.response_rate
    respond_post = rng.random(len(staff)) < plan.response_rate
    frames = {}
    pre_scales = scale_names if pre_scales is None else pre_scales
    if files.get("pre"):
        items = {
            q: v for q, v in pre_items.items() if any(q in SCALES[s].items for s in pre_scales)
        }
        frames["pre"] = _survey_frame(
            rng,
            mess,
            files["pre"],
            staff[respond_pre],
            {q: v[respond_pre] for q, v in items.items()},
            labels,
            pre_when,
            timestamp_kind=timestamp_kind,
        )
    post_all = dict(post_items)
    extra_labels = {}
    for q, (values, labs) in (post_extra or {}).items():
        post_all[q] = values
        extra_labels[q] = labs
    frames["post"] = _survey_frame(
        rng,
        mess,
        files["post"],
        staff[respond_post],
        {q: v[respond_post] for q, v in post_all.items()},
        {**labels, **extra_labels},
        post_when,
        timestamp_kind=timestamp_kind,
    )
    return frames, truth
