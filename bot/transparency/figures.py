"""The transparency report's figures per community and period, computed once for the page and report.json."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.charter.model import Charter
from bot.models import Action, CaseSource, CaseStatus
from bot.store.transparency import DecidedCase, GuardEvent, GuardRow

SMALL = 5
"""Counts from 1 to SMALL - 1 are shown as "<5", and rates or medians resting on so few are withheld."""

Count = int | str  # an exact count, or "<5"


def shown(count: int) -> Count:
    """A count as published: 0 and 5 or more exactly, 1 to 4 as "<5" (nobody can be singled out)."""
    return f"<{SMALL}" if 0 < count < SMALL else count


def rate(part: int, whole: int) -> float | None:
    """A share rounded to three places, withheld (None) when it rests on fewer than SMALL cases."""
    return round(part / whole, 3) if whole >= SMALL else None


@dataclass(frozen=True, slots=True)
class ClauseCounts:
    """Raw counts for one clause (before any "<5")."""

    clause: int
    removed: int = 0
    review: int = 0
    warned: int = 0
    appeals: int = 0
    upheld: int = 0
    overturned: int = 0


def _clause_counts(cases: Sequence[DecidedCase]) -> list[ClauseCounts]:
    counts: dict[int, dict[str, int]] = {}
    for decided in cases:
        case = decided.case
        row = counts.setdefault(case.clause, {})
        kind = {Action.REMOVE: "removed", Action.REVIEW: "review", Action.WARN: "warned"}.get(case.action)
        if kind:
            row[kind] = row.get(kind, 0) + 1
        if case.appeal_reason is not None:
            row["appeals"] = row.get("appeals", 0) + 1
            if case.status is CaseStatus.UPHELD:
                row["upheld"] = row.get("upheld", 0) + 1
            if case.status is CaseStatus.OVERTURNED:
                row["overturned"] = row.get("overturned", 0) + 1
    return [ClauseCounts(clause=number, **row) for number, row in sorted(counts.items())]


def _fully_automated(decided: DecidedCase) -> bool:
    case = decided.case
    return case.source in (CaseSource.AUTOMATED, CaseSource.PLATFORM_AUTOMOD) and case.automated


def _median_hours(cases: Sequence[DecidedCase]) -> float | None:
    waits = [
        (d.first_human_at - d.case.created_at).total_seconds() / 3600 for d in cases if d.first_human_at is not None
    ]
    if len(waits) < SMALL:
        return None
    return round(statistics.median(waits), 1)


def community_figures(
    charter: Charter,
    platform: str,
    community: str,
    cases: Sequence[DecidedCase],
    nudges: dict[str, int],
    guards: Sequence[GuardRow],
    guard_events: Sequence[GuardEvent],
) -> dict[str, Any]:
    """Everything the page says about one community, JSON-ready, with small counts already masked."""
    clauses = []
    for row in _clause_counts(cases):
        rule = charter.clause(row.clause)
        decided = row.upheld + row.overturned
        clauses.append(
            {
                "clause": row.clause,
                "title": dict(rule.title) if rule else {},
                "removed": shown(row.removed),
                "review": shown(row.review),
                "warned": shown(row.warned),
                "appeals_filed": shown(row.appeals),
                "appeals_upheld": shown(row.upheld),
                "appeals_overturned": shown(row.overturned),
                "overturn_rate": rate(row.overturned, decided),
                "guarded": rule is not None and rule.guard is not None,
            }
        )
    appeals = sum(1 for d in cases if d.case.appeal_reason is not None)
    upheld = sum(1 for d in cases if d.case.appeal_reason is not None and d.case.status is CaseStatus.UPHELD)
    overturned = sum(1 for d in cases if d.case.appeal_reason is not None and d.case.status is CaseStatus.OVERTURNED)
    return {
        "platform": platform,
        "community": community,
        "decisions": shown(len(cases)),
        "automated_share": rate(sum(1 for d in cases if _fully_automated(d)), len(cases)),
        "clauses": clauses,
        "appeals": {
            "filed": shown(appeals),
            "upheld": shown(upheld),
            "overturned": shown(overturned),
            "overturn_rate": rate(overturned, upheld + overturned),
        },
        "median_hours_to_human_decision": _median_hours(cases),
        "disclosure_notes": {"sent": shown(sum(nudges.values())), "fixed": shown(nudges.get("fixed", 0))},
        "guards": [
            {
                "clause": g.clause,
                "state": g.state,
                "since": g.since.date().isoformat(),
                "appeals": shown(g.appeals),
                "overturned": shown(g.overturned),
            }
            for g in guards
        ],
        "guard_events": [
            {
                "clause": e.clause,
                "event": e.event,
                "at": e.at.date().isoformat(),
                "appeals": shown(e.appeals),
                "overturned": shown(e.overturned),
            }
            for e in guard_events
        ],
    }


def report_document(
    charter: Charter, since: datetime, until: datetime, generated: datetime, communities: list[dict[str, Any]]
) -> dict[str, Any]:
    """The whole report: the charter it applied, the period, and each community's figures."""
    return {
        "format": "vigie-transparency-report/1",
        "generated_at": generated.isoformat(),
        "period": {"since": since.date().isoformat(), "until": until.date().isoformat()},
        "charter": {"name": charter.name, "version": charter.version, "sha256": charter.content_hash},
        "small_counts": f"counts from 1 to {SMALL - 1} are shown as <{SMALL}; rates and medians on fewer than "
        f"{SMALL} cases are withheld",
        "communities": communities,
    }
