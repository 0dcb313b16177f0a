"""Notebook 03's step on the shipped data: the headline designs recover the generator's truth,
and the naive difference in means is visibly biased where selection was planted."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FIVE
from conftest import TEST_KEY as KEY

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats.multiplicity import adjust_pvalues
from helpers.steps.analysis import PREFERRED_DESIGNS, estimate_region, panel_frame, person_frame
from helpers.steps.cleaning import clean_region

COLUMNS = {
    "region",
    "level",
    "outcome",
    "label",
    "design",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adj",
    "n",
    "n_treated",
    "n_control",
    "effect_size",
    "mde",
    "assumption",
    "headline",
    "analysis",
}


@pytest.fixture(scope="module")
def estimated(registry, shipped_copy):
    cache = {}

    def get(slug):
        if slug not in cache:
            tables = clean_region(registry[slug], project=shipped_copy, key=KEY).tables
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # estimators state their warnings in notes
                cache[slug] = (tables, estimate_region(registry[slug], tables))
        return cache[slug]

    return get


@pytest.mark.parametrize("slug", FIVE)
def test_headline_intervals_cover_the_true_effects(slug, estimated, truth):
    _, result = estimated(slug)
    effects = result.effects
    true = truth(slug)["effects"]
    head = effects[effects["headline"]]
    assert len(head) == len({a for a in effects["analysis"]})
    for row in head.itertuples():
        target = true[row.analysis]["att"]
        assert row.ci_low <= target <= row.ci_high, (row.analysis, row.design, row.estimate, target)


@pytest.mark.parametrize("slug", FIVE)
def test_effects_table_is_tidy(slug, estimated):
    _, result = estimated(slug)
    effects = result.effects
    assert set(effects.columns) >= COLUMNS
    assert not effects.duplicated(["analysis", "design"]).any()
    assert set(effects["design"]) <= set(PREFERRED_DESIGNS)
    head = effects[effects["headline"]]
    assert head["p_adj"].notna().all() and (head["p_adj"] >= head["p_value"] - 1e-12).all()
    assert effects["summary_id"].str.contains("IK 95%").all()


def test_naive_difference_is_biased_where_selection_is_planted(estimated, truth):
    """Trained staff are younger and better rated: the naive diff overstates every person-level
    effect, while ANCOVA's error is a fraction of it."""
    _, result = estimated("kepahiang")
    e = result.effects.set_index(["analysis", "design"])
    true = truth("kepahiang")["effects"]
    gaps = []
    for analysis in ("job_satisfaction", "motivation", "self_efficacy", "skp"):
        t = true[analysis]["att"]
        naive, adjusted = (
            e.loc[(analysis, "diff"), "estimate"],
            e.loc[(analysis, "ancova"), "estimate"],
        )
        gaps.append((naive - t, adjusted - t))
    naive_bias, adjusted_bias = np.array(gaps).T
    assert (naive_bias > 0.1).all()
    assert np.abs(adjusted_bias).mean() < 0.5 * np.abs(naive_bias).mean()


def test_person_frame_has_treatment_covariates_and_waves(registry, estimated):
    tables, _ = estimated("kepahiang")
    frame = person_frame(tables, registry["kepahiang"])
    assert frame["pid"].is_unique and len(frame) == len(tables["roster"])
    assert set(frame["treated"].dropna().unique()) == {0.0, 1.0}
    # partially trained staff (1-19 JP) are left out of the comparison by default
    assert frame.loc[frame["treated"].isna(), "group"].eq("partial").all()
    for c in (
        "age",
        "female",
        "skp_2023",
        "skp_2024",
        "job_satisfaction_pre",
        "job_satisfaction_post",
        "training_relevance_post",
    ):
        assert c in frame
    # relevance is asked of the trained only; the rare exceptions are trained staff whose
    # training record had an invalid NIP and was set aside (treatment misclassification)
    untreated = frame.loc[frame["treated"] == 0, "training_relevance_post"]
    assert untreated.notna().mean() < 0.02


def test_analysis_frames_from_a_shared_person_frame_equal_their_own(registry, estimated):
    # estimate_region builds the person frame once per region and passes it to each analysis
    from helpers.steps.frames import analysis_frame, uses_person_frame

    for slug in ("kepahiang", "medan"):  # person-level outcomes; Medan's students are linked
        tables, _ = estimated(slug)
        region = registry[slug]
        shared = person_frame(tables, region)
        before = shared.copy()
        used = [a for a in region.analyses if uses_person_frame(region, a)]
        assert used
        for spec in used:
            alone = analysis_frame(tables, region, spec)
            given = analysis_frame(tables, region, spec, person=shared)
            pd.testing.assert_frame_equal(given, alone)
            given.loc[:, "treated"] = -1.0  # a frame handed to an analysis is its own
        pd.testing.assert_frame_equal(shared, before)
    kinds = {registry["medan"].tables[a.frame].kind for a in registry["medan"].analyses
             if a.frame != "person" and uses_person_frame(registry["medan"], a)}  # fmt: skip
    assert kinds == {"linked_outcome"}


def test_staggered_rollout_panel(registry, estimated):
    tables, result = estimated("jambi")
    panel = panel_frame(tables, registry["jambi"], "services", "waiting_minutes")
    per_unit = panel.groupby("unit")["first_treated"].first()
    assert per_unit.isna().sum() == 3 and per_unit.nunique() >= 4  # never-treated + staggered
    # treated switches on once and stays on
    for _, g in panel.sort_values("period").groupby("unit"):
        assert (g["treated"].diff().fillna(0) >= 0).all()
    assert set(result.pretrends["analysis"]) == {"waiting_time", "ikm"}


def test_mde_is_reported_for_every_headline(estimated):
    for slug in FIVE:
        _, result = estimated(slug)
        head = result.effects[result.effects["headline"]]
        assert (head["mde"] > 0).all(), slug


# --------------------------------------------------------------------------------------------
# treatment is coded from the records, never guessed
# --------------------------------------------------------------------------------------------


def _jp_in_window(tables, region):
    start, end = (pd.Timestamp(x) for x in region.treatment.window)
    t = tables["training"]
    jp = t[(t["start"] >= start) & (t["start"] <= end)].groupby("pid")["jp"].sum()
    return tables["roster"]["pid"].map(jp).fillna(0.0)


def test_treatment_groups_follow_the_jp_records(registry, estimated):
    region = registry["kepahiang"]
    tables, result = estimated("kepahiang")
    frame = person_frame(tables, region)
    jp = _jp_in_window(tables, region).to_numpy()
    group = frame["group"].to_numpy()
    assert (group[jp >= 20] == "treated").all()
    assert (group[(jp > 0) & (jp < 20)] == "partial").all()
    assert (group[jp == 0] == "untrained").all()
    counts = result.treatment_groups.set_index("group")
    assert counts.loc["partial", "n"] == ((jp > 0) & (jp < 20)).sum() > 100
    assert counts.loc["partial", "role"] == "left out"
    treated = result.effects[result.effects["headline"]]
    assert (treated["n_control"] <= counts.loc["untrained", "n"]).all()


def test_partially_trained_can_be_controls_by_config(registry, estimated):
    region = dataclasses.replace(
        registry["kepahiang"],
        treatment=dataclasses.replace(registry["kepahiang"].treatment, control="below_min"),
    )
    tables, _ = estimated("kepahiang")
    frame = person_frame(tables, region)
    assert frame["treated"].notna().all()
    assert frame.loc[frame["group"] == "partial", "treated"].eq(0.0).all()


def _rollout_case(estimated, change):
    tables, _ = estimated("jambi")
    tables = dict(tables)
    rollout = tables["rollout"].copy()
    tables["rollout"] = change(rollout)
    return tables


def test_a_unit_missing_from_the_rollout_is_an_error(registry, estimated):
    tables = _rollout_case(estimated, lambda r: r[r["unit"] != "Dinas Sosial"])
    with pytest.raises(EstimationError, match=r"not in the roll-out table: \['Dinas Sosial'\]"):
        panel_frame(tables, registry["jambi"], "services", "waiting_minutes")


def test_a_blank_rollout_date_is_an_error_not_a_control(registry, estimated):
    def blank(r):
        r.loc[r["unit"] == "Dinas Kesehatan", "start"] = pd.NaT
        return r

    tables = _rollout_case(estimated, blank)
    with pytest.raises(EstimationError, match="without a start month: \\['Dinas Kesehatan'\\]"):
        panel_frame(tables, registry["jambi"], "services", "waiting_minutes")


def test_excluded_units_are_left_out_and_said(registry, estimated):
    def blank(r):
        r.loc[r["unit"] == "Dinas Kesehatan", "start"] = pd.NaT
        return r

    tables = _rollout_case(estimated, blank)
    panel = panel_frame(
        tables, registry["jambi"], "services", "waiting_minutes", exclude=("Dinas Kesehatan",)
    )
    assert "Dinas Kesehatan" not in set(panel["unit"])
    assert panel.attrs["panel"].excluded == ("Dinas Kesehatan",)
    assert any("exclude_units" in n for n in panel.attrs["panel"].notes())


def test_units_marked_not_scheduled_are_never_treated(registry, estimated):
    tables, _ = estimated("jambi")
    panel = panel_frame(tables, registry["jambi"], "services", "waiting_minutes")
    never = set(panel.attrs["panel"].never_treated)
    assert never == {"Dinas Tenaga Kerja", "Dinas Perdagangan", "Kecamatan Kota Baru"}
    assert panel.loc[panel["unit"].isin(never), "treated"].eq(0).all()


def test_a_rollout_before_the_panel_makes_a_unit_always_treated(registry, estimated):
    def early(r):
        r.loc[r["unit"] == "Dinas Sosial", "start"] = pd.Timestamp("2020-01-01")
        return r

    tables = _rollout_case(estimated, early)
    panel = panel_frame(tables, registry["jambi"], "services", "waiting_minutes")
    info = panel.attrs["panel"]
    assert info.always_treated == ("Dinas Sosial",)
    assert "Dinas Sosial" not in set(panel["unit"])  # never a control
    assert any("before the panel" in n for n in info.notes())


def test_a_design_that_cannot_be_estimated_leaves_the_next_as_headline(registry, estimated):
    tables, _ = estimated("kemuning")
    region = registry["kemuning"]
    spec = next(a for a in region.analyses if a.id == "observed_skills")
    broken = dataclasses.replace(spec, baseline="no_such_column")  # no baseline: no ANCOVA
    result = estimate_region(dataclasses.replace(region, analyses=(broken,)), tables)
    rows = result.effects.set_index("design")
    assert rows.loc["ancova", "error"] and not rows.loc["ancova", "headline"]
    assert "baseline 'no_such_column' is not in the data" in rows.loc["ancova", "error"]
    assert rows.loc["aipw", "headline"]  # weighting runs without the baseline
    assert "could not be estimated" in rows.loc["aipw", "headline_note"]
    assert "no baseline" in rows.loc["aipw", "notes"]
    item = result.availability.set_index("item").loc["baseline:observed_skills"]
    assert not item["available"] and "ANCOVA" in item["what"]


def test_heterogeneity_by_pre_treatment_moderators_is_adjusted_across_the_region(estimated):
    _, result = estimated("kepahiang")
    h = result.heterogeneity
    assert set(h["moderator"]) == {"resources_pre", "female"}
    tests = h.drop_duplicates(["analysis", "moderator"])
    assert len(tests) == 8  # 4 outcomes x 2 moderators: one family
    expected = adjust_pvalues(tests["interaction_p"])
    np.testing.assert_allclose(tests["interaction_p_adj"], expected)
    assert (tests["interaction_p_adj"] >= tests["interaction_p"]).all()


def test_a_post_treatment_moderator_is_refused(registry, estimated):
    tables, _ = estimated("kepahiang")
    region = dataclasses.replace(registry["kepahiang"], moderators=("training_relevance_post",))
    with pytest.raises(ConfigError, match="measured after the programme"):
        estimate_region(region, tables)


def test_jambi_headlines_come_from_the_heterogeneity_robust_estimator(estimated, truth):
    _, result = estimated("jambi")
    e = result.effects.set_index(["analysis", "design"])
    true = truth("jambi")["effects"]
    for outcome in ("waiting_time", "ikm"):
        head = e.loc[(outcome, "did")]
        assert head["headline"] and head["se_type"] == "bootstrap"
        assert head["ci_low"] <= true[outcome]["att"] <= head["ci_high"]
        twfe = e.loc[(outcome, "twfe")]  # the comparison row, always beside it
        assert not twfe["headline"] and twfe["se_type"] == "wild-bootstrap"
        assert "all 4096 sign patterns" in twfe["se_note"]
    agg = result.did_aggregations
    assert set(agg["aggregation"]) >= {"simple", "dynamic", "group", "calendar", "twfe"}
    pre = result.pretrends.set_index("analysis")
    assert (pre["estimator"] == "callaway_santanna").all()
    es = result.event_studies
    assert es["rel_time"].min() < -4  # no end bins at +-4 mixing cohorts
