"""One normaliser for identifiers and names: masking, the disclosure scan, NIP validation and
record linkage all see a NIP or a roster name the same way.

Text first goes through :func:`helpers.io.parsing.clean_text`: Unicode NFKC, digits of every
script to ASCII, every kind of space to a plain space, invisible and control characters
(category Cf: soft hyphen, zero-width characters, BOM; NUL) removed. Then:

* **NIPs in text** (:data:`NIP_IN_TEXT`, :func:`find_nips`): 18 digits with any separators
  between digit groups (up to three of: spaces, ``. - / _ '``, dashes and the punctuation of
  :data:`TEXT_DIGIT_SEPARATORS`), so ``19870124/201402/2/001``, ``19870124  201402 2 001``,
  ``1987.0124-2014.02.2.001`` and ``(19870124) 201402|2|001`` are all found; :func:`identifier_digits` gives the digits of one identifier cell.
* **Names** (:class:`NameMatcher`): compared folded (:func:`fold_name`: case, diacritics,
  apostrophes and hyphens between letters ignored) as sequences of words with any spacing or
  punctuation between them; a title or honorific before the name (:data:`TITLES`: Bu, Ibu,
  Pak, Bapak, Sdr., Dr., Drs., Ir., H., Hj., ...) and academic degrees after it
  (:data:`DEGREES`: S.Pd., M.Si., ...) belong to the match. A roster first name (or any part of
  a name) alone is matched when it follows a title (``Bu Eka``); with ``parts=True`` every part
  of three letters or more is matched on its own as well (what quote masking does).

Examples
--------
>>> find_nips("NIP 19870124/201402/2/001.")
[(4, 25, '198701242014022001')]
>>> m = NameMatcher(["Eka Hutapea", "Dr. Budi Santoso, M.Si."])
>>> [text for _, _, text in m.find("kata Bu Eka dan dr budi  SANTOSO, M.Si.")]
['Bu Eka', 'dr budi  SANTOSO, M.Si.']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from helpers.io.parsing import DIGIT_SEPARATOR_CHARS, clean_text, clean_text_series

__all__ = [
    "clean_text",
    "clean_text_series",
    "identifier_digits",
    "find_nips",
    "NIP_IN_TEXT",
    "TEXT_DIGIT_SEPARATORS",
    "fold_name",
    "name_words",
    "NameMatcher",
    "TITLES",
    "DEGREES",
]

#: Between digit groups of a NIP written in free text: the separators of a NIP cell
#: (:data:`helpers.io.parsing.DIGIT_SEPARATOR_CHARS`) and any other punctuation people type
#: there (``, : ; | ( ) [ ] + * # ~ =``).
TEXT_DIGIT_SEPARATORS = DIGIT_SEPARATOR_CHARS + ",:;|()[]{}+*#~=<>"
_SEP = f"[{re.escape(TEXT_DIGIT_SEPARATORS)}]"
#: 18 digits in cleaned text, up to three separators between any two of them, not inside a
#: longer run of digits.
NIP_IN_TEXT = re.compile(rf"(?<!\d)\d(?:{_SEP}{{0,3}}\d){{17}}(?!\d)")
_SEPARATORS = re.compile(f"{_SEP}+")

#: Titles and forms of address that may come before a name (folded, without their dot).
TITLES: tuple[str, ...] = (
    "bapak",
    "bpk",
    "pak",
    "ibu",
    "bu",
    "sdr",
    "sdri",
    "saudara",
    "saudari",
    "mas",
    "mbak",
    "kak",
    "dik",
    "bang",
    "abang",
    "om",
    "tante",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "h",
    "hj",
    "kh",
    "ust",
    "ustadz",
    "ustadzah",
    "bunda",
    "ayah",
)
_TITLE_SET = frozenset(TITLES)
_DOT_REQUIRED = frozenset({"h", "hj", "kh", "ir", "dr"})  # too short to count without their dot

#: Academic degrees written after a name (folded, dots and spaces removed): S.Pd., M.Si., ...
DEGREES: tuple[str, ...] = (
    "spd",
    "spdi",
    "msi",
    "se",
    "sh",
    "mh",
    "st",
    "mt",
    "skom",
    "mkom",
    "ssos",
    "msos",
    "sip",
    "map",
    "mm",
    "mpd",
    "skm",
    "mkes",
    "skep",
    "ners",
    "sked",
    "sag",
    "mag",
    "sp",
    "sstp",
    "ip",
    "msc",
    "ma",
    "mba",
    "phd",
    "amd",
    "ak",
    "sfarm",
    "apt",
    "ssi",
    "spsi",
    "mpsi",
    "shum",
    "se",
    "me",
    "ssn",
    "spt",
    "sthi",
    "lc",
)
_DEGREE_SET = frozenset(DEGREES)
_PARTICLES = frozenset({"bin", "binti", "van", "der", "den", "de", "al", "el"})
_MIN_PART_LETTERS = 3
_MAX_GAP = 4  # characters allowed between two words of a name (spaces, dots, commas, hyphens)
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_JOINERS = re.compile(r"['`]|(?<=[a-z])-(?=[a-z])")
_APOSTROPHES = "'`\u2018\u2019\u00b4\u02bc"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def identifier_digits(values: pd.Series) -> pd.Series:
    """The digits of identifier cells: :func:`clean_text`, a spreadsheet's ``.0`` dropped,
    then every separator (spaces of every kind, ``. - / _ '``, dashes) removed.

    Values with other characters are returned cleaned and stripped (for a validator to
    report); missing stays missing. The same as :func:`helpers.privacy.nip.normalise_nip`.

    Examples
    --------
    >>> identifier_digits(pd.Series(["\\u0661\\u0669\\u0668\\u0667 0124", "12/3", None])).tolist()
    ['19870124', '123', nan]
    """
    from helpers.io.parsing import normalise_digits

    return normalise_digits(values)


def find_nips(text: str) -> list[tuple[int, int, str]]:
    """Every 18-digit run in ``text`` (separators allowed, see :data:`NIP_IN_TEXT`).

    ``text`` is cleaned first (:func:`clean_text`); positions refer to the cleaned text.
    Returns ``(start, end, digits)`` for each; whether the digits form a valid NIP is
    :func:`helpers.privacy.nip.validate_nip`'s business.

    Examples
    --------
    >>> find_nips("a \\uff11\\uff19\\uff18\\uff17\\uff10\\uff11\\uff12\\uff14 201402\\u00a02 001")
    [(2, 23, '198701242014022001')]
    """
    cleaned = clean_text(text)
    return [
        (m.start(), m.end(), _SEPARATORS.sub("", m.group())) for m in NIP_IN_TEXT.finditer(cleaned)
    ]


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


#: Runs of characters that fold to themselves lower-cased, one for one: ASCII but apostrophes
#: and hyphens (whose folding depends on the neighbours).
_PLAIN_RUN = re.compile(r"[^'`\-\x80-\U0010ffff]+")


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, the index of its source character."""
    text = clean_text(text)
    out: list[str] = []
    where: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        plain = _PLAIN_RUN.match(text, i)
        if plain is not None:  # most of any text: lower-cased as a whole
            out.append(plain.group().lower())
            where.extend(range(i, plain.end()))
            i = plain.end()
            continue
        ch = text[i]
        if ch in _HYPHENS and 0 < i < n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            i += 1
            continue  # Nur-Aini and Nuraini are one word
        folded = (ch.lower() if ch not in _APOSTROPHES else "") if ch.isascii() else _fold_char(ch)
        out.append(folded)
        where.extend([i] * len(folded))
        i += 1
    return "".join(out), where


def fold_name(text: str) -> str:
    """A name or text in the form names are compared in: :func:`clean_text`, diacritics
    removed, case folded, apostrophes and hyphens between letters removed.

    Examples
    --------
    >>> fold_name("Nur'Aini  Süleyman-Hutapea")
    'nuraini  suleymanhutapea'
    """
    return _fold_with_map(text)[0]


def name_words(name: Any) -> tuple[str, ...]:
    """The words of a roster name, folded, without leading titles or trailing degrees.

    Degrees are what follows the first comma (``Budi Santoso, S.Pd., M.Si.``) and trailing
    words that are degrees; titles are leading words in :data:`TITLES`.

    Examples
    --------
    >>> name_words("Dr. H. Budi Santoso, M.Si.")
    ('budi', 'santoso')
    >>> name_words(None)
    ()
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ()
    text = clean_text(str(name)).split(",")[0]
    words = _WORD.findall(fold_name(text))
    while len(words) > 1 and words[0] in _TITLE_SET:
        words = words[1:]
    while len(words) > 1 and words[-1] in _DEGREE_SET:
        words = words[:-1]
    return tuple(words)


@dataclass(frozen=True)
class _Token:
    word: str
    start: int  # in the cleaned source text
    end: int
    gap_before: str  # folded characters between the previous word and this one


class NameMatcher:
    """Find roster names in free text, whatever their case, spacing, diacritics or title.

    Parameters
    ----------
    names : iterable of str
        Roster names (degrees after a comma and leading titles are ignored).
    parts : bool, default False
        Also match every part of three letters or more of a name on its own (quote masking);
        without it a part alone is matched only after a title (``Pak Budi``).
    min_words : int, default 1
        Shortest full name matched without a title: the disclosure scan uses 2 (a one-word
        name such as ``Putri`` is also an ordinary word).

    Notes
    -----
    A name of three words or more is also found by any two of its words in order (``Rizky
    Hutapea`` for ``Rizky Pratama Hutapea``), as people are called in speech.
    A match covers the name's words, the titles right before it and the academic degrees right
    after it; words may be separated by up to four characters of spacing or punctuation.
    Matching runs on folded text (:func:`fold_name`), so ``SITI  Aminah``, ``Sïti Aminah`` and
    ``Siti-Aminah`` all match ``Siti Aminah``.
    """

    def __init__(self, names: Iterable[Any], *, parts: bool = False, min_words: int = 1) -> None:
        if isinstance(names, str):
            raise TypeError("names must be a collection of names, not one string")
        self.full: dict[int, dict[tuple[str, ...], int]] = {}
        self.parts: set[str] = set()
        for name in names:
            words = name_words(name)
            if not words:
                continue
            spaced = name_words(re.sub(f"[{_HYPHENS}]", " ", clean_text(str(name))))
            for form in {words, spaced}:
                for variant in _joined_variants(form):
                    sizes = self.full.setdefault(len(variant), {})
                    sizes[variant] = max(sizes.get(variant, 0), len(form))
            for pair in _short_forms(words):
                sizes = self.full.setdefault(2, {})
                sizes[pair] = max(sizes.get(pair, 0), len(words))
            for w in set(words) | set(spaced):
                if len(w) >= 2 and w not in _PARTICLES and w not in _TITLE_SET:
                    self.parts.add(w)
        self._words = {w for variants in self.full.values() for v in variants for w in v}
        self.allow_parts = bool(parts)
        self.min_words = int(min_words)
        self._sizes = sorted(self.full, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.full)

    def _tokens(self, text: str) -> tuple[str, list[_Token]]:
        cleaned = clean_text(text)
        folded, where = _fold_with_map(cleaned)
        tokens: list[_Token] = []
        previous_end = 0
        for m in _WORD.finditer(folded):
            start, end = where[m.start()], where[m.end() - 1] + 1
            tokens.append(_Token(m.group(), start, end, folded[previous_end : m.start()]))
            previous_end = m.end()
        return cleaned, tokens

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, matched text)`` of every name in ``text``; positions refer to the
        cleaned text (:func:`clean_text`), which is what maskers write out."""
        if not self.full or not isinstance(text, str):
            return []
        if text.isascii():  # the common case, checked fast: no word of any roster name
            lower = text.lower()
            joined = _ASCII_JOINERS.sub("", lower)
            if self._words.isdisjoint(_WORD.findall(lower)) and self._words.isdisjoint(
                _WORD.findall(joined)
            ):
                return []
        elif self._words.isdisjoint(_WORD.findall(fold_name(text))):
            return []  # the tokens below are these words: none of them is a name's
        cleaned, tokens = self._tokens(text)
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            titled = i > 0 and self._is_title(tokens, i - 1) and _near(tokens[i])
            size = self._match_at(tokens, i, titled)
            if size == 0:
                i += 1
                continue
            first = i
            while first > 0 and self._is_title(tokens, first - 1) and _near(tokens[first]):
                first -= 1
            last = i + size - 1
            end = tokens[last].end
            while True:  # degrees after the name: S.Pd., M.Si. (words "s" "pd", "m" "si")
                taken = _degree_at(tokens, last + 1)
                if not taken:
                    break
                last += taken
                end = tokens[last].end
                if end < len(cleaned) and cleaned[end] == ".":
                    end += 1
            spans.append((tokens[first].start, end))
            i = last + 1
        return [(s, e, cleaned[s:e]) for s, e in spans]

    def _is_title(self, tokens: list[_Token], k: int) -> bool:
        word = tokens[k].word
        if word not in _TITLE_SET:
            return False
        if word in _DOT_REQUIRED:
            following = tokens[k + 1].gap_before if k + 1 < len(tokens) else ""
            return following.startswith(".") or word in ("dr",)
        return True

    def _match_at(self, tokens: list[_Token], i: int, titled: bool) -> int:
        for size in self._sizes:
            if i + size > len(tokens):
                continue
            if any(not _near(tokens[j]) for j in range(i + 1, i + size)):
                continue
            words = self.full[size].get(tuple(t.word for t in tokens[i : i + size]), 0)
            if words and (words >= self.min_words or titled):
                return size
        word = tokens[i].word
        if word in self.parts and (titled or (self.allow_parts and len(word) >= _MIN_PART_LETTERS)):
            return 1
        return 0

    def contains(self, text: str) -> bool:
        """True when :meth:`find` finds anything."""
        return bool(self.find(text))

    def mask(self, text: str, marker: str = "[nama]") -> str:
        """``text`` cleaned, with every match replaced by ``marker``.

        Examples
        --------
        >>> NameMatcher(["Siti Aminah"]).mask("Kata ibu SITI aminah, S.Pd. kemarin")
        'Kata [nama] kemarin'
        """
        found = self.find(text)
        cleaned = clean_text(text)
        if not found:
            return cleaned
        out, last = [], 0
        for start, end, _ in found:
            out.append(cleaned[last:start])
            out.append(marker)
            last = end
        out.append(cleaned[last:])
        return "".join(out)


def _near(token: _Token) -> bool:
    gap = token.gap_before
    return len(gap) <= _MAX_GAP and all(not c.isalnum() for c in gap) and "\n" not in gap


def _degree_at(tokens: list[_Token], k: int) -> int:
    """How many words from ``k`` on spell one academic degree (0 if none)."""
    joined = ""
    for n in range(3):
        if k + n >= len(tokens) or not _near(tokens[k + n]):
            return 0
        joined += tokens[k + n].word
        if joined in _DEGREE_SET:
            return n + 1
    return 0


def _short_forms(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Two words of a name of three or more, in order (Rizky Pratama Hutapea -> Rizky Hutapea,
    Pratama Hutapea, Rizky Pratama): how people are called in speech. Particles and words of
    fewer than three letters are left out."""
    kept = [w for w in words if w not in _PARTICLES and len(w) >= _MIN_PART_LETTERS]
    if len(words) < 3 or len(kept) < 2:
        return set()
    return {(a, b) for i, a in enumerate(kept) for b in kept[i + 1 :]}


def _joined_variants(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The name and the forms with two neighbouring words written as one (Nur Aini/Nuraini)."""
    variants = {words}
    for k in range(len(words) - 1):
        variants.add((*words[:k], words[k] + words[k + 1], *words[k + 2 :]))
    if len(words) > 1:
        variants.add(("".join(words),))
    return variants
