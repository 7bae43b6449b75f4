"""Composition root: settings, store, charter and services built once and handed down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.cases.actions import CaseActions
from bot.cases.service import CaseService
from bot.catchup import ScreenedMarks
from bot.charter.model import Charter
from bot.community import CommunityService
from bot.disclosure.nudges import NudgeService
from bot.intake import MessageIntake
from bot.moderation import ModerationService
from bot.policy import ActivePolicy
from bot.ports import Announcements, Clock, NudgeRecords, Platform, Store, SystemClock
from bot.privacy.retention import RetentionJob
from bot.privacy.service import PrivacyService
from bot.settings import Settings
from bot.store import open_stores
from bot.store.installations import InstallationRows
from bot.store.transparency import TransparencyStore
from bot.transparency.guard import GuardedPolicy, GuardService

log = logging.getLogger(__name__)


CHARTER_CHANNEL = "vigie_charter"


async def share_charter_reloads(store: Announcements, policy: ActivePolicy) -> None:
    """A charter reload in one process reaches the others on the database: they re-read the file.

    The announcement carries the new hash; a process already on it does nothing, so nothing echoes.
    """
    tasks: set[asyncio.Task[None]] = set()

    def announce(charter: Charter) -> None:
        task = asyncio.get_running_loop().create_task(store.announce(CHARTER_CHANNEL, charter.content_hash))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def heard(content_hash: str) -> None:
        if content_hash != policy.charter.content_hash:
            policy.reload()

    policy.on_reload(announce)
    await store.on_announcement(CHARTER_CHANNEL, heard)


@dataclass(slots=True)
class Services:
    """Everything the platform glue needs, built once per process."""

    settings: Settings
    store: Store
    clock: Clock
    policy: ActivePolicy
    moderation: ModerationService
    cases: CaseService
    nudges: NudgeService
    intake: MessageIntake
    community: CommunityService
    marks: ScreenedMarks
    privacy: PrivacyService
    transparency: TransparencyStore
    guards: GuardService
    retention: RetentionJob
    installations: InstallationRows
    """Slack installations (OAuth tokens) and the purge of a workspace that uninstalled the app."""
    platforms: dict[str, Platform] = field(default_factory=dict)
    probes: dict[str, Callable[[], bool]] = field(default_factory=dict)
    """Liveness of each connected platform (adapters register theirs), for /healthz."""

    def register(self, platform: Platform) -> None:
        """Make a connected platform available to every service."""
        self.platforms[platform.name] = platform

    def housekeeping(self) -> list[tuple[str, Callable[[], Awaitable[object]]]]:
        """The periodic jobs of a running bot: retention purges and due disclosure reminders."""
        return [
            ("retention", self.retention.run),
            ("purge nudges", self.nudges.purge),
            ("nudge reminders", self.intake.deliver_due),
            # Another process sharing the database (shards, Slack workers) may have tripped or restored a guard.
            ("guard states", self.guards.load),
        ]

    async def health(self) -> dict[str, Any]:
        """Whether the database answers and each platform is connected; `ok` only if all are."""
        checks: dict[str, bool] = {}
        try:
            await self.store.schema_version()
            checks["database"] = True
        except Exception:
            log.exception("health: the database did not answer")
            checks["database"] = False
        for name, probe in self.probes.items():
            try:
                checks[name] = bool(probe())
            except Exception:
                checks[name] = False
        report: dict[str, Any] = {"ok": all(checks.values()), "checks": checks}
        report["backlog"] = self.moderation.lanes.backlog
        report["oldest_seconds"] = round(self.moderation.lanes.oldest(), 1)
        if checks["database"]:
            report["pending_steps"] = await self.store.pending_steps()
        return report

    async def close(self) -> None:
        """Write the last screened marks, then release the database connection."""
        try:
            await self.marks.flush()
        except Exception:
            log.exception("could not record the last screened messages; the catch-up will start earlier")
        await self.store.close()


async def build_services(
    settings: Settings,
    clock: Clock | None = None,
    *,
    policy: ActivePolicy | None = None,
) -> Services:
    """Validate the charter first (refusing to start on any issue), then open the store and wire services."""
    active = policy or ActivePolicy.from_path(settings.charter_path)
    opened = await open_stores(settings.db_path)
    store: Store = opened.store
    nudge_records: NudgeRecords = opened.nudges
    used_clock = clock or SystemClock()
    community = CommunityService(store)
    await share_charter_reloads(opened.store, active)
    opened.store.on_setting_change(community.invalidate)
    platforms: dict[str, Platform] = {}
    actions = CaseActions(store=store, policy=active, clock=used_clock, platforms=platforms)
    transparency = opened.transparency
    guards = GuardService(transparency, active, used_clock, platforms)
    await guards.load()
    guarded = GuardedPolicy(active, guards)
    moderation = ModerationService(store=store, policy=guarded, clock=used_clock, actions=actions)
    cases = CaseService(store=store, policy=active, clock=used_clock, actions=actions)
    cases.on_appeal_decided(guards.after_appeal)
    nudges = NudgeService(nudge_records, active, used_clock, settings=community)
    marks = ScreenedMarks(store, used_clock)
    log.info(
        "services ready: charter %s (%s), db %s", active.charter.version, active.charter.short_hash, settings.db_path
    )
    return Services(
        settings=settings,
        store=store,
        clock=used_clock,
        policy=active,
        moderation=moderation,
        cases=cases,
        nudges=nudges,
        intake=MessageIntake(moderation, nudges, platforms, marks),
        community=community,
        marks=marks,
        privacy=PrivacyService(opened.privacy, active, used_clock),
        transparency=transparency,
        guards=guards,
        retention=RetentionJob(opened.privacy, active, used_clock, platforms, community),
        installations=opened.installations,
        platforms=platforms,
    )
