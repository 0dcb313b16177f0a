"""The cross-region synthesis pools like with like: same construct, controlled designs, a
comparable scale, at least three regions; its words and its forest plots (issue 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Polygon
from matplotlib.text import Text

from helpers.core.errors import ConfigError
from helpers.stats.meta import random_effects_meta
from helpers.steps import forest
from helpers.steps.synthesis import (
    CONTRACT,
    design_class,
    region_effects,
    regions_by_construct,
    synthesise,
)

NAMES = {
    "jambi": "Jambi",
    "kalianda": "Kalianda",
    "kemuning": "Kemuning",
    "kepahiang": "Kepahiang",
    "medan": "Medan",
    "lahat": "Lahat",
}


def row(region, analysis, label, level, design, est, se, *, construct, sd, unit,
        headline=True, better=True, controlled=None, effect_size=None, basis="comparison_baseline"):  # fmt: skip
    return {
        "region": region, "analysis": analysis, "label": label, "level": level,
        "design": design, "headline": headline, "estimate": est, "se": se,
        "ci_low": est - 1.96 * se, "ci_high": est + 1.96 * se, "higher_is_better": better,
        "effect_size": est / sd if effect_size is None else effect_size,
        "construct": construct,
        "controlled": design != "paired" if controlled is None else controlled,
        "outcome_sd": sd, "outcome_sd_basis": basis, "unit": unit, "n": 400,
    }  # fmt: skip


def tempting_effects() -> pd.DataFrame:
    """A registry-like effects table that the old per-level pooling gets wrong: two constructs
    at level 2 (a paired knowledge gain and an ANCOVA on self-efficacy), one construct measured
    by paired and ANCOVA designs, naive diff rows, and Jambi's waiting time whose
    ``effect_size`` divides by the SD of dinas x month cell means (4,51) instead of the SD of
    transactions (9,74)."""
    s15 = "poin (skala 1-5)"
    rows = [
        # level 2: knowledge (paired) and self-efficacy (ancova): different constructs
        row("kemuning", "test_scores", "Nilai tes pengetahuan (0-100)", 2, "paired", 14.25, 0.75,
            construct="pengetahuan", sd=13.9, unit="poin tes"),
        row("kepahiang", "self_efficacy", "Kepercayaan diri (efikasi diri)", 2, "diff", 0.558,
            0.064, construct="efikasi_diri", sd=0.79, unit=s15, headline=False),
        row("kepahiang", "self_efficacy", "Kepercayaan diri (efikasi diri)", 2, "ancova", 0.397,
            0.053, construct="efikasi_diri", sd=0.79, unit=s15),
        # one construct, three controlled regions, same unit, plus a paired one and a naive one
        row("kepahiang", "job_satisfaction", "Kepuasan kerja", 3, "ancova", 0.32, 0.058,
            construct="kepuasan_kerja", sd=0.78, unit=s15),
        row("medan", "satisfaction", "Kepuasan kerja guru", 3, "ancova", 0.17, 0.033,
            construct="kepuasan_kerja", sd=0.81, unit=s15),
        row("kalianda", "satisfaction", "Kepuasan kerja", 3, "ipw", 0.05, 0.07,
            construct="kepuasan_kerja", sd=0.75, unit=s15),
        row("kemuning", "satisfaction", "Kepuasan kerja", 3, "paired", 0.61, 0.05,
            construct="kepuasan_kerja", sd=0.80, unit=s15),
        row("lahat", "satisfaction", "Kepuasan kerja", 3, "diff", 0.55, 0.06,
            construct="kepuasan_kerja", sd=0.80, unit=s15),
        # level 4: waiting time in minutes (Jambi with a cell-mean effect_size), IKM, budget
        row("jambi", "waiting_time", "Waktu tunggu layanan (menit)", 4, "did", -5.64, 0.43,
            construct="waktu_tunggu", sd=9.74, unit="menit", better=False,
            effect_size=-5.64 / 4.51),
        row("medan", "waiting_time", "Lama layanan (detik)", 4, "did", -150.0, 40.0,
            construct="waktu_tunggu", sd=420.0, unit="detik", better=False),
        row("kalianda", "waiting_time", "Waktu tunggu (menit)", 4, "twfe", -2.0, 0.9,
            construct="waktu_tunggu", sd=8.0, unit="menit", better=False),
        row("jambi", "ikm", "Indeks Kepuasan Masyarakat (IKM 25-100)", 4, "did", 3.19, 0.40,
            construct="kepuasan_masyarakat", sd=7.8, unit="poin IKM"),
        row("kemuning", "budget_realisation", "Realisasi anggaran proyek (%)", 4, "ancova", 1.37,
            1.17, construct="realisasi_anggaran", sd=6.3, unit="persen"),
        row("kalianda", "career_transparency", "Transparansi promosi", 4, "ancova", 0.062, 0.064,
            construct="transparansi_karier", sd=0.80, unit=s15),
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synthesis():
    return synthesise(tempting_effects(), names=NAMES)


def test_the_frame_is_a_fair_trap() -> None:
    """Pooling by level would mix level 2's paired knowledge gain with an ANCOVA on
    self-efficacy, and ``effect_size`` would divide Jambi by the SD of cell means."""
    e = tempting_effects()
    level2 = e[(e["level"] == 2) & e["headline"]]
    assert level2["construct"].nunique() == 2 and set(level2["design"]) == {"paired", "ancova"}
    jambi = e[(e["region"] == "jambi") & (e["analysis"] == "waiting_time")].iloc[0]
    assert jambi["estimate"] / jambi["effect_size"] == pytest.approx(4.51)
    assert jambi["outcome_sd"] == pytest.approx(9.74)


def test_no_pooled_row_mixes_constructs_or_designs(synthesis) -> None:
    e = tempting_effects()
    for construct, meta in synthesis.meta.items():
        pooled = synthesis.regions[
            (synthesis.regions["construct"] == construct) & synthesis.regions["in_pool"]
        ]
        assert set(pooled["region_name"]) == set(meta.studies["label"])
        source = e[e["region"].isin(pooled["region"]) & (e["construct"] == construct)]
        assert set(source["construct"]) == {construct}
    in_pool = synthesis.regions[synthesis.regions["in_pool"]]
    assert set(in_pool["design_class"]) == {"controlled"}
    assert not in_pool["design"].isin(["paired", "diff"]).any()
    for construct, g in in_pool.groupby("construct"):
        assert g["region"].is_unique, construct
    # the level-2 constructs are never pooled together (nor alone: one region each)
    level2 = synthesis.constructs[synthesis.constructs["levels"] == "2"]
    assert set(level2["construct"]) == {"pengetahuan", "efikasi_diri"}
    assert not level2["pooled"].any()


def test_three_controlled_regions_in_one_unit_pool_in_that_unit(synthesis) -> None:
    c = synthesis.constructs.set_index("construct").loc["kepuasan_kerja"]
    assert c["pooled"] and c["k"] == 3 and c["k_uncontrolled"] == 1
    assert c["scale"] == "raw" and c["scale_label"] == "poin (skala 1-5)"
    assert c["regions"] == "Kepahiang, Medan, Kalianda"
    e = tempting_effects()
    ctrl = e[(e["construct"] == "kepuasan_kerja") & e["design"].isin(["ancova", "ipw"])]
    ref = random_effects_meta(ctrl, estimate="estimate", se="se")
    assert c["estimate"] == pytest.approx(ref.estimate, abs=1e-12)
    assert (c["ci_low"], c["ci_high"]) == pytest.approx((ref.ci_low, ref.ci_high), abs=1e-12)
    assert (c["pi_low"], c["pi_high"]) == pytest.approx((ref.pi_low, ref.pi_high), abs=1e-12)
    assert c["tau2"] == pytest.approx(ref.tau2) and c["q_p"] == pytest.approx(ref.q_p)
    assert (c["method"], c["ci_method"], c["pi_method"]) == ("reml", "hksj", "riley")
    assert c["reason"] == ""
    regions = synthesis.regions[synthesis.regions["construct"] == "kepuasan_kerja"]
    by = regions.set_index("region")
    assert (
        by.loc["kemuning", "design_class"] == "uncontrolled" and not by.loc["kemuning", "in_pool"]
    )
    assert by.loc["lahat", "design_class"] == "naive" and not by.loc["lahat", "in_pool"]
    assert "tes ulang" in by.loc["kemuning", "reason"]
    assert regions.loc[regions["in_pool"], "weight"].sum() == pytest.approx(1.0)


def test_units_differ_so_the_person_level_sd_is_used_never_cell_means(synthesis) -> None:
    c = synthesis.constructs.set_index("construct").loc["waktu_tunggu"]
    assert c["scale"] == "sd" and c["improvement_sign"] == 1 and c["pooled"]
    r = synthesis.regions[synthesis.regions["construct"] == "waktu_tunggu"].set_index("region")
    # shorter waiting is better: the sign turns positive; 5,64 / 9,74, not 5,64 / 4,51
    assert r.loc["jambi", "y"] == pytest.approx(5.64 / 9.74)
    assert r.loc["jambi", "y_se"] == pytest.approx(0.43 / 9.74)
    assert r.loc["jambi", "y_low"] == pytest.approx((5.64 - 1.96 * 0.43) / 9.74)
    assert r.loc["medan", "y"] == pytest.approx(150 / 420)
    assert r.loc["jambi", "y"] < 0.6 < 5.64 / 4.51
    assert c["sd_basis"] == "comparison_baseline"


def test_same_unit_raw_pooling_keeps_the_sign_of_the_unit() -> None:
    e = tempting_effects()
    e.loc[e["region"] == "medan", ["estimate", "se", "ci_low", "ci_high"]] /= 60.0
    e.loc[e["analysis"] == "waiting_time", "unit"] = "menit"
    s = synthesise(e, names=NAMES)
    c = s.constructs.set_index("construct").loc["waktu_tunggu"]
    assert c["scale"] == "raw" and c["unit"] == "menit" and c["improvement_sign"] == -1
    assert c["estimate"] < 0  # minutes saved
    assert (
        "negatif = perbaikan"
        in forest.synthesis_forest_plots(s)["waktu_tunggu"].axes[0].get_xlabel()
    )


def test_below_three_regions_no_pooled_estimate_and_the_reason(synthesis) -> None:
    c = synthesis.constructs.set_index("construct")
    assert set(synthesis.meta) == {"kepuasan_kerja", "waktu_tunggu"}
    for construct in ("efikasi_diri", "kepuasan_masyarakat", "realisasi_anggaran"):
        assert not c.loc[construct, "pooled"] and np.isnan(c.loc[construct, "estimate"])
        assert c.loc[construct, "reason"].startswith("hanya 1 wilayah")
    assert c.loc["pengetahuan", "reason"].startswith("tidak ada wilayah")
    e = tempting_effects()
    two = synthesise(e[e["region"] != "kalianda"], names=NAMES)
    reason = two.constructs.set_index("construct").loc["kepuasan_kerja", "reason"]
    assert reason == (
        "hanya 2 wilayah mengukur konstruk ini dengan desain terkontrol; estimasi gabungan "
        "memerlukan paling sedikit 3"
    )
    assert "kepuasan_kerja" not in two.meta


def test_a_region_counts_once_per_construct() -> None:
    e = tempting_effects()
    extra = row("medan", "satisfaction_2", "Kepuasan kerja (skala lain)", 3, "ancova", 0.4, 0.05,
                construct="kepuasan_kerja", sd=0.8, unit="poin (skala 1-5)")  # fmt: skip
    s = synthesise(pd.concat([e, pd.DataFrame([extra])], ignore_index=True), names=NAMES)
    r = s.regions[(s.regions["construct"] == "kepuasan_kerja") & (s.regions["region"] == "medan")]
    assert r["in_pool"].tolist() == [True, False] and r["duplicate"].tolist() == [False, True]
    assert "sudah diwakili" in r["reason"].iloc[1]
    assert s.meta["kepuasan_kerja"].k == 3


def test_a_standardised_construct_recovers_the_common_effect() -> None:
    """Regions measure the same construct in different units, each with the same true effect of
    0,4 SD and no heterogeneity: the pooled standardised estimate is 0,4."""
    rows = [
        row(r, "y", "Hasil", 3, "ancova", 0.4 * sd, 0.1 * sd, construct="c", sd=sd, unit=u)
        for r, sd, u in (("a", 1.0, "poin"), ("b", 12.0, "menit"), ("c", 0.05, "proporsi"),
                         ("d", 7.0, "hari"))
    ]  # fmt: skip
    s = synthesise(pd.DataFrame(rows))
    c = s.constructs.iloc[0]
    assert c["scale"] == "sd" and c["estimate"] == pytest.approx(0.4) and c["tau2"] == 0
    assert c["i2"] == 0 and "hampir seragam" in c["heterogeneity_id"]


def test_contract_errors_name_the_row_and_what_was_expected() -> None:
    e = tempting_effects()
    with pytest.raises(ConfigError, match="'construct', 'controlled'"):
        synthesise(e.drop(columns=["construct", "controlled"]))
    bad = e.copy()
    bad.loc[0, "controlled"] = True  # a paired design flagged controlled
    with pytest.raises(ConfigError, match="row 0 .*kemuning.*test_scores.*pre/post"):
        synthesise(bad)
    basis = e.copy()
    basis.loc[basis["region"] == "jambi", "outcome_sd_basis"] = "cell_means"
    with pytest.raises(ConfigError, match="outcome_sd_basis='cell_means'.*comparison_baseline"):
        synthesise(basis)
    with pytest.raises(ConfigError, match="min_regions"):
        synthesise(e, min_regions=1)
    assert design_class("aipw", True) == "controlled"
    assert design_class("cs", True) == "controlled"  # an estimator the synthesis does not list
    with pytest.raises(ConfigError, match="'controlled' flag is missing"):
        design_class("cs", None)
    assert list(CONTRACT)[-5:] == ["construct", "controlled", "outcome_sd", "outcome_sd_basis",
                                   "unit"]  # fmt: skip


def test_missing_sd_keeps_a_region_out_with_a_reason() -> None:
    e = tempting_effects()
    e.loc[e["region"] == "kalianda", "outcome_sd"] = np.nan
    s = synthesise(e, names=NAMES)
    r = s.regions.set_index(["construct", "region"])
    assert not r.loc[("waktu_tunggu", "kalianda"), "in_pool"]
    assert "simpangan baku" in r.loc[("waktu_tunggu", "kalianda"), "reason"]
    assert s.constructs.set_index("construct").loc["waktu_tunggu", "k"] == 2
    # raw-unit constructs do not need the SD
    assert r.loc[("kepuasan_kerja", "kalianda"), "in_pool"]


def test_tidy_table_round_trips_through_parquet(synthesis, tmp_path) -> None:
    table = synthesis.to_frame()
    assert table["row_type"].value_counts().to_dict() == {"region": 13, "construct": 7}
    first = table.iloc[0]
    assert first["row_type"] == "construct" and first["construct"] == "pengetahuan"
    for col in ("k", "regions", "estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2",
                "i2", "q", "q_p", "scale", "reason"):  # fmt: skip
        assert col in table.columns
    regions = table[table["row_type"] == "region"]
    assert {"estimate_raw", "unit", "scale", "design", "verdict"} <= set(regions.columns)
    path = tmp_path / "synthesis.parquet"
    table.to_parquet(path)
    back = pd.read_parquet(path)
    assert len(back) == len(table)
    pd.testing.assert_series_equal(back["estimate"], table["estimate"], check_names=False)
    for col in ("pooled", "in_pool", "duplicate"):  # flags stay flags, never the text "True"
        assert str(back[col].dtype) == "boolean", col
    assert back.loc[back["row_type"] == "construct", "pooled"].notna().all()


def test_regions_by_construct_for_the_index_page() -> None:
    idx = regions_by_construct(tempting_effects(), names=NAMES).set_index("construct")
    assert idx.loc["kepuasan_kerja", "regions"] == "Kepahiang, Medan, Kalianda, Kemuning, Lahat"
    assert idx.loc["kepuasan_kerja", "k"] == 5 and idx.loc["kepuasan_kerja", "k_controlled"] == 3
    assert idx.loc["pengetahuan", "k_controlled"] == 0
    assert idx.loc["waktu_tunggu", "region_slugs"] == "jambi, medan, kalianda"


def test_words_follow_the_numbers(synthesis) -> None:
    c = synthesis.constructs.set_index("construct")
    kk = c.loc["kepuasan_kerja"]
    assert kk["i2"] > 0.75 and "sangat berbeda" in kk["heterogeneity_id"]
    assert "Dengan hanya 3 wilayah" in kk["heterogeneity_id"]
    assert "interval prediksi" in kk["heterogeneity_id"]
    assert kk["summary_id"].startswith("Kepuasan kerja (3 wilayah dengan desain terkontrol")
    one = c.loc["efikasi_diri", "summary_id"]
    assert "tidak digabung" in one and "Kepahiang" in one and "0,50" in one  # 0,397 / 0,79
    worked, not_yet, sure, differ = synthesis.conclusion()
    assert worked.startswith("Estimasi dengan kelompok pembanding menunjukkan perbaikan yang jelas")
    assert "terbukti" not in worked and "tidak dipilih secara acak" in worked
    assert (
        "efikasi diri di Kepahiang" in worked and "Kalianda" not in worked.split("kepuasan")[1][:40]
    )
    assert "belum menunjukkan efek yang jelas" in not_yet and "Kalianda" in not_yet
    assert "tes ulang" in sure and "di Kemuning (pengetahuan dan kepuasan kerja)" in sure
    assert "Desainnya juga berbeda" in differ
    for text in (*synthesis.conclusion(), *c["summary_id"], *c["heterogeneity_id"]):
        assert not any(
            ch.isdigit() and nxt == "." and after.isdigit()
            for ch, nxt, after in zip(text, text[1:], text[2:], strict=False)
        ), text
    # a region whose interval includes zero is never said to have improved
    r = synthesis.regions.set_index(["construct", "region"])
    assert r.loc[("kepuasan_kerja", "kalianda"), "verdict"] == "belum terbukti"


def test_nothing_pooled_says_so() -> None:
    e = tempting_effects()
    s = synthesise(e[e["region"].isin(["kemuning", "kepahiang"])], names=NAMES)
    assert not s.meta
    assert "tidak menghitung angka gabungan" in s.conclusion()[2]


# --------------------------------------------------------------------------------------------
# forest plots
# --------------------------------------------------------------------------------------------


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_one_forest_plot_per_construct_with_names_numbers_and_pooled_only_when_pooled(
    synthesis,
) -> None:
    figs = forest.synthesis_forest_plots(synthesis)
    assert list(figs) == list(synthesis.constructs["construct"])
    pooled = figs["kepuasan_kerja"]
    assert len(pooled.axes) == 1  # one common x-axis
    strings = [t.get_text() for t in _texts(pooled)]
    joined = " ".join(strings)
    for name in ("Kepahiang", "Medan", "Kalianda", "Kemuning"):
        assert name in joined
    assert "Lahat" not in joined  # the naive diff is not drawn
    assert "Kepuasan kerja guru" in joined and "tanpa pembanding" in joined
    meta = synthesis.meta["kepuasan_kerja"]
    assert f"{meta.estimate:.2f}".replace(".", ",") in joined
    assert "0,32 [0,21; 0,43]" in joined  # Kepahiang's row: 0,32 +- 1,96 x 0,058
    assert "Interval prediksi (wilayah baru)" in joined
    assert sum(isinstance(p, Polygon) for p in pooled.axes[0].patches) == 1
    single = figs["efikasi_diri"]
    assert not any(isinstance(p, Polygon) for p in single.axes[0].patches)
    assert "prediksi" not in " ".join(t.get_text() for t in _texts(single))
    assert len(single.axes[0].collections[0].get_offsets()) == 1


def test_forest_plot_is_readable_on_a_phone_and_sharp_in_print(synthesis) -> None:
    fig = forest.synthesis_forest_plots(synthesis)["waktu_tunggu"]
    assert fig.get_figwidth() == forest.FOREST_WIDTH_IN == 5.0
    sizes = [t.get_fontsize() for t in _texts(fig)]
    assert min(sizes) >= forest.MIN_FONT_PT == 12
    # on a 360-px phone column the 480-px figure shrinks by 0,75: 12 pt -> 9 pt
    assert forest.MIN_FONT_PT * 360 / (forest.FOREST_WIDTH_IN * forest.CSS_PX_PER_IN) >= 9
    data, meta = fig._repr_png_()
    assert data.startswith(b"\x89PNG")
    px = int.from_bytes(data[16:20], "big")
    assert px >= 900  # ~200 dpi over ~5 in
    assert meta["width"] == round(px * 96 / 200) and 430 <= meta["width"] <= 520
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) or all(t.lstrip("\u2212").isdigit() for t in ticks)


def test_forest_plot_rows_are_one_inch_per_data_unit(synthesis) -> None:
    for fig in forest.synthesis_forest_plots(synthesis).values():
        ax = fig.axes[0]
        fig.draw_without_rendering()  # the layout a reader's render gives
        top, bottom = ax.get_ylim()
        axes_in = ax.get_position().height * fig.get_figheight()
        assert abs(axes_in - abs(top - bottom)) < 0.01


def test_forest_plot_errors_are_named() -> None:
    with pytest.raises(ConfigError, match="'y_low'"):
        forest.construct_forest_plot(pd.DataFrame({"region_name": ["a"], "label": ["x"],
                                                   "design": ["ancova"], "y": [0.1]}),
                                     scale_label="poin")  # fmt: skip
    with pytest.raises(TypeError, match="Synthesis"):
        forest.synthesis_forest_plots(pd.DataFrame())


def test_region_effects_keeps_only_headlines_with_a_construct() -> None:
    e = tempting_effects()
    e.loc[e["analysis"] == "career_transparency", "construct"] = ""
    r = region_effects(e, names=NAMES)
    assert "transparansi_karier" not in set(r["construct"])
    assert not (r["design"] == "diff").any() or (r.loc[r["design"] == "diff", "headline"]).all()
    assert (r["headline"]).all()
