"""Each design's identifying assumption, in Indonesian and English: the one home of these texts."""

from __future__ import annotations

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
    "did": {
        "en": "Without the programme, the outcome of treated and not-yet-treated units would have "
        "moved in parallel over time (parallel trends), with no effect before it started.",
        "id": "Tanpa program, hasil unit yang dilatih dan yang belum dilatih akan bergerak "
        "sejajar dari waktu ke waktu (tren paralel), dan tidak ada efek sebelum program dimulai.",
    },
    "paired": {
        "en": "The whole change from before to after is due to the programme: without it the "
        "scores would not have changed (no effect of time, test practice or other events).",
        "id": "Seluruh perubahan dari sebelum ke sesudah disebabkan oleh program: tanpa program, "
        "skor tidak akan berubah (tidak ada pengaruh waktu, latihan mengerjakan tes, atau "
        "peristiwa lain).",
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
