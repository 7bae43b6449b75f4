"""`/disclosure check` answers on both platforms for issue 8's findings: soft short links, misplaced labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.discord.disclosure import finding_reply
from bot.adapters.slack.findings import finding_text
from bot.charter.loader import load_charter
from bot.disclosure.checker import DisclosureChecker

POLICY = load_charter(Path(__file__).resolve().parents[2] / "policies" / "charter.toml").disclosure
assert POLICY is not None
CHECKER = DisclosureChecker(POLICY)
SHORT = "Shop the look here: https://bit.ly/3abcDEF"
LATE = "Use code SAVE20 for 20% off. " + "Lots of words about my morning routine. " * 5 + "#ad"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_slack_says_what_a_soft_short_link_asks(lang: str) -> None:
    assert POLICY is not None
    text = finding_text(CHECKER.inspect(SHORT, jurisdiction="us"), POLICY, lang)
    assert ("earns you anything" if lang == "en" else "vous rapporte quelque chose") in text
    assert "#ad" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_discord_names_the_short_link_signal(lang: str) -> None:
    message, embed = finding_reply(CHECKER.inspect(SHORT, jurisdiction="us"), POLICY, lang)
    assert message is None
    assert embed is not None
    assert ("shortened link" if lang == "en" else "lien raccourci") in str(embed.to_dict())


def test_a_misplaced_label_is_moved_in_the_suggestion() -> None:
    assert POLICY is not None
    finding = CHECKER.inspect(LATE, jurisdiction="us")
    assert finding.severity.value == "misplaced"
    text = finding_text(finding, POLICY, "en")
    assert "move it to the start" in text
    assert finding.suggestion is not None
    assert finding.suggestion.startswith("#ad Use code SAVE20")
