"""Answer labels: parsing ``value_labels``, normalising text and matching what respondents
chose to the codebook's labels."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.io.parsing import (
    distinct_values,
    is_missing,
    raw_row_numbers,
    spread,
)

__all__ = [
    "map_labels",
    "normalise_label",
    "parse_value_labels",
    "parse_boolean",
]


def parse_value_labels(text: str) -> dict[Any, str]:
    """Parse ``"1=Sangat tidak setuju|2=Tidak setuju"`` into ``{1: "Sangat tidak setuju", ...}``.

    Codes are ints when every code is a whole number, else text (``"M=Laki-laki|F=Perempuan"``).

    Raises
    ------
    ValueError
        An item without ``=``, an empty code or label, or a code or label used twice.

    Examples
    --------
    >>> parse_value_labels("1=Tidak | 2 = Ya")
    {1: 'Tidak', 2: 'Ya'}
    >>> parse_value_labels("M=Laki-laki|F=Perempuan")
    {'M': 'Laki-laki', 'F': 'Perempuan'}
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("value_labels are empty")
    pairs: list[tuple[str, str]] = []
    for item in text.split("|"):
        if not item.strip():
            continue
        if "=" not in item:
            raise ValueError(
                f"value_labels item {item.strip()!r} has no '='; expected code=label items "
                "separated by '|', e.g. 1=Tidak setuju|2=Setuju"
            )
        code, label = (part.strip() for part in item.split("=", 1))
        if not code or not label:
            raise ValueError(f"value_labels item {item.strip()!r} needs both a code and a label")
        pairs.append((code, label))
    if not pairs:
        raise ValueError("value_labels hold no code=label items")
    whole = all(re.fullmatch(r"[+-]?\d+(?:\.0+)?", c) for c, _ in pairs)
    labels: dict[Any, str] = {}
    seen_labels: dict[str, Any] = {}
    for code_text, label in pairs:
        code: Any = int(float(code_text)) if whole else code_text
        if code in labels:
            raise ValueError(f"value_labels code {code_text!r} appears twice")
        norm = normalise_label(label)
        if norm in seen_labels:
            raise ValueError(
                f"value_labels label {label!r} appears twice (codes {seen_labels[norm]} and "
                f"{code_text})"
            )
        labels[code] = label
        seen_labels[norm] = code_text
    return labels


_TRUE = frozenset({"true", "ya", "yes", "y", "iya", "benar", "sudah", "1"})
_FALSE = frozenset({"false", "tidak", "tdk", "no", "n", "salah", "belum", "bukan", "0"})


def parse_boolean(value: Any, *, default: bool | None = None) -> bool | None:
    """Read ya/tidak, true/false, yes/no, 1/0 (any case); empty gives ``default``.

    Raises
    ------
    ValueError
        Anything else.

    Examples
    --------
    >>> parse_boolean("Ya"), parse_boolean("TIDAK"), parse_boolean("", default=False)
    (True, False, False)
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return default
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = _as_number(value)
    if number in (0.0, 1.0):
        return number == 1.0
    text = normalise_label(value)
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not a boolean (expected ya/tidak, true/false, 1/0)")


# --------------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['\u2018\u2019`\u00b4]")
WORD_SYNONYMS: dict[str, str] = {
    "sgt": "sangat",
    "sngt": "sangat",
    "sgat": "sangat",
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "tdak": "tidak",
    "stj": "setuju",
    "stju": "setuju",
    "krg": "kurang",
    "ckp": "cukup",
}
"""Word-level abbreviations expanded before label matching."""
ANSWER_SYNONYMS: dict[str, str] = {
    "sts": "sangat tidak setuju",
    "ts": "tidak setuju",
    "n": "netral",
    "rr": "ragu ragu",
    "s": "setuju",
    "ss": "sangat setuju",
    "ks": "kurang setuju",
    "stp": "sangat tidak puas",
    "tp": "tidak puas",
    "kp": "kurang puas",
    "cp": "cukup puas",
    "p": "puas",
    "sp": "sangat puas",
}
"""Whole-answer abbreviations common on Indonesian questionnaires (SS, S, N, TS, STS...)."""
MIDPOINT_LABELS = frozenset(
    {
        "netral",
        "ragu ragu",
        "ragu",
        "biasa saja",
        "biasa",
        "cukup",
        "cukup puas",
        "cukup setuju",
        "cukup baik",
        "sedang",
        "kadang kadang",
    }
)
"""Midpoint answers treated as one another when the scale has exactly one of them."""


def normalise_label(text: Any) -> str:
    """Normalise a label for matching, the one rule for answer labels and interview codes alike.

    Compatibility forms are unified (full-width letters, ligatures), accents removed, case
    folded and apostrophes dropped; underscores, hyphens, dots and every other punctuation mark
    become a space; runs of whitespace collapse to one space and the ends are stripped. A
    missing value gives ``""``.

    Examples
    --------
    >>> normalise_label("  Sangat   SETUJU. ")
    'sangat setuju'
    >>> normalise_label("Ragu-ragu")
    'ragu ragu'
    >>> normalise_label("Sumber_Daya"), normalise_label("Kéterbatasan   Anggaran!")
    ('sumber daya', 'keterbatasan anggaran')
    >>> normalise_label("Jum'at")
    'jumat'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    s = unicodedata.normalize("NFKC", s).casefold()
    s = _APOSTROPHES.sub("", s)
    s = _PUNCTUATION.sub(" ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class _Match:
    code: Any  # None when unmapped
    method: str  # exact, code, number, synonym, fuzzy, unmapped
    label: str = ""
    score: float = 1.0
    reason: str = ""


class _LabelMatcher:
    """Matches answers to value labels: exact, code, number, synonyms, then fuzzy."""

    def __init__(
        self,
        value_labels: Mapping[Any, str],
        *,
        synonyms: Mapping[str, Any] | None,
        cutoff: float,
    ) -> None:
        if not value_labels:
            raise ValueError("value_labels are empty")
        if not 0 < cutoff <= 1:
            raise ValueError(f"cutoff must be in (0, 1], got {cutoff}")
        self.labels = dict(value_labels)
        self.cutoff = cutoff
        self.by_norm = {normalise_label(label): code for code, label in self.labels.items()}
        self.int_codes = all(
            isinstance(c, (int, np.integer)) and not isinstance(c, bool) for c in self.labels
        )
        self.text_codes = {str(c).strip().casefold(): c for c in self.labels}
        self.user: dict[str, Any] = {}
        for variant, target in (synonyms or {}).items():
            if target in self.labels:
                self.user[normalise_label(variant)] = target
            elif normalise_label(target) in self.by_norm:
                self.user[normalise_label(variant)] = self.by_norm[normalise_label(target)]
            else:
                raise ValueError(
                    f"synonym {variant!r} -> {target!r}: {target!r} is neither a code nor a "
                    f"label of {self.labels}"
                )
        midpoints = [n for n in self.by_norm if n in MIDPOINT_LABELS]
        self.midpoint = self.by_norm[midpoints[0]] if len(midpoints) == 1 else None

    def match(self, value: Any) -> _Match:
        number = _as_number(value)
        if number is not None:
            if self.int_codes and float(number).is_integer() and int(number) in self.labels:
                code = int(number)
                return _Match(code, "number", self.labels[code])
            if not self.int_codes and str(value).strip().casefold() in self.text_codes:
                code = self.text_codes[str(value).strip().casefold()]
                return _Match(code, "code", self.labels[code])
            return _Match(
                None,
                "unmapped",
                reason=f"number {value!s} is not a code of {_codes_text(self.labels)}",
            )
        if not self.int_codes and str(value).strip().casefold() in self.text_codes:
            code = self.text_codes[str(value).strip().casefold()]
            return _Match(code, "code", self.labels[code])
        norm = normalise_label(value)
        if norm in self.by_norm:
            code = self.by_norm[norm]
            return _Match(code, "exact", self.labels[code])
        if norm in self.user:
            code = self.user[norm]
            return _Match(code, "synonym", self.labels[code])
        expanded = ANSWER_SYNONYMS.get(norm) or " ".join(
            WORD_SYNONYMS.get(w, w) for w in norm.split()
        )
        if expanded in self.by_norm:
            code = self.by_norm[expanded]
            return _Match(code, "synonym", self.labels[code])
        if expanded in MIDPOINT_LABELS and self.midpoint is not None:
            return _Match(self.midpoint, "synonym", self.labels[self.midpoint])
        scores = {n: difflib.SequenceMatcher(None, expanded, n).ratio() for n in self.by_norm}
        close = sorted((s, n) for n, s in scores.items() if s >= self.cutoff)
        if len(close) == 1:
            score, n = close[0]
            code = self.by_norm[n]
            return _Match(code, "fuzzy", self.labels[code], score=score)
        if len(close) > 1:
            names = " and ".join(repr(self.labels[self.by_norm[n]]) for _, n in close[-2:])
            return _Match(None, "unmapped", reason=f"ambiguous: close to {names}")
        best = max(scores.items(), key=lambda kv: kv[1])
        return _Match(
            None,
            "unmapped",
            reason=f"no label within similarity {self.cutoff:g} (closest "
            f"{self.labels[self.by_norm[best[0]]]!r}, {best[1]:.2f})",
        )


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    text = str(value).strip().replace(",", ".")
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
        return float(text)
    return None


def _codes_text(labels: Mapping[Any, str]) -> str:
    return "value_labels (" + ", ".join(f"{c}={lab}" for c, lab in labels.items()) + ")"


def _match_values(
    values: pd.Series, matcher: _LabelMatcher
) -> tuple[list[Any], dict[Any, _Match], list[bool]]:
    """Codes per cell (None where missing or unmapped), matches by distinct value, missingness."""
    cells, uniques, found = _match_distinct(values, matcher)
    cache = {
        (v if isinstance(v, str) else (type(v).__name__, v)): m
        for v, m in zip(uniques, found, strict=True)
    }
    codes = spread([m.code for m in found], cells).tolist()
    return codes, cache, (cells < 0).tolist()


def _match_distinct(
    values: pd.Series, matcher: _LabelMatcher
) -> tuple[np.ndarray, list[Any], list[_Match]]:
    """Each distinct value matched once: (cell codes, distinct values, their matches); see
    :func:`helpers.io.parsing.distinct_values`."""
    cells, uniques = distinct_values(values)
    return cells, uniques, [matcher.match(v) for v in uniques]


def map_labels(
    values: pd.Series,
    value_labels: Mapping[int, str],
    *,
    synonyms: Mapping[str, Any] | None = None,
    cutoff: float = 0.85,
) -> tuple[pd.Series, pd.DataFrame]:
    """Map Likert (or other labelled) answers to their numeric codes.

    Parameters
    ----------
    values : pandas.Series
        Answers as text (``"Sangat Setuju "``, ``"sgt setuju"``, ``"Setju"``, ``"4"``, ...).
    value_labels : mapping of int to str
        ``{1: "Sangat tidak setuju", ..., 5: "Sangat setuju"}``.
    synonyms : mapping of str to str or int, optional
        Extra whole-answer variants: ``{"ok": "Setuju"}`` or ``{"ok": 4}``; tried after an
        exact match.
    cutoff : float
        Least :class:`difflib.SequenceMatcher` similarity for a spelling match.

    Returns
    -------
    codes : pandas.Series of float64
        Same index; NaN where missing or unmapped.
    unmapped : pandas.DataFrame
        One row per distinct answer that was not mapped: ``value`` (as written), ``count``,
        ``rows`` (list of 1-based raw rows, index + 1), ``reason``. Nothing is dropped
        silently.

    Notes
    -----
    Order of attempts, on the answer normalised by :func:`normalise_label`:

    1. a number (``"4"``, ``"4.0"``, ``"4,0"``) that is one of the codes;
    2. the same text as a label;
    3. a ``synonyms`` entry;
    4. after expanding abbreviations (:data:`ANSWER_SYNONYMS` for whole answers such as
       ``SS``/``TS``, else :data:`WORD_SYNONYMS` word by word: ``sgt`` -> ``sangat``,
       ``tdk``/``tak``/``gak`` -> ``tidak``, ``stj`` -> ``setuju``), the same text as a label;
    5. a midpoint answer (``Netral``, ``Ragu-ragu``, ``Biasa saja``, ``Cukup``...) when the
       scale has exactly one midpoint label (:data:`MIDPOINT_LABELS`);
    6. a spelling match: the one label whose similarity to the expanded answer is at least
       ``cutoff`` (0.85 accepts one dropped or swapped letter in a short label, ``Setju`` ->
       ``Setuju``, and keeps ``Setuju`` apart from ``Sangat setuju`` and ``Tidak setuju``).
       Two labels above the cutoff is ambiguous: unmapped.

    Examples
    --------
    >>> labels = {1: "Sangat tidak setuju", 2: "Tidak setuju", 3: "Netral", 4: "Setuju",
    ...           5: "Sangat setuju"}
    >>> codes, unmapped = map_labels(pd.Series(["sgt setuju", "Ragu-ragu", "4.0", "Mungkin"]),
    ...                              labels)
    >>> codes.tolist()
    [5.0, 3.0, 4.0, nan]
    >>> unmapped[["value", "count", "rows"]].to_dict("records")
    [{'value': 'Mungkin', 'count': 1, 'rows': [4]}]
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}")
    matcher = _LabelMatcher(value_labels, synonyms=synonyms, cutoff=cutoff)
    if not matcher.int_codes:
        raise ValueError(f"map_labels needs whole-number codes, got {list(value_labels)}")
    codes, matches, _ = _match_values(values, matcher)
    out = pd.Series(
        [np.nan if c is None else float(c) for c in codes],
        index=values.index,
        name=values.name,
        dtype="float64",
    )
    return out, _unmapped_report(values, matches)


def _unmapped_report(values: pd.Series, matches: Mapping[Any, _Match]) -> pd.DataFrame:
    rows = raw_row_numbers(values.index)
    found: dict[Any, dict[str, Any]] = {}
    for v, row in zip(values.astype(object), rows, strict=True):
        if is_missing(v):
            continue
        key = v if isinstance(v, str) else (type(v).__name__, v)
        m = matches[key]
        if m.code is not None:
            continue
        entry = found.setdefault(key, {"value": str(v), "count": 0, "rows": [], "reason": m.reason})
        entry["count"] += 1
        entry["rows"].append(int(row))
    frame = pd.DataFrame(list(found.values()), columns=["value", "count", "rows", "reason"])
    frame = frame.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)
    return frame.astype({"value": "str", "count": "int64", "reason": "str"})
