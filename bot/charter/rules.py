"""Validation of one `[[rules]]` table into a Rule, reporting every problem it finds."""

from __future__ import annotations

from collections.abc import Mapping

from bot.charter import checks
from bot.charter.accountability_rules import parse_category, parse_guard
from bot.charter.fields import ParseContext, TableReader, expected, show
from bot.charter.model import Escalation, FloodPolicy, LinkPolicy, Rule
from bot.models import Action

RULE_KEYS = frozenset(
    {
        "id",
        "number",
        "title",
        "description",
        "action",
        "rationale",
        "fix",
        "explanation",
        "terms",
        "forms",
        "patterns",
        "fuzzy",
        "links",
        "max_mentions",
        "duplicates",
        "personal_data",
        "exempt_roles",
        "exempt_channels",
        "escalation",
        "category",
        "guard",
    }
)
LINK_KEYS = frozenset({"deny_domains", "allow_domains", "block_invites", "allowed_invites"})
DUPLICATE_KEYS = frozenset({"count", "window_seconds", "similarity"})
ESCALATION_KEYS = frozenset({"count", "window_hours", "timeout_minutes"})
RULE_ACTIONS = (Action.REMOVE.value, Action.REVIEW.value, Action.WARN.value)
PERSONAL_DATA = ("email", "phone")
MAX_TIMEOUT_MINUTES = 28 * 24 * 60  # the longest timeout Discord accepts


def rule_label(data: Mapping[str, object], index: int) -> str:
    """The rule's id when it is usable, else its position such as `#3`."""
    value = data.get("id")
    if isinstance(value, str) and checks.is_slug(value):
        return value
    return f"#{index + 1}"


def parse_rule(ctx: ParseContext, data: Mapping[str, object], index: int) -> Rule | None:
    """A Rule from the `index`-th `[[rules]]` table, or None after reporting its problems."""
    before = len(ctx.issues)
    r = TableReader(ctx, data, ("rules", index), rule=rule_label(data, index), field="")
    r.check_keys(RULE_KEYS)

    rule_id = r.string("id", required=True)
    if rule_id is not None and not checks.is_slug(rule_id):
        r.issue("id", expected("a short id of lowercase letters, digits, - or _ (such as 'spam')", rule_id))
    number = r.integer("number", required=True, minimum=1)
    action = r.choice("action", RULE_ACTIONS, required=True)
    title = r.texts("title", required=True)
    description = r.texts("description", required=True)
    rationale = r.texts("rationale")
    fix = r.texts("fix")
    explanation = r.texts("explanation")
    for lang, template in (explanation or {}).items():
        for problem in checks.template_problems(template):
            r.issue(f"explanation.{lang}", problem)

    terms = _terms(r)
    forms = _forms(r, terms or ())
    patterns = _patterns(r)
    fuzzy = r.integer("fuzzy", minimum=0, maximum=100)
    if fuzzy is not None and not any(checks.letters(t) >= checks.FUZZY_MIN_LETTERS for t in terms or ()):
        r.issue(
            "fuzzy",
            f"expected at least one term of {checks.FUZZY_MIN_LETTERS} letters or more for fuzzy matching "
            f"(short words are matched exactly); got {'no terms' if not terms else 'only short terms'}",
        )
    links = _links(r)
    max_mentions = r.integer("max_mentions", minimum=1, maximum=100)
    duplicates = _duplicates(r)
    personal_data = _personal_data(r)
    exempt_roles = r.strings("exempt_roles", max_items=100)
    exempt_channels = r.strings("exempt_channels", max_items=100)
    escalation = _escalation(r)
    if escalation is not None and action == Action.REVIEW.value:
        r.issue(
            "escalation",
            "expected escalation only on rules whose action is remove or warn (a review is not an offence); "
            "got a rule whose action is review",
        )
    category = parse_category(r)
    guard = parse_guard(r, action)

    if len(ctx.issues) > before or rule_id is None or number is None or action is None:
        return None
    if title is None or description is None:
        return None
    return Rule(
        id=rule_id,
        number=number,
        action=Action(action),
        title=title,
        description=description,
        rationale=rationale or {},
        fix=fix or {},
        explanation=explanation or {},
        terms=terms or (),
        forms=forms,
        patterns=patterns or (),
        fuzzy=fuzzy,
        links=links,
        max_mentions=max_mentions,
        duplicates=duplicates,
        personal_data=personal_data or (),
        exempt_roles=exempt_roles or (),
        exempt_channels=exempt_channels or (),
        escalation=escalation,
        category=category,
        guard=guard,
    )


def _terms(r: TableReader) -> tuple[str, ...] | None:
    terms = r.strings("terms", max_items=checks.MAX_TERMS, unique=False)
    if terms is None:
        return None
    seen: dict[str, str] = {}
    for term in terms:
        problem = checks.term_problem(term)
        if problem is not None:
            r.issue("terms", problem, needle=term)
            continue
        folded = checks.fold(term)
        if folded in seen:
            same = f"expected each term once; got {show(term)}, the same as {show(seen[folded])}"
            r.issue("terms", same, needle=term)
        seen.setdefault(folded, term)
    return terms


def _forms(r: TableReader, terms: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """`forms = { ass = ["asses"] }`: explicit forms of the rule's own terms, matched exactly as written."""
    t = r.table("forms")
    if t is None:
        return {}
    known = {checks.fold(term): term for term in terms}
    forms: dict[str, tuple[str, ...]] = {}
    for key in t.data:
        term = known.get(checks.fold(key))
        if term is None:
            t.issue(key, expected("a term listed in this rule's terms", key), needle=key)
            continue
        values = t.strings(key, max_items=checks.MAX_TERMS)
        for value in values or ():
            problem = checks.term_problem(value)
            if problem is not None:
                t.issue(key, problem, needle=value)
        if values:
            forms[term] = values
    return forms


def _patterns(r: TableReader) -> tuple[str, ...] | None:
    patterns = r.strings("patterns", max_items=checks.MAX_PATTERNS)
    for pattern in patterns or ():
        problem = checks.pattern_problem(pattern)
        if problem is not None:
            r.issue("patterns", problem, needle=pattern[:40])
    return patterns


def _links(r: TableReader) -> LinkPolicy | None:
    t = r.table("links")
    if t is None:
        return None
    t.check_keys(LINK_KEYS)
    if not t.data:
        t.issue(None, expected("at least one of " + ", ".join(sorted(LINK_KEYS)), t.data))
    deny = _domains(t, "deny_domains")
    allow = _domains(t, "allow_domains")
    both = sorted(set(deny) & set(allow))
    if both:
        t.issue("allow_domains", f"expected a domain to be either denied or allowed; got {', '.join(both)} in both")
    block = t.boolean("block_invites")
    invites = t.strings("allowed_invites", max_items=100) or ()
    for code in invites:
        problem = checks.invite_problem(code)
        if problem is not None:
            t.issue("allowed_invites", problem, needle=code)
    if invites and not block:
        t.issue("allowed_invites", "expected block_invites = true alongside allowed_invites; got no invite blocking")
    return LinkPolicy(
        deny_domains=deny,
        allow_domains=allow,
        block_invites=bool(block),
        allowed_invites=invites,
    )


def _domains(t: TableReader, key: str) -> tuple[str, ...]:
    domains = t.strings(key, max_items=checks.MAX_TERMS) or ()
    for domain in domains:
        problem = checks.domain_problem(domain)
        if problem is not None:
            t.issue(key, problem, needle=domain)
    return tuple(domain.lower().removeprefix("www.") for domain in domains)


def _duplicates(r: TableReader) -> FloodPolicy | None:
    t = r.table("duplicates")
    if t is None:
        return None
    t.check_keys(DUPLICATE_KEYS)
    count = t.integer("count", required=True, minimum=2, maximum=50)
    window = t.integer("window_seconds", required=True, minimum=1, maximum=24 * 3600)
    similarity = t.integer("similarity", minimum=50, maximum=100)
    if count is None or window is None:
        return None
    return FloodPolicy(count=count, window_seconds=window, similarity=90 if similarity is None else similarity)


def _personal_data(r: TableReader) -> tuple[str, ...] | None:
    kinds = r.strings("personal_data", max_items=len(PERSONAL_DATA))
    for kind in kinds or ():
        if kind not in PERSONAL_DATA:
            r.issue("personal_data", expected(f"items among {', '.join(PERSONAL_DATA)}", kind), needle=kind)
    return kinds


def _escalation(r: TableReader) -> Escalation | None:
    t = r.table("escalation")
    if t is None:
        return None
    t.check_keys(ESCALATION_KEYS)
    count = t.integer("count", required=True, minimum=1, maximum=100)
    hours = t.integer("window_hours", required=True, minimum=1, maximum=30 * 24)
    minutes = t.integer("timeout_minutes", required=True, minimum=1, maximum=MAX_TIMEOUT_MINUTES)
    if count is None or hours is None or minutes is None:
        return None
    return Escalation(count=count, window_hours=hours, timeout_minutes=minutes)
