"""The signals in one post, in text order: links, sponsors, promo codes, gifts, sponsorship and commissions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.charter.disclosure_model import PHRASE_KINDS, DisclosurePolicy
from bot.disclosure.brands import BrandIndex
from bot.disclosure.codes import find_codes
from bot.disclosure.fold import Folded, fold_key, looks_like_code, needle_of, template_regex
from bot.disclosure.grammar import (
    COMMISSION,
    GIFT,
    SHOPPING,
    SPONSOR,
    compile_family,
    is_person,
    kin_before,
    negated,
    starts_word,
)
from bot.disclosure.knowledge import LinkKnowledge
from bot.disclosure.links import Link, LinkPattern, compile_link_pattern, domain_matches, find_links, parse_link

SIGNAL_KINDS = ("brand", "affiliate", "sponsor_link", "promo_code", "gift", "sponsor_cta", "short_link")
SOFT_KINDS = frozenset({"short_link"})
COMMERCIAL_KINDS = frozenset(SIGNAL_KINDS) - {"brand"} - SOFT_KINDS
_PHRASE_SIGNAL = {"promo": "promo_code", "gift": "gift", "sponsor": "sponsor_cta", "partner": "sponsor_cta"}
_SHOPPING_REACH = 200  # characters between a short link and a shopping phrase, within one paragraph
_GIFT = compile_family(GIFT)
_SPONSOR = compile_family(SPONSOR)
_COMMISSION = compile_family(COMMISSION)
_SHOPPING = re.compile("|".join(f"(?:{p})" for patterns in SHOPPING.values() for p in patterns))  # no named groups


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
class Scan:
    """Everything the scan found in one post."""

    signals: tuple[Signal, ...]
    sponsors: tuple[str, ...]  # registered names, in order of appearance
    written: tuple[str, ...]  # sponsor names as the post writes them
    languages: Counter[str]  # cue hits per language
    masked: list[tuple[int, int]]  # link spans: labels and phrases inside links do not count
    statements: tuple[tuple[int, int], ...]  # commission statements (original spans), which may be labels
    short_links: tuple[str, ...]  # shortened and link-in-bio URLs, which only live resolution can read


@dataclass(frozen=True, slots=True)
class _Phrase:
    lang: str
    kind: str
    regex: re.Pattern[str]
    checks_code: bool
    needles: tuple[str, ...]  # one word of each phrase: the regex only runs when one of them is in the text

    def may_match(self, folded: str) -> bool:
        """A cheap substring test that skips most regex passes."""
        return any(needle in folded for needle in self.needles)


class Scanner:
    """The link knowledge, the sponsors and the phrases of one `[disclosure]` section, compiled once."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        """Compile `policy`'s sponsors, link patterns and phrases with the built-in grammar."""
        self._brands = BrandIndex(policy.sponsors, policy.brand_fuzzy)
        self._links = LinkKnowledge(policy.affiliate_patterns)
        self._promo_links = [compile_link_pattern(p) for p in policy.promo_link_patterns]
        self._domains = [(domain, s.name) for s in policy.sponsors for domain in s.domains]
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

    def scan(self, text: str, folded: Folded, resolved: Mapping[str, str] | None = None) -> Scan:
        """Signals in text order; `resolved` maps a short link to where live resolution found it leads."""
        signals: list[Signal] = []
        sponsors: list[tuple[int, str]] = []
        written: list[str] = []
        links = list(find_links(text))
        masked = [(link.start, link.end) for link in links]
        short: list[Link] = []
        for link in links:
            self._link_signals(link, resolved or {}, signals, sponsors, short)
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
                if not _inside(start, end, masked):
                    sponsor = self._codes[match.group(0)]
                    sponsors.append((start, sponsor))
                    signals.append(Signal("promo_code", f"{text[start:end]} ({sponsor})", start, end))
        languages: Counter[str] = Counter()
        cues, statements = self._cues(text, folded, masked, named=bool(sponsors), languages=languages)
        signals.extend(_merge(text, cues))
        signals.extend(_soft_links(text, folded, short, signals))
        ordered = sorted(_dedupe(signals), key=lambda s: (s.start, s.end, s.kind))
        names = [name for _, name in sorted(sponsors)]
        unresolved = tuple(link.url for link in short if link.url not in (resolved or {}))
        return Scan(
            tuple(ordered), tuple(dict.fromkeys(names)), tuple(written), languages, masked, statements, unresolved
        )

    def short_links(self, text: str) -> tuple[str, ...]:
        """The shortened and link-in-bio URLs of `text` (what live resolution may look up)."""
        return tuple(link.url for link in find_links(text) if self._links.short_kind(link) == "shortener")

    def _link_signals(
        self,
        link: Link,
        resolved: Mapping[str, str],
        signals: list[Signal],
        sponsors: list[tuple[int, str]],
        short: list[Link],
    ) -> None:
        affiliate = self._links.affiliate(link)
        target = link
        via = ""
        if affiliate is None and link.url in resolved:
            final = parse_link(resolved[link.url], link.start)
            if final is not None and final.host != link.host:
                target, via = final, f"{link.host} → "
                affiliate = self._links.affiliate(final)
        if affiliate is not None:
            name, pattern = affiliate
            signals.append(Signal("affiliate", f"{via}{target.host} ({name}: {pattern.text})", link.start, link.end))
        sponsor = next((name for domain, name in self._domains if domain_matches(target.host, domain)), None)
        if sponsor is not None:
            sponsors.append((link.start, sponsor))
            if affiliate is None:
                signals.append(Signal("sponsor_link", f"{via}{target.host} ({sponsor})", link.start, link.end))
        promo = _first(self._promo_links, target)
        if promo is not None:
            signals.append(Signal("promo_code", f"discount link ({promo.text})", link.start, link.end))
        if affiliate is None and sponsor is None and promo is None and self._links.short_kind(link):
            short.append(link)

    def _cues(
        self, text: str, folded: Folded, masked: list[tuple[int, int]], *, named: bool, languages: Counter[str]
    ) -> tuple[list[Signal], tuple[tuple[int, int], ...]]:
        """Grammar and charter phrase hits outside links; denied ones ("NOT sponsored") left out."""
        found: list[Signal] = []
        statements: list[tuple[int, int]] = []
        ftext = folded.text

        def add(kind: str, lang: str | None, fstart: int, fend: int) -> bool:
            start, end = folded.span(fstart, fend)
            if _inside(start, end, masked):
                return False
            if lang is not None:
                languages[lang] += 1
            found.append(Signal(kind, text[start:end], start, end))
            return True

        for hit in find_codes(text, folded):
            add("promo_code", hit.lang, hit.start, hit.end)
        for kind, family in (("gift", _GIFT), ("sponsor_cta", _SPONSOR), ("commission", _COMMISSION)):
            for lang, regex in family:
                for match in regex.finditer(ftext):
                    if not starts_word(ftext, match.start()) or negated(ftext, match.start(), match.end()):
                        continue
                    if _names_a_person(match, folded, text, kind):
                        continue
                    if (
                        add("sponsor_cta" if kind == "commission" else kind, lang, *match.span())
                        and kind == "commission"
                    ):
                        statements.append(folded.span(*match.span()))
        for phrase in self._phrases:
            if (phrase.kind == "partner" and not named) or not phrase.may_match(ftext):
                continue
            for match in phrase.regex.finditer(ftext):
                if phrase.kind != "promo" and negated(ftext, match.start(), match.end()):
                    continue
                if phrase.checks_code:
                    code_start, code_end = folded.span(*match.span("code"))
                    if not looks_like_code(text[code_start:code_end]):
                        continue
                add(_PHRASE_SIGNAL[phrase.kind], phrase.lang, *match.span())
        return found, tuple(statements)


def _names_a_person(match: re.Match[str], folded: Folded, text: str, kind: str) -> bool:
    """A gift or sponsorship cue whose giver is a relative or a pronoun ("my mom sent me", "ma sœur m'a offert")."""
    if kind == "gift" and kin_before(folded.text, match.start()):
        return True
    groups = match.re.groupindex
    if "brand" in groups and match.group("brand") is not None:
        start, _ = folded.span(*match.span("brand"))
        if not (text[start : start + 1].isupper() or text.startswith("@", start)):
            return True
    if "subject" in groups:
        clause = max(folded.text.rfind(c, 0, match.start()) for c in ".!?;,\n(") + 1
        start, end = folded.span(clause, match.start())
        words = text[start:end].split()[-3:]
        return not words or is_person(" ".join(words))  # "sent me ..." with nobody named is no gift
    if "who" not in groups or match.group("who") is None:
        return False
    start, end = folded.span(*match.span("who"))
    return is_person(text[start:end])


def _soft_links(text: str, folded: Folded, short: Iterable[Link], signals: list[Signal]) -> list[Signal]:
    """A shortened or link-in-bio link with a shopping phrase in the same paragraph nearby: a soft signal."""
    found: list[Signal] = []
    for link in short:
        lo = max(text.rfind("\n\n", 0, link.start) + 1, link.start - _SHOPPING_REACH)
        next_break = text.find("\n\n", link.end)
        hi = min(next_break if next_break >= 0 else len(text), link.end + _SHOPPING_REACH)
        near = [s for s in signals if s.kind in COMMERCIAL_KINDS and lo <= s.start < hi]
        phrase = near[0].detail if near else _shopping_phrase(text, folded, lo, hi, link)
        if phrase:
            found.append(Signal("short_link", f"{link.host} + “{phrase}”", link.start, link.end))
    return found


def _shopping_phrase(text: str, folded: Folded, lo: int, hi: int, link: Link) -> str | None:
    fold_lo = _folded_index(folded, lo)
    fold_hi = _folded_index(folded, hi)
    for match in _SHOPPING.finditer(folded.text, fold_lo, fold_hi):
        start, end = folded.span(*match.span())
        if not (link.start <= start < link.end):
            return text[start:end]
    return None


def _folded_index(folded: Folded, original: int) -> int:
    if folded.origin is None:
        return original
    return next((i for i, o in enumerate(folded.origin) if o >= original), len(folded.origin))


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
