"""Which engine a VIGIE_DB value names, and opening it: a path or sqlite:///path, or postgresql://..."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.connection import Database, StoreError
from bot.store.postgres import PostgresDatabase
from bot.store.sqlite import SqliteDatabase

_POSTGRES = ("postgresql://", "postgres://")
_SQLITE = "sqlite:///"


class DatabaseUnavailable(StoreError):
    """The database named by VIGIE_DB or --db cannot be opened."""


def is_postgres(location: str | Path) -> bool:
    """Whether `location` names a PostgreSQL database."""
    return str(location).startswith(_POSTGRES)


def sqlite_path(location: str | Path) -> str:
    """The file a SQLite location names (`sqlite:///relative`, `sqlite:////absolute`, or a plain path)."""
    text = str(location)
    return text[len(_SQLITE) :] if text.startswith(_SQLITE) else text


def describe(location: str | Path) -> str:
    """`location` fit for logs and messages: a PostgreSQL password is never shown."""
    text = str(location)
    if not is_postgres(text):
        return sqlite_path(text)
    parts = urlsplit(text)
    if parts.password is None:
        return text
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


async def connect(location: str | Path) -> Database:
    """Open the database `location` names, with the engine it names."""
    shown = describe(location)
    if is_postgres(location):
        try:
            return await PostgresDatabase.connect(str(location))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseUnavailable(f"cannot open the database {shown}: {exc}") from None
    try:
        return await SqliteDatabase.connect(sqlite_path(location))
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot open the database {shown}: {exc}") from None
