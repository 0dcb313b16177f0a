"""Level 1 across regions is a description region by region, never pooled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.steps.reactions import load_reactions, reaction_overview


def test_the_largest_survey_speaks_for_its_region_in_first_seen_order() -> None:
    r = pd.DataFrame(
        {
            "region": ["b", "a", "a"],
            "table": ["post", "feedback", "post"],
            "n": [300, 40, 120],
            "mean": [3.6, 4.2, 3.9],
            "sd": [0.7, 0.5, 0.6],
            "share_4plus": [0.48, 0.8, 0.61],
        }
    )
    out = reaction_overview(r, names={"a": "Kota A", "b": "Kab. B"})
    assert out["region"].tolist() == ["b", "a"]
    assert out.set_index("region").loc["a", "table"] == "post"
    assert out["region_name"].tolist() == ["Kab. B", "Kota A"]


def test_a_suppressed_survey_keeps_its_region_visible_without_numbers() -> None:
    r = pd.DataFrame(
        {"region": ["a"], "table": ["post"], "n": [np.nan], "mean": [np.nan],
         "sd": [np.nan], "share_4plus": [np.nan]}
    )  # fmt: skip
    out = reaction_overview(r)
    assert out["region"].tolist() == ["a"] and out["mean"].isna().all()


def test_a_table_without_the_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="mean"):
        reaction_overview(pd.DataFrame({"region": ["a"], "table": ["t"], "n": [3]}))


def test_regions_without_a_reaction_file_are_absent(tmp_path) -> None:
    from helpers.core.paths import ProjectPaths

    project = ProjectPaths(tmp_path)
    out = project.processed_region("lahat")
    out.mkdir(parents=True)
    pd.DataFrame({"table": ["post"], "n": [50], "mean": [3.8], "sd": [0.5],
                  "share_4plus": [0.6]}).to_parquet(out / "reaction.parquet")  # fmt: skip
    got = load_reactions(["lahat", "muara_enim"], project=project)
    assert got["region"].tolist() == ["lahat"]
    assert load_reactions(["muara_enim"], project=project).empty
