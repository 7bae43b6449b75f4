"""Slack installations (OAuth tokens) and OAuth states, and purging a workspace that uninstalled the app."""

from __future__ import annotations

from datetime import datetime

from bot.models import SYSTEM_ACTOR
from bot.store.connection import Database
from bot.store.values import to_text

_WITH_CONTENT = "SELECT id FROM cases WHERE platform = 'slack' AND community = ? AND content IS NOT NULL ORDER BY id"


class InstallationRows:
    """Rows of slack_installations and slack_oauth_states (migration 0009); JSON in, JSON out."""

    def __init__(self, db: Database) -> None:
        """Share `db` with the other stores."""
        self._db = db

    async def save(self, enterprise: str, team: str, user: str, installation: str, at: datetime) -> None:
        """Store an installation for (enterprise, team, user); the latest install replaces an older one."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO slack_installations (enterprise_id, team_id, user_id, installation, installed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET"
                " installation = excluded.installation, installed_at = excluded.installed_at",
                (enterprise, team, user, installation, to_text(at)),
            )

    async def find(self, enterprise: str, team: str, user: str) -> str | None:
        """The installation JSON for (enterprise, team, user), if any."""
        row = await self._db.fetchone(
            "SELECT installation FROM slack_installations WHERE enterprise_id = ? AND team_id = ? AND user_id = ?",
            (enterprise, team, user),
        )
        return str(row[0]) if row else None

    async def delete(self, enterprise: str, team: str, user: str | None = None) -> int:
        """Delete one user's installation, or (user None) every installation of the workspace."""
        async with self._db.transaction() as tx:
            if user is None:
                return await tx.execute(
                    "DELETE FROM slack_installations WHERE enterprise_id = ? AND team_id = ?", (enterprise, team)
                )
            return await tx.execute(
                "DELETE FROM slack_installations WHERE enterprise_id = ? AND team_id = ? AND user_id = ?",
                (enterprise, team, user),
            )

    async def issue_state(self, state: str, expires_at: datetime) -> None:
        """Record an OAuth state handed to a browser starting an install."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)", (state, to_text(expires_at))
            )

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not expired; False for an unknown, used or expired one."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM slack_oauth_states WHERE expires_at < ?", (to_text(now),))
            return await tx.execute("DELETE FROM slack_oauth_states WHERE state = ?", (state,)) == 1

    async def purge_workspace(self, team: str, now: datetime) -> dict[str, int]:
        """A workspace uninstalled the app: delete its tokens, settings, nudges and channel marks, and
        blank the content snapshots of its cases (audited). Decisions and their audit trail stay, as
        after a retention purge."""
        stamp = to_text(now)
        counts: dict[str, int] = {}
        async with self._db.transaction() as tx:
            counts["installations"] = await tx.execute("DELETE FROM slack_installations WHERE team_id = ?", (team,))
            counts["settings"] = await tx.execute(
                "DELETE FROM settings WHERE platform = 'slack' AND scope = ?", (team,)
            )
            counts["nudges"] = await tx.execute(
                "DELETE FROM disclosure_nudges WHERE platform = 'slack' AND community = ?", (team,)
            )
            await tx.execute("DELETE FROM channel_marks WHERE platform = 'slack' AND community = ?", (team,))
            rows = await tx.fetchall(_WITH_CONTENT + self._db.for_update, (team,))
            for row in rows:
                await tx.execute("UPDATE cases SET content = NULL, updated_at = ? WHERE id = ?", (stamp, row[0]))
                await tx.execute(
                    "INSERT INTO audit (case_id, at, actor_id, event, reason, detail)"
                    " VALUES (?, ?, ?, 'purged', 'app uninstalled', 'content snapshot deleted')",
                    (row[0], stamp, SYSTEM_ACTOR),
                )
            counts["cases"] = len(rows)
        return counts
