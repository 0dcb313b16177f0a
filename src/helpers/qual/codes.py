"""Interview and focus-group codes: map every spelling to its canonical code, list the unknown.

Layer 4 (a general tool); :mod:`helpers.steps.qualitative` runs these steps for a region. Researchers code transcripts in QualCoder, Taguette or a spreadsheet
and export the coded segments; this module turns those exports into the tables a region's
report shows beside the effect estimates.

The steps, in the order notebook 02 calls them:

1. :func:`read_coded_segments` reads one export into the project layout (ARCHITECTURE.md,
   "Coded segments"): ``transcript, segment, informant_role, method, coder, code, quote``, plus
   ``category`` (QualCoder's category path) and ``row`` (1-based data row in the file).
2. :func:`load_code_codebook` reads ``codes.csv`` into a validated :class:`CodeCodebook`.
3. :func:`normalise_codes` maps every spelling of a code to its canonical code, keeps unknown
   codes (``code_status="unknown"``) and lists them, and joins theme, kind and level.
4. :func:`agreement_by_code` measures inter-coder agreement per code
   (:func:`helpers.qual.agreement.code_agreement`).
5. :func:`code_frequencies`, :func:`cooccurrence` and :func:`cooccurrence_heatmap` describe the
   codes; :func:`representative_quotes` picks de-identified quotes; :func:`qualitative_findings`
   makes the tidy table saved per region and joined to the effects in the report.

Units. Segment ids are only unique within a transcript, so a unit is always the pair
(``transcript``, ``segment``). In a QualCoder or Taguette export the ``segment`` id identifies
one coding (QualCoder's ``ctid``) or one highlight, not a passage shared by coders; for
agreement such exports are matched on (``transcript``, exact quote text) instead (see
:func:`agreement_by_code`).

Which coder counts. A segment double-coded for agreement appears once per coder. Counts,
co-occurrence and findings use, by default, only each transcript's *primary* coder (the coder
who coded most segments of that transcript; ties go to the alphabetically first), so that
double-coding neither double-counts segments nor mixes two people's judgements in one
co-occurrence. ``coders="all"`` pools every coder instead (a code counts if any coder applied
it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

if TYPE_CHECKING:
    pass
from helpers.io.code_codebook import CodeCodebook
from helpers.io.segments import _check_frame, _is_missing, code_slug

__all__ = [
    "CoderChoice",
    "UnitBasis",
    "ALL_ROLES",
    "CodeResult",
    "normalise_codes",
]


CoderChoice = Literal["primary", "all"]
UnitBasis = Literal["auto", "segment", "quote"]

#: ``informant_role`` value of the all-roles total rows of :func:`code_frequencies`.
ALL_ROLES = "semua"
_LOG_COLUMNS = ("step", "table", "file", "row", "column", "old_value", "new_value", "reason")


# ----------------------------------------------------------------------------------------------
# Normalising codes
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CodeResult:
    """What :func:`normalise_codes` returns.

    Attributes
    ----------
    data : pandas.DataFrame
        The segments with ``code`` canonical (or, for unknown codes, the slug of the raw
        label), ``code_raw`` (as written), ``code_status`` (``ok``, ``unknown``, ``uncoded``),
        and ``label, theme, kind, level`` from the codebook (NA for unknown codes).
    unknown : pandas.DataFrame
        One row per unknown code: ``code`` (slug kept in ``data``), ``label_raw`` (commonest
        spelling), ``variants`` (every spelling, ``" | "``-joined), ``n`` (rows),
        ``n_transcripts``, ``example_rows`` (up to three file rows), ``example_transcripts``.
    log : pandas.DataFrame
        Cleaning-log rows (``step, table, file, row, column, old_value, new_value, reason``):
        one per recoded row and one per row with an unknown code.
    """

    data: pd.DataFrame
    unknown: pd.DataFrame
    log: pd.DataFrame


_HOW_TEXT = {
    "code": "kode",
    "label": "label",
    "synonym": "sinonim",
    "path_leaf": "komponen terakhir jalur kode",
}


def normalise_codes(segments: pd.DataFrame, codebook: CodeCodebook) -> CodeResult:
    """Map every spelling of a code to its canonical code; keep and list unknown codes.

    Parameters
    ----------
    segments : pandas.DataFrame
        Coded segments (:func:`read_coded_segments`), with a ``code`` column.
    codebook : CodeCodebook
        The region's codebook.

    Returns
    -------
    CodeResult
        ``data`` (a new frame, same index), ``unknown`` and ``log``.

    Notes
    -----
    A raw label matches when its normalised form (:func:`normalise_label`: accents removed,
    case folded, punctuation, underscores and hyphens unified, spaces collapsed) equals the
    normalised code, label or a synonym of a codebook row, so ``"Sumber Daya"``,
    ``"sumber_daya"`` and ``" SUMBER-DAYA "`` all give ``sumber_daya``. Failing that, the last
    component of a code path is tried (``"tantangan.sumber_daya"``, ``"Tantangan > Sumber
    daya"``). A label that matches nothing is kept: ``code`` becomes its slug
    (``"Pelatihan Daring"`` -> ``pelatihan_daring``), ``code_status`` is ``"unknown"`` and it
    is listed in ``unknown``; a missing code (an untagged highlight) gets ``"uncoded"``. The log
    names the file from ``segments.attrs["source"]`` when the reader set it.
    """
    _check_frame(segments, "segments", ["code"])
    if not isinstance(codebook, CodeCodebook):
        raise TypeError(f"codebook must be a CodeCodebook, got {type(codebook).__name__}")
    data = segments.copy()
    raw_codes = data["code"].tolist()
    matches = {
        v: codebook.match(v) for v in set(raw_codes) if not _is_missing(v) and str(v).strip()
    }
    codes, status, how = [], [], []
    for value in raw_codes:
        if _is_missing(value) or not str(value).strip():
            codes.append(None)
            status.append("uncoded")
            how.append(None)
            continue
        code, matched = matches[value]
        if code is None:
            codes.append(code_slug(value) or str(value).strip())
            status.append("unknown")
        else:
            codes.append(code)
            status.append("ok")
        how.append(matched)
    data["code_raw"] = pd.Series(raw_codes, index=data.index, dtype="str")
    data["code"] = pd.Series(codes, index=data.index, dtype="str")
    data["code_status"] = pd.Series(status, index=data.index, dtype="str")
    table = codebook.table.set_index("code")
    for name in ("label", "theme", "kind"):
        data[name] = data["code"].map(table[name]).astype("str")
    data["level"] = data["code"].map(table["level"]).astype("Int64")

    how_series = pd.Series(how, index=data.index, dtype=object)
    return CodeResult(
        data=data,
        unknown=_unknown_table(data),
        log=_normalise_log(data, how_series, segments.attrs.get("source")),
    )


def _row_numbers(data: pd.DataFrame) -> pd.Series:
    if "row" in data.columns:
        return data["row"]
    return pd.Series(pd.NA, index=data.index, dtype="Int64")


def _unknown_table(data: pd.DataFrame) -> pd.DataFrame:
    columns = [
        "code",
        "label_raw",
        "variants",
        "n",
        "n_transcripts",
        "example_rows",
        "example_transcripts",
    ]
    unknown = data.loc[data["code_status"] == "unknown"]
    if unknown.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c.startswith("n") else "str") for c in columns}
        )
    rows = _row_numbers(data).loc[unknown.index]
    transcripts = (
        unknown["transcript"]
        if "transcript" in unknown
        else pd.Series(pd.NA, index=unknown.index, dtype="str")
    )
    records = []
    for code, group in unknown.groupby("code", sort=False):
        spellings = group["code_raw"].value_counts()
        example_rows = [str(r) for r in rows.loc[group.index].dropna().head(3)]
        trans = transcripts.loc[group.index].dropna().unique().tolist()
        records.append(
            {
                "code": code,
                "label_raw": spellings.index[0],
                "variants": " | ".join(sorted(spellings.index)),
                "n": len(group),
                "n_transcripts": len(trans),
                "example_rows": ", ".join(example_rows) or None,
                "example_transcripts": ", ".join(trans[:3]) or None,
            }
        )
    out = pd.DataFrame.from_records(records, columns=columns)
    out = out.sort_values(["n", "code"], ascending=[False, True], ignore_index=True)
    return out.astype({"n": "int64", "n_transcripts": "int64"})


def _normalise_log(data: pd.DataFrame, how: pd.Series, source: object) -> pd.DataFrame:
    recoded = (data["code_status"] == "ok") & (data["code_raw"] != data["code"])
    unknown = data["code_status"] == "unknown"
    picked = data.loc[recoded | unknown]
    reasons = [
        f"label kode disamakan dengan kode baku (cocok lewat {_HOW_TEXT[how.loc[i]]})"
        if status == "ok"
        else "kode tidak ada di buku kode (codes.csv); dipertahankan dengan code_status=unknown"
        for i, status in zip(picked.index, picked["code_status"], strict=True)
    ]
    log = pd.DataFrame(
        {
            "step": "normalise_codes",
            "table": "codes",
            "file": pd.Series(
                None if source is None else str(source), index=picked.index, dtype="str"
            ),
            "row": _row_numbers(data).loc[picked.index].astype("Int64"),
            "column": "code",
            "old_value": picked["code_raw"],
            "new_value": picked["code"],
            "reason": pd.Series(reasons, index=picked.index, dtype="str"),
        },
        columns=list(_LOG_COLUMNS),
    )
    return log.reset_index(drop=True)
