"""Screening: new and edited guild messages go to the charter and disclosure checks; AutoMod blocks are recorded."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from bot.adapters.discord.bot import VigieBot
from bot.adapters.discord.context import GuildSettings
from bot.adapters.discord.convert import PLATFORM, automod_message_id, to_actor, to_message
from bot.models import Actor, Message

log = logging.getLogger(__name__)

_SCREENED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def screened(message: discord.Message) -> bool:
    """Members' own messages in a guild; not bots, webhooks (our restores), DMs or system messages."""
    return (
        message.guild is not None
        and not message.author.bot
        and message.webhook_id is None
        and message.type in _SCREENED_TYPES
    )


class ScreeningCog(commands.Cog):
    """Hands messages to the core's intake: moderation, then disclosure nudges; the core records, acts and explains."""

    def __init__(self, bot: VigieBot) -> None:
        """Keep the bot, whose `services` do the work."""
        self.bot = bot
        self.resumed = False  # set once pending actions were resumed by this process
        self._session_marks: dict[tuple[str, str], tuple[str, datetime]] | None = None

    async def _screen(self, message: discord.Message, *, edited: bool = False) -> None:
        assert message.guild is not None
        settings = await GuildSettings.load(self.bot.services.community, message.guild.id)
        model = to_message(message, moderator_role=settings.moderator_role, lang=settings.language, edited=edited)
        await self.bot.services.intake.on_message(model)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Screen a new message."""
        if screened(message):
            await self._screen(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Screen an edited message again, cached or not; embed unfurls that keep the text are skipped."""
        before = payload.cached_message
        if before is not None and before.content == payload.message.content:
            return
        if "content" not in payload.data or not screened(payload.message):
            return
        await self._screen(payload.message, edited=True)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A deleted post closes its disclosure nudge, cached or not."""
        if payload.guild_id is not None:
            await self.bot.services.intake.on_delete(
                PLATFORM, str(payload.guild_id), str(payload.channel_id), str(payload.message_id)
            )

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        """A purge closes the disclosure nudges of every post it took."""
        if payload.guild_id is not None:
            for message_id in payload.message_ids:
                await self.bot.services.intake.on_delete(
                    PLATFORM, str(payload.guild_id), str(payload.channel_id), str(message_id)
                )

    @commands.Cog.listener()
    async def on_automod_action(self, execution: discord.AutoModAction) -> None:
        """Discord's own filter blocked a message: record it and explain it to the author like our removals."""
        if execution.action.type is not discord.AutoModRuleActionType.block_message:
            return  # one execution event arrives per action; the block is the removal
        guild = execution.guild
        settings = await GuildSettings.load(self.bot.services.community, guild.id)
        member = execution.member
        if member is None:
            with contextlib.suppress(discord.HTTPException):
                member = await guild.fetch_member(execution.user_id)
        community = str(guild.id)
        if member is not None:
            author = to_actor(member, moderator_role=settings.moderator_role, community=community)
        else:
            author = Actor(platform=PLATFORM, id=str(execution.user_id), community=community)
        now = discord.utils.utcnow()
        # A blocked message never existed, so it has no id: one is built from the event itself.
        if execution.message_id is not None:
            message_id = f"automod-{execution.message_id}"
        else:
            alert = execution.alert_system_message_id
            message_id = automod_message_id(
                guild_id=community,
                channel_id=str(execution.channel_id or ""),
                user_id=str(execution.user_id),
                rule_id=str(execution.rule_id),
                content=execution.content,
                at=now,
                alert_message_id=str(alert) if alert is not None else None,
            )
        message = Message(
            platform=PLATFORM,
            community=community,
            channel=str(execution.channel_id or ""),
            id=message_id,
            author=author,
            text=execution.content,
            created_at=now,
            lang=settings.language,
        )
        # The AutoMod rule's own name needs Manage Server to read; its trigger type is always known.
        await self.bot.services.moderation.record_platform_automod(message, execution.rule_trigger_type.name)

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        """Note where each channel's gap starts, before the new session's first live message is screened."""
        self._session_marks = await self.bot.services.marks.of(PLATFORM)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Finish removals and restores recorded but not carried out before a stop, once per process.

        Discord sends READY again after every re-identify; resuming on each would race the
        handlers already carrying out new cases.
        """
        if not self.resumed:
            self.resumed = True
            try:
                done = await self.bot.services.moderation.resume_pending(PLATFORM)
            except Exception:
                self.resumed = False  # an unexpected failure: the next READY tries again
                raise
            if done:
                log.info("completed %d pending action(s) after start", done)
        # READY means a new session (a resumed one sends RESUMED): events of the gap were never sent.
        await self.catch_up()

    async def catch_up(self) -> int:
        """Screen, in order as if live, the messages posted while Vigie was away: per channel, those after
        the last one it screened (GET /channels/{id}/messages?after=), at most VIGIE_CATCH_UP_MINUTES old
        and VIGIE_CATCH_UP_MESSAGES many. A message screened twice is never acted on twice."""
        services = self.bot.services
        # The marks as they were when this session connected: live messages of the new session that
        # were screened before READY was handled must not move the start of the gap past it.
        marks = self._session_marks if self._session_marks is not None else await services.marks.of(PLATFORM)
        self._session_marks = None
        if not marks:
            return 0  # never ran here before: nothing was missed
        settings = services.settings
        floor = discord.utils.utcnow() - timedelta(minutes=settings.catch_up_minutes)
        last_seen = max(at for _, at in marks.values())
        bound = asyncio.Semaphore(4)
        screened_count = 0

        async def channel_gap(channel: discord.TextChannel) -> None:
            nonlocal screened_count
            mark = marks.get((str(channel.guild.id), str(channel.id)))
            if mark is not None and mark[1] >= floor:
                after = discord.Object(id=int(mark[0]))
            else:
                # A channel not screened lately: from when Vigie was last seen anywhere, within the limit.
                after = discord.Object(id=discord.utils.time_snowflake(max(floor, last_seen)))
            async with bound:
                try:
                    async for message in channel.history(
                        limit=settings.catch_up_messages, after=after, oldest_first=True
                    ):
                        if screened(message):
                            await self._screen(message)
                            screened_count += 1
                except discord.HTTPException as exc:
                    log.warning("catch-up: channel %s could not be read (HTTP %s)", channel.id, exc.status)

        channels = [
            channel
            for guild in self.bot.guilds
            for channel in guild.text_channels
            if channel.permissions_for(guild.me).read_message_history
        ]
        await asyncio.gather(*(channel_gap(channel) for channel in channels))
        if screened_count:
            log.warning("catch-up: screened %d message(s) posted while Vigie was away", screened_count)
        return screened_count


async def setup(bot: VigieBot) -> None:
    """Load the cog."""
    await bot.add_cog(ScreeningCog(bot))
