"""The shipped charter on everyday French and English: near-miss innocents pass, insults and plurals do not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.charter.loader import load_charter
from bot.models import Action
from bot.screening import ScreeningEngine
from tests.screening.builders import make_message

SHIPPED = load_charter(Path(__file__).resolve().parents[2] / "policies" / "charter.toml")
ENGINE = ScreeningEngine(SHIPPED)


@pytest.mark.parametrize(
    "text",
    [
        # fr
        "Le Niger est un pays d'Afrique",
        "Le fleuve Niger traverse le Mali, les Nigériens votent dimanche",
        "Il a mis un fagot de bois dans la cheminée",
        "Deux fagots suffiront",
        "La moraine du glacier",
        "Il faut qu'il connaisse la classe",
        "Youpi, c'est les vacances !",
        "Une conférence sur le second contrat",
        "Les députés disputent le budget",
        "Une salopette bleue, des salopettes",
        "Il paie en bitcoin",
        # en
        "The river Niger flows through Mali",
        "Nigeria and Niger are neighbours",
        "The Mormon church and the Mormons",
        "Pros and cons of a passive fund",
        "Cons Edison sent the bill",
        "The class assistant read the passage",
        "Bitcoin miners computed the hashes",
        "The asses of the village grazed",
        "Up at morn, with an itch",
    ],
)
def test_near_miss_innocents_are_allowed(text: str) -> None:
    verdict = ENGINE.screen(make_message(text))
    assert verdict.action is Action.ALLOW, verdict


@pytest.mark.parametrize(
    "text",
    [
        "c'est pas con comme idée",
        "C'est con, je suis en retard",
        "quel con je fais",
        "t'es qu'un con",
        "I kicked my ass at the gym",
        "Con Edison sent the bill",
        "you ass",
    ],
)
def test_short_ambiguous_words_go_to_a_person_not_removal(text: str) -> None:
    verdict = ENGINE.screen(make_message(text))
    assert (verdict.action, verdict.rule_id, verdict.clause) == (Action.REVIEW, "coarse-language", 7)
    assert verdict.confidence == 1.0


@pytest.mark.parametrize(
    "text",
    [
        # fr
        "bande de cons",
        "Bande de cons !",
        "sales putes",
        "des connards",
        "quel conard",
        "pauvre con",
        "fils de putes",
        "c0nn@rds",
        # en
        "you morons",
        "bitches",
        "assholes",
        "scumbags, all of you",
    ],
)
def test_insults_and_their_plurals_are_removed(text: str) -> None:
    verdict = ENGINE.screen(make_message(text))
    assert (verdict.action, verdict.rule_id, verdict.clause) == (Action.REMOVE, "respect", 1)
    assert {e.matcher for e in verdict.evidence} == {"term"}


@pytest.mark.parametrize("text", ["Le Niger", "fagot", "Nigeria and Niger", "conard"])
def test_missing_doubled_letters_are_not_near_misses_even_at_a_low_cutoff(text: str) -> None:
    """The same words against §1 and §2 with a tolerance of 85 instead of 92: still no match."""
    loose = dataclasses.replace(
        SHIPPED,
        rules=tuple(
            dataclasses.replace(rule, fuzzy=85, terms=tuple(t for t in rule.terms if t != "conard"))
            for rule in SHIPPED.rules
            if rule.id in {"respect", "hate"}
        ),
    )
    assert ScreeningEngine(loose).screen(make_message(text)).action is Action.ALLOW
