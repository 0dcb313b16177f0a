"""Paired before/after comparisons (pingouin's paired t test with its effect sizes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg

from helpers.core.errors import EstimationError
from helpers.stats._common import (
    _captured_warnings,
    _check_alpha,
    _check_columns,
    _check_frame,
    _drop_missing,
    _to_float,
    _to_treatment,
)
from helpers.stats.effect import Effect, _build_effect

__all__ = [
    "estimate_paired",
]

#: The caveat every uncontrolled before/after estimate carries in its notes.
UNCONTROLLED_NOTE = (
    "Uncontrolled before/after comparison: the mean change includes retest gains (taking the "
    "same or a similar test again) and maturation (change that comes with time and other "
    "events), so it is not a programme effect without that caveat; compare with a design "
    "that has a comparison group."
)

# --------------------------------------------------------------------------------------------
# paired pre/post and mixed model
# --------------------------------------------------------------------------------------------


def estimate_paired(
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None = None,
    *,
    baseline: str,
    alpha: float = 0.05,
) -> Effect:
    """Mean change from before to after in the same people (paired t test), uncontrolled.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person with both scores. Not modified.
    outcome : str
        The post-test column.
    treatment : str, optional
        0/1 column; if given, only rows with treatment 1 are used.
    baseline : str
        The pre-test column.
    alpha : float
        Significance level; intervals have level ``1 - alpha``.

    Returns
    -------
    Effect
        ``controlled`` is False: the change includes retest and maturation gains, stated in
        ``notes`` and in :meth:`Effect.summary_text`. No ``sensitivity`` (there is no
        comparison group to confound).

    Notes
    -----
    SE = SD(post - pre)/sqrt(n), t with n-1 df (``pingouin.ttest(paired=True)``, whose p-value
    is used). Effect size: Hedges' g_av from ``pingouin.compute_effsize(paired=True,
    eftype="hedges")``. The MDE ``(t_{0.975, n-1} + t_{0.8, n-1}) SE`` approximates statsmodels'
    ``TTestPower`` solution times SD(change).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"pre": [1.0, 2, 3, 4, 5], "post": [2.0, 2.5, 4, 5.5, 6]})
    >>> e = estimate_paired(df, "post", baseline="pre")
    >>> round(e.estimate, 2), e.controlled
    (1.0, False)
    """
    _check_frame(data)
    _check_alpha(alpha)
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
    notes.append(UNCONTROLLED_NOTE)
    return _build_effect(
        estimate=est, se=se, df=float(n - 1), alpha=alpha, n=n, n_treated=n, n_control=0,
        design="paired", outcome=outcome, treatment=treatment, se_type="paired",
        se_note=(
            f"Standard error of the mean change, SD(post - pre)/sqrt(n); paired t test with "
            f"n-1 = {n - 1} degrees of freedom (pingouin.ttest, paired=True)."
        ),
        notes=notes, effect_size=g,
        effect_size_type="Hedges' g_av (mean change / sqrt((SD_pre^2 + SD_post^2)/2), times "
        "1 - 3/(8n - 9); pingouin compute_effsize paired hedges)",
        results=tt, p_value=float(tt["p_val"].iloc[0]),
    )  # fmt: skip
