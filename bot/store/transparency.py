"""SQL for transparency: decisions with their human-decision times, report figures, and the clause guards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models import Case
from bot.store.cases import case_from as _case_from
from bot.store.connection import Database, Row
from bot.store.values import from_text, to_text

HUMAN_DECISIONS = (
    "removal_decided",
    "removed_after_review",
    "removed_by_moderator",
    "dismissed",
    "appeal_upheld",
    "appeal_overturned",
    "overridden",
)
"""Audit events that record a person's decision on a case."""

# Only `cases` has platform, community and created_at, so the condition reads the same on the join.
_EVENTS_SQL = (
    "SELECT audit.case_id, audit.event, audit.at FROM audit JOIN cases ON cases.id = audit.case_id"
    " WHERE {condition} AND audit.event IN ({marks}) ORDER BY audit.id"
)

_APPLIED = ("removal_decided", "removed_after_review", "removed_by_moderator")


@dataclass(frozen=True, slots=True)
class DecidedCase:
    """A case with the times that matter to a statement of reasons and a report."""

    case: Case
    applied_at: datetime  # when the restriction took effect (a person's removal, else the case's creation)
    first_human_at: datetime | None  # the first decision a person made on it, if any
    appeal_decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class GuardRow:
    """The current state of a clause guard in one community."""

    platform: str
    community: str
    clause: int
    state: str  # tripped or restored
    appeals: int
    overturned: int
    since: datetime
    actor_id: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class GuardEvent:
    """One trip or restore, for the page."""

    clause: int
    event: str
    appeals: int
    overturned: int
    at: datetime


def _guard_from(row: Row) -> GuardRow:
    return GuardRow(
        platform=row[0],
        community=row[1],
        clause=int(row[2]),
        state=row[3],
        appeals=int(row[4]),
        overturned=int(row[5]),
        since=from_text(row[6]),
        actor_id=row[7],
        reason=row[8],
    )


class TransparencyStore:
    """Read-mostly queries for statements and reports, and the guard tables (shared connection and lock)."""

    def __init__(self, db: Database) -> None:
        """Share `db` with the other stores."""
        self._db = db

    async def _rows(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return await self._db.fetchall(sql, tuple(params))

    async def communities(self) -> list[tuple[str, str]]:
        """Every (platform, community) that has cases, in order."""
        rows = await self._rows("SELECT DISTINCT platform, community FROM cases ORDER BY platform, community", ())
        return [(str(p), str(c)) for p, c in rows]

    async def decided_cases(
        self,
        *,
        platform: str | None = None,
        community: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[DecidedCase]:
        """Cases created in [since, until), oldest first, with their decision times."""
        where, params = ["1 = 1"], []
        for column, value in (("platform", platform), ("community", community)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("created_at >= ?")
            params.append(to_text(since))
        if until is not None:
            where.append("created_at < ?")
            params.append(to_text(until))
        # Column names above come from a fixed list; values are bound.
        condition = " AND ".join(where)
        marks = ", ".join("?" for _ in HUMAN_DECISIONS)
        cases = [
            _case_from(row)
            for row in await self._rows(
                "SELECT * FROM cases WHERE " + condition + " ORDER BY created_at, id",  # noqa: S608
                params,
            )
        ]
        events = await self._rows(_EVENTS_SQL.format(condition=condition, marks=marks), [*params, *HUMAN_DECISIONS])
        first: dict[int, datetime] = {}
        applied: dict[int, datetime] = {}
        appeal: dict[int, datetime] = {}
        for case_id, event, at in events:
            moment = from_text(at)
            first.setdefault(case_id, moment)
            if event in _APPLIED:
                applied.setdefault(case_id, moment)
            if event in ("appeal_upheld", "appeal_overturned"):
                appeal.setdefault(case_id, moment)
        return [DecidedCase(c, applied.get(c.id, c.created_at), first.get(c.id), appeal.get(c.id)) for c in cases]

    async def nudge_counts(self, platform: str, community: str, since: datetime, until: datetime) -> dict[str, int]:
        """Disclosure notes sent in [since, until), by state."""
        rows = await self._rows(
            "SELECT state, COUNT(*) FROM disclosure_nudges WHERE platform = ? AND community = ?"
            " AND created_at >= ? AND created_at < ? GROUP BY state",
            (platform, community, to_text(since), to_text(until)),
        )
        return {str(state): int(count) for state, count in rows}

    async def nudge_communities(self) -> list[tuple[str, str]]:
        """Every (platform, community) that has disclosure notes."""
        rows = await self._rows("SELECT DISTINCT platform, community FROM disclosure_nudges", ())
        return [(str(p), str(c)) for p, c in rows]

    # -- clause guards ------------------------------------------------------------------------

    async def guards(self, platform: str | None = None, community: str | None = None) -> list[GuardRow]:
        """Current guard states, all or for one community."""
        sql = (
            "SELECT platform, community, clause, state, appeals, overturned, since, actor_id, reason FROM clause_guards"
        )
        params: list[Any] = []
        if platform is not None and community is not None:
            sql += " WHERE platform = ? AND community = ?"
            params = [platform, community]
        rows = await self._rows(sql + " ORDER BY platform, community, clause", params)
        return [_guard_from(row) for row in rows]

    async def guard_events(self, platform: str, community: str, since: datetime, until: datetime) -> list[GuardEvent]:
        """Trips and restores in [since, until), oldest first."""
        rows = await self._rows(
            "SELECT clause, event, appeals, overturned, at FROM guard_events WHERE platform = ? AND community = ?"
            " AND at >= ? AND at < ? ORDER BY id",
            (platform, community, to_text(since), to_text(until)),
        )
        return [GuardEvent(int(r[0]), str(r[1]), int(r[2]), int(r[3]), from_text(r[4])) for r in rows]

    async def appeal_outcomes(self, platform: str, community: str, clause: int, since: datetime) -> tuple[int, int]:
        """(decided, overturned) appeals on a clause's removals decided since `since`."""
        rows = await self._rows(
            "SELECT audit.event, COUNT(*) FROM audit JOIN cases ON cases.id = audit.case_id"
            " WHERE cases.platform = ? AND cases.community = ? AND cases.clause = ? AND cases.action = 'remove'"
            " AND audit.event IN ('appeal_upheld', 'appeal_overturned') AND audit.at >= ? GROUP BY audit.event",
            (platform, community, clause, to_text(since)),
        )
        counts = {str(event): int(count) for event, count in rows}
        overturned = counts.get("appeal_overturned", 0)
        return overturned + counts.get("appeal_upheld", 0), overturned

    async def set_guard(
        self,
        platform: str,
        community: str,
        clause: int,
        *,
        state: str,
        appeals: int,
        overturned: int,
        at: datetime,
        actor_id: str,
        reason: str | None,
        case_id: int | None,
    ) -> None:
        """Record a trip or a restore: current state, event log, and (for a trip) an audit entry on the case."""
        stamp = to_text(at)
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO clause_guards (platform, community, clause, state, appeals, overturned, since, actor_id,"
                " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community, clause) DO UPDATE SET"
                " state = excluded.state, appeals = excluded.appeals, overturned = excluded.overturned,"
                " since = excluded.since, actor_id = excluded.actor_id, reason = excluded.reason",
                (platform, community, clause, state, appeals, overturned, stamp, actor_id, reason),
            )
            await tx.execute(
                "INSERT INTO guard_events (platform, community, clause, event, appeals, overturned, at, actor_id,"
                " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (platform, community, clause, state, appeals, overturned, stamp, actor_id, reason),
            )
            if case_id is not None:
                detail = f"clause {clause}: {overturned} of {appeals} recent appeals overturned; removals go to review"
                await tx.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    (case_id, stamp, actor_id, f"guard_{state}", reason, detail),
                )
