"""Slack listeners for messages, notice buttons, appeals and moderator cards: ack, convert, one call, render."""

from __future__ import annotations

import logging
import re

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.blocks import (
    ACTION_APPEAL,
    ACTION_SEE,
    DECISION_ACTIONS,
    INPUT_REASON,
    MODAL_APPEAL,
    MODAL_DECIDE,
    ModalContext,
    appeal_modal,
    decision_modal,
    quoted,
    status_name,
)
from bot.adapters.slack.convert import PLATFORM, deleted_ts, post_from_event
from bot.adapters.slack.glue import Body, Glue, channel_of, team_of, typed, user_of
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.i18n import tr
from bot.models import Case
from bot.ports import CardKind

log = logging.getLogger(__name__)

_DECISION_PATTERN = re.compile("^(" + "|".join(map(re.escape, DECISION_ACTIONS)) + ")$")
_CARD_KINDS: dict[str, CardKind] = {"review": "review", "report": "report", "appeal": "appeal", "degraded": "degraded"}


class SlackListeners:
    """Automatic moderation, the author's buttons and appeals, and the moderators' card decisions."""

    def __init__(self, glue: Glue) -> None:
        """Share the services, platform and directory through `glue`."""
        self._glue = glue

    def register(self, app: AsyncApp) -> None:
        """Attach these listeners to `app`."""
        app.event("message")(self.on_message)
        app.action(ACTION_APPEAL)(self.on_appeal_button)
        app.action(ACTION_SEE)(self.on_see_button)
        app.action(_DECISION_PATTERN)(self.on_decision_button)
        app.view(MODAL_APPEAL)(self.on_appeal_submit)
        app.view(MODAL_DECIDE)(self.on_decision_submit)
        app.error(self.on_error)

    async def on_message(self, ack: AsyncAck, event: Body, body: Body, context: AsyncBoltContext) -> None:
        """Screen new and edited messages, then check team posts for a disclosure; deletions withdraw nudges.

        The core acts at most once per message, retries included.
        """
        await ack()
        gone = deleted_ts(event)
        if gone is not None:
            # a deleted post withdraws its nudge
            await self._glue.services.intake.on_delete(
                PLATFORM, team_of(body, context), str(event.get("channel") or ""), gone
            )
            return
        await self.screen(event, team_of(body, context), context.bot_user_id)

    async def screen(self, event: Body, team: str, bot_user: str | None) -> bool:
        """Screen one `message` event's post of workspace `team` (live, or read back by the catch-up);
        False when there was no member's post to screen."""
        post = post_from_event(event, team)
        if post is None or post.user == bot_user:
            return False
        self._glue.platform.note_thread(post.channel, post.ts, post.thread_ts)
        message = await self._glue.message(post)
        if message is None:
            return False
        result = await self._glue.services.intake.on_message(message)
        if result.outcome.case is not None:
            case = result.outcome.case
            log.debug("slack message %s: case %d (%s)", post.ts, case.id, result.outcome.verdict.action.value)
        if result.nudge is not None:
            log.debug("slack message %s: disclosure nudge %d (%s)", post.ts, result.nudge.id, result.nudge.state.value)
        return True

    async def on_appeal_button(
        self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Open the appeal form, once the core agrees this member may appeal this case now.

        Someone else's notice, a second appeal or a closed window is answered privately at once,
        never after a reason was typed; the core audits the refusal.
        """
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        case_id = int(str(action.get("value") or "0"))
        await open_appeal_form(self._glue, client, body, team, user, case_id)

    async def on_appeal_submit(
        self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """File the appeal; the core posts the appeal card for the moderators."""
        await ack()
        metadata = ModalContext.load(view.get("private_metadata"))
        await appeal(self._glue, client, body, context, metadata.case_id or 0, typed(view, INPUT_REASON))

    async def on_see_button(
        self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """The author's own removed text, shown to them alone (the core refuses anyone else)."""
        await ack()
        user = user_of(body, context)
        case_id = int(str(action.get("value") or "0"))
        try:
            requester = await self._glue.directory.actor(team_of(body, context), user)
            content = await self._glue.services.cases.content_for(case_id, requester)
        except (TransitionError, NotFoundError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        # As the author wrote it and as readers saw it: "@channel @Bob", never "<!channel> <@U…>".
        names = await self._glue.platform.names_in(team_of(body, context), content)
        await self._glue.reply(client, body, user, f"#{case_id}\n{quoted(content, 3500, names)}")

    async def on_decision_button(
        self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Remove / Dismiss / Uphold / Overturn on a card: ask the moderator for a reason."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        moderator = await self._glue.directory.actor(team, user)
        case_token, _, kind = str(action.get("value") or "").partition(":")
        decision = DECISION_ACTIONS[str(action.get("action_id"))]
        container = body.get("container") or {}
        metadata = ModalContext(
            case_id=int(case_token),
            decision=decision,
            kind=kind,
            channel=channel_of(body),
            card_channel=container.get("channel_id") or channel_of(body),
            card_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        )
        cases = self._glue.services.cases
        try:
            # Every check before the form: a member is refused (audited), the moderator who removed is
            # sent to a colleague, and a case of another workspace is "missing".
            if decision in ("remove", "dismiss"):
                case = await cases.check_review(int(case_token), moderator)
            elif kind == "appeal":
                case = await cases.check_decision(int(case_token), moderator)
            else:
                case = await cases.check_override(int(case_token), moderator)
            view = decision_modal(case.id, case.clause, decision, lang, metadata)
            await call(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
        except (TransitionError, NotFoundError, PlatformError) as exc:
            await self._glue.refuse(client, body, user, exc)

    async def on_decision_submit(
        self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Carry out the moderator's decision, then redraw the card with the outcome."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        metadata = ModalContext.load(view.get("private_metadata"))
        reason, case_id, decision = typed(view, INPUT_REASON), metadata.case_id or 0, str(metadata.decision)
        cases = self._glue.services.cases
        try:
            moderator = await self._glue.directory.actor(team, user)
            if decision == "remove":
                case = await cases.remove_from_review(case_id, moderator, reason)
            elif decision == "dismiss":
                case = await cases.dismiss(case_id, moderator, reason)
            elif metadata.kind == "appeal":
                case = await cases.decide(case_id, moderator, decision, reason)
            else:
                case = await cases.override(case_id, moderator, decision, reason)
        except (TransitionError, NotFoundError) as exc:
            await self._glue.refuse(client, body, user, exc)
            return
        await self._redraw(metadata, case)
        lang = await self._glue.lang(team, user)
        await self._glue.reply(
            client, body, user, tr("slack.decided", lang, case=case.id, status=status_name(case.status, lang))
        )

    async def _redraw(self, metadata: ModalContext, case: Case) -> None:
        if not (metadata.card_channel and metadata.card_ts and metadata.kind):
            return
        try:
            kind = _CARD_KINDS.get(metadata.kind, "review")
            await self._glue.platform.update_card(metadata.card_channel, metadata.card_ts, case, kind)
        except PlatformError:
            log.warning("case %d: card %s not updated", case.id, metadata.card_ts)

    async def on_error(self, error: Exception, body: Body) -> None:
        """Anything a listener did not expect: one log line naming the payload type, never its content."""
        log.error("slack listener failed on %s: %s", body.get("type") or body.get("command"), error, exc_info=error)


async def open_appeal_form(glue: Glue, client: AsyncWebClient, body: Body, team: str, user: str, case_id: int) -> None:
    """The appeal form for `case_id`, or the core's refusal said privately (the button and `/appeal N`)."""
    try:
        author = await glue.directory.actor(team, user)
        await glue.services.cases.check_appeal(case_id, author)
        lang = await glue.lang(team, user)
        view = appeal_modal(case_id, lang, ModalContext(case_id=case_id, channel=channel_of(body)))
        await call(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
    except (TransitionError, NotFoundError, PlatformError) as exc:
        await glue.refuse(client, body, user, exc)


async def appeal(
    glue: Glue, client: AsyncWebClient, body: Body, context: AsyncBoltContext, case_id: int, reason: str
) -> None:
    """File an appeal from the modal or from `/appeal`, and tell the author it was sent."""
    user = user_of(body, context)
    try:
        author = await glue.directory.actor(team_of(body, context), user)
        case = await glue.services.cases.appeal(case_id, author, reason)
    except (TransitionError, NotFoundError) as exc:
        await glue.refuse(client, body, user, exc)
        return
    await glue.reply(client, body, user, tr("slack.appeal_sent", author.locale, case=case.id))
