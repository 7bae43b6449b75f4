"""The forms behind the message menus: a member reports a message, a moderator removes one under a clause."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import ui

from bot.adapters.discord.context import GuildSettings, actor_for, refuse, reply, services_of, user_lang
from bot.adapters.discord.convert import to_message
from bot.adapters.discord.render import clip, rule_title
from bot.adapters.discord.views.base import TARGET, Form, Route, reason_input
from bot.charter.model import Charter
from bot.i18n import tr
from bot.models import Message

log = logging.getLogger(__name__)


def report_modal(channel_id: int, message_id: int, lang: str) -> Form:
    """Asks a member what is wrong with a message they report."""
    form = Form(tr("discord.report_title", lang), f"vigie:report-form:{channel_id}:{message_id}")
    form.add_item(reason_input(tr("discord.report_label", lang), required=False))
    return form


def remove_modal(channel_id: int, message_id: int, charter: Charter, lang: str) -> Form:
    """Asks a moderator which clause a removal applies, and why."""
    form = Form(tr("discord.remove_title", lang), f"vigie:remove-form:{channel_id}:{message_id}")
    options = [
        discord.SelectOption(label=clip(f"§{rule.number} {rule_title(rule, charter, lang)}", 100), value=rule.id)
        for rule in charter.rules[:25]
    ]
    select: ui.Select[Any] = ui.Select(custom_id="clause", options=options, min_values=1, max_values=1)
    form.add_item(ui.Label(text=tr("discord.remove_clause", lang), component=select))
    form.add_item(reason_input(tr("discord.remove_reason", lang)))
    return form


async def _fetch_target(interaction: discord.Interaction[Any], match: re.Match[str]) -> discord.Message | str:
    """The message a report or removal form names, or the key of the refusal to give.

    The channel is resolved for real (cache, else the API) and must belong to the guild the
    form was submitted from: a moderator of one server never acts on another server's message.
    """
    if interaction.guild_id is None:
        return "discord.guild_only"
    channel_id = int(match["channel"])
    channel: Any = interaction.client.get_channel(channel_id)
    if channel is None:
        try:
            channel = await interaction.client.fetch_channel(channel_id)
        except discord.NotFound:
            return "discord.message_gone"
        except discord.HTTPException:
            return "discord.other_server"  # a channel Vigie may not read is not one of this server's
    guild = getattr(channel, "guild", None)
    if guild is None or guild.id != interaction.guild_id:
        log.warning("refused a form from guild %s about channel %s of another guild", interaction.guild_id, channel_id)
        return "discord.other_server"
    if not isinstance(channel, discord.abc.Messageable):
        return "discord.message_gone"
    try:
        message: discord.Message = await channel.fetch_message(int(match["message"]))
    except discord.NotFound:
        return "discord.message_gone"
    return message


async def _target_message(interaction: discord.Interaction[Any], match: re.Match[str]) -> Message | str:
    """The form's message as the core sees it (with its guild's settings), or the key of the refusal."""
    target = await _fetch_target(interaction, match)
    if isinstance(target, str) or interaction.guild_id is None:
        return target if isinstance(target, str) else "discord.guild_only"
    settings = await GuildSettings.load(services_of(interaction).community, interaction.guild_id)
    return to_message(target, moderator_role=settings.moderator_role, lang=settings.language)


async def _submit_report(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    message = await _target_message(interaction, match)
    if isinstance(message, str):
        await refuse(interaction, message)
        return
    services = services_of(interaction)
    case = await services.moderation.report(message, await actor_for(interaction), values.get("reason", ""))
    await reply(interaction, tr("discord.reported", user_lang(interaction), case=case.id))


async def _submit_removal(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    moderator = await actor_for(interaction)
    if not moderator.is_moderator:
        await refuse(interaction, "discord.not_moderator")
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    message = await _target_message(interaction, match)
    if isinstance(message, str):
        await refuse(interaction, message)
        return
    services = services_of(interaction)
    case = await services.moderation.remove_manually(message, values["clause"], moderator, values.get("reason", ""))
    await reply(interaction, tr("discord.removed_manually", user_lang(interaction), case=case.id, clause=case.clause))


ROUTES: tuple[Route, ...] = (
    (re.compile(rf"vigie:report-form:{TARGET}"), _submit_report),
    (re.compile(rf"vigie:remove-form:{TARGET}"), _submit_removal),
)
