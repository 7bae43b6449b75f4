"""CaseActions: carrying out a recorded case's effects on its platform (delete, warn, notice, card, restore)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.cases.transitions import ENFORCED, Event, Role, step
from bot.charter.model import Rule
from bot.errors import PlatformError, PlatformFailure
from bot.explain import reversed_text, statement_for
from bot.lanes import handoff, leave_front
from bot.models import (
    SYSTEM_ACTOR,
    Action,
    ActionState,
    Actor,
    AuditEntry,
    Case,
    CaseStatus,
    PostedRef,
    Step,
    StepKind,
    StepState,
)
from bot.ports import CardKind, Clock, Platform, PolicySource, Store

log = logging.getLogger(__name__)

T = TypeVar("T")

BACKOFF_FIRST = 2.0
BACKOFF_MAX = 300.0
"""Retries of a failed step wait 2 s, 4 s, 8 s... up to 5 minutes, or what a rate limit asked for."""

REMOVAL_STEPS = (StepKind.DELETE, StepKind.AUTHOR_DM, StepKind.NOTICE, StepKind.ESCALATION)
WARNING_STEPS = (StepKind.AUTHOR_DM, StepKind.NOTICE, StepKind.ESCALATION)
REVIEW_STEPS = (StepKind.REVIEW_CARD,)

AUTOMOD_ACTOR = "automod"
"""The actor id recorded for removals the platform's own filter carried out."""


class CaseActions:
    """Carries out a recorded case's side effects on its platform and records each outcome.

    Every platform call is caught: a failure is audited on the case (and moderators are
    alerted when a human must step in); it never loses or rolls back the case.

    Side effects on a case are claimed first (`Store.claim_action`): a caller that finds the
    case claimed leaves it to the holder, who re-reads the case after each platform call, so a
    reconnect's `resume_pending` never acts twice and an overturn or an edit that landed while
    the platform was busy is honoured.
    """

    def __init__(self, store: Store, policy: PolicySource, clock: Clock, platforms: Mapping[str, Platform]) -> None:
        """Keep a reference to `platforms`: adapters register themselves after the services are built."""
        self.store = store
        self.policy = policy
        self.clock = clock
        self.platforms = platforms
        self._attempts: dict[tuple[int, StepKind], int] = {}
        self._retrying: set[int] = set()  # cases whose removal or warning just got a retry scheduled

    def outcome(self, case: Case, kind: StepKind, err: PlatformError | None, *, detail: str | None = None) -> Step:
        """A step's recorded outcome: done; pending again after a backoff when the failure may pass
        (network, 5xx, rate limit: never final); failed when the platform refused for good."""
        key = (case.id, kind)
        if err is None:
            self._attempts.pop(key, None)
            return Step(case.id, kind, StepState.DONE, detail=detail)
        if not err.retryable:
            self._attempts.pop(key, None)
            return Step(case.id, kind, StepState.FAILED, error=str(err), detail=detail)
        if kind in (StepKind.DELETE, StepKind.NOTICE, StepKind.AUTHOR_DM):
            self._retrying.add(case.id)
        tries = self._attempts.get(key, 0) + 1
        self._attempts[key] = tries
        wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (tries - 1))
        if err.retry_after is not None:
            wait = max(err.retry_after, 0.05)
        when = self.clock.now() + timedelta(seconds=wait)
        return Step(case.id, kind, StepState.PENDING, next_at=when, error=str(err), detail=detail)

    async def done_steps(self, case: Case) -> set[StepKind]:
        """The steps of a case already carried out (read before any side effect that must not repeat)."""
        return {kind for kind, step in (await self.store.steps_of(case.id)).items() if step.state is StepState.DONE}

    def entry(
        self,
        case: Case,
        event: str,
        *,
        actor_id: str = SYSTEM_ACTOR,
        reason: str | None = None,
        detail: str | None = None,
    ) -> AuditEntry:
        """An audit entry stamped with the injected clock."""
        return AuditEntry(case.id, self.clock.now(), actor_id, event, reason, detail)

    def rule_for(self, case: Case) -> Rule:
        """The case's rule in the charter in force, or a stand-in if that rule was since removed."""
        charter = self.policy.charter
        rule = charter.rule(case.rule_id)
        if rule is not None:
            return rule
        # Cases outlive charter versions; a retired rule still needs a card and a notice.
        label = f"{case.rule_id} (charter {case.charter_version})"
        return Rule(
            id=case.rule_id,
            number=case.clause,
            action=case.action,
            title={charter.default_language: label},
            description={},
        )

    async def _ask(
        self, case: Case, step: str, call: Callable[[Platform], Awaitable[T]]
    ) -> tuple[T | None, PlatformError | None]:
        """Run one platform call: its result, or the PlatformError it ended with (never raises)."""
        platform = self.platforms.get(case.platform)
        if platform is None:
            # Not connected yet (a restart's first seconds) or served by another process: tried again later.
            return None, PlatformError(PlatformFailure.UNAVAILABLE, f"no {case.platform} connection yet")
        try:
            return await call(platform), None
        except PlatformError as exc:
            log.warning("case %d: %s failed on %s: %s", case.id, step, case.platform, exc)
            return None, exc
        except Exception as exc:
            # An adapter bug must not stop the remaining steps; the traceback goes to the log.
            log.exception("case %d: %s raised on %s", case.id, step, case.platform)
            return None, PlatformError(PlatformFailure.UNSUPPORTED, f"unexpected {type(exc).__name__}")

    async def _call(self, case: Case, step: str, call: Callable[[Platform], Awaitable[None]]) -> PlatformError | None:
        _, err = await self._ask(case, step, call)
        return err

    async def _audit(self, case: Case, entry: AuditEntry) -> Case:
        return await self.store.update_case(case.id, entry)

    async def notice(self, case: Case, *, removed: bool) -> PlatformError | None:
        """Tell the author: a durable private notice (clause, case, Appeal and See my message) first,
        then the short public notice; each is a tracked step, audited, and where it landed is kept.

        A step already done for this case is skipped, so a retry or a resume after a crash never
        sends a second notice. Returns an error only when neither reached the author.
        """
        await leave_front()  # in a channel's lane, the next removal need not wait for these notices
        # A notice is done for the decision it announced: a warning's notice does not stand for a later
        # removal of the same message (an edit, a moderator), which gets its own.
        steps = await self.store.steps_of(case.id)
        decision = case.action.value
        done = {
            kind
            for kind, tracked in steps.items()
            if tracked.state is StepState.DONE and (tracked.detail or decision) == decision
        }
        statement = statement_for(case, self.rule_for(case), self.policy.charter, lang=case.lang, removed=removed)
        private_err: PlatformError | None = None
        if StepKind.AUTHOR_DM not in done:
            ref, private_err = await self._ask(case, "private notice", lambda p: p.send_private_notice(case, statement))
            step = self.outcome(case, StepKind.AUTHOR_DM, private_err, detail=decision)
            if private_err is None:
                detail = f"{ref.channel}/{ref.message_id}" if ref else "not durable (ephemeral)"
                where: dict[str, Any] = (
                    {"private_channel": ref.channel, "private_message_id": ref.message_id} if ref else {}
                )
                case = await self.store.update_case(
                    case.id, self.entry(case, "private_notice_sent", detail=detail), step=step, **where
                )
            else:
                case = await self.store.update_case(
                    case.id, self.entry(case, "private_notice_failed", detail=str(private_err)), step=step
                )
        err: PlatformError | None = None
        await handoff()  # the direct message went out unordered; public notices keep the channel's order
        if StepKind.NOTICE not in done:
            told = private_err is None
            posted, err = await self._ask(
                case, "notice", lambda p: p.post_notice(case, statement, removed=removed, told_privately=told)
            )
            step = self.outcome(case, StepKind.NOTICE, err, detail=decision)
            if err is None:
                where = {"notice_message_id": posted} if posted else {}
                case = await self.store.update_case(
                    case.id,
                    self.entry(case, "notice_posted", detail=f"removed={removed}"),
                    step=step,
                    follow_up=await self._expiry(case, posted, steps.get(StepKind.NOTICE_EXPIRY)),
                    **where,
                )
            else:
                case = await self.store.update_case(
                    case.id, self.entry(case, "notice_failed", detail=str(err)), step=step
                )
        if case.status is CaseStatus.OVERTURNED and (case.public_notice or case.private_notice):
            # Overturned while the notices were on their way: they must not stand with live buttons.
            await self.retract_notices(case)
        return err if private_err is not None else None

    async def _expiry(self, case: Case, posted: str | None, earlier: Step | None) -> Step | None:
        """The step that removes a public notice once its lifetime is over (kept in the store, so a
        restart does not leave it up for good); None where notices stay. A notice of an earlier
        decision still up (a warning, then a removal after an edit) goes with it."""
        platform = self.platforms.get(case.platform)
        lifetime = await platform.notice_lifetime(case.community) if platform and posted else None
        if lifetime is None or posted is None:
            return None
        due = self.clock.now() + timedelta(seconds=lifetime)
        notices = posted
        if earlier is not None and earlier.state is StepState.PENDING and earlier.detail:
            notices = f"{earlier.detail} {posted}"
        return Step(case.id, StepKind.NOTICE_EXPIRY, StepState.PENDING, next_at=due, detail=notices)

    async def expire_notices(self, limit: int = 500, at_once: int = 16) -> int:
        """Remove the public notices whose time is up (a few at once); a failure that may pass is tried again."""
        now = self.clock.now()
        listed = await self.store.cases_with_due_step(StepKind.NOTICE_EXPIRY, now, limit)
        due = [(case, detail) for case, detail in listed if case.platform in self.platforms]  # others wait
        if not due:
            return 0
        bound = asyncio.Semaphore(at_once)

        async def expire(case: Case, detail: str | None) -> Step:
            notices = detail or case.notice_message_id or ""
            err: PlatformError | None = None
            async with bound:
                for notice in notices.split():
                    err = err or await self._call(case, "notice expiry", _expiry_of(case, notice))
            return self.outcome(case, StepKind.NOTICE_EXPIRY, err, detail=notices)

        outcomes = await asyncio.gather(*(expire(case, detail) for case, detail in due))
        await self.store.record_steps(outcomes, now)
        return len(outcomes)

    async def retract_notices(self, case: Case) -> Case:
        """Once a case is overturned, turn its notices into "the removal was reversed", buttons gone.

        A tracked step: a failure that may pass (network, rate limit) is retried, after a restart too.
        """
        case = await self.store.get_case(case.id) or case
        if case.status is not CaseStatus.OVERTURNED:
            return case
        text = reversed_text(case, self.policy.charter, case.lang)
        failed: PlatformError | None = None
        for where, ref in (("public", case.public_notice), ("private", case.private_notice)):
            if ref is None:
                continue
            err = await self._call(case, f"{where} notice retraction", _retraction(case, ref, text))
            failed = failed or err
            event = "notice_retracted" if err is None else "notice_retract_failed"
            await self._audit(case, self.entry(case, event, detail=where if err is None else f"{where}: {err}"))
        await self.store.update_case(case.id, step=self.outcome(case, StepKind.RETRACT, failed))
        return await self.store.get_case(case.id) or case

    async def card(self, case: Case, kind: CardKind) -> PlatformError | None:
        """Put the case in front of moderators; if the card cannot be posted, alert instead."""
        tracked = kind in ("review", "report")
        if tracked and StepKind.REVIEW_CARD in await self.done_steps(case):
            return None
        err = await self._call(case, f"{kind} card", lambda p: p.send_card(case, self.rule_for(case), kind))
        step = self.outcome(case, StepKind.REVIEW_CARD, err) if tracked else None
        if err is None:
            await self.store.update_case(case.id, self.entry(case, "card_sent", detail=kind), step=step)
            return None
        await self.store.update_case(case.id, self.entry(case, "card_failed", detail=f"{kind}: {err}"), step=step)
        if step is not None and step.state is StepState.PENDING:
            return err  # tried again later; moderators are alerted only if it fails for good
        await self.alert(case, f"Case #{case.id} needs a moderator ({kind}), but its card could not be posted: {err}.")
        return err

    async def alert(self, case: Case, text: str) -> PlatformError | None:
        """Tell the community's moderators; `text` never carries message content."""
        await self.store.begin_step(case.id, StepKind.ALERT, self.clock.now(), detail=text)
        err = await self._call(case, "alert", lambda p: p.alert(case.community, text))
        await self.store.update_case(
            case.id,
            self.entry(case, "alert_sent" if err is None else "alert_failed", detail=str(err or text)),
            step=self.outcome(case, StepKind.ALERT, err, detail=text),
        )
        return err

    async def notify(self, case: Case, text: str) -> PlatformError | None:
        """Tell the author privately (appeal outcomes)."""
        err = await self._call(case, "notify", lambda p: p.notify_author(case, text))
        if err is None:
            await self._audit(case, self.entry(case, "author_notified"))
        else:
            await self._audit(case, self.entry(case, "notify_failed", detail=str(err)))
        return err

    async def _claimed(self, case: Case, work: Callable[[Case], Awaitable[Case]]) -> Case:
        """Run `work` holding the case's claim; another holder means it is already being carried out."""
        if not await self.store.claim_action(case.id):
            log.debug("case %d: its side effects are already being carried out", case.id)
            return case
        try:
            case = await work(case)
            # A decision taken while the claim was held (an overturn during the notice) found the case
            # claimed and left its side effects to this holder: carry them out before letting go.
            current = await self.store.get_case(case.id) or case
            if case.id in self._retrying:
                self._retrying.discard(case.id)
                if current.action is case.action:
                    return case  # its retry is scheduled; nothing was decided meanwhile
            if current.restore_state is ActionState.PENDING and current.status is CaseStatus.OVERTURNED:
                restored = await self.restore_claimed(current)
                return await self.retract_notices(restored)
            if current.action_state is ActionState.PENDING and current.status in ENFORCED:
                return await self.enforce_claimed(current)
            return case
        finally:
            await self.store.release_action(case.id)

    async def enforce(self, case: Case) -> Case:
        """Carry out a recorded removal or warning whose action is still pending, then escalate."""
        return await self._claimed(case, self.enforce_claimed)

    async def enforce_claimed(self, case: Case) -> Case:
        """`enforce` for a caller that holds the case's claim; acts until nothing is pending."""
        acted: Case | None = None
        tried: set[Action] = set()
        while True:
            case = await self.store.get_case(case.id) or case
            if case.status not in ENFORCED or case.action_state is not ActionState.PENDING:
                break
            if case.action in tried:
                break  # its retry is scheduled (a step pending with next_at): not again in this call
            tried.add(case.action)
            if case.action is Action.REMOVE:
                case = await self._delete(case)
            elif case.action is Action.WARN:
                case = await self._warn(case)
            else:
                break
            log.info(
                "case %d on %s: %s under clause %d (%s), %s",
                case.id,
                case.platform,
                case.action.value,
                case.clause,
                case.rule_id,
                case.action_state.value,
            )
            acted = case
        if acted is not None and acted.action_state is not ActionState.PENDING:
            await self.escalate(acted)
        return case

    async def _delete(self, case: Case) -> Case:
        err = await self._call(case, "delete", lambda p: p.delete_message(case))
        # The platform may have taken a while (rate limits): a decision taken meanwhile wins.
        current = await self.store.get_case(case.id) or case
        stands = current.status in ENFORCED
        if err is not None and err.retryable and stands:
            # Rate limited or unreachable: the removal stays pending and is tried again after a backoff.
            step = self.outcome(case, StepKind.DELETE, err)
            when = step.next_at.isoformat() if step.next_at else "soon"
            return await self.store.update_case(
                case.id, self.entry(case, "delete_retry", detail=f"{err}; next try {when}"), step=step
            )
        if err is None or err.failure is PlatformFailure.NOT_FOUND:
            detail = "the message was already gone" if err else None
            changes: dict[str, Any] = {"action_state": ActionState.DONE, "action_error": None}
            if not stands:
                detail = f"{detail or 'deleted'}; the case was {current.status.value} meanwhile"
                if current.status is CaseStatus.OVERTURNED and current.restore_state is not ActionState.DONE:
                    changes["restore_state"] = ActionState.PENDING
            case = await self.store.update_case(
                case.id,
                self.entry(case, "deleted", detail=detail),
                step=Step(case.id, StepKind.DELETE, StepState.DONE),
                **changes,
            )
            if stands:
                await self.notice(case, removed=True)
            elif case.restore_state is ActionState.PENDING:
                case = await self.restore_claimed(case)
            return case
        case = await self.store.update_case(
            case.id,
            self.entry(case, "action_failed", detail=str(err)),
            step=Step(case.id, StepKind.DELETE, StepState.FAILED, error=str(err)),
            action_state=ActionState.FAILED,
            action_error=str(err),
        )
        if not stands:
            return case  # nothing to remove any more: no alert, no notice
        # Degraded path: a human removes it, and the author is asked to edit or delete it.
        await self.alert(
            case,
            f"Case #{case.id}: Vigie could not remove message {case.message_id} in channel {case.channel} "
            f"(clause {case.clause}): {err}. Please remove it by hand or fix Vigie's permissions.",
        )
        await self.card(case, "degraded")
        await self.notice(case, removed=False)
        return case

    async def _warn(self, case: Case) -> Case:
        err = await self.notice(case, removed=False)
        if err is not None and err.retryable:
            return await self.store.get_case(case.id) or case  # the notice steps are retried later
        # `if_action`: an edit may have escalated the warning to a removal while the notice was posted.
        if err is None:
            return await self.store.update_case(
                case.id, self.entry(case, "warned"), if_action=Action.WARN, action_state=ActionState.DONE
            )
        case = await self.store.update_case(
            case.id,
            self.entry(case, "action_failed", detail=str(err)),
            if_action=Action.WARN,
            action_state=ActionState.FAILED,
            action_error=str(err),
        )
        if case.action is Action.WARN and case.status in ENFORCED:
            await self.alert(
                case, f"Case #{case.id}: the warning under clause {case.clause} could not be posted: {err}."
            )
        return case

    async def escalate(self, case: Case) -> None:
        """Time the author out when the rule's escalation threshold is reached (tracked: a crash between
        the removal and this check, or a failed timeout, is taken up again at the next resume)."""
        steps = await self.store.steps_of(case.id)
        if StepKind.TIMEOUT in steps and steps[StepKind.TIMEOUT].state is StepState.PENDING:
            await self._timeout(case, steps[StepKind.TIMEOUT].detail or "")
            return
        check = steps.get(StepKind.ESCALATION)
        if check is not None and check.state is not StepState.PENDING:
            return
        decision = await self._escalation(case)
        if decision is None:
            if check is not None:
                await self.store.update_case(case.id, step=Step(case.id, StepKind.ESCALATION, StepState.DONE))
            return
        await self.store.begin_step(case.id, StepKind.TIMEOUT, self.clock.now(), detail=decision)
        if check is not None:
            await self.store.update_case(case.id, step=Step(case.id, StepKind.ESCALATION, StepState.DONE))
        await self._timeout(case, decision)

    async def _escalation(self, case: Case) -> str | None:
        """`until|reason` when the author must be timed out for this case, else None."""
        if case.status not in ENFORCED or case.action not in (Action.REMOVE, Action.WARN):
            return None
        rule = self.policy.charter.rule(case.rule_id)
        escalation = rule.escalation if rule else None
        if rule is None or escalation is None:
            return None
        now = self.clock.now()
        since = now - timedelta(hours=escalation.window_hours)
        count = await self.store.count_enforced(case.platform, case.community, case.author_id, since)
        if count < escalation.count:
            return None
        until = now + timedelta(minutes=escalation.timeout_minutes)
        reason = (
            f"Charter clause {rule.number}: {count} enforced cases within {escalation.window_hours} h (case #{case.id})"
        )
        return f"{until.isoformat()}|{reason}"

    async def _timeout(self, case: Case, decision: str) -> None:
        stamp, _, reason = decision.partition("|")
        try:
            until = datetime.fromisoformat(stamp)
        except ValueError:
            until = self.clock.now()
        if until <= self.clock.now():
            await self.store.update_case(
                case.id,
                self.entry(case, "timeout_expired", reason=reason, detail="it ended before it could be applied"),
                step=Step(case.id, StepKind.TIMEOUT, StepState.DONE),
            )
            return
        err = await self._call(case, "timeout", lambda p: p.timeout_member(case, until, reason))
        step = self.outcome(case, StepKind.TIMEOUT, err, detail=decision)
        if err is None:
            entry = self.entry(case, "timeout", reason=reason, detail=f"until {until.isoformat()}")
        else:
            entry = self.entry(case, "timeout_failed", reason=reason, detail=str(err))
        await self.store.update_case(case.id, entry, step=step)

    async def restore(self, case: Case) -> Case:
        """Post an overturned removal back in its channel; a failure is kept on the case and alerted."""
        return await self._claimed(case, self.restore_claimed)

    async def restore_claimed(self, case: Case) -> Case:
        """`restore` for a caller that holds the case's claim."""
        case = await self.store.get_case(case.id) or case
        if case.restore_state is not ActionState.PENDING:
            return case
        if case.content is None:
            err: PlatformError | None = PlatformError(
                PlatformFailure.NOT_FOUND, "the content snapshot was already deleted (retention period)"
            )
        else:
            copy, err = await self._ask(case, "restore", lambda p: p.restore_message(case))
        if err is None:
            case = await self.store.update_case(
                case.id,
                self.entry(case, "restored", detail=f"copy {copy}" if copy else None),
                restore_state=ActionState.DONE,
                restored_message_id=copy or None,
            )
            if case.status is not CaseStatus.OVERTURNED:
                # Re-imposed while the copy was being posted; taking it down is left to a person.
                await self.alert(
                    case,
                    f"Case #{case.id} was re-imposed while its message was being restored; "
                    "please delete the restored copy by hand.",
                )
            return case
        case = await self.store.update_case(
            case.id,
            self.entry(case, "restore_failed", detail=str(err)),
            restore_state=ActionState.FAILED,
            action_error=str(err),
        )
        if case.status is CaseStatus.OVERTURNED:
            await self.alert(case, f"Case #{case.id} was overturned but the message could not be restored: {err}.")
        return case

    async def move(self, case: Case, event: Event, by: Role, entry: AuditEntry, **changes: Any) -> Case:
        """Take `case` through `event`: the table in transitions.py gives the new status (or refuses),
        and the store applies it only if no one moved the case since it was read."""
        status = step(case, event, by)
        return await self.store.transition(case.id, expected=(case.status,), entry=entry, status=status, **changes)

    async def remove_by_moderator(
        self, case: Case, moderator: Actor, reason: str, *, event: Event, rule: Rule | None = None
    ) -> Case:
        """A moderator's removal of an already recorded message: record it as theirs, then act."""
        changes: dict[str, object] = {
            "action": Action.REMOVE,
            "action_state": ActionState.PENDING,
            "action_error": None,
            "actor_id": moderator.id,
            "automated": False,
            "decided_by": moderator.id,
            "decision_reason": reason,
        }
        if rule is not None and rule.id != case.rule_id:
            charter = self.policy.charter
            changes |= {
                "rule_id": rule.id,
                "clause": rule.number,
                "charter_version": charter.version,
                "charter_hash": charter.content_hash,
            }
        audit = "removed_after_review" if event is Event.REMOVE_AFTER_REVIEW else "removed_by_moderator"
        entry = self.entry(
            case, audit, actor_id=moderator.id, reason=reason, detail=f"clause {changes.get('clause', case.clause)}"
        )
        case = await self.move(case, event, Role.MODERATOR, entry, **changes)
        return await self.enforce(case)


def _expiry_of(case: Case, notice: str) -> Callable[[Platform], Awaitable[None]]:
    async def expire(platform: Platform) -> None:
        await platform.expire_notice(case, notice)

    return expire


def _retraction(case: Case, ref: PostedRef, text: str) -> Callable[[Platform], Awaitable[None]]:
    return lambda platform: platform.retract_notice(case, ref, text)
