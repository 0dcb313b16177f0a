"""What the estimators share: argument checks, numeric conversion, design matrices, clusters,
least squares and the standard-error sentences. Private to :mod:`helpers.stats`."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS, WLS

from helpers.core.checks import check_option as _check_option  # noqa: F401 (re-exported)
from helpers.core.errors import ConfigError, EstimationError

#: Below this number of clusters, CR1 with t(G-1) can over-reject and a note recommends the
#: wild cluster bootstrap (:data:`helpers.stats.wild_bootstrap.BOOTSTRAP_BELOW_CLUSTERS`, the
#: same number, says why 50: Cameron, Gelbach & Miller 2008; Cameron & Miller 2015; MacKinnon &
#: Webb 2017).
FEW_CLUSTERS = 50

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
            f"Only {g} clusters in {cluster!r}: cluster-robust standard errors with t(G-1) "
            f"can over-reject with fewer than about {FEW_CLUSTERS} clusters; use the "
            "wild-cluster bootstrap (helpers.stats.wild_bootstrap.wild_bootstrap_fit, or "
            "Stata's boottest)."
        )


def _demean(M: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Subtract group means column by column (the within transformation)."""
    counts = np.bincount(codes, minlength=n_groups).astype(np.float64)
    out = np.empty_like(M)
    for j in range(M.shape[1]):
        sums = np.bincount(codes, weights=M[:, j], minlength=n_groups)
        out[:, j] = M[:, j] - (sums / counts)[codes]
    return out


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
    model = OLS(y, X) if w is None else WLS(y, X, weights=w)
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
