"""Programme effects: did a training work, by how much, and how sure are we.

A layer-4 general tool: every function takes a plain :class:`pandas.DataFrame` and column names,
knows nothing of regions or files, and returns a frozen dataclass or a DataFrame. Numbers are
computed once, in the estimators; tables (:meth:`Effect.to_frame`, :func:`effects_table`) and
prose (:meth:`Effect.summary_text`) only format them.

Designs of :func:`estimate_effect` and their identifying assumptions
--------------------------------------------------------------------
======== ===================================================== ======================================
design   model                                                 default standard error
======== ===================================================== ======================================
diff     OLS ``y ~ 1 + T`` (optionally WLS)                    HC2 (= Welch's SE), t with N-2 df
ancova   OLS ``y ~ 1 + T + baseline + covariates``              HC2, t with N-K df; CR1 if ``cluster``
ipw      propensity Logit, ATT/ATE weights, WLS ``y ~ 1 + T``  HC2 (ignores the estimated score)
did      ``y ~ T + unit effects + period effects`` (TWFE)      CR1 clustered by unit, t with G-1 df
paired   mean of ``post - pre`` (pingouin paired t test)       SD(d)/sqrt(n), t with n-1 df
mixed    MixedLM ``y ~ 1 + T + ...`` + random intercept        model-based (REML), Wald z
======== ===================================================== ======================================

Small-sample corrections (N observations, K estimated coefficients, G clusters, h_ii leverage)
------------------------------------------------------------------------------------------------
- ``classical``: ``s^2 (X'X)^-1`` with ``s^2 = e'e / (N - K)``.
- ``HC0``: ``(X'X)^-1 X' diag(e_i^2) X (X'X)^-1`` (White 1980), no correction.
- ``HC1``: HC0 times ``N / (N - K)`` (Stata's ``robust``).
- ``HC2``: ``e_i^2`` replaced by ``e_i^2 / (1 - h_ii)`` (MacKinnon & White 1985). For a
  difference in means this is exactly ``sqrt(s_1^2/n_1 + s_0^2/n_0)``, Welch's standard error.
- ``HC3``: ``e_i^2 / (1 - h_ii)^2`` (close to the jackknife; conservative).
- ``cluster`` (CR1): ``G/(G-1) * (N-1)/(N-K)`` times the cluster sandwich, as statsmodels'
  ``cov_type="cluster"`` with ``use_correction=True``; t with ``G - 1`` df (``df_correction``).
  For ``did`` and :func:`event_study` the unit effects are absorbed by the within-unit
  transformation and, when units are nested in the clusters, are not counted in K (fixest's
  default ``fixef.K = "nested"``, as reghdfe): K = treatment + covariates + (periods - 1).
  When units are not nested in the clusters, unit dummies are estimated and counted in K.

All t-based intervals use the t distribution with the degrees of freedom stated in
:attr:`Effect.df` (``inf`` for normal-based intervals).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import pingouin as pg
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower, TTestPower

from helpers.errors import ConfigError, EstimationError

__all__ = [
    "Design",
    "SEType",
    "Estimand",
    "PAdjustMethod",
    "MetaMethod",
    "Effect",
    "PropensityWeights",
    "EventStudyResult",
    "MDEResult",
    "SampleSizeResult",
    "MetaResult",
    "estimate_effect",
    "ipw_weights",
    "balance_table",
    "event_study",
    "minimum_detectable_effect",
    "required_sample_size",
    "adjust_pvalues",
    "effects_table",
    "random_effects_meta",
]

Design = Literal["diff", "ancova", "ipw", "did", "paired", "mixed"]
SEType = Literal["classical", "robust", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"]
Estimand = Literal["ATT", "ATE"]
PAdjustMethod = Literal[
    "fdr_bh",
    "fdr_by",
    "bonferroni",
    "holm",
    "sidak",
    "holm-sidak",
    "simes-hochberg",
    "hommel",
]
MetaMethod = Literal["dl", "pm", "reml"]
MetaCI = Literal["z", "hksj"]
MDEDesign = Literal["diff", "ancova", "paired"]
Language = Literal["id", "en"]

#: Below this number of clusters, cluster-robust inference is unreliable: a note recommends the
#: wild-cluster bootstrap (Cameron, Gelbach & Miller 2008; Roodman et al. 2019).
FEW_CLUSTERS = 10

# Which values of ``se`` each design accepts; the first is what "robust" means there.
_SE_ALLOWED: dict[str, tuple[str, ...]] = {
    "diff": ("robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"),
    "ancova": ("robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"),
    "ipw": ("robust", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"),
    "did": ("robust", "cluster"),
    "paired": ("robust", "classical"),
    "mixed": ("robust", "classical"),
}

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

_SE_SENTENCES = {
    "classical": "Classical OLS standard errors assuming one error variance for all "
    "observations{welch}; t distribution with N-K = {df:g} degrees of freedom.",
    "HC0": "Heteroskedasticity-robust standard errors HC0 (White 1980), no small-sample "
    "correction; t distribution with N-K = {df:g} degrees of freedom.",
    "HC1": "Heteroskedasticity-robust standard errors HC1: HC0 times N/(N-K) (Stata's robust); "
    "t distribution with N-K = {df:g} degrees of freedom.",
    "HC2": "Heteroskedasticity-robust standard errors HC2: squared residuals divided by "
    "(1-h_ii){welch}; t distribution with N-K = {df:g} degrees of freedom.",
    "HC3": "Heteroskedasticity-robust standard errors HC3: squared residuals divided by "
    "(1-h_ii)^2 (close to the jackknife, conservative); t distribution with N-K = {df:g} "
    "degrees of freedom.",
}


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _check_option(name: str, value: object, allowed: Any) -> None:
    """Raise ConfigError unless ``value`` is one of the values of the Literal ``allowed``."""
    choices = get_args(allowed)
    if value not in choices:
        raise ConfigError(
            f"{name}={value!r} is not allowed; expected one of {', '.join(map(repr, choices))}"
        )


def _check_alpha(alpha: float) -> None:
    if not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ConfigError(f"alpha={alpha!r} must be a number strictly between 0 and 1")


def _level_text(alpha: float) -> str:
    """Confidence level as a percentage without trailing zeros: 0.05 -> '95', 0.025 -> '97.5'."""
    return f"{100 * (1 - alpha):.2f}".rstrip("0").rstrip(".")


def _fmt(x: float, language: str, digits: int = 2) -> str:
    """Format a number; Indonesian uses a decimal comma and a dot for thousands."""
    if not np.isfinite(x):
        return "NA"
    text = f"{x:,.{digits}f}"
    if language == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _fmt_p(p: float, language: str) -> str:
    if not np.isfinite(p):
        return "p = NA"
    if p < 0.001:
        return "p < " + _fmt(0.001, language, 3)
    return "p = " + _fmt(p, language, 3)


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Record every warning raised inside the block as text instead of letting it reach stderr.

    The outer warning filters (even ``simplefilter("error")``) do not apply inside the block.
    """
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
    seen: set[str] = set()
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message).strip().rstrip('.')}"
        if text not in seen:
            seen.add(text)
            messages.append(text)


def _as_names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_frame(data: object) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise EstimationError("data has no rows")
    return data


def _check_columns(data: pd.DataFrame, roles: Mapping[str, Iterable[str]]) -> None:
    """Every named column exists exactly once; the message names the role and the column."""
    for role, names in roles.items():
        for name in names:
            if name not in data.columns:
                raise ConfigError(
                    f"{role} column {name!r} is not in data; available columns: "
                    f"{', '.join(map(str, data.columns[:20]))}"
                    + (" ..." if data.shape[1] > 20 else "")
                )
            if isinstance(data[name], pd.DataFrame):
                raise ConfigError(f"{role} column {name!r} appears more than once in data")


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype)


def _to_float(s: pd.Series, role: str) -> np.ndarray:
    """Numeric, boolean and nullable columns -> float64 array (NaN for missing), before any
    arithmetic, so that int8 columns cannot overflow."""
    if _is_numeric(s):
        out = s.to_numpy(dtype=np.float64, na_value=np.nan)
    elif s.dtype == object:
        try:
            out = pd.to_numeric(s, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise EstimationError(
                f"{role} column {s.name!r} must be numeric; found non-numeric values "
                f"such as {s.dropna().astype(str).iloc[:3].tolist()}"
            ) from None
    else:
        raise EstimationError(f"{role} column {s.name!r} must be numeric; found dtype {s.dtype}")
    if np.isinf(out).any():
        raise EstimationError(f"{role} column {s.name!r} holds infinite values")
    return out


def _to_treatment(s: pd.Series, role: str = "treatment") -> np.ndarray:
    """0/1 or boolean column -> float64 array of 0.0/1.0 (NaN for missing)."""
    if not _is_numeric(s):
        raise EstimationError(
            f"{role} column {s.name!r} must hold 0/1 or True/False; found dtype {s.dtype}"
        )
    out = s.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isnan(out) & (out != 0) & (out != 1)
    if bad.any():
        values = sorted(set(out[bad].tolist()))[:5]
        raise EstimationError(
            f"{role} column {s.name!r} must hold 0/1 or True/False; found values {values}"
        )
    return out


def _covariate_matrix(data: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Covariates as float columns: numbers and booleans as they are, categories/strings as
    dummies for every level but the first (``name[level]``)."""
    parts: list[pd.DataFrame] = []
    for name in names:
        s = data[name]
        if _is_numeric(s) or (s.dtype == object and _object_is_numeric(s)):
            parts.append(pd.DataFrame({name: _to_float(s, "covariate")}, index=data.index))
        else:
            levels = (
                list(s.cat.categories)
                if isinstance(s.dtype, pd.CategoricalDtype)
                else sorted(s.dropna().astype(str).unique())
            )
            present = [lv for lv in levels if (s.astype(str) == str(lv)).any()]
            text = s.astype(str)
            dummies = {
                f"{name}[{lv}]": (text == str(lv)).to_numpy(dtype=np.float64) for lv in present[1:]
            }
            parts.append(pd.DataFrame(dummies, index=data.index))
    if not parts:
        return pd.DataFrame(index=data.index)
    return pd.concat(parts, axis=1)


def _object_is_numeric(s: pd.Series) -> bool:
    try:
        pd.to_numeric(s, errors="raise")
    except (TypeError, ValueError):
        return False
    return True


def _drop_missing(
    data: pd.DataFrame,
    roles: Mapping[str, Sequence[str]],
    notes: list[str],
    also: Sequence[str] = (),
) -> pd.DataFrame:
    """Rows with a missing value in any used column are dropped; the count goes to ``notes``.

    Columns in ``also`` are carried along without a missing-value check.
    """
    used: list[str] = []
    for names in roles.values():
        used.extend(n for n in names if n not in used)
    frame = data.loc[:, used + [c for c in also if c not in used]].reset_index(drop=True)
    missing = frame.loc[:, used].isna()
    rows = missing.any(axis=1)
    if rows.any():
        per_col = [
            f"{role} {name!r}: {int(missing[name].sum())}"
            for role, names in roles.items()
            for name in names
            if missing[name].any()
        ]
        notes.append(
            f"{int(rows.sum())} of {len(frame)} rows dropped because of missing values "
            f"({'; '.join(dict.fromkeys(per_col))})."
        )
        frame = frame.loc[~rows].reset_index(drop=True)
    if len(frame) == 0:
        raise EstimationError("no rows left after dropping rows with missing values")
    return frame


def _check_groups(t: np.ndarray, treatment: str) -> tuple[int, int]:
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if n1 == 0 or n0 == 0:
        which = "treated (1)" if n1 else "untreated (0)"
        raise EstimationError(
            f"only one group in treatment column {treatment!r}: all {len(t)} usable rows are "
            f"{which}; an effect needs both treated and untreated rows"
        )
    return n1, n0


def _check_outcome_varies(y: np.ndarray, outcome: str) -> None:
    if y.size < 2 or np.ptp(y) == 0:
        raise EstimationError(
            f"outcome column {outcome!r} is constant ({y[0] if y.size else 'no values'!r}) "
            "in the rows used; there is no variation to estimate an effect from"
        )


def _pooled_sd(y: np.ndarray, t: np.ndarray) -> float:
    y1, y0 = y[t == 1], y[t == 0]
    n1, n0 = y1.size, y0.size
    if n1 < 2 or n0 < 2:
        return float("nan")
    var = ((n1 - 1) * y1.var(ddof=1) + (n0 - 1) * y0.var(ddof=1)) / (n1 + n0 - 2)
    return float(np.sqrt(var))


def _check_rank(X: np.ndarray, names: Sequence[str], what: str) -> None:
    if X.shape[1] == 0:
        return
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        raise EstimationError(
            f"the {what} design matrix is collinear (rank {rank} < {X.shape[1]} columns: "
            f"{', '.join(map(str, names))}); drop a redundant covariate or a constant column"
        )


def _cluster_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), len(uniques)


def _cluster_notes(g: int, cluster: str, notes: list[str]) -> None:
    if g < 2:
        raise EstimationError(
            f"cluster column {cluster!r} has {g} cluster in the rows used; cluster-robust "
            "standard errors need at least 2 clusters (and many more to be reliable)"
        )
    if g < FEW_CLUSTERS:
        notes.append(
            f"Only {g} clusters in {cluster!r}: cluster-robust standard errors and t(G-1) "
            "inference can be unreliable with fewer than about 10 clusters; check with a "
            "wild-cluster bootstrap (e.g. the wildboottest package or Stata's boottest)."
        )


def _demean(M: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Subtract group means column by column (the within transformation)."""
    counts = np.bincount(codes, minlength=n_groups).astype(np.float64)
    out = np.empty_like(M)
    for j in range(M.shape[1]):
        sums = np.bincount(codes, weights=M[:, j], minlength=n_groups)
        out[:, j] = M[:, j] - (sums / counts)[codes]
    return out


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
        ``classical``, ``HC0``-``HC3``, ``CR1``, ``paired``, ``model-based`` or ``bootstrap``.
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
    results: Any = field(default=None, repr=False, compare=False)
    details: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ci_level(self) -> float:
        """Confidence level of the interval, ``1 - alpha``."""
        return 1.0 - self.alpha

    def to_frame(self) -> pd.DataFrame:
        """One row with every field except ``results`` and ``details``.

        ``notes`` is joined into one string with ``" | "`` so the row can be written to Parquet.

        Returns
        -------
        pandas.DataFrame
            One row; columns in field order.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 7], "t": [0, 0, 0, 1, 1, 1]})
        >>> estimate_effect(df, "y", "t", design="diff").to_frame()[["estimate", "n"]]
           estimate  n
        0  3.333333  6
        """
        row: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("results", "details"):
                continue
            value = getattr(self, f.name)
            row[f.name] = " | ".join(value) if f.name == "notes" else value
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
                if self.design == "did":
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
            if np.isfinite(self.effect_size):
                text += (
                    f"Ukuran efek terstandar: {_fmt(self.effect_size, lang, digits)} "
                    f"({self._effect_size_name(lang)}). "
                )
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
                if self.design == "did":
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
            if np.isfinite(self.effect_size):
                text += (
                    f"Standardised effect: {_fmt(self.effect_size, lang, digits)} "
                    f"({self._effect_size_name(lang)}). "
                )
            text += f"Assumption of this design: {ASSUMPTIONS[self.design]['en']}"
        return text


# --------------------------------------------------------------------------------------------
# estimate_effect
# --------------------------------------------------------------------------------------------


def estimate_effect(
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    *,
    design: Design,
    covariates: Sequence[str] = (),
    baseline: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    se: SEType = "robust",
    alpha: float = 0.05,
    trim: float = 0.01,
    estimand: Estimand = "ATT",
    n_boot: int = 999,
    seed: int | None = None,
) -> Effect:
    """Estimate the effect of a 0/1 treatment on an outcome with a stated design.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (per unit and period for ``did``). Not modified.
    outcome : str
        Numeric outcome column (the post-test for ``paired``).
    treatment : str or None
        0/1 or boolean column, 1 = took part (for ``did``: treated at that period). For
        ``paired`` it may be None; if given, only rows with treatment 1 are used.
    design : {"diff", "ancova", "ipw", "did", "paired", "mixed"}
        ``diff``: difference in means, OLS of outcome on intercept + treatment (WLS with
        ``weights``); ``se="classical"`` equals Student's t test, ``"robust"`` (HC2) equals
        Welch's standard error, p and CI from t with N-2 df (not Welch-Satterthwaite df).
        ``ancova``: OLS on treatment + ``baseline`` + ``covariates`` (at least one).
        ``ipw``: Logit propensity score on ``covariates`` (+ ``baseline``), weights for the
        ``estimand``, scores outside ``[trim, 1 - trim]`` dropped, WLS of outcome on treatment.
        ``did``: two-way fixed effects ``outcome ~ treatment + covariates + C(unit) + C(time)``,
        unit effects absorbed by the within transformation (exact with unbalanced panels),
        clustered by ``cluster`` (default ``unit``). With staggered adoption and effects that
        change over time or differ between cohorts TWFE can be biased, even of the wrong sign
        (Goodman-Bacon 2021): check with :func:`event_study`, which also shows pre-trends.
        ``paired``: ``outcome - baseline`` on the same people, ``pingouin.ttest(paired=True)``,
        Hedges' g_av from ``pingouin.compute_effsize(paired=True, eftype="hedges")``.
        ``mixed``: statsmodels MixedLM, random intercept per ``cluster``, fixed effects
        treatment + ``baseline`` + ``covariates``, REML, Wald z intervals.
    covariates : sequence of str
        Adjustment (ancova, did, mixed) or propensity-model (ipw) columns. Numbers and booleans
        enter as they are; text and categorical columns as dummies for all levels but the first.
    baseline : str, optional
        Pre-programme outcome: a covariate for ancova/ipw/mixed, the pre-test for paired.
    unit : str, optional
        Unit identifier for ``did`` (person, office, dinas).
    time : str, optional
        Period column for ``did``.
    cluster : str, optional
        Cluster column: cluster-robust CR1 SE for diff/ancova/ipw/did (``did`` defaults to
        ``unit``); the random-intercept grouping for ``mixed`` (required there).
    weights : str, optional
        Column of positive analysis weights for ``diff`` and ``ancova`` (WLS).
    se : {"robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"}
        Standard error. ``"robust"`` means the design's robust default: HC2, or CR1 when a
        ``cluster`` is given (always CR1 for ``did``). ``"bootstrap"`` is for ``ipw`` only:
        stratified (by treatment) bootstrap that re-fits the propensity model each time.
        ``paired`` and ``mixed`` have one standard error each (paired t; MixedLM
        model-based), given for ``"robust"`` or ``"classical"``.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.
    trim : float
        ``ipw`` only: drop rows with propensity score outside ``[trim, 1 - trim]``, in
        ``[0, 0.5)``. The number dropped is stated in ``notes``; dropping changes the population
        the estimate refers to (those with overlap).
    estimand : {"ATT", "ATE"}
        ``ipw`` only. ATT: treated weight 1, control weight p/(1-p). ATE: 1/p and 1/(1-p).
    n_boot : int
        ``ipw`` with ``se="bootstrap"``: number of bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap.

    Returns
    -------
    Effect
        Frozen result; ``.to_frame()`` for a table row, ``.summary_text()`` for prose.

    Raises
    ------
    ConfigError
        Unknown design or option, a missing column, or an option the design does not take.
    EstimationError
        One treatment group only, constant outcome, non-0/1 treatment, fewer than 2 clusters,
        collinear covariates, or too few rows.

    Notes
    -----
    Rows with a missing value in any used column are dropped and counted in ``notes``. Integer
    and boolean columns (int8 to Int64) are cast to float64 before any arithmetic.

    The standard error of ``ipw`` treats the weights as known. For the ATE this is
    conservative (Hirano, Imbens & Ridder 2003); for the ATT it can be too small or too large
    (Abadie & Imbens 2016), so ``se="bootstrap"`` is offered.

    Effect sizes: ``diff`` without weights reports Hedges' g (pooled SD, times
    ``1 - 3/(4N - 9)`` as pingouin); ``paired`` reports pingouin's Hedges' g_av; other designs
    report estimate / pooled within-group SD of the outcome (no correction).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"t": np.repeat([0, 1], 50), "pre": rng.normal(size=100)})
    >>> df["post"] = df["pre"] + 0.5 * df["t"] + rng.normal(scale=0.5, size=100)
    >>> e = estimate_effect(df, "post", "t", design="ancova", baseline="pre")
    >>> round(e.estimate, 2), e.se_type
    (0.43, 'HC2')
    """
    _check_frame(data)
    _check_option("design", design, Design)
    _check_option("se", se, SEType)
    _check_alpha(alpha)
    covs = _as_names(covariates)
    allowed = _SE_ALLOWED[design]
    if se not in allowed:
        raise ConfigError(
            f"se={se!r} is not available for design={design!r}; expected one of "
            f"{', '.join(map(repr, allowed))}"
        )
    # which parameters each design takes
    takes = {
        "diff": {"weights", "cluster"},
        "ancova": {"covariates", "baseline", "weights", "cluster"},
        "ipw": {"covariates", "baseline", "cluster"},
        "did": {"covariates", "unit", "time", "cluster"},
        "paired": {"baseline"},
        "mixed": {"covariates", "baseline", "cluster"},
    }[design]
    given = {
        "covariates": bool(covs),
        "baseline": baseline is not None,
        "unit": unit is not None,
        "time": time is not None,
        "cluster": cluster is not None,
        "weights": weights is not None,
    }
    for name, is_given in given.items():
        if is_given and name not in takes:
            raise ConfigError(f"design={design!r} does not use {name}; remove it")
    if treatment is None and design != "paired":
        raise ConfigError(f"design={design!r} needs a treatment column")
    if treatment is not None and (treatment in covs or treatment == baseline):
        raise ConfigError(f"treatment column {treatment!r} also appears as a covariate/baseline")
    if outcome in covs or outcome == baseline:
        raise ConfigError(f"outcome column {outcome!r} also appears as a covariate/baseline")
    if len(set(covs)) != len(covs):
        raise ConfigError(f"covariates repeat a column: {list(covs)}")

    if design in ("diff", "ancova"):
        if design == "ancova" and not covs and baseline is None:
            raise ConfigError(
                "design='ancova' needs a baseline or covariates; without them use design='diff'"
            )
        if cluster is None and se == "cluster":
            raise ConfigError("se='cluster' needs a cluster column")
        if cluster is not None and se not in ("robust", "cluster"):
            raise ConfigError(
                f"cluster={cluster!r} was given but se={se!r} ignores clustering; "
                "use se='robust' or 'cluster', or drop cluster"
            )
        return _regression(
            data, outcome, treatment, design, covs, baseline, cluster, weights, se, alpha
        )
    if design == "ipw":
        if not covs and baseline is None:
            raise ConfigError("design='ipw' needs covariates for the propensity model")
        if cluster is None and se == "cluster":
            raise ConfigError("se='cluster' needs a cluster column")
        if cluster is not None and se not in ("robust", "cluster"):
            raise ConfigError(
                f"cluster={cluster!r} was given but se={se!r} ignores clustering; "
                "use se='robust' or 'cluster', or drop cluster"
            )
        _check_option("estimand", estimand, Estimand)
        if not isinstance(trim, int | float) or not 0 <= trim < 0.5:
            raise ConfigError(f"trim={trim!r} must be a number in [0, 0.5)")
        if se == "bootstrap" and (not isinstance(n_boot, int) or n_boot < 50):
            raise ConfigError(f"n_boot={n_boot!r} must be an integer of at least 50")
        return _ipw(
            data, outcome, treatment, covs, baseline, cluster, se, alpha, trim, estimand,
            n_boot, seed,
        )  # fmt: skip
    if design == "did":
        if unit is None or time is None:
            raise ConfigError("design='did' needs unit and time columns")
        return _did(data, outcome, treatment, covs, unit, time, cluster or unit, alpha)
    if design == "paired":
        if baseline is None:
            raise ConfigError("design='paired' needs baseline (the pre-test column)")
        return _paired(data, outcome, treatment, baseline, alpha)
    if cluster is None:
        raise ConfigError("design='mixed' needs cluster (the grouping of the random intercept)")
    return _mixed(data, outcome, treatment, covs, baseline, cluster, alpha)


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
) -> Effect:
    if not np.isfinite(res.bse[term]) or res.bse[term] <= 0:
        raise EstimationError(
            f"the standard error of {term!r} is not a positive finite number ({se_type}); an "
            "observation may have leverage 1 (e.g. a category with a single row) or the "
            "residuals are all zero"
        )
    ci = np.asarray(res.conf_int(alpha=alpha).loc[term], dtype=float)
    df = getattr(res, "df_resid_inference", None)
    if df is None:
        df = res.df_resid if res.use_t else math.inf
    return Effect(
        estimate=float(res.params[term]),
        se=float(res.bse[term]),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        p_value=float(res.pvalues[term]),
        n=int(y.size),
        n_treated=int((t == 1).sum()),
        n_control=int((t == 0).sum()),
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
        results=res,
        details=dict(details or {}),
    )


def _fit_ls(
    y: np.ndarray,
    X: pd.DataFrame,
    *,
    w: np.ndarray | None,
    se_type: str,
    groups: np.ndarray | None,
    notes: list[str],
) -> Any:
    """OLS/WLS with the requested covariance; warnings become notes."""
    model = sm.OLS(y, X) if w is None else sm.WLS(y, X, weights=w)
    with _captured_warnings() as caught:
        if se_type == "classical":
            res = model.fit(use_t=True)
        elif se_type == "CR1":
            res = model.fit(
                cov_type="cluster",
                cov_kwds={"groups": groups, "use_correction": True, "df_correction": True},
                use_t=True,
            )
        else:
            res = model.fit(cov_type=se_type, use_t=True)
    notes.extend(f"statsmodels warning: {m}" for m in caught)
    return res


def _cr1_sentence(cluster: str, g: int, n: int, k: int, k_text: str = "") -> str:
    return (
        f"Standard errors clustered by {cluster} ({g} clusters), CR1 small-sample correction "
        f"G/(G-1)*(N-1)/(N-K) with N = {n} and K = {k}{k_text}; t distribution with G-1 = {g - 1} "
        "degrees of freedom."
    )


def _linear_design(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    baseline: str | None,
    covs: tuple[str, ...],
    notes: list[str],
    *,
    cluster: str | None = None,
    weights: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """Check the columns, drop incomplete rows (stated in ``notes``) and build the design
    matrix Intercept + treatment (+ baseline) (+ covariates) shared by OLS/WLS and MixedLM.

    Returns the complete-case frame, the outcome, the 0/1 treatment and the matrix.
    """
    roles: dict[str, list[str]] = {"outcome": [outcome], "treatment": [treatment]}
    if baseline is not None:
        roles["baseline"] = [baseline]
    if covs:
        roles["covariate"] = list(covs)
    if cluster is not None:
        roles["cluster"] = [cluster]
    if weights is not None:
        roles["weights"] = [weights]
    _check_columns(data, roles)
    frame = _drop_missing(data, roles, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    X = pd.DataFrame({"Intercept": np.ones_like(y), treatment: t})
    if baseline is not None:
        X[baseline] = _to_float(frame[baseline], "baseline")
    if covs:
        C = _covariate_matrix(frame, covs)
        for name in C.columns:
            if name in X.columns:
                raise ConfigError(f"covariate {name!r} clashes with another model term")
            X[name] = C[name].to_numpy()
    return frame, y, t, X


def _regression(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    design: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str | None,
    weights: str | None,
    se: str,
    alpha: float,
) -> Effect:
    notes: list[str] = []
    frame, y, t, X = _linear_design(
        data, outcome, treatment, baseline, covs, notes, cluster=cluster, weights=weights
    )
    _check_rank(X.to_numpy(), list(X.columns), design)
    if X.shape[0] <= X.shape[1]:
        raise EstimationError(
            f"{X.shape[0]} rows cannot estimate {X.shape[1]} coefficients; need more rows"
        )
    w = None
    if weights is not None:
        w = _to_float(frame[weights], "weights")
        if (w <= 0).any():
            raise EstimationError(f"weights column {weights!r} must be strictly positive")
    groups = None
    if cluster is not None:
        se_type = "CR1"
        groups, g = _cluster_codes(frame[cluster])
        _cluster_notes(g, cluster, notes)
    else:
        se_type = "HC2" if se == "robust" else se
    res = _fit_ls(y, X, w=w, se_type=se_type, groups=groups, notes=notes)
    n, k = X.shape
    if se_type == "CR1":
        se_note = _cr1_sentence(cluster or "", g, n, k)
    else:
        welch = ""
        if k == 2 and w is None:
            welch = {
                "classical": " (for a difference in means: Student's pooled-variance t test)",
                "HC2": " (for a difference in means: Welch's standard error)",
            }.get(se_type, "")
        se_note = _SE_SENTENCES[se_type].format(df=n - k, welch=welch)
    if w is not None:
        se_note = se_note[:-1] + f"; weighted least squares with weights {weights!r}."
    if design == "diff" and w is None:
        n_all = y.size
        es = float(res.params[treatment]) / _pooled_sd(y, t) * (1 - 3 / (4 * n_all - 9))
        es_type = "Hedges' g (difference / pooled SD, times 1 - 3/(4N - 9))"
    else:
        es = float(res.params[treatment]) / _pooled_sd(y, t)
        es_type = "estimate / pooled within-group SD of the outcome (no correction)"
    return _effect_from_regression(
        res, term=treatment, y=y, t=t, design=design, outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type=es_type,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# inverse probability weighting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropensityWeights:
    """Propensity scores and inverse-probability weights, aligned with the caller's rows.

    Attributes
    ----------
    propensity : pandas.Series
        Estimated P(treatment = 1 | covariates), same index as ``data``; NaN where a used
        column was missing.
    weights : pandas.Series
        Weights for the ``estimand``; NaN where trimmed or missing (these rows are not used).
    trimmed : pandas.Series
        True where the score lay outside ``[trim, 1 - trim]``.
    n_trimmed : int
        Number of rows trimmed.
    estimand : str
        ``"ATT"`` or ``"ATE"``.
    trim : float
        The trimming threshold.
    notes : tuple of str
        Dropped rows, trimming, warnings of the Logit fit, effective sample size.
    results : object
        statsmodels Logit results of the propensity model.
    """

    propensity: pd.Series = field(repr=False)
    weights: pd.Series = field(repr=False)
    trimmed: pd.Series = field(repr=False)
    n_trimmed: int
    estimand: str
    trim: float
    notes: tuple[str, ...]
    results: Any = field(default=None, repr=False, compare=False)


def _logit_scores(
    t: np.ndarray, Z: pd.DataFrame, notes: list[str] | None
) -> tuple[np.ndarray, Any]:
    exog = pd.concat([pd.DataFrame({"Intercept": np.ones(len(t))}), Z], axis=1)
    _check_rank(exog.to_numpy(), list(exog.columns), "propensity-score")
    with _captured_warnings() as caught:
        try:
            res = sm.Logit(t, exog).fit(disp=0, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise EstimationError(
                f"the propensity model (Logit) could not be fitted: {exc}"
            ) from None
    if notes is not None:
        notes.extend(f"propensity model: {m}" for m in caught)
        if not res.mle_retvals.get("converged", True):
            notes.append("The propensity model (Logit) did not converge.")
    return np.asarray(res.predict(exog), dtype=float), res


def _weights_from_scores(t: np.ndarray, p: np.ndarray, estimand: str) -> np.ndarray:
    if estimand == "ATT":
        return np.where(t == 1, 1.0, p / (1 - p))
    return np.where(t == 1, 1.0 / p, 1.0 / (1 - p))


def ipw_weights(
    data: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    *,
    estimand: Estimand = "ATT",
    trim: float = 0.01,
) -> PropensityWeights:
    """Propensity scores (statsmodels Logit) and inverse-probability weights.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified; the returned Series carry its index.
    treatment : str
        0/1 or boolean treatment column.
    covariates : sequence of str
        Columns of the propensity model (an intercept is added; categories become dummies).
    estimand : {"ATT", "ATE"}
        ATT: treated 1, controls p/(1-p). ATE: treated 1/p, controls 1/(1-p).
    trim : float
        Rows with score outside ``[trim, 1 - trim]`` get weight NaN (dropped); in ``[0, 0.5)``.

    Returns
    -------
    PropensityWeights

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=200)})
    >>> df["t"] = (rng.random(200) < 1 / (1 + np.exp(-df["x"]))).astype(int)
    >>> w = ipw_weights(df, "t", ["x"])
    >>> bool(w.weights[df["t"] == 1].dropna().eq(1).all())
    True
    """
    _check_frame(data)
    _check_option("estimand", estimand, Estimand)
    if not isinstance(trim, int | float) or not 0 <= trim < 0.5:
        raise ConfigError(f"trim={trim!r} must be a number in [0, 0.5)")
    covs = _as_names(covariates)
    if not covs:
        raise ConfigError("ipw_weights needs at least one covariate")
    roles = {"treatment": [treatment], "covariate": list(covs)}
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    p, res = _logit_scores(t, _covariate_matrix(frame, covs), notes)
    keep = (p >= trim) & (p <= 1 - trim)
    _trim_note(keep, t, trim, notes)
    return _propensity_weights(data, roles, p, keep, t, estimand, trim, res, notes)


def _trim_note(keep: np.ndarray, t: np.ndarray, trim: float, notes: list[str]) -> None:
    n_trim = int((~keep).sum())
    if n_trim:
        notes.append(
            f"{n_trim} rows trimmed: propensity score outside [{trim:g}, {1 - trim:g}] "
            f"({int((~keep & (t == 1)).sum())} treated, {int((~keep & (t == 0)).sum())} "
            "untreated); the estimate refers to the rows with overlap."
        )


def _ipw(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str | None,
    se: str,
    alpha: float,
    trim: float,
    estimand: str,
    n_boot: int,
    seed: int | None,
) -> Effect:
    ps_covs = ((baseline,) if baseline is not None else ()) + covs
    roles: dict[str, list[str]] = {
        "outcome": [outcome],
        "treatment": [treatment],
        "covariate": list(ps_covs),
    }
    if cluster is not None:
        roles["cluster"] = [cluster]
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    Z = _covariate_matrix(frame, ps_covs)
    p, logit_res = _logit_scores(t, Z, notes)
    keep = (p >= trim) & (p <= 1 - trim)
    _trim_note(keep, t, trim, notes)
    yk, tk, pk = y[keep], t[keep], p[keep]
    _check_groups(tk, treatment)
    w = _weights_from_scores(tk, pk, estimand)
    wc = w[tk == 0]
    notes.append(
        f"Effective sample size of the weighted controls (Kish): {wc.sum() ** 2 / (wc**2).sum():.1f} "
        f"of {wc.size}."
    )
    X = pd.DataFrame({"Intercept": np.ones_like(yk), treatment: tk})
    groups = None
    g = 0
    if cluster is not None:
        groups, g = _cluster_codes(frame[cluster][keep])
        _cluster_notes(g, cluster, notes)
        se_type = "CR1"
    elif se == "bootstrap":
        se_type = "classical"
    else:
        se_type = "HC2" if se == "robust" else se
    res = _fit_ls(yk, X, w=w, se_type=se_type, groups=groups, notes=notes)
    ignore = (
        " These treat the weights as known, ignoring that the propensity score was estimated"
        + (
            " (conservative for the ATE)."
            if estimand == "ATE"
            else " (for the ATT this can err either way; se='bootstrap' accounts for it)."
        )
    )
    n, k = X.shape
    if se_type == "CR1":
        se_note = _cr1_sentence(cluster or "", g, n, k)[:-1] + "." + ignore
    else:
        se_note = _SE_SENTENCES[se_type].format(df=n - k, welch="")[:-1] + "." + ignore
    es = float(res.params[treatment]) / _pooled_sd(yk, tk)
    weights_obj = _propensity_weights(data, roles, p, keep, t, estimand, trim, logit_res, notes)
    details: dict[str, Any] = {"ipw": weights_obj}
    effect = _effect_from_regression(
        res, term=treatment, y=yk, t=tk, design="ipw", outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type="estimate / pooled within-group SD of the outcome (no correction)",
        details=details,
    )  # fmt: skip
    if se != "bootstrap":
        return effect
    boot, failed = _ipw_bootstrap(y, t, Z, trim, estimand, n_boot, seed)
    if failed:
        notes.append(f"{failed} of {n_boot} bootstrap replicates failed and were skipped.")
    if boot.size < 50:
        raise EstimationError(f"only {boot.size} bootstrap replicates succeeded; need at least 50")
    se_b = float(boot.std(ddof=1))
    z = stats.norm.ppf(1 - alpha / 2)
    est = effect.estimate
    details["bootstrap"] = boot
    return Effect(
        estimate=est,
        se=se_b,
        ci_low=est - z * se_b,
        ci_high=est + z * se_b,
        p_value=float(2 * stats.norm.sf(abs(est / se_b))),
        n=effect.n,
        n_treated=effect.n_treated,
        n_control=effect.n_control,
        design="ipw",
        outcome=outcome,
        treatment=treatment,
        se_type="bootstrap",
        effect_size=effect.effect_size,
        effect_size_type=effect.effect_size_type,
        assumption=effect.assumption,
        se_note=(
            f"Bootstrap standard error: SD of {boot.size} re-estimates from resampling rows "
            "within the treated and untreated groups, re-fitting the propensity model and the "
            "trimming each time; normal-based interval and p-value."
        ),
        notes=tuple(notes),
        alpha=float(alpha),
        df=math.inf,
        results=res,
        details=details,
    )


def _propensity_weights(
    data: pd.DataFrame,
    roles: Mapping[str, Sequence[str]],
    p: np.ndarray,
    keep: np.ndarray,
    t: np.ndarray,
    estimand: str,
    trim: float,
    logit_res: Any,
    notes: Sequence[str],
) -> PropensityWeights:
    """PropensityWeights aligned with ``data`` from arrays over the used rows."""
    cols = list(dict.fromkeys(c for names in roles.values() for c in names))
    used = data.loc[:, cols].notna().all(axis=1).to_numpy()
    prop_full = np.full(len(data), np.nan)
    w_full = np.full(len(data), np.nan)
    trim_full = np.zeros(len(data), dtype=bool)
    prop_full[used] = p
    w_full[used] = np.where(keep, _weights_from_scores(t, p, estimand), np.nan)
    trim_full[used] = ~keep
    return PropensityWeights(
        propensity=pd.Series(prop_full, index=data.index, name="propensity"),
        weights=pd.Series(w_full, index=data.index, name="weight"),
        trimmed=pd.Series(trim_full, index=data.index, name="trimmed"),
        n_trimmed=int((~keep).sum()),
        estimand=estimand,
        trim=float(trim),
        notes=tuple(notes),
        results=logit_res,
    )


def _ipw_bootstrap(
    y: np.ndarray,
    t: np.ndarray,
    Z: pd.DataFrame,
    trim: float,
    estimand: str,
    n_boot: int,
    seed: int | None,
) -> tuple[np.ndarray, int]:
    rng = np.random.default_rng(seed)
    idx1, idx0 = np.flatnonzero(t == 1), np.flatnonzero(t == 0)
    Zv = np.column_stack([np.ones(len(t)), Z.to_numpy(dtype=float)])
    out: list[float] = []
    failed = 0
    for _ in range(n_boot):
        idx = np.concatenate(
            [rng.choice(idx1, idx1.size, replace=True), rng.choice(idx0, idx0.size, replace=True)]
        )
        yb, tb, Zb = y[idx], t[idx], Zv[idx]
        try:
            with _captured_warnings():
                lr = sm.Logit(tb, Zb).fit(disp=0, maxiter=200)
            pb = np.asarray(lr.predict(Zb), dtype=float)
        except (np.linalg.LinAlgError, ValueError):
            failed += 1
            continue
        kb = (pb >= trim) & (pb <= 1 - trim)
        tk, yk = tb[kb], yb[kb]
        if (tk == 1).sum() == 0 or (tk == 0).sum() == 0:
            failed += 1
            continue
        wk = _weights_from_scores(tk, pb[kb], estimand)
        m1 = np.average(yk[tk == 1], weights=wk[tk == 1])
        m0 = np.average(yk[tk == 0], weights=wk[tk == 0])
        out.append(m1 - m0)
    return np.asarray(out), failed


# --------------------------------------------------------------------------------------------
# two-way fixed effects
# --------------------------------------------------------------------------------------------


def _twfe_fit(
    y: np.ndarray,
    R: pd.DataFrame,
    unit_codes: np.ndarray,
    n_units: int,
    time_values: pd.Series,
    cluster_values: pd.Series,
    cluster: str,
    notes: list[str],
) -> tuple[Any, int, int, str]:
    """OLS of y on R + period dummies + unit effects, CR1 by cluster.

    Units nested in clusters: unit effects absorbed (within transformation), not counted in K.
    Otherwise: unit dummies estimated and counted. Returns (results, K, G, sentence).
    """
    t_codes, t_levels = pd.factorize(time_values, sort=True)
    periods = pd.DataFrame(
        {
            f"period[{lv}]": (t_codes == j).astype(np.float64)
            for j, lv in enumerate(t_levels)
            if j > 0
        }
    )
    X = pd.concat([R.reset_index(drop=True), periods], axis=1)
    groups, g = _cluster_codes(cluster_values)
    _cluster_notes(g, cluster, notes)
    nested = bool((pd.Series(groups).groupby(unit_codes).nunique() == 1).all())
    n = y.size
    if nested:
        Xd = pd.DataFrame(_demean(X.to_numpy(), unit_codes, n_units), columns=X.columns)
        yd = _demean(y[:, None], unit_codes, n_units)[:, 0]
        _check_rank(Xd.to_numpy(), list(Xd.columns), "two-way fixed-effects")
        res = _fit_ls(yd, Xd, w=None, se_type="CR1", groups=groups, notes=notes)
        k = X.shape[1]
        k_text = (
            f" (the regressors and {len(t_levels) - 1} period effects; the {n_units} unit "
            "effects are nested in the clusters and not counted, as fixest's default "
            "fixef.K='nested' and reghdfe)"
        )
    else:
        units = pd.DataFrame(
            {f"unit[{j}]": (unit_codes == j).astype(np.float64) for j in range(1, n_units)}
        )
        Xf = pd.concat([pd.DataFrame({"Intercept": np.ones(n)}), X, units], axis=1)
        _check_rank(Xf.to_numpy(), list(Xf.columns)[: X.shape[1] + 1], "two-way fixed-effects")
        res = _fit_ls(y, Xf, w=None, se_type="CR1", groups=groups, notes=notes)
        k = Xf.shape[1]
        k_text = (
            f" (all coefficients, including {n_units - 1} unit and {len(t_levels) - 1} period "
            "effects, since units are not nested in the clusters)"
        )
    return res, k, g, _cr1_sentence(cluster, g, n, k, k_text)


def _drop_singletons(frame: pd.DataFrame, unit: str, notes: list[str]) -> pd.DataFrame:
    counts = frame.groupby(unit, sort=False)[unit].transform("size")
    single = (counts == 1).to_numpy()
    if single.any():
        notes.append(
            f"{int(single.sum())} units observed in only one period were dropped: they carry "
            "no within-unit information (as reghdfe/fixest)."
        )
        frame = frame.loc[~single].reset_index(drop=True)
    return frame


def _did(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covs: tuple[str, ...],
    unit: str,
    time: str,
    cluster: str,
    alpha: float,
) -> Effect:
    roles: dict[str, list[str]] = {
        "outcome": [outcome],
        "treatment": [treatment],
        "unit": [unit],
        "time": [time],
    }
    if covs:
        roles["covariate"] = list(covs)
    if cluster != unit:
        roles["cluster"] = [cluster]
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise EstimationError(
            f"unit {unit!r} and time {time!r} do not identify rows: e.g. {dup} appears twice"
        )
    frame = _drop_singletons(frame, unit, notes)
    y = _to_float(frame[outcome], "outcome")
    t = _to_treatment(frame[treatment])
    _check_groups(t, treatment)
    _check_outcome_varies(y, outcome)
    unit_codes, n_units = _cluster_codes(frame[unit])
    within = pd.Series(t).groupby(unit_codes).nunique()
    if not (within > 1).any():
        raise EstimationError(
            f"treatment {treatment!r} never changes within a unit {unit!r}: two-way fixed "
            "effects need units observed both before and after treatment"
        )
    R = pd.DataFrame({treatment: t})
    if covs:
        C = _covariate_matrix(frame, covs)
        for name in C.columns:
            R[name] = C[name].to_numpy()
    res, k, g, se_note = _twfe_fit(
        y, R, unit_codes, n_units, frame[time], frame[cluster], cluster, notes
    )
    first = frame.loc[t == 1].groupby(unit)[time].min()
    if first.nunique() > 1:
        notes.append(
            f"Staggered adoption: treated units start in {first.nunique()} different periods. "
            "With effects that change over time or differ between cohorts, two-way fixed "
            "effects can be biased (Goodman-Bacon 2021); compare with event_study and a "
            "heterogeneity-robust estimator."
        )
    es = float(res.params[treatment]) / _pooled_sd(y, t)
    return _effect_from_regression(
        res, term=treatment, y=y, t=t, design="did", outcome=outcome, treatment=treatment,
        se_type="CR1", se_note=se_note, notes=notes, alpha=alpha, effect_size=es,
        effect_size_type="estimate / pooled SD of the outcome over treated and untreated "
        "unit-periods (no correction)",
        details={"k": k, "n_clusters": g, "n_units": n_units},
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# paired pre/post and mixed model
# --------------------------------------------------------------------------------------------


def _paired(
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    baseline: str,
    alpha: float,
) -> Effect:
    roles: dict[str, list[str]] = {"outcome": [outcome], "baseline": [baseline]}
    if treatment is not None:
        roles["treatment"] = [treatment]
    _check_columns(data, roles)
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes)
    if treatment is not None:
        tr = _to_treatment(frame[treatment])
        n_other = int((tr == 0).sum())
        if (tr == 1).sum() == 0:
            raise EstimationError(
                f"only one group in treatment column {treatment!r}: no row has treatment 1, "
                "and the paired design uses the participants (treatment 1)"
            )
        if n_other:
            notes.append(
                f"The paired design uses the {int((tr == 1).sum())} rows with {treatment} = 1; "
                f"{n_other} rows with {treatment} = 0 were not used."
            )
        frame = frame.loc[tr == 1].reset_index(drop=True)
    post = _to_float(frame[outcome], "outcome")
    pre = _to_float(frame[baseline], "baseline")
    d = post - pre
    n = d.size
    if n < 2:
        raise EstimationError(f"the paired design needs at least 2 pairs; found {n}")
    if np.ptp(d) == 0:
        raise EstimationError(
            f"the change {outcome!r} - {baseline!r} is the same ({d[0]:g}) for every pair; "
            "no variation to estimate a standard error from"
        )
    with _captured_warnings() as caught:
        tt = pg.ttest(post, pre, paired=True, confidence=1 - alpha)
        g = float(pg.compute_effsize(post, pre, paired=True, eftype="hedges"))
    notes.extend(f"pingouin warning: {m}" for m in caught)
    est = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n))
    q = stats.t.ppf(1 - alpha / 2, n - 1)
    return Effect(
        estimate=est,
        se=se,
        ci_low=float(est - q * se),
        ci_high=float(est + q * se),
        p_value=float(tt["p_val"].iloc[0]),
        n=n,
        n_treated=n,
        n_control=0,
        design="paired",
        outcome=outcome,
        treatment=treatment,
        se_type="paired",
        effect_size=g,
        effect_size_type="Hedges' g_av (mean change / sqrt((SD_pre^2 + SD_post^2)/2), times "
        "1 - 3/(8n - 9); pingouin compute_effsize paired hedges)",
        assumption=ASSUMPTIONS["paired"]["en"],
        se_note=(
            f"Standard error of the mean change, SD(post - pre)/sqrt(n); paired t test with "
            f"n-1 = {n - 1} degrees of freedom (pingouin.ttest, paired=True)."
        ),
        notes=tuple(notes),
        alpha=float(alpha),
        df=float(n - 1),
        results=tt,
        details={},
    )


def _mixed(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covs: tuple[str, ...],
    baseline: str | None,
    cluster: str,
    alpha: float,
) -> Effect:
    notes: list[str] = []
    frame, y, t, X = _linear_design(
        data, outcome, treatment, baseline, covs, notes, cluster=cluster
    )
    _check_rank(X.to_numpy(), list(X.columns), "mixed-model fixed-effects")
    groups, g = _cluster_codes(frame[cluster])
    if g < 2:
        raise EstimationError(
            f"cluster column {cluster!r} has {g} cluster; a random intercept needs at least 2"
        )
    if g < FEW_CLUSTERS:
        notes.append(
            f"Only {g} clusters in {cluster!r}: the random-intercept variance, and so the "
            "standard errors, are imprecise with fewer than about 10 clusters."
        )
    model = sm.MixedLM(y, X, groups=groups)
    # statsmodels' default optimisers (bfgs, lbfgs, cg in turn) first; when they fail or warn,
    # also powell and Nelder-Mead, keeping the fit with the highest restricted likelihood.
    fits: list[tuple[str, Any, list[str]]] = []
    for method in ("default", "powell", "nm"):
        with _captured_warnings() as caught:
            try:
                fit = model.fit(reml=True, method=None if method == "default" else [method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                fit = None
                caught.append(f"{type(exc).__name__}: {exc}")
        fits.append((method, fit, caught))
        if fit is not None and fit.converged and not caught:
            break
    usable = [
        f for f in fits if f[1] is not None and np.isfinite(f[1].bse[treatment]) and f[1].converged
    ] or [f for f in fits if f[1] is not None and np.isfinite(f[1].params[treatment])]
    if not usable:
        raise EstimationError(
            "the mixed model could not be fitted with any optimiser: "
            + "; ".join(m for _, _, caught in fits for m in caught)
        )
    method_used, res, caught_used = max(usable, key=lambda f: f[1].llf)
    if method_used != "default":
        first = fits[0][2]
        notes.append(
            f"MixedLM refitted with the {method_used} optimiser (highest restricted likelihood)"
            + (f"; the default optimisers reported: {'; '.join(first)}" if first else "")
            + "."
        )
    if caught_used:
        notes.append(f"MixedLM ({method_used} optimiser) reported: {'; '.join(caught_used)}")
    if not res.converged:
        notes.append("The mixed model did NOT converge; treat its estimates with caution.")
    term = treatment
    ci = np.asarray(res.conf_int(alpha=alpha).loc[term], dtype=float)
    es = float(res.params[term]) / _pooled_sd(y, t)
    var_re = float(np.asarray(res.cov_re)[0, 0])
    icc = var_re / (var_re + float(res.scale))
    if var_re <= 1e-8 * float(res.scale):
        notes.append(
            f"The variance between clusters of {cluster!r} is estimated at zero (the boundary): "
            "the clusters show no extra similarity and the model reduces to ordinary least "
            "squares."
        )
    notes.append(f"Intraclass correlation (conditional on the fixed effects): {icc:.3f}.")
    return Effect(
        estimate=float(res.params[term]),
        se=float(res.bse[term]),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        p_value=float(res.pvalues[term]),
        n=int(y.size),
        n_treated=int((t == 1).sum()),
        n_control=int((t == 0).sum()),
        design="mixed",
        outcome=outcome,
        treatment=treatment,
        se_type="model-based",
        effect_size=es,
        effect_size_type="estimate / pooled within-group SD of the outcome (no correction)",
        assumption=ASSUMPTIONS["mixed"]["en"],
        se_note=(
            f"Model-based standard errors of a linear mixed model (REML) with a random intercept "
            f"for each {cluster} ({g} clusters); Wald z test and normal-based interval, no "
            "small-sample (Kenward-Roger) correction."
        ),
        notes=tuple(notes),
        alpha=float(alpha),
        df=math.inf,
        results=res,
        details={"icc": icc, "n_clusters": g},
    )


# --------------------------------------------------------------------------------------------
# balance
# --------------------------------------------------------------------------------------------


def _balance_columns(data: pd.DataFrame, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Covariates as float arrays: categories/strings as one 0/1 row per level (NaN if missing)."""
    out: dict[str, np.ndarray] = {}
    for name in names:
        s = data[name]
        if _is_numeric(s) or (s.dtype == object and _object_is_numeric(s)):
            out[name] = _to_float(s, "covariate")
            continue
        levels = (
            list(s.cat.categories)
            if isinstance(s.dtype, pd.CategoricalDtype)
            else sorted(s.dropna().astype(str).unique())
        )
        missing = s.isna().to_numpy()
        text = s.astype(str)
        for lv in levels:
            col = (text == str(lv)).to_numpy(dtype=np.float64)
            col[missing] = np.nan
            out[f"{name}[{lv}]"] = col
    return out


def _smd(diff: float, denom: float) -> float:
    if denom > 0:
        return diff / denom
    return 0.0 if diff == 0 else math.copysign(math.inf, diff)


def balance_table(
    data: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    weights: str | pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """Covariate balance between treated and untreated rows, in the style of DIME's iebaltab.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    treatment : str
        0/1 or boolean column.
    covariates : sequence of str
        Columns to compare. Numbers and booleans are used as they are; text and categorical
        columns give one 0/1 row per level, named ``column[level]``.
    weights : str, pandas.Series or array, optional
        Weights (e.g. ``ipw_weights(...).weights``): a column name, a Series aligned on the
        index of ``data``, or an array as long as ``data``. NaN weights (trimmed rows) are left
        out of the weighted columns only.

    Returns
    -------
    pandas.DataFrame
        One row per covariate (or level): ``variable``, ``kind`` (``binary`` for 0/1 values,
        else ``continuous``), ``mean_treated``, ``mean_control``, ``sd_treated``,
        ``sd_control`` (sample SDs, ddof=1), ``diff`` (treated minus control), ``smd``, and
        with weights ``mean_treated_weighted``, ``mean_control_weighted``, ``diff_weighted``,
        ``smd_weighted``; then ``n_treated``, ``n_control`` (rows with the covariate present).

    Notes
    -----
    ``smd`` = diff / sqrt((s_1^2 + s_0^2) / 2), the pooled SD of Austin (2009); for binary
    covariates s^2 = p(1 - p). ``smd_weighted`` divides the weighted difference by the same,
    unweighted, denominator (as R's cobalt), so that before and after are comparable; an
    absolute SMD below 0.1 is the usual mark of balance. No p-values are given: balance is
    a property of the sample, not a hypothesis (Imai, King & Stuart 2008).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [0, 0, 1, 1], "age": [30, 40, 35, 45]})
    >>> balance_table(df, "t", ["age"])[["variable", "diff", "smd"]]
      variable  diff       smd
    0      age   5.0  0.707107
    """
    _check_frame(data)
    covs = _as_names(covariates)
    if not covs:
        raise ConfigError("balance_table needs at least one covariate")
    _check_columns(data, {"treatment": [treatment], "covariate": list(covs)})
    if treatment in covs:
        raise ConfigError(f"treatment column {treatment!r} also appears as a covariate")
    t = _to_treatment(data[treatment])
    w: np.ndarray | None = None
    if weights is not None:
        if isinstance(weights, str):
            _check_columns(data, {"weights": [weights]})
            w = _to_float(data[weights], "weights")
        elif isinstance(weights, pd.Series):
            if not weights.index.equals(data.index):
                if not weights.index.is_unique or not set(data.index) <= set(weights.index):
                    raise ConfigError(
                        "weights Series must carry the index of data (one weight per row)"
                    )
                weights = weights.reindex(data.index)
            w = _to_float(weights, "weights")
        else:
            w = np.asarray(weights, dtype=np.float64)
            if w.shape != (len(data),):
                raise ConfigError(
                    f"weights must have one value per row of data ({len(data)}); got shape "
                    f"{w.shape}"
                )
        if (w[np.isfinite(w)] < 0).any():
            raise EstimationError("weights must not be negative")
    columns = _balance_columns(data, covs)
    rows = []
    for name, x in columns.items():
        ok = ~np.isnan(x) & ~np.isnan(t)
        x1, x0 = x[ok & (t == 1)], x[ok & (t == 0)]
        if x1.size == 0 or x0.size == 0:
            raise EstimationError(
                f"only one group in treatment column {treatment!r} where covariate {name!r} "
                "is present"
            )
        binary = bool(np.isin(x[ok], (0.0, 1.0)).all())
        m1, m0 = float(x1.mean()), float(x0.mean())
        sd1 = float(x1.std(ddof=1)) if x1.size > 1 else float("nan")
        sd0 = float(x0.std(ddof=1)) if x0.size > 1 else float("nan")
        if binary:
            denom = math.sqrt((m1 * (1 - m1) + m0 * (1 - m0)) / 2)
        else:
            denom = math.sqrt((sd1**2 + sd0**2) / 2)
        row: dict[str, Any] = {
            "variable": name,
            "kind": "binary" if binary else "continuous",
            "mean_treated": m1,
            "mean_control": m0,
            "sd_treated": sd1,
            "sd_control": sd0,
            "diff": m1 - m0,
            "smd": _smd(m1 - m0, denom),
        }
        if w is not None:
            okw = ok & np.isfinite(w)
            w1, w0 = w[okw & (t == 1)], w[okw & (t == 0)]
            if w1.sum() <= 0 or w0.sum() <= 0:
                raise EstimationError(
                    f"weights of one group sum to zero where covariate {name!r} is present"
                )
            mw1 = float(np.average(x[okw & (t == 1)], weights=w1))
            mw0 = float(np.average(x[okw & (t == 0)], weights=w0))
            row |= {
                "mean_treated_weighted": mw1,
                "mean_control_weighted": mw0,
                "diff_weighted": mw1 - mw0,
                "smd_weighted": _smd(mw1 - mw0, denom),
            }
        row |= {"n_treated": int(x1.size), "n_control": int(x0.size)}
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# event study
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventStudyResult:
    """Dynamic two-way fixed-effects estimates by period relative to the start of treatment.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per relative period: ``rel_time``, ``label`` (``"<=-3"``, ``"-1 (ref)"``,
        ``">=3"``), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n_obs``
        (observations in that bin), ``reference`` (True for the omitted period: estimate 0,
        the rest NaN).
    pretrend_f, pretrend_p : float
        Joint Wald F test that every lead (pre-period coefficient) is zero (NaN if no lead).
    pretrend_df : int
        Numerator degrees of freedom (number of leads tested).
    pretrend_df_denom : int
        Denominator degrees of freedom, G - 1.
    n_units, n_clusters, n_obs : int
        Units, clusters and observations used.
    reference, leads, lags : int
        The omitted period and the window.
    alpha : float
        Significance level of the intervals.
    se_note : str
        The standard error and its correction in one sentence.
    notes : tuple of str
        Dropped rows, empty bins, few clusters, no never-treated units.
    results : object
        statsmodels OLS results of the (within-transformed) regression.
    """

    coefficients: pd.DataFrame = field(repr=False, compare=False)
    pretrend_f: float
    pretrend_p: float
    pretrend_df: int
    pretrend_df_denom: int
    n_units: int
    n_clusters: int
    n_obs: int
    reference: int
    leads: int
    lags: int
    alpha: float
    se_note: str
    notes: tuple[str, ...]
    results: Any = field(default=None, repr=False, compare=False)


def event_study(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    first_treated: str,
    leads: int = 3,
    lags: int = 3,
    reference: int = -1,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event-study (dynamic) two-way fixed effects with a joint pre-trend test.

    ``outcome ~ sum_k D_k + C(unit) + C(time)`` where ``D_k`` = 1 for a treated unit ``k``
    periods after its first treated period. Relative times at or below ``-leads`` are binned
    into one lead, at or above ``lags`` into one lag; ``reference`` is omitted. Never-treated
    units have every ``D_k = 0``. Unit effects are absorbed (exact with unbalanced panels).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit and period. Not modified.
    outcome : str
        Numeric outcome column.
    unit : str
        Unit identifier.
    time : str
        Integer-valued period column (years, months numbered, ...).
    first_treated : str
        Each unit's first treated period, constant within the unit; NaN or inf for units never
        treated.
    leads : int
        Pre-periods shown (>= 1); ``-leads`` is the binned end point.
    lags : int
        Post-periods shown (>= 0); ``lags`` is the binned end point.
    reference : int
        Omitted relative period, between ``-leads`` and -1 (default -1, the last period before).
    cluster : str, optional
        Cluster column (default ``unit``). CR1 standard errors, t with G - 1 df.
    alpha : float
        Significance level of the intervals.

    Returns
    -------
    EventStudyResult

    Notes
    -----
    Leads near zero support parallel trends; a small ``pretrend_p`` is evidence against it.
    A large ``pretrend_p`` is not proof of parallel trends (pre-tests have low power; Roth
    2022). With staggered adoption and heterogeneous effects, TWFE event-study coefficients
    can mix periods (Sun & Abraham 2021); use them as a diagnostic.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame([(u, y) for u in range(40) for y in range(2018, 2024)],
    ...                      columns=["unit", "year"])
    >>> panel["first"] = np.where(panel["unit"] < 20, 2021.0, np.nan)
    >>> panel["y"] = rng.normal(size=len(panel)) + (panel["year"] >= panel["first"])
    >>> es = event_study(panel, "y", unit="unit", time="year", first_treated="first")
    >>> es.coefficients["rel_time"].tolist()
    [-3, -2, -1, 0, 1, 2, 3]
    """
    _check_frame(data)
    _check_alpha(alpha)
    for name, value in (("leads", leads), ("lags", lags), ("reference", reference)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool):
            raise ConfigError(f"{name}={value!r} must be an integer")
    if leads < 1 or lags < 0:
        raise ConfigError(f"leads={leads} must be >= 1 and lags={lags} >= 0")
    if not -leads <= reference <= -1:
        raise ConfigError(f"reference={reference} must lie between -leads ({-leads}) and -1")
    cluster = cluster or unit
    roles: dict[str, list[str]] = {"outcome": [outcome], "unit": [unit], "time": [time]}
    if cluster != unit:
        roles["cluster"] = [cluster]
    _check_columns(data, {**roles, "first_treated": [first_treated]})
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes, also=[first_treated])
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise EstimationError(
            f"unit {unit!r} and time {time!r} do not identify rows: e.g. {dup} appears twice"
        )
    ft_series = frame[first_treated]
    if not _is_numeric(ft_series):
        raise EstimationError(
            f"first_treated column {first_treated!r} must be numeric (NaN for never treated); "
            f"found dtype {ft_series.dtype}"
        )
    ft = ft_series.to_numpy(dtype=np.float64, na_value=np.nan)
    ft = np.where(np.isfinite(ft), ft, np.nan)
    per_unit = pd.Series(ft).groupby(frame[unit].to_numpy()).nunique(dropna=False)
    if (per_unit > 1).any():
        bad = per_unit.index[per_unit.to_numpy() > 1][0]
        raise EstimationError(
            f"first_treated column {first_treated!r} must be constant within each unit; "
            f"unit {bad!r} has several values"
        )
    frame = _drop_singletons(frame, unit, notes)
    tt = _to_float(frame[time], "time")
    ft = frame[first_treated].to_numpy(dtype=np.float64, na_value=np.nan)
    ft = np.where(np.isfinite(ft), ft, np.nan)
    y = _to_float(frame[outcome], "outcome")
    _check_outcome_varies(y, outcome)
    treated_unit = ~np.isnan(ft)
    if not treated_unit.any():
        raise EstimationError(f"no unit has a first treated period in {first_treated!r}")
    rel = tt - ft
    if not np.allclose(rel[treated_unit], np.round(rel[treated_unit])):
        raise EstimationError(
            f"time {time!r} and first_treated {first_treated!r} must be whole-numbered periods"
        )
    binned = np.clip(np.round(rel), -leads, lags)
    ks = [k for k in range(-leads, lags + 1) if k != reference]
    dummies: dict[int, np.ndarray] = {}
    counts: dict[int, int] = {}
    for k in range(-leads, lags + 1):
        d = (treated_unit & (binned == k)).astype(np.float64)
        counts[k] = int(d.sum())
        if k != reference:
            if d.sum() == 0:
                notes.append(f"No observation at relative period {k}: that coefficient is NaN.")
            else:
                dummies[k] = d
    if counts[reference] == 0:
        notes.append(f"No observation at the reference period {reference}.")
    if treated_unit.all():
        notes.append(
            "No never-treated units: the coefficients are identified only from differences in "
            "timing and from the binned end points."
        )
    R = pd.DataFrame({f"rel[{k}]": v for k, v in dummies.items()})
    unit_codes, n_units = _cluster_codes(frame[unit])
    res, _k, g, se_note = _twfe_fit(
        y, R, unit_codes, n_units, frame[time], frame[cluster], cluster, notes
    )
    ci = res.conf_int(alpha=alpha)
    rows = []
    for k in range(-leads, lags + 1):
        label = f"<={k}" if k == -leads else (f">={k}" if k == lags and k > 0 else f"{k}")
        if k == reference:
            rows.append(
                {"rel_time": k, "label": f"{label} (ref)", "estimate": 0.0, "se": np.nan,
                 "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n_obs": counts[k],
                 "reference": True}
            )  # fmt: skip
            continue
        name = f"rel[{k}]"
        if k in dummies:
            est, se_k = float(res.params[name]), float(res.bse[name])
            lo, hi = (float(v) for v in ci.loc[name])
            p = float(res.pvalues[name])
        else:
            est = se_k = lo = hi = p = np.nan
        rows.append(
            {"rel_time": k, "label": label, "estimate": est, "se": se_k, "ci_low": lo,
             "ci_high": hi, "p_value": p, "n_obs": counts[k], "reference": False}
        )  # fmt: skip
    coefs = pd.DataFrame(rows)
    lead_names = [f"rel[{k}]" for k in ks if k < 0 and k in dummies]
    f_stat = p_val = np.nan
    df_num = 0
    if lead_names:
        names = list(res.model.exog_names)
        Rm = np.zeros((len(lead_names), len(names)))
        for i, nm in enumerate(lead_names):
            Rm[i, names.index(nm)] = 1.0
        ft_res = res.f_test(Rm)
        f_stat = float(np.squeeze(ft_res.fvalue))
        p_val = float(ft_res.pvalue)
        df_num = len(lead_names)
    else:
        notes.append("No lead besides the reference period: no pre-trend test.")
    return EventStudyResult(
        coefficients=coefs,
        pretrend_f=f_stat,
        pretrend_p=p_val,
        pretrend_df=df_num,
        pretrend_df_denom=int(g - 1),
        n_units=int(n_units),
        n_clusters=int(g),
        n_obs=int(y.size),
        reference=int(reference),
        leads=int(leads),
        lags=int(lags),
        alpha=float(alpha),
        se_note=se_note,
        notes=tuple(notes),
        results=res,
    )


# --------------------------------------------------------------------------------------------
# power: minimum detectable effect and sample size
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MDEResult:
    """Minimum detectable effect of a planned or completed study.

    Attributes
    ----------
    mde_raw : float
        Smallest true effect, in outcome units, detected with probability ``power``.
    mde_standardised : float
        ``mde_raw`` divided by the SD named in ``standardised_by``.
    standardised_by : str
        ``"SD of the outcome"`` or, for ``paired`` without ``rho_prepost``, ``"SD of the
        changes"`` (Cohen's d_z).
    design : str
        ``diff``, ``ancova`` or ``paired``.
    n_treated, n_control : int
        Sample sizes (pairs and 0 for ``paired``).
    alpha, power, sd, r2, icc : float
        Inputs (``r2`` after applying ``rho_prepost`` for ancova).
    cluster_size : float
        People per cluster.
    design_effect : float
        ``1 + (cluster_size - 1) * icc``.
    n_effective_treated, n_effective_control : float
        Sample sizes divided by the design effect.
    df : float
        Degrees of freedom of the t test behind the calculation.
    formula : str
        The formula in words.
    """

    mde_raw: float
    mde_standardised: float
    standardised_by: str
    design: str
    n_treated: int
    n_control: int
    alpha: float
    power: float
    sd: float
    r2: float
    icc: float
    cluster_size: float
    design_effect: float
    n_effective_treated: float
    n_effective_control: float
    df: float
    formula: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every field.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])


@dataclass(frozen=True)
class SampleSizeResult:
    """Sample size needed to detect a standardised effect with a given power.

    Attributes
    ----------
    n_treated, n_control, n_total : int
        People needed (pairs for ``paired``, with ``n_control`` 0).
    n_clusters_treated, n_clusters_control : int or None
        Clusters needed when ``cluster_size > 1``.
    effect_size : float
        Target effect in SD of the outcome (d_z for ``paired`` without ``rho_prepost``).
    achieved_power : float
        Power at the returned (rounded-up) sizes.
    design : str
        ``diff``, ``ancova`` or ``paired``.
    alpha, power, r2, icc : float
        Inputs.
    cluster_size : float
        People per cluster.
    design_effect : float
        ``1 + (cluster_size - 1) * icc``.
    formula : str
        The formula in words.
    """

    n_treated: int
    n_control: int
    n_total: int
    n_clusters_treated: int | None
    n_clusters_control: int | None
    effect_size: float
    achieved_power: float
    design: str
    alpha: float
    power: float
    r2: float
    icc: float
    cluster_size: float
    design_effect: float
    formula: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every field.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame([{f.name: getattr(self, f.name) for f in fields(self)}])


def _check_power_inputs(
    design: str,
    alpha: float,
    power: float,
    r2: float,
    icc: float,
    cluster_size: float,
    rho_prepost: float | None,
) -> float:
    """Validate; return r2 (rho_prepost**2 for ancova when r2 is not given)."""
    _check_option("design", design, MDEDesign)
    _check_alpha(alpha)
    if not 0 < power < 1:
        raise ConfigError(f"power={power!r} must lie strictly between 0 and 1")
    if not 0 <= r2 < 1:
        raise ConfigError(f"r2={r2!r} must lie in [0, 1)")
    if not 0 <= icc < 1:
        raise ConfigError(f"icc={icc!r} must lie in [0, 1)")
    if cluster_size < 1:
        raise ConfigError(f"cluster_size={cluster_size!r} must be at least 1")
    if rho_prepost is not None and not -1 < rho_prepost < 1:
        raise ConfigError(f"rho_prepost={rho_prepost!r} must lie strictly between -1 and 1")
    if design == "diff" and (r2 or rho_prepost is not None):
        raise ConfigError("r2 and rho_prepost apply to design='ancova' or 'paired', not 'diff'")
    if design == "paired":
        if r2 or icc or cluster_size != 1:
            raise ConfigError("design='paired' takes rho_prepost, not r2, icc or cluster_size")
        return 0.0
    if design == "ancova" and rho_prepost is not None:
        if r2:
            raise ConfigError("give r2 or rho_prepost for design='ancova', not both")
        return float(rho_prepost) ** 2
    return float(r2)


def _two_group_power(
    d_resid: float, n1: float, n0: float, de: float, m: float, alpha: float
) -> tuple[float, float]:
    df = (n1 + n0) / m - 2 if m > 1 else n1 + n0 - 2
    if df < 1:
        raise EstimationError(f"too few {'clusters' if m > 1 else 'people'} for a t test")
    pw = float(TTestIndPower().power(d_resid, nobs1=n1 / de, alpha=alpha, ratio=n0 / n1, df=df))
    # the noncentral t gives NaN for huge noncentrality, where the power is 1
    return (pw if np.isfinite(pw) else 1.0), float(df)


def _paired_power(d_z: float, n: float, alpha: float) -> float:
    pw = float(TTestPower().power(d_z, nobs=n, alpha=alpha))
    return pw if np.isfinite(pw) else 1.0


def _solve(fun: Any, lo: float, hi: float) -> float:
    while fun(hi) < 0:
        hi *= 2
        if hi > 1e9:
            raise EstimationError("no solution for the requested power")
    return float(optimize.brentq(fun, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500))


def minimum_detectable_effect(
    *,
    n_treated: int,
    n_control: int | None = None,
    design: MDEDesign = "diff",
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float = 1.0,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1,
    rho_prepost: float | None = None,
) -> MDEResult:
    """Minimum detectable effect (two-sided test) via statsmodels.stats.power.

    Formulas (exact noncentral-t power; the normal approximation is shown):

    - ``diff``: MDE = (z_{1-alpha/2} + z_{power}) * sd * sqrt(DE * (1/n_1 + 1/n_0)), with
      DE = 1 + (m - 1) * icc (m = ``cluster_size``), solved with ``TTestIndPower`` on the
      effective sizes n/DE and df = n_1 + n_0 - 2 (clusters: number of clusters - 2).
    - ``ancova``: as ``diff`` with sd * sqrt(1 - r2) (residual SD after the baseline and
      covariates; ``rho_prepost`` gives r2 = rho^2). The df lost to covariates are ignored.
    - ``paired``: MDE = d_z * SD(change) with d_z from ``TTestPower`` (df = n - 1) and
      SD(change) = sd * sqrt(2 (1 - rho)); without ``rho_prepost``, ``sd`` is the SD of the
      changes.

    Parameters
    ----------
    n_treated : int
        Treated people (pairs for ``paired``).
    n_control : int, optional
        Untreated people (default: as many as treated; not used for ``paired``).
    design : {"diff", "ancova", "paired"}
        Analysis planned.
    alpha : float
        Two-sided significance level.
    power : float
        Probability of detecting the effect.
    sd : float
        SD of the outcome (of the changes for ``paired`` without ``rho_prepost``).
    r2 : float
        ``ancova``: share of outcome variance explained by baseline and covariates.
    icc : float
        Intraclass correlation of the outcome within clusters.
    cluster_size : float
        People per cluster (1: no clustering).
    rho_prepost : float, optional
        Correlation between pre and post scores (``paired``; ``ancova`` as r2 = rho^2).

    Returns
    -------
    MDEResult

    Examples
    --------
    >>> r = minimum_detectable_effect(n_treated=64, n_control=64)
    >>> round(r.mde_standardised, 4)
    0.4991
    """
    r2 = _check_power_inputs(design, alpha, power, r2, icc, cluster_size, rho_prepost)
    if not isinstance(n_treated, int | np.integer) or n_treated < 2:
        raise ConfigError(f"n_treated={n_treated!r} must be an integer of at least 2")
    if sd <= 0:
        raise ConfigError(f"sd={sd!r} must be positive")
    if design == "paired":
        if n_control is not None:
            raise ConfigError("design='paired' has no control group; leave n_control out")
        n = int(n_treated)
        d_z = _solve(lambda d: _paired_power(d, n, alpha) - power, 1e-10, 10.0)
        sd_change = sd * math.sqrt(2 * (1 - rho_prepost)) if rho_prepost is not None else sd
        raw = d_z * sd_change
        return MDEResult(
            mde_raw=raw,
            mde_standardised=raw / sd if rho_prepost is not None else d_z,
            standardised_by="SD of the outcome" if rho_prepost is not None else "SD of the changes",
            design=design, n_treated=n, n_control=0, alpha=alpha, power=power, sd=sd, r2=0.0,
            icc=0.0, cluster_size=1, design_effect=1.0, n_effective_treated=float(n),
            n_effective_control=0.0, df=float(n - 1),
            formula="MDE = d_z * SD(change), d_z solving the paired t power (TTestPower, n-1 "
            "df); SD(change) = sd*sqrt(2(1-rho)); approx. (z_{1-a/2}+z_power)*SD(change)/sqrt(n)",
        )  # fmt: skip
    n1 = int(n_treated)
    n0 = int(n_control) if n_control is not None else n1
    if n0 < 2:
        raise ConfigError(f"n_control={n_control!r} must be at least 2")
    de = 1 + (cluster_size - 1) * icc
    d = _solve(
        lambda x: _two_group_power(x, n1, n0, de, cluster_size, alpha)[0] - power, 1e-10, 10.0
    )
    _, df = _two_group_power(d, n1, n0, de, cluster_size, alpha)
    std = d * math.sqrt(1 - r2)
    return MDEResult(
        mde_raw=std * sd, mde_standardised=std, standardised_by="SD of the outcome",
        design=design, n_treated=n1, n_control=n0, alpha=alpha, power=power, sd=sd, r2=r2,
        icc=icc, cluster_size=cluster_size, design_effect=de, n_effective_treated=n1 / de,
        n_effective_control=n0 / de, df=df,
        formula="MDE = d * sd * sqrt(1 - r2), d solving the two-sample t power (TTestIndPower) "
        "at n/DE per group, DE = 1 + (m-1)*icc; approx. (z_{1-a/2}+z_power)*sd*"
        "sqrt(DE*(1-r2)*(1/n1+1/n0))",
    )  # fmt: skip


def required_sample_size(
    effect_size: float,
    *,
    ratio: float = 1.0,
    design: MDEDesign = "diff",
    alpha: float = 0.05,
    power: float = 0.8,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1,
    rho_prepost: float | None = None,
) -> SampleSizeResult:
    """How many people must be trained (and compared) to detect a standardised effect.

    The inverse of :func:`minimum_detectable_effect`, with the same formulas: the smallest
    whole sizes (whole clusters when ``cluster_size > 1``) whose power reaches ``power``.

    Parameters
    ----------
    effect_size : float
        Target effect in SD of the outcome (Cohen's d); for ``paired`` without
        ``rho_prepost``, in SD of the changes (d_z).
    ratio : float
        Untreated per treated person (1: equal groups; not used for ``paired``).
    design : {"diff", "ancova", "paired"}
        Analysis planned.
    alpha : float
        Two-sided significance level.
    power : float
        Desired power.
    r2 : float
        ``ancova``: share of outcome variance explained by baseline and covariates.
    icc : float
        Intraclass correlation within clusters.
    cluster_size : float
        People per cluster (1: no clustering).
    rho_prepost : float, optional
        Correlation between pre and post scores (``paired``; ``ancova`` as r2 = rho^2).

    Returns
    -------
    SampleSizeResult

    Examples
    --------
    >>> required_sample_size(0.5).n_treated
    64
    """
    r2 = _check_power_inputs(design, alpha, power, r2, icc, cluster_size, rho_prepost)
    if not effect_size or not np.isfinite(effect_size):
        raise ConfigError(f"effect_size={effect_size!r} must be a finite non-zero number")
    es = abs(float(effect_size))
    if ratio <= 0:
        raise ConfigError(f"ratio={ratio!r} must be positive")
    if design == "paired":
        d_z = es / math.sqrt(2 * (1 - rho_prepost)) if rho_prepost is not None else es

        def pw(n: float) -> float:
            return _paired_power(d_z, n, alpha)

        n = max(2, math.ceil(_solve(lambda x: pw(x) - power, 2.0, 10.0) - 1e-9))
        while pw(n) < power:
            n += 1
        return SampleSizeResult(
            n_treated=n, n_control=0, n_total=n, n_clusters_treated=None,
            n_clusters_control=None, effect_size=float(effect_size), achieved_power=pw(n),
            design=design, alpha=alpha, power=power, r2=0.0, icc=0.0, cluster_size=1,
            design_effect=1.0,
            formula="smallest n with paired t power (TTestPower, n-1 df) >= power at "
            "d_z = d / sqrt(2(1-rho))",
        )  # fmt: skip
    de = 1 + (cluster_size - 1) * icc
    d_resid = es / math.sqrt(1 - r2)
    m = cluster_size

    def sizes(c1: float) -> tuple[float, float]:
        # c1: clusters (or people when m == 1) in the treated group
        c0 = math.ceil(c1 * ratio - 1e-9) if float(c1).is_integer() else c1 * ratio
        return c1 * m, c0 * m

    def pw2(c1: float) -> float:
        n1, n0 = sizes(c1)
        return _two_group_power(d_resid, n1, n0, de, m, alpha)[0]

    lo = 2.0 if m == 1 else max(2.0, 2.5 / (1 + ratio) + 1e-6)
    start = _solve(lambda c: pw2(c) - power, lo, 10.0)
    c1 = max(2, math.ceil(start - 1e-9))
    while pw2(c1) < power:
        c1 += 1
    n1, n0 = (int(round(v)) for v in sizes(c1))
    c0 = math.ceil(c1 * ratio - 1e-9)
    return SampleSizeResult(
        n_treated=n1, n_control=n0, n_total=n1 + n0,
        n_clusters_treated=int(c1) if m > 1 else None,
        n_clusters_control=int(c0) if m > 1 else None, effect_size=float(effect_size),
        achieved_power=pw2(c1), design=design, alpha=alpha, power=power, r2=r2, icc=icc,
        cluster_size=cluster_size, design_effect=de,
        formula="smallest n_1 (n_0 = ratio*n_1, whole clusters) with two-sample t power "
        "(TTestIndPower at n/DE per group, DE = 1 + (m-1)*icc) >= power at d / sqrt(1 - r2)",
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# multiple outcomes
# --------------------------------------------------------------------------------------------


def adjust_pvalues(pvalues: Iterable[float], method: PAdjustMethod = "fdr_bh") -> np.ndarray:
    """Adjust p-values for multiple outcomes with statsmodels' ``multipletests``.

    Parameters
    ----------
    pvalues : iterable of float
        P-values in [0, 1]; NaN entries stay NaN and do not count as tests.
    method : str
        ``fdr_bh`` (Benjamini-Hochberg false discovery rate, default), ``fdr_by``,
        ``bonferroni``, ``holm``, ``sidak``, ``holm-sidak``, ``simes-hochberg``, ``hommel``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, float("nan"), 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    _check_option("method", method, PAdjustMethod)
    p = np.asarray(list(pvalues), dtype=np.float64)
    if p.ndim != 1:
        raise ConfigError("pvalues must be one-dimensional")
    ok = ~np.isnan(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise ConfigError("pvalues must lie in [0, 1]")
    out = np.full(p.shape, np.nan)
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out


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


# --------------------------------------------------------------------------------------------
# random-effects meta-analysis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaResult:
    """Random-effects pooled estimate over studies (e.g. regions).

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value : float
        Pooled effect, its standard error, interval at ``1 - alpha`` and p-value.
    tau2 : float
        Between-study variance (method in ``method``).
    i2 : float
        Higgins & Thompson's I^2 = max(0, (Q - df) / Q), the share of variation beyond chance.
    q, q_df, q_p : float, int, float
        Cochran's Q, its df (k - 1) and chi-square p-value (homogeneity test).
    k : int
        Number of studies.
    pi_low, pi_high : float
        Prediction interval for a new study's effect: estimate +- t_{k-2} sqrt(tau2 + se^2)
        (Higgins, Thompson & Spiegelhalter 2009); NaN when k < 3.
    method, ci_method : str
        tau^2 estimator and interval type.
    alpha : float
        Significance level.
    studies : pandas.DataFrame
        Per study: ``label``, ``estimate``, ``se``, ``ci_low``, ``ci_high`` (normal-based),
        ``weight`` (relative random-effects weight, sums to 1), ``weight_fixed``.
    notes : tuple of str
        Dropped rows and cautions.
    results : object
        statsmodels ``CombineResults`` (``dl`` and ``pm``), None for ``reml``.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    tau2: float
    i2: float
    q: float
    q_df: int
    q_p: float
    k: int
    pi_low: float
    pi_high: float
    method: str
    ci_method: str
    alpha: float
    studies: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()
    results: Any = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row with every field except ``studies`` and ``results``.

        Returns
        -------
        pandas.DataFrame
        """
        row = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("studies", "results")
        }
        row["notes"] = " | ".join(self.notes)
        return pd.DataFrame([row])


def _tau2_reml(y: np.ndarray, v: np.ndarray, start: float) -> tuple[float, bool]:
    """REML tau^2 by the fixed-point iteration of Viechtbauer (2005):
    tau2 <- sum w^2((y - mu)^2 - v) / sum w^2 + 1 / sum w, w = 1/(v + tau2), truncated at 0."""
    tau2 = max(start, 0.0)
    for _ in range(10_000):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        new = max(0.0, np.sum(w**2 * ((y - mu) ** 2 - v)) / np.sum(w**2) + 1 / np.sum(w))
        if abs(new - tau2) < 1e-12 * max(1.0, tau2):
            return float(new), True
        tau2 = new
    return float(tau2), False


def random_effects_meta(
    data: pd.DataFrame,
    *,
    estimate: str = "estimate",
    se: str = "se",
    label: str | None = None,
    method: MetaMethod = "dl",
    ci_method: MetaCI = "z",
    alpha: float = 0.05,
) -> MetaResult:
    """Pool study estimates (e.g. one per region) in a random-effects meta-analysis.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per study. Not modified.
    estimate : str
        Column of effect estimates.
    se : str
        Column of their standard errors (> 0).
    label : str, optional
        Column naming the studies (default: the row position).
    method : {"dl", "pm", "reml"}
        Between-study variance: ``dl`` DerSimonian-Laird (default; statsmodels
        ``combine_effects(method_re="dl")``), ``pm`` Paule-Mandel (``method_re="iterated"``),
        ``reml`` restricted maximum likelihood (fixed-point iteration, as metafor).
    ci_method : {"z", "hksj"}
        ``z``: normal interval with se = sqrt(1 / sum w_i), w_i = 1 / (se_i^2 + tau2).
        ``hksj``: Hartung-Knapp-Sidik-Jonkman, se^2 = sum w_i (y_i - mu)^2 / ((k - 1) sum w_i)
        and t with k - 1 df; recommended with few studies.
    alpha : float
        Significance level.

    Returns
    -------
    MetaResult

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"estimate": [0.3, 0.1, 0.5], "se": [0.1, 0.15, 0.12]})
    >>> round(random_effects_meta(d).estimate, 4)
    0.3135
    """
    _check_frame(data)
    _check_option("method", method, MetaMethod)
    _check_option("ci_method", ci_method, MetaCI)
    _check_alpha(alpha)
    roles = {"estimate": [estimate], "se": [se]}
    _check_columns(data, roles | ({"label": [label]} if label is not None else {}))
    notes: list[str] = []
    frame = _drop_missing(data, roles, notes, also=[label] if label is not None else [])
    y = _to_float(frame[estimate], "estimate")
    s = _to_float(frame[se], "se")
    if (s <= 0).any():
        raise EstimationError(f"se column {se!r} must be positive for every study")
    k = y.size
    if k < 2:
        raise EstimationError(f"a meta-analysis needs at least 2 studies; found {k}")
    labels = frame[label].astype(str).tolist() if label is not None else [str(i) for i in range(k)]
    v = s**2
    results = None
    if method in ("dl", "pm"):
        with _captured_warnings() as caught:
            # Paule-Mandel: statsmodels' default tolerance (atol=1e-5) is loose; tighten it
            extra = {} if method == "dl" else {"atol": 1e-12, "maxiter": 1000}
            results = combine_effects(
                y, v, method_re="dl" if method == "dl" else "iterated", row_names=labels,
                alpha=alpha, use_t=False, **extra,
            )  # fmt: skip
        notes.extend(f"statsmodels warning: {m}" for m in caught)
        tau2 = float(results.tau2)
        if tau2 < 0:
            # statsmodels 0.15 returns the untruncated moment estimate when Q < k - 1;
            # DerSimonian-Laird (and Paule-Mandel) truncate tau^2 at zero by definition.
            notes.append(f"tau^2 estimate {tau2:.4g} < 0 truncated at 0 (Q < k - 1).")
            tau2 = 0.0
    else:
        wf = 1 / v
        mu_f = np.sum(wf * y) / np.sum(wf)
        q0 = np.sum(wf * (y - mu_f) ** 2)
        dl = max(0.0, (q0 - (k - 1)) / (np.sum(wf) - np.sum(wf**2) / np.sum(wf)))
        tau2, converged = _tau2_reml(y, v, dl)
        if not converged:
            notes.append("The REML iteration for tau^2 did not converge.")
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se_mu = float(math.sqrt(1 / np.sum(w)))
    if ci_method == "hksj":
        se_mu = float(math.sqrt(np.sum(w * (y - mu) ** 2) / ((k - 1) * np.sum(w))))
        dist = stats.t(k - 1)
    else:
        dist = stats.norm()
    crit = float(dist.ppf(1 - alpha / 2))
    p_value = float(2 * dist.sf(abs(mu / se_mu))) if se_mu > 0 else float("nan")
    wf = 1 / v
    mu_f = np.sum(wf * y) / np.sum(wf)
    q = float(np.sum(wf * (y - mu_f) ** 2))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    if k >= 3:
        half = float(stats.t.ppf(1 - alpha / 2, k - 2)) * math.sqrt(tau2 + se_mu**2)
        pi = (mu - half, mu + half)
    else:
        pi = (float("nan"), float("nan"))
    if k < 5:
        notes.append(
            f"Only {k} studies: tau^2 and I^2 are very imprecise; ci_method='hksj' gives a more "
            "honest interval."
        )
    z = float(stats.norm.ppf(1 - alpha / 2))
    studies = pd.DataFrame(
        {
            "label": labels,
            "estimate": y,
            "se": s,
            "ci_low": y - z * s,
            "ci_high": y + z * s,
            "weight": w / w.sum(),
            "weight_fixed": wf / wf.sum(),
        }
    )
    return MetaResult(
        estimate=mu,
        se=se_mu,
        ci_low=mu - crit * se_mu,
        ci_high=mu + crit * se_mu,
        p_value=p_value,
        tau2=float(tau2),
        i2=float(i2),
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        k=k,
        pi_low=float(pi[0]),
        pi_high=float(pi[1]),
        method=method,
        ci_method=ci_method,
        alpha=float(alpha),
        studies=studies,
        notes=tuple(notes),
        results=results,
    )
