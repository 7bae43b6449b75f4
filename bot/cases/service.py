"""The case state machine: appeals, decisions, overrides and reviews, each transition audited."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Literal, get_args

from bot.cases.actions import CaseActions
from bot.cases.permissions import is_author, moderates, require_moderator, require_reason
from bot.cases.transitions import Event, Role, allows
from bot.errors import NotFoundError, Refused, TransitionError
from bot.explain import outcome_text
from bot.models import Action, ActionState, Actor, AuditEntry, Case, CaseStatus, Step, StepKind, StepState
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


REFUSALS_AUDITED = 5
"""At most this many refused attempts per person are audited within `REFUSAL_WINDOW`; the rest are only logged."""
REFUSAL_WINDOW = timedelta(minutes=10)


def _same_community(actor: Actor, case: Case) -> bool:
    return actor.platform == case.platform and bool(actor.community) and actor.community == case.community


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

    async def _refuse(self, case: Case, actor: Actor, what: str, refusal: Refused) -> Refused:
        """Audit a refused attempt on `case` with its actor (within the per-person limit); return the refusal."""
        if actor.platform != case.platform:
            return refusal
        now = self._clock.now()
        entry = AuditEntry(case.id, now, actor.id, "refused", None, f"{what}: {refusal.key.removeprefix('refused.')}")
        if not await self._store.record_refusal(entry, case.platform, now - REFUSAL_WINDOW, REFUSALS_AUDITED):
            log.info("case %d: refusal (%s, %s) not audited: over the per-person limit", case.id, what, refusal.key)
        return refusal

    async def _require_moderator_of(self, case_id: int, actor: Actor, what: str, doing: str) -> Case:
        """The case if `actor` moderates its community. A member of that community is refused (audited);
        anyone else is told the case does not exist, so case numbers reveal nothing."""
        if actor.is_moderator and not actor.community:
            require_moderator(actor, doing)  # says the community is unknown
        case = await self._store.get_case(case_id)
        if case is None:
            raise _missing(case_id)
        if moderates(actor, case.platform, case.community):
            return case
        if _same_community(actor, case) or is_author(actor, case):
            refusal = Refused(f"Only a moderator can {doing}.", "refused.not_moderator", case=case.id)
            raise await self._refuse(case, actor, what, refusal)
        raise _missing(case_id)

    async def check_appeal(self, case_id: int, author: Actor) -> Case:
        """The case if `author` may appeal it now; checked before any form opens. Refusals are audited."""
        case = await self.get(case_id)
        refusal = self._appeal_refusal(case, author)
        if refusal is not None:
            raise await self._refuse(case, author, "appeal", refusal)
        return case

    def _appeal_refusal(self, case: Case, author: Actor) -> Refused | None:
        if not is_author(author, case):
            return Refused(f"Only the author of case #{case.id} can appeal it.", "refused.not_author", case=case.id)
        if case.appeal_reason is not None:
            return Refused(
                f"Case #{case.id} has already been appealed; each case can be appealed once.",
                "refused.already_appealed",
                case=case.id,
            )
        if not allows(case, Event.APPEAL, Role.AUTHOR):
            return Refused(self._not_appealable(case), f"refused.not_appealable_{case.status.value}", case=case.id)
        window = self._policy.charter.appeal_window_days
        deadline = case.created_at + timedelta(days=window)
        if self._clock.now() > deadline:
            return Refused(
                f"The appeal window for case #{case.id} closed on {deadline:%Y-%m-%d} "
                f"(appeals are open for {window} days).",
                "refused.window_closed",
                case=case.id,
                date=f"{deadline:%Y-%m-%d}",
                days=window,
            )
        return None

    async def appeal(self, case_id: int, author: Actor, reason: str) -> Case:
        """The author contests a removal or warning, once, within the charter's appeal window."""
        case = await self.check_appeal(case_id, author)
        text = require_reason(reason, "A reason for the appeal")
        case = await self._effects.move(
            case, Event.APPEAL, Role.AUTHOR, self._entry(case, author, "appealed", text), appeal_reason=text
        )
        log.info("case %d on %s: appealed by its author", case.id, case.platform)
        await self._effects.card(case, "appeal")
        return await self.get(case.id)

    async def appealable_for(self, author: Actor) -> list[Case]:
        """The author's cases they can still appeal (standing, never appealed, inside the window), newest
        first; only those of the community they ask from, or all of the platform's from a direct message."""
        since = self._clock.now() - timedelta(days=self._policy.charter.appeal_window_days)
        community = author.community or None
        return await self._store.appealable_cases(author.platform, author.id, since, community)

    @staticmethod
    def _not_appealable(case: Case) -> str:
        if case.status is CaseStatus.REVIEW:
            return f"Case #{case.id} is still waiting for a moderator; there is no decision to appeal yet."
        if case.status is CaseStatus.DISMISSED:
            return f"Case #{case.id} was dismissed; no action was taken, so there is nothing to appeal."
        return f"Case #{case.id} was already decided by a moderator ({case.status.value}); it cannot be appealed."

    async def decide(self, case_id: int, moderator: Actor, decision: str, reason: str) -> Case:
        """A moderator other than the one who acted upholds or overturns an appealed case."""
        choice = _check_decision(decision)
        case = await self.check_decision(case_id, moderator)
        require_moderator(moderator, "decide an appeal")
        text = require_reason(reason)
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

    async def check_decision(self, case_id: int, moderator: Actor) -> Case:
        """The appealed case if `moderator` may decide its appeal; checked before the reason form opens."""
        case = await self._require_moderator_of(case_id, moderator, "decide", "decide an appeal")
        if not allows(case, Event.UPHOLD_APPEAL, Role.MODERATOR):
            if case.appeal_reason is not None:
                raise Refused(
                    f"The appeal on case #{case.id} was already decided ({case.status.value}).",
                    "refused.already_decided",
                    case=case.id,
                )
            raise Refused(
                f"Case #{case.id} has no pending appeal (it is {case.status.value}).", "refused.no_appeal", case=case.id
            )
        if _acted_on_it(moderator, case):
            refusal = Refused(
                f"You made the decision in case #{case.id}; another moderator must decide its appeal.",
                "refused.own_decision",
                case=case.id,
            )
            raise await self._refuse(case, moderator, "decide", refusal)
        return case

    async def check_override(self, case_id: int, moderator: Actor) -> Case:
        """The case if `moderator` may override decisions in its community; checked before the reason form."""
        return await self._require_moderator_of(case_id, moderator, "override", "override a decision")

    async def check_review(self, case_id: int, moderator: Actor) -> Case:
        """The held case if `moderator` may remove or dismiss it; checked before the reason form opens."""
        case = await self._require_moderator_of(case_id, moderator, "review", "remove a message or dismiss a case")
        if not allows(case, Event.DISMISS, Role.MODERATOR):
            raise Refused(
                f"Case #{case.id} is {case.status.value}, not waiting for review.",
                "refused.not_in_review",
                case=case.id,
            )
        return case

    async def override(self, case_id: int, moderator: Actor, decision: str, reason: str) -> Case:
        """A moderator reverses or re-imposes an enforced or decided case at any point."""
        choice = _check_decision(decision)
        case = await self._require_moderator_of(case_id, moderator, "override", "override a decision")
        require_moderator(moderator, "override a decision")
        text = require_reason(reason)
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
        if case.public_notice or case.private_notice:
            # Tracked before it is tried, so a crash before the notices are edited is resumed at start.
            await self._store.update_case(case.id, step=Step(case.id, StepKind.RETRACT, StepState.PENDING))
        case = await self._effects.restore(case)
        # No "removed" notice with live buttons may outlive the decision that reversed it.
        return await self._effects.retract_notices(case)

    async def _tell_author(self, case: Case) -> Case:
        await self._effects.notify(case, outcome_text(case, self._policy.charter, case.lang))
        log.info("case %d on %s: %s by a moderator", case.id, case.platform, case.status.value)
        return await self.get(case.id)

    async def remove_from_review(self, case_id: int, moderator: Actor, reason: str) -> Case:
        """A moderator removes a message held for review; the removal is theirs and appealable."""
        case = await self.check_review(case_id, moderator)
        require_moderator(moderator, "remove a message")
        text = require_reason(reason)
        case = await self._effects.remove_by_moderator(case, moderator, text, event=Event.REMOVE_AFTER_REVIEW)
        return await self.get(case.id)

    async def dismiss(self, case_id: int, moderator: Actor, reason: str) -> Case:
        """A moderator closes a review with no action; automation never reopens it."""
        case = await self.check_review(case_id, moderator)
        require_moderator(moderator, "dismiss a case")
        text = require_reason(reason)
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
            refusal = Refused(
                f"Only the author of case #{case.id} can see its removed text.", "refused.not_author_see", case=case.id
            )
            raise await self._refuse(case, requester, "see", refusal)
        if case.content is None:
            days = self._policy.charter.retention_days
            raise NotFoundError(
                f"The text of case #{case.id} was deleted after {days} days, as the charter's retention period says."
            )
        await self._store.update_case(
            case.id, AuditEntry(case.id, self._clock.now(), requester.id, "content_viewed", None, None)
        )
        return case.content
