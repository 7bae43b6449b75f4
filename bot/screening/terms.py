"""Charter terms: one Aho-Corasick pass over the folded text with whole-word checks, then a bounded fuzzy stage."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from bot.screening.normalize import AMBIGUOUS, fold_parts, run_lengths, run_profile

log = logging.getLogger(__name__)

_MAX_AMBIGUOUS = 6  # i/l positions expanded per term: at most 3**6 automaton keys for one term
# Three-letter terms have too many innocent plurals ("con" -> "pros and cons"): they match only as written.
PLURAL_MIN_LETTERS = 4
_PLURAL_SUFFIXES = ("es", "s", "x")
# For terms and for the words compared with them: short words have too many innocent neighbours
# ("morn" is one letter away from "moron", "itch" from "bitch").
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
    fuzzy: bool = False  # a near miss, scored by rapidfuzz on the collapsed forms


# One automaton value entry: key length, (offset, minimum run) pairs, whole-word check left/right,
# whether a plural suffix may follow, term id.
_Entry = tuple[int, tuple[tuple[int, int], ...], bool, bool, bool, int]


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


def _takes_plural(spread: str) -> bool:
    """True when the folded term ends with a word of at least `PLURAL_MIN_LETTERS` letters."""
    if not spread or not spread[-1].isalpha():
        return False
    letters = 0
    for char in reversed(spread):
        if not char.isalnum():
            return False
        letters += char.isalpha()
        if letters >= PLURAL_MIN_LETTERS:
            return True
    return False


def _plural_end(folded: str, at: int) -> int:
    """End of a plural suffix (`es`, `s`, `x`) that starts at `at` and ends the word, or -1."""
    for suffix in _PLURAL_SUFFIXES:
        if folded.startswith(suffix, at):
            stop = at + len(suffix)
            if stop == len(folded) or not folded[stop].isalnum():
                return stop
    return -1


class TermMatcher:
    """All the charter's terms in one automaton, built once per charter.

    With `plurals` (the default), a term whose last word has `PLURAL_MIN_LETTERS` letters or more also
    matches with `s`, `x` or `es` added (`connard` -> `connards`, `bitch` -> `bitches`). The suffix is
    checked at the word edge, so it costs no automaton keys.
    """

    def __init__(self, terms_by_rule: Sequence[Sequence[str]], *, plurals: bool = True) -> None:
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
                plural = plurals and _takes_plural(spread)
                for variant in _variants(spread):
                    key, runs = run_profile(variant)
                    needs = tuple((offset, run) for offset, run in enumerate(runs) if run > 1)
                    entry = (len(key), needs, key[0].isalnum(), key[-1].isalnum(), plural, term_id)
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
            for key_len, needs, left, right, plural, term_id in entries:
                start = end - key_len + 1
                if left and start > 0 and folded[start - 1].isalnum():
                    continue
                stop = end + 1
                if right and end < last and folded[stop].isalnum():
                    stop = _plural_end(folded, stop) if plural else -1
                    if stop < 0:
                        continue
                if needs:
                    if lengths is None:
                        lengths = run_lengths(spread)
                    # Letters doubled in the term must be at least as long in the text: "as" is not "ass".
                    if any(lengths.get(start + offset, 1) < run for offset, run in needs):
                        continue
                term, rule_index = self._terms[term_id]
                hits.append(TermHit(rule_index, term, start, stop))
        return hits


def _keeps_doubles(form: str, form_runs: Sequence[int], word: str, word_runs: Sequence[int]) -> bool:
    """The exact stage's rule for near misses: a letter doubled in the term and kept in the word stays doubled.

    Without it, a word that only lacks a doubled letter scores 100 on the collapsed forms: the French
    "fagot" (a bundle of sticks) would be a slur, although the exact stage rightly tells "as" from "ass".
    """
    for block in Indel.opcodes(form, word):
        if block.tag != "equal":
            continue
        for offset in range(block.src_end - block.src_start):
            if word_runs[block.dest_start + offset] < form_runs[block.src_start + offset]:
                return False
    return True


class FuzzyMatcher:
    """Near misses of one rule's long single-word terms, scored with rapidfuzz on candidate words only.

    Scores compare collapsed forms, so extra repeated letters cost nothing (`idiiiot`), but a letter
    doubled in the term must be doubled in the word as well (see `_keeps_doubles`), and words shorter
    than `_FUZZY_MIN_LETTERS` are never compared.
    """

    def __init__(self, rule_index: int, terms: Sequence[str], cutoff: int) -> None:
        self.rule = rule_index
        self.cutoff = max(0, min(100, cutoff))
        # Collapsed form -> the terms behind it with their run lengths ("conard" and "connard" share one).
        by_form: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for term in terms:
            spread = fold_parts(term.strip().casefold())[0].strip()
            letters = sum(char.isalpha() for char in spread)
            if letters >= _FUZZY_MIN_LETTERS and _WORD.fullmatch(spread):
                form, runs = run_profile(spread)
                by_form.setdefault(form.replace(AMBIGUOUS, "i"), []).append((term, runs))
        self._terms = by_form
        self._by_length: dict[int, list[str]] = {}
        ratio = self.cutoff / 100
        for form in by_form:
            for length in range(_FUZZY_MIN_LETTERS, 2 * len(form) + 2):
                # rapidfuzz ratio is at most 2*min/(a+b): skip words whose length alone rules a term out.
                if 2 * min(length, len(form)) >= ratio * (length + len(form)):
                    self._by_length.setdefault(length, []).append(form)
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def __bool__(self) -> bool:
        return bool(self._terms)

    def _candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """Term forms within the cutoff of `word`, best first (cached: the same words come back often)."""
        found = self._cache.get(word)
        if found is not None:
            return found
        choices = self._by_length.get(len(word), ())
        found = tuple(
            (form, float(score))
            for form, score, _ in process.extract(
                word, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None
            )
        )
        if len(self._cache) >= _FUZZY_CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = found
        return found

    def _best(self, word: str, runs: Sequence[int]) -> tuple[str, float] | None:
        for form, score in self._candidates(word):
            for term, form_runs in self._terms[form]:
                if _keeps_doubles(form, form_runs, word, runs):
                    return term, score
        return None

    def find(self, spread: str, folded: str) -> list[TermHit]:
        """Words of `folded` (the collapsed form of `spread`, see `fold_parts`) within the cutoff of a term."""
        hits: list[TermHit] = []
        seen: set[str] = set()
        lengths: dict[int, int] | None = None
        for match in _WORD.finditer(folded):
            word = match.group().replace(AMBIGUOUS, "i")
            if len(word) not in self._by_length:
                continue
            if word not in seen:
                if len(seen) >= _FUZZY_MAX_TOKENS:
                    break
                seen.add(word)
            if not self._candidates(word):
                continue
            if lengths is None:
                lengths = run_lengths(spread)
            start = match.start()
            runs = [lengths.get(start + offset, 1) for offset in range(len(word))]
            best = self._best(word, runs)
            if best is not None:
                hits.append(TermHit(self.rule, best[0], start, match.end(), best[1], fuzzy=True))
        return hits
