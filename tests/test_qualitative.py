"""Notebook 02's step on the shipped codes: planted variants mapped, unknown codes listed,
planted personal data masked, HTML escaped."""

from __future__ import annotations

import pytest
from conftest import FIVE

from helpers.steps.qualitative import clean_region_codes


@pytest.fixture(scope="module")
def codes(registry):
    cache = {}

    def get(slug):
        if slug not in cache:
            cache[slug] = clean_region_codes(registry[slug])
        return cache[slug]

    return get


@pytest.mark.parametrize("slug", FIVE)
def test_planted_variants_mapped_and_unknown_codes_listed(slug, codes, truth):
    result = codes(slug)
    planted = truth(slug)["planted"]["codes"]
    data = result.segments.set_index("row")
    for row, variant, canonical in planted["variants"]:
        assert data.loc[row, "code"] == canonical, (row, variant)
    unknown_raw = {u[1] for u in planted["unknown"]}
    listed = " ".join(map(str, result.unknown.to_numpy().ravel())).lower()
    for raw in unknown_raw:
        assert raw.lower() in listed or raw.lower().replace(" ", "_") in listed, raw
    assert (result.segments["code_status"] == "unknown").sum() >= len(planted["unknown"])


@pytest.mark.parametrize("slug", FIVE)
def test_planted_personal_data_is_masked_everywhere(slug, codes, truth):
    result = codes(slug)
    for _row, name, nip, phone in truth(slug)["planted"]["codes"]["masked"]:
        for frame in (result.segments, result.quotes, result.findings):
            text = " ".join(map(str, frame.to_numpy().ravel()))
            assert name not in text and nip not in text and phone not in text


@pytest.mark.parametrize("slug", ["kepahiang", "jambi"])
def test_planted_script_is_escaped_in_html_quotes(slug, codes):
    quotes = codes(slug).quotes
    assert "<script" not in " ".join(quotes["html"].astype(str))


@pytest.mark.parametrize("slug", FIVE)
def test_agreement_on_double_coded_segments(slug, codes):
    agreement = codes(slug).agreement
    overall = agreement[agreement["code"] == "__overall__"].iloc[0]
    assert overall["n_coders"] == 2 and 0.6 < overall["cohen_kappa"] <= 1
    assert overall["kappa_se"] > 0


@pytest.mark.parametrize("slug", FIVE)
def test_no_frequency_group_below_the_minimum_cell(slug, codes, registry):
    """Role rows and all-roles totals alike: a count shown is never below min_cell_size."""
    freq = codes(slug).frequencies
    shown = freq["n_informants"].dropna()
    assert (shown >= registry[slug].min_cell_size).all()
    assert freq.loc[freq["suppressed"], "n_informants"].isna().all()


def test_an_unknown_code_naming_a_person_is_masked_in_its_slug_too():
    import pandas as pd

    from helpers.steps.qualitative import _mask_unknown_codes

    data = pd.DataFrame(
        {
            "code": ["kata_hj_eka_nip_198701242014022001", "sumber_daya"],
            "code_raw": ["kata Hj EKA: NIP 19870124 201402 2 001", "Sumber daya"],
            "code_status": ["unknown", "known"],
        }
    )
    out = _mask_unknown_codes(data, ["Eka Pratiwi Hutapea"])
    assert out.loc[0, "code"] == "kata_hj_nama_nip_nip"
    assert "eka" not in out.loc[0, "code_raw"].lower() and "2014" not in out.loc[0, "code_raw"]
    assert out.loc[1].tolist() == ["sumber_daya", "Sumber daya", "known"]
