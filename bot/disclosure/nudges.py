"""The disclosure nudge flow, platform-neutral: record, deliver privately, re-check, remind once, escalate once.

The adapters only convert and call: `on_post` / `on_edit` / `on_delete` for message events,
`mark_fixed` / `mark_not_sponsored` for the two buttons, `deliver_due` on a timer, and a
`deliver(nudge, step)` coroutine of their own that sends one step (a DM or ephemeral message
for "nudge" and "remind", a post in the compliance channel for "escalate") and raises
PlatformError when it cannot. Nothing here removes a post or says anything in public.

Every step is recorded before it is sent: a step is *claimed* by one guarded UPDATE (so two
workers never both send it), then confirmed or marked failed. A claim left pending by a crash
is taken over after `lease`, so a restart loses nothing; only a crash in the instant between
sending and confirming can repeat a step once.

Privacy: a nudge keeps the message id, channel, author id, jurisdiction, the kinds of signals
found and the suggested label. The post text is never stored; the suggested fix is kept only
while the nudge is open (and at most `retention_days`) and is erased when it closes; closed
nudges are deleted after the charter's `retention_days`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.charter.disclosure_model import DisclosurePolicy
from bot.community import JURISDICTION, LANGUAGE
from bot.disclosure import law_notes
from bot.disclosure.checker import DisclosureChecker, DisclosureFinding, Severity
from bot.disclosure.messages import (
    escalation_text,
    not_sponsored_text,
    nudge_text,
    recheck_text,
    report_text,
    what_is_missing,
)
from bot.errors import NotFoundError, PlatformError, TransitionError
from bot.models import Actor, Delivery, Message, Nudge, NudgeDraft, NudgeReport, NudgeState, NudgeStep
from bot.ports import Clock, LinkResolver, NudgeRecords, PolicySource

__all__ = [
    "Delivery",
    "Nudge",
    "NudgeReport",
    "NudgeService",
    "NudgeState",
    "NudgeStep",
    "escalation_text",
    "not_sponsored_text",
    "nudge_text",
    "recheck_text",
    "report_text",
    "what_is_missing",
]

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 3
MAX_NOTE = 500
MAX_SIGNALS = 12
MAX_RESOLVED = 5  # short links followed per post

Deliver = Callable[[Nudge, NudgeStep], Awaitable[None]]
"""Sends one step of a nudge on a platform; raises PlatformError when it cannot."""


@dataclass(frozen=True, slots=True)
class Observed:
    """A post's nudge after a message event, and whether this very event created it.

    Only the event that created a nudge delivers its first note; a replay, a concurrent copy
    of the same event or an edit gets the recorded nudge with `created` False, and any retry
    goes through `due()` / `claim()`, so the first note is never sent twice.
    """

    nudge: Nudge | None
    created: bool = False


class SettingsReader(Protocol):
    """Per-community settings (the main Store)."""

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        """A per-community setting (JSON value), or None."""
        ...


class NudgeService:
    """Private, never punitive reminders to team members whose sponsored posts lack a proper label."""

    def __init__(
        self,
        store: NudgeRecords,
        policy: PolicySource,
        clock: Clock,
        *,
        settings: SettingsReader | None = None,
        resolver: LinkResolver | None = None,
        lease: timedelta = CLAIM_LEASE,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        """`settings` (the main store) lets communities pick their jurisdiction and compliance channel."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._settings = settings
        self._resolver = resolver
        self._lease = lease
        self._max_attempts = max_attempts
        self._reminder_reached: dict[int, bool] = {}
        self._compiled: tuple[DisclosurePolicy, DisclosureChecker] | None = None

    @property
    def disclosure(self) -> DisclosurePolicy | None:
        """The `[disclosure]` section in force, or None when the charter has none."""
        return self._policy.charter.disclosure

    def use_resolver(self, resolver: LinkResolver | None) -> None:
        """Let the running bot follow short links in team members' posts (None switches it off)."""
        self._resolver = resolver

    async def _check(
        self, policy: DisclosurePolicy, message: Message, jurisdiction: str | None
    ) -> DisclosureFinding | None:
        """The finding for a post; a team member's short links are followed first when the charter allows it.

        Resolution only runs where it can change the verdict: the post is not already sponsored
        by a readable signal, and it has shortened links (at most MAX_RESOLVED of them).
        """
        checker = self._checker(policy)
        finding = checker.check(message, jurisdiction=jurisdiction)
        if self._resolver is None or not policy.resolve_short_links or not checker.is_team(message):
            return finding
        if finding is not None and not finding.soft_only:
            return finding
        links = checker.short_links(message.text)[:MAX_RESOLVED]
        if not links:
            return finding
        resolved = {url: found for url in links if (found := await self._resolver.resolve(url))}
        return checker.check(message, jurisdiction=jurisdiction, resolved=resolved) if resolved else finding

    def _checker(self, policy: DisclosurePolicy) -> DisclosureChecker:
        """The checker compiled from the section in force, recompiled when a reload swapped it."""
        if self._compiled is None or self._compiled[0] is not policy:
            self._compiled = (policy, DisclosureChecker(policy))
        return self._compiled[1]

    async def jurisdiction_for(self, platform: str, community: str) -> str | None:
        """The community's jurisdiction setting when the charter knows it; None means the charter's default."""
        policy = self.disclosure
        if policy is None or self._settings is None:
            return None
        value = await self._settings.get_setting(platform, community, JURISDICTION.key)
        if isinstance(value, str) and value.lower() in policy.jurisdictions:
            return value.lower()
        return None

    async def community_language(self, platform: str, community: str) -> str | None:
        """The language the community's staff notes are written in, if the community chose one."""
        if self._settings is None:
            return None
        value = await self._settings.get_setting(platform, community, LANGUAGE.key)
        return str(value) if value else None

    async def compliance_channel(self, platform: str, community: str) -> str | None:
        """Where escalations go for this community (the setting the charter names), if set."""
        policy = self.disclosure
        if policy is None or self._settings is None:
            return None
        value = await self._settings.get_setting(platform, community, policy.compliance_channel_setting)
        return str(value) if value else None

    async def dry_run(
        self, text: str, *, platform: str, community: str, lang: str | None = None
    ) -> DisclosureFinding | None:
        """`/disclosure check`: the finding for any text, from anyone; nothing is recorded."""
        policy = self.disclosure
        if policy is None:
            return None
        jurisdiction = await self.jurisdiction_for(platform, community)
        return self._checker(policy).inspect(text, jurisdiction=jurisdiction, lang=lang)

    async def on_post(self, message: Message) -> Nudge | None:
        """Check a new post; record a nudge first when one is needed and return it.

        Idempotent per post: a post seen twice returns the recorded nudge as-is. Whether to send
        the first note is only known from `observe_post` (`Observed.created`).
        """
        return (await self.observe_post(message)).nudge

    async def on_edit(self, message: Message) -> Nudge | None:
        """Re-check an edited post: close its nudge when fixed, refresh it otherwise, or start one."""
        return (await self.observe_edit(message)).nudge

    async def observe_post(self, message: Message) -> Observed:
        """`on_post`, telling whether this call created the nudge (and so must deliver its first note)."""
        policy = self.disclosure
        if policy is None or not self._checker(policy).is_team(message):
            return Observed(None)  # most posts: no settings read, no check
        jurisdiction = await self.jurisdiction_for(message.platform, message.community)
        finding = await self._check(policy, message, jurisdiction)
        if finding is None or not finding.needs_nudge:
            # Checked before any lookup: a post that needs no nudge costs no database read.
            return Observed(None)
        existing = await self._store.for_message(message.platform, message.community, message.channel, message.id)
        if existing is not None:
            return Observed(existing)
        nudge, created = await self._store.create(self._draft(message, finding))
        if created:
            log.info(
                "disclosure nudge %d recorded: %s message %s, jurisdiction %s, %s",
                nudge.id,
                nudge.platform,
                nudge.message_id,
                nudge.jurisdiction,
                nudge.severity,
            )
        return Observed(nudge, created)

    async def observe_edit(self, message: Message) -> Observed:
        """`on_edit`, telling whether this call created the nudge (an edit that made the post need one)."""
        existing = await self._store.for_message(message.platform, message.community, message.channel, message.id)
        if existing is None:
            return await self.observe_post(message)
        if not existing.is_open:
            return Observed(existing)
        return Observed(await self._recheck(existing, message.text, by=existing.author_id, lang=message.lang))

    async def on_delete(self, platform: str, community: str, channel: str, message_id: str) -> Nudge | None:
        """The post is gone: close its nudge (and erase the stored text)."""
        existing = await self._store.for_message(platform, community, channel, message_id)
        if existing is None or not existing.is_open:
            return existing
        return await self._close(existing, NudgeState.WITHDRAWN, by=existing.author_id)

    async def get(self, nudge_id: int) -> Nudge:
        """One nudge; raises NotFoundError."""
        nudge = await self._store.get(nudge_id)
        if nudge is None:
            raise NotFoundError(f"There is no disclosure reminder #{nudge_id}.")
        return nudge

    async def mark_fixed(self, nudge_id: int, actor: Actor, current_text: str | None) -> Nudge:
        """The author's "I've fixed it": re-check the post's current text (None: the post is gone).

        A post that still lacks the label keeps the nudge open, with a refreshed suggestion.
        """
        nudge = await self._for_author(nudge_id, actor, allowed_closed=NudgeState.FIXED)
        if not nudge.is_open:
            return nudge
        if current_text is None:
            return await self._close(nudge, NudgeState.WITHDRAWN, by=actor.id)
        return await self._recheck(nudge, current_text, by=actor.id, lang=None)

    async def mark_not_sponsored(self, nudge_id: int, actor: Actor, note: str = "") -> Nudge:
        """The author's "Not sponsored": record the statement; reminders stop and a person decides."""
        nudge = await self._for_author(nudge_id, actor, allowed_closed=NudgeState.NOT_SPONSORED)
        if not nudge.is_open:
            return nudge
        statement = " ".join(note.split())[:MAX_NOTE] or None
        return await self._close(nudge, NudgeState.NOT_SPONSORED, by=actor.id, note=statement)

    async def due(
        self, now: datetime | None = None, *, platforms: Collection[str] | None = None
    ) -> list[tuple[Nudge, NudgeStep]]:
        """Open nudges with a step to send now: a reminder, an escalation, or a retry of a failed or abandoned step.

        `platforms` limits them to the platforms that are connected, so a nudge whose platform is
        away keeps its attempts until it comes back.
        """
        policy = self.disclosure
        moment = now or self._clock.now()
        reminder = timedelta(hours=policy.reminder_hours if policy else 24)
        escalate = timedelta(hours=policy.escalate_hours if policy else 24)
        return await self._store.due(
            remind_before=moment - reminder,
            escalate_before=moment - escalate,
            stale=moment - self._lease,
            max_attempts=self._max_attempts,
            platforms=platforms,
        )

    async def claim(self, nudge_id: int, step: NudgeStep) -> Nudge | None:
        """Claim the right to send `step`; None when another worker holds it or it is not due."""
        policy = self.disclosure
        now = self._clock.now()
        hours = 0
        if step == "remind":
            hours = policy.reminder_hours if policy else 24
        elif step == "escalate":
            hours = policy.escalate_hours if policy else 24
        return await self._store.claim(
            nudge_id,
            step,
            now,
            due=now - timedelta(hours=hours),
            stale=now - self._lease,
            max_attempts=self._max_attempts,
        )

    async def mark_reminded(self, nudge_id: int) -> Nudge | None:
        """Claim the one reminder (record before send); None if it is not due or already claimed."""
        return await self.claim(nudge_id, "remind")

    async def mark_escalated(self, nudge_id: int) -> Nudge | None:
        """Claim the one escalation (record before send); None if it is not due or already claimed."""
        return await self.claim(nudge_id, "escalate")

    async def delivered(self, nudge_id: int) -> Nudge | None:
        """Confirm that the claimed step reached its recipient."""
        return await self._store.finish(nudge_id, self._clock.now())

    async def delivery_failed(self, nudge_id: int, error: str) -> Nudge | None:
        """Record that the claimed step could not be sent; it is retried after the lease, a few times."""
        return await self._store.finish(nudge_id, self._clock.now(), error=error or "unknown error")

    async def deliver(self, nudge: Nudge, deliver: Deliver) -> bool:
        """Send the claimed current step of `nudge` with `deliver` and record the outcome."""
        step = nudge.step
        if step is None or nudge.delivery is not Delivery.PENDING:
            return False
        try:
            await deliver(nudge, step)
        except PlatformError as error:
            log.warning("disclosure nudge %d: %s not delivered: %s", nudge.id, step, error)
            await self.delivery_failed(nudge.id, str(error))
            return False
        await self.delivered(nudge.id)
        log.info("disclosure nudge %d: %s delivered", nudge.id, step)
        return True

    async def deliver_due(self, deliver: Deliver, *, platforms: Collection[str] | None = None) -> int:
        """One timer tick: claim and send every due step; returns how many were delivered.

        `platforms` (the connected ones) keeps nudges of absent platforms from being claimed at all.
        """
        sent = 0
        for nudge, step in await self.due(platforms=platforms):
            if step == "escalate" and nudge.state is NudgeState.REMINDED:
                # The claim overwrites the reminder's delivery state; keep it for the escalation text.
                self._reminder_reached[nudge.id] = nudge.delivery is Delivery.DONE
            claimed = await self.claim(nudge.id, step)
            if claimed is not None and await self.deliver(claimed, deliver):
                sent += 1
        return sent

    async def report(self, platform: str, community: str, *, since: datetime | None = None) -> NudgeReport:
        """Open nudges, fixes, "not sponsored" answers, fix rate and median time to fix."""
        return await self._store.report(platform, community, since)

    async def not_sponsored_answers(self, platform: str, community: str, *, limit: int = 20) -> list[Nudge]:
        """The latest "not sponsored" statements, for a person to decide on."""
        return await self._store.not_sponsored(platform, community, limit=limit)

    async def purge(self) -> int:
        """Delete nudges closed longer ago than the charter's disclosure retention.

        Nudges still open after the retention (escalated long ago, never answered) keep only
        their summary: their suggested fix, which quotes the post, is erased. The schema has no
        "expired" state, and closing them as fixed or withdrawn would be untrue.
        """
        policy = self.disclosure
        days = policy.retention_days if policy else 90
        cutoff = self._clock.now() - timedelta(days=days)
        count = await self._store.purge(cutoff)
        if count:
            log.info("disclosure nudges purged: %d closed more than %d days ago", count, days)
        stale = await self._store.forget_stale(cutoff, self._clock.now())
        if stale:
            log.info("disclosure nudges: suggestion erased from %d nudges open more than %d days", stale, days)
        return count

    def text_for(self, nudge: Nudge, lang: str | None = None, step: NudgeStep = "nudge") -> str:
        """The private note for `step` ("nudge" or "remind") with the charter's rule quoted."""
        return nudge_text(nudge, lang or nudge.lang, policy=self.disclosure, step=step)

    def escalation_for(self, nudge: Nudge, *, author: str, link: str, lang: str | None = None) -> str:
        """The compliance-channel note for an escalated nudge."""
        policy = self.disclosure
        hours = (policy.reminder_hours + policy.escalate_hours) if policy else 48
        language = lang or self._policy.charter.default_language
        return escalation_text(
            nudge, language, author=author, link=link, hours=hours, policy=policy, reached=self.reminder_reached(nudge)
        )

    def restricted_alert_for(self, nudge: Nudge, *, author: str, link: str, lang: str | None = None) -> str | None:
        """The immediate compliance-channel entry of a restricted promotion (a link, never the text), or None."""
        language = lang or self._policy.charter.default_language
        base = language.split("-")[0].lower()
        return law_notes.alert_text(
            nudge, base if base in {"fr", "en"} else "en", author=author, link=link, policy=self.disclosure
        )

    def reminder_reached(self, nudge: Nudge) -> bool | None:
        """Whether the author got the reminder: False when none was sent or it failed, None when not known here."""
        if nudge.reminded_at is None:
            return False
        return self._reminder_reached.get(nudge.id)

    async def _for_author(self, nudge_id: int, actor: Actor, *, allowed_closed: NudgeState) -> Nudge:
        nudge = await self.get(nudge_id)
        if actor.platform != nudge.platform or actor.id != nudge.author_id:
            raise TransitionError("Only the author of the post can answer this reminder.")
        if not nudge.is_open and nudge.state is not allowed_closed:
            raise TransitionError(f"This reminder is already closed ({nudge.state.value}); nothing was changed.")
        return nudge

    async def _recheck(self, nudge: Nudge, text: str, *, by: str, lang: str | None) -> Nudge:
        policy = self.disclosure
        if policy is None:
            return nudge
        finding = self._checker(policy).inspect(text, jurisdiction=nudge.jurisdiction, lang=lang)
        # A well-labelled restricted promotion is fixed as far as the author can fix it: compliance was told.
        if not finding.needs_nudge or finding.severity is Severity.OK:
            return await self._close(nudge, NudgeState.FIXED, by=by)
        updated = await self._store.update_finding(
            nudge.id,
            self._clock.now(),
            severity=finding.severity.value,
            label=finding.label,
            suggested_label=finding.suggested_label,
            brand=finding.brand,
            signals=_summary(finding),
            suggestion=finding.suggestion,
        )
        return updated or await self.get(nudge.id)

    async def _close(self, nudge: Nudge, state: NudgeState, *, by: str, note: str | None = None) -> Nudge:
        closed = await self._store.resolve(nudge.id, state, self._clock.now(), by=by, note=note)
        if closed is None:
            current = await self.get(nudge.id)
            if current.state is state:
                return current
            raise TransitionError(f"This reminder is already closed ({current.state.value}); nothing was changed.")
        log.info("disclosure nudge %d closed: %s", closed.id, state.value)
        return closed

    def _draft(self, message: Message, finding: DisclosureFinding) -> NudgeDraft:
        charter = self._policy.charter
        if message.author.locale:
            lang = charter.language_for(message.author.locale)
        else:
            lang = finding.lang if finding.lang in charter.languages else charter.default_language
        return NudgeDraft(
            platform=message.platform,
            community=message.community,
            channel=message.channel,
            message_id=message.id,
            author_id=message.author.id,
            lang=lang,
            jurisdiction=finding.jurisdiction,
            severity=finding.severity.value,
            label=finding.label,
            suggested_label=finding.suggested_label,
            brand=finding.brand,
            signals=_summary(finding),
            suggestion=finding.suggestion,
            created_at=self._clock.now(),
        )


def _summary(finding: DisclosureFinding) -> tuple[str, ...]:
    """Only the signal kinds ("promo_code", "affiliate"), then the law notes ("image", "restricted:crypto"):
    enough to explain the nudge, no fragment of the post."""
    kinds = tuple(dict.fromkeys(s.kind for s in finding.signals))[:MAX_SIGNALS]
    notes = ((law_notes.IMAGE,) if finding.image_note else ()) + tuple(
        law_notes.RESTRICTED + k for k in finding.restricted
    )
    return kinds + notes
