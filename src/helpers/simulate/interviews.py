"""Coded interview and focus-group segments, double-coded in part, with unknown spellings."""

from __future__ import annotations

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- interview codes
CODES = [
    (
        "resource_constraints",
        "Keterbatasan sumber daya",
        "Fasilitas, anggaran atau waktu tidak cukup untuk menerapkan hasil pelatihan",
        "Sumber daya",
        "challenge",
        3,
        "kurang anggaran|fasilitas terbatas|sumber daya terbatas",
    ),
    (
        "relevance_gap",
        "Materi kurang relevan",
        "Materi pelatihan tidak sesuai tugas jabatan",
        "Relevansi pelatihan",
        "challenge",
        2,
        "tidak relevan|materi tidak sesuai",
    ),
    (
        "workload",
        "Beban kerja tinggi",
        "Beban kerja menghalangi ikut pelatihan atau menerapkannya",
        "Beban kerja",
        "challenge",
        3,
        "beban kerja berat|tugas menumpuk",
    ),
    (
        "leadership_support",
        "Dukungan pimpinan",
        "Pimpinan mendorong atau menghambat pelatihan",
        "Kepemimpinan",
        "context",
        3,
        "dukungan atasan|peran pimpinan",
    ),
    (
        "transparency_gap",
        "Promosi kurang transparan",
        "Proses promosi atau mutasi tidak terbuka",
        "Transparansi karier",
        "challenge",
        4,
        "tidak transparan|promosi tertutup",
    ),
    (
        "information_gap",
        "Informasi karier tidak merata",
        "Pegawai tidak mendapat informasi peluang karier",
        "Transparansi karier",
        "challenge",
        4,
        "kurang informasi|info tidak sampai",
    ),
    (
        "skill_gain",
        "Peningkatan keterampilan",
        "Pegawai merasa kompetensinya meningkat",
        "Hasil belajar",
        "achievement",
        2,
        "keterampilan meningkat|kompetensi naik",
    ),
    (
        "applied_at_work",
        "Diterapkan di tempat kerja",
        "Hasil pelatihan digunakan dalam tugas",
        "Penerapan",
        "achievement",
        3,
        "diterapkan|penerapan di kantor",
    ),
    (
        "service_improvement",
        "Perbaikan layanan",
        "Layanan kepada masyarakat menjadi lebih baik",
        "Hasil organisasi",
        "achievement",
        4,
        "layanan membaik|pelayanan lebih cepat",
    ),
    (
        "training_satisfaction",
        "Puas dengan pelatihan",
        "Peserta menilai pelatihan memuaskan",
        "Reaksi peserta",
        "achievement",
        1,
        "pelatihan memuaskan|puas",
    ),
    (
        "rec_practice",
        "Rekomendasi: lebih banyak praktik",
        "Usul agar pelatihan lebih praktis",
        "Rekomendasi",
        "recommendation",
        2,
        "perbanyak praktik|lebih praktis",
    ),
    (
        "rec_mentoring",
        "Rekomendasi: pendampingan berkelanjutan",
        "Usul mentoring setelah pelatihan",
        "Rekomendasi",
        "recommendation",
        3,
        "mentoring lanjutan|pendampingan",
    ),
    (
        "rec_scheduling",
        "Rekomendasi: jadwal sesuai beban kerja",
        "Usul jadwal pelatihan yang tidak bentrok dengan tugas",
        "Rekomendasi",
        "recommendation",
        3,
        "atur jadwal|jadwal fleksibel",
    ),
    (
        "rec_open_selection",
        "Rekomendasi: seleksi terbuka",
        "Usul seleksi jabatan terbuka dan diumumkan",
        "Rekomendasi",
        "recommendation",
        4,
        "umumkan seleksi|seleksi terbuka",
    ),
]

QUOTES = {
    "resource_constraints": [
        "Setelah pelatihan kami ingin menerapkan, tapi komputer di bidang kami hanya dua unit.",
        "Anggaran kegiatan dipotong, jadi materi pelatihan belum bisa dijalankan.",
        "Waktunya tidak ada, pekerjaan rutin sudah menghabiskan hari.",
    ],
    "relevance_gap": [
        "Materinya bagus, tapi kurang cocok dengan tugas saya di bagian arsip.",
        "Pelatihannya umum sekali, tidak menyentuh pekerjaan teknis kami.",
    ],
    "workload": [
        "Kalau saya ikut pelatihan tiga hari, loket tidak ada yang jaga.",
        "Beban kerja menjelang akhir tahun anggaran membuat kami tidak bisa ikut.",
    ],
    "leadership_support": [
        "Kepala dinas kami mendorong semua staf ikut, bahkan memberi izin penuh.",
        "Atasan kurang memberi izin karena target pelayanan.",
    ],
    "transparency_gap": [
        "Tidak pernah ada pengumuman, tiba-tiba SK mutasi sudah keluar.",
        "Kami tidak tahu kriteria yang dipakai untuk promosi jabatan.",
    ],
    "information_gap": [
        "Informasi diklat hanya sampai ke orang-orang tertentu saja.",
        "Pegawai di kecamatan sering terlambat tahu ada seleksi jabatan.",
    ],
    "skill_gain": [
        "Sekarang saya lebih paham menyusun jadwal proyek.",
        "Saya jadi lebih percaya diri saat presentasi di depan pimpinan.",
    ],
    "applied_at_work": [
        "Format laporan dari pelatihan sudah kami pakai di bidang kami.",
        "Cara mengatur prioritas dari pelatihan langsung saya terapkan.",
    ],
    "service_improvement": [
        "Antrean di loket sekarang lebih cepat, warga jarang komplain.",
        "Waktu penyelesaian dokumen turun setelah alur kerja diperbaiki.",
    ],
    "training_satisfaction": [
        "Narasumbernya menguasai materi dan penyampaiannya menarik.",
        "Secara umum pelatihan ini sangat bermanfaat bagi saya.",
    ],
    "rec_practice": [
        "Sebaiknya porsi praktik diperbanyak, jangan hanya ceramah.",
        "Perlu studi kasus dari pekerjaan kami sendiri.",
    ],
    "rec_mentoring": [
        "Perlu pendampingan setelah pelatihan supaya ilmunya tidak hilang.",
        "Mentor dari pegawai senior akan sangat membantu.",
    ],
    "rec_scheduling": [
        "Jadwal pelatihan sebaiknya tidak di akhir tahun anggaran.",
        "Pelatihan bisa dibuat setengah hari supaya layanan tetap jalan.",
    ],
    "rec_open_selection": [
        "Seleksi jabatan sebaiknya diumumkan terbuka di website BKPSDM.",
        "Hasil penilaian seleksi perlu dibuka supaya pegawai percaya.",
    ],
}

CODE_VARIANTS = {
    "resource_constraints": ["Sumber Daya Terbatas", "resource-constraints", " KURANG ANGGARAN"],
    "workload": ["Beban Kerja Berat", "beban_kerja_berat", "WORKLOAD"],
    "skill_gain": ["Keterampilan meningkat", "skill gain"],
    "rec_mentoring": ["Mentoring Lanjutan", "rekomendasi.mentoring_lanjutan"],
}
UNKNOWN_CODES = ["motivasi pribadi", "lain-lain", "kendala jaringan internet"]

ROLE_SETS = {
    "default": [
        "Kepala OPD",
        "Pejabat Administrator",
        "Pejabat Pengawas",
        "Pelaksana",
        "Pejabat Fungsional",
    ],
    "medan": ["Kepala OPD", "Pejabat Pengawas", "Pelaksana", "Guru", "Kepala Sekolah"],
}


def _codes(
    rng: np.random.Generator,
    slug: str,
    weights: dict[str, float],
    staff: pd.DataFrame,
    n_transcripts: int,
    *,
    plant_script: bool,
) -> tuple[pd.DataFrame, dict]:
    """Coded segments in the project's own layout, with a double-coded share."""
    roles = ROLE_SETS.get(slug, ROLE_SETS["default"])
    codes = list(weights)
    p = np.array([weights[c] for c in codes], float)
    p /= p.sum()
    rows = []
    planted = {"variants": [], "unknown": [], "masked": [], "script": None, "double_coded": 0}
    for t in range(1, n_transcripts + 1):
        method = "FGD" if t % 4 == 0 else "Wawancara"
        transcript = f"{'FGD' if method == 'FGD' else 'W'}-{t:02d}"
        role = str(rng.choice(roles))
        for s in range(1, int(rng.integers(6, 12)) + 1):
            primary = list(rng.choice(codes, size=1 + int(rng.random() < 0.3), replace=False, p=p))
            quote = " ".join(str(rng.choice(QUOTES[c])) for c in primary)
            double = rng.random() < 0.3
            coders = ["Peneliti A", "Peneliti B"] if double else ["Peneliti A"]
            if double:
                planted["double_coded"] += 1
            for coder in coders:
                applied = list(primary)
                if coder == "Peneliti B":
                    applied = [
                        c if rng.random() < 0.85 else str(rng.choice(codes)) for c in applied
                    ]
                    applied = list(dict.fromkeys(applied))
                for code in applied:
                    rows.append([transcript, s, role, method, coder, code, quote])
    df = pd.DataFrame(
        rows,
        columns=["Transkrip", "Segmen", "Peran Informan", "Metode", "Pengkode", "Kode", "Kutipan"],
    )
    # spelling variants and unknown codes, as coders really type them
    for i in rng.choice(len(df), size=max(6, len(df) // 25), replace=False):
        code = df.at[i, "Kode"]
        if code in CODE_VARIANTS:
            variant = str(rng.choice(CODE_VARIANTS[code]))
            df.at[i, "Kode"] = variant
            planted["variants"].append([int(i) + 1, variant, code])
    for i in rng.choice(len(df), size=4, replace=False):
        if df.at[i, "Kode"] in weights:
            unknown = str(rng.choice(UNKNOWN_CODES))
            df.at[i, "Kode"] = unknown
            planted["unknown"].append([int(i) + 1, unknown])
    # personal data inside quotes, which the findings must mask
    person = staff.iloc[int(rng.integers(0, len(staff)))]
    i = int(rng.integers(0, len(df)))
    df.at[i, "Kutipan"] = (
        f"Waktu itu Bapak {person['name']} (NIP {person['nip']}) bilang "
        "jadwalnya bentrok; hubungi saja beliau di 0812-7788-9911."
    )
    planted["masked"].append([i + 1, person["name"], person["nip"], "0812-7788-9911"])
    if plant_script:
        j = int(rng.integers(0, len(df)))
        df.at[j, "Kutipan"] = "<script>alert('xss')</script> Materinya <b>bagus</b> sekali."
        planted["script"] = j + 1
    return df, planted


#: The English twins of each code's label and theme (``label_en``, ``theme_en`` of codes.csv),
#: for a region whose report is in English.
CODES_EN = {
    "resource_constraints": ("Limited resources", "Resources"),
    "relevance_gap": ("Material not relevant enough", "Relevance of training"),
    "workload": ("Heavy workload", "Workload"),
    "leadership_support": ("Support from leaders", "Leadership"),
    "transparency_gap": ("Promotion not transparent enough", "Career transparency"),
    "information_gap": ("Career information unevenly shared", "Career transparency"),
    "skill_gain": ("Better skills", "Learning"),
    "applied_at_work": ("Applied at work", "Application"),
    "service_improvement": ("Better public services", "Organisational results"),
    "training_satisfaction": ("Satisfied with the training", "Participants' reaction"),
    "rec_practice": ("Recommendation: more practice", "Recommendations"),
    "rec_mentoring": ("Recommendation: continued mentoring", "Recommendations"),
    "rec_scheduling": ("Recommendation: schedules that fit the workload", "Recommendations"),
    "rec_open_selection": ("Recommendation: open selection", "Recommendations"),
}


#: The outcomes' constructs (config/constructs.yaml) each code speaks about: the report's joint
#: display puts a code beside the estimates of these constructs.
CODE_CONSTRUCTS = {
    "resource_constraints": "applied_skills|skp_performance|job_satisfaction",
    "relevance_gap": "job_satisfaction|self_efficacy|training_knowledge",
    "workload": "service_waiting_time|skp_performance|work_motivation",
    "leadership_support": "work_motivation|organisational_commitment",
    "transparency_gap": "career_transparency",
    "information_gap": "information_access|career_planning_clarity",
    "skill_gain": "self_efficacy|training_knowledge|professionalism",
    "applied_at_work": "applied_skills|skp_performance|professionalism|student_achievement",
    "service_improvement": "service_waiting_time|public_satisfaction|budget_realisation",
    "training_satisfaction": "training_satisfaction",
}


def _codes_codebook(slug: str, weights: dict[str, float]) -> pd.DataFrame:
    rows = [
        dict(
            code=c,
            label=lab,
            definition=d,
            theme=th,
            kind=k,
            level=lv,
            synonyms=syn,
            constructs=CODE_CONSTRUCTS.get(c, ""),
            label_en=CODES_EN[c][0],
            theme_en=CODES_EN[c][1],
        )
        for c, lab, d, th, k, lv, syn in CODES
        if c in weights
    ]
    return pd.DataFrame(rows)


CODE_WEIGHTS = {
    "kepahiang": {
        "resource_constraints": 3,
        "relevance_gap": 3,
        "skill_gain": 3,
        "applied_at_work": 2,
        "training_satisfaction": 2,
        "rec_practice": 2,
        "rec_mentoring": 1,
        "workload": 1,
    },
    "medan": {
        "skill_gain": 3,
        "applied_at_work": 3,
        "training_satisfaction": 1,
        "rec_mentoring": 3,
        "workload": 2,
        "leadership_support": 2,
        "rec_practice": 1,
    },
    "kalianda": {
        "transparency_gap": 4,
        "information_gap": 3,
        "rec_open_selection": 2,
        "rec_mentoring": 3,
        "leadership_support": 1,
        "skill_gain": 1,
    },
    "jambi": {
        "workload": 4,
        "leadership_support": 3,
        "service_improvement": 3,
        "rec_scheduling": 2,
        "skill_gain": 1,
        "applied_at_work": 2,
    },
    "kemuning": {
        "training_satisfaction": 3,
        "skill_gain": 3,
        "applied_at_work": 2,
        "resource_constraints": 2,
        "rec_practice": 2,
        "service_improvement": 1,
    },
}
N_TRANSCRIPTS = {"kepahiang": 16, "medan": 20, "kalianda": 18, "jambi": 16, "kemuning": 12}
CODES_FILE = {"kalianda": "koding_wawancara_fgd.csv"}
