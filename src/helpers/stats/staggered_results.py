"""What :func:`helpers.stats.staggered.staggered_did` returns: the group-time effects, their
aggregations, the event study, the pre-trend test and the two-way fixed-effects comparison,
as tables and as plain sentences."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.stats._common import _check_option, _fmt, _fmt_p, _level_text
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.effect import Effect, _mde_note
from helpers.stats.power import mde_from_se
from helpers.stats.wild_bootstrap import WildBootstrapResult

__all__ = [
    "AGGREGATIONS",
    "Aggregate",
    "PretrendTest",
    "StaggeredResult",
]

#: The aggregations of group-time effects, as R's ``did::aggte`` names them.
AGGREGATIONS = ("simple", "dynamic", "group", "calendar")

_CONTROL_TEXT = {
    "notyet": {
        "en": "units not yet treated in that period (and never-treated units)",
        "id": "unit yang belum dilatih pada periode itu (termasuk yang tidak pernah dilatih)",
    },
    "never": {
        "en": "never-treated units",
        "id": "unit yang tidak pernah dilatih",
    },
}

_AGG_TEXT = {
    "simple": {
        "en": "the average over all treated unit-periods",
        "id": "rata-rata atas semua unit-periode yang sudah dilatih",
    },
    "group": {
        "en": "the average of the cohorts' average effects, weighted by cohort size",
        "id": "rata-rata efek tiap kohort, dibobot menurut ukuran kohort",
    },
    "dynamic": {
        "en": "the average over event times 0 and later",
        "id": "rata-rata atas periode sejak pelatihan (0 dan sesudahnya)",
    },
    "calendar": {
        "en": "the average over calendar periods",
        "id": "rata-rata atas periode kalender",
    },
}


def _row(obj: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        row[f.name] = " | ".join(value) if isinstance(value, tuple) else value
    return row


@dataclass(frozen=True)
class Aggregate:
    """One aggregation of the group-time effects (R's ``aggte``), overall and by level.

    Attributes
    ----------
    type : str
        ``"simple"``, ``"dynamic"`` (event time), ``"group"`` (cohort) or ``"calendar"``.
    estimate, se : float
        The overall effect of this aggregation and its standard error.
    ci_low, ci_high : float
        Pointwise interval ``estimate +- c * se``, c the normal's (or with few clusters
        t(G-1)'s) critical value at ``alpha``.
    p_value : float
        Two-sided p-value of ``estimate / se`` on the same reference as the interval.
    p_value_bootstrap : float
        Share of multiplier-bootstrap draws with ``|theta* - theta|`` at least ``|theta|``
        (NaN with analytical inference).
    table : pandas.DataFrame
        By level (empty for ``simple``): ``level``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``band_low``, ``band_high`` (simultaneous band over the levels when the
        bootstrap is used, else equal to the pointwise interval), ``p_value``.
    critical_value : float
        Critical value of the band in ``table``.
    control_group : str
        ``"notyet"`` or ``"never"``.
    alpha : float
        Significance level.
    """

    type: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    p_value_bootstrap: float
    table: pd.DataFrame = field(repr=False, compare=False)
    critical_value: float
    control_group: str
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        """One row: the overall effect of this aggregation (``table`` left out)."""
        return pd.DataFrame([_row(self, ("table",))])


@dataclass(frozen=True)
class PretrendTest:
    """Joint test that the event-study coefficients before treatment are all zero.

    A test with limited power: not rejecting is not evidence that trends were parallel
    (Roth 2022, AER: Insights 4(3)); a pre-test also changes the distribution of what is
    reported after it. Read the leads' sizes and intervals, not only the p-value.

    Attributes
    ----------
    statistic : float
        ``F = (G - L) / (L G) * W``, W the Wald statistic of the L leads with their
        cluster-summed influence-function covariance (Hotelling's T-squared reference for G
        cluster contributions; tends to W / L as G grows); NaN if not computed.
    df_num, df_denom : int
        L (leads tested) and G - L.
    p_value : float
        ``P(F(L, G - L) > statistic)``.
    leads : tuple of int
        The event times tested (those nearest the start when capped).
    method : str
        What was tested and how, in one English sentence.
    gt_statistic, gt_p_value : float
        R ``did``'s own pre-test (chi-squared Wald test that every pre-treatment ATT(g,t) is
        zero, analytical covariance), as its ``summary`` prints; NaN where the library does not
        report it (singular covariance, clusters above the unit).
    """

    statistic: float
    df_num: int
    df_denom: int
    p_value: float
    leads: tuple[int, ...]
    method: str
    gt_statistic: float
    gt_p_value: float

    def summary_text(self, language: Literal["id", "en"] = "id") -> str:
        """One sentence: what was tested, the p-value, and what it cannot show."""
        _check_option("language", language, Literal["id", "en"])
        k = len(self.leads)
        p = _fmt_p(self.p_value, language)
        if language == "id":
            if not k or math.isnan(self.p_value):
                return (
                    "Uji tren pra-perlakuan tidak dapat dihitung (tidak ada koefisien pra-periode)."
                )
            return (
                f"Uji gabungan tren pra-perlakuan ({k} koefisien sebelum pelatihan dimulai, "
                f"semuanya nol): {p}. Uji ini berdaya rendah: tidak menolak bukan bukti bahwa "
                "tren paralel berlaku (Roth 2022)."
            )
        if not k or math.isnan(self.p_value):
            return "The pre-trend test could not be computed (no pre-period coefficients)."
        return (
            f"Joint pre-trend test ({k} coefficients before treatment starts, all zero): {p}. "
            "The test has limited power: not rejecting is not evidence of parallel trends "
            "(Roth 2022)."
        )


@dataclass(frozen=True)
class StaggeredResult:
    """Heterogeneity-robust difference in differences for a staggered roll-out.

    Attributes
    ----------
    outcome : str
        Outcome column.
    overall : str
        The aggregation that gives the headline numbers below.
    estimate, se, ci_low, ci_high, p_value : float
        The headline: ``aggregations[overall]``.
    group_time : pandas.DataFrame
        ATT(g,t): ``group`` (first treated period, in the data's time values), ``time``,
        ``rel_time`` (periods since the start), ``att``, ``se``, ``ci_low``, ``ci_high``,
        ``band_low``, ``band_high``, ``p_value``, ``post`` (True from ``g - anticipation``),
        ``n_units`` (units in the cohort).
    aggregations : mapping of str to Aggregate
        ``"simple"``, ``"dynamic"``, ``"group"``, ``"calendar"``.
    event_study : pandas.DataFrame
        The dynamic aggregation by event time from the same estimator, one row per event
        time, no end bins: ``rel_time``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``band_low``, ``band_high``, ``p_value``, ``pre``, ``reference``, ``n_cohorts``.
    pretrend : PretrendTest
        Joint test of the leads (limited power; see :class:`PretrendTest`).
    twfe : Effect or None
        The plain two-way fixed-effects coefficient on the same units and periods, CR1 by
        cluster (a comparison row; biased when effects differ by cohort or over time).
    twfe_bootstrap : WildBootstrapResult or None
        Wild cluster bootstrap of the TWFE coefficient (when clusters are few).
    control_group : str
        ``"notyet"`` or ``"never"``.
    est_method, base_period : str
        The 2x2 estimator (``"dr"``, ``"reg"``, ``"ipw"``) and base period (``"varying"`` or
        ``"universal"``), as R's ``did``.
    anticipation : int
        Periods of anticipation allowed.
    covariates : tuple of str
        Covariates of the conditional parallel-trends assumption.
    cohorts : pandas.DataFrame
        ``group`` and ``n_units`` for each cohort used.
    n_obs, n_treated_obs : int
        Unit-periods used, and those treated (``t >= g``).
    n_units, n_clusters, n_cohorts, n_never_treated : int
        Units used, clusters, cohorts, never-treated units.
    n_always_treated : int
        Units treated in or before the panel's first period: excluded (they can never be
        controls, and have no pre-period).
    n_unbalanced : int
        Units dropped because they are not observed in every period (R's ``did`` default).
    inference : str
        ``"analytical"`` (influence function) or ``"multiplier bootstrap"``.
    bootstrap_weights : str or None
        ``"Mammen"`` for the multiplier bootstrap, else None.
    bootstrap_draws : int or None
        B of the multiplier bootstrap.
    seed : int
        Seed of the bootstrap draws.
    df : float
        Degrees of freedom of the t reference of intervals and p-values (inf: the normal).
    small_sample : bool
        Whether the few-cluster correction (SE * sqrt(G/(G-1)), t(G-1)) was applied.
    alpha : float
        Significance level.
    se_note : str
        Standard errors and inference in one English sentence.
    notes : tuple of str
        Everything else a reader should know.
    results : object
        The library's group-time result (moderndid ``MPResult``).
    """

    outcome: str
    overall: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    group_time: pd.DataFrame = field(repr=False, compare=False)
    aggregations: Mapping[str, Aggregate] = field(repr=False, compare=False)
    event_study: pd.DataFrame = field(repr=False, compare=False)
    pretrend: PretrendTest = field(repr=False, compare=False)
    twfe: Effect | None = field(repr=False, compare=False)
    twfe_bootstrap: WildBootstrapResult | None = field(repr=False, compare=False)
    control_group: str = "notyet"
    est_method: str = "dr"
    base_period: str = "varying"
    anticipation: int = 0
    covariates: tuple[str, ...] = ()
    cohorts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    n_obs: int = 0
    n_treated_obs: int = 0
    n_units: int = 0
    n_clusters: int = 0
    n_cohorts: int = 0
    n_never_treated: int = 0
    n_always_treated: int = 0
    n_unbalanced: int = 0
    inference: str = "analytical"
    bootstrap_weights: str | None = None
    bootstrap_draws: int | None = None
    seed: int = 0
    df: float = math.inf
    small_sample: bool = False
    alpha: float = 0.05
    se_note: str = ""
    notes: tuple[str, ...] = ()
    results: Any = field(default=None, repr=False, compare=False)

    @property
    def ci_level(self) -> float:
        """Confidence level of the intervals, ``1 - alpha``."""
        return 1.0 - self.alpha

    def to_frame(self) -> pd.DataFrame:
        """One row per aggregation's overall effect, then the TWFE comparison row.

        Columns: ``estimator`` (``"callaway_santanna"`` or ``"twfe"``), ``aggregation``,
        ``headline`` (True for ``overall``), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``p_value_bootstrap``, ``control_group``, ``inference``, ``n_obs``,
        ``n_units``, ``n_clusters``, ``n_cohorts``, ``n_always_treated``, ``pretrend_p``,
        ``alpha``.

        Returns
        -------
        pandas.DataFrame
        """
        common = {
            "n_obs": self.n_obs,
            "n_units": self.n_units,
            "n_clusters": self.n_clusters,
            "n_cohorts": self.n_cohorts,
            "n_always_treated": self.n_always_treated,
            "pretrend_p": self.pretrend.p_value,
            "alpha": self.alpha,
        }
        rows = []
        for name in AGGREGATIONS:
            a = self.aggregations[name]
            rows.append(
                {"estimator": "callaway_santanna", "aggregation": name,
                 "headline": name == self.overall, "estimate": a.estimate, "se": a.se,
                 "ci_low": a.ci_low, "ci_high": a.ci_high, "p_value": a.p_value,
                 "p_value_bootstrap": a.p_value_bootstrap, "control_group": self.control_group,
                 "inference": self.inference, **common}
            )  # fmt: skip
        if self.twfe is not None:
            wb = self.twfe_bootstrap
            rows.append(
                {"estimator": "twfe", "aggregation": "twfe", "headline": False,
                 "estimate": self.twfe.estimate, "se": self.twfe.se,
                 "ci_low": wb.ci_low if wb is not None else self.twfe.ci_low,
                 "ci_high": wb.ci_high if wb is not None else self.twfe.ci_high,
                 "p_value": wb.p_value if wb is not None else self.twfe.p_value,
                 "p_value_bootstrap": wb.p_value if wb is not None else np.nan,
                 "control_group": "all untreated and already-treated unit-periods",
                 "inference": "wild cluster bootstrap" if wb is not None else "CR1, t(G-1)",
                 **common}
            )  # fmt: skip
        return pd.DataFrame(rows)

    def to_effect(self) -> Effect:
        """The headline as an :class:`~helpers.stats.effect.Effect` (design ``"did"``), for
        tables that stack effects of several designs."""
        gt = self.group_time
        n_treated = self.n_treated_obs
        return Effect(
            estimate=self.estimate,
            se=self.se,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            p_value=self.p_value,
            n=self.n_obs,
            n_treated=n_treated,
            n_control=self.n_obs - n_treated,
            design="did",
            outcome=self.outcome,
            treatment=None,
            se_type="bootstrap" if self.inference != "analytical" else "influence-function",
            effect_size=float("nan"),
            effect_size_type="not computed for the staggered estimator",
            assumption=ASSUMPTIONS["did"]["en"],
            se_note=self.se_note,
            notes=self.notes,
            alpha=self.alpha,
            df=self.df,
            mde=mde_from_se(self.se, self.df, alpha=self.alpha),
            mde_note=_mde_note(self.df, self.alpha),
            results=self.results,
            details={
                "estimator": "callaway_santanna",
                "aggregation": self.overall,
                "n_units": self.n_units,
                "n_clusters": self.n_clusters,
                "n_cohorts": self.n_cohorts,
                "group_time": gt,
            },
        )

    def summary_text(
        self,
        language: Literal["id", "en"] = "id",
        *,
        outcome_label: str | None = None,
        treatment_label: str | None = None,
        units: str | None = None,
        digits: int = 2,
    ) -> str:
        """Plain-language account: the robust estimate, its interval, the comparison group,
        the TWFE comparison, the pre-trend test and how the inference was done.

        Parameters
        ----------
        language : {"id", "en"}
            Bahasa Indonesia (decimal commas) or English.
        outcome_label, treatment_label, units : str, optional
            Names in prose (defaults: the column, "Pelatihan"/"The training", "poin"/"points").
        digits : int
            Decimals shown.

        Returns
        -------
        str
        """
        _check_option("language", language, Literal["id", "en"])
        lang = language
        outcome = outcome_label if outcome_label is not None else self.outcome
        if treatment_label is None:
            treatment_label = "Pelatihan" if lang == "id" else "The training"
        if units is None:
            units = "poin" if lang == "id" else "points"
        u = f" {units}" if units else ""
        est = self.estimate
        size, lo, hi = (_fmt(v, lang, digits) for v in (abs(est), self.ci_low, self.ci_high))
        level = _level_text(self.alpha)
        p = _fmt_p(self.p_value, lang)
        excludes = self.ci_low > 0 or self.ci_high < 0
        control = _CONTROL_TEXT[self.control_group][lang]
        agg = _AGG_TEXT[self.overall][lang]
        g, n_u, n_c = (_fmt(v, lang, 0) for v in (self.n_clusters, self.n_units, self.n_cohorts))
        if lang == "id":
            verb = "menaikkan" if est > 0 else ("menurunkan" if est < 0 else "tidak mengubah")
            text = (
                f"{treatment_label} diperkirakan {verb} {outcome} sebesar {size}{u} "
                f"(IK {level}%: {lo} sampai {hi}; {p}; {n_u} unit dalam {n_c} kohort mulai, "
                f"{g} klaster). Estimator DiD bertahap Callaway-Sant'Anna: {agg}; pembanding: "
                f"{control}. "
            )
            text += (
                "Interval ini tidak mencakup nol. "
                if excludes
                else "Interval ini mencakup nol, sehingga data belum dapat membedakan efek ini "
                "dari nol. "
            )
            if self.twfe is not None:
                wb = self.twfe_bootstrap
                boot = f" (bootstrap klaster liar: {_fmt_p(wb.p_value, lang)})" if wb else ""
                text += (
                    f"Sebagai pembanding, regresi efek tetap dua arah (TWFE) memberi "
                    f"{_fmt(self.twfe.estimate, lang, digits)}{u}{boot}; angka itu bisa bias bila "
                    "efek berbeda antarkohort atau berubah dari waktu ke waktu. "
                )
            text += self.pretrend.summary_text(lang) + " "
            if self.n_always_treated:
                text += (
                    f"{self.n_always_treated} unit yang sudah dilatih sejak periode pertama "
                    "tidak dipakai (tidak dapat menjadi pembanding). "
                )
            text += self._inference_text(lang)
            text += f" Asumsi: {ASSUMPTIONS['did']['id']}"
            return text
        verb = "raise" if est > 0 else ("lower" if est < 0 else "leave unchanged")
        text = (
            f"{treatment_label} is estimated to {verb} {outcome} by {size}{u} ({level}% CI: "
            f"{lo} to {hi}; {p}; {n_u} units in {n_c} start cohorts, {g} clusters). "
            f"Callaway-Sant'Anna staggered DiD: {agg}; comparison: {control}. "
        )
        text += (
            "The interval excludes zero. "
            if excludes
            else "The interval includes zero, so the data cannot rule out no effect. "
        )
        if self.twfe is not None:
            wb = self.twfe_bootstrap
            boot = f" (wild cluster bootstrap {_fmt_p(wb.p_value, lang)})" if wb else ""
            text += (
                f"For comparison, two-way fixed effects (TWFE) give "
                f"{_fmt(self.twfe.estimate, lang, digits)}{u}{boot}, which can be biased when "
                "effects differ between cohorts or change over time. "
            )
        text += self.pretrend.summary_text(lang) + " "
        if self.n_always_treated:
            text += (
                f"{self.n_always_treated} units treated from the first period were left out "
                "(they can never be a comparison). "
            )
        text += self._inference_text(lang)
        text += f" Assumption: {ASSUMPTIONS['did']['en']}"
        return text

    def _inference_text(self, lang: str) -> str:
        g = _fmt(self.n_clusters, lang, 0)
        df = _fmt(self.df, lang, 0)
        b = _fmt(self.bootstrap_draws or 0, lang, 0)
        if lang == "id":
            text = (
                f"Galat baku analitik (fungsi pengaruh), {g} klaster"
                if self.inference == "analytical"
                else f"Galat baku dari bootstrap pengganda per klaster (bobot Mammen, B = {b}, "
                f"seed {self.seed}, {g} klaster)"
            )
            if self.small_sample:
                text += f"; karena klaster sedikit, interval dan p memakai distribusi t({df})"
            return text + "."
        text = (
            f"Analytical (influence-function) standard errors, {g} clusters"
            if self.inference == "analytical"
            else f"Standard errors from the cluster multiplier bootstrap (Mammen weights, "
            f"B = {b}, seed {self.seed}, {g} clusters)"
        )
        if self.small_sample:
            text += f"; with few clusters, intervals and p-values use t({df})"
        return text + "."
