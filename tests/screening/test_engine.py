"""Engine verdicts for every matcher, rule priority, exemptions and fuzzy near misses."""

from __future__ import annotations

import pytest

from bot.charter.model import LinkPolicy
from bot.models import Action, Evidence, Verdict
from bot.screening import ScreeningEngine
from tests.screening.builders import make_charter, make_message, make_rule


def screen(engine: ScreeningEngine, text: str, **kwargs: object) -> Verdict:
    return engine.screen(make_message(text, **kwargs))  # type: ignore[arg-type]


def spans(verdict: Verdict, text: str) -> list[str]:
    return [text[e.start : e.end] for e in verdict.evidence]


def test_nothing_matched_is_allow_with_the_charter_version() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, terms=("spam",)), version="v7"))
    assert screen(engine, "bonjour à tous") == Verdict(Action.ALLOW, charter_version="v7")


def test_a_match_records_rule_clause_version_and_evidence() -> None:
    engine = ScreeningEngine(make_charter(make_rule("spam", 4, Action.WARN, terms=("spam",)), version="v7"))
    verdict = screen(engine, "no spam here")
    assert verdict == Verdict(
        Action.WARN, "spam", 4, "v7", (Evidence("term", 3, 7, "spam"),), confidence=1.0, automated=True
    )


# --- patterns -------------------------------------------------------------------------------------

PATTERNS = ScreeningEngine(
    make_charter(make_rule("scam", 2, Action.REVIEW, patterns=(r"(?i)free\s+nitro", r"\bbit\.ly/\w+")))
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("get FREE   Nitro now", ["FREE   Nitro"]),
        ("see bit.ly/abc and free nitro", ["bit.ly/abc", "free nitro"]),
        ("Nitro is free", []),
    ],
)
def test_patterns_run_with_re2_on_the_original_text(text: str, found: list[str]) -> None:
    verdict = screen(PATTERNS, text)
    assert spans(verdict, text) == found
    assert verdict.action is (Action.REVIEW if found else Action.ALLOW)


def test_patterns_that_match_empty_strings_do_not_flag() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, patterns=("x*",))))
    assert screen(engine, "hello").action is Action.ALLOW
    assert spans(screen(engine, "axxb"), "axxb") == ["xx"]


def test_a_pattern_re2_refuses_is_skipped_not_fatal() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, patterns=(r"(a)\1", "bad"))))
    assert screen(engine, "aa bad").rule_id == "r"
    assert spans(screen(engine, "aa bad"), "aa bad") == ["bad"]


# --- links and invites ----------------------------------------------------------------------------

LINKS = ScreeningEngine(
    make_charter(
        make_rule(
            "links",
            3,
            links=LinkPolicy(
                deny_domains=("evil.com", "https://www.Scam.io/"),
                allow_domains=("docs.evil.com",),
                block_invites=True,
                allowed_invites=("partners",),
            ),
        )
    )
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("go to https://evil.com/login", ["https://evil.com/login"]),
        ("bare evil.com/path?q=1 here", ["evil.com/path?q=1"]),
        ("sub domain www.shop.evil.com", ["www.shop.evil.com"]),
        ("upper EVIL.COM", ["EVIL.COM"]),
        ("scam.io", ["scam.io"]),
        ("fullwidth ｅｖｉｌ．ｃｏｍ", ["ｅｖｉｌ．ｃｏｍ"]),
        ("cyrillic еvil.com", ["еvil.com"]),
        ("punycode xn--vil-ddd.com", []),
        ("join discord.gg/abc123", ["discord.gg/abc123"]),
        ("https://discord.com/invite/xyz", ["https://discord.com/invite/xyz"]),
        ("discordapp.com/invite/Q1w2", ["discordapp.com/invite/Q1w2"]),
        ("spaced discord . gg / abc", ["discord . gg / abc"]),
        ("bracketed discord[.]gg/abc", ["discord[.]gg/abc"]),
        ("zero width discord\u200b.gg/abc", ["discord\u200b.gg/abc"]),
    ],
)
def test_denied_links_and_invites_are_removed(text: str, found: list[str]) -> None:
    verdict = screen(LINKS, text)
    assert spans(verdict, text) == found
    assert verdict.action is (Action.REMOVE if found else Action.ALLOW)


@pytest.mark.parametrize(
    "text",
    [
        "docs at https://docs.evil.com/guide",
        "notevil.com is fine",
        "evil.community is another site",
        "mail me at bob@evil.com",  # an address, not a link
        "our partners: discord.gg/partners and discord.gg/PARTNERS",
        "discord is great, see discord.com/channels/1/2",
        "file.txt and e.g. i.e.",
    ],
)
def test_allowed_links_and_lookalike_names_pass(text: str) -> None:
    assert screen(LINKS, text).action is Action.ALLOW


def test_invites_alone_do_not_deny_domains() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, links=LinkPolicy(block_invites=True))))
    assert screen(engine, "evil.com").action is Action.ALLOW
    assert screen(engine, "discord.gg/x1").rule_id == "r"


# --- mentions -------------------------------------------------------------------------------------

MENTIONS = ScreeningEngine(make_charter(make_rule("mentions", 5, Action.WARN, max_mentions=3)))


def test_mention_flood_is_flagged_above_the_limit_only() -> None:
    text = "<@1> <@!2> <@&3> @everyone"
    assert screen(MENTIONS, text, mention_count=3).action is Action.ALLOW
    verdict = screen(MENTIONS, text, mention_count=4)
    assert verdict.action is Action.WARN
    assert spans(verdict, text) == ["<@1>", "<@!2>", "<@&3>", "@everyone"]


def test_slack_mentions_are_pointed_at() -> None:
    text = "hey <@U123|ann> <@U456> <!here> <!subteam^S1|devs>"
    verdict = screen(MENTIONS, text, mention_count=5)
    assert spans(verdict, text) == ["<@U123|ann>", "<@U456>", "<!here>", "<!subteam^S1|devs>"]


def test_mention_flood_without_visible_mentions_points_at_the_whole_text() -> None:
    verdict = screen(MENTIONS, "hello all", mention_count=9)
    assert [(e.start, e.end) for e in verdict.evidence] == [(0, 9)]


# --- personal data --------------------------------------------------------------------------------

PERSONAL = ScreeningEngine(make_charter(make_rule("privacy", 6, Action.REVIEW, personal_data=("email", "phone"))))


@pytest.mark.parametrize(
    ("text", "found", "matcher"),
    [
        ("écris à jean.dupont+test@exemple.fr stp", "jean.dupont+test@exemple.fr", "email"),
        ("MAIL: Bob_99@Mail.Example.CO.UK.", "Bob_99@Mail.Example.CO.UK", "email"),
        ("appelle-moi au 06 12 34 56 78", "06 12 34 56 78", "phone"),
        ("tel 06.12.34.56.78.", "06.12.34.56.78", "phone"),
        ("tel 0612345678", "0612345678", "phone"),
        ("or +33 6 12 34 56 78", "+33 6 12 34 56 78", "phone"),
        ("or +33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78", "phone"),
        ("call (555) 123-4567", "(555) 123-4567", "phone"),
        ("call 555-123-4567 now", "555-123-4567", "phone"),
        ("call +1 555 123 4567", "+1 555 123 4567", "phone"),
        ("fullwidth ０６ １２ ３４ ５６ ７８", "０６ １２ ３４ ５６ ７８", "phone"),
    ],
)
def test_personal_data_is_held_for_review(text: str, found: str, matcher: str) -> None:
    verdict = screen(PERSONAL, text)
    assert verdict.action is Action.REVIEW
    assert spans(verdict, text) == [found]
    assert [e.matcher for e in verdict.evidence] == [matcher]
    assert found not in verdict.evidence[0].detail


@pytest.mark.parametrize(
    "text",
    [
        "rendez-vous le 12/03/2024 à 10:30",
        "le 2024-03-12, puis le 12.03.2024",
        "prix : 1 234,56 € ou 19,99 $",
        "en 1999, 2000 et 2024",
        "commande n°0612345678 expédiée",
        "order #123-456-7890 shipped",
        "invoice 0612345678",
        "ISBN 978-2-07-036822-8",
        "version 1.2.3.4 et 3.14159",
        "score 06-12 puis 34-56",
        "bob at example dot com",
        "@everyone hello",
        "id 12345678901234567890",
    ],
)
def test_dates_prices_years_and_references_are_not_personal_data(text: str) -> None:
    assert screen(PERSONAL, text).action is Action.ALLOW


def test_only_the_kinds_the_rule_names_are_looked_for() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, personal_data=("email",))))
    assert screen(engine, "06 12 34 56 78").action is Action.ALLOW
    assert screen(engine, "a@b.fr").rule_id == "r"


# --- priority -------------------------------------------------------------------------------------

PRIORITY = ScreeningEngine(
    make_charter(
        make_rule("warned", 1, Action.WARN, terms=("alpha",)),
        make_rule("reviewed", 2, Action.REVIEW, terms=("beta",)),
        make_rule("removed", 3, Action.REMOVE, terms=("gamma",)),
        make_rule("removed-too", 4, Action.REMOVE, terms=("gamma", "delta")),
    )
)


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("alpha beta", "reviewed"),
        ("alpha beta gamma", "removed"),
        ("delta alpha gamma", "removed"),  # tie on remove: the lower clause wins
        ("delta alpha", "removed-too"),
        ("alpha", "warned"),
    ],
)
def test_harshest_action_wins_then_lowest_clause(text: str, rule_id: str) -> None:
    verdict = screen(PRIORITY, text)
    assert verdict.rule_id == rule_id


def test_only_the_winning_rule_evidence_is_kept() -> None:
    text = "delta alpha gamma"
    verdict = screen(PRIORITY, text)
    assert [(e.detail, text[e.start : e.end]) for e in verdict.evidence] == [("gamma", "gamma")]


# --- exemptions -----------------------------------------------------------------------------------

EXEMPT_RULE = make_rule(
    "spam", 1, terms=("spam",), exempt_roles=("Moderators", "@Staff", "9001"), exempt_channels=("#Bot-Spam", "C42")
)
EXEMPT = ScreeningEngine(make_charter(EXEMPT_RULE, make_rule("other", 2, Action.WARN, terms=("spam",))))


@pytest.mark.parametrize(
    ("kwargs", "exempt"),
    [
        ({"roles": ("moderators",)}, True),
        ({"roles": ("member", "STAFF")}, True),
        ({"roles": ("9001",)}, True),
        ({"roles": ("member",)}, False),
        ({"channel_name": "bot-spam"}, True),
        ({"channel_name": "#bot-spam"}, True),
        ({"channel": "C42", "channel_name": "random"}, True),
        ({"channel": "c42", "channel_name": ""}, True),
        ({"channel": "C43", "channel_name": "general"}, False),
    ],
)
def test_exemptions_by_role_or_channel(kwargs: dict[str, object], exempt: bool) -> None:
    message = make_message("spam", **kwargs)  # type: ignore[arg-type]
    assert EXEMPT.exempt(EXEMPT_RULE, message) is exempt
    # An exempt rule steps aside; the next rule that still applies decides.
    assert EXEMPT.screen(message).rule_id == ("other" if exempt else "spam")


def test_exempt_rules_also_skip_scanning_matchers() -> None:
    rule = make_rule("m", 1, max_mentions=1, exempt_roles=("mods",))
    engine = ScreeningEngine(make_charter(rule))
    assert engine.screen(make_message("<@1> <@2>", mention_count=2, roles=("mods",))).action is Action.ALLOW
    assert engine.screen(make_message("<@1> <@2>", mention_count=2)).action is Action.REMOVE


# --- fuzzy ----------------------------------------------------------------------------------------

FUZZY = ScreeningEngine(
    make_charter(make_rule("insults", 1, Action.REMOVE, terms=("connard", "imbecile", "idiot", "con"), fuzzy=85))
)


@pytest.mark.parametrize(
    ("text", "term"), [("quel connar", "connard"), ("espèce d'imbéssile", "imbecile"), ("idiotz", "idiot")]
)
def test_fuzzy_only_matches_go_to_review_with_lower_confidence(text: str, term: str) -> None:
    verdict = screen(FUZZY, text)
    assert verdict.action is Action.REVIEW
    assert verdict.rule_id == "insults"
    assert 0.85 <= verdict.confidence < 1.0
    assert [e.matcher for e in verdict.evidence] == ["fuzzy"]
    assert verdict.evidence[0].detail.startswith(term)


def test_exact_match_wins_over_fuzzy_and_removes() -> None:
    verdict = screen(FUZZY, "quel connard, quel connar")
    assert verdict.action is Action.REMOVE
    assert verdict.confidence == 1.0
    assert [e.matcher for e in verdict.evidence] == ["term"]


@pytest.mark.parametrize("text", ["le canard", "une conférence", "cons", "coin", "idiome", "imbrication"])
def test_fuzzy_ignores_short_terms_and_distant_words(text: str) -> None:
    assert screen(FUZZY, text).action is Action.ALLOW


def test_fuzzy_spans_point_at_the_original_word() -> None:
    text = "Quel ÇONNAR !"
    verdict = screen(FUZZY, text)
    assert spans(verdict, text) == ["ÇONNAR"]


# A word that only lacks a doubled letter of a term is another word ("as" is not "ass"): the fuzzy
# stage follows the exact stage, at any cutoff.
@pytest.mark.parametrize("text", ["quel conard", "un conar", "CONARD", "c0nard", "conaaard", "conards"])
def test_fuzzy_requires_the_doubled_letters_of_a_term(text: str) -> None:
    assert screen(FUZZY, text).action is Action.ALLOW


def test_a_misspelling_listed_as_a_term_is_matched_on_its_own() -> None:
    engine = ScreeningEngine(make_charter(make_rule("insults", 1, terms=("connard", "conard"), fuzzy=85)))
    assert screen(engine, "quel conard").action is Action.REMOVE
    verdict = screen(engine, "quel conar")
    assert verdict.action is Action.REVIEW
    assert verdict.evidence[0].detail.startswith("conard ")


SHORT_NEIGHBOURS = ScreeningEngine(make_charter(make_rule("insults", 1, terms=("moron", "bitch"), fuzzy=85)))


@pytest.mark.parametrize("text", ["in the morn", "an itch", "bich", "mron", "BITC"])
def test_fuzzy_never_compares_words_shorter_than_five_letters(text: str) -> None:
    assert screen(SHORT_NEIGHBOURS, text).action is Action.ALLOW


@pytest.mark.parametrize(("text", "term"), [("biatch", "bitch"), ("m0re0n", "moron"), ("b1otch", "bitch")])
def test_fuzzy_still_catches_long_misspellings(text: str, term: str) -> None:
    verdict = screen(SHORT_NEIGHBOURS, text)
    assert verdict.action is Action.REVIEW
    assert verdict.evidence[0].detail.startswith(f"{term} ")
