"""Sponsored-content signals and disclosure-label checks per jurisdiction for team members' posts (pure, no I/O).

Where the sponsored line is drawn. A post *looks sponsored* only when it carries a commercial
signal, something that shows a brand relationship rather than an opinion:

- an affiliate link: a network of `data/affiliate_networks.toml` (Amazon `tag=`, amzn.to, geni.us,
  Envato `ref=`, ClickBank hop links, CJ, Awin, Rakuten, Impact, Partnerize, ShareASale,
  Skimlinks, Sovrn, LTK, ShopStyle, AliExpress, Banggood, eBay, Booking `aid=`...) or a charter
  `affiliate_patterns` entry. A `ref=` on any other domain is not a signal (GitHub, docs);
- a link to a registered sponsor's domain (`sponsor_link`);
- a promo code (codes.py: a code word with a code or an offer, in six languages), a sponsor's
  registered code, or a discount link (`?coupon=`, `/discount/CODE`);
- a gift ("gifted by", "X sent me", "thanks X for the free headphones", « m'a offert »,
  "zur Verfügung gestellt", "regalo de", "omaggio"...), unless a relative gave it;
- a sponsorship or commission statement ("sponsored by", "I earn a small commission", "As an
  Amazon Associate..."); the looser `partner` phrases ("in partnership with") count only
  when a registered sponsor is named in the same post.

Denials never count: "this video is NOT sponsored", "I was not paid", « pas sponsorisé ».
A shortened or link-in-bio link next to a shopping phrase is a *soft* signal (`short_link`):
the note only asks to add the label if the link earns something. When the running bot has
resolved a short link (see bot/ports.py LinkResolver), `resolved` says where it leads, and an
affiliate destination is a plain affiliate signal. This module itself never goes to the network.

A sponsor's name on its own ("I love my Café Lumière mug") is a `brand` signal but never makes
a post sponsored. Only posts by team members (the charter's `team_roles`) are checked at all.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.charter.disclosure_model import DisclosurePolicy, Jurisdiction
from bot.charter.model import Charter
from bot.disclosure.fold import fold, fold_key
from bot.disclosure.labels import ACCEPTED, WEAK, LabelHit, LabelMatcher, best, move_to_front, suggest
from bot.disclosure.scan import COMMERCIAL_KINDS, SIGNAL_KINDS, SOFT_KINDS, Scanner, Signal
from bot.models import Message
from bot.roles import role_key

__all__ = ["COMMERCIAL_KINDS", "SIGNAL_KINDS", "DisclosureChecker", "DisclosureFinding", "Severity", "Signal"]

COMMISSION_LABEL = "commission statement"


class Severity(enum.StrEnum):
    """How far a sponsored post is from a proper disclosure for its audience."""

    OK = "ok"  # a proper label, well placed
    SOFT = "soft"  # a label this audience does not expect (#ad in France), or only a soft signal (a short link)
    MISPLACED = "misplaced"  # a proper label, buried or too far down: move it to the start
    INSUFFICIENT = "insufficient"  # only a label this audience does not accept (#spon in the US)
    MISSING = "missing"  # no label at all


@dataclass(frozen=True, slots=True)
class DisclosureFinding:
    """What the disclosure check found in one post."""

    sponsored: bool
    signals: tuple[Signal, ...]
    disclosed: bool
    label: str | None  # the label as written in the post, if any
    placement_ok: bool
    jurisdiction: str
    severity: Severity
    suggestion: str | None  # the post with the proper label up front; None when nothing is needed
    lang: str  # the post's language, used for the suggestion
    brand: str | None = None  # the registered sponsor named in the post, if any
    suggested_label: str = ""  # the label the suggestion adds, e.g. "Publicité"
    label_kind: str | None = field(default=None)  # accepted, weak or insufficient
    soft_only: bool = False  # only soft signals (a short link next to "shop"): "if it earns you anything"
    image_note: bool = False  # a French audience and an image: « Image retouchée » / « Image virtuelle »
    restricted: tuple[str, ...] = ()  # restricted-promotion categories the post falls in (keys)
    short_links: tuple[str, ...] = ()  # short links nobody resolved

    @property
    def needs_nudge(self) -> bool:
        """Whether the author should hear about it."""
        return self.sponsored and (self.severity is not Severity.OK or bool(self.restricted))

    def as_json(self) -> dict[str, object]:
        """The `"disclosure"` object of `python -m bot screen` output lines."""
        return {
            "sponsored": self.sponsored,
            "disclosed": self.disclosed,
            "label": self.label,
            "placement_ok": self.placement_ok,
            "jurisdiction": self.jurisdiction,
            "severity": self.severity.value,
            "signals": [signal.as_json() for signal in self.signals],
            "suggestion": self.suggestion,
        }


class DisclosureChecker:
    """The `[disclosure]` section compiled once: link knowledge, sponsors, phrases and label sets."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        """Compile `policy`; raises ValueError only for values the charter loader would have refused."""
        self.policy = policy
        self._scanner = Scanner(policy)
        self._names = {s.name: s.names for s in policy.sponsors}
        self._labels = {code: LabelMatcher(j) for code, j in policy.jurisdictions.items()}
        self._restricted = {
            code: [(c.key, _terms_regex(c.terms)) for c in j.restricted] for code, j in policy.jurisdictions.items()
        }
        self._team = frozenset(role_key(role) for role in policy.team_roles)

    def is_team(self, message: Message) -> bool:
        """Whether the author has a team role (only their posts are checked)."""
        return any(role_key(role) in self._team for role in message.author.roles)

    def short_links(self, text: str) -> tuple[str, ...]:
        """The shortened links of `text`, which live resolution may follow."""
        return self._scanner.short_links(text)

    def check(
        self, message: Message, *, jurisdiction: str | None = None, resolved: Mapping[str, str] | None = None
    ) -> DisclosureFinding | None:
        """The finding for a team member's post that looks sponsored; None otherwise."""
        if not self.is_team(message):
            return None
        finding = self.inspect(
            message.text, jurisdiction=jurisdiction, lang=message.lang, resolved=resolved, image=message.has_image
        )
        return finding if finding.sponsored else None

    def inspect(
        self,
        text: str,
        *,
        jurisdiction: str | None = None,
        lang: str | None = None,
        resolved: Mapping[str, str] | None = None,
        image: bool = False,
    ) -> DisclosureFinding:
        """Check any text, whoever wrote it (the `/disclosure check` dry run, the "I've fixed it" re-check)."""
        rules = self.policy.rules_for(jurisdiction)
        folded = fold(text)
        scan = self._scanner.scan(text, folded, resolved)
        signals = scan.signals
        hard = any(s.kind in COMMERCIAL_KINDS for s in signals)
        soft_only = not hard and any(s.kind in SOFT_KINDS for s in signals)
        post_lang = _post_lang(lang, scan.languages, rules)
        brand = scan.sponsors[0] if scan.sponsors else None
        if not (hard or soft_only):
            return DisclosureFinding(
                sponsored=False,
                signals=signals,
                disclosed=False,
                label=None,
                placement_ok=False,
                jurisdiction=rules.code,
                severity=Severity.OK,
                suggestion=None,
                lang=post_lang,
                brand=brand,
                short_links=scan.short_links,
            )
        # Every name and alias of the sponsors found, and the names as written, so that "#{brand}Partner"
        # matches "#AcmePartner" for Acme Games and "#CafeLumierePartner" too.
        aliases = [name for sponsor in scan.sponsors for name in self._names.get(sponsor, (sponsor,))]
        brands = (*aliases, *scan.written)
        statements = (
            [(start, end, COMMISSION_LABEL, rules.commission_statement) for start, end in scan.statements]
            if rules.commission_statement
            else []
        )
        hits = self._labels[rules.code].find(text, folded, brands=brands, masked=scan.masked, extra=statements)
        chosen = best(hits)
        severity = _severity(chosen)
        if soft_only and severity is not Severity.OK:
            severity = Severity.SOFT
        prefix = rules.prefix_for(post_lang, brand)
        return DisclosureFinding(
            sponsored=True,
            signals=signals,
            disclosed=chosen is not None and chosen.kind in {ACCEPTED, WEAK},
            label=chosen.text if chosen else None,
            placement_ok=chosen.placement_ok if chosen else False,
            jurisdiction=rules.code,
            severity=severity,
            suggestion=_suggestion(text, hits, chosen, severity, prefix),
            lang=post_lang,
            brand=brand,
            suggested_label=prefix.strip().rstrip(":—–-|").strip(),
            label_kind=chosen.kind if chosen else None,
            soft_only=soft_only,
            image_note=image and rules.code == "fr",
            restricted=self._categories(rules, folded.text),
            short_links=scan.short_links,
        )

    def _categories(self, rules: Jurisdiction, folded: str) -> tuple[str, ...]:
        return tuple(key for key, regex in self._restricted.get(rules.code, ()) if regex.search(folded))


def check_disclosure(
    message: Message, charter: Charter, *, jurisdiction: str | None = None
) -> DisclosureFinding | None:
    """The disclosure finding for `message` under `charter`; None when the charter has no `[disclosure]`
    section, the author is not a team member, or nothing looks sponsored. Offline: links are never resolved."""
    if charter.disclosure is None:
        return None
    return DisclosureChecker(charter.disclosure).check(message, jurisdiction=jurisdiction)


def _suggestion(
    text: str, hits: list[LabelHit], chosen: LabelHit | None, severity: Severity, prefix: str
) -> str | None:
    """The post fixed: a proper label that is only misplaced is moved to the start; otherwise the label is added."""
    if severity is Severity.OK:
        return None
    if severity is Severity.MISPLACED and chosen is not None and chosen.kind == ACCEPTED:
        return move_to_front(text, chosen, sentence=chosen.label == COMMISSION_LABEL)
    return suggest(text, hits, prefix)


def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted((r"[\s_-]*".join(re.escape(w) for w in fold_key(t).split()) for t in terms), key=len, reverse=True)
    return re.compile(r"(?<![\w@])#?(?:" + "|".join(words) + r")(?!\w)")


def _post_lang(lang: str | None, languages: Counter[str], rules: Jurisdiction) -> str:
    """The post's own phrases first; the message (community) language only breaks ties or fills in."""
    given = lang.replace("_", "-").split("-")[0].lower() if lang else None
    if languages:
        top = max(languages.values())
        leading = [code for code, count in languages.items() if count == top]
        return given if given in leading else leading[0]
    return given or rules.language


def _severity(chosen: LabelHit | None) -> Severity:
    if chosen is None:
        return Severity.MISSING
    if chosen.kind == ACCEPTED:
        return Severity.OK if chosen.placement_ok else Severity.MISPLACED
    if chosen.kind == WEAK:
        return Severity.SOFT if chosen.placement_ok else Severity.MISPLACED
    return Severity.INSUFFICIENT
