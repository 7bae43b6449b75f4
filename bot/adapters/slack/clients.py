"""Web API clients per workspace: one token for a single workspace, or each installation's tokens (OAuth)."""

from __future__ import annotations

from typing import Protocol

import aiohttp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import install_retries
from bot.errors import PlatformError, PlatformFailure

CLIENT_MEMORY = 1000


class SlackClients(Protocol):
    """Which client speaks for a workspace (team id): its bot, and the admin user token that may delete."""

    async def bot(self, team: str) -> AsyncWebClient:
        """The workspace's bot client; PlatformError (FORBIDDEN) when the app is not installed there."""
        ...

    async def admin(self, team: str) -> AsyncWebClient | None:
        """The workspace's admin user client, if one was granted."""
        ...


class SingleWorkspace:
    """SLACK_BOT_TOKEN mode: the same bot (and admin) client for every team id."""

    def __init__(self, bot: AsyncWebClient, admin: AsyncWebClient | None) -> None:
        """`bot` carries the bot token, `admin` (optional) an admin's user token."""
        self._bot, self._admin = bot, admin

    async def bot(self, team: str) -> AsyncWebClient:
        """The one bot client."""
        return self._bot

    async def admin(self, team: str) -> AsyncWebClient | None:
        """The one admin client, if any."""
        return self._admin


class Installed:
    """OAuth mode: each workspace's tokens from its latest installation, read on every use.

    Reading the installation each time (one indexed row) means an uninstall or a revocation seen by
    any worker takes effect at once everywhere; clients are reused per token, never per team, so a
    reinstall with new tokens gets new clients.
    """

    def __init__(
        self, store: AsyncInstallationStore, base_url: str | None, session: aiohttp.ClientSession | None = None
    ) -> None:
        """Tokens come from `store`; clients talk to `base_url` (Slack's when None), over `session`'s
        connections when given."""
        self._store = store
        self._base_url = base_url
        self._session = session
        self._clients: dict[str, AsyncWebClient] = {}

    def _client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            session = self._session
            made = (
                AsyncWebClient(token=token, base_url=self._base_url, session=session)
                if self._base_url
                else AsyncWebClient(token=token, session=session)
            )
            client = install_retries(made)
            self._clients[token] = client
            while len(self._clients) > CLIENT_MEMORY:
                self._clients.pop(next(iter(self._clients)))
        return client

    async def bot(self, team: str) -> AsyncWebClient:
        """The installation's bot token; FORBIDDEN when the workspace has none (never installed, or uninstalled)."""
        installation = await self._store.async_find_installation(enterprise_id=None, team_id=team)
        if installation is None or not installation.bot_token:
            raise PlatformError(PlatformFailure.FORBIDDEN, f"the app is not installed in workspace {team or '?'}")
        return self._client(installation.bot_token)

    async def admin(self, team: str) -> AsyncWebClient | None:
        """The installing admin's user token (granted with the user scope chat:write), if any."""
        installation = await self._store.async_find_installation(enterprise_id=None, team_id=team)
        if installation is None or not installation.user_token:
            return None
        return self._client(installation.user_token)
