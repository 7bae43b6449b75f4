"""Appeals: /appeal, the same path as the Appeal buttons; without a case number it offers the author's open cases."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import actor_for, reply, user_lang
from bot.adapters.discord.render import appealable_lines
from bot.adapters.discord.views.appeals import appeal_choices, appeal_modal
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
        case: app_commands.Range[int, 1] | None = None,
        reason: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Appeal one of your cases; a moderator who did not take the decision will answer.

        Without a case number: the author's open cases, each with its Appeal button (only they see
        them), so a member whose notice expired and whose DMs are closed still finds their way back.
        Without a reason: the same form as the button, once the case is known to be appealable.
        """
        cases, author, lang = self.bot.services.cases, await actor_for(interaction), user_lang(interaction)
        if case is None:
            found = await cases.appealable_for(author)
            if not found:
                await reply(interaction, tr("appeals.none", lang))
                return
            charter = self.bot.services.policy.charter
            await reply(interaction, appealable_lines(found, charter, lang), view=appeal_choices(found, lang))
            return
        if reason is None:
            await cases.check_appeal(case, author)
            await interaction.response.send_modal(appeal_modal(case, lang))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        appealed = await cases.appeal(case, author, reason)
        await reply(interaction, tr("discord.appeal_sent", lang, case=appealed.id))


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(AppealsCog(bot))
