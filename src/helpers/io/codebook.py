"""Codebooks: load and validate them (applied by :mod:`helpers.io.recode`, drafted by
:mod:`helpers.io.template`).

The Python counterpart of DIME's ``iecodebook``. A codebook (``data/raw/<region>/codebook.csv``,
format in ARCHITECTURE.md) has one row per raw variable and says what it becomes: a clean
snake_case ``name``, a ``type``, value labels, a valid range, missing codes, scale membership
and reverse coding. :func:`apply_codebook` does all of it and logs every change it makes, one
row per cell, in the cleaning-log layout (:data:`LOG_COLUMNS`).

Command line (a starting codebook from a raw file, like ``iecodebook template``)::

    python -m helpers.codebook template data/raw/kepahiang/survei_pre.csv -o codebook.csv

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "codebook.csv").write_text(
...     "file,raw_name,name,type,value_labels\\n"
...     "survei.csv,Saya puas,satisfied,likert,"
...     "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju\\n")
>>> from helpers.io.recode import apply_codebook
>>> cb = load_codebook(d / "codebook.csv")
>>> raw = pd.DataFrame({"Saya puas": ["SANGAT SETUJU", "sgt setuju", "Setju", "Netral"]})
>>> apply_codebook(raw, cb, file_name="survei.csv").data["satisfied"].tolist()
[5.0, 5.0, 4.0, 3.0]
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd

from helpers.core.errors import CodebookError, InputFileError
from helpers.io.labels import parse_boolean, parse_value_labels
from helpers.io.parsing import (
    parse_number,
)
from helpers.io.reading import did_you_mean, read_table

__all__ = [
    "Codebook",
    "CodebookType",
    "CODEBOOK_TYPES",
    "CODEBOOK_COLUMNS",
    "OPTIONAL_CODEBOOK_COLUMNS",
    "load_codebook",
    "KNOWN_SCALES",
]


CodebookType = Literal[
    "nip",
    "name",
    "id",
    "string",
    "category",
    "integer",
    "number",
    "date",
    "datetime",
    "likert",
    "boolean",
    "drop",
]
CODEBOOK_TYPES: tuple[str, ...] = get_args(CodebookType)
CODEBOOK_COLUMNS = (
    "file",
    "raw_name",
    "name",
    "type",
    "label",
    "value_labels",
    "scale",
    "reverse",
    "min",
    "max",
    "missing_codes",
    "required",
)
OPTIONAL_CODEBOOK_COLUMNS = ("group", "sheet", "note")
"""Optional columns: ``group`` (the header's group path in a KoboToolbox export; information
only, ignored when cleaning), ``sheet`` (the XLSX sheet the row applies to, for the repeat
sheets of a KoboToolbox export; empty: the file's main table) and ``note`` (what
``codebook template`` could not place or wants checked; information only)."""
_REQUIRED_CODEBOOK_COLUMNS = ("raw_name", "name", "type")
_NUMERIC_TYPES = ("integer", "number", "likert")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STEP = "codebook"

KNOWN_SCALES: dict[str, str] = {
    "agreement_5": "1=Sangat tidak setuju|2=Tidak setuju|3=Netral|4=Setuju|5=Sangat setuju",
    "agreement_4": "1=Sangat tidak setuju|2=Tidak setuju|3=Setuju|4=Sangat setuju",
    "satisfaction_5": "1=Sangat tidak puas|2=Tidak puas|3=Cukup puas|4=Puas|5=Sangat puas",
    "satisfaction_4": "1=Sangat tidak puas|2=Tidak puas|3=Puas|4=Sangat puas",
    "quality_4": "1=Tidak baik|2=Kurang baik|3=Baik|4=Sangat baik",
    "frequency_5": "1=Tidak pernah|2=Jarang|3=Kadang-kadang|4=Sering|5=Selalu",
}
"""Likert scales :func:`codebook_template` recognises (5-point preferred on a tie)."""


# --------------------------------------------------------------------------------------------
# the codebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codebook:
    """A validated codebook.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per raw variable with the columns of :data:`CODEBOOK_COLUMNS` (``file`` is
        ``"*"`` where empty; ``reverse``/``required`` bool; ``min``/``max`` float; text
        columns ``""`` where empty) plus ``codebook_row`` (the 1-based row in the codebook
        file), the optional ``group`` and ``sheet`` (text, ``""`` where empty) when the file
        has them (:data:`OPTIONAL_CODEBOOK_COLUMNS`), and any other extra columns.
    path : Path or None
        The codebook file (named in error messages).
    """

    table: pd.DataFrame
    path: Path | None = None

    def for_file(self, file_name: str | Path, sheet: str | None = None) -> pd.DataFrame:
        """Rows whose ``file`` pattern (a glob, case-insensitive) matches ``file_name``.

        Only the base name of ``file_name`` is compared. When the codebook has a ``sheet``
        column: ``sheet=None`` selects the rows whose ``sheet`` is empty (the file's main
        table); a sheet name selects the rows naming that sheet (ignoring case), or, when no
        row names it, the rows whose ``sheet`` is empty. Without a ``sheet`` column every
        matching row applies, whatever the sheet.
        """
        base = Path(file_name).name.casefold()
        mask = [fnmatch.fnmatchcase(base, str(p).casefold()) for p in self.table["file"]]
        rows = self.table.loc[mask]
        if "sheet" in rows.columns:
            sheets = rows["sheet"].fillna("").astype("str").str.strip().str.casefold()
            main = sheets == ""
            wanted = "" if sheet is None else str(sheet).strip().casefold()
            named = (sheets == wanted) & ~main
            rows = rows.loc[named if named.any() else main]
        return rows.reset_index(drop=True)

    @property
    def source(self) -> Path:
        """The codebook file, or ``Path("codebook")`` for one built in memory."""
        return self.path if self.path is not None else Path("codebook")


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook from CSV, XLSX or YAML (a list of row mappings).

    Parameters
    ----------
    path : str or Path
        The codebook file.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        A required column (``raw_name``, ``name``, ``type``) is missing, or a row is invalid:
        an unknown ``type``, a ``name`` that is not snake_case or is used twice for the same
        ``file`` pattern, a ``raw_name`` mapped twice, unparseable ``value_labels``, a
        non-number ``min``/``max`` or ``min > max``, a ``reverse``/``required`` that is not a
        boolean, reverse coding without a known range, a ``scale`` item that is not numeric.
        The message names the codebook file, the first bad row (1-based, header excluded)
        and column, and lists the other problems.
    """
    path = Path(path)
    before = _file_digest(path)
    known = _CODEBOOK_CACHE.get((path.suffix.lower(), before)) if before else None
    if known is not None:
        return Codebook(table=known.copy(), path=path)
    book = _load_codebook(path)
    if before and _file_digest(path) == before:  # not changed while it was read
        _CODEBOOK_CACHE[(path.suffix.lower(), before)] = book.table.copy()
        while len(_CODEBOOK_CACHE) > 16:
            _CODEBOOK_CACHE.pop(next(iter(_CODEBOOK_CACHE)))
    return book


#: Validated codebook tables by file type and content: a region's codebook is loaded by the
#: data check, the cleaning, the interviews and the scan.
_CODEBOOK_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def _file_digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except OSError:
        return ""  # the reader names the problem


def _load_codebook(path: Path) -> Codebook:
    raw = _read_codebook_file(path)
    columns = {str(c).strip().casefold(): c for c in raw.columns}
    missing = [c for c in _REQUIRED_CODEBOOK_COLUMNS if c not in columns]
    if missing:
        found = [str(c) for c in raw.columns]
        raise CodebookError(
            path,
            f"codebook columns missing: {', '.join(repr(m) for m in missing)}; columns found: "
            f"{', '.join(repr(f) for f in found)}; expected {', '.join(CODEBOOK_COLUMNS)}",
            column=missing[0],
        )
    raw = raw.rename(columns={orig: key for key, orig in columns.items()})
    table = _validate_codebook(path, raw)
    return Codebook(table=table, path=path)


def _read_codebook_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml_codebook(path)
    try:
        return read_table(path)
    except CodebookError:
        raise
    except InputFileError as exc:
        raise CodebookError(
            exc.path, exc.message, row=exc.row, column=exc.column, sheet=exc.sheet
        ) from exc


def _read_yaml_codebook(path: Path) -> pd.DataFrame:
    from helpers.core.safe_yaml import load_yaml

    content = load_yaml(path, error=CodebookError)  # bounded alias expansion, depth and size
    if not isinstance(content, list) or not content:
        raise CodebookError(path, "a YAML codebook must be a non-empty list of row mappings")
    records = []
    for number, item in enumerate(content, start=1):
        if not isinstance(item, Mapping):
            raise CodebookError(
                path, f"item is a {type(item).__name__}, expected a mapping", row=number
            )
        records.append({str(k): _yaml_text(v) for k, v in item.items()})
    return pd.DataFrame.from_records(records)


def _yaml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):  # value_labels written as a mapping {1: Sangat tidak setuju}
        return "|".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):  # missing_codes written as a list
        return "|".join(str(v) for v in value)
    return str(value)


def _validate_codebook(path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    problems: list[tuple[int, str, str]] = []
    records: list[dict[str, Any]] = []
    extra = [c for c in raw.columns if c not in CODEBOOK_COLUMNS]
    for position, (_, row) in enumerate(raw.iterrows(), start=1):
        cells = {c: _cell(row.get(c)) for c in CODEBOOK_COLUMNS}
        if not any(cells.values()):
            continue  # a blank line
        record = _validate_row(position, cells, problems)
        record["codebook_row"] = position
        for c in extra:
            record[c] = _cell(row.get(c)) if c in OPTIONAL_CODEBOOK_COLUMNS else row.get(c)
        records.append(record)
    if not records and not problems:
        raise CodebookError(path, "the codebook has no rows")
    _check_unique_per_file(records, problems)
    if problems:
        problems.sort(key=lambda p: p[0])
        row, column, message = problems[0]
        others = [f"row {r} column {c!r}: {m}" for r, c, m in problems[1:6]]
        more = f"; {len(problems) - 6} more" if len(problems) > 6 else ""
        also = f". Also: {'; '.join(others)}{more}" if others else ""
        raise CodebookError(path, f"{message}{also}", row=row, column=column)
    table = pd.DataFrame.from_records(records)
    for c in (
        "file",
        "raw_name",
        "name",
        "type",
        "label",
        "value_labels",
        "scale",
        "missing_codes",
    ):
        table[c] = table[c].astype("str")
    table["reverse"] = table["reverse"].astype(bool)
    table["required"] = table["required"].astype(bool)
    table["min"] = table["min"].astype("float64")
    table["max"] = table["max"].astype("float64")
    table["codebook_row"] = table["codebook_row"].astype("int64")
    for c in OPTIONAL_CODEBOOK_COLUMNS:
        if c in table.columns:
            table[c] = table[c].astype("str")
    return table


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _validate_row(
    number: int, cells: dict[str, str], problems: list[tuple[int, str, str]]
) -> dict[str, Any]:
    def bad(column: str, message: str) -> None:
        problems.append((number, column, message))

    kind = cells["type"].casefold()
    if kind not in CODEBOOK_TYPES:
        hint = did_you_mean(kind, CODEBOOK_TYPES)
        bad("type", f"unknown type {cells['type']!r}{hint}; expected one of {CODEBOOK_TYPES}")
    if not cells["raw_name"]:
        bad("raw_name", "raw_name is empty; give the header exactly as in the raw file")
    name = cells["name"]
    if not name and kind != "drop":
        bad("name", "name is empty; give a snake_case name (or type 'drop')")
    elif name and not _NAME.match(name):
        bad("name", f"name {name!r} is not snake_case (lower-case letters, digits, _)")
    labels: dict[Any, str] = {}
    if cells["value_labels"]:
        try:
            labels = parse_value_labels(cells["value_labels"])
        except ValueError as exc:
            bad("value_labels", str(exc))
        if kind in CODEBOOK_TYPES and kind not in ("likert", "category", "drop"):
            bad("value_labels", f"value_labels are used by likert and category only, not {kind!r}")
    bounds = {}
    for c in ("min", "max"):
        bounds[c] = math.nan
        if cells[c]:
            values, failed = parse_number(pd.Series([cells[c]], dtype="str"))
            if failed.iloc[0]:
                bad(c, f"{c} {cells[c]!r} is not a number")
            else:
                bounds[c] = float(values.iloc[0])
            if kind in CODEBOOK_TYPES and kind not in (*_NUMERIC_TYPES, "drop"):
                bad(c, f"min/max apply to {', '.join(_NUMERIC_TYPES)} columns, not {kind!r}")
    if bounds["min"] > bounds["max"]:  # False when either is NaN
        bad("min", f"min {bounds['min']:g} is greater than max {bounds['max']:g}")
    flags = {}
    for c in ("reverse", "required"):
        try:
            flags[c] = parse_boolean(cells[c], default=False)
        except ValueError:
            bad(c, f"{c} {cells[c]!r} is not a boolean; write true or false")
            flags[c] = False
    if kind == "likert":
        if labels and not all(isinstance(k, int) for k in labels):
            bad("value_labels", "likert value_labels need whole-number codes (1=...|2=...)")
        no_range = math.isnan(bounds["min"]) or math.isnan(bounds["max"])
        if not cells["value_labels"] and no_range:
            bad("value_labels", "a likert item needs value_labels (or both min and max)")
    if flags["reverse"]:
        int_codes = [k for k in labels if isinstance(k, int)]
        known = (not math.isnan(bounds["min"]) and not math.isnan(bounds["max"])) or bool(
            kind == "likert" and int_codes
        )
        if kind in CODEBOOK_TYPES and (kind not in _NUMERIC_TYPES or not known):
            bad(
                "reverse",
                "reverse coding needs a likert item with value_labels, or a numeric "
                "item with min and max",
            )
    scale = cells["scale"]
    if scale:
        if not _NAME.match(scale):
            bad("scale", f"scale {scale!r} is not snake_case")
        if kind in CODEBOOK_TYPES and kind not in _NUMERIC_TYPES:
            bad("scale", f"scale items must be likert, integer or number, not {kind!r}")
    return {
        "file": cells["file"] or "*",
        "raw_name": cells["raw_name"],
        "name": name,
        "type": kind,
        "label": cells["label"],
        "value_labels": cells["value_labels"],
        "scale": scale,
        "reverse": flags["reverse"],
        "min": bounds["min"],
        "max": bounds["max"],
        "missing_codes": cells["missing_codes"],
        "required": flags["required"],
    }


def _check_unique_per_file(
    records: list[dict[str, Any]], problems: list[tuple[int, str, str]]
) -> None:
    seen_name: dict[tuple[str, str, str], int] = {}
    seen_raw: dict[tuple[str, str, str], int] = {}
    for r in records:
        pattern = r["file"].casefold()
        sheet = str(r.get("sheet") or "").casefold()
        where = f" sheet {r['sheet']!r}" if sheet else ""
        if r["name"]:
            key = (pattern, sheet, r["name"])
            if key in seen_name:
                problems.append(
                    (
                        r["codebook_row"],
                        "name",
                        f"name {r['name']!r} is used twice "
                        f"for file {r['file']!r}{where} (also row {seen_name[key]})",
                    )
                )
            else:
                seen_name[key] = r["codebook_row"]
        if r["raw_name"]:
            key = (pattern, sheet, r["raw_name"])
            if key in seen_raw:
                problems.append(
                    (
                        r["codebook_row"],
                        "raw_name",
                        f"raw_name {r['raw_name']!r} "
                        f"appears twice for file {r['file']!r}{where} (also row {seen_raw[key]})",
                    )
                )
            else:
                seen_raw[key] = r["codebook_row"]
