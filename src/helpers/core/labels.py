"""Every word a report reader sees that is not computed: the one home of reader-facing labels.

Layer 5 (base). Design names, standard-error kinds, variable and scale names, table kinds,
group values, column headers and captions, each in Indonesian (``"id"``) and English
(``"en"``), and the table that translates the cleaning log's reasons. The report sections
(:mod:`helpers.steps.sections`), the narrative and the index take their words from here, so a
label is changed once and an English report (``language: en`` in the registry) has every label
too. Identifiers (``job_satisfaction_post``, ``survey_post_riwayat_mentoring``) never reach a
reader: :func:`label` falls back to a readable phrase, never to the identifier.

Examples
--------
>>> label("design", "ancova")
'ANCOVA: disesuaikan dengan skor awal dan karakteristik pegawai'
>>> label("design_short", "did", "en")
'DiD'
>>> label("group", "F")
'perempuan'
>>> translate_reason("invalid NIP: length 17")
'NIP tidak 18 digit'
>>> translate_reason("something new happened", step="read")
'catatan lain saat membaca berkas'
"""

from __future__ import annotations

import re
from typing import Any, Literal

__all__ = [
    "Language",
    "PAGE",
    "LABELS",
    "label",
    "column",
    "moderator_label",
    "MODERATOR_LABELS",
    "REASONS",
    "translate_reason",
    "se_type_label",
    "effect_size_label",
    "readable",
    "COLUMNS",
    "CAPTIONS",
    "caption",
]

Language = Literal["id", "en"]

#: The page's own words (chrome around the body; :data:`helpers.core.formatting.LABELS`).
PAGE: dict[str, dict[str, str]] = {
    "id": {
        "toc": "Daftar isi",
        "index": "Semua laporan",
        "synthetic": "Data dalam laporan ini SINTETIS (contoh buatan), bukan data pegawai "
        "sungguhan.",
        "footer": "Dibuat otomatis dari data wilayah; angka dapat diperiksa ulang dengan "
        "menjalankan ulang pipeline.",
        "figure": "Gambar",
        "table": "Tabel",
        "page": "Halaman",
        "of": "dari",
        "image": "Gambar",
        "open": "buka",
    },
    "en": {
        "toc": "Contents",
        "index": "All reports",
        "synthetic": "The data in this report are SYNTHETIC (made-up examples), not real "
        "staff records.",
        "footer": "Generated from the region's data; rerun the pipeline to reproduce every number.",
        "figure": "Figure",
        "table": "Table",
        "page": "Page",
        "of": "of",
        "image": "Figure",
        "open": "open",
    },
}

_ID, _EN = 0, 1

#: kind -> key -> (Indonesian, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "design": {
        "diff": ("selisih rata-rata sederhana (tanpa penyesuaian)", "simple difference in means"),
        "ancova": (
            "ANCOVA: disesuaikan dengan skor awal dan karakteristik pegawai",
            "ANCOVA: adjusted for the baseline score and staff characteristics",
        ),
        "ipw": ("pembobotan skor kecenderungan (IPW)", "inverse-probability weighting (IPW)"),
        "aipw": (
            "doubly robust (AIPW): pembobotan dan model hasil sekaligus",
            "doubly robust (AIPW): weighting and an outcome model together",
        ),
        "did": (
            "selisih-dalam-selisih (DiD) untuk program yang dimulai bertahap "
            "(Callaway–Sant'Anna, pembanding: unit yang belum dilatih)",
            "difference in differences (DiD) for a staggered roll-out "
            "(Callaway–Sant'Anna, compared with not-yet-treated units)",
        ),
        "twfe": (
            "regresi efek tetap dua arah (TWFE), sebagai pembanding",
            "two-way fixed-effects regression (TWFE), for comparison",
        ),
        "paired": (
            "perbandingan sebelum-sesudah pada orang yang sama (tanpa kelompok pembanding)",
            "before/after comparison of the same people (no comparison group)",
        ),
        "mixed": (
            "model campuran (intersep acak per kelompok)",
            "mixed model (random intercept per group)",
        ),
    },
    "design_short": {
        "diff": ("selisih sederhana", "simple difference"),
        "ancova": ("ANCOVA", "ANCOVA"),
        "ipw": ("IPW", "IPW"),
        "aipw": ("AIPW", "AIPW"),
        "did": ("DiD", "DiD"),
        "twfe": ("TWFE", "TWFE"),
        "paired": ("sebelum-sesudah", "before/after"),
        "mixed": ("model campuran", "mixed model"),
    },
    "variable": {
        "age": ("Usia (tahun)", "Age (years)"),
        "female": ("Perempuan (proporsi)", "Women (share)"),
        "tenure_years": ("Masa kerja (tahun)", "Years of service"),
        "golongan_rank": ("Golongan (peringkat)", "Grade (rank)"),
        "skp_2023": ("Predikat SKP 2023 (1–5)", "SKP rating 2023 (1–5)"),
        "skp_2024": ("Predikat SKP 2024 (1–5)", "SKP rating 2024 (1–5)"),
    },
    "scale": {
        "job_satisfaction": ("Kepuasan kerja", "Job satisfaction"),
        "motivation": ("Motivasi kerja", "Work motivation"),
        "self_efficacy": ("Kepercayaan diri", "Self-efficacy"),
        "training_relevance": ("Relevansi pelatihan", "Relevance of the training"),
        "resources": ("Dukungan sumber daya", "Resources"),
        "professionalism": ("Profesionalisme", "Professionalism"),
        "commitment": ("Komitmen organisasi", "Organisational commitment"),
        "career_planning": ("Kejelasan perencanaan karier", "Clarity of career planning"),
        "career_transparency": (
            "Transparansi promosi dan penempatan",
            "Transparency of promotion and placement",
        ),
        "mentoring_access": (
            "Akses informasi dan mentoring",
            "Access to information and mentoring",
        ),
        "leadership_support": ("Dukungan pimpinan", "Leadership support"),
        "workload": ("Beban kerja", "Workload"),
        "training_satisfaction": ("Kepuasan terhadap pelatihan", "Satisfaction with the training"),
        "observed_skills": ("Keterampilan teramati", "Observed skills"),
        "ikm_elements": ("Unsur IKM (U1–U9)", "IKM elements (U1–U9)"),
    },
    "table_kind": {
        "roster": ("Daftar pegawai", "Staff roster"),
        "training": ("Riwayat pelatihan", "Training records"),
        "skp": ("Kinerja SKP", "SKP performance"),
        "survey": ("Survei", "Survey"),
        "codes": ("Koding wawancara", "Interview codes"),
        "person_outcome": ("Data hasil per pegawai", "Outcomes per staff member"),
        "linked_outcome": ("Data hasil terkait pegawai", "Outcomes linked to staff"),
        "events": ("Catatan kejadian", "Event records"),
        "rollout": ("Jadwal pelatihan", "Training schedule"),
    },
    "wave": {
        "pre": ("Survei awal", "Baseline survey"),
        "post": ("Survei akhir", "Follow-up survey"),
        "feedback": ("Umpan balik pelatihan", "Training feedback"),
    },
    "group": {
        "M": ("laki-laki", "men"),
        "F": ("perempuan", "women"),
        "tinggi": ("tinggi", "high"),
        "sedang": ("sedang", "middle"),
        "rendah": ("rendah", "low"),
        # the kinds of career decision of a BKN/SIAPASN record, as they are written there
        "Kenaikan Pangkat": ("Kenaikan Pangkat", "Rank promotion"),
        "Promosi Jabatan": ("Promosi Jabatan", "Promotion to a position"),
        "Mutasi": ("Mutasi", "Transfer"),
        "Rotasi": ("Rotasi", "Rotation"),
    },
    "by": {
        "gender": ("jenis kelamin", "sex"),
        "golongan_group": ("golongan", "grade"),
        "event": ("jenis keputusan", "kind of decision"),
        "unit": ("unit kerja", "work unit"),
    },
    "level": {
        "1": ("Reaksi", "Reaction"),
        "2": ("Pembelajaran", "Learning"),
        "3": ("Perilaku", "Behaviour"),
        "4": ("Hasil", "Results"),
    },
    "level_what": {
        "1": (
            "kepuasan peserta terhadap pelatihan",
            "participants' satisfaction with the training",
        ),
        "2": ("pengetahuan dan keterampilan yang bertambah", "knowledge and skills gained"),
        "3": ("keterampilan yang diterapkan di tempat kerja", "skills applied at work"),
        "4": (
            "apa yang diperoleh organisasi dan masyarakat",
            "what the organisation and the public gain",
        ),
    },
    "se_type": {
        "HC0": ("tahan heteroskedastisitas (HC0)", "heteroskedasticity-robust (HC0)"),
        "HC1": ("tahan heteroskedastisitas (HC1)", "heteroskedasticity-robust (HC1)"),
        "HC2": ("tahan heteroskedastisitas (HC2)", "heteroskedasticity-robust (HC2)"),
        "HC3": ("tahan heteroskedastisitas (HC3)", "heteroskedasticity-robust (HC3)"),
        "CR1": ("dikelompokkan per klaster (CR1)", "clustered (CR1)"),
        "CR2": ("dikelompokkan per klaster (CR2)", "clustered (CR2)"),
        "CR3": ("dikelompokkan per klaster (CR3)", "clustered (CR3)"),
        "model-based": ("berbasis model (efek acak)", "model-based (random effects)"),
        "paired": ("dari selisih berpasangan", "from the paired differences"),
        "sandwich": ("sandwich M-estimasi bertumpuk", "stacked M-estimation sandwich"),
        "influence": ("fungsi pengaruh", "influence function"),
        "wild": ("bootstrap liar per klaster", "wild cluster bootstrap"),
        "bootstrap": ("bootstrap", "bootstrap"),
    },
    "effect_size": {
        "hedges_g": ("Hedges' g (selisih / simpangan baku gabungan)", "Hedges' g"),
        "hedges_gav": (
            "Hedges' g untuk data berpasangan (perubahan rata-rata / rata-rata simpangan baku "
            "awal dan akhir)",
            "Hedges' g for paired data (mean change / average of the two SDs)",
        ),
        "within_sd": (
            "efek / simpangan baku hasil dalam kelompok",
            "effect / pooled within-group SD of the outcome",
        ),
        "cells_sd": (
            "efek / simpangan baku hasil pada sel unit×periode",
            "effect / SD of the outcome over unit-period cells",
        ),
        "other": ("ukuran efek lain (lihat kode)", "another effect size (see the code)"),
    },
    "df": {
        "inf": ("normal (uji z)", "normal (z test)"),
    },
    "role": {},
}

#: Column headers of the report's tables: key -> (Indonesian, English).
COLUMNS: dict[str, tuple[str, str]] = {
    "outcome": ("Hasil yang diukur", "Outcome"),
    "outcome_short": ("Hasil", "Outcome"),
    "design": ("Desain", "Design"),
    "effect": ("Efek", "Effect"),
    "ci": ("IK 95%", "95% CI"),
    "p_bh": ("p (BH)", "p (BH)"),
    "p": ("p", "p"),
    "counts": ("Peserta / pembanding", "Treated / comparison"),
    "effect_size": ("Efek terstandar", "Standardised effect"),
    "mde": ("MDE", "MDE"),
    "survey": ("Survei", "Survey"),
    "respondents": ("Responden", "Respondents"),
    "mean": ("Rata-rata", "Mean"),
    "sd": ("Simpangan baku", "SD"),
    "share_4plus": ("Puas atau sangat puas (skor ≥ 4)", "Satisfied or very satisfied (score ≥ 4)"),
    "characteristic": ("Karakteristik", "Characteristic"),
    "respondent_group": ("Responden", "Respondents"),
    "nonrespondent_group": ("Tidak mengisi", "Did not answer"),
    "smd": ("SMD", "SMD"),
    "treated": ("Peserta", "Treated"),
    "control": ("Bukan peserta", "Untreated"),
    "smd_before": ("SMD sebelum", "SMD before"),
    "smd_after": ("SMD sesudah", "SMD after"),
    "relevance": ("Relevansi", "Relevance"),
    "n_treated": ("Peserta", "Treated"),
    "by": ("Menurut", "By"),
    "group": ("Kelompok", "Group"),
    "n": ("Jumlah", "Number"),
    "open_selection": ("Seleksi terbuka", "Open selection"),
    "access": ("Skor akses", "Access score"),
    "reason": ("Alasan", "Reason"),
    "share_of_answers": ("Bagian dari yang menjawab", "Share of those who answered"),
    "scale": ("Skala", "Scale"),
    "share_trained": ("Sudah dilatih", "Trained"),
    "f": ("Statistik F", "F statistic"),
    "n_units": ("Jumlah unit panel", "Panel units"),
    "n_items": ("Jumlah butir", "Items"),
    "alpha": ("Alfa", "Alpha"),
    "ci_low": ("IK 95% bawah", "95% CI low"),
    "ci_high": ("IK 95% atas", "95% CI high"),
    "code": ("Kode", "Code"),
    "double_coded": ("Segmen dikode dua orang", "Segments coded twice"),
    "agreement": ("Persen sepakat", "Per cent agreement"),
    "kappa": ("Kappa Cohen", "Cohen's kappa"),
    "kappa_se": ("Galat baku kappa", "SE of kappa"),
    "kripp": ("Alfa Krippendorff", "Krippendorff's alpha"),
    "se_type": ("Galat baku", "Standard error"),
    "df": ("Derajat bebas", "Degrees of freedom"),
    "n_used": ("Pengamatan dipakai", "Observations used"),
    "es_type": ("Ukuran efek terstandar", "Standardised effect size"),
    "table": ("Tabel", "Table"),
    "rows_in": ("Baris masuk", "Rows in"),
    "rows_out": ("Baris dipakai", "Rows used"),
    "rows_kept_aside": ("Disisihkan (NIP)", "Set aside (NIP)"),
    "rows_dropped_duplicates": ("Kiriman ganda dibuang", "Duplicates dropped"),
    "rows": ("Baris", "Rows"),
    "change": ("Perubahan", "Change"),
    "values": ("Nilai", "Values"),
    "written": ("Tertulis", "As written"),
    "variants": ("Variasi", "Variants"),
    "transcripts": ("Transkrip", "Transcripts"),
    "example_rows": ("Contoh baris", "Example rows"),
    "example_transcripts": ("Contoh transkrip", "Example transcripts"),
    "item": ("Keterangan", "Item"),
    "value": ("Nilai", "Value"),
    "file": ("Berkas", "File"),
    "bytes": ("Ukuran (byte)", "Size (bytes)"),
    "sha256": ("SHA-256", "SHA-256"),
    "package": ("Paket", "Package"),
    "version": ("Versi", "Version"),
    "region": ("Wilayah", "Region"),
    "province": ("Provinsi", "Province"),
    "programme": ("Program", "Programme"),
    "status": ("Status", "Status"),
    "headlines": ("Efek utama [IK 95%]", "Headline effects [95% CI]"),
    "construct": ("Yang diukur", "What is measured"),
    "measured_in": ("Diukur di", "Measured in"),
    "pooled": ("Sintesis", "Synthesis"),
    "level": ("Level", "Level"),
    "se": ("Galat baku", "Standard error"),
    "standardised": ("Efek terstandar", "Standardised effect"),
    "numbers": ("Angka (efek, IK 95%)", "Numbers (effect, 95% CI)"),
    "voices": ("Suara informan (wawancara/FGD)", "What informants said (interviews/FGDs)"),
}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[_EN] if language == "en" else pair[_ID]


def in_sentence(text: str, *, drop_unit: bool = False) -> str:
    """A label as it reads inside a sentence: the first letter lower-cased unless the first
    word is an acronym; acronyms further on (``SKP``, ``IKM``) are kept as written.

    ``drop_unit`` also removes a trailing ``" (unit)"``, for when the unit goes with a number.

    Examples
    --------
    >>> in_sentence("Kinerja pegawai (predikat SKP)")
    'kinerja pegawai (predikat SKP)'
    >>> in_sentence("IKM unit layanan")
    'IKM unit layanan'
    >>> in_sentence("Waktu tunggu layanan (menit)", drop_unit=True)
    'waktu tunggu layanan'
    """
    core = str(text).split(" (")[0].strip() if drop_unit else str(text).strip()
    first = core.split(" ")[0]
    if len(core) < 2 or sum(c.isupper() for c in first) >= 2:
        return core
    return core[0].lower() + core[1:]


def readable(name: object) -> str:
    """A last resort for an unknown identifier: words, not ``snake_case``
    (``"lain_lain"`` -> ``"lain lain"``)."""
    return re.sub(r"[_\s]+", " ", str(name)).strip()


def label(kind: str, key: object, language: Language = "id", default: str | None = None) -> str:
    """The reader's word for ``key`` of ``kind`` (see :data:`LABELS`).

    Parameters
    ----------
    kind : str
        A key of :data:`LABELS` ("design", "scale", "group", ...).
    key : object
        The identifier to translate.
    language : {"id", "en"}
        The report's language.
    default : str, optional
        What to show for an unknown key; default the key made readable (:func:`readable`).

    Returns
    -------
    str
        Never a ``snake_case`` identifier.
    """
    pair = LABELS[kind].get(str(key))
    if pair is None:
        return readable(key) if default is None else default
    return _pick(pair, language)


def column(key: str, language: Language = "id") -> str:
    """A table's column header (:data:`COLUMNS`)."""
    return _pick(COLUMNS[key], language)


def se_type_label(se_type: object, language: Language = "id") -> str:
    """The standard error's kind in words ('HC2' -> 'tahan heteroskedastisitas (HC2)')."""
    text = str(se_type)
    for key, pair in LABELS["se_type"].items():
        if text == key or text.lower().startswith(key.lower()):
            return _pick(pair, language)
    return "jenis lain" if language == "id" else "other"


def effect_size_label(description: object, language: Language = "id") -> str:
    """The estimator's description of its standardised effect, as a short reader's label."""
    text = str(description)
    if text.startswith("Hedges' g_av"):
        key = "hedges_gav"
    elif text.startswith("Hedges' g"):
        key = "hedges_g"
    elif "unit-period" in text or "cells" in text:
        key = "cells_sd"
    elif "within-group SD" in text or "pooled SD" in text:
        key = "within_sd"
    else:
        key = "other"
    return _pick(LABELS["effect_size"][key], language)


#: Cleaning-log reasons: (pattern on the log's English reason, Indonesian, English).
REASONS: list[tuple[str, str, str]] = [
    (r"^invalid NIP: length", "NIP tidak 18 digit", "NIP not 18 digits"),
    (r"^invalid NIP: non-digit", "NIP berisi karakter bukan angka", "NIP has non-digits"),
    (r"^invalid NIP: gender", "kode jenis kelamin dalam NIP bukan 1 atau 2", "NIP gender code"),
    (r"^invalid NIP: TMT", "TMT CPNS dalam NIP tidak valid", "NIP TMT CPNS invalid"),
    (r"^invalid NIP: birth", "tanggal lahir dalam NIP tidak valid", "NIP birth date invalid"),
    (r"^invalid NIP", "NIP tidak valid", "invalid NIP"),
    (r"NIP not in the roster", "NIP tidak ada di daftar pegawai", "NIP not in the roster"),
    (r"NIP missing", "NIP kosong", "NIP missing"),
    (
        r"fields but the header has .* read as blank",
        "baris terpotong, kolom yang hilang dibaca kosong",
        "line cut short, missing fields read as blank",
    ),
    (
        r"^required value missing",
        "nilai wajib kosong atau tidak terbaca",
        "required value missing or unreadable",
    ),
    (
        r"matched by spelling",
        "label Likert salah ketik, dipetakan ke label terdekat",
        "misspelt Likert label, mapped to the nearest",
    ),
    (
        r"matched by abbreviation|synonym",
        "singkatan atau sinonim label, dipetakan",
        "abbreviation or synonym, mapped",
    ),
    (
        r"not in value_labels|not a code of",
        "jawaban tidak dikenali, dikosongkan",
        "unrecognised answer, set missing",
    ),
    (r"^missing code", "kode hilang (mis. 99), dikosongkan", "missing code (e.g. 99), set missing"),
    (r"outside the valid range", "di luar rentang sah, dikosongkan", "out of range, set missing"),
    (r"^reverse-coded", "item dibalik (reverse-coded)", "reverse-coded item"),
    (
        r"^duplicate submission",
        "kiriman ganda, dibuang (yang terbaru disimpan)",
        "duplicate submission dropped (latest kept)",
    ),
    (
        r"^flag: rows .* identical answers",
        "jawaban identik (ditandai, tidak dibuang)",
        "identical answers (flagged, kept)",
    ),
    (r"not in codebook", "kolom tidak ada di codebook, tidak dipakai", "column not in codebook"),
    (
        r"^dropped: codebook type 'drop'",
        "kolom ditandai 'buang' di codebook, tidak dipakai",
        "column marked 'drop' in the codebook",
    ),
    (
        r"timestamps? (carry|has) no time zone|read as UTC",
        "cap waktu tanpa zona waktu, dibaca sebagai WIB",
        "timestamps without a zone, read as local time",
    ),
    (
        r"^checkbox question",
        "jawaban kotak centang (boleh lebih dari satu) digabung",
        "checkbox answers joined",
    ),
    (
        r"^read as a Google Forms export",
        "dibaca sebagai ekspor Google Forms",
        "Google Forms export",
    ),
    (
        r"^read as a KoboToolbox export",
        "dibaca sebagai ekspor KoboToolbox",
        "KoboToolbox export",
    ),
    (
        r"^group paths in headers",
        "nama grup pada judul kolom KoboToolbox digabung",
        "KoboToolbox group paths joined",
    ),
    (
        r"^repeat sheets",
        "lembar pengulangan KoboToolbox ditautkan ke kiriman induknya",
        "KoboToolbox repeat sheets linked to their submissions",
    ),
    (
        r"submission was set aside or dropped",
        "kiriman induk disisihkan atau ganda, baris tidak dipakai",
        "its submission was set aside, row not used",
    ),
    (r"correction", "koreksi manual", "manual correction"),
    (r"date", "tanggal tidak terbaca", "unreadable date"),
    (r"number", "angka tidak terbaca", "unreadable number"),
]

#: What an unknown reason is called, by the cleaning step that logged it.
_STEPS = {
    "nip": ("catatan lain tentang NIP", "other NIP note"),
    "read": ("catatan lain saat membaca berkas", "other note while reading the file"),
    "codebook": ("catatan lain dari codebook", "other codebook note"),
    "recode": ("perubahan nilai lain", "other recode"),
    "duplicates": ("catatan lain tentang kiriman ganda", "other duplicates note"),
    "repeat": ("catatan lain tentang lembar pengulangan", "other repeat-sheet note"),
}


def translate_reason(reason: object, language: Language = "id", *, step: str | None = None) -> str:
    """The reader's category of a cleaning-log reason, in the report's language.

    A reason no pattern of :data:`REASONS` knows is summarised by its step ("catatan lain saat
    membaca berkas"), never shown in English.
    """
    text = str(reason)
    for pattern, words_id, words_en in REASONS:
        if re.search(pattern, text):
            return words_en if language == "en" else words_id
    pair = _STEPS.get(str(step), ("catatan lain", "other note"))
    return _pick(pair, language)


#: Captions of the report's tables and figures: key -> (Indonesian, English), with ``{}`` fields.
CAPTIONS: dict[str, tuple[str, str]] = {
    "reaction": (
        "Kepuasan peserta terhadap pelatihan (skala 1–5)",
        "Participants' satisfaction with the training (scale 1–5)",
    ),
    "level_effects": ("Efek pada level {level}", "Effects at the {level} level"),
    "level_figure": (
        "Efek pada level {level} menurut desain; garis menunjukkan IK 95%.",
        "Effects at the {level} level by design; lines show the 95% CI.",
    ),
    "level_figure_naive": (
        "Efek pada level {level} menurut desain. Selisih sederhana memperlihatkan bias seleksi; "
        "estimasi utama memakai desain lain.",
        "Effects at the {level} level by design. The simple difference shows selection bias; "
        "the headline uses another design.",
    ),
    "figure_axis": ("Efek (dengan IK 95%)", "Effect (with 95% CI)"),
    "feedback_balance": (
        "Responden dibandingkan bukan responden (di antara peserta): selisih terstandar (SMD)",
        "Respondents compared with non-respondents (among participants): standardised "
        "differences (SMD)",
    ),
    "relevance": (
        "Efek menurut relevansi pelatihan dengan pekerjaan (peserta dengan relevansi "
        "tinggi/rendah, masing-masing dibandingkan bukan peserta)",
        "Effects by the training's relevance to the job (participants with high/low relevance, "
        "each compared with non-participants)",
    ),
    "event_study": (
        "{label}: efek per bulan sebelum dan sesudah pelatihan dimulai, dari estimator yang "
        "sama dengan estimasi utama. Uji tren sebelum pelatihan: {p} {verdict}",
        "{label}: effect by month before and after training started, from the same estimator "
        "as the headline. Pre-trend test: {p} {verdict}",
    ),
    "event_axis": ("Bulan relatif terhadap mulai pelatihan", "Months relative to the start"),
    "pretrend_ok": (
        "(uji ini tidak menemukan tren berbeda sebelum pelatihan; uji seperti ini lemah, jadi "
        "hasil ini bukan bukti bahwa tren pasti sejajar).",
        "(the test finds no different trend before training; such tests have little power, "
        "so this is not proof that trends were parallel).",
    ),
    "pretrend_bad": (
        "(ada tanda tren berbeda sebelum pelatihan: tafsirkan dengan hati-hati).",
        "(a sign of different trends before training: interpret with care).",
    ),
    "open_selection": (
        "Bagian keputusan karier yang melalui seleksi terbuka, menurut kelompok (kelompok di "
        "bawah {min_cell} orang tidak ditampilkan)",
        "Share of career decisions made by open selection, by group (groups under {min_cell} "
        "people are not shown)",
    ),
    "access": (
        "Siapa yang kurang mendapat informasi dan mentoring? Skor akses (1–5) sebelum program, "
        "menurut kelompok",
        "Who lacks information and mentoring? Access score (1–5) before the programme, by group",
    ),
    "reasons": (
        "Alasan tidak ikut pelatihan (boleh lebih dari satu)",
        "Reasons for not taking part (more than one allowed)",
    ),
    "participation": (
        "Bagian staf yang sudah dilatih menurut {scales}",
        "Share of staff trained by {scales}",
    ),
    "all_estimates": (
        "Semua estimasi, semua desain (p belum dikoreksi)",
        "All estimates, all designs (p not corrected)",
    ),
    "balance": (
        "Keseimbangan karakteristik peserta dan bukan peserta, sebelum dan sesudah pembobotan "
        "(|SMD| > 0,1 menandakan ketidakseimbangan)",
        "Balance of participants and non-participants, before and after weighting "
        "(|SMD| > 0.1 marks imbalance)",
    ),
    "balance_figure": (
        "Selisih terstandar sebelum dan sesudah pembobotan.",
        "Standardised differences before and after weighting.",
    ),
    "pretrends": (
        "Uji tren sebelum pelatihan (DiD): uji gabungan bahwa semua koefisien sebelum "
        "pelatihan nol",
        "Pre-trend test (DiD): joint test that every pre-training coefficient is zero",
    ),
    "reliability": (
        "Reliabilitas skala survei (alfa Cronbach; di bawah 0,7 perlu hati-hati)",
        "Reliability of the survey scales (Cronbach's alpha; below 0.7 needs care)",
    ),
    "agreement": (
        "Kesepakatan antar-pengkode pada segmen yang dikode dua orang (kappa Cohen, alfa "
        "Krippendorff)",
        "Agreement between coders on segments coded twice (Cohen's kappa, Krippendorff's alpha)",
    ),
    "technical": (
        "Catatan teknis setiap estimasi: jenis galat baku, derajat bebas, jumlah pengamatan "
        "dan ukuran efek terstandar",
        "Technical notes of each estimate: standard error, degrees of freedom, observations and "
        "standardised effect size",
    ),
    "rows": ("Baris masuk dan keluar per tabel", "Rows in and out per table"),
    "rejected": ("Alasan baris disisihkan", "Why rows were set aside"),
    "changes": (
        "Perubahan nilai dan baris menurut jenis (semua tercatat dalam log pembersihan)",
        "Changes of values and rows by kind (all in the cleaning log)",
    ),
    "unknown_codes": (
        "Kode wawancara yang tidak ada di codebook (disimpan, tidak dibuang)",
        "Interview codes not in the codebook (kept, not dropped)",
    ),
    "provenance": ("Keterangan pembuatan laporan", "How this report was made"),
    "fingerprints": (
        "Sidik jari berkas data mentah (SHA-256, 16 karakter pertama)",
        "Fingerprints of the raw data files (SHA-256, first 16 characters)",
    ),
    "packages": ("Versi paket", "Package versions"),
    "all_codes": ("Semua kode (gabungan)", "All codes (pooled)"),
}


def caption(key: str, language: Language = "id", **fields: object) -> str:
    """A table's or figure's caption (:data:`CAPTIONS`) with its fields filled in."""
    return _pick(CAPTIONS[key], language).format(**fields)


#: Reader's words for moderators common to every region (roster attributes); a region's own
#: moderators are labelled in the registry (``moderators: [{column: ..., label: ...}]``).
MODERATOR_LABELS: dict[str, tuple[str, str]] = {
    "female": ("jenis kelamin", "gender"),
    "age": ("usia", "age"),
    "tenure_years": ("masa kerja", "years of service"),
}


def moderator_label(region: Any, column_name: str, language: Language = "id") -> str:
    """The reader's words for a moderator: the registry's label, a common one, or the column's
    name with spaces (a ``_pre`` suffix read as "sebelum pelatihan").

    Examples
    --------
    ``region`` is a registry entry (:class:`helpers.core.config.Region`), or anything with its
    ``moderator_labels``:

    >>> from types import SimpleNamespace
    >>> region = SimpleNamespace(
    ...     moderator_labels={"resources_pre": "dukungan sumber daya sebelum pelatihan"}
    ... )
    >>> moderator_label(region, "resources_pre")
    'dukungan sumber daya sebelum pelatihan'
    >>> moderator_label(region, "female"), moderator_label(region, "female", "en")
    ('jenis kelamin', 'gender')
    >>> moderator_label(region, "workload_pre")
    'workload sebelum pelatihan'
    >>> moderator_label(region, "workload_pre", "en")
    'workload before the training'
    """
    given = getattr(region, "moderator_labels", {}).get(column_name)
    if given:
        return given
    if column_name in MODERATOR_LABELS:
        return _pick(MODERATOR_LABELS[column_name], language)
    stem, pre = (column_name[:-4], True) if column_name.endswith("_pre") else (column_name, False)
    words = stem.replace("_", " ")
    if pre:
        words += " sebelum pelatihan" if language == "id" else " before the training"
    return words
