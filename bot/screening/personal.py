"""Personal data posted in the open: e-mail addresses and phone numbers (international, French, US)."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.models import Evidence
from bot.screening.normalize import CharFold

_MAX_EVIDENCE = 10
# Every pattern below is linear: bounded repeats, no nested unbounded groups, and boundaries are
# checked in Python afterwards instead of with lookarounds the engine would retry at every position.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[^\W\d_]{2,24}(?![\w-])")
_PHONE = re.compile(
    r"(?P<intl>\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{1,4}){2,6})"
    r"|(?P<fr>0[1-9](?:[ .-]?\d\d){4})"
    r"|(?P<us>\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}(?P<sep>[.-])\d{3}(?P=sep)\d{4})"
)
# Eight digits with at most three separators between them: cheap to rule out, and no phone number has fewer.
_PHONE_HINT = re.compile(r"[\d(+](?:[\s().+-]{0,3}\d){7}")
_EMAIL_HINT = re.compile(r"@[\w-]+\.")
_DIGITS_NEEDED = {"intl": range(8, 16), "fr": range(10, 11), "us": range(10, 11)}
_BEFORE = frozenset("+#°/.,-_@")
_REFERENCE_WORDS = (
    "n°",
    "no.",
    "nº",
    "#",
    "order",
    "commande",
    "ref",
    "réf",
    "facture",
    "invoice",
    "ticket",
    "tracking",
    "suivi",
    "colis",
    "siret",
    "siren",
    "iban",
    "isbn",
)


def _looks_like_phone(match: re.Match[str]) -> bool:
    text = match.string
    start, end = match.span()
    kind = match.lastgroup if match.lastgroup != "sep" else "us"
    digits = sum(char.isdigit() for char in match.group())
    if kind is None or digits not in _DIGITS_NEEDED[kind]:
        return False
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in _BEFORE):
        return False
    if end < len(text) and (
        text[end].isalnum() or text[end] in "@" or (text[end] in ".,/-" and text[end + 1 : end + 2].isdigit())
    ):
        return False
    if kind == "fr" and len({char for char in match.group()[2:] if not char.isdigit()}) > 1:
        return False  # "06 12.34-56 78" is more likely a list of numbers than a phone number
    context = text[max(0, start - 16) : start].casefold()
    return not any(word in context for word in _REFERENCE_WORDS)


class PersonalDataMatcher:
    """Finds the kinds of personal data a rule forbids: any of "email", "phone"."""

    def __init__(self, kinds: Collection[str]) -> None:
        wanted = {kind.strip().casefold() for kind in kinds}
        self._email = "email" in wanted
        self._phone = "phone" in wanted

    def __bool__(self) -> bool:
        return self._email or self._phone

    def find(self, chars: CharFold) -> list[Evidence]:
        """Spans of the e-mail addresses and phone numbers in the message; the detail never repeats them."""
        found: list[Evidence] = []
        if self._email and _EMAIL_HINT.search(chars.folded) is not None:
            for match in chars.finditer(_EMAIL):
                found.append(Evidence("email", *chars.span(*match.span()), "e-mail address"))
                if len(found) >= _MAX_EVIDENCE:
                    return found
        if self._phone and _PHONE_HINT.search(chars.folded) is not None:
            for match in chars.finditer(_PHONE):
                if _looks_like_phone(match):
                    found.append(Evidence("phone", *chars.span(*match.span()), "phone number"))
                    if len(found) >= _MAX_EVIDENCE:
                        break
        return found
