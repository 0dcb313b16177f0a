"""Programme effects: did a training work, by how much, and how sure are we.

A layer-4 general tool: every function takes a plain :class:`pandas.DataFrame` and column names,
knows nothing of regions or files, and returns a frozen dataclass or a DataFrame. Numbers are
computed once, in the estimators; tables (:meth:`Effect.to_frame`, :func:`effects_table`) and
prose (:meth:`Effect.summary_text`) only format them.

Designs of :func:`estimate_effect`: one function each
----------------------------------------------------
========== ====================== ================================================= ==================================
design     function               model                                             default standard error
========== ====================== ================================================= ==================================
diff       :func:`estimate_diff`   OLS ``y ~ 1 + T`` (optionally WLS)                HC2 (= Welch's SE), t with N-2 df
ancova     :func:`estimate_ancova` OLS ``y ~ 1 + T + baseline + covariates``         HC2, t with N-K df; CR1 if cluster
ipw        :func:`estimate_ipw`    propensity Logit/Probit, Hajek ATT/ATE weights    HC2 of the WLS (weights as known)
aipw       :func:`estimate_aipw`   augmented IPW (doubly robust), ATT or ATE         M-estimation sandwich, normal
twfe       :func:`estimate_twfe`   ``y ~ T + unit effects + period effects``         CR1 by unit, t with G-1 df
did        :func:`estimate_twfe`   for now the same as ``twfe``                      CR1 by unit, t with G-1 df
paired     :func:`estimate_paired` mean of ``post - pre`` (uncontrolled)             SD(d)/sqrt(n), t with n-1 df
mixed      :func:`estimate_mixed`  MixedLM ``y ~ 1 + T + ...`` + random intercept    model-based (REML), Wald z
========== ====================== ================================================= ==================================

Every :class:`~helpers.stats.effect.Effect` carries its minimum detectable effect from its own
SE and df (``mde``, Bloom 1995), whether it has a comparison group (``controlled``), and for
the person-level designs with one (diff, ancova, ipw, aipw, mixed) the sensitivity to hidden
bias (robustness value and E-value, :mod:`helpers.stats.sensitivity`).

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
  For diff/ancova K is every estimated coefficient (intercept, treatment, baseline, covariate
  columns). For ``twfe``/``did`` the unit effects are absorbed by the within-unit
  transformation and, when every unit lies within one cluster, are not counted:
  K = treatment + covariate columns + (periods - 1), no intercept. When units are not nested in
  the clusters, unit dummies are estimated and counted in K (with the intercept). Each Effect's
  ``se_note`` states the N and K used.
- ``aipw`` and ``ipw`` with ``se="sandwich"``: ``A^-1 B A^-T`` of the stacked estimating
  equations (propensity score, outcome models, means), no small-sample factor, normal
  quantiles (as Stata's ``teffects``); clustered: ``G/(G-1)`` and t with G-1 df. For ``ipw``
  the default stays the known-weights HC2, because the sandwich under-covers with large
  weights at survey sizes (see :func:`estimate_ipw`).

All t-based intervals use the t distribution with the degrees of freedom stated in
:attr:`Effect.df` (``inf`` for normal-based intervals).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import pandas as pd

from helpers.core.checks import check_keywords
from helpers.core.errors import ConfigError
from helpers.stats._common import _check_frame, _check_option
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.did import estimate_twfe
from helpers.stats.doubly_robust import estimate_aipw
from helpers.stats.effect import Effect
from helpers.stats.literals import Design
from helpers.stats.mixed import estimate_mixed
from helpers.stats.prepost import estimate_paired
from helpers.stats.regression import estimate_ancova, estimate_diff
from helpers.stats.weighting import estimate_ipw

__all__ = [
    "DESIGNS",
    "estimate_effect",
    "estimate_diff",
    "estimate_ancova",
    "estimate_ipw",
    "estimate_aipw",
    "estimate_twfe",
    "estimate_paired",
    "estimate_mixed",
]

#: The function behind each design of :func:`estimate_effect`.
DESIGNS: dict[str, Callable[..., Effect]] = {
    "diff": estimate_diff,
    "ancova": estimate_ancova,
    "ipw": estimate_ipw,
    "aipw": estimate_aipw,
    "did": estimate_twfe,
    "twfe": estimate_twfe,
    "paired": estimate_paired,
    "mixed": estimate_mixed,
}

_POSITIONAL = ("data", "outcome", "treatment")


def _not_given(value: Any) -> bool:
    return value is None or (isinstance(value, list | tuple) and len(value) == 0)


def estimate_effect(
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    *,
    design: Design,
    **options: Any,
) -> Effect:
    """Estimate the effect of a 0/1 treatment with a stated design: the front door to the
    design functions (see the module table).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (per unit and period for ``did``/``twfe``). Not modified.
    outcome : str
        Numeric outcome column (the post-test for ``paired``).
    treatment : str or None
        0/1 or boolean column, 1 = took part (for ``did``/``twfe``: treated at that period). For
        ``paired`` it may be None; if given, only rows with treatment 1 are used.
    design : {"diff", "ancova", "ipw", "aipw", "did", "twfe", "paired", "mixed"}
        Which function estimates: :data:`DESIGNS`. ``"did"`` is for now the two-way
        fixed-effects regression (:func:`estimate_twfe`); the result's ``design`` says which
        name was asked for.
    **options : keyword arguments
        The keyword options of that design's function, and only those (e.g. ``baseline``,
        ``covariates``, ``cluster``, ``se``, ``alpha``). An option given as None, or as an
        empty list of covariates, counts as not given.

    Returns
    -------
    Effect
        Frozen result; ``.to_frame()`` for a table row, ``.summary_text()`` for prose.

    Raises
    ------
    ConfigError
        Unknown design, an option the design does not take (the message lists those it
        takes), a missing column, or a bad option value.
    EstimationError
        One treatment group only, constant outcome, non-0/1 treatment, fewer than 2 clusters,
        collinear covariates, or too few rows.

    Notes
    -----
    Rows with a missing value in any used column are dropped and counted in ``notes``. Integer
    and boolean columns (int8 to Int64) are cast to float64 before any arithmetic. The
    small-sample corrections of each design are in the module notes and in each Effect's
    ``se_note``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"t": np.repeat([0, 1], 50), "pre": rng.normal(size=100)})
    >>> df["post"] = df["pre"] + 0.5 * df["t"] + rng.normal(scale=0.5, size=100)
    >>> e = estimate_effect(df, "post", "t", design="ancova", baseline="pre")
    >>> round(e.estimate, 2), e.se_type
    (0.43, 'HC2')
    >>> estimate_effect(df, "post", "t", design="diff", baseline="pre")
    Traceback (most recent call last):
    ...
    helpers.core.errors.ConfigError: design='diff' does not take baseline; its options are: weights, cluster, se, alpha
    """
    _check_frame(data)
    _check_option("design", design, Design)
    func = DESIGNS[design]
    given = {k: v for k, v in options.items() if not _not_given(v)}
    check_keywords(func, given, what=f"design={design!r}", skip=_POSITIONAL)
    for name, param in inspect.signature(func).parameters.items():
        if param.kind is param.KEYWORD_ONLY and param.default is param.empty and name not in given:
            raise ConfigError(f"design={design!r} needs {name}")
    if treatment is None and design != "paired":
        raise ConfigError(f"design={design!r} needs a treatment column")
    effect = func(data, outcome, treatment, **given)
    if design != effect.design:
        effect = dataclasses.replace(effect, design=design, assumption=ASSUMPTIONS[design]["en"])
    return effect
