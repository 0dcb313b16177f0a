"""Cross-region synthesis: regions are pooled only where they measure the same thing the same way.

The rules (DESIGN.md, "Estimating training effects"; issue 17):

1. Only effects of the same **construct** are pooled (the registry names each analysis's
   construct; the Kirkpatrick level alone says nothing about what was measured).
2. **Controlled** designs (ANCOVA, IPW, AIPW, DiD, TWFE, mixed models, ...) and **uncontrolled**
   pre/post comparisons (``paired``: the gain includes retest and maturation) are never pooled
   together; only controlled designs are pooled at all. The naive difference in means
   (``diff``) never counts as a controlled headline.
3. A comparable **scale**: when every region reports the construct in the same unit the
   estimates are pooled in that unit (preferred: a reader can say "4,2 menit lebih cepat");
   otherwise each estimate is divided by the person- or transaction-level SD of its outcome
   (``outcome_sd``) and oriented so that positive means improvement. The ``effect_size``
   column is never used: for an aggregated design (Jambi's dinas x month cells) it is divided
   by the SD of cell means (4,51), not of transactions (9,74), and so overstates d twofold.
4. **No pooled estimate below three** comparable regions (``min_regions``): the regions are
   shown side by side with the reason. Pooling is REML with Hartung-Knapp-Sidik-Jonkman
   intervals and a prediction interval (:func:`helpers.stats.meta.random_effects_meta`).

Contract of the effects table
-----------------------------
The input is the regions' ``effects.parquet`` stacked (:func:`load_effects`), one row per
region x outcome x design. Besides the columns the effects step writes today (``region``,
``analysis``, ``label``, ``level``, ``design``, ``headline``, ``estimate``, ``se``,
``ci_low``, ``ci_high``, ``higher_is_better``; optional ``n``, ``error``), the synthesis needs:

==================  =========  =================================================================
column              type       meaning
==================  =========  =================================================================
``construct``       str        what the outcome measures, from the registry's ``construct`` key of
                               the analysis; equal strings are the same construct; empty or
                               missing: the row takes no part in the synthesis
``controlled``      bool       False for an uncontrolled pre/post design (``paired``); True for a
                               design with a comparison group (``diff`` included: it is dropped
                               as naive by its design name)
``outcome_sd``      float      the SD of the outcome at the level of persons (or transactions),
                               never of aggregated cells: the comparison group's at baseline, or
                               pooled; > 0; needed only when units differ
``outcome_sd_basis`` str       which SD: ``"comparison_baseline"`` or ``"pooled"``
``unit``            str        the outcome's unit for readers, e.g. ``"menit"``, ``"poin IKM"``,
                               ``"poin (skala 1-5)"``; compared after trimming and lower-casing
==================  =========  =================================================================

:data:`CONTRACT` holds the same table; :func:`check_contract` checks a frame against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.core.config import ProjectPaths, paths
from helpers.core.errors import ConfigError
from helpers.stats.literals import MetaCI, MetaMethod, MetaPI
from helpers.steps import synthesis_text as text

if TYPE_CHECKING:  # scipy.stats and statsmodels (about 1 s to import) only when pooling:
    # the report index reads effects with this module and pools nothing
    from helpers.stats.meta import MetaResult

__all__ = [
    "CONTRACT",
    "SD_BASES",
    "CONTROLLED_DESIGNS",
    "Synthesis",
    "check_contract",
    "design_class",
    "region_effects",
    "synthesise",
    "regions_by_construct",
    "load_effects",
]

#: The columns the synthesis reads, and what each must hold.
CONTRACT: dict[str, str] = {
    "region": "slug of the region",
    "analysis": "the analysis's key in the registry",
    "label": "the outcome's name for readers",
    "level": "Kirkpatrick level, 1-4",
    "design": "the estimator's design (ancova, did, paired, diff, ...)",
    "headline": "True for the region's headline estimate of the outcome",
    "estimate": "the effect in the outcome's unit",
    "se": "its standard error (> 0)",
    "ci_low": "lower bound of its interval",
    "ci_high": "upper bound of its interval",
    "higher_is_better": "True when a larger value of the outcome is an improvement",
    "construct": "what the outcome measures (registry key 'construct'); same string = same construct",
    "controlled": "False for uncontrolled pre/post designs",
    "outcome_sd": "person- or transaction-level SD of the outcome (never of aggregated cells)",
    "outcome_sd_basis": "'comparison_baseline' or 'pooled'",
    "unit": "the outcome's unit for readers, e.g. 'menit', 'poin IKM'",
}

#: Accepted values of ``outcome_sd_basis`` and how a reader is told which SD was used.
SD_BASES: dict[str, str] = {
    "comparison_baseline": "simpangan baku kelompok pembanding sebelum program",
    "pooled": "simpangan baku gabungan kedua kelompok",
}

#: Designs with a comparison group that adjust for who took part; a design not listed here
#: counts as controlled when its row says ``controlled=True``.
CONTROLLED_DESIGNS = frozenset({"ancova", "ipw", "aipw", "did", "twfe", "mixed"})
UNCONTROLLED_DESIGNS = frozenset({"paired"})
NAIVE_DESIGNS = frozenset({"diff"})

_DESIGN_CLASSES = ("controlled", "uncontrolled", "naive")


# --------------------------------------------------------------------------------------------
# the contract
# --------------------------------------------------------------------------------------------


def check_contract(effects: pd.DataFrame) -> None:
    """Raise :class:`ConfigError` unless ``effects`` has every column of :data:`CONTRACT`.

    Parameters
    ----------
    effects : pandas.DataFrame
        The stacked effects tables.

    Returns
    -------
    None

    Examples
    --------
    >>> import pandas as pd
    >>> try:
    ...     check_contract(pd.DataFrame({"region": ["a"]}))
    ... except ConfigError as e:
    ...     print(str(e)[:53])
    the effects table lacks column(s) 'analysis', 'label'
    """
    if not isinstance(effects, pd.DataFrame):
        raise TypeError(f"effects must be a pandas DataFrame, got {type(effects).__name__}")
    missing = [c for c in CONTRACT if c not in effects.columns]
    if missing:
        raise ConfigError(
            f"the effects table lacks column(s) {', '.join(map(repr, missing))}; the synthesis "
            "needs the registry's 'construct' and the effects step's 'controlled', "
            "'outcome_sd', 'outcome_sd_basis' and 'unit' (see helpers.steps.synthesis.CONTRACT)"
        )


def _flag(value: Any) -> bool | None:
    """True/False, or None when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return bool(value)


def design_class(design: str, controlled: Any) -> str:
    """``"controlled"``, ``"uncontrolled"`` (pre/post) or ``"naive"`` (difference in means).

    Parameters
    ----------
    design : str
        The row's design.
    controlled : bool or None
        The row's ``controlled`` flag (None when missing).

    Returns
    -------
    str

    Notes
    -----
    ``diff`` is always naive and ``paired`` always uncontrolled; a listed controlled design
    flagged ``controlled=False``, or ``paired`` flagged True, is a contradiction in the effects
    table and raises :class:`ConfigError`. A design not listed follows its flag.

    Examples
    --------
    >>> design_class("ancova", True), design_class("paired", False), design_class("diff", True)
    ('controlled', 'uncontrolled', 'naive')
    """
    flag = _flag(controlled)
    if design in NAIVE_DESIGNS:
        return "naive"
    if design in UNCONTROLLED_DESIGNS:
        if flag is True:
            raise ConfigError(f"design {design!r} is a pre/post comparison but controlled=True")
        return "uncontrolled"
    if design in CONTROLLED_DESIGNS:
        if flag is False:
            raise ConfigError(f"design {design!r} has a comparison group but controlled=False")
        return "controlled"
    if flag is None:
        raise ConfigError(
            f"design {design!r} is not known to the synthesis and its 'controlled' flag is missing"
        )
    return "controlled" if flag else "uncontrolled"


def _norm_unit(unit: Any) -> str:
    return (
        "" if unit is None or unit is pd.NA or unit != unit else " ".join(str(unit).split()).lower()
    )


# --------------------------------------------------------------------------------------------
# per-region rows
# --------------------------------------------------------------------------------------------


def _names(regions: Sequence[str], names: Mapping[str, str] | None) -> dict[str, str]:
    names = dict(names or {})
    return {r: names.get(r, str(r).replace("_", " ").title()) for r in regions}


def construct_label(construct: str, labels: Mapping[str, str] | None = None) -> str:
    """The construct's name for readers: ``labels[construct]``, else the key made readable.

    Parameters
    ----------
    construct : str
        The registry's construct key.
    labels : mapping of str to str, optional
        Reader names of constructs.

    Returns
    -------
    str

    Examples
    --------
    >>> construct_label("kepuasan_kerja")
    'Kepuasan kerja'
    """
    if labels and construct in labels:
        return str(labels[construct])
    words = str(construct).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def region_effects(
    effects: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per region, construct and design class: the region's headline estimate.

    Parameters
    ----------
    effects : pandas.DataFrame
        Stacked effects tables with the columns of :data:`CONTRACT`. Not modified.
    names : mapping of str to str, optional
        Region slug -> name for readers (default: the slug, title-cased).
    construct_labels : mapping of str to str, optional
        Construct -> name for readers.

    Returns
    -------
    pandas.DataFrame
        The contract's columns plus ``region_name``, ``construct_label``, ``design_class`` and
        ``duplicate`` and ``reason`` (Indonesian, empty when the row may be pooled). Only
        headline rows with a construct, a finite estimate and a positive SE are kept; a second
        headline row of the same region, construct and design class stays, flagged
        ``duplicate``, with a reason.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"region": ["a", "a"], "analysis": ["x", "x"], "label": ["X", "X"],
    ...     "level": [3, 3], "design": ["diff", "ancova"], "headline": [False, True],
    ...     "estimate": [0.5, 0.3], "se": [0.1, 0.1], "ci_low": [0.3, 0.1], "ci_high": [0.7, 0.5],
    ...     "higher_is_better": [True, True], "construct": ["x", "x"],
    ...     "controlled": [True, True], "outcome_sd": [1.0, 1.0],
    ...     "outcome_sd_basis": ["pooled", "pooled"], "unit": ["poin", "poin"]})
    >>> region_effects(e)[["region_name", "design", "design_class"]].values.tolist()
    [['A', 'ancova', 'controlled']]
    """
    check_contract(effects)
    e = effects.copy()
    construct = e["construct"].astype("string").str.strip()
    keep = construct.notna() & (construct != "") & e["headline"].astype("boolean").fillna(False)
    est = pd.to_numeric(e["estimate"], errors="coerce")
    se = pd.to_numeric(e["se"], errors="coerce")
    keep &= np.isfinite(est) & (se > 0)
    if "error" in e.columns:
        keep &= e["error"].isna() | (e["error"].astype("string").str.strip() == "")
    e = e.loc[keep.fillna(False).astype(bool)].copy()
    e["construct"] = construct[e.index].astype(str)
    cls = []
    for idx, row in e.iterrows():
        try:
            cls.append(design_class(str(row["design"]), row["controlled"]))
        except ConfigError as err:
            raise ConfigError(
                f"effects row {idx} (region {row['region']!r}, analysis {row['analysis']!r}): {err}"
            ) from None
    e["design_class"] = pd.Series(cls, index=e.index, dtype=object)
    region_names = _names(list(pd.unique(e["region"])), names)
    e["region_name"] = e["region"].map(region_names)
    e["construct_label"] = e["construct"].map(lambda c: construct_label(c, construct_labels))
    e["reason"] = ""
    first = e.groupby(["construct", "region", "design_class"], sort=False).cumcount() == 0
    e["duplicate"] = ~first
    for idx in e.index[~first]:
        row = e.loc[idx]
        shown = e.loc[
            first
            & (e["construct"] == row["construct"])
            & (e["region"] == row["region"])
            & (e["design_class"] == row["design_class"]),
            "label",
        ].iloc[0]
        e.loc[idx, "reason"] = text.reason_duplicate(shown)
    e.loc[e["design_class"] == "naive", "reason"] = text.REASON_NAIVE
    e.loc[e["design_class"] == "uncontrolled", "reason"] = text.REASON_UNCONTROLLED
    return e.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# scale
# --------------------------------------------------------------------------------------------


def _choose_scale(rows: pd.DataFrame) -> tuple[str, str, bool]:
    """("raw", unit, higher_is_better) when every row has the same unit and direction,
    else ("sd", "", True): standardised and oriented so that positive is an improvement."""
    units = {_norm_unit(u) for u in rows["unit"]}
    better = {bool(b) for b in rows["higher_is_better"].astype("boolean").fillna(True)}
    if len(rows) and len(units) == 1 and "" not in units and len(better) == 1:
        unit = str(rows["unit"].iloc[0]).strip()
        return "raw", unit, better.pop()
    return "sd", "", True


def _on_scale(row: pd.Series, scale: str, unit: str) -> tuple[float, float, float, float, str]:
    """(y, y_se, y_low, y_high, reason) of one row on the construct's scale."""
    est, se = float(row["estimate"]), float(row["se"])
    lo = float(row["ci_low"]) if pd.notna(row["ci_low"]) else est - 1.959964 * se
    hi = float(row["ci_high"]) if pd.notna(row["ci_high"]) else est + 1.959964 * se
    nan = float("nan")
    if scale == "raw":
        if _norm_unit(row["unit"]) != _norm_unit(unit):
            return nan, nan, nan, nan, text.reason_unit(row["unit"], unit)
        return est, se, lo, hi, ""
    sd = pd.to_numeric(pd.Series([row["outcome_sd"]]), errors="coerce").iloc[0]
    if not (np.isfinite(sd) and sd > 0):
        return nan, nan, nan, nan, text.REASON_NO_SD
    basis = row["outcome_sd_basis"]
    if basis not in SD_BASES:
        raise ConfigError(
            f"region {row['region']!r}, analysis {row['analysis']!r}: outcome_sd_basis={basis!r}; "
            f"expected one of {', '.join(map(repr, SD_BASES))}"
        )
    sign = 1.0 if _flag(row["higher_is_better"]) is not False else -1.0
    a, b = sign * lo / sd, sign * hi / sd
    return sign * est / sd, se / sd, min(a, b), max(a, b), ""


# --------------------------------------------------------------------------------------------
# the synthesis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthesis:
    """The cross-region synthesis: one row per construct, the regions' rows, the pooled fits.

    Attributes
    ----------
    constructs : pandas.DataFrame
        One row per construct: ``construct``, ``construct_label``, ``levels``, ``k`` (controlled
        regions on a comparable scale), ``k_uncontrolled``, ``regions`` (their names),
        ``regions_all``, ``pooled``, ``scale`` (``"raw"`` or ``"sd"``), ``scale_label``,
        ``unit``, ``improvement_sign`` (+1, or -1 when lower raw values are better),
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``, ``p_value``,
        ``tau2``, ``tau``, ``i2``, ``h2``, ``q``, ``q_df``, ``q_p``, ``method``,
        ``ci_method``, ``pi_method``, ``sd_basis``, ``reason`` (why not pooled),
        ``heterogeneity_id`` and ``summary_id`` (Indonesian sentences).
    regions : pandas.DataFrame
        One row per region, construct and design class (:func:`region_effects`) with the
        values on the construct's scale (``y``, ``y_se``, ``y_low``, ``y_high``), ``in_pool``,
        ``weight`` (random-effects weight when pooled), ``verdict`` and ``verdict_id``.
    meta : dict of str to MetaResult
        The pooled fits, by construct.
    min_regions : int
        Fewest comparable regions for a pooled estimate.
    alpha : float
        Significance level of the pooled intervals.
    """

    constructs: pd.DataFrame
    regions: pd.DataFrame
    meta: dict[str, MetaResult] = field(repr=False)
    min_regions: int = 3
    alpha: float = 0.05

    def conclusion(self) -> list[str]:
        """The plain-Indonesian conclusion (:func:`helpers.steps.synthesis_text.conclusion`).

        Returns
        -------
        list of str
            Where the programme worked; where it did not; how sure we are; what the regions
            differ in.

        Examples
        --------
        >>> synthesise(_example_effects()).conclusion()[1][:40]
        'Tidak ada hasil terkontrol yang memburuk'
        """
        return text.conclusion(self.constructs, self.regions, min_regions=self.min_regions)

    def to_frame(self) -> pd.DataFrame:
        """One tidy table for Parquet: construct rows (``row_type="construct"``) followed by
        their region rows (``row_type="region"``), sharing the columns they have in common.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> s = synthesise(_example_effects())
        >>> s.to_frame()["row_type"].value_counts().to_dict()
        {'region': 4, 'construct': 2}
        """
        c = self.constructs.assign(row_type="construct")
        r = self.regions.rename(
            columns={
                "estimate": "estimate_raw",
                "se": "se_raw",
                "ci_low": "ci_low_raw",
                "ci_high": "ci_high_raw",
            }
        )
        r = r.rename(columns={"y": "estimate", "y_se": "se", "y_low": "ci_low",
                              "y_high": "ci_high"}).assign(row_type="region")  # fmt: skip
        r = r.drop(columns=[col for col in ("scale", "scale_label") if col in r.columns])
        r = r.merge(c[["construct", "scale", "scale_label"]], on="construct", how="left")
        out = pd.concat([c, r], ignore_index=True, sort=False)
        order = {k: i for i, k in enumerate(c["construct"])}
        out["_o"] = out["construct"].map(order)
        out["_t"] = (out["row_type"] == "region").astype(int)
        out = out.sort_values(["_o", "_t"], kind="stable").drop(columns=["_o", "_t"])
        first = ["row_type", "construct", "construct_label", "region", "region_name", "label"]
        cols = [col for col in first if col in out.columns]
        out = out[cols + [col for col in out.columns if col not in cols]].reset_index(drop=True)
        for col in out.columns:
            if out[col].dtype != object:
                continue
            present = out[col].dropna()
            if len(present) and present.map(lambda v: isinstance(v, (bool, np.bool_))).all():
                out[col] = out[col].astype("boolean")  # True/False/<NA>, not the text "True"
            else:
                out[col] = out[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
        return out


def _pool_one(
    construct: str,
    rows: pd.DataFrame,
    *,
    min_regions: int,
    method: MetaMethod,
    ci_method: MetaCI,
    pi_method: MetaPI,
    alpha: float,
) -> tuple[dict[str, Any], pd.DataFrame, MetaResult | None]:
    """Scale, pool (or not) one construct: its summary row, its region rows, its fit."""
    rows = rows.copy()
    shown = rows[(rows["design_class"] != "naive") & ~rows["duplicate"]]
    scale, unit, better = _choose_scale(shown if len(shown) else rows)
    values = [_on_scale(r, scale, unit) for _, r in rows.iterrows()]
    for i, col in enumerate(("y", "y_se", "y_low", "y_high")):
        rows[col] = [v[i] for v in values]
    rows["reason"] = [r if r else v[4] for r, v in zip(rows["reason"], values, strict=True)]
    rows["scale"] = scale
    rows["in_pool"] = (rows["design_class"] == "controlled") & (rows["reason"] == "")
    pool = rows[rows["in_pool"]]
    k = len(pool)
    sign = 1 if (scale == "sd" or better) else -1
    summary: dict[str, Any] = {
        "construct": construct,
        "construct_label": rows["construct_label"].iloc[0],
        "levels": ", ".join(str(int(v)) for v in sorted(pd.unique(rows["level"]))),
        "k": k,
        "k_uncontrolled": int((rows["design_class"] == "uncontrolled").sum()),
        "regions": ", ".join(pool["region_name"]),
        "regions_all": ", ".join(pd.unique(rows["region_name"])),
        "scale": scale,
        "scale_label": unit if scale == "raw" else text.SD_LABEL,
        "unit": unit,
        "improvement_sign": sign,
        "sd_basis": ", ".join(sorted({str(b) for b in pool["outcome_sd_basis"].dropna()}))
        if scale == "sd"
        else "",
    }
    meta = None
    if k >= min_regions:
        from helpers.stats.meta import random_effects_meta

        meta = random_effects_meta(
            pool, estimate="y", se="y_se", label="region_name", method=method,
            ci_method=ci_method, pi_method=pi_method, alpha=alpha,
        )  # fmt: skip
        weights = dict(zip(meta.studies["label"], meta.studies["weight"], strict=True))
        rows["weight"] = rows["region_name"].map(weights).where(rows["in_pool"])
        summary["reason"] = ""
    else:
        rows["weight"] = np.nan
        summary["reason"] = text.reason_too_few(k, min_regions)
    summary.update(_meta_columns(meta))
    summary["pooled"] = meta is not None
    verdicts = [text.verdict(r, sign) for _, r in rows.iterrows()]
    rows["verdict"] = verdicts
    rows["verdict_id"] = [text.verdict_sentence(r, sign, summary) for _, r in rows.iterrows()]
    summary["heterogeneity_id"] = text.heterogeneity(meta, summary) if meta is not None else ""
    summary["summary_id"] = text.construct_summary(summary, rows, meta)
    return summary, rows, meta


def _meta_columns(meta: MetaResult | None) -> dict[str, Any]:
    names = ("estimate", "se", "ci_low", "ci_high", "pi_low", "pi_high", "p_value", "tau2",
             "i2", "h2", "q", "q_df", "q_p")  # fmt: skip
    if meta is None:
        out: dict[str, Any] = dict.fromkeys(names, np.nan)
        out.update(tau=np.nan, method="", ci_method="", pi_method="")
        return out
    out = {n: float(getattr(meta, n)) for n in names}
    out.update(tau=float(np.sqrt(meta.tau2)), method=meta.method, ci_method=meta.ci_method,
               pi_method=meta.pi_method)  # fmt: skip
    return out


def synthesise(
    effects: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
    min_regions: int = 3,
    method: MetaMethod = "reml",
    ci_method: MetaCI = "hksj",
    pi_method: MetaPI = "riley",
    alpha: float = 0.05,
) -> Synthesis:
    """Pool each construct over the regions that measured it with a controlled design.

    Parameters
    ----------
    effects : pandas.DataFrame
        Stacked effects tables with the columns of :data:`CONTRACT`. Not modified.
    names : mapping of str to str, optional
        Region slug -> name for readers.
    construct_labels : mapping of str to str, optional
        Construct -> name for readers.
    min_regions : int
        Fewest comparable controlled regions for a pooled estimate (default 3, as DESIGN.md).
    method : {"reml", "pm", "dl"}
        tau^2 estimator (:func:`helpers.stats.meta.random_effects_meta`).
    ci_method : {"hksj", "hksj_adhoc", "z"}
        Interval of the pooled estimate.
    pi_method : {"riley", "metafor"}
        Prediction interval rule.
    alpha : float
        Significance level.

    Returns
    -------
    Synthesis
        Constructs in order of their first appearance in ``effects``.

    Notes
    -----
    See the module docstring for the rules. A construct's scale is chosen from all the rows it
    shows (controlled and pre/post, not the naive or duplicate ones): raw units when they all
    share one unit and direction, else the outcome SD. Every row of the construct is put on
    that scale, so that its forest plot has one x-axis.

    Examples
    --------
    >>> s = synthesise(_example_effects())
    >>> s.constructs[["construct", "k", "pooled", "scale"]].values.tolist()
    [['kepuasan_kerja', 2, False, 'raw'], ['efikasi_diri', 1, False, 'sd']]
    >>> s.constructs["reason"].iloc[0]
    'hanya 2 wilayah mengukur konstruk ini dengan desain terkontrol; estimasi gabungan memerlukan paling sedikit 3'
    """
    if not isinstance(min_regions, int) or min_regions < 2:
        raise ConfigError(f"min_regions={min_regions!r} must be an integer of at least 2")
    rows = region_effects(effects, names=names, construct_labels=construct_labels)
    summaries, parts, fits = [], [], {}
    for construct in pd.unique(rows["construct"]):
        summary, part, meta = _pool_one(
            construct, rows[rows["construct"] == construct], min_regions=min_regions,
            method=method, ci_method=ci_method, pi_method=pi_method, alpha=alpha,
        )  # fmt: skip
        summaries.append(summary)
        parts.append(part)
        if meta is not None:
            fits[construct] = meta
    constructs = pd.DataFrame(summaries, columns=_CONSTRUCT_COLUMNS)
    regions = pd.concat(parts, ignore_index=True) if parts else rows.assign(y=np.nan)
    return Synthesis(constructs, regions, fits, min_regions=min_regions, alpha=float(alpha))


_CONSTRUCT_COLUMNS = [
    "construct", "construct_label", "levels", "k", "k_uncontrolled", "regions", "regions_all",
    "pooled", "scale", "scale_label", "unit", "improvement_sign", "estimate", "se", "ci_low",
    "ci_high", "pi_low", "pi_high", "p_value", "tau2", "tau", "i2", "h2", "q", "q_df", "q_p",
    "method", "ci_method", "pi_method", "sd_basis", "reason", "heterogeneity_id", "summary_id",
]  # fmt: skip


def regions_by_construct(
    effects: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """For the index page: which regions measured each construct, and how.

    Parameters
    ----------
    effects : pandas.DataFrame
        Stacked effects tables with the columns of :data:`CONTRACT`.
    names : mapping of str to str, optional
        Region slug -> name for readers.
    construct_labels : mapping of str to str, optional
        Construct -> name for readers.

    Returns
    -------
    pandas.DataFrame
        One row per construct: ``construct``, ``construct_label``, ``levels``, ``k`` (regions
        with a headline estimate), ``k_controlled``, ``regions`` (names, ", "-joined),
        ``regions_controlled``, ``region_slugs`` (", "-joined).

    Examples
    --------
    >>> regions_by_construct(_example_effects())[["construct", "k", "regions"]].values.tolist()
    [['kepuasan_kerja', 2, 'Kepahiang, Medan'], ['efikasi_diri', 2, 'Kepahiang, Kemuning']]
    """
    rows = region_effects(effects, names=names, construct_labels=construct_labels)
    out = []
    for construct, g in rows.groupby("construct", sort=False):
        ctrl = g[g["design_class"] == "controlled"]
        out.append(
            {
                "construct": construct,
                "construct_label": g["construct_label"].iloc[0],
                "levels": ", ".join(str(int(v)) for v in sorted(pd.unique(g["level"]))),
                "k": int(g["region"].nunique()),
                "k_controlled": int(ctrl["region"].nunique()),
                "regions": ", ".join(pd.unique(g["region_name"])),
                "regions_controlled": ", ".join(pd.unique(ctrl["region_name"])),
                "region_slugs": ", ".join(pd.unique(g["region"])),
            }
        )
    cols = ["construct", "construct_label", "levels", "k", "k_controlled", "regions",
            "regions_controlled", "region_slugs"]  # fmt: skip
    return pd.DataFrame(out, columns=cols)


def _example_effects() -> pd.DataFrame:
    """A small contract-shaped effects table for the examples and tests."""
    rows = [
        # region, analysis, label, level, design, headline, est, se, hib, construct, ctrl, sd, unit
        ("kepahiang", "job_satisfaction", "Kepuasan kerja", 3, "ancova", True, 0.32, 0.058, True,
         "kepuasan_kerja", True, 0.78, "poin (skala 1-5)"),
        ("medan", "satisfaction", "Kepuasan kerja guru", 3, "ancova", True, 0.21, 0.05, True,
         "kepuasan_kerja", True, 0.81, "poin (skala 1-5)"),
        ("kepahiang", "self_efficacy", "Kepercayaan diri (efikasi diri)", 2, "ancova", True,
         0.397, 0.053, True, "efikasi_diri", True, 0.80, "poin (skala 1-5)"),
        ("kemuning", "efficacy", "Efikasi diri", 2, "paired", True, 0.52, 0.05, True,
         "efikasi_diri", False, 0.70, "poin (skala 1-4)"),
    ]  # fmt: skip
    cols = ["region", "analysis", "label", "level", "design", "headline", "estimate", "se",
            "higher_is_better", "construct", "controlled", "outcome_sd", "unit"]  # fmt: skip
    e = pd.DataFrame(rows, columns=cols)
    e["ci_low"] = e["estimate"] - 1.96 * e["se"]
    e["ci_high"] = e["estimate"] + 1.96 * e["se"]
    e["outcome_sd_basis"] = "comparison_baseline"
    return e


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------


def load_effects(regions: Sequence[str], *, project: ProjectPaths = paths) -> pd.DataFrame:
    """Stack the regions' ``effects.parquet`` (regions without one are skipped).

    Parameters
    ----------
    regions : sequence of str
        Region slugs.
    project : ProjectPaths
        Where the processed data are.

    Returns
    -------
    pandas.DataFrame
    """
    frames = []
    for slug in regions:
        path = project.processed_region(slug) / "effects.parquet"
        if path.is_file():
            frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
