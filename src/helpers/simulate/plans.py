"""What each shipped region looks like: its size, units, scales and true effects."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.simulate.common import AGREE, OBSERVED, SATISFIED

__all__ = [
    "REGIONS",
]


# --------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class Scale:
    """A survey scale: its items' question texts, labels and which item is reverse-coded."""

    name: str
    label: str
    items: tuple[str, ...]
    labels: tuple[str, ...] = tuple(AGREE)
    reverse: tuple[int, ...] = ()


SCALES = {
    "job_satisfaction": Scale(
        "job_satisfaction",
        "Kepuasan kerja",
        (
            "Saya puas dengan pekerjaan saya saat ini",
            "Pekerjaan saya memberi kesempatan untuk berkembang",
            "Saya merasa dihargai di tempat kerja",
            "Saya sering merasa jenuh dengan pekerjaan saya",
        ),
        reverse=(3,),
    ),
    "motivation": Scale(
        "motivation",
        "Motivasi kerja",
        (
            "Saya bersemangat menyelesaikan tugas setiap hari",
            "Saya berusaha melebihi target kinerja saya",
            "Saya ingin terus belajar hal baru dalam pekerjaan",
            "Saya bekerja hanya sebatas kewajiban",
        ),
        reverse=(3,),
    ),
    "self_efficacy": Scale(
        "self_efficacy",
        "Kepercayaan diri (efikasi diri)",
        (
            "Saya yakin mampu menyelesaikan tugas yang sulit",
            "Saya percaya diri menerapkan keterampilan baru di tempat kerja",
            "Saya mampu mencari solusi ketika menghadapi masalah pekerjaan",
            "Saya yakin dapat mencapai target SKP saya",
        ),
    ),
    "training_relevance": Scale(
        "training_relevance",
        "Relevansi pelatihan",
        (
            "Materi pelatihan sesuai dengan tugas dan fungsi saya",
            "Saya dapat langsung menerapkan materi pelatihan dalam pekerjaan",
            "Pelatihan menjawab kebutuhan kompetensi jabatan saya",
        ),
    ),
    "resources": Scale(
        "resources",
        "Dukungan sumber daya",
        (
            "Fasilitas kerja mendukung penerapan hasil pelatihan",
            "Anggaran unit kerja cukup untuk menerapkan hasil pelatihan",
            "Waktu kerja cukup untuk menerapkan hal baru",
        ),
    ),
    "professionalism": Scale(
        "professionalism",
        "Profesionalisme",
        (
            "Saya menjalankan tugas sesuai standar operasional prosedur",
            "Saya menjaga integritas dalam setiap pelayanan",
            "Saya menguasai pengetahuan teknis bidang tugas saya",
            "Saya bertanggung jawab atas hasil kerja saya",
        ),
    ),
    "commitment": Scale(
        "commitment",
        "Komitmen organisasi",
        (
            "Saya bangga menjadi bagian dari instansi ini",
            "Saya bersedia bekerja lebih keras demi keberhasilan instansi",
            "Saya merasa terikat secara emosional dengan instansi ini",
            "Saya ingin pindah ke instansi lain jika ada kesempatan",
        ),
        reverse=(3,),
    ),
    "career_planning": Scale(
        "career_planning",
        "Kejelasan perencanaan karier",
        (
            "Saya tahu langkah yang perlu saya tempuh untuk naik jabatan",
            "Saya memiliki rencana pengembangan karier lima tahun ke depan",
            "Saya memahami syarat kompetensi jabatan yang saya tuju",
            "Saya bingung ke mana arah karier saya",
        ),
        reverse=(3,),
    ),
    "career_transparency": Scale(
        "career_transparency",
        "Transparansi promosi dan penempatan",
        (
            "Proses promosi jabatan di instansi ini terbuka",
            "Kriteria penempatan pegawai diumumkan dengan jelas",
            "Hasil seleksi jabatan dapat dipertanggungjawabkan",
            "Keputusan mutasi sering tidak dijelaskan alasannya",
        ),
        reverse=(3,),
    ),
    "mentoring_access": Scale(
        "mentoring_access",
        "Akses informasi dan mentoring",
        (
            "Saya mendapat informasi tentang peluang pengembangan karier",
            "Saya memiliki mentor yang dapat saya ajak berdiskusi tentang karier",
            "Atasan saya memberi umpan balik tentang pengembangan karier saya",
        ),
    ),
    "leadership_support": Scale(
        "leadership_support",
        "Dukungan pimpinan",
        (
            "Pimpinan saya mendorong saya mengikuti pelatihan",
            "Pimpinan memberi izin dan waktu untuk mengikuti pelatihan",
            "Pimpinan mendukung penerapan hasil pelatihan",
        ),
    ),
    "workload": Scale(
        "workload",
        "Beban kerja",
        (
            "Beban kerja saya terlalu tinggi untuk meninggalkan kantor",
            "Tidak ada pegawai yang dapat menggantikan tugas saya saat pelatihan",
            "Target pekerjaan saya sulit dicapai dalam jam kerja",
        ),
    ),
    "training_satisfaction": Scale(
        "training_satisfaction",
        "Kepuasan terhadap pelatihan",
        (
            "Kepuasan terhadap materi pelatihan",
            "Kepuasan terhadap narasumber/fasilitator",
            "Kepuasan terhadap metode pembelajaran",
            "Kepuasan terhadap sarana dan prasarana pelatihan",
            "Kepuasan secara keseluruhan terhadap pelatihan",
        ),
        labels=tuple(SATISFIED),
    ),
    "observed_skills": Scale(
        "observed_skills",
        "Keterampilan teramati oleh atasan",
        (
            "Menyusun rencana kerja yang terukur",
            "Mengelola waktu dan prioritas pekerjaan",
            "Berkomunikasi dengan pemangku kepentingan",
            "Menyelesaikan masalah secara mandiri",
            "Menerapkan materi pelatihan dalam tugas",
        ),
        labels=tuple(OBSERVED),
    ),
}


@dataclass(frozen=True)
class RegionPlan:
    """What the generator makes for one region."""

    slug: str
    n_staff: int
    units: tuple[str, ...]
    effects: dict[str, float]
    survey_scales: tuple[str, ...] = ()
    response_rate: float = 0.75
    window: tuple[str, str] = ("2024-02-01", "2024-11-30")
    programme_courses: tuple[str, ...] = ()
    selection_shift: float = -0.9


OPD = (
    "Sekretariat Daerah",
    "BKPSDM",
    "Bappeda",
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Dinas Pekerjaan Umum",
    "Dinas Sosial",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Penanaman Modal dan PTSP",
    "Badan Keuangan Daerah",
    "Dinas Perhubungan",
    "Dinas Pertanian",
    "Inspektorat",
    "Dinas Lingkungan Hidup",
    "Kecamatan Kota",
    "Dinas Komunikasi dan Informatika",
    "Satpol PP",
    "RSUD",
)

REGIONS: dict[str, RegionPlan] = {
    "kepahiang": RegionPlan(
        "kepahiang",
        850,
        OPD[:14],
        effects={
            "job_satisfaction": 0.35,
            "motivation": 0.0,
            "self_efficacy": 0.45,
            "skp": 0.30,
            "relevance_slope": 0.30,
        },
        survey_scales=("job_satisfaction", "motivation", "self_efficacy", "resources"),
        programme_courses=(
            "Pelatihan Kepemimpinan Pengawas",
            "Pelatihan Teknis Perencanaan",
            "Diklat Pelayanan Prima",
            "Pelatihan Pengelolaan Arsip Digital",
        ),
    ),
    "medan": RegionPlan(
        "medan",
        2400,
        (
            *OPD[:12],
            "SMP Negeri 3 Medan",
            "SMP Negeri 7 Medan",
            "SMP Negeri 12 Medan",
            "SMP Negeri 18 Medan",
            "SMP Negeri 27 Medan",
        ),
        effects={"professionalism": 0.30, "commitment": 0.20, "student_scores": 3.0, "skp": 0.25},
        survey_scales=("professionalism", "commitment"),
        response_rate=0.7,
        programme_courses=(
            "Lokakarya Pengembangan Profesi",
            "Seminar Etika dan Integritas ASN",
            "Pendampingan oleh Pegawai Senior",
            "Lokakarya Pembelajaran Aktif",
        ),
    ),
    "kalianda": RegionPlan(
        "kalianda",
        700,
        OPD[:12],
        effects={
            "career_planning": 0.45,
            "career_transparency": 0.0,
            "mentoring_access": 0.35,
            "skp": 0.0,
        },
        survey_scales=("career_planning", "career_transparency", "mentoring_access"),
        response_rate=0.8,
        programme_courses=("Pelatihan Dasar CPNS", "Pelatihan Teknis Administrasi"),
    ),
    "jambi": RegionPlan(
        "jambi",
        1800,
        (
            "Dinas Kependudukan dan Pencatatan Sipil",
            "Dinas Penanaman Modal dan PTSP",
            "Dinas Kesehatan",
            "Dinas Perhubungan",
            "Dinas Sosial",
            "Badan Keuangan Daerah",
            "Dinas Pekerjaan Umum",
            "Dinas Pendidikan",
            "Dinas Lingkungan Hidup",
            "Dinas Tenaga Kerja",
            "Dinas Perdagangan",
            "Kecamatan Kota Baru",
        ),
        effects={"waiting_time": -6.0, "ikm": 3.0, "skp": 0.20},
        survey_scales=("leadership_support", "workload"),
        response_rate=0.7,
        window=("2024-01-01", "2025-06-30"),
        programme_courses=(
            "Pelatihan Manajemen Waktu",
            "Pelatihan Manajemen Proyek",
            "Pelatihan Pelayanan Publik Prima",
        ),
    ),
    "kemuning": RegionPlan(
        "kemuning",
        380,
        OPD[:9],
        effects={
            "test_scores": 12.0,
            "observed_skills": 0.30,
            "budget_realisation": 0.0,
            "skp": 0.30,
        },
        survey_scales=(),
        window=("2024-03-01", "2024-10-31"),
        programme_courses=(
            "Pelatihan Pengelolaan Keuangan Daerah",
            "Pelatihan Pengadaan Barang dan Jasa",
        ),
    ),
}

OTHER_COURSES = (
    "Sosialisasi SAKIP",
    "Bimtek Aplikasi SIPD",
    "Webinar Literasi Digital",
    "Orientasi Pelayanan Publik",
    "Bimtek Penyusunan SKP",
)
