"""Appeals: /appeal, the same path as the Appeal button under a notice."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import actor_for, reply, user_lang
from bot.i18n import tr


class AppealsCog(commands.Cog):
    """Authors contest a decision; moderators decide from the appeal card's buttons."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the cases."""
        self.bot = bot

    @app_commands.command(name="appeal", description="Appeal a moderation decision about your message")
    @app_commands.describe(case="Case number", reason="Why the decision should change")
    async def appeal(
        self,
        interaction: discord.Interaction[Any],
        case: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, 1000],
    ) -> None:
        """Appeal one of your cases; a moderator who did not take the decision will answer."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        appealed = await self.bot.services.cases.appeal(case, await actor_for(interaction), reason)
        await reply(interaction, tr("discord.appeal_sent", user_lang(interaction), case=appealed.id))


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(AppealsCog(bot))
