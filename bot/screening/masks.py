"""Masked letters (`f*ck`, `sh*t`, `a**hole`): a word with hidden letters that fits one charter term."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.screening.lexicon import Lexicon
from bot.screening.normalize import AMBIGUOUS, AT, Folded, collapse_runs, run_lengths
from bot.screening.terms import PLURALS, TermHit, TermMatcher

MASKS = "*#%_.-"
"""Inside a word each of these, like `@` (`f@cking`), can stand for hidden letters."""

_GAP = re.compile(rf"[{re.escape(MASKS)}{AT}]+")
# A word holding a mask: starts with a letter; `.` and `-` only count between letters ("e.g", not "etc.").
_LOOSE_MASK = re.compile(rf"[*#%_{AT}]")
_SYMBOLS = "+<=>^~`"
# A mask inside a word: after a letter or digit, and before one unless it is a real mask (`f***`). The pattern
# opens with a character class, which the regex engine scans for quickly; the look-arounds run only there.
_MARK = re.compile(rf"[{re.escape(MASKS)}{AT}](?<=[^\W_].)(?:(?<=[*#%_{AT}])|(?=[^\W_]))")
HINT = re.compile(
    rf"[{re.escape(MASKS + _SYMBOLS)}{AT}](?<=[^\W_].)(?:(?<=[*#%_{AT}{re.escape(_SYMBOLS)}])|(?=[^\W_]))"
)
"""Every ASCII text with a mask or a stray symbol inside a word holds a match of this (cheap to scan for)."""
PLAIN = re.compile(r"[&<\\*_~|`#%@+=>^.\-](?:(?<=[^.\-])|(?<=[^\W_][.\-])(?=[^\W_]))")
"""An ASCII message with no match of this holds no markup, mask or stray symbol: only folding and terms apply."""
_MAX_TOKEN = 40
_CACHE_LIMIT = 20_000  # distinct masked words remembered; cleared when full
MAX_HITS = 50  # per message: evidence keeps 20, a verdict needs one


@dataclass(frozen=True, slots=True)
class Candidate:
    """A spelling a masked word may stand for: a term, an explicit form or an inflection of a term."""

    term_id: int
    sure: bool  # the term's own spelling, an explicit form or a plural; not an inflection that is a common word


def spellings_of(matcher: TermMatcher, suffixes: Sequence[str]) -> dict[str, list[Candidate]]:
    """Every one-word spelling of the matcher's terms (spread form), with its inflections when it takes them."""
    spellings: dict[str, list[Candidate]] = {}
    for spread, term_id, inflects in matcher.spreads:
        spellings.setdefault(spread, []).append(Candidate(term_id, True))
        if not inflects:
            continue
        for suffix in suffixes:
            word = spread + suffix
            sure = suffix in PLURALS or not matcher.is_common(collapse_runs(word))
            spellings.setdefault(word, []).append(Candidate(term_id, sure))
    return spellings


class MaskMatcher:
    """Fits masked words against every one-word spelling of the charter's terms, one regex per masked word.

    A run of masks stands for exactly as many letters (a tight fit: `f*ck`, `a**hole`) or, failing that, for
    one or more (a loose fit). The rule's action applies only to a tight fit of exactly one term that no
    common word of the community's languages also fits; every other fit goes to review.
    """

    def __init__(
        self,
        spellings: dict[str, list[Candidate]],
        terms: Sequence[tuple[str, int]],
        lexicon: Lexicon | None,
    ) -> None:
        self._spellings = spellings
        self._terms = terms
        self._lexicon = lexicon
        # Spellings a spelling a line, by first letter and by first and last letters (most masked words end
        # with a letter): one `re.findall` fits a masked word against a few dozen of them at most.
        by_first: dict[str, list[str]] = {}
        for spelling in spellings:
            by_first.setdefault(spelling[0], []).append(spelling)
            by_first.setdefault(spelling[0] + spelling[-1], []).append(spelling)
        self._lines = {key: "\n".join(sorted(group)) for key, group in by_first.items()}
        self.active = bool(spellings)
        self._cache: dict[str, tuple[int, bool] | None] = {}

    def find(self, text: Folded, taken: Sequence[tuple[int, int]] = ()) -> list[TermHit]:
        """Masked words of `text` that fit a term; `taken` are folded spans already matched (skipped)."""
        spread = text.spread
        hits: list[TermHit] = []
        collapsed: list[int] | None = None
        covered = bytearray()
        done = 0
        for mark in _MARK.finditer(spread):
            at = mark.start()
            if at < done:
                continue
            begin, end = _token_around(spread, at)
            done = end
            token = spread[begin:end].rstrip(".-")
            if not 3 <= len(token) <= _MAX_TOKEN or not token[0].isalpha() or _GAP.search(token) is None:
                continue
            found = self._fit(token)
            if found is None:
                continue
            if collapsed is None:
                collapsed = _collapsed_positions(spread)
                covered = covered_positions(len(text.folded), taken)
            start, stop = collapsed[begin], collapsed[begin + len(token) - 1] + 1
            if covered.find(1, start, stop) >= 0:
                continue
            term_id, sure = found
            term, rule = self._terms[term_id]
            hits.append(TermHit(rule, term, start, stop, sure=sure))
            if len(hits) >= MAX_HITS:
                break
        return hits

    def _fit(self, token: str) -> tuple[int, bool] | None:
        """The term a masked word stands for and whether that is sure, or None (cached: words come back)."""
        if token in self._cache:
            return self._cache[token]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        found = self._cache[token] = self._fit_uncached(token)
        return found

    def _fit_uncached(self, token: str) -> tuple[int, bool] | None:
        visible = _GAP.sub("", token)
        if len(visible) < 2 or token[0] in MASKS or token[0] == AT:
            return None
        key = token[0] if _GAP.match(token, len(token) - 1) else token[0] + token[-1]
        lines = self._lines.get(key)
        if lines is None:
            return None
        tight = _pattern(token, loose=False)
        fits = tight.findall(lines)
        loose = False
        if not fits and _LOOSE_MASK.search(token) is not None:
            # Dots and hyphens join abbreviations and compounds ("e.g", "week-end"): they hide one letter each.
            fits = _pattern(token, loose=True).findall(lines)
            loose = True
        if not fits:
            return None
        candidates = [candidate for spelling in fits for candidate in self._spellings[spelling]]
        terms = {candidate.term_id for candidate in candidates}
        term_id = min(terms)
        if loose or len(terms) > 1 or not all(candidate.sure for candidate in candidates):
            return term_id, False
        if self._lexicon is not None:
            rivals = [word for word in self._lexicon.fitting(token[0], tight) if word not in self._spellings]
            if rivals:
                return term_id, False
        return term_id, True


def covered_positions(size: int, spans: Sequence[tuple[int, int]]) -> bytearray:
    """One byte per folded position, 1 where one of `spans` covers it: overlap tests in constant time."""
    covered = bytearray(size)
    for start, stop in spans:
        covered[start:stop] = b"\x01" * (stop - start)
    return covered


def _token_around(spread: str, at: int) -> tuple[int, int]:
    """The word (letters, digits and masks) around position `at`."""
    begin = at
    while begin > 0 and (spread[begin - 1].isalnum() or spread[begin - 1] in MASKS):
        begin -= 1
    while begin < at and not spread[begin].isalnum():
        begin += 1
    end = at
    while end < len(spread) and (spread[end].isalnum() or spread[end] in MASKS):
        end += 1
    return begin, end


def _pattern(token: str, *, loose: bool) -> re.Pattern[str]:
    parts: list[str] = ["^"]
    done = 0
    for gap in _GAP.finditer(token):
        parts.append(_letters(token[done : gap.start()]))
        parts.append("[^\\n]+" if loose else f"[^\\n]{{{len(gap.group())}}}")
        done = gap.end()
    parts.append(_letters(token[done:]))
    parts.append("$")
    return re.compile("".join(parts), re.MULTILINE)


def _letters(text: str) -> str:
    return "".join("[il]" if char == AMBIGUOUS else re.escape(char) for char in text)


def _collapsed_positions(spread: str) -> list[int]:
    """For each spread position, the collapsed position it falls in."""
    lengths = run_lengths(spread)
    positions: list[int] = []
    index = 0
    while len(positions) < len(spread):
        positions.extend([index] * lengths.get(index, 1))
        index += 1
    return positions[: len(spread)]
