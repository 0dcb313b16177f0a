"""Tests of helpers.io.codebook: loading and validating, label mapping, apply_codebook, template."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from helpers.codebook import main
from helpers.core.config import PROJECT_ROOT
from helpers.core.errors import CodebookError
from helpers.io.codebook import CODEBOOK_COLUMNS, Codebook, load_codebook
from helpers.io.labels import map_labels, normalise_label, parse_boolean, parse_value_labels
from helpers.io.log import LOG_COLUMNS, make_log
from helpers.io.reading import read_table
from helpers.io.recode import apply_codebook
from helpers.io.sources import read_export
from helpers.io.template import codebook_template
from helpers.privacy.nip import make_nip

AGREE = "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju"
LABELS = parse_value_labels(AGREE)
HEADER = ",".join(CODEBOOK_COLUMNS)


def write_codebook(tmp_path: Path, rows: list[str], name: str = "codebook.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def codebook_from(tmp_path: Path, rows: list[str]) -> Codebook:
    return load_codebook(write_codebook(tmp_path, rows))


SURVEY_ROWS = [
    "survei_*.csv,Cap waktu,submitted,datetime,,,,,,,,true",
    "survei_*.csv,NIP,nip,nip,,,,,,,,true",
    "survei_*.csv,Nama Lengkap,name,name,,,,,,,,",
    "survei_*.csv,Umur,age,integer,Umur,,,,18,65,99|-9,",
    f"survei_*.csv,1. Saya puas dengan pekerjaan,sat_1,likert,,{AGREE},job_sat,,,,Tidak tahu,true",
    f"survei_*.csv,2. Saya ingin pindah kerja,sat_2,likert,,{AGREE},job_sat,true,,,,true",
    "survei_*.csv,Pernah pelatihan,trained,boolean,,,,,,,,",
    "survei_*.csv,Jenis kelamin,gender,category,,M=Laki-laki|F=Perempuan,,,,,,",
    "survei_*.csv,Golongan,golongan_code,category,,1=II|2=III|3=IV,,,,,,",
    "survei_*.csv,Skor tes,score,number,,,,,0,100,,",
    "survei_*.csv,Tanggal pelatihan,training_date,date,,,,,,,,",
    "survei_*.csv,Unit,unit,string,,,,,,,,",
    "survei_*.csv,Catatan,,drop,,,,,,,,",
]


def raw_survey() -> pd.DataFrame:
    nip1 = make_nip("1990-01-01", "2010-01-01", "M", 1)
    nip2 = make_nip("1991-02-03", "2012-05-01", "F", 2)
    return pd.DataFrame(
        {
            "Cap waktu": ["2024/01/12 8:30:00", "2024/01/13 9:00:00", "2024/01/14 10:00:00"],
            "NIP": [f"{nip1[:8]} {nip1[8:14]} {nip1[14]} {nip1[15:]}", nip2, None],
            "Nama Lengkap": [" Budi ", "Sari", "Ani"],
            "Umur": ["34", "99", "17"],
            "1. Saya puas dengan pekerjaan": ["SANGAT  SETUJU ", "Setju", "Tidak tahu"],
            "2. Saya ingin pindah kerja": ["sgt setuju", "tdk setuju", "Mungkin"],
            "Pernah pelatihan": ["Ya", "tidak", "kadang"],
            "Jenis kelamin": ["Laki-laki", "f", "Perempuan"],
            "Golongan": ["III", "2", "V"],
            "Skor tes": ["87,5", "101", "abc"],
            "Tanggal pelatihan": ["12 Januari 2024", "3 Agt 2023", "kemarin"],
            "Unit": ["Dinas A ", None, "Dinas B"],
            "Catatan": ["x", "y", "z"],
            "Kolom lain": ["a", "b", "c"],
        }
    )


# ------------------------------------------------------------------------------ loading


def test_load_csv_types_and_defaults(tmp_path):
    cb = codebook_from(tmp_path, SURVEY_ROWS)
    t = cb.table
    assert list(t.columns[: len(CODEBOOK_COLUMNS)]) == list(CODEBOOK_COLUMNS)
    assert t["reverse"].dtype == bool and t["required"].dtype == bool
    assert t["min"].dtype == np.float64
    row = t[t["name"] == "sat_2"].iloc[0]
    assert row["reverse"] and row["required"] and row["scale"] == "job_sat"
    assert t.loc[t["name"] == "age", "max"].iloc[0] == 65
    assert t["codebook_row"].tolist() == list(range(1, len(SURVEY_ROWS) + 1))
    assert cb.path == tmp_path / "codebook.csv"


def test_load_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["raw_name", "name", "type", "value_labels", "min", "max"])
    ws.append(["Saya puas", "sat", "likert", AGREE, 1, 5])
    path = tmp_path / "codebook.xlsx"
    wb.save(path)
    cb = load_codebook(path)
    assert cb.table.loc[0, "file"] == "*"
    assert cb.table.loc[0, "max"] == 5.0


def test_load_yaml(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            - file: survei.csv
              raw_name: Saya puas
              name: sat
              type: likert
              value_labels: {1: Tidak, 2: Ya}
              reverse: true
              missing_codes: [99, Tidak tahu]
            - raw_name: NIP
              name: nip
              type: nip
              required: yes
            """
        ),
        encoding="utf-8",
    )
    t = load_codebook(path).table
    assert t.loc[0, "value_labels"] == "1=Tidak|2=Ya"
    assert bool(t.loc[0, "reverse"])
    assert t.loc[0, "missing_codes"] == "99|Tidak tahu"
    assert bool(t.loc[1, "required"])


def test_yaml_not_a_list(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("raw_name: x\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="list of row mappings"):
        load_codebook(path)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "f.csv,Q1,q1,likret,,1=a|2=b,,,,,,",
            "type",
            "unknown type 'likret' (did you mean 'likert'?)",
        ),
        ("f.csv,Q1,q1,likert,,1=a|2,,,,,,", "value_labels", "has no '='"),
        ("f.csv,Q1,q1,likert,,1=a|1=b,,,,,,", "value_labels", "code '1' appears twice"),
        ("f.csv,Q1,q1,likert,,a=x|b=y,,,,,,", "value_labels", "whole-number codes"),
        ("f.csv,Q1,Q 1,string,,,,,,,,", "name", "not snake_case"),
        ("f.csv,Q1,q1,integer,,,,,10,1,,", "min", "min 10 is greater than max 1"),
        ("f.csv,Q1,q1,integer,,,,,abc,,,", "min", "min 'abc' is not a number"),
        ("f.csv,Q1,q1,string,,,,,,,,perhaps", "required", "not a boolean"),
        ("f.csv,Q1,q1,string,,,,true,,,,", "reverse", "reverse coding needs"),
        ("f.csv,Q1,q1,string,,,scale_a,,,,,", "scale", "scale items must be"),
        ("f.csv,Q1,q1,string,,1=a|2=b,,,,,,", "value_labels", "used by likert and category"),
        ("f.csv,Q1,q1,likert,,,,,,,,", "value_labels", "needs value_labels"),
        ("f.csv,,q1,string,,,,,,,,", "raw_name", "raw_name is empty"),
    ],
)
def test_codebook_errors_name_file_row_column(tmp_path, row, column, message):
    path = write_codebook(tmp_path, ["f.csv,NIP,nip,nip,,,,,,,,", row])
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert err.value.path == path
    assert err.value.row == 2
    assert err.value.column == column
    assert message in str(err.value)
    assert str(err.value).startswith(f"{path}, row 2, column {column!r}")


def test_duplicate_name_for_same_file(tmp_path):
    path = write_codebook(tmp_path, ["f.csv,A,x,string,,,,,,,,", "f.csv,B,x,string,,,,,,,,"])
    with pytest.raises(CodebookError, match=r"name 'x' is used twice .* \(also row 1\)") as err:
        load_codebook(path)
    assert err.value.row == 2
    # the same name for another file pattern is fine
    load_codebook(
        write_codebook(tmp_path, ["f.csv,A,x,string,,,,,,,,", "g.csv,B,x,string,,,,,,,,"])
    )


def test_several_problems_listed_together(tmp_path):
    path = write_codebook(tmp_path, ["f.csv,A,x,foo,,,,,,,,", "f.csv,B,Y,string,,,,,,,,"])
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert "Also: row 2 column 'name'" in str(err.value)


def test_missing_codebook_columns(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text("raw_name,nama\nQ1,q1\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="codebook columns missing: 'name', 'type'"):
        load_codebook(path)


def test_for_file_glob(tmp_path):
    cb = codebook_from(
        tmp_path,
        [
            "survei_*.csv,A,a,string,,,,,,,,",
            "roster.csv,B,b,string,,,,,,,,",
            "*,C,c,string,,,,,,,,",
        ],
    )
    assert cb.for_file("survei_pre.csv")["name"].tolist() == ["a", "c"]
    assert cb.for_file("data/raw/x/SURVEI_POST.CSV")["name"].tolist() == ["a", "c"]
    assert cb.for_file("roster.csv")["name"].tolist() == ["b", "c"]


# ------------------------------------------------------------------------------ labels


def test_normalise_label():
    assert normalise_label("  Sangat   SETUJU. ") == "sangat setuju"
    assert normalise_label("Ragu-ragu") == "ragu ragu"
    assert normalise_label("Jum'at") == "jumat"
    assert normalise_label(None) == ""


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("sangat  setuju", 5),
        ("Sangat Setuju ", 5),
        ("SANGAT SETUJU", 5),
        ("sgt setuju", 5),
        ("Sgt. Setuju", 5),
        ("SS", 5),
        ("Setuju", 4),
        ("Setju", 4),
        ("stj", 4),
        ("Netral", 3),
        ("Ragu-ragu", 3),
        ("Tidak setuju", 2),
        ("tdk setuju", 2),
        ("gak setuju", 2),
        ("TS", 2),
        ("Sangat tdk setuju", 1),
        ("sangat tak setuju", 1),
        ("4", 4),
        ("4.0", 4),
        ("4,0", 4),
        ("5 - Sangat setuju", 5),
    ],
)
def test_map_labels_agreement_variants(answer, code):
    codes, unmapped = map_labels(pd.Series([answer]), LABELS)
    assert codes.iloc[0] == code, unmapped
    assert unmapped.empty


def test_map_labels_satisfaction_scale():
    labels = parse_value_labels(
        "1=Sangat tidak puas|2=Tidak puas|3=Cukup puas|4=Puas|5=Sangat puas"
    )
    answers = pd.Series(["Sangat tidak puas", "tdk puas", "Netral", "PUAS", "sgt puas"])
    codes, unmapped = map_labels(answers, labels)
    assert codes.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert unmapped.empty


def test_unknown_labels_reported_never_dropped():
    answers = pd.Series(
        ["Setuju", "Mungkin", None, "Mungkin", "7", "Setuju"], index=[0, 1, 2, 3, 4, 5]
    )
    codes, unmapped = map_labels(answers, LABELS)
    assert codes.isna().tolist() == [False, True, True, True, True, False]
    assert unmapped["value"].tolist() == ["Mungkin", "7"]
    assert unmapped["count"].tolist() == [2, 1]
    assert unmapped["rows"].tolist() == [[2, 4], [5]]
    assert "not a code" in unmapped["reason"].iloc[1]


def test_ambiguous_spelling_not_mapped():
    labels = {1: "Tidak puas", 2: "Tidak pas"}
    codes, unmapped = map_labels(pd.Series(["tidak pus"]), labels, cutoff=0.8)
    assert codes.isna().all()
    assert "ambiguous" in unmapped["reason"].iloc[0]


def test_map_labels_user_synonyms_and_cutoff():
    codes, _ = map_labels(
        pd.Series(["oke", "Setju"]), LABELS, synonyms={"OKE": "Setuju"}, cutoff=0.95
    )
    assert codes.iloc[0] == 4
    assert np.isnan(codes.iloc[1])  # below the stricter cutoff
    with pytest.raises(ValueError, match="neither a code nor a label"):
        map_labels(pd.Series(["x"]), LABELS, synonyms={"x": "Mungkin"})


def test_parse_value_labels_and_boolean():
    assert parse_value_labels("M=Laki-laki|F=Perempuan") == {"M": "Laki-laki", "F": "Perempuan"}
    with pytest.raises(ValueError, match="label 'a' appears twice"):
        parse_value_labels("1=A|2=a")
    assert parse_boolean("YA") is True
    assert parse_boolean("Tidak") is False
    assert parse_boolean(1) is True
    assert parse_boolean("", default=None) is None
    with pytest.raises(ValueError):
        parse_boolean("mungkin")


# ------------------------------------------------------------------------------ apply_codebook


@pytest.fixture
def applied(tmp_path):
    cb = codebook_from(tmp_path, SURVEY_ROWS)
    return apply_codebook(raw_survey(), cb, file_name="survei_pre.csv")


def log_for(log: pd.DataFrame, column: str) -> pd.DataFrame:
    return log[log["column"] == column]


def test_apply_renames_and_types(applied):
    data = applied.data
    assert list(data.columns) == [
        "submitted", "nip", "name", "age", "sat_1", "sat_2", "trained", "gender",
        "golongan_code", "score", "training_date", "unit",
    ]  # fmt: skip
    assert data["submitted"].iloc[0] == pd.Timestamp("2024-01-12 08:30")
    assert data["nip"].tolist()[:2] == [
        make_nip("1990-01-01", "2010-01-01", "M", 1),
        make_nip("1991-02-03", "2012-05-01", "F", 2),
    ]
    assert pd.isna(data["nip"].iloc[2])
    assert data["name"].tolist() == ["Budi", "Sari", "Ani"]
    assert str(data["age"].dtype) == "Int64"
    assert data["trained"].dtype == "boolean"
    assert data["trained"].tolist()[:2] == [True, False]
    assert data["gender"].tolist() == ["M", "F", "F"]
    assert data["golongan_code"].tolist()[:2] == [2, 2]  # "2" is read as the code 2
    assert data["score"].iloc[0] == 87.5
    assert data["training_date"].tolist()[:2] == [
        pd.Timestamp("2024-01-12"),
        pd.Timestamp("2023-08-03"),
    ]
    assert data["unit"].tolist()[0] == "Dinas A"
    assert data.index.equals(raw_survey().index)


def test_likert_mapping_and_reverse_coding(applied):
    assert applied.data["sat_1"].tolist()[:2] == [5.0, 4.0]
    assert np.isnan(applied.data["sat_1"].iloc[2])  # "Tidak tahu" is a missing code
    # sat_2 is reversed: sgt setuju (5) -> 1, tdk setuju (2) -> 4
    assert applied.data["sat_2"].tolist()[:2] == [1.0, 4.0]
    log = log_for(applied.log, "sat_2")
    assert "reverse-coded: 1 + 5 - x" in log["reason"].tolist()
    unknown = log[log["reason"].str.startswith("label not in value_labels")]
    assert unknown["row"].tolist() == [3]
    assert unknown["old_value"].tolist() == ["Mungkin"]


def test_fuzzy_and_synonym_matches_logged(applied):
    log = log_for(applied.log, "sat_1")
    fuzzy = log[log["reason"].str.contains("spelling")]
    assert fuzzy[["row", "old_value", "new_value"]].values.tolist() == [[2, "Setju", "4"]]
    missing = log[log["reason"].str.startswith("missing code")]
    assert missing["row"].tolist() == [3]


def test_missing_codes_and_range_violations_logged_with_rows(applied):
    log = log_for(applied.log, "age")
    assert log[["row", "old_value", "reason"]].values.tolist() == [
        [2, "99", "missing code 99 -> missing"],
        [3, "17", "outside the valid range [18, 65]"],
    ]
    assert applied.data["age"].iloc[0] == 34
    assert applied.data["age"].iloc[1:].isna().all()
    score = log_for(applied.log, "score")
    assert score[["row", "old_value", "reason"]].values.tolist() == [
        [3, "abc", "not a number"],
        [2, "101", "outside the valid range [0, 100]"],
    ]


def test_conversion_failures_logged(applied):
    log = applied.log
    assert log_for(log, "trained")["row"].tolist() == [3]
    assert log_for(log, "training_date")["old_value"].tolist() == ["kemarin"]
    gol = log_for(log, "golongan_code")
    assert gol["old_value"].tolist() == ["V"]


def test_unknown_and_dropped_columns_logged_once(applied):
    log = applied.log
    extra = log[log["column"] == "Kolom lain"]
    assert extra["reason"].tolist() == ["column not in codebook; left out"]
    assert extra["row"].isna().all()
    assert log[log["column"] == "Catatan"]["reason"].tolist() == ["dropped: codebook type 'drop'"]
    assert "Kolom lain" not in applied.data and "Catatan" not in applied.data


def test_log_layout(applied):
    log = applied.log
    assert tuple(log.columns) == LOG_COLUMNS
    assert str(log["row"].dtype) == "Int64"
    assert set(log["step"]) == {"codebook"}
    assert set(log["table"]) == {"survei_pre"}
    assert set(log["file"]) == {"survei_pre.csv"}


def test_input_not_mutated(tmp_path):
    raw = raw_survey()
    before = raw.copy()
    apply_codebook(raw, codebook_from(tmp_path, SURVEY_ROWS), file_name="survei_pre.csv")
    pd.testing.assert_frame_equal(raw, before)


def test_required_column_missing(tmp_path):
    cb = codebook_from(tmp_path, SURVEY_ROWS)
    raw = raw_survey().drop(columns=["1. Saya puas dengan pekerjaan"])
    raw = raw.rename(columns={"2. Saya ingin pindah kerja": "2. Saya ingin pindah kerja?"})
    with pytest.raises(CodebookError) as err:
        apply_codebook(
            raw, cb, file_name="survei_pre.csv", path=tmp_path / "raw" / "survei_pre.csv"
        )
    message = str(err.value)
    assert err.value.path == tmp_path / "raw" / "survei_pre.csv"
    assert err.value.column == "1. Saya puas dengan pekerjaan"
    assert "codebook row 5" in message
    assert "did you mean '2. Saya ingin pindah kerja?'" in message
    assert str(tmp_path / "codebook.csv") in message


def test_optional_column_missing_is_logged(tmp_path):
    cb = codebook_from(tmp_path, SURVEY_ROWS)
    result = apply_codebook(raw_survey().drop(columns=["Unit"]), cb, file_name="survei_pre.csv")
    assert "unit" not in result.data
    assert log_for(result.log, "Unit")["reason"].str.contains("not in file").all()


def test_headers_matched_ignoring_case_and_spaces(tmp_path):
    cb = codebook_from(tmp_path, ["f.csv,Nilai  Akhir,final,number,,,,,,,,true"])
    result = apply_codebook(pd.DataFrame({"nilai akhir": ["1,5"]}), cb, file_name="f.csv")
    assert result.data["final"].tolist() == [1.5]


def test_no_rows_for_file_and_overlapping_patterns(tmp_path):
    cb = codebook_from(tmp_path, ["a.csv,X,x,string,,,,,,,,", "*.csv,Y,x,string,,,,,,,,"])
    with pytest.raises(CodebookError, match="no codebook row applies to file 'b.xlsx'"):
        apply_codebook(pd.DataFrame({"X": ["1"]}), cb, file_name="b.xlsx")
    with pytest.raises(CodebookError, match="name 'x' is given by rows"):
        apply_codebook(pd.DataFrame({"X": ["1"], "Y": ["2"]}), cb, file_name="a.csv")


def test_integer_not_whole_and_likert_without_labels(tmp_path):
    cb = codebook_from(
        tmp_path,
        ["f.csv,N,n,integer,,,,,,,,", "f.csv,S,s,likert,,,,true,1,4,,"],
    )
    result = apply_codebook(
        pd.DataFrame({"N": ["3", "2,5"], "S": ["1", "5"]}), cb, file_name="f.csv"
    )
    assert result.data["n"].tolist()[0] == 3 and pd.isna(result.data["n"].iloc[1])
    assert "not a whole number" in log_for(result.log, "n")["reason"].tolist()
    assert result.data["s"].iloc[0] == 4.0  # 1 + 4 - 1
    assert np.isnan(result.data["s"].iloc[1])  # 5 is outside [1, 4]


def test_make_log_rejects_unknown_keys():
    with pytest.raises(ValueError, match="unknown cleaning-log keys"):
        make_log([{"rows": 1}])
    assert tuple(make_log().columns) == LOG_COLUMNS


# ------------------------------------------------------------------------------ template


def write_raw(tmp_path: Path) -> Path:
    nips = [make_nip("1990-01-01", "2010-01-01", "M", i) for i in range(1, 9)]
    agree = ["Setuju", "Sangat setuju", "Netral", "Tidak setuju", "sgt setuju", "Setuju",
             "Sangat tidak setuju", "Setuju"]  # fmt: skip
    frame = pd.DataFrame(
        {
            "Cap waktu": [f"2024-01-{d:02d} 08:00:00" for d in range(1, 9)],
            "NIP": nips,
            "Nama Lengkap": [f"Orang {i}" for i in range(8)],
            "1. Saya puas dengan pekerjaan saya": agree,
            "Q2) Saya puas dengan pekerjaan saya": agree[::-1],
            "Tanggal lahir": ["12 Januari 1990"] * 8,
            "Nilai": ["87,5", "90", "1,25", "3", "4", "5", "6", "7"],
            "Jumlah JP": [str(i) for i in range(8)],
            "Unit kerja": ["Dinas A", "Dinas B"] * 4,
            "Komentar": [f"komentar bebas {i}" for i in range(8)],
            "Ikut pelatihan": ["Ya", "Tidak"] * 4,
        }
    )
    path = tmp_path / "survei_pre.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def test_codebook_template_guesses(tmp_path):
    t = codebook_template(write_raw(tmp_path)).set_index("raw_name")
    assert list(t.reset_index().columns) == [
        "raw_name",
        *[c for c in CODEBOOK_COLUMNS if c != "raw_name"],
        "note",
    ]
    types = t["type"].to_dict()
    assert types["Cap waktu"] == "datetime"
    assert types["NIP"] == "nip"
    assert types["Nama Lengkap"] == "name"
    assert types["1. Saya puas dengan pekerjaan saya"] == "likert"
    assert t.loc["1. Saya puas dengan pekerjaan saya", "value_labels"] == AGREE
    assert types["Tanggal lahir"] == "date"
    assert types["Nilai"] == "number"
    assert types["Jumlah JP"] == "integer"
    assert types["Unit kerja"] == "string"  # the contract's `unit`: text, never numbered codes
    assert t.loc["Unit kerja", ["name", "value_labels"]].tolist() == ["unit", ""]
    assert types["Komentar"] == "string"
    assert types["Ikut pelatihan"] == "boolean"
    names = t["name"].tolist()
    assert len(set(names)) == len(names)
    assert t.loc["1. Saya puas dengan pekerjaan saya", "name"] == "puas_pekerjaan"
    assert t.loc["Q2) Saya puas dengan pekerjaan saya", "name"] == "puas_pekerjaan_2"
    assert all(len(n) <= 32 and n.replace("_", "").isalnum() for n in names)
    assert set(t["file"]) == {"survei_pre.csv"}


def test_template_is_a_loadable_codebook(tmp_path):
    raw = write_raw(tmp_path)
    out = tmp_path / "codebook.csv"
    codebook_template(raw).to_csv(out, index=False)
    cb = load_codebook(out)
    result = apply_codebook(read_table(raw), cb, file_name=raw.name)
    assert result.data.shape == (8, 11)


def test_template_cli_writes_and_refuses_overwrite(tmp_path, capsys):
    raw = write_raw(tmp_path)
    out = tmp_path / "out" / "cb.csv"
    assert main(["template", str(raw), "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert first.startswith(HEADER)
    assert main(["template", str(raw), "-o", str(out)]) == 1
    assert "exists; use --force" in capsys.readouterr().err
    out.write_text("edited", encoding="utf-8")
    assert main(["template", str(raw), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "edited"
    assert main(["template", str(raw), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8") == first


def test_template_cli_default_output_and_bad_file(tmp_path, capsys):
    raw = write_raw(tmp_path)
    assert main(["template", str(raw)]) == 0
    assert (tmp_path / "survei_pre_codebook.csv").is_file()
    assert main(["template", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "x.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_template_cli_as_module(tmp_path):
    raw = write_raw(tmp_path)
    out = tmp_path / "cb.csv"
    done = subprocess.run(
        [sys.executable, "-m", "helpers.codebook", "template", str(raw), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert load_codebook(out).table["raw_name"].tolist()[0] == "Cap waktu"


def test_likert_number_outside_codes_is_a_range_violation(tmp_path):
    cb = codebook_from(tmp_path, [f"f.csv,Q,q,likert,,{AGREE},,,,,,"])
    result = apply_codebook(pd.DataFrame({"Q": ["6", "0", "2.5", "3"]}), cb, file_name="f.csv")
    assert result.data["q"].tolist()[3] == 3.0
    assert result.data["q"].iloc[:3].isna().all()
    log = result.log[["row", "reason"]].values.tolist()
    assert log[1:] == [[1, "outside the valid range [1, 5]"], [2, "outside the valid range [1, 5]"]]
    assert log[0][0] == 3 and log[0][1].startswith("label not in value_labels")


def test_consequential_problems_not_repeated(tmp_path):
    path = write_codebook(
        tmp_path, ["f.csv,Q1,q1,likret,,1=a|2=b,,,,,,", "f.csv,Q2,q2,likert,,1=a|2,,,,,,"]
    )
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = str(err.value)
    assert "unknown type 'likret'" in message and "has no '='" in message
    assert "used by likert and category only" not in message
    assert "needs value_labels" not in message


# ------------------------------------------------------------------------------ tool exports

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
MEETING = "kobotoolbox/Meeting_Form_-_latest_version_-_False_-_2024-03-14-09-51-14.xlsx"


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"../shared/samples not present: {SAMPLES} holds the real export samples")
    return SAMPLES


def test_template_kobo_blocks_groups_and_names(samples, tmp_path):
    path = samples / MEETING
    t = codebook_template(path)
    assert list(t.columns) == [*CODEBOOK_COLUMNS, "group", "sheet", "note"]
    assert t.groupby("sheet", sort=False).size().to_dict() == {
        "": 18,
        "topics_discussed": 17,
        "participants": 15,
        "feedback": 16,
    }
    assert set(t["file"]) == {path.name}
    feedback = t[t["sheet"] == "feedback"].set_index("raw_name")
    comments = feedback.loc["participants/feedback/Comments"]
    assert (comments["group"], comments["name"], comments["type"]) == (
        "participants/feedback",
        "comments",
        "string",
    )
    session = feedback.loc["participants/feedback/Session_number"]
    assert session["type"] == "category"
    assert session["value_labels"] == (
        "1=session_2__october_5|2=session_4__october_20|3=session_1__october_1|"
        "4=session_3__october_15"
    )
    assert feedback.loc["parent_row", "type"] == "integer"
    assert feedback.loc["_submission__uuid", "type"] == "drop"
    main = t[t["sheet"] == ""].set_index("raw_name")
    assert main.loc["_submission_time", "type"] == "datetime"
    assert main.loc["_uuid", "type"] == "id"
    assert main.loc["_status", "type"] == "drop"
    assert main.loc["start", "group"] == ""
    topics = t[t["sheet"] == "topics_discussed"].set_index("raw_name")
    rating = topics.loc["topics_discussed/topic_details/Discussion_rating"]
    assert (rating["group"], rating["name"], rating["type"]) == (
        "topics_discussed/topic_details",
        "discussion_rating",
        "integer",
    )
    out = tmp_path / "codebook.csv"
    t.to_csv(out, index=False)
    book = load_codebook(out)  # _index in every block: unique per (file, sheet)
    assert {"group", "sheet"} <= set(book.table.columns)
    export = read_export(path)
    main_clean = apply_codebook(export.as_table(), book, file_name=path.name)
    assert main_clean.data.shape == (5, 11)  # 18 columns, 7 bookkeeping ones dropped
    assert main_clean.data.loc[0, "submitted"] == pd.Timestamp(
        "2024-03-14 16:36:52"
    )  # contract name
    nested = apply_codebook(export.repeats["feedback"], book, file_name=path.name, sheet="feedback")
    assert nested.data.loc[9, ["comments", "parent_row"]].tolist() == [
        "engaging and interactive session",
        7,
    ]


def test_template_kobo_dot_groups_and_multiselect(samples):
    t = codebook_template(samples / "kobotoolbox/kobocruncher_data.xlsx")
    main = t[t["sheet"] == ""].set_index("raw_name")
    assert not [r for r in main.index if r.startswith("profile.reason.")]
    reason = main.loc["profile.reason"]
    assert (reason["group"], reason["name"], reason["type"]) == ("profile", "reason", "string")
    assert reason["label"].startswith("profile.reason [multi-select")
    assert "accomodation, employment" in reason["label"]
    assert main.loc["profile.country", "value_labels"] == "1=VEN|2=HND|3=SLV|4=COL"
    members = t[t["sheet"] == "members"].set_index("raw_name")
    assert (members.loc["members.sex", "name"], members.loc["members.sex", "group"]) == (
        "sex",
        "members",
    )
    assert members.loc["members.sex", "value_labels"] == "1=male|2=female"


def test_template_kobo_legacy_csv(samples):
    t = codebook_template(samples / "kobotoolbox/kpi_legacy_transportation.csv")
    assert list(t.columns) == [*CODEBOOK_COLUMNS, "group", "note"]  # no repeat sheets
    assert len(t) == 14
    t = t.set_index("raw_name")
    question = t.loc["transport/available_transportation_types_to_referral_facility"]
    assert (question["group"], question["type"]) == ("transport", "string")
    assert t.loc["meta/instanceID", "group"] == "meta"
    assert t.loc["_submission_time", "type"] == "datetime"


def test_template_google_forms(samples):
    t = codebook_template(samples / "google_forms/google_forms_responses.csv")
    assert list(t.columns) == [*CODEBOOK_COLUMNS, "note"]
    assert t["raw_name"].tolist() == [
        "Timestamp",
        "Your fave fruit?",
        "Tell me your name!",
        "Select all that apply",
    ]
    t = t.set_index("raw_name")
    assert t.loc["Timestamp", "type"] == "datetime"
    assert t.loc["Your fave fruit?", "value_labels"] == "1=apple|2=orange|3=banana"
    assert t.loc["Select all that apply", "label"] == (
        "Select all that apply [multi-select, choices joined by ';': Sunday, Monday, Wednesday, "
        "Tuesday]"
    )
    x = codebook_template(samples / "google_forms/KoboTest_Responses_New.xlsx").set_index(
        "raw_name"
    )
    assert x.loc["linear scale question type test", "type"] == "integer"
    assert x.loc["date question type", "type"] == "date"
    assert x.loc["Select from dropdown", "value_labels"] == "1=option a|2=option c"


def test_template_cli_on_a_kobo_export(samples, tmp_path):
    out = tmp_path / "meeting_codebook.csv"
    assert main(["template", str(samples / MEETING), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == HEADER + ",group,sheet,note"
    assert len(load_codebook(out).table) == 66


def test_group_column_ignored_and_sheet_column_selects_rows(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text(
        HEADER + ",group,sheet\n"
        "f.xlsx,_index,index,id,,,,,,,,,,\n"
        "f.xlsx,g/q,q,integer,,,,,,,,,g,\n"
        "f.xlsx,_index,index,id,,,,,,,,,,rep\n"
        "f.xlsx,rep/a,a,string,,,,,,,,,rep,rep\n",
        encoding="utf-8",
    )
    book = load_codebook(path)
    assert book.table["group"].tolist() == ["", "g", "", "rep"]
    assert book.for_file("f.xlsx")["raw_name"].tolist() == ["_index", "g/q"]
    assert book.for_file("f.xlsx", sheet="Main sheet")["raw_name"].tolist() == ["_index", "g/q"]
    assert book.for_file("f.xlsx", sheet="REP")["raw_name"].tolist() == ["_index", "rep/a"]
    data = apply_codebook(pd.DataFrame({"_index": ["1"], "g/q": ["7"]}), book, file_name="f.xlsx")
    assert data.data.to_dict("list") == {"index": ["1"], "q": [7]}
    path.write_text(
        HEADER
        + ",sheet\nf.xlsx,_index,index,id,,,,,,,,,rep\nf.xlsx,_index,index2,id,,,,,,,,,rep\n",
        encoding="utf-8",
    )
    with pytest.raises(CodebookError, match="raw_name '_index' appears twice for file 'f.xlsx' "
                       "sheet 'rep'"):  # fmt: skip
        load_codebook(path)
