"""Common words of the charter's languages (from wordfreq), folded once, to tell evasions from innocent words."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from bot.screening.normalize import Folding

log = logging.getLogger(__name__)

# wordfreq's "small" lists hold every word seen at least once per million words (Zipf >= 3): 25-35k words
# a language, about 6 MB in memory for two languages, loaded in about 0.1 s.
WORDLIST = "small"
_MAX_WORDS = 1_000_000


@lru_cache(maxsize=16)
def _raw_words(language: str) -> tuple[str, ...]:
    """The common words of one language, as wordfreq spells them (lower case); none for unknown languages."""
    import wordfreq  # imported on first use: a bot with no terms never pays for it

    if language not in wordfreq.available_languages(wordlist=WORDLIST):
        log.info("wordfreq has no %s list for %r; no common-word check in that language", WORDLIST, language)
        return ()
    return tuple(word for word in wordfreq.top_n_list(language, _MAX_WORDS, wordlist=WORDLIST) if word.isalpha())


class Lexicon:
    """Common words, folded like messages: collapsed forms to look up, spread forms grouped by first letter."""

    def __init__(self, words: Iterable[str], folding: Folding) -> None:
        collapsed: set[str] = set()
        spread: set[str] = set()
        by_first: dict[str, list[str]] = {}
        for word in words:
            parts = folding.parts(word)
            if not parts.folded.isalpha():
                continue
            collapsed.add(parts.folded)
            spread.add(parts.spread)
            by_first.setdefault(parts.spread[0], []).append(parts.spread)
        self.words = frozenset(collapsed)
        self.spread = frozenset(spread)  # as spelt, doubled letters kept: "assess" is not "asses"
        # One string per first letter, a word a line: a mask is fitted with one `re.search` over it.
        self._lines = {first: "\n".join(sorted(set(spreads))) for first, spreads in by_first.items()}

    def __contains__(self, folded_word: object) -> bool:
        return folded_word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def fitting(self, first: str, pattern: re.Pattern[str]) -> list[str]:
        """Common words (spread form) that start with `first` and match `pattern` (a `^...$` multi-line regex)."""
        return pattern.findall(self._lines.get(first, ""))


@lru_cache(maxsize=16)
def lexicon_for(languages: Sequence[str], distinct: str) -> Lexicon:
    """The common words of these languages, folded with these distinct letters (built once per process)."""
    words: set[str] = set()
    for language in languages:
        words.update(_raw_words(language))
    lexicon = Lexicon(words, Folding(distinct))
    log.debug("lexicon for %s: %s common words", ",".join(languages), len(lexicon))
    return lexicon
