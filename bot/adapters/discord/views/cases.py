"""Moderators' buttons and forms on cards: Remove or Dismiss a held message, Uphold or Overturn an appeal."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord
from discord import ui

from bot.adapters.discord.context import actor_for, card_language, guarded, reply, services_of, user_lang
from bot.adapters.discord.render import decided_embed
from bot.adapters.discord.views.base import CASE, CaseButton, Form, Route, reason_input
from bot.i18n import tr
from bot.models import Case
from bot.ports import CardKind


class ReviewButton(CaseButton, template=rf"vigie:review:(?P<verb>remove|dismiss):{CASE}"):
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


class DecisionButton(CaseButton, template=rf"vigie:decide:(?P<verb>uphold|overturn):{CASE}"):
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


def review_modal(verb: str, case_id: int, clause: int, lang: str) -> Form:
    """Asks a moderator why they remove a held message or dismiss its case."""
    title = tr(f"appeals.review_title_{verb}", lang, case=case_id, clause=clause)
    form = Form(title, f"vigie:review-form:{verb}:{case_id}")
    form.add_item(reason_input(tr("appeals.review_label", lang)))
    return form


def decision_modal(verb: str, case_id: int, lang: str) -> Form:
    """Asks a moderator for the reason of an uphold or overturn."""
    form = Form(tr(f"discord.decision_title_{verb}", lang, case=case_id), f"vigie:decide-form:{verb}:{case_id}")
    form.add_item(reason_input(tr("discord.decision_label", lang)))
    return form


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


ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (ReviewButton, DecisionButton)
ROUTES: tuple[Route, ...] = (
    (re.compile(rf"vigie:decide-form:(?P<verb>uphold|overturn):{CASE}"), _submit_decision),
    (re.compile(rf"vigie:review-form:(?P<verb>remove|dismiss):{CASE}"), _submit_review),
)
