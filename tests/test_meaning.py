"""What an effect means for a reader: the words follow the evidence, decreases read naturally,
the comparison level and grade are given where they make sense."""

from __future__ import annotations

import pytest

from helpers.steps.meaning import STRENGTHS, effect_meaning

BASE = {
    "label": "Kepuasan kerja",
    "unit": "poin (skala 1–5)",
    "estimate": 0.32,
    "ci_low": 0.19,
    "ci_high": 0.44,
    "p_adj": 0.0001,
    "mde": 0.16,
    "design": "ancova",
    "controlled": True,
    "higher_is_better": True,
    "comparison_mean": 3.63,
}


def row(**changes):
    return {**BASE, **changes}


@pytest.mark.parametrize(
    ("changes", "strength"),
    [
        ({}, "better_strong"),
        ({"p_adj": 0.03}, "better"),
        ({"rv_q": 0.02}, "better"),  # a weak hidden confounder would explain it away
        ({"estimate": -0.3, "ci_low": -0.45, "ci_high": -0.15}, "worse"),
        ({"estimate": 0.01, "ci_low": -0.08, "ci_high": 0.1}, "no_effect"),
        ({"estimate": 0.05, "ci_low": -0.2, "ci_high": 0.3}, "inconclusive"),
        ({"design": "paired", "controlled": False}, "uncontrolled"),
    ],
)
def test_the_strength_of_evidence_follows_the_rule(changes, strength):
    m = effect_meaning(row(**changes))
    assert m.strength == strength and strength in STRENGTHS


def test_the_words_change_with_the_evidence():
    verdicts = {
        effect_meaning(row(**c)).verdict
        for c in (
            {},
            {"p_adj": 0.03},
            {"estimate": 0.05, "ci_low": -0.2, "ci_high": 0.3},
            {"estimate": 0.01, "ci_low": -0.08, "ci_high": 0.1},
        )
    }
    assert len(verdicts) == 4  # no stock phrase


def test_a_decrease_in_waiting_time_reads_as_faster_without_double_negatives():
    m = effect_meaning(
        row(
            label="Waktu tunggu layanan (menit)",
            unit="menit",
            estimate=-5.64,
            ci_low=-6.58,
            ci_high=-4.69,
            higher_is_better=False,
            comparison_mean=39.1,
            mde=1.3,
        )
    )
    assert m.change == "5,64 menit lebih cepat (IK 95%: 4,69–6,58 menit)"
    assert "-" not in m.change and "turun" not in m.change
    assert m.comparison == "kelompok pembanding rata-rata 39,10 menit, jadi 14% lebih rendah"
    assert m.good is True and m.strength == "better_strong"


def test_ikm_is_given_with_its_grade_before_and_after():
    m = effect_meaning(
        row(
            label="Indeks Kepuasan Masyarakat (IKM 25-100)",
            unit="poin IKM",
            construct="public_satisfaction",
            estimate=3.56,
            ci_low=1.33,
            ci_high=5.8,
            comparison_mean=75.42,
            mde=3.1,
        )
    )
    assert "mutu C, Kurang Baik" in m.comparison and "mutu B, Baik" in m.comparison


def test_no_percent_of_a_rating_scale_and_the_before_level_of_a_paired_design():
    assert "%" not in effect_meaning(row()).comparison
    m = effect_meaning(
        row(
            label="Nilai tes pengetahuan (0-100)",
            unit="poin nilai (0–100)",
            design="paired",
            controlled=False,
            estimate=14.2,
            ci_low=12.8,
            ci_high=15.7,
            comparison_mean=55.7,
        )
    )
    assert m.comparison.startswith("sebelum pelatihan rata-rata 55,70 poin")
    assert "mengulang tes" in m.verdict


def test_an_interval_across_zero_names_both_sides():
    m = effect_meaning(row(estimate=-0.06, ci_low=-0.17, ci_high=0.05))
    assert m.change == (
        "0,06 poin (skala 1–5) lebih rendah (IK 95%: dari 0,17 lebih rendah sampai 0,05 "
        "lebih tinggi)"
    )


def test_english_is_complete():
    m = effect_meaning(row(), language="en")
    assert "95% CI" in m.change and "higher" in m.change
    assert m.verdict.startswith("Strong evidence")


def test_the_robustness_sentence_is_added_only_to_evidence_of_an_effect():
    with_s = row(sensitivity_id="Faktor perancu ... 23% ...")
    assert effect_meaning(with_s).robustness.startswith("Faktor perancu")
    null = row(estimate=0.05, ci_low=-0.2, ci_high=0.3, sensitivity_id="x")
    assert effect_meaning(null).robustness == ""


def test_a_panel_estimate_from_few_units_says_so():
    from helpers.steps.meaning import effect_meaning

    row = {
        "label": "Waktu tunggu layanan (menit)",
        "unit": "menit",
        "estimate": -5.7,
        "ci_low": -7.4,
        "ci_high": -4.0,
        "p_value": 0.0001,
        "mde": 2.4,
        "design": "did",
        "controlled": True,
        "higher_is_better": False,
        "comparison_mean": 39.1,
        "n_units": 12.0,
    }
    assert "bertumpu pada 12 unit saja" in effect_meaning(row).robustness
    assert "rests on only 12 units" in effect_meaning(row, language="en").robustness
    assert "unit saja" not in effect_meaning({**row, "n_units": 80.0}).robustness
    assert "unit saja" not in effect_meaning({**row, "n_units": float("nan")}).robustness
