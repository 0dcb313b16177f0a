"""Each design's identifying assumption, in Indonesian and English: the one home of these texts
(the estimators' results and the report read them from here; the designs' names are in
:mod:`helpers.core.labels`). They are general: a region's own words (dinas, kelas, proyek)
come from its registry entry."""

from __future__ import annotations

__all__ = ["ASSUMPTIONS"]

ASSUMPTIONS: dict[str, dict[str, str]] = {
    "diff": {
        "en": "Without the programme, the treated and untreated groups would have had the same "
        "average outcome, as under random assignment.",
        "id": "Tanpa program, rata-rata hasil kelompok peserta dan bukan peserta akan sama, "
        "seperti bila peserta dipilih secara acak.",
    },
    "ancova": {
        "en": "Once the baseline and the covariates are taken into account, who took part is "
        "unrelated to the outcome they would have had without the programme (no unmeasured "
        "confounders).",
        "id": "Setelah skor awal dan kovariat diperhitungkan, siapa yang ikut program tidak "
        "berkaitan dengan hasil yang akan dicapai tanpa program (tidak ada faktor perancu "
        "yang tidak terukur).",
    },
    "ipw": {
        "en": "Taking part depends only on the covariates in the propensity model (no unmeasured "
        "confounders), and every participant has comparable non-participants (overlap).",
        "id": "Keikutsertaan hanya bergantung pada kovariat dalam model skor kecenderungan "
        "(tidak ada faktor perancu yang tidak terukur), dan setiap peserta memiliki "
        "pembanding yang sebanding di antara bukan peserta.",
    },
    "aipw": {
        "en": "Taking part depends only on the measured covariates (no unmeasured confounders) "
        "and every participant has comparable non-participants (overlap); the estimate stays "
        "consistent if either the outcome model or the propensity model is right (double "
        "robustness), but not if both are wrong.",
        "id": "Keikutsertaan hanya bergantung pada kovariat yang terukur (tidak ada faktor "
        "perancu yang tidak terukur) dan setiap peserta memiliki pembanding yang sebanding di "
        "antara bukan peserta; perkiraan tetap tepat bila salah satu dari model hasil atau "
        "model skor kecenderungan benar (kekokohan ganda), tetapi tidak bila keduanya salah.",
    },
    "twfe": {
        "en": "Without the programme, the outcome of treated and not-yet-treated units would have "
        "moved in parallel over time (parallel trends), with no effect before it started, and "
        "the effect is the same for every cohort and period (otherwise two-way fixed effects "
        "can be biased when adoption is staggered).",
        "id": "Tanpa program, hasil unit yang dilatih dan yang belum dilatih akan bergerak "
        "sejajar dari waktu ke waktu (tren paralel), tidak ada efek sebelum program dimulai, "
        "dan efeknya sama untuk setiap gelombang dan periode (bila tidak, efek tetap dua arah "
        "dapat bias ketika program dimulai bertahap).",
    },
    "did": {
        "en": "Without the programme, the outcome of treated and not-yet-treated units would have "
        "moved in parallel over time (parallel trends), with no effect before it started.",
        "id": "Tanpa program, hasil unit yang dilatih dan yang belum dilatih akan bergerak "
        "sejajar dari waktu ke waktu (tren paralel), dan tidak ada efek sebelum program dimulai.",
    },
    "paired": {
        "en": "The whole change from before to after is due to the programme: without it the "
        "scores would not have changed. An uncontrolled before/after gain also includes retest "
        "gains (taking the same test again), maturation and other events over time, so it is "
        "not a programme effect without that caveat.",
        "id": "Seluruh perubahan dari sebelum ke sesudah disebabkan oleh program: tanpa program, "
        "skor tidak akan berubah. Kenaikan sebelum-sesudah tanpa kelompok pembanding juga "
        "memuat kenaikan karena mengerjakan tes yang sama untuk kedua kalinya, perubahan alami "
        "seiring waktu, dan peristiwa lain, sehingga belum dapat disebut efek program.",
    },
    "mixed": {
        "en": "Given the covariates, taking part is unrelated to unobserved differences between "
        "people and between clusters, and the cluster effects are random and unrelated to "
        "taking part.",
        "id": "Setelah kovariat diperhitungkan, keikutsertaan tidak berkaitan dengan perbedaan "
        "yang tidak teramati antarorang maupun antarkelompok, dan efek kelompok bersifat acak "
        "serta tidak berkaitan dengan keikutsertaan.",
    },
}
