"""The interview-code codebook (``codes.csv``): canonical codes, labels, themes, kinds, levels
and the spellings accepted for each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.core.errors import CodebookError

if TYPE_CHECKING:
    pass
from helpers.io.segments import (
    _cell,
    _check_frame,
    _header_key,
    _is_missing,
    _RawTable,
    _read_table_raw,
    code_slug,
    normalise_label,
)

__all__ = [
    "KINDS",
    "ENGLISH_TWINS",
    "CodeCodebook",
    "load_code_codebook",
]


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

_CODEBOOK_COLUMNS = ("code", "label", "definition", "theme", "kind", "level", "synonyms")
#: Optional columns: ``constructs`` (``|``-separated construct names of config/constructs.yaml:
#: the outcomes the code speaks about, for the report's joint display), and ``label_en`` and
#: ``theme_en``, the English twins of ``label`` and ``theme`` that an English report shows.
_OPTIONAL_COLUMNS = ("constructs", "label_en", "theme_en")
#: The reader-facing columns and their English twins.
ENGLISH_TWINS: Mapping[str, str] = {"label": "label_en", "theme": "theme_en"}
_CODEBOOK_REQUIRED = ("code", "label", "theme", "kind")
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_PATH_SEPARATORS = re.compile(r"\s*(?:>|/|\\|::|\.)\s*")


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
        ``synonyms`` (tuple of str), ``constructs`` (tuple of str: the outcomes' constructs
        the code speaks about; empty when the file has no such column), ``label_en`` and
        ``theme_en`` (English twins, None where the file has none). Treat it as read-only.
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

    def in_english(self, column: str) -> dict[str, str]:
        """Code -> the English twin of ``column`` (``label`` or ``theme``), the Indonesian text
        where the codebook has no twin (:meth:`missing_english` lists those)."""
        twin = self.table.get(ENGLISH_TWINS[column])
        values = self.table[column] if twin is None else twin.fillna(self.table[column])
        return dict(zip(self.table["code"], values, strict=True))

    def missing_english(self) -> list[tuple[int, str, str]]:
        """``(row, code, column)`` of every reader-facing cell without its English twin (row
        numbers are 1-based data rows, in codebook order)."""
        out = []
        for row, record in enumerate(self.table.to_dict("records"), start=1):
            for twin in ENGLISH_TWINS.values():
                if not isinstance(record.get(twin), str) or not record[twin]:
                    out.append((row, record["code"], twin))
        return out

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
        if key in _CODEBOOK_COLUMNS or key in _OPTIONAL_COLUMNS:
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
        cells = {
            name: (_cell(row, position.get(name)) or "").strip()
            for name in (*_CODEBOOK_COLUMNS, *_OPTIONAL_COLUMNS)
        }
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
                f"{code_slug(code) or 'sumber_daya'!r}",
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
                "constructs": tuple(c.strip() for c in cells["constructs"].split("|") if c.strip()),
                "label_en": cells["label_en"] or None,
                "theme_en": cells["theme_en"] or None,
            }
        )
    if not records:
        raise _codebook_error(raw, "the codebook has no codes")
    table = pd.DataFrame.from_records(records, columns=[*_CODEBOOK_COLUMNS, *_OPTIONAL_COLUMNS])
    for name in ("code", "label", "definition", "theme", "kind"):
        table[name] = table[name].astype("str")
    table["level"] = table["level"].astype("Int64")
    table["synonyms"] = table["synonyms"].astype(object)
    table["constructs"] = table["constructs"].astype(object)
    table["label_en"] = table["label_en"].astype(object)
    table["theme_en"] = table["theme_en"].astype(object)
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
        ``synonyms`` (``|``-separated variants). ``code, label, theme, kind`` are required;
        ``constructs``, ``label_en`` and ``theme_en`` are optional.

    Returns
    -------
    CodeCodebook

    Raises
    ------
    helpers.core.errors.CodebookError
        Naming the file, the 1-based data row and the column: a required column missing, an
        empty required cell, a code that is not snake_case or is listed twice, a bad kind or
        level, a label or synonym that would match two codes.
    helpers.core.errors.InputFileError
        The file is missing or unreadable.
    """
    return _codebook_from_raw(_read_table_raw(path))
