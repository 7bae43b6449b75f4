"""Message context menus: members report a message, moderators remove one under a chosen clause."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import guarded, moderators_only, user_lang
from bot.adapters.discord.views.reports import remove_modal, report_modal


class ReportsCog(commands.Cog):
    """Opens the report and removal forms; their submissions are handled by the persistent modal routes."""

    def __init__(self, bot: VigieBot) -> None:
        """Build the two context menus (they cannot be declared as cog methods)."""
        self.bot = bot
        self.report_menu = app_commands.ContextMenu(name="Report to moderators", callback=self.report)
        self.report_menu.guild_only = True
        self.remove_menu = app_commands.ContextMenu(name="Remove under charter", callback=self.remove)
        self.remove_menu.guild_only = True
        self.remove_menu.default_permissions = discord.Permissions(manage_messages=True)
        moderators_only()(self.remove_menu)

    async def cog_load(self) -> None:
        """Add the context menus to the command tree."""
        self.bot.tree.add_command(self.report_menu)
        self.bot.tree.add_command(self.remove_menu)

    async def cog_unload(self) -> None:
        """Take the context menus out of the command tree."""
        self.bot.tree.remove_command(self.report_menu.name, type=self.report_menu.type)
        self.bot.tree.remove_command(self.remove_menu.name, type=self.remove_menu.type)

    async def report(self, interaction: discord.Interaction[Any], message: discord.Message) -> None:
        """Any member: a short optional note, then a review card for the moderators."""
        form = report_modal(message.channel.id, message.id, user_lang(interaction))
        await guarded(interaction, interaction.response.send_modal(form))

    async def remove(self, interaction: discord.Interaction[Any], message: discord.Message) -> None:
        """Moderators: pick the clause and give a reason; the removal is recorded as theirs and appealable."""
        charter = self.bot.services.policy.charter
        form = remove_modal(message.channel.id, message.id, charter, user_lang(interaction))
        await guarded(interaction, interaction.response.send_modal(form))


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReportsCog(bot))
