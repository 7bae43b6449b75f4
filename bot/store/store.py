"""The Store port on one database: cases, stats and settings queries over the connection port."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.store import holders
from bot.store.cases import CaseQueries
from bot.store.connection import Database, StoreError
from bot.store.installations import InstallationRows
from bot.store.locate import connect, describe
from bot.store.migrate import Migration, load_migrations, migrate, schema_version
from bot.store.nudges import NudgeStore
from bot.store.privacy import PrivacyStore
from bot.store.settings import SETTINGS_CHANNEL, SettingQueries
from bot.store.stats import StatsQueries
from bot.store.steps import StepQueries
from bot.store.transparency import TransparencyStore


class SqlStore(CaseQueries, StatsQueries, SettingQueries, StepQueries):
    """Every query of the Store port, written once against `Database`."""

    def __init__(self, db: Database) -> None:
        """Use an open, migrated database; use `SqlStore.open` instead."""
        self._db = db
        # Unique per store: a claim is released only by the store that took it.
        self._holder = holders.this_process()
        self._setting_listeners: list[Callable[[str, str], None]] = []

    @classmethod
    async def open(cls, location: str | Path, *, migrations: Sequence[Migration] | None = None) -> SqlStore:
        """Open the database at `location` and bring its schema up to date.

        `location`: a file path (":memory:" allowed) or `sqlite:///path` for SQLite,
        `postgresql://user:pass@host:port/db` for PostgreSQL.
        """
        db = await connect(location)
        shown = describe(location)
        try:
            await migrate(db, load_migrations(db.engine) if migrations is None else migrations)
        except (sqlite3.Error, asyncpg.PostgresError, OSError) as exc:
            await db.close()
            raise StoreError(f"cannot use the database {shown}: {exc}") from None
        except BaseException:
            await db.close()
            raise
        store = cls(db)
        if db.engine == "postgresql":
            await db.listen(SETTINGS_CHANNEL, store._setting_changed)
        return store

    @property
    def database(self) -> Database:
        """The database, for sibling stores in bot/store (nudges) that share it."""
        return self._db

    async def schema_version(self) -> int:
        """The migration number the database is at."""
        return await schema_version(self._db)

    async def announce(self, channel: str, payload: str) -> None:
        """Tell every process on this database (PostgreSQL NOTIFY; within this process on SQLite)."""
        await self._db.notify(channel, payload)

    async def on_announcement(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` for every announcement on `channel`."""
        await self._db.listen(channel, callback)

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()


@dataclass(frozen=True, slots=True)
class Stores:
    """The stores of one database: cases, stats and settings; disclosure nudges."""

    store: SqlStore
    nudges: NudgeStore
    privacy: PrivacyStore
    transparency: TransparencyStore
    installations: InstallationRows


async def open_stores(location: str | Path) -> Stores:
    """Open the database at `location` and every store on it."""
    store = await SqlStore.open(location)
    db = store.database
    return Stores(store, NudgeStore(db), PrivacyStore(db), TransparencyStore(db), InstallationRows(db))
