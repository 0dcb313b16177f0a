"""Read coded interview segments: the project's own layout, QualCoder and Taguette exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from helpers.core.checks import check_option
from helpers.core.errors import InputFileError
from helpers.io.labels import normalise_label
from helpers.io.reading import check_xlsx_limits, read_table

if TYPE_CHECKING:
    pass

__all__ = [
    "code_slug",
    "Layout",
    "SEGMENT_COLUMNS",
    "DEFAULT_PROJECT_COLUMNS",
    "normalise_label",
    "read_coded_segments",
    "attach_transcript_info",
]


# ----------------------------------------------------------------------------------------------
# Options and constants
# ----------------------------------------------------------------------------------------------

Layout = Literal["auto", "project", "qualcoder", "taguette"]

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
_SEP = "\x1f"  # joins parts of an internal key (transcript + segment)


def _check_frame(data: object, name: str, required: Iterable[str] = ()) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(data.columns)}")


def _is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


# ----------------------------------------------------------------------------------------------
# Label normalisation (the rule is helpers.io.labels.normalise_label, also exported here)
# ----------------------------------------------------------------------------------------------


def code_slug(text: str) -> str:
    """A code's name from its label: normalised (:func:`normalise_label`), spaces as ``_``.

    Examples
    --------
    >>> code_slug("Sumber Daya (anggaran)")
    'sumber_daya_anggaran'
    """
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
    """Read a table with :func:`helpers.io.reading.read_table` (encoding, delimiter, checks)."""
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
    :func:`read_coded_segments`); :func:`helpers.io.reading.read_table` refuses the first and pads
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

    check_xlsx_limits(path)
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
    helpers.core.errors.InputFileError
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
    check_option("layout", layout, Layout)
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
