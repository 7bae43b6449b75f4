"""The last message screened per channel: noted in memory on the hot path, written every few seconds, and
the starting point of the catch-up after downtime."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from bot.models import Message
from bot.ports import Clock

log = logging.getLogger(__name__)

Key = tuple[str, str, str]
"""(platform, community, channel)."""


class MarkStore(Protocol):
    """Where marks are kept (the Store)."""

    async def mark_screened_many(self, marks: list[tuple[str, str, str, str, datetime]]) -> None:
        """Record (platform, community, channel, message_id, at) rows in one transaction, never moving back."""
        ...

    async def screened_marks(self, platform: str) -> dict[tuple[str, str], tuple[str, datetime]]:
        """The stored marks of a platform."""
        ...


def later(first: str, second: str) -> bool:
    """True when message id `first` comes after `second` (snowflakes and Slack timestamps both grow)."""
    return (len(first), first) > (len(second), second)


class ScreenedMarks:
    """Marks kept in memory, so that a message that makes no case costs no database write; `flush` writes
    the channels that moved (every 2 s in a running bot, and at stop). After a crash the catch-up starts
    from a mark a few seconds old: those messages are screened again, and recorded cases are never doubled."""

    def __init__(self, store: MarkStore, clock: Clock) -> None:
        """Write through `store`; stamp marks with `clock`."""
        self._store = store
        self._clock = clock
        self._latest: dict[Key, tuple[str, datetime]] = {}
        self._dirty: set[Key] = set()

    def seen(self, message: Message) -> None:
        """Note a new message as screened (edits do not move the mark)."""
        if message.edited:
            return
        key = (message.platform, message.community, message.channel)
        current = self._latest.get(key)
        if current is None or later(message.id, current[0]):
            self._latest[key] = (message.id, self._clock.now())
            self._dirty.add(key)

    async def flush(self) -> int:
        """Write the marks that moved since the last flush; returns how many."""
        if not self._dirty:
            return 0
        rows = [(*key, *self._latest[key]) for key in sorted(self._dirty)]
        self._dirty.clear()
        try:
            await self._store.mark_screened_many(rows)
        except Exception:
            self._dirty.update((r[0], r[1], r[2]) for r in rows)  # tried again at the next flush
            raise
        return len(rows)

    def snapshot(self, platform: str) -> dict[tuple[str, str], tuple[str, datetime]]:
        """This process's marks of a platform as they are now (no await: nothing moves them meanwhile)."""
        return {(c, ch): mark for (p, c, ch), mark in self._latest.items() if p == platform}

    async def pinned(
        self, platform: str, snapshot: dict[tuple[str, str], tuple[str, datetime]]
    ) -> dict[tuple[str, str], tuple[str, datetime]]:
        """Stored marks, updated by a `snapshot` taken earlier (where it is later): a gap's start that
        live events since the snapshot cannot have moved past."""
        marks = await self._store.screened_marks(platform)
        for key, (message_id, at) in snapshot.items():
            stored = marks.get(key)
            if stored is None or later(message_id, stored[0]):
                marks[key] = (message_id, at)
        return marks

    async def of(self, platform: str) -> dict[tuple[str, str], tuple[str, datetime]]:
        """Every known mark of a platform: stored ones, updated by this process's newer ones."""
        return await self.pinned(platform, self.snapshot(platform))
