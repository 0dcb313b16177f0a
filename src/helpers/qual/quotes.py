"""Quotes that stand for a code, and the findings table that joins codes to the estimates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.privacy.deidentify import escape_html, mask_series
from helpers.privacy.identifiers import fold_name

if TYPE_CHECKING:
    pass
from helpers.io.code_codebook import KINDS, CodeCodebook
from helpers.io.segments import _check_frame, _is_missing
from helpers.qual.codes import CoderChoice, normalise_codes
from helpers.qual.frequencies import _counts, _keys, _select_coders

__all__ = [
    "FINDINGS_COLUMNS",
    "representative_quotes",
    "qualitative_findings",
    "role_people",
    "is_single_position",
]

# A role that names the head of one particular unit (Kepala BKPSDM, Sekretaris Daerah, Camat
# Kalianda) is held by one person; a head of a kind of unit (Kepala Sekolah, Kepala Bidang,
# Kepala OPD) by many.
_HEAD = re.compile(
    r"^(?:plt\.?\s+|plh\.?\s+|wakil\s+)?(?:kepala|ketua|sekretaris|direktur|inspektur|camat|lurah|"
    r"bupati|wali\s*kota|walikota|gubernur|sekda|kadis|kaban|asisten|rektor|dekan)\b(?P<rest>.*)$"
)
_GENERIC_UNITS = frozenset(
    {
        "",
        "opd",
        "dinas",
        "badan",
        "bidang",
        "seksi",
        "subbidang",
        "sub bidang",
        "subbagian",
        "sub bagian",
        "bagian",
        "sekolah",
        "unit",
        "upt",
        "uptd",
        "puskesmas",
        "desa",
        "kelurahan",
        "tim",
        "kelompok",
        "ruangan",
        "regu",
        "satuan kerja",
        "satker",
    }
)


def is_single_position(role: object) -> bool:
    """True when ``role`` names the head of one particular unit, a post one person holds.

    Examples
    --------
    >>> [is_single_position(r) for r in ("Kepala BKPSDM", "Sekretaris Daerah", "Kepala OPD",
    ...  "Kepala Sekolah", "Pejabat Pengawas", "Camat")]
    [True, True, False, False, False, False]
    """
    if _is_missing(role):
        return False
    text = " ".join(fold_name(str(role)).replace(".", " ").split())
    m = _HEAD.match(text)
    if m is None:
        return False
    rest = m["rest"].strip()
    return rest not in _GENERIC_UNITS and not rest.endswith(("-", "/"))


def role_people(
    data: pd.DataFrame, *, unique_roles: Iterable[str] = (), coders: CoderChoice = "all"
) -> pd.Series:
    """How many distinct people hold each informant role in ``data``, counted conservatively.

    Parameters
    ----------
    data : pandas.DataFrame
        Segments with ``transcript`` and ``informant_role`` (and ``informant``, an anonymised
        person id, when the export has one).
    unique_roles : iterable of str, optional
        Roles one person holds (the region's identifying positions); matched folded.
    coders : {"primary", "all"}, default "all"

    Returns
    -------
    pandas.Series
        People per role (int), indexed by role.

    Notes
    -----
    With ``informant`` ids, the distinct ids of the role (a person interviewed twice counts
    once). Without them, one per transcript the role speaks in, except that a role in
    ``unique_roles`` or naming the head of one particular unit (:func:`is_single_position`:
    Kepala BKPSDM, Sekretaris Daerah) counts as one person however many interviews it gives:
    counting it per transcript would let the head of an agency who joins every interview pass
    as a group of people.
    """
    _check_frame(data, "data", ["transcript", "informant_role"])
    rows = _select_coders(data, coders) if "segment" in data.columns else data
    rows = rows.loc[rows["informant_role"].notna()]
    if rows.empty:
        return pd.Series(dtype="int64")
    role = rows["informant_role"].astype(str)
    if "informant" in rows.columns and rows["informant"].notna().any():
        person = (
            rows["informant"]
            .astype(object)
            .where(rows["informant"].notna(), rows["transcript"].astype(str) + _ROLE_SEP + role)
        )
    else:
        person = rows["transcript"].astype(str) + _ROLE_SEP + role
    people = pd.DataFrame({"role": role, "person": person}).groupby("role")["person"].nunique()
    single = {" ".join(fold_name(str(r)).split()) for r in unique_roles if not _is_missing(r)}
    for name in people.index:
        if is_single_position(name) or " ".join(fold_name(name).split()) in single:
            people.loc[name] = 1
    return people.astype("int64")


_ROLE_SEP = "\x1f"


#: Columns of :func:`qualitative_findings`, in order.
FINDINGS_COLUMNS: tuple[str, ...] = (
    "level",
    "theme",
    "kind",
    "code",
    "label",
    "n_segments",
    "n_transcripts",
    "n_informants",
    "roles",
    "share_of_transcripts",
    "example_quote",
    "example_role",
    "example_transcript",
    "suppressed",
    "constructs",
)


# ----------------------------------------------------------------------------------------------
# Quotes and findings
# ----------------------------------------------------------------------------------------------


def _truncate(text: str, max_chars: int) -> tuple[str, bool]:
    if len(text) <= max_chars:
        return text, False
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "\u2026", True


def representative_quotes(
    data: pd.DataFrame,
    *,
    per_theme: int = 3,
    names: Iterable[str] = (),
    units: Iterable[str] | Mapping[str, str] = (),
    max_chars: int = 300,
    seed: int = 0,
    by: str = "theme",
    exclude: Iterable[tuple[object, object]] = (),
    distinct: bool = True,
) -> pd.DataFrame:
    """Pick a few de-identified quotes per theme (or per code), deterministically.

    Parameters
    ----------
    data : pandas.DataFrame
        Normalised segments (with ``theme``); only rows with ``code_status == "ok"`` (if the
        column exists) and a quote are candidates.
    per_theme : int, default 3
        Quotes per group at most.
    names, units
        Passed to :func:`helpers.privacy.deidentify.mask_series`: person names and identifying units
        or positions to mask (NIPs, phone numbers and e-mail addresses are always masked).
    max_chars : int, default 300
        Longer quotes are cut at a word boundary and end with an ellipsis.
    seed : int, default 0
        Seed of the tie-breaking order; the same data and seed give the same quotes,
        whatever the row order.
    by : str, default "theme"
        The grouping column; ``"code"`` gives quotes per code (for
        :func:`qualitative_findings`).
    exclude : iterable of (transcript, segment)
        Segments not to choose (those another part of the report already quotes).
    distinct : bool, default True
        Never choose one segment for two groups: a quote stands under one theme or code only.

    Returns
    -------
    pandas.DataFrame
        One row per quote: ``by`` and, when present, ``theme, kind, level, code, label``;
        ``transcript, segment, informant_role, method``; ``transcript_label`` (a de-identified
        id a report may show: the method and the transcript's number, "Wawancara 3", "FGD 1");
        ``quote`` (the whole coded segment, masked plain text, whitespace collapsed), ``html``
        (the same text HTML-escaped), ``n_codes`` (distinct codes on the segment), ``agreed``
        (two or more coders applied the quote's code to its segment), ``truncated`` and
        ``rank`` (1 = first choice). ``transcript`` is for tracing only: file names can
        identify people, so reports show ``transcript_label`` instead.

    Notes
    -----
    The rule, stated so a reader can trust the choice: within a group each coded segment is
    one candidate, quoted whole. The most typical segment of a code is the one coded with
    that code alone, so quotes are chosen one at a time, each time preferring, in order: a
    segment with fewer codes, a segment the coders agreed on, one that fits ``max_chars``
    whole, a transcript not yet quoted in the group, an informant role not yet quoted in the
    group; remaining ties follow a random order drawn with ``seed`` over the candidates
    sorted by transcript and segment. With ``distinct`` no segment is chosen for two groups
    (groups with the fewest candidates choose first). Only a segment longer than
    ``max_chars`` with no alternative is cut, and it is marked ``truncated``. Masking happens
    before escaping, so ``<script>`` comes out as ``&lt;script&gt;`` text.
    """
    _check_frame(data, "data", [by, "transcript", "segment", "code", "quote"])
    if isinstance(per_theme, bool) or not isinstance(per_theme, int) or per_theme < 1:
        raise ValueError(f"per_theme must be a positive integer, got {per_theme!r}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 20:
        raise ValueError(f"max_chars must be an integer of at least 20, got {max_chars!r}")
    keep = data[by].notna() & data["quote"].notna() & data["code"].notna()
    if "code_status" in data.columns:
        keep &= data["code_status"] == "ok"
    rows = data.loc[keep].copy()
    info = [c for c in ("theme", "kind", "level", "code", "label") if c in rows.columns and c != by]
    out_columns = [
        by,
        *info,
        "transcript",
        "segment",
        "transcript_label",
        "informant_role",
        "method",
        "quote",
        "html",
        "n_codes",
        "agreed",
        "truncated",
        "rank",
    ]
    for name in ("informant_role", "method", "coder"):
        if name not in rows.columns:
            rows[name] = pd.Series(pd.NA, index=rows.index, dtype="str")
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in out_columns})

    n_coders = rows.groupby(["transcript", "segment", "code"])["coder"].transform("nunique")
    rows["agreed"] = n_coders >= 2
    rows["n_codes"] = rows.groupby(["transcript", "segment"])["code"].transform("nunique")
    rows["transcript_label"] = rows["transcript"].map(_transcript_labels(data))
    rows = rows.sort_values(
        [by, "transcript", "segment", "agreed", "code"],
        ascending=[True, True, True, False, True],
        kind="stable",
    )
    candidates = rows.drop_duplicates([by, "transcript", "segment"]).reset_index(drop=True)
    candidates["quote"] = mask_series(
        candidates["quote"].map(lambda q: " ".join(str(q).split())), names=names, units=units
    )
    candidates = candidates.loc[candidates["quote"].str.len() > 0].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    candidates["_order"] = rng.permutation(len(candidates))

    taken = {(t, str(g)) for t, g in exclude}
    groups = sorted(candidates.groupby(by, sort=True), key=lambda kv: (len(kv[1]), str(kv[0])))
    picked = []
    for _, group in groups:
        pairs = zip(group["transcript"], group["segment"], strict=True)
        free = group.loc[~np.asarray([(t, str(g)) in taken for t, g in pairs], dtype=bool)]
        chosen_here = _pick_quotes(free, per_theme, max_chars)
        picked.extend(chosen_here)
        if distinct:
            taken |= {(r["transcript"], str(r["segment"])) for r in chosen_here}
    if not picked:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in out_columns})
    chosen = pd.DataFrame.from_records(picked).sort_values([by, "rank"], kind="stable")
    cut = chosen["quote"].map(lambda q: _truncate(q, max_chars))
    chosen["quote"] = cut.map(lambda t: t[0]).astype("str")
    chosen["truncated"] = cut.map(lambda t: t[1]).astype(bool)
    chosen["html"] = chosen["quote"].map(escape_html).astype("str")
    chosen["agreed"] = chosen["agreed"].astype(bool)
    chosen["rank"] = chosen["rank"].astype("int64")
    chosen["n_codes"] = chosen["n_codes"].astype("int64")
    if "level" in chosen.columns:
        chosen["level"] = chosen["level"].astype("Int64")
    return chosen[out_columns].reset_index(drop=True)


def _pick_quotes(group: pd.DataFrame, k: int, max_chars: int) -> list[dict[str, Any]]:
    records = group.to_dict("records")
    used_transcripts: set[object] = set()
    used_roles: set[object] = set()
    chosen = []
    for rank in range(1, min(k, len(records)) + 1):
        best = min(
            records,
            key=lambda r: (
                r["n_codes"],
                not r["agreed"],
                len(r["quote"]) > max_chars,
                r["transcript"] in used_transcripts,
                _role_key(r["informant_role"]) in used_roles,
                r["_order"],
            ),
        )
        records.remove(best)
        used_transcripts.add(best["transcript"])
        used_roles.add(_role_key(best["informant_role"]))
        chosen.append({**best, "rank": rank})
    return chosen


def _transcript_labels(data: pd.DataFrame) -> dict[object, str]:
    """A de-identified label per transcript: its method and its number among that method's
    transcripts in name order ("Wawancara 3", "FGD 1"); the file name itself is never shown."""
    seen = data.drop_duplicates("transcript")
    methods = (
        seen["method"] if "method" in seen.columns else pd.Series(pd.NA, index=seen.index)
    ).map(
        lambda m: (
            "Transkrip" if _is_missing(m) else ("FGD" if str(m).lower() == "fgd" else "Wawancara")
        )
    )
    frame = pd.DataFrame({"transcript": seen["transcript"], "method": methods})
    frame = frame.sort_values(["method", "transcript"], key=lambda c: c.astype(str), kind="stable")
    frame["n"] = frame.groupby("method").cumcount() + 1
    return dict(
        zip(frame["transcript"], frame["method"] + " " + frame["n"].astype(str), strict=True)
    )


def _role_key(role: object) -> str:
    return "" if _is_missing(role) else str(role)


def qualitative_findings(
    data: pd.DataFrame,
    codebook: CodeCodebook,
    *,
    quotes: pd.DataFrame | None,
    min_cell: int = 5,
    coders: CoderChoice = "primary",
    unique_roles: Iterable[str] = (),
) -> pd.DataFrame:
    """The tidy table of qualitative findings, one row per (level, theme, kind, code).

    Parameters
    ----------
    data : pandas.DataFrame
        Segments; normalised with ``codebook`` first unless they have ``code_status``. Only
        codes found in the codebook (``code_status == "ok"``) make findings; unknown codes are
        reported by :func:`normalise_codes`.
    codebook : CodeCodebook
        Gives level, theme, kind and label.
    quotes : pandas.DataFrame or None
        De-identified quotes from :func:`representative_quotes`; the example of a code is its
        best-ranked quote. Use ``representative_quotes(data, by="code", per_theme=1, ...)`` to
        have an example for every code; with quotes per theme, codes without one get NA.
    min_cell : int, default 5
        Minimum number of informants for a role breakdown to be shown (the region's
        ``min_cell_size``).
    coders : {"primary", "all"}, default "primary"
        Which coders' codes count (module docstring).
    unique_roles : iterable of str, optional
        Roles one person holds (see :func:`role_people`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDINGS_COLUMNS`: ``level`` (Int64, Kirkpatrick 1-4 or NA), ``theme``,
        ``kind``, ``code``, ``label``, ``n_segments``, ``n_transcripts``, ``n_informants``,
        ``roles`` (comma-separated roles), ``share_of_transcripts`` (transcripts with the code
        / all transcripts in ``data``), ``example_quote``, ``example_role``,
        ``example_transcript`` (the quote's neutral transcript label, e.g. "Wawancara 15",
        when ``quotes`` has ``transcript_label``), ``suppressed``.
        Ordered by level (NA last), theme, kind, decreasing ``n_segments``, code.

    Notes
    -----
    Suppression: when a code's informants number fewer than ``min_cell``, ``suppressed`` is
    True and the role breakdown is blanked: ``roles``, ``example_role`` and
    ``example_transcript`` are NA. The counts
    and the de-identified example quote stay (a count is not a group of people's answers, and
    the quote carries no name). ``example_role`` is also NA when that role has fewer than
    ``min_cell`` people in the whole data, counted as distinct people by
    :func:`role_people`: a rare role (the one Kepala BKPSDM, even when it speaks in every
    interview) would name its holder. Counting follows :func:`code_frequencies`.
    """
    _check_frame(data, "data", ["transcript", "segment", "code", "informant_role"])
    if not isinstance(codebook, CodeCodebook):
        raise TypeError(f"codebook must be a CodeCodebook, got {type(codebook).__name__}")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be a positive integer, got {min_cell!r}")
    if "code_status" not in data.columns:
        data = normalise_codes(data, codebook).data
    selected = _select_coders(data, coders)
    n_all = max(int(selected["transcript"].dropna().nunique()), 1)
    rows = selected.loc[selected["code_status"] == "ok"]
    keys = _keys(rows)
    frame = pd.concat([rows[["code", "informant_role"]], keys], axis=1)
    counts = _counts(frame, ["code"])
    roles = (
        frame.dropna(subset=["informant_role"])
        .groupby("code")["informant_role"]
        .agg(lambda s: ", ".join(sorted(s.unique())))
    )
    role_size = role_people(selected, unique_roles=unique_roles)
    table = codebook.table.set_index("code")
    out = counts.assign(
        level=counts["code"].map(table["level"]).astype("Int64"),
        theme=counts["code"].map(table["theme"]),
        kind=counts["code"].map(table["kind"]),
        label=counts["code"].map(table["label"]),
        constructs=counts["code"].map(
            table["constructs"].map(lambda c: "|".join(c or ()))
            if "constructs" in table.columns
            else pd.Series(dtype="str")
        ),
        roles=counts["code"].map(roles),
        share_of_transcripts=counts["n_transcripts"] / n_all,
    )
    out["example_quote"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["example_role"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["example_transcript"] = pd.Series(pd.NA, index=out.index, dtype="str")
    if quotes is not None:
        _check_frame(quotes, "quotes", ["code", "quote", "informant_role"])
        ranked = quotes.sort_values("rank") if "rank" in quotes.columns else quotes
        best = ranked.dropna(subset=["code", "quote"]).drop_duplicates("code").set_index("code")
        out["example_quote"] = out["code"].map(best["quote"]).astype("str")
        out["example_role"] = out["code"].map(best["informant_role"]).astype("str")
        if "transcript_label" in best.columns:  # a neutral label ("Wawancara 15"), not the file
            out["example_transcript"] = out["code"].map(best["transcript_label"]).astype("str")
    out["suppressed"] = out["n_informants"] < min_cell
    out.loc[out["suppressed"], "example_transcript"] = pd.NA
    rare_role = out["example_role"].map(lambda r: _is_missing(r) or role_size.get(r, 0) < min_cell)
    out.loc[out["suppressed"], "roles"] = pd.NA
    out.loc[out["suppressed"] | rare_role.astype(bool), "example_role"] = pd.NA
    kind_order = {k: i for i, k in enumerate(KINDS)}
    out = out.assign(_kind=out["kind"].map(kind_order)).sort_values(
        ["level", "theme", "_kind", "n_segments", "code"],
        ascending=[True, True, True, False, True],
        na_position="last",
        kind="stable",
    )
    out = out[list(FINDINGS_COLUMNS)].reset_index(drop=True)
    for name in (
        "theme",
        "kind",
        "code",
        "label",
        "roles",
        "example_quote",
        "example_role",
        "constructs",
    ):
        out[name] = out[name].astype("str")
    for name in ("n_segments", "n_transcripts", "n_informants"):
        out[name] = out[name].astype("int64")
    out["share_of_transcripts"] = out["share_of_transcripts"].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out
