"""Look-alike letters (Cyrillic, Greek, small capitals...) folded to Latin, built from the confusables data."""

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
