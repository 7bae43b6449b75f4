"""The Store port on one database: cases, stats and settings queries over the connection port."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.store.cases import CaseQueries
from bot.store.connection import Database
from bot.store.migrate import Migration, StoreError, load_migrations, migrate, schema_version
from bot.store.nudges import NudgeStore
from bot.store.privacy import PrivacyStore
from bot.store.settings import SettingQueries
from bot.store.sqlite import SqliteDatabase
from bot.store.stats import StatsQueries
from bot.store.transparency import TransparencyStore


class SqlStore(CaseQueries, StatsQueries, SettingQueries):
    """Every query of the Store port, written once against `Database`."""

    def __init__(self, db: Database) -> None:
        """Use an open, migrated database; use `SqlStore.open` instead."""
        self._db = db
        self._claims: set[int] = set()
        self._setting_listeners: list[Callable[[str, str], None]] = []

    @classmethod
    async def open(cls, path: str | Path, *, migrations: Sequence[Migration] | None = None) -> SqlStore:
        """Open (or create) the database at `path` (":memory:" allowed) and bring its schema up to date."""
        try:
            db = await SqliteDatabase.connect(path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from None
        try:
            await migrate(db, load_migrations() if migrations is None else migrations)
        except sqlite3.Error as exc:
            await db.close()
            raise StoreError(f"cannot use the database {path}: {exc}") from None
        except BaseException:
            await db.close()
            raise
        return cls(db)

    @property
    def database(self) -> Database:
        """The database, for sibling stores in bot/store (nudges) that share it."""
        return self._db

    async def schema_version(self) -> int:
        """The migration number the database is at."""
        assert isinstance(self._db, SqliteDatabase)
        return await schema_version(self._db)

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


async def open_stores(location: str | Path) -> Stores:
    """Open the database at `location` and every store on it."""
    store = await SqlStore.open(location)
    db = store.database
    return Stores(store, NudgeStore(db), PrivacyStore(db), TransparencyStore(db))
