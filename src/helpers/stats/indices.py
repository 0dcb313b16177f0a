"""The public-satisfaction index IKM (Indeks Kepuasan Masyarakat), PermenPANRB 14/2017.

Layer 4: knows nothing of regions, files or notebooks. Takes a DataFrame of survey answers
(one row per respondent, one column per service element) and returns DataFrames or a small
frozen result.

- :func:`ikm`: the index, its grade and the element means, overall or per group.
- :func:`ikm_grade`: the grade (mutu pelayanan) and label of an index value.
- :func:`ikm_per_respondent`: one index value per respondent (for models of the outcome).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

import numpy as np
import pandas as pd

__all__ = [
    "N_ELEMENTS",
    "IKM_GRADES",
    "IKMGrade",
    "ikm",
    "ikm_grade",
    "ikm_per_respondent",
]

#: Number of service elements (unsur pelayanan) in PermenPANRB 14/2017.
N_ELEMENTS = 9

#: Grades as (lowest index value, grade, label), from the best down; the index is rounded to
#: two decimals before it is compared. The lowest grade starts at 25.00.
IKM_GRADES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)
_IKM_MAX = Decimal("100.00")
_ANSWERS = (1, 2, 3, 4)
_RESERVED = ("ikm", "grade", "grade_label", "n", "n_complete")


@dataclass(frozen=True)
class IKMGrade:
    """The grade of an IKM value.

    Attributes
    ----------
    ikm : float
        The value, rounded to two decimals (as graded).
    grade : str
        ``"A"``, ``"B"``, ``"C"`` or ``"D"`` (mutu pelayanan).
    label : str
        ``"Sangat Baik"``, ``"Baik"``, ``"Kurang Baik"`` or ``"Tidak Baik"`` (kinerja unit
        pelayanan).
    """

    ikm: float
    grade: str
    label: str

    def to_frame(self) -> pd.DataFrame:
        """Return the grade as a one-row DataFrame."""
        return pd.DataFrame([{"ikm": self.ikm, "grade": self.grade, "label": self.label}])


def ikm_grade(value: float) -> IKMGrade:
    """Grade (mutu pelayanan) of an IKM value, per PermenPANRB 14/2017.

    Parameters
    ----------
    value : float
        An IKM value on the 25-100 scale.

    Returns
    -------
    IKMGrade
        ``ikm`` (rounded to two decimals), ``grade`` and ``label``.

    Raises
    ------
    TypeError
        ``value`` is not a real number.
    ValueError
        ``value`` is NaN, or outside 25.00-100.00 after rounding.

    Notes
    -----
    The regulation's table (interval nilai IKM, mutu pelayanan, kinerja unit pelayanan):

    ============== ===== ===========
    IKM            mutu  kinerja
    ============== ===== ===========
    88.31 - 100.00 A     Sangat Baik
    76.61 - 88.30  B     Baik
    65.00 - 76.60  C     Kurang Baik
    25.00 - 64.99  D     Tidak Baik
    ============== ===== ===========

    The intervals are written to two decimals, so the value is first rounded to two decimals,
    half up (88.305 -> 88.31, grade A; 88.3049 -> 88.30, grade B), then looked up; there is
    no gap between intervals. The rounding is done in decimal arithmetic on the shortest
    representation of the float, so 88.305 is treated as written.

    Examples
    --------
    >>> from helpers.stats.indices import ikm_grade
    >>> ikm_grade(88.31)
    IKMGrade(ikm=88.31, grade='A', label='Sangat Baik')
    >>> ikm_grade(88.30).grade, ikm_grade(76.60).grade, ikm_grade(64.99).grade
    ('B', 'C', 'D')
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"an IKM value must be a number, got {type(value).__name__}")
    if np.isnan(float(value)):
        raise ValueError("an IKM value is NaN (missing); it has no grade")
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not IKM_GRADES[-1][0] <= rounded <= _IKM_MAX:
        raise ValueError(f"an IKM value must lie between 25.00 and 100.00, got {value}")
    _, grade, label = next(row for row in IKM_GRADES if rounded >= row[0])
    return IKMGrade(ikm=float(rounded), grade=grade, label=label)


def _check_items(data: object, items: object) -> list[Hashable]:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise TypeError(
            f"items must be a list of the {N_ELEMENTS} element columns, got {type(items).__name__}"
        )
    items = list(items)
    if len(items) != N_ELEMENTS or len(set(items)) != N_ELEMENTS:
        raise ValueError(
            f"PermenPANRB 14/2017 has {N_ELEMENTS} service elements: items must name "
            f"{N_ELEMENTS} different columns, got {len(items)} ({items})"
        )
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise ValueError(f"items not in the data: {missing}; columns are {list(data.columns)}")
    for col in items:
        series = data[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            raise TypeError(
                f"column {col!r} must hold numeric answers 1-4, got dtype {series.dtype} "
                "(map answer labels to scores first)"
            )
        answered = series.dropna()
        bad = answered.loc[~answered.isin(_ANSWERS)]
        if len(bad):
            shown = sorted(pd.unique(bad).tolist())[:10]
            raise ValueError(
                f"column {col!r} has {len(bad)} answer(s) outside 1-4: {shown}; an IKM answer "
                "is 1, 2, 3 or 4 (set invalid answers to missing first)"
            )
    return items


def _answers(data: pd.DataFrame, items: list[Hashable]) -> pd.DataFrame:
    return pd.DataFrame(
        {col: data[col].to_numpy(dtype="float64", na_value=np.nan) for col in items},
        index=data.index,
    )


def ikm(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The IKM (Indeks Kepuasan Masyarakat) per PermenPANRB 14/2017, overall or per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; one numeric column per service element with answers 1-4
        (missing allowed).
    items : sequence of str
        The nine element columns (U1..U9), in the order to report them.
    by : str or sequence of str, optional
        Group columns (e.g. the service unit); one row per group. Missing group values form
        their own group.

    Returns
    -------
    pandas.DataFrame
        One row (or one per group, sorted): the ``by`` columns, then ``ikm`` (25-100, not
        rounded), ``grade`` (A-D), ``grade_label``, ``n`` (respondents with at least one
        answer), ``n_complete`` (respondents who answered all nine), and the nine element
        means (nilai rata-rata per unsur, 1-4), named as the item columns.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame; ``items``/``by`` of the wrong type; a non-numeric item.
    ValueError
        Not nine different item columns; missing columns; an answer other than 1, 2, 3, 4
        (the message names the column and the values); a name clash between ``by``, the items
        and the output columns.

    Notes
    -----
    PermenPANRB No. 14 Tahun 2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat Unit
    Penyelenggara Pelayanan Publik) measures nine service elements (unsur pelayanan:
    persyaratan; sistem, mekanisme dan prosedur; waktu penyelesaian; biaya/tarif; produk
    spesifikasi jenis pelayanan; kompetensi pelaksana; perilaku pelaksana; penanganan
    pengaduan, saran dan masukan; sarana dan prasarana), each answered on a 1-4 scale.
    With :math:`\\bar x_e` the mean answer to element :math:`e`,

    .. math::

        \\text{IKM} = 25 \\times \\sum_{e=1}^{9} \\tfrac{1}{9}\\, \\bar x_e,

    so IKM runs from 25 to 100. The regulation writes the weight as 1/9 = 0.111 in its
    worked example; we use exactly 1/9 (with 0.111 a perfect score would be 99.9, not 100).

    Missing answers: each element mean is taken over the respondents who answered that
    element ("nilai rata-rata per unsur" over the answers given), so a respondent who skipped
    an element still counts for the others. Respondents with no answer at all are ignored.
    If an element has no answer in a group, the group's ``ikm`` is NaN and its grade is
    missing. The grade is :func:`ikm_grade` of the unrounded index.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats.indices import ikm
    >>> items = [f"u{i}" for i in range(1, 10)]
    >>> data = pd.DataFrame([[4] * 9, [3] * 9, [3] * 8 + [None]], columns=items)
    >>> ikm(data, items)[["ikm", "grade", "grade_label", "n", "n_complete", "u9"]]
             ikm grade grade_label  n  n_complete   u9
    0  83.796296     B        Baik  3           2  3.5
    """
    items = _check_items(data, items)
    if by is None:
        by_cols: list[Hashable] = []
    elif isinstance(by, str):
        by_cols = [by]
    elif isinstance(by, Sequence):
        by_cols = list(by)
    else:
        raise TypeError(f"by must be a column name or a list of them, got {type(by).__name__}")
    missing = [c for c in by_cols if c not in data.columns]
    if missing:
        raise ValueError(f"by columns not in the data: {missing}")
    clash = (set(by_cols) & set(items)) | ((set(by_cols) | set(items)) & set(_RESERVED))
    if clash or len(set(by_cols)) != len(by_cols):
        raise ValueError(
            f"column names clash: {sorted(map(str, clash)) or by_cols}; by, items and the output "
            f"columns {list(_RESERVED)} must all differ"
        )
    answers = _answers(data, items).reset_index(drop=True)  # positional from here on
    answered = answers.notna().to_numpy()
    keep = answered.any(axis=1)
    answers = answers.loc[keep]
    frame = answers.assign(_complete=answered[keep].all(axis=1))
    if by_cols:
        for col in by_cols:
            frame[col] = data[col].to_numpy()[keep]
        grouped = frame.groupby(by_cols, dropna=False, sort=True)
        means = grouped[items].mean()
        counts = grouped.size()
        complete = grouped["_complete"].sum()
        out = means.assign(n=counts, n_complete=complete).reset_index()
    else:
        out = answers.mean().to_frame().T
        out["n"] = len(answers)
        out["n_complete"] = int(frame["_complete"].sum())
    out["ikm"] = out[items].mean(axis=1, skipna=False) * 25
    grades = [ikm_grade(float(v)) if pd.notna(v) else None for v in out["ikm"]]
    out["grade"] = pd.Series([g.grade if g else None for g in grades], dtype=object)
    out["grade_label"] = pd.Series([g.label if g else None for g in grades], dtype=object)
    out["n"] = out["n"].astype("int64")
    out["n_complete"] = out["n_complete"].astype("int64")
    return out[[*by_cols, *_RESERVED, *items]].reset_index(drop=True)


def ikm_per_respondent(
    data: pd.DataFrame, items: Sequence[str], *, min_answers: int = N_ELEMENTS
) -> pd.Series:
    """IKM of each respondent: the mean of their answers x 25.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; the nine element columns with answers 1-4.
    items : sequence of str
        The nine element columns.
    min_answers : int, default 9
        Fewest answered elements for a value; respondents with fewer get NaN. The default
        asks for all nine, so that every value averages the same elements.

    Returns
    -------
    pandas.Series
        Named ``"ikm"``, with the index of ``data``; 25-100 or NaN.

    Raises
    ------
    TypeError, ValueError
        As :func:`ikm`; also ``min_answers`` not an integer between 1 and 9.

    Notes
    -----
    :math:`\\text{IKM}_r = 25 \\times \\bar x_r`, the mean over the elements respondent
    :math:`r` answered. Use it as an outcome in a model; report the unit's index with
    :func:`ikm`. With complete answers the mean of :math:`\\text{IKM}_r` equals :func:`ikm`;
    with missing answers they differ, because :func:`ikm` averages each element over its own
    respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> from helpers.stats.indices import ikm_per_respondent
    >>> items = [f"u{i}" for i in range(1, 10)]
    >>> data = pd.DataFrame([[4] * 9, [3] * 8 + [None]], columns=items)
    >>> ikm_per_respondent(data, items).tolist()
    [100.0, nan]
    >>> ikm_per_respondent(data, items, min_answers=8).tolist()
    [100.0, 75.0]
    """
    items = _check_items(data, items)
    if isinstance(min_answers, bool) or not isinstance(min_answers, int | np.integer):
        raise TypeError(f"min_answers must be an integer, got {type(min_answers).__name__}")
    if not 1 <= min_answers <= N_ELEMENTS:
        raise ValueError(f"min_answers must be between 1 and {N_ELEMENTS}, got {min_answers}")
    answers = _answers(data, items)
    enough = answers.notna().sum(axis=1).to_numpy() >= min_answers
    score = answers.mean(axis=1).to_numpy() * 25
    return pd.Series(np.where(enough, score, np.nan), index=data.index, name="ikm")
