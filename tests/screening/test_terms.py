"""Whole-word term matching after folding: evasions are caught, innocent French and English words are not."""

from __future__ import annotations

import pytest

from bot.models import Action
from bot.screening import ScreeningEngine
from tests.screening.builders import make_charter, make_message, make_rule

FRENCH = ScreeningEngine(make_charter(make_rule("insultes", 1, terms=("con", "cul", "pute", "connard", "ta gueule"))))
ENGLISH = ScreeningEngine(make_charter(make_rule("insults", 1, terms=("ass", "idiot", "spam", "shut up", "skill"))))


@pytest.mark.parametrize(
    "text",
    [
        "Le contenu de la conférence est en ligne",
        "Je fais du calcul mental",
        "Sa réputation le précède",
        "Mon computer est lent",
        "Un conseil : consulte la console",
        "Le culte du cargo, une culture",
        "La députée a disputé le match",
        "On se retrouve à la Conférence de Paris",
        "Il y a un canard sur le lac",
        "Connaître la connexion",
        "Ce bouquin est écrit en 2024 et coûte 10 €",
        "Rendez-vous à 10h30, salle 12",
        "Le second contrat",
        "Il a dit : « c'est bon »",
        "ta gueuleton de dimanche",
    ],
)
def test_french_innocent_words_pass(text: str) -> None:
    assert FRENCH.screen(make_message(text)).action is Action.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "The class assistant read the passage",
        "Please assess the bass guitar",
        "An embassy in Massachusetts",
        "as I said, it was classic",
        "Grass, glass and brass",
        "Assassin's Creed is a game",
        "The idiotic idioms of idiosyncrasy",  # other words that merely start with the term
        "Skillful people have a skillset",
        "I shut the door. Up we go!",
        "order 1337, invoice 2024-001, $500",
    ],
)
def test_english_innocent_words_pass(text: str) -> None:
    assert ENGLISH.screen(make_message(text)).action is Action.ALLOW


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("quel con", "con"),
        ("QUEL CON !", "con"),
        ("t'es qu'un c0n", "con"),
        ("C O N", "con"),
        ("c.o.n", "con"),
        ("c-o-n", "con"),
        ("c_o_n", "con"),
        ("c . o . n", "con"),
        ("ᴄon", "con"),
        ("ᴄᴏɴ", "con"),
        ("cооn", "con"),  # Cyrillic о twice
        ("сon", "con"),  # Cyrillic с
        ("ｃｏｎ", "con"),
        ("𝐜𝐨𝐧", "con"),
        ("ⓒⓞⓝ", "con"),
        ("c\u200bon", "con"),
        ("cônn", "con"),
        ("cooooon", "con"),
        ("quel c.o.n!", "con"),
        ("you're a c.o.n.", "con"),
        ("sale pu7e", "pute"),
        ("p u t e", "pute"),
        ("conn@rd", "connard"),
        ("c0nnnnard", "connard"),
        ("CONNARD", "connard"),
        ("ta  gueule", "ta gueule"),
        ("TA GUEULE", "ta gueule"),
        ("ta g.u.e.u.l.e", "ta gueule"),
        ("mon cul", "cul"),
        ("mon cu1", "cul"),
    ],
)
def test_french_evasions_are_caught(text: str, term: str) -> None:
    verdict = FRENCH.screen(make_message(text))
    assert verdict.action is Action.REMOVE
    assert verdict.rule_id == "insultes"
    assert [e.detail for e in verdict.evidence if e.matcher == "term"] == [term]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("you ass", "ass"),
        ("a$$", "ass"),
        ("@ss", "ass"),
        ("4ss", "ass"),
        ("aaasss", "ass"),
        ("1d10t", "idiot"),
        ("id!ot", "idiot"),
        ("1d|ot", "idiot"),
        ("ID1OT!", "idiot"),
        ("IDIOT", "idiot"),
        ("Idiot.", "idiot"),
        ("skiII", "skill"),  # capital i drawn like a lower-case L
        ("SKILL", "skill"),
        ("spaaaam", "spam"),
        ("s p a m", "spam"),
        ("$pam", "spam"),
        ("5p4m", "spam"),
        ("shut   up", "shut up"),
        ("ski11", "skill"),
        ("sk1ll", "skill"),
        ("ski|l", "skill"),
    ],
)
def test_english_evasions_are_caught(text: str, term: str) -> None:
    verdict = ENGLISH.screen(make_message(text))
    assert verdict.action is Action.REMOVE
    assert [e.detail for e in verdict.evidence if e.matcher == "term"] == [term]


@pytest.mark.parametrize("text", ["ski", "skil", "ski1", "as", "a$", "idio", "spa m"])
def test_doubled_letters_of_a_term_are_required(text: str) -> None:
    assert ENGLISH.screen(make_message(text)).action is Action.ALLOW


def test_evidence_spans_index_the_original_text() -> None:
    text = "Franchement, quel c.o.n ce ｃｏｎｎａｒｄ!"
    verdict = FRENCH.screen(make_message(text))
    assert [text[e.start : e.end] for e in verdict.evidence] == ["c.o.n", "ｃｏｎｎａｒｄ"]


def test_every_occurrence_is_evidence() -> None:
    text = "con, con et re-con"
    verdict = FRENCH.screen(make_message(text))
    assert [(e.start, e.end) for e in verdict.evidence] == [(0, 3), (5, 8), (15, 18)]


def test_terms_written_with_leet_or_capitals_in_the_charter_fold_the_same_way() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, terms=("H4CK3R", "Ünïcödé"))))
    assert engine.screen(make_message("a hacker")).rule_id == "r"
    assert engine.screen(make_message("unicode")).rule_id == "r"


def test_numeric_terms_match_numbers_only_as_whole_numbers() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, terms=("1488",))))
    assert engine.screen(make_message("the 1488 code")).rule_id == "r"
    assert engine.screen(make_message("in 14880 cases")).action is Action.ALLOW
    assert engine.screen(make_message("in 2024")).action is Action.ALLOW


def test_plain_numbers_do_not_become_words() -> None:
    engine = ScreeningEngine(make_charter(make_rule("r", 1, terms=("io", "ie", "ei", "soo", "ioo"))))
    for text in ["10 €", "2024", "call 100", "1 0 0", "10.01", "50 %", "+33 1 00 00 00 00"]:
        assert engine.screen(make_message(text)).action is Action.ALLOW, text


# --- plurals ---------------------------------------------------------------------------------------

PLURALS = make_rule("r", 1, terms=("connard", "pute", "fils de pute", "moron", "bitch", "bijou", "con", "ass", "1488"))
WITH_PLURALS = ScreeningEngine(make_charter(PLURALS))


@pytest.mark.parametrize(
    ("text", "term", "span"),
    [
        ("bande de connards", "connard", "connards"),
        ("sales putes", "pute", "putes"),
        ("bande de fils de putes", "fils de pute", "fils de putes"),
        ("des bijoux volés", "bijou", "bijoux"),
        ("c0nn@rds", "connard", "c0nn@rds"),
        ("C O N N A R D S", "connard", "C O N N A R D S"),
        ("connnnards", "connard", "connnnards"),
        ("you morons", "moron", "morons"),
        ("MORONS!", "moron", "MORONS"),
        ("bitches", "bitch", "bitches"),
        ("b1tches", "bitch", "b1tches"),
        ("ｂｉｔｃｈｅｓ", "bitch", "ｂｉｔｃｈｅｓ"),
    ],
)
def test_terms_of_four_letters_or_more_match_their_plurals(text: str, term: str, span: str) -> None:
    verdict = WITH_PLURALS.screen(make_message(text))
    assert verdict.action is Action.REMOVE
    assert (term, span) in [(e.detail, text[e.start : e.end]) for e in verdict.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "pros and cons",  # three-letter terms match only as written
        "Cons Edison",
        "the asses of the village",
        "in the 1488s",  # numbers have no plural
        "les conards",  # the plural still needs the term's doubled letters
        "computes and disputes",  # a plural does not lift the whole-word check on the left
        "des salopettes, une bijouterie",
        "bitchy, moronic, connardise",  # other endings are other words
        "putesse",
    ],
)
def test_plurals_stop_at_simple_suffixes_of_long_terms(text: str) -> None:
    assert WITH_PLURALS.screen(make_message(text)).action is Action.ALLOW


def test_plurals_can_be_switched_off() -> None:
    engine = ScreeningEngine(make_charter(PLURALS), plurals=False)
    assert engine.screen(make_message("bande de connards")).action is Action.ALLOW
    assert engine.screen(make_message("quel connard")).action is Action.REMOVE
