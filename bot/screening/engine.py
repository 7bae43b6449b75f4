"""The screening engine: a charter compiled once, then `screen(message) -> Verdict`, pure and synchronous."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import re2

from bot.charter.model import Charter, Rule
from bot.models import Action, Evidence, Message, Verdict
from bot.roles import role_key
from bot.screening.floods import FloodTracker
from bot.screening.languages import distinct_letters, suffixes
from bot.screening.lexicon import lexicon_for
from bot.screening.links import LinkMatcher
from bot.screening.masks import HINT as MASK_HINT
from bot.screening.masks import PLAIN, MaskMatcher, spellings_of
from bot.screening.normalize import CharFold, Folding, FoldMap, collapse_runs
from bot.screening.personal import PersonalDataMatcher
from bot.screening.strays import StrayMatcher
from bot.screening.terms import FuzzyMatcher, TermHit, TermMatcher

log = logging.getLogger(__name__)

_MAX_EVIDENCE = 20
_MAX_PATTERN_HITS = 10
_FUZZY_CONFIDENCE_CAP = 0.99  # a near miss is never as sure as an exact term
_UNSURE_CONFIDENCE = 0.9  # a term match that could be an innocent word
# Discord <@id>, <@!id>, <@&role>, Slack <@U..>, <!here>, <!subteam^..>, and the plain @everyone/@here.
_MENTION = re.compile(
    r"<@[!&]?\w+(?:\|[^>]{0,80})?>|<!(?:here|channel|everyone|subteam\^\w+)(?:\|[^>]{0,80})?>|@everyone|@here"
)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is logged once, below, not dumped on stderr by RE2


def _pattern_evidence(pattern: re2._Regexp, text: str) -> list[Evidence]:
    """Non-empty matches of a charter pattern; RE2 works on UTF-8, so lone surrogates are masked first."""
    try:
        matches = list(itertools.islice(_non_empty(pattern, text), _MAX_PATTERN_HITS))
    except UnicodeEncodeError:
        # Same length replacement: the spans still index the original text.
        matches = list(itertools.islice(_non_empty(pattern, _SURROGATE.sub("\ufffd", text)), _MAX_PATTERN_HITS))
    return [Evidence("pattern", start, end, pattern.pattern) for start, end in matches]


def _non_empty(pattern: re2._Regexp, text: str) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(text):
        if match.end() > match.start():
            yield match.start(), match.end()


def _gate(patterns: Sequence[str]) -> re2._Regexp | None:
    """All patterns as one alternation (each in its own group, so inline flags stay local), if RE2 takes it."""
    if len(patterns) < 2:
        return None
    try:
        return re2.compile("|".join(f"(?:{pattern})" for pattern in patterns), _RE2_OPTIONS)
    except re2.error:
        log.info("patterns could not be combined; each one runs on every message")
        return None


def _channel_key(value: str) -> str:
    return value.strip().lstrip("#").casefold()


def _exempt(roles: frozenset[str], channels: frozenset[str], message: Message) -> bool:
    if roles and any(role_key(role) in roles for role in message.author.roles):
        return True
    return bool(channels) and (
        _channel_key(message.channel) in channels or _channel_key(message.channel_name) in channels
    )


@dataclass(slots=True)
class _Compiled:
    """One rule with its matchers ready; `scans` is true when it must look at every message."""

    rule: Rule
    index: int
    roles: frozenset[str]
    channels: frozenset[str]
    fuzzy: FuzzyMatcher | None = None
    patterns: list[re2._Regexp] = field(default_factory=list)
    links: LinkMatcher | None = None
    personal: PersonalDataMatcher | None = None

    @property
    def scans(self) -> bool:
        rule = self.rule
        return bool(
            self.fuzzy
            or self.patterns
            or self.links
            or self.personal
            or rule.max_mentions is not None
            or rule.duplicates
        )

    def exempt(self, message: Message) -> bool:
        return _exempt(self.roles, self.channels, message)


@dataclass(slots=True)
class _Finding:
    """What one rule found in one message."""

    rule: Rule
    evidence: list[Evidence] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    fuzzy: list[TermHit] = field(default_factory=list)
    matched: bool = False  # a mention flood: counted by the platform, so it holds even with nothing to point at

    @property
    def exact(self) -> bool:
        return bool(self.matched or self.evidence or any(hit.sure for hit in self.terms))

    @property
    def action(self) -> Action:
        # Near misses and unsure readings alone are a guess: a person decides, the message stays up meanwhile.
        return self.rule.action if self.exact else Action.REVIEW

    @property
    def confidence(self) -> float:
        if self.exact:
            return 1.0
        if self.terms:
            return _UNSURE_CONFIDENCE
        best = max((hit.score for hit in self.fuzzy), default=0.0)
        return min(best / 100, _FUZZY_CONFIDENCE_CAP)


class ScreeningEngine:
    """Screens messages against one charter. Build a new engine when the charter changes.

    Pass the previous engine's `floods` to keep duplicate-flood history across a charter reload.
    `plurals=False` makes terms match only as written, with their explicit forms (see `TermMatcher`).
    Letters that the charter's languages keep distinct (`ñ` in Spanish) are never folded into others.
    """

    def __init__(self, charter: Charter, *, floods: FloodTracker | None = None, plurals: bool = True) -> None:
        self.charter = charter
        self.floods = floods if floods is not None else FloodTracker()
        self._allow = Verdict(Action.ALLOW, charter_version=charter.version)
        distinct = distinct_letters(charter.languages)
        self.folding = Folding(distinct)
        active = [rule if rule.action is not Action.ALLOW else None for rule in charter.rules]
        has_terms = any(rule is not None and rule.terms for rule in active)
        self.lexicon = lexicon_for(tuple(charter.languages), distinct) if has_terms else None
        self._rules = [self._compile(index, rule, self.folding) for index, rule in enumerate(charter.rules)]
        self._terms = TermMatcher(
            [rule.terms if rule is not None else () for rule in active],
            inflections=plurals,
            folding=self.folding,
            forms_by_rule=[rule.forms if rule is not None else {} for rule in active],
            suffixes=suffixes(charter.languages),
            common=self.lexicon.words if self.lexicon is not None else None,
            common_spread=self.lexicon.spread if self.lexicon is not None else None,
        )
        terms = [self._terms.term(term_id) for term_id in range(self._terms.count)]
        self._masks = MaskMatcher(spellings_of(self._terms, suffixes(charter.languages)), terms, self.lexicon)
        strays = {collapse_runs(spread): term_id for spread, term_id, _ in self._terms.spreads}
        self._strays = StrayMatcher(strays, terms, self.lexicon.words if self.lexicon is not None else frozenset())
        self._scanning = [
            compiled for compiled in self._rules if compiled.scans and compiled.rule.action is not Action.ALLOW
        ]
        self._needs_fold = self._terms.size > 0 or any(c.fuzzy or c.rule.duplicates for c in self._scanning)
        self._needs_chars = any(c.links or c.personal for c in self._scanning)
        patterns = [p.pattern for c in self._scanning for p in c.patterns]
        self._pattern_count = len(patterns)
        self._pattern_gate = _gate(patterns)
        log.debug("screening engine for charter %s: %s term keys", charter.version, self._terms.size)

    @property
    def term_keys(self) -> int:
        """How many keys the term automaton holds (terms times their i/l spellings), for logs and metrics."""
        return self._terms.size

    @staticmethod
    def _compile(index: int, rule: Rule, folding: Folding) -> _Compiled:
        compiled = _Compiled(
            rule=rule,
            index=index,
            roles=frozenset(role_key(role) for role in rule.exempt_roles),
            channels=frozenset(_channel_key(channel) for channel in rule.exempt_channels),
        )
        if rule.fuzzy is not None and rule.terms:
            fuzzy = FuzzyMatcher(index, rule.terms, rule.fuzzy, folding)
            compiled.fuzzy = fuzzy if fuzzy else None
        for pattern in rule.patterns:
            try:
                compiled.patterns.append(re2.compile(pattern, _RE2_OPTIONS))
            except re2.error:
                # The charter loader reports these; a running bot keeps screening with the others.
                log.warning("rule %s: pattern %r refused by RE2, skipped", rule.id, pattern)
        if rule.links is not None:
            compiled.links = LinkMatcher(rule.links)
        if rule.personal_data:
            personal = PersonalDataMatcher(rule.personal_data)
            compiled.personal = personal if personal else None
        return compiled

    def exempt(self, rule: Rule, message: Message) -> bool:
        """True when the rule does not apply to this author's roles or to this channel.

        Roles match by name or id, channels by id or name, ignoring case and a leading `@` or `#`.
        """
        roles = frozenset(role_key(role) for role in rule.exempt_roles)
        channels = frozenset(_channel_key(channel) for channel in rule.exempt_channels)
        return _exempt(roles, channels, message)

    def screen(self, message: Message) -> Verdict:
        """The verdict of the charter on one message: the harshest matching rule, ties to the lowest clause."""
        text = message.text
        spread = folded = ""
        term_hits: list[TermHit] = []
        if self._needs_fold:
            # Most messages are ASCII with no markup, mask or symbol inside a word: one scan tells, and they
            # skip those stages.
            plain = text.isascii() and PLAIN.search(text) is None
            parts = self.folding.parts(text, markup=not plain)
            spread, folded, _ = parts
            term_hits = self._terms.find(parts)
            if not plain and self._masks.active and (not folded.isascii() or MASK_HINT.search(spread) is not None):
                term_hits += self._masks.find(parts, [(hit.start, hit.end) for hit in term_hits])
                if self._strays.active:
                    term_hits += self._strays.find(parts, [(hit.start, hit.end) for hit in term_hits])
        if not term_hits and not self._scanning:
            return self._allow
        findings: dict[int, _Finding] = {}
        for hit in term_hits:
            finding = findings.get(hit.rule)
            if finding is None:
                finding = findings[hit.rule] = _Finding(self._rules[hit.rule].rule)
            finding.terms.append(hit)
        for index in [index for index in findings if self._rules[index].exempt(message)]:
            del findings[index]
        self._scan(message, spread, folded, findings)
        if not findings:
            return self._allow
        best = min(findings.values(), key=lambda f: (-f.action.severity, f.rule.number))
        return Verdict(
            action=best.action,
            rule_id=best.rule.id,
            clause=best.rule.number,
            charter_version=self.charter.version,
            evidence=self._evidence(text, folded, best, self.folding),
            confidence=best.confidence,
            automated=True,
        )

    def _scan(self, message: Message, spread: str, folded: str, findings: dict[int, _Finding]) -> None:
        """Run the per-rule matchers (fuzzy, patterns, links, mentions, personal data, floods)."""
        chars = CharFold(message.text) if self._needs_chars else None
        patterns = self._patterns_may_match(message.text)
        floods: list[_Compiled] = []
        for compiled in self._scanning:
            if compiled.exempt(message):
                continue
            rule = compiled.rule
            if rule.duplicates is not None:
                floods.append(compiled)
            evidence = self._rule_evidence(compiled, message, chars, patterns)
            mentions = rule.max_mentions is not None and message.mention_count > rule.max_mentions
            fuzzy: list[TermHit] = []
            if compiled.fuzzy is not None and compiled.index not in findings and not evidence:
                fuzzy = compiled.fuzzy.find(spread, folded)
            if evidence or fuzzy or mentions:
                finding = findings.setdefault(compiled.index, _Finding(rule))
                finding.evidence.extend(evidence)
                finding.fuzzy.extend(fuzzy)
                finding.matched = finding.matched or mentions
        if floods:
            self._check_floods(message, folded, floods, findings)

    def _patterns_may_match(self, text: str) -> bool:
        """One RE2 search with every pattern of the charter, so that most messages skip them all."""
        if self._pattern_gate is None:
            return bool(self._pattern_count)
        try:
            return self._pattern_gate.search(text) is not None
        except UnicodeEncodeError:
            return True

    @staticmethod
    def _rule_evidence(compiled: _Compiled, message: Message, chars: CharFold | None, patterns: bool) -> list[Evidence]:
        """Exact findings of one rule; `chars` is there when a rule reads links or personal data."""
        text = message.text
        rule = compiled.rule
        found: list[Evidence] = []
        if patterns:
            for pattern in compiled.patterns:
                found.extend(_pattern_evidence(pattern, text))
        if compiled.links is not None and chars is not None:
            found.extend(compiled.links.find(chars))
        if rule.max_mentions is not None and message.mention_count > rule.max_mentions:
            detail = f"{message.mention_count} mentions, at most {rule.max_mentions}"
            spans = [match.span() for match in _MENTION.finditer(text)][:_MAX_EVIDENCE] or [(0, len(text))]
            found.extend(Evidence("mentions", start, end, detail) for start, end in spans if end > start)
        if compiled.personal is not None and chars is not None:
            found.extend(compiled.personal.find(chars))
        return found

    def _check_floods(
        self, message: Message, folded: str, compiled: Sequence[_Compiled], findings: dict[int, _Finding]
    ) -> None:
        policies = [c.rule.duplicates for c in compiled if c.rule.duplicates is not None]
        author = (message.platform, message.community, message.author.id)
        at = message.created_at.timestamp()
        counts = self.floods.observe(author, message.id, at, message.text, folded, policies)
        for item, policy, count in zip(compiled, policies, counts, strict=True):
            if count >= policy.count and message.text:
                detail = f"{count} similar messages within {policy.window_seconds}s"
                finding = findings.setdefault(item.index, _Finding(item.rule))
                finding.evidence.append(Evidence("duplicate", 0, len(message.text), detail))

    @staticmethod
    def _evidence(text: str, folded: str, finding: _Finding, folding: Folding) -> tuple[Evidence, ...]:
        evidence = list(finding.evidence)
        hits = sorted(finding.terms or finding.fuzzy, key=lambda hit: (hit.start, hit.end))[:_MAX_EVIDENCE]
        if hits:
            spans = _FoldSpans(text, folded, folding)
            for hit in hits:
                start, end = spans.span(hit.start, hit.end)
                if hit.fuzzy:
                    evidence.append(Evidence("fuzzy", start, end, f"{hit.term} ~{hit.score:.0f}%"))
                else:
                    evidence.append(Evidence("term", start, end, hit.term))
        # Two terms of one rule may fold alike ("con", "c0n"): one place, one piece of evidence.
        unique = {(item.matcher, item.start, item.end): item for item in reversed(evidence)}
        return tuple(sorted(unique.values(), key=lambda item: (item.start, item.end))[:_MAX_EVIDENCE])


class _FoldSpans:
    """Maps folded spans back to the original text, building the map only when first asked."""

    def __init__(self, text: str, folded: str, folding: Folding) -> None:
        self._text = text
        self._folded = folded
        self._folding = folding
        self._map: FoldMap | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._map is None:
            self._map = self._folding.with_map(self._text)
            if self._map.text != self._folded:
                log.error("folded text and its map disagree; evidence spans fall back to the whole message")
        if self._map.text != self._folded:
            return 0, len(self._text)
        return self._map.span(start, end)
