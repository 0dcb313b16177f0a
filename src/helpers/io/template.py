"""A starting codebook from a raw export, as iecodebook's template does."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers.io.codebook import CODEBOOK_COLUMNS, KNOWN_SCALES
from helpers.io.export import KOBO_META_COLUMNS, Export
from helpers.io.labels import _LabelMatcher, _match_values, parse_boolean, parse_value_labels
from helpers.io.parsing import (
    normalise_digits,
    parse_date,
    parse_number,
)
from helpers.io.recode import _header_key
from helpers.io.sources import clean_header, header_group, read_export

__all__ = [
    "codebook_template",
]


# --------------------------------------------------------------------------------------------
# template
# --------------------------------------------------------------------------------------------

_STOPWORD_TEXT = (
    "saya anda bapak ibu yang dan di ke dari dengan untuk pada dalam ini itu adalah apakah "
    "atau oleh akan telah sudah the a an of to and is are do you your"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NUMBERING = re.compile(
    r"^\s*(?:(?:no|nomor|q|p|pertanyaan|soal|butir|item)\.?\s*)?"
    r"(?:[a-z]\s*)?\d+(?:[.\-]\d+)*\s*[.):\-]?\s+|^\s*[a-z][.)]\s+",
    re.IGNORECASE,
)
_NAME_HEADERS = ("nama", "name", "full name", "nama lengkap")
_ID_HEADERS = {"_id", "_uuid", "_index", "id", "uuid", "meta/instanceid", "instanceid"}
_MAX_NAME = 32
_MAX_LABELS = 20


def codebook_template(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Draft a codebook from a raw file: one row per column, to be checked and edited.

    Parameters
    ----------
    path : str or Path
        The raw CSV or XLSX file: a plain table, or a KoboToolbox or Google Forms export
        (recognised by :func:`helpers.io.sources.read_export`).
    sheet : str or int, optional
        XLSX sheet of the main table (default: the first; for a Google Forms workbook its
        responses sheet). KoboToolbox repeat sheets are always included.

    Returns
    -------
    pandas.DataFrame
        :data:`CODEBOOK_COLUMNS`, all text: ``file`` = the file name, ``raw_name`` as written,
        ``label`` = the header, a suggested ``name`` (ASCII, question numbering and filler
        words removed, at most 32 characters at a word boundary, unique), a guessed ``type``
        and, for likert and category guesses, ``value_labels`` (a known scale from
        :data:`KNOWN_SCALES`, or the distinct values seen, up to 20, numbered in order of
        first appearance). ``reverse``/``required`` are ``false`` except ``required`` for a
        ``nip`` column.

        A KoboToolbox export adds ``group`` (the header's group path, e.g.
        ``participants/feedback``; the ``name`` is suggested from the last path component)
        and, when it has repeat sheets, ``sheet``: the main table's rows come first (``sheet``
        empty), then one block per repeat sheet (``sheet`` = its name, with its link columns
        ``_index``, ``_parent_index``, ``parent_row``, ``submission_row``). Names are unique
        within each block.

    Notes
    -----
    The type guess, on the non-missing values: ``nip`` if 80% are 18-digit strings;
    ``name``/``id`` from the header (``Nama``..., Kobo ``_id``/``_uuid``); ``integer`` or
    ``number`` if every value is a number; ``date``/``datetime`` if 90% parse as dates and
    are not plain numbers; ``likert`` if 90% of answers match one known scale; ``boolean``
    for ya/tidak answers; ``category`` for at most 20 distinct values that repeat;
    ``string`` otherwise. A guess is a suggestion: check every row.

    Tool exports are read through :func:`helpers.io.sources.read_export`, so the rows describe
    the table :meth:`helpers.io.export.Export.as_table` gives (the answers, then the tool's
    metadata; Google Forms' timestamp first): multi-select answers are one ``string``
    column of choices joined by ``;`` (the choices seen are listed in ``label``), Kobo's
    split select_multiple columns are gone, ``n/a`` is missing. Tool bookkeeping columns
    (Kobo ``_status``, ``_notes``, ``__version__``..., and the ``_submission__...`` copies of
    the submission's metadata on repeat sheets) are suggested as ``drop``.
    """
    path = Path(path)
    export = read_export(path, sheet=sheet)
    if export.source not in ("kobotoolbox", "google_forms"):
        records = _template_block(path.name, export.main, separator="/", multiselect={})
        return pd.DataFrame.from_records(records, columns=list(CODEBOOK_COLUMNS)).astype("str")
    return _tool_template(path.name, export)


def _tool_template(file_name: str, export: Export) -> pd.DataFrame:
    separator = export.group_separator or "/"
    is_kobo = export.source == "kobotoolbox"
    blocks = [("", export.as_table())] + list(export.repeats.items())
    records: list[dict[str, str]] = []
    for sheet_name, frame in blocks:
        for record in _template_block(
            file_name, frame, separator=separator, multiselect=export.multiselect
        ):
            if is_kobo:
                record["group"] = header_group(record["raw_name"], export.group_separator)
            record["sheet"] = sheet_name
            records.append(record)
    columns = list(CODEBOOK_COLUMNS)
    if is_kobo:
        columns.append("group")
    if export.repeats:
        columns.append("sheet")
    return pd.DataFrame.from_records(records, columns=columns).astype("str")


_KEPT_KOBO_META = frozenset({"_id", "_uuid", "_submission_time", "_index"})


def _is_bookkeeping(header: str) -> bool:
    """Tool metadata a codebook usually drops (Kobo status, notes, version, repeat copies)."""
    kobo_meta = header in KOBO_META_COLUMNS and header not in _KEPT_KOBO_META
    return kobo_meta or header.startswith("_submission__")


def _template_block(
    file_name: str,
    frame: pd.DataFrame,
    *,
    separator: str,
    multiselect: Mapping[str, Sequence[str]],
) -> list[dict[str, str]]:
    taken: set[str] = set()
    records = []
    for column in frame.columns:
        values = frame[column].astype("str")
        label = str(column)
        if column in multiselect:
            kind, labels = "string", ""
            label = (
                f"{column} [multi-select, choices joined by ';': {', '.join(multiselect[column])}]"
            )
        else:
            kind, labels = _guess_type(column, values)
        if _is_bookkeeping(str(column)):
            kind, labels = "drop", ""
        elif column == "_parent_table_name":
            kind, labels = "string", ""
        name = _suggest_name(column, taken, separator)
        taken.add(name)
        records.append(
            {
                "file": file_name,
                "raw_name": column,
                "name": name,
                "type": kind,
                "label": label,
                "value_labels": labels,
                "scale": "",
                "reverse": "false",
                "min": "",
                "max": "",
                "missing_codes": "",
                "required": "true" if kind == "nip" else "false",
            }
        )
    return records


def _suggest_name(raw: str, taken: set[str], separator: str = "/") -> str:
    """A unique snake_case name from the last path component, more components on a clash."""
    groups = [s for s in str(raw).split(separator) if s.strip()][:-1]
    segments = [*groups, clean_header(raw, separator)]
    base = ""
    for depth in range(1, len(segments) + 1):
        base = _slug(" ".join(segments[-depth:]))
        if base not in taken:
            break
    name = base
    counter = 2
    while name in taken:
        suffix = f"_{counter}"
        name = base[: _MAX_NAME - len(suffix)].rstrip("_") + suffix
        counter += 1
    return name


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = _NUMBERING.sub("", ascii_text, count=1)
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).split()
    kept = [w for w in words if w not in _STOPWORDS] or words
    name = ""
    for w in kept:
        candidate = f"{name}_{w}" if name else w
        if len(candidate) > _MAX_NAME:
            if not name:
                name = w[:_MAX_NAME]
            break
        name = candidate
    if not name:
        name = "var"
    if not name[0].isalpha():
        name = f"q_{name}"[:_MAX_NAME].rstrip("_")
    return name


def _guess_type(header: str, series: pd.Series) -> tuple[str, str]:
    values = series.dropna()
    values = values[values.str.strip() != ""]
    key = _header_key(header)
    if key in _ID_HEADERS:
        return "id", ""
    if values.empty:
        return "string", ""
    digits = normalise_digits(values)
    if digits.str.fullmatch(r"\d{18}").fillna(False).mean() >= 0.8:
        return "nip", ""
    if key in _NAME_HEADERS or key.startswith(("nama ", "name ")):
        return "name", ""
    numbers, failed = parse_number(values)
    if not failed.any():
        whole = bool((numbers == numbers.round()).all())
        return ("integer" if whole else "number"), ""
    not_plain_number = failed
    dates, date_failed = parse_date(values[not_plain_number])
    if not_plain_number.mean() >= 0.9 and (~date_failed).mean() >= 0.9:
        has_time = bool((dates.dropna() != dates.dropna().dt.normalize()).any())
        return ("datetime" if has_time else "date"), ""
    scale = _guess_scale(values)
    if scale is not None:
        return "likert", KNOWN_SCALES[scale]
    distinct = list(dict.fromkeys(values.str.strip()))
    try:
        if all(parse_boolean(v) is not None for v in distinct) and len(distinct) <= 4:
            return "boolean", ""
    except ValueError:
        pass
    if len(distinct) <= _MAX_LABELS and len(values) > len(distinct):
        return "category", "|".join(f"{i}={v}" for i, v in enumerate(distinct, start=1))
    return "string", ""


def _guess_scale(values: pd.Series) -> str | None:
    """The known scale matching most answers (at least 90%); more points win a tie."""
    best_name: str | None = None
    best_key: tuple[float, int] | None = None
    for name, text in KNOWN_SCALES.items():
        labels = parse_value_labels(text)
        codes, _, _ = _match_values(values, _LabelMatcher(labels, synonyms=None, cutoff=0.85))
        share = sum(c is not None for c in codes) / len(codes)
        key = (share, len(labels))
        if share >= 0.9 and (best_key is None or key > best_key):
            best_name, best_key = name, key
    return best_name
