"""Statements of reasons in the shape of the EU DSA Transparency Database: one JSON object per decision."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from typing import Any

from bot.charter.model import Charter, Rule
from bot.models import Action, CaseSource, CaseStatus
from bot.store.transparency import DecidedCase
from bot.transparency import dsa

MAX_FACTS = 5000
MAX_EXPLANATION = 2000
MAX_GROUND = 500
_STATED = (CaseStatus.ACTIONED, CaseStatus.APPEALED, CaseStatus.UPHELD, CaseStatus.OVERTURNED)
_LANGUAGES = frozenset(
    [
        "BG",
        "CS",
        "DA",
        "DE",
        "EL",
        "EN",
        "ES",
        "ET",
        "FI",
        "FR",
        "GA",
        "HR",
        "HU",
        "IT",
        "LT",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SL",
        "SV",
    ]
)  # the EU's official languages
_WARNING = "A public notice under the message names the clause and asks the author to fix it; the message stays up."


def is_statement(decided: DecidedCase) -> bool:
    """A restriction was decided: a removal or a warning that took effect (reviews still open are not)."""
    case = decided.case
    return case.action in (Action.REMOVE, Action.WARN) and case.status in _STATED


def puid(secret: bytes, case_id: int) -> str:
    """A stable id that reveals nothing (neither the case number nor the platform): a keyed hash."""
    digest = hmac.new(secret, f"statement:{case_id}".encode(), hashlib.sha256).hexdigest()
    return f"vigie-{digest[:32]}"


def source_fields(source: CaseSource, automated: bool) -> dict[str, str]:
    """`source_type`, `automated_detection` and `automated_decision` for how the case came to be.

    Vigie's own screening (and a platform filter) detect automatically; a person's removal after
    an automated flag makes the decision partly automated; reports and moderators' own removals
    are neither.
    """
    detected = source in (CaseSource.AUTOMATED, CaseSource.PLATFORM_AUTOMOD)
    if detected and automated:
        decision = dsa.AUTOMATED_FULLY
    elif detected:
        decision = dsa.AUTOMATED_PARTIALLY
    else:
        decision = dsa.AUTOMATED_NOT
    return {
        "source_type": dsa.SOURCE_NOTIFICATION if source is CaseSource.REPORT else dsa.SOURCE_VOLUNTARY,
        "automated_detection": "Yes" if detected else "No",
        "automated_decision": decision,
    }


def _rule(charter: Charter, decided: DecidedCase) -> Rule | None:
    return charter.rule(decided.case.rule_id) or charter.clause(decided.case.clause)


def _facts(decided: DecidedCase, rule: Rule | None, charter: Charter) -> str:
    case = decided.case
    title = rule.text(rule.title, "en", charter.default_language) if rule else case.rule_id
    how = {
        CaseSource.AUTOMATED: "detected by the community's published automated rules",
        CaseSource.PLATFORM_AUTOMOD: "removed by the platform's own filter, recorded under the charter",
        CaseSource.REPORT: "reported by a member and decided by a moderator",
        CaseSource.MODERATOR: "removed by a moderator on their own initiative",
    }[case.source]
    if case.source is CaseSource.AUTOMATED and not case.automated:
        how = "flagged by the automated rules and decided by a moderator"
    kinds = sorted({e.matcher for e in case.evidence if e.matcher not in ("report", "moderator", "automod")})
    parts = [
        f"Clause {case.clause} ({title}) of the community charter, version {case.charter_version}.",
        f"The message was {how}.",
    ]
    if kinds and case.source is CaseSource.AUTOMATED:
        parts.append(f"Signals: {', '.join(kinds)}.")
    if case.action is Action.WARN:
        parts.append(_WARNING)
    if case.appeal_reason is not None:
        outcome = {
            CaseStatus.UPHELD: "upheld by a moderator who did not make the decision",
            CaseStatus.OVERTURNED: "overturned: the decision was reversed and the message restored",
        }.get(case.status, "pending")
        parts.append(f"The author appealed; the appeal was {outcome}.")
    elif case.status is CaseStatus.OVERTURNED:
        parts.append("A moderator later reversed the decision and the message was restored.")
    return " ".join(parts)[:MAX_FACTS]


def statement(decided: DecidedCase, charter: Charter, secret: bytes) -> dict[str, Any]:
    """One statement of reasons; it never holds the author's identity or the removed text."""
    case = decided.case
    rule = _rule(charter, decided)
    title = rule.text(rule.title, "en", charter.default_language) if rule else case.rule_id
    description = rule.text(rule.description, "en", charter.default_language) if rule else title
    out: dict[str, Any] = {}
    if case.action is Action.REMOVE:
        out["decision_visibility"] = [dsa.VISIBILITY_REMOVED]
    else:
        out["decision_visibility"] = ["DECISION_VISIBILITY_OTHER"]
        out["decision_visibility_other"] = "Public warning notice to the author; the content stays up"
    out |= {
        "decision_ground": dsa.GROUND_INCOMPATIBLE,
        "incompatible_content_ground": f"Community charter, clause {case.clause}: {title}"[:MAX_GROUND],
        "incompatible_content_explanation": " ".join(description.split())[:MAX_EXPLANATION],
        "content_type": [dsa.CONTENT_TEXT],
        "category": (rule.category if rule and rule.category else dsa.DEFAULT_CATEGORY),
    }
    if charter.transparency is not None:
        out["territorial_scope"] = list(charter.transparency.territorial_scope)
        if charter.transparency.url:
            out["decision_ground_reference_url"] = charter.transparency.url
    language = (case.lang or "").split("-")[0].upper()
    if language in _LANGUAGES:
        out["content_language"] = language
    out |= {
        "content_date": case.created_at.date().isoformat(),
        "application_date": decided.applied_at.date().isoformat(),
        "decision_facts": _facts(decided, rule, charter),
        **source_fields(case.source, case.automated),
        "puid": puid(secret, case.id),
    }
    return out


def statements(cases: Iterable[DecidedCase], charter: Charter, secret: bytes) -> Iterator[dict[str, Any]]:
    """The statements for every decision among `cases`, in order."""
    for decided in cases:
        if is_statement(decided):
            yield statement(decided, charter, secret)
