"""Versioned schema migrations: loading the numbered SQL files and applying the pending ones."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import aiosqlite
import asyncpg

from bot.store.connection import Database, Engine, StoreError
from bot.store.postgres import PostgresDatabase
from bot.store.sqlite import SqliteDatabase

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: `version` is the NNNN prefix of its file name."""

    version: int
    name: str
    sql: str


def _read(folder: Traversable) -> dict[int, Migration]:
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            version = int(match.group(1))
            if version in found:
                raise StoreError(f"two migrations are numbered {version:04d}: {found[version].name}, {entry.name}")
            found[version] = Migration(version, entry.name, entry.read_text(encoding="utf-8"))
    return found


def load_migrations(engine: Engine = "sqlite") -> list[Migration]:
    """The packaged migrations of an engine, in order; their numbers must run 1, 2, 3... without gaps.

    bot/store/migrations/ holds the SQLite set; bot/store/migrations/postgresql/ holds a PostgreSQL
    file for each number whose SQL differs, and a number without one there uses the shared file.
    """
    base = resources.files("bot.store").joinpath("migrations")
    by_version = _read(base)
    if engine == "postgresql":
        by_version |= _read(base.joinpath("postgresql"))
    found = sorted(by_version.values(), key=lambda m: m.version)
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


_ADVISORY_LOCK = 0x76696769  # "vigi": one key for Vigie's migrations in a shared PostgreSQL
_VERSIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations"
    " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


async def schema_version(db: Database) -> int:
    """The migration number the database is at (SQLite: PRAGMA user_version; PostgreSQL: schema_migrations)."""
    if isinstance(db, PostgresDatabase):
        row = await db.fetchone(
            "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0"
            " ELSE (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) END"
        )
        return int(row[0]) if row else 0
    row = await db.fetchone("PRAGMA user_version")
    return int(row[0]) if row else 0


async def migrate(db: Database, migrations: Sequence[Migration]) -> None:
    """Apply the migrations the database has not had yet, each in its own transaction."""
    if isinstance(db, PostgresDatabase):
        await _migrate_postgres(db, migrations)
        return
    assert isinstance(db, SqliteDatabase)
    latest = migrations[-1].version if migrations else 0
    if await schema_version(db) >= latest:
        await _check_not_newer(db.connection, latest)
        return
    async with db.lock:
        conn = db.connection
        # SQLite's documented way to rebuild a table that others reference: enforcement off
        # (it cannot change inside a transaction), then foreign_key_check before committing.
        await conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for migration in migrations:
                await _apply_sqlite(conn, migration, latest)
        finally:
            await conn.execute("PRAGMA foreign_keys = ON")


async def _version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _check_not_newer(conn: aiosqlite.Connection, latest: int) -> None:
    current = await _version(conn)
    if current > latest:
        raise StoreError(
            f"the database is at schema version {current}, newer than this Vigie knows ({latest}); "
            "upgrade Vigie instead of downgrading the database"
        )


async def _apply_sqlite(conn: aiosqlite.Connection, migration: Migration, latest: int) -> None:
    # One IMMEDIATE transaction per migration, version bump included: a failed step leaves the
    # database exactly at the previous version. The version is read *inside* the write lock, so
    # processes starting together on a fresh file apply each step once and skip what another did.
    try:
        await conn.execute("BEGIN IMMEDIATE")
        await _check_not_newer(conn, latest)
        if await _version(conn) >= migration.version:
            await conn.rollback()
            return
        for statement in split_statements(migration.sql):
            await conn.execute(statement)
        await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            broken = list(await cursor.fetchall())
        if broken:
            rows = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in broken[:5])
            raise sqlite3.IntegrityError(f"{len(broken)} foreign key violation(s): {rows}")
        await conn.commit()
    except (sqlite3.Error, StoreError) as exc:
        if conn.in_transaction:
            await conn.rollback()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"migration {migration.name} failed: {exc}") from exc
    log.info("database migrated to schema version %d (%s)", migration.version, migration.name)


async def _migrate_postgres(db: PostgresDatabase, migrations: Sequence[Migration]) -> None:
    """Each migration in its own transaction under one advisory lock: processes starting together
    wait for each other, and each step runs once (the version is read once the lock is held)."""
    latest = migrations[-1].version if migrations else 0
    for migration in migrations:
        async with db.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _ADVISORY_LOCK)
            await conn.execute(_VERSIONS_TABLE)
            current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
            if current > latest:
                raise StoreError(
                    f"the database is at schema version {current}, newer than this Vigie knows ({latest}); "
                    "upgrade Vigie instead of downgrading the database"
                )
            if current >= migration.version:
                continue
            try:
                await conn.execute(migration.sql)
            except asyncpg.PostgresError as exc:
                raise StoreError(f"migration {migration.name} failed: {exc}") from exc
            await conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version, migration.name
            )
        log.info("database migrated to schema version %d (%s)", migration.version, migration.name)
