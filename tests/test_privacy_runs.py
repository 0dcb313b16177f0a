"""Nothing personal reaches an output: property tests and whole-region runs on a copy of one
region (the shipped ``kemuning``, copied into ``tmp_path``).

* a NIP and a roster name, written in randomised dresses (separators, digits of other scripts,
  invisible characters, titles, degrees, case), are planted in every free-text field of the raw
  survey and interview codes; after the cleaning and codes steps none of them is in any output,
  log or message;
* the pseudonym key: a review file made with one key stops a run with another;
* the 200,000-row survey (slow): cleaned within memory, duplicate notes bounded.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.core.config import ProjectPaths, load_registry
from helpers.core.errors import InputFileError
from helpers.io.storage import read_csv_for_people
from helpers.privacy.disclosure import scan_staging
from helpers.privacy.identifiers import clean_text, fold_name
from helpers.privacy.pseudonym import key_fingerprint
from helpers.steps.cleaning import KEY_FINGERPRINT_COLUMN, clean_region, write_cleaning
from helpers.steps.qualitative import clean_region_codes, write_region_codes

HERE = Path(__file__).parent / "bad_inputs"
if "make_corpus" in sys.modules:
    mc = sys.modules["make_corpus"]
else:
    _spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    mc = importlib.util.module_from_spec(_spec)
    sys.modules["make_corpus"] = mc
    _spec.loader.exec_module(mc)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
REGION = mc.REGION


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    mc.write_project(root)
    return root


def _copy(pristine: Path, target: Path) -> Path:
    import shutil

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(pristine, target)
    return target


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _roster(root: Path) -> list[list[str]]:
    return _rows(root / "data" / "raw" / REGION / mc.ROSTER)[1:]


# --------------------------------------------------------------------------------------------
# dresses
# --------------------------------------------------------------------------------------------

# what people type between a NIP's digit groups, written independently of the masker's own list
SEPARATORS = [
    *(" ", "  ", "\u00a0", "\u202f", "\u2009", ".", "-", "/", "_", "'", "\u2013", ""),
    *(",", ", ", ":", " : ", "|", " | ", "(", ")", "+", "*", ";", "; ", "#"),
]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SCRIPTS = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x0E50]  # ASCII, full-width, Arabic-Indic, ...
TITLES = ["Bu", "Ibu", "Pak", "Bapak", "Sdr.", "Dr.", "Drs.", "Ir.", "H.", "Hj.", "bu", "PAK"]
DEGREES = ["", ", S.Pd.", ", M.Si.", ", S.E., M.M.", " S.Pd"]


@st.composite
def nip_dress(draw, nip: str) -> str:
    groups = [nip[:8], nip[8:14], nip[14], nip[15:]]
    out = []
    for k, group in enumerate(groups):
        script = draw(st.sampled_from(SCRIPTS))
        text = "".join(chr(script + int(d)) for d in group)
        if draw(st.booleans()):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(INVISIBLE)) + text[at:]
        out.append(text)
        if k < len(groups) - 1:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@st.composite
def name_dress(draw, name: str) -> tuple[str, str]:
    """(the name as written, its folded words that must not survive)."""
    words = name.split()
    form = draw(st.sampled_from(["first", "whole", "first and last"]))
    first_only = form == "first"
    chosen = {"first": words[:1], "whole": words}.get(form, [words[0], words[-1]])
    case = draw(st.sampled_from(["upper", "lower", "title", "as is"]))
    dressed = []
    for word in chosen:
        w = {"upper": word.upper(), "lower": word.lower(), "title": word.title()}.get(case, word)
        if draw(st.booleans()) and len(w) > 2:
            at = draw(st.integers(1, len(w) - 1))
            w = w[:at] + draw(st.sampled_from(INVISIBLE)) + w[at:]
        dressed.append(w)
    spacing = draw(st.sampled_from([" ", "  ", "\u00a0", " \u200b"]))
    text = spacing.join(dressed)
    if first_only or draw(st.booleans()):
        text = f"{draw(st.sampled_from(TITLES))} {text}"
    if not first_only:
        text += draw(st.sampled_from(DEGREES))
    return text, " ".join(fold_name(w) for w in chosen)


def plant(root: Path, nip_text: str, name_text: str) -> None:
    """Write the dresses into every free-text field of the survey and the interview codes."""
    folder = root / "data" / "raw" / REGION
    survey = _rows(folder / mc.SURVEY)
    header = survey[0]
    targets = [header.index("Unit Kerja"), header.index(mc.SURVEY_ITEM)]
    for k, row in enumerate(survey[1:6], start=1):
        for column in targets:
            row[column] = f"{name_text} (NIP {nip_text})" if k % 2 else f"{nip_text} {name_text}"
    _write(folder / mc.SURVEY, survey)
    codes = _rows(folder / mc.CODES)
    header = codes[0]
    for column in ("Kutipan", "Peran Informan", "Kode"):
        at = header.index(column)
        for row in codes[1:4]:
            row[at] = f"kata {name_text}: NIP {nip_text}"
    _write(folder / mc.CODES, codes)


def every_text(project: ProjectPaths) -> list[tuple[str, str]]:
    """(file, cleaned text) of every cell and line of every output."""
    texts = []
    for path in sorted(project.root.joinpath("data").rglob("*")):
        if not path.is_file() or "raw" in path.relative_to(project.root).parts:
            continue
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            cells = [str(v) for c in frame.columns for v in frame[c].dropna().tolist()]
        else:
            cells = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        texts.extend((path.name, clean_text(c)) for c in cells)
    return texts


def leaks(text: str, nip: str, name_words: str) -> bool:
    digits = re.sub(r"[^0-9]", "", text)
    folded = " ".join(re.findall(r"[^\W\d_]+", fold_name(text)))
    return nip in digits or f" {name_words} " in f" {folded} "


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_planted_nip_and_name_reach_no_output_log_or_message(pristine, tmp_path, data):
    people = _roster(pristine)
    person = people[data.draw(st.integers(0, len(people) - 1), label="roster row")]
    nip, name = person[0], person[1]
    nip_text = data.draw(nip_dress(nip), label="nip")
    name_text, name_words = data.draw(name_dress(name), label="name")
    root = _copy(pristine, tmp_path / "project")
    plant(root, nip_text, name_text)
    project = ProjectPaths(root)
    region = load_registry(project.config_file)[REGION]
    messages = []
    try:
        result = clean_region(region, project=project, key=KEY)
        write_cleaning(result, project=project)
        coded = clean_region_codes(region, project=project)
        write_region_codes(coded, project=project)
    except Exception as error:  # an error is allowed; its message must not leak either
        messages.append(str(error))
    for where, text in every_text(project) + [("message", m) for m in messages]:
        assert not leaks(text, nip, name_words), (where, text)
    found = scan_staging(
        [project.processed], names=[p[1] for p in people], nips=[p[0] for p in people]
    )
    assert found[found["kind"].isin(["nip", "name"])].empty, found.to_dict("records")


# --------------------------------------------------------------------------------------------
# the pseudonym key and the review files
# --------------------------------------------------------------------------------------------


def _review_with_decisions(root: Path, key: bytes) -> Path:
    """Clean, write the review file and let a reviewer keep the first row of group 1."""
    project = ProjectPaths(root)
    region = load_registry(project.config_file)[REGION]
    write_cleaning(clean_region(region, project=project, key=key), project=project)
    path = project.review_region(REGION) / "duplicates.csv"
    review = read_csv_for_people(path)
    first = review.index[review["group"] == review["group"].iloc[0]][0]
    review.loc[first, "decision"] = "keep"
    review.to_csv(path, index=False)
    return path


def _with_duplicates(root: Path) -> None:
    """Survey row 2 submitted again later (row 3 of the file): one id group."""
    path = root / "data" / "raw" / REGION / mc.SURVEY
    rows = _rows(path)
    again = list(rows[2])
    again[0] = "28/10/2024 09:00:00"
    rows.insert(3, again)
    _write(path, rows)


def test_review_file_records_the_key_fingerprint(pristine, tmp_path):
    root = _copy(pristine, tmp_path / "p")
    _with_duplicates(root)
    path = _review_with_decisions(root, KEY)
    review = read_csv_for_people(path)
    assert set(review[KEY_FINGERPRINT_COLUMN]) == {key_fingerprint(KEY)}


def test_a_run_with_another_key_stops_instead_of_reversing_decisions(pristine, tmp_path):
    root = _copy(pristine, tmp_path / "p")
    _with_duplicates(root)
    path = _review_with_decisions(root, KEY)
    project = ProjectPaths(root)
    region = load_registry(project.config_file)[REGION]
    with pytest.raises(InputFileError) as info:
        clean_region(region, project=project, key=OTHER_KEY)
    error = info.value
    assert error.path == path and error.column == KEY_FINGERPRINT_COLUMN
    assert key_fingerprint(KEY) in error.message and key_fingerprint(OTHER_KEY) in error.message
    assert "ASN_EVAL_KEY_FILE" in error.message
    again = clean_region(region, project=project, key=KEY)  # the right key: decisions obeyed
    log = again.log[again.log["step"] == "duplicates"]
    assert log["reason"].str.contains("not kept by the reviewer").any()


def test_a_review_file_from_before_fingerprints_is_accepted(pristine, tmp_path):
    root = _copy(pristine, tmp_path / "p")
    _with_duplicates(root)
    path = _review_with_decisions(root, KEY)
    review = read_csv_for_people(path).drop(columns=[KEY_FINGERPRINT_COLUMN])
    review.to_csv(path, index=False)
    project = ProjectPaths(root)
    clean_region(load_registry(project.config_file)[REGION], project=project, key=KEY)


# --------------------------------------------------------------------------------------------
# 200,000 rows
# --------------------------------------------------------------------------------------------


def write_large_survey(root: Path, rows: int = 200_000, *, seed: int = mc.SEED) -> Path:
    """An intact project whose feedback survey has ``rows`` rows (200,000: about 22 MB), made
    from the shipped rows: NIPs and names drawn from the roster, answers drawn from the shipped
    answers, one row in ten straight-lining (every item the same label). Returns the survey."""
    region = mc.write_project(root)
    rng = random.Random(seed)
    shipped = _rows(region / mc.SURVEY)
    header, body = shipped[0], shipped[1:]
    roster = _rows(region / mc.ROSTER)[1:]
    items = [i for i, h in enumerate(header) if h.startswith("Kepuasan")]
    labels = sorted({r[i] for r in body for i in items if r[i]})
    nip, name, stamp = header.index("NIP"), header.index("Nama Lengkap"), header.index("Cap waktu")
    out = [header]
    for k in range(rows):
        row = list(body[k % len(body)])
        person = roster[rng.randrange(len(roster))]
        row[nip], row[name] = person[0], person[1]
        row[stamp] = f"{1 + k % 28:02d}/10/2024 {k % 24:02d}:{k % 60:02d}:{(k // 60) % 60:02d}"
        same = rng.random() < 0.1
        label = rng.choice(labels)
        for i in items:
            row[i] = label if same else rng.choice(labels)
        out.append(row)
    _write(region / mc.SURVEY, out)
    return region / mc.SURVEY


@pytest.mark.slow
def test_a_200000_row_survey_is_cleaned_with_bounded_notes(tmp_path):
    """Measured (2 shared cores): about 60-75 s and 1.0 GB peak RSS for clean + write; before
    the fix the duplicate notes grew quadratically and the run died at 2.3 GB."""
    survey = write_large_survey(tmp_path / "big", 200_000)
    assert survey.stat().st_size > 20_000_000
    project = ProjectPaths(tmp_path / "big")
    region = load_registry(project.config_file)[REGION]
    result = clean_region(region, project=project, key=KEY)
    write_cleaning(result, project=project)
    summary = result.summary.set_index("table").loc["feedback"]
    assert summary["rows_in"] == 200_000 and summary["rows_out"] == 380
    notes = result.duplicates["note"].str.len()
    assert notes.max() < 400, "a note's length must not grow with its group"
    assert notes.sum() < 200 * len(result.duplicates)
