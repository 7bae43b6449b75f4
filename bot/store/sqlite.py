"""SQLite implementation of the Store port: cases, the append-only audit trail and settings."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import NotFoundError, TransitionError, VigieError
from bot.models import (
    SYSTEM_ACTOR,
    Action,
    ActionState,
    AuditEntry,
    Case,
    CaseDraft,
    CaseSource,
    CaseStatus,
    Evidence,
)

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_BUSY_TIMEOUT_MS = 5000

# Case fields a caller may change after creation; anything else (ids, platform, message,
# author, content snapshot, timestamps) is fixed when the case is recorded.
_MUTABLE: frozenset[str] = frozenset(
    {
        "status",
        "action",
        "action_state",
        "action_error",
        "restore_state",
        "appeal_reason",
        "decided_by",
        "decision_reason",
        "actor_id",
        "automated",
        "rule_id",
        "clause",
        "charter_version",
        "charter_hash",
        "notice_message_id",
        "private_channel",
        "private_message_id",
        "restored_message_id",
        "decided_at",
    }
)

# The case key (migration 0003): a Slack ts is unique only within its channel.
_BY_MESSAGE = "SELECT * FROM cases WHERE platform = ? AND community = ? AND channel = ? AND message_id = ?"

# One pass over a community's cases for a period: (dimension, key, count) rows.
_STATS_SQL = """
WITH scope AS (
    SELECT * FROM cases WHERE platform = ? AND community = ? AND created_at >= ? AND created_at < ?
)
SELECT 'total', 'cases', COUNT(*) FROM scope
UNION ALL SELECT 'clause', clause, COUNT(*) FROM scope GROUP BY clause
UNION ALL SELECT 'action', action, COUNT(*) FROM scope GROUP BY action
UNION ALL SELECT 'source', source, COUNT(*) FROM scope GROUP BY source
UNION ALL SELECT 'status', status, COUNT(*) FROM scope GROUP BY status
UNION ALL SELECT 'automated', CASE automated WHEN 1 THEN 'true' ELSE 'false' END, COUNT(*) FROM scope GROUP BY automated
UNION ALL SELECT 'appeals', 'appealed', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL
UNION ALL SELECT 'appeals', 'upheld', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL AND status = 'upheld'
UNION ALL SELECT 'appeals', 'overturned', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL AND status = 'overturned'
UNION ALL SELECT 'overrides', 'count', COUNT(*) FROM audit JOIN scope ON scope.id = audit.case_id
    WHERE audit.event = 'overridden'
"""


class StoreError(VigieError):
    """The database cannot be used as it is (for instance, written by a newer Vigie)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: `version` is the NNNN prefix of its file name."""

    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The packaged migrations, in order; their numbers must run 1, 2, 3... without gaps."""
    folder = resources.files("bot.store").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StoreError(f"migration {migration.name} breaks the sequence: expected number {expected:04d}")
    return found


def split_statements(script: str) -> list[str]:
    """A migration script as single statements (trigger bodies kept whole), for one explicit transaction."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            text = _strip_comments(buffer)
            if text.strip(" \n\t;"):
                statements.append(text)
            buffer = ""
    if _strip_comments(buffer).strip(" \n\t;"):
        raise StoreError("a migration ends with an incomplete statement")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def to_text(moment: datetime) -> str:
    """A fixed-width ISO UTC string, so that text comparison in SQL is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Vigie stores timezone-aware UTC datetimes only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_text(text: str) -> datetime:
    """Parse a stored datetime back into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def _evidence_json(evidence: Iterable[Evidence]) -> str:
    return json.dumps(
        [{"matcher": e.matcher, "start": e.start, "end": e.end, "detail": e.detail} for e in evidence],
        ensure_ascii=False,
    )


def _evidence_from(text: str) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(str(item["matcher"]), int(item["start"]), int(item["end"]), str(item.get("detail", "")))
        for item in json.loads(text)
    )


def _column_value(name: str, value: Any) -> Any:
    """Convert a Case field value into what its column holds."""
    if name == "automated":
        return int(bool(value))
    if isinstance(value, datetime):
        return to_text(value)
    if isinstance(value, Action | ActionState | CaseStatus | CaseSource):
        return value.value
    return value


def _case_from(row: sqlite3.Row) -> Case:
    return Case(
        id=row["id"],
        platform=row["platform"],
        community=row["community"],
        channel=row["channel"],
        message_id=row["message_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        rule_id=row["rule_id"],
        clause=row["clause"],
        charter_version=row["charter_version"],
        charter_hash=row["charter_hash"],
        action=Action(row["action"]),
        evidence=_evidence_from(row["evidence"]),
        confidence=row["confidence"],
        automated=bool(row["automated"]),
        actor_id=row["actor_id"],
        source=CaseSource(row["source"]),
        content=row["content"],
        lang=row["lang"],
        status=CaseStatus(row["status"]),
        action_state=ActionState(row["action_state"]),
        action_error=row["action_error"],
        restore_state=ActionState(row["restore_state"]),
        appeal_reason=row["appeal_reason"],
        decided_by=row["decided_by"],
        decision_reason=row["decision_reason"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        notice_message_id=row["notice_message_id"],
        private_channel=row["private_channel"],
        private_message_id=row["private_message_id"],
        restored_message_id=row["restored_message_id"],
        decided_at=from_text(row["decided_at"]) if row["decided_at"] else None,
    )


def _entry_from(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        case_id=row["case_id"],
        at=from_text(row["at"]),
        actor_id=row["actor_id"],
        event=row["event"],
        reason=row["reason"],
        detail=row["detail"],
    )


async def _wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL; a process creating the same fresh file at the same moment may hold it briefly."""
    for attempt in range(50):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            await asyncio.sleep(0.02 * (attempt + 1))


class SqliteStore:
    """The Store port on one aiosqlite connection.

    Writes are serialised by an asyncio lock: the connection is shared by every coroutine,
    and without it one coroutine's statements could land inside another's transaction.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        """Wrap an open connection; use `SqliteStore.open` instead."""
        self._conn = conn
        self._lock = asyncio.Lock()
        self._claims: set[int] = set()
        self._setting_listeners: list[Callable[[str, str], None]] = []

    @classmethod
    async def open(cls, path: str | Path, *, migrations: Sequence[Migration] | None = None) -> SqliteStore:
        """Open (or create) the database at `path` (":memory:" allowed) and bring its schema up to date."""
        try:
            conn = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS:d}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Deleted content (purged snapshots, erased members) is zeroed, not left in free space.
            await conn.execute("PRAGMA secure_delete = ON")
            await _wal(conn)
            store = cls(conn)
            await store._migrate(load_migrations() if migrations is None else migrations)
        except sqlite3.Error as exc:
            await conn.close()
            raise StoreError(f"cannot use the database {path}: {exc}") from None
        except BaseException:
            await conn.close()
            raise
        return store

    @property
    def connection(self) -> aiosqlite.Connection:
        """The shared connection, for sibling stores in bot/store (they must also take `write_lock`)."""
        return self._conn

    @property
    def write_lock(self) -> asyncio.Lock:
        """The lock every transaction on `connection` takes, so that transactions never interleave."""
        return self._lock

    async def schema_version(self) -> int:
        """The migration number the database is at (PRAGMA user_version)."""
        async with self._conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        latest = migrations[-1].version if migrations else 0
        if await self.schema_version() >= latest:
            await self._check_not_newer(latest)
            return
        # SQLite's documented way to rebuild a table that others reference: enforcement off
        # (it cannot change inside a transaction), then foreign_key_check before committing.
        await self._conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for migration in migrations:
                await self._apply_migration(migration, latest)
        finally:
            await self._conn.execute("PRAGMA foreign_keys = ON")

    async def _check_not_newer(self, latest: int) -> None:
        current = await self.schema_version()
        if current > latest:
            raise StoreError(
                f"the database is at schema version {current}, newer than this Vigie knows ({latest}); "
                "upgrade Vigie instead of downgrading the database"
            )

    async def _apply_migration(self, migration: Migration, latest: int) -> None:
        # One IMMEDIATE transaction per migration, version bump included: a failed step leaves the
        # database exactly at the previous version. The version is read *inside* the write lock, so
        # processes starting together on a fresh file apply each step once and skip what another did.
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
            await self._check_not_newer(latest)
            if await self.schema_version() >= migration.version:
                await self._conn.rollback()
                return
            for statement in split_statements(migration.sql):
                await self._conn.execute(statement)
            await self._conn.execute(f"PRAGMA user_version = {migration.version:d}")
            async with self._conn.execute("PRAGMA foreign_key_check") as cursor:
                broken = list(await cursor.fetchall())
            if broken:
                rows = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in broken[:5])
                raise sqlite3.IntegrityError(f"{len(broken)} foreign key violation(s): {rows}")
            await self._conn.commit()
        except (sqlite3.Error, StoreError) as exc:
            if self._conn.in_transaction:
                await self._conn.rollback()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"migration {migration.name} failed: {exc}") from exc
        log.info("database migrated to schema version %d (%s)", migration.version, migration.name)

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One IMMEDIATE transaction: the write lock is taken before anything is read."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()

    async def _fetch_case(self, conn: aiosqlite.Connection, case_id: int) -> Case | None:
        async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cursor:
            row = await cursor.fetchone()
        return _case_from(row) if row else None

    async def _fetch_cases(self, sql: str, params: Sequence[Any]) -> list[Case]:
        async with self._lock, self._conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [_case_from(row) for row in rows]

    @staticmethod
    async def _insert_entry(conn: aiosqlite.Connection, entry: AuditEntry) -> None:
        await conn.execute(
            "INSERT INTO audit (case_id, at, actor_id, event, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (entry.case_id, to_text(entry.at), entry.actor_id, entry.event, entry.reason, entry.detail),
        )

    @staticmethod
    def _assignments(changes: Mapping[str, Any]) -> tuple[str, list[Any]]:
        unknown = sorted(set(changes) - _MUTABLE)
        if unknown:
            raise ValueError(f"case fields that cannot be changed: {', '.join(unknown)}")
        names = sorted(changes)
        # Column names come only from the fixed whitelist above, never from values.
        clause = ", ".join(f"{name} = ?" for name in names)
        return clause, [_column_value(name, changes[name]) for name in names]

    async def _apply(self, conn: aiosqlite.Connection, case_id: int, at: datetime, changes: Mapping[str, Any]) -> None:
        if changes.get("decided_by") and "decided_at" not in changes:
            # A decision is dated by the audit entry that records it.
            changes = {**changes, "decided_at": at}
        clause, values = self._assignments(changes)
        sql = "UPDATE cases SET " + clause + (", " if clause else "") + "updated_at = ? WHERE id = ?"  # noqa: S608
        await conn.execute(sql, [*values, to_text(at), case_id])

    async def create_case(self, draft: CaseDraft, status: CaseStatus, action_state: ActionState) -> tuple[Case, bool]:
        """Insert a case and its `created` audit entry in one transaction; idempotent per message."""
        if draft.action is Action.ALLOW:
            raise ValueError("an allowed message is never recorded as a case")
        created_at = to_text(draft.created_at)
        async with self._write() as conn:
            cursor = await conn.execute(
                "INSERT INTO cases (platform, community, channel, message_id, author_id, author_name, rule_id,"
                " clause, charter_version, charter_hash, action, evidence, confidence, automated, actor_id,"
                " source, content, lang, status, action_state, action_error, restore_state, appeal_reason,"
                " decided_by, decision_reason, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'none', NULL, NULL, NULL,"
                " ?, ?)"
                " ON CONFLICT (platform, community, channel, message_id) DO NOTHING",
                (
                    draft.platform,
                    draft.community,
                    draft.channel,
                    draft.message_id,
                    draft.author_id,
                    draft.author_name,
                    draft.rule_id,
                    draft.clause,
                    draft.charter_version,
                    draft.charter_hash,
                    draft.action.value,
                    _evidence_json(draft.evidence),
                    draft.confidence,
                    int(draft.automated),
                    draft.actor_id,
                    draft.source.value,
                    draft.content,
                    draft.lang,
                    status.value,
                    action_state.value,
                    created_at,
                    created_at,
                ),
            )
            inserted = cursor.rowcount == 1
            case_id = cursor.lastrowid
            await cursor.close()
            if inserted:
                assert case_id is not None
                detail = (
                    f"{draft.source.value} {draft.action.value}, clause {draft.clause} ({draft.rule_id}), "
                    f"charter {draft.charter_version}"
                )
                await self._insert_entry(
                    conn, AuditEntry(case_id, draft.created_at, draft.actor_id, "created", None, detail)
                )
                case = await self._fetch_case(conn, case_id)
            else:
                async with conn.execute(
                    _BY_MESSAGE, (draft.platform, draft.community, draft.channel, draft.message_id)
                ) as found:
                    row = await found.fetchone()
                case = _case_from(row) if row else None
        assert case is not None
        return case, inserted

    async def get_case(self, case_id: int) -> Case | None:
        """One case by number."""
        async with self._lock:
            return await self._fetch_case(self._conn, case_id)

    async def case_for_message(self, platform: str, community: str, channel: str, message_id: str) -> Case | None:
        """The case recorded for a message, if any; a message is known by its channel too (Slack ts)."""
        cases = await self._fetch_cases(_BY_MESSAGE, (platform, community, channel, message_id))
        return cases[0] if cases else None

    async def transition(
        self,
        case_id: int,
        *,
        expected: Sequence[CaseStatus],
        entry: AuditEntry,
        **changes: Any,
    ) -> Case:
        """Apply `changes` and append `entry` if the status is still one of `expected`, atomically."""
        if not expected:
            raise ValueError("transition needs at least one expected status")
        async with self._write() as conn:
            current = await self._fetch_case(conn, case_id)
            if current is None:
                raise NotFoundError(f"There is no case #{case_id}.")
            if current.status not in expected:
                wanted = " or ".join(s.value for s in expected)
                raise TransitionError(f"Case #{case_id} is {current.status.value}, not {wanted}; nothing was changed.")
            await self._apply(conn, case_id, entry.at, changes)
            await self._insert_entry(conn, entry)
            case = await self._fetch_case(conn, case_id)
        assert case is not None
        return case

    async def update_case(
        self, case_id: int, entry: AuditEntry | None = None, *, if_action: Action | None = None, **changes: Any
    ) -> Case:
        """Apply `changes` whatever the status, optionally auditing it; with no changes, only audit.

        With `if_action`, `changes` apply only while the case's action is still that one (an edit
        may have escalated it meanwhile); the entry is recorded either way.
        """
        async with self._write() as conn:
            current = await self._fetch_case(conn, case_id)
            if current is None:
                raise NotFoundError(f"There is no case #{case_id}.")
            if changes and (if_action is None or current.action is if_action):
                at = entry.at if entry else datetime.now(UTC)
                await self._apply(conn, case_id, at, changes)
            if entry is not None:
                await self._insert_entry(conn, entry)
            case = await self._fetch_case(conn, case_id)
        assert case is not None
        return case

    async def escalate_case(
        self,
        case_id: int,
        draft: CaseDraft,
        *,
        expected: Sequence[CaseStatus],
        expected_action: Action,
        status: CaseStatus,
        action_state: ActionState,
        entry: AuditEntry,
    ) -> Case:
        """Move an automated, undecided case to the verdict and content of an edit of its message.

        Atomic: applies only if the case is still in one of `expected` with `expected_action`,
        was recorded by automation and no person has decided it; otherwise TransitionError.
        """
        if not expected:
            raise ValueError("escalate_case needs at least one expected status")
        async with self._write() as conn:
            current = await self._fetch_case(conn, case_id)
            if current is None:
                raise NotFoundError(f"There is no case #{case_id}.")
            key = (current.platform, current.community, current.channel, current.message_id)
            if key != (draft.platform, draft.community, draft.channel, draft.message_id):
                raise ValueError(f"the draft is for another message than case #{case_id}")
            if (
                current.status not in expected
                or current.action is not expected_action
                or current.source is not CaseSource.AUTOMATED
                or not current.automated
                or current.decided_by is not None
            ):
                raise TransitionError(
                    f"Case #{case_id} changed meanwhile ({current.status.value}, {current.action.value}); "
                    "automation leaves it as it is."
                )
            await conn.execute(
                "UPDATE cases SET rule_id = ?, clause = ?, charter_version = ?, charter_hash = ?, action = ?,"
                " evidence = ?, confidence = ?, content = ?, status = ?, action_state = ?, action_error = NULL,"
                " updated_at = ? WHERE id = ?",
                (
                    draft.rule_id,
                    draft.clause,
                    draft.charter_version,
                    draft.charter_hash,
                    draft.action.value,
                    _evidence_json(draft.evidence),
                    draft.confidence,
                    draft.content,
                    status.value,
                    action_state.value,
                    to_text(entry.at),
                    case_id,
                ),
            )
            await self._insert_entry(conn, entry)
            case = await self._fetch_case(conn, case_id)
        assert case is not None
        return case

    def claim_action(self, case_id: int) -> bool:
        """Reserve the case's side effects for the caller; False if another caller holds them.

        Claims live in this process only (Vigie runs one process per database): a crash drops
        them and leaves the recorded action pending for `resume_pending`, with no lease to expire.
        """
        if case_id in self._claims:
            return False
        self._claims.add(case_id)
        return True

    def release_action(self, case_id: int) -> None:
        """Give back a claim taken with `claim_action`."""
        self._claims.discard(case_id)

    async def audit_trail(self, case_id: int) -> list[AuditEntry]:
        """The case's audit entries, oldest first."""
        async with (
            self._lock,
            self._conn.execute("SELECT * FROM audit WHERE case_id = ? ORDER BY id", (case_id,)) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_entry_from(row) for row in rows]

    async def cases_for_author(
        self, platform: str, author_id: str, *, limit: int, offset: int = 0, community: str | None = None
    ) -> list[Case]:
        """The author's cases, newest first; only those of `community` unless it is None."""
        if community is None:
            return await self._fetch_cases(
                "SELECT * FROM cases WHERE platform = ? AND author_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (platform, author_id, limit, offset),
            )
        return await self._fetch_cases(
            "SELECT * FROM cases WHERE platform = ? AND community = ? AND author_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (platform, community, author_id, limit, offset),
        )

    async def list_cases(
        self,
        platform: str,
        community: str,
        *,
        statuses: Sequence[CaseStatus] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[Case]:
        """A community's cases, newest first, optionally only those in `statuses` (e.g. the review queue)."""
        wanted = json.dumps([s.value for s in statuses] or [s.value for s in CaseStatus])
        return await self._fetch_cases(
            "SELECT * FROM cases WHERE platform = ? AND community = ?"
            " AND status IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (platform, community, wanted, limit, offset),
        )

    async def count_enforced(self, platform: str, community: str, author_id: str, since: datetime) -> int:
        """How many removals or warnings of this author stand (not overturned) since `since`."""
        async with (
            self._lock,
            self._conn.execute(
                "SELECT COUNT(*) FROM cases WHERE platform = ? AND community = ? AND author_id = ?"
                " AND created_at >= ? AND action IN ('remove', 'warn')"
                " AND status IN ('actioned', 'appealed', 'upheld')",
                (platform, community, author_id, to_text(since)),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def count_refusals(self, platform: str, actor_id: str, since: datetime) -> int:
        """How many refused attempts by this person were audited since `since` (the refusal rate limit)."""
        async with (
            self._lock,
            self._conn.execute(
                "SELECT COUNT(*) FROM audit JOIN cases ON cases.id = audit.case_id"
                " WHERE audit.actor_id = ? AND audit.event = 'refused' AND audit.at >= ? AND cases.platform = ?",
                (actor_id, to_text(since), platform),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def appealable_cases(
        self, platform: str, author_id: str, since: datetime, community: str | None
    ) -> list[Case]:
        """The author's standing removals and warnings created since `since` and never appealed, newest first."""
        sql = (
            "SELECT * FROM cases WHERE platform = ? AND author_id = ? AND created_at >= ?"
            " AND status = 'actioned' AND action IN ('remove', 'warn') AND appeal_reason IS NULL"
        )
        params: list[Any] = [platform, author_id, to_text(since)]
        if community is not None:
            sql += " AND community = ?"
            params.append(community)
        return await self._fetch_cases(sql + " ORDER BY created_at DESC, id DESC LIMIT 25", params)

    async def pending_actions(self) -> list[Case]:
        """Cases whose delete/notice (action_state) or restore (restore_state) was recorded but not carried out."""
        return await self._fetch_cases(
            "SELECT * FROM cases WHERE action_state = 'pending' OR restore_state = 'pending' ORDER BY id", ()
        )

    async def purge_content(self, before: datetime, now: datetime) -> int:
        """Blank the content of cases created before `before`, except those awaiting a human
        (review, appeal) or a restore; each purge is audited."""
        async with self._write() as conn:
            async with conn.execute(
                "SELECT id FROM cases WHERE created_at < ? AND content IS NOT NULL AND restore_state != 'pending'"
                " AND status NOT IN ('review', 'appealed') ORDER BY id",
                (to_text(before),),
            ) as cursor:
                ids = [int(row[0]) for row in await cursor.fetchall()]
            stamp = to_text(now)
            detail = f"content snapshot deleted (created before {to_text(before)})"
            for case_id in ids:
                await conn.execute("UPDATE cases SET content = NULL, updated_at = ? WHERE id = ?", (stamp, case_id))
                await conn.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail) VALUES (?, ?, ?, 'purged', ?, ?)",
                    (case_id, stamp, SYSTEM_ACTOR, "retention period over", detail),
                )
        return len(ids)

    async def stats(self, platform: str, community: str, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
        """Anonymous counts for a transparency report over cases created in [since, until).

        Keys: `total` ({"cases"}), `clause`, `action`, `source`, `status`, `automated` ("true"/"false"),
        `appeals` ({"appealed", "upheld", "overturned"}) and `overrides` ({"count"}).
        """
        result: dict[str, dict[str, int]] = {
            "total": {"cases": 0},
            "clause": {},
            "action": {},
            "source": {},
            "status": {},
            "automated": {},
            "appeals": {"appealed": 0, "upheld": 0, "overturned": 0},
            "overrides": {"count": 0},
        }
        async with (
            self._lock,
            self._conn.execute(_STATS_SQL, (platform, community, to_text(since), to_text(until))) as cursor,
        ):
            rows = await cursor.fetchall()
        for dimension, key, count in rows:
            if key is not None:
                result[dimension][str(key)] = int(count)
        return result

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        """A per-community setting (JSON value), or None."""
        async with (
            self._lock,
            self._conn.execute(
                "SELECT value_json FROM settings WHERE platform = ? AND scope = ? AND key = ?", (platform, scope, key)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return json.loads(row[0]) if row else None

    async def settings_for(self, platform: str, scope: str) -> dict[str, Any]:
        """Every stored setting of one community, by key, in one query."""
        async with (
            self._lock,
            self._conn.execute(
                "SELECT key, value_json FROM settings WHERE platform = ? AND scope = ?", (platform, scope)
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return {str(row[0]): json.loads(row[1]) for row in rows}

    def on_setting_change(self, listener: Callable[[str, str], None]) -> None:
        """Call `listener(platform, scope)` after every settings write (cache invalidation)."""
        self._setting_listeners.append(listener)

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        """Store a per-community setting (any JSON-serialisable value; None deletes it)."""
        try:
            await self._set_setting(platform, scope, key, value)
        finally:
            for listener in self._setting_listeners:
                listener(platform, scope)

    async def _set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        async with self._write() as conn:
            if value is None:
                await conn.execute(
                    "DELETE FROM settings WHERE platform = ? AND scope = ? AND key = ?", (platform, scope, key)
                )
            else:
                await conn.execute(
                    "INSERT INTO settings (platform, scope, key, value_json) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (platform, scope, key) DO UPDATE SET value_json = excluded.value_json",
                    (platform, scope, key, json.dumps(value, ensure_ascii=False)),
                )

    async def close(self) -> None:
        """Close the connection."""
        async with self._lock:
            await self._conn.close()
