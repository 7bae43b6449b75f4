"""Typed, validated view of a community charter: clauses, their rules and their public text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.charter.accountability_model import Guard, PrivacyNotice, TransparencyPolicy
from bot.charter.disclosure_model import DisclosurePolicy
from bot.models import Action


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    """Which links a rule forbids."""

    deny_domains: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()
    block_invites: bool = False  # Discord invites (discord.gg/..., discord.com/invite/...)
    allowed_invites: tuple[str, ...] = ()  # invite codes that stay allowed (partner servers)


@dataclass(frozen=True, slots=True)
class FloodPolicy:
    """The same or nearly the same text from one author, `count` times within `window_seconds`."""

    count: int
    window_seconds: int
    similarity: int = 90  # rapidfuzz ratio, 0-100


@dataclass(frozen=True, slots=True)
class Escalation:
    """Repeat offences: `count` enforced cases within `window_hours` lead to a timeout."""

    count: int
    window_hours: int
    timeout_minutes: int


@dataclass(frozen=True, slots=True)
class Rule:
    """One numbered clause of the charter and the machine rules that enforce it."""

    id: str
    number: int
    action: Action
    title: Mapping[str, str]
    description: Mapping[str, str]
    rationale: Mapping[str, str] = field(default_factory=dict)
    fix: Mapping[str, str] = field(default_factory=dict)  # how to put it right, per language
    explanation: Mapping[str, str] = field(default_factory=dict)  # optional $-template per language
    terms: tuple[str, ...] = ()
    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # term -> forms matched exactly as written
    patterns: tuple[str, ...] = ()
    fuzzy: int | None = None
    links: LinkPolicy | None = None
    max_mentions: int | None = None
    duplicates: FloodPolicy | None = None
    personal_data: tuple[str, ...] = ()  # "email", "phone"
    exempt_roles: tuple[str, ...] = ()
    exempt_channels: tuple[str, ...] = ()
    escalation: Escalation | None = None
    category: str | None = None  # a DSA STATEMENT_CATEGORY_* value for statements of reasons
    guard: Guard | None = None

    def text(self, part: Mapping[str, str], lang: str, default_lang: str) -> str:
        """The text of `part` in `lang`, else the default language, else any language."""
        return part.get(lang) or part.get(default_lang) or next(iter(part.values()), "")


@dataclass(frozen=True, slots=True)
class Charter:
    """A whole published charter, as validated from its TOML file."""

    name: str
    version: str
    languages: tuple[str, ...]
    default_language: str
    retention_days: int
    rules: tuple[Rule, ...]
    content_hash: str  # sha256 of the file bytes, hex
    source: str = ""  # path it was loaded from
    appeal_window_days: int = 30
    published: date | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    disclosure: DisclosurePolicy | None = None
    privacy: PrivacyNotice | None = None
    transparency: TransparencyPolicy | None = None

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, for notices and renders."""
        return self.content_hash[:12]

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def clause(self, number: int) -> Rule | None:
        """The rule with this clause number, if any."""
        return next((r for r in self.rules if r.number == number), None)

    def language_for(self, requested: str | None) -> str:
        """The charter language closest to a platform locale such as `fr`, `en-US` or `fr_CA`."""
        if requested:
            base = requested.replace("_", "-").split("-")[0].lower()
            if base in self.languages:
                return base
        return self.default_language
