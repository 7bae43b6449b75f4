"""Community settings: each key declared once with its default; loaded once per community, cached, dropped on write."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One declared per-community setting: its stored key, its default and how a stored value is read."""

    key: str
    default: T
    parse: Callable[[Any], T]
    doc: str

    def read(self, raw: Any) -> T:
        """The typed value for a stored JSON value; the default when unset or unreadable."""
        if raw is None or raw == "":
            return self.default
        try:
            return self.parse(raw)
        except (TypeError, ValueError):
            log.warning("setting %s holds an unreadable value; using its default", self.key)
            return self.default


DECLARED: dict[str, Setting[Any]] = {}
"""Every declared setting by key; `declare` refuses a key declared twice."""


def declare(key: str, default: T, parse: Callable[[Any], T], doc: str) -> Setting[T]:
    """Declare a setting (one line per key, below); the registry is the one place its default lives."""
    if key in DECLARED:
        raise ValueError(f"setting {key!r} is declared twice")
    setting = Setting(key, default, parse, doc)
    DECLARED[key] = setting
    return setting


def _opt_text(value: Any) -> str | None:
    return str(value) if value else None


def _lower(value: Any) -> str | None:
    return str(value).strip().lower() or None


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError("a list is expected")
    return tuple(str(item) for item in value)


def _positive(value: Any) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("a positive number is expected")
    return number


def _any(value: Any) -> Any:
    return value


def text_setting(key: str, doc: str) -> Setting[str | None]:
    """Declare a text setting (channel, role, language...) that is unset by default."""
    return declare(key, None, _opt_text, doc)


REVIEW_CHANNEL = text_setting("review_channel", "Where review cards go")
LOG_CHANNEL = text_setting("log_channel", "Where alerts for moderators go")
MODERATOR_ROLE = text_setting("moderator_role", "Discord: the role that counts as moderator")
MODERATOR_USERS = declare("moderator_users", tuple[str, ...](), _texts, "Slack: members who count as moderators")
MODERATOR_GROUP = text_setting("moderator_usergroup", "Slack: the user group of moderators")
NOTICE_SECONDS = declare("notice_seconds", 120, _positive, "Discord: how long a public notice stays up, in seconds")
LANGUAGE = text_setting("language", "Language used when a member's own locale is unknown")
PUBLISHED_CHARTER = declare("published_charter", None, _any, "Discord: the charter message last published")
JURISDICTION = declare("disclosure_jurisdiction", None, _lower, "Disclosure rules that apply (else the charter's)")
COMPLIANCE_CHANNEL = text_setting("disclosure_compliance_channel", "Where unanswered disclosure reminders escalate")


class SettingsRows(Protocol):
    """The store side: all of one community's rows in one read, and a write (None deletes)."""

    async def settings_for(self, platform: str, scope: str) -> dict[str, Any]:
        """Every stored setting of a community, by key (JSON values)."""
        ...

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        """Store one setting (None deletes it)."""
        ...


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    """A snapshot of one community's settings; `get` applies the declared defaults."""

    platform: str
    community: str
    values: Mapping[str, Any]

    def get(self, setting: Setting[T]) -> T:
        """The typed value of a declared setting."""
        return setting.read(self.values.get(setting.key))

    def raw(self, key: str) -> Any:
        """A stored value by key, for keys a charter names (its compliance channel setting); None if unset."""
        return self.values.get(key)


class CommunityService:
    """The one way the core and the glue read and write community settings.

    A community's rows are read once, in one query, on first use and kept until a write for that
    community (through this service or the store) drops them; concurrent first uses share one read.
    """

    def __init__(self, rows: SettingsRows) -> None:
        """`rows` is the store; subscribe `invalidate` to its writes so direct writes are seen too."""
        self._rows = rows
        self._cache: dict[tuple[str, str], CommunitySettings] = {}
        self._loading: dict[tuple[str, str], asyncio.Future[CommunitySettings]] = {}
        self._generation: dict[tuple[str, str], int] = {}
        self.loads = 0
        """How many times rows were read from the store (tests and benchmarks watch it)."""

    async def of(self, platform: str, community: str) -> CommunitySettings:
        """A community's settings, read from the store only the first time (and after a write)."""
        key = (platform, str(community))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[CommunitySettings] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        generation = self._generation.get(key, 0)
        try:
            self.loads += 1
            values = await self._rows.settings_for(*key)
        except BaseException as exc:
            self._loading.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        snapshot = CommunitySettings(key[0], key[1], dict(values))
        self._loading.pop(key, None)
        if self._generation.get(key, 0) == generation:
            self._cache[key] = snapshot  # a write during the read would make it stale: not kept
        future.set_result(snapshot)
        return snapshot

    async def get(self, platform: str, community: str, setting: Setting[T]) -> T:
        """One typed setting of a community."""
        return (await self.of(platform, community)).get(setting)

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        """A stored value by key (None if unset), from the cache: the shape older readers expect."""
        return (await self.of(platform, scope)).raw(key)

    async def set(self, platform: str, community: str, setting: Setting[Any] | str, value: Any) -> None:
        """Write one setting (None resets it to its default) and drop the community's cached copy."""
        key = setting if isinstance(setting, str) else setting.key
        try:
            await self._rows.set_setting(platform, str(community), key, value)
        finally:
            self.invalidate(platform, str(community))

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        """`set` in the store's shape."""
        await self.set(platform, scope, key, value)

    def invalidate(self, platform: str, community: str) -> None:
        """Forget a community's settings; the next read loads them again."""
        key = (platform, str(community))
        self._cache.pop(key, None)
        self._generation[key] = self._generation.get(key, 0) + 1
