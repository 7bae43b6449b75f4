"""What `/disclosure check` and `/disclosure report` say on Slack, for every kind of finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.slack.findings import answers_text, finding_text
from bot.charter.disclosure_model import DisclosurePolicy
from bot.charter.loader import load_charter
from bot.disclosure.checker import DisclosureChecker

_POLICY = load_charter(Path(__file__).resolve().parents[3] / "policies" / "charter.toml").disclosure
assert _POLICY is not None
POLICY: DisclosurePolicy = _POLICY


@pytest.mark.parametrize(
    ("text", "jurisdiction", "lang", "expected"),
    [
        pytest.param(
            "Use code MAYA20 for 20% off",
            "us",
            "en",
            ["(a promo code) but does not say it is advertising.", "Why: In the US", "> #ad Use code MAYA20"],
            id="missing",
        ),
        pytest.param(
            "#spon Use code MAYA20 for 20% off",
            "us",
            "en",
            ["“#spon” is not enough for this audience (United States)", "> #ad "],
            id="insufficient",
        ),
        pytest.param(
            "#ad -20 % avec le code MAYA20",
            "fr",
            "fr",
            ["« #ad » est un bon début", "on attend plutôt « Publicité »", "> Publicité — "],
            id="soft",
        ),
        pytest.param(
            "Use code MAYA20 for 20% off at the shop, it is great and I love it so much #fun #summer #ad",
            "us",
            "en",
            ["“#ad” is there, but it must be seen at the very start", "> #ad Use code"],
            id="misplaced",
        ),
        pytest.param(
            "Publicité — -20 % avec le code MAYA20",
            "fr",
            "en",
            ["“Publicité” is a proper label for this audience (France), well placed. Nothing to change."],
            id="ok",
        ),
        pytest.param(
            "J'adore mon mug Café Lumière",
            "fr",
            "fr",
            ["Rien ici ne semble sponsorisé", "citer une marque n'est pas de la publicité"],
            id="brand-only",
        ),
    ],
)
def test_finding_text(text: str, jurisdiction: str, lang: str, expected: list[str]) -> None:
    shown = finding_text(DisclosureChecker(POLICY).inspect(text, jurisdiction=jurisdiction), POLICY, lang)
    for part in expected:
        assert part in shown
    assert shown.endswith(("nothing was recorded.", "rien n'a été enregistré."))


def test_a_finding_shows_the_post_inert() -> None:
    finding = DisclosureChecker(POLICY).inspect("<!channel> use code MAYA20 for 20% off <@U1>", jurisdiction="us")
    shown = finding_text(finding, POLICY, "en")
    assert "<!channel>" not in shown
    assert "<@U1>" not in shown
    assert "@\u200dchannel" in shown


def test_answers_are_listed_with_their_notes_clipped_and_escaped() -> None:
    shown = answers_text(
        [
            (3, "@Maya", "2026-03-02", "https://vigie.test/p1", "I <3 it & bought it myself " + "x" * 300),
            (2, "@Sam", "2026-03-01", "https://vigie.test/p2", None),
        ],
        "en",
    )
    first, second, third = shown.splitlines()
    assert first == "Latest “not sponsored” answers, for a person to decide:"
    assert second.startswith("• #3, @Maya, 2026-03-02: https://vigie.test/p1 “I &lt;3 it &amp; bought it myself xx")
    assert second.endswith("…”")
    assert third == "• #2, @Sam, 2026-03-01: https://vigie.test/p2"
    assert answers_text([], "fr") == "Aucune réponse « pas sponsorisé » à examiner."
