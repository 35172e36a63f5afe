"""Vietnamese collation for names and labels, in pure Python.

Why not a library: PyICU needs ICU binaries, and `pyuca` applies only the default Unicode table
(DUCET) with no language tailoring, so it treats ă, â, ê, ô, ơ, ư and đ as accented a, e, o, u, d
and sorts «Ânh» before «Anh z», «Đa» before «Dz», and «á» before «à» (checked with pyuca 1.2).
Vietnamese dictionaries and staff lists order:

* letters by the Vietnamese alphabet, where the letters with a breve, circumflex or horn and đ
  are letters of their own: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
  (f, j, w, z, which appear in foreign names, take their Latin places);
* syllable by syllable: the letters of a syllable first, then its tone, in the order
  ngang (none), huyền (`), hỏi (?), ngã (~), sắc (´), nặng (.), then the next syllable;
* people by given name (the last word), then family name (the first), then the middle names.

`text_key` sorts any text that way; `name_key` sorts a person's full name.
"""

from __future__ import annotations

import unicodedata

__all__ = ["ALPHABET", "TONES", "name_key", "sort_names", "text_key"]

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
_DIGIT_BASE = -10  # digits sort before letters
_OTHER = len(ALPHABET)  # any other character sorts after the letters, by code point

# combining marks that make a letter of its own: a+breve=ă, a+circumflex=â, o+horn=ơ ...
_MODIFIERS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_MODIFIED = {("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
             ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư"}
# the five tone marks, in dictionary order after the level tone (0)
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Rank = tuple[int, int]  # (rank, code point) of one letter
SyllableKey = tuple[tuple[Rank, ...], int]


def _syllable_key(word: str) -> SyllableKey:
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONES:
            tone = TONES[ch]
        elif ch in _MODIFIERS and letters:
            letters[-1] = _MODIFIED.get((letters[-1], _MODIFIERS[ch]), letters[-1])
        elif unicodedata.combining(ch):
            continue  # a mark Vietnamese does not use: ignored
        else:
            letters.append(ch)
    ranks: list[Rank] = []
    for ch in letters:
        if ch in _RANK:
            ranks.append((_RANK[ch], 0))
        elif ch.isdigit():
            ranks.append((_DIGIT_BASE, int(ch) if ch.isascii() else ord(ch)))
        else:
            ranks.append((_OTHER, ord(ch)))
    return tuple(ranks), tone


def text_key(text: str) -> tuple:
    """Sort key for any text: syllable by syllable, letters then tone; ties broken by the text."""
    words = text.split()
    return tuple(_syllable_key(w) for w in words), text


def name_key(full_name: str) -> tuple:
    """Sort key for a person: given name, then family name, then middle names, then the text."""
    words = full_name.split()
    if not words:
        return ((), (), (), full_name)
    given = _syllable_key(words[-1])
    family = _syllable_key(words[0]) if len(words) > 1 else ((), 0)
    middle = tuple(_syllable_key(w) for w in words[1:-1])
    return (given, family, middle, full_name)


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=name_key)
