"""The charter's `[privacy]` and `[transparency]` sections and each clause's `category` and `guard`."""

from __future__ import annotations

import pytest

from bot.charter.loader import CharterInvalid, parse_charter
from bot.privacy.notice import render_privacy
from tests.charter.test_loader import SHIPPED, VALID

PRIVACY = """
[privacy]
controller = "Association Exemple"
contact = "dpo@example.org"
purposes.fr = "Modérer."
purposes.en = "Moderating."
stored.fr = "Le texte retiré."
stored.en = "The removed text."
retention.fr = "$retention_days jours."
retention.en = "$retention_days days."
rights.fr = "/mydata et /forgetme."
rights.en = "/mydata and /forgetme."
"""


def issues(text: str) -> list[str]:
    with pytest.raises(CharterInvalid) as caught:
        parse_charter(text)
    return [str(issue) for issue in caught.value.issues]


def test_the_shipped_charter_maps_every_clause_and_has_a_notice() -> None:
    from bot.charter.loader import load_charter

    charter = load_charter(SHIPPED)
    assert charter.privacy is not None
    assert charter.transparency is not None
    assert charter.transparency.territorial_scope
    assert all(rule.category for rule in charter.rules)
    guarded = [rule for rule in charter.rules if rule.guard is not None]
    assert guarded
    assert all(rule.action.value == "remove" for rule in guarded)


def test_privacy_notice_renders_with_the_charters_retention() -> None:
    charter = parse_charter(VALID + PRIVACY)
    assert "90 days." in render_privacy(charter, "en")
    assert "90 jours." in render_privacy(charter, "fr")
    assert "dpo@example.org" in render_privacy(charter, "fr")


def test_privacy_notice_must_say_the_retention_and_have_a_contact() -> None:
    broken = PRIVACY.replace("$retention_days days.", "A while.").replace("dpo@example.org", "call us")
    found = issues(VALID + broken)
    assert any("privacy.retention.en" in line and "$retention_days" in line for line in found), found
    assert any("privacy.contact" in line for line in found), found


def test_privacy_texts_must_cover_every_language() -> None:
    found = issues(VALID + PRIVACY.replace('rights.en = "/mydata and /forgetme."\n', ""))
    assert any("privacy.rights.en" in line for line in found), found


def test_transparency_needs_eea_codes_and_a_category_on_every_clause() -> None:
    found = issues(VALID + '\n[transparency]\nterritorial_scope = ["FR", "US"]\n')
    assert any("territorial_scope" in line and "'US'" in line for line in found), found
    assert sum("category" in line for line in found) == 2, found


def test_category_must_be_a_dsa_value_with_a_hint() -> None:
    text = VALID.replace(
        'action = "remove"\n', 'action = "remove"\ncategory = "STATEMENT_CATEGORY_SCAM_AND_FRAUD"\n', 1
    )
    found = issues(text)
    assert any("STATEMENT_CATEGORY_SCAMS_AND_FRAUD" in line for line in found), found


def test_guard_is_validated_and_only_on_removals() -> None:
    ok = VALID.replace(
        'action = "remove"\n', 'action = "remove"\nguard = { max_overturn_rate = 0.3, min_appeals = 10 }\n'
    )
    guard = parse_charter(ok).rules[0].guard
    assert guard is not None
    assert (guard.max_overturn_rate, guard.min_appeals, guard.window_days) == (0.3, 10, 90)
    found = issues(VALID.replace('action = "remove"\n', 'action = "remove"\nguard = { max_overturn_rate = 1.5 }\n'))
    assert any("max_overturn_rate" in line for line in found), found
    assert any("min_appeals" in line for line in found), found
    on_review = VALID.replace(
        'action = "review"\n', 'action = "review"\nguard = { max_overturn_rate = 0.3, min_appeals = 5 }\n'
    )
    assert any("only on rules whose action is remove" in line for line in issues(on_review))
