"""A workspace that uninstalls the app or revokes its tokens: forget the tokens, then purge its data."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.runtime import Services

log = logging.getLogger(__name__)


def register_uninstall(app: AsyncApp, services: Services) -> None:
    """Listen for app_uninstalled and tokens_revoked (Events API), in every mode."""

    @app.event("app_uninstalled")
    async def uninstalled(body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        if not team:
            return
        counts = await services.installations.purge_workspace(team, services.clock.now())
        log.info(
            "slack workspace %s uninstalled the app: %d token set(s), %d setting(s), %d note(s) deleted, "
            "%d case snapshot(s) blanked",
            team,
            counts["installations"],
            counts["settings"],
            counts["nudges"],
            counts["cases"],
        )

    @app.event("tokens_revoked")
    async def revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        enterprise = str(body.get("enterprise_id") or "")
        tokens = event.get("tokens") or {}
        for user in tokens.get("oauth") or []:
            await services.installations.delete(enterprise, team, str(user))
        if tokens.get("bot"):
            await services.installations.delete(enterprise, team)
        log.info(
            "slack workspace %s revoked %d user and %d bot token(s)",
            team,
            len(tokens.get("oauth") or []),
            len(tokens.get("bot") or []),
        )
