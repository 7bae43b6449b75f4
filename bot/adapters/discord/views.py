"""Persistent buttons and modals: the case id lives in each custom_id, so they survive restarts."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, Self

import discord
from discord import ui

from bot.adapters.discord.context import (
    GuildSettings,
    actor_for,
    card_language,
    guarded,
    refuse,
    reply,
    services_of,
    user_lang,
)
from bot.adapters.discord.convert import to_message
from bot.adapters.discord.render import clip, decided_embed, rule_title
from bot.charter.model import Charter
from bot.i18n import tr
from bot.models import Case
from bot.ports import CardKind

log = logging.getLogger(__name__)

_CASE = r"(?P<case>[0-9]{1,18})"
_TARGET = r"(?P<channel>[0-9]{1,20}):(?P<message>[0-9]{1,20})"

Button = ui.Button[ui.View]


class CaseButton(ui.DynamicItem[Button], template=rf"vigie:(?P<prefix>[a-z]+):(?:(?P<verb>[a-z]+):)?{_CASE}"):
    """A button about one case, valid after restarts: `vigie:{PREFIX}[:{verb}]:{case id}`.

    Subclasses set `PREFIX` and, per verb, a non-default `STYLES` entry.
    """

    PREFIX = ""
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {}

    def __init__(self, case_id: int, label: str, verb: str = "") -> None:
        """A button for `case_id`, labelled in the reader's language; `verb` picks the action on cards."""
        custom_id = ":".join(part for part in ("vigie", self.PREFIX, verb, str(case_id)) if part)
        style = self.STYLES.get(verb, discord.ButtonStyle.secondary)
        super().__init__(ui.Button(label=label or verb, style=style, custom_id=custom_id))
        self.verb, self.case_id = verb, case_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from a click, after a restart too, keeping the label it was sent with."""
        label = item.label if isinstance(item, ui.Button) and item.label else cls.PREFIX
        return cls(int(match["case"]), label, match.groupdict().get("verb") or "")


class AppealButton(CaseButton, template=rf"vigie:appeal:{_CASE}"):
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


class SeeMessageButton(CaseButton, template=rf"vigie:see:{_CASE}"):
    """On a public notice: the author gets their removed text back, privately."""

    PREFIX = "see"

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """The core decides who may read the content (the author only)."""
        await guarded(interaction, self._show(interaction))

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        content = await services_of(interaction).cases.content_for(self.case_id, await actor_for(interaction))
        embed = discord.Embed(description=clip(content, 4096))
        await reply(interaction, tr("discord.your_message", user_lang(interaction), case=self.case_id), embed=embed)


class ReviewButton(CaseButton, template=rf"vigie:review:(?P<verb>remove|dismiss):{_CASE}"):
    """On a review or report card: a moderator removes the message or dismisses the case, with a reason.

    A reason is asked on both platforms: the removal becomes the moderator's own decision, and the
    statement of reasons, the case page and any appeal need the "why" of a person, not a stock line.
    """

    PREFIX = "review"
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"remove": discord.ButtonStyle.danger}

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Moderators only (checked, and a refusal audited, before the form opens)."""
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        case = await services_of(interaction).cases.check_review(self.case_id, await actor_for(interaction))
        await interaction.response.send_modal(review_modal(self.verb, case.id, case.clause, user_lang(interaction)))


class DecisionButton(CaseButton, template=rf"vigie:decide:(?P<verb>uphold|overturn):{_CASE}"):
    """On an appeal card: a moderator upholds or overturns, giving a reason in a modal."""

    PREFIX = "decide"
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"overturn": discord.ButtonStyle.success}

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Moderators only; the core refuses a moderator deciding the appeal of their own removal."""
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        # Before any form: a member is refused (audited), the moderator who acted is sent to a colleague,
        # and a case of another server is "missing".
        await services_of(interaction).cases.check_decision(self.case_id, await actor_for(interaction))
        await interaction.response.send_modal(decision_modal(self.verb, self.case_id, user_lang(interaction)))


DYNAMIC_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (AppealButton, SeeMessageButton, ReviewButton, DecisionButton)
"""Register these once (`bot.add_dynamic_items`) so clicks on old messages still work."""


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


def card_view(case: Case, kind: CardKind, lang: str) -> ui.View | None:
    """Moderator buttons under a card: Remove/Dismiss for reviews and reports, Uphold/Overturn for appeals."""
    view = ui.View(timeout=None)
    if kind in ("review", "report"):
        view.add_item(ReviewButton(case.id, tr("discord.remove_under", lang, clause=case.clause), "remove"))
        view.add_item(ReviewButton(case.id, tr("discord.dismiss", lang), "dismiss"))
    elif kind == "appeal":
        view.add_item(DecisionButton(case.id, tr("discord.uphold", lang), "uphold"))
        view.add_item(DecisionButton(case.id, tr("discord.overturn", lang), "overturn"))
    else:
        return None
    return view


async def _close_card(interaction: discord.Interaction[Any], case: Case, summary: str) -> None:
    """Replace the card's buttons by the outcome, so no one acts on it twice."""
    message = interaction.message
    if message is None:
        await reply(interaction, summary)
        return
    lang = await card_language(interaction)
    embed = decided_embed(message.embeds[0] if message.embeds else None, case, summary, lang)
    await interaction.edit_original_response(embed=embed, view=None)


# ---------------------------------------------------------------- modals


class Form(ui.Modal):
    """A modal whose submission is routed by its custom_id (see `route_modal`), so it outlives a restart."""

    def __init__(self, title: str, custom_id: str) -> None:
        """A titled modal; items are added by the builders below."""
        super().__init__(title=clip(title, 45), custom_id=custom_id, timeout=900)


def _reason_input(label: str, *, required: bool = True, placeholder: str | None = None) -> ui.TextInput[Any]:
    return ui.TextInput(
        label=clip(label, 45),
        custom_id="reason",
        style=discord.TextStyle.paragraph,
        required=required,
        max_length=1000,
        placeholder=placeholder,
    )


def appeal_modal(case_id: int, lang: str) -> Form:
    """Asks the author why the decision should change."""
    form = Form(tr("discord.appeal_title", lang, case=case_id), f"vigie:appeal-form:{case_id}")
    form.add_item(_reason_input(tr("discord.appeal_label", lang), placeholder=tr("discord.appeal_placeholder", lang)))
    return form


def review_modal(verb: str, case_id: int, clause: int, lang: str) -> Form:
    """Asks a moderator why they remove a held message or dismiss its case."""
    title = tr(f"appeals.review_title_{verb}", lang, case=case_id, clause=clause)
    form = Form(title, f"vigie:review-form:{verb}:{case_id}")
    form.add_item(_reason_input(tr("appeals.review_label", lang)))
    return form


def decision_modal(verb: str, case_id: int, lang: str) -> Form:
    """Asks a moderator for the reason of an uphold or overturn."""
    form = Form(tr(f"discord.decision_title_{verb}", lang, case=case_id), f"vigie:decide-form:{verb}:{case_id}")
    form.add_item(_reason_input(tr("discord.decision_label", lang)))
    return form


def report_modal(channel_id: int, message_id: int, lang: str) -> Form:
    """Asks a member what is wrong with a message they report."""
    form = Form(tr("discord.report_title", lang), f"vigie:report-form:{channel_id}:{message_id}")
    form.add_item(_reason_input(tr("discord.report_label", lang), required=False))
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
    form.add_item(_reason_input(tr("discord.remove_reason", lang)))
    return form


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The values of a modal submission by custom_id (a select gives its first choice)."""
    values: dict[str, str] = {}

    def walk(components: list[Any]) -> None:
        for component in components:
            if component.get("type") == 1:
                walk(component.get("components", []))
            elif component.get("type") == 18:
                walk([component.get("component", {})])
            elif "custom_id" in component:
                chosen = component.get("values")
                values[component["custom_id"]] = chosen[0] if chosen else component.get("value") or ""

    walk(list(data.get("components", [])))
    return values


Handler = Callable[[discord.Interaction[Any], re.Match[str], dict[str, str]], Awaitable[None]]


async def _submit_appeal(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    case = await services_of(interaction).cases.appeal(
        int(match["case"]), await actor_for(interaction), values["reason"]
    )
    await reply(interaction, tr("discord.appeal_sent", user_lang(interaction), case=case.id))


async def _submit_decision(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    moderator = await actor_for(interaction)
    await interaction.response.defer()
    case = await services_of(interaction).cases.decide(int(match["case"]), moderator, match["verb"], values["reason"])
    summary = tr(f"discord.decided_{case.status.value}", user_lang(interaction), case=case.id, moderator=moderator.name)
    await _close_card(interaction, case, summary)


async def _submit_review(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    moderator = await actor_for(interaction)
    await interaction.response.defer()
    cases = services_of(interaction).cases
    if match["verb"] == "remove":
        case = await cases.remove_from_review(int(match["case"]), moderator, values["reason"])
        key = "discord.removed_from_review"
    else:
        case = await cases.dismiss(int(match["case"]), moderator, values["reason"])
        key = "discord.dismissed"
    summary = tr(key, user_lang(interaction), case=case.id, clause=case.clause, moderator=moderator.name)
    await _close_card(interaction, case, summary)


async def _fetch_target(interaction: discord.Interaction[Any], match: re.Match[str]) -> discord.Message | str:
    """The message a report or removal form names, or the key of the refusal to give.

    The channel is resolved for real (cache, else the API) and must belong to the guild the
    form was submitted from: a moderator of one server never acts on another server's message.
    """
    if interaction.guild_id is None:
        return "guild_only"
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


async def _submit_report(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = services_of(interaction)
    target = await _fetch_target(interaction, match)
    if isinstance(target, str) or interaction.guild_id is None:
        await refuse(interaction, target if isinstance(target, str) else "discord.guild_only")
        return
    settings = await GuildSettings.load(services.community, interaction.guild_id)
    message = to_message(target, moderator_role=settings.moderator_role, lang=settings.language)
    case = await services.moderation.report(message, await actor_for(interaction), values.get("reason", ""))
    await reply(interaction, tr("discord.reported", user_lang(interaction), case=case.id))


async def _submit_removal(interaction: discord.Interaction[Any], match: re.Match[str], values: dict[str, str]) -> None:
    moderator = await actor_for(interaction)
    if not moderator.is_moderator:
        await refuse(interaction, "discord.not_moderator")
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = services_of(interaction)
    target = await _fetch_target(interaction, match)
    if isinstance(target, str) or interaction.guild_id is None:
        await refuse(interaction, target if isinstance(target, str) else "discord.guild_only")
        return
    settings = await GuildSettings.load(services.community, interaction.guild_id)
    message = to_message(target, moderator_role=settings.moderator_role, lang=settings.language)
    case = await services.moderation.remove_manually(message, values["clause"], moderator, values.get("reason", ""))
    await reply(interaction, tr("discord.removed_manually", user_lang(interaction), case=case.id, clause=case.clause))


MODAL_ROUTES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(rf"vigie:appeal-form:{_CASE}"), _submit_appeal),
    (re.compile(rf"vigie:decide-form:(?P<verb>uphold|overturn):{_CASE}"), _submit_decision),
    (re.compile(rf"vigie:review-form:(?P<verb>remove|dismiss):{_CASE}"), _submit_review),
    (re.compile(rf"vigie:report-form:{_TARGET}"), _submit_report),
    (re.compile(rf"vigie:remove-form:{_TARGET}"), _submit_removal),
)


async def route_modal(
    interaction: discord.Interaction[Any], routes: Sequence[tuple[re.Pattern[str], Handler]] = MODAL_ROUTES
) -> bool:
    """Handle a Vigie modal submission by its custom_id; False if it is not one of ours."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    custom_id = str(interaction.data.get("custom_id", ""))
    for pattern, handler in routes:
        if match := pattern.fullmatch(custom_id):
            values = submitted_values(interaction.data)
            await guarded(interaction, handler(interaction, match, values))
            return True
    return False
