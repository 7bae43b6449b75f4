"""Validation of the charter's `[disclosure]` table into a DisclosurePolicy, reporting every problem with its line."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.charter import checks
from bot.charter.disclosure_model import (
    PHRASE_KINDS,
    DisclosurePolicy,
    Jurisdiction,
    PhraseSet,
    Placement,
    RestrictedCategory,
    Sponsor,
)
from bot.charter.fields import ParseContext, TableReader, expected, show
from bot.disclosure.fold import alnum_key, fold, template_problem
from bot.disclosure.labels import ACCEPTED, LabelMatcher, best
from bot.disclosure.links import link_pattern_problem

SECTION = "disclosure"
DISCLOSURE_KEYS = frozenset(
    {
        "team_roles",
        "jurisdiction",
        "jurisdictions",
        "sponsors",
        "affiliate_patterns",
        "promo_link_patterns",
        "phrases",
        "reminder_hours",
        "escalate_hours",
        "compliance_channel_setting",
        "brand_fuzzy",
        "retention_days",
        "resolve_short_links",
    }
)
JURISDICTION_KEYS = frozenset(
    {"name", "language", "accepted", "weak", "insufficient", "placement", "prefix", "prefix_brand", "rule"}
    | {"commission_statement", "restricted"}
)
RESTRICTED_KEYS = frozenset({"name", "terms", "rule"})
STATEMENT_KINDS = ("accepted", "weak", "insufficient")
PLACEMENT_KEYS = frozenset(
    {"first_line", "first_chars", "first_hashtags", "before_other_tags", "not_buried", "bury_group"}
)
SPONSOR_KEYS = frozenset({"name", "aliases", "domains", "codes"})
MAX_HOURS = 24 * 30
MAX_SPONSORS = 5000
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
_JURISDICTION = re.compile(r"^[a-z]{2}(?:-[a-z]{2,3})?$")
_SETTING = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PROBE_BRAND = "Brand"


def parse_disclosure_section(data: Mapping[str, object], ctx: ParseContext) -> DisclosurePolicy | None:
    """The `[disclosure]` table as a DisclosurePolicy, or None after reporting its problems to `ctx`.

    Signature of a charter loader section parser: `register_section("disclosure", parse_disclosure_section)`.
    """
    before = len(ctx.issues)
    r = ctx.reader(data, (SECTION,), field=SECTION)
    r.check_keys(DISCLOSURE_KEYS)

    team_roles = r.strings("team_roles", max_items=200)
    if team_roles is None and not r.has("team_roles"):
        r.missing("team_roles", 'a list of role names or ids such as ["team", "staff"]')
    jurisdictions = _jurisdictions(r)
    default = r.string("jurisdiction", required=True)
    if default is not None and jurisdictions is not None and default.lower() not in jurisdictions:
        known = ", ".join(sorted(jurisdictions)) or "none"
        r.issue("jurisdiction", expected(f"one of the jurisdictions defined below ({known})", default))
    sponsors = _sponsors(r)
    affiliate = _link_patterns(r, "affiliate_patterns")
    promo_links = _link_patterns(r, "promo_link_patterns")
    phrases = _phrases(r)
    reminder = r.integer("reminder_hours", minimum=1, maximum=MAX_HOURS)
    escalate = r.integer("escalate_hours", minimum=1, maximum=MAX_HOURS)
    setting = r.string("compliance_channel_setting")
    if setting is not None and not _SETTING.match(setting):
        r.issue(
            "compliance_channel_setting",
            expected(
                "a setting name of lowercase letters, digits and _ such as 'disclosure_compliance_channel'", setting
            ),
        )
    brand_fuzzy = r.integer("brand_fuzzy", minimum=50, maximum=100)
    retention = r.integer("retention_days", minimum=1, maximum=3650)
    resolve = r.boolean("resolve_short_links")

    if len(ctx.issues) > before or team_roles is None or jurisdictions is None or default is None:
        return None
    defaults = DisclosurePolicy(team_roles=(), jurisdiction="", jurisdictions={})
    return DisclosurePolicy(
        team_roles=team_roles,
        jurisdiction=default.lower(),
        jurisdictions=jurisdictions,
        sponsors=sponsors,
        affiliate_patterns=affiliate,
        promo_link_patterns=promo_links,
        phrases=phrases,
        reminder_hours=reminder or defaults.reminder_hours,
        escalate_hours=escalate or defaults.escalate_hours,
        compliance_channel_setting=setting or defaults.compliance_channel_setting,
        brand_fuzzy=defaults.brand_fuzzy if brand_fuzzy is None else brand_fuzzy,
        retention_days=retention or defaults.retention_days,
        resolve_short_links=defaults.resolve_short_links if resolve is None else resolve,
    )


def _jurisdictions(r: TableReader) -> dict[str, Jurisdiction] | None:
    if not r.has("jurisdictions"):
        r.missing("jurisdictions", "a table of jurisdictions such as [disclosure.jurisdictions.fr]")
        return None
    table = r.table("jurisdictions")
    if table is None:
        return None
    if not table.data:
        table.issue(None, expected("at least one jurisdiction such as [disclosure.jurisdictions.fr]", table.data))
        return None
    found: dict[str, Jurisdiction] = {}
    for code in table.data:
        if not _JURISDICTION.match(code):
            table.issue(code, expected("a lowercase jurisdiction code such as 'fr', 'us' or 'uk'", code))
            continue
        reader = table.table(code)
        if reader is None:
            continue
        parsed = _jurisdiction(reader, code)
        if parsed is not None:
            found[code] = parsed
    return found


def _jurisdiction(t: TableReader, code: str) -> Jurisdiction | None:
    before = len(t.ctx.issues)
    t.check_keys(JURISDICTION_KEYS)
    name = t.string("name") or code.upper()
    language = t.string("language", required=True)
    if language is not None and not checks.is_language(language):
        t.issue("language", expected("a lowercase language code such as 'fr'", language))
    accepted = _labels(t, "accepted")
    if accepted is None and not t.has("accepted"):
        t.missing("accepted", 'a list of labels such as ["Publicité", "Collaboration commerciale"]')
    weak = _labels(t, "weak") or ()
    insufficient = _labels(t, "insufficient") or ()
    _check_label_overlap(t, {"accepted": accepted or (), "weak": weak, "insufficient": insufficient})
    placement = _placement(t)
    prefix = _language_texts(t, "prefix", required=True)
    prefix_brand = _language_texts(t, "prefix_brand") or {}
    for lang, text in prefix_brand.items():
        if "{brand}" not in text:
            t.issue(f"prefix_brand.{lang}", expected("a text that names {brand}", text))
    if prefix is not None and language is not None and language not in prefix:
        t.issue("prefix", f"expected a prefix in the jurisdiction's language '{language}'; got none")
    rule = t.texts("rule", required=True)
    commission = t.string("commission_statement")
    if commission is not None and commission not in STATEMENT_KINDS:
        t.issue("commission_statement", expected("one of " + ", ".join(STATEMENT_KINDS), commission))
    restricted = _restricted(t)
    if len(t.ctx.issues) > before or language is None or accepted is None or prefix is None or rule is None:
        return None
    jurisdiction = Jurisdiction(
        code=code,
        name=name,
        language=language,
        accepted=accepted,
        prefix=prefix,
        rule=rule,
        weak=weak,
        insufficient=insufficient,
        placement=placement or Placement(),
        prefix_brand=prefix_brand,
        commission_statement=commission,
        restricted=restricted,
    )
    _check_prefixes_disclose(t, jurisdiction)
    return None if len(t.ctx.issues) > before else jurisdiction


def _restricted(t: TableReader) -> tuple[RestrictedCategory, ...]:
    """`[disclosure.jurisdictions.fr.restricted.crypto]` tables: a name, terms and the rule's text."""
    if not t.has("restricted"):
        return ()
    table = t.table("restricted")
    if table is None:
        return ()
    found: list[RestrictedCategory] = []
    for key in table.data:
        reader = table.table(key)
        if reader is None:
            continue
        reader.check_keys(RESTRICTED_KEYS)
        terms = reader.strings("terms", max_items=500)
        if terms is None and not reader.has("terms"):
            reader.missing("terms", 'a list of words such as ["bitcoin", "crypto"]')
        for term in terms or ():
            if sum(c.isalnum() for c in term) < 2:
                reader.issue("terms", expected("terms of at least 2 letters or digits", term), needle=term)
        name = reader.texts("name", required=True)
        rule = reader.texts("rule", required=True)
        if terms and name is not None and rule is not None:
            found.append(RestrictedCategory(key, name, terms, rule))
    return tuple(found)


def _labels(t: TableReader, key: str) -> tuple[str, ...] | None:
    labels = t.strings(key, max_items=200)
    for label in labels or ():
        body = label.replace("{brand}", "")
        if "{" in body or "}" in body:
            t.issue(key, expected("labels whose only placeholder is {brand}", label), needle=label)
        elif sum(c.isalnum() for c in body) < 2 and "{brand}" not in label:
            t.issue(key, expected("a label of at least 2 letters or digits", label), needle=label)
    return labels


def _check_label_overlap(t: TableReader, groups: Mapping[str, tuple[str, ...]]) -> None:
    """A label in two lists would make the verdict depend on list order: refuse it."""
    seen: dict[str, str] = {}
    for group, labels in groups.items():
        for label in labels:
            key = alnum_key(label)
            if key in seen and seen[key] != group:
                t.issue(
                    group,
                    f"expected each label in one list only; got {show(label)} in {seen[key]} and {group}",
                    needle=label,
                )
            seen.setdefault(key, group)


def _placement(t: TableReader) -> Placement | None:
    p = t.table("placement")
    if p is None:
        return None
    p.check_keys(PLACEMENT_KEYS)
    first_chars = p.integer("first_chars", minimum=1, maximum=4000)
    first_hashtags = p.integer("first_hashtags", minimum=1, maximum=30)
    bury_group = p.integer("bury_group", minimum=2, maximum=30)
    defaults = Placement()
    return Placement(
        first_line=bool(p.boolean("first_line")),
        first_chars=first_chars,
        first_hashtags=first_hashtags,
        before_other_tags=bool(p.boolean("before_other_tags")),
        not_buried=defaults.not_buried if (nb := p.boolean("not_buried")) is None else nb,
        bury_group=bury_group or defaults.bury_group,
    )


def _language_texts(t: TableReader, key: str, *, required: bool = False) -> dict[str, str] | None:
    """Texts keyed by any language code (a post may be in a language the charter is not published in)."""
    sample = f'{key} = {{ fr = "...", en = "..." }}'
    if not t.has(key):
        if required:
            t.missing(key, f"one text per post language ({sample})")
        return None
    table = t.table(key)
    if table is None:
        return None
    before = len(t.ctx.issues)
    found: dict[str, str] = {}
    for lang in table.data:
        if not checks.is_language(lang):
            table.issue(lang, expected("a lowercase language code such as 'fr'", lang))
            continue
        text = table.string(lang)
        if text is not None:
            found[lang] = text
    if not found and len(t.ctx.issues) == before:
        t.issue(key, expected(f"at least one text ({sample})", table.data))
    return found or None


def _check_prefixes_disclose(t: TableReader, jurisdiction: Jurisdiction) -> None:
    """Every suggested prefix must itself pass the check, or nudges would suggest a text that fails."""
    matcher = LabelMatcher(jurisdiction)
    candidates = [("prefix", lang, text) for lang, text in jurisdiction.prefix.items()]
    candidates += [
        ("prefix_brand", lang, text.replace("{brand}", _PROBE_BRAND))
        for lang, text in jurisdiction.prefix_brand.items()
    ]
    for key, lang, text in candidates:
        sample = text + " Lorem ipsum."
        chosen = best(matcher.find(sample, fold(sample), brands=(_PROBE_BRAND,)))
        if chosen is None or chosen.kind != ACCEPTED or not chosen.placement_ok:
            t.issue(
                f"{key}.{lang}",
                expected("a prefix that contains one of this jurisdiction's accepted labels", text),
            )


def _sponsors(r: TableReader) -> tuple[Sponsor, ...]:
    if not r.has("sponsors"):
        return ()
    value = r.data["sponsors"]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        r.issue("sponsors", expected("[[disclosure.sponsors]] tables with name, aliases, domains and codes", value))
        return ()
    if len(value) > MAX_SPONSORS:
        r.issue("sponsors", f"expected at most {MAX_SPONSORS} sponsors; got {len(value)}")
        return ()
    found: list[Sponsor] = []
    names: dict[str, int] = {}
    for index, item in enumerate(value):
        s = TableReader(
            r.ctx, item, (*r.path, "sponsors", index), rule=None, field=f"{r.name('sponsors')}[{index + 1}]"
        )
        s.check_keys(SPONSOR_KEYS)
        name = s.string("name", required=True)
        aliases = s.strings("aliases", max_items=50) or ()
        domains = s.strings("domains", max_items=50) or ()
        for domain in domains:
            problem = checks.domain_problem(domain)
            if problem is not None:
                s.issue("domains", problem, needle=domain)
        codes = s.strings("codes", max_items=200) or ()
        for code in codes:
            if not _CODE.match(code):
                s.issue(
                    "codes", expected("a promo code of letters, digits, - or _ (2 to 40, no spaces)", code), needle=code
                )
        for label in (name, *aliases):
            if label is None:
                continue
            key = alnum_key(label)
            if not key:
                s.issue("name" if label == name else "aliases", expected("a name with letters or digits", label))
            elif key in names and names[key] != index:
                s.issue(
                    "name" if label == name else "aliases", f"expected each sponsor name once; got {show(label)} twice"
                )
            names.setdefault(key, index)
        if name is not None:
            found.append(
                Sponsor(
                    name=name,
                    aliases=aliases,
                    domains=tuple(d.lower().removeprefix("www.") for d in domains),
                    codes=codes,
                )
            )
    return tuple(found)


def _link_patterns(r: TableReader, key: str) -> tuple[str, ...]:
    patterns = r.strings(key, max_items=1000) or ()
    for pattern in patterns:
        problem = link_pattern_problem(pattern)
        if problem is not None:
            r.issue(key, problem, needle=pattern)
    return patterns


def _phrases(r: TableReader) -> dict[str, PhraseSet]:
    table = r.table("phrases")
    if table is None:
        return {}
    found: dict[str, PhraseSet] = {}
    for lang in table.data:
        if not checks.is_language(lang):
            table.issue(lang, expected("a lowercase language code such as 'fr' for [disclosure.phrases.fr]", lang))
            continue
        t = table.table(lang)
        if t is None:
            continue
        t.check_keys(PHRASE_KINDS)
        kinds: dict[str, tuple[str, ...]] = {}
        for kind in PHRASE_KINDS:
            templates = t.strings(kind, max_items=500) or ()
            for template in templates:
                problem = template_problem(template)
                if problem is not None:
                    t.issue(kind, problem, needle=template)
            kinds[kind] = templates
        found[lang] = PhraseSet(**kinds)
    return found
