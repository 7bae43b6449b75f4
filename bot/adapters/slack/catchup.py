"""Slack catch-up after downtime: messages posted while Vigie was away, screened in order as if live."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.convert import PLATFORM
from bot.adapters.slack.glue import Glue
from bot.adapters.slack.listeners import SlackListeners
from bot.adapters.slack.platform import SlackPlatform
from bot.errors import PlatformError
from bot.runtime import Services

log = logging.getLogger(__name__)

Marks = dict[tuple[str, str], tuple[str, datetime]]
"""(team, channel) -> (ts of the last message screened, when it was noted)."""
PAGE = 200
"""conversations.history and users.conversations page size (Slack's recommended maximum)."""
MEMBER_PAGES = 10
"""At most this many pages of the bot's channels per workspace (2,000 channels)."""
THREADS = 50
"""Per channel, at most this many threads with replies in the gap are read (the most recently active)."""
REPLY_PAGES = 5
"""At most this many pages of one thread's replies (1,000 replies)."""


def slack_ts(at: datetime) -> str:
    """A datetime as a Slack timestamp string."""
    return f"{at.timestamp():.6f}"


class SlackCatchUp:
    """Per workspace with a mark: the channels with a mark and those the bot is a member of, each read
    from its mark (exclusive) with conversations.history, at most VIGIE_CATCH_UP_MESSAGES per channel and
    VIGIE_CATCH_UP_MINUTES back, oldest first, through the live `message` path (cases are idempotent)."""

    def __init__(self, services: Services, platform: SlackPlatform) -> None:
        """Screen through the same listeners as live events, with `platform`'s per-workspace clients."""
        self._services = services
        self._platform = platform
        self._listeners = SlackListeners(Glue(services, platform, platform.directory))

    async def run(self, marks: Marks | None = None) -> int:
        """Screen every workspace's gap from `marks` (taken before live events could move them; read now
        when None); returns how many messages were screened."""
        marks = marks if marks is not None else await self._services.marks.of(PLATFORM)
        if not marks:
            return 0  # never ran here before: nothing was missed
        settings = self._services.settings
        floor = self._services.clock.now() - timedelta(minutes=settings.catch_up_minutes)
        last_seen = max(at for _, at in marks.values())
        teams: dict[str, dict[str, str]] = {}
        for (team, channel), (ts, at) in marks.items():
            teams.setdefault(team, {})[channel] = ts if at >= floor else slack_ts(max(floor, last_seen))
        count = 0
        for team, starts in sorted(teams.items()):
            try:
                client = await self._platform.client_for(team)
                bot_user = str((await call(client.auth_test(), "auth.test")).get("user_id") or "") or None
            except PlatformError as exc:
                log.warning("catch-up: workspace %s skipped (%s)", team, exc.failure.value)
                continue
            for channel in await self._member_channels(client, team):
                starts.setdefault(channel, slack_ts(max(floor, last_seen)))
            for channel, oldest in sorted(starts.items()):
                count += await self._channel(client, team, channel, oldest, bot_user)
        if count:
            log.warning("catch-up: screened %d Slack message(s) posted while Vigie was away", count)
        return count

    async def _member_channels(self, client: AsyncWebClient, team: str) -> list[str]:
        channels: list[str] = []
        cursor: str | None = None
        for _ in range(MEMBER_PAGES):
            args: dict[str, Any] = {"types": "public_channel,private_channel", "exclude_archived": True}
            if cursor:
                args["cursor"] = cursor
            try:
                response = await call(client.users_conversations(limit=PAGE, **args), "users.conversations")
            except PlatformError as exc:
                log.warning("catch-up: channels of workspace %s not listed (%s)", team, exc.failure.value)
                break
            channels += [str(c["id"]) for c in response.get("channels") or [] if c.get("id")]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return channels

    async def _channel(self, client: AsyncWebClient, team: str, channel: str, oldest: str, bot_user: str | None) -> int:
        limit = self._services.settings.catch_up_messages
        gap: dict[str, dict[str, Any]] = {}
        threads: dict[str, str] = {}  # parent ts -> its latest reply, for threads answered in the gap
        cursor: str | None = None
        try:
            while len(gap) < limit:
                args: dict[str, Any] = {"cursor": cursor} if cursor else {}
                response = await call(
                    client.conversations_history(
                        channel=channel, oldest=oldest, inclusive=False, limit=min(PAGE, limit - len(gap)), **args
                    ),
                    "conversations.history",
                )
                for message in response.get("messages") or []:
                    ts = str(message.get("ts") or "")
                    if ts and ts != oldest:  # exclusive, whatever the server does
                        gap[ts] = message
                        _note_thread(threads, message, oldest)
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor or not response.get("has_more"):
                    break
            # Replies to threads started before the gap: history lists their parent (with its latest
            # reply) among the messages before the mark.
            earlier = await call(
                client.conversations_history(channel=channel, latest=oldest, inclusive=True, limit=PAGE),
                "conversations.history",
            )
            for message in earlier.get("messages") or []:
                _note_thread(threads, message, oldest)
            for parent in sorted(threads, key=lambda ts: float(threads[ts]), reverse=True)[:THREADS]:
                for reply in await self._replies(client, channel, parent, oldest):
                    gap[str(reply["ts"])] = reply
        except PlatformError as exc:
            log.warning("catch-up: channel %s could not be read (%s)", channel, exc.failure.value)
        # Slack pages newest first: a gap longer than the limit keeps its latest messages.
        ordered = sorted(gap.values(), key=lambda m: float(m["ts"]))[-limit:]
        screened = 0
        for message in ordered:
            screened += await self._listeners.screen({**message, "channel": channel}, team, bot_user)
        return screened

    async def _replies(self, client: AsyncWebClient, channel: str, parent: str, oldest: str) -> list[dict[str, Any]]:
        """The replies of a thread posted after `oldest` (the parent itself is screened from history)."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(REPLY_PAGES):
            args: dict[str, Any] = {"cursor": cursor} if cursor else {}
            response = await call(
                client.conversations_replies(
                    channel=channel, ts=parent, oldest=oldest, inclusive=False, limit=PAGE, **args
                ),
                "conversations.replies",
            )
            for message in response.get("messages") or []:
                ts = str(message.get("ts") or "")
                if ts and ts != parent and float(ts) > float(oldest):
                    found.append(message)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or not response.get("has_more"):
                break
        return found


def _note_thread(threads: dict[str, str], message: dict[str, Any], oldest: str) -> None:
    """Keep a top-level message whose thread has a reply after `oldest`."""
    latest = str(message.get("latest_reply") or "")
    ts = str(message.get("ts") or "")
    if ts and latest and float(latest) > float(oldest):
        threads[ts] = latest


async def catch_up(services: Services, marks: Marks | None = None) -> int:
    """Run the Slack catch-up with the registered Slack platform (0 when Slack is not registered)."""
    platform = services.platforms.get(PLATFORM)
    if not isinstance(platform, SlackPlatform):
        return 0
    return await SlackCatchUp(services, platform).run(marks)
