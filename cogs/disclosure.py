"""/disclosure: a private dry run of the sponsored-post check for anyone, and the nudge report for moderators."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import GuildSettings, moderators_only, reply, user_lang
from bot.adapters.discord.convert import PLATFORM
from bot.adapters.discord.disclosure import MAX_ANSWERS, finding_reply, report_reply


class DisclosureCog(
    commands.GroupCog,
    group_name="disclosure",
    group_description="Sponsored posts: check a text, see the reminders report",
):
    """Sponsored-post disclosure on demand; the nudges themselves are sent by the core from the message path.

    Discord applies default permissions to a whole command group, never to one subcommand, and
    `check` is for everyone: the runtime moderator check is what guards `report`.
    """

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the nudges."""
        self.bot = bot

    @app_commands.command(name="check", description="Check privately whether a text needs a sponsorship label")
    @app_commands.describe(text="The post to check (nothing is recorded)")
    async def check(self, interaction: discord.Interaction[Any], text: app_commands.Range[str, 1, 4000]) -> None:
        """The finding and the suggested text, shown only to the person who asked."""
        services = self.bot.services
        community = str(interaction.guild_id) if interaction.guild_id is not None else ""
        # The server's language, as the message path uses it, so the dry run predicts the real note.
        post_lang = None
        if interaction.guild_id is not None:
            post_lang = (await GuildSettings.load(services.community, interaction.guild_id)).language
        finding = await services.nudges.dry_run(text, platform=PLATFORM, community=community, lang=post_lang)
        content, embed = finding_reply(finding, services.nudges.disclosure, user_lang(interaction))
        if embed is None:
            await reply(interaction, content)
        else:
            await reply(interaction, content, embed=embed)

    @app_commands.command(
        name="report", description="Disclosure reminders: open, fixed, fix rate, not-sponsored answers (moderators)"
    )
    @moderators_only()
    async def report(self, interaction: discord.Interaction[Any]) -> None:
        """This server's nudges: open, fixed, fix rate, median time to fix, and the answers a person must weigh."""
        assert interaction.guild_id is not None
        nudges, community = self.bot.services.nudges, str(interaction.guild_id)
        report = await nudges.report(PLATFORM, community)
        answers = await nudges.not_sponsored_answers(PLATFORM, community, limit=MAX_ANSWERS)
        await reply(interaction, report_reply(report, answers, user_lang(interaction)))


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(DisclosureCog(bot))
