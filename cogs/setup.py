"""/vigie setup: the review and log channels, moderator role, notice lifetime and language of a server."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord_bot import VigieBot
from bot.adapters.discord_context import (
    DEFAULT_LANGUAGE,
    LOG_CHANNEL,
    MODERATOR_ROLE,
    NOTICE_SECONDS,
    REVIEW_CHANNEL,
    GuildSettings,
    admins_only,
    reply,
    user_lang,
)
from bot.adapters.discord_convert import PLATFORM
from bot.adapters.discord_i18n import text


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class SetupCog(commands.GroupCog, group_name="vigie", group_description="Vigie settings for this server (admins)"):
    """Per-server settings, stored with the cases; shown back after every change."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the store."""
        self.bot = bot

    @app_commands.command(name="setup", description="Set channels, moderator role, notice lifetime and language")
    @app_commands.describe(
        review_channel="Where review cards and appeals go",
        log_channel="Where alerts for moderators go",
        moderator_role="Members with this role can moderate",
        notice_seconds="How long a public notice stays, in seconds",
        language="Language of notices and review cards",
    )
    @app_commands.choices(
        language=[app_commands.Choice(name="English", value="en"), app_commands.Choice(name="French", value="fr")]
    )
    @admins_only()
    async def setup_guild(
        self,
        interaction: discord.Interaction[Any],
        review_channel: discord.TextChannel | None = None,
        log_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        notice_seconds: app_commands.Range[int, 10, 86400] | None = None,
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        """Change the given settings; with no option, show the current ones."""
        assert interaction.guild_id is not None
        store, scope = self.bot.services.store, str(interaction.guild_id)
        changes: dict[str, object] = {
            REVIEW_CHANNEL: str(review_channel.id) if review_channel else None,
            LOG_CHANNEL: str(log_channel.id) if log_channel else None,
            MODERATOR_ROLE: str(moderator_role.id) if moderator_role else None,
            NOTICE_SECONDS: notice_seconds,
            DEFAULT_LANGUAGE: language.value if language else None,
        }
        for key, value in changes.items():
            if value is not None:
                await store.set_setting(PLATFORM, scope, key, value)
        settings = await GuildSettings.load(store, scope)
        lang = user_lang(interaction)
        unset = text("unset", lang)
        embed = discord.Embed(title=text("settings_title", lang))
        embed.add_field(
            name="review_channel", value=f"<#{settings.review_channel}>" if settings.review_channel else unset
        )
        embed.add_field(name="log_channel", value=f"<#{settings.log_channel}>" if settings.log_channel else unset)
        embed.add_field(
            name="moderator_role", value=f"<@&{settings.moderator_role}>" if settings.moderator_role else unset
        )
        embed.add_field(name="notice_seconds", value=str(settings.notice_seconds))
        embed.add_field(name="language", value=settings.language or self.bot.services.policy.charter.default_language)
        await reply(interaction, None, embed=embed)


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(SetupCog(bot))
