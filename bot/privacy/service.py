"""Members' data rights: export everything held about one member, and erase it into a pseudonym."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.charter.model import Charter
from bot.i18n import tr
from bot.models import SYSTEM_ACTOR, Action, AuditEntry, Case, CaseStatus, Nudge
from bot.ports import Clock
from bot.privacy.pseudonym import MemberKey, pseudonym
from bot.store.privacy import ErasureCounts, MemberRows, PrivacyStore

log = logging.getLogger(__name__)

EXPORT_FORMAT = "vigie-member-data/1"
_STANDING = (CaseStatus.ACTIONED, CaseStatus.APPEALED, CaseStatus.UPHELD)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _by(entry: AuditEntry, member: MemberKey) -> str:
    """Who did it, as the member may read it: never another person's id or name."""
    if entry.actor_id == member.user:
        return "you"
    if entry.actor_id == SYSTEM_ACTOR or entry.actor_id.startswith("platform"):
        return "vigie"
    if entry.event == "reported":
        return "a member"
    return "a moderator"


def _history(trail: list[AuditEntry], member: MemberKey) -> list[dict[str, Any]]:
    lines = []
    for entry in trail:
        by = _by(entry, member)
        line: dict[str, Any] = {"at": _stamp(entry.at), "event": entry.event, "by": by}
        if by == "you" and entry.reason:
            line["reason"] = entry.reason
        lines.append(line)
    return lines


def _case(case: Case, trail: list[AuditEntry], member: MemberKey) -> dict[str, Any]:
    appeal = None
    if case.appeal_reason is not None:
        decided = case.status in (CaseStatus.UPHELD, CaseStatus.OVERTURNED)
        appeal = {"reason": case.appeal_reason, "outcome": case.status.value if decided else "pending"}
    return {
        "case": case.id,
        "channel": case.channel,
        "message_id": case.message_id,
        "your_name": case.author_name,
        "your_text": case.content,
        "clause": case.clause,
        "rule": case.rule_id,
        "charter_version": case.charter_version,
        "action": case.action.value,
        "status": case.status.value,
        "how": case.source.value,
        "automated": case.automated,
        "matched": [
            {"kind": e.matcher, "start": e.start, "end": e.end} for e in case.evidence if e.matcher != "report"
        ],
        "language": case.lang,
        "appeal": appeal,
        "decision_reason": case.decision_reason,
        "created_at": _stamp(case.created_at),
        "updated_at": _stamp(case.updated_at),
        "history": _history(trail, member),
    }


def _report(case: Case) -> dict[str, Any]:
    """A message the member reported: someone else's, so only what happened to the report."""
    return {"case": case.id, "reported_at": _stamp(case.created_at), "clause": case.clause, "status": case.status.value}


def _nudge(nudge: Nudge) -> dict[str, Any]:
    return {
        "note": nudge.id,
        "channel": nudge.channel,
        "message_id": nudge.message_id,
        "jurisdiction": nudge.jurisdiction,
        "severity": nudge.severity,
        "label_found": nudge.label,
        "suggested_label": nudge.suggested_label,
        "brand": nudge.brand,
        "signals": list(nudge.signals),
        "suggestion": nudge.suggestion,
        "your_note": nudge.note,
        "state": nudge.state.value,
        "created_at": _stamp(nudge.created_at),
        "reminded_at": _stamp(nudge.reminded_at),
        "escalated_at": _stamp(nudge.escalated_at),
        "resolved_at": _stamp(nudge.resolved_at),
    }


def member_export(rows: MemberRows, member: MemberKey, charter: Charter, now: datetime) -> dict[str, Any]:
    """The member's data as one JSON-ready document: exactly theirs, nobody else's."""
    notice = charter.privacy
    standing = [c for c in rows.cases if c.action in (Action.REMOVE, Action.WARN) and c.status in _STANDING]
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _stamp(now),
        "member": {"platform": member.platform, "community": member.community, "user": member.user},
        "controller": notice.controller if notice else None,
        "contact": notice.contact if notice else None,
        "charter": {"version": charter.version, "sha256": charter.content_hash},
        "retention_days": charter.retention_days,
        "cases": [_case(case, rows.trails.get(case.id, []), member) for case in rows.cases],
        "reports_you_made": [_report(case) for case in rows.reports],
        "disclosure_notes": [_nudge(nudge) for nudge in rows.nudges],
        "state": {
            "removals_and_warnings_standing": len(standing),
            "open_appeals": sum(1 for c in rows.cases if c.status is CaseStatus.APPEALED),
        },
    }


def summary(data: dict[str, Any], lang: str | None) -> str:
    """A short, private summary of an export in the member's language."""
    cases = data["cases"]
    if not cases and not data["reports_you_made"] and not data["disclosure_notes"]:
        return tr("privacy.summary_empty", lang)
    return tr(
        "privacy.summary",
        lang,
        cases=len(cases),
        texts=sum(1 for c in cases if c["your_text"] is not None),
        appeals=sum(1 for c in cases if c["appeal"] is not None),
        reports=len(data["reports_you_made"]),
        notes=len(data["disclosure_notes"]),
    )


def case_lines(cases: list[Case], charter: Charter, lang: str | None) -> list[str]:
    """`/mycases`: one line per case of the member's own, newest first, in their language."""
    lines = []
    for case in cases:
        rule = charter.rule(case.rule_id) or charter.clause(case.clause)
        title = rule.text(rule.title, charter.language_for(lang), charter.default_language) if rule else case.rule_id
        lines.append(
            tr(
                "privacy.mycases_line",
                lang,
                case=case.id,
                date=case.created_at.date().isoformat(),
                clause=case.clause,
                title=title,
                action=case.action.value,
                status=case.status.value,
            )
        )
    return lines


class PrivacyService:
    """Access and erasure for one member at a time; SQL lives in PrivacyStore."""

    def __init__(self, store: PrivacyStore, charter: Any, clock: Clock) -> None:
        """`charter` is anything with a `.charter` (the active policy), read at each call."""
        self._store = store
        self._policy = charter
        self._clock = clock

    async def secret(self) -> bytes:
        """The per-installation pseudonym secret (statements of reasons key their ids with it too)."""
        return await self._store.secret()

    async def export(self, member: MemberKey) -> dict[str, Any]:
        """Everything Vigie holds about `member` (GDPR art. 15)."""
        rows = await self._store.member_rows(member.platform, member.community, member.user)
        return member_export(rows, member, self._policy.charter, self._clock.now())

    async def pseudonym_for(self, member: MemberKey) -> str:
        """The member's keyed pseudonym in this installation."""
        return pseudonym(await self._store.secret(), member)

    async def erase(self, member: MemberKey) -> ErasureCounts:
        """Delete the member's texts, pseudonymise their ids everywhere, then scrub the file (art. 17)."""
        alias = await self.pseudonym_for(member)
        now = self._clock.now()
        counts = await self._store.erase_member(member.platform, member.community, member.user, alias, now)
        await self._store.scrub_file()
        log.info(
            "erasure on %s: %d case(s), %d note(s), %d audit entr(ies) pseudonymised",
            member.platform,
            counts.cases,
            counts.nudges,
            counts.audit,
        )
        return counts
