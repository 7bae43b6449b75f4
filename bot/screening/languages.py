"""Per-language facts for screening: letters that must stay distinct, and the common inflections of a word."""

from __future__ import annotations

from collections.abc import Iterable

# Letters that the alphabet of a language counts as letters of their own, not as a base letter with an accent:
# folding them would merge different words (Spanish "año" / "ano", German "schwül" / "schwul", Turkish
# "sık" / "sik"). Accents that only mark stress or length (Spanish "é", French "é") still fold away.
DISTINCT_LETTERS: dict[str, str] = {
    "es": "ñ",
    "de": "äöüß",
    "da": "æøå",
    "nb": "æøå",
    "nn": "æøå",
    "no": "æøå",
    "sv": "åäö",
    "fi": "åäö",
    "is": "áðéíóúýþæö",
    "tr": "çğıöşü",
    "pl": "ąćęłńóśźż",
    "cs": "čřšž",
    "sk": "äčôšž",
    "hu": "öőüű",
    "et": "äöõüšž",
}

# Common inflections: a term of `INFLECTION_MIN_LETTERS` letters or more also matches with one of these added.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("ers", "er", "ing", "ed", "es", "s"),
    "fr": ("es", "e", "s", "x"),
}
INFLECTION_MIN_LETTERS = 4


def distinct_letters(languages: Iterable[str]) -> str:
    """Every letter kept distinct for a community writing in these languages, sorted."""
    return "".join(sorted({letter for language in languages for letter in DISTINCT_LETTERS.get(language, "")}))


def suffixes(languages: Iterable[str]) -> tuple[str, ...]:
    """Inflection suffixes for these languages, longest first; both English and French when none is known."""
    known = [SUFFIXES[language] for language in languages if language in SUFFIXES]
    if not known:
        known = list(SUFFIXES.values())
    return tuple(sorted({suffix for group in known for suffix in group}, key=lambda suffix: (-len(suffix), suffix)))
