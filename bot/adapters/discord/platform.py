"""DiscordPlatform: the core's Platform port carried out with discord.py (notices, cards, restores, nudges)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections import OrderedDict
from datetime import datetime
from typing import Any

import discord

from bot.adapters.discord.context import GuildSettings
from bot.adapters.discord.convert import PLATFORM, jump_url
from bot.adapters.discord.errors import translated_errors
from bot.adapters.discord.render import (
    MESSAGE_LIMIT,
    card_embed,
    clip,
    notice_mentions,
    notice_text,
    private_notice_text,
)
from bot.adapters.discord.views.appeals import notice_view
from bot.adapters.discord.views.cases import card_view
from bot.adapters.discord.views.disclosure import nudge_view, pointer_view
from bot.charter.model import Charter, Rule
from bot.community import CommunityService
from bot.errors import PlatformError, PlatformFailure
from bot.i18n import tr
from bot.models import Action, ActionState, Case, Nudge, NudgeStep, PostedRef, Statement
from bot.ports import CardKind, PolicySource

log = logging.getLogger(__name__)

RESTORE_WEBHOOK = "Vigie restore"
DM_CHANNELS_KEPT = 50_000
"""Members whose direct-message channel id is remembered (a few MB); discord.py itself keeps 128."""
_RESERVED_NAME = re.compile(r"(?i)discord|clyde")


def webhook_name(name: str) -> str:
    """A display name Discord accepts for a webhook post (it refuses "discord", "clyde", "everyone", "here")."""
    cleaned = _RESERVED_NAME.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], name.strip())
    if cleaned.lower() in ("everyone", "here"):
        cleaned = cleaned[0] + "\u200b" + cleaned[1:]
    return cleaned[:80] or "member"


class DiscordPlatform:
    """Carries out the core's decisions on Discord; every failure becomes a PlatformError."""

    name = PLATFORM

    def __init__(self, client: discord.Client, community: CommunityService, policy: PolicySource) -> None:
        """`policy` is read at call time, so a charter reload takes effect at once."""
        self._client = client
        self._community = community
        self._policy = policy
        self._hooks: dict[int, discord.Webhook] = {}
        self._dm_ids: OrderedDict[int, int] = OrderedDict()

    def charter(self) -> Charter:
        """The charter in force."""
        return self._policy.charter

    async def _settings(self, community: str) -> GuildSettings:
        return await GuildSettings.load(self._community, community)

    async def _language(self, settings: GuildSettings) -> str:
        return settings.language or self.charter().default_language

    async def _direct(self, user_id: str) -> discord.PartialMessageable:
        """The member's direct-message channel. Its id never changes, so it is remembered: only a first
        message to a member costs the call that opens the channel (one rate-limit bucket for all users)."""
        user = int(user_id)
        channel_id = self._dm_ids.get(user)
        if channel_id is None:
            channel_id = (await self._client.create_dm(discord.Object(id=user))).id
            self._dm_ids[user] = channel_id
            if len(self._dm_ids) > DM_CHANNELS_KEPT:
                self._dm_ids.popitem(last=False)
        else:
            self._dm_ids.move_to_end(user)
        return self._client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    def _channel(self, channel_id: int | str, community: str) -> discord.PartialMessageable:
        return self._client.get_partial_messageable(int(channel_id), guild_id=int(community) if community else None)

    async def _delete(self, case: Case, message_id: str, action: str) -> bool:
        """Delete a message of the case's channel; False when it was already gone (which counts as done)."""
        message = self._channel(case.channel, case.community).get_partial_message(int(message_id))
        try:
            async with translated_errors(action):
                await message.delete()
        except PlatformError as exc:
            if exc.failure is not PlatformFailure.NOT_FOUND:
                raise
            return False
        return True

    async def delete_message(self, case: Case) -> None:
        """Delete the case's message; already deleted counts as done."""
        if not await self._delete(case, case.message_id, "delete"):
            log.info("case %d: message %s was already gone", case.id, case.message_id)

    async def send_private_notice(self, case: Case, statement: Statement) -> PostedRef | None:
        """A direct message with the statement and its buttons; it stays, and its buttons answer for the
        whole appeal window, restarts included (their custom ids carry the case number).

        Closed DMs raise PlatformError (forbidden): the public notice then tells the author how to
        reach the case with /appeal, whose answer only they see.
        """
        removed = case.action is Action.REMOVE and case.action_state is not ActionState.FAILED
        async with translated_errors("private notice"):
            dm = await self._direct(case.author_id)
            sent = await dm.send(
                private_notice_text(case, statement),
                view=notice_view(case, statement.lang, removed=removed),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        return PostedRef(str(sent.channel.id), str(sent.id))

    async def post_notice(self, case: Case, statement: Statement, *, removed: bool, told_privately: bool) -> str | None:
        """Tell the author in the channel, mentioning only them; the core removes it after `notice_lifetime`."""
        channel = self._channel(case.channel, case.community)
        reference = None
        if not removed:
            # The message is still up: answer it, so the author sees which one is meant.
            reference = discord.MessageReference(
                message_id=int(case.message_id), channel_id=int(case.channel), fail_if_not_exists=False
            )
        kwargs: dict[str, Any] = {}
        if reference is not None:
            kwargs["reference"] = reference
        appealable = case.action in (Action.REMOVE, Action.WARN)
        if appealable:
            kwargs["view"] = notice_view(case, statement.lang, removed=removed and case.action is Action.REMOVE)
        content = notice_text(case, statement)
        if not told_privately:
            # Without a DM, the notice is their only copy until it expires: say where the case stays.
            hint = "\n-# " + tr("discord.dm_closed_hint", statement.lang, case=case.id)
            content = clip(content, MESSAGE_LIMIT - len(hint)) + hint
        async with translated_errors("notice"):
            sent = await channel.send(content, allowed_mentions=notice_mentions(case), **kwargs)
        return str(sent.id)

    async def notice_lifetime(self, community: str) -> int | None:
        """The community's `notice_seconds`: public notices do not stay in the channel."""
        return (await self._settings(community)).notice_seconds

    async def expire_notice(self, case: Case, message_id: str) -> None:
        """Delete the notice; already deleted (by a moderator) counts as done."""
        await self._delete(case, message_id, "notice expiry")

    async def retract_notice(self, case: Case, notice: PostedRef, text_: str) -> None:
        """Edit a notice into "reversed", buttons gone; a notice that already expired counts as done."""
        public = notice.channel == case.channel
        content = f"<@{case.author_id}> {text_}" if public else text_
        message = self._channel(notice.channel, case.community if public else "").get_partial_message(
            int(notice.message_id)
        )
        try:
            async with translated_errors("notice retraction"):
                await message.edit(content=clip(content, MESSAGE_LIMIT), view=None, embeds=[])
        except PlatformError as exc:
            if exc.failure is not PlatformFailure.NOT_FOUND:
                raise

    async def send_card(self, case: Case, rule: Rule, kind: CardKind) -> None:
        """Post a card with the clause, the evidence, a jump link and the moderator buttons."""
        settings = await self._settings(case.community)
        target = settings.review_channel or settings.log_channel
        if target is None:
            raise PlatformError(PlatformFailure.UNSUPPORTED, "no review channel is set (an admin can run /vigie setup)")
        lang = await self._language(settings)
        embed = card_embed(case, rule, self.charter(), kind, lang)
        kwargs: dict[str, Any] = {}
        if (view := card_view(case, kind, lang)) is not None:
            kwargs["view"] = view
        async with translated_errors(f"{kind} card"):
            await self._channel(target, case.community).send(
                embed=embed, allowed_mentions=discord.AllowedMentions.none(), **kwargs
            )

    async def _webhook_channel(self, channel_id: int) -> tuple[discord.TextChannel, discord.Thread | None]:
        channel = self._client.get_channel(channel_id)
        if channel is None:
            async with translated_errors("restore"):
                channel = await self._client.fetch_channel(channel_id)
        if isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.TextChannel):
            return channel.parent, channel
        if isinstance(channel, discord.TextChannel):
            return channel, None
        raise PlatformError(PlatformFailure.UNSUPPORTED, f"restore: channel {channel_id} does not accept webhooks")

    async def _restore_hook(self, channel: discord.TextChannel) -> discord.Webhook:
        hook = self._hooks.get(channel.id)
        if hook is not None:
            return hook
        async with translated_errors("restore webhook"):
            for existing in await channel.webhooks():
                # Only a webhook this application created carries a token we can post with.
                if existing.name == RESTORE_WEBHOOK and existing.token:
                    hook = existing
                    break
            else:
                hook = await channel.create_webhook(name=RESTORE_WEBHOOK, reason="Restore messages after review")
        self._hooks[channel.id] = hook
        return hook

    async def _author(self, case: Case) -> discord.Member | discord.User | None:
        guild = self._client.get_guild(int(case.community)) if case.community else None
        if guild is not None:
            member = guild.get_member(int(case.author_id))
            if member is not None:
                return member
            with contextlib.suppress(discord.HTTPException):
                return await guild.fetch_member(int(case.author_id))
        with contextlib.suppress(discord.HTTPException):
            return await self._client.fetch_user(int(case.author_id))
        return None

    async def restore_message(self, case: Case) -> str | None:
        """Repost the content through a channel webhook under the author's name, marked as restored;
        return the copy's message id (kept on the case, so moderators can jump to it)."""
        if case.content is None:
            raise PlatformError(PlatformFailure.NOT_FOUND, "restore: the content was purged")
        channel, thread = await self._webhook_channel(int(case.channel))
        hook = await self._restore_hook(channel)
        author = await self._author(case)
        name = webhook_name((author.display_name if author else case.author_name) or "member")
        avatar = author.display_avatar.url if author else None
        mark = "-# ↩ " + tr("discord.restored_mark", case.lang, case=case.id)
        body = f"{case.content}\n{mark}"
        kwargs: dict[str, Any] = {"username": name, "allowed_mentions": discord.AllowedMentions.none()}
        if len(body) > MESSAGE_LIMIT:
            body = case.content[:MESSAGE_LIMIT]
            kwargs["embed"] = discord.Embed(description=mark)
        if avatar:
            kwargs["avatar_url"] = avatar
        if thread is not None:
            kwargs["thread"] = thread
        try:
            async with translated_errors("restore"):
                copy = await hook.send(body, wait=True, **kwargs)
        except PlatformError as exc:
            if exc.failure is PlatformFailure.NOT_FOUND:
                # Someone deleted our webhook; forget it so the next attempt creates a new one.
                self._hooks.pop(channel.id, None)
            raise
        return str(copy.id)

    async def notify_author(self, case: Case, text_: str) -> None:
        """A direct message; outcomes and moderators' reasons are never posted in public instead."""
        async with translated_errors("notify"):
            dm = await self._direct(case.author_id)
            await dm.send(text_, allowed_mentions=discord.AllowedMentions.none())

    async def timeout_member(self, case: Case, until: datetime, reason: str) -> None:
        """Time the author out until `until`."""
        guild = self._client.get_guild(int(case.community))
        if guild is None:
            # Another process's shard serves this guild (a case resumed here after that process died):
            # the timeout is one REST call, which needs no gateway cache.
            async with translated_errors("timeout"):
                await self._client.http.edit_member(
                    int(case.community),
                    int(case.author_id),
                    reason=reason[:512],
                    communication_disabled_until=until.isoformat(),
                )
            return
        async with translated_errors("timeout"):
            member = guild.get_member(int(case.author_id)) or await guild.fetch_member(int(case.author_id))
            await member.timeout(until, reason=reason[:512])

    async def alert(self, community: str, text_: str) -> None:
        """Tell the moderators in the log channel (or the review channel if no log channel is set)."""
        settings = await self._settings(community)
        target = settings.log_channel or settings.review_channel
        if target is None:
            raise PlatformError(PlatformFailure.UNSUPPORTED, "no log channel is set (an admin can run /vigie setup)")
        async with translated_errors("alert"):
            await self._channel(target, community).send(
                f"⚠️ {text_}"[:MESSAGE_LIMIT], allowed_mentions=discord.AllowedMentions.none()
            )

    async def send_nudge(self, nudge: Nudge, step: NudgeStep, text_: str) -> None:
        """DM the author the note with its two buttons; with DMs closed, point them to it in the channel."""
        try:
            async with translated_errors(f"{step} DM"):
                dm = await self._direct(nudge.author_id)
                await dm.send(
                    clip(text_, MESSAGE_LIMIT),
                    view=nudge_view(nudge.id, nudge.lang),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            return
        except PlatformError as exc:
            if exc.failure is not PlatformFailure.FORBIDDEN:
                raise
            log.info("disclosure nudge %d: DMs closed (%s), leaving a pointer in the channel", nudge.id, exc.detail)
        await self._point_to_note(nudge)

    async def _point_to_note(self, nudge: Nudge) -> None:
        """A neutral line that names only the author and says nothing of the post or of sponsorship.

        A bot can only send an ephemeral message in answer to an interaction, so it cannot whisper
        the note unprompted; the "Show my note" button is that interaction: clicking it shows the
        note to the author alone. The pointer deletes itself after the notice lifetime.
        """
        settings = await self._settings(nudge.community)
        author = discord.Object(id=int(nudge.author_id))
        async with translated_errors("nudge pointer"):
            await self._channel(nudge.channel, nudge.community).send(
                tr("discord.nudge_pointer", nudge.lang, author=f"<@{nudge.author_id}>"),
                view=pointer_view(nudge.id, nudge.lang),
                allowed_mentions=discord.AllowedMentions(
                    users=[author], everyone=False, roles=False, replied_user=False
                ),
                delete_after=float(settings.notice_seconds),
            )

    async def message_link(self, community: str, channel: str, message_id: str) -> str:
        """The jump link moderators open to see the post in place."""
        return jump_url(community, channel, message_id)

    async def post_to_channel(self, community: str, channel: str, text_: str) -> None:
        """A staff note; `<@id>` in it renders as a name but notifies nobody."""
        async with translated_errors("staff note"):
            await self._channel(channel, community).send(
                clip(text_, MESSAGE_LIMIT), allowed_mentions=discord.AllowedMentions.none()
            )
