"""The connection port every store query goes through: transactions, reads, row access, one per engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

from bot.errors import VigieError


class StoreError(VigieError):
    """The database cannot be used as it is (unreachable, or written by a newer Vigie, for instance)."""


Engine = Literal["sqlite", "postgresql"]

Params = Sequence[Any] | Mapping[str, Any]
"""Positional parameters for `?` marks, or named ones for `:name` marks (never both in one statement)."""


class Row(Protocol):
    """A result row, readable by column position or name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any:
        """The value of one column."""
        ...

    def __len__(self) -> int:
        """How many columns."""
        ...

    def __iter__(self) -> Iterator[Any]:
        """The values, in column order."""
        ...


class Transaction(Protocol):
    """Statements inside one transaction; it commits when the block ends, and rolls back on an exception."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query (or of an INSERT/UPDATE ... RETURNING), if any."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query."""
        ...


class Database(Protocol):
    """One database, whatever the engine. SQL is written once with `?` or `:name` marks."""

    @property
    def engine(self) -> Engine:
        """Which engine this is, for the few places (migrations) where SQL differs."""
        ...

    @property
    def for_update(self) -> str:
        """What to append to a SELECT inside a transaction to lock the rows it reads ('' where writes serialise)."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A write transaction: writers never interleave, and everything commits or nothing does."""
        ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """A read outside any transaction: the first row, if any."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """A read outside any transaction: every row."""
        ...

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` for every `notify` on `channel`, from any process on this database."""
        ...

    async def notify(self, channel: str, payload: str) -> None:
        """Tell every listener on `channel`, in every process on this database (after commit)."""
        ...

    async def close(self) -> None:
        """Release the connection(s)."""
        ...
