"""Per-community settings: one JSON value per (platform, scope, key)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.store.connection import Database

SETTINGS_CHANNEL = "vigie_settings"
"""The notification channel on which a settings write reaches every process."""


class SettingQueries:
    """The settings half of the Store port; needs `_db` from the store it is mixed into."""

    _db: Database
    _setting_listeners: list[Callable[[str, str], None]]

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        """A per-community setting (JSON value), or None."""
        row = await self._db.fetchone(
            "SELECT value_json FROM settings WHERE platform = ? AND scope = ? AND key = ?", (platform, scope, key)
        )
        return json.loads(row[0]) if row else None

    async def settings_for(self, platform: str, scope: str) -> dict[str, Any]:
        """Every stored setting of one community, by key, in one query."""
        rows = await self._db.fetchall(
            "SELECT key, value_json FROM settings WHERE platform = ? AND scope = ?", (platform, scope)
        )
        return {str(row[0]): json.loads(row[1]) for row in rows}

    def on_setting_change(self, listener: Callable[[str, str], None]) -> None:
        """Call `listener(platform, scope)` after every settings write (cache invalidation)."""
        self._setting_listeners.append(listener)

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        """Store a per-community setting (any JSON-serialisable value; None deletes it)."""
        try:
            await self._set_setting(platform, scope, key, value)
        finally:
            self._setting_changed(json.dumps([platform, scope]))
            # Other processes on the database drop their cached copy too (PostgreSQL NOTIFY).
            await self._db.notify(SETTINGS_CHANNEL, json.dumps([platform, scope]))

    def _setting_changed(self, payload: str) -> None:
        """Tell this process's listeners that a community's settings changed (payload: [platform, scope])."""
        platform, scope = json.loads(payload)
        for listener in self._setting_listeners:
            listener(str(platform), str(scope))

    async def _set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        async with self._db.transaction() as tx:
            if value is None:
                await tx.execute(
                    "DELETE FROM settings WHERE platform = ? AND scope = ? AND key = ?", (platform, scope, key)
                )
            else:
                await tx.execute(
                    "INSERT INTO settings (platform, scope, key, value_json) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (platform, scope, key) DO UPDATE SET value_json = excluded.value_json",
                    (platform, scope, key, json.dumps(value, ensure_ascii=False)),
                )
