"""Slack side of disclosure nudges: "I've fixed it", "Not sponsored" and `/disclosure check|report`."""

from __future__ import annotations

import logging

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.blocks import (
    ACTION_NUDGE_FIXED,
    ACTION_NUDGE_NOT_SPONSORED,
    INPUT_NOTE,
    MODAL_NOT_SPONSORED,
    ModalContext,
    not_sponsored_modal,
)
from bot.adapters.slack.convert import PLATFORM
from bot.adapters.slack.findings import answers_text, finding_text
from bot.adapters.slack.glue import Body, Glue, channel_of, team_of, typed, user_of
from bot.disclosure.messages import not_sponsored_text, recheck_text, report_text
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.i18n import tr
from bot.models import Nudge

log = logging.getLogger(__name__)

REPORT_ANSWERS = 10


def _nudge_id(action: Body) -> int:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else 0


class SlackDisclosure:
    """The author's two buttons on a nudge, and the `/disclosure` command; the core decides everything."""

    def __init__(self, glue: Glue) -> None:
        """Share the services, platform and directory through `glue`."""
        self._glue = glue

    def register(self, app: AsyncApp) -> None:
        """Attach the buttons, the modal and the command to `app`."""
        app.action(ACTION_NUDGE_FIXED)(self.on_fixed)
        app.action(ACTION_NUDGE_NOT_SPONSORED)(self.on_not_sponsored)
        app.view(MODAL_NOT_SPONSORED)(self.on_not_sponsored_submit)
        app.command("/disclosure")(self.on_command)

    async def _own_nudge(
        self, client: AsyncWebClient, body: Body, team: str, user: str, nudge_id: int
    ) -> tuple[Nudge, str] | None:
        """The nudge and the answer language when `user` wrote the post; otherwise say why not and return None.

        The core refuses anyone but the author too; asking first spares reading the post for a forged click.
        """
        lang = await self._glue.lang(team, user)
        try:
            nudge = await self._glue.services.nudges.get(nudge_id)
        except NotFoundError as exc:
            await self._glue.refuse(client, body, user, exc)
            return None
        if nudge.platform != PLATFORM or nudge.author_id != user:
            await self._glue.reply(client, body, user, tr("slack.not_your_nudge", lang))
            return None
        return nudge, lang

    async def on_fixed(
        self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Re-check the post as it reads now: thanks when labelled, otherwise what is still missing."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        found = await self._own_nudge(client, body, team, user, _nudge_id(action))
        if found is None:
            return
        nudge, lang = found
        nudges = self._glue.services.nudges
        try:
            post = await self._glue.fetch_post(client, nudge.community, nudge.channel, nudge.message_id)
        except PlatformError as exc:
            await self._glue.reply(client, body, user, tr("slack.post_unreadable", lang, failure=exc.failure.value))
            return
        try:
            author = await self._glue.directory.actor(team, user)
            updated = await nudges.mark_fixed(nudge.id, author, post.text if post is not None else None)
        except (TransitionError, NotFoundError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        await self._glue.reply(client, body, user, recheck_text(updated, lang, nudges.disclosure))

    async def on_not_sponsored(
        self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Ask the author for an optional note; a closed reminder just says where it stands."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        found = await self._own_nudge(client, body, team, user, _nudge_id(action))
        if found is None:
            return
        nudge, lang = found
        if not nudge.is_open:
            await self._glue.reply(client, body, user, recheck_text(nudge, lang, self._glue.services.nudges.disclosure))
            return
        view = not_sponsored_modal(lang, ModalContext(nudge_id=nudge.id, channel=channel_of(body), team=team))
        try:
            await call(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
        except PlatformError as exc:
            await self._glue.reply(client, body, user, tr("slack.post_unreadable", lang, failure=exc.failure.value))

    async def on_not_sponsored_submit(
        self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Record the author's statement: reminders stop and a person decides."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        metadata = ModalContext.load(view.get("private_metadata"))
        try:
            author = await self._glue.directory.actor(team, user)
            await self._glue.services.nudges.mark_not_sponsored(metadata.nudge_id or 0, author, typed(view, INPUT_NOTE))
        except (TransitionError, NotFoundError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        await self._glue.reply(client, body, user, not_sponsored_text(await self._glue.lang(team, user)))

    async def on_command(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/disclosure check <text>` for anyone (a private dry run), `/disclosure report` for moderators."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        words = str(command.get("text") or "").strip().split(maxsplit=1)
        verb = words[0].lower() if words else ""
        if verb == "check" and len(words) == 2:
            answer = await self._check(team, words[1], lang)
        elif verb == "report" and len(words) == 1:
            answer = await self._report(team, user, lang)
        else:
            answer = tr("slack.usage_disclosure", lang)
        await self._glue.reply(client, body, user, answer)

    async def _check(self, team: str, text: str, lang: str) -> str:
        nudges = self._glue.services.nudges
        # No language hint: Slack posts carry none either, so the dry run finds what a real post would.
        finding = await nudges.dry_run(text, platform=PLATFORM, community=team)
        policy = nudges.disclosure
        if finding is None or policy is None:
            return tr("slack.no_disclosure", lang)
        return finding_text(finding, policy, lang)

    async def _report(self, team: str, user: str, lang: str) -> str:
        if not await self._glue.directory.is_moderator(team, user):
            return tr("slack.not_moderator", lang)
        nudges = self._glue.services.nudges
        summary = report_text(await nudges.report(PLATFORM, team), lang)
        answers = []
        for nudge in await nudges.not_sponsored_answers(PLATFORM, team, limit=REPORT_ANSWERS):
            author = await self._glue.directory.user(nudge.community, nudge.author_id)
            link = await self._glue.platform.message_link(nudge.community, nudge.channel, nudge.message_id)
            when = (nudge.resolved_at or nudge.updated_at).strftime("%Y-%m-%d")
            answers.append((nudge.id, f"@{author.name or nudge.author_id}", when, link, nudge.note))
        return f"{summary}\n\n{answers_text(answers, lang)}"
