"""Tests of helpers.qual: reading coded segments, codebook, normalising, counting, quotes.

The QualCoder and Taguette fixtures in tests/fixtures/interviews/ are written by
make_fixtures.py in the layouts those tools write (../shared/samples/README.md, sections 3-4).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.core.errors import CodebookError, InputFileError
from helpers.io.code_codebook import KINDS, CodeCodebook, load_code_codebook
from helpers.io.segments import (
    SEGMENT_COLUMNS,
    attach_transcript_info,
    normalise_label,
    read_coded_segments,
)
from helpers.qual import agreement
from helpers.qual.agreement import agreement_by_code
from helpers.qual.codes import ALL_ROLES, normalise_codes
from helpers.qual.frequencies import code_frequencies, cooccurrence
from helpers.qual.quotes import FINDINGS_COLUMNS, qualitative_findings, representative_quotes
from helpers.steps.plots import cooccurrence_heatmap

FIXTURES = Path(__file__).parent / "fixtures" / "interviews"
QC_VARS = {"FileVar_peran": "informant_role", "FileVar_metode": "method"}
OUTPUT_COLUMNS = [*SEGMENT_COLUMNS, "category", "row"]


@pytest.fixture(scope="module")
def codebook() -> CodeCodebook:
    return load_code_codebook(FIXTURES / "codes.csv")


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return read_coded_segments(FIXTURES / "project_segments.csv")


def _segments(rows: list[tuple]) -> pd.DataFrame:
    columns = ["transcript", "segment", "informant_role", "method", "coder", "code", "quote"]
    return pd.DataFrame(rows, columns=columns).astype("str")


# ----------------------------------------------------------------------------------------------
# QualCoder
# ----------------------------------------------------------------------------------------------


def test_qualcoder_fixture_is_written_as_qualcoder_writes_it():
    raw = (FIXTURES / "qualcoder_coding_report.csv").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"File","Coder"')  # BOM, QUOTE_ALL
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    with open(FIXTURES / "qualcoder_coding_report.csv", encoding="utf-8-sig", newline="") as fh:
        lengths = [len(r) for r in csv.reader(fh)]
    assert lengths[0] == 10 and min(lengths[1:]) < 10  # rows shorter than the header


def test_qualcoder_csv_realigns_variables_of_short_rows():
    seg = read_coded_segments(FIXTURES / "qualcoder_coding_report.csv", columns=QC_VARS)
    assert list(seg.columns) == OUTPUT_COLUMNS
    assert seg.attrs["layout"] == "qualcoder"
    assert seg["transcript"].tolist() == ["W01.docx", "W01.docx", "W02.docx", "FGD01.docx"]
    assert seg["segment"].tolist() == ["ctid:1", "ctid:7", "ctid:2", "imid:1"]
    assert seg["coder"].tolist() == ["koder_a", "koder_b", "koder_a", "koder_a"]
    assert seg["code"].tolist() == ["Sumber Daya", "sumber_daya", "Relevansi", "Beban kerja"]
    # the short rows: variables read from the end of the row, not from under "Category"
    assert seg["informant_role"].tolist() == ["Kepala Bidang", "Kepala Bidang", "Staf", "Staf"]
    assert seg["method"].tolist() == ["wawancara", "wawancara", "wawancara", "fgd"]
    assert seg["category"].tolist()[:3] == ["Tantangan > Temuan"] * 2 + ["Capaian"]
    assert pd.isna(seg["category"].iloc[3])
    assert pd.isna(seg["quote"].iloc[3])  # an image coding has no text
    assert seg["row"].tolist() == [1, 2, 3, 4]
    assert any("2 row(s)" in note for note in seg.attrs["notes"])


def test_qualcoder_without_variables_has_missing_role():
    seg = read_coded_segments(FIXTURES / "qualcoder_coding_report.csv")
    assert seg["informant_role"].isna().all() and seg["method"].isna().all()
    assert seg["category"].iloc[2] == "Capaian"


def test_qualcoder_by_case_variant():
    seg = read_coded_segments(FIXTURES / "qualcoder_by_case.csv", columns={"Case": "informant"})
    assert seg.attrs["layout"] == "qualcoder"
    assert seg["transcript"].tolist() == ["W01.docx", "W02.docx", "W02.docx"]
    assert seg["informant"].tolist() == ["Informan 01", "Informan 02", "Informan 02"]
    assert seg["category"].iloc[0] == "Tantangan > Temuan"
    assert seg["category"].iloc[1] == "Rekomendasi"
    assert pd.isna(seg["category"].iloc[2])  # no category at all: the shortest row


def test_qualcoder_xlsx_matches_csv():
    from_csv = read_coded_segments(FIXTURES / "qualcoder_coding_report.csv", columns=QC_VARS)
    from_xlsx = read_coded_segments(FIXTURES / "qualcoder_coding_report.xlsx", columns=QC_VARS)
    assert from_xlsx.attrs["layout"] == "qualcoder"
    assert from_xlsx.attrs["notes"] == []  # fixed columns: nothing to realign
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_qualcoder_row_longer_than_header_names_the_row(tmp_path):
    path = tmp_path / "qc.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(["File", "Coder", "Coded", "Id", "Codename", "Coded_Memo", "Category"])
        writer.writerow(["a.docx", "k", "teks", "ctid:1", "x", "", "Kat"])
        writer.writerow(["a.docx", "k", "teks", "ctid:2", "x", "", "Kat", "ekstra"])
    with pytest.raises(InputFileError) as info:
        read_coded_segments(path)
    assert info.value.row == 2 and str(path) in str(info.value)


# ----------------------------------------------------------------------------------------------
# Taguette
# ----------------------------------------------------------------------------------------------


def test_taguette_csv_repeated_id_untagged_and_newline():
    raw = (FIXTURES / "taguette_all_tags.csv").read_bytes()
    assert raw.startswith(b"id,document,tag,content\r\n")
    seg = read_coded_segments(FIXTURES / "taguette_all_tags.csv", coder="peneliti_1")
    assert seg.attrs["layout"] == "taguette"
    assert list(seg.columns) == OUTPUT_COLUMNS
    assert len(seg) == 5 and seg["row"].tolist() == [1, 2, 3, 4, 5]
    twice = seg.loc[seg["segment"] == "3"]
    assert twice["code"].tolist() == ["tantangan.sumber_daya", "capaian.relevansi"]
    assert twice["quote"].iloc[0] == "Fasilitas terbatas.\nPelatih juga kurang."
    untagged = seg.loc[seg["segment"] == "4"]
    assert len(untagged) == 1 and untagged["code"].isna().all()
    assert (seg["coder"] == "peneliti_1").all()
    assert seg["informant_role"].isna().all()
    assert seg["transcript"].tolist()[0] == "W01"
    assert any("without a tag" in note for note in seg.attrs["notes"])


def test_taguette_xlsx_with_string_ids_matches_csv():
    from_csv = read_coded_segments(FIXTURES / "taguette_all_tags.csv")
    from_xlsx = read_coded_segments(FIXTURES / "taguette_highlights.xlsx")
    assert from_xlsx.attrs["layout"] == "taguette"
    assert from_xlsx["segment"].tolist() == ["2", "3", "3", "4", "5"]
    assert from_xlsx["coder"].isna().all()  # Taguette has no coder
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


# ----------------------------------------------------------------------------------------------
# Project layout, auto-detection, errors
# ----------------------------------------------------------------------------------------------


def test_project_layout_indonesian_headers(segments):
    assert segments.attrs["layout"] == "project"
    assert list(segments.columns) == OUTPUT_COLUMNS  # "Catatan" dropped
    assert segments["transcript"].tolist()[:3] == ["W01", "W01", "W01"]
    assert segments["method"].unique().tolist() == ["wawancara", "fgd"]
    assert segments["segment"].tolist()[:3] == ["1", "1", "2"]
    assert segments["category"].isna().all()


def test_project_xlsx_numeric_segment_ids_become_text(segments):
    from_xlsx = read_coded_segments(FIXTURES / "project_segments.xlsx", sheet="Koding")
    pd.testing.assert_frame_equal(segments, from_xlsx)


def test_project_layout_with_a_caller_mapping(tmp_path):
    path = tmp_path / "koding.csv"
    path.write_text(
        "Nama Transkrip,No,Tag,Teks,Nama Informan\nT1,1,Beban kerja,Sibuk sekali.,Rahasia\n",
        encoding="utf-8",
    )
    seg = read_coded_segments(
        path,
        columns={"Nama Transkrip": "transcript", "No": "segment", "Tag": "code", "Teks": "quote"},
        coder="k1",
    )
    assert seg.iloc[0][["transcript", "segment", "code", "quote", "coder"]].tolist() == [
        "T1",
        "1",
        "Beban kerja",
        "Sibuk sekali.",
        "k1",
    ]
    assert "Rahasia" not in seg.to_string()  # unmapped columns are dropped


def test_attach_transcript_info_fills_role_and_method():
    seg = read_coded_segments(FIXTURES / "taguette_all_tags.csv", coder="k")
    info = pd.DataFrame(
        {
            "transcript": ["W01", "W02", "FGD01"],
            "informant_role": ["Kepala Bidang", "Staf", "Staf"],
            "method": ["Wawancara", "wawancara", "Focus Group Discussion"],
        }
    )
    out = attach_transcript_info(seg, info)
    assert out["informant_role"].tolist() == ["Kepala Bidang"] * 3 + ["Staf", "Staf"]
    assert out["method"].tolist() == ["wawancara"] * 4 + ["fgd"]
    assert seg["informant_role"].isna().all()  # input untouched
    with pytest.raises(ValueError, match="more than once"):
        attach_transcript_info(seg, pd.concat([info, info]))


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("qualcoder_coding_report.csv", "qualcoder"),
        ("qualcoder_by_case.csv", "qualcoder"),
        ("qualcoder_coding_report.xlsx", "qualcoder"),
        ("taguette_all_tags.csv", "taguette"),
        ("taguette_highlights.xlsx", "taguette"),
        ("project_segments.csv", "project"),
        ("project_segments.xlsx", "project"),
    ],
)
def test_auto_detects_the_layout(name, layout):
    assert read_coded_segments(FIXTURES / name).attrs["layout"] == layout


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(InputFileError, match="file not found") as info:
        read_coded_segments(tmp_path / "tidak_ada.csv")
    assert info.value.path == tmp_path / "tidak_ada.csv"


def test_missing_required_column_names_it(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("Transkrip,Segmen,Kutipan\nT1,1,teks\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="'code'") as info:
        read_coded_segments(path)
    assert info.value.column == "Kode"


def test_bad_options_raise():
    with pytest.raises(ValueError, match="layout"):
        read_coded_segments(FIXTURES / "codes.csv", layout="nvivo")
    with pytest.raises(ValueError, match="unknown names"):
        read_coded_segments(FIXTURES / "project_segments.csv", columns={"Kode": "kode"})


def test_reader_does_not_touch_the_file():
    path = FIXTURES / "qualcoder_coding_report.csv"
    before = path.read_bytes()
    read_coded_segments(path, columns=QC_VARS)
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------------------------
# Codebook
# ----------------------------------------------------------------------------------------------


def test_codebook_is_validated(codebook):
    table = codebook.table
    assert list(table.columns) == [
        "code",
        "label",
        "definition",
        "theme",
        "kind",
        "level",
        "synonyms",
        "constructs",
        "label_en",
        "theme_en",
    ]
    assert (table["constructs"] == ()).all()  # optional: the fixture has no such column
    assert table["label_en"].isna().all() and codebook.in_english("label") == codebook.labels
    assert set(table["kind"]) <= set(KINDS)
    assert str(table["level"].dtype) == "Int64"
    assert table.set_index("code")["level"].isna()["sumber_daya"]
    assert table.set_index("code").loc["sumber_daya", "synonyms"] == (
        "kurang sumber daya",
        "keterbatasan sumber daya",
    )
    assert codebook.labels["relevansi"] == "Relevansi materi"


def _write_codebook(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "codes.csv"
    header = ["code", "label", "definition", "theme", "kind", "level", "synonyms"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


GOOD_ROW = ["sumber_daya", "Sumber daya", "", "Sumber daya", "challenge", "", ""]


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["beban_kerja", "Beban kerja", "", "Beban", "masalah", "3", ""], "kind", "kind"),
        (["beban_kerja", "Beban kerja", "", "Beban", "challenge", "5", ""], "level", "level"),
        (["beban_kerja", "Beban kerja", "", "Beban", "challenge", "dua", ""], "level", "level"),
        (["Beban Kerja", "Beban kerja", "", "Beban", "challenge", "", ""], "code", "snake_case"),
        (["sumber_daya", "Lain", "", "Beban", "challenge", "", ""], "code", "twice"),
        (
            ["beban_kerja", "Beban kerja", "", "Beban", "challenge", "", "Sumber Daya"],
            "synonyms",
            "both",
        ),
        (["beban_kerja", "", "", "Beban", "challenge", "", ""], "label", "empty"),
    ],
)
def test_codebook_errors_name_row_and_column(tmp_path, bad_row, column, message):
    path = _write_codebook(tmp_path, [GOOD_ROW, bad_row])
    with pytest.raises(CodebookError, match=message) as info:
        load_code_codebook(path)
    assert info.value.row == 2
    assert info.value.column == column
    assert str(path) in str(info.value) and "row 2" in str(info.value)


def test_codebook_missing_column_and_file(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,label,theme\nx,X,T\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="'kind'"):
        load_code_codebook(path)
    with pytest.raises(InputFileError, match="file not found"):
        load_code_codebook(tmp_path / "tidak_ada.csv")


def test_codebook_accepts_indonesian_kinds(tmp_path):
    path = _write_codebook(tmp_path, [["saran_x", "Saran", "", "T", "Rekomendasi", "4", ""]])
    assert load_code_codebook(path).table["kind"].tolist() == ["recommendation"]


# ----------------------------------------------------------------------------------------------
# Normalising codes
# ----------------------------------------------------------------------------------------------


def test_normalise_label():
    for variant in ["Sumber Daya", "sumber_daya", " SUMBER-DAYA ", "Sumber   daya", "Sûmber Dāya"]:
        assert normalise_label(variant) == "sumber daya"


def test_planted_variants_map_to_the_canonical_code(codebook):
    variants = [
        "Sumber Daya",
        "sumber_daya",
        " SUMBER-DAYA ",
        "kurang sumber daya",
        "tantangan.sumber_daya",
        "Tantangan > Sumber daya",
        "Pelatihan Daring",
        "pelatihan_daring",
        "Pelatihan  daring",
        None,
    ]
    seg = _segments(
        [(f"T{i}", "1", "Staf", "wawancara", "k", v, "q") for i, v in enumerate(variants)]
    )
    before = seg.copy()
    result = normalise_codes(seg, codebook)
    pd.testing.assert_frame_equal(seg, before)  # input untouched
    data = result.data
    assert data["code"].tolist()[:6] == ["sumber_daya"] * 6
    assert data["code_status"].tolist() == ["ok"] * 6 + ["unknown"] * 3 + ["uncoded"]
    assert data["theme"].tolist()[:6] == ["Sumber daya dan anggaran"] * 6
    assert data["kind"].iloc[0] == "challenge"
    assert data["code_raw"].tolist()[2] == " SUMBER-DAYA "
    # unknown codes are kept in the data and listed with their count
    assert data["code"].tolist()[6:9] == ["pelatihan_daring"] * 3
    unknown = result.unknown
    assert unknown["code"].tolist() == ["pelatihan_daring"]
    assert unknown["n"].tolist() == [3]
    assert unknown["label_raw"].iloc[0] in {
        "Pelatihan Daring",
        "pelatihan_daring",
        "Pelatihan  daring",
    }
    assert len(result.data) == len(seg)


def test_normalise_log_and_unknown_rows_from_the_file(segments, codebook):
    result = normalise_codes(segments, codebook)
    assert result.unknown.loc[0, "n"] == 2
    assert result.unknown.loc[0, "example_rows"] == "6, 7"
    log = result.log
    assert list(log.columns) == [
        "step",
        "table",
        "file",
        "row",
        "column",
        "old_value",
        "new_value",
        "reason",
    ]
    assert log["file"].str.endswith("project_segments.csv").all()
    assert set(log["row"]) == {1, 3, 4, 5, 6, 7, 8}  # row 2 was already canonical
    assert log.loc[log["row"] == 4, "reason"].iloc[0].endswith("(cocok lewat sinonim)")


def test_normalise_taguette_paths(codebook):
    seg = read_coded_segments(FIXTURES / "taguette_all_tags.csv", coder="k")
    data = normalise_codes(seg, codebook).data
    assert data["code"].tolist()[:3] == ["sumber_daya", "sumber_daya", "relevansi"]
    assert data["code"].iloc[4] == "beban_kerja"
    assert data["code_status"].iloc[3] == "uncoded"
    assert data["level"].iloc[4] == 3


# ----------------------------------------------------------------------------------------------
# Agreement
# ----------------------------------------------------------------------------------------------


def test_agreement_units_are_transcript_plus_segment(monkeypatch):
    calls = {}

    def fake(segments, *, unit, coder, code, codes=None, coders=None):
        calls.update(frame=segments.copy(), unit=unit, coder=coder, code=code, codes=codes)
        return pd.DataFrame({"code": [*codes, "__overall__"]})

    monkeypatch.setattr(agreement, "code_agreement", fake)
    seg = _segments(
        [
            ("T1", "1", "r", "wawancara", "a", "x", "q"),
            ("T1", "1", "r", "wawancara", "a", "x", "q"),  # repeated row counts once
            ("T1", "1", "r", "wawancara", "b", "x", "q"),
            ("T2", "1", "r", "wawancara", "a", "y", "q"),
            ("T2", "1", "r", "wawancara", "b", None, "q"),  # saw the unit, applied nothing
            ("T2", "2", "r", "wawancara", None, "y", "q"),  # no coder: left out
        ]
    )
    out = agreement_by_code(seg)
    frame = calls["frame"]
    assert calls["unit"] == "unit" and calls["coder"] == "coder" and calls["code"] == "code"
    assert frame["unit"].nunique() == 2  # T1/1 and T2/1 are different units
    assert len(frame) == 4
    assert frame["code"].isna().sum() == 1
    assert calls["codes"] == ["x", "y"]
    assert out["unit_basis"].unique().tolist() == ["segment"]


def test_agreement_by_code_with_reliability(codebook):
    # Same segment numbers in two transcripts: 4 units, not 2.
    seg = _segments(
        [
            ("T1", "1", "r", "wawancara", "a", "sumber_daya", "q"),
            ("T1", "1", "r", "wawancara", "b", "sumber_daya", "q"),
            ("T1", "2", "r", "wawancara", "a", "beban_kerja", "q"),
            ("T1", "2", "r", "wawancara", "b", "sumber_daya", "q"),
            ("T2", "1", "r", "wawancara", "a", "beban_kerja", "q"),
            ("T2", "1", "r", "wawancara", "b", "beban_kerja", "q"),
            ("T2", "2", "r", "wawancara", "a", "sumber_daya", "q"),
            ("T2", "2", "r", "wawancara", "b", "Sumber Daya", "q"),
        ]
    )
    out = agreement_by_code(seg, codebook).set_index("code")
    assert out.index.tolist() == ["sumber_daya", "beban_kerja", "__overall__"]
    assert out.loc["sumber_daya", "n_units"] == 4
    assert out.loc["sumber_daya", "percent_agreement"] == pytest.approx(0.75)
    assert out.loc["beban_kerja", "percent_agreement"] == pytest.approx(0.75)
    assert out.loc["sumber_daya", "label"] == "Sumber daya"
    assert {"cohen_kappa", "krippendorff_alpha", "fleiss_kappa"} <= set(out.columns)


def test_agreement_on_qualcoder_matches_quotes(codebook):
    seg = read_coded_segments(FIXTURES / "qualcoder_coding_report.csv", columns=QC_VARS)
    out = agreement_by_code(seg, codebook).set_index("code")
    assert out["unit_basis"].iloc[0] == "quote"
    assert out.loc["sumber_daya", "n_units"] == 1  # ctid:1 and ctid:7 are the same passage
    assert out.loc["sumber_daya", "percent_agreement"] == 1.0


# ----------------------------------------------------------------------------------------------
# Frequencies and co-occurrence on a hand example
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    """T1 (Kepala) coded by a (2 segments) and b (1 segment): a is T1's primary coder."""
    rows = [
        ("T1", "1", "Kepala", "wawancara", "a", "A", "Satu."),
        ("T1", "1", "Kepala", "wawancara", "a", "B", "Satu."),
        ("T1", "1", "Kepala", "wawancara", "b", "A", "Satu."),
        ("T1", "1", "Kepala", "wawancara", "b", "C", "Satu."),
        ("T1", "2", "Kepala", "wawancara", "a", "A", "Dua."),
        ("T2", "1", "Staf", "wawancara", "a", "B", "Tiga."),
        ("T2", "1", "Staf", "wawancara", "a", "C", "Tiga."),
        ("T2", "2", "Staf", "wawancara", "a", "C", "Empat."),
        ("T3", "1", "Staf", "fgd", "a", "A", "Lima."),
        ("T3", "1", "Staf", "fgd", "a", "A", "Lima."),
        ("T3", "1", "Staf", "fgd", "a", "C", "Lima."),
    ]
    data = _segments(rows)
    data["theme"] = data["code"].map({"A": "t1", "B": "t1", "C": "t2"}).astype("str")
    data["code_status"] = "ok"
    return data


def test_code_frequencies_hand_counts(hand):
    freq = code_frequencies(hand)
    total = freq.loc[freq["informant_role"] == ALL_ROLES].set_index("code")
    assert total.loc["A", ["n_segments", "n_transcripts", "n_informants"]].tolist() == [3, 2, 2]
    assert total.loc["B", ["n_segments", "n_transcripts", "n_informants"]].tolist() == [2, 2, 2]
    assert total.loc["C", ["n_segments", "n_transcripts", "n_informants"]].tolist() == [3, 2, 2]
    a_roles = freq.loc[freq["code"] == "A"].set_index("informant_role")
    assert a_roles.loc["Kepala", "n_segments"] == 2 and a_roles.loc["Staf", "n_segments"] == 1
    # ordered by theme, then decreasing segments, total row first
    assert freq["theme"].tolist()[0] == "t1" and freq["code"].tolist()[0] == "A"
    assert freq["informant_role"].tolist()[0] == ALL_ROLES


def test_code_frequencies_options(hand):
    pooled = code_frequencies(hand, coders="all")
    c_all = pooled.loc[(pooled["code"] == "C") & (pooled["informant_role"] == ALL_ROLES)]
    assert c_all["n_segments"].tolist() == [4]  # coder b's C on T1/1 now counts
    themes = code_frequencies(hand, per_code=False)
    totals = themes.loc[themes["informant_role"] == ALL_ROLES].set_index("theme")["n_segments"]
    assert totals.to_dict() == {"t1": 4, "t2": 3}
    assert set(code_frequencies(hand, min_count=3)["code"]) == {"A", "C"}
    small = code_frequencies(hand, min_cell=2)
    role_rows = small.loc[small["informant_role"] != ALL_ROLES]
    assert role_rows.loc[role_rows["code"] == "A", "suppressed"].all()
    assert small.loc[small["informant_role"] == ALL_ROLES, "n_segments"].notna().all()


def test_cooccurrence_hand_counts(hand):
    matrix = cooccurrence(hand)
    expected = pd.DataFrame(
        [[3, 1, 1], [1, 2, 1], [1, 1, 3]], index=["A", "B", "C"], columns=["A", "B", "C"]
    )
    pd.testing.assert_frame_equal(
        matrix.loc[["A", "B", "C"], ["A", "B", "C"]], expected, check_names=False
    )
    assert matrix.index.name == "code" and matrix.columns.name == "code"
    assert np.array_equal(matrix.to_numpy(), matrix.to_numpy().T)
    pooled = cooccurrence(hand, coders="all")
    assert pooled.loc["A", "C"] == 2 and pooled.loc["B", "C"] == 2 and pooled.loc["C", "C"] == 4
    wider = cooccurrence(hand, codes=["C", "A", "Z"])
    assert wider.index.tolist() == ["C", "A", "Z"] and wider.loc["Z"].sum() == 0


def test_cooccurrence_heatmap_uses_indonesian_labels(segments, codebook):
    from matplotlib.figure import Figure

    data = normalise_codes(segments, codebook).data
    fig = cooccurrence_heatmap(cooccurrence(data), codebook=codebook)
    assert isinstance(fig, Figure)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Sumber daya" in ticks and "Relevansi materi" in ticks
    assert isinstance(cooccurrence_heatmap(cooccurrence(data.iloc[:0])), Figure)
    own = Figure()
    assert cooccurrence_heatmap(cooccurrence(data), ax=own.add_subplot()) is own


# ----------------------------------------------------------------------------------------------
# Quotes and findings
# ----------------------------------------------------------------------------------------------


def test_quotes_are_masked_and_escaped(segments, codebook):
    data = normalise_codes(segments, codebook).data
    quotes = representative_quotes(data, per_theme=10, names=["Budi Santoso"], max_chars=1000)
    planted = quotes.loc[quotes["quote"].str.contains("anggaran kurang")]
    assert len(planted) == 1
    quote, html_text = planted["quote"].iloc[0], planted["html"].iloc[0]
    for marker in ["[nama]", "[NIP]", "[telepon]", "[email]"]:
        assert marker in quote
    for leaked in ["Budi", "Santoso", "19850312", "0812", "@contoh"]:
        assert leaked not in quote and leaked not in html_text
    assert "<script>" in quote  # plain text: escaping is for the html column
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<" not in "".join(quotes["html"])


def test_quotes_prefer_agreed_and_different_transcripts(segments, codebook):
    data = normalise_codes(segments, codebook).data
    quotes = representative_quotes(data, per_theme=2)
    theme = quotes.loc[quotes["theme"] == "Sumber daya dan anggaran"]
    assert theme["rank"].tolist() == [1, 2]
    assert theme["agreed"].iloc[0]  # W01/1 was coded by both coders
    assert set(theme["transcript"]) == {"W01", "W02"}
    assert set(theme["informant_role"]) == {"Kepala Bidang", "Staf"}
    assert "pelatihan_daring" not in set(quotes["code"])  # unknown codes give no quotes
    assert quotes["level"].dtype.name == "Int64"


def test_quotes_are_deterministic_whatever_the_row_order(segments, codebook):
    data = normalise_codes(segments, codebook).data
    first = representative_quotes(data, per_theme=2, seed=3)
    shuffled = data.sample(frac=1.0, random_state=1)
    again = representative_quotes(shuffled, per_theme=2, seed=3)
    pd.testing.assert_frame_equal(first, again)


def test_quotes_prefer_segments_coded_with_the_code_alone_and_never_repeat(hand):
    quotes = representative_quotes(hand, by="code", per_theme=3)
    a = quotes[quotes["code"] == "A"]
    assert a["quote"].tolist()[0] == "Dua."  # coded A only
    assert not quotes.duplicated(["transcript", "segment"]).any()  # one quote, one place
    again = representative_quotes(hand, by="theme", per_theme=3, exclude=[("T1", "2")])
    assert "Dua." not in set(again["quote"])
    assert set(quotes["transcript_label"]) <= {"Wawancara 1", "Wawancara 2", "FGD 1"}
    assert not quotes["transcript_label"].str.contains("T[0-9]").any()


def test_long_quotes_are_cut(segments, codebook):
    data = normalise_codes(segments, codebook).data
    quotes = representative_quotes(data, per_theme=10, max_chars=40)
    cut = quotes.loc[quotes["truncated"]]
    assert len(cut) >= 1
    assert (cut["quote"].str.len() <= 40).all() and cut["quote"].str.endswith("\u2026").all()


def test_qualitative_findings_columns_levels_and_suppression(hand):
    frame = pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "label": ["Kode A", "Kode B", "Kode C"],
            "theme": ["t1", "t1", "t2"],
            "kind": ["challenge", "recommendation", "achievement"],
            "level": ["3", "", "1"],
        }
    )
    book = CodeCodebook.from_frame(frame)
    data = hand.drop(columns=["theme", "code_status"])  # "A" is normalised to "a"
    quotes = representative_quotes(normalise_codes(data, book).data, by="code", per_theme=1)
    out = qualitative_findings(data, book, quotes=quotes, min_cell=2)
    assert list(out.columns) == list(FINDINGS_COLUMNS)
    assert str(out["level"].dtype) == "Int64"
    assert set(out["level"].dropna()) <= {1, 2, 3, 4}
    assert out["code"].tolist() == ["c", "a", "b"]  # level 1, level 3, then no level
    row = out.set_index("code")
    assert row.loc["a", ["n_segments", "n_transcripts", "n_informants"]].tolist() == [3, 2, 2]
    assert row.loc["a", "share_of_transcripts"] == pytest.approx(2 / 3)
    assert row.loc["a", "roles"] == "Kepala, Staf"
    assert not row["suppressed"].any()
    assert row["example_quote"].notna().all()
    # code a's best quote is T1/2, the segment coded with a alone (the most typical of the
    # code; T1/1 is agreed but carries three codes), said by the only "Kepala" in the data: a
    # role that rare is not shown beside the quote
    assert row.loc["a", "example_quote"] == "Dua."
    assert pd.isna(row.loc["a", "example_role"])
    assert not row["example_role"].eq("Kepala").any()

    strict = qualitative_findings(data, book, quotes=quotes, min_cell=5).set_index("code")
    assert strict["suppressed"].all()
    assert strict["roles"].isna().all() and strict["example_role"].isna().all()
    assert strict.loc["a", "n_segments"] == 3  # counts stay


def test_qualitative_findings_on_fixture(segments, codebook):
    data = normalise_codes(segments, codebook).data
    quotes = representative_quotes(data, by="code", per_theme=1, names=["Budi Santoso"])
    out = qualitative_findings(data, codebook, quotes=quotes)
    assert list(out.columns) == list(FINDINGS_COLUMNS)
    assert set(out["code"]) == {"sumber_daya", "relevansi"}  # unknown codes are not findings
    assert out["example_quote"].notna().all()
    assert not out["example_quote"].str.contains("Budi").any()
    no_quotes = qualitative_findings(data, codebook, quotes=None)
    assert no_quotes["example_quote"].isna().all()


# ----------------------------------------------------------------------------------------------
# The shipped synthetic example: what the generator planted comes out cleaned and masked
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["kepahiang", "medan", "kalianda", "jambi", "kemuning"])
def test_shipped_codes_planted_problems_are_handled(slug, registry, truth):
    codebook_name = registry[slug].code_codebook
    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / slug
    if not (raw / codebook_name).is_file():
        pytest.skip("example data not generated (make data)")
    planted = truth(slug)["planted"]
    seg = read_coded_segments(raw / planted["codes_file"])
    result = normalise_codes(seg, load_code_codebook(raw / codebook_name))
    by_row = result.data.set_index("row")
    for row, _variant, code in planted["codes"]["variants"]:
        assert by_row.loc[row, "code"] == code
    for row, _label in planted["codes"]["unknown"]:
        assert by_row.loc[row, "code_status"] == "unknown"
    assert result.unknown["n"].sum() == len(planted["codes"]["unknown"])
    names = pd.read_csv(raw / "roster_pegawai.csv", dtype=str)["Nama"].dropna().tolist()
    for row, name, nip, phone in planted["codes"]["masked"]:
        quotes = representative_quotes(result.data.loc[result.data["row"] == row], names=names)
        text = " ".join(quotes["quote"])
        assert "[nama]" in text and "[NIP]" in text and "[telepon]" in text
        for leaked in [*name.split(), nip, phone]:
            assert leaked not in text


def test_a_finding_names_its_quotes_transcript_by_its_neutral_label_unless_suppressed():
    data = pd.DataFrame(
        {
            "transcript": ["W-01", "W-02", "W-03", "W-04", "W-05", "W-06"],
            "segment": [1, 1, 1, 1, 1, 1],
            "code": ["a", "a", "a", "a", "a", "b"],
            "coder": ["c1"] * 6,
            "informant_role": ["Guru", "Staf", "Guru", "Staf", "Kepala Sekolah", "Guru"],
            "quote": ["satu", "dua", "tiga", "empat", "lima", "enam"],
        }
    )
    quotes = data.assign(
        transcript_label=[f"Wawancara {i}" for i in range(1, 7)], rank=[1, 2, 3, 4, 5, 1]
    )
    book = CodeCodebook.from_frame(
        pd.DataFrame(
            {
                "code": ["a", "b"],
                "label": ["A", "B"],
                "theme": ["T", "T"],
                "kind": ["challenge"] * 2,
            }
        )
    )
    out = qualitative_findings(data, book, quotes=quotes, min_cell=5).set_index("code")
    assert out.loc["a", "example_transcript"] == "Wawancara 1"
    assert bool(out.loc["b", "suppressed"]) and pd.isna(out.loc["b", "example_transcript"])
