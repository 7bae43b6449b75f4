"""Retention for real: once a day, delete content snapshots past the charter's retention and tell each community."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.community import LANGUAGE, CommunityService
from bot.errors import PlatformError
from bot.i18n import tr
from bot.ports import Clock, Platform, PolicySource
from bot.store.privacy import PrivacyStore

log = logging.getLogger(__name__)

LAST_RUN = "retention_last_run"


class RetentionJob:
    """The daily purge of a running bot; it runs at most once per UTC day, even across restarts."""

    def __init__(
        self,
        store: PrivacyStore,
        policy: PolicySource,
        clock: Clock,
        platforms: Mapping[str, Platform],
        community: CommunityService | None = None,
    ) -> None:
        """`platforms` may gain entries later; counts go to each community's log channel through `alert`,
        in the community's language setting (else the charter's default language)."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._platforms = platforms
        self._community = community

    async def run(self) -> dict[tuple[str, str], int]:
        """Purge if today's purge has not run yet; return the counts per (platform, community)."""
        now = self._clock.now()
        today = now.date().isoformat()
        if await self._store.installation_value(LAST_RUN) == today:
            return {}
        days = self._policy.charter.retention_days
        counts = await self._store.purge_expired(now - timedelta(days=days), now)
        await self._store.set_installation_value(LAST_RUN, today)
        await self._store.checkpoint()
        for (platform, community), count in sorted(counts.items()):
            log.info("retention on %s: the content of %d case(s) past %d days deleted", platform, count, days)
            target = self._platforms.get(platform)
            if target is None:
                continue
            lang = self._policy.charter.default_language
            if self._community is not None:
                chosen: str | None = await self._community.get(platform, community, LANGUAGE)
                lang = chosen or lang
            try:
                await target.alert(
                    community,
                    tr("privacy.retention_purged", lang, count=count, days=days),
                )
            except PlatformError as exc:
                log.warning("retention count not posted on %s: %s", platform, exc)
        return counts
