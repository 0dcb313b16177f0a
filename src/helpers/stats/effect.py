"""The result of every effect estimator: :class:`Effect` (one set of numbers, given as a table
and as a sentence), and :func:`effects_table` for several."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import _check_option, _fmt, _fmt_p, _level_text
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.literals import Language, PAdjustMethod
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.power import mde_from_se
from helpers.stats.sensitivity import Sensitivity, _nan_sensitivity_row, sensitivity

#: The power and the designs behind every Effect's ``mde``.
MDE_POWER = 0.8
#: Designs whose rows are unit-periods of a panel.
PANEL_DESIGNS = frozenset({"did", "twfe"})

__all__ = [
    "Effect",
    "effects_table",
]


# --------------------------------------------------------------------------------------------
# the result object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """One estimated programme effect, with everything a reader needs to judge it.

    Attributes
    ----------
    estimate : float
        The effect in outcome units (treated minus control; post minus pre for ``paired``).
    se : float
        Standard error of ``estimate`` (see ``se_type`` and ``se_note``).
    ci_low, ci_high : float
        Confidence interval at level ``1 - alpha``.
    p_value : float
        Two-sided p-value for "no effect".
    n : int
        Observations used (pairs for ``paired``; rows, i.e. unit-periods, for ``did``).
    n_treated, n_control : int
        Observations with treatment 1 and 0 (for ``paired``: ``n`` and 0).
    design : str
        The design (see :func:`estimate_effect`).
    outcome : str
        Outcome column.
    treatment : str or None
        Treatment column (None for a ``paired`` design without one).
    se_type : str
        ``classical``, ``HC0``-``HC3``, ``CR1``, ``paired``, ``model-based``, ``M-estimation``
        (stacked sandwich of ipw/aipw) or ``bootstrap``.
    effect_size : float
        Standardised effect (see ``effect_size_type``).
    effect_size_type : str
        How ``effect_size`` was standardised, in words.
    assumption : str
        The design's identifying assumption in one plain sentence.
    se_note : str
        The standard error and its small-sample correction in one plain sentence.
    notes : tuple of str
        Everything else a reader should know: dropped rows, trimming, warnings, few clusters.
    alpha : float
        Significance level; the interval level is ``1 - alpha``.
    df : float
        Degrees of freedom of the t distribution used (``inf``: normal distribution).
    mde : float
        Minimum detectable effect in outcome units at 80% power with a two-sided test at
        ``alpha``: ``(t_{1-alpha/2, df} + t_{0.8, df}) * se`` (Bloom 1995), from this design's
        own SE and df (so a clustered SE carries the design effect).
    mde_note : str
        How ``mde`` was computed, in one sentence.
    controlled : bool
        False for an uncontrolled before/after comparison (``paired``), whose change includes
        retest and maturation gains; True for designs with a comparison group.
    estimand : str or None
        ``"ATT"`` or ``"ATE"`` for the weighting designs; None where the design does not name
        one (regression coefficients).
    n_trimmed_treated, n_trimmed_control : int
        Treated and untreated rows dropped by propensity-score trimming (0 without trimming).
    sensitivity : Sensitivity or None
        Robustness value, partial R² and E-value (:mod:`helpers.stats.sensitivity`) for the
        person-level designs with a comparison group; None for ``paired``, ``did``/``twfe``.
    results : object
        The fitted statsmodels results (pingouin frame for ``paired``), for inspection. Not
        part of the repr, equality or :meth:`to_frame`.
    details : mapping
        Extra objects: ``"ipw"`` (:class:`PropensityWeights`) for ``ipw``,
        ``"bootstrap"`` (array of re-estimates), ``"k"`` (parameters counted in CR1), ...
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    n_treated: int
    n_control: int
    design: str
    outcome: str
    treatment: str | None
    se_type: str
    effect_size: float
    effect_size_type: str
    assumption: str
    se_note: str
    notes: tuple[str, ...]
    alpha: float
    df: float
    mde: float = float("nan")
    mde_note: str = ""
    controlled: bool = True
    estimand: str | None = None
    n_trimmed_treated: int = 0
    n_trimmed_control: int = 0
    sensitivity: Sensitivity | None = field(default=None, repr=False, compare=False)
    results: Any = field(default=None, repr=False, compare=False)
    details: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ci_level(self) -> float:
        """Confidence level of the interval, ``1 - alpha``."""
        return 1.0 - self.alpha

    def mde_at(self, *, power: float = MDE_POWER, alpha: float | None = None) -> float:
        """Minimum detectable effect at another power or level, from this design's SE and df.

        Parameters
        ----------
        power : float
            Probability of detecting the effect.
        alpha : float, optional
            Two-sided level (default: the Effect's).

        Returns
        -------
        float
            ``(t_{1-alpha/2, df} + t_{power, df}) * se`` (Bloom 1995).

        Examples
        --------
        >>> import pandas as pd
        >>> from helpers.stats import estimate_effect
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 7], "t": [0, 0, 0, 1, 1, 1]})
        >>> e = estimate_effect(df, "y", "t", design="diff")
        >>> e.mde_at() == e.mde
        True
        """
        return mde_from_se(self.se, self.df, alpha=self.alpha if alpha is None else alpha,
                           power=power)  # fmt: skip

    def to_frame(self) -> pd.DataFrame:
        """One row with every field except ``results``, ``details`` and ``sensitivity``, then
        the sensitivity's ``partial_r2``, ``rv_q``, ``rv_qa``, ``evalue``, ``evalue_ci`` and its
        sentences ``sensitivity_id``/``sensitivity_en`` (NaN/None where the design has none).

        ``notes`` is joined into one string with ``" | "`` so the row can be written to Parquet.

        Returns
        -------
        pandas.DataFrame
            One row; columns in field order, then the sensitivity columns.

        Examples
        --------
        >>> import pandas as pd
        >>> from helpers.stats import estimate_effect
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 7], "t": [0, 0, 0, 1, 1, 1]})
        >>> estimate_effect(df, "y", "t", design="diff").to_frame()[["estimate", "n"]]
           estimate  n
        0  3.333333  6
        """
        row: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("results", "details", "sensitivity"):
                continue
            value = getattr(self, f.name)
            row[f.name] = " | ".join(value) if f.name == "notes" else value
        sens = self.sensitivity
        if sens is None:
            row.update(_nan_sensitivity_row())
        else:
            row.update(
                partial_r2=sens.partial_r2,
                rv_q=sens.rv_q,
                rv_qa=sens.rv_qa,
                evalue=sens.evalue,
                evalue_ci=sens.evalue_ci,
                sensitivity_id=sens.text("id"),
                sensitivity_en=sens.text("en"),
            )
        return pd.DataFrame([row])

    def _effect_size_name(self, language: str) -> str:
        if self.effect_size_type.startswith("Hedges"):
            return self.effect_size_type.split(" (")[0]
        if language == "id":
            return "efek dibagi simpangan baku gabungan"
        return "effect divided by the pooled SD"

    def summary_text(
        self,
        language: Language = "id",
        *,
        outcome_label: str | None = None,
        treatment_label: str | None = None,
        units: str | None = None,
        digits: int = 2,
    ) -> str:
        """Plain-language account of the estimate: size, interval, its level, zero, assumption.

        Parameters
        ----------
        language : {"id", "en"}
            Bahasa Indonesia (decimal commas) or English.
        outcome_label : str, optional
            Name of the outcome in prose (default: the column name).
        treatment_label : str, optional
            Name of the programme in prose (default "Pelatihan" / "The training").
        units : str, optional
            Outcome units (default "poin" / "points"; "" for none).
        digits : int
            Decimals shown.

        Returns
        -------
        str

        Examples
        --------
        >>> import pandas as pd
        >>> from helpers.stats import estimate_effect
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 7], "t": [0, 0, 0, 1, 1, 1]})
        >>> e = estimate_effect(df, "y", "t", design="diff")
        >>> e.summary_text("id", outcome_label="skor kepuasan kerja")[:68]
        'Pelatihan diperkirakan menaikkan skor kepuasan kerja sebesar 3,33 po'
        """
        _check_option("language", language, Language)
        lang = language
        outcome = outcome_label if outcome_label is not None else self.outcome
        if treatment_label is None:
            treatment_label = "Pelatihan" if lang == "id" else "The training"
        if units is None:
            units = "poin" if lang == "id" else "points"
        unit_txt = f" {units}" if units else ""
        level = _level_text(self.alpha)
        sig = _level_text(1 - self.alpha)
        est = self.estimate
        excludes = self.ci_low > 0 or self.ci_high < 0
        lo, hi = _fmt(self.ci_low, lang, digits), _fmt(self.ci_high, lang, digits)
        size = _fmt(abs(est), lang, digits)
        p = _fmt_p(self.p_value, lang)
        mde = _fmt(self.mde, lang, digits)
        trimmed = self.n_trimmed_treated + self.n_trimmed_control
        if lang == "id":
            verb = "menaikkan" if est > 0 else ("menurunkan" if est < 0 else "tidak mengubah")
            change = "kenaikan" if est > 0 else "penurunan"
            if self.design == "paired":
                direction = "naik" if est > 0 else ("turun" if est < 0 else "tidak berubah")
                first = (
                    f"Dari sebelum ke sesudah, rata-rata {outcome} {direction} sebesar "
                    f"{size}{unit_txt}"
                )
                sample = f"n = {self.n} pasang"
            else:
                first = f"{treatment_label} diperkirakan {verb} {outcome} sebesar {size}{unit_txt}"
                if self.design in PANEL_DESIGNS:
                    units_n = self.details.get("n_units", "?")
                    sample = f"n = {self.n} pengamatan unit-periode dari {units_n} unit"
                else:
                    sample = f"n = {self.n}: {self.n_treated} peserta, {self.n_control} pembanding"
            text = f"{first} (IK {level}%: {lo} sampai {hi}; {p}; {sample}). "
            if excludes:
                text += (
                    f"Interval ini tidak mencakup nol, sehingga data mendukung adanya {change} "
                    f"yang nyata pada taraf signifikansi {sig}%. "
                )
            else:
                text += (
                    "Interval ini mencakup nol, sehingga data belum dapat membedakan efek ini "
                    "dari nol. "
                )
            if not self.controlled:
                text += (
                    "Tanpa kelompok pembanding, perubahan ini juga memuat kenaikan karena "
                    "mengerjakan tes yang sama untuk kedua kalinya dan perubahan alami seiring "
                    "waktu; ia belum dapat disebut efek program. "
                )
            if trimmed:
                text += (
                    f"Sebanyak {self.n_trimmed_treated} peserta dan {self.n_trimmed_control} "
                    "pembanding dengan skor kecenderungan ekstrem dikeluarkan dari perhitungan. "
                )
            if np.isfinite(self.effect_size):
                text += (
                    f"Ukuran efek terstandar: {_fmt(self.effect_size, lang, digits)} "
                    f"({self._effect_size_name(lang)}). "
                )
            if np.isfinite(self.mde):
                text += (
                    f"Efek terkecil yang dapat dideteksi desain ini (kekuatan uji 80%, taraf "
                    f"{sig}%): {mde}{unit_txt}. "
                )
            if self.sensitivity is not None:
                text += self.sensitivity.text("id") + " "
            text += f"Asumsi desain ini: {ASSUMPTIONS[self.design]['id']}"
        else:
            verb = "raise" if est > 0 else ("lower" if est < 0 else "leave unchanged")
            change = "increase" if est > 0 else "decrease"
            if self.design == "paired":
                direction = "rose" if est > 0 else ("fell" if est < 0 else "did not change")
                first = f"From before to after, mean {outcome} {direction} by {size}{unit_txt}"
                sample = f"n = {self.n} pairs"
            else:
                first = f"{treatment_label} is estimated to {verb} {outcome} by {size}{unit_txt}"
                if self.design in PANEL_DESIGNS:
                    units_n = self.details.get("n_units", "?")
                    sample = f"n = {self.n} unit-period observations of {units_n} units"
                else:
                    sample = f"n = {self.n}: {self.n_treated} treated, {self.n_control} comparison"
            text = f"{first} ({level}% CI: {lo} to {hi}; {p}; {sample}). "
            if excludes:
                text += (
                    f"The interval excludes zero, so the data support a real {change} at the "
                    f"{sig}% significance level. "
                )
            else:
                text += "The interval includes zero, so the data cannot rule out no effect. "
            if not self.controlled:
                text += (
                    "Without a comparison group this change also includes retest gains (taking "
                    "the same test a second time) and maturation (change that comes with time); "
                    "it is not a programme effect without that caveat. "
                )
            if trimmed:
                text += (
                    f"{self.n_trimmed_treated} treated and {self.n_trimmed_control} comparison "
                    "rows with extreme propensity scores were left out. "
                )
            if np.isfinite(self.effect_size):
                text += (
                    f"Standardised effect: {_fmt(self.effect_size, lang, digits)} "
                    f"({self._effect_size_name(lang)}). "
                )
            if np.isfinite(self.mde):
                text += (
                    f"Smallest effect this design can detect (80% power, {sig}% level): "
                    f"{mde}{unit_txt}. "
                )
            if self.sensitivity is not None:
                text += self.sensitivity.text("en") + " "
            text += f"Assumption of this design: {ASSUMPTIONS[self.design]['en']}"
        return text


def _mde_note(df: float, alpha: float) -> str:
    dist = "normal quantiles" if math.isinf(df) else f"t quantiles with {df:g} df"
    return (
        f"Minimum detectable effect at {100 * MDE_POWER:g}% power with a two-sided test at the "
        f"{_level_text(1 - alpha)}% level: (q_{{1-alpha/2}} + q_{{{MDE_POWER:g}}}) x SE with "
        f"{dist} (Bloom 1995), from this design's own standard error."
    )


def _build_effect(
    *,
    estimate: float,
    se: float,
    df: float,
    alpha: float,
    n: int,
    n_treated: int,
    n_control: int,
    design: str,
    outcome: str,
    treatment: str | None,
    se_type: str,
    se_note: str,
    notes: list[str] | tuple[str, ...],
    effect_size: float,
    effect_size_type: str,
    results: Any = None,
    details: Mapping[str, Any] | None = None,
    p_value: float | None = None,
    estimand: str | None = None,
    n_trimmed: tuple[int, int] = (0, 0),
    sensitivity_dof: float | None = None,
    sensitivity_sd: float | None = None,
) -> Effect:
    """An Effect from an estimate, its SE and df: the interval, p-value (t with ``df``, normal
    when infinite), MDE and, given ``sensitivity_dof``, the sensitivity to hidden bias."""
    if not np.isfinite(se) or se <= 0:
        raise EstimationError(
            f"the standard error of {treatment or outcome!r} is not a positive finite number "
            f"({se_type}); an observation may have leverage 1 (e.g. a category with a single "
            "row) or the residuals are all zero"
        )
    dist = stats.norm if math.isinf(df) else stats.t(df)
    q = float(dist.ppf(1 - alpha / 2))
    if p_value is None:
        p_value = float(2 * dist.sf(abs(estimate / se)))
    sens = None
    if sensitivity_dof is not None and sensitivity_dof > 1:
        sens = sensitivity(estimate, se, sensitivity_dof, sd=sensitivity_sd or float("nan"),
                           alpha=alpha)  # fmt: skip
    return Effect(
        estimate=float(estimate),
        se=float(se),
        ci_low=float(estimate - q * se),
        ci_high=float(estimate + q * se),
        p_value=float(p_value),
        n=int(n),
        n_treated=int(n_treated),
        n_control=int(n_control),
        design=design,
        outcome=outcome,
        treatment=treatment,
        se_type=se_type,
        effect_size=float(effect_size),
        effect_size_type=effect_size_type,
        assumption=ASSUMPTIONS[design]["en"],
        se_note=se_note,
        notes=tuple(notes),
        alpha=float(alpha),
        df=float(df),
        mde=mde_from_se(se, df, alpha=alpha, power=MDE_POWER),
        mde_note=_mde_note(df, alpha),
        controlled=design != "paired",
        estimand=estimand,
        n_trimmed_treated=int(n_trimmed[0]),
        n_trimmed_control=int(n_trimmed[1]),
        sensitivity=sens,
        results=results,
        details=dict(details or {}),
    )


def _effect_from_regression(
    res: Any,
    *,
    term: str,
    y: np.ndarray,
    t: np.ndarray,
    design: str,
    outcome: str,
    treatment: str,
    se_type: str,
    se_note: str,
    notes: list[str],
    alpha: float,
    effect_size: float,
    effect_size_type: str,
    details: Mapping[str, Any] | None = None,
    sensitivity_sd: float | None = None,
    estimand: str | None = None,
    n_trimmed: tuple[int, int] = (0, 0),
) -> Effect:
    """An Effect from a statsmodels least-squares fit; ``sensitivity_sd`` (the outcome's SD)
    asks for the sensitivity to hidden bias, read against the residual df ``N - K``."""
    df = getattr(res, "df_resid_inference", None)
    if df is None:
        df = res.df_resid if res.use_t else math.inf
    return _build_effect(
        estimate=float(res.params[term]), se=float(res.bse[term]), df=float(df), alpha=alpha,
        n=int(y.size), n_treated=int((t == 1).sum()), n_control=int((t == 0).sum()),
        design=design, outcome=outcome, treatment=treatment, se_type=se_type, se_note=se_note,
        notes=notes, effect_size=effect_size, effect_size_type=effect_size_type, results=res,
        details=details, p_value=float(res.pvalues[term]), estimand=estimand,
        n_trimmed=n_trimmed,
        sensitivity_dof=float(res.df_resid) if sensitivity_sd is not None else None,
        sensitivity_sd=sensitivity_sd,
    )  # fmt: skip


def effects_table(
    effects: Iterable[Effect], *, adjust: PAdjustMethod | None = "fdr_bh"
) -> pd.DataFrame:
    """Stack effects into one table (one row each) and add adjusted p-values.

    Parameters
    ----------
    effects : iterable of Effect
        The estimates of one family of outcomes.
    adjust : str or None
        Method of :func:`adjust_pvalues` applied across the rows; None keeps
        ``p_adj = p_value``.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Effect.to_frame` plus ``p_adj`` and ``p_adj_method``.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats import estimate_effect
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 5], "b": [2.0, 1, 4, 3], "t": [0, 0, 1, 1]})
    >>> tab = effects_table([estimate_effect(df, y, "t", design="diff") for y in "ab"])
    >>> tab[["outcome", "estimate"]].round(3).to_dict("list")
    {'outcome': ['a', 'b'], 'estimate': [2.5, 2.0]}
    """
    if adjust is not None:
        _check_option("adjust", adjust, PAdjustMethod)
    items = list(effects)
    if not items:
        raise ConfigError("effects_table needs at least one Effect")
    for e in items:
        if not isinstance(e, Effect):
            raise TypeError(f"effects must be Effect objects, got {type(e).__name__}")
    table = pd.concat([e.to_frame() for e in items], ignore_index=True)
    if adjust is None:
        table["p_adj"] = table["p_value"]
        table["p_adj_method"] = "none"
    else:
        table["p_adj"] = adjust_pvalues(table["p_value"], method=adjust)
        table["p_adj_method"] = adjust
    return table
