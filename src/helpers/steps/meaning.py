"""What an estimated effect means for a reader: its size against the comparison group's level,
in the outcome's unit, as a percent or a grade where that makes sense, with the strength of the
evidence in words that change with the evidence and the design's caveats.

One function, :func:`effect_meaning`, takes a row of the effects table (the columns written by
:mod:`helpers.steps.analysis`) and returns a frozen :class:`Meaning`; the report's summary, the
answers to the region's questions and the recommendations all read it, so they say the same.

Strength of evidence (the rule, in order):

=============== ===========================================================================
key             when
=============== ===========================================================================
uncontrolled    the design has no comparison group (a before/after gain)
better_strong   the interval excludes zero on the good side, p (BH) < 0.01, and a hidden
                confounder would need to explain at least 5% of the residual variance
                (robustness value) to remove it, where that is known
better          the interval excludes zero on the good side (weaker than the above)
worse           the interval excludes zero on the bad side
no_effect       the interval includes zero and rules out effects larger than the design's
                minimum detectable effect (MDE): no sign of a worthwhile effect
inconclusive    the interval includes zero but also effects larger than the MDE: the data
                cannot tell
=============== ===========================================================================

Examples
--------
>>> row = {"label": "Waktu tunggu layanan (menit)", "unit": "menit", "estimate": -5.71,
...        "ci_low": -7.43, "ci_high": -3.99, "p_adj": 0.0001, "mde": 1.3, "design": "did",
...        "controlled": True, "higher_is_better": False, "comparison_mean": 38.2}
>>> m = effect_meaning(row)
>>> m.change
'5,71 menit lebih cepat (IK 95%: 3,99–7,43 menit)'
>>> m.comparison
'kelompok pembanding rata-rata 38,20 menit, jadi 15% lebih rendah'
>>> m.strength
'better_strong'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from helpers.core.formatting import fmt_num, fmt_pct
from helpers.core.labels import in_sentence

__all__ = ["Meaning", "effect_meaning", "STRENGTHS"]

Language = Literal["id", "en"]

#: The keys of :attr:`Meaning.strength`, strongest evidence of improvement first.
STRENGTHS = ("better_strong", "better", "inconclusive", "no_effect", "worse", "uncontrolled")
_TIME_UNITS = ("menit", "jam", "hari", "minutes", "hours", "days")
_IKM_BANDS = ((88.31, "A", "Sangat Baik"), (76.61, "B", "Baik"), (65.0, "C", "Kurang Baik"))


@dataclass(frozen=True)
class Meaning:
    """The reader's account of one effect.

    Attributes
    ----------
    label : str
        The outcome, as the registry names it.
    change : str
        The size and direction in the outcome's unit, with the interval, worded for
        decreases ("5,7 menit lebih cepat (IK 95%: 4,7–6,6 menit lebih cepat)").
    comparison : str
        The comparison group's level, the percent change and a grade where they make sense;
        empty when unknown.
    strength : str
        One of :data:`STRENGTHS`.
    verdict : str
        The strength of the evidence in one sentence that names the outcome.
    good : bool or None
        True when the estimate points to an improvement, False when to a worsening, None when
        it is zero or missing.
    robustness : str
        For a controlled person-level estimate with evidence of an effect: how strong a hidden
        confounder would have to be to explain it away (the estimator's sentence); else empty.
    sentence : str
        ``change``, ``comparison``, ``verdict`` and ``robustness`` as one paragraph.
    """

    label: str
    change: str
    comparison: str
    strength: str
    verdict: str
    good: bool | None
    robustness: str = ""

    @property
    def sentence(self) -> str:
        first = f"{self.change}{'; ' + self.comparison if self.comparison else ''}."
        return " ".join(p for p in (first, self.verdict, self.robustness) if p)


def _num(row: Mapping[str, Any], key: str) -> float:
    value = row.get(key)
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out


def _is_time(unit: str) -> bool:
    return any(unit.strip().lower().startswith(u) for u in _TIME_UNITS)


def _is_scale(unit: str) -> bool:
    """Points on a rating scale or a predikat: a percent of them means nothing to a reader."""
    u = unit.lower()
    return any(
        w in u for w in ("skala", "scale", "predikat", "tingkat", "level", "persen", "percent")
    )


def _words(good_direction_up: bool, up: bool, unit: str, language: Language) -> str:
    if _is_time(unit):
        if language == "id":
            return "lebih lama" if up else "lebih cepat"
        return "longer" if up else "faster"
    if language == "id":
        return "lebih tinggi" if up else "lebih rendah"
    return "higher" if up else "lower"


def _short_unit(unit: str) -> str:
    """The unit without its bracketed scale: 'poin (skala 1–5)' -> 'poin'."""
    return unit.split(" (")[0].strip()


def _change(row: Mapping[str, Any], unit: str, language: Language) -> str:
    est, lo, hi = _num(row, "estimate"), _num(row, "ci_low"), _num(row, "ci_high")
    up_good = bool(row.get("higher_is_better", True))
    level = "IK 95%" if language == "id" else "95% CI"
    u = f" {unit}" if unit else ""
    short = f" {_short_unit(unit)}" if unit else ""
    if math.isnan(est):
        return ""
    word = _words(up_good, est > 0, unit, language)
    head = f"{fmt_num(abs(est), 2, language)}{u} {word}"
    if math.isnan(lo) or math.isnan(hi):
        return head
    if lo > 0 or hi < 0:  # the whole interval on one side: the same words apply
        a, b = sorted((abs(lo), abs(hi)))
        return f"{head} ({level}: {fmt_num(a, 2, language)}–{fmt_num(b, 2, language)}{short})"
    below = _words(up_good, False, unit, language)
    above = _words(up_good, True, unit, language)
    if language == "id":
        return (
            f"{head} ({level}: dari {fmt_num(abs(lo), 2, language)} {below} sampai "
            f"{fmt_num(hi, 2, language)} {above})"
        )
    return (
        f"{head} ({level}: from {fmt_num(abs(lo), 2, language)} {below} to "
        f"{fmt_num(hi, 2, language)} {above})"
    )


def _ikm_band(value: float) -> str:
    for floor, grade, name in _IKM_BANDS:
        if value >= floor:
            return f"{grade}, {name}"
    return "D, Tidak Baik"


def _comparison(row: Mapping[str, Any], unit: str, language: Language) -> str:
    base, est = _num(row, "comparison_mean"), _num(row, "estimate")
    if math.isnan(base) or math.isnan(est):
        return ""
    u = f" {_short_unit(unit)}" if unit else ""
    before_after = row.get("design") == "paired"
    if language == "id":
        who = "sebelum pelatihan rata-rata" if before_after else "kelompok pembanding rata-rata"
        text = f"{who} {fmt_num(base, 2, language)}{u}"
    else:
        who = (
            "before the training the average was"
            if before_after
            else "the comparison group averages"
        )
        text = f"{who} {fmt_num(base, 2, language)}{u}"
    construct = str(row.get("construct") or "")
    if construct == "public_satisfaction" or "ikm" in unit.lower():
        before, after = _ikm_band(base), _ikm_band(base + est)
        if language == "id":
            text += (
                f" (mutu {before}); dengan efek ini {fmt_num(base + est, 2, language)} "
                f"(mutu {after})"
            )
        else:
            text += f" (grade {before}); with this effect {fmt_num(base + est, 2, language)} (grade {after})"
    elif not _is_scale(unit) and base != 0:
        share = abs(est) / abs(base)
        text += (
            f", jadi {fmt_pct(share, 0, language)} {'lebih rendah' if est < 0 else 'lebih tinggi'}"
            if language == "id"
            else f", so {fmt_pct(share, 0, language)} {'lower' if est < 0 else 'higher'}"
        )
    return text


def _strength(row: Mapping[str, Any]) -> tuple[str, bool | None]:
    est, lo, hi = _num(row, "estimate"), _num(row, "ci_low"), _num(row, "ci_high")
    up_good = bool(row.get("higher_is_better", True))
    good = None if math.isnan(est) or est == 0 else (est > 0) == up_good
    controlled = row.get("controlled")
    if controlled is False or row.get("design") == "paired":
        return "uncontrolled", good
    if math.isnan(lo) or math.isnan(hi):
        return "inconclusive", good
    if lo > 0 or hi < 0:
        if not good:
            return "worse", good
        p = _num(row, "p_adj")
        p = _num(row, "p_value") if math.isnan(p) else p
        rv = _num(row, "rv_q")
        robust = math.isnan(rv) or rv >= 0.05
        return ("better_strong" if p < 0.01 and robust else "better"), good
    mde = _num(row, "mde")
    if not math.isnan(mde) and max(abs(lo), abs(hi)) <= mde:
        return "no_effect", good
    return "inconclusive", good


def _verdict(key: str, label: str, row: Mapping[str, Any], unit: str, language: Language) -> str:
    mde = _num(row, "mde")
    u = f" {unit}" if unit else ""
    if language == "id":
        texts = {
            "better_strong": f"Bukti kuat bahwa program memperbaiki {label}.",
            "better": f"Ada bukti bahwa program memperbaiki {label}, tetapi belum kuat.",
            "worse": f"Data menunjukkan {label} memburuk pada peserta; ini perlu ditelusuri.",
            "no_effect": (
                f"Tidak ada tanda efek yang berarti pada {label}: efek yang mungkin ada lebih "
                f"kecil dari {fmt_num(mde, 2, language)}{u}."
            ),
            "inconclusive": (
                f"Belum dapat disimpulkan apakah program mengubah {label}: data ini hanya dapat "
                f"melihat efek sebesar {fmt_num(mde, 2, language)}{u} atau lebih."
                if not math.isnan(mde)
                else f"Belum dapat disimpulkan apakah program mengubah {label}."
            ),
            "uncontrolled": (
                f"Ini perubahan sebelum–sesudah tanpa kelompok pembanding: ia juga memuat "
                f"kenaikan karena mengulang tes dan perubahan yang terjadi seiring waktu, jadi "
                f"belum dapat disebut efek program pada {label}."
            ),
        }
    else:
        texts = {
            "better_strong": f"Strong evidence that the programme improved {label}.",
            "better": f"Some evidence that the programme improved {label}, not yet strong.",
            "worse": f"The data show {label} worsening among participants; this needs a look.",
            "no_effect": (
                f"No sign of a worthwhile effect on {label}: any effect is smaller than "
                f"{fmt_num(mde, 2, language)}{u}."
            ),
            "inconclusive": (
                f"The data cannot tell whether the programme changed {label}: they can only see "
                f"effects of {fmt_num(mde, 2, language)}{u} or more."
                if not math.isnan(mde)
                else f"The data cannot tell whether the programme changed {label}."
            ),
            "uncontrolled": (
                f"This is a before/after change with no comparison group: it also holds retest "
                f"gains and change over time, so it is not yet a programme effect on {label}."
            ),
        }
    return texts[key]


def _few_units(row: Mapping[str, Any], language: Language) -> str:
    """A panel estimate from few units (dinas, schools) says so: one unit can move it."""
    from helpers.stats._common import FEW_CLUSTERS

    units = row.get("n_units")
    if units is None or (isinstance(units, float) and math.isnan(units)) or units >= FEW_CLUSTERS:
        return ""
    k = fmt_num(float(units), 0, language)
    if language == "en":
        return (
            f"This comparison rests on only {k} units: one unit that differs can move the "
            "number, and the interval above allows for that."
        )
    return (
        f"Perbandingan ini bertumpu pada {k} unit saja: satu unit yang berbeda dapat menggeser "
        "angkanya, dan interval di atas sudah memperhitungkannya."
    )


def effect_meaning(row: Mapping[str, Any], *, language: Language = "id") -> Meaning:
    """The reader's account of one effects-table row (see the module doc for the rule).

    Parameters
    ----------
    row : mapping
        A row of ``effects.parquet``: ``label``, ``unit``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_adj`` (or ``p_value``), ``mde``, ``design``, ``controlled``,
        ``higher_is_better``, ``comparison_mean``; ``construct`` and ``rv_q`` where known.
    language : {"id", "en"}
        Bahasa Indonesia (default) or English.

    Returns
    -------
    Meaning
    """
    label = str(row.get("label") or row.get("analysis") or "")
    unit = str(row.get("unit") or "")
    key, good = _strength(row)
    robustness = ""
    if key in ("better_strong", "better"):
        text = row.get(f"sensitivity_{language}")
        robustness = text.strip() if isinstance(text, str) else ""
    robustness = " ".join(t for t in (robustness, _few_units(row, language)) if t)
    return Meaning(
        label=label,
        change=_change(row, unit, language),
        comparison=_comparison(row, unit, language),
        strength=key,
        verdict=_verdict(key, in_sentence(label, drop_unit=True), row, unit, language),
        good=good,
        robustness=robustness,
    )
