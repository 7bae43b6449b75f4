"""Stray look-alikes or symbols slipped inside a word (`ʃfʃuck`, `fu♥ck`): what is left may be a charter term."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence

from bot.screening.masks import MAX_HITS, covered_positions
from bot.screening.normalize import Folded
from bot.screening.terms import TermHit, plain

STRAY_MIN_LETTERS = 4
_MAX_STRAYS = 2
_SYMBOL = re.compile(r"[+<=>^~`]")
_ODD = re.compile(r"[^\x00-\x7f]|[+<=>^~`]")
_EDGES = "!\"'(),.:;?"
_ASCII_SYMBOLS = frozenset("+<=>^~`")


def _is_stray(char: str) -> bool:
    """A letter no Latin reading was found for, or a symbol; never an ASCII letter or digit."""
    if char.isascii():
        return char in _ASCII_SYMBOLS
    category = unicodedata.category(char)
    return category.startswith(("L", "S"))


class StrayMatcher:
    """Words that are exactly a charter term of `STRAY_MIN_LETTERS` letters or more once up to two strays go.

    The strays must be non-Latin leftovers or symbols (`ʃ`, `♥`, `^`), and the word as written must not be a
    common word of the community's languages.
    """

    def __init__(self, spellings: Mapping[str, int], terms: Sequence[tuple[str, int]], common: Collection[str]) -> None:
        self._spellings = {key: term for key, term in spellings.items() if sum(c.isalpha() for c in key) >= 4}
        self.active = bool(self._spellings)
        self._terms = terms
        self._common = common

    def find(self, text: Folded, taken: Sequence[tuple[int, int]] = ()) -> list[TermHit]:
        """Hits in `text.folded` (collapsed) whose word sheds its strays to become a term."""
        folded = text.folded
        if folded.isascii() and _SYMBOL.search(folded) is None:
            return []
        hits: list[TermHit] = []
        covered: bytearray | None = None
        done = 0
        for odd in _ODD.finditer(folded):
            if odd.start() < done:
                continue
            start = folded.rfind(" ", 0, odd.start()) + 1
            end = folded.find(" ", odd.start())
            end = len(folded) if end < 0 else end
            done = end
            if end - start <= STRAY_MIN_LETTERS:
                continue  # room for a term of four letters and a stray at least
            word = folded[start:end]
            kept = [char for char in word if not _is_stray(char)]
            strays = len(word) - len(kept)
            if not 0 < strays <= _MAX_STRAYS:
                continue
            left = "".join(kept).strip(_EDGES)
            term_id = self._spellings.get(plain(left))
            if term_id is None or plain(word) in self._common:
                continue
            if covered is None:
                covered = covered_positions(len(folded), taken)
            if covered.find(1, start, end) >= 0:
                continue
            term, rule = self._terms[term_id]
            trimmed = len(word) - len(word.lstrip(_EDGES))
            stop = end - (len(word) - len(word.rstrip(_EDGES)))
            hits.append(TermHit(rule, term, start + trimmed, stop))
            if len(hits) >= MAX_HITS:
                break
        return hits
