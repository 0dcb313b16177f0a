"""Kirkpatrick level 1 across regions: how satisfied participants were with the training.

Satisfaction is a description, not an effect: there is no comparison group (only participants
are asked), and a satisfied participant has not necessarily learned or changed. So level 1 is
never pooled with the effects of :func:`helpers.steps.synthesis.synthesise`; the synthesis page
and the index show, region by region, whether it was measured and what participants said.

Each region's notebook 03 writes ``reaction.parquet`` (one row per survey holding the
``training_satisfaction`` scale, from :func:`helpers.steps.descriptives.reaction_scores`,
already suppressed below the region's minimum cell size).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from helpers.core.config import ProjectPaths, paths

__all__ = [
    "REACTION_CONSTRUCT",
    "load_reactions",
    "reaction_overview",
]

#: The construct (``config/constructs.yaml``) the reaction surveys measure.
REACTION_CONSTRUCT = "training_satisfaction"

_COLUMNS = ["region", "region_name", "table", "n", "mean", "sd", "share_4plus"]


def load_reactions(regions: Sequence[str], *, project: ProjectPaths = paths) -> pd.DataFrame:
    """Stack the regions' ``reaction.parquet`` with a ``region`` column (regions without one,
    or whose surveys hold no satisfaction scale, are absent).

    Parameters
    ----------
    regions : sequence of str
        Region slugs.
    project : ProjectPaths
        Where the processed data are.

    Returns
    -------
    pandas.DataFrame
        ``region, table, n, mean, sd, share_4plus``.
    """
    frames = []
    for slug in regions:
        path = project.processed_region(slug) / "reaction.parquet"
        if path.is_file():
            frames.append(pd.read_parquet(path).assign(region=slug))
    if not frames:
        return pd.DataFrame(columns=[c for c in _COLUMNS if c != "region_name"])
    return pd.concat(frames, ignore_index=True)


def reaction_overview(
    reactions: pd.DataFrame, *, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per region: its largest reaction survey's satisfaction.

    A region whose only survey was suppressed (fewer answers than its minimum cell size) keeps
    its row with ``mean`` missing, so that readers see it was measured.

    Parameters
    ----------
    reactions : pandas.DataFrame
        From :func:`load_reactions` (``region, table, n, mean, sd, share_4plus``).
    names : mapping of str to str, optional
        Region slug -> name for readers (default: the slug).

    Returns
    -------
    pandas.DataFrame
        ``region, region_name, table, n, mean, sd, share_4plus``, in the order regions first
        appear.

    Examples
    --------
    >>> r = pd.DataFrame({"region": ["a", "a", "b"], "table": ["post", "feedback", "post"],
    ...     "n": [120, 40, 300], "mean": [3.9, 4.2, 3.6], "sd": [0.6, 0.5, 0.7],
    ...     "share_4plus": [0.61, 0.8, 0.48]})
    >>> reaction_overview(r, names={"a": "Kota A"})[["region_name", "table", "n"]].values.tolist()
    [['Kota A', 'post', 120], ['b', 'post', 300]]
    """
    missing = {"region", "table", "n", "mean"} - set(reactions.columns)
    if missing:
        raise ValueError(f"reaction table lacks column(s) {sorted(missing)}")
    if reactions.empty:
        return pd.DataFrame(columns=_COLUMNS)
    order = {slug: i for i, slug in enumerate(pd.unique(reactions["region"]))}
    n = pd.to_numeric(reactions["n"], errors="coerce").fillna(0)
    largest = reactions.assign(_n=n).sort_values("_n", ascending=False, kind="stable")
    out = largest.drop_duplicates("region").drop(columns="_n")
    out = out.sort_values("region", key=lambda s: s.map(order), kind="stable")
    out["region_name"] = out["region"].map(lambda s: (names or {}).get(s, s))
    for col in ("sd", "share_4plus"):
        if col not in out:
            out[col] = float("nan")
    return out[_COLUMNS].reset_index(drop=True)
