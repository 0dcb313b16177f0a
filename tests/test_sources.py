"""Tests of helpers.sources: real KoboToolbox and Google Forms exports, and broken ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.core.config import PROJECT_ROOT
from helpers.core.errors import CodebookError, ConfigError, InputFileError
from helpers.io.codebook import CODEBOOK_COLUMNS, load_codebook
from helpers.io.export import MULTISELECT_SEPARATOR, Export
from helpers.io.reading import read_table
from helpers.io.recode import apply_codebook
from helpers.io.sources import clean_header, header_group, read_export

SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
MEETING = "kobotoolbox/Meeting_Form_-_latest_version_-_False_-_2024-03-14-09-51-14.xlsx"
CRUNCHER = "kobotoolbox/kobocruncher_data.xlsx"
LEGACY = "kobotoolbox/kpi_legacy_transportation.csv"
GF_CSV = "google_forms/google_forms_responses.csv"
GF_XLSX = "google_forms/KoboTest_Responses_New.xlsx"
TRANSPORT = "transport/available_transportation_types_to_referral_facility"


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"../shared/samples not present: {SAMPLES} holds the real export samples")
    return SAMPLES


@pytest.fixture(scope="module")
def meeting(samples) -> Export:
    return read_export(samples / MEETING)


@pytest.fixture(scope="module")
def cruncher(samples) -> Export:
    return read_export(samples / CRUNCHER)


@pytest.fixture(scope="module")
def legacy(samples) -> Export:
    return read_export(samples / LEGACY)


@pytest.fixture(scope="module")
def gf_csv(samples) -> Export:
    return read_export(samples / GF_CSV)


@pytest.fixture(scope="module")
def gf_xlsx(samples) -> Export:
    return read_export(samples / GF_XLSX)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# ------------------------------------------------------------------------ every sample file


def test_every_sample_file_is_read(samples):
    files = sorted(p for p in samples.rglob("*") if p.suffix.lower() in (".csv", ".xlsx"))
    assert [p.relative_to(samples).as_posix() for p in files] == sorted(
        [MEETING, CRUNCHER, LEGACY, GF_CSV, GF_XLSX]
    )
    for path in files:
        export = read_export(path)
        assert export.source in ("kobotoolbox", "google_forms"), path.name
        assert export.meta.index.equals(export.main.index)
        assert isinstance(export.main.index, pd.RangeIndex) and export.main.index.start == 0
        assert export.notes and all(isinstance(n, str) for n in export.notes)


# ------------------------------------------------------------------------ Kobo: Meeting Form


def test_meeting_form_tables_and_rows(meeting):
    assert meeting.source == "kobotoolbox"
    assert meeting.group_separator == "/"
    assert meeting.sheet == "Meeting Form"
    assert len(meeting.main) == 5
    assert {name: len(f) for name, f in meeting.repeats.items()} == {
        "topics_discussed": 8,
        "participants": 8,
        "feedback": 12,
    }
    assert list(meeting.main.columns) == [
        "start",
        "end",
        "Project_location",
        "_Project_location_latitude",
        "_Project_location_longitude",
        "_Project_location_altitude",
        "_Project_location_precision",
    ]
    assert list(meeting.meta.columns) == [
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
        "$edited",
    ]
    assert meeting.multiselect == {}


def test_meeting_form_values_and_submission_time(meeting):
    main, meta = meeting.main, meeting.meta
    assert main.loc[0, "start"] == "2024-03-14 16:33:10.046000"
    assert main.loc[0, "Project_location"] == "1.464691 27.751719 1.9 0"  # a geopoint, not folded
    assert pd.isna(main.loc[4, "Project_location"])
    assert str(meta["_submission_time"].dtype) == "datetime64[ns, UTC]"
    assert meta.loc[0, "_submission_time"] == utc("2024-03-14 09:36:52")
    assert meta.loc[4, "_submission_time"] == utc("2024-03-14 09:46:38")
    assert meta.loc[0, "_id"] == "321169978"
    assert meta.loc[0, "_uuid"] == "73a23093-2215-4812-9071-14e2d2b65e5a"
    assert meta.loc[2, "_status"] == "submitted_via_web"
    assert meta["_validation_status"].isna().all()
    assert meta["$edited"].tolist() == ["TRUE"] * 5


def test_meeting_form_repeat_rows_linked_to_parents(meeting):
    topics = meeting.repeats["topics_discussed"]
    assert topics.loc[2, "topics_discussed/Topic_title"] == "budget"
    assert topics.loc[2, "_parent_index"] == "2"
    assert topics.loc[2, "parent_row"] == 2
    assert pd.isna(topics.loc[2, "topics_discussed/topic_details/Topic_description"])
    assert topics.loc[7, "topics_discussed/topic_details/Discussion_rating"] == "1"
    assert topics["parent_row"].tolist() == [1, 2, 2, 2, 4, 5, 5, 5]
    participants = meeting.repeats["participants"]
    assert participants.loc[6, "participants/Participant_name"] == "zoe"
    assert participants.loc[6, "parent_row"] == 4
    assert participants["parent_row"].tolist() == [1, 1, 2, 3, 4, 4, 4, 4]
    assert pd.isna(participants.loc[7, "participants/Participant_name"])
    for column in ("_index", "_parent_table_name", "_parent_index"):
        assert column in participants


def test_meeting_form_nested_repeat_linked_to_participants(meeting):
    feedback = meeting.repeats["feedback"]
    participants = meeting.repeats["participants"]
    assert set(feedback["_parent_table_name"]) == {"participants"}
    row = feedback.loc[9]
    assert row["participants/feedback/Comments"] == "engaging and interactive session"
    assert row["participants/feedback/Session_number"] == "session_4__october_20"
    assert row["_parent_index"] == "7"
    assert row["parent_row"] == 7  # row 7 of the participants sheet ...
    assert participants.loc[row["parent_row"] - 1, "participants/Participant_name"] == "zoe"
    assert row["submission_row"] == 4  # ... who belongs to submission 4
    assert feedback["parent_row"].tolist() == [1, 1, 1, 2, 3, 3, 4, 4, 5, 7, 7, 8]
    assert feedback["submission_row"].tolist() == [1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4]
    assert pd.isna(feedback.loc[2, "participants/feedback/Comments"])


# ------------------------------------------------------------------------ Kobo: '.' groups


def test_kobocruncher_dot_groups_and_both_multiselect_layouts(cruncher):
    assert cruncher.source == "kobotoolbox"
    assert cruncher.group_separator == "."
    assert cruncher.sheet == "Sample Dataset KoboloadeR"
    assert len(cruncher.main) == 5
    assert {name: len(f) for name, f in cruncher.repeats.items()} == {"members": 12}
    assert list(cruncher.main.columns) == [
        "start",
        "end",
        "location",
        "profile.country",
        "profile.occupation",
        "profile.reason",
        "profile.HHSize",
    ]
    reason = cruncher.main["profile.reason"]
    assert reason[0] == "accomodation;employment;education;community"
    assert reason[3] == "safety;movement"
    assert reason.str.contains(MULTISELECT_SEPARATOR).all()
    assert cruncher.multiselect == {
        "profile.reason": [
            "accomodation",
            "employment",
            "education",
            "community",
            "safety",
            "movement",
            "reunification",
            "no_answer",
            "other",
        ]
    }
    assert cruncher.main.loc[1, "profile.HHSize"] == "5"  # a question in group 'profile'
    assert "__version__" not in cruncher.meta  # an older export
    assert cruncher.meta.loc[0, "_submission_time"] == utc("2022-05-04 21:28:46")
    assert cruncher.main.loc[0, "start"] == "2022-10-27 08:57:57.907000"  # after submission


def test_kobocruncher_repeat_linked_to_main(cruncher):
    members = cruncher.repeats["members"]
    assert set(members["_parent_table_name"]) == {"Sample Dataset KoboloadeR"}
    assert members.loc[5, ["members.age", "members.sex", "_parent_index"]].tolist() == [
        "35",
        "female",
        "2",
    ]
    assert members.loc[5, "parent_row"] == 2
    assert members["parent_row"].value_counts().sort_index().to_dict() == {
        1: 1,
        2: 5,
        3: 3,
        4: 1,
        5: 2,
    }
    assert members["submission_row"].equals(members["parent_row"])


# ------------------------------------------------------------------------ Kobo: legacy CSV


def test_legacy_csv_rows_trailing_comma_and_metadata(legacy):
    assert legacy.source == "kobotoolbox"
    assert legacy.group_separator == "/"
    assert legacy.sheet is None and legacy.repeats == {}
    assert len(legacy.main) == 4
    assert len(legacy.main.columns) == 11  # 23 headers - 10 split + 1 folded - 3 metadata
    assert "" not in legacy.main.columns  # the trailing comma's empty field
    assert list(legacy.meta.columns) == ["meta/instanceID", "_uuid", "_submission_time"]
    assert legacy.meta.loc[0, "_submission_time"] == utc("2013-02-14 15:37:21")
    assert legacy.meta.loc[3, "_submission_time"] == utc("2013-02-14 15:37:24")
    assert legacy.meta.loc[0, "meta/instanceID"] == "uuid:5b2cc313-fc09-437e-8149-fcd32f695d41"


def test_legacy_csv_true_false_split_columns_folded(legacy):
    folded = legacy.main[TRANSPORT]
    assert folded[1] == "ambulance;bicycle"
    assert folded[2] == "ambulance"
    assert folded[3] == "taxi;other"
    assert pd.isna(folded[0])  # every choice False: nothing chosen, missing
    assert not [c for c in legacy.main.columns if c.startswith(TRANSPORT + "/")]
    assert legacy.multiselect[TRANSPORT] == [
        "ambulance",
        "bicycle",
        "boat_canoe",
        "bus",
        "donkey_mule_cart",
        "keke_pepe",
        "lorry",
        "motorbike",
        "taxi",
        "other",
    ]
    assert list(legacy.multiselect) == [TRANSPORT]  # the choice loop is not a multi-select


def test_legacy_csv_not_applicable_is_missing(legacy):
    other = legacy.main[TRANSPORT + "_other"]
    assert pd.isna(other[0]) and other[3] == "camel"
    frequency = "transport/loop_over_transport_types_frequency/{}/frequency_to_referral_facility"
    assert legacy.main[frequency.format("ambulance")].tolist()[1:3] == ["daily", "weekly"]
    assert pd.isna(legacy.main.loc[0, frequency.format("ambulance")])
    assert legacy.main.loc[3, frequency.format("taxi")] == "daily"
    assert not legacy.main.isin(["n/a"]).any().any()
    assert any("35 'n/a' cells" in n for n in legacy.notes)


# ------------------------------------------------------------------------ Google Forms


def test_google_forms_csv(gf_csv):
    assert gf_csv.source == "google_forms"
    assert gf_csv.repeats == {} and gf_csv.group_separator is None
    assert len(gf_csv.main) == 5
    assert list(gf_csv.main.columns) == [
        "Your fave fruit?",
        "Tell me your name!",
        "Select all that apply",
    ]
    stamps = gf_csv.meta["Timestamp"]
    assert stamps[0] == utc("2023-11-13 15:20:37")  # 4:20:37 pm CET
    assert stamps[4] == utc("2023-11-13 15:21:09")
    answers = gf_csv.main["Select all that apply"]
    assert answers.tolist() == [
        "Sunday;Monday",
        "Sunday;Wednesday",
        "Wednesday",
        "Sunday;Monday;Tuesday;Wednesday",
        "Monday;Tuesday",
    ]
    assert gf_csv.multiselect == {
        "Select all that apply": ["Sunday", "Monday", "Wednesday", "Tuesday"]
    }
    assert gf_csv.main.loc[2, "Your fave fruit?"] == "banana"
    assert any("CET" in n for n in gf_csv.notes)


def test_google_forms_xlsx(gf_xlsx, samples):
    assert gf_xlsx.source == "google_forms"
    assert gf_xlsx.sheet == "Form responses 1"
    assert len(gf_xlsx.main) == 3
    assert gf_xlsx.meta.loc[0, "Timestamp"] == utc("2023-11-28 07:02:46.155")  # 14:02 WIB
    assert any("Asia/Jakarta" in n and "no time zone" in n for n in gf_xlsx.notes)
    assert gf_xlsx.main["Select all that apply"].tolist() == [
        "Monday;Tuesday",
        "Sunday;Wednesday",
        "Sunday;Monday;Tuesday",
    ]
    scale = gf_xlsx.main["linear scale question type test"]
    assert pd.isna(scale[0]) and scale[1:].tolist() == ["5", "1"]  # skipped: empty cell
    assert gf_xlsx.main.loc[0, "date question type"] == "2023-11-13"
    assert gf_xlsx.main.loc[0, "time question type"] == "14:12:00"
    assert gf_xlsx.main.loc[2, "Select from dropdown"] == "option c"
    assert "Enter paragraph." not in gf_xlsx.multiselect
    in_utc = read_export(samples / GF_XLSX, timezone="UTC")
    assert in_utc.meta.loc[0, "Timestamp"] == utc("2023-11-28 14:02:46.155")


def test_as_table_gives_text_with_local_times(gf_xlsx, meeting):
    table = gf_xlsx.as_table()
    assert list(table.columns)[:2] == ["Timestamp", "Your fave fruit?"]
    assert table.loc[0, "Timestamp"] == "2023-11-28 14:02:46.155000+07:00"
    kobo = meeting.as_table()
    assert list(kobo.columns)[-1] == "$edited"
    assert kobo.loc[0, "_submission_time"] == "2024-03-14 16:36:52+07:00"
    assert kobo.index.equals(meeting.main.index)


# ------------------------------------------------------------------------ headers


def test_clean_header_and_group():
    assert clean_header("participants/feedback/Comments", "/") == "Comments"
    assert header_group("participants/feedback/Comments", "/") == "participants/feedback"
    assert clean_header("profile.reason", ".") == "reason"
    assert header_group("profile.reason", ".") == "profile"
    assert clean_header("start", "/") == "start" and header_group("start", "/") == ""
    assert clean_header("Unit kerja / OPD", None) == "Unit kerja / OPD"


# ------------------------------------------------------------------------ built exports


def write_csv(path: Path, rows: list[list[str]], *, sep: str = ";", quote_all: bool = True) -> Path:
    def field(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quote_all else v

    path.write_bytes(("\r\n".join(sep.join(field(v) for v in r) for r in rows) + "\r\n").encode())
    return path


KOBO_TAIL = ["_id", "_uuid", "_submission_time", "_index"]


def test_modern_kobo_csv_semicolons_hxl_row_and_both_layouts(tmp_path):
    header = ["start", "g/q1", "g/fruits", "g/fruits/apple", "g/fruits/kiwi", "g/fruits/mango"]
    rows = [
        header + KOBO_TAIL,
        ["", "#date", "#fruit", "", "", "", "", "", "", ""],
        ["2024-01-01T08:00:00+07:00", "ya", "apple mango", "1", "0", "1", "11", "u1",
         "2024-01-01T01:05:00", "1"],
        ["2024-01-02T08:00:00+07:00", "n/a", "", "0", "1", "0", "12", "u2",
         "2024-01-02T01:05:00", "2"],
        ["2024-01-03T08:00:00+07:00", "tidak", "", "", "", "", "13", "u3",
         "2024-01-03T01:05:00", "3"],
    ]  # fmt: skip
    export = read_export(write_csv(tmp_path / "kobo.csv", rows))
    assert export.source == "kobotoolbox"
    assert list(export.main.columns) == ["start", "g/q1", "g/fruits"]
    assert len(export.main) == 3  # the HXL row is header, not data
    fruits = export.main["g/fruits"]
    assert fruits[0] == "apple;mango"
    assert fruits[1] == "kiwi"  # space-separated column empty: the split columns say it
    assert pd.isna(fruits[2])
    assert pd.isna(export.main.loc[1, "g/q1"])
    assert export.multiselect == {"g/fruits": ["apple", "kiwi", "mango"]}
    assert export.meta.loc[2, "_submission_time"] == utc("2024-01-03 01:05:00")
    assert any("HXL" in n for n in export.notes)


def test_dot_separator_split_columns_told_from_deeper_groups(tmp_path):
    header = ["hh.size", "hh.age", "hh.assets.car", "hh.assets.tv", "hh.note", *KOBO_TAIL]
    rows = [
        header,
        ["4", "31", "True", "False", "x.y", "1", "u1", "2024-01-01 01:00:00", "1"],
        ["5", "1", "True", "True", "", "2", "u2", "2024-01-01 02:00:00", "2"],
    ]
    export = read_export(write_csv(tmp_path / "kobo_dots.csv", rows, sep=",", quote_all=False))
    assert export.group_separator == "."
    assert list(export.main.columns) == ["hh.size", "hh.age", "hh.assets", "hh.note"]
    assert export.main["hh.assets"].tolist() == ["car", "car;tv"]
    assert export.main["hh.age"].tolist() == ["31", "1"]  # not all 0/1: a question
    assert export.multiselect == {"hh.assets": ["car", "tv"]}


def test_google_forms_heuristics_keep_free_text_and_single_choice(tmp_path):
    rows = [
        ["Cap waktu", "Komentar", "Frekuensi", "Hari", "Nilai"],
        ["13/11/2023 16.20.37", "Bagus, terima kasih", "Ya, sering", "Senin, Rabu", "3,5"],
        ["14/11/2023 08.00.00", "Bagus, tapi lambat", "Ya, sering", "Rabu", "4,5"],
        ["15/11/2023 09.30.00", "Kurang, ruangan panas", "Tidak", "Senin, Selasa, Rabu", "3,5"],
    ]
    path = tmp_path / "Jawaban.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Jawaban Formulir 1"
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    export = read_export(path)
    assert export.source == "google_forms" and export.sheet == "Jawaban Formulir 1"
    assert export.main["Hari"].tolist() == ["Senin;Rabu", "Rabu", "Senin;Selasa;Rabu"]
    assert export.main["Komentar"][0] == "Bagus, terima kasih"
    assert export.main["Frekuensi"][0] == "Ya, sering"
    assert export.main["Nilai"].tolist() == ["3,5", "4,5", "3,5"]  # decimal commas
    assert list(export.multiselect) == ["Hari"]
    assert export.meta.loc[0, "Cap waktu"] == utc("2023-11-13 09:20:37")  # 16.20.37 WIB
    forced = read_export(path, multiselect_columns=["Frekuensi"])
    assert forced.main["Frekuensi"].tolist() == ["Ya;sering", "Ya;sering", "Tidak"]


def test_google_forms_csv_zones_and_month_first_dates(tmp_path):
    rows = [
        ["Timestamp", "Q"],
        ["11/13/2023 16:20:37 GMT+7", "a"],
        ["11/14/2023 4:00:00 am WITA", "b"],
        ["11/15/2023 10:00:00", "c"],
        ["bukan waktu", "d"],
    ]
    export = read_export(write_csv(tmp_path / "gf.csv", rows, sep=",", quote_all=False))
    stamps = export.meta["Timestamp"]
    assert stamps[0] == utc("2023-11-13 09:20:37")
    assert stamps[1] == utc("2023-11-13 20:00:00")
    assert stamps[2] == utc("2023-11-15 03:00:00")  # no zone: read in Asia/Jakarta
    assert pd.isna(stamps[3])
    notes = " ".join(export.notes)
    assert "month/day/year" in notes and "rows 4" in notes and "Asia/Jakarta" in notes


def test_plain_table_read_as_read_table(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("NIP;Nama\n199001012010011001;Budi\n", encoding="utf-8")
    export = read_export(path)
    assert export.source == "csv"
    assert export.main.equals(read_table(path))
    assert export.meta.shape == (1, 0)
    assert read_export(path, source="google_forms").source == "google_forms"


# ------------------------------------------------------------------------ broken exports


def test_truncated_xlsx_names_the_file(samples, tmp_path):
    path = tmp_path / "Meeting_Form_truncated.xlsx"
    path.write_bytes((samples / MEETING).read_bytes()[:6000])
    with pytest.raises(InputFileError) as err:
        read_export(path)
    assert err.value.path == path
    assert "Meeting_Form_truncated.xlsx" in str(err.value)
    assert "truncated" in str(err.value)


def test_missing_file_and_wrong_arguments(samples, tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        read_export(tmp_path / "absent.xlsx")
    with pytest.raises(ConfigError, match="unknown time zone"):
        read_export(samples / GF_CSV, timezone="Asia/Bengkulu")
    with pytest.raises(ConfigError, match="source must be one of"):
        read_export(samples / GF_CSV, source="surveymonkey")
    with pytest.raises(InputFileError, match="source 'csv' was given"):
        read_export(samples / MEETING, source="csv")
    with pytest.raises(InputFileError) as err:
        read_export(samples / MEETING, sheet="participants")
    assert err.value.sheet == "participants" and "repeat group" in str(err.value)
    with pytest.raises(InputFileError) as err:
        read_export(samples / GF_CSV, multiselect_columns=["Select all that aply"])
    assert err.value.column == "Select all that aply"
    assert "did you mean 'Select all that apply'" in str(err.value)


def test_repeat_row_with_missing_parent_names_file_sheet_row_and_index(samples, tmp_path):
    path = tmp_path / "meeting_orphan.xlsx"
    shutil.copy(samples / MEETING, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["feedback"]
    assert sheet.cell(row=1, column=5).value == "_parent_index"
    sheet.cell(row=5, column=5).value = 99  # data row 4
    workbook.save(path)
    with pytest.raises(InputFileError) as err:
        read_export(path)
    error = err.value
    assert (error.path, error.sheet, error.row, error.column) == (
        path,
        "feedback",
        4,
        "_parent_index",
    )
    message = str(error)
    assert "meeting_orphan.xlsx" in message and "sheet 'feedback'" in message
    assert "row 4" in message and "_parent_index 99" in message
    assert "'participants' has no row with _index 99" in message


def test_repeat_row_with_unknown_parent_sheet(samples, tmp_path):
    path = tmp_path / "meeting_bad_table.xlsx"
    shutil.copy(samples / MEETING, path)
    workbook = openpyxl.load_workbook(path)
    workbook["participants"].cell(row=3, column=3).value = "Old Meeting Form"
    workbook.save(path)
    with pytest.raises(InputFileError) as err:
        read_export(path)
    assert (err.value.sheet, err.value.row, err.value.column) == (
        "participants",
        2,
        "_parent_table_name",
    )
    assert "'Old Meeting Form' is not a sheet" in str(err.value)


def write_codebook(path: Path, rows: list[str]) -> Path:
    header = ",".join([*CODEBOOK_COLUMNS, "group", "sheet"])
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_header_the_codebook_does_not_know(samples, meeting, tmp_path):
    name = Path(MEETING).name
    codebook = load_codebook(
        write_codebook(
            tmp_path / "codebook.csv",
            [
                f"{name},start,started,datetime,,,,,,,,true,,",
                f"{name},participants/Participant_full_name,participant,name,,,,,,,,true,"
                "participants,participants",
            ],
        )
    )
    main = apply_codebook(meeting.as_table(), codebook, file_name=name)
    assert list(main.data.columns) == ["started"]
    left_out = main.log.loc[main.log["reason"] == "column not in codebook; left out", "column"]
    assert "Project_location" in set(left_out)  # an unknown header is logged, not an error
    with pytest.raises(CodebookError) as err:
        apply_codebook(
            meeting.repeats["participants"],
            codebook,
            file_name=name,
            path=samples / MEETING,
            sheet="participants",
        )
    error = err.value
    assert (error.sheet, error.column) == ("participants", "participants/Participant_full_name")
    message = str(error)
    assert name in message and "sheet 'participants'" in message
    assert "required column missing" in message
    assert "did you mean 'participants/Participant_name'" in message
