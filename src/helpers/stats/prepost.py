"""Paired before/after comparisons (pingouin's paired t test with its effect sizes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from helpers.core.errors import EstimationError
from helpers.stats._common import (
    _captured_warnings,
    _check_columns,
    _drop_missing,
    _to_float,
    _to_treatment,
)
from helpers.stats.assumptions import ASSUMPTIONS
from helpers.stats.effect import Effect

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
