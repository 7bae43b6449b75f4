"""Cases and their append-only audit trail: recording, transitions, listings, purges and action claims."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.errors import NotFoundError, TransitionError
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
    Step,
    StepKind,
)
from bot.store import holders
from bot.store import steps as case_steps
from bot.store.connection import Database, Row, Transaction
from bot.store.values import from_text, to_text

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

CLAIM_LEASE = timedelta(minutes=2)
"""How long a claim on a case's side effects holds before another process may take it over."""

# The case key (migration 0003): a Slack ts is unique only within its channel.
_BY_MESSAGE = "SELECT * FROM cases WHERE platform = ? AND community = ? AND channel = ? AND message_id = ?"

_PURGEABLE = (
    "SELECT id FROM cases WHERE created_at < ? AND content IS NOT NULL AND restore_state != 'pending'"
    " AND status NOT IN ('review', 'appealed') ORDER BY id"
)

_INSERT = (
    "INSERT INTO cases (platform, community, channel, message_id, author_id, author_name, rule_id,"
    " clause, charter_version, charter_hash, action, evidence, confidence, automated, actor_id,"
    " source, content, lang, status, action_state, action_error, restore_state, appeal_reason,"
    " decided_by, decision_reason, created_at, updated_at, thread)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'none', NULL, NULL, NULL,"
    " ?, ?, ?)"
    " ON CONFLICT (platform, community, channel, message_id) DO NOTHING RETURNING id"
)


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


def case_from(row: Row) -> Case:
    """A Case from a `SELECT * FROM cases` row."""
    return Case(
        id=int(row["id"]),
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
        thread=row["thread"],
    )


def entry_from(row: Row) -> AuditEntry:
    """An AuditEntry from a `SELECT * FROM audit` row."""
    return AuditEntry(
        case_id=int(row["case_id"]),
        at=from_text(row["at"]),
        actor_id=row["actor_id"],
        event=row["event"],
        reason=row["reason"],
        detail=row["detail"],
    )


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class CaseQueries:
    """The case half of the Store port; needs `_db` and `_holder` (this store's claim name) from its store."""

    _db: Database
    _holder: str

    async def _fetch_case(self, tx: Transaction, case_id: int, *, lock: bool = False) -> Case | None:
        suffix = self._db.for_update if lock else ""
        row = await tx.fetchone("SELECT * FROM cases WHERE id = ?" + suffix, (case_id,))  # noqa: S608 (fixed suffix)
        return case_from(row) if row else None

    async def _fetch_cases(self, sql: str, params: Sequence[Any]) -> list[Case]:
        return [case_from(row) for row in await self._db.fetchall(sql, params)]

    @staticmethod
    async def _insert_entry(tx: Transaction, entry: AuditEntry) -> None:
        await tx.execute(
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

    async def _apply(self, tx: Transaction, case_id: int, at: datetime, changes: Mapping[str, Any]) -> None:
        if changes.get("decided_by") and "decided_at" not in changes:
            # A decision is dated by the audit entry that records it.
            changes = {**changes, "decided_at": at}
        clause, values = self._assignments(changes)
        sql = "UPDATE cases SET " + clause + (", " if clause else "") + "updated_at = ? WHERE id = ?"  # noqa: S608
        await tx.execute(sql, [*values, to_text(at), case_id])

    async def create_case(
        self, draft: CaseDraft, status: CaseStatus, action_state: ActionState, *, steps: Sequence[StepKind] = ()
    ) -> tuple[Case, bool]:
        """Insert a case, its `created` audit entry and its pending `steps` in one transaction; idempotent
        per message."""
        if draft.action is Action.ALLOW:
            raise ValueError("an allowed message is never recorded as a case")
        created_at = to_text(draft.created_at)
        values = (
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
            draft.thread,
        )
        async with self._db.transaction() as tx:
            inserted = await tx.fetchone(_INSERT, values)
            if inserted is not None:
                case_id = int(inserted[0])
                detail = (
                    f"{draft.source.value} {draft.action.value}, clause {draft.clause} ({draft.rule_id}), "
                    f"charter {draft.charter_version}"
                )
                await self._insert_entry(
                    tx, AuditEntry(case_id, draft.created_at, draft.actor_id, "created", None, detail)
                )
                await case_steps.add_pending(tx, case_id, steps, draft.created_at)
                case = await self._fetch_case(tx, case_id)
            else:
                row = await tx.fetchone(_BY_MESSAGE, (draft.platform, draft.community, draft.channel, draft.message_id))
                case = case_from(row) if row else None
        assert case is not None
        return case, inserted is not None

    async def cases_with_due_step(self, kind: StepKind, now: datetime, limit: int) -> list[tuple[Case, str | None]]:
        """Cases with a step of `kind` pending and due by `now`, each with that step's detail, the
        longest due first (one query: the caller needs nothing else to carry the steps out)."""
        rows = await self._db.fetchall(
            "SELECT c.*, s.detail AS step_detail FROM cases c JOIN case_steps s ON s.case_id = c.id"
            " WHERE s.kind = ? AND s.state = 'pending' AND s.next_at <= ? ORDER BY s.next_at LIMIT ?",
            (kind.value, to_text(now), limit),
        )
        return [(case_from(row), row["step_detail"]) for row in rows]

    async def get_case(self, case_id: int) -> Case | None:
        """One case by number."""
        row = await self._db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
        return case_from(row) if row else None

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
        async with self._db.transaction() as tx:
            current = await self._fetch_case(tx, case_id, lock=True)
            if current is None:
                raise NotFoundError(f"There is no case #{case_id}.")
            if current.status not in expected:
                wanted = " or ".join(s.value for s in expected)
                raise TransitionError(f"Case #{case_id} is {current.status.value}, not {wanted}; nothing was changed.")
            await self._apply(tx, case_id, entry.at, changes)
            await self._insert_entry(tx, entry)
            case = await self._fetch_case(tx, case_id)
        assert case is not None
        return case

    async def update_case(
        self,
        case_id: int,
        entry: AuditEntry | None = None,
        *,
        if_action: Action | None = None,
        step: Step | None = None,
        follow_up: Step | None = None,
        **changes: Any,
    ) -> Case:
        """Apply `changes` whatever the status, optionally auditing it; with no changes, only audit.

        With `if_action`, `changes` apply only while the case's action is still that one (an edit
        may have escalated it meanwhile); the entry is recorded either way. `step` records the outcome
        of an attempted step in the same transaction, `follow_up` a step it leads to (not an attempt).
        """
        async with self._db.transaction() as tx:
            current = await self._fetch_case(tx, case_id, lock=True)
            if current is None:
                raise NotFoundError(f"There is no case #{case_id}.")
            at = entry.at if entry else datetime.now(UTC)
            if changes and (if_action is None or current.action is if_action):
                await self._apply(tx, case_id, at, changes)
            if entry is not None:
                await self._insert_entry(tx, entry)
            if step is not None:
                await case_steps.record(tx, step, at, attempted=True)
            if follow_up is not None:
                await case_steps.record(tx, follow_up, at, attempted=False)
            case = await self._fetch_case(tx, case_id)
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
        async with self._db.transaction() as tx:
            current = await self._fetch_case(tx, case_id, lock=True)
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
            await tx.execute(
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
            await self._insert_entry(tx, entry)
            case = await self._fetch_case(tx, case_id)
        assert case is not None
        return case

    async def claim_action(self, case_id: int) -> bool:
        """Reserve the case's side effects for the caller; False if another caller holds them.

        The claim is a row in the database, so it holds across processes. It is a lease of
        `CLAIM_LEASE`: a holder that died without releasing it (kill -9) is taken over after that.
        """
        now = datetime.now(UTC)
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO action_claims (case_id, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (case_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
                " WHERE action_claims.expires_at < ?",
                (case_id, self._holder, to_text(now + CLAIM_LEASE), to_text(now)),
            )
        return changed == 1

    async def release_dead_claims(self) -> int:
        """Release at once the claims of processes of this host that are gone (killed, crashed), rather
        than after `CLAIM_LEASE`: a restarted bot takes up its predecessor's cases when it connects."""
        rows = await self._db.fetchall("SELECT DISTINCT holder FROM action_claims")
        dead = [str(row[0]) for row in rows if str(row[0]) != self._holder and holders.gone(str(row[0]))]
        if not dead:
            return 0
        async with self._db.transaction() as tx:
            released = 0
            for holder in dead:
                released += await tx.execute("DELETE FROM action_claims WHERE holder = ?", (holder,))
        return released

    async def release_action(self, case_id: int) -> None:
        """Give back a claim taken with `claim_action` (only this store's own claim)."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM action_claims WHERE case_id = ? AND holder = ?", (case_id, self._holder))

    async def audit_trail(self, case_id: int) -> list[AuditEntry]:
        """The case's audit entries, oldest first."""
        rows = await self._db.fetchall("SELECT * FROM audit WHERE case_id = ? ORDER BY id", (case_id,))
        return [entry_from(row) for row in rows]

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
        wanted = sorted({s.value for s in statuses} or {s.value for s in CaseStatus})
        return await self._fetch_cases(
            "SELECT * FROM cases WHERE platform = ? AND community = ?"  # noqa: S608 (only ? marks are added)
            f" AND status IN ({_marks(len(wanted))}) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (platform, community, *wanted, limit, offset),
        )

    async def record_refusal(self, entry: AuditEntry, platform: str, since: datetime, limit: int) -> bool:
        """Append a `refused` entry unless its actor already has `limit` of them on this platform since
        `since`; counted and written in one transaction (the case row locked), so concurrent clicks
        cannot pass the limit."""
        async with self._db.transaction() as tx:
            await self._fetch_case(tx, entry.case_id, lock=True)
            row = await tx.fetchone(
                "SELECT COUNT(*) FROM audit JOIN cases ON cases.id = audit.case_id"
                " WHERE audit.actor_id = ? AND audit.event = 'refused' AND audit.at >= ? AND cases.platform = ?",
                (entry.actor_id, to_text(since), platform),
            )
            if (int(row[0]) if row else 0) >= limit:
                return False
            await self._insert_entry(tx, entry)
        return True

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
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(_PURGEABLE + self._db.for_update, (to_text(before),))
            ids = [int(row[0]) for row in rows]
            stamp = to_text(now)
            detail = f"content snapshot deleted (created before {to_text(before)})"
            for case_id in ids:
                await tx.execute("UPDATE cases SET content = NULL, updated_at = ? WHERE id = ?", (stamp, case_id))
                await tx.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail) VALUES (?, ?, ?, 'purged', ?, ?)",
                    (case_id, stamp, SYSTEM_ACTOR, "retention period over", detail),
                )
        return len(ids)
