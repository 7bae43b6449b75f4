"""Sponsor names found in a post despite typos, case, accents and spacing, in one pass over its word n-grams."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.charter.disclosure_model import Sponsor
from bot.disclosure.fold import Folded, alnum_key

FUZZY_MIN_LENGTH = 5  # shorter names only match exactly: too many ordinary words sit one typo away
MAX_TOKENS = 4000  # a Slack post may hold 40,000 characters; sponsors named later than this are not looked for
_WORD = re.compile(r"\w+")
_JOINABLE_GAP = re.compile(r"^[ \t\-_.'&]{0,3}$")


@dataclass(frozen=True, slots=True)
class BrandHit:
    """A sponsor named in the post: the folded span, the registry name and the similarity (0-100)."""

    start: int
    end: int
    sponsor: str
    score: float


class BrandIndex:
    """The sponsor names, keyed by their letters and digits (`Café Lumière` -> `cafelumiere`).

    Each candidate n-gram costs one dict lookup, plus, when it is long enough, one
    `rapidfuzz.process.extractOne` over only the names that start with the same character and
    whose length could still reach the threshold (ratio >= t needs the lengths within a factor
    of t / (200 - t)), so the cost does not grow with the whole registry. Typos in the first
    character are not caught: they are rare, and the exact key still catches case and accents.
    """

    def __init__(self, sponsors: Iterable[Sponsor], threshold: int) -> None:
        """Index every name and alias of `sponsors`; `threshold` is the rapidfuzz ratio cutoff."""
        self.threshold = threshold
        self._exact: dict[str, str] = {}
        max_words = 1
        for sponsor in sponsors:
            for name in sponsor.names:
                key = alnum_key(name)
                if key:
                    self._exact.setdefault(key, sponsor.name)
                    max_words = max(max_words, len(_WORD.findall(name)))
        self._buckets: dict[str, tuple[list[str], list[int]]] = {}
        for key in sorted(self._exact, key=len):
            keys, lengths = self._buckets.setdefault(key[0], ([], []))
            keys.append(key)
            lengths.append(len(key))
        self._max_words = max_words + 1  # "Nord VPN" written for "NordVPN", or the reverse

    def __bool__(self) -> bool:
        """Whether there is any sponsor to look for."""
        return bool(self._exact)

    def find(self, folded: Folded) -> list[BrandHit]:
        """Non-overlapping sponsor mentions, best match first wins, in text order."""
        if not self._exact:
            return []
        words = [(m.start(), m.end()) for m in _WORD.finditer(folded.text)][:MAX_TOKENS]
        text = folded.text
        hits: list[BrandHit] = []
        for first in range(len(words)):
            key = ""
            for last in range(first, min(first + self._max_words, len(words))):
                if last > first and not _JOINABLE_GAP.match(text[words[last - 1][1] : words[last][0]]):
                    break
                key += text[words[last][0] : words[last][1]]
                found = self._lookup(key)
                if found is not None:
                    hits.append(BrandHit(words[first][0], words[last][1], found[0], found[1]))
        return _best_non_overlapping(hits)

    def _lookup(self, key: str) -> tuple[str, float] | None:
        exact = self._exact.get(key)
        if exact is not None:
            return exact, 100.0
        if len(key) < FUZZY_MIN_LENGTH or key.isdigit():
            return None
        bucket = self._buckets.get(key[0])
        if bucket is None:
            return None
        keys, lengths = bucket
        t = self.threshold
        low = bisect.bisect_left(lengths, max(FUZZY_MIN_LENGTH, int(len(key) * t / (200 - t))))
        high = bisect.bisect_right(lengths, int(len(key) * (200 - t) / t) + 1)
        if low >= high:
            return None
        best = process.extractOne(key, keys[low:high], scorer=fuzz.ratio, processor=None, score_cutoff=t)
        if best is None:
            return None
        return self._exact[best[0]], float(best[1])


def _best_non_overlapping(hits: list[BrandHit]) -> list[BrandHit]:
    chosen: list[BrandHit] = []
    for hit in sorted(hits, key=lambda h: (-h.score, -(h.end - h.start), h.start)):
        if all(hit.end <= other.start or hit.start >= other.end for other in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)
