"""The /disclosure replies: a dry-run finding rendered for the asker, and the moderators' report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.discord.disclosure import MAX_ANSWERS, finding_reply, report_reply
from bot.charter.disclosure_model import DisclosurePolicy
from bot.charter.loader import load_charter
from bot.disclosure.checker import DisclosureChecker
from bot.models import Delivery, Nudge, NudgeReport, NudgeState
from tests.fakes import START

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def policy() -> DisclosurePolicy:
    """The shipped charter's [disclosure] section."""
    disclosure = load_charter(ROOT / "policies" / "charter.toml").disclosure
    assert disclosure is not None
    return disclosure


@pytest.mark.parametrize(
    ("text", "jurisdiction", "lang", "title", "label", "signal"),
    [
        (
            "J'adore mon casque ! -20 % avec le code MAYA20",
            "fr",
            "fr",
            "Mention à prévoir pour le public visé (France) : mention absente",
            "aucune",
            "code promo",
        ),
        (
            "J'adore mon casque ! -20 % avec le code MAYA20 #sport #musique #jeux #publicité",
            "fr",
            "en",
            "Needs a label for France: label not up front",
            "#publicité (not up front)",
            "promo code",
        ),
        (
            "Love these headphones, use code MAYA20 for 20% off #spon",
            "us",
            "en",
            "Needs a label for United States: insufficient label",
            "#spon",
            "promo code",
        ),
        (
            "#ad Love these headphones, use code MAYA20 for 20% off",
            "fr",
            "en",
            "Needs a label for France: label to adjust",
            "#ad",
            "promo code",
        ),
        (
            "Great mug https://amzn.to/3xyz",
            "us",
            "en",
            "Needs a label for United States: no label",
            "none",
            "affiliate",
        ),
    ],
)
def test_a_finding_that_needs_a_label_is_explained_with_the_rule_and_the_suggestion(
    policy: DisclosurePolicy, text: str, jurisdiction: str, lang: str, title: str, label: str, signal: str
) -> None:
    finding = DisclosureChecker(policy).inspect(text, jurisdiction=jurisdiction)
    content, embed = finding_reply(finding, policy, lang)
    assert content is None
    assert embed is not None
    assert embed.title == title
    fields = {field.name: field.value for field in embed.fields}
    assert list(fields)[1:2] == ["Mention trouvée" if lang == "fr" else "Label found"]
    assert label in fields.values()
    assert signal in next(iter(fields.values()))
    suggestion = next(value for name, value in fields.items() if name in ("Suggested text", "Proposition de texte"))
    assert suggestion.startswith("> ")
    assert finding.suggestion is not None
    assert suggestion.endswith(finding.suggestion.splitlines()[-1])
    assert policy.rules_for(jurisdiction).rule_text(lang) in fields.values()


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("J'adore ce casque.", "en", "Nothing in this text looks sponsored: no label is needed."),
        (
            "I love my Café Lumière mug",
            "fr",
            "Rien dans ce texte ne semble sponsorisé : aucune mention n'est nécessaire.",
        ),
        (
            "Publicité — -20 % avec le code MAYA20",
            "en",
            "This text looks sponsored and its label “Publicité” suits France.",
        ),
    ],
)
def test_a_text_that_needs_nothing_gets_one_sentence(
    policy: DisclosurePolicy, text: str, lang: str, expected: str
) -> None:
    assert finding_reply(DisclosureChecker(policy).inspect(text, jurisdiction="fr"), policy, lang) == (expected, None)


def test_a_charter_without_disclosure_says_so() -> None:
    content, embed = finding_reply(None, None, "en")
    assert embed is None
    assert content is not None
    assert "no [disclosure] section" in content


def nudge(number: int, note: str | None) -> Nudge:
    return Nudge(
        id=number,
        platform="discord",
        community="1",
        channel="2",
        message_id=str(100 + number),
        author_id="42",
        lang="fr",
        jurisdiction="fr",
        severity="missing",
        label=None,
        suggested_label="Publicité",
        brand=None,
        signals=("promo_code: MAYA20",),
        suggestion=None,
        state=NudgeState.NOT_SPONSORED,
        delivery=Delivery.DONE,
        attempts=1,
        delivery_error=None,
        note=note,
        resolved_by="42",
        created_at=START,
        updated_at=START,
        claimed_at=START,
        reminded_at=None,
        escalated_at=None,
        resolved_at=START,
    )


def test_the_report_lists_the_latest_not_sponsored_answers_with_their_links() -> None:
    report = NudgeReport(
        platform="discord",
        community="1",
        total=14,
        open=1,
        reminded=0,
        escalated=0,
        fixed=1,
        not_sponsored=12,
        withdrawn=0,
        failed_deliveries=0,
        median_time_to_fix=timedelta(hours=3),
    )
    answers = [nudge(n, "x" * 300 if n == 1 else None) for n in range(1, 13)]
    content = report_reply(report, answers, "en")
    lines = content.splitlines()
    assert lines[0].startswith("Disclosure nudges: 14 in all, 1 open")
    assert "Median time to fix: 3.0 h." in lines[0]
    assert lines[2] == "Latest “not sponsored” answers (12), for a person to decide:"
    assert len(lines) == 3 + MAX_ANSWERS
    assert lines[3].startswith("• #1 <@42> https://discord.com/channels/1/2/101 — “xxx")
    assert lines[3].endswith("…”")
    assert lines[4] == "• #2 <@42> https://discord.com/channels/1/2/102"


def test_a_report_without_answers_is_one_paragraph() -> None:
    report = NudgeReport("discord", "1", 0, 0, 0, 0, 0, 0, 0, 0, None)
    assert report_reply(report, [], "fr").count("\n") == 0
