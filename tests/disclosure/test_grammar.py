"""Issue 8 detection: promo codes, gifts and labels as people write them, denials, link knowledge, misplaced labels."""

from __future__ import annotations

import pytest

from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure.checker import DisclosureChecker, Severity
from bot.disclosure.knowledge import LinkKnowledge, networks
from bot.disclosure.links import find_links


@pytest.fixture
def checker(policy: DisclosurePolicy) -> DisclosureChecker:
    return DisclosureChecker(policy)


@pytest.mark.parametrize(
    ("jurisdiction", "text"),
    [
        ("us", 'Use Code "Super" for 10% Off'),
        ("us", "Use code: MERMAID"),
        ("us", "use code Glow15 at checkout"),
        ("us", "Get 15% off with my code ALEX15"),
        ("uk", "Enter code SPRING at checkout to save 20%"),
        ("fr", "code DERMIA20 pour -20 %"),
        ("fr", "Utilisez mon code Camille pour la boutique"),
        ("fr", "Code promo : ETE2024 valable jusqu'à dimanche"),
        ("de", "Mit meinem Code LENA20 spart ihr 20 % im Shop"),
        ("de", "Rabattcode: SOMMER15"),
        ("es", "Usa mi código MARTA10 para un 10% de descuento"),
        ("it", "Con il mio codice GIULIA15 avete il 15% di sconto"),
        ("nl", "Met mijn code SANNE10 krijg je 10% korting"),
    ],
)
def test_promo_codes_as_written(checker: DisclosureChecker, jurisdiction: str, text: str) -> None:
    finding = checker.inspect(text, jurisdiction=jurisdiction)
    assert "promo_code" in {s.kind for s in finding.signals}, text
    assert finding.sponsored


@pytest.mark.parametrize(
    "text",
    [
        "I forgot the promo code",
        "does anyone have a code?",
        "Is there a discount code for students?",
        "Use the code below to reproduce the bug",
        "The build failed with code E1234 again",
        "Exit code 137 means out of memory",
        "J'ai oublié mon code promo, quelqu'un l'a ?",
        "Hat jemand einen Gutscheincode?",
        "Your promo code SAVE20 does not work",
        "le code LUMI20 ne marche pas",
    ],
)
def test_code_talk_that_is_no_promo_code(checker: DisclosureChecker, text: str) -> None:
    assert not checker.inspect(text, jurisdiction="us").sponsored, text


@pytest.mark.parametrize(
    ("jurisdiction", "text"),
    [
        ("us", "Thanks Sonora for the free headphones!"),
        ("us", "Lumio sent me this lamp to try"),
        ("us", "@NordlichtAudio gave me a pair of their earbuds"),
        ("us", "Loving my free sneakers from Stridewell"),
        ("uk", "Unboxing my PR package today"),
        ("fr", "Merci à Lumio de m'avoir offert cette lampe"),
        ("fr", "Produit reçu gratuitement"),
        ("de", "Die Kopfhörer wurden mir kostenlos zur Verfügung gestellt"),
        ("de", "Ich habe die Creme kostenlos erhalten"),
        ("es", "Regalo de Lumio, me encanta"),
        ("it", "Ho ricevuto questa crema in omaggio"),
        ("nl", "Ontvangen van Lumio: een nieuwe lamp"),
    ],
)
def test_gifts_as_written(checker: DisclosureChecker, jurisdiction: str, text: str) -> None:
    assert "gift" in {s.kind for s in checker.inspect(text, jurisdiction=jurisdiction).signals}, text


@pytest.mark.parametrize(
    "text",
    [
        "My mom sent me a care package for exams",
        "Ma sœur m'a offert ce livre",
        "Support sent me an email about the outage",
        "@airline gave me a $200 voucher for the delay",
        "She is a gifted player",
        "Feel free to join the free workshop from 5pm",
    ],
)
def test_gifts_from_people_or_prose_are_not_signals(checker: DisclosureChecker, text: str) -> None:
    assert not checker.inspect(text, jurisdiction="us").sponsored, text


@pytest.mark.parametrize(
    ("jurisdiction", "text"),
    [
        ("us", "This video is NOT sponsored, I bought everything myself"),
        ("us", "I was not paid by Stridewell"),
        ("us", "No affiliate links here"),
        ("fr", "Cette vidéo n'est pas sponsorisée"),
        ("de", "Das Video ist nicht gesponsert"),
        ("es", "Este vídeo no está patrocinado"),
        ("it", "Questo video non è sponsorizzato"),
        ("nl", "Deze video is niet gesponsord"),
    ],
)
def test_denials_are_not_sponsorship(checker: DisclosureChecker, jurisdiction: str, text: str) -> None:
    assert not checker.inspect(text, jurisdiction=jurisdiction).sponsored, text


def test_a_denial_does_not_hide_an_affiliate_link(checker: DisclosureChecker) -> None:
    finding = checker.inspect("Not sponsored! https://www.amazon.com/dp/B01?tag=me-20", jurisdiction="us")
    assert finding.sponsored
    assert finding.severity is Severity.MISSING


@pytest.mark.parametrize(
    "disclosure",
    [
        "Some links are affiliate links.",
        "This description contains affiliate links.",
        "I receive a small commission from purchases made through these links.",
        "If you buy, I may earn a small commission at no extra cost to you.",
        "As an Amazon Associate I earn from qualifying purchases.",
        "These are Amazon associate links.",
        "I may be compensated if you buy through these links.",
        "Affiliate disclosure: some links below earn me a commission.",
        "(paid link)",
        "#ad",
    ],
)
def test_us_disclosures_placed_first_or_late(checker: DisclosureChecker, disclosure: str) -> None:
    body = "My microphone: https://www.amazon.com/dp/B07XJ8C8F5?tag=creator-20"
    first = checker.inspect(f"{disclosure}\n{body}", jurisdiction="us")
    assert first.disclosed, first.label
    assert first.severity is Severity.OK, first.label
    late = checker.inspect(f"{body}\n{'Lots of words about my morning routine. ' * 5}\n{disclosure}", jurisdiction="us")
    assert late.severity is Severity.MISPLACED
    assert late.suggestion is not None
    assert late.suggestion.startswith(disclosure.rstrip(":"))
    assert checker.inspect(late.suggestion, jurisdiction="us").severity is Severity.OK


def test_france_still_wants_publicite_over_a_commission_statement(checker: DisclosureChecker) -> None:
    finding = checker.inspect("Je touche une commission sur ce lien : https://amzn.to/3kLm", jurisdiction="fr")
    assert finding.disclosed
    assert finding.severity is Severity.SOFT
    assert finding.suggestion is not None
    assert finding.suggestion.startswith("Publicité")


def test_thanks_is_the_insufficient_label_only_as_a_hashtag(checker: DisclosureChecker) -> None:
    plain = checker.inspect("Thanks so much for your support! Use code SAVE20 for 20% off", jurisdiction="us")
    assert plain.severity is Severity.MISSING
    tagged = checker.inspect("#thanks Use code SAVE20 for 20% off", jurisdiction="us")
    assert tagged.severity is Severity.INSUFFICIENT


def test_the_us_hand_case_from_the_issue(checker: DisclosureChecker) -> None:
    finding = checker.inspect("Thanks Sonora for the free headphones! #spon", jurisdiction="us")
    assert finding.sponsored
    assert [s.kind for s in finding.signals] == ["gift"]
    assert finding.severity is Severity.INSUFFICIENT
    assert finding.suggestion == "#ad Thanks Sonora for the free headphones!"


def test_the_french_hand_case_from_the_issue(checker: DisclosureChecker) -> None:
    finding = checker.inspect("Merci à Lumio de m'avoir offert cette lampe", jurisdiction="fr")
    assert finding.sponsored
    assert finding.severity is Severity.MISSING
    assert finding.suggestion == "Publicité — Merci à Lumio de m'avoir offert cette lampe"


@pytest.mark.parametrize(
    "url",
    [
        "https://videohive.net/item/x/123?ref=studio",
        "https://themeforest.net/item/x/1?ref=web",
        "https://www.banggood.com/x-p-1.html?p=AB12",
        "http://creator.vendor.hop.clickbank.net/?tid=yt",
        "https://www.shopstyle.com/action/apiVisitRetailer?id=1&pid=uid1",
        "https://www.bookdepository.com/b/978?a_aid=reader",
        "https://geni.us/MyMic",
        "https://prf.hn/click/camref:1011l/pubref:yt",
        "https://www.ebay.com/itm/1?mkcid=1&campid=5338",
        "https://www.booking.com/hotel/fr/x.html?aid=123",
    ],
)
def test_networks_from_the_data_file(url: str) -> None:
    assert LinkKnowledge().affiliate(next(find_links(url))) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/foo/bar?ref=main",
        "https://docs.python.org/3/?ref=sidebar",
        "https://www.amazon.com/dp/B07XJ8C8F5",
        "https://impact.com/blog/",
    ],
)
def test_ref_on_unknown_domains_and_plain_shop_links_are_not_affiliate(url: str) -> None:
    assert LinkKnowledge().affiliate(next(find_links(url))) is None


def test_every_network_names_its_source() -> None:
    assert len(networks()) >= 25
    assert all(network.source.strip() for network in networks())


def test_the_charter_extends_the_shipped_networks() -> None:
    link = next(find_links("https://partners.cafe-lumiere.example/x?ref=maya"))
    assert LinkKnowledge().affiliate(link) is None
    found = LinkKnowledge(["partners.cafe-lumiere.example?ref="]).affiliate(link)
    assert found is not None
    assert found[0] == "charter"


@pytest.mark.parametrize(
    ("text", "sponsored"),
    [
        ("Shop the look here: https://bit.ly/3abc", True),
        ("The deal ends tonight https://linktr.ee/maker", True),
        ("Slides from the talk: https://bit.ly/3abc", False),
        ("La lampe est en promo : https://bit.ly/lampe", True),
    ],
)
def test_short_links_with_a_shopping_word_are_a_soft_signal(
    checker: DisclosureChecker, text: str, sponsored: bool
) -> None:
    finding = checker.inspect(text, jurisdiction="us")
    assert finding.sponsored is sponsored
    if sponsored:
        assert finding.severity is Severity.SOFT
        assert finding.soft_only


def test_an_image_in_a_french_audience_gets_the_image_note(checker: DisclosureChecker) -> None:
    text = "Code LUMIERE20 pour -20 % sur la boutique"
    assert checker.inspect(text, jurisdiction="fr", image=True).image_note
    assert not checker.inspect(text, jurisdiction="fr").image_note
    assert not checker.inspect(text, jurisdiction="us", image=True).image_note


@pytest.mark.parametrize(
    ("jurisdiction", "text", "category"),
    [
        ("fr", "Publicité — mes injections d'acide hyaluronique, code SMILE20 pour -20 %", "aesthetic"),
        ("fr", "Les meilleures puffs, code VAPE10 pour -10 %", "nicotine"),
        ("fr", "Achetez du bitcoin sur CoinCo avec mon code BTC10 pour -10 %", "crypto"),
        ("fr", "Bonus de bienvenue au casino avec mon code WIN50", "gambling"),
        ("uk", "#ad Buy bitcoin with code BTC10 for 10% off", "crypto"),
    ],
)
def test_restricted_promotions_are_found(
    checker: DisclosureChecker, jurisdiction: str, text: str, category: str
) -> None:
    finding = checker.inspect(text, jurisdiction=jurisdiction)
    assert finding.restricted == (category,)
    assert finding.needs_nudge


def test_a_restricted_word_without_a_commercial_signal_is_left_alone(checker: DisclosureChecker) -> None:
    finding = checker.inspect("J'adore le bitcoin, et vous ?", jurisdiction="fr")
    assert not finding.sponsored
    assert not finding.needs_nudge
