"""Storage of disclosure nudges: one row per post, claims that let exactly one worker send each step."""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.models import (
    OPEN_STATES,
    STEP_OF_STATE,
    Delivery,
    Nudge,
    NudgeDraft,
    NudgeReport,
    NudgeState,
    NudgeStep,
)
from bot.store.connection import Database, Transaction
from bot.store.values import from_text, to_text

_COLUMNS = (
    "id",
    "platform",
    "community",
    "channel",
    "message_id",
    "author_id",
    "lang",
    "jurisdiction",
    "severity",
    "label",
    "suggested_label",
    "brand",
    "signals",
    "suggestion",
    "post_text",
    "state",
    "delivery",
    "attempts",
    "delivery_error",
    "note",
    "resolved_by",
    "created_at",
    "updated_at",
    "claimed_at",
    "reminded_at",
    "escalated_at",
    "resolved_at",
)
_SELECT = (
    "SELECT id, platform, community, channel, message_id, author_id, lang, jurisdiction, severity, label,"
    " suggested_label, brand, signals, suggestion, post_text, state, delivery, attempts, delivery_error, note,"
    " resolved_by, created_at, updated_at, claimed_at, reminded_at, escalated_at, resolved_at"
    " FROM disclosure_nudges"
)
_FINDING_FIELDS = frozenset({"severity", "label", "suggested_label", "brand", "signals", "suggestion", "text"})

# A step may be claimed when its state is reached and no other claim is live: a claim is live
# while `delivery` is pending and `claimed_at` is recent. A stale claim (a worker that died
# between claiming and confirming) can be taken over, so nothing is lost across restarts.
# Retry: "delivery != 'done' AND claimed_at < :stale AND attempts < :max".
# Settled: "(delivery != 'pending' OR claimed_at < :stale)".
_CLAIM: dict[NudgeStep, str] = {
    "nudge": (
        "UPDATE disclosure_nudges SET delivery = 'pending', delivery_error = NULL, attempts = attempts + 1,"
        " claimed_at = :now, updated_at = :now"
        " WHERE id = :id AND state = 'open' AND delivery != 'done' AND claimed_at < :stale AND attempts < :max"
    ),
    "remind": (
        "UPDATE disclosure_nudges SET"
        " attempts = CASE WHEN state = 'reminded' THEN attempts + 1 ELSE 1 END,"
        " reminded_at = CASE WHEN state = 'reminded' THEN reminded_at ELSE :now END,"
        " state = 'reminded', delivery = 'pending', delivery_error = NULL, claimed_at = :now, updated_at = :now"
        " WHERE id = :id AND ("
        "(state = 'open' AND (delivery != 'pending' OR claimed_at < :stale) AND created_at <= :due)"
        " OR (state = 'reminded' AND delivery != 'done' AND claimed_at < :stale AND attempts < :max))"
    ),
    "escalate": (
        "UPDATE disclosure_nudges SET"
        " attempts = CASE WHEN state = 'escalated' THEN attempts + 1 ELSE 1 END,"
        " escalated_at = CASE WHEN state = 'escalated' THEN escalated_at ELSE :now END,"
        " state = 'escalated', delivery = 'pending', delivery_error = NULL, claimed_at = :now, updated_at = :now"
        " WHERE id = :id AND ("
        "(state = 'reminded' AND (delivery != 'pending' OR claimed_at < :stale) AND reminded_at <= :due)"
        " OR (state = 'escalated' AND delivery != 'done' AND claimed_at < :stale AND attempts < :max))"
    ),
}
_DUE = (
    _SELECT + " WHERE state IN ('open', 'reminded', 'escalated') AND ("
    "(delivery != 'done' AND claimed_at < :stale AND attempts < :max)"
    " OR (state = 'open' AND (delivery != 'pending' OR claimed_at < :stale) AND created_at <= :remind)"
    " OR (state = 'reminded' AND (delivery != 'pending' OR claimed_at < :stale) AND reminded_at <= :escalate)"
    ")"
)
_DUE_ORDER = " ORDER BY id LIMIT :limit"
_REPORT_STATES = (
    "SELECT state, COUNT(*) FROM disclosure_nudges"
    " WHERE platform = ? AND community = ? AND created_at >= ? GROUP BY state"
)
_REPORT_FAILED = (
    "SELECT COUNT(*) FROM disclosure_nudges"
    " WHERE platform = ? AND community = ? AND created_at >= ? AND delivery = 'failed'"
)
_REPORT_FIXES = (
    "SELECT created_at, resolved_at FROM disclosure_nudges"
    " WHERE platform = ? AND community = ? AND created_at >= ? AND state = 'fixed'"
)


def _nudge_from(row: Iterable[Any]) -> Nudge:
    data = dict(zip(_COLUMNS, row, strict=True))

    def moment(name: str) -> datetime | None:
        value = data[name]
        return from_text(value) if value is not None else None

    return Nudge(
        id=int(data["id"]),
        platform=data["platform"],
        community=data["community"],
        channel=data["channel"],
        message_id=data["message_id"],
        author_id=data["author_id"],
        lang=data["lang"],
        jurisdiction=data["jurisdiction"],
        severity=data["severity"],
        label=data["label"],
        suggested_label=data["suggested_label"],
        brand=data["brand"],
        signals=tuple(str(item) for item in json.loads(data["signals"])),
        suggestion=data["suggestion"],
        state=NudgeState(data["state"]),
        delivery=Delivery(data["delivery"]),
        attempts=int(data["attempts"]),
        delivery_error=data["delivery_error"],
        note=data["note"],
        resolved_by=data["resolved_by"],
        created_at=from_text(data["created_at"]),
        updated_at=from_text(data["updated_at"]),
        claimed_at=from_text(data["claimed_at"]),
        reminded_at=moment("reminded_at"),
        escalated_at=moment("escalated_at"),
        resolved_at=moment("resolved_at"),
    )


class NudgeStore:
    """Disclosure nudges on a database whose schema includes migration 0002.

    Share the main store's `Database` (`SqlStore.database`): its transactions serialise writers.
    Every write is one transaction and commits before the method returns.
    """

    def __init__(self, db: Database) -> None:
        """Use `db`, already migrated."""
        self._db = db

    @staticmethod
    async def _one(tx: Transaction | Database, where: str, params: Sequence[Any] | Mapping[str, Any]) -> Nudge | None:
        row = await tx.fetchone(_SELECT + " WHERE " + where, params)
        return _nudge_from(row) if row is not None else None

    async def create(self, draft: NudgeDraft) -> tuple[Nudge, bool]:
        """Record a nudge as open with its first delivery claimed; idempotent per post.

        Returns the nudge and whether it was created (False: one already existed, returned as-is).
        """
        stamp = to_text(draft.created_at)
        async with self._db.transaction() as tx:
            created = (
                await tx.execute(
                    "INSERT INTO disclosure_nudges (platform, community, channel, message_id, author_id, lang,"
                    " jurisdiction, severity, label, suggested_label, brand, signals, suggestion, post_text, state,"
                    " delivery, attempts, created_at, updated_at, claimed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 'pending', 1, ?, ?, ?)"
                    " ON CONFLICT (platform, community, channel, message_id) DO NOTHING",
                    (
                        draft.platform,
                        draft.community,
                        draft.channel,
                        draft.message_id,
                        draft.author_id,
                        draft.lang,
                        draft.jurisdiction,
                        draft.severity,
                        draft.label,
                        draft.suggested_label,
                        draft.brand,
                        json.dumps(list(draft.signals), ensure_ascii=False),
                        draft.suggestion,
                        None,  # post_text: the post is never stored
                        stamp,
                        stamp,
                        stamp,
                    ),
                )
                == 1
            )
            nudge = await self._one(
                tx,
                "platform = ? AND community = ? AND channel = ? AND message_id = ?",
                (draft.platform, draft.community, draft.channel, draft.message_id),
            )
        assert nudge is not None
        return nudge, created

    async def get(self, nudge_id: int) -> Nudge | None:
        """One nudge by number."""
        return await self._one(self._db, "id = ?", (nudge_id,))

    async def for_message(self, platform: str, community: str, channel: str, message_id: str) -> Nudge | None:
        """The nudge about a post, if any (a Slack ts is unique only within its channel)."""
        return await self._one(
            self._db,
            "platform = ? AND community = ? AND channel = ? AND message_id = ?",
            (platform, community, channel, message_id),
        )

    async def update_finding(self, nudge_id: int, now: datetime, **finding: Any) -> Nudge | None:
        """Replace the finding of an open nudge (after an edit); None if it is closed or unknown."""
        unknown = sorted(set(finding) - _FINDING_FIELDS)
        if unknown:
            raise ValueError(f"nudge fields that cannot be changed: {', '.join(unknown)}")
        values = {("post_text" if k == "text" else k): v for k, v in finding.items()}
        if "signals" in values:
            values["signals"] = json.dumps(list(values["signals"]), ensure_ascii=False)
        names = sorted(values)
        # Column names come only from the fixed whitelist above, never from values.
        assignments = "".join(f"{name} = :{name}, " for name in names)
        params = {**values, "now": to_text(now), "id": nudge_id}
        async with self._db.transaction() as tx:
            sql = (
                "UPDATE disclosure_nudges SET "  # noqa: S608 (column names come from the whitelist)
                + assignments
                + "updated_at = :now WHERE id = :id AND state IN ('open', 'reminded', 'escalated')"
            )
            changed = await tx.execute(sql, params) == 1
            return await self._one(tx, "id = ?", (nudge_id,)) if changed else None

    async def resolve(
        self, nudge_id: int, state: NudgeState, now: datetime, *, by: str, note: str | None = None
    ) -> Nudge | None:
        """Close an open nudge and purge the post text and suggestion; None if it was not open."""
        if state in OPEN_STATES:
            raise ValueError(f"{state.value} is not a closing state")
        stamp = to_text(now)
        async with self._db.transaction() as tx:
            changed = (
                await tx.execute(
                    "UPDATE disclosure_nudges SET state = ?, resolved_by = ?, note = ?, resolved_at = ?,"
                    " updated_at = ?, post_text = NULL, suggestion = NULL"
                    " WHERE id = ? AND state IN ('open', 'reminded', 'escalated')",
                    (state.value, by, note, stamp, stamp, nudge_id),
                )
                == 1
            )
            return await self._one(tx, "id = ?", (nudge_id,)) if changed else None

    async def claim(
        self,
        nudge_id: int,
        step: NudgeStep,
        now: datetime,
        *,
        due: datetime,
        stale: datetime,
        max_attempts: int,
    ) -> Nudge | None:
        """Claim the right to send `step` in one guarded UPDATE; None if another worker has it or it is not due.

        `due` is the time before which the previous step must have happened (reminder and
        escalation delays); `stale` the time before which a pending claim counts as abandoned.
        """
        params = {
            "id": nudge_id,
            "now": to_text(now),
            "due": to_text(due),
            "stale": to_text(stale),
            "max": max_attempts,
        }
        async with self._db.transaction() as tx:
            claimed = await tx.execute(_CLAIM[step], params) == 1
            return await self._one(tx, "id = ?", (nudge_id,)) if claimed else None

    async def finish(self, nudge_id: int, now: datetime, *, error: str | None = None) -> Nudge | None:
        """Record how the claimed step went (error None: delivered); None if no claim was pending."""
        delivery = Delivery.DONE if error is None else Delivery.FAILED
        async with self._db.transaction() as tx:
            changed = (
                await tx.execute(
                    "UPDATE disclosure_nudges SET delivery = ?, delivery_error = ?, updated_at = ?"
                    " WHERE id = ? AND delivery = 'pending'",
                    (delivery.value, None if error is None else error[:500], to_text(now), nudge_id),
                )
                == 1
            )
            return await self._one(tx, "id = ?", (nudge_id,)) if changed else None

    async def due(
        self,
        *,
        remind_before: datetime,
        escalate_before: datetime,
        stale: datetime,
        max_attempts: int,
        limit: int = 100,
        platforms: Collection[str] | None = None,
    ) -> list[tuple[Nudge, NudgeStep]]:
        """Open nudges with a step to send: a retry of the current one, else the next one, oldest first.

        `platforms`, when given, keeps only nudges of those platforms (the connected ones).
        """
        sql = _DUE
        params: dict[str, Any] = {
            "remind": to_text(remind_before),
            "escalate": to_text(escalate_before),
            "stale": to_text(stale),
            "max": max_attempts,
            "limit": limit,
        }
        if platforms is not None:
            if not platforms:
                return []
            names = [f"platform_{index}" for index in range(len(platforms))]
            params.update(zip(names, sorted(platforms), strict=True))
            # Only generated :platform_N marks are added, never values.
            sql += " AND platform IN (" + ", ".join(f":{name}" for name in names) + ")"
        rows = await self._db.fetchall(sql + _DUE_ORDER, params)
        found: list[tuple[Nudge, NudgeStep]] = []
        stale_text = to_text(stale)
        for row in rows:
            nudge = _nudge_from(row)
            retry = (
                nudge.delivery is not Delivery.DONE
                and to_text(nudge.claimed_at) < stale_text
                and nudge.attempts < max_attempts
            )
            if retry:
                found.append((nudge, STEP_OF_STATE[nudge.state]))
            elif nudge.state is NudgeState.OPEN:
                found.append((nudge, "remind"))
            elif nudge.state is NudgeState.REMINDED:
                found.append((nudge, "escalate"))
        return found

    async def report(self, platform: str, community: str, since: datetime | None = None) -> NudgeReport:
        """Counts by state, failed deliveries and the median time from nudge to fix."""
        params = (platform, community, to_text(since) if since else "")
        states = {str(row[0]): int(row[1]) for row in await self._db.fetchall(_REPORT_STATES, params)}
        row = await self._db.fetchone(_REPORT_FAILED, params)
        failed = int(row[0]) if row else 0
        fixes = [from_text(r[1]) - from_text(r[0]) for r in await self._db.fetchall(_REPORT_FIXES, params)]
        median = timedelta(seconds=statistics.median(f.total_seconds() for f in fixes)) if fixes else None
        count = {state: states.get(state.value, 0) for state in NudgeState}
        return NudgeReport(
            platform=platform,
            community=community,
            total=sum(count.values()),
            open=sum(count[state] for state in OPEN_STATES),
            reminded=count[NudgeState.REMINDED],
            escalated=count[NudgeState.ESCALATED],
            fixed=count[NudgeState.FIXED],
            not_sponsored=count[NudgeState.NOT_SPONSORED],
            withdrawn=count[NudgeState.WITHDRAWN],
            failed_deliveries=failed,
            median_time_to_fix=median,
        )

    async def not_sponsored(self, platform: str, community: str, *, limit: int = 20) -> list[Nudge]:
        """The latest "not sponsored" statements, newest first, for a person to look at."""
        rows = await self._db.fetchall(
            _SELECT + " WHERE platform = ? AND community = ? AND state = 'not_sponsored'"
            " ORDER BY resolved_at DESC, id DESC LIMIT ?",
            (platform, community, limit),
        )
        return [_nudge_from(row) for row in rows]

    async def forget_stale(self, before: datetime, now: datetime) -> int:
        """Erase the suggestion (and any post text) of nudges still open that were created before `before`."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "UPDATE disclosure_nudges SET suggestion = NULL, post_text = NULL, updated_at = ?"
                " WHERE state IN ('open', 'reminded', 'escalated') AND created_at < ?"
                " AND (suggestion IS NOT NULL OR post_text IS NOT NULL)",
                (to_text(now), to_text(before)),
            )

    async def purge(self, before: datetime) -> int:
        """Delete closed nudges closed before `before`; return how many."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM disclosure_nudges"
                " WHERE state NOT IN ('open', 'reminded', 'escalated') AND resolved_at < ?",
                (to_text(before),),
            )
