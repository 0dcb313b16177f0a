"""A starting codebook from a raw export, as iecodebook's template does.

The draft follows the data contract (:mod:`helpers.io.contract`): a header agencies' exports
commonly use (``NIP Baru``, ``Tgl. Lahir``, ``Jenis Kelamin``, ``Gol. Ruang``, ``Predikat``,
``Jumlah JP``...) gets the contract's clean name, type and value labels; a Likert question gets
the answer values seen, in the scale's order, with ``min`` and ``max``; and the ``note`` column
says what the template could not place or what to check. Coded interview exports (QualCoder,
Taguette, the project's own layout) need no codebook rows: :func:`codebook_template` says so,
and :func:`helpers.io.code_template.codes_template` drafts their ``codes.csv`` instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers.core.errors import CodebookError
from helpers.core.vocabulary import TABLE_KINDS
from helpers.io.code_template import interview_layout
from helpers.io.codebook import CODEBOOK_COLUMNS, KNOWN_SCALES
from helpers.io.contract import (
    contract,
    gender_code,
    header_key,
    normalise_golongan,
    required_names,
    suggest_name,
)
from helpers.io.export import KOBO_META_COLUMNS, Export
from helpers.io.labels import _LabelMatcher, _match_values, parse_boolean, parse_value_labels
from helpers.io.parsing import (
    normalise_digits,
    parse_date,
    parse_number,
)
from helpers.io.schemas import SKP_RATINGS
from helpers.io.sources import clean_header, header_group, read_export

__all__ = [
    "codebook_template",
    "guess_kind",
    "is_person_name_header",
    "TEMPLATE_COLUMNS",
]

TEMPLATE_COLUMNS = (*CODEBOOK_COLUMNS, "note")
"""The draft's columns (``group`` and ``sheet`` are inserted before ``note`` for KoboToolbox
exports): the codebook's, and ``note``, what the template could not place or wants checked
(information only: :func:`helpers.io.codebook.load_codebook` ignores it)."""


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
#: Headers of a person's name. "Nama X" is a name only when X is a person (pegawai, peserta,
#: responden...): "Nama Diklat", "Nama Unit Kerja" or "Nama Program" are titles, kept as text.
_NAME_HEADERS = frozenset({"nama", "name", "full name", "nama lengkap", "your name"})
_PERSON_WORDS = frozenset(
    [
        "pegawai",
        "peserta",
        "responden",
        "asn",
        "pns",
        "lengkap",
        "guru",
        "informan",
        "atasan",
        "penilai",
        "pejabat",
        "pemohon",
        "mentor",
        "pengisi",
        "karyawan",
        "staf",
        "siswa",
        "murid",
        "pelanggan",
        "narasumber",
    ]
)
_TITLE_WORDS = frozenset(
    [
        "diklat",
        "pelatihan",
        "kursus",
        "program",
        "kegiatan",
        "unit",
        "opd",
        "instansi",
        "dinas",
        "jabatan",
        "sekolah",
        "bidang",
        "satuan",
        "kerja",
        "kantor",
        "lembaga",
        "badan",
        "organisasi",
        "mata",
        "materi",
        "modul",
        "proyek",
        "project",
        "course",
        "training",
        "unor",
    ]
)
_ID_HEADERS = {"_id", "_uuid", "_index", "id", "uuid", "meta/instanceid", "instanceid"}
_MAX_NAME = 32
_MAX_LABELS = 20
_SCALE_SHARE = 0.9


def codebook_template(
    path: str | Path, *, sheet: str | int | None = None, kind: str | None = None
) -> pd.DataFrame:
    """Draft a codebook from a raw file: one row per column, to be checked and edited.

    Parameters
    ----------
    path : str or Path
        The raw CSV or XLSX file: a plain table, or a KoboToolbox or Google Forms export
        (recognised by :func:`helpers.io.sources.read_export`).
    sheet : str or int, optional
        XLSX sheet of the main table (default: the first; for a Google Forms workbook its
        responses sheet). KoboToolbox repeat sheets are always included.
    kind : str, optional
        The registry's table kind of the file (``roster``, ``training``, ``skp``, ``survey``,
        ...); default :func:`guess_kind`. The clean names are proposed from that kind's data
        contract.

    Returns
    -------
    pandas.DataFrame
        :data:`TEMPLATE_COLUMNS`, all text: ``file`` = the file name, ``raw_name`` as written,
        ``label`` = the header, a suggested ``name``, a guessed ``type``, ``value_labels`` and
        ``min``/``max`` where they follow from the answers, ``required`` true for the
        contract's required names, and a ``note`` where something needs the user (a column the
        contract does not place, answers a scale does not cover, a value the contract does not
        know).

        A KoboToolbox export adds ``group`` (the header's group path) and, when it has repeat
        sheets, ``sheet`` (one block per sheet, the main table first).

    Raises
    ------
    CodebookError
        The file is a coded-interview export (QualCoder, Taguette, the project's layout):
        those need no codebook rows (the message says what to do instead), or ``kind`` is not
        a table kind.

    Notes
    -----
    Names: a header the contract knows (:func:`helpers.io.contract.suggest_name`, e.g.
    ``NIP Baru`` -> ``nip``, ``Tgl. Lahir`` -> ``birth_date``, ``Gol. Ruang`` -> ``golongan``)
    gets the contract's name and type: ``gender`` a ``category`` mapping the values seen to
    ``M``/``F``, ``rating`` the five SKP predikat coded 1-5, text columns ``string``. Other
    headers get a snake_case name from the header (ASCII, question numbering and filler words
    removed, at most 32 characters at a word boundary, unique).

    Types, on the non-missing values: ``nip`` if 80% are 18-digit strings; ``name`` only for
    a person's name (``Nama``, ``Nama Lengkap``, ``Nama Pegawai``; never ``Nama Diklat`` or
    ``Nama Unit``); ``id`` for tool ids; ``integer``/``number`` if every value is a number;
    ``date``/``datetime`` if 90% parse as dates; ``likert`` if 90% of the answers match one
    known scale (:data:`KNOWN_SCALES`); ``boolean`` for ya/tidak; ``category`` for at most 20
    distinct values that repeat; ``string`` otherwise.

    Likert scales: the scale chosen covers the answers with the fewest labels nobody chose
    (so four answers of the agreement scale give the 4-point scale, not the 5-point one with
    a gap), and the questions of one file that share a scale family share its points (a
    5-point question where nobody chose "Netral" follows its neighbours). ``value_labels``
    are the scale's labels in order, ``min`` 1 and ``max`` the number of points; the note
    lists the answers seen and asks for ``scale`` and the ``<scale>_<k>`` name.
    """
    path = Path(path)
    if kind is not None and kind not in TABLE_KINDS:
        raise CodebookError(path, f"unknown kind {kind!r}; expected one of {TABLE_KINDS}")
    layout = interview_layout(path, sheet=sheet if isinstance(sheet, str) else None)
    if layout is not None:
        raise CodebookError(
            path,
            f"this is a {layout} export of coded interview segments: it needs no codebook.csv "
            "rows. List it in config/regions.yaml as kind 'codes'"
            + (f" with source: {layout}" if layout in ("qualcoder", "taguette") else "")
            + ", map its file/case variables with columns: {informant_role: ..., method: ...}, "
            "and draft its codes.csv with `python -m helpers.codebook template` (it writes "
            "one for such a file)",
        )
    export = read_export(path, sheet=sheet)
    if export.source in ("kobotoolbox", "google_forms"):
        chosen = kind or "survey"
        out = _tool_template(path.name, export, chosen)
    else:
        chosen = kind or guess_kind(export.main)
        records = _template_block(path.name, export.main, chosen, separator="/", multiselect={})
        out = pd.DataFrame.from_records(records, columns=list(TEMPLATE_COLUMNS)).astype("str")
    out.attrs["kind"] = chosen
    return out


def guess_kind(frame: pd.DataFrame) -> str:
    """The table kind whose contract the headers fit best (``survey`` when none fits).

    A kind scores the share of its required names (nip aside) the headers give; ties go to
    the kind listed first. Likert-looking questions make it a survey.

    Examples
    --------
    >>> guess_kind(pd.DataFrame(columns=["NIP Baru", "Tahun", "Predikat"]))
    'skp'
    >>> guess_kind(pd.DataFrame(columns=["NIP", "Nama Diklat", "Tanggal Mulai", "Jumlah JP"]))
    'training'
    """
    names = {suggest_name(c) for c in frame.columns} - {None}
    best, best_score = "survey", 0.0
    for kind in ("roster", "training", "skp", "rollout"):
        wanted = [n for n in required_names(kind) if n != "nip"]
        if kind == "skp":
            wanted = ["year", "score" if "score" in names else "rating"]
        score = sum(n in names for n in wanted) / len(wanted) if wanted else 0.0
        if kind == "rollout" and "nip" in names:
            score = 0.0
        if score > best_score and score >= 0.5:
            best, best_score = kind, score
    return best


def _tool_template(file_name: str, export: Export, kind: str) -> pd.DataFrame:
    separator = export.group_separator or "/"
    is_kobo = export.source == "kobotoolbox"
    blocks = [("", export.as_table())] + list(export.repeats.items())
    records: list[dict[str, str]] = []
    for sheet_name, frame in blocks:
        for record in _template_block(
            file_name, frame, kind, separator=separator, multiselect=export.multiselect
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
    columns.append("note")
    return pd.DataFrame.from_records(records, columns=columns).astype("str")


_KEPT_KOBO_META = frozenset({"_id", "_uuid", "_submission_time", "_index"})


def _is_bookkeeping(header: str) -> bool:
    """Tool metadata a codebook usually drops (Kobo status, notes, version, repeat copies)."""
    kobo_meta = header in KOBO_META_COLUMNS and header not in _KEPT_KOBO_META
    return kobo_meta or header.startswith("_submission__")


def _template_block(
    file_name: str,
    frame: pd.DataFrame,
    kind: str,
    *,
    separator: str,
    multiselect: Mapping[str, Sequence[str]],
) -> list[dict[str, str]]:
    taken: set[str] = set()
    contract_of = {c.name: c for c in contract(kind) if not c.made_by}
    scales = _pooled_scales(frame, multiselect)
    records = []
    for column in frame.columns:
        values = frame[column].astype("str")
        header = clean_header(str(column), separator)
        label = str(column)
        note = ""
        bounds = ("", "")
        placed = suggest_name(header, kind) or suggest_name(column, kind)
        if placed in taken:
            placed = None
        if column in multiselect:
            kind_of, labels = "string", ""
            label = (
                f"{column} [multi-select, choices joined by ';': {', '.join(multiselect[column])}]"
            )
        elif column in scales:
            kind_of, labels, bounds, note = scales[column]
        else:
            kind_of, labels = _guess_type(column, values)
        if _is_bookkeeping(str(column)):
            kind_of, labels, placed = "drop", "", None
        elif column == "_parent_table_name":
            kind_of, labels = "string", ""
        if placed is None and kind_of == "name" and "name" not in taken:
            placed_name = "name"  # a person's name: used to mask free text, then dropped
        else:
            placed_name = None
        if placed is not None:
            kind_of, labels, bounds, note = _contract_column(
                placed, contract_of[placed].types, kind_of, labels, values
            )
            name = placed
        elif placed_name is not None:
            name = placed_name
        else:
            name = _suggest_name(column, taken, separator)
            note = note or _unplaced_note(kind, kind_of, column)
        taken.add(name)
        records.append(
            {
                "file": file_name,
                "raw_name": column,
                "name": name,
                "type": kind_of,
                "label": label,
                "value_labels": labels,
                "scale": "",
                "reverse": "false",
                "min": bounds[0],
                "max": bounds[1],
                "missing_codes": "",
                "required": "true"
                if kind_of == "nip" or (placed and contract_of[placed].required)
                else "false",
                "note": note,
            }
        )
    missing = [n for n in required_names(kind) if n not in taken]
    if missing and records:
        records[0]["note"] = "; ".join(
            p
            for p in (
                records[0]["note"],
                f"the {kind} contract needs {', '.join(missing)}: no header was recognised "
                "for it; name the right column so (python -m helpers.codebook contract "
                f"{kind})",
            )
            if p
        )
    return records


def _unplaced_note(kind: str, kind_of: str, column: object) -> str:
    if kind_of in ("drop", "name", "nip", "id"):
        return ""
    if kind == "survey":
        if kind_of in ("integer", "number"):
            return (
                "answers are numbers: if they are points on a rating scale, type likert with "
                "min and max (and scale)"
            )
        return ""
    return (
        f"not placed: no name of the {kind} contract matches {str(column)!r}; keep this name "
        "if you need the column, else type drop"
    )


def _contract_column(
    name: str, types: tuple[str, ...], guessed: str, labels: str, values: pd.Series
) -> tuple[str, str, tuple[str, str], str]:
    """Type, value labels, (min, max) and note of a column the contract places."""
    present = values.dropna()
    present = present[present.str.strip() != ""]
    if name == "gender":
        return _gender_labels(present)
    if name == "rating":
        return _rating_labels(present)
    if name == "golongan":
        _, failed = normalise_golongan(present)
        bad = list(dict.fromkeys(present[failed.to_numpy()].str.strip()))
        note = (
            f"values that are not a golongan I/a ... IV/e: {', '.join(map(repr, bad[:5]))}"
            if bad
            else ""
        )
        return "string", "", ("", ""), note
    if name == "jp":
        return ("integer" if guessed == "integer" else "number"), "", ("0", ""), ""
    if name == "score":
        return "number", "", ("0", "100"), ""
    if name == "year":
        note = "" if guessed == "integer" else "the years are not plain numbers: check them"
        return "integer", "", ("", ""), note
    if guessed in types:
        if guessed == "category" and "string" in types:
            return "string", "", ("", ""), ""  # text, never numbered codes
        return guessed, labels, ("", ""), ""
    wanted = types[0] if types else guessed
    note = ""
    if guessed not in ("string", "category") and wanted in ("date", "datetime", "integer"):
        note = f"the values look like {guessed}, the contract needs {wanted}: check them"
    if wanted in ("date", "datetime") and guessed in ("date", "datetime"):
        note = ""
    return wanted, "", ("", ""), note


def _gender_labels(values: pd.Series) -> tuple[str, str, tuple[str, str], str]:
    counts = Counter(values.str.strip())
    by_code: dict[str, list[str]] = {"M": [], "F": []}
    unknown = []
    for value, _ in counts.most_common():
        code = gender_code(value)
        if code is None:
            unknown.append(value)
        else:
            by_code[code].append(value)
    parts = [f"{code}={forms[0]}" for code, forms in by_code.items() if forms]
    labels = "|".join(parts) if parts else "M=Laki-laki|F=Perempuan"
    notes = []
    if unknown:
        notes.append(f"values not read as M or F: {', '.join(map(repr, unknown[:5]))}")
    extra = [f for forms in by_code.values() for f in forms[1:]]
    if extra:
        notes.append(
            f"other spellings seen ({', '.join(map(repr, extra[:5]))}) need a correction or "
            "one spelling"
        )
    return "category", labels, ("", ""), "; ".join(notes)


def _rating_labels(values: pd.Series) -> tuple[str, str, tuple[str, str], str]:
    labels = "|".join(f"{i}={r}" for i, r in enumerate(SKP_RATINGS, start=1))
    matcher = _LabelMatcher(parse_value_labels(labels), synonyms=None, cutoff=0.85)
    codes, _, _ = _match_values(values, matcher)
    unknown = list(dict.fromkeys(v for v, c in zip(values, codes, strict=True) if c is None))
    note = (
        f"values that are no SKP predikat of PermenPANRB 6/2022: {', '.join(map(repr, unknown[:5]))}"
        if unknown
        else ""
    )
    return "category", labels, ("", ""), note


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


def is_person_name_header(header: object) -> bool:
    """True for the header of a person's name (``Nama``, ``Nama Pegawai``), False for a
    title (``Nama Diklat``, ``Nama Unit Kerja``, ``Nama Program``).

    Examples
    --------
    >>> [is_person_name_header(h) for h in ["Nama", "Nama Lengkap", "Nama Diklat", "Nama OPD"]]
    [True, True, False, False]
    """
    key = header_key(header)
    if key in _NAME_HEADERS:
        return True
    words = key.split()
    if not words or words[0] not in ("nama", "name"):
        return False
    rest = set(words[1:])
    return bool(rest & _PERSON_WORDS) and not rest & _TITLE_WORDS


def _guess_type(header: str, series: pd.Series) -> tuple[str, str]:
    values = series.dropna()
    values = values[values.str.strip() != ""]
    key = " ".join(str(header).casefold().split())
    if key in _ID_HEADERS:
        return "id", ""
    if values.empty:
        return "string", ""
    digits = normalise_digits(values)
    if digits.str.fullmatch(r"\d{18}").fillna(False).mean() >= 0.8:
        return "nip", ""
    if is_person_name_header(header):
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
    distinct = list(dict.fromkeys(values.str.strip()))
    try:
        if all(parse_boolean(v) is not None for v in distinct) and len(distinct) <= 4:
            return "boolean", ""
    except ValueError:
        pass
    if len(distinct) <= _MAX_LABELS and len(values) > len(distinct):
        return "category", "|".join(f"{i}={v}" for i, v in enumerate(distinct, start=1))
    return "string", ""


# --------------------------------------------------------------------------------------------
# Likert scales
# --------------------------------------------------------------------------------------------


def _scale_fit(values: pd.Series, name: str) -> tuple[float, set[int]]:
    """The share of answers a known scale matches, and the codes chosen."""
    labels = parse_value_labels(KNOWN_SCALES[name])
    codes, _, _ = _match_values(values, _LabelMatcher(labels, synonyms=None, cutoff=0.85))
    if not codes:
        return 0.0, set()
    return sum(c is not None for c in codes) / len(codes), {c for c in codes if c is not None}


def _best_scale(values: pd.Series) -> str | None:
    """The known scale that covers at least 90% of the answers with the fewest labels nobody
    chose; then the higher share; then more points."""
    best: tuple[tuple[int, float, int], str] | None = None
    for name in KNOWN_SCALES:
        share, seen = _scale_fit(values, name)
        if share < _SCALE_SHARE:
            continue
        points = len(parse_value_labels(KNOWN_SCALES[name]))
        key = (-(points - len(seen)), share, points)
        if best is None or key > best[0]:
            best = (key, name)
    return None if best is None else best[1]


def _answers(series: pd.Series) -> pd.Series:
    values = series.dropna().astype("str")
    return values[values.str.strip() != ""]


def _pooled_scales(
    frame: pd.DataFrame, multiselect: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, str, tuple[str, str], str]]:
    """Likert columns: (type, value_labels, (min, max), note), scales pooled by family."""
    chosen: dict[str, str] = {}
    for column in frame.columns:
        if column in multiselect or _is_bookkeeping(str(column)):
            continue
        values = _answers(frame[column])
        if values.empty:
            continue
        if not parse_number(values)[1].any():
            continue  # plain numbers: not a labelled scale
        name = _best_scale(values)
        if name is not None:
            chosen[column] = name
    families: dict[str, list[str]] = {}
    for column, name in chosen.items():
        families.setdefault(name.rsplit("_", 1)[0], []).append(column)
    out = {}
    for columns in families.values():
        pooled = pd.concat([_answers(frame[c]) for c in columns], ignore_index=True)
        family_scale = _best_scale(pooled)
        for column in columns:
            name = family_scale or chosen[column]
            out[column] = _likert_row(_answers(frame[column]), name)
    return out


def _likert_row(values: pd.Series, name: str) -> tuple[str, str, tuple[str, str], str]:
    text = KNOWN_SCALES[name]
    labels = parse_value_labels(text)
    matcher = _LabelMatcher(labels, synonyms=None, cutoff=0.85)
    codes, _, _ = _match_values(values, matcher)
    counts = Counter(c for c in codes if c is not None)
    seen = ", ".join(f"{labels[c]} ({counts[c]})" for c in sorted(counts))
    unmatched = Counter(v for v, c in zip(values, codes, strict=True) if c is None)
    notes = [f"scale {name}: answers seen {seen}"]
    never = [f"{c}={labels[c]}" for c in labels if c not in counts]
    if never:
        notes.append(f"never chosen: {', '.join(never)}")
    if unmatched:
        shown = ", ".join(f"{v!r} ({n})" for v, n in unmatched.most_common(5))
        notes.append(f"answers no label matches: {shown} (add them to missing_codes or fix)")
    notes.append("set `scale` and name the item <scale>_<k>; reverse true if worded negatively")
    return "likert", text, ("1", str(len(labels))), "; ".join(notes)
