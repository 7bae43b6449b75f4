"""Publication renders of the charter and the human summary of changes between versions."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from bot.charter.loader import load_charter, parse_charter
from bot.charter.model import Charter, Escalation, Rule
from bot.charter.render import charter_changes, render_clause, render_markdown
from bot.models import Action

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "charter.toml"


@pytest.fixture(scope="module")
def shipped() -> Charter:
    return load_charter(SHIPPED)


@pytest.mark.parametrize(
    ("lang", "header", "published", "retention", "appeal"),
    [
        ("fr", "§1 — Respect des personnes", "publiée le 1er novembre 2026", "180 jours (environ 6 mois)", "30 jours"),
        ("en", "§1 — Respect for people", "published on 1 November 2026", "180 days (about 6 months)", "30 days"),
        ("en-US", "§1 — Respect for people", "published on 1 November 2026", "180 days (about 6 months)", "30 days"),
    ],
)
def test_render_carries_identity_clauses_and_plain_words(
    shipped: Charter, lang: str, header: str, published: str, retention: str, appeal: str
) -> None:
    page = render_markdown(shipped, lang)
    assert page.startswith(f"# {shipped.name}\n")
    assert "2026.11" in page
    assert shipped.short_hash in page
    assert published in page
    assert retention in page
    assert appeal in page
    assert f"## {header}" in page
    for rule in shipped.rules:
        want = rule.title["fr" if lang == "fr" else "en"]
        assert f"## §{rule.number} — {want}" in page
        assert rule.description["fr" if lang == "fr" else "en"] in page
    assert "/appeal" in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_render_never_publishes_matching_internals(shipped: Charter, lang: str) -> None:
    page = render_markdown(shipped, lang).casefold()
    for rule in shipped.rules:
        for term in rule.terms:
            assert not re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", page), term
        for pattern in rule.patterns:
            assert pattern.casefold() not in page
        if rule.links is not None:
            for domain in rule.links.deny_domains:
                assert domain not in page
        for role in rule.exempt_roles:
            assert role.casefold() not in page


@pytest.mark.parametrize(
    ("action", "fr", "en"),
    [
        (Action.REMOVE, "le message est retiré", "The message is removed"),
        (Action.REVIEW, "une personne de l'équipe de modération l'examine", "a person from the moderation team"),
        (Action.WARN, "vous recevez un rappel", "you receive a reminder"),
    ],
)
def test_render_clause_says_what_happens(shipped: Charter, action: Action, fr: str, en: str) -> None:
    rule = dataclasses.replace(shipped.rules[0], action=action, escalation=None)
    assert fr in render_clause(shipped, rule, "fr")
    assert en in render_clause(shipped, rule, "en")


def test_render_clause_explains_escalation_and_appeal(shipped: Charter) -> None:
    rule = dataclasses.replace(shipped.rules[0], escalation=Escalation(count=3, window_hours=24, timeout_minutes=60))
    text = render_clause(shipped, rule, "fr")
    assert text.startswith("## §1 — Respect des personnes\n")
    assert "Après 3 décisions au titre de cette clause en 24 heures" in text
    assert "pendant 1 heure" in text
    assert "**Pourquoi** : " in text
    assert "**Pour corriger** : " in text
    assert "**Faire appel** : si vous pensez" in text
    english = render_clause(shipped, rule, "en")
    assert "**Why:** " in english
    assert "**How to appeal:** If you think" in english
    assert "within 24 hours, you cannot post for 1 hour" in english


def test_render_omits_missing_date_and_falls_back_to_default_language(shipped: Charter) -> None:
    undated = dataclasses.replace(shipped, published=None)
    assert "publiée le" not in render_markdown(undated, "fr")
    page = render_markdown(undated, "de")
    assert "§1 — Respect des personnes" in page  # the charter's default language


def test_render_single_language_charter() -> None:
    charter = load_charter(SHIPPED.parent / "examples" / "minimal-en.toml")
    page = render_markdown(charter, "fr")
    assert "## §1 — Be kind" in page
    assert "90 days (about 3 months)" in page
    assert "moron" not in page


def _rule(rule_id: str, number: int, title: str, action: Action = Action.REMOVE, text: str = "Text.") -> Rule:
    return Rule(
        id=rule_id,
        number=number,
        action=action,
        title={"fr": title, "en": title},
        description={"fr": text, "en": text},
    )


def _charter(version: str, *rules: Rule) -> Charter:
    return Charter(
        name="C",
        version=version,
        languages=("fr", "en"),
        default_language="fr",
        retention_days=90,
        rules=rules,
        content_hash="0" * 64,
        published=date(2026, 11, 1),
    )


def test_charter_changes_lists_every_public_change() -> None:
    old = _charter(
        "1",
        _rule("respect", 1, "Respect"),
        _rule("spam", 2, "Spam", Action.REVIEW),
        _rule("ads", 3, "Ads"),
        _rule("gone", 4, "Old clause"),
    )
    new = _charter(
        "2",
        _rule("respect", 1, "Respect des personnes"),
        _rule("spam", 2, "Spam", Action.REMOVE),
        _rule("ads", 3, "Ads", text="New text."),
        _rule("privacy", 5, "Vie privée"),
    )
    assert charter_changes(old, new, "fr") == [
        "Version : 1 → 2",
        "§1 : titre modifié, « Respect » → « Respect des personnes »",
        "§2 « Spam » : conséquence modifiée, examen par une personne → retrait",
        "§3 « Ads » : texte modifié",
        "§5 « Vie privée » : clause ajoutée",
        "§4 « Old clause » : clause supprimée",
    ]
    english = charter_changes(old, new, "en")
    assert english[0] == "Version: 1 → 2"
    assert "§4 “Old clause”: clause removed" in english
    assert "§5 “Vie privée”: clause added" in english


def test_charter_changes_renumbering_and_windows() -> None:
    old = _charter("1", _rule("respect", 1, "Respect"))
    new = dataclasses.replace(_charter("1", _rule("respect", 2, "Respect")), retention_days=180, appeal_window_days=14)
    assert charter_changes(old, new, "en") == [
        "Retention of removed messages: 90 days → 180 days",
        "Appeal window: 30 days → 14 days",
        "§1 “Respect” is now §2",
    ]


def test_charter_changes_ignores_matching_internals_and_reports_nothing_when_equal() -> None:
    rule = _rule("respect", 1, "Respect")
    old = _charter("1", rule)
    assert charter_changes(old, old, "fr") == []
    tuned = _charter("1", dataclasses.replace(rule, terms=("moron",), fuzzy=90))
    assert charter_changes(old, tuned, "fr") == []


def test_charter_changes_between_two_loaded_files(shipped: Charter) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    edited = text.replace('version = "2026.11"', 'version = "2026.12"').replace(
        'title.en = "Privacy and personal data"', 'title.en = "Privacy"'
    )
    new = parse_charter(edited, "edited.toml")
    assert charter_changes(shipped, new, "en") == [
        "Version: 2026.11 → 2026.12",
        "§4: title changed, “Privacy and personal data” → “Privacy”",
    ]
    assert charter_changes(shipped, new, "fr") == [
        "Version : 2026.11 → 2026.12",
        "§4 « Vie privée et données personnelles » : texte modifié",
    ]
