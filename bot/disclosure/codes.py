"""Promo codes as a small grammar in six languages: a code word, a code, an offer, and the negatives that are questions.

A promo code is signalled when a *code word* ("promo code", "code", "Rabattcode", "código",
"codice", "kortingscode") meets either a code that looks like one (`DERMIA20`, `"Super"`,
`MERMAID`, or `Mermaid` right after "use code") or an offer ("10% off", "-20 %", "at checkout",
"to save", "sur la boutique", "for you"). Colons, dashes and quotes may stand between. Not a
signal: a question ("does anyone have a code?"), a code someone lacks or lost ("I forgot the
promo code"), prose ("use the code below to reproduce the bug"), error and exit codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.disclosure.fold import Folded
from bot.disclosure.grammar import starts_word

_PROMO_NOUN = (
    r"(?:(?:promo|promotional|discount|coupon|voucher|referral|creator|affiliate|rabatt|gutschein|aktions|rabat"
    r"|kortings|korting|actie|sconto)[\s-]?codes?"
    r"|codes?[\s-]?(?:promo|promotionnel|de\s+(?:reduction|reduc|remise|parrainage|promotion)|reduction|parrainage"
    r"|reduc|remise)"
    r"|codigos?\s+(?:de\s+)?(?:descuento|promocional|promo|cupon)"
    r"|codic[ei]\s+(?:sconto|promo(?:zionale)?|di\s+sconto)"
    r"|cupon(?:\s+de\s+descuento)?|coupon|voucher|gutschein)"
)
_CODE_WORD = r"(?:codes?|codigo|codice|kode)"
_USE = (
    r"(?:use|using|enter|apply|try|with|w/|utilise[zr]?|utilisez|entre[zr]?|tape[zr]?|avec|profite[zr]?\s+de|mit|nutze"
    r"|nutzt|verwende|verwendet|gib|gebt|usa|usad|utiliza|introduce|con|usate|utilizza|inserisci|gebruik|met|vul)"
)
_DET = (
    r"(?:my|the|our|this|mon|ma|le|la|notre|nos|mes|ce|dem|meinem|den|meinen|unseren|unserem|mi|el|mio|il|nostro"
    r"|mijn|de|onze|deze|the\s+exclusive|mon\s+petit|il\s+mio)"
)
_COPULA = r"(?:\s+(?:is|es|est|ist|e|era|was|lautet|c'est))?"
_SEP = r"[\s:=\"'“”«»‘’(\[-]{0,4}"
_PROMO_CODE = r"(?P<code>[a-z0-9][a-z0-9_-]{2,24})(?![\w-])"
_OFFER = (
    r"(?:\d+\s*%\s*(?:off|de\s+(?:reduction|remise|rabais)|rabatt|de\s+descuento|descuento|di\s+sconto|sconto|korting)?"
    r"|-\s*\d+\s*(?:%|€|eur|\$|£)"
    r"|\d+\s*(?:€|eur|euros?|\$|£|dollars?)\s*(?:off|de\s+reduction|de\s+remise|rabatt|de\s+descuento|di\s+sconto"
    r"|korting)"
    r"|at\s+checkout|to\s+save|save\s+\d+|free\s+shipping|off\s+(?:your|at|everything|sitewide|the)"
    r"|livraison\s+(?:offerte|gratuite)|sur\s+(?:la\s+boutique|le\s+site|l'e-?shop|tout\s+le\s+site|le\s+shop)"
    r"|en\s+caisse|au\s+panier|de\s+reduction|de\s+remise"
    r"|spar(?:t|en|st)\b|rabatt|im\s+(?:online-?)?shop|versandkostenfrei"
    r"|de\s+descuento|en\s+la\s+tienda|envio\s+gratis"
    r"|di\s+sconto|nel\s+carrello|spedizione\s+gratuita"
    r"|korting|bij\s+het\s+afrekenen|gratis\s+verzending"
    r"|(?:for|pour|fur|para|per|voor)\s+(?:you|vous|toi|euch|dich|ti|vosotros|voi|te|jullie|jou|my\s+(?:followers"
    r"|viewers|subscribers|community)|mes\s+abonnes|meine\s+follower)\b"
    r"|exclusi(?:ve|f|v|vo|vo)\b)"
)
# Around the code word: a question, or someone lacking or asking for a code, is not an offer.
_LACK = re.compile(
    r"\b(?:forgot|forget|forgotten|lost|lose|need|needs|needed|anyone|anybody|looking\s+for|expired|fail|fails|failed"
    r"|crash|crashes|crashed|returns|returned|exits|exited|throws|threw"
    r"|invalid|doesn'?t|didn'?t|won'?t|isn'?t|not\s+working|no\s+longer|wrong|error|exit|status|source|zip|postal"
    r"|area|country|verification|confirmation|access|pin|qr|bar|dress|morse|oublie|cherche|quelqu'un|erreur|marche\s+pas"
    r"|vergessen|sucht|jemand|fehler|olvide|alguien|busco|error|dimenticato|qualcuno|cerco|errore|vergeten|iemand"
    r"|zoek|fout)\b"
)
# After the code: it did not work ("promo code SAVE20 isn't valid", « le code ne marche pas »).
_FAILS = re.compile(
    r"\b(?:(?:does|did|will|is|was)\s*n[o']?t|won'?t|can'?t|cannot|not)\s+(?:\w+\s+)?(?:work|working|valid|apply|applied"
    r"|accepted|recognized|recognised)\b|\b(?:expired|invalid|ne\s+marche\s+pas|ne\s+fonctionne\s+pas"
    r"|funktioniert\s+nicht|no\s+funciona|non\s+funziona|werkt\s+niet)\b"
)
_STOP = frozenset(
    [
        "below",
        "above",
        "here",
        "there",
        "in",
        "at",
        "for",
        "from",
        "on",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "if",
        "when",
        "that",
        "this",
        "is",
        "was",
        "which",
        "link",
        "links",
        "bio",
        "description",
        "desc",
        "ci",
        "dans",
        "la",
        "le",
        "les",
        "des",
        "du",
        "de",
        "pour",
        "sur",
        "en",
        "et",
        "ou",
        "est",
        "im",
        "der",
        "die",
        "das",
        "fur",
        "und",
        "el",
        "los",
        "para",
        "y",
        "es",
        "nel",
        "il",
        "per",
        "e",
        "o",
        "het",
        "voor",
        "is",
        "een",
        "lol",
        "omg",
        "wtf",
        "fyi",
        "asap",
        "pls",
        "plz",
        "thx",
        "btw",
        "imo",
        "tbh",
        "idk",
        "dm",
        "pm",
        "ok",
        "okay",
        "yes",
        "no",
        "non",
        "oui",
        "si",
        "ja",
        "nee",
        "you",
        "your",
        "vous",
        "votre",
        "euch",
        "ihr",
        "tu",
        "te",
        "ti",
        "voi",
        "jullie",
        "jou",
        "snippet",
        "review",
        "block",
        "blocks",
        "base",
        "sample",
        "samples",
    ]
)

# No pattern starts with `\b`: it would stop the regex engine from jumping to the first word;
# find_codes checks that a match starts a word instead.
_PATTERNS = (
    # "use code X", "utilisez mon code X", "mit dem Code X", "usa il mio codice X"
    (
        "use",
        re.compile(
            r"\b"
            + _USE
            + r"\s+(?:"
            + _DET
            + r"\s+){0,2}(?:"
            + _PROMO_NOUN
            + "|"
            + _CODE_WORD
            + r")\b"
            + _SEP
            + _PROMO_CODE
        ),
    ),
    # "promo code: X", "code promo « X »", "Rabattcode X"
    ("noun", re.compile(_PROMO_NOUN + r"\b" + _COPULA + _SEP + _PROMO_CODE)),
    # "code X" next to an offer: "code DERMIA20 pour -20 %", "20% off with code X"
    ("code", re.compile(_CODE_WORD + r"\b" + _SEP + _PROMO_CODE)),
    # An offer with a code word and no code: "20% off with my code", "code promo pour vous", "-15 % avec le code"
    ("offer", re.compile(r"(?:" + _OFFER + r")[^.!?\n]{0,40}?\b(?:" + _PROMO_NOUN + "|" + _CODE_WORD + r")\b")),
    ("offer", re.compile(_PROMO_NOUN + r"\b[^.!?\n]{0,40}?(?:" + _OFFER + ")")),
)
_OFFER_RE = re.compile(_OFFER)
_OFFER_REACH = 60


@dataclass(frozen=True, slots=True)
class CodeHit:
    """A promo-code cue: its span in folded text and the code as written, if any."""

    start: int
    end: int
    code: str | None
    lang: str | None  # the language its words are in, when they tell


# The words of a promo-code cue that tell its language ("code" alone does not).
_LANG_WORDS = {
    "en": (
        "promo code",
        "discount",
        "coupon",
        "voucher",
        "referral",
        "use ",
        "using",
        "enter",
        "apply",
        "with ",
        " off",
    ),
    "fr": ("code promo", "reduction", "remise", "parrainage", "utilise", "avec ", "sur la", "pour "),
    "de": ("rabatt", "gutschein", "mit ", "nutze", "verwende", "fur "),
    "es": ("codigo", "descuento", "cupon", "usa ", "con ", "para "),
    "it": ("codice", "sconto", "con il", "usa il", "per "),
    "nl": ("korting", "gebruik", "met ", "voor "),
}


def _lang(words: str) -> str | None:
    return next((lang for lang, cues in _LANG_WORDS.items() if any(cue in words for cue in cues)), None)


def find_codes(text: str, folded: Folded) -> Iterator[CodeHit]:
    """Every promo-code cue in `text` (folded as `folded`), questions and lacks left out."""
    ftext = folded.text
    for kind, regex in _PATTERNS:
        for match in regex.finditer(ftext):
            start, end = match.span()
            if not starts_word(ftext, start) or _asks_or_lacks(ftext, start, end):
                continue
            if kind == "offer":
                yield CodeHit(start, end, None, _lang(ftext[start:end]))
                continue
            code_start, code_end = folded.span(*match.span("code"))
            written = text[code_start:code_end]
            quoted = _quoted(text, code_start, code_end)
            offer = _offer_near(ftext, start, end)
            if _is_code(written, quoted=quoted, after_verb=kind == "use", offer=offer, noun=kind != "code"):
                yield CodeHit(start, end, written, _lang(ftext[start : match.start("code")]))


def _is_code(written: str, *, quoted: bool, after_verb: bool, offer: bool, noun: bool) -> bool:
    """Whether the word after a code word is a code: `DERMIA20`, `"Super"`, `MERMAID`, `Mermaid` after "use code"."""
    if written.lower() in _STOP:
        return False
    letters = sum(c.isalpha() for c in written)
    digits = sum(c.isdigit() for c in written)
    if letters and digits:
        return noun or after_verb or offer  # "exit code 1a2b" needs a promo noun, a verb or an offer
    if digits:
        return offer  # "code 1234 pour -20 %"; a bare number is an error code or a PIN
    if quoted:
        return True
    if written.isupper() and letters >= 3:
        return True
    if written[:1].isupper():
        return after_verb or offer
    return offer and (after_verb or noun)


def _quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] in "\"'“«‘" and text[start - 1 : start] != "" and text[end : end + 1] in "\"'”»’"


def _offer_near(folded: str, start: int, end: int) -> bool:
    window = folded[max(0, start - _OFFER_REACH) : end + _OFFER_REACH]
    return _OFFER_RE.search(window) is not None


def _asks_or_lacks(folded: str, start: int, end: int) -> bool:
    """A question about codes, or someone without one: the sentence ends with '?' or names a lack before the cue."""
    sentence_start = max(folded.rfind(c, 0, start) for c in ".!?\n") + 1
    stops = [i for i in (folded.find(c, end) for c in ".!?\n") if i >= 0]
    sentence_end = min(stops) if stops else len(folded)
    if folded[sentence_end : sentence_end + 1] == "?":
        return True
    return (
        _LACK.search(folded, sentence_start, start) is not None or _FAILS.search(folded, end, sentence_end) is not None
    )
