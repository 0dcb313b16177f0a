"""Tests of helpers.reading: read_table on messy exports, parse_number, parse_date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from helpers.core.errors import InputFileError
from helpers.io.parsing import normalise_digits, parse_date, parse_number, raw_row_numbers
from helpers.io.reading import read_table

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list], name: str = "data.xlsx", title="Data") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.create_sheet("Lain")
    path = tmp_path / name
    wb.save(path)
    return path


# ------------------------------------------------------------------------------ read_table CSV


def test_bom_utf8_header_has_no_bom(tmp_path):
    path = write(tmp_path, "a.csv", b"\xef\xbb\xbfNIP,Nama\r\n1,Budi\r\n")
    df = read_table(path)
    assert list(df.columns) == ["NIP", "Nama"]
    assert df["Nama"].tolist() == ["Budi"]


def test_cp1252_file_with_accents(tmp_path):
    path = write(tmp_path, "a.csv", "Nama;Kota\nJosé;Zürich\nRené;Köln\n", encoding="cp1252")
    df = read_table(path)
    assert df["Nama"].tolist() == ["José", "René"]
    assert df["Kota"].tolist() == ["Zürich", "Köln"]


def test_semicolon_with_decimal_commas(tmp_path):
    path = write(tmp_path, "a.csv", "NIP;Nilai SKP;Skor\n1;87,5;1.234,5\n2;90,25;12\n")
    df = read_table(path)
    assert list(df.columns) == ["NIP", "Nilai SKP", "Skor"]
    assert df["Nilai SKP"].tolist() == ["87,5", "90,25"]
    values, failed = parse_number(df["Skor"])
    assert values.tolist() == [1234.5, 12.0]
    assert not failed.any()


def test_values_are_strings_and_empty_cells_missing(tmp_path):
    path = write(tmp_path, "a.csv", "a,b,c\n001,  ,x\n2,,\n")
    df = read_table(path)
    assert all(str(t) == "str" for t in df.dtypes)
    assert df.loc[0, "a"] == "001"  # leading zeros kept
    assert df["b"].isna().all()
    assert pd.isna(df.loc[1, "c"])


def test_header_stripped_not_otherwise_changed(tmp_path):
    path = write(tmp_path, "a.csv", "  Saya puas?  ,NIP \n1,2\n")
    assert list(read_table(path).columns) == ["Saya puas?", "NIP"]


def test_trailing_commas_kobo_legacy(tmp_path):
    path = write(tmp_path, "a.csv", '"a","b","c"\n"1","2","3",\n"4","n/a","6",\n')
    df = read_table(path)
    assert list(df.columns) == ["a", "b", "c"]
    assert df["b"].tolist() == ["2", "n/a"]


def test_trailing_delimiter_in_header_too(tmp_path):
    path = write(tmp_path, "a.csv", "a;b;\n1;2;\n3;4;\n")
    assert list(read_table(path).columns) == ["a", "b"]


def test_crlf_and_no_final_newline(tmp_path):
    path = write(tmp_path, "a.csv", "a,b\r\n1,2\r\n3,4")
    df = read_table(path)
    assert df["b"].tolist() == ["2", "4"]


def test_tab_and_pipe_delimiters(tmp_path):
    assert list(read_table(write(tmp_path, "t.tsv", "a\tb\n1\t2\n")).columns) == ["a", "b"]
    assert list(read_table(write(tmp_path, "p.csv", "a|b\n1|2\n")).columns) == ["a", "b"]


def test_comma_file_with_semicolons_inside_values(tmp_path):
    text = "Timestamp,Pilih hari,Nama\n2023/11/13,Senin;Selasa,a\n2023/11/14,Rabu,b\n"
    df = read_table(write(tmp_path, "a.csv", text))
    assert list(df.columns) == ["Timestamp", "Pilih hari", "Nama"]
    assert df.loc[0, "Pilih hari"] == "Senin;Selasa"


def test_quoted_delimiters_and_newlines(tmp_path):
    text = 'a,b\n"x, y","line1\nline2"\n3,4\n'
    df = read_table(write(tmp_path, "a.csv", text))
    assert df.loc[0, "a"] == "x, y"
    assert df.loc[0, "b"] == "line1\nline2"
    assert df.index.tolist() == [0, 1]  # a record, not a line, is a row


def test_short_rows_padded_and_blank_rows_inside_kept(tmp_path):
    df = read_table(write(tmp_path, "a.csv", "a,b,c\n1,2\n\n4,5,6\n\n\n"))
    assert len(df) == 3  # the blank middle row keeps row numbers aligned with the file
    assert pd.isna(df.loc[0, "c"])
    assert df.loc[1].isna().all()
    assert df.loc[2, "a"] == "4"


def test_skip_rows(tmp_path):
    df = read_table(write(tmp_path, "a.csv", "Laporan SKP 2024\na,b\n1,2\n"), skip_rows=1)
    assert list(df.columns) == ["a", "b"]


def test_range_index_row_numbers(tmp_path):
    df = read_table(write(tmp_path, "a.csv", "a\n1\n2\n3\n"))
    assert isinstance(df.index, pd.RangeIndex)
    assert raw_row_numbers(df.index).tolist() == [1, 2, 3]
    assert raw_row_numbers(df.iloc[[0, 2]]).tolist() == [1, 3]


def test_single_column_file(tmp_path):
    df = read_table(write(tmp_path, "a.csv", "NIP\n199001012010011001\n"))
    assert df["NIP"].tolist() == ["199001012010011001"]


def test_google_forms_sample():
    path = SAMPLES / "google_forms" / "google_forms_responses.csv"
    if not path.exists():
        pytest.skip("shared samples not available")
    df = read_table(path)
    assert df.columns[0] == "Timestamp"
    assert len(df) == 5
    assert df.loc[0, "Select all that apply"] == "Sunday;Monday"


def test_kobo_legacy_sample():
    path = SAMPLES / "kobotoolbox" / "kpi_legacy_transportation.csv"
    if not path.exists():
        pytest.skip("shared samples not available")
    df = read_table(path)
    assert len(df.columns) == 23
    assert "_submission_time" in df.columns


# ------------------------------------------------------------------------------ CSV errors


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="file not found") as err:
        read_table(tmp_path / "nope.csv")
    assert err.value.path == tmp_path / "nope.csv"


def test_empty_file(tmp_path):
    with pytest.raises(InputFileError, match="empty"):
        read_table(write(tmp_path, "a.csv", ""))
    with pytest.raises(InputFileError, match="empty"):
        read_table(write(tmp_path, "b.csv", "\n\n  \n"))


def test_header_only(tmp_path):
    with pytest.raises(InputFileError, match="no data rows"):
        read_table(write(tmp_path, "a.csv", "a;b;c\n"))


def test_duplicated_column_names(tmp_path):
    with pytest.raises(InputFileError, match=r"duplicated column names: 'Nama' \(columns 1, 4\)"):
        read_table(write(tmp_path, "a.csv", "Nama,NIP,, Nama\n1,2,,3\n"))


def test_row_with_more_fields_than_header(tmp_path):
    with pytest.raises(InputFileError) as err:
        read_table(write(tmp_path, "a.csv", "a,b\n1,2\n3,4\n5,6,7\n"))
    assert err.value.row == 3
    assert "3 fields but the header has 2" in str(err.value)
    assert "row 3" in str(err.value)


def test_unnamed_column_with_values(tmp_path):
    with pytest.raises(InputFileError, match="column 2 has no header"):
        read_table(write(tmp_path, "a.csv", "a,,c\n1,2,3\n"))


def test_unnamed_empty_column_dropped(tmp_path):
    assert list(read_table(write(tmp_path, "a.csv", "a,,c\n1,,3\n")).columns) == ["a", "c"]


def test_required_column_missing_with_suggestion(tmp_path):
    path = write(tmp_path, "a.csv", "NIP Pegawai,Nama\n1,2\n")
    with pytest.raises(InputFileError) as err:
        read_table(path, required_columns=["NIP pegawai ", "Unit"])
    message = str(err.value)
    assert err.value.column == "NIP pegawai"
    assert "did you mean 'NIP Pegawai'" in message
    assert "'Unit'" in message


def test_required_columns_present(tmp_path):
    df = read_table(write(tmp_path, "a.csv", "a,b\n1,2\n"), required_columns=["a"])
    assert len(df) == 1


def test_unknown_extension_and_xls(tmp_path):
    with pytest.raises(InputFileError, match="unknown file type"):
        read_table(write(tmp_path, "a.json", "{}"))
    with pytest.raises(InputFileError, match=r"\.xls format is not supported"):
        read_table(write(tmp_path, "a.xls", b"\xd0\xcf\x11\xe0"))


def test_skip_rows_must_be_int(tmp_path):
    with pytest.raises(TypeError):
        read_table(write(tmp_path, "a.csv", "a\n1\n"), skip_rows=-1)


# ------------------------------------------------------------------------------ XLSX


def test_xlsx_values_as_text(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["NIP", "Tanggal", "Waktu", "Skor", "Nilai", "Aktif", "Kosong"],
            [
                "199001012010011001",
                dt.datetime(2024, 1, 12),
                dt.datetime(2024, 1, 12, 8, 30),
                4,
                87.5,
                True,
                None,
            ],
            ["199001012010012002", dt.date(2023, 8, 1), None, 5.0, None, False, None],
        ],
    )
    df = read_table(path)
    assert df["NIP"].tolist() == ["199001012010011001", "199001012010012002"]
    assert df["Tanggal"].tolist() == ["2024-01-12", "2023-08-01"]
    assert df.loc[0, "Waktu"] == "2024-01-12 08:30:00"
    assert df["Skor"].tolist() == ["4", "5"]
    assert df.loc[0, "Nilai"] == "87.5"
    assert df["Aktif"].tolist() == ["TRUE", "FALSE"]
    assert df["Kosong"].isna().all()
    dates, failed = parse_date(df["Tanggal"])
    assert not failed.any()
    assert dates.iloc[0] == pd.Timestamp("2024-01-12")


def test_xlsx_sheet_by_name_and_position(tmp_path):
    path = write_xlsx(tmp_path, [["a"], [1]], title="Jawaban Formulir 1")
    assert read_table(path, sheet="Jawaban Formulir 1")["a"].tolist() == ["1"]
    assert read_table(path, sheet="jawaban formulir 1")["a"].tolist() == ["1"]
    assert read_table(path, sheet=0)["a"].tolist() == ["1"]


def test_xlsx_wrong_sheet_names_found_sheets(tmp_path):
    path = write_xlsx(tmp_path, [["a"], [1]])
    with pytest.raises(InputFileError) as err:
        read_table(path, sheet="Sheet1")
    assert "sheets found: 'Data', 'Lain'" in str(err.value)
    assert err.value.sheet == "Sheet1"


def test_truncated_xlsx(tmp_path):
    path = write_xlsx(tmp_path, [["a", "b"], [1, 2]] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="not a readable XLSX workbook"):
        read_table(path)


def test_password_protected_xlsx_is_not_a_zip(tmp_path):
    path = write(tmp_path, "secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputFileError, match="password-protected"):
        read_table(path)


def test_xlsx_header_only_and_empty_sheet(tmp_path):
    with pytest.raises(InputFileError, match="no data rows"):
        read_table(write_xlsx(tmp_path, [["a", "b"]], name="h.xlsx"))
    with pytest.raises(InputFileError, match="sheet is empty"):
        read_table(write_xlsx(tmp_path, [], name="e.xlsx"))


def test_xlsx_duplicated_headers(tmp_path):
    with pytest.raises(InputFileError, match="duplicated column names") as err:
        read_table(write_xlsx(tmp_path, [["x", "x"], [1, 2]]))
    assert err.value.sheet == "Data"


def test_google_forms_xlsx_sample():
    path = SAMPLES / "google_forms" / "KoboTest_Responses_New.xlsx"
    if not path.exists():
        pytest.skip("shared samples not available")
    df = read_table(path)
    assert df.columns[0] == "Timestamp"
    dates, failed = parse_date(df["Timestamp"])
    assert not failed.any()


# ------------------------------------------------------------------------------ parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("12.5", 12.5),
        ("1,234.5", 1234.5),
        ("42", 42.0),
        (" 3 000 ", 3000.0),
        ("Rp 1.500.000", 1_500_000.0),
        ("Rp. 1.500.000,-", 1_500_000.0),
        ("IDR 2.000", 2000.0),
        ("-2,5", -2.5),
        ("0,5", 0.5),
        ("12,5%", 12.5),
        ("1.2e3", 1200.0),
    ],
)
def test_parse_number_auto_single_values(text, expected):
    values, failed = parse_number(pd.Series([text]))
    assert values.iloc[0] == pytest.approx(expected)
    assert not failed.iloc[0]


def test_parse_number_ambiguous_uses_column_evidence():
    # "1,500" alone is ambiguous; the column's decimal points decide (1500)
    values, _ = parse_number(pd.Series(["1,500", "2.5", "3.25"]))
    assert values.tolist() == [1500.0, 2.5, 3.25]
    # with decimal-comma evidence the same text is 1.5
    values, _ = parse_number(pd.Series(["1,500", "2,5", "3,25"]))
    assert values.tolist() == [1.5, 2.5, 3.25]
    # without evidence the Indonesian convention: "1.500" is 1500
    values, _ = parse_number(pd.Series(["1.500", "7"]))
    assert values.tolist() == [1500.0, 7.0]


def test_parse_number_explicit_decimal_is_strict():
    values, failed = parse_number(pd.Series(["12,5", "12.5", "1.500"]), decimal=",")
    assert values.iloc[0] == 12.5
    assert failed.tolist() == [False, True, False]
    assert values.iloc[2] == 1500.0
    values, failed = parse_number(pd.Series(["12,5", "12.5"]), decimal=".")
    assert failed.tolist() == [True, False]


def test_parse_number_failures_and_missing():
    s = pd.Series(["abc", None, "", "1.2.3,4,5", "12"], index=[10, 11, 12, 13, 14], name="x")
    values, failed = parse_number(s)
    assert failed.tolist() == [True, False, False, True, False]
    assert values.index.tolist() == [10, 11, 12, 13, 14]
    assert values.name == "x"
    assert values.dtype == np.float64
    assert values.iloc[4] == 12.0


def test_parse_number_numeric_input_passthrough():
    values, failed = parse_number(pd.Series([1, 2, None], dtype="Int64"))
    assert values.dtype == np.float64
    assert not failed.any()


def test_parse_number_rejects_bad_decimal():
    with pytest.raises(ValueError):
        parse_number(pd.Series(["1"]), decimal=";")


# ------------------------------------------------------------------------------ parse_date

MONTHS = [
    ("Januari", 1),
    ("Februari", 2),
    ("Pebruari", 2),
    ("Maret", 3),
    ("April", 4),
    ("Mei", 5),
    ("Juni", 6),
    ("Juli", 7),
    ("Agustus", 8),
    ("September", 9),
    ("Oktober", 10),
    ("November", 11),
    ("Nopember", 11),
    ("Desember", 12),
    ("Jan", 1),
    ("Feb", 2),
    ("Peb", 2),
    ("Mar", 3),
    ("Apr", 4),
    ("Jun", 6),
    ("Jul", 7),
    ("Agu", 8),
    ("Agt", 8),
    ("Ags", 8),
    ("Agus", 8),
    ("Sep", 9),
    ("Sept", 9),
    ("Okt", 10),
    ("Nov", 11),
    ("Nop", 11),
    ("Des", 12),
    ("January", 1),
    ("May", 5),
    ("August", 8),
    ("Aug", 8),
    ("October", 10),
    ("Oct", 10),
    ("December", 12),
    ("Dec", 12),
]


@pytest.mark.parametrize(("month", "number"), MONTHS)
def test_every_month_name_any_case(month, number):
    texts = [f"12 {month} 2024", f"12 {month.upper()} 2024", f"12-{month.lower()}-2024"]
    values, failed = parse_date(pd.Series(texts))
    assert not failed.any(), texts
    assert all(v == pd.Timestamp(2024, number, 12) for v in values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Januari 2024", "2024-01-12"),
        ("12 Jan 2024", "2024-01-12"),
        ("12-Agu-2023", "2023-08-12"),
        ("12 Agt. 2023", "2023-08-12"),
        ("Senin, 12 Agustus 2024", "2024-08-12"),
        ("Agustus 2023", "2023-08-01"),
        ("Mei 2024", "2024-05-01"),
        ("12/01/2024", "2024-01-12"),
        ("12-01-2024", "2024-01-12"),
        ("12.01.24", "2024-01-12"),
        ("2024-01-12", "2024-01-12"),
        ("2024-01-12 08:30:00", "2024-01-12 08:30:00"),
        ("2024-01-12T08:30:00Z", "2024-01-12 08:30:00"),
        ("12 Januari 2024 08.30 WIB", "2024-01-12 08:30:00"),
        ("2023/11/13 4:20:37 pm CET", "2023-11-13 16:20:37"),
        ("2023/11/13 12:05:00 am", "2023-11-13 00:05:00"),
        ("January 12, 2024", "2024-01-12"),
        ("20240112", "2024-01-12"),
        ("45303", "2024-01-12"),
        ("45303.5", "2024-01-12 12:00:00"),
    ],
)
def test_parse_date_formats(text, expected):
    values, failed = parse_date(pd.Series([text]))
    assert not failed.iloc[0], text
    assert values.iloc[0] == pd.Timestamp(expected)


def test_parse_date_dayfirst_false():
    values, _ = parse_date(pd.Series(["01/02/2024"]), dayfirst=False)
    assert values.iloc[0] == pd.Timestamp("2024-01-02")
    values, _ = parse_date(pd.Series(["01/02/2024"]))
    assert values.iloc[0] == pd.Timestamp("2024-02-01")


def test_parse_date_failures():
    s = pd.Series(["31/02/2024", "12 Foo 2024", "kemarin", None, "", "2024"])
    values, failed = parse_date(s)
    assert failed.tolist() == [True, True, True, False, False, True]
    assert values.isna().all()
    assert str(values.dtype) == "datetime64[ns]"


def test_parse_date_datetime_objects_and_dtype():
    s = pd.Series([dt.datetime(2024, 1, 12, 8, 30), dt.date(2023, 5, 1), None], dtype=object)
    values, failed = parse_date(s)
    assert values.tolist()[:2] == [pd.Timestamp("2024-01-12 08:30"), pd.Timestamp("2023-05-01")]
    assert not failed.any()
    already = pd.Series(pd.to_datetime(["2024-01-12"]))
    values, failed = parse_date(already)
    assert str(values.dtype) == "datetime64[ns]"
    assert not failed.any()


def test_parse_date_outside_datetime64_range_fails_instead_of_raising():
    # "01/01/9999" is a common placeholder for "unknown"; datetime64[ns] stops in 2262
    texts = ["01/01/9999", "2958465", "1600-01-01", "12/01/2024", "11/04/2262", "12/04/2262"]
    values, failed = parse_date(pd.Series(texts))
    assert failed.tolist() == [True, True, True, False, False, True]
    assert values.iloc[3] == pd.Timestamp("2024-01-12")
    assert values.iloc[4] == pd.Timestamp("2262-04-11")
    already = pd.Series(np.array(["9999-01-01", "2024-01-12", "NaT"], dtype="datetime64[us]"))
    values, failed = parse_date(already)
    assert failed.tolist() == [True, False, False]
    assert str(values.dtype) == "datetime64[ns]"
    assert values.iloc[1] == pd.Timestamp("2024-01-12") and values.isna().tolist() == [
        True,
        False,
        True,
    ]


def test_parse_date_export_timestamps_column_wise_as_one_by_one():
    # the shapes parse_date reads a column at a time, with their edge cases
    texts = {
        "13/11/2023 16:20:37": "2023-11-13 16:20:37",  # Google Forms
        "2023-11-13 16:20:37+07:00": "2023-11-13 16:20:37",  # Kobo: the clock time as written
        "2023-11-13T16:20:37-03:30": "2023-11-13 16:20:37",
        "2023-11-13": "2023-11-13",
        "1/2/2024": "2024-02-01",
        "5 Agt 2023": "2023-08-05",
        "29/02/2024": "2024-02-29",
        "29/02/2023": None,
        "31 April 2024": None,
        "12 Foo 2024": None,
        "1/13/2024": None,
        "1/1/2024 24:00:00": None,
        "2024-01-01 23:60:00": None,
    }
    values, failed = parse_date(pd.Series(list(texts), dtype="str"))
    for (text, expected), value, fail in zip(texts.items(), values, failed, strict=True):
        assert fail == (expected is None), text
        if expected is not None:
            assert value == pd.Timestamp(expected), text


def test_parse_date_two_digit_years():
    values, _ = parse_date(pd.Series(["12/01/85", "12/01/24"]))
    assert values.dt.year.tolist() == [1985, 2024]


# ------------------------------------------------------------------------------ digits


def test_normalise_digits():
    s = pd.Series(
        [
            "'19900101 201001 1 001",
            "19900101.201001.1.001",
            "199001012010011001.0",
            "  ",
            None,
            "A-1",
        ]
    )
    out = normalise_digits(s)
    assert out.tolist()[:3] == ["199001012010011001"] * 3
    assert out.iloc[3:5].isna().all()
    assert out.iloc[5] == "A1"


def test_blank_fields_are_what_str_strip_removes(tmp_path):
    import sys

    from helpers.io.reading import WHITESPACE_CODES

    assert list(WHITESPACE_CODES) == [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    odd = "\x1c\u3000\xa0"  # all whitespace to str.strip
    df = read_table(write(tmp_path, "w.csv", f"a,b\n{odd},x\n \u200b ,y\n"))
    assert df["a"].isna().tolist() == [True, False]  # a zero-width space is not whitespace
