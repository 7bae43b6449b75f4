"""Statements of reasons: language, content, no quoting, and template safety."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.charter.model import Charter, Rule
from bot.explain import appeal_hint, outcome_text, statement_for, verdict_reason
from bot.models import Action, ActionState, Case, CaseSource, CaseStatus, Evidence
from tests import fakes

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
OFFENDING = "tu es un connard fini"

RULE = Rule(
    id="respect",
    number=1,
    action=Action.REMOVE,
    title={"fr": "Respect", "en": "Respect"},
    description={"fr": "Pas d'insultes.", "en": "No insults."},
    fix={"fr": "Reformulez sans insulte.", "en": "Say it again without the insult."},
)
CHARTER = Charter(
    name="Test",
    version="2026.11",
    languages=("fr", "en"),
    default_language="fr",
    retention_days=180,
    rules=(RULE,),
    content_hash="ab" * 32,
)


def make_case(**changes: object) -> Case:
    fields: dict[str, object] = {
        "evidence": (Evidence("term", 10, 17, "connard"),),
        "charter_version": "2026.11",
        "content": OFFENDING,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return fakes.make_case(**(fields | changes))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["§1", "Respect", "retiré", "Pour corriger", "/appeal case:42", "automatiquement", "30 jours"]),
        ("en", ["§1", "Respect", "removed", "How to put it right", "/appeal case:42", "automatically", "30 days"]),
        ("en-US", ["removed", "appeal"]),
        ("de", ["retiré"]),  # not a charter language: the charter's default (fr)
        (None, ["retiré"]),
    ],
)
def test_statement_language_and_parts(lang: str | None, expected: list[str]) -> None:
    statement = statement_for(make_case(), RULE, CHARTER, lang=lang, removed=True)
    for part in expected:
        assert part in statement.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_statement_never_quotes_the_message(lang: str) -> None:
    text = statement_for(make_case(), RULE, CHARTER, lang=lang, removed=True).text
    assert "connard" not in text
    assert OFFENDING not in text


def test_failed_removal_asks_the_author_to_edit() -> None:
    text = statement_for(make_case(), RULE, CHARTER, lang="en", removed=False).text
    assert "edit or delete" in text
    assert "was removed" not in text


def test_review_and_warning_variants() -> None:
    review = statement_for(
        make_case(status=CaseStatus.REVIEW, action=Action.REVIEW), RULE, CHARTER, lang="en", removed=False
    )
    assert "held for a moderator" in review.title
    assert "Appeal" not in review.text
    warn = statement_for(make_case(action=Action.WARN), RULE, CHARTER, lang="en", removed=False)
    assert "reminder" in warn.title


def test_manual_decision_says_a_moderator_decided() -> None:
    case = make_case(automated=False, source=CaseSource.MODERATOR, actor_id="mod1")
    text = statement_for(case, RULE, CHARTER, lang="en", removed=True).text
    assert "made by a moderator" in text
    assert "mod1" not in text


def test_charter_template_cannot_reach_attributes() -> None:
    rule = replace(RULE, explanation={"en": "Clause $clause ($title), case $case: ${case.__class__} $__dict__"})
    text = statement_for(make_case(), rule, CHARTER, lang="en", removed=True).text
    assert "Clause 1 (Respect), case 42" in text
    assert "<class" not in text
    assert "${case.__class__}" in text  # left verbatim, never evaluated


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("discord", "/appeal case:7 reason:"), ("slack", "/appeal 7 "), ("cli", "#7")],
)
def test_appeal_hint_per_platform(platform: str, expected: str) -> None:
    assert expected in appeal_hint(platform, 7, "en")


def test_outcome_texts() -> None:
    upheld = make_case(status=CaseStatus.UPHELD, decision_reason="Clear insult.")
    assert "stands" in outcome_text(upheld, CHARTER, "en")
    assert "Clear insult." in outcome_text(upheld, CHARTER, "en")
    overturned = make_case(
        status=CaseStatus.OVERTURNED, restore_state=ActionState.DONE, decision_reason="Quote of a film."
    )
    text = outcome_text(overturned, CHARTER, "fr")
    assert "annulée" in text
    assert "rétabli" in text
    not_restored = make_case(status=CaseStatus.OVERTURNED, restore_state=ActionState.FAILED)
    assert "rétabli" not in outcome_text(not_restored, CHARTER, "fr")


def test_verdict_reason_names_clause_without_words() -> None:
    reason = verdict_reason(["term", "term", "link"], RULE, CHARTER, "en")
    assert reason.startswith("§1 Respect:")
    assert "connard" not in reason
