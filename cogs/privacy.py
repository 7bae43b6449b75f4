"""Members' data rights on Discord: /privacy, /mydata (a private JSON file), /mycases and /forgetme (confirmed)."""

from __future__ import annotations

import io
import json
from typing import Any

import discord
from discord import app_commands, ui
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import reply, user_lang
from bot.adapters.discord.convert import PLATFORM
from bot.adapters.discord.render import chunks
from bot.i18n import tr
from bot.privacy.notice import render_privacy
from bot.privacy.pseudonym import MemberKey
from bot.privacy.service import case_lines, summary
from bot.runtime import Services

FILE_NAME = "vigie-mydata.json"
MYCASES_LIMIT = 25


def member_of(interaction: discord.Interaction[Any]) -> MemberKey:
    """The member asking, in the server they ask from."""
    return MemberKey(PLATFORM, str(interaction.guild_id or ""), str(interaction.user.id))


class ForgetConfirm(ui.View):
    """Erase / Cancel; only the member who asked can press them, and only once."""

    def __init__(self, services: Services, member: MemberKey, owner_id: int, lang: str) -> None:
        """Two buttons in the member's language."""
        super().__init__(timeout=300)
        self.services, self.member, self.owner_id, self.lang = services, member, owner_id, lang
        self.erase.label = tr("privacy.forgetme_yes", lang)
        self.cancel.label = tr("privacy.forgetme_no", lang)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """The buttons belong to the member who asked."""
        return interaction.user.id == self.owner_id

    @ui.button(label="Erase my data", style=discord.ButtonStyle.danger)
    async def erase(self, interaction: discord.Interaction[Any], button: ui.Button[ForgetConfirm]) -> None:
        """Erase, then say what changed."""
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        counts = await self.services.privacy.erase(self.member)
        done = tr(
            "privacy.forgetme_done",
            self.lang,
            cases=counts.cases,
            notes=counts.nudges,
            withdrawn=counts.withdrawn_appeals,
        )
        await reply(interaction, done)

    @ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], button: ui.Button[ForgetConfirm]) -> None:
        """Leave everything as it is."""
        self.stop()
        await interaction.response.edit_message(content=tr("privacy.forgetme_cancelled", self.lang), view=None)


class PrivacyCog(commands.Cog):
    """What Vigie keeps about a member, given back to them; each answer is private."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the data."""
        self.bot = bot

    @app_commands.command(name="privacy", description="How Vigie handles your personal data, and your rights")
    async def privacy(self, interaction: discord.Interaction[Any]) -> None:
        """The charter's privacy notice, in the member's language."""
        pieces = list(chunks(render_privacy(self.bot.services.policy.charter, user_lang(interaction))))
        for piece in pieces:
            await reply(interaction, piece)

    @app_commands.command(name="mydata", description="Privately get everything Vigie keeps about you (a JSON file)")
    @app_commands.guild_only()
    async def mydata(self, interaction: discord.Interaction[Any]) -> None:
        """A short summary and the JSON file, both visible to the member only."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.services.privacy.export(member_of(interaction))
        raw = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        attached = discord.File(
            io.BytesIO(raw), filename=FILE_NAME, description=tr("privacy.file_note", user_lang(interaction))
        )
        await reply(interaction, summary(data, user_lang(interaction)), file=attached)

    @app_commands.command(name="mycases", description="Privately list your own cases and where they stand")
    @app_commands.guild_only()
    async def mycases(self, interaction: discord.Interaction[Any]) -> None:
        """The member's own cases in this server, newest first."""
        lang = user_lang(interaction)
        member = member_of(interaction)
        cases = await self.bot.services.store.cases_for_author(
            member.platform, member.user, limit=MYCASES_LIMIT, community=member.community
        )
        if not cases:
            await reply(interaction, tr("privacy.mycases_none", lang))
            return
        lines = case_lines(cases, self.bot.services.policy.charter, lang)
        embed = discord.Embed(title=tr("privacy.mycases_title", lang), description="\n".join(lines)[:4000])
        await reply(interaction, None, embed=embed)

    @app_commands.command(
        name="forgetme", description="Erase your texts and replace your id with a pseudonym (asks first)"
    )
    @app_commands.guild_only()
    async def forgetme(self, interaction: discord.Interaction[Any]) -> None:
        """Explain what erasure keeps and removes, then wait for the member's confirmation."""
        lang = user_lang(interaction)
        view = ForgetConfirm(self.bot.services, member_of(interaction), interaction.user.id, lang)
        await reply(interaction, tr("privacy.forgetme_confirm", lang), view=view)


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(PrivacyCog(bot))
