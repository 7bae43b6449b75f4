"""SQL for members' data rights: the installation secret, a member's data, erasure, retention purges, scrubbing."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.models import SYSTEM_ACTOR, AuditEntry, Case, Nudge
from bot.store.cases import case_from as _case_from
from bot.store.cases import entry_from as _entry_from
from bot.store.connection import Database
from bot.store.nudges import _SELECT as _NUDGE_SELECT
from bot.store.nudges import _nudge_from
from bot.store.postgres import PostgresDatabase
from bot.store.sqlite import SqliteDatabase
from bot.store.values import to_text

ERASED = "[erased]"
"""What replaces a member's own free text in rows that must stay (the audit trail, appeal markers)."""

_PSEUDONYM_ROW = "pseudonym_secret"

# Audit events whose reason or detail is the member's own free text.
_OWN_REASON_EVENTS = ("appealed",)
_OWN_DETAIL_EVENTS = ("reported",)


@dataclass(frozen=True, slots=True)
class MemberRows:
    """Everything stored about one member of one community, as rows."""

    cases: list[Case]  # cases about their messages
    trails: dict[int, list[AuditEntry]]  # audit trails of those cases
    reports: list[Case]  # cases they reported (other members' messages: never shown in full)
    nudges: list[Nudge]


@dataclass(frozen=True, slots=True)
class ErasureCounts:
    """How many rows an erasure changed."""

    cases: int
    nudges: int
    audit: int
    withdrawn_appeals: int


def _scrubbed_evidence(evidence_json: str, *, all_details: bool) -> str:
    """Evidence spans kept, details dropped: a term detail quotes the message, a report detail is a note."""
    items = json.loads(evidence_json)
    for item in items:
        if all_details or item.get("matcher") == "report":
            item["detail"] = ""
    return json.dumps(items, ensure_ascii=False)


class PrivacyStore:
    """Members' data rights on the shared database."""

    def __init__(self, db: Database) -> None:
        """Share `db` with the other stores."""
        self._db = db

    async def secret(self) -> bytes:
        """The per-installation pseudonym secret, created on first use and kept in the store."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO installation (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (_PSEUDONYM_ROW, secrets.token_hex(32)),
            )
            row = await tx.fetchone("SELECT value FROM installation WHERE key = ?", (_PSEUDONYM_ROW,))
        assert row is not None
        return bytes.fromhex(str(row[0]))

    async def installation_value(self, key: str) -> str | None:
        """A per-installation value (never the pseudonym secret's row name), or None."""
        row = await self._db.fetchone("SELECT value FROM installation WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_installation_value(self, key: str, value: str) -> None:
        """Store a per-installation value."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO installation (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the file and empty it, so purged text does not linger there."""
        if not isinstance(self._db, SqliteDatabase):
            return
        async with self._db.lock, self._db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            await cursor.fetchall()

    async def member_rows(self, platform: str, community: str, user: str) -> MemberRows:
        """Every row about `user` in one community of one platform."""
        scope = (platform, community, user)
        async with self._db.transaction() as tx:
            cases = [
                _case_from(row)
                for row in await tx.fetchall(
                    "SELECT * FROM cases WHERE platform = ? AND community = ? AND author_id = ? ORDER BY id", scope
                )
            ]
            trails: dict[int, list[AuditEntry]] = {}
            for case in cases:
                trails[case.id] = [
                    _entry_from(row)
                    for row in await tx.fetchall("SELECT * FROM audit WHERE case_id = ? ORDER BY id", (case.id,))
                ]
            reports = [
                _case_from(row)
                for row in await tx.fetchall(
                    "SELECT * FROM cases WHERE platform = ? AND community = ? AND author_id != ? AND id IN"
                    " (SELECT case_id FROM audit WHERE actor_id = ? AND event IN ('created', 'reported'))"
                    " ORDER BY id",
                    (*scope, user),
                )
            ]
            nudges = [
                _nudge_from(row)
                for row in await tx.fetchall(
                    _NUDGE_SELECT + " WHERE platform = ? AND community = ? AND author_id = ? ORDER BY id", scope
                )
            ]
        return MemberRows(cases, trails, reports, nudges)

    async def erase_member(
        self, platform: str, community: str, user: str, pseudonym: str, now: datetime
    ) -> ErasureCounts:
        """Delete the member's texts and replace their id by `pseudonym` everywhere, in one transaction.

        Decisions, their dates and outcomes stay. Open appeals are closed as withdrawn (the
        decision stands). Every touched case gets an `erased` audit entry that names nobody.
        """
        stamp = to_text(now)
        scope = (platform, community)
        async with self._db.transaction() as tx:
            own = await tx.fetchall(
                "SELECT id, status, evidence FROM cases WHERE platform = ? AND community = ? AND author_id = ?",
                (*scope, user),
            )
            withdrawn = 0
            for case_id, status, evidence in own:
                appeal_open = status == "appealed"
                withdrawn += appeal_open
                await tx.execute(
                    "UPDATE cases SET content = NULL, author_id = ?, author_name = ?, evidence = ?,"
                    " private_channel = NULL, private_message_id = NULL,"
                    " appeal_reason = CASE WHEN appeal_reason IS NULL THEN NULL ELSE ? END,"
                    " status = CASE WHEN status = 'appealed' THEN 'actioned' ELSE status END,"
                    " updated_at = ? WHERE id = ?",
                    (pseudonym, pseudonym, _scrubbed_evidence(evidence, all_details=True), ERASED, stamp, case_id),
                )
                # Where their private notice was sent (their direct-message channel) points to them too.
                await tx.execute(
                    "UPDATE audit SET detail = ? WHERE case_id = ? AND detail IS NOT NULL"
                    " AND event IN ('private_notice_sent', 'private_notice_failed', 'notify_failed')",
                    (ERASED, case_id),
                )
                if appeal_open:
                    await tx.execute(
                        "INSERT INTO audit (case_id, at, actor_id, event, reason, detail)"
                        " VALUES (?, ?, ?, 'appeal_withdrawn', 'erasure requested', 'the decision stands')",
                        (case_id, stamp, SYSTEM_ACTOR),
                    )
            # Reports they filed: the report note in the evidence is theirs, even once a moderator acted.
            filed = {
                int(row[0])
                for row in await tx.fetchall(
                    "SELECT case_id FROM audit WHERE actor_id = ? AND event = 'created'"
                    " AND case_id IN (SELECT id FROM cases WHERE platform = ? AND community = ? AND source = 'report')",
                    (user, *scope),
                )
            }
            acted = await tx.fetchall(
                "SELECT id, evidence FROM cases WHERE platform = ? AND community = ? AND author_id != ?"
                " AND (actor_id = ? OR decided_by = ?)",
                (*scope, pseudonym, user, user),
            )
            for case_id in sorted(filed - {int(row[0]) for row in acted}):
                acted += await tx.fetchall("SELECT id, evidence FROM cases WHERE id = ?", (case_id,))
            for case_id, evidence in acted:
                scrubbed = _scrubbed_evidence(evidence, all_details=False) if case_id in filed else evidence
                await tx.execute(
                    "UPDATE cases SET evidence = ?,"
                    " actor_id = CASE WHEN actor_id = ? THEN ? ELSE actor_id END,"
                    " decided_by = CASE WHEN decided_by = ? THEN ? ELSE decided_by END WHERE id = ?",
                    (scrubbed, user, pseudonym, user, pseudonym, case_id),
                )
            audit = await tx.execute(
                "UPDATE audit SET actor_id = ?,"
                " reason = CASE WHEN event IN ('appealed') AND reason IS NOT NULL THEN ? ELSE reason END,"
                " detail = CASE WHEN event IN ('reported') AND detail IS NOT NULL THEN ? ELSE detail END"
                " WHERE actor_id = ? AND case_id IN (SELECT id FROM cases WHERE platform = ? AND community = ?)",
                (pseudonym, ERASED, ERASED, user, *scope),
            )
            touched = sorted({int(row[0]) for row in own} | {int(row[0]) for row in acted})
            for case_id in touched:
                await tx.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail)"
                    " VALUES (?, ?, ?, 'erased', 'erasure requested', 'member data erased, ids pseudonymised')",
                    (case_id, stamp, SYSTEM_ACTOR),
                )
            nudges = await tx.execute(
                "UPDATE disclosure_nudges SET author_id = ?, suggestion = NULL, post_text = NULL, note = NULL,"
                " resolved_at = CASE WHEN state IN ('open', 'reminded', 'escalated') THEN ? ELSE resolved_at END,"
                " state = CASE WHEN state IN ('open', 'reminded', 'escalated') THEN 'withdrawn' ELSE state END,"
                " updated_at = ? WHERE platform = ? AND community = ? AND author_id = ?",
                (pseudonym, stamp, stamp, *scope, user),
            )
            await tx.execute(
                "UPDATE disclosure_nudges SET resolved_by = ? WHERE platform = ? AND community = ? AND resolved_by = ?",
                (pseudonym, *scope, user),
            )
            await tx.execute(
                "UPDATE guard_events SET actor_id = ? WHERE platform = ? AND community = ? AND actor_id = ?",
                (pseudonym, *scope, user),
            )
            await tx.execute(
                "UPDATE clause_guards SET actor_id = ? WHERE platform = ? AND community = ? AND actor_id = ?",
                (pseudonym, *scope, user),
            )
            await tx.execute(
                "INSERT INTO privacy_events (at, event, platform, community, cases, nudges, audit)"
                " VALUES (?, 'erasure', ?, ?, ?, ?, ?)",
                (stamp, *scope, len(touched), nudges, audit),
            )
        return ErasureCounts(cases=len(touched), nudges=nudges, audit=audit, withdrawn_appeals=withdrawn)

    async def purge_expired(self, before: datetime, now: datetime) -> dict[tuple[str, str], int]:
        """Blank content snapshots created before `before` (not those awaiting a human or a restore);
        audit each and log one count per community. Returns the counts per (platform, community)."""
        stamp = to_text(now)
        counts: dict[tuple[str, str], int] = {}
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT id, platform, community FROM cases WHERE created_at < ? AND content IS NOT NULL"
                " AND restore_state != 'pending' AND status NOT IN ('review', 'appealed') ORDER BY id",
                (to_text(before),),
            )
            detail = f"content snapshot deleted (created before {to_text(before)})"
            for case_id, platform, community in rows:
                await tx.execute("UPDATE cases SET content = NULL, updated_at = ? WHERE id = ?", (stamp, case_id))
                await tx.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail)"
                    " VALUES (?, ?, ?, 'purged', 'retention period over', ?)",
                    (case_id, stamp, SYSTEM_ACTOR, detail),
                )
                key = (str(platform), str(community))
                counts[key] = counts.get(key, 0) + 1
            for (platform, community), count in counts.items():
                await tx.execute(
                    "INSERT INTO privacy_events (at, event, platform, community, cases)"
                    " VALUES (?, 'retention_purge', ?, ?, ?)",
                    (stamp, platform, community, count),
                )
        return counts

    async def scrub_file(self) -> None:
        """Make deleted bytes really leave the database file: rebuild it and empty the write-ahead log.

        `secure_delete` (set when the store opens) zeroes freed cells; VACUUM rewrites every page
        and the TRUNCATE checkpoint empties the WAL, where older page images may still sit.
        On PostgreSQL, VACUUM FULL rewrites the tables that held the texts, leaving no dead row versions.
        """
        if isinstance(self._db, PostgresDatabase):
            await self._db.run_script("VACUUM FULL cases, audit, disclosure_nudges")
            return
        if not isinstance(self._db, SqliteDatabase):
            return
        async with self._db.lock:
            conn = self._db.connection
            for sql in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
                async with conn.execute(sql) as cursor:
                    await cursor.fetchall()
