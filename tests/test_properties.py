"""Properties over arbitrary well-formed inputs (hypothesis): cleaning never loses or changes a
valid answer, and reading gives back what was written."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.io.codebook import KNOWN_SCALES, load_codebook
from helpers.io.labels import parse_value_labels
from helpers.io.parsing import parse_number
from helpers.io.reading import read_table
from helpers.io.recode import apply_codebook
from helpers.privacy.nip import make_nip

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

AGREE = parse_value_labels(KNOWN_SCALES["agreement_5"])
SATISFIED = parse_value_labels(KNOWN_SCALES["satisfaction_5"])
CODEBOOK = f"""file,raw_name,name,type,value_labels,min,max,required
survei.csv,NIP,nip,nip,,,,true
survei.csv,Saya puas dengan pekerjaan saya,job_satisfaction_1,likert,{KNOWN_SCALES["agreement_5"]},,,true
survei.csv,Kepuasan terhadap pelatihan,training_satisfaction,likert,{KNOWN_SCALES["satisfaction_5"]},,,true
survei.csv,Nilai tes,test_score,number,,0,100,true
survei.csv,Jumlah JP,jp,integer,,0,200,true
"""
ITEMS = {
    "Saya puas dengan pekerjaan saya": ("job_satisfaction_1", AGREE),
    "Kepuasan terhadap pelatihan": ("training_satisfaction", SATISFIED),
}


@pytest.fixture(scope="module")
def codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("codebook") / "codebook.csv"
    path.write_text(CODEBOOK, encoding="utf-8")
    return load_codebook(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("roundtrip")


# --------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------

nips = st.builds(
    make_nip,
    st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31)),  # birth
    st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 31)),  # TMT CPNS
    st.sampled_from(["M", "F"]),
    st.integers(1, 999),
)
spaces = st.sampled_from(["", " ", "  ", "\t", " \t "])


@st.composite
def written_label(draw, labels: dict[int, str]) -> tuple[int, str]:
    """(code, the label as someone typed it: any case, extra spaces) or the code itself."""
    code = draw(st.sampled_from(sorted(labels)))
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter of answers are the code
        return code, f"{draw(spaces)}{code}{draw(spaces)}"
    words = labels[code].split()
    cased = []
    for word in words:
        flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
        cased.append(
            "".join(c.upper() if f else c.lower() for c, f in zip(word, flips, strict=True))
        )
    gaps = [draw(st.sampled_from([" ", "  ", " \t"])) for _ in words[1:]]
    text = cased[0] + "".join(g + w for g, w in zip(gaps, cased[1:], strict=True))
    return code, f"{draw(spaces)}{text}{draw(spaces)}"


@st.composite
def survey_frames(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for _ in range(n):
        row = {"NIP": draw(nips)}
        for header, (_, labels) in ITEMS.items():
            row[header] = draw(written_label(labels))
        row["Nilai tes"] = draw(st.integers(0, 1000)) / 10  # one decimal, 0-100
        row["Jumlah JP"] = draw(st.integers(0, 200))
        rows.append(row)
    return rows


def _indonesian(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


# --------------------------------------------------------------------------------------------
# apply_codebook keeps every valid row and every valid answer
# --------------------------------------------------------------------------------------------


@SETTINGS
@given(rows=survey_frames(), decimal_comma=st.booleans())
def test_apply_codebook_never_loses_or_changes_a_valid_answer(codebook, rows, decimal_comma):
    score = _indonesian if decimal_comma else str
    raw = pd.DataFrame(
        {
            "NIP": [r["NIP"] for r in rows],
            **{h: [r[h][1] for r in rows] for h in ITEMS},
            "Nilai tes": [score(r["Nilai tes"]) for r in rows],
            "Jumlah JP": [str(r["Jumlah JP"]) for r in rows],
        },
        dtype="str",
    )
    result = apply_codebook(raw, codebook, file_name="survei.csv")
    data = result.data
    assert data.index.equals(raw.index), "a row was lost or reordered"
    assert data["nip"].tolist() == [r["NIP"] for r in rows]
    for header, (name, _) in ITEMS.items():
        assert data[name].tolist() == [float(r[header][0]) for r in rows], header
    assert data["test_score"].tolist() == pytest.approx([r["Nilai tes"] for r in rows])
    assert data["jp"].tolist() == [r["Jumlah JP"] for r in rows]
    problems = result.log[result.log["row"].notna()]
    assert problems.empty, problems.to_string()


# --------------------------------------------------------------------------------------------
# read_table gives back what was written, with ';' or ',' and decimal commas
# --------------------------------------------------------------------------------------------

text = (
    st.text(
        alphabet=st.characters(
            categories=("L", "N", "Zs", "P"), exclude_characters="\r\n\x85\u2028\u2029"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 30))
    return pd.DataFrame(
        {
            "NIP": draw(st.lists(nips, min_size=n, max_size=n)),
            "Nama": draw(st.lists(text, min_size=n, max_size=n)),
            "Nilai": [
                _indonesian(v / 10)
                for v in draw(st.lists(st.integers(-5000, 99999), min_size=n, max_size=n))
            ],
        },
        dtype="str",
    )


@SETTINGS
@given(frame=tables(), delimiter=st.sampled_from([";", ","]), bom=st.booleans())
def test_read_table_round_trips_csv(folder, frame, delimiter, bom):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    path = folder / "ekspor.csv"
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")

    back = read_table(path, required_columns=["NIP", "Nama", "Nilai"])
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    numbers, failed = parse_number(back["Nilai"])
    assert not failed.any()
    expected = [float(v.replace(",", ".")) for v in frame["Nilai"]]
    assert numbers.tolist() == pytest.approx(expected)
