"""SQLite on the event loop's own thread, behind the part of aiosqlite's API the stores use.

Why: a case's statements take tens of microseconds each (WAL, `synchronous = NORMAL`), while a hop
to aiosqlite's worker thread and back costs more than the query and contends for the GIL with the
loop. Under load those hops, taken one statement at a time under the store's lock, were the knee of
the hot path (see benchmarks/RESULTS.md). Running inline also means a transaction's statements
never yield to the loop between them. The price: a query that waits on another process's lock
(`busy_timeout`) blocks the loop meanwhile; Vigie runs one bot process per database, and the CLI's
writes (purge, screen --db) are short.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

Params = Sequence[Any] | Mapping[str, Any]


class InlineCursor:
    """A finished statement's cursor: rows, rowcount and lastrowid, read without any thread hop."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        """Wrap a cursor whose statement already ran."""
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Release the cursor."""
        self._cursor.close()

    async def __aenter__(self) -> InlineCursor:
        """Use as `async with conn.execute(...) as cursor`."""
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the cursor."""
        self._cursor.close()


class _Statement:
    """What `execute` returns: awaitable (a cursor) and usable as `async with` (closing it), like aiosqlite's."""

    def __init__(self, run: Callable[[], sqlite3.Cursor]) -> None:
        self._run = run
        self._cursor: InlineCursor | None = None

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return self._start().__await__()

    async def _start(self) -> InlineCursor:
        return InlineCursor(self._run())

    async def __aenter__(self) -> InlineCursor:
        self._cursor = InlineCursor(self._run())
        return self._cursor

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class InlineConnection:
    """One sqlite3 connection used from the event loop thread, with aiosqlite's coroutine signatures."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        """Wrap a connection opened with `connect`."""
        self._conn = conn

    @classmethod
    async def connect(cls, path: str) -> InlineConnection:
        """Open `path` in autocommit mode (transactions are explicit: BEGIN IMMEDIATE ... COMMIT)."""
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        return cls(conn)

    @property
    def row_factory(self) -> Any:
        """The row factory (sqlite3.Row for the stores)."""
        return self._conn.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self._conn.row_factory = factory

    @property
    def in_transaction(self) -> bool:
        """True inside an open transaction."""
        return self._conn.in_transaction

    def execute(self, sql: str, params: Params = ()) -> _Statement:
        """Run one statement; await it for its cursor, or `async with` it to have the cursor closed."""
        return _Statement(lambda: self._conn.execute(sql, params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> InlineCursor:
        """Run one statement for each parameter set."""
        return InlineCursor(self._conn.executemany(sql, rows))

    async def executescript(self, script: str) -> InlineCursor:
        """Run a script (it commits any open transaction first, as sqlite3 does)."""
        return InlineCursor(self._conn.executescript(script))

    async def commit(self) -> None:
        """Commit the open transaction."""
        self._conn.commit()

    async def rollback(self) -> None:
        """Roll the open transaction back."""
        self._conn.rollback()

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with each statement's SQL (tests count database round trips with it)."""
        self._conn.set_trace_callback(callback)

    async def close(self) -> None:
        """Close the connection."""
        self._conn.close()
