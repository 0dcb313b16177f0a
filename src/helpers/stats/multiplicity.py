"""Corrections for testing several outcomes at once (Benjamini-Hochberg and others)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from statsmodels.stats.multitest import multipletests

from helpers.core.errors import ConfigError
from helpers.stats._common import _check_option
from helpers.stats.literals import PAdjustMethod

__all__ = [
    "adjust_pvalues",
]


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
