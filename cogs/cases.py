"""Cases for moderators: /case with its audit trail, /cases per member (paginated), /override."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands, ui
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import actor_for, moderators_only, reply, user_lang
from bot.adapters.discord.convert import PLATFORM
from bot.adapters.discord.render import case_embed, case_line
from bot.i18n import tr
from bot.runtime import Services

PAGE_SIZE = 10


class CasesPager(ui.View):
    """Previous / Next through a member's cases; only the moderator who asked can turn the pages."""

    def __init__(self, services: Services, owner_id: int, member: discord.abc.User, lang: str, community: str) -> None:
        """Start on the first page; only the cases of `community` (the moderator's guild) are listed."""
        super().__init__(timeout=300)
        self.services, self.owner_id, self.member, self.lang = services, owner_id, member, lang
        self.community = community
        self.page = 0
        self.previous.label = tr("discord.previous", lang)
        self.next.label = tr("discord.next", lang)

    async def render(self) -> discord.Embed:
        """The current page, and which buttons make sense."""
        rows = await self.services.cases.cases_for(
            PLATFORM, str(self.member.id), limit=PAGE_SIZE + 1, offset=self.page * PAGE_SIZE, community=self.community
        )
        self.previous.disabled = self.page == 0
        self.next.disabled = len(rows) <= PAGE_SIZE
        lines = [case_line(case) for case in rows[:PAGE_SIZE]]
        embed = discord.Embed(
            title=tr("discord.cases_title", self.lang, user=self.member.display_name),
            description="\n".join(lines) or tr("discord.no_cases", self.lang, user=self.member.display_name),
        )
        embed.set_footer(text=tr("discord.page", self.lang, page=self.page + 1))
        return embed

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Pages belong to the moderator who asked."""
        return interaction.user.id == self.owner_id

    @ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[Any], button: ui.Button[CasesPager]) -> None:
        """One page back."""
        self.page = max(0, self.page - 1)
        await interaction.response.edit_message(embed=await self.render(), view=self)

    @ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], button: ui.Button[CasesPager]) -> None:
        """One page forward."""
        self.page += 1
        await interaction.response.edit_message(embed=await self.render(), view=self)


class CasesCog(commands.Cog):
    """Moderators look cases up and reverse or confirm decisions."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` hold the cases."""
        self.bot = bot

    @app_commands.command(name="case", description="Show a case and its audit trail (moderators)")
    @app_commands.describe(id="Case number")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    @moderators_only()
    async def case(self, interaction: discord.Interaction[Any], id: app_commands.Range[int, 1]) -> None:
        """The full case, with who did what and why; a case of another server is reported missing."""
        cases, viewer = self.bot.services.cases, await actor_for(interaction)
        found, trail = await cases.get_for(id, viewer), await cases.trail_for(id, viewer)
        embed = case_embed(found, trail, self.bot.services.policy.charter, user_lang(interaction))
        await reply(interaction, None, embed=embed)

    @app_commands.command(name="cases", description="List a member's cases (moderators)")
    @app_commands.describe(user="The member whose cases to list")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    @moderators_only()
    async def cases(self, interaction: discord.Interaction[Any], user: discord.User | discord.Member) -> None:
        """A member's cases, newest first, ten per page."""
        community = str(interaction.guild_id or "")
        pager = CasesPager(self.bot.services, interaction.user.id, user, user_lang(interaction), community)
        await reply(interaction, None, embed=await pager.render(), view=pager)

    @app_commands.command(name="override", description="Uphold or overturn any decision (moderators)")
    @app_commands.describe(case="Case number", decision="Uphold or overturn", reason="Reason, shared with the author")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    @moderators_only()
    async def override(
        self,
        interaction: discord.Interaction[Any],
        case: app_commands.Range[int, 1],
        decision: Literal["uphold", "overturn"],
        reason: app_commands.Range[str, 1, 1000],
    ) -> None:
        """Reverse or re-impose a decision; an overturned removal is restored and the author is told."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        decided = await self.bot.services.cases.override(case, await actor_for(interaction), decision, reason)
        await reply(
            interaction,
            tr("discord.override_done", user_lang(interaction), case=decided.id, status=decided.status.value),
        )


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(CasesCog(bot))
