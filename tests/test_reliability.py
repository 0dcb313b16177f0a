"""Tests of helpers.stats against pingouin, statsmodels, krippendorff, published numbers
and hand computations."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import get_args

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from helpers.core.errors import EstimationError
from helpers.qual.agreement import code_agreement
from helpers.stats._ratings import FleissMethod, KappaWeights, KrippendorffLevel, NanPolicy
from helpers.stats.alpha import cronbach_alpha
from helpers.stats.kappa import cohen_kappa, fleiss_kappa
from helpers.stats.krippendorff import krippendorff_alpha

REF = Path(__file__).parent / "reference" / "reliability"
TOL = 1e-9  # agreement with the other packages' implementations
TOL_ALPHA = 1e-12  # Cronbach's alpha vs pingouin (same covariance computation)


def to_long(wide: np.ndarray | pd.DataFrame) -> pd.DataFrame:
    """Units x coders (NaN = not rated) -> long frame with columns u, c, v."""
    frame = pd.DataFrame(wide).copy()
    frame.columns = [f"c{j}" for j in range(frame.shape[1])]
    return frame.rename_axis("u").reset_index().melt(id_vars="u", var_name="c", value_name="v")


def table_to_long(table: np.ndarray) -> pd.DataFrame:
    """A two-coder contingency table -> long frame (coder r1 = rows, r2 = columns)."""
    rows = []
    unit = 0
    for i, j in np.ndindex(*np.shape(table)):
        for _ in range(int(table[i][j])):
            rows += [(unit, "r1", i), (unit, "r2", j)]
            unit += 1
    return pd.DataFrame(rows, columns=["u", "c", "v"])


# ----------------------------------------------------------------------------------------------
# option checking
# ----------------------------------------------------------------------------------------------


def test_literals_list_the_documented_options():
    assert get_args(NanPolicy) == ("pairwise", "listwise")
    assert get_args(KappaWeights) == (None, "linear", "quadratic")
    assert get_args(FleissMethod) == ("fleiss", "randolph")
    assert get_args(KrippendorffLevel) == ("nominal", "ordinal", "interval", "ratio")


def test_unknown_option_is_value_error_naming_allowed_values():
    items = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 3]})
    with pytest.raises(ValueError, match=r"\['pairwise', 'listwise'\]"):
        cronbach_alpha(items, nan_policy="complete")


def test_option_of_wrong_type_is_type_error():
    items = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 3]})
    with pytest.raises(TypeError, match="nan_policy"):
        cronbach_alpha(items, nan_policy=1)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------
# Cronbach's alpha
# ----------------------------------------------------------------------------------------------


def _random_items(seed: int, n: int = 40, k: int = 6, missing: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    scores = np.clip(np.round(3 + trait + rng.normal(scale=0.9, size=(n, k))), 1, 5)
    frame = pd.DataFrame(scores, columns=[f"q{i}" for i in range(k)])
    if missing:
        frame = frame.mask(rng.random(frame.shape) < missing)
    return frame


def _pingouin_sets() -> list[pd.DataFrame]:
    wide_missing = pg.read_dataset("cronbach_wide_missing")
    long = pg.read_dataset("cronbach_alpha")
    return [
        wide_missing,
        wide_missing.dropna(),
        long.pivot(index="Subj", columns="Items", values="Scores"),
        _random_items(1),
        _random_items(2, n=25, k=3),
        _random_items(3, missing=0.15),
        _random_items(4, n=60, k=10, missing=0.05),
    ]


@pytest.mark.parametrize("dataset", range(7))
@pytest.mark.parametrize("ci", [0.95, 0.9])
def test_cronbach_pairwise_equals_pingouin(dataset, ci):
    items = _pingouin_sets()[dataset]
    ours = cronbach_alpha(items, nan_policy="pairwise", ci=ci)
    alpha, interval = pg.cronbach_alpha(data=items, nan_policy="pairwise", ci=ci)
    assert_allclose(ours.alpha, alpha, rtol=0, atol=TOL_ALPHA)
    # pingouin rounds its interval to 3 decimals; ours is unrounded
    assert_allclose(np.round([ours.ci_low, ours.ci_high], 3), interval, rtol=0, atol=1e-12)
    assert ours.n == len(items) and ours.k == items.shape[1]


@pytest.mark.parametrize("dataset", range(7))
def test_cronbach_listwise_equals_pingouin_on_complete_rows(dataset):
    items = _pingouin_sets()[dataset]
    ours = cronbach_alpha(items, nan_policy="listwise")
    alpha, interval = pg.cronbach_alpha(data=items.dropna(), nan_policy="listwise")
    assert_allclose(ours.alpha, alpha, rtol=0, atol=TOL_ALPHA)
    assert_allclose(np.round([ours.ci_low, ours.ci_high], 3), interval, rtol=0, atol=1e-12)
    assert ours.n == len(items.dropna())


def test_cronbach_listwise_uses_complete_rows_not_pingouins_n():
    # pingouin (and psych) put the row count before deletion into the F df; we do not.
    items = pg.read_dataset("cronbach_wide_missing")
    ours = cronbach_alpha(items, nan_policy="listwise")
    _, pg_interval = pg.cronbach_alpha(data=items, nan_policy="listwise")
    assert ours.n == 9 and len(items) == 12
    assert_allclose(pg_interval, [0.581, 0.933])  # pingouin, n = 12
    assert_allclose([ours.ci_low, ours.ci_high], [0.5330032, 0.9472080], atol=1e-7)  # n = 9


def test_cronbach_published_psych_numbers():
    # R psych::alpha values quoted in pingouin's documentation
    wide = pg.read_dataset("cronbach_wide_missing")
    assert_allclose(cronbach_alpha(wide).alpha, 0.732660835214447, atol=1e-12)
    assert_allclose(
        cronbach_alpha(wide, nan_policy="listwise").alpha, 0.8016949152542373, atol=1e-12
    )
    long = pg.read_dataset("cronbach_alpha")
    res = cronbach_alpha(long.pivot(index="Subj", columns="Items", values="Scores"))
    assert_allclose(res.alpha, 0.5917188485995826, atol=1e-12)
    assert_allclose([res.ci_low, res.ci_high], [0.195, 0.840], atol=5e-4)


def test_cronbach_interval_is_feldt_unrounded():
    items = _random_items(7, n=30, k=5)
    res = cronbach_alpha(items, ci=0.9)
    n, k = items.shape
    lower = 1 - (1 - res.alpha) * stats.f.ppf(0.95, n - 1, (n - 1) * (k - 1))
    upper = 1 - (1 - res.alpha) * stats.f.ppf(0.05, n - 1, (n - 1) * (k - 1))
    assert_allclose([res.ci_low, res.ci_high], [lower, upper], rtol=1e-12)


def test_cronbach_hand_computed():
    # two items, covariance matrix [[1, .5], [.5, 1]] -> alpha = 2 * (1 - 2 / 3) = 2/3
    items = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 3.0]})
    assert_allclose(cronbach_alpha(items).alpha, 2 / 3, atol=1e-14)


def test_cronbach_casts_integer_nullable_and_bool_columns():
    floats = _random_items(5, missing=0.1)
    ints = floats.astype("Int64")
    assert_allclose(cronbach_alpha(ints).alpha, cronbach_alpha(floats).alpha, atol=1e-14)
    plain = floats.dropna().astype("int64")
    assert_allclose(
        cronbach_alpha(plain).alpha, pg.cronbach_alpha(plain.astype(float))[0], atol=TOL_ALPHA
    )
    binary = (floats.dropna() > 3).astype(bool)
    assert_allclose(
        cronbach_alpha(binary).alpha, cronbach_alpha(binary.astype(float)).alpha, atol=1e-14
    )


def test_cronbach_drops_rows_with_no_answer():
    items = _random_items(6, n=20, k=4)
    padded = pd.concat([items, pd.DataFrame(np.nan, index=[100, 101], columns=items.columns)])
    res = cronbach_alpha(padded)
    assert res.n == 20
    assert_allclose(res.alpha, cronbach_alpha(items).alpha, atol=1e-14)


def test_cronbach_result_is_frozen_with_one_row_frame():
    res = cronbach_alpha(_random_items(8))
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.alpha = 0.5  # type: ignore[misc]
    frame = res.to_frame()
    assert frame.shape == (1, 7)
    assert list(frame.columns[:5]) == ["alpha", "ci_low", "ci_high", "n", "k"]


def test_cronbach_does_not_mutate_input():
    items = _random_items(9, missing=0.1).astype("Int64")
    before = items.copy()
    cronbach_alpha(items, nan_policy="listwise")
    pd.testing.assert_frame_equal(items, before)


def test_cronbach_errors():
    with pytest.raises(TypeError, match="DataFrame"):
        cronbach_alpha(np.ones((3, 3)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="numeric"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}))
    with pytest.raises(ValueError, match="at least 2 items"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(ValueError, match="at least 2 rows"):
        cronbach_alpha(pd.DataFrame({"a": [1], "b": [2]}))
    with pytest.raises(ValueError, match="between 0 and 1"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), ci=95)
    with pytest.raises(TypeError, match="ci"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), ci="0.95")  # type: ignore[arg-type]


def test_cronbach_estimation_errors():
    with pytest.raises(EstimationError, match="no variance"):
        cronbach_alpha(pd.DataFrame({"a": [2, 2, 2], "b": [3, 3, 3]}))
    sparse = pd.DataFrame({"a": [1, 2, np.nan, 4], "b": [np.nan, 1, 3, np.nan]})
    with pytest.raises(EstimationError, match="listwise"):
        cronbach_alpha(sparse, nan_policy="listwise")
    with pytest.raises(EstimationError, match="answered together"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, np.nan, np.nan], "b": [np.nan, np.nan, 3, 1]}))


# ----------------------------------------------------------------------------------------------
# Cohen's kappa
# ----------------------------------------------------------------------------------------------


def _two_coders(seed: int, n: int = 60, n_cat: int = 5) -> tuple[pd.DataFrame, np.ndarray, list]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, n_cat + 1, n)
    b = np.where(rng.random(n) < 0.6, a, rng.integers(1, n_cat + 1, n))
    long = pd.DataFrame(
        {"u": np.r_[np.arange(n), np.arange(n)], "c": ["A"] * n + ["B"] * n, "v": np.r_[a, b]}
    )
    cats = sorted(set(a) | set(b))
    table = (
        pd.crosstab(pd.Categorical(a, cats), pd.Categorical(b, cats), dropna=False)
        .to_numpy()
        .astype(float)
    )
    return long, table, cats


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_equals_statsmodels(seed, weights):
    long, table, cats = _two_coders(seed)
    ours = cohen_kappa(long, unit="u", coder="c", value="v", weights=weights)
    if weights is None:
        ref = cohens_kappa(table)
    else:
        ref = cohens_kappa(table, weights=np.asarray(cats, float), wt=weights)
    assert_allclose(ours.kappa, ref.kappa, rtol=0, atol=TOL)
    assert_allclose(ours.se, ref.std_kappa, rtol=0, atol=TOL)  # asymptotic SE
    assert_allclose(ours.se0, ref.std_kappa0, rtol=0, atol=TOL)  # SE under H0
    assert_allclose(ours.z, ref.z_value, rtol=TOL)
    assert_allclose(ours.p_value, ref.pvalue_two_sided, rtol=1e-7, atol=1e-15)
    assert_allclose([ours.ci_low, ours.ci_high], [ref.kappa_low, ref.kappa_upp], atol=TOL)
    assert ours.n_units == 60 and ours.coders == ("A", "B")


def test_cohen_sas_example():
    # SAS PROC FREQ printout kept in statsmodels' tests (4 decimals)
    long = table_to_long(np.array([[0, 4, 1], [0, 8, 0], [0, 1, 5]]))
    res = cohen_kappa(long, unit="u", coder="c", value="v")
    assert_allclose(
        [res.kappa, res.se, res.ci_low, res.ci_high, res.se0, res.z],
        [0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626],
        atol=5e-5,
    )
    res_w = cohen_kappa(long, unit="u", coder="c", value="v", weights="linear")
    assert_allclose(
        [res_w.kappa, res_w.se, res_w.ci_low, res_w.ci_high, res_w.se0, res_w.z],
        [0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971],
        atol=5e-5,
    )


def test_cohen_irr_anxiety():
    anxiety = pd.read_csv(REF / "irr_anxiety.csv")
    long = anxiety.melt(id_vars="subject", var_name="rater", value_name="score")
    long = long.loc[long["rater"].isin(["rater2", "rater3"])]
    res = cohen_kappa(long, unit="subject", coder="rater", value="score")
    assert_allclose(
        [res.kappa, res.z, res.p_value], [-0.006289308, -0.0604067, 0.9518317], atol=1e-7
    )
    # irr weights by rank of the categories seen; with 6 -> 5 ranks and values agree
    recoded = long.assign(score=long["score"].replace(6, 5))
    expected = {
        "linear": [0.1459075, 1.282472, 0.1996772],
        "quadratic": [0.2520325, 1.437451, 0.1505898],
    }
    for weights, numbers in expected.items():
        res = cohen_kappa(recoded, unit="subject", coder="rater", value="score", weights=weights)
        assert_allclose([res.kappa, res.z, res.p_value], numbers, atol=1e-6)


def test_cohen_hand_computed():
    # a: x y x y ; b: x y y y -> p_o = 3/4, p_e = 1/2 * 1/4 + 1/2 * 3/4 = 1/2, kappa = 1/2
    long = pd.DataFrame({"u": [1, 1, 2, 2, 3, 3, 4, 4], "c": ["a", "b"] * 4, "v": list("xxyyxyyy")})
    res = cohen_kappa(long, unit="u", coder="c", value="v")
    assert_allclose([res.kappa, res.observed_agreement, res.expected_agreement], [0.5, 0.75, 0.5])
    assert res.categories == ("x", "y")


def test_cohen_uses_only_units_rated_by_both():
    long, table, _ = _two_coders(5, n=30)
    extra = pd.DataFrame({"u": [100, 101, 102], "c": ["A", "A", "B"], "v": [1, 2, 3]})
    missing_value = pd.DataFrame({"u": [103, 103], "c": ["A", "B"], "v": [1, np.nan]})
    res = cohen_kappa(pd.concat([long, extra, missing_value]), unit="u", coder="c", value="v")
    assert res.n_units == 30
    assert_allclose(res.kappa, cohens_kappa(table).kappa, atol=TOL)


def test_cohen_more_than_two_coders_needs_coders():
    long, _, _ = _two_coders(6, n=20)
    third = long.loc[long["c"] == "A"].assign(c="C")
    data = pd.concat([long, third])
    with pytest.raises(ValueError, match="3 coders"):
        cohen_kappa(data, unit="u", coder="c", value="v")
    res = cohen_kappa(data, unit="u", coder="c", value="v", coders=["C", "A"])
    assert res.coders == ("C", "A")
    assert_allclose(res.kappa, 1.0)


def test_cohen_degenerate_one_shared_category_is_nan_with_note():
    long = pd.DataFrame({"u": [1, 1, 2, 2, 3, 3], "c": ["a", "b"] * 3, "v": ["x"] * 6})
    for weights in (None,):
        res = cohen_kappa(long, unit="u", coder="c", value="v", weights=weights)
        assert np.isnan(res.kappa) and np.isnan(res.se) and np.isnan(res.p_value)
        assert res.expected_agreement == 1.0 and res.observed_agreement == 1.0
        assert "undefined" in res.note
    numeric = long.assign(v=3)
    res = cohen_kappa(numeric, unit="u", coder="c", value="v", weights="quadratic")
    assert np.isnan(res.kappa) and "undefined" in res.note


def test_cohen_perfect_agreement_has_zero_se():
    long = table_to_long(np.array([[5, 0], [0, 7]]))
    res = cohen_kappa(long, unit="u", coder="c", value="v")
    assert res.kappa == pytest.approx(1.0)
    assert res.se == 0.0 and res.ci_low == pytest.approx(1.0)
    assert res.p_value < 0.001 and res.note == ""


def test_cohen_result_frame_and_no_mutation():
    long, _, _ = _two_coders(7, n=20)
    before = long.copy()
    res = cohen_kappa(long, unit="u", coder="c", value="v", weights="linear", ci=0.9)
    pd.testing.assert_frame_equal(long, before)
    frame = res.to_frame()
    assert frame.shape[0] == 1
    for name in ("kappa", "se", "ci_low", "ci_high", "z", "p_value", "n_units", "coders"):
        assert name in frame.columns
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.kappa = 0  # type: ignore[misc]


def test_long_functions_ignore_duplicate_index_labels():
    long, table, _ = _two_coders(9, n=30)
    shuffled = long.set_axis([0] * len(long), axis=0)
    assert_allclose(
        cohen_kappa(shuffled, unit="u", coder="c", value="v", coders=np.array(["A", "B"])).kappa,
        cohens_kappa(table).kappa,
        atol=TOL,
    )
    k_long = K2011_LONG.set_axis([1] * len(K2011_LONG), axis=0)
    assert_allclose(
        krippendorff_alpha(k_long, unit="unit", coder="coder", value="value").alpha,
        0.743421052631579,
        atol=1e-12,
    )
    seg = SEGMENTS.set_axis([5] * len(SEGMENTS), axis=0)
    pd.testing.assert_frame_equal(code_agreement(seg), code_agreement(SEGMENTS))


def test_cohen_errors():
    long, _, _ = _two_coders(8, n=10)
    with pytest.raises(TypeError, match="DataFrame"):
        cohen_kappa(long.to_numpy(), unit="u", coder="c", value="v")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a column"):
        cohen_kappa(long, unit="unit", coder="c", value="v")
    with pytest.raises(ValueError, match="repeat"):
        cohen_kappa(pd.concat([long, long.head(1)]), unit="u", coder="c", value="v")
    with pytest.raises(ValueError, match="missing"):
        cohen_kappa(long.assign(c=long["c"].where(long.index > 0)), unit="u", coder="c", value="v")
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa(long, unit="u", coder="c", value="v", weights="squared")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="numeric"):
        cohen_kappa(
            long.assign(v=long["v"].astype(str)), unit="u", coder="c", value="v", weights="linear"
        )
    with pytest.raises(ValueError, match="exactly two"):
        cohen_kappa(long, unit="u", coder="c", value="v", coders=["A", "A"])
    with pytest.raises(ValueError, match="no ratings"):
        cohen_kappa(long, unit="u", coder="c", value="v", coders=["A", "Z"])
    with pytest.raises(TypeError, match="coders"):
        cohen_kappa(long, unit="u", coder="c", value="v", coders="AB")
    disjoint = pd.DataFrame({"u": [1, 2], "c": ["A", "B"], "v": [1, 1]})
    with pytest.raises(EstimationError, match="both coders"):
        cohen_kappa(disjoint, unit="u", coder="c", value="v")


# ----------------------------------------------------------------------------------------------
# Fleiss' kappa
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fleiss_equals_statsmodels(seed):
    rng = np.random.default_rng(seed)
    wide = rng.integers(0, 4, (40, 5))
    wide[:, 1] = np.where(rng.random(40) < 0.5, wide[:, 0], wide[:, 1])
    res = fleiss_kappa(to_long(wide), unit="u", coder="c", value="v")
    assert_allclose(res.kappa, sm_fleiss_kappa(aggregate_raters(wide)[0]), rtol=0, atol=TOL)
    assert (res.n_units, res.n_raters, res.n_units_dropped) == (40, 5, 0)
    rand = fleiss_kappa(
        to_long(wide), unit="u", coder="c", value="v", method="randolph", categories=range(5)
    )
    ref = sm_fleiss_kappa(aggregate_raters(wide, n_cat=5)[0], method="randolph")
    assert_allclose(rand.kappa, ref, rtol=0, atol=TOL)


def test_fleiss_1971_diagnoses_irr():
    diagnoses = pd.read_csv(REF / "fleiss1971_diagnoses.csv")
    long = diagnoses.melt(id_vars="subject", var_name="rater", value_name="diagnosis")
    res = fleiss_kappa(long, unit="subject", coder="rater", value="diagnosis")
    assert_allclose(res.kappa, 0.4302445, atol=5e-8)  # irr::kappam.fleiss
    assert res.categories == (1, 2, 3, 4, 5)


def test_fleiss_randolph_online_calculator():
    # Randolph's online calculator numbers, as stored in statsmodels' tests: table [[7, 1], [3, 5]]
    long = to_long([["x"] * 7 + ["y"], ["x"] * 3 + ["y"] * 5])
    res_f = fleiss_kappa(long, unit="u", coder="c", value="v")
    res_r = fleiss_kappa(long, unit="u", coder="c", value="v", method="randolph")
    assert_allclose([res_f.kappa, res_r.kappa], [0.161905, 0.214286], atol=6e-6)


def test_fleiss_hand_computed():
    # units (x,x,x), (y,y,x), (y,y,y): P = 1, 1/3, 1 -> 7/9; p = 4/9, 5/9 -> P_e = 41/81
    long = to_long([["x", "x", "x"], ["y", "y", "x"], ["y", "y", "y"]])
    res = fleiss_kappa(long, unit="u", coder="c", value="v")
    assert_allclose(res.kappa, (7 / 9 - 41 / 81) / (1 - 41 / 81), atol=1e-14)
    assert_allclose(res.kappa, 0.55, atol=1e-14)


def test_fleiss_drops_units_without_the_modal_number_of_ratings():
    rng = np.random.default_rng(4)
    wide = rng.integers(0, 3, (30, 4)).astype(float)
    wide[:3, 3] = np.nan  # three units with 3 ratings, 27 with 4
    res = fleiss_kappa(to_long(wide), unit="u", coder="c", value="v")
    assert (res.n_units, res.n_raters, res.n_units_dropped) == (27, 4, 3)
    assert "3 unit(s) dropped" in res.note
    assert_allclose(res.kappa, sm_fleiss_kappa(aggregate_raters(wide[3:])[0]), atol=TOL)


def test_fleiss_all_agree_one_category_is_nan_with_note():
    long = to_long(np.zeros((4, 3), dtype=int))
    res = fleiss_kappa(long, unit="u", coder="c", value="v")
    assert np.isnan(res.kappa) and "undefined" in res.note
    with np.errstate(invalid="ignore"):
        assert np.isnan(sm_fleiss_kappa(aggregate_raters(np.zeros((4, 3), dtype=int), n_cat=2)[0]))
    # Randolph's kappa is defined once the possible categories are known
    rand = fleiss_kappa(long, unit="u", coder="c", value="v", method="randolph", categories=[0, 1])
    assert rand.kappa == pytest.approx(1.0) and rand.note == ""
    rand1 = fleiss_kappa(long, unit="u", coder="c", value="v", method="randolph")
    assert np.isnan(rand1.kappa) and "categories=" in rand1.note


def test_fleiss_errors():
    long = to_long([[1, 1, 2], [2, 2, 2]])
    with pytest.raises(ValueError, match="method"):
        fleiss_kappa(long, unit="u", coder="c", value="v", method="uniform")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not in categories"):
        fleiss_kappa(long, unit="u", coder="c", value="v", categories=[1])
    with pytest.raises(TypeError, match="categories"):
        fleiss_kappa(long, unit="u", coder="c", value="v", categories="12")
    with pytest.raises(EstimationError, match="two or more"):
        fleiss_kappa(to_long([[1, np.nan], [np.nan, 2]]), unit="u", coder="c", value="v")
    with pytest.raises(ValueError, match="repeat"):
        fleiss_kappa(pd.concat([long, long.tail(1)]), unit="u", coder="c", value="v")


# ----------------------------------------------------------------------------------------------
# Krippendorff's alpha
# ----------------------------------------------------------------------------------------------

K2011 = pd.read_csv(REF / "krippendorff2011.csv", dtype={c: "Int64" for c in "ABCD"})
K2011_LONG = K2011.melt(id_vars="unit", var_name="coder", value_name="value")


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, published):
    res = krippendorff_alpha(K2011_LONG, unit="unit", coder="coder", value="value", level=level)
    assert round(res.alpha, 3) == published
    data = K2011[list("ABCD")].to_numpy(dtype=float, na_value=np.nan).T
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert round(ref, 3) == published
    assert_allclose(res.alpha, ref, rtol=0, atol=TOL)
    assert (res.n_units, res.n_coders, res.n_pairable_values) == (11, 4, 40)


def test_krippendorff_2011_nominal_by_hand():
    # Krippendorff (2011): n_c = 9, 13, 10, 5, 3 for values 1..5 (n = 40); the off-diagonal
    # coincidences sum to 8, so alpha = 1 - (n - 1) * 8 / (n^2 - sum n_c^2).
    n_c = np.array([9, 13, 10, 5, 3])
    expected = 1 - 39 * 8 / (40**2 - (n_c**2).sum())
    res = krippendorff_alpha(K2011_LONG, unit="unit", coder="coder", value="value")
    assert_allclose(res.alpha, expected, atol=1e-14)
    assert_allclose(res.alpha, 0.7434210526, atol=1e-10)
    assert_allclose(res.observed_disagreement, 8 / 40, atol=1e-14)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_krippendorff_equals_package_with_missing(level, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 7, 35)
    wide = np.where(rng.random((35, 5)) < 0.6, truth[:, None], rng.integers(0, 7, (35, 5)))
    wide = wide.astype(float)
    wide[rng.random(wide.shape) < 0.3] = np.nan
    res = krippendorff_alpha(to_long(wide), unit="u", coder="c", value="v", level=level)
    ref = krippendorff.alpha(reliability_data=wide.T, level_of_measurement=level)
    assert_allclose(res.alpha, ref, rtol=0, atol=TOL)
    pairable = (np.sum(~np.isnan(wide), axis=1) >= 2).sum()
    assert res.n_units == pairable


def test_krippendorff_strings_nominal_and_ordered_categorical():
    labels = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    text = K2011_LONG.assign(value=K2011_LONG["value"].map(labels, na_action="ignore"))
    res = krippendorff_alpha(text, unit="unit", coder="coder", value="value")
    assert_allclose(res.alpha, 0.743421052631579, atol=1e-12)
    ordered = text.assign(
        value=pd.Categorical(text["value"], categories=list(labels.values()), ordered=True)
    )
    res_o = krippendorff_alpha(ordered, unit="unit", coder="coder", value="value", level="ordinal")
    data = K2011[list("ABCD")].to_numpy(dtype=float, na_value=np.nan).T
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert_allclose(res_o.alpha, ref, atol=TOL)


def test_krippendorff_ignores_unpairable_units():
    extra = pd.DataFrame({"unit": [99], "coder": ["A"], "value": [5]})
    res = krippendorff_alpha(
        pd.concat([K2011_LONG, extra]), unit="unit", coder="coder", value="value"
    )
    assert_allclose(res.alpha, 0.743421052631579, atol=1e-12)
    assert res.n_units == 11


def test_krippendorff_all_values_equal_is_nan_with_note():
    long = to_long(np.full((5, 3), 2.0))
    for level in ("nominal", "interval"):
        res = krippendorff_alpha(long, unit="u", coder="c", value="v", level=level)
        assert np.isnan(res.alpha) and "undefined" in res.note
    with pytest.raises(ValueError):  # the package refuses instead
        krippendorff.alpha(reliability_data=np.full((3, 5), 2.0), level_of_measurement="nominal")


def test_krippendorff_does_not_mutate_input():
    before = K2011_LONG.copy()
    krippendorff_alpha(K2011_LONG, unit="unit", coder="coder", value="value", level="ordinal")
    pd.testing.assert_frame_equal(K2011_LONG, before)
    frame = krippendorff_alpha(K2011_LONG, unit="unit", coder="coder", value="value").to_frame()
    assert list(frame.columns[:5]) == ["alpha", "level", "n_units", "n_coders", "n_pairable_values"]


def test_krippendorff_errors():
    text = K2011_LONG.assign(value=K2011_LONG["value"].astype(str))
    with pytest.raises(TypeError, match="numeric"):
        krippendorff_alpha(text, unit="unit", coder="coder", value="value", level="interval")
    with pytest.raises(TypeError, match="ordered Categorical"):
        krippendorff_alpha(text, unit="unit", coder="coder", value="value", level="ordinal")
    negative = K2011_LONG.assign(value=K2011_LONG["value"] - 3)
    with pytest.raises(ValueError, match="ratio"):
        krippendorff_alpha(negative, unit="unit", coder="coder", value="value", level="ratio")
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(K2011_LONG, unit="unit", coder="coder", value="value", level="metric")  # type: ignore[arg-type]
    with pytest.raises(EstimationError, match="two or more"):
        krippendorff_alpha(to_long([[1, np.nan], [np.nan, 2]]), unit="u", coder="c", value="v")
    with pytest.raises(ValueError, match="different"):
        krippendorff_alpha(K2011_LONG, unit="unit", coder="unit", value="value")


# ----------------------------------------------------------------------------------------------
# code_agreement
# ----------------------------------------------------------------------------------------------

# Segments 1-4 are seen by coders a and b; segment 5 by a only (ignored).
# Coder a on segment 3 applied no code (row with a missing code).
SEGMENTS = pd.DataFrame(
    {
        "segment": [1, 1, 2, 2, 2, 3, 3, 4, 4, 5],
        "coder": ["a", "b", "a", "a", "b", "a", "b", "a", "b", "a"],
        "code": ["X", "X", "X", "Y", "Y", None, "Z", "Y", "Y", "X"],
    }
)


def test_code_agreement_hand_example():
    out = code_agreement(SEGMENTS, codes=["X", "Y", "Z", "W"]).set_index("code")
    assert list(out.index) == ["X", "Y", "Z", "W", "__overall__"]
    assert list(out.columns) == [
        "n_units",
        "n_coders",
        "prevalence",
        "percent_agreement",
        "cohen_kappa",
        "kappa_se",
        "fleiss_kappa",
        "krippendorff_alpha",
        "note",
    ]
    # X: a = 1 1 0 0, b = 1 0 0 0
    x = out.loc["X"]
    assert (x.n_units, x.n_coders) == (4, 2)
    assert_allclose(
        [x.prevalence, x.percent_agreement, x.cohen_kappa, x.fleiss_kappa, x.krippendorff_alpha],
        [3 / 8, 3 / 4, 1 / 2, 7 / 15, 8 / 15],
        atol=1e-14,
    )
    # Y: identical -> 1 everywhere
    y = out.loc["Y"]
    assert_allclose(
        [y.prevalence, y.percent_agreement, y.cohen_kappa, y.fleiss_kappa, y.krippendorff_alpha],
        [1 / 2, 1, 1, 1, 1],
        atol=1e-14,
    )
    assert y.kappa_se == 0
    # Z: a = 0 0 0 0, b = 0 0 1 0
    z = out.loc["Z"]
    assert_allclose(
        [z.prevalence, z.percent_agreement, z.cohen_kappa, z.fleiss_kappa, z.krippendorff_alpha],
        [1 / 8, 3 / 4, 0, -1 / 7, 0],
        atol=1e-14,
    )
    # W: never applied -> agreement 1, statistics undefined
    w = out.loc["W"]
    assert (w.prevalence, w.percent_agreement) == (0, 1)
    assert np.isnan([w.cohen_kappa, w.kappa_se, w.fleiss_kappa, w.krippendorff_alpha]).all()
    assert "undefined" in w.note
    # overall: 16 (segment, code) pairs; 2 disagreements; 4 ones per coder
    o = out.loc["__overall__"]
    assert o.n_units == 16
    assert_allclose(
        [o.prevalence, o.percent_agreement, o.cohen_kappa, o.fleiss_kappa, o.krippendorff_alpha],
        [1 / 4, 7 / 8, 2 / 3, 2 / 3, 1 - 31 * 4 / (2 * 24 * 8)],
        atol=1e-14,
    )


def test_code_agreement_matches_the_single_statistics():
    out = code_agreement(SEGMENTS).set_index("code")
    assert list(out.index) == ["X", "Y", "Z", "__overall__"]
    long = pd.DataFrame(
        {"u": [1, 2, 3, 4] * 2, "c": ["a"] * 4 + ["b"] * 4, "v": [1, 1, 0, 0, 1, 0, 0, 0]}
    )
    ck = cohen_kappa(long, unit="u", coder="c", value="v")
    assert_allclose([out.loc["X", "cohen_kappa"], out.loc["X", "kappa_se"]], [ck.kappa, ck.se])
    table = np.array([[2, 0], [1, 1]], float)
    assert_allclose(out.loc["X", "kappa_se"], cohens_kappa(table).std_kappa, atol=TOL)
    # without W the overall row pools 12 pairs
    assert out.loc["__overall__", "n_units"] == 12
    assert_allclose(out.loc["__overall__", "percent_agreement"], 10 / 12)


@pytest.mark.parametrize("seed", range(4))
def test_code_agreement_presence_is_the_definition_on_random_codings(seed):
    # presence of code k for (unit, coder) = the coder has a row for the unit with code k
    rng = np.random.default_rng(seed)
    n = 120
    seg = pd.DataFrame(
        {
            "segment": rng.integers(0, 30, n),
            "coder": rng.choice(["a", "b", "c"], n, p=[0.45, 0.45, 0.1]),
            "code": rng.choice(np.array(["K1", "K2", "K3", None], dtype=object), n),
        }
    )
    out = code_agreement(seg, codes=["K1", "K2", "K3", "K4"]).set_index("code")
    seen = seg[["segment", "coder"]].drop_duplicates()
    seen = seen[seen.groupby("segment")["coder"].transform("size") >= 2]
    for k in ["K1", "K2", "K3", "K4"]:
        applied = set(seg.loc[seg["code"] == k, ["segment", "coder"]].itertuples(index=False))
        value = [int((u, c) in applied) for u, c in seen.itertuples(index=False)]
        long = seen.assign(v=value)
        assert_allclose(out.loc[k, "prevalence"], np.mean(value))
        alpha = krippendorff_alpha(long, unit="segment", coder="coder", value="v").alpha
        assert_allclose(out.loc[k, "krippendorff_alpha"], alpha, equal_nan=True)
        agree = long.groupby("segment")["v"].agg(lambda v: v.min() == v.max()).mean()
        assert_allclose(out.loc[k, "percent_agreement"], agree)


def test_code_agreement_three_coders():
    seg = pd.DataFrame(
        {
            "segment": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
            "coder": ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b"],
            "code": ["X", "X", "X", "X", "X", None, "Y", None, None, "X", "X"],
        }
    )
    out = code_agreement(seg).set_index("code")
    x = out.loc["X"]
    assert (x.n_units, x.n_coders) == (4, 3)
    assert np.isnan(x.cohen_kappa)  # three coders: no Cohen's kappa
    assert_allclose(x.percent_agreement, 3 / 4)  # units 1, 3, 4 agree; unit 2 does not
    assert "1 unit(s) dropped" in x.note  # unit 4 has two coders, Fleiss uses units with three
    # Krippendorff on every unit, checked against the package
    wide = np.array([[1, 1, 1], [1, 1, 0], [0, 0, 0], [1, 1, np.nan]]).T
    ref = krippendorff.alpha(reliability_data=wide, level_of_measurement="nominal")
    assert_allclose(x.krippendorff_alpha, ref, atol=TOL)
    only_ab = code_agreement(seg, coders=["a", "b"]).set_index("code")
    assert only_ab.loc["X", "n_coders"] == 2 and not np.isnan(only_ab.loc["X", "cohen_kappa"])


def test_code_agreement_does_not_mutate_input():
    before = SEGMENTS.copy()
    code_agreement(SEGMENTS, coders=["a", "b"])
    pd.testing.assert_frame_equal(SEGMENTS, before)


def test_code_agreement_errors():
    with pytest.raises(TypeError, match="DataFrame"):
        code_agreement(SEGMENTS.to_dict())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a column"):
        code_agreement(SEGMENTS, unit="transcript")
    with pytest.raises(ValueError, match="not in codes"):
        code_agreement(SEGMENTS, codes=["X", "Y"])
    with pytest.raises(ValueError, match="repeat"):
        code_agreement(SEGMENTS, codes=["X", "Y", "Z", "X"])
    with pytest.raises(ValueError, match="no rows"):
        code_agreement(SEGMENTS, coders=["a", "q"])
    with pytest.raises(ValueError, match="at least two"):
        code_agreement(SEGMENTS, coders=["a"])
    with pytest.raises(TypeError, match="codes"):
        code_agreement(SEGMENTS, codes="XYZ")
    single = SEGMENTS.loc[SEGMENTS["segment"] != 1].assign(
        segment=lambda d: d["segment"] * 10 + (d["coder"] == "b")
    )
    with pytest.raises(EstimationError, match="two or more coders"):
        code_agreement(single)
