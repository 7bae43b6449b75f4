"""Charter terms: one Aho-Corasick pass over the folded text with whole-word checks, then a bounded fuzzy stage."""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from bot.screening.languages import INFLECTION_MIN_LETTERS, SUFFIXES
from bot.screening.normalize import AMBIGUOUS, AT, DEFAULT, Folded, Folding, run_lengths, run_profile

log = logging.getLogger(__name__)

_MAX_AMBIGUOUS = 6  # i/l positions expanded per spelling: at most 3**6 automaton keys for one spelling
_MAX_KEYS_PER_SPELLING = 729
PLURAL_MIN_LETTERS = INFLECTION_MIN_LETTERS  # kept for callers of the old name
PLURALS = frozenset({"s", "es", "x"})  # a plural of an insult is the insult: the rule applies as written
_ALL_SUFFIXES = tuple(sorted({s for group in SUFFIXES.values() for s in group}, key=lambda s: (-len(s), s)))
_MAX_RUN_CHECK = 48  # longest joined run whose inner words are checked against the lexicon
# For terms and for the words compared with them: short words have too many innocent neighbours
# ("morn" is one letter away from "moron", "itch" from "bitch").
_FUZZY_MIN_LETTERS = 5
_FUZZY_CACHE_LIMIT = 50_000
_FUZZY_MAX_TOKENS = 2_000  # distinct words examined per message; exact matching still sees everything
_WORD = re.compile(r"[^\W_]+")
# The i/l placeholder stands for `1 | ! I` in a message; a term's i or l also matches it.
_PLACEHOLDER_READINGS = {"i": ("i", AMBIGUOUS), "l": ("l", AMBIGUOUS), AMBIGUOUS: ("i", "l", AMBIGUOUS)}
# Term letter, and the real letter a message may write instead: "dlck", "bltch", "fvck".
_SUBSTITUTES = (("i", "l"), ("u", "v"))


@dataclass(frozen=True, slots=True)
class TermHit:
    """A term found in the folded text: `[start, end)` indexes the folded text, not the original.

    `sure` is false when the match could be an innocent word (an inflection that is a common word, a short
    term inside spaced-out letters, a masked word with several readings): the rule's action becomes a review.
    """

    rule: int  # index of the rule in the charter
    term: str
    start: int
    end: int
    score: float = 100.0
    fuzzy: bool = False  # a near miss, scored by rapidfuzz on the collapsed forms
    sure: bool = True


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one automaton key stands for."""

    length: int
    needs: tuple[tuple[int, int], ...]  # (offset, minimum run): letters doubled in the term
    left: bool  # whole-word check on the left / right
    right: bool
    inflect: bool  # inflection suffixes may follow
    substituted: bool  # the key reads a real letter as another one ("dlck" for "dick")
    form: bool  # an explicit form, matched as written: "assess" is not the form "asses"
    term_id: int


def _placeholder_variants(spread: str) -> Iterator[str]:
    """The spelling with each i/l also written as the `AMBIGUOUS` placeholder (`1`, `|`, `!` in a text)."""
    options: list[tuple[str, ...]] = []
    expanded = 0
    for char in spread:
        readings = _PLACEHOLDER_READINGS.get(char)
        if readings is not None and expanded < _MAX_AMBIGUOUS:
            options.append(readings)
            expanded += 1
        else:
            options.append((char,))
    for combo in itertools.product(*options):
        yield "".join(combo)


def _variants(spread: str) -> dict[str, bool]:
    """Every key for one spelling, and whether it reads a real letter as another (`dlck`, `fvck`).

    A message may write every i of a word as an l or every u as a v; each such spelling, and the term's own,
    then gets its i/l placeholders. Keys of the term's own spelling win over the swapped ones.
    """
    spellings = [(spread, False)]
    for letter, other in _SUBSTITUTES:
        spellings += [(spelling.replace(letter, other), True) for spelling, _ in spellings if letter in spelling]
    keys: dict[str, bool] = {}
    for spelling, swapped in spellings:
        for key in itertools.islice(_placeholder_variants(spelling), _MAX_KEYS_PER_SPELLING):
            keys[key] = keys.get(key, True) and swapped
    return keys


def term_spread(folding: Folding, term: str) -> str:
    """A charter term folded as messages are, runs kept; `@` in a term is an a."""
    # Case-folded first: a capital I in a charter term is an i, not an ambiguous letter.
    return folding.parts(term.strip().casefold()).spread.strip().replace(AT, "a")


def _inflects(spread: str) -> bool:
    """True when the folded term ends with a word of at least `INFLECTION_MIN_LETTERS` letters."""
    if not spread or not spread[-1].isalpha():
        return False
    letters = 0
    for char in reversed(spread):
        if not char.isalnum():
            return False
        letters += char.isalpha()
        if letters >= INFLECTION_MIN_LETTERS:
            return True
    return False


def _suffix_end(folded: str, at: int, suffixes: Sequence[str]) -> tuple[int, str]:
    """End of an inflection suffix that starts at `at` and ends the word, and the suffix; (-1, "") if none."""
    for suffix in suffixes:
        if folded.startswith(suffix, at):
            stop = at + len(suffix)
            if stop == len(folded) or not folded[stop].isalnum():
                return stop, suffix
    return -1, ""


def word_at(folded: str, start: int, end: int) -> tuple[int, int]:
    """The whole word of `folded` around `[start, end)`."""
    while start > 0 and folded[start - 1].isalnum():
        start -= 1
    while end < len(folded) and folded[end].isalnum():
        end += 1
    return start, end


def plain(word: str) -> str:
    """A folded word with its placeholders read as their first letter, to look it up among common words."""
    return word.replace(AMBIGUOUS, "i").replace(AT, "a")


class _Context:
    """Per-message values the matcher computes only when a hit needs them."""

    __slots__ = ("_lengths", "_starts", "text")

    def __init__(self, text: Folded) -> None:
        self.text = text
        self._lengths: dict[int, int] | None = None
        self._starts: list[int] | None = None

    @property
    def lengths(self) -> dict[int, int]:
        if self._lengths is None:
            self._lengths = run_lengths(self.text.spread)
        return self._lengths

    def _spread_starts(self) -> list[int]:
        if self._starts is None:
            lengths = self.lengths
            starts: list[int] = []
            position = 0
            for index in range(len(self.text.folded)):
                starts.append(position)
                position += lengths.get(index, 1)
            self._starts = starts
        return self._starts

    def collapsed(self, spread_index: int) -> int:
        """The collapsed position of a spread position."""
        return bisect.bisect_left(self._spread_starts(), spread_index)

    def spread_index(self, collapsed_index: int) -> int:
        """Where a collapsed position starts in the spread text."""
        return self._spread_starts()[collapsed_index]


class TermMatcher:
    """All the charter's terms in one automaton, built once per charter.

    With `inflections` (the default), a term whose last word has `INFLECTION_MIN_LETTERS` letters or more also
    matches with a suffix of the charter's languages added (`connard` -> `connards`, `fuck` -> `fucker`):
    plurals apply the rule, other endings that make a common word (`cocked`) go to review. The suffix is
    checked at the word edge, so it costs no automaton keys. `forms` lists, per term, explicit forms that
    match exactly as written (`ass` -> `asses`), with the rule's action.

    `common` holds the common words of the community's languages, folded: it keeps innocent words innocent
    where a reading is a guess (`pls` is not `pis` read with an l for the i).
    """

    def __init__(
        self,
        terms_by_rule: Sequence[Sequence[str]],
        *,
        inflections: bool = True,
        folding: Folding = DEFAULT,
        forms_by_rule: Sequence[Mapping[str, Sequence[str]]] = (),
        suffixes: Sequence[str] = _ALL_SUFFIXES,
        common: frozenset[str] | None = None,
        common_spread: frozenset[str] | None = None,
    ) -> None:
        self._terms: list[tuple[str, int]] = []
        self._suffixes = tuple(suffixes)
        self._common = common or frozenset()
        self._common_spread = common_spread or frozenset()
        self.forms: set[str] = set()  # collapsed forms of every term and explicit form, never "common"
        self._form_spreads: set[str] = set()
        self.spreads: list[tuple[str, int, bool]] = []  # (spread form, term id, inflects) of one-word spellings
        keys: dict[str, set[_Entry]] = {}
        for rule_index, terms in enumerate(terms_by_rule):
            forms = forms_by_rule[rule_index] if rule_index < len(forms_by_rule) else {}
            for term in terms:
                spread = term_spread(folding, term)
                if not spread:
                    log.warning("term %r folds to nothing and is ignored", term)
                    continue
                term_id = len(self._terms)
                self._terms.append((term, rule_index))
                self._add(keys, spread, term_id, inflections and _inflects(spread), form=False)
                for form in forms.get(term, ()):
                    form_spread = term_spread(folding, form)
                    if form_spread:
                        self._add(keys, form_spread, term_id, False, form=True)
        self._automaton: ahocorasick.Automaton | None = None
        if keys:
            automaton = ahocorasick.Automaton()
            for key, entries in keys.items():
                automaton.add_word(key, tuple(sorted(entries, key=lambda e: (e.term_id, e.length, e.substituted))))
            automaton.make_automaton()
            self._automaton = automaton
        self.size = len(keys)

    def _add(self, keys: dict[str, set[_Entry]], spread: str, term_id: int, inflect: bool, *, form: bool) -> None:
        self.forms.add(run_profile(spread)[0])
        self._form_spreads.add(spread)
        if _WORD.fullmatch(spread):
            self.spreads.append((spread, term_id, inflect))
        for variant, swapped in _variants(spread).items():
            key, runs = run_profile(variant)
            needs = tuple((offset, run) for offset, run in enumerate(runs) if run > 1)
            entry = _Entry(len(key), needs, key[0].isalnum(), key[-1].isalnum(), inflect, swapped, form, term_id)
            keys.setdefault(key, set()).add(entry)

    @property
    def count(self) -> int:
        """How many charter terms the matcher holds."""
        return len(self._terms)

    def term(self, term_id: int) -> tuple[str, int]:
        """The charter term and rule index of a term id."""
        return self._terms[term_id]

    def is_common(self, word: str) -> bool:
        """A common word of the community's languages that is not one of the charter's terms or forms."""
        word = plain(word)
        return word in self._common and word not in self.forms

    def find(self, text: Folded) -> list[TermHit]:
        """Hits of any term in `text.folded`, whole words only except inside joined runs of spaced letters."""
        if self._automaton is None:
            return []
        folded = text.folded
        if AT not in folded:
            return self._find(text, folded)
        # "@" reads as an a or an o: one pass per reading, spans are the same in both.
        hits = self._find(text, folded.replace(AT, "a"))
        seen = {(hit.start, hit.end, hit.term) for hit in hits}
        hits += [hit for hit in self._find(text, folded.replace(AT, "o")) if (hit.start, hit.end, hit.term) not in seen]
        hits.sort(key=lambda hit: (hit.start, hit.end))
        return hits

    def _find(self, text: Folded, folded: str) -> list[TermHit]:
        assert self._automaton is not None
        hits: list[TermHit] = []
        context: _Context | None = None
        last = len(folded) - 1
        for end, entries in self._automaton.iter(folded):
            for entry in entries:
                start = end - entry.length + 1
                stop = end + 1
                sure = True
                inside = (entry.left and start > 0 and folded[start - 1].isalnum()) or (
                    entry.right and end < last and folded[stop].isalnum()
                )
                if inside:
                    if context is None:
                        context = _Context(text)
                    outcome = self._edges(context, folded, entry, start, stop)
                    if outcome is None:
                        continue
                    stop, sure = outcome
                if context is None:
                    context = _Context(text)
                lengths = context.lengths
                # Letters doubled in the term must be at least as long in the text: "as" is not "ass".
                if entry.needs and any(lengths.get(start + offset, 1) < run for offset, run in entry.needs):
                    continue
                if entry.form and lengths:
                    # Longer runs than a form's are an evasion ("assses") unless they spell a common word
                    # ("assess" is not the form "asses").
                    runs = dict(entry.needs)
                    stretched = any(lengths.get(start + o, 1) > runs.get(o, 1) for o in range(entry.length))
                    if stretched and self._common_as_spelt(context, folded, start, stop):
                        continue
                if entry.substituted and self.is_common(folded[slice(*word_at(folded, start, stop))]):
                    continue  # "pls" is a word, not "pis" with an l for the i
                term, rule_index = self._terms[entry.term_id]
                hits.append(TermHit(rule_index, term, start, stop, sure=sure))
        return hits

    def _common_as_spelt(self, context: _Context, folded: str, start: int, stop: int) -> bool:
        begin, end = word_at(folded, start, stop)
        first = context.spread_index(begin)
        last = context.spread_index(end - 1) + context.lengths.get(end - 1, 1)
        word = plain(context.text.spread[first:last])
        return word in self._common_spread and word not in self._form_spreads

    def _edges(self, context: _Context, folded: str, entry: _Entry, start: int, stop: int) -> tuple[int, bool] | None:
        """A hit that is not a whole word: an inflection, a term inside a joined run, or nothing (None)."""
        left_ok = not (entry.left and start > 0 and folded[start - 1].isalnum())
        if left_ok and entry.inflect:
            end, suffix = _suffix_end(folded, stop, self._suffixes)
            if end >= 0:
                return end, suffix in PLURALS or not self.is_common(folded[start:end])
        if context.text.joined:
            return self._in_run(context, folded, entry, start, stop)
        return None

    def _in_run(self, context: _Context, folded: str, entry: _Entry, start: int, stop: int) -> tuple[int, bool] | None:
        """`y o u m o r o n`: a term inside a run of joined letters counts unless a common word there holds it."""
        for run_start, run_end in context.text.joined:
            begin = context.collapsed(run_start)
            finish = context.collapsed(run_end)
            if not begin <= start < stop <= finish:
                continue
            if finish - begin > _MAX_RUN_CHECK:
                return None
            for left in range(begin, start + 1):
                for right in range(stop, finish + 1):
                    if (left, right) != (start, stop) and self.is_common(folded[left:right]):
                        return None
            letters = sum(char.isalpha() for char in folded[start:stop])
            return stop, letters >= INFLECTION_MIN_LETTERS
        return None


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

    def __init__(self, rule_index: int, terms: Sequence[str], cutoff: int, folding: Folding = DEFAULT) -> None:
        self.rule = rule_index
        self.cutoff = max(0, min(100, cutoff))
        # Collapsed form -> the terms behind it with their run lengths ("conard" and "connard" share one).
        by_form: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for term in terms:
            spread = term_spread(folding, term)
            letters = sum(char.isalpha() for char in spread)
            if letters >= _FUZZY_MIN_LETTERS and _WORD.fullmatch(spread):
                form, runs = run_profile(spread)
                by_form.setdefault(plain(form), []).append((term, runs))
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
            word = match.group()
            if len(word) not in self._by_length:
                continue
            word = plain(word)
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
