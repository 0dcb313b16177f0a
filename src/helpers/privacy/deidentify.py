"""De-identification of free text: mask personal identifiers in interview quotes, then escape.

Quotes from interviews and focus groups appear in reports that officials read. Before a quote
leaves the analysis it goes through :func:`mask_text` (or :func:`mask_series`), and before it
enters HTML through :func:`escape_html`. Masking always comes first: escaping first would turn
``&`` into ``&amp;`` and could split a name or an e-mail address the patterns must still see.

What is masked, in this order (each match becomes one marker):

=====================  ==============  ===================================================
what                   marker          how it is recognised
=====================  ==============  ===================================================
e-mail addresses       ``[email]``     ``local@domain.tld``
NIP (18 digits)        ``[NIP]``       18 digits with up to three separators between any
                                       two (spaces of every kind, ``. - / _ '``, dashes):
                                       ``19850312 201001 1 003``, ``19850312/201001/1/003``;
                                       any 18 digits, whether or not the date parts are valid
phone numbers          ``[telepon]``   ``+62``, ``62`` or ``0`` followed by 8-12 digits,
                                       single spaces or hyphens allowed between them
                                       (``+62 812-3456-7890``, ``0812 3456 7890``), and
                                       landlines with the area code in brackets
                                       (``(0761) 123456``)
other long numbers     ``mask``        a run of 10 or more digits (NIK, account numbers),
                                       marker given by the ``mask`` argument (``[...]``)
listed unit/positions  ``[unit]``      each string in ``units``, case-insensitive, whole
                                       words, any run of spaces; a mapping gives its own
                                       marker (``{"Kepala Bidang Mutasi BKPSDM": "[jabatan]"}``)
listed person names    ``[nama]``      each name in ``names`` and, by default, each part of
                                       it (see below), case-insensitive, whole words, with a
                                       preceding title absorbed (``Bapak``, ``Pak``, ``Ibu``,
                                       ``Bu``, ``Sdr.``, ``Mas``, ``Mbak``, ``Dr.``, ...)
=====================  ==============  ===================================================

The text is cleaned first (:func:`helpers.privacy.identifiers.clean_text`): digits of every
script become ASCII, invisible characters (soft hyphen, zero-width space, BOM, NUL) are removed
and every kind of space becomes a plain space, so a NIP or a name cannot hide behind them. Names
are matched by :class:`helpers.privacy.identifiers.NameMatcher`: case, diacritics, spacing,
hyphens and apostrophes ignored, titles before and academic degrees after absorbed.

Name parts: Indonesians are addressed by any part of their name ("Pak Budi" for Budi Santoso,
"Bu Rahma" for Siti Rahmawati) and many have a single name, so every part of a given name with
at least three letters is masked on its own as well (``name_parts=True``). This over-masks
ordinary words that are also names (``Indah``, ``Putri``); for quotes in a report that is the
safer error. Titles are absorbed into the marker because "Pak"/"Bu" reveal gender.

Not masked: names, places or positions that are not listed (there is no named-entity
recognition: pass the roster names and the identifying positions of the region), nicknames and
misspellings of listed names, dates of birth written as dates, addresses and vehicle plates. Masking reduces, and does not remove, the
risk that a reader recognises the speaker; small groups are suppressed elsewhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from helpers.privacy.identifiers import NIP_IN_TEXT, TITLES, NameMatcher, clean_text

__all__ = [
    "MARKERS",
    "TITLES",
    "mask_text",
    "mask_series",
    "escape_html",
]

#: The marker written for each kind of identifier (units can carry their own marker).
MARKERS: Mapping[str, str] = {
    "email": "[email]",
    "nip": "[NIP]",
    "phone": "[telepon]",
    "unit": "[unit]",
    "name": "[nama]",
}


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NIP = NIP_IN_TEXT
_LONG_NUMBER = re.compile(r"(?<!\w)\d{10,}(?!\w)")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\(\+62\)|\+62|62|0)(?:[ \-]?\d){8,12}|\(0\d{2,3}\)[ \-]?\d(?:[ \-]?\d){4,7})"
    r"(?!\w)"
)

# Placeholders stand in for markers while later patterns run, so that no pattern sees (and
# re-masks) a marker's letters. They are private-use characters, which are not word characters.
_PLACEHOLDER_BASE = 0xF0000
_PLACEHOLDER_RE = re.compile("[\U000f0000-\U000fffff]")


@dataclass(frozen=True)
class _Masker:
    """Compiled patterns for one set of names and units; built once per argument set."""

    steps: tuple[tuple[re.Pattern[str] | NameMatcher, str], ...]

    def __call__(self, text: str) -> str:
        markers: list[str] = []
        out = clean_text(_PLACEHOLDER_RE.sub("", text))
        for pattern, marker in self.steps:
            if marker not in markers:
                markers.append(marker)
            placeholder = chr(_PLACEHOLDER_BASE + markers.index(marker))
            if isinstance(pattern, NameMatcher):
                out = pattern.mask(out, placeholder)
            else:
                out = pattern.sub(placeholder, out)
        return _PLACEHOLDER_RE.sub(lambda m: markers[ord(m.group()) - _PLACEHOLDER_BASE], out)


def _flexible(phrase: str) -> str:
    """Regex for ``phrase`` matching any run of whitespace where the phrase has a space."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _whole_words(alternatives: Iterable[str]) -> str:
    """Alternation of phrases, longest first, bounded so it only matches whole words."""
    unique = sorted({a for a in alternatives if a}, key=lambda s: (-len(s), s))
    body = "|".join(_flexible(a) for a in unique)
    return rf"(?<!\w)(?:{body})(?!\w)"


def _unit_markers(units: Iterable[str] | Mapping[str, str]) -> dict[str, str]:
    if isinstance(units, str):
        raise TypeError("units must be a list of unit names or a mapping, not a single string")
    if isinstance(units, Mapping):
        pairs = {str(k): str(v) for k, v in units.items()}
    else:
        pairs = {str(u): MARKERS["unit"] for u in units if u is not None and not pd.isna(u)}
    return {" ".join(k.split()): v for k, v in pairs.items() if k.strip()}


@lru_cache(maxsize=64)
def _build_masker(
    names: tuple[str, ...],
    units: tuple[tuple[str, str], ...],
    mask: str,
    name_parts: bool,
) -> _Masker:
    steps: list[tuple[re.Pattern[str], str]] = [
        (_EMAIL, MARKERS["email"]),
        (_NIP, MARKERS["nip"]),
        (_PHONE, MARKERS["phone"]),
        (_LONG_NUMBER, mask),
    ]
    by_marker: dict[str, list[str]] = {}
    for unit, marker in units:
        by_marker.setdefault(marker, []).append(unit)
    # Longer unit names first across markers, so "Kepala Bidang Mutasi BKPSDM" wins over "BKPSDM".
    for marker, phrases in sorted(by_marker.items(), key=lambda kv: -max(map(len, kv[1]))):
        steps.append((re.compile(_whole_words(phrases), re.IGNORECASE), marker))
    matcher = NameMatcher(names, parts=name_parts)
    if matcher:
        steps.append((matcher, MARKERS["name"]))
    return _Masker(tuple(steps))


def _masker(
    names: Iterable[str],
    units: Iterable[str] | Mapping[str, str],
    mask: str,
    name_parts: bool,
) -> _Masker:
    if isinstance(names, str):
        raise TypeError("names must be a list of names, not a single string")
    if not isinstance(mask, str):
        raise TypeError(f"mask must be a string, got {type(mask).__name__}")
    name_key = tuple(sorted({str(n) for n in names if n is not None and not pd.isna(n)}))
    unit_key = tuple(sorted(_unit_markers(units).items()))
    return _build_masker(name_key, unit_key, mask, bool(name_parts))


def mask_text(
    text: str,
    *,
    names: Iterable[str] = (),
    units: Iterable[str] | Mapping[str, str] = (),
    mask: str = "[...]",
    name_parts: bool = True,
) -> str:
    """Mask e-mail addresses, NIPs, long numbers, phone numbers, listed units and names.

    Parameters
    ----------
    text : str
        Free text, for example a quote from a transcript.
    names : iterable of str, optional
        Person names to mask (informants, colleagues they mention). Matched case-insensitively
        as whole words; a title right before the name is masked with it.
    units : iterable of str or mapping of str to str, optional
        Units or positions that identify a person (``"Kepala Bidang Mutasi BKPSDM"``). A list
        masks each with ``[unit]``; a mapping gives the marker for each (``"[jabatan]"``).
    mask : str, default ``"[...]"``
        Marker for other long digit runs (10 or more digits, such as a 16-digit NIK) that are
        neither an NIP nor a phone number.
    name_parts : bool, default True
        Also mask each part (three letters or more) of a listed name on its own.

    Returns
    -------
    str
        The text with every match replaced by its marker (see the module docstring).

    Examples
    --------
    >>> mask_text("Pak Budi (NIP 19850312 201001 1 003, 0812-3456-7890)", names=["Budi Santoso"])
    '[nama] (NIP [NIP], [telepon])'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return _masker(names, units, mask, name_parts)(text)


def mask_series(
    series: pd.Series,
    *,
    names: Iterable[str] = (),
    units: Iterable[str] | Mapping[str, str] = (),
    mask: str = "[...]",
    name_parts: bool = True,
) -> pd.Series:
    """Mask every text in ``series`` as :func:`mask_text` does; missing values stay missing.

    The patterns are compiled once for the whole series and each distinct text is masked once.
    Returns a new string Series with the same index and name; the input is not modified.
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, got {type(series).__name__}")
    masker = _masker(names, units, mask, name_parts)
    present = series.notna().to_numpy()
    out = pd.Series(pd.NA, index=series.index, name=series.name, dtype="str")
    if present.any():
        text = series[present].astype(str)
        unique = pd.unique(text.to_numpy())  # each distinct text masked once
        masked = dict(zip(unique, (masker(v) for v in unique), strict=True))
        out[present] = text.map(masked).to_numpy()
    return out


def escape_html(text: str) -> str:
    """Escape ``text`` for HTML (``&``, ``<``, ``>``, ``"`` and ``'``); mask before escaping.

    Examples
    --------
    >>> escape_html("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return html.escape(text, quote=True)
