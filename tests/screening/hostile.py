"""A charter that uses every matcher, and huge hostile messages, shared by the tests and the benchmark."""

from __future__ import annotations

from bot.charter.model import FloodPolicy, LinkPolicy
from bot.models import Action
from bot.screening import ScreeningEngine
from tests.screening.builders import make_charter, make_rule

EVERYTHING = ScreeningEngine(
    make_charter(
        make_rule("insults", 1, terms=("con", "ass", "idiot", "connard", "ta gueule", "1488"), fuzzy=85),
        make_rule("scam", 2, Action.REVIEW, patterns=(r"(?i)free\s+nitro", r"(a|aa)+b", r"\d{3,}")),
        make_rule("links", 3, links=LinkPolicy(deny_domains=("evil.com",), block_invites=True)),
        make_rule("mentions", 4, Action.WARN, max_mentions=2),
        make_rule("privacy", 5, Action.REVIEW, personal_data=("email", "phone")),
        make_rule("flood", 6, Action.REVIEW, duplicates=FloodPolicy(2, 60, 80)),
    )
)

HOSTILE = {
    "random wide unicode": "".join(chr((i * 7919) % 0x2FFFF + 1) for i in range(100_000)),
    "one long word": "a" * 100_000,
    "dots": "a." * 50_000,
    "domain labels": "ab." * 33_000 + "1",
    "digits": "1" * 100_000,
    "digit pairs": "06 " * 33_000,
    "plus digits": "+1 " * 33_000,
    "open brackets": "( " * 50_000,
    "at dots": "@a." * 33_000,
    "ats": "a@" * 50_000,
    "spaced letters": "c o " * 25_000,
    "dotted letters": "c.o." * 25_000 + "n",
    "zalgo": "z" + "\u0301\u0337\u0322" * 33_000,
    "lone surrogates": "\ud800\udfff" * 50_000,
    "invites": "discord.gg/ " * 8_000,
    "mentions": "<@1" * 33_000,
    "leet": "1!|$@0" * 16_000,
    "regex bomb": "a" * 100_000 + "c",
    "repeated insults": "con " * 25_000,
    "masks": "c*nn*rd " * 12_000,
    "one masked word": "ab*cd" * 20_000,
    "entities": "&#105;" * 16_000,
    "tags inside a word": "a<b>" * 25_000,
    "markdown inside a word": "a**b**" * 16_000,
    "strays": "aʃ" * 50_000,
    "spaced run": "y o u " * 16_000,
    "at signs": "c@n " * 25_000,
}
