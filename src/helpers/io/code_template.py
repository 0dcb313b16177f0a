"""A starting ``codes.csv`` from a coded-interview export (QualCoder, Taguette, the project's own
layout), and the registry lines that read it.

Coded segments need no ``codebook.csv`` rows: :func:`helpers.io.segments.read_coded_segments`
reads them into the project's columns. What a new region needs instead is the interview-code
codebook (``codes.csv``: canonical code, label, theme, kind, level, spellings) and, for
QualCoder's file or case variables, the registry's ``columns:`` mapping to ``informant_role``
and ``method``. :func:`codes_template` drafts both from the export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.core.errors import InputFileError
from helpers.io.code_codebook import _KIND_ALIASES
from helpers.io.segments import (
    DEFAULT_PROJECT_COLUMNS,
    _detect_layout,
    _header_key,
    _read_raw,
    normalise_label,
    read_coded_segments,
)

__all__ = [
    "CodesTemplate",
    "interview_layout",
    "codes_template",
    "CODES_COLUMNS",
]

CODES_COLUMNS = ("code", "label", "definition", "theme", "kind", "level", "synonyms", "note")
"""The draft's columns: those of ``codes.csv`` and ``note`` (what to fill in)."""
_PROJECT_KEYS = {_header_key(k): v for k, v in DEFAULT_PROJECT_COLUMNS.items()}
_VARIABLE_PREFIXES = ("filevar_", "casevar_")
_ROLE_WORDS = ("peran", "role", "jabatan", "informan", "posisi")
_METHOD_WORDS = ("metode", "method", "jenis", "teknik")


def interview_layout(path: str | Path, *, sheet: str | None = None) -> str | None:
    """``"qualcoder"``, ``"taguette"`` or ``"project"`` when the file holds coded interview
    segments, else None (a survey, roster or any other table).

    The project layout is recognised by its headers (``Transkrip``, ``Segmen``, ``Kode`` or
    the clean names). Unreadable files give None: the caller's reader says why.
    """
    try:
        raw = _read_raw(path, sheet=sheet)
    except InputFileError:
        return None
    layout = _detect_layout(raw.header)
    if layout != "project":
        return layout
    targets = {_PROJECT_KEYS.get(_header_key(h)) for h in raw.header}
    return "project" if {"transcript", "segment", "code"} <= targets else None


@dataclass(frozen=True)
class CodesTemplate:
    """What :func:`codes_template` drafts.

    Attributes
    ----------
    layout : str
        ``qualcoder``, ``taguette`` or ``project``.
    codes : pandas.DataFrame
        :data:`CODES_COLUMNS`, one row per code seen.
    variables : tuple of str
        QualCoder's ``FileVar_``/``CaseVar_`` headers (or the project layout's extra headers).
    columns : dict of str to str
        The proposed registry ``columns:`` (clean name -> raw header) for informant role and
        method.
    registry : str
        The registry line for the table, ready to paste under ``tables:``.
    """

    layout: str
    codes: pd.DataFrame
    variables: tuple[str, ...]
    columns: dict[str, str]
    registry: str


def _propose_columns(variables: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for header in variables:
        key = _header_key(header)
        for prefix in _VARIABLE_PREFIXES:
            key = key.removeprefix(prefix)
        if "informant_role" not in out and any(w in key for w in _ROLE_WORDS):
            out["informant_role"] = header
        elif "method" not in out and any(w in key for w in _METHOD_WORDS):
            out["method"] = header
    return out


def codes_template(path: str | Path, *, sheet: str | None = None) -> CodesTemplate:
    """Draft ``codes.csv`` and the registry entry from a coded-interview export.

    Parameters
    ----------
    path : str or Path
        A QualCoder coding report (CSV or XLSX), a Taguette highlights export or a file in the
        project's layout.
    sheet : str, optional
        XLSX sheet.

    Returns
    -------
    CodesTemplate

    Raises
    ------
    InputFileError
        The file is not a coded-interview export.

    Notes
    -----
    One row per code: ``code`` is the spelling's snake_case form (spellings that normalise
    alike are one code; the most frequent is the ``label``, the others ``synonyms``);
    ``theme`` is the root of QualCoder's category path or of a Taguette tag path; ``kind`` is
    read from a category or path part that names one (Tantangan, Capaian, Rekomendasi,
    Konteks...), else left empty with a note; ``level`` is always left to the researcher.
    The variables QualCoder exports (``FileVar_...``/``CaseVar_...``) whose names speak of a
    role (peran, jabatan, informan) or a method (metode, jenis) are proposed for
    ``columns:``.
    """
    path = Path(path)
    layout = interview_layout(path, sheet=sheet)
    if layout is None:
        raise InputFileError(path, "not a coded-interview export (QualCoder, Taguette or project)")
    raw = _read_raw(path, sheet=sheet)
    if layout == "qualcoder":
        variables = tuple(h for h in raw.header if _header_key(h).startswith(_VARIABLE_PREFIXES))
    else:
        known = set(_PROJECT_KEYS) | {"id", "document", "tag", "content"}
        variables = tuple(h for h in raw.header if _header_key(h) not in known)
    columns = _propose_columns(variables)
    segments = read_coded_segments(
        path, layout=layout, sheet=sheet, columns={v: k for k, v in columns.items()}
    )
    codes = _draft_codes(segments, layout)
    source = f", source: {layout}" if layout in ("qualcoder", "taguette") else ""
    mapping = (
        ", columns: {" + ", ".join(f'{k}: "{v}"' for k, v in columns.items()) + "}"
        if columns
        else ""
    )
    registry = f"codes: {{file: {path.name}, kind: codes{source}{mapping}}}"
    return CodesTemplate(layout, codes, variables, columns, registry)


def _path_parts(segments: pd.DataFrame, layout: str) -> list[list[str]]:
    """The parts of each row's code path, root first."""
    out = []
    for code, category in zip(segments["code"], segments["category"], strict=True):
        parts: list[str] = []
        if layout == "qualcoder" and isinstance(category, str):
            parts = [p.strip() for p in category.split(" > ") if p.strip()][::-1]
        elif layout == "taguette" and isinstance(code, str) and "." in code:
            parts = [p for p in code.split(".")[:-1] if p]
        out.append(parts)
    return out


def _draft_codes(segments: pd.DataFrame, layout: str) -> pd.DataFrame:
    spellings: dict[str, Counter] = {}
    themes: dict[str, Counter] = {}
    kinds: dict[str, Counter] = {}
    for code, parts in zip(segments["code"], _path_parts(segments, layout), strict=True):
        if not isinstance(code, str) or not code.strip():
            continue
        leaf = code.split(".")[-1] if layout == "taguette" else code
        slug = normalise_label(leaf).replace(" ", "_")
        if not slug:
            continue
        spellings.setdefault(slug, Counter())[leaf.strip()] += 1
        if parts:
            themes.setdefault(slug, Counter())[parts[0]] += 1
        for part in parts:
            kind = _KIND_ALIASES.get(normalise_label(part)) or (
                normalise_label(part) if normalise_label(part) in _KIND_ALIASES.values() else None
            )
            if kind:
                kinds.setdefault(slug, Counter())[kind] += 1
    rows = []
    for slug, forms in spellings.items():
        ordered = [f for f, _ in forms.most_common()]
        theme = themes.get(slug, Counter()).most_common(1)
        kind = kinds.get(slug, Counter()).most_common(1)
        notes = []
        if not kind:
            notes.append("fill kind (challenge, achievement, recommendation or context)")
        if not theme:
            notes.append("fill theme")
        notes.append("level 1-4 if the code speaks of a Kirkpatrick level; write a definition")
        rows.append(
            {
                "code": slug if slug[0].isalpha() else f"k_{slug}",
                "label": ordered[0],
                "definition": "",
                "theme": theme[0][0] if theme else "",
                "kind": kind[0][0] if kind else "",
                "level": "",
                "synonyms": "|".join(ordered[1:]),
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(CODES_COLUMNS)).astype("str")
