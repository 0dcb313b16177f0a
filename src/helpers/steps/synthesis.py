"""Cross-region synthesis: pool comparable effects with a random-effects meta-analysis.

Regions measure different outcomes on different scales, so what is pooled is the standardised
effect (``effect_size``: the estimate divided by the outcome's standard deviation) of each
region's headline estimate, oriented so that a positive value is always an improvement
(outcomes where lower is better, such as waiting time, change sign). Within a Kirkpatrick
level each region contributes one effect, its first headline outcome at that level in config
order, so that no region is counted twice. DerSimonian-Laird random effects (statsmodels'
``combine_effects``) with tau-squared, I-squared and Cochran's Q show how much the regions differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.core.config import ProjectPaths, paths
from helpers.stats.meta import MetaResult, random_effects_meta

__all__ = ["load_effects", "comparable_effects", "pool_by_level"]


def load_effects(regions: Sequence[str], *, project: ProjectPaths = paths) -> pd.DataFrame:
    """Stack the regions' ``effects.parquet`` (regions without one are skipped)."""
    frames = []
    for slug in regions:
        path = project.processed_region(slug) / "effects.parquet"
        if path.is_file():
            frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def comparable_effects(effects: pd.DataFrame) -> pd.DataFrame:
    """One standardised, improvement-oriented effect per region and level.

    Returns columns ``region, level, analysis, label, design, d, se_d``, where
    ``d = effect_size`` (sign flipped when lower is better) and
    ``se_d = se * |effect_size / estimate|`` (the SE on the same standardised scale).
    """
    e = effects[
        effects["headline"].astype(bool)
        & effects["estimate"].notna()
        & effects["effect_size"].notna()
    ].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = (e["effect_size"] / e["estimate"]).abs()
    e["se_d"] = e["se"] * scale
    sign = np.where(e["higher_is_better"].astype("boolean").fillna(True).astype(bool), 1.0, -1.0)
    e["d"] = e["effect_size"].abs() * np.sign(e["estimate"]) * sign
    e = e[np.isfinite(e["se_d"]) & (e["se_d"] > 0)]
    e = e.groupby(["region", "level"], sort=False).head(1)
    return e[["region", "level", "analysis", "label", "design", "d", "se_d"]].reset_index(drop=True)


def pool_by_level(comparable: pd.DataFrame, *, method: str = "dl") -> dict[int, MetaResult]:
    """Random-effects pooling of each level with at least two regions."""
    out = {}
    for level, g in comparable.groupby("level"):
        if len(g) >= 2:
            out[int(level)] = random_effects_meta(
                g, estimate="d", se="se_d", label="region", method=method
            )
    return out
