"""bolt's async installation and OAuth-state stores on Vigie's own database (no second database layer)."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.store.installations import InstallationRows

STATE_LIFETIME = timedelta(minutes=10)
_WORKSPACE = ""  # the user_id of a workspace's latest installation (its bot)


def _json(installation: Installation) -> str:
    return json.dumps(installation.to_dict(), default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))


def _installation(text: str) -> Installation:
    data: dict[str, Any] = json.loads(text)
    return Installation(**data)


class DatabaseInstallationStore(AsyncInstallationStore):
    """Installations kept in the slack_installations table; tokens never reach a log line."""

    def __init__(self, rows: InstallationRows) -> None:
        """Store through `rows` (the project's database)."""
        self._rows = rows
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        """bolt's logger property."""
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        """Keep the installation as the workspace's latest and as its installer's own."""
        enterprise, team = installation.enterprise_id or "", installation.team_id or ""
        at = datetime.fromtimestamp(float(installation.installed_at), UTC)
        text = _json(installation)
        await self._rows.save(enterprise, team, _WORKSPACE, text, at)
        await self._rows.save(enterprise, team, installation.user_id or "", text, at)

    async def async_save_bot(self, bot: Bot) -> None:
        """Bots are saved with their installation (async_save)."""

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The workspace's bot (its latest installation), if the app is installed there."""
        found = await self.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The latest installation of a workspace, or one installer's."""
        team = "" if is_enterprise_install else team_id or ""
        text = await self._rows.find(enterprise_id or "", team, user_id or _WORKSPACE)
        return _installation(text) if text is not None else None

    async def async_delete_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> None:
        """Tokens revoked or app uninstalled: forget every token of the workspace."""
        await self._rows.delete(enterprise_id or "", "" if is_enterprise_install else team_id or "")

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> None:
        """Forget one installer's tokens, or (no user) the whole workspace's."""
        team = "" if is_enterprise_install else team_id or ""
        await self._rows.delete(enterprise_id or "", team, user_id)


class DatabaseStateStore(AsyncOAuthStateStore):
    """OAuth states in the slack_oauth_states table: issued once, consumed once by any worker."""

    def __init__(self, rows: InstallationRows, lifetime: timedelta = STATE_LIFETIME) -> None:
        """Store through `rows`; a state is good for `lifetime`."""
        self._rows = rows
        self._lifetime = lifetime
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        """bolt's logger property."""
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new random state, recorded with its expiry."""
        state = secrets.token_urlsafe(24)
        await self._rows.issue_state(state, datetime.now(UTC) + self._lifetime)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this app issued that has not expired."""
        return await self._rows.consume_state(state, datetime.now(UTC))
