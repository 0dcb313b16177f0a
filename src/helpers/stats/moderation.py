"""Heterogeneity by a pre-treatment moderator: the effect in each moderator group (or per unit of
a continuous moderator) from one regression with a treatment x moderator interaction, and the
test that the effect does not vary.

A moderator must be measured *before* treatment (age, rank, a baseline score, the unit): one
the programme can change (relevance rated after training, post-test motivation) turns the
comparison into one between differently selected groups, and is not a moderator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.errors import ConfigError, EstimationError
from helpers.stats._common import (
    _SE_SENTENCES,
    _as_names,
    _check_alpha,
    _check_frame,
    _check_option,
    _check_rank,
    _cluster_codes,
    _cluster_notes,
    _fit_ls,
    _is_numeric,
)
from helpers.stats.literals import ModerationDesign, PAdjustMethod, RegressionSE
from helpers.stats.multiplicity import adjust_pvalues
from helpers.stats.regression import _check_roles, _check_se_cluster, _linear_design

__all__ = [
    "ModeratedEffects",
    "moderated_effects",
    "adjust_moderation",
]


@dataclass(frozen=True)
class ModeratedEffects:
    """The effect by moderator and the test of the interaction.

    Attributes
    ----------
    moderator : str
        The moderator column.
    kind : str
        ``"categorical"`` (an effect per group) or ``"continuous"`` (an effect at the
        moderator's mean and a change per unit).
    effects : pandas.DataFrame
        One row per group (``level``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``n_treated``, ``n_control``); for a continuous moderator the rows
        ``"at mean"`` and ``"per unit"`` (the interaction coefficient).
    interaction_stat : float
        Wald F (categorical, ``interaction_df`` numerator df) or t (continuous).
    interaction_df : tuple of float
        (numerator, denominator) df of the F test; (1, df) for the t test.
    interaction_p : float
        p-value of "the effect is the same in every group" (no interaction).
    design, outcome, treatment : str
        As in :func:`moderated_effects`.
    se_type, se_note : str
        The standard error used.
    alpha : float
        Level of the intervals.
    notes : tuple of str
        Dropped rows, small groups, the pre-treatment requirement.
    results : object
        The statsmodels fit.
    """

    moderator: str
    kind: str
    effects: pd.DataFrame = field(repr=False)
    interaction_stat: float
    interaction_df: tuple[float, float]
    interaction_p: float
    design: str
    outcome: str
    treatment: str
    se_type: str
    se_note: str
    alpha: float
    notes: tuple[str, ...]
    results: Any = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The effects table with the moderator, the interaction test and the design beside.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> df = pd.DataFrame({"t": rng.integers(0, 2, 200), "g": rng.choice(["a", "b"], 200)})
        >>> df["y"] = df["t"] * (df["g"] == "b") + rng.normal(size=200)
        >>> moderated_effects(df, "y", "t", "g", design="diff").to_frame().shape[0]
        2
        """
        out = self.effects.copy()
        for f in fields(self):
            if f.name in ("effects", "results", "notes", "interaction_df"):
                continue
            out[f.name] = getattr(self, f.name)
        out["interaction_df1"], out["interaction_df2"] = self.interaction_df
        out["notes"] = " | ".join(self.notes)
        return out


def moderated_effects(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    moderator: str,
    *,
    baseline: str | None = None,
    covariates: Sequence[str] = (),
    design: ModerationDesign = "ancova",
    categorical: bool | None = None,
    cluster: str | None = None,
    se: RegressionSE = "robust",
    alpha: float = 0.05,
) -> ModeratedEffects:
    """The effect of a treatment in each group of a pre-treatment moderator, with the
    interaction test.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person. Not modified.
    outcome : str
        Numeric outcome column.
    treatment : str
        0/1 or boolean column, 1 = took part.
    moderator : str
        Column measured before treatment. Text, categorical and boolean columns (and numbers
        with ``categorical=True``) give one effect per level; numbers otherwise give the effect
        at the mean and its change per unit.
    baseline : str, optional
        Pre-programme outcome (``ancova``).
    covariates : sequence of str
        Adjustment columns (``ancova``); the moderator's main effect is always in the model.
    design : {"diff", "ancova"}
        Least-squares design: ``y ~ T * M`` (diff) or ``y ~ T * M + baseline + covariates``.
    categorical : bool, optional
        Force the moderator's kind (default: from its dtype; numbers with at most 2 values are
        categorical).
    cluster : str, optional
        Cluster column (CR1, t(G-1)).
    se : {"robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"}
        As :func:`~helpers.stats.regression.estimate_ancova` (``robust``: HC2, or CR1 with a
        cluster).
    alpha : float
        Significance level of the intervals.

    Returns
    -------
    ModeratedEffects

    Notes
    -----
    One regression with the treatment, the moderator's dummies (or centred values) and their
    products: the effect in group g is ``b_T + b_{T x g}`` with its SE from the coefficient
    covariance (``a' V a``); the interaction test is the Wald F of all ``b_{T x g} = 0``
    (``q`` and ``N - K`` df, or ``G - 1`` with clusters), for a continuous moderator the t of
    the one product term. A continuous moderator is centred at its mean, so the treatment
    coefficient is the effect at the mean. The effect of a moderator that the treatment can
    change is not identified this way: measure moderators before treatment.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"t": rng.integers(0, 2, 400), "age": rng.normal(40, 8, 400)})
    >>> df["y"] = df["t"] * (1 + 0.1 * (df["age"] - 40)) + rng.normal(size=400)
    >>> m = moderated_effects(df, "y", "t", "age", design="diff")
    >>> m.kind, m.interaction_p < 0.05
    ('continuous', True)
    """
    _check_frame(data)
    _check_alpha(alpha)
    _check_option("design", design, ModerationDesign)
    covs = _as_names(covariates)
    _check_se_cluster(se, cluster, design)
    if design == "diff" and (covs or baseline is not None):
        raise ConfigError("design='diff' takes no baseline or covariates; use design='ancova'")
    _check_roles(outcome, treatment, covs, baseline)
    if moderator in (outcome, treatment, baseline) or moderator in covs:
        raise ConfigError(
            f"moderator {moderator!r} is also the outcome, treatment, baseline or a covariate"
        )
    notes: list[str] = [
        f"The moderator {moderator!r} must be measured before treatment; a moderator the "
        "programme can change does not identify how the effect differs."
    ]
    frame, y, t, X = _linear_design(
        data, outcome, treatment, baseline, covs, notes, cluster=cluster, moderator=moderator
    )
    m = frame[moderator]
    if categorical is None:
        categorical = not _is_numeric(m) or m.nunique() <= 2 or pd.api.types.is_bool_dtype(m)
    names, X = _interaction_columns(X, frame, treatment, moderator, bool(categorical))
    _check_rank(X.to_numpy(), list(X.columns), "moderation")
    groups = None
    if cluster is not None:
        se_type = "CR1"
        groups, g = _cluster_codes(frame[cluster])
        _cluster_notes(g, cluster, notes)
    else:
        se_type = "HC2" if se == "robust" else se
    res = _fit_ls(y, X, w=None, se_type=se_type, groups=groups, notes=notes)
    df_resid = float(getattr(res, "df_resid_inference", None) or res.df_resid)
    V = np.asarray(res.cov_params())
    cols = list(X.columns)
    q = float(stats.t.ppf(1 - alpha / 2, df_resid))
    rows = []
    if categorical:
        levels = names["levels"]
        for level, term in zip(levels, [None, *names["products"]], strict=True):
            a = np.zeros(len(cols))
            a[cols.index(treatment)] = 1.0
            if term is not None:
                a[cols.index(term)] = 1.0
            rows.append(_row(str(level), a, res, V, q, df_resid, t, frame[moderator], level))
        R = np.zeros((len(names["products"]), len(cols)))
        for i, term in enumerate(names["products"]):
            R[i, cols.index(term)] = 1.0
        b = R @ np.asarray(res.params)
        stat = float(b @ np.linalg.solve(R @ V @ R.T, b)) / R.shape[0]
        p = float(stats.f.sf(stat, R.shape[0], df_resid))
        dfs = (float(R.shape[0]), df_resid)
        small = [str(lv) for lv in levels if ((frame[moderator].astype(str) == str(lv)) &
                                              (t == 1)).sum() < 5]  # fmt: skip
        if small:
            notes.append(f"Fewer than 5 treated rows in group(s) {', '.join(small)}.")
    else:
        a = np.zeros(len(cols))
        a[cols.index(treatment)] = 1.0
        rows.append(_row("at mean", a, res, V, q, df_resid, t, None, None))
        b = np.zeros(len(cols))
        b[cols.index(names["products"][0])] = 1.0
        rows.append(_row("per unit", b, res, V, q, df_resid, t, None, None))
        stat = rows[-1]["estimate"] / rows[-1]["se"]
        p = rows[-1]["p_value"]
        dfs = (1.0, df_resid)
        notes.append(
            f"{moderator!r} is centred at its mean ({names['mean']:.4g}): 'at mean' is the "
            "effect there, 'per unit' how much it changes per unit of the moderator."
        )
    n, k = X.shape
    if se_type == "CR1":
        se_note = (
            f"Standard errors clustered by {cluster}, CR1 G/(G-1)*(N-1)/(N-K) with N = {n} and "
            f"K = {k} (every coefficient, the interaction terms included); t with G-1 df."
        )
    else:
        se_note = _SE_SENTENCES[se_type].format(df=n - k, welch="")
    return ModeratedEffects(
        moderator=moderator, kind="categorical" if categorical else "continuous",
        effects=pd.DataFrame(rows), interaction_stat=float(stat), interaction_df=dfs,
        interaction_p=float(p), design=design, outcome=outcome, treatment=treatment,
        se_type=se_type, se_note=se_note, alpha=float(alpha), notes=tuple(notes), results=res,
    )  # fmt: skip


def _interaction_columns(
    X: pd.DataFrame, frame: pd.DataFrame, treatment: str, moderator: str, categorical: bool
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Add the moderator's main effect and its products with the treatment to ``X``."""
    X = X.copy()
    t = X[treatment].to_numpy()
    m = frame[moderator]
    if categorical:
        levels = (
            list(m.cat.categories)
            if isinstance(m.dtype, pd.CategoricalDtype)
            else sorted(m.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))
        )
        levels = [lv for lv in levels if (m == lv).any()]
        if len(levels) < 2:
            raise EstimationError(
                f"moderator {moderator!r} has {len(levels)} level in the rows used; need 2"
            )
        products = []
        for lv in levels[1:]:
            dummy = (m == lv).to_numpy(dtype=float)
            X[f"{moderator}[{lv}]"] = dummy
            X[f"{treatment}:{moderator}[{lv}]"] = t * dummy
            products.append(f"{treatment}:{moderator}[{lv}]")
        return {"levels": levels, "products": products}, X
    values = m.to_numpy(dtype=float)
    centred = values - values.mean()
    X[moderator] = centred
    X[f"{treatment}:{moderator}"] = t * centred
    return {"products": [f"{treatment}:{moderator}"], "mean": float(values.mean())}, X


def _row(
    label: str,
    a: np.ndarray,
    res: Any,
    V: np.ndarray,
    q: float,
    df: float,
    t: np.ndarray,
    m: pd.Series | None,
    level: Any,
) -> dict[str, Any]:
    est = float(a @ np.asarray(res.params))
    se = float(np.sqrt(a @ V @ a))
    p = float(2 * stats.t.sf(abs(est / se), df)) if se > 0 else float("nan")
    if m is None:
        n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    else:
        mask = (m == level).to_numpy()
        n1, n0 = int((mask & (t == 1)).sum()), int((mask & (t == 0)).sum())
    return {
        "level": label,
        "estimate": est,
        "se": se,
        "ci_low": est - q * se,
        "ci_high": est + q * se,
        "p_value": p,
        "n_treated": n1,
        "n_control": n0,
    }


def adjust_moderation(
    results: Iterable[ModeratedEffects], *, method: PAdjustMethod = "fdr_bh"
) -> pd.DataFrame:
    """One row per moderator with its interaction p-value adjusted across the moderators.

    Parameters
    ----------
    results : iterable of ModeratedEffects
        The moderators examined for one outcome (a family of tests).
    method : str
        Method of :func:`~helpers.stats.multiplicity.adjust_pvalues` (default
        Benjamini-Hochberg).

    Returns
    -------
    pandas.DataFrame
        ``moderator``, ``kind``, ``outcome``, ``interaction_stat``, ``interaction_p``,
        ``p_adj``, ``p_adj_method``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"t": rng.integers(0, 2, 300), "a": rng.normal(size=300),
    ...                    "g": rng.choice(["x", "y"], 300)})
    >>> df["y"] = df["t"] + rng.normal(size=300)
    >>> ms = [moderated_effects(df, "y", "t", m, design="diff") for m in ("a", "g")]
    >>> adjust_moderation(ms)["moderator"].tolist()
    ['a', 'g']
    """
    _check_option("method", method, PAdjustMethod)
    items = list(results)
    if not items:
        raise ConfigError("adjust_moderation needs at least one ModeratedEffects")
    for r in items:
        if not isinstance(r, ModeratedEffects):
            raise TypeError(f"results must be ModeratedEffects, got {type(r).__name__}")
    table = pd.DataFrame(
        {
            "moderator": [r.moderator for r in items],
            "kind": [r.kind for r in items],
            "outcome": [r.outcome for r in items],
            "interaction_stat": [r.interaction_stat for r in items],
            "interaction_p": [r.interaction_p for r in items],
        }
    )
    table["p_adj"] = adjust_pvalues(table["interaction_p"], method=method)
    table["p_adj_method"] = method
    return table
