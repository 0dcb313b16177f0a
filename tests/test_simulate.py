"""The example-data generator: deterministic, realistic in shape, messy where real exports are,
and with non-random selection into training."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import FIVE
from scipy import stats

from helpers.core.config import PROJECT_ROOT, ProjectPaths
from helpers.core.formatting import MONTHS_ID
from helpers.simulate.common import PREDIKAT
from helpers.simulate.driver import generate_region

RAW = PROJECT_ROOT / "data" / "raw"


def _read(slug: str, name: str, **kw) -> pd.DataFrame:
    path = RAW / slug / name
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="openpyxl", **kw)  # pandas default will change
    sep = ";" if name in {"transaksi_layanan.csv", "nilai_siswa.csv", "tes_pre_post.csv"} else ","
    return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, **kw)


@pytest.mark.parametrize("slug", ["kepahiang", "kemuning"])
def test_same_seed_gives_byte_identical_files(tmp_path, slug):
    """Regenerating reproduces the shipped files byte for byte (CSV and XLSX alike)."""
    shutil.copytree(PROJECT_ROOT / "config", tmp_path / "config")
    project = ProjectPaths(tmp_path)
    generate_region(slug, project=project)
    shipped = sorted(p.name for p in (RAW / slug).iterdir())
    made = sorted(p.name for p in (tmp_path / "data" / "raw" / slug).iterdir())
    assert made == shipped
    for name in shipped:
        assert (tmp_path / "data/raw" / slug / name).read_bytes() == (
            RAW / slug / name
        ).read_bytes(), name
    truth = (tmp_path / "data/truth" / f"{slug}.json").read_bytes()
    assert truth == (PROJECT_ROOT / "data/truth" / f"{slug}.json").read_bytes()


def test_truth_is_never_written_into_raw():
    for slug in FIVE:
        assert not list((RAW / slug).glob("*truth*"))
        assert not list((RAW / slug).glob("*.json"))


@pytest.mark.parametrize("slug", FIVE)
def test_roster_has_valid_nips_and_district_size(slug, truth):
    roster = _read(slug, "roster_pegawai.csv")
    assert 300 <= len(roster) <= 5000
    nip = roster["NIP"]
    assert nip.str.fullmatch(r"\d{18}").all()
    assert nip.is_unique
    birth = pd.to_datetime(roster["Tanggal Lahir"], format="%d/%m/%Y")
    assert (nip.str[:8] == birth.dt.strftime("%Y%m%d")).all()
    tmt = pd.to_datetime(roster["TMT CPNS"], format="%d/%m/%Y")
    assert (nip.str[8:14] == tmt.dt.strftime("%Y%m")).all()
    assert (nip.str[14].map({"1": "L", "2": "P"}) == roster["Jenis Kelamin"]).all()
    assert (nip.str[15:].astype(int) >= 1).all()
    assert truth(slug)["n_staff"] == len(roster)


@pytest.mark.parametrize("slug", FIVE)
def test_common_tables_are_shaped_like_real_exports(slug):
    training = _read(slug, "riwayat_pelatihan.csv")
    assert {"NIP", "Nama Diklat", "Tanggal Mulai", "Jumlah JP"} <= set(training.columns)
    assert (training["Jumlah JP"].astype(int) > 0).all()
    months = "|".join(MONTHS_ID)
    assert training["Tanggal Mulai"].str.contains(months).any(), "Indonesian month names"
    skp = _read(slug, "kinerja_skp.csv")
    assert set(skp["Tahun"]) == {"2022", "2023", "2024"}
    rated = skp.loc[skp["Tahun"] != "2022", "Predikat Kinerja"]
    assert set(rated) <= set(PREDIKAT)
    codebook = _read(slug, "codebook.csv")
    assert {"file", "raw_name", "name", "type", "value_labels", "scale", "reverse"} <= set(codebook)
    assert codebook["name"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert (RAW / slug / "kamus_data.md").read_text(encoding="utf-8").count("sintetis") >= 1


def test_survey_headers_are_question_text_and_answers_are_labels():
    pre = _read("kepahiang", "survei_awal_2024.xlsx", sheet_name="Jawaban Formulir 1")
    assert pre.columns[0] == "Cap waktu"
    assert "Saya puas dengan pekerjaan saya saat ini" in pre.columns
    answers = pre["Saya puas dengan pekerjaan saya saat ini"]
    given = answers.dropna()
    assert given.str.contains("[A-Za-z]", regex=True).mean() > 0.95, "labels as text, not numbers"
    assert given.str.strip().str.lower().isin(["setuju", "netral", "tidak setuju"]).mean() > 0.5


def test_planted_mess_is_present(truth):
    medan = truth("medan")["planted"]
    assert len(medan["invalid_nips"]) >= 20
    assert {r[3] for r in medan["invalid_nips"]} == {"length", "non-digit", "gender", "tmt"}
    assert {r[2] for r in medan["duplicates"]} == {"id", "answers"}
    assert medan["unknown_labels"] and medan["out_of_range"] and medan["missing_codes"]
    # label variants really differ from the canonical labels in the file
    post = _read("medan", "survei_akhir_2025.csv")
    values = set(post.iloc[:, 4:].stack())
    assert {"Sgt setuju", "Setju", "SANGAT SETUJU"} & values
    # a planted duplicate's rows share the NIP of an earlier row
    file, row, kind, nip = next(d for d in medan["duplicates"] if d[2] == "id")
    frame = _read("medan", file)
    assert frame.at[row - 1, "NIP"] in set(frame["NIP"].iloc[: row - 1])
    # ';' with decimal commas, and XLSX files
    tx = (RAW / "jambi" / "transaksi_layanan.csv").read_text(encoding="utf-8").splitlines()
    assert tx[0].count(";") == 3 and "," in tx[1].split(";")[3]
    assert list((RAW / "kemuning").glob("*.xlsx")) and list((RAW / "kepahiang").glob("*.xlsx"))
    # interview codes: unknown spellings, variants, a <script> and personal data in quotes
    kep = truth("kepahiang")["planted"]["codes"]
    assert kep["unknown"] and kep["variants"] and kep["script"] and kep["masked"]
    codes = _read("kepahiang", "koding_wawancara.csv")
    assert codes["Kutipan"].str.contains("<script>", regex=False).any()
    assert kep["double_coded"] >= 20


@pytest.mark.parametrize("slug", ["kepahiang", "medan", "kemuning"])
def test_selection_into_training_is_not_random(slug, registry):
    """Trained staff (>= 20 JP in the programme window) are younger and better rated."""
    region = registry[slug]
    roster = _read(slug, "roster_pegawai.csv")
    training = _read(slug, "riwayat_pelatihan.csv")
    skp = _read(slug, "kinerja_skp.csv")
    months = {m.lower(): i + 1 for i, m in enumerate(MONTHS_ID)}

    def parse(s: str) -> pd.Timestamp:
        if "/" in s:
            return pd.to_datetime(s, format="%d/%m/%Y")
        d, m, y = s.split()
        return pd.Timestamp(int(y), months[m.lower()], int(d))

    start = training["Tanggal Mulai"].map(parse)
    lo, hi = (pd.Timestamp(x) for x in region.treatment.window)
    inwin = training[(start >= lo) & (start <= hi)]
    jp = inwin.groupby("NIP")["Jumlah JP"].apply(lambda s: s.astype(int).sum())
    treated = roster["NIP"].map(jp).fillna(0) >= region.treatment.min_jp
    age = (
        pd.Timestamp("2025-06-30") - pd.to_datetime(roster["Tanggal Lahir"], format="%d/%m/%Y")
    ).dt.days / 365.25
    rating = (
        skp[skp["Tahun"] == "2023"]
        .set_index("NIP")["Predikat Kinerja"]
        .map({p: i + 1 for i, p in enumerate(PREDIKAT)})
    )
    r = roster["NIP"].map(rating)
    assert 0.1 < treated.mean() < 0.6
    assert age[treated].mean() < age[~treated].mean() - 1.5
    assert r[treated].mean() > r[~treated].mean() + 0.1
    assert stats.ttest_ind(age[treated], age[~treated]).pvalue < 0.01


def test_true_effects_include_zero_and_nonzero(truth):
    effects = {s: truth(s)["effects"] for s in FIVE}
    atts = [
        v["att"] for e in effects.values() for v in e.values() if isinstance(v, dict) and "att" in v
    ]
    assert any(abs(a) < 1e-12 for a in atts)
    assert sum(abs(a) > 0.1 for a in atts) >= 8
    het = effects["kepahiang"]["heterogeneity"]
    assert het["job_satisfaction_att_high_relevance"] > het["job_satisfaction_att_low_relevance"]
    fb = effects["medan"]["feedback"]
    assert fb["response_rate"] < 0.4
    assert fb["mean_satisfaction_respondents"] > fb["mean_satisfaction_all_trained"]
    assert np.isfinite(atts).all()


def test_an_unknown_label_is_planted_only_while_it_stays_a_stray_answer():
    import numpy as np

    from helpers.simulate.common import UNKNOWN_LABELS
    from helpers.simulate.mess import Mess
    from helpers.steps.check_tables import UNMAPPED_ERROR_SHARE

    labels = ["Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"]
    for n in (40, 75, 100, 400):
        mess = Mess(np.random.default_rng(0))
        answers = [
            mess.answer(3, labels, "s.csv", "q", 0, rates=(0, 0, 0, 0.2), n_answers=n)
            for _ in range(n)
        ]
        counts = pd.Series(answers).value_counts()
        unknown = counts[counts.index.isin(UNKNOWN_LABELS)]
        # with half as many again copied by duplicate submissions, under the check's error share
        assert all(1.5 * c < UNMAPPED_ERROR_SHARE * n for c in unknown), (n, unknown)
        assert len(mess.planted["unknown_labels"]) == int(unknown.sum())
        assert (n <= 75) == unknown.empty  # 1.5 of 75 is already 2%


def test_a_duplicate_does_not_copy_an_unknown_label_up_to_the_error_share():
    from helpers.simulate.mess import _keep_unknown_labels_stray
    from helpers.steps.check_tables import UNMAPPED_ERROR_SHARE

    # 100 answers: one planted "Lumayan" and its copy in a duplicate would make 2% of them
    answers = ["Setuju"] * 98 + ["Lumayan", "Lumayan"]
    truth = ["Setuju"] * 98 + ["Netral", "Netral"]
    frame = pd.DataFrame({"q": answers, "other": ["Lumayan"] + ["Setuju"] * 99})
    duplicate = [False] * 99 + [True]
    _keep_unknown_labels_stray(frame, duplicate, {"q": truth, "other": ["Netral"] * 100})
    # the copy changes, not the original
    assert frame["q"].tolist() == ["Setuju"] * 98 + ["Lumayan", "Netral"]
    assert (frame["q"] == "Lumayan").sum() < UNMAPPED_ERROR_SHARE * 100
    assert frame["other"].iloc[0] == "Lumayan"  # 1 of 100 stays: it is a stray answer
    # with no duplicate to change, the planted answers stay as they are
    frame = pd.DataFrame({"q": answers})
    _keep_unknown_labels_stray(frame, [False] * 100, {"q": truth})
    assert frame["q"].tolist() == answers


def test_the_error_share_of_a_copied_label_counts_answers_without_the_copies():
    """The data check counts answers without repeated submissions: 102 rows with 2 copies are
    100 answers, and a label with its copy is then 2 of them (generated kepahiang_226)."""
    from helpers.simulate.mess import _keep_unknown_labels_stray

    answers = ["Setuju"] * 99 + ["Lumayan", "Lumayan", "Setuju"]
    truth = ["Setuju"] * 99 + ["Netral", "Netral", "Setuju"]
    duplicate = [False] * 100 + [True, True]
    frame = pd.DataFrame({"q": answers})
    _keep_unknown_labels_stray(frame, duplicate, {"q": truth})
    assert frame["q"].tolist() == ["Setuju"] * 99 + ["Lumayan", "Netral", "Setuju"]
