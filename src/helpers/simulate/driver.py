"""Generate one region, all five, or N synthetic regions for scale runs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import pandas as pd

from helpers.core.config import ProjectPaths, paths
from helpers.simulate.codebooks import STANDARD_ROWS, _codebook_frame, _data_dictionary
from helpers.simulate.common import DEFAULT_SEED, _region_rng
from helpers.simulate.interviews import (
    CODE_WEIGHTS,
    CODES_FILE,
    N_TRANSCRIPTS,
    _codes,
    _codes_codebook,
)
from helpers.simulate.jambi import _jambi
from helpers.simulate.kalianda import _kalianda
from helpers.simulate.kemuning import _kemuning
from helpers.simulate.kepahiang import _kepahiang
from helpers.simulate.medan import _medan
from helpers.simulate.people import _roster_export, _skp_export, _training_export
from helpers.simulate.plans import REGIONS
from helpers.simulate.writers import _write_csv, _write_xlsx
from helpers.steps.provenance import SYNTHETIC_MARKER

__all__ = [
    "generate_region",
    "generate_all",
    "generate_many",
]


BUILDERS = {
    "kepahiang": _kepahiang,
    "medan": _medan,
    "kalianda": _kalianda,
    "jambi": _jambi,
    "kemuning": _kemuning,
}


# --------------------------------------------------------------------------- driver
def generate_region(
    slug: str,
    *,
    seed: int = DEFAULT_SEED,
    project: ProjectPaths | None = None,
    template: str | None = None,
    size_factor: float = 1.0,
) -> dict:
    """Write ``data/raw/<slug>/`` and ``data/truth/<slug>.json`` for one region.

    Parameters
    ----------
    slug : str
        One of :data:`REGIONS`, or any new slug when ``template`` names one.
    seed : int
        Base seed; each region draws from its own stream, so regions are independent.
    project : ProjectPaths, optional
        Where to write (default: the project's own folders).
    template : str, optional
        Make ``slug`` shaped like this region of :data:`REGIONS` (scale runs).
    size_factor : float
        Multiply the number of staff (and so of respondents) by this.

    Returns
    -------
    dict
        The truth written to the JSON file.
    """
    base = template or slug
    if base not in REGIONS:
        raise ValueError(f"no generator for region {base!r}; known: {sorted(REGIONS)}")
    project = project or paths
    plan = REGIONS[base]
    if slug != base or size_factor != 1.0:
        plan = dataclasses.replace(
            plan, slug=slug, n_staff=max(60, round(plan.n_staff * size_factor))
        )
    rng = _region_rng(seed, slug)
    ref = pd.Timestamp("2025-06-30")
    out = BUILDERS[base](rng, plan, ref)
    folder = project.raw / slug
    folder.mkdir(parents=True, exist_ok=True)
    staff, mess = out["staff"], out["mess"]

    roster = _roster_export(staff)
    training = _training_export(rng, mess, out["records"], "riwayat_pelatihan.csv")
    skp = _skp_export(staff, out["skp"])
    codes_file = CODES_FILE.get(base, "koding_wawancara.csv")
    codes, planted_codes = _codes(
        rng,
        base,
        CODE_WEIGHTS[base],
        staff,
        N_TRANSCRIPTS[base],
        plant_script=base in ("kepahiang", "jambi"),
    )
    files = {
        "roster_pegawai.csv": ("csv", roster),
        "riwayat_pelatihan.csv": ("csv", training),
        "kinerja_skp.csv": ("csv", skp),
        codes_file: ("csv", codes),
        **out["files"],
    }
    for name, (kind, frame) in files.items():
        if kind == "xlsx":
            _write_xlsx(frame, folder / name)
        else:
            _write_csv(frame, folder / name, sep=";" if kind == "csv;" else ",")
    codebook = _codebook_frame(
        STANDARD_ROWS
        + out["codebook"]
        + [
            dict(file=codes_file, raw_name=raw, name=name, type="string", label=lab, required=True)
            for raw, name, lab in (
                ("Transkrip", "transcript", "Kode transkrip"),
                ("Segmen", "segment", "Nomor segmen"),
                ("Peran Informan", "informant_role", "Peran informan"),
                ("Metode", "method", "Wawancara atau FGD"),
                ("Pengkode", "coder", "Pengkode"),
                ("Kode", "code", "Kode tematik"),
                ("Kutipan", "quote", "Kutipan"),
            )
        ]
    )
    _write_csv(codebook, folder / "codebook.csv")
    _write_csv(_codes_codebook(base, CODE_WEIGHTS[base]), folder / "codes.csv")
    describe = {
        "roster_pegawai.csv": "daftar pegawai (NIP, unit kerja, golongan, jabatan)",
        "riwayat_pelatihan.csv": "riwayat pelatihan dan jam pelajaran (JP); tanggal "
        "berformat Indonesia",
        "kinerja_skp.csv": "nilai SKP 2022 (0-100) dan predikat kinerja 2023-2024",
        codes_file: "segmen wawancara/FGD yang sudah dikode; sebagian dikode dua orang",
        **out["describe"],
        "codebook.csv": "codebook: nama kolom asli -> nama bersih, label Likert",
        "codes.csv": "codebook kode kualitatif (tema, jenis, level Kirkpatrick)",
    }
    from helpers.core.config import load_registry  # local: the registry names the region

    try:
        display = load_registry(project.config_file)[slug].name
    except Exception:  # a temporary project without a registry still gets a dictionary
        display = slug
    (folder / SYNTHETIC_MARKER).write_bytes(
        (
            "Data di folder ini SINTETIS, dibuat oleh python -m helpers.simulate "
            f"(benih {seed}). Bukan data pegawai sungguhan.\n"
        ).encode()
    )
    (folder / "kamus_data.md").write_bytes(
        _data_dictionary(slug, display, codebook, describe).encode("utf-8")
    )

    treated = out["treated"]
    age = staff["age"].to_numpy()
    truth = {
        "region": slug,
        "seed": seed,
        "synthetic": True,
        "n_staff": int(len(staff)),
        "n_treated": int(treated.sum()),
        "selection": {
            "mean_age_treated": float(age[treated].mean()),
            "mean_age_control": float(age[~treated].mean()),
            "mean_skp2023_treated": float(staff["skp_2023"][treated].mean()),
            "mean_skp2023_control": float(staff["skp_2023"][~treated].mean()),
        },
        "effects": out["truth"],
        "planted": {**mess.planted, "codes": planted_codes, "codes_file": codes_file},
    }
    project.truth.mkdir(parents=True, exist_ok=True)
    (project.truth / f"{slug}.json").write_bytes(
        (json.dumps(truth, indent=1, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    )
    return truth


def generate_all(
    *,
    seed: int = DEFAULT_SEED,
    regions: Sequence[str] | None = None,
    project: ProjectPaths | None = None,
) -> dict[str, dict]:
    """Generate every region (or the ones named)."""
    return {s: generate_region(s, seed=seed, project=project) for s in (regions or REGIONS)}


def generate_many(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    project: ProjectPaths,
    size_factor: float = 1.0,
) -> list[str]:
    """A national-scale synthetic run: ``n`` regions (cycling through the five programmes'
    shapes) written under ``project``, with their registry in ``project.config_file``.

    The repository's own ``data/raw`` is never the target: pass a separate project root.
    """
    import yaml

    if project.root.resolve() == paths.root.resolve():
        raise ValueError("generate_many writes a whole registry: give it a separate project root")
    doc = yaml.safe_load(paths.config_file.read_text(encoding="utf-8"))
    bases = {r["slug"]: r for r in doc["regions"]}
    names = list(REGIONS)
    entries, slugs = [], []
    for i in range(n):
        base = names[i % len(names)]
        slug = f"{base}_{i + 1:03d}"
        entries.append(
            {**bases[base], "slug": slug, "name": f"{bases[base]['name']} (salinan {i + 1})"}
        )
        slugs.append(slug)
    project.config_file.parent.mkdir(parents=True, exist_ok=True)
    project.config_file.write_text(
        yaml.safe_dump(
            {"defaults": doc.get("defaults", {}), "regions": entries},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    for i, slug in enumerate(slugs):
        generate_region(
            slug,
            seed=seed,
            project=project,
            template=names[i % len(names)],
            size_factor=size_factor,
        )
    return slugs
