"""Look-alike letters (Cyrillic, Greek, Armenian, hooked Latin...) folded to Latin, from Unicode's own data."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from importlib import resources

log = logging.getLogger(__name__)


def _confusables_path() -> str:
    return str(resources.files("confusable_homoglyphs").joinpath("confusables.json"))


def latin_lookalikes() -> dict[str, str]:
    """Map every non-ASCII letter that the Unicode confusables data pairs with an ASCII letter to that letter.

    The data lists, for each character, the characters it can be mistaken for, in both directions, so a
    pair is taken from whichever side holds the ASCII letter. Letters only: a symbol such as `∪` that
    merely looks like `u` is left alone, so maths and arrows are not read as words.
    """
    with open(_confusables_path(), encoding="utf-8") as handle:
        data: dict[str, list[dict[str, str]]] = json.load(handle)
    table: dict[str, str] = {}
    for key, glyphs in data.items():
        if len(key) != 1:
            continue
        for glyph in glyphs:
            other = glyph.get("c", "")
            if len(other) != 1:
                continue
            if _is_ascii_letter(key) and _is_foreign_letter(other):
                table.setdefault(other, key.lower())
            elif _is_ascii_letter(other) and _is_foreign_letter(key):
                table.setdefault(key, other.lower())
    for char, letter in _small_capitals().items():
        table.setdefault(char, letter)
    for char, letter in _decorated_letters(table).items():
        table.setdefault(char, letter)
    for char, letter in _case_partners(table).items():
        table.setdefault(char, letter)
    log.debug("built %s look-alike letters", len(table))
    return table


# Latin phonetic blocks where the small capitals live (IPA, phonetic extensions, Latin extended D-G).
_SMALL_CAPITAL_BLOCKS = ((0x0250, 0x02B0), (0x1D00, 0x1DC0), (0xA720, 0xA800), (0xAB30, 0xAB70), (0x10780, 0x107C0))
_SMALL_CAPITAL_NAME = re.compile(r"^LATIN LETTER SMALL CAPITAL ([A-Z])$")


def _small_capitals() -> dict[str, str]:
    """`ᴀ ʙ ᴄ ... ᴢ`: the confusables data pairs only some of them with ASCII, their Unicode names name them all."""
    found: dict[str, str] = {}
    for first, stop in _SMALL_CAPITAL_BLOCKS:
        for code in range(first, stop):
            match = _SMALL_CAPITAL_NAME.match(unicodedata.name(chr(code), ""))
            if match:
                found[chr(code)] = match.group(1).lower()
    return found


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _is_foreign_letter(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char).startswith("L")


# "LATIN SMALL LETTER C WITH HOOK", "CYRILLIC CAPITAL LETTER KA WITH DESCENDER": the base letter is named.
_DECORATED_NAME = re.compile(r"^(LATIN|GREEK|CYRILLIC|ARMENIAN) (SMALL|CAPITAL) LETTER (.+?) WITH .+$")
_SCRIPT_BLOCKS = (
    (0x00C0, 0x0530),
    (0x1D00, 0x1F00),
    (0x2C60, 0x2C80),
    (0xA640, 0xA800),
    (0xAB30, 0xAB70),
    (0x1DF00, 0x1E000),
)


def _decorated_letters(known: dict[str, str]) -> dict[str, str]:
    """Letters with a hook, stroke, bar, tail or descender that Unicode does not decompose (`ƈ ɦ đ ł ҝ`).

    Their Unicode names name the plain letter they decorate; when that letter is ASCII or already a known
    look-alike, the decorated one folds the same way. Letters that do decompose (`é`) are left to NFKD.
    """
    found: dict[str, str] = {}
    for first, stop in _SCRIPT_BLOCKS:
        for code in range(first, stop):
            char = chr(code)
            match = _DECORATED_NAME.match(unicodedata.name(char, ""))
            if match is None or unicodedata.normalize("NFKD", char) != char:
                continue
            try:
                base = unicodedata.lookup(f"{match.group(1)} {match.group(2)} LETTER {match.group(3)}")
            except KeyError:
                continue
            letter = base.lower() if _is_ascii_letter(base) else known.get(base) or known.get(base.lower())
            if letter:
                found[char] = letter
    return found


def _case_partners(known: dict[str, str]) -> dict[str, str]:
    """Greek and Cyrillic letters whose other case is a look-alike (`κ` of `Κ`, `т` of `Т`): small capitals."""
    found: dict[str, str] = {}
    for code in range(0x0370, 0x0530):
        char = chr(code)
        if char in known or not char.isalpha():
            continue
        for other in (char.upper(), char.lower()):
            if len(other) == 1 and other != char and other in known:
                found[char] = known[other]
                break
    return found
