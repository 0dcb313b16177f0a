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
    out = mask_text("Pak Budi dan Budi Santoso", names=["Budi Santoso"], name_parts=False)
    assert out == "Pak Budi dan [nama]"


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
