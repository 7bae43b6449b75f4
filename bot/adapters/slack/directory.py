"""Who is who in a Slack workspace: names, locales, avatars, moderators, user groups and channels, cached briefly."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call
from bot.adapters.slack.clients import SingleWorkspace, SlackClients
from bot.adapters.slack.convert import PLATFORM, SlackUser, user_from_info
from bot.community import (
    LANGUAGE,
    LOG_CHANNEL,
    MODERATOR_GROUP,
    MODERATOR_USERS,
    REVIEW_CHANNEL,
    CommunityService,
    Setting,
)
from bot.errors import PlatformError
from bot.models import Actor
from bot.ports import Clock

log = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

__all__ = ["LANGUAGE", "LOG_CHANNEL", "MODERATOR_GROUP", "MODERATOR_USERS", "REVIEW_CHANNEL", "SlackDirectory"]


@dataclass(frozen=True, slots=True)
class SlackGroup:
    """A user group a member belongs to: its id (`S…`) and its handle (`ambassadors`, without "@")."""

    id: str
    handle: str


class TtlCache(Generic[K, V]):
    """A small bounded cache whose entries expire after `ttl` on the injected clock."""

    def __init__(self, clock: Clock, ttl: timedelta, max_entries: int = 5000) -> None:
        """Entries older than `ttl` are refetched; the oldest go first past `max_entries`."""
        self._clock = clock
        self._ttl = ttl
        self._max = max_entries
        self._items: dict[K, tuple[datetime, V]] = {}

    def get(self, key: K) -> V | None:
        """The fresh value for `key`, if any."""
        item = self._items.get(key)
        if item is None or self._clock.now() - item[0] > self._ttl:
            return None
        return item[1]

    def put(self, key: K, value: V) -> None:
        """Remember `value` for `key` from now on."""
        self._items.pop(key, None)
        self._items[key] = (self._clock.now(), value)
        while len(self._items) > self._max:
            self._items.pop(next(iter(self._items)))


class SlackDirectory:
    """Looks up members and per-workspace moderator settings for the glue and SlackPlatform."""

    def __init__(
        self,
        client: AsyncWebClient | SlackClients,
        community: CommunityService,
        clock: Clock,
        *,
        user_ttl: timedelta = timedelta(minutes=10),
        group_ttl: timedelta = timedelta(minutes=1),
    ) -> None:
        """Users and channel names are cached for `user_ttl`, user group members for `group_ttl`.

        `client` is the one bot client (single workspace) or the clients of every installed workspace.
        """
        self._clients = SingleWorkspace(client, None) if isinstance(client, AsyncWebClient) else client
        self._community = community
        self._users: TtlCache[tuple[str, str], SlackUser] = TtlCache(clock, user_ttl)
        self._channels: TtlCache[tuple[str, str], str] = TtlCache(clock, user_ttl)
        self._groups: TtlCache[tuple[str, str], frozenset[str]] = TtlCache(clock, group_ttl)
        self._memberships: TtlCache[str, dict[str, tuple[SlackGroup, ...]]] = TtlCache(clock, group_ttl)

    async def setting(self, team: str, setting: Setting[T]) -> T:
        """A per-workspace setting (cached by the community service)."""
        return await self._community.get(PLATFORM, team, setting)

    async def user(self, team: str, user_id: str) -> SlackUser:
        """The member's name, locale and avatar, asked with `team`'s token; a bare id when Slack cannot tell."""
        cached = self._users.get((team, user_id))
        if cached is not None:
            return cached
        try:
            client = await self._clients.bot(team)
            response = await call(client.users_info(user=user_id, include_locale=True), "users.info")
        except PlatformError as exc:
            fallback = SlackUser(id=user_id, name=user_id)
            if not exc.retryable:
                self._users.put((team, user_id), fallback)  # a missing scope will not fix itself: ask again later
            return fallback
        user = user_from_info(response.get("user") or {"id": user_id})
        self._users.put((team, user_id), user)
        return user

    async def group_members(self, team: str, group: str) -> frozenset[str]:
        """The members of a user group (empty when Slack refuses, e.g. without usergroups:read)."""
        cached = self._groups.get((team, group))
        if cached is not None:
            return cached
        try:
            client = await self._clients.bot(team)
            response = await call(client.usergroups_users_list(usergroup=group), "usergroups.users.list")
        except PlatformError:
            return frozenset()
        members = frozenset(str(u) for u in response.get("users") or [])
        self._groups.put((team, group), members)
        return members

    async def groups_of(self, team: str, user_id: str) -> tuple[SlackGroup, ...]:
        """The active user groups the member belongs to (none when Slack refuses, e.g. without usergroups:read)."""
        memberships = self._memberships.get(team)
        if memberships is None:
            memberships = await self._load_memberships(team)
        return memberships.get(user_id, ())

    async def _load_memberships(self, team: str) -> dict[str, tuple[SlackGroup, ...]]:
        try:
            client = await self._clients.bot(team)
            response = await call(client.usergroups_list(include_users=True), "usergroups.list")
        except PlatformError as exc:
            if not exc.retryable:
                self._memberships.put(team, {})  # a missing scope will not fix itself: ask again later
            return {}
        found: dict[str, list[SlackGroup]] = {}
        for item in response.get("usergroups") or []:
            if not item.get("id") or item.get("date_delete"):
                continue
            group = SlackGroup(id=str(item["id"]), handle=str(item.get("handle") or "").lstrip("@"))
            users = item.get("users")
            members = [str(u) for u in users] if isinstance(users, list) else await self.group_members(team, group.id)
            for member in members:
                found.setdefault(member, []).append(group)
        memberships = {member: tuple(groups) for member, groups in found.items()}
        self._memberships.put(team, memberships)
        return memberships

    async def group_handle(self, team: str, group: str) -> str:
        """A user group's handle ("mods", without "@"), or "" when Slack cannot tell."""
        try:
            client = await self._clients.bot(team)
            response = await call(client.usergroups_list(), "usergroups.list")
        except PlatformError:
            return ""
        for item in response.get("usergroups") or []:
            if item.get("id") == group:
                return str(item.get("handle") or "").lstrip("@")
        return ""

    async def moderator_roles(self, team: str, user_id: str) -> tuple[str, ...]:
        """`("moderator", group_id?)` when the member is a configured moderator, else `()`."""
        users = await self.setting(team, MODERATOR_USERS)
        group = await self.setting(team, MODERATOR_GROUP)
        in_group = bool(group) and user_id in await self.group_members(team, str(group))
        if not in_group and user_id not in users:
            return ()
        return ("moderator", str(group)) if in_group else ("moderator",)

    async def is_moderator(self, team: str, user_id: str) -> bool:
        """Listed in the workspace's moderators, or a member of its moderator user group."""
        return bool(await self.moderator_roles(team, user_id))

    async def actor(self, team: str, user_id: str) -> Actor:
        """The member acting from workspace `team` (a moderator there or not); the locale falls back to its language."""
        user = await self.user(team, user_id)
        roles = await self.moderator_roles(team, user_id)
        if user.is_admin:
            roles = ("admin", *roles)
        locale = user.locale or await self.setting(team, LANGUAGE)
        return Actor(
            platform=PLATFORM,
            id=user_id,
            name=user.name or user_id,
            roles=roles,
            locale=locale,
            is_moderator="moderator" in roles,
            avatar_url=user.avatar_url,
            community=team,
        )

    async def language(self, team: str, user_id: str) -> str | None:
        """The member's locale, else the workspace's configured language."""
        user = await self.user(team, user_id)
        return user.locale or await self.setting(team, LANGUAGE)

    async def channel_name(self, team: str, channel: str) -> str:
        """The channel's name (for charter exemptions by name); empty when unknown."""
        cached = self._channels.get((team, channel))
        if cached is not None:
            return cached
        try:
            client = await self._clients.bot(team)
            response = await call(client.conversations_info(channel=channel), "conversations.info")
        except PlatformError:
            return ""
        name = str((response.get("channel") or {}).get("name") or "")
        self._channels.put((team, channel), name)
        return name
