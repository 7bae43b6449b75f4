"""/vigie setup: a server's channels, moderator role, notice lifetime, language and disclosure settings."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import (
    LANGUAGE,
    LOG_CHANNEL,
    MODERATOR_ROLE,
    NOTICE_SECONDS,
    REVIEW_CHANNEL,
    GuildSettings,
    admins_only,
    reply,
    user_lang,
)
from bot.adapters.discord.convert import PLATFORM
from bot.community import COMPLIANCE_CHANNEL, JURISDICTION, Setting
from bot.i18n import language_name, tr


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
        compliance_channel="Where unanswered disclosure reminders escalate",
        jurisdiction="Audience whose disclosure rules apply",
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
        compliance_channel: discord.TextChannel | None = None,
        jurisdiction: str | None = None,
    ) -> None:
        """Change the given settings; with no option, show the current ones."""
        assert interaction.guild_id is not None
        community, scope = self.bot.services.community, str(interaction.guild_id)
        lang = user_lang(interaction)
        known = self._jurisdictions()
        if jurisdiction is not None and jurisdiction.strip().lower() not in known:
            listed = ", ".join(known) or "—"
            await reply(interaction, tr("discord.unknown_jurisdiction", lang, value=jurisdiction, known=listed))
            return
        changes: dict[Setting[Any] | str, object] = {
            REVIEW_CHANNEL: str(review_channel.id) if review_channel else None,
            LOG_CHANNEL: str(log_channel.id) if log_channel else None,
            MODERATOR_ROLE: str(moderator_role.id) if moderator_role else None,
            NOTICE_SECONDS: notice_seconds,
            LANGUAGE: language.value if language else None,
            self._compliance_setting(): str(compliance_channel.id) if compliance_channel else None,
            JURISDICTION: jurisdiction.strip().lower() if jurisdiction else None,
        }
        for key, value in changes.items():
            if value is not None:
                await community.set(PLATFORM, scope, key, value)
        settings = await GuildSettings.load(community, scope)
        unset = tr("discord.unset", lang)
        embed = discord.Embed(title=tr("discord.settings_title", lang))
        # In words people use, in their language: "Moderators: @Mods", not "moderator_role = 8100…".
        embed.add_field(
            name=tr("setup.review_channel", lang),
            value=f"<#{settings.review_channel}>" if settings.review_channel else unset,
        )
        embed.add_field(
            name=tr("setup.log_channel", lang), value=f"<#{settings.log_channel}>" if settings.log_channel else unset
        )
        embed.add_field(
            name=tr("setup.moderators", lang),
            value=f"<@&{settings.moderator_role}>" if settings.moderator_role else unset,
        )
        embed.add_field(
            name=tr("setup.notice_seconds", lang), value=tr("setup.seconds", lang, count=settings.notice_seconds)
        )
        shown = settings.language or self.bot.services.policy.charter.default_language
        embed.add_field(name=tr("setup.language", lang), value=language_name(shown, lang))
        compliance = (await community.of(PLATFORM, scope)).raw(self._compliance_setting())
        embed.add_field(name=tr("setup.compliance", lang), value=f"<#{compliance}>" if compliance else unset)
        embed.add_field(name=tr("setup.jurisdiction", lang), value=await self._jurisdiction_shown(scope, lang, unset))
        await reply(interaction, None, embed=embed)

    @setup_guild.autocomplete("jurisdiction")
    async def jurisdiction_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """The charter's audiences, read at each keystroke so a charter reload is offered at once."""
        disclosure = self.bot.services.policy.charter.disclosure
        if disclosure is None:
            return []
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=f"{j.name} ({code})", value=code)
            for code, j in disclosure.jurisdictions.items()
            if typed in code or typed in j.name.lower()
        ][:25]

    def _jurisdictions(self) -> list[str]:
        disclosure = self.bot.services.policy.charter.disclosure
        return list(disclosure.jurisdictions) if disclosure else []

    def _compliance_setting(self) -> str:
        disclosure = self.bot.services.policy.charter.disclosure
        return disclosure.compliance_channel_setting if disclosure else COMPLIANCE_CHANNEL.key

    async def _jurisdiction_shown(self, scope: str, lang: str, unset: str) -> str:
        disclosure = self.bot.services.policy.charter.disclosure
        if disclosure is None:
            return unset
        chosen = await self.bot.services.nudges.jurisdiction_for(PLATFORM, scope)
        return chosen or tr("discord.default_jurisdiction", lang, code=disclosure.jurisdiction)


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(SetupCog(bot))
