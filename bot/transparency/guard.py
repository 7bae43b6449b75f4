"""The noisy-rule guard: a clause whose removals keep being overturned on appeal goes to review by itself."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.cases.permissions import moderates, require_moderator, require_reason
from bot.charter.model import Charter, Rule
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.models import SYSTEM_ACTOR, Action, Actor, Case, Evidence, Message, Verdict
from bot.ports import Clock, Platform, PolicySource, Screener
from bot.store.transparency import GuardRow, TransparencyStore

log = logging.getLogger(__name__)

GUARD_MATCHER = "guard"
"""Evidence kind added to a verdict the guard moved from remove to review."""

Key = tuple[str, str, int]


class GuardService:
    """Watches decided appeals per clause and community; trips and restores guards, audited and alerted."""

    def __init__(
        self, store: TransparencyStore, policy: PolicySource, clock: Clock, platforms: Mapping[str, Platform]
    ) -> None:
        """`platforms` may gain entries later (adapters register on connect)."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._platforms = platforms
        self._tripped: set[Key] | None = None

    async def load(self) -> None:
        """Read the guard states once; later changes go through this service and keep the cache current."""
        self._tripped = {
            (g.platform, g.community, g.clause) for g in await self._store.guards() if g.state == "tripped"
        }

    def is_tripped(self, platform: str, community: str, clause: int) -> bool:
        """Whether removals under `clause` go to review in this community (sync: on the screening path)."""
        return self._tripped is not None and (platform, community, clause) in self._tripped

    async def states(self, platform: str, community: str) -> list[GuardRow]:
        """The guards of one community that have ever tripped."""
        return await self._store.guards(platform, community)

    async def after_appeal(self, case: Case) -> bool:
        """Check the case's clause after an appeal was decided; True when this decision tripped its guard."""
        if self._tripped is None:
            await self.load()
        rule = self._policy.charter.rule(case.rule_id) or self._policy.charter.clause(case.clause)
        if rule is None or rule.guard is None or case.action is not Action.REMOVE:
            return False
        if self.is_tripped(case.platform, case.community, rule.number):
            return False
        now = self._clock.now()
        since = now - timedelta(days=rule.guard.window_days)
        for row in await self._store.guards(case.platform, case.community):
            if row.clause == rule.number and row.state == "restored" and row.since > since:
                since = row.since  # a restored clause starts afresh
        decided, overturned = await self._store.appeal_outcomes(case.platform, case.community, rule.number, since)
        if decided < rule.guard.min_appeals or overturned / decided <= rule.guard.max_overturn_rate:
            return False
        await self._store.set_guard(
            case.platform,
            case.community,
            rule.number,
            state="tripped",
            appeals=decided,
            overturned=overturned,
            at=now,
            actor_id=SYSTEM_ACTOR,
            reason=f"more than {rule.guard.max_overturn_rate:.0%} of recent appeals overturned",
            case_id=case.id,
        )
        assert self._tripped is not None
        self._tripped.add((case.platform, case.community, rule.number))
        log.warning(
            "guard tripped on %s: clause %d, %d of %d appeals overturned; removals go to review",
            case.platform,
            rule.number,
            overturned,
            decided,
        )
        await self._alert(case.platform, case.community, self._alert_text(rule, decided, overturned))
        return True

    def _alert_text(self, rule: Rule, decided: int, overturned: int) -> str:
        charter = self._policy.charter
        title = rule.text(rule.title, charter.default_language, charter.default_language)
        assert rule.guard is not None
        return (
            f"Noisy-rule guard: §{rule.number} {title} — {overturned} of the last {decided} decided appeals "
            f"({overturned / decided:.0%}) overturned its removals, above the charter's "
            f"{rule.guard.max_overturn_rate:.0%}. Until a moderator restores it (/guard restore clause:{rule.number}), "
            "messages it matches go to review instead of being removed."
        )

    async def _alert(self, platform: str, community: str, text: str) -> None:
        target = self._platforms.get(platform)
        if target is None:
            return
        try:
            await target.alert(community, text)
        except PlatformError as exc:
            log.warning("guard alert not delivered on %s: %s", platform, exc)

    async def restore(self, platform: str, community: str, clause: int, moderator: Actor, reason: str) -> GuardRow:
        """A moderator puts a tripped clause back to removing; audited with their reason."""
        require_moderator(moderator, "restore a clause")
        if not moderates(moderator, platform, community):
            raise TransitionError("Only a moderator of this community can restore its clauses.")
        text = require_reason(reason)
        if self._tripped is None:
            await self.load()
        rule = self._policy.charter.clause(clause)
        if rule is None:
            raise NotFoundError(f"The charter has no clause {clause}.")
        if not self.is_tripped(platform, community, clause):
            raise TransitionError(f"Clause {clause} is not held back by its guard; there is nothing to restore.")
        current = next(g for g in await self._store.guards(platform, community) if g.clause == clause)
        await self._store.set_guard(
            platform,
            community,
            clause,
            state="restored",
            appeals=current.appeals,
            overturned=current.overturned,
            at=self._clock.now(),
            actor_id=moderator.id,
            reason=text,
            case_id=None,
        )
        assert self._tripped is not None
        self._tripped.discard((platform, community, clause))
        log.info("guard restored on %s: clause %d", platform, clause)
        return next(g for g in await self._store.guards(platform, community) if g.clause == clause)


class GuardedScreener:
    """The engine in force, with removals under a tripped clause turned into reviews."""

    def __init__(self, inner: Screener, guards: GuardService) -> None:
        """Wrap `inner`; `guards` says which clauses are held back."""
        self._inner = inner
        self._guards = guards

    def screen(self, message: Message) -> Verdict:
        """The inner verdict, or a review with a `guard` evidence when its clause is held back."""
        verdict = self._inner.screen(message)
        if verdict.action is not Action.REMOVE or verdict.clause is None:
            return verdict
        if not self._guards.is_tripped(message.platform, message.community, verdict.clause):
            return verdict
        note = Evidence(GUARD_MATCHER, 0, 0, f"clause {verdict.clause} is held back by its guard: review")
        return dataclasses.replace(verdict, action=Action.REVIEW, evidence=(*verdict.evidence, note))


class GuardedPolicy:
    """A PolicySource whose engine honours the guards; the charter is the one in force."""

    def __init__(self, inner: PolicySource, guards: GuardService) -> None:
        """Wrap the active policy."""
        self._inner = inner
        self._guards = guards

    @property
    def charter(self) -> Charter:
        """The charter in force."""
        return self._inner.charter

    @property
    def engine(self) -> Screener:
        """The engine in force, guarded (built per call: the inner engine changes on reload)."""
        return GuardedScreener(self._inner.engine, self._guards)
