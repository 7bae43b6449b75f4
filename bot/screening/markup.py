"""Markup read-through: HTML entities and tags, Discord markdown and escapes inside words, as the reader sees them."""

from __future__ import annotations

import html
import re

# Slack sends `&amp; &lt; &gt;`; `&#105;` and `&eacute;` spell letters on any platform.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,200})?/?>"
# Doubled emphasis, spoilers, strike-through and inline code, from Discord and Slack markdown. A single `*` or
# `_` is left alone: inside a word it is far more often a mask (`f*ck`) than emphasis.
_DELIMITER = r"\*{2,3}|_{2,3}|~~|\|\||`{1,3}"
_INSIDE = re.compile(
    rf"(?P<tag>{_TAG})|(?P<escape>\\(?=[^\w\s]))|(?P<open>{_DELIMITER})(?P<inner>[^\s*_~|`]{{1,64}}?)(?P=open)"
)
HINT = re.compile(r"&[#A-Za-z]|<[/A-Za-z]|\\[^\w\s]|\*\*|__|~~|\|\||`")
"""Every text that `read_through` may change holds a match of this (cheap to scan for)."""
_PASSES = 3  # nested markup (`f**__u__**ck`) is peeled one layer per pass


_MARKS = frozenset("*_~|`")


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalnum()


def _word_beyond_marks(text: str, index: int, step: int) -> bool:
    """Is the first character from `index` on (going by `step`) that is not a markdown mark a word character?"""
    while 0 <= index < len(text) and text[index] in _MARKS:
        index += step
    return _word_char(text, index)


class _Edits:
    """Builds an edited text and, for each of its characters, the original span it stands for."""

    __slots__ = ("ends", "parts", "starts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def keep(self, text: str, starts: list[int], ends: list[int], begin: int, stop: int) -> None:
        self.parts.append(text[begin:stop])
        self.starts.extend(starts[begin:stop])
        self.ends.extend(ends[begin:stop])

    def put(self, replacement: str, start: int, end: int) -> None:
        self.parts.append(replacement)
        self.starts.extend([start] * len(replacement))
        self.ends.extend([end] * len(replacement))

    def text(self) -> str:
        return "".join(self.parts)


def _entities(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    edits = _Edits()
    done = 0
    for match in _ENTITY.finditer(text):
        decoded = html.unescape(match.group())
        if decoded == match.group():
            continue
        edits.keep(text, starts, ends, done, match.start())
        edits.put(decoded, starts[match.start()], ends[match.end() - 1])
        done = match.end()
    if not done:
        return text, starts, ends
    edits.keep(text, starts, ends, done, len(text))
    return edits.text(), edits.starts, edits.ends


def _inside_words(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """One pass: markup that touches a letter or digit on at least one side is read through."""
    edits = _Edits()
    done = 0
    changed = False
    for match in _INSIDE.finditer(text):
        if not (_word_beyond_marks(text, match.start() - 1, -1) or _word_beyond_marks(text, match.end(), 1)):
            continue
        if match.group("escape") is not None and not _word_char(text, match.start() - 1):
            continue  # `\*` only hides markup inside a word
        edits.keep(text, starts, ends, done, match.start())
        if match.group("inner") is not None:
            edits.keep(text, starts, ends, match.start("inner"), match.end("inner"))
        done = match.end()
        changed = True
    if not changed:
        return text, starts, ends
    edits.keep(text, starts, ends, done, len(text))
    return edits.text(), edits.starts, edits.ends


def may_hold_markup(text: str) -> bool:
    """Cheap test: could `read_through` change this text?"""
    return HINT.search(text) is not None


def read_through_map(text: str) -> tuple[str, list[int], list[int]]:
    """The text as a reader sees it and, per character, the `[start, end)` of the original it stands for.

    Entities are decoded first (Slack escapes `<` as `&lt;`), then, inside words only, HTML tags are dropped
    (`a<br>ss`, `f<b>u</b>ck`), a backslash before a symbol is dropped (`f\\*ck` reads `f*ck`) and paired
    markdown delimiters are peeled (`f**u**ck`, `f||u||ck`, `f~~u~~ck`, ``f`u`ck``). Markup between words
    is left as it is: the folding already treats it as a separator.
    """
    starts = list(range(len(text)))
    ends = list(range(1, len(text) + 1))
    if "&" in text:
        text, starts, ends = _entities(text, starts, ends)
    for _ in range(_PASSES):
        before = len(text)
        text, starts, ends = _inside_words(text, starts, ends)
        if len(text) == before:
            break
    return text, starts, ends


def read_through(text: str) -> str:
    """`read_through_map(text)[0]`, skipping the work for text with no markup at all."""
    if HINT.search(text) is None:
        return text
    return read_through_map(text)[0]
