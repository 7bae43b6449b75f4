"""Slack slash commands and message shortcuts: /charter, /appeal, /case, /override, /vigie-setup, report, remove."""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.blocks import (
    INPUT_CLAUSE,
    INPUT_NOTE,
    INPUT_REASON,
    MODAL_REMOVE,
    MODAL_REPORT,
    SHORTCUT_REMOVE,
    SHORTCUT_REPORT,
    ModalContext,
    appealable_blocks,
    case_text,
    remove_modal,
    report_modal,
    status_name,
    words_of,
)
from bot.adapters.slack.convert import markdown_to_mrkdwn, post_from_history
from bot.adapters.slack.glue import Body, Glue, case_number, channel_of, team_of, typed, user_of
from bot.adapters.slack.listeners import appeal, open_appeal_form
from bot.adapters.slack.setup import SetupCommand
from bot.charter.render import render_clause, render_markdown
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.i18n import tr
from bot.models import Message

METADATA_LIMIT = 3000  # Slack's limit for a view's private_metadata


class SlackCommands:
    """Slash commands and message shortcuts; the core decides who may do what."""

    def __init__(self, glue: Glue) -> None:
        """Share the services, platform and directory through `glue`."""
        self._glue = glue
        self._setup = SetupCommand(glue.services, glue.directory)

    def register(self, app: AsyncApp) -> None:
        """Attach the commands and shortcuts to `app`."""
        app.command("/charter")(self.on_charter)
        app.command("/appeal")(self.on_appeal)
        app.command("/case")(self.on_case)
        app.command("/override")(self.on_override)
        app.command("/vigie-setup")(self.on_setup)
        app.shortcut(SHORTCUT_REPORT)(self.on_report_shortcut)
        app.shortcut(SHORTCUT_REMOVE)(self.on_remove_shortcut)
        app.view(MODAL_REPORT)(self.on_report_submit)
        app.view(MODAL_REMOVE)(self.on_remove_submit)

    # -- slash commands --------------------------------------------------------------------

    async def on_charter(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/charter [clause]`: the published charter, or one clause, in the member's language."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        charter = self._glue.services.policy.charter
        lang = await self._glue.lang(team, user)
        wanted = str(command.get("text") or "").strip().lstrip("§").strip()
        if not wanted:
            await self._glue.reply(client, body, user, markdown_to_mrkdwn(render_markdown(charter, lang)))
            return
        rule = charter.clause(int(wanted)) if wanted.isdigit() else charter.rule(wanted)
        if rule is None:
            await self._glue.reply(client, body, user, tr("slack.no_clause", lang, clause=wanted))
            return
        await self._glue.reply(client, body, user, markdown_to_mrkdwn(render_clause(charter, rule, lang)))

    async def on_appeal(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/appeal <case> <reason>`: the same appeal as the button. `/appeal <case>` opens its form;
        `/appeal` alone lists the member's open cases, each with its Appeal button (only they see it)."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        case_token, _, reason = str(command.get("text") or "").strip().partition(" ")
        if not case_token:
            await self._offer_open_cases(client, body, team, user)
            return
        case_id = case_number(case_token)
        if case_id is None:
            await self._glue.reply(client, body, user, tr("slack.usage_appeal", await self._glue.lang(team, user)))
            return
        if not reason.strip():
            await open_appeal_form(self._glue, client, body, team, user, case_id)
            return
        await appeal(self._glue, client, body, context, case_id, reason)

    async def _offer_open_cases(self, client: AsyncWebClient, body: Body, team: str, user: str) -> None:
        lang = await self._glue.lang(team, user)
        author = await self._glue.directory.actor(team, user)
        found = await self._glue.services.cases.appealable_for(author)
        if not found:
            await self._glue.reply(client, body, user, tr("appeals.none", lang))
            return
        blocks = appealable_blocks(found, self._glue.services.policy.charter, lang)
        await self._glue.reply(client, body, user, tr("appeals.pick", lang), blocks)

    async def on_case(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/case <id>` (moderators): the case, its content and its audit trail; another workspace's is missing."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        viewer = await self._glue.directory.actor(team, user)
        if not viewer.is_moderator:
            await self._glue.reply(client, body, user, tr("slack.not_moderator", lang))
            return
        case_id = case_number(str(command.get("text") or "").strip())
        if case_id is None:
            await self._glue.reply(client, body, user, tr("slack.usage_case", lang))
            return
        try:
            case = await self._glue.services.cases.get_for(case_id, viewer)
            trail = await self._glue.services.cases.trail_for(case_id, viewer)
        except NotFoundError as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        platform = self._glue.platform
        names = await platform.names_in(case.community, words_of(case))
        copy = case.restored_message_id
        link = await platform.message_link(case.community, case.channel, copy) if copy else None
        charter = self._glue.services.policy.charter
        await self._glue.reply(client, body, user, case_text(case, trail, charter, lang, names=names, copy_link=link))

    async def on_override(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/override <id> uphold|overturn <reason>`; the core refuses anyone but a moderator."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        parts = str(command.get("text") or "").strip().split(maxsplit=2)
        case_id = case_number(parts[0]) if parts else None
        if case_id is None or len(parts) < 2:
            await self._glue.reply(client, body, user, tr("slack.usage_override", lang))
            return
        reason = parts[2] if len(parts) > 2 else ""
        try:
            moderator = await self._glue.directory.actor(team, user)
            case = await self._glue.services.cases.override(case_id, moderator, parts[1].lower(), reason)
        except (TransitionError, NotFoundError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        await self._glue.reply(
            client, body, user, tr("slack.decided", lang, case=case.id, status=status_name(case.status, lang))
        )

    async def on_setup(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/vigie-setup …` (workspace admins): review and log channels, moderators, language."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        answer = await self._setup.run(team, user, str(command.get("text") or ""))
        await self._glue.reply(client, body, user, answer)

    # -- message shortcuts -----------------------------------------------------------------

    @staticmethod
    def _shortcut_context(body: Body, team: str) -> ModalContext:
        message = body.get("message") or {}
        channel = channel_of(body)
        base: dict[str, Any] = {
            "team": team,
            "channel": channel,
            "message_channel": channel,
            "message_ts": str(message.get("ts") or ""),
            "thread_ts": message.get("thread_ts"),
        }
        with_text = ModalContext(**base, author=message.get("user"), text=message.get("text"))
        # Short messages travel inside the modal (signed by Slack on the way back); long ones are fetched again.
        return with_text if len(with_text.dump()) <= METADATA_LIMIT else ModalContext(**base)

    async def on_report_shortcut(
        self, ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """ "Report to moderators": a short form with an optional note."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        view = report_modal(await self._glue.lang(team, user), self._shortcut_context(body, team))
        try:
            await call(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
        except PlatformError as exc:
            await self._glue.refuse(client, body, user, exc)

    async def on_remove_shortcut(
        self, ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """ "Remove under charter" (moderators): pick the clause and give a reason."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        if not await self._glue.directory.is_moderator(team, user):
            await self._glue.reply(client, body, user, tr("slack.not_moderator", lang))
            return
        view = remove_modal(self._glue.services.policy.charter, lang, self._shortcut_context(body, team))
        try:
            await call(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
        except PlatformError as exc:
            await self._glue.refuse(client, body, user, exc)

    async def on_report_submit(
        self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Send the message to the review channel as a member report."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        try:
            reporter = await self._glue.directory.actor(team, user)
            message = await self._shortcut_message(client, ModalContext.load(view.get("private_metadata")))
            if message is None:
                await self._glue.reply(client, body, user, tr("slack.message_gone", reporter.locale))
                return
            case = await self._glue.services.moderation.report(message, reporter, typed(view, INPUT_NOTE))
        except (TransitionError, NotFoundError, PlatformError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        await self._glue.reply(client, body, user, tr("slack.report_sent", reporter.locale, case=case.id))

    async def on_remove_submit(
        self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """A moderator's removal under the chosen clause, through the same pipeline as automation."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        try:
            moderator = await self._glue.directory.actor(team, user)
            message = await self._shortcut_message(client, ModalContext.load(view.get("private_metadata")))
            if message is None:
                await self._glue.reply(client, body, user, tr("slack.message_gone", moderator.locale))
                return
            rule_id, reason = typed(view, INPUT_CLAUSE), typed(view, INPUT_REASON)
            case = await self._glue.services.moderation.remove_manually(message, rule_id, moderator, reason)
        except (TransitionError, NotFoundError, PlatformError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        answer = tr("slack.removed_done", moderator.locale, case=case.id, clause=case.clause)
        await self._glue.reply(client, body, user, answer)

    async def _shortcut_message(self, client: AsyncWebClient, metadata: ModalContext) -> Message | None:
        team, channel, ts = metadata.team or "", metadata.message_channel or "", metadata.message_ts or ""
        if metadata.text is not None and metadata.author:
            post = post_from_history({"user": metadata.author, "ts": ts, "text": metadata.text}, team, channel)
        else:
            post = await self._glue.fetch_post(client, team, channel, ts, metadata.thread_ts)
        if post is None:
            return None
        self._glue.platform.note_thread(post.channel, post.ts, metadata.thread_ts)
        return await self._glue.message(post)
