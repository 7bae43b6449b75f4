"""Hostile input never crashes the engine and every evidence span stays a real slice of the message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Action, Verdict
from tests.screening.builders import make_message
from tests.screening.hostile import EVERYTHING, HOSTILE

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


@pytest.mark.parametrize("name", HOSTILE)
def test_huge_hostile_messages_are_screened_soundly(name: str) -> None:
    # How long they take is measured in benchmarks/bench_hostile.py, as a ratio to benign text.
    text = HOSTILE[name]
    assert_sound(EVERYTHING.screen(make_message(text, mention_count=1)), text)
