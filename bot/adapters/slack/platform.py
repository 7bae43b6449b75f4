"""SlackPlatform: the core's Platform port carried out with the Slack Web API."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.blocks import (
    SECTION_LIMIT,
    card_blocks,
    notice_blocks,
    nudge_blocks,
    nudge_mrkdwn,
    restored_blocks,
    rule_title,
    section,
    thread_notice,
    thread_notice_blocks,
    words_of,
)
from bot.adapters.slack.clients import SingleWorkspace, SlackClients
from bot.adapters.slack.convert import PLATFORM, defuse_mentions, escape, mentioned_users, readable
from bot.adapters.slack.directory import LANGUAGE, LOG_CHANNEL, REVIEW_CHANNEL, SlackDirectory
from bot.charter.model import Rule
from bot.errors import PlatformError, PlatformFailure
from bot.i18n import tr
from bot.models import Case, Nudge, NudgeStep, PostedRef, Statement
from bot.ports import CardKind, PolicySource

log = logging.getLogger(__name__)

THREAD_MEMORY = 10_000
DM_MEMORY = 10_000  # members whose direct-message channel id is kept, so only a first message opens one
MENTION_LOOKUPS = 20  # names looked up for a restore; further mentions show as "@user"


class SlackPlatform:
    """Deletes, explains, restores and alerts on Slack.

    Bot tokens may only delete the bot's own messages, so deleting a member's message needs
    the user token of a workspace admin (`admin_client`). Without it, `delete_message` says so
    and the core takes its honest degraded path: the author is asked to edit or delete, and
    the moderators get a card.
    """

    name = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient | SlackClients,
        *,
        directory: SlackDirectory,
        policy: PolicySource,
        admin_client: AsyncWebClient | None = None,
    ) -> None:
        """`client` carries the bot token, `admin_client` (optional) an admin's user token; or `client`
        gives each installed workspace's own clients (OAuth), and `admin_client` is unused."""
        self._clients = SingleWorkspace(client, admin_client) if isinstance(client, AsyncWebClient) else client
        self._directory = directory
        self._policy = policy
        self._threads: dict[tuple[str, str], str] = {}
        self._dms: dict[tuple[str, str], str] = {}  # (team, member) -> the app's direct-message channel with them

    @property
    def directory(self) -> SlackDirectory:
        """The workspace directory this platform reads names and roles from."""
        return self._directory

    async def client_for(self, team: str) -> AsyncWebClient:
        """The bot client of workspace `team`: every Web API call goes through the workspace it concerns."""
        return await self._clients.bot(team)

    def note_thread(self, channel: str, ts: str, thread_ts: str | None) -> None:
        """Remember that a message sits in a thread, so notices and restores land in that thread."""
        if not thread_ts:
            return
        self._threads[(channel, ts)] = thread_ts
        if len(self._threads) > THREAD_MEMORY:
            self._threads.pop(next(iter(self._threads)))

    def _thread(self, case: Case) -> str | None:
        """The thread of a case's message: kept on the case (restarts included), else seen in this process."""
        return case.thread or self.thread_of(case.channel, case.message_id)

    def thread_of(self, channel: str, ts: str) -> str | None:
        """The thread a message was seen in, if it was a thread reply."""
        return self._threads.get((channel, ts))

    async def _language(self, community: str) -> str:
        charter = self._policy.charter
        return charter.language_for(await self._directory.setting(community, LANGUAGE))

    async def delete_message(self, case: Case) -> None:
        """Delete with the admin user token; a message already gone counts as deleted."""
        admin = await self._clients.admin(case.community)
        if admin is None:
            raise PlatformError(PlatformFailure.UNSUPPORTED, "no admin user token")
        try:
            await call(admin.chat_delete(channel=case.channel, ts=case.message_id), "chat.delete")
        except PlatformError as exc:
            if exc.failure is not PlatformFailure.NOT_FOUND:
                raise

    async def send_private_notice(self, case: Case, statement: Statement) -> PostedRef | None:
        """The statement with Appeal and See my message in a direct message, which stays (an ephemeral
        message is gone on the next reload); its buttons carry only the case number, so they answer
        for the whole appeal window, restarts included. Ephemeral when the DM is refused (not kept:
        None); PlatformError when neither reaches the author."""
        text, blocks = escape(statement.text), notice_blocks(case, statement)
        try:
            channel, ts = await self._direct(case.community, case.author_id, text, blocks)
            return PostedRef(channel, ts)
        except PlatformError as direct:
            try:
                client = await self.client_for(case.community)
                await call(
                    client.chat_postEphemeral(
                        channel=case.channel,
                        user=case.author_id,
                        text=text,
                        blocks=blocks,
                        thread_ts=self._thread(case),
                    ),
                    "chat.postEphemeral",
                )
                return None
            except PlatformError as ephemeral:
                detail = f"the author was not told: direct message {direct.detail or direct.failure.value}, "
                detail += f"ephemeral {ephemeral.detail or ephemeral.failure.value}"
                raise PlatformError(direct.failure, detail) from ephemeral

    async def post_notice(self, case: Case, statement: Statement, *, removed: bool, told_privately: bool) -> str | None:
        """A short public reply that quotes nothing and names only the author; return its ts.

        When it fails the moderators are alerted in the log channel, and the failure is raised so
        that the case records it.
        """
        charter = self._policy.charter
        title = rule_title(charter.rule(case.rule_id), charter, statement.lang, case.rule_id)
        text = thread_notice(case, title, statement.lang, removed=removed)
        thread = self._thread(case) or (None if removed else case.message_id)
        try:
            client = await self.client_for(case.community)
            response = await call(
                client.chat_postMessage(
                    channel=case.channel,
                    text=text,
                    blocks=thread_notice_blocks(case, text, statement.lang),
                    thread_ts=thread,
                    unfurl_links=False,
                    unfurl_media=False,
                ),
                "chat.postMessage (notice)",
            )
        except PlatformError as exc:
            if told_privately:
                await self._alert_public_notice_failed(case, exc)
            raise
        ts = response.get("ts")
        return str(ts) if ts else None

    async def notice_lifetime(self, community: str) -> int | None:
        """None: a Slack notice is a reply in the message's thread, and stays with it."""
        return None

    async def expire_notice(self, case: Case, message_id: str) -> None:
        """Never asked (notices stay); a notice is not removed on Slack."""
        raise PlatformError(PlatformFailure.UNSUPPORTED, "Slack notices stay in their thread")

    async def retract_notice(self, case: Case, notice: PostedRef, text: str) -> None:
        """Rewrite a notice of an overturned case as "reversed", without its buttons; gone counts as done."""
        shown = f"<@{case.author_id}> {escape(text)}" if notice.channel == case.channel else escape(text)
        try:
            client = await self.client_for(case.community)
            await call(
                client.chat_update(channel=notice.channel, ts=notice.message_id, text=shown, blocks=[section(shown)]),
                "chat.update (notice)",
            )
        except PlatformError as exc:
            if exc.failure is not PlatformFailure.NOT_FOUND:
                raise

    async def _alert_public_notice_failed(self, case: Case, error: PlatformError) -> None:
        lang = await self._language(case.community)
        channel = await self._directory.channel_name(case.community, case.channel)
        text = tr(
            "slack.notice_not_posted",
            lang,
            case=case.id,
            channel=f"#{channel}" if channel else case.channel,
            failure=error.detail or error.failure.value,
        )
        # `alert` logs the one line first, so the failure is on record even with no log channel to post to.
        with contextlib.suppress(PlatformError):
            await self.alert(case.community, text)

    async def _direct(
        self, team: str, user_id: str, text: str, blocks: list[dict[str, object]] | None = None
    ) -> tuple[str, str]:
        """A direct message to the member of workspace `team`; its channel and ts.

        The channel `conversations.open` gives is kept, so a member's next message skips that call;
        a kept channel Slack refuses is forgotten (the failure is raised as before: the caller falls
        back), and the next message opens one afresh.
        """
        client = await self.client_for(team)
        key = (team, user_id)
        known = self._dms.get(key)
        if known is not None:
            try:
                return await self._send_direct(client, known, text, blocks)
            except PlatformError:
                self._dms.pop(key, None)
                raise
        opened = await call(client.conversations_open(users=user_id), "conversations.open")
        found = (opened.get("channel") or {}).get("id")
        if found:
            self._dms.pop(key, None)
            self._dms[key] = str(found)
            while len(self._dms) > DM_MEMORY:
                self._dms.pop(next(iter(self._dms)))
        return await self._send_direct(client, str(found or user_id), text, blocks)

    @staticmethod
    async def _send_direct(
        client: AsyncWebClient, channel: str, text: str, blocks: list[dict[str, object]] | None
    ) -> tuple[str, str]:
        sent = await call(client.chat_postMessage(channel=channel, text=text, blocks=blocks), "chat.postMessage (DM)")
        return str(sent.get("channel") or channel), str(sent.get("ts") or "")

    async def _moderator_channel(self, community: str, *, review: bool) -> str | None:
        first, second = (REVIEW_CHANNEL, LOG_CHANNEL) if review else (LOG_CHANNEL, REVIEW_CHANNEL)
        return await self._directory.setting(community, first) or await self._directory.setting(community, second)

    async def send_card(self, case: Case, rule: Rule, kind: CardKind) -> None:
        """A card with clause, evidence, content and buttons in the workspace's review channel."""
        channel = await self._moderator_channel(case.community, review=True)
        if channel is None:
            log.warning("slack: no review channel for %s; a moderator can set one with /vigie-setup", case.community)
            raise PlatformError(PlatformFailure.UNSUPPORTED, "no review channel set (/vigie-setup review #channel)")
        lang = await self._language(case.community)
        link = await self._permalink(case) if kind in ("review", "report", "degraded") else None
        names = await self.names_in(case.community, words_of(case))
        blocks = card_blocks(case, rule, kind, self._policy.charter, lang, link=link, names=names)
        client = await self.client_for(case.community)
        await call(
            client.chat_postMessage(channel=channel, text=blocks[0]["text"]["text"], blocks=blocks),
            "chat.postMessage (card)",
        )

    async def update_card(self, channel: str, ts: str, case: Case, kind: CardKind) -> None:
        """Redraw a card after a decision: the outcome replaces the buttons."""
        lang = await self._language(case.community)
        rule = self._policy.charter.rule(case.rule_id)
        names = await self.names_in(case.community, words_of(case))
        blocks = card_blocks(case, rule, kind, self._policy.charter, lang, link=None, names=names)
        client = await self.client_for(case.community)
        await call(
            client.chat_update(channel=channel, ts=ts, text=blocks[0]["text"]["text"], blocks=blocks),
            "chat.update (card)",
        )

    async def _permalink(self, case: Case) -> str | None:
        return await self._get_permalink(case.community, case.channel, case.message_id)

    async def _get_permalink(self, team: str, channel: str, ts: str) -> str | None:
        try:
            client = await self.client_for(team)
            response = await call(client.chat_getPermalink(channel=channel, message_ts=ts), "chat.getPermalink")
        except PlatformError:
            return None
        link = response.get("permalink")
        return str(link) if link else None

    async def restore_message(self, case: Case) -> str | None:
        """Post the content back under the author's name and avatar, marked as restored after review;
        return the copy's ts (kept on the case, so moderators can open it)."""
        if case.content is None:
            raise PlatformError(PlatformFailure.NOT_FOUND, "the content snapshot was purged")
        author = await self._directory.user(case.community, case.author_id)
        name = author.name if author.name and author.name != case.author_id else case.author_name
        lang = self._policy.charter.language_for(case.lang)
        # A restore must not notify again: @here, @channel, groups and members are reposted inert.
        names = await self._display_names(case.community, mentioned_users(case.content))
        content = defuse_mentions(case.content, names)
        client = await self.client_for(case.community)
        sent = await call(
            client.chat_postMessage(
                channel=case.channel,
                text=content,
                blocks=restored_blocks(case, content, lang, names),
                username=name or case.author_id,
                icon_url=author.avatar_url,
                thread_ts=self._thread(case),
                unfurl_links=False,
                unfurl_media=False,
            ),
            "chat.postMessage (restore)",
        )
        ts = sent.get("ts")
        return str(ts) if ts else None

    async def names_in(self, team: str, text: str) -> dict[str, str]:
        """Display names of the members `text` mentions, to show their mentions as "@name" (no ping)."""
        return await self._display_names(team, mentioned_users(text))

    async def _display_names(self, team: str, user_ids: list[str]) -> dict[str, str]:
        """Display names of mentioned members; those Slack cannot tell are left out ("@user")."""
        names: dict[str, str] = {}
        for user_id in user_ids[:MENTION_LOOKUPS]:
            user = await self._directory.user(team, user_id)
            if user.name and user.name != user_id:
                names[user_id] = user.name
        return names

    async def notify_author(self, case: Case, text: str) -> None:
        """A direct message to the author."""
        await self._direct(case.community, case.author_id, escape(text))

    async def timeout_member(self, case: Case, until: datetime, reason: str) -> None:
        """Slack has no member timeout an app can set: tell the moderators, then report it unsupported."""
        lang = await self._language(case.community)
        text = tr(
            "slack.no_timeout", lang, case=case.id, user=case.author_id, clause=case.clause, reason=escape(reason)
        )
        channel = await self._moderator_channel(case.community, review=False)
        # Best effort: the core records the failed timeout either way.
        if channel is not None:
            with contextlib.suppress(PlatformError):
                client = await self.client_for(case.community)
                await call(client.chat_postMessage(channel=channel, text=text), "chat.postMessage (alert)")
        raise PlatformError(PlatformFailure.UNSUPPORTED, "Slack has no member timeout; moderators were told")

    async def alert(self, community: str, text: str) -> None:
        """Post to the workspace's log channel (else its review channel); always log a line."""
        log.warning("slack alert for %s: %s", community, text)
        channel = await self._moderator_channel(community, review=False)
        if channel is None:
            raise PlatformError(PlatformFailure.UNSUPPORTED, "no log or review channel set (/vigie-setup log #channel)")
        client = await self.client_for(community)
        await call(
            client.chat_postMessage(channel=channel, text=f":warning: {escape(text)}"), "chat.postMessage (alert)"
        )

    async def send_nudge(self, nudge: Nudge, step: NudgeStep, text: str) -> None:
        """The private disclosure note with its two buttons, to the author alone.

        The first note is ephemeral in the post's channel (or thread), where the author just
        posted; a direct message stands in when Slack refuses it. The reminder comes a day later,
        when an ephemeral message would most likely never be seen (Slack shows them only to
        members active at that moment), so it goes the other way round: a direct message first.
        PlatformError when neither reaches the author, so the core records the failure.
        """
        names = await self._display_names(nudge.community, mentioned_users(text))
        shown = nudge_mrkdwn(text, names)
        blocks = nudge_blocks(nudge.id, shown, nudge.lang)
        fallback = shown if len(shown) <= SECTION_LIMIT else shown[: SECTION_LIMIT - 1] + "…"
        senders = [self._ephemeral_nudge, self._direct_nudge]
        if step == "remind":
            senders.reverse()
        failures: list[PlatformError] = []
        for send in senders:
            try:
                await send(nudge, fallback, blocks)
                return
            except PlatformError as exc:
                failures.append(exc)
        reasons = ", then ".join(exc.detail or exc.failure.value for exc in failures)
        raise PlatformError(failures[0].failure, f"the author was not told: {reasons}")

    async def _ephemeral_nudge(self, nudge: Nudge, text: str, blocks: list[dict[str, object]]) -> None:
        client = await self.client_for(nudge.community)
        await call(
            client.chat_postEphemeral(
                channel=nudge.channel,
                user=nudge.author_id,
                text=text,
                blocks=blocks,
                thread_ts=self.thread_of(nudge.channel, nudge.message_id),
            ),
            "chat.postEphemeral (disclosure)",
        )

    async def _direct_nudge(self, nudge: Nudge, text: str, blocks: list[dict[str, object]]) -> None:
        await self._direct(nudge.community, nudge.author_id, text, blocks)

    async def message_link(self, community: str, channel: str, message_id: str) -> str:
        """The post's permalink; Slack's archive address when `chat.getPermalink` fails."""
        link = await self._get_permalink(community, channel, message_id)
        return link or f"https://slack.com/archives/{channel}/p{message_id.replace('.', '')}"

    async def post_to_channel(self, community: str, channel: str, text: str) -> None:
        """A staff note (disclosure escalation): members it names appear by display name, so nobody is pinged."""
        names = await self._display_names(community, mentioned_users(text))
        # Unknown members keep their id, as plain text: staff can still tell who it is.
        names = {user_id: names.get(user_id, user_id) for user_id in mentioned_users(text)}
        shown = readable(text, names)
        client = await self.client_for(community)
        await call(
            client.chat_postMessage(channel=channel, text=shown, unfurl_links=False, unfurl_media=False),
            "chat.postMessage (compliance)",
        )
