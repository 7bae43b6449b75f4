"""Sponsored-content signals and disclosure-label checks per jurisdiction for team members' posts (pure, no I/O).

Where the sponsored line is drawn. A post *looks sponsored* only when it carries a commercial
signal, something that shows a brand relationship rather than an opinion:

- an affiliate link (a charter `affiliate_patterns` entry: Amazon `?tag=`, amzn.to, Awin,
  Rakuten, CJ, Impact, ShareASale, Skimlinks, LTK/rstyle.me, ...);
- a link to a registered sponsor's domain (`sponsor_link`);
- a promo code: a phrase such as "use code {code}" / "-{n} % avec le code {code}" / "Rabattcode",
  a sponsor's registered code, or a discount link (`?coupon=`, `/discount/CODE`);
- a gift: "gifted by", "offert par", "prodotto inviato da", ...;
- a sponsor call to action: "sponsored by", "thanks to X for sponsoring", "partenariat rémunéré", ...;
  the looser `partner` phrases ("in partnership with", "en collaboration avec") count only
  when a registered sponsor is named in the same post, since communities also partner with
  each other for free.

A sponsor's name on its own ("I love my Café Lumière mug") is a `brand` signal but never makes
a post sponsored: opinions and news about a brand are not advertising. Shortened links
(bit.ly, linktr.ee) are not signals either: they cannot be resolved offline. Only posts by
team members (the charter's `team_roles`) are checked at all.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.charter.disclosure_model import PHRASE_KINDS, DisclosurePolicy, Jurisdiction
from bot.charter.model import Charter
from bot.disclosure.brands import BrandIndex
from bot.disclosure.fold import Folded, fold, fold_key, looks_like_code, needle_of, template_regex
from bot.disclosure.labels import ACCEPTED, WEAK, LabelHit, LabelMatcher, best, suggest
from bot.disclosure.links import Link, LinkPattern, compile_link_pattern, domain_matches, find_links
from bot.models import Message
from bot.roles import role_key

SIGNAL_KINDS = ("brand", "affiliate", "sponsor_link", "promo_code", "gift", "sponsor_cta")
COMMERCIAL_KINDS = frozenset(SIGNAL_KINDS) - {"brand"}
_PHRASE_SIGNAL = {"promo": "promo_code", "gift": "gift", "sponsor": "sponsor_cta", "partner": "sponsor_cta"}
_CACHE_SIZE = 4


class Severity(enum.StrEnum):
    """How far a sponsored post is from a proper disclosure for its audience."""

    OK = "ok"  # a proper label, well placed
    SOFT = "soft"  # a label, but not the wording this audience expects (#ad for a French audience)
    MISPLACED = "misplaced"  # a proper label, buried or too far down
    INSUFFICIENT = "insufficient"  # only a label this audience does not accept (#spon in the US)
    MISSING = "missing"  # no label at all


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason the post looks sponsored, with its span in the original text."""

    kind: str  # one of SIGNAL_KINDS
    detail: str
    start: int
    end: int

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"kind": self.kind, "detail": self.detail, "start": self.start, "end": self.end}


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

    @property
    def needs_nudge(self) -> bool:
        """Whether the author should hear about it."""
        return self.sponsored and self.severity is not Severity.OK

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


@dataclass(frozen=True, slots=True)
class _Scan:
    signals: tuple[Signal, ...]
    sponsors: tuple[str, ...]  # registered names, in order of appearance
    written: tuple[str, ...]  # sponsor names as the post writes them
    languages: Counter[str]  # phrase hits per language
    masked: list[tuple[int, int]]  # link spans: labels and phrases inside links do not count


@dataclass(frozen=True, slots=True)
class _Phrase:
    lang: str
    kind: str
    regex: re.Pattern[str]
    checks_code: bool
    needles: tuple[str, ...]  # one word of each phrase: the regex only runs when one of them is in the text

    def may_match(self, folded: str) -> bool:
        """A cheap substring test that skips most regex passes (their lookbehinds defeat re's own prefix scan)."""
        return any(needle in folded for needle in self.needles)


class DisclosureChecker:
    """The `[disclosure]` section compiled once: sponsor index, link patterns, phrases and label sets."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        """Compile `policy`; raises ValueError only for values the charter loader would have refused."""
        self.policy = policy
        self._brands = BrandIndex(policy.sponsors, policy.brand_fuzzy)
        self._affiliate = [compile_link_pattern(p) for p in policy.affiliate_patterns]
        self._promo_links = [compile_link_pattern(p) for p in policy.promo_link_patterns]
        self._domains = [(domain, s.name) for s in policy.sponsors for domain in s.domains]
        self._names = {s.name: s.names for s in policy.sponsors}
        codes = {fold_key(code): s.name for s in policy.sponsors for code in s.codes}
        self._codes = codes
        self._code_regex = (
            re.compile(
                r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)) + r")(?![\w-])"
            )
            if codes
            else None
        )
        self._phrases = list(_compile_phrases(policy))
        self._labels = {code: LabelMatcher(j) for code, j in policy.jurisdictions.items()}
        self._team = frozenset(role_key(role) for role in policy.team_roles)

    def check(self, message: Message, *, jurisdiction: str | None = None) -> DisclosureFinding | None:
        """The finding for a team member's post that looks sponsored; None otherwise."""
        if not any(role_key(role) in self._team for role in message.author.roles):
            return None
        finding = self.inspect(message.text, jurisdiction=jurisdiction, lang=message.lang)
        return finding if finding.sponsored else None

    def inspect(self, text: str, *, jurisdiction: str | None = None, lang: str | None = None) -> DisclosureFinding:
        """Check any text, whoever wrote it (the `/disclosure check` dry run, the "I've fixed it" re-check)."""
        rules = self.policy.rules_for(jurisdiction)
        folded = fold(text)
        scan = self._scan(text, folded)
        signals = scan.signals
        sponsored = any(s.kind in COMMERCIAL_KINDS for s in signals)
        post_lang = _post_lang(lang, scan.languages, rules)
        brand = scan.sponsors[0] if scan.sponsors else None
        if not sponsored:
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
            )
        # Every name and alias of the sponsors found, and the names as written, so that "#{brand}Partner"
        # matches "#AcmePartner" for Acme Games and "#CafeLumierePartner" too.
        aliases = [name for sponsor in scan.sponsors for name in self._names.get(sponsor, (sponsor,))]
        brands = (*aliases, *scan.written)
        hits = self._labels[rules.code].find(text, folded, brands=brands, masked=scan.masked)
        chosen = best(hits)
        severity = _severity(chosen)
        prefix = rules.prefix_for(post_lang, brand)
        return DisclosureFinding(
            sponsored=True,
            signals=signals,
            disclosed=severity in {Severity.OK, Severity.SOFT, Severity.MISPLACED},
            label=chosen.text if chosen else None,
            placement_ok=chosen.placement_ok if chosen else False,
            jurisdiction=rules.code,
            severity=severity,
            suggestion=None if severity is Severity.OK else suggest(text, hits, prefix),
            lang=post_lang,
            brand=brand,
            suggested_label=prefix.strip().rstrip(":—–-|").strip(),
            label_kind=chosen.kind if chosen else None,
        )

    def _scan(self, text: str, folded: Folded) -> _Scan:
        """Signals in text order, the registered sponsors named, phrase hits per language, and link spans."""
        signals: list[Signal] = []
        sponsors: list[tuple[int, str]] = []
        written: list[str] = []
        links = list(find_links(text))
        masked = [(link.start, link.end) for link in links]
        for link in links:
            affiliate = _first(self._affiliate, link)
            if affiliate is not None:
                signals.append(Signal("affiliate", f"{link.host} ({affiliate.text})", link.start, link.end))
            sponsor = next((name for domain, name in self._domains if domain_matches(link.host, domain)), None)
            if sponsor is not None:
                sponsors.append((link.start, sponsor))
                if affiliate is None:
                    signals.append(Signal("sponsor_link", f"{link.host} ({sponsor})", link.start, link.end))
            promo = _first(self._promo_links, link)
            if promo is not None:
                signals.append(Signal("promo_code", f"discount link ({promo.text})", link.start, link.end))
        for hit in self._brands.find(folded):
            start, end = folded.span(hit.start, hit.end)
            if _inside(start, end, masked):
                continue
            sponsors.append((start, hit.sponsor))
            written.append(text[start:end])
            signals.append(Signal("brand", f"{text[start:end]} ({hit.sponsor}, {hit.score:.0f}%)", start, end))
        if self._code_regex is not None:
            for match in self._code_regex.finditer(folded.text):
                start, end = folded.span(match.start(), match.end())
                if _inside(start, end, masked):
                    continue
                sponsor = self._codes[match.group(0)]
                sponsors.append((start, sponsor))
                signals.append(Signal("promo_code", f"{text[start:end]} ({sponsor})", start, end))
        languages: Counter[str] = Counter()
        phrase_signals: list[Signal] = []
        named = bool(sponsors)
        for phrase in self._phrases:
            if (phrase.kind == "partner" and not named) or not phrase.may_match(folded.text):
                continue
            for match in phrase.regex.finditer(folded.text):
                start, end = folded.span(match.start(), match.end())
                if _inside(start, end, masked):
                    continue
                if phrase.checks_code:
                    code_start, code_end = folded.span(*match.span("code"))
                    if not looks_like_code(text[code_start:code_end]):
                        continue
                languages[phrase.lang] += 1
                phrase_signals.append(Signal(_PHRASE_SIGNAL[phrase.kind], text[start:end], start, end))
        signals.extend(_merge(text, phrase_signals))
        ordered = sorted(_dedupe(signals), key=lambda s: (s.start, s.end, s.kind))
        names = [name for _, name in sorted(sponsors)]
        return _Scan(tuple(ordered), tuple(dict.fromkeys(names)), tuple(written), languages, masked)


def check_disclosure(
    message: Message, charter: Charter, *, jurisdiction: str | None = None
) -> DisclosureFinding | None:
    """The disclosure finding for `message` under `charter`; None when the charter has no `[disclosure]`
    section, the author is not a team member, or nothing looks sponsored."""
    if charter.disclosure is None:
        return None
    return checker_for(charter.disclosure).check(message, jurisdiction=jurisdiction)


_checkers: list[tuple[DisclosurePolicy, DisclosureChecker]] = []


def checker_for(policy: DisclosurePolicy) -> DisclosureChecker:
    """The compiled checker of `policy`, reused while the same charter stays in force.

    Keyed by identity (the policy holds mappings and is not hashable); the entry keeps the
    policy alive, so its id cannot be reused by another object while cached.
    """
    for cached_policy, checker in _checkers:
        if cached_policy is policy:
            return checker
    checker = DisclosureChecker(policy)
    _checkers.insert(0, (policy, checker))
    del _checkers[_CACHE_SIZE:]
    return checker


def _compile_phrases(policy: DisclosurePolicy) -> Iterable[_Phrase]:
    for lang, phrase_set in policy.phrases.items():
        for kind in PHRASE_KINDS:
            plain: list[str] = []
            for template in phrase_set.of_kind(kind):
                if "{" in template:
                    regex = re.compile(template_regex(template))
                    yield _Phrase(lang, kind, regex, "{code}" in template, (needle_of(template),))
                else:
                    plain.append(template)
            if plain:
                union = "|".join(sorted(map(template_regex, plain), key=len, reverse=True))
                yield _Phrase(lang, kind, re.compile("(?:" + union + ")"), False, tuple(map(needle_of, plain)))


def _first(patterns: Iterable[LinkPattern], link: Link) -> LinkPattern | None:
    return next((p for p in patterns if p.matches(link)), None)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and end > s_start for s_start, s_end in spans)


def _merge(text: str, signals: Iterable[Signal]) -> list[Signal]:
    """Overlapping phrase hits of one kind as one signal ("-20 % avec le code" + "avec le code LUMIERE20")."""
    merged: list[Signal] = []
    for signal in sorted(signals, key=lambda s: (s.kind, s.start, s.end)):
        last = merged[-1] if merged else None
        if last is not None and last.kind == signal.kind and signal.start < last.end:
            end = max(last.end, signal.end)
            merged[-1] = Signal(last.kind, text[last.start : end], last.start, end)
        else:
            merged.append(signal)
    return merged


def _dedupe(signals: Iterable[Signal]) -> list[Signal]:
    """Drop a signal whose span lies inside another signal of the same kind (a code inside "use code X")."""
    items = list(dict.fromkeys(signals))
    return [
        s
        for s in items
        if not any(
            o is not s
            and o.kind == s.kind
            and o.start <= s.start
            and s.end <= o.end
            and (o.end - o.start) > (s.end - s.start)
            for o in items
        )
    ]


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
