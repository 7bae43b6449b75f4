"""Durable storage: the SQLite store and its migrations (the only place with SQL)."""

from bot.store.sqlite import Migration, SqliteStore, StoreError, load_migrations

__all__ = ["Migration", "SqliteStore", "StoreError", "load_migrations"]
