"""Durable storage, the only place with SQL: the Store port written once over a small connection port."""

from bot.store.connection import StoreError
from bot.store.migrate import Migration, load_migrations
from bot.store.store import SqlStore, Stores, open_stores

__all__ = ["Migration", "SqlStore", "StoreError", "Stores", "load_migrations", "open_stores"]
