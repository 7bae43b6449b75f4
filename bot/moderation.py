"""Verdict → case → actions: record the case first, then act through the platform, then record the outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.cases.actions import AUTOMOD_ACTOR, REMOVAL_STEPS, REVIEW_STEPS, WARNING_STEPS, CaseActions
from bot.cases.permissions import MAX_REASON, moderates, require_moderator, require_reason
from bot.cases.transitions import ENFORCED, Event, Role, allows, step
from bot.charter.model import Rule
from bot.errors import NotFoundError, TransitionError, VigieError
from bot.explain import outcome_text
from bot.lanes import Lanes
from bot.models import (
    SYSTEM_ACTOR,
    Action,
    ActionState,
    Actor,
    Case,
    CaseDraft,
    CaseSource,
    CaseStatus,
    Evidence,
    Message,
    Step,
    StepKind,
    StepState,
    Verdict,
)
from bot.ports import Clock, PolicySource, Store

log = logging.getLogger(__name__)


def steps_for(action: Action) -> tuple[StepKind, ...]:
    """The side effects a fresh automated case of this action will carry out, recorded with it."""
    if action is Action.REMOVE:
        return REMOVAL_STEPS
    if action is Action.WARN:
        return WARNING_STEPS
    return REVIEW_STEPS


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `handle_message` did: the verdict, the case (if any) and whether this call created it."""

    verdict: Verdict
    case: Case | None
    created: bool


class ModerationService:
    """Turns screened messages, moderator removals, member reports and platform filters into cases."""

    def __init__(self, store: Store, policy: PolicySource, clock: Clock, actions: CaseActions) -> None:
        """Wire the service; `actions` is the one CaseActions the composition root built."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._effects = actions
        self.lanes = Lanes()
        """Side effects in order per channel, a bounded number at once; `lanes.backlog` is the backlog."""
        self._started = clock.now()

    def _draft(
        self,
        message: Message,
        rule: Rule,
        *,
        action: Action,
        evidence: tuple[Evidence, ...],
        confidence: float,
        automated: bool,
        actor_id: str,
        source: CaseSource,
        charter_version: str = "",
    ) -> CaseDraft:
        charter = self._policy.charter
        return CaseDraft(
            platform=message.platform,
            community=message.community,
            channel=message.channel,
            message_id=message.id,
            author_id=message.author.id,
            author_name=message.author.name,
            rule_id=rule.id,
            clause=rule.number,
            charter_version=charter_version or charter.version,
            charter_hash=charter.content_hash,
            action=action,
            evidence=evidence,
            confidence=confidence,
            automated=automated,
            actor_id=actor_id,
            source=source,
            content=message.text,
            lang=message.author.locale or message.lang,
            created_at=self._clock.now(),
            thread=message.thread,
        )

    def _verdict_rule(self, verdict: Verdict) -> Rule:
        charter = self._policy.charter
        rule = charter.rule(verdict.rule_id) if verdict.rule_id else None
        if rule is None and verdict.clause is not None:
            rule = charter.clause(verdict.clause)
        if rule is None:
            raise VigieError(f"the verdict names no rule of charter {charter.version} ({verdict.rule_id!r})")
        return rule

    async def handle_message(self, message: Message) -> Outcome:
        """Screen a new or edited message; record a case before any action; act at most once per message."""
        verdict = self._policy.engine.screen(message)
        if verdict.allowed:
            # Nothing is stored for allowed messages: we keep only what an appeal would need.
            return Outcome(verdict, None, False)
        rule = self._verdict_rule(verdict)
        review = verdict.action is Action.REVIEW
        draft = self._draft(
            message,
            rule,
            action=verdict.action,
            evidence=verdict.evidence,
            confidence=verdict.confidence,
            automated=verdict.automated,
            actor_id=SYSTEM_ACTOR,
            source=CaseSource.AUTOMATED,
            charter_version=verdict.charter_version,
        )
        case, created = await self._store.create_case(
            draft,
            CaseStatus.REVIEW if review else CaseStatus.ACTIONED,
            ActionState.NONE if review else ActionState.PENDING,
            steps=steps_for(verdict.action),
        )
        if not created:
            # Gateway replays, Slack retries and edits: a message is acted on at most once, unless an
            # edit makes it worse while automation alone has handled it (see `_escalate_edit`).
            if message.edited:
                escalated = await self._escalate_edit(case, message, verdict, rule)
                if escalated is not None:
                    return Outcome(verdict, escalated, False)
            log.debug("case %d already covers message %s on %s", case.id, message.id, message.platform)
            return Outcome(verdict, case, False)
        if review:
            log.info(
                "case %d on %s: held for review under clause %d (%s)", case.id, case.platform, case.clause, case.rule_id
            )
            await self._effects.card(case, "review")
        else:
            case = await self.in_lane(case, self._effects.enforce)
        return Outcome(verdict, await self._current(case), True)

    async def in_lane(self, case: Case, work: Callable[[Case], Awaitable[Case]]) -> Case:
        """Carry out `work` on the case in its channel's lane: after the cases before it in that channel,
        with a bound on how many run at once. While the bot stops, the case is left as recorded: its
        pending steps are taken up at the next start."""
        try:
            return await self.lanes.run((case.platform, case.community, case.channel), lambda: work(case))
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self.lanes.stopping and task is not None and not task.cancelling():
                return case
            raise

    async def expire_notices(self) -> int:
        """Remove the public notices whose lifetime is over (a restart included)."""
        return await self._effects.expire_notices()

    async def stop(self, grace: float) -> None:
        """Stop carrying out side effects: queued cases are left for the next start, running ones end at
        a step boundary (or after `grace` seconds)."""
        await self.lanes.stop(grace)

    async def _escalate_edit(self, case: Case, message: Message, verdict: Verdict, rule: Rule) -> Case | None:
        """Act on an edit that makes a held or merely warned message worse (post mild, then edit in
        an insult); None when the case stays as it is. A human decision is never undone."""
        review = verdict.action is Action.REVIEW
        event = Event.EDIT_HOLDS if review else Event.EDIT_ENFORCES
        if verdict.action.severity <= case.action.severity or not allows(case, event, Role.AUTOMATION):
            return None
        draft = self._draft(
            message,
            rule,
            action=verdict.action,
            evidence=verdict.evidence,
            confidence=verdict.confidence,
            automated=True,
            actor_id=SYSTEM_ACTOR,
            source=CaseSource.AUTOMATED,
            charter_version=verdict.charter_version,
        )
        detail = (
            f"{case.action.value} → {verdict.action.value}, clause {case.clause} ({case.rule_id}) → "
            f"clause {draft.clause} ({draft.rule_id}), charter {draft.charter_version}"
        )
        try:
            case = await self._store.escalate_case(
                case.id,
                draft,
                expected=(case.status,),
                expected_action=case.action,
                status=step(case, event, Role.AUTOMATION),
                action_state=ActionState.NONE if review else ActionState.PENDING,
                entry=self._effects.entry(case, "edited", detail=detail),
            )
        except TransitionError:
            # A moderator (or another edit) got there first; theirs stands.
            log.debug("case %d changed while its edit was screened", case.id)
            return None
        log.info(
            "case %d on %s: edited message escalated to %s under clause %d (%s)",
            case.id,
            case.platform,
            case.action.value,
            case.clause,
            case.rule_id,
        )
        # A different decision deserves its own notice: the edit reopens the steps it needs.
        for kind in steps_for(verdict.action):
            await self._store.begin_step(case.id, kind, self._clock.now())
        if review:
            await self._effects.card(case, "review")
        else:
            case = await self.in_lane(case, self._effects.enforce)
        return await self._current(case)

    async def _current(self, case: Case) -> Case:
        fresh = await self._store.get_case(case.id)
        return fresh or case

    async def remove_manually(self, message: Message, rule_id: str, moderator: Actor, reason: str) -> Case:
        """A moderator removes a message under a clause (context menu); the case records them as the decider."""
        require_moderator(moderator, "remove a message")
        if not moderates(moderator, message.platform, message.community):
            raise TransitionError("Only a moderator of this message's community can remove it.")
        text = require_reason(reason)
        charter = self._policy.charter
        rule = charter.rule(rule_id)
        if rule is None:
            raise NotFoundError(f"Charter {charter.version} has no rule '{rule_id}'.")
        draft = self._draft(
            message,
            rule,
            action=Action.REMOVE,
            evidence=(Evidence("moderator", 0, len(message.text), text),),
            confidence=1.0,
            automated=False,
            actor_id=moderator.id,
            source=CaseSource.MODERATOR,
        )
        case, created = await self._store.create_case(
            draft, CaseStatus.ACTIONED, ActionState.PENDING, steps=REMOVAL_STEPS
        )
        if created:
            case = await self._store.update_case(
                case.id,
                self._effects.entry(case, "removal_decided", actor_id=moderator.id, reason=text),
                decided_by=moderator.id,
                decision_reason=text,
            )
            return await self._current(await self._effects.enforce(case))
        return await self._current(await self._remove_existing(case, rule, moderator, text))

    async def _remove_existing(self, case: Case, rule: Rule, moderator: Actor, reason: str) -> Case:
        if allows(case, Event.REMOVE_BY_MODERATOR, Role.MODERATOR):
            return await self._effects.remove_by_moderator(
                case, moderator, reason, event=Event.REMOVE_BY_MODERATOR, rule=rule
            )
        if case.status is CaseStatus.APPEALED:
            raise TransitionError(
                f"Case #{case.id} covers this message and is under appeal; decide the appeal instead."
            )
        if case.status is CaseStatus.OVERTURNED:
            raise TransitionError(
                f"Case #{case.id} covering this message was overturned; use override to re-impose the decision."
            )
        raise TransitionError(f"This message was already removed (case #{case.id}).")

    async def report(self, message: Message, reporter: Actor, note: str) -> Case:
        """A member asks moderators to look at a message: always a review case, never an automatic removal."""
        if reporter.platform != message.platform or (reporter.community and reporter.community != message.community):
            raise TransitionError("You can only report a message of the community you are in.")
        existing = await self._store.case_for_message(message.platform, message.community, message.channel, message.id)
        if existing is not None:
            await self._store.update_case(
                existing.id,
                self._effects.entry(existing, "reported", actor_id=reporter.id, detail=note.strip()[:MAX_REASON]),
            )
            return await self._current(existing)
        verdict = self._policy.engine.screen(message)
        rule = self._verdict_rule(verdict) if not verdict.allowed else self._report_rule()
        evidence = (*verdict.evidence, Evidence("report", 0, len(message.text), note.strip()[:MAX_REASON]))
        draft = self._draft(
            message,
            rule,
            action=Action.REVIEW,
            evidence=evidence,
            confidence=verdict.confidence if not verdict.allowed else 1.0,
            automated=False,
            actor_id=reporter.id,
            source=CaseSource.REPORT,
        )
        case, created = await self._store.create_case(draft, CaseStatus.REVIEW, ActionState.NONE, steps=REVIEW_STEPS)
        if created:
            log.info(
                "case %d on %s: reported for review under clause %d (%s)",
                case.id,
                case.platform,
                case.clause,
                case.rule_id,
            )
            await self._effects.card(case, "report")
        return await self._current(case)

    def _report_rule(self) -> Rule:
        """For a report the engine does not flag: the lowest-numbered review clause, else the first clause."""
        rules = sorted(self._policy.charter.rules, key=lambda r: r.number)
        if not rules:
            raise NotFoundError("The charter has no clauses to report under.")
        return next((r for r in rules if r.action is Action.REVIEW), rules[0])

    async def record_platform_automod(self, message: Message, rule_name: str) -> Case:
        """Record a removal the platform's own filter already made, and explain it to the author."""
        rule = self._automod_rule(rule_name)
        draft = self._draft(
            message,
            rule,
            action=Action.REMOVE,
            evidence=(Evidence("automod", 0, len(message.text), rule_name),),
            confidence=1.0,
            automated=True,
            actor_id=AUTOMOD_ACTOR,
            source=CaseSource.PLATFORM_AUTOMOD,
        )
        case, created = await self._store.create_case(
            draft, CaseStatus.ACTIONED, ActionState.DONE, steps=(StepKind.AUTHOR_DM, StepKind.NOTICE)
        )
        if created:
            log.info(
                "case %d on %s: platform filter removal under clause %d (%s)",
                case.id,
                case.platform,
                case.clause,
                rule.id,
            )
            await self._effects.notice(case, removed=True)
        return await self._current(case)

    def _automod_rule(self, rule_name: str) -> Rule:
        rules = sorted(self._policy.charter.rules, key=lambda r: r.number)
        if not rules:
            raise NotFoundError("The charter has no clauses to record a platform removal under.")
        wanted = rule_name.strip().casefold()
        for rule in rules:
            if wanted == rule.id.casefold() or wanted in {t.strip().casefold() for t in rule.title.values()}:
                return rule
        return next((r for r in rules if r.action is Action.REMOVE), rules[0])

    async def resume_pending(self, platform: str | None = None) -> int:
        """Finish removals, warnings and restores recorded before a crash but never carried out.

        `platform` limits the work to the cases of a platform that has just connected. Cases whose
        side effects this process is carrying out right now (a reconnect during a slow delete) are
        left to that caller, so nothing is done twice; those a dead process of this host held are
        taken over at once.
        """
        released = await self._store.release_dead_claims()
        if released:
            log.info("took over %d case(s) a stopped process had left half done", released)
        done = 0
        for listed in await self._store.pending_actions():
            if platform is not None and listed.platform != platform:
                continue
            if not await self._store.claim_action(listed.id):
                continue
            try:
                if await self._resume(listed):
                    done += 1
            finally:
                await self._store.release_action(listed.id)
        done += await self.resume_due(platform, everything=True)
        if done:
            log.info("resumed %d pending case action(s)", done)
        return done

    async def resume_due(self, platform: str | None = None, *, everything: bool = False) -> int:
        """Take up tracked steps left pending: retries whose backoff is over and steps a stopped process
        never tried (`everything`: every pending retry too, as at start). Each case goes through its
        channel's lane, so resumed work keeps the channel's order and the bound."""
        now = self._clock.now()
        due = await self._store.due_steps(
            now + timedelta(days=3650) if everything else now, self._started, besides=StepKind.NOTICE_EXPIRY
        )
        cases: dict[int, Case] = {}
        for listed in due:
            if listed.case_id in cases:
                continue
            case = await self._store.get_case(listed.case_id)
            if case is None or case.platform not in self._effects.platforms:
                continue  # its platform is not connected (yet) in this process
            if platform is None or case.platform == platform:
                cases[case.id] = case
        if not cases:
            return 0
        results = await asyncio.gather(
            *(self.in_lane(case, self._resume_steps) for case in cases.values()), return_exceptions=True
        )
        for result in results:
            if isinstance(result, Exception):
                log.error("resuming a case's steps failed", exc_info=result)
        log.debug("took up the pending steps of %d case(s)", len(cases))
        return len(cases)

    async def _resume_steps(self, case: Case) -> Case:
        if not await self._store.claim_action(case.id):
            return case  # being carried out right now by a live handler
        try:
            return await self._resume_claimed(case)
        finally:
            await self._store.release_action(case.id)

    async def _resume_claimed(self, listed: Case) -> Case:
        case = await self._store.get_case(listed.id) or listed
        steps = await self._store.steps_of(case.id)
        pending = {kind for kind, tracked in steps.items() if tracked.state is StepState.PENDING}
        stands = case.status in ENFORCED and case.action in (Action.REMOVE, Action.WARN)
        if case.action_state is ActionState.PENDING and case.status in ENFORCED:
            return await self._effects.enforce_claimed(case)  # delete or warning, notices, escalation
        told = {StepKind.AUTHOR_DM, StepKind.NOTICE} & pending
        if told and stands:
            removed = case.action is Action.REMOVE and case.action_state is ActionState.DONE
            await self._effects.notice(case, removed=removed)
        if {StepKind.ESCALATION, StepKind.TIMEOUT} & pending and stands:
            await self._effects.escalate(case)
        if StepKind.REVIEW_CARD in pending and case.status is CaseStatus.REVIEW:
            await self._effects.card(case, "review")
        if StepKind.ALERT in pending:
            await self._effects.alert(case, steps[StepKind.ALERT].detail or f"Case #{case.id} needs a moderator.")
        if StepKind.RETRACT in pending and case.status is CaseStatus.OVERTURNED:
            case = await self._effects.retract_notices(case)
        left = {StepKind.REVIEW_CARD} if case.status is not CaseStatus.REVIEW else set()
        if case.status is not CaseStatus.OVERTURNED:
            left.add(StepKind.RETRACT)
        if not stands:
            left |= {StepKind.DELETE, StepKind.AUTHOR_DM, StepKind.NOTICE, StepKind.ESCALATION, StepKind.TIMEOUT}
        for kind in sorted(left & pending):
            await self._store.update_case(
                case.id,
                self._effects.entry(case, "step_cancelled", detail=f"{kind.value}: case is {case.status.value}"),
                step=Step(case.id, kind, StepState.FAILED, error=f"cancelled: case is {case.status.value}"),
            )
        return await self._current(case)

    async def _resume(self, listed: Case) -> bool:
        """Finish or call off what is still pending once the claim is held; False if nothing was."""
        case = await self._store.get_case(listed.id) or listed
        pending = ActionState.PENDING in (case.action_state, case.restore_state)
        if case.action_state is ActionState.PENDING:
            if case.status in ENFORCED:
                case = await self._effects.enforce_claimed(case)
            else:
                # The decision changed before the action ran (e.g. overturned): call it off.
                case = await self._store.update_case(
                    case.id,
                    self._effects.entry(case, "action_cancelled", detail=f"case is {case.status.value}"),
                    action_state=ActionState.NONE,
                )
        if case.restore_state is ActionState.PENDING:
            if case.status is CaseStatus.OVERTURNED:
                case = await self._effects.restore_claimed(case)
                case = await self._effects.retract_notices(case)
                await self._effects.notify(case, outcome_text(case, self._policy.charter, case.lang))
            else:
                await self._store.update_case(
                    case.id,
                    self._effects.entry(case, "restore_cancelled", detail=f"case is {case.status.value}"),
                    restore_state=ActionState.NONE,
                )
        return pending

    async def purge_expired(self) -> int:
        """Delete content snapshots older than the charter's retention period (open cases keep theirs)."""
        now = self._clock.now()
        purged = await self._store.purge_content(now - timedelta(days=self._policy.charter.retention_days), now)
        if purged:
            log.info("purged the content of %d case(s) past %d days", purged, self._policy.charter.retention_days)
        return purged
