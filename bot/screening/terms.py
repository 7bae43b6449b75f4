"""Charter terms: one Aho-Corasick pass over the folded text with whole-word checks, then a bounded fuzzy stage."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process

from bot.screening.normalize import AMBIGUOUS, fold_parts, run_lengths, run_profile

log = logging.getLogger(__name__)

_MAX_AMBIGUOUS = 6  # i/l positions expanded per term: at most 3**6 automaton keys for one term
_FUZZY_MIN_LETTERS = 5
_FUZZY_CACHE_LIMIT = 50_000
_FUZZY_MAX_TOKENS = 2_000  # distinct words examined per message; exact matching still sees everything
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class TermHit:
    """A term found in the folded text: `[start, end)` indexes the folded text, not the original."""

    rule: int  # index of the rule in the charter
    term: str
    start: int
    end: int
    score: float = 100.0
    fuzzy: bool = False  # a near miss, scored by rapidfuzz; may score 100 when only doubled letters differ


# One automaton value entry: key length, (offset, minimum run) pairs, whole-word check left/right, term id.
_Entry = tuple[int, tuple[tuple[int, int], ...], bool, bool, int]


def _variants(spread: str) -> Iterator[str]:
    """The folded term with each i/l also written as the `AMBIGUOUS` placeholder (`1`, `|`, `!` in a text)."""
    options: list[tuple[str, ...]] = []
    expanded = 0
    for char in spread:
        if char in "il" and expanded < _MAX_AMBIGUOUS:
            options.append((char, AMBIGUOUS))
            expanded += 1
        elif char == AMBIGUOUS and expanded < _MAX_AMBIGUOUS:
            options.append(("i", "l", AMBIGUOUS))
            expanded += 1
        else:
            options.append((char,))
    for combo in itertools.product(*options):
        yield "".join(combo)


class TermMatcher:
    """All the charter's terms in one automaton, built once per charter."""

    def __init__(self, terms_by_rule: Sequence[Sequence[str]]) -> None:
        self._terms: list[tuple[str, int]] = []
        keys: dict[str, set[_Entry]] = {}
        for rule_index, terms in enumerate(terms_by_rule):
            for term in terms:
                # Case-folded first: a capital I in a charter term is an i, not an ambiguous letter.
                spread = fold_parts(term.strip().casefold())[0].strip()
                if not spread:
                    log.warning("term %r folds to nothing and is ignored", term)
                    continue
                term_id = len(self._terms)
                self._terms.append((term, rule_index))
                for variant in _variants(spread):
                    key, runs = run_profile(variant)
                    needs = tuple((offset, run) for offset, run in enumerate(runs) if run > 1)
                    entry = (len(key), needs, key[0].isalnum(), key[-1].isalnum(), term_id)
                    keys.setdefault(key, set()).add(entry)
        self._automaton: ahocorasick.Automaton | None = None
        if keys:
            automaton = ahocorasick.Automaton()
            for key, entries in keys.items():
                automaton.add_word(key, tuple(sorted(entries)))
            automaton.make_automaton()
            self._automaton = automaton
        self.size = len(keys)

    def find(self, spread: str, folded: str) -> list[TermHit]:
        """Whole-word hits of any term in `folded` (the collapsed form of `spread`, see `fold_parts`)."""
        if self._automaton is None:
            return []
        hits: list[TermHit] = []
        lengths: dict[int, int] | None = None
        last = len(folded) - 1
        for end, entries in self._automaton.iter(folded):
            for key_len, needs, left, right, term_id in entries:
                start = end - key_len + 1
                if left and start > 0 and folded[start - 1].isalnum():
                    continue
                if right and end < last and folded[end + 1].isalnum():
                    continue
                if needs:
                    if lengths is None:
                        lengths = run_lengths(spread)
                    # Letters doubled in the term must be at least as long in the text: "as" is not "ass".
                    if any(lengths.get(start + offset, 1) < run for offset, run in needs):
                        continue
                term, rule_index = self._terms[term_id]
                hits.append(TermHit(rule_index, term, start, end + 1))
        return hits


class FuzzyMatcher:
    """Near misses of one rule's long single-word terms, scored with rapidfuzz on candidate words only."""

    def __init__(self, rule_index: int, terms: Sequence[str], cutoff: int) -> None:
        self.rule = rule_index
        self.cutoff = max(0, min(100, cutoff))
        by_form: dict[str, str] = {}
        for term in terms:
            spread = fold_parts(term.strip().casefold())[0].strip()
            letters = sum(char.isalpha() for char in spread)
            if letters >= _FUZZY_MIN_LETTERS and _WORD.fullmatch(spread):
                form = run_profile(spread)[0].replace(AMBIGUOUS, "i")
                by_form.setdefault(form, term)
        self._terms = by_form
        self._by_length: dict[int, list[str]] = {}
        ratio = self.cutoff / 100
        for form in by_form:
            for length in range(1, 2 * len(form) + 2):
                # rapidfuzz ratio is at most 2*min/(a+b): skip words whose length alone rules a term out.
                if 2 * min(length, len(form)) >= ratio * (length + len(form)):
                    self._by_length.setdefault(length, []).append(form)
        self._cache: dict[str, tuple[str, float] | None] = {}

    def __bool__(self) -> bool:
        return bool(self._terms)

    def _best(self, word: str) -> tuple[str, float] | None:
        if word in self._cache:
            return self._cache[word]
        choices = self._by_length.get(len(word))
        found: tuple[str, float] | None = None
        if choices:
            best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff)
            if best is not None:
                found = (self._terms[best[0]], float(best[1]))
        if len(self._cache) >= _FUZZY_CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = found
        return found

    def find(self, folded: str) -> list[TermHit]:
        """Words of `folded` (the matching form) within the cutoff of a term."""
        hits: list[TermHit] = []
        seen: set[str] = set()
        for match in _WORD.finditer(folded):
            word = match.group().replace(AMBIGUOUS, "i")
            if len(word) not in self._by_length:
                continue
            if word not in seen:
                if len(seen) >= _FUZZY_MAX_TOKENS:
                    break
                seen.add(word)
            best = self._best(word)
            if best is not None:
                hits.append(TermHit(self.rule, best[0], match.start(), match.end(), best[1], fuzzy=True))
        return hits
