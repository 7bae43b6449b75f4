"""The case state machine: appeals, decisions, overrides and reviews, each transition audited."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Literal, get_args

from bot.cases.actions import CaseActions
from bot.cases.permissions import is_author, moderates, require_moderator, require_reason
from bot.cases.transitions import Event, Role, allows
from bot.errors import NotFoundError, TransitionError
from bot.explain import outcome_text
from bot.models import Action, ActionState, Actor, AuditEntry, Case, CaseStatus
from bot.ports import Clock, PolicySource, Store

log = logging.getLogger(__name__)

Decision = Literal["uphold", "overturn"]
_DECISIONS: tuple[str, ...] = get_args(Decision)


def _check_decision(decision: str) -> Decision:
    if decision == "uphold":
        return "uphold"
    if decision == "overturn":
        return "overturn"
    raise TransitionError(f"Unknown decision '{decision}': expected one of {', '.join(_DECISIONS)}.")


def _acted_on_it(moderator: Actor, case: Case) -> bool:
    """True when `moderator` is the person who made this (manual) decision."""
    return not case.automated and moderator.platform == case.platform and moderator.id == case.actor_id


def _missing(case_id: int) -> NotFoundError:
    return NotFoundError(f"There is no case #{case_id}.")


class CaseService:
    """What authors and moderators do with a recorded case. Illegal moves raise TransitionError.

    A moderator acts on and reads only the cases of the community they moderate (same platform
    and `Actor.community`); any other case is reported as missing, so case numbers reveal nothing.
    """

    def __init__(self, store: Store, policy: PolicySource, clock: Clock, actions: CaseActions) -> None:
        """Wire the service; `actions` is the one CaseActions the composition root built."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._effects = actions
        self._appeal_listeners: list[Callable[[Case], Awaitable[object]]] = []

    def on_appeal_decided(self, listener: Callable[[Case], Awaitable[object]]) -> None:
        """Call `listener` with each case whose appeal a moderator has just decided (the noisy-rule guard)."""
        self._appeal_listeners.append(listener)

    async def _appeal_decided(self, case: Case) -> None:
        for listener in self._appeal_listeners:
            try:
                await listener(case)
            except Exception:
                log.exception("case %d: an appeal listener failed; the decision stands", case.id)

    async def get(self, case_id: int) -> Case:
        """One case, or NotFoundError; unscoped, for the core. Showing a case to someone: `get_for`."""
        case = await self._store.get_case(case_id)
        if case is None:
            raise _missing(case_id)
        return case

    async def get_for(self, case_id: int, viewer: Actor) -> Case:
        """The case as `viewer` may see it: its author, or a moderator of its community; else NotFoundError."""
        case = await self._store.get_case(case_id)
        if case is None or not (is_author(viewer, case) or moderates(viewer, case.platform, case.community)):
            raise _missing(case_id)
        return case

    async def _moderated(self, case_id: int, moderator: Actor) -> Case:
        """The case if `moderator` moderates its community; NotFoundError otherwise (ids do not leak)."""
        case = await self._store.get_case(case_id)
        if case is None or not moderates(moderator, case.platform, case.community):
            raise _missing(case_id)
        return case

    async def trail(self, case_id: int) -> list[AuditEntry]:
        """The case's audit trail, oldest first; unscoped, for the core. Showing it: `trail_for`."""
        await self.get(case_id)
        return await self._store.audit_trail(case_id)

    async def trail_for(self, case_id: int, viewer: Actor) -> list[AuditEntry]:
        """The audit trail for a moderator of the case's community (it names reporters and
        moderators, so authors do not get it); NotFoundError for anyone else."""
        await self._moderated(case_id, viewer)
        return await self._store.audit_trail(case_id)

    async def cases_for(
        self, platform: str, author_id: str, limit: int = 20, offset: int = 0, *, community: str
    ) -> list[Case]:
        """An author's cases in one community, newest first (what that community's moderators see)."""
        if not community:
            raise TransitionError("Listing a member's cases needs the community they are listed for.")
        return await self._store.cases_for_author(platform, author_id, limit=limit, offset=offset, community=community)

    def _entry(self, case: Case, actor: Actor, event: str, reason: str, detail: str | None = None) -> AuditEntry:
        return AuditEntry(case.id, self._clock.now(), actor.id, event, reason, detail)

    async def appeal(self, case_id: int, author: Actor, reason: str) -> Case:
        """The author contests a removal or warning, once, within the charter's appeal window."""
        case = await self.get(case_id)
        if not is_author(author, case):
            raise TransitionError(f"Only the author of case #{case.id} can appeal it.")
        if case.appeal_reason is not None:
            raise TransitionError(f"Case #{case.id} has already been appealed; each case can be appealed once.")
        if not allows(case, Event.APPEAL, Role.AUTHOR):
            raise TransitionError(self._not_appealable(case))
        window = self._policy.charter.appeal_window_days
        deadline = case.created_at + timedelta(days=window)
        if self._clock.now() > deadline:
            raise TransitionError(
                f"The appeal window for case #{case.id} closed on {deadline:%Y-%m-%d} "
                f"(appeals are open for {window} days)."
            )
        text = require_reason(reason, "A reason for the appeal")
        case = await self._effects.move(
            case, Event.APPEAL, Role.AUTHOR, self._entry(case, author, "appealed", text), appeal_reason=text
        )
        log.info("case %d on %s: appealed by its author", case.id, case.platform)
        await self._effects.card(case, "appeal")
        return await self.get(case.id)

    @staticmethod
    def _not_appealable(case: Case) -> str:
        if case.status is CaseStatus.REVIEW:
            return f"Case #{case.id} is still waiting for a moderator; there is no decision to appeal yet."
        if case.status is CaseStatus.DISMISSED:
            return f"Case #{case.id} was dismissed; no action was taken, so there is nothing to appeal."
        return f"Case #{case.id} was already decided by a moderator ({case.status.value}); it cannot be appealed."

    async def decide(self, case_id: int, moderator: Actor, decision: str, reason: str) -> Case:
        """A moderator other than the one who acted upholds or overturns an appealed case."""
        require_moderator(moderator, "decide an appeal")
        choice = _check_decision(decision)
        text = require_reason(reason)
        case = await self._moderated(case_id, moderator)
        if not allows(case, Event.UPHOLD_APPEAL, Role.MODERATOR):
            if case.appeal_reason is not None:
                raise TransitionError(f"The appeal on case #{case.id} was already decided ({case.status.value}).")
            raise TransitionError(f"Case #{case.id} has no pending appeal (it is {case.status.value}).")
        if _acted_on_it(moderator, case):
            raise TransitionError(
                f"You made the decision in case #{case.id}; another moderator must decide its appeal."
            )
        if choice == "uphold":
            case = await self._effects.move(
                case,
                Event.UPHOLD_APPEAL,
                Role.MODERATOR,
                self._entry(case, moderator, "appeal_upheld", text),
                decided_by=moderator.id,
                decision_reason=text,
            )
        else:
            case = await self._overturn(case, moderator, text, Event.OVERTURN_APPEAL, "appeal_overturned")
        case = await self._tell_author(case)
        await self._appeal_decided(case)
        return case

    async def override(self, case_id: int, moderator: Actor, decision: str, reason: str) -> Case:
        """A moderator reverses or re-imposes an enforced or decided case at any point."""
        require_moderator(moderator, "override a decision")
        choice = _check_decision(decision)
        text = require_reason(reason)
        case = await self._moderated(case_id, moderator)
        if case.status in (CaseStatus.REVIEW, CaseStatus.DISMISSED):
            raise TransitionError(
                f"Case #{case.id} is {case.status.value}: nothing was enforced; remove the message or dismiss instead."
            )
        detail = f"{choice} (was {case.status.value})"
        if choice == "overturn":
            if case.status is CaseStatus.OVERTURNED:
                raise TransitionError(f"Case #{case.id} is already overturned.")
            case = await self._overturn(case, moderator, text, Event.OVERRIDE_OVERTURN, "overridden", detail)
        else:
            case = await self._override_uphold(case, moderator, text, detail)
        return await self._tell_author(case)

    async def _override_uphold(self, case: Case, moderator: Actor, reason: str, detail: str) -> Case:
        if case.status is CaseStatus.UPHELD:
            raise TransitionError(f"Case #{case.id} is already upheld.")
        if case.status is CaseStatus.ACTIONED:
            # Upholding an unappealed case would only close the author's right to appeal.
            raise TransitionError(f"Case #{case.id} stands and has not been appealed; there is nothing to uphold.")
        if case.appeal_reason is not None and _acted_on_it(moderator, case):
            raise TransitionError(
                f"You made the decision in case #{case.id} and its author appealed it; another moderator must rule."
            )
        changes: dict[str, Any] = {"decided_by": moderator.id, "decision_reason": reason}
        restored = case.restore_state is ActionState.DONE
        if case.restore_state in (ActionState.PENDING, ActionState.FAILED):
            changes["restore_state"] = ActionState.NONE
        if restored:
            # The restored copy is Vigie's own post; taking it down again is left to a person.
            detail += "; the restored copy stays up until a moderator deletes it"
        case = await self._effects.move(
            case,
            Event.OVERRIDE_UPHOLD,
            Role.MODERATOR,
            self._entry(case, moderator, "overridden", reason, detail),
            **changes,
        )
        if restored:
            await self._effects.alert(
                case,
                f"Case #{case.id} was re-imposed after its message had been restored; "
                "please delete the restored copy by hand.",
            )
        return case

    async def _overturn(
        self, case: Case, moderator: Actor, reason: str, event: Event, audit: str, detail: str | None = None
    ) -> Case:
        restore = (
            case.action is Action.REMOVE
            and case.action_state is ActionState.DONE
            and case.restore_state is not ActionState.DONE
        )
        changes: dict[str, Any] = {"decided_by": moderator.id, "decision_reason": reason}
        if restore:
            changes["restore_state"] = ActionState.PENDING
        entry = self._entry(case, moderator, audit, reason, detail)
        case = await self._effects.move(case, event, Role.MODERATOR, entry, **changes)
        return await self._effects.restore(case)

    async def _tell_author(self, case: Case) -> Case:
        await self._effects.notify(case, outcome_text(case, self._policy.charter, case.lang))
        log.info("case %d on %s: %s by a moderator", case.id, case.platform, case.status.value)
        return await self.get(case.id)

    async def remove_from_review(self, case_id: int, moderator: Actor, reason: str) -> Case:
        """A moderator removes a message held for review; the removal is theirs and appealable."""
        require_moderator(moderator, "remove a message")
        text = require_reason(reason)
        case = await self._moderated(case_id, moderator)
        if not allows(case, Event.REMOVE_AFTER_REVIEW, Role.MODERATOR):
            raise TransitionError(f"Case #{case.id} is {case.status.value}, not waiting for review.")
        case = await self._effects.remove_by_moderator(case, moderator, text, event=Event.REMOVE_AFTER_REVIEW)
        return await self.get(case.id)

    async def dismiss(self, case_id: int, moderator: Actor, reason: str) -> Case:
        """A moderator closes a review with no action; automation never reopens it."""
        require_moderator(moderator, "dismiss a case")
        text = require_reason(reason)
        case = await self._moderated(case_id, moderator)
        if not allows(case, Event.DISMISS, Role.MODERATOR):
            raise TransitionError(f"Case #{case.id} is {case.status.value}, not waiting for review.")
        return await self._effects.move(
            case,
            Event.DISMISS,
            Role.MODERATOR,
            self._entry(case, moderator, "dismissed", text),
            decided_by=moderator.id,
            decision_reason=text,
        )

    async def content_for(self, case_id: int, requester: Actor) -> str:
        """The author's own removed text ("See my message"); every access is audited."""
        case = await self.get(case_id)
        if not is_author(requester, case):
            raise TransitionError(f"Only the author of case #{case.id} can see its removed text.")
        if case.content is None:
            days = self._policy.charter.retention_days
            raise NotFoundError(
                f"The text of case #{case.id} was deleted after {days} days, as the charter's retention period says."
            )
        await self._store.update_case(
            case.id, AuditEntry(case.id, self._clock.now(), requester.id, "content_viewed", None, None)
        )
        return case.content
