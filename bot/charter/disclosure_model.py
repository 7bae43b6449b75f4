"""Typed view of the charter's `[disclosure]` section: who is checked, what looks sponsored, which labels count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.roles import role_key

# This module stays free of bot.charter.model imports: model.py imports it for `Charter.disclosure`.

PHRASE_KINDS: tuple[str, ...] = ("promo", "gift", "sponsor", "partner")
"""Phrase families per language. `partner` phrases ("in partnership with") only count next to a known sponsor."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a label must sit to be seen before anyone engages with the post.

    A label is *up front* when it meets every position rule that is set (`first_line`,
    `first_chars`, `before_other_tags`); when `first_hashtags` is set, a hashtag label among
    the post's first N hashtags is also up front (the Italian Digital Chart rule). With
    `not_buried`, a label inside a trailing group of at least `bury_group` hashtags or
    mentions is never well placed, even in a short post ("don't mix it into a group of hashtags").
    """

    first_line: bool = False
    first_chars: int | None = None
    first_hashtags: int | None = None
    before_other_tags: bool = False
    not_buried: bool = True
    bury_group: int = 3


@dataclass(frozen=True, slots=True)
class RestrictedCategory:
    """A kind of promotion an audience's law restricts or bans (cosmetic surgery, crypto-assets...).

    `terms` are matched like labels (case and accents ignored, whole words); `rule` is the text of
    the rule per charter language, quoted in the private note.
    """

    key: str
    name: Mapping[str, str]
    terms: tuple[str, ...]
    rule: Mapping[str, str]

    def text(self, texts: Mapping[str, str], lang: str) -> str:
        """One of this category's texts in `lang`, else any language given."""
        return texts.get(lang) or next(iter(texts.values()), "")


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The disclosure rules of one audience (a country or region), as the charter states them.

    Labels match case-insensitively, with or without `#`, accents folded; `{brand}` in a label
    stands for the sponsor found in the post (`#{brand}Partner`). `prefix` and `prefix_brand`
    are keyed by the post's language; `rule` explains the rule to the author, per charter language.
    """

    code: str
    name: str
    language: str
    accepted: tuple[str, ...]
    prefix: Mapping[str, str]
    rule: Mapping[str, str]
    weak: tuple[str, ...] = ()  # a disclosure, but not the wording this audience expects: a soft nudge
    insufficient: tuple[str, ...] = ()  # looks like a disclosure, does not count
    placement: Placement = field(default_factory=Placement)
    prefix_brand: Mapping[str, str] = field(default_factory=dict)
    # How this audience rates a commission statement ("I earn a small commission", "As an Amazon
    # Associate I earn from qualifying purchases", "affiliate links"): accepted, weak, insufficient,
    # or None when it is no disclosure at all here.
    commission_statement: str | None = None
    # Restricted promotions (loi n° 2023-451 art. 4 and 5 in France, the FCA crypto rules in the UK).
    restricted: tuple[RestrictedCategory, ...] = ()

    def prefix_for(self, lang: str, brand: str | None) -> str:
        """The text to put before the post, in `lang` when the charter has it, naming `brand` when known."""
        if brand:
            template = self.prefix_brand.get(lang) or self.prefix_brand.get(self.language)
            if template:
                return template.replace("{brand}", brand)
        return self.prefix.get(lang) or self.prefix.get(self.language) or next(iter(self.prefix.values()))

    def rule_text(self, lang: str) -> str:
        """The explanation of the rule in `lang`, else any language the charter gave."""
        return self.rule.get(lang) or next(iter(self.rule.values()), "")


@dataclass(frozen=True, slots=True)
class Sponsor:
    """A brand the community works with: names (fuzzy-matched), link domains and promo codes."""

    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """Text cues in one language; `{code}`, `{n}` and `{brand}` are placeholders."""

    promo: tuple[str, ...] = ()
    gift: tuple[str, ...] = ()
    sponsor: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[str, ...]:
        """The phrases of one family (see PHRASE_KINDS)."""
        phrases: tuple[str, ...] = getattr(self, kind)
        return phrases


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    """The whole `[disclosure]` section.

    `jurisdiction` is the community's default audience; `jurisdictions` holds the rules of each
    known audience. `compliance_channel_setting` names the per-community store setting that
    holds the channel where ignored nudges escalate.
    """

    team_roles: tuple[str, ...]
    jurisdiction: str
    jurisdictions: Mapping[str, Jurisdiction]
    sponsors: tuple[Sponsor, ...] = ()
    affiliate_patterns: tuple[str, ...] = ()
    promo_link_patterns: tuple[str, ...] = ()
    phrases: Mapping[str, PhraseSet] = field(default_factory=dict)
    reminder_hours: int = 24
    escalate_hours: int = 24
    compliance_channel_setting: str = "disclosure_compliance_channel"
    brand_fuzzy: int = 85
    retention_days: int = 90
    # The running bot may resolve shortened links in team members' posts (HEAD requests only).
    resolve_short_links: bool = True

    def rules_for(self, code: str | None) -> Jurisdiction:
        """The rules of `code` (case-insensitive), else of the community's default jurisdiction."""
        if code:
            found = self.jurisdictions.get(code.lower())
            if found is not None:
                return found
        return self.jurisdictions[self.jurisdiction]

    def is_team(self, roles: Iterable[str]) -> bool:
        """Whether any of `roles` (names or ids) is a team role, ignoring case and accents."""
        wanted = {role_key(role) for role in self.team_roles}
        return any(role_key(role) in wanted for role in roles)
