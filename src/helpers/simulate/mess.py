"""The mess real exports have: label variants, typos, duplicates, invalid NIPs, out-of-range and missing answers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.simulate.common import LABEL_VARIANTS, UNKNOWN_LABELS
from helpers.steps.check_tables import UNMAPPED_ERROR_SHARE


# --------------------------------------------------------------------------- mess
class Mess:
    """Records every planted problem so the truth file can list it."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.planted: dict[str, list] = {
            "invalid_nips": [],
            "duplicates": [],
            "unknown_labels": [],
            "out_of_range": [],
            "missing_codes": [],
            "label_variants": 0,
        }
        self._unknown: dict[tuple[str, str, str], int] = {}

    def bad_nip(self, nip: str) -> tuple[str, str]:
        kind = self.rng.choice(["length", "letter", "gender", "month"])
        if kind == "length":
            return nip[:-1], "length"
        if kind == "letter":
            j = int(self.rng.integers(0, 17))
            return nip[:j] + "O" + nip[j + 1 :], "non-digit"
        if kind == "gender":
            return nip[:14] + "3" + nip[15:], "gender"
        return nip[:12] + "13" + nip[14:], "tmt"

    def label(self, text: str, file: str, column: str, row: int) -> str:
        """Return a messy rendering of a valid label, sometimes."""
        u = self.rng.random()
        if u < 0.12 and text in LABEL_VARIANTS:
            self.planted["label_variants"] += 1
            return str(self.rng.choice(LABEL_VARIANTS[text]))
        return text

    def answer(
        self,
        code: int,
        labels: Sequence[str],
        file: str,
        column: str,
        row: int,
        rates: tuple[float, float, float, float] = (0.02, 0.004, 0.003, 0.004),
        n_answers: int | None = None,
    ) -> str:
        """A Likert answer as exported: usually the label, sometimes messy, missing, a missing
        code, a number out of range or an unknown label.

        With ``n_answers`` (how many people answer this question: a question asked of the
        trained only has fewer), an unknown label is planted only while it stays a stray
        answer: with half as many again copied by duplicate submissions, under the share at
        which the data check calls it a gap in the codebook
        (:data:`helpers.steps.check_tables.UNMAPPED_ERROR_SHARE`); a small generated region
        (``--size-factor``) must pass the check like the shipped ones. Where copies would
        still reach that share, :func:`_keep_unknown_labels_stray` changes the copies."""
        p_missing, p_code, p_range, p_unknown = rates
        u = self.rng.random()
        if u < p_missing:
            return ""
        u -= p_missing
        if u < p_code:
            self.planted["missing_codes"].append([file, column, row])
            return "99"
        u -= p_code
        if u < p_range:
            self.planted["out_of_range"].append([file, column, row])
            return str(self.rng.choice([0, len(labels) + 1]))
        u -= p_range
        if u < p_unknown:
            value = str(self.rng.choice(UNKNOWN_LABELS))
            seen = self._unknown.get((file, column, value), 0)
            if n_answers is None or 1.5 * (seen + 1) < UNMAPPED_ERROR_SHARE * n_answers:
                self._unknown[file, column, value] = seen + 1
                self.planted["unknown_labels"].append([file, column, row, value])
                return value
        return self.label(labels[code - 1], file, column, row)


def _keep_unknown_labels_stray(
    frame: pd.DataFrame, duplicate: list[bool], true_answers: dict[str, list[str]]
) -> None:
    """Give duplicate submissions their person's true answer where a copied unknown label
    would reach :data:`UNMAPPED_ERROR_SHARE` of its question's answers, counted without the
    repeated submissions as the data check counts them (in place).

    :meth:`Mess.answer` keeps each planted unknown label under that share of the people asked,
    but a duplicate submission copies its original's answers, and in a question few answer
    (those asked of the trained only, in a small generated region) one label and its copy can
    reach the share at which the data check calls it a gap in the codebook. Only copies are
    changed, and only then, so regions that never reach it are generated as before."""
    is_copy = np.asarray(duplicate, dtype=bool)
    for q, truth in true_answers.items():
        answers = frame[q].astype(str)
        # the data check counts a question's answers without the repeated submissions
        n_answers = int(((answers != "").to_numpy() & ~is_copy).sum())
        for value in sorted(set(answers) & set(UNKNOWN_LABELS)):
            rows = np.flatnonzero((answers == value).to_numpy())
            copies = [r for r in rows if is_copy[r]]
            while copies and len(rows) >= UNMAPPED_ERROR_SHARE * n_answers:
                r = copies.pop()
                frame.at[r, q] = truth[r]
                rows = rows[rows != r]


def _survey_frame(
    rng: np.random.Generator,
    mess: Mess,
    file: str,
    people: pd.DataFrame,
    items: dict[str, np.ndarray],
    label_sets: dict[str, Sequence[str]],
    when: tuple[str, str],
    *,
    dup_rate: float = 0.03,
    bad_nip_rate: float = 0.015,
    extra: dict[str, Sequence[str]] | None = None,
    timestamp_kind: str = "text",
) -> pd.DataFrame:
    """A Google-Forms-like export: 'Cap waktu', NIP, name, unit, one column per question."""
    t0, t1 = pd.Timestamp(when[0]), pd.Timestamp(when[1])
    n = len(people)
    answered = {q: int(np.count_nonzero(v)) for q, v in items.items()}  # asked of some only
    secs = np.sort(rng.integers(0, int((t1 - t0).total_seconds()), n))
    order = rng.permutation(n)
    rows = []
    for pos, i in enumerate(order):
        person = people.iloc[i]
        nip = person["nip"]
        bad = None
        if rng.random() < bad_nip_rate:
            nip, bad = mess.bad_nip(nip)
        rec = {
            "Cap waktu": t0 + pd.Timedelta(seconds=int(secs[pos])),
            "NIP": nip,
            "Nama Lengkap": person["name"],
            "Unit Kerja": person["unit"],
        }
        for q, values in items.items():
            v = values[i]
            rec[q] = (
                ""
                if v == 0
                else mess.answer(int(v), label_sets[q], file, q, 0, n_answers=answered[q])
            )
        for q, values in (extra or {}).items():
            rec[q] = values[i]
        rows.append((rec, bad, person["nip"], i))
    # duplicate submissions: the same person again a few hours to days later, answers changed
    out = []
    copied_from: list[int] = []  # the person behind each row of `out`
    for rec, bad, true_nip, i in rows:
        out.append((rec, bad, true_nip, None))
        copied_from.append(i)
        if rng.random() < dup_rate:
            again = dict(rec)
            again["Cap waktu"] = rec["Cap waktu"] + pd.Timedelta(hours=int(rng.integers(2, 72)))
            answered = [k for k in items if rec[k] != ""]  # change only what was asked
            q = str(rng.choice(answered or list(items)))
            again[q] = mess.label(
                label_sets[q][int(rng.integers(0, len(label_sets[q])))], file, q, 0
            )
            out.append((again, bad, true_nip, "id"))
            copied_from.append(i)
        elif rng.random() < 0.006:
            again = dict(rec)
            again["NIP"] = ""
            again["Cap waktu"] = rec["Cap waktu"] + pd.Timedelta(minutes=int(rng.integers(1, 9)))
            out.append((again, bad, true_nip, "answers"))
            copied_from.append(i)
    order = sorted(range(len(out)), key=lambda k: out[k][0]["Cap waktu"])
    out, copied_from = [out[k] for k in order], [copied_from[k] for k in order]
    frame = pd.DataFrame([r[0] for r in out])
    true_answers = {
        q: [label_sets[q][int(items[q][i]) - 1] if items[q][i] else "" for i in copied_from]
        for q in items
    }
    _keep_unknown_labels_stray(frame, [r[3] is not None for r in out], true_answers)
    for row, (_, bad, true_nip, dup) in enumerate(out, start=1):
        if bad is not None and dup is None:
            mess.planted["invalid_nips"].append(
                [file, row, frame.at[row - 1, "NIP"], bad, true_nip]
            )
        if dup is not None:
            mess.planted["duplicates"].append([file, row, dup, true_nip])
    # fill in row numbers of planted answer problems now the order is fixed
    for key in ("missing_codes", "out_of_range", "unknown_labels"):
        fixed = []
        for entry in mess.planted[key]:
            if entry[0] == file and entry[2] == 0:
                continue  # re-located below
            fixed.append(entry)
        mess.planted[key] = fixed
    for row in range(len(frame)):
        for q in items:
            v = frame.at[row, q]
            labels = label_sets[q]
            if v == "99":
                mess.planted["missing_codes"].append([file, q, row + 1])
            elif v in {"0", str(len(labels) + 1)}:
                mess.planted["out_of_range"].append([file, q, row + 1])
            elif v in UNKNOWN_LABELS:
                mess.planted["unknown_labels"].append([file, q, row + 1, v])
    if timestamp_kind == "text":
        frame["Cap waktu"] = [f"{t:%d/%m/%Y %H:%M:%S}" for t in frame["Cap waktu"]]
    return frame
