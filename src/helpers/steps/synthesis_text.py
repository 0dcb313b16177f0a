"""Plain-Indonesian sentences of the cross-region synthesis, built from its numbers (layer 3).

Everything here is text for an official: where the programme worked, where it did not, how sure
the numbers let us be, and what the regions differ in. The functions take the rows that
:func:`helpers.steps.synthesis.synthesise` builds and return plain strings (escape them before
putting them in HTML). Numbers use the Indonesian format (``1.234,5``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.core.formatting import fmt_num, fmt_pvalue
from helpers.core.labels import in_sentence

if TYPE_CHECKING:
    from helpers.stats.meta import MetaResult

__all__ = [
    "SD_LABEL",
    "REASON_NAIVE",
    "REASON_UNCONTROLLED",
    "REASON_NO_SD",
    "design_label",
    "reason_too_few",
    "verdict",
    "heterogeneity",
    "construct_summary",
    "conclusion",
]

SD_LABEL = "simpangan baku"
REASON_NAIVE = (
    "selisih rata-rata tanpa penyesuaian: bukan desain terkontrol, tidak dipakai sebagai hasil "
    "utama"
)
REASON_UNCONTROLLED = (
    "perbandingan sebelum-sesudah tanpa kelompok pembanding: kenaikannya termasuk efek tes ulang "
    "dan pematangan, jadi tidak digabung dengan desain terkontrol"
)
REASON_NO_SD = (
    "simpangan baku hasil tingkat orang (atau transaksi) tidak tersedia, sehingga efeknya tidak "
    "dapat disetarakan dengan wilayah lain"
)

#: Design names for readers (short, for figure rows and tables).
DESIGN_LABELS = {
    "diff": "selisih sederhana",
    "ancova": "ANCOVA",
    "ipw": "IPW",
    "aipw": "AIPW",
    "did": "DiD",
    "twfe": "DiD (TWFE)",
    "paired": "sebelum-sesudah",
    "mixed": "model campuran",
}

VERDICTS = {
    "membaik": "membaik",
    "memburuk": "memburuk",
    "belum_terbukti": "belum terbukti",
    "tanpa_pembanding": "tanpa pembanding",
    "tidak_dipakai": "tidak dipakai",
    "tidak_setara": "tidak dapat disetarakan",
}


def design_label(design: str) -> str:
    """The design's short name for readers.

    Parameters
    ----------
    design : str
        The effects table's design.

    Returns
    -------
    str

    Examples
    --------
    >>> design_label("paired"), design_label("cs")
    ('sebelum-sesudah', 'CS')
    """
    return DESIGN_LABELS.get(design, str(design).upper())


def reason_duplicate(shown: str) -> str:
    """Why a region's second headline estimate of a construct is left out."""
    return f"wilayah ini sudah diwakili oleh hasil “{shown}” untuk konstruk yang sama"


def reason_unit(unit: Any, scale_unit: str) -> str:
    """Why a row in another unit is left out of a construct pooled in raw units."""
    return f"satuannya ({unit}) berbeda dari satuan wilayah lain ({scale_unit})"


def reason_too_few(k: int, min_regions: int) -> str:
    """Why a construct has no pooled estimate.

    Parameters
    ----------
    k : int
        Controlled regions on a comparable scale.
    min_regions : int
        Fewest regions for a pooled estimate.

    Returns
    -------
    str

    Examples
    --------
    >>> reason_too_few(2, 3)
    'hanya 2 wilayah mengukur konstruk ini dengan desain terkontrol; estimasi gabungan memerlukan paling sedikit 3'
    """
    if k == 0:
        return (
            "tidak ada wilayah yang mengukur konstruk ini dengan desain terkontrol; estimasi "
            f"gabungan memerlukan paling sedikit {min_regions}"
        )
    return (
        f"hanya {k} wilayah mengukur konstruk ini dengan desain terkontrol; estimasi gabungan "
        f"memerlukan paling sedikit {min_regions}"
    )


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------


def _digits(x: float, scale: str) -> int:
    return 2 if scale == "sd" or abs(x) < 10 else 1


def value_text(x: float, summary: Mapping[str, Any], *, unit: bool = True) -> str:
    """A value on the construct's scale: ``'0,49 simpangan baku'``, ``'-5,64 menit'``."""
    s = fmt_num(x, _digits(x, summary["scale"]))
    return f"{s} {summary['scale_label']}" if unit and summary["scale_label"] else s


def interval_text(lo: float, hi: float, summary: Mapping[str, Any], alpha: float = 0.05) -> str:
    """``'IK 95% 0,36 sampai 0,63'``."""
    level = f"{100 * (1 - alpha):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    d = max(_digits(lo, summary["scale"]), _digits(hi, summary["scale"]))
    return f"IK {level}% {fmt_num(lo, d)} sampai {fmt_num(hi, d)}"


def _oriented(lo: float, hi: float, sign: int) -> tuple[float, float]:
    a, b = sign * lo, sign * hi
    return min(a, b), max(a, b)


# --------------------------------------------------------------------------------------------
# one region
# --------------------------------------------------------------------------------------------


def verdict(row: Mapping[str, Any] | pd.Series, sign: int) -> str:
    """What one region's estimate says: ``membaik``, ``memburuk``, ``belum terbukti`` (a
    controlled design whose interval includes zero), ``tanpa pembanding`` (pre/post),
    ``tidak dipakai`` (naive or duplicate) or ``tidak dapat disetarakan``.

    Parameters
    ----------
    row : mapping
        A row of ``Synthesis.regions``.
    sign : int
        +1 when larger values on the construct's scale are better, -1 otherwise.

    Returns
    -------
    str

    Examples
    --------
    >>> verdict({"design_class": "controlled", "reason": "", "y": 0.4, "y_low": 0.1,
    ...          "y_high": 0.7}, 1)
    'membaik'
    """
    cls = row["design_class"]
    if cls == "naive" or (cls == "controlled" and row["reason"] and np.isfinite(row["y"])):
        return VERDICTS["tidak_dipakai"]
    if not np.isfinite(row["y"]):
        return VERDICTS["tidak_setara"]
    if cls == "uncontrolled":
        return VERDICTS["tanpa_pembanding"]
    lo, hi = _oriented(row["y_low"], row["y_high"], sign)
    if lo > 0:
        return VERDICTS["membaik"]
    if hi < 0:
        return VERDICTS["memburuk"]
    return VERDICTS["belum_terbukti"]


def verdict_sentence(row: Mapping[str, Any] | pd.Series, sign: int, summary: Mapping) -> str:
    """One region's result in a sentence: name, outcome and design, value, interval, verdict."""
    head = f"{row['region_name']} ({row['label']}, {design_label(row['design'])})"
    if not np.isfinite(row["y"]):
        return f"{head}: {row['reason']}."
    body = (
        f"{value_text(row['y'], summary)} ({interval_text(row['y_low'], row['y_high'], summary)})"
    )
    v = verdict(row, sign)
    if v == VERDICTS["tanpa_pembanding"]:
        return (
            f"{head}: {body}; kenaikan sebelum-sesudah tanpa pembanding, belum tentu efek "
            "program (termasuk efek tes ulang dan pematangan)."
        )
    if v == VERDICTS["tidak_dipakai"]:
        return f"{head}: {body}; tidak dipakai ({row['reason']})."
    words = {
        VERDICTS["membaik"]: "membaik: intervalnya tidak mencakup nol",
        VERDICTS["memburuk"]: "memburuk: intervalnya tidak mencakup nol",
        VERDICTS["belum_terbukti"]: "belum terbukti: intervalnya mencakup nol",
    }
    return f"{head}: {body}, {words[v]}."


# --------------------------------------------------------------------------------------------
# one construct
# --------------------------------------------------------------------------------------------


def heterogeneity(meta: MetaResult, summary: Mapping[str, Any]) -> str:
    """How much the regions differ, in words an official understands.

    Parameters
    ----------
    meta : MetaResult
        The construct's pooled fit.
    summary : mapping
        The construct's row of ``Synthesis.constructs`` (``scale``, ``scale_label``,
        ``improvement_sign``).

    Returns
    -------
    str

    Notes
    -----
    I^2 bands of Higgins et al. (2003): below 25% "hampir seragam", 25-50% "sedikit berbeda",
    50-75% "cukup berbeda", from 75% "sangat berbeda". Then the spread of true effects (tau),
    the prediction interval, and a caution below five regions.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats.meta import random_effects_meta
    >>> m = random_effects_meta(pd.DataFrame({"estimate": [0.1, 0.5, 0.9],
    ...                                       "se": [0.05, 0.05, 0.05]}))
    >>> heterogeneity(m, {"scale": "sd", "scale_label": "simpangan baku",
    ...                   "improvement_sign": 1}).split(":")[0]
    'Hasil antarwilayah sangat berbeda (I² = 98%)'
    """
    i2 = meta.i2
    pct = fmt_num(100 * i2, 0)
    if i2 < 0.25:
        words = (
            f"Hasil antarwilayah hampir seragam (I² = {pct}%): perbedaan yang terlihat tidak "
            "lebih besar daripada yang wajar karena kebetulan sampel."
        )
    elif i2 < 0.5:
        words = (
            f"Hasil antarwilayah sedikit berbeda (I² = {pct}%): sebagian kecil perbedaan "
            "antarwilayah nyata, sisanya kebetulan sampel."
        )
    elif i2 < 0.75:
        words = (
            f"Hasil antarwilayah cukup berbeda (I² = {pct}%): lebih dari separuh perbedaan "
            "antarwilayah nyata, bukan kebetulan sampel."
        )
    else:
        words = (
            f"Hasil antarwilayah sangat berbeda (I² = {pct}%): hampir semua perbedaan "
            "antarwilayah nyata, bukan kebetulan sampel; angka gabungan adalah rata-rata dari "
            "efek yang memang tidak sama di setiap wilayah."
        )
    parts = [words, f"Uji keseragaman: Q = {fmt_num(meta.q, 2)} (db {meta.q_df}), "
                    f"{fmt_pvalue(meta.q_p)}."]  # fmt: skip
    if meta.tau2 > 0:
        parts.append(
            "Efek sebenarnya di tiap wilayah diperkirakan menyebar sekitar ± "
            f"{value_text(float(np.sqrt(meta.tau2)), summary)} di sekitar rata-rata."
        )
    if np.isfinite(meta.pi_low):
        lo, hi = _oriented(meta.pi_low, meta.pi_high, summary["improvement_sign"])
        tail = (
            "jadi perbaikan dapat diharapkan juga di wilayah baru."
            if lo > 0
            else "jadi di wilayah baru program bisa saja tidak berefek, atau bahkan memperburuk."
            if hi > 0
            else "jadi di wilayah baru hasil ini diperkirakan memburuk."
        )
        parts.append(
            "Untuk wilayah baru yang serupa, efeknya diperkirakan antara "
            f"{value_text(meta.pi_low, summary, unit=False)} dan "
            f"{value_text(meta.pi_high, summary)} (interval prediksi 95%), {tail}"
        )
    if meta.k < 5:
        parts.append(
            f"Dengan hanya {meta.k} wilayah, ukuran keragaman ini sendiri sangat tidak pasti."
        )
    return " ".join(parts)


def _certainty(meta: MetaResult, sign: int) -> str:
    lo, hi = _oriented(meta.ci_low, meta.ci_high, sign)
    if lo > 0:
        return "Cukup yakin bahwa secara rata-rata program memperbaiki hasil ini."
    if hi < 0:
        return "Cukup yakin bahwa secara rata-rata hasil ini memburuk."
    return (
        "Belum dapat dipastikan bahwa program berefek secara rata-rata: intervalnya mencakup nol."
    )


def _prediction(meta: MetaResult, summary: Mapping[str, Any]) -> str:
    if not np.isfinite(meta.pi_low):
        return ""
    lo, hi = _oriented(meta.pi_low, meta.pi_high, summary["improvement_sign"])
    if lo > 0:
        return " Perbaikan juga diharapkan di wilayah baru yang serupa (interval prediksi di atas nol)."
    return (
        " Namun di satu wilayah tertentu efeknya bisa jauh berbeda: interval prediksi "
        f"{value_text(meta.pi_low, summary, unit=False)} sampai "
        f"{value_text(meta.pi_high, summary)} mencakup nol."
    )


def construct_summary(
    summary: Mapping[str, Any], rows: pd.DataFrame, meta: MetaResult | None
) -> str:
    """The construct's result in a few sentences: pooled, or the regions side by side.

    Parameters
    ----------
    summary : mapping
        The construct's row of ``Synthesis.constructs`` (before its text columns).
    rows : pandas.DataFrame
        Its rows of ``Synthesis.regions``.
    meta : MetaResult or None
        The pooled fit, when pooled.

    Returns
    -------
    str
    """
    label = summary["construct_label"]
    sign = summary["improvement_sign"]
    if meta is not None:
        return (
            f"{label} ({meta.k} wilayah dengan desain terkontrol: {summary['regions']}): "
            f"rata-rata efek {value_text(meta.estimate, summary)} "
            f"({interval_text(meta.ci_low, meta.ci_high, summary, meta.alpha)})"
            + ("; nilai positif berarti perbaikan. " if summary["scale"] == "sd" else ". ")
            + _certainty(meta, sign)
            + _prediction(meta, summary)
        )
    per_region = " ".join(
        verdict_sentence(r, sign, summary)
        for _, r in rows.iterrows()
        if r["design_class"] != "naive"
    )
    return f"{label}: tidak digabung, karena {summary['reason']}. {per_region}".strip()


# --------------------------------------------------------------------------------------------
# the conclusion
# --------------------------------------------------------------------------------------------


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def _by_construct(rows: pd.DataFrame) -> list[str]:
    """``['kepuasan kerja di Kepahiang dan Medan', ...]``: one item per construct."""
    return [
        f"{in_sentence(g['construct_label'].iloc[0])} di {_list(list(pd.unique(g['region_name'])))}"
        for _, g in rows.groupby("construct", sort=False)
    ]


def _by_region(rows: pd.DataFrame) -> list[str]:
    """``['di Kepahiang (kepuasan kerja dan efikasi diri)', ...]``: one item per region."""
    return [
        f"di {name} ({_list([in_sentence(c) for c in pd.unique(g['construct_label'])])})"
        for name, g in rows.groupby("region_name", sort=False)
    ]


def _grouped(rows: pd.DataFrame) -> str:
    """By construct when some construct has several regions ("kepuasan kerja di Kepahiang dan
    Medan; ..."), else by region, shorter ("hasil di Jambi (waktu tunggu); di Medan (...)")."""
    several = bool(len(rows)) and rows.groupby("construct")["region"].nunique().max() > 1
    return "; ".join(_by_construct(rows)) if several else "hasil " + "; ".join(_by_region(rows))


def conclusion(
    constructs: pd.DataFrame, regions: pd.DataFrame, *, min_regions: int = 3
) -> list[str]:
    """The synthesis's conclusion in four short paragraphs, from the numbers.

    Parameters
    ----------
    constructs, regions : pandas.DataFrame
        ``Synthesis.constructs`` and ``Synthesis.regions``.
    min_regions : int
        Fewest regions for a pooled estimate (quoted when none was pooled).

    Returns
    -------
    list of str
        Where the programme worked; where it did not (or not yet provably); how sure we are;
        what the regions differ in.

    Examples
    --------
    >>> from helpers.steps.synthesis import synthesise, _example_effects
    >>> s = synthesise(_example_effects())
    >>> conclusion(s.constructs, s.regions)[0]
    'Estimasi dengan kelompok pembanding menunjukkan perbaikan yang jelas pada kepuasan kerja di Kepahiang dan Medan; efikasi diri di Kepahiang. Peserta tidak dipilih secara acak, jadi setiap angka itu bersandar pada asumsi desainnya (dijelaskan di laporan wilayah), dan berlaku untuk wilayahnya sendiri.'
    """
    ctrl = regions[(regions["design_class"] == "controlled") & (regions["reason"] == "")]
    good = ctrl[ctrl["verdict"] == VERDICTS["membaik"]]
    unsure = ctrl[ctrl["verdict"] == VERDICTS["belum_terbukti"]]
    worse = ctrl[ctrl["verdict"] == VERDICTS["memburuk"]]
    out = [
        "Estimasi dengan kelompok pembanding menunjukkan perbaikan yang jelas pada "
        + _grouped(good)
        + ". Peserta tidak dipilih secara acak, jadi setiap angka itu bersandar pada asumsi "
        "desainnya (dijelaskan di laporan wilayah), dan berlaku untuk wilayahnya sendiri."
        if len(good)
        else "Belum ada hasil dengan desain terkontrol yang menunjukkan perbaikan yang meyakinkan."
    ]
    parts = []
    if len(unsure):
        parts.append(
            "belum menunjukkan efek yang jelas (interval mencakup nol) untuk " + _grouped(unsure)
        )
    if len(worse):
        parts.append("memburuk untuk " + _grouped(worse))
    out.append(
        "Program " + ", dan ".join(parts) + "."
        if parts
        else "Tidak ada hasil terkontrol yang memburuk atau yang intervalnya mencakup nol."
    )
    pooled = constructs[constructs["pooled"].astype(bool)]
    if len(pooled):
        sure = " ".join(f"{r['summary_id']}" for _, r in pooled.iterrows())
    else:
        sure = (
            f"Belum ada konstruk yang diukur oleh paling sedikit {min_regions} wilayah dengan "
            "desain terkontrol, jadi sintesis ini tidak menghitung angka gabungan: setiap hasil "
            "berlaku untuk wilayahnya sendiri dan tidak boleh dibaca sebagai efek program di "
            "semua wilayah."
        )
    pre = regions[regions["design_class"] == "uncontrolled"]
    if len(pre):
        sure += (
            " Kenaikan sebelum-sesudah tanpa pembanding, untuk "
            + _grouped(pre)
            + ", termasuk efek tes ulang dan pematangan; angka itu bukan bukti efek program."
        )
    out.append(sure)
    out.append(_differences(constructs, regions))
    return out


def _differences(constructs: pd.DataFrame, regions: pd.DataFrame) -> str:
    n = len(constructs)
    single = int((constructs["regions_all"].str.count(",") == 0).sum()) if n else 0
    if n == 1:
        parts = ["Semua wilayah dalam sintesis ini mengukur satu konstruk yang sama."]
    else:
        tail = (
            ", dan setiap konstruk hanya diukur oleh satu wilayah."
            if single == n
            else f", {single} di antaranya hanya diukur oleh satu wilayah."
            if single
            else "."
        )
        parts = [f"Wilayah mengukur hal yang berbeda: {n} konstruk{tail}"]
    designs = regions[regions["design_class"] != "naive"]
    by_design = designs.groupby("design", sort=False)["region_name"].agg(
        lambda s: _list(list(pd.unique(s)))
    )
    if len(by_design) > 1:
        parts.append(
            "Desainnya juga berbeda: "
            + "; ".join(f"{design_label(d)} di {names}" for d, names in by_design.items())
            + "."
        )
    for _, r in constructs[constructs["pooled"].astype(bool)].iterrows():
        parts.append(f"{r['construct_label']}: {r['heterogeneity_id']}")
    return " ".join(parts)
