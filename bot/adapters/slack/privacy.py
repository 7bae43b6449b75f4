"""Slack: /privacy, /mydata (a JSON file in a direct message), /mycases, /forgetme (confirmed) and /guard."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.convert import PLATFORM, escape, markdown_to_mrkdwn
from bot.adapters.slack.glue import Body, Glue, team_of, user_of
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.i18n import tr
from bot.privacy.notice import render_privacy
from bot.privacy.pseudonym import MemberKey
from bot.privacy.service import case_lines, summary

FORGET_YES = "vigie_forget_yes"
FORGET_NO = "vigie_forget_no"
FILE_NAME = "vigie-mydata.json"
MYCASES_LIMIT = 25


def forget_blocks(lang: str) -> list[dict[str, Any]]:
    """The confirmation: what erasure keeps and removes, then Erase / Cancel."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(tr("privacy.forgetme_confirm", lang))}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": FORGET_YES,
                    "style": "danger",
                    "text": {"type": "plain_text", "text": tr("privacy.forgetme_yes", lang)},
                    "value": "erase",
                },
                {
                    "type": "button",
                    "action_id": FORGET_NO,
                    "text": {"type": "plain_text", "text": tr("privacy.forgetme_no", lang)},
                    "value": "cancel",
                },
            ],
        },
    ]


class SlackPrivacy:
    """Members' data rights and the rule guards, on Slack; each answer is private."""

    def __init__(self, glue: Glue) -> None:
        """Share the services and the directory through `glue`."""
        self._glue = glue

    def register(self, app: AsyncApp) -> None:
        """Attach the commands and the confirmation buttons to `app`."""
        app.command("/privacy")(self.on_privacy)
        app.command("/mydata")(self.on_mydata)
        app.command("/mycases")(self.on_mycases)
        app.command("/forgetme")(self.on_forgetme)
        app.command("/guard")(self.on_guard)
        app.action(FORGET_YES)(self.on_forget_yes)
        app.action(FORGET_NO)(self.on_forget_no)

    async def on_privacy(self, ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """The charter's privacy notice, in the member's language."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        notice = render_privacy(self._glue.services.policy.charter, lang)
        await self._glue.reply(client, body, user, markdown_to_mrkdwn(notice))

    async def on_mydata(self, ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """The member's data as a JSON file in a direct message only they see, and a short summary."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        data = await self._glue.services.privacy.export(MemberKey(PLATFORM, team, user))
        try:
            opened = await call(client.conversations_open(users=user), "conversations.open")
            channel = str((opened.get("channel") or {}).get("id"))
            await call(
                client.files_upload_v2(
                    channel=channel,
                    content=json.dumps(data, ensure_ascii=False, indent=2),
                    filename=FILE_NAME,
                    title=tr("privacy.file_note", lang),
                    initial_comment=summary(data, lang),
                ),
                "files.upload",
            )
        except PlatformError:
            await self._glue.reply(client, body, user, tr("privacy.dm_closed", lang))
            return
        await self._glue.reply(client, body, user, f"{summary(data, lang)}\n{tr('privacy.dm_sent', lang)}")

    async def on_mycases(self, ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """The member's own cases in this workspace, newest first."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        services = self._glue.services
        cases = await services.store.cases_for_author(PLATFORM, user, limit=MYCASES_LIMIT, community=team)
        if not cases:
            await self._glue.reply(client, body, user, tr("privacy.mycases_none", lang))
            return
        lines = case_lines(cases, services.policy.charter, lang)
        text = f"*{tr('privacy.mycases_title', lang)}*\n" + "\n".join(escape(line) for line in lines)
        await self._glue.reply(client, body, user, text)

    async def on_forgetme(self, ack: AsyncAck, body: Body, respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """Explain what erasure keeps and removes, with Erase / Cancel buttons only the member sees."""
        await ack()
        lang = await self._glue.lang(team_of(body, context), user_of(body, context))
        await respond(text=tr("privacy.forgetme_confirm", lang), blocks=forget_blocks(lang), response_type="ephemeral")

    async def on_forget_yes(self, ack: AsyncAck, body: Body, respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """The member who clicks is the one erased: nobody can erase anyone else."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        counts = await self._glue.services.privacy.erase(MemberKey(PLATFORM, team, user))
        done = tr(
            "privacy.forgetme_done", lang, cases=counts.cases, notes=counts.nudges, withdrawn=counts.withdrawn_appeals
        )
        await respond(text=done, replace_original=True, response_type="ephemeral")

    async def on_forget_no(self, ack: AsyncAck, body: Body, respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """Leave everything as it is."""
        await ack()
        lang = await self._glue.lang(team_of(body, context), user_of(body, context))
        await respond(text=tr("privacy.forgetme_cancelled", lang), replace_original=True, response_type="ephemeral")

    async def on_guard(
        self, ack: AsyncAck, body: Body, command: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`/guard` or `/guard restore <clause> <reason>` (moderators)."""
        await ack()
        team, user = team_of(body, context), user_of(body, context)
        lang = await self._glue.lang(team, user)
        moderator = await self._glue.directory.actor(team, user)
        if not moderator.is_moderator:
            await self._glue.reply(client, body, user, tr("slack.not_moderator", lang))
            return
        guards = self._glue.services.guards
        parts = str(command.get("text") or "").strip().split(maxsplit=2)
        if parts and parts[0] == "restore":
            if len(parts) < 3 or not parts[1].lstrip("§").isdigit():
                await self._glue.reply(client, body, user, "/guard restore <clause> <reason>")
                return
            clause = int(parts[1].lstrip("§"))
            try:
                await guards.restore(PLATFORM, team, clause, moderator, parts[2])
            except (TransitionError, NotFoundError) as exc:
                await self._glue.refuse(client, body, user, exc)
                return
            await self._glue.reply(client, body, user, tr("privacy.guard_restored_done", lang, clause=clause))
            return
        rows = await guards.states(PLATFORM, team)
        lines = [
            tr(
                "privacy.guard_line",
                lang,
                clause=row.clause,
                state=tr("privacy.guard_tripped", lang)
                if row.state == "tripped"
                else tr("privacy.guard_restored", lang),
                since=row.since.date().isoformat(),
                overturned=row.overturned,
                appeals=row.appeals,
            )
            for row in rows
        ]
        await self._glue.reply(client, body, user, "\n".join(lines) or tr("privacy.guard_none", lang))
