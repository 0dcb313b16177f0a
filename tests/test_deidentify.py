"""Tests of helpers.privacy.deidentify: masking identifiers in quotes, then escaping for HTML."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.privacy.deidentify import escape_html, mask_series, mask_text


@pytest.mark.parametrize(
    "nip",
    [
        "198503122010011003",
        "19850312 201001 1 003",
        "19850312.201001.1.003",
        "19850312-201001-1-003",
    ],
)
def test_nip_in_every_written_form_is_masked(nip):
    assert mask_text(f"NIP saya {nip}, tolong dicek.") == "NIP saya [NIP], tolong dicek."


@pytest.mark.parametrize(
    "phone",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "081234567890",
        "+62 812-3456-7890",
        "+6281234567890",
        "62 812 3456 7890",
        "(0761) 123456",
    ],
)
def test_indonesian_phone_numbers_are_masked(phone):
    assert mask_text(f"hubungi {phone} ya") == "hubungi [telepon] ya"


def test_email_is_masked_before_names_inside_it():
    out = mask_text("kirim ke budi.santoso@contoh.go.id", names=["Budi Santoso"])
    assert out == "kirim ke [email]"


def test_other_long_numbers_use_the_mask_argument():
    assert mask_text("NIK 3201234567890001") == "NIK [...]"
    assert mask_text("NIK 3201234567890001", mask="[ID]") == "NIK [ID]"


def test_ordinary_numbers_are_left_alone():
    text = "Anggaran Rp 62.500.000 untuk 25 orang pada 2019, 2020 dan 2021 (20 JP)."
    assert mask_text(text) == text


def test_names_whole_words_case_insensitive_with_titles_and_parts():
    names = ["Budi Santoso", "Siti Rahmawati, S.Pd."]
    text = (
        "Kata Bapak Budi Santoso, pak budi setuju; BU SITI dan Ibu Rahmawati tidak. Budiman hadir."
    )
    out = mask_text(text, names=names)
    assert out == "Kata [nama], [nama] setuju; [nama] dan [nama] tidak. Budiman hadir."


def test_name_parts_can_be_switched_off():
    out = mask_text("Budi dan Budi Santoso", names=["Budi Santoso"], name_parts=False)
    assert out == "Budi dan [nama]"


def test_a_first_name_after_a_title_is_masked_even_without_parts():
    out = mask_text(
        "Pak Budi dan Bu Ek bilang", names=["Budi Santoso", "Ek Hutapea"], name_parts=False
    )
    assert out == "[nama] dan [nama] bilang"


@pytest.mark.parametrize(
    "written",
    [
        "19870124/201402/2/001",
        "19870124  201402  2  001",
        "19870124\u00a0201402\u00a02\u00a0001",
        "1987\u200b01242014022001",
        "\uff11\uff19\uff18\uff17\uff10\uff11\uff12\uff14\uff12\uff10\uff11\uff14\uff10\uff12\uff12\uff10\uff10\uff11",
        "\u0661\u0669\u0668\u0667\u0660\u0661\u0662\u0664\u0662\u0660\u0661\u0664\u0660\u0662\u0662\u0660\u0660\u0661",
        "1987_0124-2014.02'2 001",
    ],
)
def test_nip_in_any_dress_is_masked(written):
    assert mask_text(f"NIP saya {written}, terima kasih") == "NIP saya [NIP], terima kasih"


@pytest.mark.parametrize(
    "written",
    [
        "EKA HUTAPEA",
        "Eka  Hutapea",
        "Eka\u00a0Huta\u00adpea",
        "Éka Hutapéa",
        "Bu Eka",
        "ibu eka",
        "Eka Hutapea, S.Pd., M.Si.",
        "Dra. Eka Hutapea",
        "Eka-Hutapea",
        "E\u200bka Hutapea",
    ],
)
def test_roster_name_in_any_dress_is_masked(written):
    out = mask_text(f"Menurut {written} tadi", names=["Eka Hutapea"], name_parts=False)
    assert out == "Menurut [nama] tadi"


def test_units_list_and_mapping():
    text = "Kepala Bidang Mutasi  BKPSDM bilang BKPSDM lambat."
    assert mask_text(text, units=["Kepala Bidang Mutasi BKPSDM"]) == "[unit] bilang BKPSDM lambat."
    mapped = mask_text(text, units={"Kepala Bidang Mutasi BKPSDM": "[jabatan]", "BKPSDM": "[unit]"})
    assert mapped == "[jabatan] bilang [unit] lambat."


def test_markers_are_not_masked_again():
    # a name that equals a marker word must not eat the markers
    out = mask_text("Nama 0812-3456-7890", names=["Telepon Nama"])
    assert out == "[nama] [telepon]"


def test_masking_then_escaping_neutralises_script():
    text = 'Pak Budi: <script>alert("x")</script> & 0812-3456-7890'
    out = escape_html(mask_text(text, names=["Budi"]))
    assert out == "[nama]: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; [telepon]"
    assert "<" not in out


def test_mask_series_keeps_missing_index_and_input():
    series = pd.Series(["Bu Siti 081234567890", None, "tidak ada"], index=[5, 7, 9], name="q")
    before = series.copy()
    out = mask_series(series, names=["Siti"])
    assert out.tolist()[0] == "[nama] [telepon]"
    assert pd.isna(out.iloc[1])
    assert out.iloc[2] == "tidak ada"
    assert list(out.index) == [5, 7, 9] and out.name == "q"
    pd.testing.assert_series_equal(series, before)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mask_text(None),
        lambda: mask_text("x", names="Budi"),
        lambda: mask_text("x", units="BKPSDM"),
        lambda: mask_series(["x"]),
        lambda: escape_html(3),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize(
    "written",
    [
        "19870124,201402,2,001",
        "19870124:201402:2:001",
        "19870124|201402|2|001",
        "19870124 (201402) 2 001",
        "19870124+201402*2*001",
        "19870124; 201402; 2; 001",
    ],
)
def test_nip_with_any_punctuation_between_groups_is_masked(written):
    assert mask_text(f"NIP saya {written} ya") == "NIP saya [NIP] ya"


@pytest.mark.parametrize("written", ["Rizky Hutapea", "Pratama Hutapea", "rizky pratama"])
def test_two_words_of_a_longer_name_are_masked(written):
    out = mask_text(f"Kata {written} kemarin", names=["Rizky Pratama Hutapea"], name_parts=False)
    assert out == "Kata [nama] kemarin"


def test_two_word_names_do_not_yield_single_words_or_particle_pairs():
    names = ["Budi Santoso", "Ahmad bin Umar Said"]
    assert mask_text("Budi datang", names=names, name_parts=False) == "Budi datang"
    assert mask_text("bin Umar", names=names, name_parts=False) == "bin Umar"
    assert mask_text("Umar Said", names=names, name_parts=False) == "[nama]"
