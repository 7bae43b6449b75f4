"""The charter: read it (/charter show), publish and pin it, reload it without losing the one in force."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import (
    PUBLISHED_CHARTER,
    GuildSettings,
    admins_only,
    refuse,
    reply,
    user_lang,
)
from bot.adapters.discord.convert import PLATFORM
from bot.adapters.discord.render import charter_header, chunks
from bot.charter.model import Charter
from bot.charter.render import charter_changes, render_clause, render_markdown
from bot.i18n import tr

log = logging.getLogger(__name__)


class CharterCog(
    commands.GroupCog, group_name="charter", group_description="Read, publish and reload the community charter"
):
    """Everyone reads the charter; admins publish it and reload it from its file."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the charter in force."""
        self.bot = bot

    @property
    def charter(self) -> Charter:
        """The charter in force."""
        return self.bot.services.policy.charter

    @app_commands.command(name="show", description="Show the charter or one of its clauses")
    @app_commands.describe(clause="Clause number")
    async def show(self, interaction: discord.Interaction[Any], clause: int | None = None) -> None:
        """The charter (or one clause) in the reader's language, with its version and hash, shown only to them."""
        charter = self.charter
        lang = charter.language_for(str(interaction.locale.value))
        if clause is None:
            body = render_markdown(charter, lang)
        else:
            rule = charter.clause(clause)
            if rule is None:
                await refuse(interaction, "discord.no_clause", clause=clause)
                return
            body = f"{charter_header(charter, user_lang(interaction))}\n\n{render_clause(charter, rule, lang)}"
        for piece in chunks(body):
            await reply(interaction, piece)

    @show.autocomplete("clause")
    async def clause_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        """Clauses whose number or title contains what was typed."""
        charter = self.charter
        lang = charter.language_for(str(interaction.locale.value))
        choices = []
        for rule in sorted(charter.rules, key=lambda r: r.number):
            label = f"§{rule.number} {rule.text(rule.title, lang, charter.default_language)}"
            if current.strip().lower() in label.lower():
                choices.append(app_commands.Choice(name=label[:100], value=rule.number))
        return choices[:25]

    @app_commands.command(name="publish", description="Post and pin the charter in a channel (admins)")
    @app_commands.describe(channel="Where to publish the charter")
    @admins_only()
    async def publish(self, interaction: discord.Interaction[Any], channel: discord.TextChannel) -> None:
        """Post the whole charter in the server's language and pin it; later versions are posted there too."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        pinned = await self._publish(interaction.guild_id, channel.id)
        key = "discord.published" if pinned else "discord.not_pinned"
        await reply(interaction, tr(key, user_lang(interaction), version=self.charter.version, channel=channel.mention))

    @app_commands.command(
        name="reload", description="Reload the charter file; a broken file keeps the charter in force (admins)"
    )
    @admins_only()
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        """Re-read the charter file; on any issue the previous charter stays and the issues are listed."""
        lang = user_lang(interaction)
        before = self.charter
        issues = self.bot.services.policy.reload()
        if issues:
            head = tr("discord.reload_refused", lang, count=len(issues), version=before.version)
            for piece in chunks(head + "\n" + "\n".join(f"- {issue}" for issue in issues)):
                await reply(interaction, piece)
            return
        after = self.charter
        if after.content_hash == before.content_hash:
            await reply(interaction, tr("discord.unchanged", lang, version=after.version, hash=after.short_hash))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.republish_everywhere(before)
        await reply(interaction, tr("discord.reloaded", lang, version=after.version, hash=after.short_hash))

    async def _publish(self, guild_id: int, channel_id: int, *, previous: Charter | None = None) -> bool:
        community = self.bot.services.community
        charter = self.charter
        settings = await GuildSettings.load(community, guild_id)
        lang = settings.language or charter.default_language
        old = await community.get(PLATFORM, str(guild_id), PUBLISHED_CHARTER)
        body = render_markdown(charter, lang)
        if charter.transparency is not None and charter.transparency.url:
            body += "\n\n" + tr("privacy.transparency_link", lang, url=charter.transparency.url)
        if old and old.get("hash") != charter.content_hash:
            lines = charter_changes(previous, charter, lang) if previous is not None else []
            if previous is not None and lines:
                changes = (
                    tr("discord.charter_changes", lang, version=previous.version)
                    + "\n"
                    + "\n".join(f"- {line}" for line in lines)
                )
            else:
                changes = tr("discord.charter_updated", lang, old=old.get("version", "?"), new=charter.version)
            body = f"{changes}\n\n{body}"
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        first: discord.Message | None = None
        for piece in chunks(body):
            sent = await channel.send(piece, allowed_mentions=discord.AllowedMentions.none())
            first = first or sent
        assert first is not None
        pinned = True
        try:
            await first.pin(reason=f"Charter version {charter.version}")
        except discord.Forbidden:
            # Since February 2026 pinning needs the Pin Messages permission, not Manage Messages.
            log.warning("charter posted but not pinned in channel %s: missing Pin Messages permission", channel_id)
            pinned = False
        if old and old.get("message") and int(old.get("channel", 0)) == channel_id:
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(int(old["message"])).unpin(reason="A newer charter version is pinned")
        await community.set(
            PLATFORM,
            str(guild_id),
            PUBLISHED_CHARTER,
            {
                "channel": str(channel_id),
                "message": str(first.id),
                "version": charter.version,
                "hash": charter.content_hash,
            },
        )
        log.info("charter %s published in guild %s channel %s", charter.version, guild_id, channel_id)
        return pinned

    async def republish_everywhere(self, previous: Charter | None = None) -> None:
        """Post the charter in force wherever an older version was published, saying what changed."""
        community = self.bot.services.community
        for guild in self.bot.guilds:
            published = await community.get(PLATFORM, str(guild.id), PUBLISHED_CHARTER)
            if not published or published.get("hash") == self.charter.content_hash:
                continue
            try:
                await self._publish(guild.id, int(published["channel"]), previous=previous)
            except discord.HTTPException as exc:
                log.warning("could not republish the charter in guild %s: HTTP %s", guild.id, exc.status)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """A charter that changed while Vigie was stopped is published again where it was pinned."""
        await self.republish_everywhere()


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(CharterCog(bot))
