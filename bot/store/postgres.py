"""The PostgreSQL driver of the connection port: an asyncpg pool, `?` and `:name` marks turned into `$n`."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, Literal

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.store.connection import Params, Row

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """`sql` with its `?` marks numbered `$1, $2...`, or its `:name` marks numbered by first appearance.

    Quoted strings, quoted identifiers and `::` casts are left alone. Returns the text and, for
    named marks, the names in number order (None for positional marks).
    """
    out: list[str] = []
    names: list[str] = []
    positional = 0
    index = 0
    length = len(sql)
    while index < length:
        char = sql[index]
        if char in "'\"":
            end = index + 1
            while end < length:
                if sql[end] == char:
                    if end + 1 < length and sql[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[index : end + 1])
            index = end + 1
            continue
        if char == "?":
            positional += 1
            out.append(f"${positional}")
            index += 1
            continue
        if char == ":":
            if index + 1 < length and sql[index + 1] == ":":
                out.append("::")
                index += 2
                continue
            match = _NAME.match(sql, index + 1)
            if match:
                name = match.group(0)
                if name not in names:
                    names.append(name)
                out.append(f"${names.index(name) + 1}")
                index = match.end()
                continue
        out.append(char)
        index += 1
    if positional and names:
        raise ValueError("a statement mixes ? and :name marks")
    return "".join(out), (tuple(names) if names else None)


def _storable(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: it becomes U+FFFD (the same in keys and lookups, so they still match)."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _prepare(sql: str, params: Params) -> tuple[str, list[Any]]:
    text, names = translate(sql)
    if names is None:
        if isinstance(params, Mapping):
            raise TypeError("named parameters for a statement with ? marks")
        return text, [_storable(value) for value in params]
    if not isinstance(params, Mapping):
        raise TypeError("positional parameters for a statement with :name marks")
    return text, [_storable(params[name]) for name in names]


def _count(status: str) -> int:
    """Rows changed, from a command tag such as "UPDATE 3" or "INSERT 0 1"."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTransaction:
    """Statements inside one transaction on one pooled connection."""

    def __init__(self, conn: asyncpg.Connection | PoolConnectionProxy) -> None:
        """Run on `conn`, inside the transaction the caller opened."""
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        text, args = _prepare(sql, params)
        return _count(await self._conn.execute(text, *args))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row, if any."""
        text, args = _prepare(sql, params)
        row: Row | None = await self._conn.fetchrow(text, *args)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row."""
        text, args = _prepare(sql, params)
        return list(await self._conn.fetch(text, *args))


class PostgresDatabase:
    """The connection port on an asyncpg pool: each transaction takes one connection from it.

    Transactions run at READ COMMITTED; queries that read before they write lock what they read
    with `for_update`, and unique keys with ON CONFLICT make concurrent inserts safe across processes.
    """

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        """Wrap an open pool; use `connect` instead."""
        self._pool = pool
        self._url = url
        self._listener: asyncpg.Connection | None = None

    @classmethod
    async def connect(cls, url: str, *, max_size: int = 10) -> PostgresDatabase:
        """Open a pool on `url` (postgresql://user:pass@host:port/db)."""
        pool = await asyncpg.create_pool(dsn=url, min_size=1, max_size=max_size)
        return cls(pool, url)

    @property
    def engine(self) -> Literal["postgresql"]:
        """PostgreSQL."""
        return "postgresql"

    @property
    def for_update(self) -> str:
        """Row locks: another transaction writing the same rows waits until this one ends."""
        return " FOR UPDATE"

    @property
    def pool(self) -> asyncpg.Pool:
        """The pool, for the migration runner and LISTEN/NOTIFY."""
        return self._pool

    @property
    def url(self) -> str:
        """The connection URL (holds the password: never log it)."""
        return self._url

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        """One transaction on one pooled connection; commits when the block ends."""
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresTransaction(conn)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """A read: the first row, if any."""
        text, args = _prepare(sql, params)
        row: Row | None = await self._pool.fetchrow(text, *args)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """A read: every row."""
        text, args = _prepare(sql, params)
        return list(await self._pool.fetch(text, *args))

    async def run_script(self, sql: str) -> None:
        """Run several statements outside a transaction (maintenance such as VACUUM)."""
        async with self._pool.acquire() as conn:
            await conn.execute(sql)

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """LISTEN on `channel` on one dedicated connection; `callback(payload)` runs for every NOTIFY."""
        if self._listener is None:
            self._listener = await asyncpg.connect(self._url)

        def deliver(_conn: object, _pid: int, _channel: str, payload: object) -> None:
            callback(str(payload))

        await self._listener.add_listener(channel, deliver)

    async def notify(self, channel: str, payload: str) -> None:
        """NOTIFY every process listening on `channel` (this one included)."""
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def close(self) -> None:
        """Close the listening connection and every pooled connection."""
        if self._listener is not None:
            await self._listener.close()
        await self._pool.close()
