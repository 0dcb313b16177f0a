"""Notebook 01's step on the shipped data, checked against what the generator planted."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import FIVE
from conftest import TEST_KEY as KEY

from helpers.core.config import PROJECT_ROOT, ProjectPaths
from helpers.steps.cleaning import clean_region, write_cleaning

REASON = {"length": "length", "non-digit": "non-digit", "gender": r"\(gender\)", "tmt": "TMT CPNS"}


@pytest.fixture(scope="module")
def cleaned(registry, shipped_copy):
    cache = {}

    def get(slug):
        if slug not in cache:
            cache[slug] = clean_region(registry[slug], project=shipped_copy, key=KEY)
        return cache[slug]

    return get


def _table_of(region, file):
    return next(n for n, t in region.tables.items() if t.file == file)


@pytest.mark.parametrize("slug", FIVE)
def test_every_planted_invalid_nip_is_flagged_with_its_reason(slug, registry, cleaned, truth):
    region, result = registry[slug], cleaned(slug)
    log = result.log
    for file, row, _bad, kind, _true in truth(slug)["planted"]["invalid_nips"]:
        table = _table_of(region, file)
        mine = log[(log["table"] == table) & (log["row"] == row)]
        flagged = mine[(mine["step"] == "nip") & mine["reason"].str.contains(REASON[kind])]
        deduplicated = mine[mine["step"].str.contains("duplicate")]
        assert len(flagged) or len(deduplicated), (file, row, kind)


def _answers_compared(log: pd.DataFrame, table: str) -> bool:
    rule = log[(log["table"] == table) & (log["step"] == "duplicates_rule")]["reason"]
    assert len(rule) == 1, table
    return not rule.iloc[0].startswith("identical answers compared in 0 row(s)")


@pytest.mark.parametrize("slug", FIVE)
def test_every_planted_duplicate_is_found(slug, registry, cleaned, truth):
    """Resubmissions by id are always found; an id-less copy of someone's answers is found
    where identical answers are informative (the table's respondents rarely answer alike),
    and elsewhere is kept aside for its missing NIP, never called anyone's duplicate."""
    region, result = registry[slug], cleaned(slug)
    report = result.duplicates
    for file, row, kind, _nip in truth(slug)["planted"]["duplicates"]:
        table = _table_of(region, file)
        hit = report[(report["table"] == table) & (report["row"] == row)]
        if kind == "answers" and not _answers_compared(result.log, table):
            assert hit.empty, (file, row)
            aside = result.rejected
            mine = aside[(aside["table"] == table) & (aside["row"] == row)]
            assert mine["reason"].tolist() == ["NIP missing"], (file, row)
            continue
        assert len(hit), (file, row, kind)
        if kind == "answers":
            assert "answers" in set(hit["kind"]), (file, row)


@pytest.mark.parametrize("slug", ["kepahiang", "kalianda", "medan", "jambi"])
def test_identical_answers_are_compared_only_where_informative(slug, cleaned):
    """15 and 11 items of 5 points (Kepahiang, Kalianda): few people answer alike, so answers
    are compared; 8 and 6 items (Medan, Jambi): a fifth or more do, so they are not."""
    result = cleaned(slug)
    expected = slug in ("kepahiang", "kalianda")
    for table in ("survey_post",):
        assert _answers_compared(result.log, table) is expected
    if not expected:
        assert result.duplicates.empty or not (result.duplicates["kind"] == "answers").any()


@pytest.mark.parametrize("slug", FIVE)
def test_no_valid_record_is_lost(slug, cleaned):
    """Every raw row is in the output, kept aside with a reason, or dropped as a duplicate."""
    result = cleaned(slug)
    log = result.log
    for name, table in result.tables.items():
        n_raw = int(result.summary.set_index("table").at[name, "rows_in"])
        out = set(table["raw_row"])
        aside = set(result.rejected.loc[result.rejected["table"] == name, "row"])
        dups = set(
            log.loc[
                (log["table"] == name)
                & (log["step"] == "duplicates")
                & ~log["reason"].str.startswith("flag"),
                "row",
            ]
            .dropna()
            .astype(int)
        )
        orphans = set(
            log.loc[(log["table"] == name) & (log["step"] == "repeat"), "row"].dropna().astype(int)
        )
        dups |= orphans
        accounted = out | aside | dups
        assert accounted == set(range(1, n_raw + 1)), (
            name,
            sorted(set(range(1, n_raw + 1)) - accounted)[:5],
        )
        assert not (out & aside), name
    assert len(result.tables["roster"]) == int(
        result.summary.set_index("table").at["roster", "rows_in"]
    )


@pytest.mark.parametrize("slug", FIVE)
def test_unknown_and_out_of_range_answers_are_logged_not_dropped(slug, registry, cleaned, truth):
    region, result = registry[slug], cleaned(slug)
    log = result.log
    planted = truth(slug)["planted"]
    for file, _column, row, value in planted["unknown_labels"]:
        table = _table_of(region, file)
        hit = log[(log["table"] == table) & (log["row"] == row) & (log["old_value"] == value)]
        assert len(hit) and hit["reason"].str.contains("not in value_labels").all(), (file, row)
    for file, _column, row in planted["out_of_range"]:
        table = _table_of(region, file)
        hit = log[
            (log["table"] == table) & (log["row"] == row) & log["old_value"].isin(["0", "5", "6"])
        ]
        assert len(hit), (file, row)
    for file, _column, row in planted["missing_codes"]:
        table = _table_of(region, file)
        hit = log[(log["table"] == table) & (log["row"] == row) & (log["old_value"] == "99")]
        assert len(hit) and hit["reason"].str.contains("missing").all(), (file, row)


@pytest.mark.parametrize("slug", ["kepahiang", "medan"])
def test_label_variants_are_mapped_to_their_codes(slug, cleaned):
    result = cleaned(slug)
    post = result.tables["survey_post"]
    likert = [c for c in post.columns if re.fullmatch(r"[a-z_]+_\d", c)]
    values = pd.unique(post[likert].to_numpy().ravel())
    assert set(pd.Series(values).dropna()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    mapped = result.log[result.log["reason"].str.contains("matched by", na=False)]
    assert len(mapped) > 50


def test_processed_tables_hold_no_nip_or_name(tmp_path, registry, cleaned):
    """Written outputs carry keyed pseudonyms only: no 18-digit NIP, no roster name."""
    project = ProjectPaths(tmp_path)
    slug = "kemuning"
    result = cleaned(slug)
    write_cleaning(result, project=project)
    raw = pd.read_csv(PROJECT_ROOT / "data" / "raw" / slug / "roster_pegawai.csv", dtype=str)
    names = set(raw["Nama"])
    nips = set(raw["NIP"])
    for path in (tmp_path / "data" / "processed" / slug).iterdir():
        text = path.read_bytes().decode("utf-8", "ignore")
        assert not re.search(r"(?<!\d)\d{18}(?!\d)", text), path.name
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            cells = set(frame.astype(str).to_numpy().ravel())
            assert not (cells & names), path.name
            assert not (cells & nips), path.name
            assert not {"nip", "name", "nama"} & set(frame.columns), path.name


def test_pseudonyms_are_keyed(registry, shipped_copy):
    a = clean_region(registry["kemuning"], project=shipped_copy, key=KEY).tables["roster"]["pid"]
    b = clean_region(
        registry["kemuning"], project=shipped_copy, key=b"another-key-entirely-0123456789ab"
    ).tables["roster"]["pid"]
    assert a.is_unique and not (set(a) & set(b))


def test_kobo_repeat_group_is_linked_to_its_parents(cleaned):
    """Kalianda's 2025 survey is a KoboToolbox XLSX export with a repeat sheet of mentoring
    sessions: every kept session carries its submission's pseudonym."""
    result = cleaned("kalianda")
    sessions = result.tables["survey_post_riwayat_mentoring"]
    survey = result.tables["survey_post"]
    assert len(sessions) > 100
    assert sessions["pid"].notna().all() and set(sessions["pid"]) <= set(survey["pid"])
    assert {"session_date", "topic", "minutes"} <= set(sessions.columns)
    assert pd.api.types.is_datetime64_any_dtype(survey["submitted"])


@pytest.mark.parametrize("slug", FIVE)
def test_scales_have_alpha_recorded(slug, cleaned):
    rel = cleaned(slug).reliability
    assert len(rel) and rel["alpha"].between(0.3, 1).all()


def test_each_raw_table_is_read_once_and_counted_as_read(registry, shipped_copy, monkeypatch):
    """clean_region reads each table's file once (clean_table's read also gives the rows in),
    and the summary's rows_in are the rows of the file and of each repeat sheet as read."""
    import helpers.steps.cleaning as cleaning

    reads: list[str] = []
    original = cleaning.read_raw

    def counted(spec, path, required=()):
        reads.append(spec.file)
        return original(spec, path, required)

    monkeypatch.setattr(cleaning, "read_raw", counted)
    region = registry["kalianda"]
    result = clean_region(region, project=shipped_copy, key=KEY)
    cleaned_files = [t.file for t in region.tables.values() if t.kind != "codes"]
    assert sorted(reads) == sorted(cleaned_files)
    summary = result.summary.set_index("table")
    for spec in region.tables.values():
        if spec.kind == "codes":
            continue
        raw = original(spec, shipped_copy.raw_region("kalianda") / spec.file)
        assert summary.at[spec.name, "rows_in"] == len(raw.data), spec.name
        for sheet, rows in raw.repeats.items():
            assert summary.at[f"{spec.name}_{sheet}", "rows_in"] == len(rows), sheet
