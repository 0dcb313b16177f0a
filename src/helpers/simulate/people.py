"""People: the roster, who enrols (non-randomly), training records and SKP, as agencies export them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate.common import (
    FIRST_F,
    FIRST_M,
    GOLONGAN,
    LAST,
    PREDIKAT,
    _dmy,
    _logistic,
    _nip,
    _tanggal,
)
from helpers.simulate.mess import Mess
from helpers.simulate.plans import OTHER_COURSES, RegionPlan


# --------------------------------------------------------------------------- people
def _roster(rng: np.random.Generator, plan: RegionPlan, ref: pd.Timestamp) -> pd.DataFrame:
    n = plan.n_staff
    gender = np.where(rng.random(n) < 0.52, "P", "L")
    age = np.clip(rng.normal(41, 9, n), 23, 58)
    birth = [ref - pd.Timedelta(days=int(a * 365.25)) for a in age]
    entry_age = np.clip(rng.normal(27, 3.5, n), 22, 35)
    tmt = []
    for b, ea, a in zip(birth, entry_age, age, strict=True):
        ea = min(ea, a - 1)
        t = b + pd.Timedelta(days=int(ea * 365.25))
        tmt.append(pd.Timestamp(t.year, t.month, 1))
    tenure = np.array([(ref - t).days / 365.25 for t in tmt])
    gol_idx = np.clip(
        np.rint(4 + tenure / 4 + rng.normal(0, 1, n)).astype(int) - 4, 0, len(GOLONGAN) - 1
    )
    unit = rng.choice(plan.units, n)
    first = np.where(gender == "L", rng.choice(FIRST_M, n), rng.choice(FIRST_F, n))
    names = [f"{f} {ln}" for f, ln in zip(first, rng.choice(LAST, n), strict=True)]
    seen: dict[str, int] = {}
    nips = []
    for b, t, g in zip(birth, tmt, gender, strict=True):
        stem = f"{b:%Y%m%d}{t:%Y%m}"
        seen[stem] = seen.get(stem, 0) + 1
        nips.append(_nip(b, t, g, seen[stem]))
    jabatan = rng.choice(
        ["Pelaksana", "Pejabat Fungsional", "Pengawas", "Administrator"],
        n,
        p=[0.5, 0.3, 0.15, 0.05],
    )
    is_school = np.array([u.startswith("SMP") for u in unit])
    jabatan = np.where(is_school, "Guru", jabatan)
    ability = rng.normal(0, 1, n)
    skp_2022 = np.clip(rng.normal(82 + 5 * ability, 4), 55, 100)
    # SKP predikat since PermenPANRB 6/2022, mostly Baik
    cut = np.array([-2.6, -1.9, -0.9, 1.3])
    lat23 = ability * 0.8 + rng.normal(0, 0.6, n)
    skp_2023 = 1 + np.searchsorted(cut, lat23)
    return pd.DataFrame(
        {
            "nip": nips,
            "name": names,
            "gender": gender,
            "birth": birth,
            "tmt": tmt,
            "age": age,
            "tenure": tenure,
            "golongan": [GOLONGAN[i] for i in gol_idx],
            "gol_rank": gol_idx,
            "jabatan": jabatan,
            "unit": unit,
            "ability": ability,
            "skp_2022": np.round(skp_2022, 1),
            "skp_2023": skp_2023,
            "lat23": lat23,
        }
    )


def _select(
    rng: np.random.Generator, staff: pd.DataFrame, shift: float, pool: np.ndarray | None = None
) -> np.ndarray:
    """Non-random selection: younger staff and staff rated better in SKP 2023 enrol more."""
    lin = shift - 0.45 * (staff["age"].to_numpy() - 41) / 9 + 0.7 * (staff["skp_2023"] - 3.6)
    treated = rng.random(len(staff)) < _logistic(lin.to_numpy())
    if pool is not None:
        treated &= pool
    return treated


def _training(
    rng: np.random.Generator,
    staff: pd.DataFrame,
    treated: np.ndarray,
    plan: RegionPlan,
    dates: np.ndarray | None = None,
) -> pd.DataFrame:
    """Training records: programme courses (>= 20 JP in the window) for the treated, short
    courses (< 20 JP) in the window for some others, and older courses for many."""
    start, end = pd.Timestamp(plan.window[0]), pd.Timestamp(plan.window[1])
    span = (end - start).days - 10
    rows = []
    for i, person in enumerate(staff.itertuples()):
        if treated[i]:
            n_courses = 1 + int(rng.random() < 0.35)
            for k in range(n_courses):
                if dates is not None and k == 0:
                    d0 = dates[i]
                else:
                    d0 = start + pd.Timedelta(days=int(rng.integers(0, span)))
                jp = int(rng.choice([24, 32, 40, 48])) if k == 0 else int(rng.choice([8, 16]))
                rows.append(
                    (
                        person.nip,
                        person.name,
                        str(rng.choice(plan.programme_courses)),
                        d0,
                        d0 + pd.Timedelta(days=int(jp // 8)),
                        jp,
                    )
                )
        elif rng.random() < 0.25:
            d0 = start + pd.Timedelta(days=int(rng.integers(0, span)))
            rows.append(
                (
                    person.nip,
                    person.name,
                    str(rng.choice(OTHER_COURSES)),
                    d0,
                    d0 + pd.Timedelta(days=1),
                    int(rng.choice([4, 8, 12])),
                )
            )
        if rng.random() < 0.6:
            d0 = pd.Timestamp("2022-03-01") + pd.Timedelta(days=int(rng.integers(0, 600)))
            rows.append(
                (
                    person.nip,
                    person.name,
                    str(rng.choice(OTHER_COURSES)),
                    d0,
                    d0 + pd.Timedelta(days=2),
                    int(rng.choice([8, 16, 24])),
                )
            )
    return pd.DataFrame(rows, columns=["nip", "name", "course", "start", "end", "jp"])


def _truth_effect(
    y1: np.ndarray, y0: np.ndarray, treated: np.ndarray, mask: np.ndarray | None = None
) -> dict[str, float]:
    mask = np.ones(len(y1), bool) if mask is None else mask
    d = (y1 - y0)[mask]
    t = treated[mask]
    att = float(d[t].mean()) if t.any() else float("nan")
    return {"att": att, "ate": float(d.mean())}


def _roster_export(staff: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "NIP": staff["nip"],
            "Nama": staff["name"],
            "Jenis Kelamin": staff["gender"],
            "Tanggal Lahir": [_dmy(d) for d in staff["birth"]],
            "TMT CPNS": [_dmy(d) for d in staff["tmt"]],
            "Golongan": staff["golongan"],
            "Jabatan": staff["jabatan"],
            "Unit Kerja": staff["unit"],
        }
    )


def _training_export(
    rng: np.random.Generator, mess: Mess, records: pd.DataFrame, file: str
) -> pd.DataFrame:
    records = records.sort_values(["start", "nip"], kind="mergesort").reset_index(drop=True)
    nips = records["nip"].tolist()
    for i in range(len(nips)):
        if rng.random() < 0.01:
            bad, kind = mess.bad_nip(nips[i])
            mess.planted["invalid_nips"].append([file, i + 1, bad, kind, nips[i]])
            nips[i] = bad
    start = [_tanggal(d) if k % 3 else _dmy(d) for k, d in enumerate(records["start"])]
    return pd.DataFrame(
        {
            "NIP": nips,
            "Nama Pegawai": records["name"],
            "Nama Diklat": records["course"],
            "Tanggal Mulai": start,
            "Tanggal Selesai": [_tanggal(d) for d in records["end"]],
            "Jumlah JP": records["jp"],
        }
    )


def _skp_export(staff: pd.DataFrame, skp_2024: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, p in enumerate(staff.itertuples()):
        rows.append((p.nip, 2022, f"{p.skp_2022:.1f}", ""))
        rows.append((p.nip, 2023, "", PREDIKAT[int(p.skp_2023) - 1]))
        rows.append((p.nip, 2024, "", PREDIKAT[int(skp_2024[i]) - 1]))
    return pd.DataFrame(rows, columns=["NIP", "Tahun", "Nilai SKP", "Predikat Kinerja"])


def _skp_2024(
    rng: np.random.Generator, staff: pd.DataFrame, treated: np.ndarray, effect: float
) -> tuple[np.ndarray, dict]:
    cut = np.array([-2.6, -1.9, -0.9, 1.3])
    lat = (
        0.75 * staff["lat23"].to_numpy()
        + 0.25 * staff["ability"].to_numpy()
        + rng.normal(0, 0.5, len(staff))
    )
    # effect on the latent scale; the truth is taken on the 1-5 predikat scale
    y0 = 1 + np.searchsorted(cut, lat)
    y1 = 1 + np.searchsorted(cut, lat + effect)
    y = np.where(treated, y1, y0)
    return y, _truth_effect(y1.astype(float), y0.astype(float), treated)


# --------------------------------------------------------------------------- regions
def _common(rng: np.random.Generator, plan: RegionPlan, ref: pd.Timestamp):
    staff = _roster(rng, plan, ref)
    mess = Mess(rng)
    return staff, mess
