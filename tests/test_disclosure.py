"""Privacy: the disclosure scanner finds planted leaks and nothing on real outputs, and keyed
pseudonyms cannot be reversed by enumerating NIPs without the key."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.config import PROJECT_ROOT, ProjectPaths, load_registry
from helpers.privacy.disclosure import FINDING_COLUMNS, scan_outputs, summarise_findings
from helpers.privacy.nip import make_nip, validate_nip
from helpers.privacy.pseudonym import pseudonymise
from helpers.steps.scan import roster_identifiers, scan_region

REGION = "kemuning"
ROSTER_NAMES = ["Siti Aminah", "Nur'aini Lubis", "Dian Gunawan", "Budi"]
NIP = make_nip("1988-04-12", "2012-03", "F", 17)  # '198804122012032017'
ROSTER_NIPS = [NIP, "199001012010011000"]  # the second is invalid (sequence 000)


def scan(*paths, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("names", ROSTER_NAMES)
    kwargs.setdefault("nips", ROSTER_NIPS)
    return scan_outputs(list(paths), **kwargs)


def kinds(findings: pd.DataFrame) -> list[str]:
    return sorted(findings["kind"])


def _frames_of_every_kind(rng) -> list[pd.DataFrame]:
    """Tables as the pipeline and users write them: text (with repeats and gaps), integers
    (plain, nullable, NIP-sized), categoricals, floats, booleans, dates and times, odd labels
    and stored indexes."""
    leaks = [f"NIP {NIP}", "Siti Aminah", "0812-3456-7890", "a@b.co.id", "ok", "ok", "3", ""]
    n = int(rng.integers(1, 40))

    def pick(pool):
        return [pool[i] for i in rng.integers(0, len(pool), n)]

    text = pick(leaks + [None])
    frames = [
        pd.DataFrame(
            {
                "note": pd.Series(text, dtype="string"),
                "plain": pd.Series([t if t is not None else "x" for t in text], dtype=object),
                "code": rng.integers(-5, 5, n),
                "nip": pd.Series(pick([int(NIP), 7, None]), dtype="Int64"),
                "nip_arrow": pd.Series(pick([int(NIP), 7, None]), dtype="int64[pyarrow]"),
                "name_arrow": pd.Series(pick(leaks + [None]), dtype="string[pyarrow]"),
                "unit": pd.Categorical(pick(["Dinas A", "Dinas B", "Siti Aminah"])),
                "level": pd.Categorical(pick([1, 2, 3])),
                "score": rng.normal(size=n),
                "flag": rng.integers(0, 2, n).astype(bool),
                "when": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 9, n), "D"),
                "n": pick([1, 3, 5, 12]),
                "suppressed": pick([True, False]),
            }
        ),
        pd.DataFrame({"day": pd.to_datetime(pick(["2025-01-02", "2025-02-03"])).date}),
        pd.DataFrame({0: pick(["a", NIP]), 1: pick([1, 2])}),
        pd.DataFrame({"x": pick(["a", "Siti Aminah"])}, index=pd.Index(pick(leaks), name="who")),
        pd.DataFrame({"raw": pick([b"\x00", b"abc"])}),
        pd.DataFrame({"empty": pd.Series([None] * n, dtype=object)}),
    ]
    return frames


def test_the_parquet_scan_finds_what_a_scan_of_the_pandas_table_finds(tmp_path):
    # Parquet is read with pyarrow (each column's distinct texts, no DataFrame); every
    # finding must be the one the scan of the table pandas reads makes, in the same order
    import numpy as np

    from helpers.privacy.disclosure import _parquet_texts, _Roster, _scan_frame, _scan_parquet

    rng = np.random.default_rng(20)
    for round_ in range(25):
        for k, frame in enumerate(_frames_of_every_kind(rng)):
            path = tmp_path / f"t{round_}_{k}.parquet"
            frame.to_parquet(path, row_group_size=int(rng.integers(1, 8)))  # chunked columns
            # the first table and the all-missing one are read by pyarrow; dates, numeric
            # labels, a stored index and bytes by pandas
            assert (_parquet_texts(path) is None) == (k in (1, 2, 3, 4))
            fast = _scan_parquet(path, _Roster(ROSTER_NAMES, ROSTER_NIPS), 5)
            slow = _scan_frame(pd.read_parquet(path), _Roster(ROSTER_NAMES, ROSTER_NIPS), 5)
            assert fast == slow, (path.name, frame.dtypes.to_dict())


def test_a_nip_in_an_integer_column_with_gaps_is_found_without_pandas_metadata(tmp_path):
    # pandas would read the column as floats (not scanned, and 18 digits are not exact there)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": pa.array([None, int(NIP)], pa.int64())}), tmp_path / "t.parquet")
    found = scan(tmp_path / "t.parquet", names=(), nips=())
    assert kinds(found) == ["nip"] and "row 2, column 'id'" in found["detail"].iloc[0]


# --------------------------------------------------------------------------------------------
# planted leaks, one of each kind
# --------------------------------------------------------------------------------------------


def test_nip_in_a_parquet_text_column_is_found_even_with_spaces(tmp_path):
    spaced = f"{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}"
    dotted = f"{NIP[:8]}.{NIP[8:14]}.{NIP[14]}.{NIP[15:]}"
    pd.DataFrame({"note": ["ok", f"NIP {spaced}", dotted]}).to_parquet(tmp_path / "t.parquet")
    found = scan(tmp_path / "t.parquet")
    assert kinds(found) == ["nip", "nip"]
    assert found["detail"].str.contains("column 'note'").all()
    assert found["detail"].str.contains("with separators").all()
    assert not found["detail"].str.contains(NIP).any(), "the finding does not repeat the NIP"


def test_a_text_repeated_across_rows_and_files_is_reported_where_each_is(tmp_path):
    # each distinct text is checked once per scan; every place it appears still gets a finding
    leak = "hubungi (02)555-012"  # the shortest phone form: 8 digits
    pd.DataFrame({"a": ["x", leak, leak], "b": [leak, "y", "z"]}).to_parquet(tmp_path / "t.parquet")
    pd.DataFrame({"c": [leak]}).to_parquet(tmp_path / "u.parquet")
    (tmp_path / "v.csv").write_text(f"q\n{leak}\n", encoding="utf-8")
    found = scan(tmp_path, names=(), nips=())
    assert kinds(found) == ["phone"] * 4
    places = {
        (Path(f).name, d.split(":")[0]) for f, d in zip(found["file"], found["detail"], strict=True)
    }
    assert places == {
        ("t.parquet", "row 2, column 'a'"),
        ("t.parquet", "row 1, column 'b'"),
        ("u.parquet", "row 1, column 'c'"),
        ("v.csv", "line 2"),
    }


def test_nip_stored_as_an_integer_is_found(tmp_path):
    pd.DataFrame({"id": [int(NIP), 7]}).to_parquet(tmp_path / "t.parquet")
    found = scan(tmp_path / "t.parquet", names=(), nips=())
    assert kinds(found) == ["nip"] and "row 1, column 'id'" in found["detail"].iloc[0]


def test_known_roster_nip_is_found_even_if_invalid_but_random_digits_are_not(tmp_path):
    (tmp_path / "log.csv").write_text(
        "row,value\n1,199001012010011000\n2,123456789012345678\n3,1234567890123456789\n",
        encoding="utf-8",
    )
    assert not validate_nip(pd.Series(["199001012010011000"]))["valid"].iloc[0]
    found = scan(tmp_path / "log.csv")
    assert kinds(found) == ["nip"] and found["detail"].iloc[0].startswith("line 2: a roster NIP")
    assert scan(tmp_path / "log.csv", nips=()).empty


def test_nip_in_a_column_name_or_a_stored_index_is_found(tmp_path):
    wide = pd.DataFrame({"pid": ["P1"], f"skor_{NIP}": [3.5]})
    wide.to_parquet(tmp_path / "wide.parquet")
    indexed = pd.DataFrame({"score": [1.0]}, index=pd.Index([NIP], name="nip"))
    indexed.to_parquet(tmp_path / "indexed.parquet")  # pandas stores a non-range index
    found = scan(tmp_path)
    assert kinds(found) == ["nip", "nip"]
    assert set(found["detail"].str.split(":").str[0]) == {"name of column 2", "row 1, column 'nip'"}


def test_roster_name_is_found_whole_word_ignoring_case(tmp_path):
    (tmp_path / "log.csv").write_text(
        "reason\nSITI AMINAH dihubungi\nSitiAminah\nSiti Aminahwati\nkata Dian saja\nBudi\n",
        encoding="utf-8",
    )
    found = scan(tmp_path / "log.csv")
    assert kinds(found) == ["name", "name"]  # "SitiAminah" is the name written as one word
    assert found["detail"].iloc[0] == "line 2: roster name S. A. (2 words)"
    assert found["detail"].iloc[1].startswith("line 3: roster name")


def test_roster_name_with_an_apostrophe_is_found_in_html(tmp_path):
    page = "<html><body><td>Kutipan: nur&#x27;aini   lubis</td></body></html>"
    (tmp_path / "r.html").write_text(page, encoding="utf-8")
    assert kinds(scan(tmp_path / "r.html")) == ["name"]


@pytest.mark.parametrize(
    "phone",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", "(021) 555-0123"],
)
def test_indonesian_phone_number_is_found(tmp_path, phone):
    (tmp_path / "r.html").write_text(f"<p>Hubungi {phone} untuk info</p>", encoding="utf-8")
    found = scan(tmp_path / "r.html")
    assert kinds(found) == ["phone"]
    assert found["detail"].iloc[0].startswith("line 1: phone number *")


def test_email_address_is_found(tmp_path):
    (tmp_path / "r.html").write_text(
        "<p>Kirim ke <a href='mailto:budi.santoso@bkpsdm.go.id'>email</a></p>", encoding="utf-8"
    )
    found = scan(tmp_path / "r.html")
    assert kinds(found) == ["email"] and "b***@bkpsdm.go.id" in found["detail"].iloc[0]


def test_unsuppressed_small_count_is_found(tmp_path):
    table = pd.DataFrame(
        {
            "group": ["a", "b", "c", "d", "e"],
            "n_informants": pd.array([12, 3, None, 0, 4], dtype="Int64"),
            "suppressed": [False, False, True, False, True],
        }
    )
    table.to_parquet(tmp_path / "freq.parquet")
    found = scan(tmp_path / "freq.parquet")
    assert kinds(found) == ["small_cell"]
    assert found["detail"].iloc[0] == "row 2: n_informants = 3, below 5, and not marked suppressed"


@pytest.mark.parametrize("column", ["n", "count", "n_respondents"])
def test_small_count_without_a_suppressed_column_is_found(tmp_path, column):
    pd.DataFrame({column: [2, 40]}).to_parquet(tmp_path / "t.parquet")
    assert kinds(scan(tmp_path / "t.parquet")) == ["small_cell"]
    assert scan(tmp_path / "t.parquet", min_cell=2).empty


def test_one_of_each_kind_in_one_folder(tmp_path):
    out = tmp_path / "data" / "processed" / REGION
    out.mkdir(parents=True)
    pd.DataFrame({"pid": ["P1"], "note": [NIP]}).to_parquet(out / "a.parquet")
    pd.DataFrame({"n": [3]}).to_parquet(out / "b.parquet")
    (out / "log.csv").write_text("reason\nditelepon 0813 9876 5432\n", encoding="utf-8")
    (tmp_path / "r.html").write_text("<p>Siti Aminah, siti@example.org</p>", encoding="utf-8")
    found = scan(out, tmp_path / "r.html")
    assert list(found.columns) == list(FINDING_COLUMNS)
    assert kinds(found) == ["email", "name", "nip", "phone", "small_cell"]
    assert summarise_findings(found).startswith("5 finding(s): ")


# --------------------------------------------------------------------------------------------
# what must not be reported
# --------------------------------------------------------------------------------------------


def test_clean_outputs_have_no_findings(tmp_path):
    pd.DataFrame(
        {
            "pid": ["Pa1b2c3d4e5f6"],
            "unit": ["Dinas Kesehatan"],
            "estimate": [1.99001012010011e17],  # a float cannot hold a NIP intact
            "when": [pd.Timestamp("2024-03-01")],
            "n": [120],
        }
    ).to_parquet(tmp_path / "t.parquet")
    digits = "0812345678901234567890" * 3
    image = f"<img src='data:image/png;base64,{digits}AAAA=='>"
    (tmp_path / "r.html").write_text(
        f"<p>Tahun 2024-2025: 12,5% (n = 380); Budi; versi 1.2.3</p>{image}"
        "<style>.x{color:#081234}</style>",
        encoding="utf-8",
    )
    (tmp_path / "cleaning_log.csv").write_text(
        "step,row,reason\nnip,74,invalid NIP: length: 17 digits\n", encoding="utf-8"
    )
    assert scan(tmp_path).empty


def test_temporary_and_other_files_are_skipped(tmp_path):
    (tmp_path / f".a.parquet.{'x' * 8}.tmp").write_text(NIP)
    (tmp_path / "notes.bin").write_text(NIP)
    assert scan(tmp_path).empty
    (tmp_path / "notes.txt").write_text(NIP)  # logs and text are scanned
    assert kinds(scan(tmp_path)) == ["nip"]


def test_unreadable_file_is_a_finding_not_a_pass(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    found = scan(tmp_path)
    assert kinds(found) == ["unreadable"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        scan(tmp_path / "nothing")


def test_scan_region_reads_names_and_nips_from_the_raw_roster(tmp_path):
    root = tmp_path / "proj"
    (root / "config").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "config" / "regions.yaml", root / "config" / "regions.yaml")
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / REGION, root / "data" / "raw" / REGION)
    project = ProjectPaths(root)
    names, nips = roster_identifiers(REGION, project)
    roster = pd.read_csv(root / "data" / "raw" / REGION / "roster_pegawai.csv", dtype=str)
    assert set(roster["Nama"]) <= set(names) and set(roster["NIP"]) <= set(nips)
    assert len(nips) > 380  # the NIPs typed into the other tables, invalid ones included
    out = project.processed_region(REGION)
    out.mkdir(parents=True)
    pd.DataFrame({"quote": [f"kata {names[0]}", "tidak ada"], "x": [nips[5], "P1"]}).to_parquet(
        out / "quotes.parquet"
    )
    project.reports.mkdir()
    project.report_file(REGION).write_text("<p>aman</p>", encoding="utf-8")
    found = scan_region(REGION, project)
    assert kinds(found) == ["name", "nip"]
    assert found["file"].str.endswith("quotes.parquet").all()


# --------------------------------------------------------------------------------------------
# real outputs: nothing personal, no unsuppressed small cell
# --------------------------------------------------------------------------------------------


def _copy_region(root: Path) -> ProjectPaths:
    (root / "config").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "config" / "regions.yaml", root / "config" / "regions.yaml")
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / REGION, root / "data" / "raw" / REGION)
    return ProjectPaths(root)


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> ProjectPaths:
    """Notebooks 01-03's tables for one region, built by the same functions in-process."""
    from helpers.steps.analysis import estimate_region, load_processed, write_effects
    from helpers.steps.cleaning import clean_region, write_cleaning
    from helpers.steps.qualitative import clean_region_codes, write_region_codes

    project = _copy_region(tmp_path_factory.mktemp("disclosure") / "proj")
    region = load_registry(project.config_file)[REGION]
    write_cleaning(clean_region(region, project=project, key=bytes(range(32))), project=project)
    write_region_codes(clean_region_codes(region, project=project), project=project)
    effects = estimate_region(region, load_processed(region, project=project))
    write_effects(effects, region, project=project)
    return project


def test_processed_tables_hold_no_personal_data(processed):
    found = scan_region(REGION, processed)
    assert len(list(processed.processed_region(REGION).glob("*.parquet"))) >= 10
    personal = found[found["kind"] != "small_cell"]
    assert personal.empty, summarise_findings(personal)


def test_processed_tables_hold_no_unsuppressed_small_cells(processed):
    found = scan_region(REGION, processed)
    small = found[found["kind"] == "small_cell"]
    assert small.empty, summarise_findings(small)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> ProjectPaths:
    """One region built by the real pipeline (papermill, report export) in a temp project."""
    tmp = tmp_path_factory.mktemp("disclosure_e2e")
    project = _copy_region(tmp / "proj")
    shutil.copytree(PROJECT_ROOT / "notebooks", project.notebooks)
    env = {**os.environ, "ASN_EVAL_ROOT": str(project.root), "ASN_EVAL_KEY_FILE": str(tmp / "k")}
    proc = subprocess.run(
        [sys.executable, "-m", "helpers.pipeline", "run", "--region", REGION, "--no-synthesis"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert project.report_file(REGION).is_file()
    return project


@pytest.mark.slow
@pytest.mark.e2e
def test_pipeline_outputs_and_report_hold_no_personal_data(built):
    report = built.report_file(REGION).read_text(encoding="utf-8")
    assert "Ringkasan eksekutif" in report  # a real report was scanned
    found = scan_region(REGION, built)
    personal = found[found["kind"] != "small_cell"]
    assert personal.empty, summarise_findings(personal)


@pytest.mark.slow
@pytest.mark.e2e
def test_pipeline_outputs_hold_no_unsuppressed_small_cells(built):
    found = scan_region(REGION, built)
    small = found[found["kind"] == "small_cell"]
    assert small.empty, summarise_findings(small)


# --------------------------------------------------------------------------------------------
# keyed pseudonyms: enumerating the NIP space finds the NIP only with the key
# --------------------------------------------------------------------------------------------


def _candidates() -> list[str]:
    """A realistic slice around the true NIP: its birth date, TMT CPNS within a year either
    side of the true one (25 months), both genders, sequences 001-050 (2,500 NIPs)."""
    months = pd.date_range("2011-03-01", "2013-03-01", freq="MS")
    return [
        make_nip("1988-04-12", month, gender, sequence)
        for month in months
        for gender in ("M", "F")
        for sequence in range(1, 51)
    ]


def test_pseudonym_cannot_be_reversed_by_enumeration_without_the_key():
    key = bytes.fromhex("5f" * 32)
    wrong_key = bytes.fromhex("a0" * 32)
    target = pseudonymise(pd.Series([NIP]), key).iloc[0]
    candidates = _candidates()
    assert NIP in candidates and len(candidates) == 2500
    assert validate_nip(pd.Series(candidates))["valid"].all()

    def as_pseudonym(digest: str) -> str:
        return f"P{digest[:12]}"

    plain = {as_pseudonym(hashlib.sha256(c.encode()).hexdigest()) for c in candidates}
    wrong = {
        as_pseudonym(hmac.new(wrong_key, c.encode(), hashlib.sha256).hexdigest())
        for c in candidates
    }
    assert target not in plain, "a plain SHA-256 enumeration finds the pseudonym"
    assert target not in wrong, "HMAC under a wrong key finds the pseudonym"
    # a plain hash would be reversed by the same enumeration: the attack itself works ...
    unkeyed = as_pseudonym(hashlib.sha256(NIP.encode()).hexdigest())
    assert [
        c for c in candidates if as_pseudonym(hashlib.sha256(c.encode()).hexdigest()) == unkeyed
    ] == [NIP]
    # ... and with the right key it finds exactly the true NIP
    right = pseudonymise(pd.Series(candidates), key)
    assert [c for c, p in zip(candidates, right, strict=True) if p == target] == [NIP]


def test_the_synthesis_page_is_scanned_with_every_regions_roster(tmp_path):
    import threading

    from helpers.core.config import paths
    from helpers.runner.synthesis import _synthesis_findings, _synthesis_identifiers

    names, _ = roster_identifiers("kemuning", paths)
    name = next(n for n in names if len(n.split()) >= 2)
    # read while the synthesis notebook runs (a thread of the run's process)
    identifiers = _synthesis_identifiers(["kepahiang", "kemuning"], paths)
    assert set(names) <= set(identifiers[0]) and identifiers[2] == 5
    page = tmp_path / ".synthesis.unscanned.html"
    page.write_text("<p>Kepuasan kerja naik 0,32 poin di Kepahiang.</p>", encoding="utf-8")
    assert _synthesis_findings([page], identifiers) == ""
    page.write_text(f"<p>Menurut {name}, pelatihan berguna.</p>", encoding="utf-8")
    found = _synthesis_findings([page], identifiers)
    assert "name" in found and name not in found
    # a notebook that did not finish stops the reads: no region is read after that
    stop = threading.Event()
    stop.set()
    assert _synthesis_identifiers(["kepahiang", "kemuning"], paths, stop)[:2] == ([], [])
