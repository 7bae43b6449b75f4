"""Tracked case steps and the last message screened per channel, written once against the connection port."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.models import Step, StepKind, StepState
from bot.store.connection import Database, Row, Transaction
from bot.store.values import from_text, to_text

_COLUMNS = "case_id, kind, state, attempts, next_at, error, detail"

_RECORD = (
    "INSERT INTO case_steps (case_id, kind, state, attempts, next_at, error, detail, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (case_id, kind) DO UPDATE SET state = excluded.state,"
    " attempts = case_steps.attempts + excluded.attempts, next_at = excluded.next_at,"
    " error = excluded.error, detail = COALESCE(excluded.detail, case_steps.detail),"
    " updated_at = excluded.updated_at"
)

# A mark only moves forward: Discord snowflakes and Slack timestamps grow with time, compared as
# numbers (length first, then text), so a late replay of an older message never moves it back.
_MARK = (
    "INSERT INTO channel_marks (platform, community, channel, message_id, at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, community, channel) DO UPDATE SET message_id = excluded.message_id,"
    " at = excluded.at WHERE LENGTH(excluded.message_id) > LENGTH(channel_marks.message_id)"
    " OR (LENGTH(excluded.message_id) = LENGTH(channel_marks.message_id)"
    " AND excluded.message_id > channel_marks.message_id)"
)


def step_from(row: Row) -> Step:
    """A Step from a case_steps row (case_id, kind, state, attempts, next_at, error, detail)."""
    return Step(
        case_id=int(row[0]),
        kind=StepKind(row[1]),
        state=StepState(row[2]),
        attempts=int(row[3]),
        next_at=from_text(row[4]) if row[4] else None,
        error=row[5],
        detail=row[6],
    )


async def add_pending(tx: Transaction, case_id: int, kinds: Iterable[StepKind], at: datetime) -> None:
    """Record steps as pending, never tried yet (inside the transaction that records the case)."""
    stamp = to_text(at)
    for kind in kinds:
        await tx.execute(
            "INSERT INTO case_steps (case_id, kind, state, attempts, updated_at) VALUES (?, ?, 'pending', 0, ?)"
            " ON CONFLICT (case_id, kind) DO NOTHING",
            (case_id, kind.value, stamp),
        )


async def record(tx: Transaction, outcome: Step, at: datetime, *, attempted: bool) -> None:
    """Set a step's state (an attempt counts when `attempted`); creates the row if needed."""
    params: list[Any] = [
        outcome.case_id,
        outcome.kind.value,
        outcome.state.value,
        1 if attempted else 0,
        to_text(outcome.next_at) if outcome.next_at else None,
        outcome.error,
        outcome.detail,
        to_text(at),
    ]
    await tx.execute(_RECORD, params)


class StepQueries:
    """The steps half of the Store port; needs `_db` from the store it is mixed into."""

    _db: Database

    async def steps_of(self, case_id: int) -> dict[StepKind, Step]:
        """The case's tracked steps, by kind."""
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM case_steps WHERE case_id = ?", (case_id,))  # noqa: S608
        return {step.kind: step for step in map(step_from, rows)}

    async def record_steps(self, outcomes: Sequence[Step], at: datetime) -> None:
        """Record attempted steps' outcomes in one transaction."""
        async with self._db.transaction() as tx:
            for outcome in outcomes:
                await record(tx, outcome, at, attempted=True)

    async def begin_step(self, case_id: int, kind: StepKind, at: datetime, *, detail: str | None = None) -> None:
        """Record a step as pending before it is tried (steps not recorded with the case: timeout, alert)."""
        async with self._db.transaction() as tx:
            await record(tx, Step(case_id, kind, StepState.PENDING, detail=detail), at, attempted=False)

    async def due_steps(
        self, now: datetime, recorded_before: datetime, limit: int = 200, *, besides: StepKind | None = None
    ) -> list[Step]:
        """Pending steps to resume: retries whose time has come, and steps never tried that were recorded
        before `recorded_before` (this process's start: newer ones belong to live handlers); none of
        kind `besides`."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM case_steps WHERE state = 'pending' AND kind <> ?"  # noqa: S608
            " AND ((next_at IS NOT NULL AND next_at <= ?) OR (next_at IS NULL AND updated_at < ?))"
            " ORDER BY case_id, kind LIMIT ?",
            (besides.value if besides else "", to_text(now), to_text(recorded_before), limit),
        )
        return [step_from(row) for row in rows]

    async def pending_steps(self) -> int:
        """How many steps are pending (tried or not)."""
        row = await self._db.fetchone("SELECT COUNT(*) FROM case_steps WHERE state = 'pending'")
        return int(row[0]) if row else 0

    async def mark_screened(self, platform: str, community: str, channel: str, message_id: str, at: datetime) -> None:
        """Remember the last message screened in a channel; an older id never moves the mark back."""
        async with self._db.transaction() as tx:
            await tx.execute(_MARK, (platform, community, channel, message_id, to_text(at)))

    async def mark_screened_many(self, marks: list[tuple[str, str, str, str, datetime]]) -> None:
        """Record (platform, community, channel, message_id, at) marks in one transaction."""
        async with self._db.transaction() as tx:
            for platform, community, channel, message_id, at in marks:
                await tx.execute(_MARK, (platform, community, channel, message_id, to_text(at)))

    async def screened_marks(self, platform: str) -> dict[tuple[str, str], tuple[str, datetime]]:
        """The last message screened per (community, channel) of a platform, with when it was screened."""
        rows = await self._db.fetchall(
            "SELECT community, channel, message_id, at FROM channel_marks WHERE platform = ?", (platform,)
        )
        return {(str(r[0]), str(r[1])): (str(r[2]), from_text(r[3])) for r in rows}
