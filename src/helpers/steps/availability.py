"""What a region's data do not hold, as a small table the report can show (notebook 03 writes
it as ``availability.parquet``).

Regions differ in what they can bring: SKP with the predikat only (e-Kinerja since 2023) or
the 0-100 score only (before), survey waves without a baseline, no interviews, no outcome at
the level of the person. None of these stops a run; each is listed here, with one sentence in
Bahasa Indonesia for readers (``what``) and one in English for researchers (``detail``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers.core.config import Region

__all__ = [
    "AVAILABILITY_COLUMNS",
    "region_availability",
]

#: The table's columns: ``item`` (what: ``interviews``, ``survey_pre``, ``baseline:<id>``,
#: ``skp_rating``, ``skp_score``, ``person_outcomes``), ``available`` (bool), ``what``
#: (Indonesian, for the report) and ``detail`` (English).
AVAILABILITY_COLUMNS = ("item", "available", "what", "detail")
_BASELINE_DESIGNS = ("ancova", "paired")


def _years(skp: pd.DataFrame, column: str) -> list[int]:
    if column not in skp or "year" not in skp:
        return []
    present = skp.loc[skp[column].notna(), "year"]
    return sorted(int(y) for y in pd.unique(present.dropna()))


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _no_survey(wave: str, waves: set[str]) -> str:
    """The reader's sentence for a missing survey wave, and what it means for the estimates."""
    if not {"pre", "post"} & waves:  # the same sentence for both waves: the report shows it once
        return (
            "Tidak ada survei sebelum maupun sesudah program"
            + (" (hanya survei umpan balik peserta)" if "feedback" in waves else "")
            + ": hasil program diukur dari data lain (administrasi, tes, pengamatan atau layanan)."
        )
    if wave == "pre":
        return (
            "Tidak ada survei sebelum program: jawaban survei hanya ada sesudah program, sehingga "
            "perubahan dari sebelum ke sesudah tidak dapat diukur dengan survei."
        )
    return "Tidak ada survei sesudah program: hasil sesudah program diukur dari data lain."


def region_availability(
    region: Region,
    tables: Mapping[str, pd.DataFrame],
    frames: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """What the region's data hold and do not hold, one row per item.

    Parameters
    ----------
    region : Region
    tables : mapping of str to DataFrame
        The processed tables (notebook 01's).
    frames : mapping of str to DataFrame, optional
        The analyses' frames by analysis id (:class:`helpers.steps.analysis.RegionEffects`),
        to tell which baselines are missing.

    Returns
    -------
    pandas.DataFrame
        :data:`AVAILABILITY_COLUMNS`: interviews (a ``codes`` table in the registry), survey
        waves before and after, each analysis's baseline, SKP predikat and score years, and
        whether any analysis has an outcome per person.

    Examples
    --------
    >>> from helpers.core.config import load_registry
    >>> jambi = load_registry()["jambi"]
    >>> table = region_availability(jambi, {})
    >>> row = table.set_index("item").loc["survey_pre"]
    >>> bool(row["available"]), row["detail"]
    (False, 'no survey wave before the programme')
    """
    rows: list[dict] = []

    def add(item: str, available: bool, what: str, detail: str) -> None:
        rows.append({"item": item, "available": available, "what": what, "detail": detail})

    has_codes = bool(region.tables_of_kind("codes"))
    add(
        "interviews",
        has_codes,
        "Wawancara dan diskusi kelompok terarah (FGD) tersedia."
        if has_codes
        else "Tidak ada data wawancara atau FGD untuk wilayah ini: temuan kualitatif tidak "
        "dapat ditampilkan di samping angka.",
        "coded interviews available" if has_codes else "no coded interviews (no codes table)",
    )
    waves = {t.wave for t in region.tables_of_kind("survey").values()}
    for wave, word_id, word_en in (
        ("pre", "sebelum", "before"),
        ("post", "sesudah", "after"),
    ):
        present = wave in waves
        add(
            f"survey_{wave}",
            present,
            f"Survei {word_id} program tersedia." if present else _no_survey(wave, waves),
            f"survey wave {word_en} the programme"
            if present
            else f"no survey wave {word_en} the programme",
        )
    for a in region.analyses:
        if not a.baseline:
            continue
        frame = (frames or {}).get(a.id)
        if frame is None:
            continue
        present = a.baseline in frame and bool(frame[a.baseline].notna().any())
        needing = [d for d in a.designs if d in _BASELINE_DESIGNS]
        add(
            f"baseline:{a.id}",
            present,
            f"Data awal (sebelum program) untuk {a.label.lower()} tersedia."
            if present
            else f"Data awal (sebelum program) untuk {a.label.lower()} tidak tersedia: "
            + (
                f"desain {', '.join(d.upper() for d in needing)} tidak dapat dihitung, dan "
                "estimasi lain tidak menyesuaikan perbedaan awal pada hasil ini."
                if needing
                else "estimasi tidak menyesuaikan perbedaan awal pada hasil ini."
            ),
            f"baseline {a.baseline} present"
            if present
            else f"baseline {a.baseline} missing; not estimated: {', '.join(needing) or 'none'}",
        )
    for name, spec in region.tables.items():
        if spec.kind != "skp" or name not in tables:
            continue
        skp = tables[name]
        rating, score = _years(skp, "rating_rank"), _years(skp, "score")
        add(
            "skp_rating",
            bool(rating),
            f"Predikat SKP tersedia untuk {_span(rating)}."
            if rating
            else "Predikat SKP (PermenPANRB 6/2022) tidak tersedia.",
            f"SKP predikat for {_span(rating)}" if rating else "no SKP predikat",
        )
        add(
            "skp_score",
            bool(score),
            f"Nilai SKP 0–100 tersedia untuk {_span(score)}."
            if score
            else "Nilai SKP 0–100 tidak tersedia (sejak 2023 e-Kinerja mencatat predikat saja).",
            f"SKP 0-100 score for {_span(score)}" if score else "no SKP 0-100 score",
        )
    person = any(a.frame == "person" for a in region.analyses)
    add(
        "person_outcomes",
        person,
        "Ada hasil yang diukur per pegawai."
        if person
        else "Tidak ada hasil yang diukur per pegawai: estimasi memakai data unit atau tabel "
        "terkait saja.",
        "outcomes per person" if person else "no outcome on the person frame",
    )
    return pd.DataFrame(rows, columns=list(AVAILABILITY_COLUMNS)).astype(
        {"item": "str", "available": bool, "what": "str", "detail": "str"}
    )
