"""Hostile input never crashes the engine and every evidence span stays a real slice of the message."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.charter.model import FloodPolicy, LinkPolicy
from bot.models import Action, Verdict
from bot.screening import ScreeningEngine
from tests.screening.builders import make_charter, make_message, make_rule

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

EVASIVE = st.text(
    alphabet=st.sampled_from([*"conasidt .-_@$!|1034+()<>/:#°€сοᴄｃ\u200b\u0301\u202e\U0001d41c", "\ud800"]),
    max_size=200,
)


def assert_sound(verdict: Verdict, text: str) -> None:
    assert verdict.charter_version == "2026.03"
    if verdict.action is Action.ALLOW:
        assert verdict.rule_id is None
        assert verdict.evidence == ()
        return
    assert verdict.rule_id is not None
    assert 0 < verdict.confidence <= 1
    for evidence in verdict.evidence:
        assert 0 <= evidence.start < evidence.end <= len(text), evidence


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.integers(0, 5))
def test_arbitrary_unicode_never_raises(text: str, mentions: int) -> None:
    assert_sound(EVERYTHING.screen(make_message(text, mention_count=mentions)), text)


@settings(max_examples=300)
@given(EVASIVE)
def test_evasion_alphabet_never_raises(text: str) -> None:
    assert_sound(EVERYTHING.screen(make_message(text)), text)


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["con", "c.o.n", "ｃｏｎ", "1d10t", "conférence", "class", " ", "!", "\u200b"])))
def test_term_evidence_always_covers_a_folded_term(parts: list[str]) -> None:
    text = "".join(parts)
    verdict = EVERYTHING.screen(make_message(text))
    assert_sound(verdict, text)
    for evidence in verdict.evidence:
        if evidence.matcher == "term":
            assert text[evidence.start : evidence.end].strip()


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


@pytest.mark.parametrize("name", HOSTILE)
def test_huge_hostile_messages_are_screened_quickly(name: str) -> None:
    text = HOSTILE[name]
    started = time.perf_counter()
    verdict = EVERYTHING.screen(make_message(text, mention_count=1))
    elapsed = time.perf_counter() - started
    assert_sound(verdict, text)
    assert elapsed < 2.0, f"{name}: {elapsed:.2f}s"
