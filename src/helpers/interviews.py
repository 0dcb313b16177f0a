"""Interview and focus-group codes: read coded segments, clean the codes, summarise into findings.

Layer 3 (an analysis step). Researchers code transcripts in QualCoder, Taguette or a spreadsheet
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
   (:func:`helpers.reliability.code_agreement`).
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

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd

from helpers.deidentify import escape_html, mask_series
from helpers.errors import CodebookError, InputFileError
from helpers.reading import read_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "Layout",
    "CoderChoice",
    "UnitBasis",
    "SEGMENT_COLUMNS",
    "KINDS",
    "ALL_ROLES",
    "DEFAULT_PROJECT_COLUMNS",
    "FINDINGS_COLUMNS",
    "CodeCodebook",
    "CodeResult",
    "normalise_label",
    "read_coded_segments",
    "attach_transcript_info",
    "load_code_codebook",
    "normalise_codes",
    "agreement_by_code",
    "code_frequencies",
    "cooccurrence",
    "cooccurrence_heatmap",
    "representative_quotes",
    "qualitative_findings",
]

# ----------------------------------------------------------------------------------------------
# Options and constants
# ----------------------------------------------------------------------------------------------

Layout = Literal["auto", "project", "qualcoder", "taguette"]
CoderChoice = Literal["primary", "all"]
UnitBasis = Literal["auto", "segment", "quote"]

#: The project's coded-segment columns, in order (ARCHITECTURE.md).
SEGMENT_COLUMNS: tuple[str, ...] = (
    "transcript",
    "segment",
    "informant_role",
    "method",
    "coder",
    "code",
    "quote",
)
#: Columns a ``columns=`` mapping may target: the segment columns, QualCoder's category path and
#: an optional anonymised informant id (used for counting informants when present).
_TARGETS: tuple[str, ...] = (*SEGMENT_COLUMNS, "category", "informant")

#: The kinds of finding a code can stand for.
KINDS: tuple[str, ...] = ("challenge", "achievement", "recommendation", "context")
_KIND_ALIASES: Mapping[str, str] = {
    "tantangan": "challenge",
    "kendala": "challenge",
    "hambatan": "challenge",
    "capaian": "achievement",
    "pencapaian": "achievement",
    "keberhasilan": "achievement",
    "rekomendasi": "recommendation",
    "saran": "recommendation",
    "konteks": "context",
}
_LEVELS = (1, 2, 3, 4)

#: ``informant_role`` value of the all-roles total rows of :func:`code_frequencies`.
ALL_ROLES = "semua"

#: Default header mapping of the project layout: the Indonesian headers and the clean names.
DEFAULT_PROJECT_COLUMNS: Mapping[str, str] = {
    "Transkrip": "transcript",
    "Segmen": "segment",
    "Peran Informan": "informant_role",
    "Metode": "method",
    "Pengkode": "coder",
    "Kode": "code",
    "Kutipan": "quote",
    **{name: name for name in SEGMENT_COLUMNS},
}
_PROJECT_REQUIRED = ("transcript", "segment", "code")

_QUALCODER_STANDARD: Mapping[str, str] = {
    "file": "transcript",
    "file/case": "transcript",
    "filename": "transcript",
    "coder": "coder",
    "coded": "quote",
    "id": "segment",
    "codename": "code",
}
_QUALCODER_NON_TEXT_ID = re.compile(r"^(?:imid|avid):\d+$")
_QUALCODER_ID = re.compile(r"^(?:ctid|imid|avid):\d+$")
_TAGUETTE_STANDARD: Mapping[str, str] = {
    "id": "segment",
    "document": "transcript",
    "tag": "code",
    "content": "quote",
}

_METHODS: Mapping[str, str] = {
    "wawancara": "wawancara",
    "wawancara mendalam": "wawancara",
    "interview": "wawancara",
    "in depth interview": "wawancara",
    "indepth interview": "wawancara",
    "fgd": "fgd",
    "focus group": "fgd",
    "focus group discussion": "fgd",
    "diskusi kelompok terarah": "fgd",
    "diskusi kelompok": "fgd",
}

_CODEBOOK_COLUMNS = ("code", "label", "definition", "theme", "kind", "level", "synonyms")
_CODEBOOK_REQUIRED = ("code", "label", "theme", "kind")
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_PATH_SEPARATORS = re.compile(r"\s*(?:>|/|\\|::|\.)\s*")
_SEP = "\x1f"  # joins parts of an internal key (transcript + segment)

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
    "suppressed",
)
_LOG_COLUMNS = ("step", "table", "file", "row", "column", "old_value", "new_value", "reason")


def _check_option(name: str, value: object, options: Any) -> None:
    """Raise unless ``value`` is one of the values of the ``Literal`` ``options``."""
    allowed = get_args(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(allowed)}, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")


def _check_frame(data: object, name: str, required: Iterable[str] = ()) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(data.columns)}")


def _is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


# ----------------------------------------------------------------------------------------------
# Label normalisation
# ----------------------------------------------------------------------------------------------


def normalise_label(text: str) -> str:
    """Normalise a code label for matching: accents removed, case folded, punctuation unified.

    Underscores, hyphens, dots and every other punctuation mark become a space; runs of
    whitespace collapse to one space; the ends are stripped.

    Examples
    --------
    >>> normalise_label(" SUMBER-DAYA ")
    'sumber daya'
    >>> normalise_label("Sumber_Daya")
    'sumber daya'
    >>> normalise_label("Kéterbatasan   Anggaran!")
    'keterbatasan anggaran'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _slug(text: str) -> str:
    return normalise_label(text).replace(" ", "_")


# ----------------------------------------------------------------------------------------------
# Raw reading (CSV with short rows and repeated headers, XLSX)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RawTable:
    """Cells as written: header, data rows (not padded), and where they came from."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    sheet: str | None = None

    @property
    def is_csv(self) -> bool:
        return self.sheet is None


def _header_key(name: object) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).casefold()


def _cell_text(value: object) -> str | None:
    """An XLSX cell as text: integral numbers without ``.0``, dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_table_raw(path: str | Path, *, sheet: str | None = None) -> _RawTable:
    """Read a table with :func:`helpers.reading.read_table` (encoding, delimiter, checks)."""
    frame = read_table(path, sheet=sheet)
    rows = tuple(
        tuple(None if _is_missing(v) else str(v) for v in row)
        for row in frame.itertuples(index=False, name=None)
    )
    return _RawTable(Path(path), tuple(str(c) for c in frame.columns), rows, sheet=sheet)


def _read_raw(path: str | Path, *, sheet: str | None = None) -> _RawTable:
    """Read a CSV or XLSX file into cells, without interpreting them.

    Used to recognise the layout and to read QualCoder reports, whose ``Category`` header
    repeats and whose CSV rows must be read at their written length (see
    :func:`read_coded_segments`); :func:`helpers.reading.read_table` refuses the first and pads
    the second away. The other layouts are then read with ``read_table``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    suffix = path.suffix.casefold()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _read_csv(path)
    raise InputFileError(path, f"unsupported file type {path.suffix!r}; expected .csv or .xlsx")


def _read_csv(path: Path) -> _RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(path, "the file is empty; expected a header row and data rows")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputFileError(path, f"not a readable CSV file ({exc})") from exc
    header = tuple(cell.replace("\ufeff", "") for cell in rows[0])
    body = tuple(tuple(cell if cell != "" else None for cell in row) for row in rows[1:])
    return _RawTable(path, header, body)


def _read_xlsx(path: Path, sheet: str | None) -> _RawTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise InputFileError(path, f"cannot open the workbook: {exc}") from exc
    try:
        if sheet is None:
            name = "highlights" if "highlights" in workbook.sheetnames else workbook.sheetnames[0]
        elif sheet in workbook.sheetnames:
            name = sheet
        else:
            raise InputFileError(
                path, f"no such sheet; the workbook has {workbook.sheetnames}", sheet=sheet
            )
        worksheet = workbook[name]
        worksheet.reset_dimensions()
        cells = [tuple(_cell_text(v) for v in row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not cells or not any(c is not None for c in cells[0]):
        raise InputFileError(path, "the sheet is empty; expected a header in row 1", sheet=name)
    header = tuple("" if c is None else c for c in cells[0])
    while header and header[-1] == "":
        header = header[:-1]
    return _RawTable(path, header, tuple(cells[1:]), sheet=name)


# ----------------------------------------------------------------------------------------------
# Coded segments
# ----------------------------------------------------------------------------------------------


def _detect_layout(header: Sequence[str]) -> str:
    keys = [_header_key(h) for h in header]
    present = set(keys)
    if {"coder", "coded", "id", "codename"} <= present and keys[0] in {"file", "file/case", "case"}:
        return "qualcoder"
    if {"document", "tag", "content"} <= present:
        return "taguette"
    return "project"


def _check_mapping(columns: Mapping[str, str] | None) -> dict[str, str]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"columns must be a mapping of raw header to name, got {type(columns).__name__}"
        )
    bad = {k: v for k, v in columns.items() if v not in _TARGETS}
    if bad:
        raise ValueError(f"columns maps to unknown names {bad}; allowed names are {list(_TARGETS)}")
    return {str(k): str(v) for k, v in columns.items()}


def _resolve_columns(
    raw: _RawTable, mapping: Mapping[str, str], *, overrides: Mapping[str, str] = ()
) -> dict[str, int]:
    """Map target names to header positions; ``overrides`` (the caller's) win over ``mapping``."""
    wanted = {_header_key(k): v for k, v in mapping.items()}
    wanted.update({_header_key(k): v for k, v in dict(overrides).items()})
    found: dict[str, int] = {}
    for position, name in enumerate(raw.header):
        target = wanted.get(_header_key(name))
        if target is None:
            continue
        if target in found:
            first = raw.header[found[target]]
            raise InputFileError(
                raw.path,
                f"both {first!r} and {name!r} map to {target!r}; map only one of them",
                column=name,
                sheet=raw.sheet,
            )
        found[target] = position
    unknown = [k for k in dict(overrides) if _header_key(k) not in map(_header_key, raw.header)]
    if unknown:
        raise InputFileError(
            raw.path,
            f"columns= names header(s) {unknown} that the file does not have; "
            f"its headers are {list(raw.header)}",
            sheet=raw.sheet,
        )
    return found


def _cell(row: Sequence[str | None], position: int | None) -> str | None:
    if position is None or position >= len(row):
        return None
    return row[position]


def _records_from_positions(raw: _RawTable, positions: Mapping[str, int]) -> list[dict[str, Any]]:
    records = []
    for number, row in enumerate(raw.rows, start=1):
        if not any(c is not None and str(c).strip() for c in row):
            continue
        record = {target: _cell(row, pos) for target, pos in positions.items()}
        record["row"] = number
        records.append(record)
    return records


def _parse_project(raw: _RawTable, columns: Mapping[str, str]) -> tuple[list[dict], list[str]]:
    positions = _resolve_columns(raw, DEFAULT_PROJECT_COLUMNS, overrides=columns)
    for target in _PROJECT_REQUIRED:
        if target not in positions:
            expected = [k for k, v in {**DEFAULT_PROJECT_COLUMNS, **columns}.items() if v == target]
            raise InputFileError(
                raw.path,
                f"no column for {target!r}: expected a header among {expected}, or map one "
                f"with columns=; the headers are {list(raw.header)}",
                column=expected[0],
                sheet=raw.sheet,
            )
    return _records_from_positions(raw, positions), []


def _parse_taguette(raw: _RawTable, columns: Mapping[str, str]) -> tuple[list[dict], list[str]]:
    keys = [_header_key(h) for h in raw.header]
    for name in _TAGUETTE_STANDARD:
        if name not in keys:
            raise InputFileError(
                raw.path,
                f"Taguette highlights export without an {name!r} column; expected the headers "
                f"id, document, tag, content; found {list(raw.header)}",
                column=name,
                sheet=raw.sheet,
            )
    positions = _resolve_columns(raw, _TAGUETTE_STANDARD, overrides=columns)
    notes = []
    records = _records_from_positions(raw, positions)
    n_untagged = sum(_is_missing(r.get("code")) or not str(r["code"]).strip() for r in records)
    if n_untagged:
        notes.append(
            f"{n_untagged} highlight(s) without a tag kept with code missing (code_status "
            "'uncoded' after normalise_codes)"
        )
    return records, notes


def _parse_qualcoder(raw: _RawTable, columns: Mapping[str, str]) -> tuple[list[dict], list[str]]:
    keys = [_header_key(h) for h in raw.header]
    by_case = keys[0] == "case"
    fixed = (["case", "filename"] if by_case else [keys[0]]) + [
        "coder",
        "coded",
        "id",
        "codename",
        "coded_memo",
    ]
    for position, expected in enumerate(fixed):
        if position >= len(keys) or keys[position] != expected:
            found = raw.header[position] if position < len(keys) else "(nothing)"
            raise InputFileError(
                raw.path,
                f"QualCoder coding report: expected column {position + 1} to be {expected!r}, "
                f"found {found!r}",
                column=found,
                sheet=raw.sheet,
            )
    base = len(fixed)
    n_categories = 0
    while base + n_categories < len(keys) and keys[base + n_categories] == "category":
        n_categories += 1
    variables = list(raw.header[base + n_categories :])
    n_vars = len(variables)
    standard = {
        h: _QUALCODER_STANDARD[k]
        for h, k in zip(raw.header[:base], keys[:base], strict=True)
        if k in _QUALCODER_STANDARD
    }
    targets = {
        **{_header_key(k): v for k, v in standard.items()},
        **{_header_key(k): v for k, v in columns.items()},
    }
    known = set(keys)
    unknown = [k for k in columns if _header_key(k) not in known]
    if unknown:
        raise InputFileError(
            raw.path,
            f"columns= names header(s) {unknown} that the file does not have; its headers are "
            f"{list(raw.header)}",
            sheet=raw.sheet,
        )

    records = []
    realigned = 0
    for number, row in enumerate(raw.rows, start=1):
        cells = list(row)
        while len(cells) > len(raw.header) and _is_missing(cells[-1]):
            cells.pop()
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if len(cells) > len(raw.header):
            raise InputFileError(
                raw.path,
                f"the row has {len(cells)} cells but the header only {len(raw.header)}",
                row=number,
                sheet=raw.sheet,
            )
        if raw.is_csv and n_vars:
            # QualCoder's CSV writer puts the variables right after *this row's* categories.
            k = len(cells) - base - n_vars
            if k < 0:
                raise InputFileError(
                    raw.path,
                    f"the row has {len(cells)} cells, fewer than the {base} fixed columns and "
                    f"{n_vars} variable(s) of the header",
                    row=number,
                    sheet=raw.sheet,
                )
            realigned += k != n_categories
            categories = cells[base : base + k]
            values = cells[base + k :]
        else:
            cells += [None] * (len(raw.header) - len(cells))
            categories = cells[base : base + n_categories]
            values = cells[base + n_categories :]
        by_header = dict(zip(keys[:base], cells[:base], strict=True))
        by_header.update(zip(map(_header_key, variables), values, strict=True))
        record: dict[str, Any] = {target: by_header.get(key) for key, target in targets.items()}
        record["category"] = " > ".join(c.strip() for c in categories if c and c.strip()) or None
        segment = record.get("segment")
        if segment and _QUALCODER_NON_TEXT_ID.match(segment.strip()):
            record["quote"] = None  # "image" or "a/v": no text to quote
        record["row"] = number
        records.append(record)
    notes = []
    if realigned:
        notes.append(
            f"{realigned} row(s) of this QualCoder CSV have fewer categories than the deepest "
            "path; their FileVar_/CaseVar_ values were read from the end of the row (the CSV "
            "writer places them straight after the row's own categories)"
        )
    return records, notes


def _finish_segments(records: list[dict[str, Any]], extra: Iterable[str]) -> pd.DataFrame:
    """Records -> the project layout, text cleaned, missing columns filled with NA."""
    columns = [*SEGMENT_COLUMNS, "category", *extra, "row"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    out = {}
    for name in columns[:-1]:
        values = []
        for value in frame[name].tolist():
            text = None if _is_missing(value) else str(value).strip()
            values.append(text if text else None)
        out[name] = pd.Series(values, dtype="str")
    out["row"] = frame["row"].astype("int64")
    result = pd.DataFrame(out)
    result["method"] = result["method"].map(_normalise_method).astype("str")
    return result


def read_coded_segments(
    path: str | Path,
    *,
    layout: Layout = "auto",
    columns: Mapping[str, str] | None = None,
    coder: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read coded segments from a spreadsheet, a QualCoder report or a Taguette export.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    layout : {"auto", "project", "qualcoder", "taguette"}, default "auto"
        ``"auto"`` recognises the layout from the header: QualCoder's coding report starts with
        ``File`` (or ``Case, Filename``) and has ``Coder, Coded, Id, Codename``; Taguette's
        highlights export has ``document, tag, content``; anything else is the project layout.
    columns : mapping of str to str, optional
        Raw header -> clean name (one of the segment columns, ``category`` or ``informant``).
        For the project layout it is added to :data:`DEFAULT_PROJECT_COLUMNS` (the caller's
        entries win). For QualCoder it names the variable that holds the informant's role
        or the method, e.g. ``{"CaseVar_peran": "informant_role", "FileVar_metode": "method"}``.
        Headers are matched ignoring case and extra spaces. Unmapped columns are dropped (they
        may hold names).
    coder : str, optional
        Coder id written where the file has none (Taguette exports never have one).
    sheet : str, optional
        XLSX sheet; default ``highlights`` if the workbook has it, else the first sheet.

    Returns
    -------
    pandas.DataFrame
        One row per (segment, coder, code): ``transcript, segment, informant_role, method,
        coder, code, quote, category`` (text, missing as NA), ``informant`` if mapped, and
        ``row`` (1-based data row of the file, header excluded; a Taguette content spanning
        several lines is one row). ``attrs`` holds ``source`` (the path), ``layout`` and
        ``notes`` (list of str: what the reader had to interpret).

    Raises
    ------
    helpers.errors.InputFileError
        Missing or unreadable file, unknown sheet, a required column missing (naming it), two
        headers mapped to one name, a row longer than the header (naming the row).

    Notes
    -----
    QualCoder (Report > Coding reports > export): ``transcript`` = ``File`` (``Filename`` in
    the by-case report), ``coder`` = ``Coder``, ``quote`` = ``Coded`` (missing for image and
    audio/video codings, whose cell holds ``image``/``a/v``), ``segment`` = ``Id``
    (``ctid:<n>``: one coding, not a passage shared between coders), ``code`` = ``Codename``;
    the ``Category`` cells (leaf to root) are joined with ``" > "`` into ``category``.
    ``informant_role`` and ``method`` are missing unless ``columns`` names a ``FileVar_``/
    ``CaseVar_`` column. Rows may be shorter than the header. In the CSV (not the XLSX) a row
    with fewer categories than the deepest path has its variable values shifted left, under
    ``Category`` headers; since QualCoder writes every variable for every row, the values are
    the *last* cells of the row, and they are read from there (``attrs["notes"]`` says how
    many rows were realigned). A CSV edited by hand after export may break this rule.

    Taguette (highlights CSV or XLSX): ``segment`` = ``id`` (as text; repeated when a highlight
    has several tags, giving one row per tag), ``transcript`` = ``document``, ``code`` =
    ``tag`` (the full path, e.g. ``tantangan.sumber_daya``), ``quote`` = ``content``. A
    highlight without a tag is kept with ``code`` missing. Role and method are missing: add
    them with :func:`attach_transcript_info`.

    ``method`` values are unified to ``wawancara`` / ``fgd`` where recognised (``Interview``,
    ``FGD``, ``Diskusi Kelompok Terarah``, ...), else lower-cased.
    """
    _check_option("layout", layout, Layout)
    mapping = _check_mapping(columns)
    if coder is not None and not isinstance(coder, str):
        raise TypeError(f"coder must be a string, got {type(coder).__name__}")
    raw = _read_raw(path, sheet=sheet)
    if not raw.header or not any(h.strip() for h in raw.header):
        raise InputFileError(raw.path, "no header row found", row=None, sheet=raw.sheet)
    chosen = _detect_layout(raw.header) if layout == "auto" else layout
    if chosen != "qualcoder":
        raw = _read_table_raw(raw.path, sheet=raw.sheet)
    parser = {
        "project": _parse_project,
        "qualcoder": _parse_qualcoder,
        "taguette": _parse_taguette,
    }[chosen]
    records, notes = parser(raw, mapping)
    extra = ["informant"] if "informant" in mapping.values() else []
    result = _finish_segments(records, extra)
    if coder is not None:
        result["coder"] = result["coder"].fillna(coder)
    result.attrs = {"source": str(raw.path), "layout": chosen, "notes": notes}
    return result


def attach_transcript_info(
    segments: pd.DataFrame,
    info: pd.DataFrame,
    *,
    columns: Sequence[str] = ("informant_role", "method"),
) -> pd.DataFrame:
    """Fill role and method (or other columns) of each transcript from a transcript list.

    Taguette exports and QualCoder reports without variables have no informant role or method;
    researchers keep them in a list of transcripts. Values already in ``segments`` are kept.

    Parameters
    ----------
    segments : pandas.DataFrame
        Coded segments with a ``transcript`` column.
    info : pandas.DataFrame
        One row per transcript: ``transcript`` and the ``columns`` to fill.
    columns : sequence of str
        The columns to fill.

    Returns
    -------
    pandas.DataFrame
        A copy of ``segments`` with the columns filled; transcripts missing from ``info``
        stay missing. ``method`` is unified as in :func:`read_coded_segments`.
    """
    _check_frame(segments, "segments", ["transcript"])
    _check_frame(info, "info", ["transcript", *columns])
    repeated = info["transcript"][info["transcript"].duplicated()].unique().tolist()
    if repeated:
        raise ValueError(f"info lists transcript(s) {repeated[:5]} more than once")
    out = segments.copy()
    lookup = info.set_index("transcript")
    for name in columns:
        filled = out["transcript"].map(lookup[name])
        out[name] = out[name].fillna(filled) if name in out.columns else filled
    if "method" in columns:
        out["method"] = out["method"].map(_normalise_method).astype("str")
    return out


def _normalise_method(method: object) -> object:
    if _is_missing(method):
        return method
    return _METHODS.get(normalise_label(str(method)), str(method).strip().casefold())


# ----------------------------------------------------------------------------------------------
# The interview-code codebook
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CodeCodebook:
    """A validated interview-code codebook (``codes.csv``).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per code: ``code`` (snake_case), ``label`` (Indonesian), ``definition``,
        ``theme``, ``kind`` (one of :data:`KINDS`), ``level`` (``Int64``, 1-4 or NA),
        ``synonyms`` (tuple of str). Treat it as read-only.
    source : str
        Where it was read from.
    lookup : Mapping[str, tuple[str, str]]
        Normalised label (:func:`normalise_label`) -> (canonical code, what matched:
        ``"code"``, ``"label"`` or ``"synonym"``).
    """

    table: pd.DataFrame
    source: str = "<DataFrame>"
    lookup: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.table, pd.DataFrame):
            raise TypeError(f"table must be a DataFrame, got {type(self.table).__name__}")
        missing = [c for c in _CODEBOOK_COLUMNS if c not in self.table.columns]
        if missing:
            raise ValueError(
                f"table lacks column(s) {missing}; build it with load_code_codebook or "
                "CodeCodebook.from_frame"
            )
        if not self.lookup:  # built directly from a validated table: derive the lookup
            lookup: dict[str, tuple[str, str]] = {}
            for code, label, synonyms in self.table[["code", "label", "synonyms"]].itertuples(
                index=False, name=None
            ):
                variants = [(code, "code"), (label, "label")]
                variants += [(s, "synonym") for s in synonyms or ()]
                for variant, how in variants:
                    lookup.setdefault(normalise_label(variant), (code, how))
            object.__setattr__(self, "lookup", lookup)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str = "<DataFrame>") -> CodeCodebook:
        """Validate a raw codebook table (text cells, headers as in ``codes.csv``)."""
        _check_frame(frame, "frame")
        header = tuple(str(c) for c in frame.columns)
        rows = tuple(
            tuple(None if _is_missing(v) else str(v) for v in row)
            for row in frame.itertuples(index=False, name=None)
        )
        return _codebook_from_raw(_RawTable(Path(source), header, rows))

    @property
    def codes(self) -> tuple[str, ...]:
        """The canonical codes, in codebook order."""
        return tuple(self.table["code"])

    @property
    def labels(self) -> dict[str, str]:
        """Code -> Indonesian label."""
        return dict(zip(self.table["code"], self.table["label"], strict=True))

    def match(self, label: str) -> tuple[str | None, str | None]:
        """The canonical code of a raw label and how it matched (``None, None`` if unknown).

        The whole label is tried first, then the last component of a code path
        (``tantangan.sumber_daya``, ``Tantangan > Sumber daya``, ``A/B``, ``A::B``).
        """
        found = self.lookup.get(normalise_label(label))
        if found is not None:
            return found
        parts = [p for p in _PATH_SEPARATORS.split(str(label).strip()) if p.strip()]
        if len(parts) > 1:
            found = self.lookup.get(normalise_label(parts[-1]))
            if found is not None:
                return found[0], "path_leaf"
        return None, None


def _codebook_error(
    raw: _RawTable, message: str, *, row: int | None = None, column: str | None = None
) -> CodebookError:
    return CodebookError(raw.path, message, row=row, column=column, sheet=raw.sheet)


def _codebook_from_raw(raw: _RawTable) -> CodeCodebook:
    keys = [_header_key(h) for h in raw.header]
    position = {}
    for i, key in enumerate(keys):
        if key in _CODEBOOK_COLUMNS:
            if key in position:
                raise _codebook_error(raw, f"column {key!r} appears twice", column=raw.header[i])
            position[key] = i
    for name in _CODEBOOK_REQUIRED:
        if name not in position:
            raise _codebook_error(
                raw,
                f"required column {name!r} is missing; expected {list(_CODEBOOK_COLUMNS)}",
                column=name,
            )

    def header(name: str) -> str:
        return raw.header[position[name]] if name in position else name

    records = []
    lookup: dict[str, tuple[str, str]] = {}
    origin: dict[str, tuple[int, str]] = {}
    for number, row in enumerate(raw.rows, start=1):
        cells = {name: (_cell(row, position.get(name)) or "").strip() for name in _CODEBOOK_COLUMNS}
        if not any(cells.values()):
            continue
        for name in ("code", "label", "theme", "kind"):
            if not cells[name]:
                raise _codebook_error(raw, f"{name!r} is empty", row=number, column=header(name))
        code = cells["code"]
        if not _SNAKE.match(code):
            raise _codebook_error(
                raw,
                f"code {code!r} is not snake_case (lower-case letters, digits, '_'), e.g. "
                f"{_slug(code) or 'sumber_daya'!r}",
                row=number,
                column=header("code"),
            )
        kind = _KIND_ALIASES.get(cells["kind"].casefold(), cells["kind"].casefold())
        if kind not in KINDS:
            raise _codebook_error(
                raw,
                f"kind {cells['kind']!r} is not one of {list(KINDS)} (or tantangan, capaian, "
                "rekomendasi, konteks)",
                row=number,
                column=header("kind"),
            )
        level = _parse_level(raw, cells["level"], number, header("level"))
        synonyms = tuple(s.strip() for s in cells["synonyms"].split("|") if s.strip())
        for variant, how, column in (
            (code, "code", "code"),
            (cells["label"], "label", "label"),
            *((s, "synonym", "synonyms") for s in synonyms),
        ):
            key = normalise_label(variant)
            if not key:
                continue
            if key in lookup and lookup[key][0] != code:
                other_row, other_code = origin[key]
                raise _codebook_error(
                    raw,
                    f"{variant!r} would match both {other_code!r} (row {other_row}) and "
                    f"{code!r}; a label or synonym may belong to one code only",
                    row=number,
                    column=header(column),
                )
            if key not in lookup:
                lookup[key] = (code, how)
                origin[key] = (number, code)
        if code in {r["code"] for r in records}:
            raise _codebook_error(
                raw, f"code {code!r} is listed twice", row=number, column=header("code")
            )
        records.append(
            {
                "code": code,
                "label": cells["label"],
                "definition": cells["definition"] or None,
                "theme": cells["theme"],
                "kind": kind,
                "level": level,
                "synonyms": synonyms,
            }
        )
    if not records:
        raise _codebook_error(raw, "the codebook has no codes")
    table = pd.DataFrame.from_records(records, columns=list(_CODEBOOK_COLUMNS))
    for name in ("code", "label", "definition", "theme", "kind"):
        table[name] = table[name].astype("str")
    table["level"] = table["level"].astype("Int64")
    table["synonyms"] = table["synonyms"].astype(object)
    return CodeCodebook(table=table, source=str(raw.path), lookup=lookup)


def _parse_level(raw: _RawTable, text: str, row: int, column: str) -> int | None:
    if not text:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not number.is_integer() or int(number) not in _LEVELS:
        raise _codebook_error(
            raw,
            f"level {text!r} is not a Kirkpatrick level 1, 2, 3 or 4 (leave it empty for none)",
            row=row,
            column=column,
        )
    return int(number)


def load_code_codebook(path: str | Path) -> CodeCodebook:
    """Read and validate an interview-code codebook (``codes.csv``, or an XLSX sheet).

    Parameters
    ----------
    path : str or Path
        The codebook. Columns (ARCHITECTURE.md): ``code`` (canonical snake_case), ``label``
        (Indonesian), ``definition``, ``theme``, ``kind`` (``challenge``, ``achievement``,
        ``recommendation``, ``context``; the Indonesian ``tantangan``, ``capaian``,
        ``rekomendasi``, ``konteks`` are accepted), ``level`` (Kirkpatrick 1-4 or empty),
        ``synonyms`` (``|``-separated variants). ``code, label, theme, kind`` are required.

    Returns
    -------
    CodeCodebook

    Raises
    ------
    helpers.errors.CodebookError
        Naming the file, the 1-based data row and the column: a required column missing, an
        empty required cell, a code that is not snake_case or is listed twice, a bad kind or
        level, a label or synonym that would match two codes.
    helpers.errors.InputFileError
        The file is missing or unreadable.
    """
    return _codebook_from_raw(_read_table_raw(path))


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
            codes.append(_slug(value) or str(value).strip())
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


# ----------------------------------------------------------------------------------------------
# Agreement
# ----------------------------------------------------------------------------------------------


def _unit_basis(data: pd.DataFrame, unit: str) -> str:
    if unit != "auto":
        return unit
    ids = data["segment"].dropna().astype(str).str.strip()
    if len(ids) and ids.str.match(_QUALCODER_ID.pattern).all():
        return "quote"
    return "segment"


def _quote_key(quote: object) -> str | None:
    if _is_missing(quote):
        return None
    text = " ".join(str(quote).split()).casefold()
    return text or None


def agreement_by_code(
    segments: pd.DataFrame,
    codebook: CodeCodebook | None = None,
    *,
    unit: UnitBasis = "auto",
) -> pd.DataFrame:
    """Inter-coder agreement per code, and pooled over codes, on double-coded segments.

    Parameters
    ----------
    segments : pandas.DataFrame
        Coded segments, one row per (segment, coder, code). If ``codebook`` is given and the
        codes are not yet normalised (no ``code_status``), they are normalised first.
    codebook : CodeCodebook, optional
        Orders the codes as in the codebook and adds ``label``, ``theme``, ``kind``.
    unit : {"auto", "segment", "quote"}, default "auto"
        What makes two coders' rows the same unit. ``"segment"``: (``transcript``,
        ``segment``) for spreadsheets whose segment numbers are shared by the coders.
        ``"quote"``: (``transcript``, quote text with whitespace collapsed and case folded),
        for QualCoder/Taguette exports, whose ids belong to one coding or highlight.
        ``"auto"`` picks ``"quote"`` when every segment id is a QualCoder id (``ctid:12``),
        else ``"segment"``; pass ``"quote"`` for Taguette projects coded by several people.

    Returns
    -------
    pandas.DataFrame
        :func:`helpers.reliability.code_agreement`'s table (``code, n_units, n_coders,
        prevalence, percent_agreement, cohen_kappa, kappa_se, fleiss_kappa,
        krippendorff_alpha, note``, one row per code and ``code="__overall__"``), with
        ``label, theme, kind`` (when a codebook is given) and ``unit_basis``.

    Raises
    ------
    ValueError
        Fewer than two coders (e.g. a Taguette export read without ``coder=``).
    helpers.errors.EstimationError
        No unit was coded by two or more coders.

    Notes
    -----
    Only units seen by two or more coders count; a coder "saw" a unit when they have a row
    for it, and a row with a missing code (an untagged highlight) says they saw it and applied
    nothing. Rows without coder, transcript or unit key are left out. The codes passed to
    :func:`~helpers.reliability.code_agreement` are those applied somewhere in the data (in
    codebook order, unknown codes after): codes nobody applied are left out because in the
    pooled ``__overall__`` row, which treats every (unit, code) pair as a unit, they would add
    pairs of certain agreement and inflate it. With ``unit="quote"`` passages selected with
    different boundaries are different units: these exports carry no character positions, so
    overlap-based unitising is not possible.
    """
    from helpers.reliability import code_agreement

    _check_option("unit", unit, UnitBasis)
    _check_frame(segments, "segments", ["transcript", "segment", "coder", "code"])
    data = segments
    if codebook is not None and "code_status" not in data.columns:
        data = normalise_codes(data, codebook).data
    basis = _unit_basis(data, unit)
    if basis == "quote":
        _check_frame(data, "segments", ["quote"])
        key = data["quote"].map(_quote_key)
    else:
        key = data["segment"]
    frame = pd.DataFrame(
        {
            "transcript": data["transcript"],
            "key": key,
            "coder": data["coder"],
            "code": data["code"],
        }
    )
    frame = frame.loc[frame[["transcript", "key", "coder"]].notna().all(axis=1)]
    frame = frame.assign(unit=frame["transcript"].astype(str) + _SEP + frame["key"].astype(str))
    frame = frame[["unit", "coder", "code"]].drop_duplicates(ignore_index=True)
    applied = frame["code"].dropna().unique().tolist()
    order = list(codebook.codes) if codebook is not None else []
    codes = [c for c in order if c in set(applied)] + sorted(set(applied) - set(order))
    result = code_agreement(frame, unit="unit", coder="coder", code="code", codes=codes)
    if codebook is not None:
        table = codebook.table.set_index("code")
        for name in ("label", "theme", "kind"):
            result[name] = result["code"].map(table[name]).astype("str")
    result["unit_basis"] = basis
    return result


# ----------------------------------------------------------------------------------------------
# Counting
# ----------------------------------------------------------------------------------------------


def _select_coders(data: pd.DataFrame, coders: str) -> pd.DataFrame:
    """All rows, or only the rows of each transcript's primary coder."""
    _check_option("coders", coders, CoderChoice)
    if coders == "all" or "coder" not in data.columns:
        return data
    coder = data["coder"].astype(object).where(data["coder"].notna(), "")
    transcript = data["transcript"].astype(object).where(data["transcript"].notna(), "")
    segment = data["segment"].astype(object).where(data["segment"].notna(), "")
    seen = pd.DataFrame({"t": transcript, "c": coder, "s": segment}).drop_duplicates()
    counts = seen.groupby(["t", "c"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["t", "n", "c"], ascending=[True, False, True])
    primary = counts.drop_duplicates("t").set_index("t")["c"]
    return data.loc[coder == transcript.map(primary)]


def _keys(data: pd.DataFrame) -> pd.DataFrame:
    """Internal unit and informant keys (transcript-qualified)."""
    transcript = data["transcript"].astype(object).where(data["transcript"].notna(), "")
    segment = data["segment"].astype(object).where(data["segment"].notna(), "")
    who = data["informant"] if "informant" in data.columns else data["informant_role"]
    who = who.astype(object).where(who.notna(), "")
    return pd.DataFrame(
        {
            "_unit": transcript.astype(str) + _SEP + segment.astype(str),
            "_transcript": transcript.astype(str),
            "_informant": transcript.astype(str) + _SEP + who.astype(str),
        },
        index=data.index,
    )


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(keys, dropna=False, sort=False)
    return grouped.agg(
        n_segments=("_unit", "nunique"),
        n_transcripts=("_transcript", "nunique"),
        n_informants=("_informant", "nunique"),
    ).reset_index()


def code_frequencies(
    data: pd.DataFrame,
    *,
    by: Sequence[str] = ("theme",),
    min_count: int | None = None,
    coders: CoderChoice = "primary",
    per_code: bool = True,
    min_cell: int | None = None,
) -> pd.DataFrame:
    """Segments, transcripts and informants per code (within ``by``), overall and by role.

    Parameters
    ----------
    data : pandas.DataFrame
        Normalised segments (:func:`normalise_codes` ``.data``); rows without a code are
        ignored.
    by : sequence of str, default ("theme",)
        Columns grouping the codes (``("kind", "theme")``, ``()``).
    min_count : int, optional
        Leave out groups coded on fewer than ``min_count`` segments (all roles together).
    coders : {"primary", "all"}, default "primary"
        Each transcript's primary coder only, or every coder (see the module docstring).
    per_code : bool, default True
        One group per code within ``by``; ``False`` counts ``by`` groups only (a segment with
        two codes of a theme counts once for the theme).
    min_cell : int, optional
        If given, rows (role rows and the all-roles total alike) with fewer informants have
        their counts set to NA and ``suppressed=True``.

    Returns
    -------
    pandas.DataFrame
        Columns ``*by, code`` (if ``per_code``), ``label`` (if in ``data``),
        ``informant_role``, ``n_segments, n_transcripts, n_informants`` and ``suppressed``.
        The row with ``informant_role ==`` :data:`ALL_ROLES` (``"semua"``) counts all roles;
        then one row per role (NA for segments without a role). Groups are ordered by ``by``
        then by decreasing ``n_segments``.

    Notes
    -----
    A segment is the pair (``transcript``, ``segment``), so a segment double-coded or given a
    code twice counts once. An informant is (``transcript``, ``informant``) when the data have
    an anonymised ``informant`` id, else (``transcript``, ``informant_role``): one person in an
    interview, one role group in a focus group (the exports carry no person ids).
    """
    if isinstance(by, str):
        raise TypeError("by must be a sequence of column names, e.g. ('theme',)")
    _check_frame(data, "data", ["transcript", "segment", "code", "informant_role", *by])
    rows = _select_coders(data, coders)
    rows = rows.loc[rows["code"].notna()]
    keys = [*by, "code"] if per_code else list(by)
    if not keys:
        raise ValueError("nothing to group by: give by= columns or per_code=True")
    frame = pd.concat([rows[[*dict.fromkeys([*keys, "informant_role"])]], _keys(rows)], axis=1)
    total = _counts(frame, keys).assign(informant_role=ALL_ROLES, _is_total=True)
    by_role = _counts(frame, [*keys, "informant_role"]).assign(_is_total=False)
    if min_count is not None:
        total = total.loc[total["n_segments"] >= min_count]
    size = total[[*keys, "n_segments"]].rename(columns={"n_segments": "_total"})
    out = pd.concat([total, by_role], ignore_index=True).merge(size, on=keys, how="inner")
    out["suppressed"] = False
    if min_cell is not None:
        # every group, the all-roles total included: a code raised by fewer informants than
        # the minimum cell could point at them (the brief's rule for every shown group)
        small = out["n_informants"] < min_cell
        out["suppressed"] = small
        for name in ("n_segments", "n_transcripts", "n_informants"):
            out[name] = out[name].astype("Int64").mask(small)
    ascending = [True] * len(by) + [False] + [True] * (len(keys) - len(by)) + [False, True]
    out = out.sort_values(
        [*by, "_total", *keys[len(by) :], "_is_total", "informant_role"],
        ascending=ascending,
        na_position="last",
        kind="stable",
    )
    if "label" in rows.columns and per_code:
        labels = rows.dropna(subset=["label"]).drop_duplicates("code").set_index("code")["label"]
        out["label"] = out["code"].map(labels).astype("str")
        keys = [*keys, "label"]
    columns = [*keys, "informant_role", "n_segments", "n_transcripts", "n_informants", "suppressed"]
    out = out[columns].reset_index(drop=True)
    out["informant_role"] = out["informant_role"].astype("str")
    return out


def cooccurrence(
    data: pd.DataFrame,
    *,
    unit: Sequence[str] = ("transcript", "segment"),
    coders: CoderChoice = "primary",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Square code x code table: the number of units in which both codes occur.

    Parameters
    ----------
    data : pandas.DataFrame
        Normalised segments; rows without a code are ignored.
    unit : sequence of str, default ("transcript", "segment")
        The columns that identify a unit. For a QualCoder export, where each ``segment`` is
        one coding, pass ``("transcript", "quote")`` to find codes applied to the same text.
    coders : {"primary", "all"}, default "primary"
        ``"primary"``: each transcript's primary coder, so a pair counts only when one person
        applied both codes. ``"all"``: the union of all coders' codes on a unit (a pair may
        then come from two coders' different readings).
    codes : sequence of str, optional
        Rows/columns, in this order (codes absent from the data get zeros). Default: the codes
        in the data by decreasing number of units, then by name.

    Returns
    -------
    pandas.DataFrame
        Index and columns named ``code``, integer counts; symmetric. The diagonal is the number
        of units with that code.
    """
    if isinstance(unit, str):
        raise TypeError("unit must be a sequence of column names, e.g. ('transcript', 'segment')")
    _check_frame(data, "data", ["code", *unit])
    rows = _select_coders(data, coders) if "transcript" in data.columns else data
    rows = rows.loc[rows["code"].notna()]
    parts = [rows[c].astype(object).where(rows[c].notna(), "").astype(str) for c in unit]
    key = parts[0]
    for part in parts[1:]:
        key = key + _SEP + part
    pairs = pd.DataFrame({"unit": key.to_numpy(), "code": rows["code"].astype(object).to_numpy()})
    pairs = pairs.drop_duplicates()
    if pairs.empty:
        present: list[str] = []
        matrix = pd.DataFrame(dtype="int64")
    else:
        indicator = pd.crosstab(pairs["unit"], pairs["code"]).clip(upper=1).astype("int64")
        matrix = indicator.T @ indicator
        diag = pd.Series(np.diag(matrix), index=matrix.index)
        present = sorted(diag.index, key=lambda c: (-diag[c], c))
    order = list(codes) if codes is not None else present
    matrix = matrix.reindex(index=order, columns=order, fill_value=0).astype("int64")
    matrix.index = pd.Index(order, name="code", dtype="str")
    matrix.columns = pd.Index(order, name="code", dtype="str")
    return matrix


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    *,
    codebook: CodeCodebook | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "Kode yang muncul bersama (jumlah segmen)",
    show_diagonal: bool = False,
    lower_triangle: bool = True,
    annot: bool = True,
    cmap: str = "Blues",
    figsize: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of a :func:`cooccurrence` table with Indonesian code labels.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square code x code counts.
    codebook : CodeCodebook, optional
        Its ``label`` names the rows and columns; codes without one keep their code.
    labels : mapping of str to str, optional
        Code -> label, overriding the codebook's.
    title : str
        Figure title (Indonesian by default).
    show_diagonal : bool, default False
        Show the diagonal (units per code); hidden by default because it dwarfs the pairs.
    lower_triangle : bool, default True
        Show only the lower triangle (the table is symmetric).
    annot : bool, default True
        Write the counts in the cells.
    cmap : str
        Matplotlib colour map.
    figsize : (float, float), optional
        Default grows with the number of codes.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure (not registered with pyplot, so nothing is shown twice in a notebook), or
        the figure of ``ax``.
    """
    import seaborn as sns
    from matplotlib.figure import Figure

    _check_frame(matrix, "matrix")
    if list(matrix.index) != list(matrix.columns):
        raise ValueError("matrix must be square with the same codes as rows and columns")
    names = dict(codebook.labels) if codebook is not None else {}
    names.update(labels or {})
    tick = [names.get(c, c) for c in matrix.index]
    n = len(tick)
    longest = max((len(t) for t in tick), default=0)
    size = figsize or (max(6.0, 2.5 + 0.6 * n + 0.08 * longest), max(4.5, 2.0 + 0.5 * n))
    own_figure = ax is None
    if ax is None:
        figure = Figure(figsize=size, layout="constrained")
        ax = figure.add_subplot()
    else:
        from matplotlib.axes import Axes as _Axes

        if not isinstance(ax, _Axes):
            raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        figure = ax.get_figure(root=True)
    if n == 0:
        ax.text(0.5, 0.5, "Tidak ada kode", ha="center", va="center")
        ax.set_axis_off()
        _heatmap_title(figure, ax, title, own_figure)
        return figure
    hide = np.zeros((n, n), dtype=bool)
    if lower_triangle:
        hide |= np.triu(np.ones((n, n), dtype=bool), k=1)
    if not show_diagonal:
        hide |= np.eye(n, dtype=bool)
    sns.heatmap(
        matrix.to_numpy(dtype=float),
        mask=hide,
        annot=annot,
        fmt=".0f",
        cmap=cmap,
        vmin=0,
        xticklabels=tick,
        yticklabels=tick,
        square=True,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"label": "Jumlah segmen"},
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    _heatmap_title(figure, ax, title, own_figure)
    return figure


def _heatmap_title(figure: Figure, ax: Axes, title: str, own_figure: bool) -> None:
    """A figure title (kept inside the canvas by the layout), or the axes' title on a given ax."""
    if own_figure:
        figure.suptitle(title)
    else:
        ax.set_title(title)


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
        Passed to :func:`helpers.deidentify.mask_series`: person names and identifying units
        or positions to mask (NIPs, phone numbers and e-mail addresses are always masked).
    max_chars : int, default 300
        Longer quotes are cut at a word boundary and end with an ellipsis.
    seed : int, default 0
        Seed of the tie-breaking order; the same data and seed give the same quotes,
        whatever the row order.
    by : str, default "theme"
        The grouping column; ``"code"`` gives quotes per code (for
        :func:`qualitative_findings`).

    Returns
    -------
    pandas.DataFrame
        One row per quote: ``by`` and, when present, ``theme, kind, level, code, label``;
        ``transcript, segment, informant_role, method``; ``quote`` (masked plain text,
        whitespace collapsed), ``html`` (the same text HTML-escaped), ``agreed`` (two or more
        coders applied the quote's code to its segment), ``truncated`` and ``rank`` (1 = first
        choice). ``transcript`` is for tracing only: file names can identify people, so reports
        should not show it.

    Notes
    -----
    Within a group each segment is one candidate. Quotes are chosen one at a time, each time
    preferring, in order: a transcript not yet used, an informant role not yet used, a segment
    the coders agreed on, a quote that fits ``max_chars``; remaining ties follow a random order
    drawn with ``seed`` over the candidates sorted by transcript and segment. Masking happens
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
        "informant_role",
        "method",
        "quote",
        "html",
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

    picked = []
    for _, group in candidates.groupby(by, sort=True):
        picked.extend(_pick_quotes(group, per_theme, max_chars))
    chosen = pd.DataFrame.from_records(picked)
    cut = chosen["quote"].map(lambda q: _truncate(q, max_chars))
    chosen["quote"] = cut.map(lambda t: t[0]).astype("str")
    chosen["truncated"] = cut.map(lambda t: t[1]).astype(bool)
    chosen["html"] = chosen["quote"].map(escape_html).astype("str")
    chosen["agreed"] = chosen["agreed"].astype(bool)
    chosen["rank"] = chosen["rank"].astype("int64")
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
                r["transcript"] in used_transcripts,
                _role_key(r["informant_role"]) in used_roles,
                not r["agreed"],
                len(r["quote"]) > max_chars,
                r["_order"],
            ),
        )
        records.remove(best)
        used_transcripts.add(best["transcript"])
        used_roles.add(_role_key(best["informant_role"]))
        chosen.append({**best, "rank": rank})
    return chosen


def _role_key(role: object) -> str:
    return "" if _is_missing(role) else str(role)


def qualitative_findings(
    data: pd.DataFrame,
    codebook: CodeCodebook,
    *,
    quotes: pd.DataFrame | None,
    min_cell: int = 5,
    coders: CoderChoice = "primary",
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

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDINGS_COLUMNS`: ``level`` (Int64, Kirkpatrick 1-4 or NA), ``theme``,
        ``kind``, ``code``, ``label``, ``n_segments``, ``n_transcripts``, ``n_informants``,
        ``roles`` (comma-separated roles), ``share_of_transcripts`` (transcripts with the code
        / all transcripts in ``data``), ``example_quote``, ``example_role``, ``suppressed``.
        Ordered by level (NA last), theme, kind, decreasing ``n_segments``, code.

    Notes
    -----
    Suppression: when a code's informants number fewer than ``min_cell``, ``suppressed`` is
    True and the role breakdown is blanked: ``roles`` and ``example_role`` are NA. The counts
    and the de-identified example quote stay (a count is not a group of people's answers, and
    the quote carries no name). ``example_role`` is also NA when that role has fewer than
    ``min_cell`` informants in the whole data: a rare role (the one Kepala BKPSDM) would name
    its holder. Counting follows :func:`code_frequencies`.
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
    all_keys = _keys(selected)
    role_size = (
        pd.concat([selected["informant_role"], all_keys["_informant"]], axis=1)
        .dropna()
        .groupby("informant_role")["_informant"]
        .nunique()
    )
    table = codebook.table.set_index("code")
    out = counts.assign(
        level=counts["code"].map(table["level"]).astype("Int64"),
        theme=counts["code"].map(table["theme"]),
        kind=counts["code"].map(table["kind"]),
        label=counts["code"].map(table["label"]),
        roles=counts["code"].map(roles),
        share_of_transcripts=counts["n_transcripts"] / n_all,
    )
    out["example_quote"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["example_role"] = pd.Series(pd.NA, index=out.index, dtype="str")
    if quotes is not None:
        _check_frame(quotes, "quotes", ["code", "quote", "informant_role"])
        ranked = quotes.sort_values("rank") if "rank" in quotes.columns else quotes
        best = ranked.dropna(subset=["code", "quote"]).drop_duplicates("code").set_index("code")
        out["example_quote"] = out["code"].map(best["quote"]).astype("str")
        out["example_role"] = out["code"].map(best["informant_role"]).astype("str")
    out["suppressed"] = out["n_informants"] < min_cell
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
    for name in ("theme", "kind", "code", "label", "roles", "example_quote", "example_role"):
        out[name] = out[name].astype("str")
    for name in ("n_segments", "n_transcripts", "n_informants"):
        out[name] = out[name].astype("int64")
    out["share_of_transcripts"] = out["share_of_transcripts"].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out
