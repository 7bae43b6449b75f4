"""The author's buttons and form: Appeal and See my message under a notice, /appeal's choices, the appeal form."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

import discord
from discord import ui

from bot.adapters.discord.context import actor_for, guarded, reply, services_of, user_lang
from bot.adapters.discord.render import clip
from bot.adapters.discord.views.base import CASE, CaseButton, Form, Route, reason_input
from bot.i18n import tr
from bot.models import Case


class AppealButton(CaseButton, template=rf"vigie:appeal:{CASE}"):
    """On a public notice: the author opens a modal to appeal."""

    PREFIX = "appeal"
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"": discord.ButtonStyle.primary}

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Only the author may appeal; the reason is asked in a modal."""
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        # Every check comes before the form, so no one types a reason only to be refused
        # (someone else's notice, a second appeal, a closed window); the core audits refusals.
        await services_of(interaction).cases.check_appeal(self.case_id, await actor_for(interaction))
        await interaction.response.send_modal(appeal_modal(self.case_id, user_lang(interaction)))


class SeeMessageButton(CaseButton, template=rf"vigie:see:{CASE}"):
    """On a public notice: the author gets their removed text back, privately."""

    PREFIX = "see"

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """The core decides who may read the content (the author only)."""
        await guarded(interaction, self._show(interaction))

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        content = await services_of(interaction).cases.content_for(self.case_id, await actor_for(interaction))
        embed = discord.Embed(description=clip(content, 4096))
        await reply(interaction, tr("discord.your_message", user_lang(interaction), case=self.case_id), embed=embed)


def notice_view(case: Case, lang: str, *, removed: bool) -> ui.View:
    """Buttons under a public notice: Appeal, and See my message when the text was taken down."""
    view = ui.View(timeout=None)
    view.add_item(AppealButton(case.id, tr("discord.appeal", lang)))
    if removed:
        view.add_item(SeeMessageButton(case.id, tr("discord.see_message", lang)))
    return view


def appeal_choices(cases: Sequence[Case], lang: str) -> ui.View:
    """One Appeal button per open case (at most 25), the same persistent buttons as under a notice."""
    view = ui.View(timeout=None)
    for case in cases[:25]:
        view.add_item(AppealButton(case.id, tr("appeals.button", lang, case=case.id, clause=case.clause)))
    return view


def appeal_modal(case_id: int, lang: str) -> Form:
    """Asks the author why the decision should change."""
    form = Form(tr("discord.appeal_title", lang, case=case_id), f"vigie:appeal-form:{case_id}")
    form.add_item(reason_input(tr("discord.appeal_label", lang), placeholder=tr("discord.appeal_placeholder", lang)))
    return form


async def _submit_appeal(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    case = await services_of(interaction).cases.appeal(
        int(match["case"]), await actor_for(interaction), values["reason"]
    )
    await reply(interaction, tr("discord.appeal_sent", user_lang(interaction), case=case.id))


ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (AppealButton, SeeMessageButton)
ROUTES: tuple[Route, ...] = ((re.compile(rf"vigie:appeal-form:{CASE}"), _submit_appeal),)
