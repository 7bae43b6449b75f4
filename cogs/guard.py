"""The noisy-rule guard on Discord: /guard status and /guard restore (moderators)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import actor_for, moderators_only, reply, user_lang
from bot.adapters.discord.convert import PLATFORM
from bot.i18n import tr
from bot.store.transparency import GuardRow


def guard_lines(rows: list[GuardRow], lang: str) -> list[str]:
    """One line per guard that ever tripped in the community."""
    return [
        tr(
            "privacy.guard_line",
            lang,
            clause=row.clause,
            state=tr("privacy.guard_tripped", lang) if row.state == "tripped" else tr("privacy.guard_restored", lang),
            since=row.since.date().isoformat(),
            overturned=row.overturned,
            appeals=row.appeals,
        )
        for row in rows
    ]


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class GuardCog(
    commands.GroupCog,
    group_name="guard",
    group_description="Rule guards: see or restore clauses held back by their guard (moderators)",
):
    """Moderators see which clauses their guard holds back, and put them back."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the guards."""
        self.bot = bot
        super().__init__()

    @app_commands.command(name="status", description="Clauses held back by their guard, with the figures")
    @moderators_only()
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Every guard of this server that has tripped, with its figures."""
        lang = user_lang(interaction)
        rows = await self.bot.services.guards.states(PLATFORM, str(interaction.guild_id))
        await reply(interaction, "\n".join(guard_lines(rows, lang)) or tr("privacy.guard_none", lang))

    @app_commands.command(name="restore", description="Put a held-back clause back to removing")
    @app_commands.describe(clause="The clause number", reason="Why the clause can remove again")
    @moderators_only()
    async def restore(
        self,
        interaction: discord.Interaction[Any],
        clause: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, 1000],
    ) -> None:
        """Restore a tripped clause; audited with the moderator's reason."""
        moderator = await actor_for(interaction)
        await self.bot.services.guards.restore(PLATFORM, str(interaction.guild_id), clause, moderator, reason)
        await reply(interaction, tr("privacy.guard_restored_done", user_lang(interaction), clause=clause))


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(GuardCog(bot))
