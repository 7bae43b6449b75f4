"""Accent- and case-folding with a map back to the original text, and the phrase templates of the disclosure checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

PLACEHOLDERS: dict[str, str] = {
    # A promo code: checked on the original text afterwards (see looks_like_code).
    "code": r"(?P<code>[a-z0-9][a-z0-9_-]{2,19})(?![\w-])",
    "n": r"\d+(?:[.,]\d+)?",
    # A sponsor as written: one to four short words, an optional @.
    "brand": r"(?P<brand>@?\w[\w.&'-]*(?:[ \t]+\w[\w.&'-]*){0,3}?)",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_APOSTROPHES = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "＃": "#", "＠": "@", "−": "-", "–": "-", "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
)


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text (lowercase, no accents) and, per folded character, its index in the original."""

    text: str
    origin: tuple[int, ...] | None  # None when folding kept every index (plain ASCII)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span `[start, end)`."""
        if self.origin is None:
            return start, end
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> Folded:
    """Fold `text` for matching: case-folded, accents removed, typographic apostrophes made plain."""
    if text.isascii():
        return Folded(text.lower(), None)
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return Folded("".join(parts), tuple(origin))


def fold_key(text: str) -> str:
    """The folded form of a short value (a label, a phrase, a role)."""
    return fold(text).text


def alnum_key(text: str) -> str:
    """Only the folded letters and digits: `Café-Lumière` and `cafe lumiere` give `cafelumiere`."""
    return "".join(c for c in fold_key(text) if c.isalnum())


def looks_like_code(text: str) -> bool:
    """Whether a word after "code" is a promo code (`LUMIERE20`, `ACME`, `vigie10`), not prose ("the code below")."""
    return any(c.isdigit() for c in text) or (text.isupper() and sum(c.isalpha() for c in text) >= 3)


def template_problem(template: str) -> str | None:
    """Why a phrase template cannot be used, or None."""
    names = _PLACEHOLDER.findall(template)
    for name in names:
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
            return f"expected only the placeholders {known}; got {{{name}}} in {template!r}"
        if names.count(name) > 1:
            return f"expected {{{name}}} at most once; got it {names.count(name)} times in {template!r}"
    stripped = _PLACEHOLDER.sub("", template)
    if "{" in stripped or "}" in stripped:
        return f"expected braces only around a placeholder such as {{code}}; got {template!r}"
    if sum(c.isalnum() for c in fold_key(stripped)) < 2:
        return f"expected words around the placeholders; got {template!r}"
    return None


def needle_of(template: str) -> str:
    """The longest folded word of a template's literal text: any text the template matches contains it."""
    words = re.findall(r"\w+", fold_key(_PLACEHOLDER.sub(" ", template)))
    return max(words, key=len) if words else ""


def template_regex(template: str) -> str:
    """The regular expression (over folded text) of a valid phrase template.

    Literal text is escaped, so a community manager's phrase can never be a hostile regex;
    spaces match any run of spaces and `%` may be preceded by a (non-breaking) space.
    """
    out: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        out.append(_literal(template[position : match.start()]))
        out.append(PLACEHOLDERS[match.group(1)])
        position = match.end()
    out.append(_literal(template[position:]))
    body = "".join(out)
    first, last = template[:1], template[-1:]
    if first.isalnum():
        # "#sponsorisé par" is the phrase too: only a letter or an @ right before it makes it another word.
        body = r"(?<![\w@])" + body
    if last.isalnum():
        body += r"(?!\w)"
    return body


def _literal(text: str) -> str:
    pieces: list[str] = []
    for char in fold_key(text):
        if char.isspace():
            if not pieces or pieces[-1] != r"\s+":
                pieces.append(r"\s+")
        elif char == "%":
            if pieces and pieces[-1] == r"\s+":
                pieces.pop()
            pieces.append(r"\s*%")
        else:
            pieces.append(re.escape(char))
    return "".join(pieces)
