"""Persistent buttons and the form of disclosure nudges: "I've fixed it", "Not sponsored", "Show my note"."""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any, Self

import discord
from discord import ui

from bot.adapters.discord.context import actor_for, guarded, refuse, reply, services_of, user_lang
from bot.adapters.discord.convert import PLATFORM
from bot.adapters.discord.errors import translated_errors
from bot.adapters.discord.render import MESSAGE_LIMIT, clip
from bot.adapters.discord.views.base import Button, Form, Route
from bot.disclosure.messages import not_sponsored_text, recheck_text
from bot.disclosure.nudges import MAX_NOTE
from bot.i18n import tr
from bot.models import Nudge, NudgeState, NudgeStep

log = logging.getLogger(__name__)

_NUDGE = r"(?P<nudge>[0-9]{1,18})"


def _in_guild(interaction: discord.Interaction[Any]) -> bool:
    """Answers are private in a server; in the DM itself a plain answer is already private."""
    return interaction.guild_id is not None


async def _own_nudge(interaction: discord.Interaction[Any], nudge_id: int) -> Nudge | None:
    """The nudge, when the person who clicked wrote the post; otherwise they are told privately and get None."""
    nudge = await services_of(interaction).nudges.get(nudge_id)
    if nudge.platform != PLATFORM or nudge.author_id != str(interaction.user.id):
        await refuse(interaction, "discord.not_your_note")
        return None
    return nudge


async def _retire_buttons(interaction: discord.Interaction[Any], nudge: Nudge) -> None:
    """Once the nudge is closed, take the buttons off the DM so nobody answers it twice.

    An ephemeral note cannot be edited through the channel; its buttons stay and answer with the outcome.
    """
    message = interaction.message
    if nudge.is_open or message is None or message.flags.ephemeral:
        return
    with contextlib.suppress(discord.HTTPException):
        await message.edit(view=None)


async def current_text(client: discord.Client, nudge: Nudge) -> str | None:
    """The post's text as it is now; None when it was deleted."""
    channel = client.get_partial_messageable(
        int(nudge.channel), guild_id=int(nudge.community) if nudge.community else None
    )
    try:
        async with translated_errors("re-check"):
            message = await channel.fetch_message(int(nudge.message_id))
    except discord.NotFound:
        return None
    return message.content


class NudgeButton(ui.DynamicItem[Button], template=rf"vigie:nudge:(?P<kind>[a-z-]+):{_NUDGE}"):
    """A button about one nudge, valid after restarts; subclasses set `KIND` (in the custom_id) and `STYLE`."""

    KIND = ""
    STYLE = discord.ButtonStyle.secondary

    def __init__(self, nudge_id: int, label: str) -> None:
        """A button for `nudge_id`; the label is in the note's language."""
        super().__init__(ui.Button(label=label, style=self.STYLE, custom_id=f"vigie:nudge:{self.KIND}:{nudge_id}"))
        self.nudge_id = nudge_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from a click, after a restart too, keeping the label it was sent with."""
        label = item.label if isinstance(item, ui.Button) and item.label else cls.KIND
        return cls(int(match["nudge"]), label)


class FixedButton(NudgeButton, template=rf"vigie:nudge:fixed:{_NUDGE}"):
    """The author says the post now carries its label: Vigie reads the post again and answers."""

    KIND = "fixed"
    STYLE = discord.ButtonStyle.success

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Only the author; the core re-checks the current text and closes the nudge when it is fixed."""
        await guarded(interaction, self._recheck(interaction))

    async def _recheck(self, interaction: discord.Interaction[Any]) -> None:
        nudge = await _own_nudge(interaction, self.nudge_id)
        if nudge is None:
            return
        private = _in_guild(interaction)
        nudges = services_of(interaction).nudges
        if not nudge.is_open:
            await reply(interaction, recheck_text(nudge, nudge.lang, nudges.disclosure), ephemeral=private)
            return
        await interaction.response.defer(ephemeral=private, thinking=True)
        posted = await current_text(interaction.client, nudge)
        nudge = await nudges.mark_fixed(self.nudge_id, await actor_for(interaction), posted)
        await reply(interaction, recheck_text(nudge, nudge.lang, nudges.disclosure), ephemeral=private)
        await _retire_buttons(interaction, nudge)


class NotSponsoredButton(NudgeButton, template=rf"vigie:nudge:not-sponsored:{_NUDGE}"):
    """The author says the post is not sponsored: a short optional note, recorded for a person to decide."""

    KIND = "not-sponsored"
    STYLE = discord.ButtonStyle.secondary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Only the author gets the form; a closed nudge answers with how it ended."""
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        nudge = await _own_nudge(interaction, self.nudge_id)
        if nudge is None:
            return
        if not nudge.is_open:
            policy = services_of(interaction).nudges.disclosure
            await reply(interaction, recheck_text(nudge, nudge.lang, policy), ephemeral=_in_guild(interaction))
            return
        await interaction.response.send_modal(not_sponsored_modal(self.nudge_id, nudge.lang))


class ShowNoteButton(NudgeButton, template=rf"vigie:nudge:show:{_NUDGE}"):
    """Under the neutral pointer posted when DMs are closed: reveals the note to its author alone."""

    KIND = "show"
    STYLE = discord.ButtonStyle.primary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """The author sees the note, with its two buttons, in a message only they can see."""
        await guarded(interaction, self._show(interaction))

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        nudge = await _own_nudge(interaction, self.nudge_id)
        if nudge is None:
            return
        nudges = services_of(interaction).nudges
        if not nudge.is_open:
            await reply(interaction, recheck_text(nudge, nudge.lang, nudges.disclosure))
            return
        step: NudgeStep = "nudge" if nudge.state is NudgeState.OPEN else "remind"
        note = clip(nudges.text_for(nudge, step=step), MESSAGE_LIMIT)
        await reply(interaction, note, view=nudge_view(nudge.id, nudge.lang))


ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (FixedButton, NotSponsoredButton, ShowNoteButton)
"""Register these with the other persistent buttons so old notes still answer."""


def nudge_view(nudge_id: int, lang: str) -> ui.View:
    """The two answers under a private note."""
    view = ui.View(timeout=None)
    view.add_item(FixedButton(nudge_id, tr("discord.fixed_it", lang)))
    view.add_item(NotSponsoredButton(nudge_id, tr("discord.not_sponsored", lang)))
    return view


def pointer_view(nudge_id: int, lang: str) -> ui.View:
    """The one button under the neutral pointer."""
    view = ui.View(timeout=None)
    view.add_item(ShowNoteButton(nudge_id, tr("discord.show_note", lang)))
    return view


def not_sponsored_modal(nudge_id: int, lang: str) -> Form:
    """Asks the author for an optional short note with their "not sponsored" answer."""
    form = Form(tr("discord.not_sponsored_title", lang), f"vigie:nudge-form:{nudge_id}")
    form.add_item(
        ui.TextInput(
            label=clip(tr("discord.not_sponsored_label", lang), 45),
            custom_id="note",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_NOTE,
            placeholder=tr("discord.not_sponsored_placeholder", lang),
        )
    )
    return form


async def _submit_not_sponsored(
    interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]
) -> None:
    private = _in_guild(interaction)
    await interaction.response.defer(ephemeral=private, thinking=True)
    nudge = await services_of(interaction).nudges.mark_not_sponsored(
        int(match["nudge"]), await actor_for(interaction), values.get("note", "")
    )
    log.info("disclosure nudge %d: the author answered not sponsored", nudge.id)
    await reply(interaction, not_sponsored_text(nudge.lang or user_lang(interaction)), ephemeral=private)
    await _retire_buttons(interaction, nudge)


ROUTES: tuple[Route, ...] = ((re.compile(rf"vigie:nudge-form:{_NUDGE}"), _submit_not_sponsored),)
"""Routed like the other forms, by custom_id, so a form opened before a restart still submits."""
