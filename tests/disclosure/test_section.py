"""The charter's [disclosure] section: the shipped defaults, and a precise issue for every kind of mistake."""

from __future__ import annotations

import pytest

from bot.charter.disclosure_model import Placement
from bot.charter.loader import CharterInvalid
from bot.charter.model import Charter
from tests.disclosure.conftest import parse_with_section

HEAD = """\
[charter]
name = "Test charter"
version = "1.0"
languages = ["fr", "en"]
default_language = "fr"
retention_days = 90

[[rules]]
id = "partnerships"
number = 1
action = "review"
title.fr = "Partenariats"
title.en = "Partnerships"
description.fr = "Dites-le."
description.en = "Say so."
"""

SECTION = """\
[disclosure]
team_roles = ["team", "équipe"]
jurisdiction = "fr"
reminder_hours = 24
affiliate_patterns = ["amazon.*?tag=", "amzn.to"]

[disclosure.phrases.fr]
promo = ["code promo", "avec le code {code}"]

[disclosure.jurisdictions.fr]
name = "France"
language = "fr"
accepted = ["Publicité", "Collaboration commerciale"]
weak = ["#ad"]
insufficient = ["#sp"]
placement = { first_chars = 150, not_buried = true }
prefix = { fr = "Publicité —" }
prefix_brand = { fr = "Collaboration commerciale avec {brand} :" }
rule.fr = "La loi demande « Publicité »."
rule.en = "The law asks for \\"Publicité\\"."

[[disclosure.sponsors]]
name = "Café Lumière"
domains = ["cafe-lumiere.example"]
codes = ["LUMIERE20"]
"""


def test_the_shipped_section_is_valid_and_complete(charter: Charter) -> None:
    policy = charter.disclosure
    assert policy is not None
    assert policy.jurisdiction == "fr"
    assert set(policy.jurisdictions) >= {"fr", "us", "uk", "de", "es", "it", "ca", "nl"}
    roles = set(policy.team_roles)
    assert {"team", "staff", "ambassador", "creator", "équipe", "ambassadeur", "créateur"} <= roles
    assert (policy.reminder_hours, policy.escalate_hours) == (24, 24)
    assert set(policy.phrases) == {"en", "fr", "de", "es", "it", "nl"}
    assert policy.sponsors
    nl, us = policy.jurisdictions["nl"], policy.jurisdictions["us"]
    assert {"#spon", "#collab"} <= set(nl.accepted)
    assert {"#spon", "#collab"} <= set(us.insufficient)
    assert "#ad" in policy.jurisdictions["fr"].weak


def test_a_minimal_section_parses_with_defaults() -> None:
    charter = parse_with_section(HEAD + SECTION)
    policy = charter.disclosure
    assert policy is not None
    assert policy.escalate_hours == 24
    assert policy.retention_days == 90
    assert policy.compliance_channel_setting == "disclosure_compliance_channel"
    fr = policy.rules_for(None)
    assert fr.placement == Placement(first_chars=150, not_buried=True)
    assert fr.prefix_for("en", None) == "Publicité —"
    assert fr.prefix_for("fr", "Café Lumière") == "Collaboration commerciale avec Café Lumière :"
    assert policy.sponsors[0].codes == ("LUMIERE20",)


# Each case: (text to replace, replacement, field, message fragment, line needle: the issue's line holds it).
ERRORS: dict[str, tuple[str, str, str, str, str]] = {
    "unknown-key": (
        "reminder_hours = 24",
        "remind_hours = 24",
        "disclosure.remind_hours",
        "did you mean 'reminder_hours'?",
        "remind_hours",
    ),
    "hours-zero": (
        "reminder_hours = 24",
        "reminder_hours = 0",
        "disclosure.reminder_hours",
        "expected a whole number from 1 to 720; got 0",
        "reminder_hours",
    ),
    "hours-text": (
        "reminder_hours = 24",
        'reminder_hours = "24"',
        "disclosure.reminder_hours",
        "got '24'",
        "reminder_hours",
    ),
    "fuzzy-too-low": (
        "reminder_hours = 24",
        "brand_fuzzy = 30",
        "disclosure.brand_fuzzy",
        "from 50 to 100; got 30",
        "brand_fuzzy",
    ),
    "missing-team-roles": (
        'team_roles = ["team", "équipe"]\n',
        "",
        "disclosure.team_roles",
        "got nothing (the key is missing)",
        "[disclosure]",
    ),
    "undefined-jurisdiction": (
        'jurisdiction = "fr"',
        'jurisdiction = "us"',
        "disclosure.jurisdiction",
        "expected one of the jurisdictions defined below (fr); got 'us'",
        'jurisdiction = "us"',
    ),
    "bad-setting-name": (
        "reminder_hours = 24",
        'compliance_channel_setting = "Compliance Channel"',
        "disclosure.compliance_channel_setting",
        "setting name of lowercase letters",
        "compliance_channel_setting",
    ),
    "bad-affiliate-pattern": (
        '"amzn.to"]',
        '"https://amzn.to"]',
        "disclosure.affiliate_patterns",
        "expected a host such as 'amzn.to'",
        "affiliate_patterns",
    ),
    "unknown-placeholder": (
        '"avec le code {code}"',
        '"avec le code {coupon}"',
        "disclosure.phrases.fr.promo",
        "expected only the placeholders {code}, {n}, {brand}; got {coupon}",
        "promo =",
    ),
    "unknown-phrase-kind": (
        'promo = ["code promo"',
        'promos = ["code promo"',
        "disclosure.phrases.fr.promos",
        "did you mean 'promo'?",
        "promos =",
    ),
    "bad-phrase-language": (
        "[disclosure.phrases.fr]",
        "[disclosure.phrases.francais]",
        "disclosure.phrases.francais",
        "expected a lowercase language code",
        "[disclosure.phrases.francais]",
    ),
    "bad-jurisdiction-code": (
        "[disclosure.jurisdictions.fr]",
        "[disclosure.jurisdictions.France]",
        "disclosure.jurisdictions.France",
        "expected a lowercase jurisdiction code",
        "[disclosure.jurisdictions.France]",
    ),
    "unknown-jurisdiction-key": (
        'name = "France"',
        'nmae = "France"',
        "disclosure.jurisdictions.fr.nmae",
        "did you mean 'name'?",
        "nmae =",
    ),
    "missing-accepted": (
        'accepted = ["Publicité", "Collaboration commerciale"]\n',
        "",
        "disclosure.jurisdictions.fr.accepted",
        "got nothing (the key is missing)",
        "[disclosure.jurisdictions.fr]",
    ),
    "label-in-two-lists": (
        'insufficient = ["#sp"]',
        'insufficient = ["#sp", "#publicite"]',
        "disclosure.jurisdictions.fr.insufficient",
        "expected each label in one list only; got '#publicite' in accepted and insufficient",
        "insufficient =",
    ),
    "bad-commission-statement": (
        'weak = ["#ad"]',
        'weak = ["#ad"]\ncommission_statement = "sufficient"',
        "disclosure.jurisdictions.fr.commission_statement",
        "expected one of accepted, weak, insufficient; got 'sufficient'",
        "commission_statement",
    ),
    "restricted-without-terms": (
        "[[disclosure.sponsors]]",
        '[disclosure.jurisdictions.fr.restricted.crypto]\nname.fr = "crypto"\nrule.fr = "AMF"\n\n'
        "[[disclosure.sponsors]]",
        "disclosure.jurisdictions.fr.restricted.crypto.terms",
        "got nothing (the key is missing)",
        "[disclosure.jurisdictions.fr.restricted.crypto]",
    ),
    "resolve-not-a-boolean": (
        "reminder_hours = 24",
        'reminder_hours = 24\nresolve_short_links = "yes"',
        "disclosure.resolve_short_links",
        "true or false",
        "resolve_short_links",
    ),
    "placement-typo": (
        "placement = { first_chars = 150, not_buried = true }",
        "placement = { first_char = 150 }",
        "disclosure.jurisdictions.fr.placement.first_char",
        "did you mean 'first_chars'?",
        "placement =",
    ),
    "placement-zero": (
        "placement = { first_chars = 150, not_buried = true }",
        "placement = { first_chars = 0 }",
        "disclosure.jurisdictions.fr.placement.first_chars",
        "from 1 to 4000; got 0",
        "placement =",
    ),
    "prefix-without-accepted-label": (
        'prefix = { fr = "Publicité —" }',
        'prefix = { fr = "Pub —" }',
        "disclosure.jurisdictions.fr.prefix.fr",
        "expected a prefix that contains one of this jurisdiction's accepted labels; got 'Pub —'",
        "prefix =",
    ),
    "prefix-missing-language": (
        'prefix = { fr = "Publicité —" }',
        'prefix = { en = "Publicité —" }',
        "disclosure.jurisdictions.fr.prefix",
        "expected a prefix in the jurisdiction's language 'fr'",
        "prefix =",
    ),
    "prefix-brand-without-brand": (
        'prefix_brand = { fr = "Collaboration commerciale avec {brand} :" }',
        'prefix_brand = { fr = "Collaboration commerciale :" }',
        "disclosure.jurisdictions.fr.prefix_brand.fr",
        "expected a text that names {brand}",
        "prefix_brand =",
    ),
    "rule-missing-language": (
        'rule.en = "The law asks for \\"Publicité\\"."\n',
        "",
        "disclosure.jurisdictions.fr.rule.en",
        "expected a text in 'en' (charter.languages lists it)",
        "rule.fr",
    ),
    "sponsor-missing-name": (
        'name = "Café Lumière"\n',
        "",
        "disclosure.sponsors[1].name",
        "got nothing (the key is missing)",
        "[[disclosure.sponsors]]",
    ),
    "sponsor-bad-domain": (
        'domains = ["cafe-lumiere.example"]',
        'domains = ["https://cafe-lumiere.example"]',
        "disclosure.sponsors[1].domains",
        "expected a bare domain",
        "domains =",
    ),
    "sponsor-bad-code": (
        'codes = ["LUMIERE20"]',
        'codes = ["LUMIERE 20"]',
        "disclosure.sponsors[1].codes",
        "expected a promo code of letters, digits, - or _",
        "codes =",
    ),
}


@pytest.mark.parametrize(("old", "new", "field", "fragment", "needle"), ERRORS.values(), ids=ERRORS.keys())
def test_section_errors_are_precise(old: str, new: str, field: str, fragment: str, needle: str) -> None:
    assert old in SECTION
    text = HEAD + SECTION.replace(old, new, 1)
    with pytest.raises(CharterInvalid) as raised:
        parse_with_section(text, "charter.toml")
    issues = [issue for issue in raised.value.issues if issue.field == field]
    assert issues, [str(issue) for issue in raised.value.issues]
    issue = issues[0]
    assert fragment in issue.message
    assert issue.file == "charter.toml"
    assert issue.line is not None
    assert needle in text.splitlines()[issue.line - 1], str(issue)
    assert str(issue).startswith(f"charter.toml:{issue.line}: field '{field}': ")


def test_a_duplicate_sponsor_is_refused() -> None:
    extra = '\n[[disclosure.sponsors]]\nname = "Cafe Lumiere"\n'
    with pytest.raises(CharterInvalid) as raised:
        parse_with_section(HEAD + SECTION + extra, "charter.toml")
    [issue] = raised.value.issues
    assert issue.field == "disclosure.sponsors[2].name"
    assert "expected each sponsor name once" in issue.message


def test_every_problem_is_reported_in_one_pass() -> None:
    text = HEAD + SECTION.replace("reminder_hours = 24", "reminder_hours = 0\nfoo = 1").replace(
        'codes = ["LUMIERE20"]', 'codes = ["LUMIERE 20"]'
    )
    with pytest.raises(CharterInvalid) as raised:
        parse_with_section(text, "charter.toml")
    fields = sorted(issue.field or "" for issue in raised.value.issues)
    assert fields == ["disclosure.foo", "disclosure.reminder_hours", "disclosure.sponsors[1].codes"]
