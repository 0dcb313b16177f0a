"""The descriptive answers and recommendations read what they describe from the registry.

Which survey scales the participation and information answers are about, and the words for
them, come from the region's entry (``participation_scales``, ``information_scale``), so a
region whose scales have other names gets the same sentences with its own labels; one
function per answer writes both languages from a table of sentences.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from test_report_readers import indonesian_sentences, reader_problems

from helpers.core.config import ScaleWords, load_registry, paths
from helpers.core.errors import ConfigError
from helpers.core.formatting import Numbering
from helpers.steps import narrative as nar
from helpers.steps.sections.answers import SOURCES
from helpers.steps.sections.extras import extra_recommendations, participation


@pytest.fixture(scope="module")
def made_up():
    """A made-up region (Jambi's entry under another name) whose staff survey asks about
    support from the direct supervisor (``atasan_langsung``) instead of leadership support."""
    return replace(
        load_registry()["jambi"],
        slug="sukamaju",
        name="Kabupaten Sukamaju (contoh)",
        participation_scales=(
            ScaleWords(
                "atasan_langsung",
                label="Dukungan atasan langsung",
                label_en="Support from the direct supervisor",
            ),
        ),
        information_scale=ScaleWords(
            "akses_karier", label="Akses informasi karier", label_en="Access to career news"
        ),
    )


def _participation_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    part = pd.DataFrame(
        {
            "scale": ["atasan_langsung"] * 3 + ["beban_tugas"] * 3,
            "tercile": ["rendah", "sedang", "tinggi"] * 2,
            "n": [40, 40, 40, 40, 40, 40],
            "share_trained": [0.25, 0.5, 0.75, 0.6, 0.5, 0.4],
        }
    )
    reasons = pd.DataFrame(
        {
            "reason": ["Jadwal bentrok", "Tidak diizinkan"],
            "n": [30, 12],
            "share_of_answers": [0.6, 0.24],
        }
    )
    return part, reasons


def _answer(region, frames, language="id"):
    shown = replace(region, language=language).for_readers()
    return SOURCES["participation"](
        SimpleNamespace(participation=frames, region=shown, language=language)
    )


def test_the_participation_answer_describes_the_registrys_scale_with_its_label(made_up):
    text, anchor = _answer(made_up, _participation_frames())
    assert anchor == "partisipasi"
    assert text == (
        "Alasan paling sering staf tidak ikut pelatihan: jadwal bentrok (60% jawaban). "
        "Dukungan atasan langsung berkaitan dengan keikutsertaan: staf dengan dukungan atasan "
        "langsung tinggi 75% sudah dilatih, dengan dukungan atasan langsung rendah 25% "
        "(gambaran, bukan bukti sebab-akibat)."
    )
    assert "pimpinan" not in text and "beban" not in text  # only the scale the registry names
    assert reader_problems(f"<p>{text}</p>") == []
    english, _ = _answer(made_up, _participation_frames(), "en")
    assert english.endswith(
        "Support from the direct supervisor goes with taking part: of staff with high support "
        "from the direct supervisor 75% have been trained, with low support from the direct "
        "supervisor 25% (a description, not proof of cause and effect)."
    )
    assert indonesian_sentences(f"<p>{english}</p>") == []


def test_a_scale_without_words_is_named_by_the_report_and_its_own_high_and_low_words(made_up):
    words = (
        ScaleWords("beban_tugas"),  # no words: its name made readable
        ScaleWords("atasan_langsung", label="Dukungan atasan", high="atasan yang mendukung"),
    )
    text, _ = _answer(replace(made_up, participation_scales=words), _participation_frames())
    assert "Beban tugas berkaitan dengan keikutsertaan: staf dengan beban tugas tinggi 40%" in text
    assert "staf dengan atasan yang mendukung 75% sudah dilatih, dengan dukungan atasan rendah" in (
        text
    )
    assert text.index("Beban tugas") < text.index("Dukungan atasan")  # the registry's order


def test_no_scale_configured_gives_no_scale_sentence(made_up):
    part, reasons = _participation_frames()
    none = replace(made_up, participation_scales=())
    text, _ = _answer(none, (part, reasons))
    assert text == "Alasan paling sering staf tidak ikut pelatihan: jadwal bentrok (60% jawaban)."
    assert _answer(none, (part, reasons.iloc[0:0])) is None
    # a scale the registry names but the survey did not ask says nothing either
    absent = replace(made_up, participation_scales=(ScaleWords("leadership_support"),))
    assert _answer(absent, (part, reasons.iloc[0:0])) is None
    # nor one whose top or bottom third was withheld as a small cell
    blanked = part.assign(share_trained=part["share_trained"].where(part["tercile"] != "tinggi"))
    assert _answer(made_up, (blanked, reasons.iloc[0:0])) is None


def _people() -> pd.DataFrame:
    """30 staff in three units of 10; access before the programme is lowest in Dinas A."""
    return pd.DataFrame(
        {
            "pid": range(30),
            "gender": ["F", "M"] * 15,
            "unit": ["Dinas A"] * 10 + ["Dinas B"] * 10 + ["Dinas C"] * 10,
            "akses_karier_pre": [1.5] * 10 + [2.5] * 10 + [3.5] * 10,
            "mentoring_access_pre": [2.0] * 30,  # another region's scale: not this one's
        }
    )


def _information(region, language="id"):
    shown = replace(region, language=language).for_readers()
    r = SimpleNamespace(
        person=_people(), region=shown, language=language, scale_range=lambda s: (1.0, 4.0)
    )
    return SOURCES["information_gaps"](r)


def test_the_information_answer_reads_the_registrys_scale_and_its_range(made_up):
    text, anchor = _information(made_up)
    assert anchor == "transparansi"
    assert text == (
        "Akses informasi karier paling rendah pada Dinas A (rata-rata 1,50 dari 4, 10 orang) "
        "dan paling tinggi pada Dinas C (3,50)."
    )
    english, _ = _information(made_up, "en")
    assert english == (
        "Access to career news is lowest among Dinas A (average 1.50 of 4, 10 people) and "
        "highest among Dinas C (3.50)."
    )
    # without the key nothing is said, even where the data hold another region's scale
    assert _information(replace(made_up, information_scale=None)) is None
    assert _information(replace(made_up, information_scale=ScaleWords("lain"))) is None


def test_the_participation_table_caption_names_the_scales_it_shows(made_up):
    part, reasons = _participation_frames()
    r = SimpleNamespace(
        participation=(part, reasons), region=made_up, language="id", numbering=Numbering("id")
    )
    page = str(participation(r))
    assert "Bagian staf yang sudah dilatih menurut dukungan atasan langsung dan beban tugas" in page
    assert "pimpinan" not in page
    r = SimpleNamespace(
        participation=(part.iloc[0:0], reasons),
        region=made_up,
        language="id",
        numbering=Numbering("id"),
    )
    assert "Bagian staf" not in str(participation(r))  # no scale asked: the reasons alone


def _findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["workload", "leadership_support", "rec_scheduling", "rec_other"],
            "label": ["Beban kerja", "Dukungan pimpinan", "Rekomendasi: jadwal", "Rekomendasi: x"],
            "kind": ["challenge", "context", "recommendation", "recommendation"],
            "n_transcripts": [8, 5, 4, 3],
            "share_of_transcripts": [0.5, 0.3, 0.25, 0.2],
        }
    )


def _effects() -> pd.DataFrame:
    """One headline effect of each grade a recommendation follows from."""
    row = {
        "headline": True,
        "unit": "poin",
        "design": "ancova",
        "controlled": True,
        "higher_is_better": True,
        "comparison_mean": 3.0,
        "level": 3,
    }
    rows = [
        ("Kepuasan kerja", 0.4, 0.2, 0.6, 0.001, 0.1),  # better
        ("Motivasi kerja", 0.1, -0.2, 0.4, 0.5, 0.3),  # inconclusive
        ("Komitmen organisasi", -0.3, -0.5, -0.1, 0.003, 0.1),  # worse
    ]
    out = [
        {**row, "label": a, "estimate": b, "ci_low": c, "ci_high": d, "p_adj": p, "p_value": p}
        | {"mde": m}
        for a, b, c, d, p, m in rows
    ]
    out.append(
        {**out[0], "label": "Nilai tes (0-100)", "design": "paired", "controlled": False}
    )  # an uncontrolled before/after gain
    return pd.DataFrame(out)


def test_one_recommendation_rule_writes_both_languages():
    ids = nar.recommendations(_effects(), _findings())
    ens = nar.recommendations(_effects(), _findings(), language="en")
    assert [(r.weight, r.topic) for r in ids] == [(r.weight, r.topic) for r in ens]
    # find out why, keep, schedule (the informants' proposal folded in), add a comparison,
    # leaders, measure again, the other proposal
    assert len(ids) == 7
    assert ids[0].action.startswith("Telusuri mengapa komitmen organisasi memburuk")
    assert ens[0].action.startswith("Find out why komitmen organisasi got worse")
    schedule = next(r for r in ids if r.topic == "workload")
    assert schedule.basis == (
        "Tantangan “Beban kerja” disebut dalam 50% transkrip. Informan juga mengusulkannya "
        "(25% transkrip)."
    )
    assert any(r.action == "Informan mengusulkan: x." for r in ids)
    assert any(r.action == "Informants propose: x." for r in ens)
    text = " ".join(f"{r.action} {r.basis}" for r in ens)
    assert indonesian_sentences(f"<p>{text}</p>") == []


def test_the_extra_recommendations_follow_the_registrys_information_scale(made_up):
    people = _people()
    r = SimpleNamespace(
        region=made_up,
        language="id",
        capacity=None,
        participation=None,
        feedback=None,
        moderation=None,
        jp_share=float("nan"),
        tables={},
        person=people,
        scale_range=lambda s: (1.0, 4.0),
    )
    (rec,) = extra_recommendations(r)
    assert rec.action.startswith("Utamakan Dinas A dan Dinas B")
    assert rec.basis.endswith("(rata-rata 1,50 dan 2,50 dari 4; tertinggi 3,50).")
    r.region = replace(made_up, information_scale=None)
    assert extra_recommendations(r) == []


def _write_registry(tmp_path, mutate):
    doc = yaml.safe_load(paths.config_file.read_text(encoding="utf-8"))
    mutate(doc)
    target = tmp_path / "config" / "regions.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    shutil.copy(paths.config_file.with_name("constructs.yaml"), target.with_name("constructs.yaml"))
    return target


def test_the_registry_reads_the_described_scales_as_a_name_or_with_their_words(tmp_path):
    shipped = load_registry()
    jambi, kalianda = shipped["jambi"], shipped["kalianda"]
    assert [s.scale for s in jambi.participation_scales] == ["leadership_support"]
    assert jambi.participation_scales[0].high == "dukungan tinggi"
    assert jambi.for_readers().participation_scales[0].label == "Dukungan pimpinan"
    english = replace(jambi, language="en").for_readers()
    assert english.participation_scales[0].low == "weak support"
    assert kalianda.information_scale.scale == "mentoring_access"
    assert all(r.missing_english() == [] for r in shipped.values())

    def mutate(doc):
        entry = doc["regions"][3]
        entry["participation_scales"] = ["beban_tugas", {"scale": "atasan", "label": "Atasan"}]
        entry["information_scale"] = "akses_karier"

    region = load_registry(_write_registry(tmp_path, mutate))["jambi"]
    assert region.participation_scales == (
        ScaleWords("beban_tugas"),
        ScaleWords("atasan", label="Atasan"),
    )
    assert region.information_scale == ScaleWords("akses_karier")
    assert region.missing_english() == ["participation_scales[1].label_en (atasan)"]

    def typo(doc):
        doc["regions"][3]["participation_scales"] = [{"scale": "atasan", "lable": "Atasan"}]

    with pytest.raises(ConfigError, match="participation_scales"):
        load_registry(_write_registry(tmp_path, typo))
