"""Evasion folding for screening: one matching form of a text, plus a map back to the original characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from bot.screening.homoglyphs import latin_lookalikes
from bot.screening.markup import HINT as MARKUP_HINT
from bot.screening.markup import may_hold_markup, read_through_map

AMBIGUOUS = "I"
"""Stands for `1`, `|`, `!` inside a word and for a capital `I`: each could be an i or an l.

No other upper-case ASCII letter survives folding, so the placeholder cannot clash with text."""

AT = "A"
"""Stands for `@` inside a word: an a (`@ss`) or an o (`C@ck`). Terms spell it out, see `PLACEHOLDERS`."""

PLACEHOLDERS = {AMBIGUOUS: "il", AT: "ao"}
"""Each placeholder and the letters it can stand for; nothing else in a folded text is upper-case."""

_CACHE_LIMIT = 65_536  # distinct non-ASCII code points remembered; hostile text cannot grow it further
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cc", "Cs"})  # marks, zero-width/bidi, controls, surrogates
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers render as nothing
_BLANKS = frozenset("\u2800")  # Braille blank renders as a space
_ASCII_SPACES = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
_LOOKALIKES = latin_lookalikes()


def _fold_ascii(char: str) -> str:
    if char in _ASCII_SPACES:
        return " "
    if char == "I":
        return AMBIGUOUS  # a capital i is also how a lower-case L is drawn ("Iol", "ILL")
    if ord(char) < 32 or ord(char) == 127:
        return ""
    return char.lower()


def _fold_other(char: str) -> str:
    if char in _INVISIBLE_LETTERS or unicodedata.category(char) in _DROPPED_CATEGORIES:
        return ""
    if char in _BLANKS or char.isspace():
        return " "
    latin = _LOOKALIKES.get(char)
    if latin is not None:
        return latin
    # Case folding can itself produce combining marks (İ -> i + dot above), hence the second NFKD.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    out: list[str] = []
    for part in decomposed:
        if part.isascii():
            out.append(_fold_ascii(part))
        elif part in _BLANKS or part.isspace():
            out.append(" ")
        elif part not in _INVISIBLE_LETTERS and unicodedata.category(part) not in _DROPPED_CATEGORIES:
            out.append(_LOOKALIKES.get(part, part))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """`str.translate` table that folds non-ASCII characters on first sight and remembers them (bounded).

    Letters in `distinct` are kept as they are (lower-cased): `ñ` stays `ñ` for a Spanish community.
    """

    def __init__(self, distinct: frozenset[str] = frozenset()) -> None:
        super().__init__({code: _fold_ascii(chr(code)) for code in range(128)})
        for letter in distinct:
            for variant in {letter, letter.upper(), letter.lower()}:
                if len(variant) == 1:
                    self[ord(variant)] = letter
        if "ß" in distinct:
            self[ord("ẞ")] = "ß"

    def __missing__(self, code: int) -> str:
        folded = _fold_other(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = folded
        return folded


_TABLE = _FoldTable()

# `!` and `|` end sentences and draw tables too often to count as letters when joining spaced-out words.
_WORDISH = r"(?:[^\W_]|[$@€])"
_SEP = r"[ .\-_*·•,~/\\+=^:;]"
_CHAIN = re.compile(rf"(?<!{_WORDISH}){_WORDISH}({_SEP}{{1,3}}){_WORDISH}(?:\1{_WORDISH})+(?!{_WORDISH})")
# Any chain of three holds "separator, single char, separator, single char"; this starts with a
# character class, which the regex engine scans much faster than a pattern opening with a lookbehind.
_CHAIN_HINT = re.compile(rf"{_SEP}{_WORDISH}{_SEP}{{1,3}}{_WORDISH}(?!{_WORDISH})")

_LEET_READINGS = {
    "4": "a",
    "@": AT,
    "3": "e",
    "€": "e",
    "0": "o",
    "1": AMBIGUOUS,
    "|": AMBIGUOUS,
    "!": AMBIGUOUS,
    "5": "s",
    "$": "s",
    "7": "t",
    "8": "b",
    "9": "g",
}
_LEET = str.maketrans(_LEET_READINGS | {"(": "c"})
_LEET_IN_PARENS = str.maketrans(_LEET_READINGS)  # "moron(s)": a bracket that closes is a bracket, not a c
_LEET_ANY = re.compile(r"[01345789@€|!$(]")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCT = "!|("  # "idiot!" ends a sentence, "(hi" opens one; only inside a word are they letters
_RUN = re.compile(r"(.)\1+", re.DOTALL)
# Deleting every character that equals the next one is the same collapse as `_RUN`, about twice as fast.
_REPEAT = re.compile(r"(.)(?=\1)", re.DOTALL)


def fold_chars(text: str) -> str:
    """Step 1 only: case, compatibility forms, diacritics, look-alikes, invisible characters, spaces."""
    return text.translate(_TABLE)


def fold_chars_map(text: str, table: dict[int, str] = _TABLE) -> tuple[str, list[int]]:
    """`fold_chars(text)` and, for each of its characters, the index of the original character it came from."""
    folded = text.translate(table)
    if len(folded) == len(text) and text.isascii():
        return folded, list(range(len(text)))
    source: list[int] = []
    for index, char in enumerate(text):
        source.extend([index] * len(table[ord(char)]))
    return folded, source


class CharFold:
    """A message next to its step-1 fold, for matchers that read links, addresses and numbers.

    Folding the characters sees through fullwidth punctuation, look-alike letters and zero-width
    characters; spans found in `folded` are mapped back to `text`, building the map only when asked.
    ASCII text is used as is: step 1 would only change its case.
    """

    __slots__ = ("_source", "folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = text if text.isascii() else text.translate(_TABLE)
        self._source: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original `[start, end)` of non-empty folded `[start, end)`."""
        if self.folded is self.text:
            return start, end
        if self._source is None:
            self._source = fold_chars_map(self.text)[1]
        return self._source[start], self._source[end - 1] + 1

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Non-empty matches of `pattern` in the folded text; `span()` gives their place in the original."""
        for match in pattern.finditer(self.folded):
            if match.end() > match.start():
                yield match


def _join_chain(match: re.Match[str]) -> str:
    return match.group().replace(match.group(1), "")


def _join(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Spaced-out letters joined, and where each joined run sits in the result."""
    if _CHAIN_HINT.search(text) is None:
        return text, ()
    parts: list[str] = []
    runs: list[tuple[int, int]] = []
    done = 0
    size = 0
    for match in _CHAIN.finditer(text):
        parts.append(text[done : match.start()])
        size += match.start() - done
        joined = _join_chain(match)
        parts.append(joined)
        runs.append((size, size + len(joined)))
        size += len(joined)
        done = match.end()
    parts.append(text[done:])
    return "".join(parts), tuple(runs)


def _leet_token(token: str) -> str:
    if _LETTER.search(token) is None:
        return token
    lead = len(token) - len(token.lstrip(_EDGE_PUNCT))
    trail = len(token) - len(token.rstrip(_EDGE_PUNCT))
    table = _LEET_IN_PARENS if ")" in token else _LEET
    return token[:lead] + token[lead : len(token) - trail].translate(table) + token[len(token) - trail :]


def _leet(text: str) -> str:
    """Leetspeak inside space-separated tokens that hold a letter; one character for one character."""
    hit = _LEET_ANY.search(text)
    if hit is None:
        return text
    parts: list[str] = []
    done = 0
    while hit is not None:
        start = text.rfind(" ", done, hit.start()) + 1 or done
        end = text.find(" ", hit.start())
        if end < 0:
            end = len(text)
        parts.append(text[done:start])
        parts.append(_leet_token(text[start:end]))
        done = end
        hit = _LEET_ANY.search(text, end)
    parts.append(text[done:])
    return "".join(parts)


def collapse_runs(text: str) -> str:
    """Step 5: every run of one character becomes a single character."""
    return _REPEAT.sub("", text)


class Folded(NamedTuple):
    """A text folded for matching.

    `spread` has runs of one character kept, `folded` collapses them (`run_lengths` relates the two), and
    `joined` holds the `[start, end)` in `spread` of every run of spaced-out letters that was joined.
    """

    spread: str
    folded: str
    joined: tuple[tuple[int, int], ...] = ()


def run_lengths(spread: str) -> dict[int, int]:
    """For the first output of `fold_parts`: collapsed position -> run length, for runs longer than one."""
    lengths: dict[int, int] = {}
    removed = 0
    for match in _RUN.finditer(spread):
        start, end = match.span()
        lengths[start - removed] = end - start
        removed += end - start - 1
    return lengths


def run_profile(spread: str) -> tuple[str, tuple[int, ...]]:
    """Collapse `spread` and give the length of the run behind every collapsed character (for terms)."""
    lengths = run_lengths(spread)
    collapsed = collapse_runs(spread)
    return collapsed, tuple(lengths.get(index, 1) for index in range(len(collapsed)))


def is_word_char(char: str) -> bool:
    """Letters and digits of any script, and the placeholders: what a whole word is made of."""
    return char.isalnum()


@dataclass(frozen=True, slots=True)
class FoldMap:
    """The matching form of a text with, for every character, the original span it stands for."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original `[start, end)` covered by folded `[start, end)`; never empty when the folded span is not."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"folded span {start}:{end} outside 0:{len(self.text)}")
        return self.starts[start], self.ends[end - 1]


def _join_map(text: str, source: list[int]) -> tuple[str, list[int]]:
    if _CHAIN_HINT.search(text) is None:
        return text, source
    keep: list[int] = []
    done = 0
    for match in _CHAIN.finditer(text):
        keep.extend(source[done : match.start()])
        step = 1 + len(match.group(1))
        keep.extend(source[match.start() : match.end() : step])
        done = match.end()
    keep.extend(source[done:])
    return _CHAIN.sub(_join_chain, text), keep


def _compositions(distinct: frozenset[str]) -> dict[str, str]:
    """Decomposed spellings of the distinct letters (`n` + combining tilde), so they cannot slip through."""
    found: dict[str, str] = {}
    for letter in distinct:
        for variant in {letter, letter.upper()}:
            decomposed = unicodedata.normalize("NFD", variant)
            if decomposed != variant and len(variant) == 1:
                found[decomposed] = letter
    return found


class Folding:
    """How one community's messages and terms are folded; `distinct` letters are never merged with others.

    1. markup is read through as the reader sees it (`markup.read_through_map`): entities, tags, markdown;
    2. per character (one `str.translate`): case, compatibility forms (fullwidth, mathematical, circled),
       diacritics, look-alikes from other scripts and decorated Latin letters, small capitals, zero-width and
       bidi controls, spaces. A letter in `distinct` (`ñ` in Spanish) is only lower-cased;
    3. spaced-out letters are joined: three or more single characters with the same separator between
       them (`s.p.a.m`, `c o n`, `s-p-a-m`), never longer words, so sentences stay apart;
    4. leetspeak inside words that hold a letter (`c0n`, `$hit`); bare numbers such as `2024` stay digits.
       `1`, `|`, `!` and a capital `I` could be an i or an l: they become `AMBIGUOUS`; `@` could be an a or
       an o: it becomes `AT`. Terms expand both, see `PLACEHOLDERS`;
    5. runs of one character collapse (`spaaaam` -> `spam`); `run_lengths` keeps what was collapsed, so
       a matcher can still tell `as` from `ass`.

    `with_map` rebuilds the same string with the original span of every character; it is slower and only
    needed once something matched.
    """

    def __init__(self, distinct: str = "") -> None:
        self.distinct = frozenset(distinct)
        self._table = _FoldTable(self.distinct) if self.distinct else _TABLE
        compositions = _compositions(self.distinct)
        self._compose_to = compositions
        self._compose = (
            re.compile("|".join(re.escape(key) for key in sorted(compositions, key=len, reverse=True)))
            if compositions
            else None
        )

    def chars(self, text: str) -> str:
        """Step 2 only."""
        return text.translate(self._table)

    def _compose_map(self, text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
        if self._compose is None or text.isascii() or self._compose.search(text) is None:
            return text, starts, ends
        out: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        done = 0
        for match in self._compose.finditer(text):
            out.append(text[done : match.start()])
            new_starts.extend(starts[done : match.start()])
            new_ends.extend(ends[done : match.start()])
            out.append(self._compose_to[match.group()])
            new_starts.append(starts[match.start()])
            new_ends.append(ends[match.end() - 1])
            done = match.end()
        out.append(text[done:])
        new_starts.extend(starts[done:])
        new_ends.extend(ends[done:])
        return "".join(out), new_starts, new_ends

    def view(self, text: str) -> str:
        """Step 1: the text as its reader sees it."""
        if may_hold_markup(text):
            text = read_through_map(text)[0]
        if self._compose is not None and not text.isascii():
            text = self._compose.sub(lambda match: self._compose_to[match.group()], text)
        return text

    def view_map(self, text: str) -> tuple[str, list[int], list[int]] | None:
        """Step 1 with the original `[start, end)` of each character, or None when the text reads as written."""
        if self._compose is None and not may_hold_markup(text):
            return None
        changed = False
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
        if may_hold_markup(text):
            read, starts, ends = read_through_map(text)
            changed = read != text
            text = read
        composed, starts, ends = self._compose_map(text, starts, ends)
        if composed == text and not changed:
            return None
        return composed, starts, ends

    def parts(self, text: str, *, markup: bool = True) -> Folded:
        """Steps 1-5: see the class. `markup=False` skips step 1 for text known to hold no markup."""
        if markup and (self._compose is not None or MARKUP_HINT.search(text) is not None):
            text = self.view(text)
        chars = text.translate(self._table)
        runs: tuple[tuple[int, int], ...] = ()
        if _CHAIN_HINT.search(chars) is not None:
            chars, runs = _join(chars)
        spread = _leet(chars)
        # tuple.__new__ skips the generated __new__ of the named tuple: this runs on every message.
        return tuple.__new__(Folded, (spread, _REPEAT.sub("", spread), runs))

    def with_map(self, text: str) -> FoldMap:
        """Same matching form as `parts(text).folded`, with the original span of each character."""
        viewed = self.view_map(text)
        view = text if viewed is None else viewed[0]
        chars, source = fold_chars_map(view, self._table)
        joined, source = _join_map(chars, source)
        spread = _leet(joined)
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for match in _RUN.finditer(spread):
            start, end = match.span()
            starts.extend(source[done:start])
            ends.extend(index + 1 for index in source[done:start])
            starts.append(source[start])
            ends.append(source[end - 1] + 1)
            done = end
        starts.extend(source[done:])
        ends.extend(index + 1 for index in source[done:])
        if viewed is not None:
            view_starts, view_ends = viewed[1], viewed[2]
            starts = [view_starts[index] for index in starts]
            ends = [view_ends[index - 1] for index in ends]
        return FoldMap(collapse_runs(spread), tuple(starts), tuple(ends))


DEFAULT = Folding()


def fold_parts(text: str) -> tuple[str, str]:
    """The text after steps 1-4 (runs kept) and the full matching form (runs collapsed), default folding."""
    folded = DEFAULT.parts(text)
    return folded.spread, folded.folded


def fold(text: str) -> str:
    """The matching form of `text` under the default folding (see `Folding`); terms fold the same way."""
    return DEFAULT.parts(text).folded


def fold_with_map(text: str) -> FoldMap:
    """`DEFAULT.with_map(text)`: the matching form with the original span of each character."""
    return DEFAULT.with_map(text)
