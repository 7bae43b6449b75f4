"""Value checks for charter matchers: terms, RE2 patterns, explanation templates and domains."""

from __future__ import annotations

import difflib
import re
import string
import unicodedata

import re2

ALLOWED_PLACEHOLDERS: tuple[str, ...] = ("appeal", "case", "clause", "title", "window_days")
"""The only `$names` an explanation template may use (filled in by bot.explain)."""

MAX_PATTERN_LENGTH = 500
MAX_PATTERNS = 200
MAX_TERM_LENGTH = 100
MAX_TERMS = 1000
FUZZY_MIN_LETTERS = 5
_PROBES = ("", "hello world", "Bonjour à tous !")

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_INVITE = re.compile(r"^[A-Za-z0-9-]{2,32}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}$")


def fold(text: str) -> str:
    """A term as matching sees it: compatibility-normalised, case-folded, accents and invisibles removed.

    Only used to decide whether a term is usable; the screening engine folds messages itself.
    """
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    kept = (c for c in decomposed if unicodedata.category(c) not in {"Mn", "Me", "Cf", "Cc"})
    return " ".join("".join(kept).split())


def letters(text: str) -> int:
    """How many letters the folded text holds (digits, spaces and symbols do not count)."""
    return sum(1 for c in fold(text) if c.isalpha())


def term_problem(term: str) -> str | None:
    """Why a term cannot be used, or None."""
    if len(term) > MAX_TERM_LENGTH:
        return f"expected a term of at most {MAX_TERM_LENGTH} characters; got {len(term)} characters"
    if not fold(term).strip():
        return f"expected a word or phrase; got {term!r}, which is empty once invisible characters are removed"
    if letters(term) < 2:
        return f"expected a term of at least 2 letters; got {term!r}"
    return None


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # we report the error ourselves, with the file and line
    return options


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 refuses a pattern (not linear-time, malformed, too big), or None."""
    shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"expected a pattern of at most {MAX_PATTERN_LENGTH} characters; got {len(pattern)} characters"
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return (
            f"expected a pattern that runs in linear time (no backreferences, lookahead, lookbehind "
            f"or atomic groups); got '{shown}', refused by RE2: {reason}"
        )
    for probe in _PROBES:
        found = compiled.search(probe)
        if found is not None and found.end() == found.start():
            return f"expected a pattern that needs some text to match; got '{shown}', which matches empty text"
    return None


def template_problems(text: str) -> list[str]:
    """Every placeholder in a `$`-template that is not one of ALLOWED_PLACEHOLDERS.

    string.Template only substitutes plain names, so it cannot reach attributes or items;
    anything else (`${a.b}`, `$`, `${__class__}`) is refused here rather than left to fail later.
    """
    allowed = ", ".join(f"${name}" for name in ALLOWED_PLACEHOLDERS)
    problems: list[str] = []
    for match in string.Template.pattern.finditer(text):
        if match.group("escaped") is not None:
            continue
        name = match.group("named") or match.group("braced")
        if name is None:
            snippet = (text[match.start() : match.start() + 40].split() or ["$"])[0]
            problems.append(f"expected only the placeholders {allowed} (write $$ for a dollar sign); got {snippet!r}")
            continue
        if name in ALLOWED_PLACEHOLDERS:
            continue
        got = text[match.start() : match.end()]
        close = difflib.get_close_matches(name.lower(), ALLOWED_PLACEHOLDERS, n=1, cutoff=0.6)
        hint = f" (did you mean ${close[0]}?)" if close else ""
        problems.append(f"expected only the placeholders {allowed}; got {got!r}{hint}")
    return problems


def domain_problem(domain: str) -> str | None:
    """Why a domain entry is not a bare domain such as `grabify.link`, or None."""
    if "://" in domain or "/" in domain:
        return f"expected a bare domain such as grabify.link (no https://, no path); got {domain!r}"
    if not _DOMAIN.match(domain.lower()):
        return f"expected a domain such as grabify.link; got {domain!r}"
    return None


def invite_problem(code: str) -> str | None:
    """Why an allowed invite is not a bare invite code, or None."""
    if not _INVITE.match(code):
        return f"expected an invite code such as 'vigie' (the part after discord.gg/); got {code!r}"
    return None


def is_slug(text: str) -> bool:
    """Lowercase letters and digits joined by single - or _ (a stable rule id)."""
    return len(text) <= 40 and _SLUG.match(text) is not None


def is_language(text: str) -> bool:
    """A two- or three-letter lowercase language code."""
    return _LANG.match(text) is not None
