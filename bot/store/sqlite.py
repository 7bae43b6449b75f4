"""The SQLite driver of the connection port: one connection used inline on the loop (inline.py), one lock."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal, cast

import aiosqlite

from bot.store.checkpoint import LOOP_FALLBACK_PAGES, WalCheckpointer
from bot.store.connection import Params, Row
from bot.store.inline import InlineConnection

_BUSY_TIMEOUT_MS = 5000


async def _wal(conn: InlineConnection) -> None:
    """Switch to WAL; a process creating the same fresh file at the same moment may hold it briefly."""
    for attempt in range(50):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            await asyncio.sleep(0.02 * (attempt + 1))


class SqliteTransaction:
    """Statements inside one IMMEDIATE transaction on the shared connection."""

    def __init__(self, conn: InlineConnection) -> None:
        """Run on `conn`, whose transaction the caller opened."""
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        cursor = await self._conn.execute(sql, params)
        count = cursor.rowcount
        await cursor.close()
        return count

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row, if any (every row is read, so that a RETURNING statement completes)."""
        async with self._conn.execute(sql, params) as cursor:
            rows = list(await cursor.fetchall())
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row."""
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


class SqliteDatabase:
    """The connection port on one SQLite connection, used inline on the event loop.

    Every coroutine shares the connection, so an asyncio lock serialises its use: without it one
    coroutine's statements could land inside another's transaction. Other processes on the same
    file wait on SQLite's own lock (busy timeout), taken up front by BEGIN IMMEDIATE.
    """

    def __init__(
        self, conn: InlineConnection, lock: asyncio.Lock | None = None, checkpointer: WalCheckpointer | None = None
    ) -> None:
        """Wrap an open connection in autocommit mode (`isolation_level=None`); use `connect` instead."""
        self._conn = conn
        self._lock = lock or asyncio.Lock()
        self._listeners: dict[str, list[Callable[[str], None]]] = {}
        self.checkpointer = checkpointer
        """The thread that checkpoints a file database's WAL (None in memory)."""

    @classmethod
    async def connect(cls, path: str | Path) -> SqliteDatabase:
        """Open (or create) the file at `path` (":memory:" allowed) in WAL mode with foreign keys on."""
        conn = await InlineConnection.connect(str(path))
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS:d}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # WAL with NORMAL: a commit is durable once the OS has it (a killed process loses nothing);
            # only a power cut can lose the last commits. FULL would fsync every case on the loop.
            await conn.execute("PRAGMA synchronous = NORMAL")
            await _wal(conn)
            checkpointer = None
            if str(path) != ":memory:":
                # Checkpoints (and their fsync) run on a thread; the loop's commits only append to the WAL.
                await conn.execute(f"PRAGMA wal_autocheckpoint = {LOOP_FALLBACK_PAGES:d}")
                checkpointer = WalCheckpointer(str(path))
                checkpointer.start()
        except BaseException:
            await conn.close()
            raise
        return cls(conn, checkpointer=checkpointer)

    @property
    def engine(self) -> Literal["sqlite"]:
        """SQLite."""
        return "sqlite"

    @property
    def for_update(self) -> str:
        """Nothing: an IMMEDIATE transaction already holds the database's write lock."""
        return ""

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw connection, for the migration runner (which must hold `lock`)."""
        # InlineConnection offers the part of aiosqlite.Connection its users need, same signatures.
        return cast("aiosqlite.Connection", self._conn)

    @property
    def lock(self) -> asyncio.Lock:
        """The lock every use of `connection` takes."""
        return self._lock

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """One IMMEDIATE transaction: the write lock is taken before anything is read."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._conn)
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """A read: the first row, if any."""
        async with self._lock, self._conn.execute(sql, params) as cursor:
            row: Row | None = await cursor.fetchone()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """A read: every row."""
        async with self._lock, self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` on every `notify` on `channel` through this connection.

        SQLite has no notifications between processes: one process per database file is the
        supported deployment, and several processes belong on PostgreSQL.
        """
        self._listeners.setdefault(channel, []).append(callback)

    async def notify(self, channel: str, payload: str) -> None:
        """Tell this connection's listeners on `channel`."""
        for callback in self._listeners.get(channel, []):
            callback(payload)

    async def close(self) -> None:
        """Stop the checkpoint thread (after a last checkpoint) and close the connection."""
        if self.checkpointer is not None:
            await asyncio.to_thread(self.checkpointer.stop)
        async with self._lock:
            await self._conn.close()
