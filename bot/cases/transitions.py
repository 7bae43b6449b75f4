"""The case life cycle as one table: status × event → status, and who may make each move."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.errors import TransitionError
from bot.models import Action, ActionState, Case, CaseSource, CaseStatus

ENFORCED = frozenset({CaseStatus.ACTIONED, CaseStatus.APPEALED, CaseStatus.UPHELD})
"""Statuses in which a removal or warning stands."""


class Role(enum.StrEnum):
    """Who makes a move; the services check identity and community before they ask the table."""

    AUTHOR = "the author"
    MODERATOR = "a moderator"
    AUTOMATION = "Vigie"


class Event(enum.StrEnum):
    """Something that happens to a recorded case; its value names it in error messages."""

    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold the appeal"
    OVERTURN_APPEAL = "overturn the appeal"
    OVERRIDE_UPHOLD = "re-impose the decision"
    OVERRIDE_OVERTURN = "overturn the decision"
    REMOVE_AFTER_REVIEW = "remove after review"
    DISMISS = "dismiss"
    REMOVE_BY_MODERATOR = "remove the message"
    EDIT_ENFORCES = "act on an edit"
    EDIT_HOLDS = "hold an edit for review"


def automation_may_escalate(case: Case) -> bool:
    """Whether an edit may still move this case: recorded by Vigie itself, decided by nobody, and
    either held for review or standing as a warning."""
    held = case.status is CaseStatus.REVIEW
    warned = case.status is CaseStatus.ACTIONED and case.action is Action.WARN
    return case.source is CaseSource.AUTOMATED and case.automated and case.decided_by is None and (held or warned)


def _not_yet_appealed(case: Case) -> bool:
    return case.appeal_reason is None


def _warned_or_failed(case: Case) -> bool:
    # A warning upgraded to a removal, or a removal the platform refused, retried by a person.
    return case.action is Action.WARN or case.action_state is ActionState.FAILED


@dataclass(frozen=True, slots=True)
class Move:
    """Where an event takes a case, who may cause it, and what else must hold of the case."""

    to: CaseStatus
    by: Role
    when: Callable[[Case], bool] | None = None


_S, _E, _R = CaseStatus, Event, Role

TRANSITIONS: Mapping[tuple[CaseStatus, Event], Move] = MappingProxyType(
    {
        # The author contests a removal or warning, once.
        (_S.ACTIONED, _E.APPEAL): Move(_S.APPEALED, _R.AUTHOR, _not_yet_appealed),
        # A person decides every appeal (the services add: not the moderator who acted).
        (_S.APPEALED, _E.UPHOLD_APPEAL): Move(_S.UPHELD, _R.MODERATOR),
        (_S.APPEALED, _E.OVERTURN_APPEAL): Move(_S.OVERTURNED, _R.MODERATOR),
        # Overrides: reverse anything enforced, or re-impose what was appealed or overturned.
        (_S.ACTIONED, _E.OVERRIDE_OVERTURN): Move(_S.OVERTURNED, _R.MODERATOR),
        (_S.APPEALED, _E.OVERRIDE_OVERTURN): Move(_S.OVERTURNED, _R.MODERATOR),
        (_S.UPHELD, _E.OVERRIDE_OVERTURN): Move(_S.OVERTURNED, _R.MODERATOR),
        (_S.APPEALED, _E.OVERRIDE_UPHOLD): Move(_S.UPHELD, _R.MODERATOR),
        (_S.OVERTURNED, _E.OVERRIDE_UPHOLD): Move(_S.UPHELD, _R.MODERATOR),
        # Reviews end with a person's removal or dismissal.
        (_S.REVIEW, _E.REMOVE_AFTER_REVIEW): Move(_S.ACTIONED, _R.MODERATOR),
        (_S.REVIEW, _E.DISMISS): Move(_S.DISMISSED, _R.MODERATOR),
        # "Remove under charter" on a message that already has a case.
        (_S.REVIEW, _E.REMOVE_BY_MODERATOR): Move(_S.ACTIONED, _R.MODERATOR),
        (_S.DISMISSED, _E.REMOVE_BY_MODERATOR): Move(_S.ACTIONED, _R.MODERATOR),
        (_S.ACTIONED, _E.REMOVE_BY_MODERATOR): Move(_S.ACTIONED, _R.MODERATOR, _warned_or_failed),
        # An edit may make a held or warned message worse; it never touches a person's decision.
        (_S.REVIEW, _E.EDIT_ENFORCES): Move(_S.ACTIONED, _R.AUTOMATION, automation_may_escalate),
        (_S.ACTIONED, _E.EDIT_ENFORCES): Move(_S.ACTIONED, _R.AUTOMATION, automation_may_escalate),
        (_S.ACTIONED, _E.EDIT_HOLDS): Move(_S.REVIEW, _R.AUTOMATION, automation_may_escalate),
    }
)
"""Every allowed move; anything not listed is refused."""


def allows(case: Case, event: Event, by: Role) -> bool:
    """Whether `by` may cause `event` on `case` as it stands."""
    move = TRANSITIONS.get((case.status, event))
    return move is not None and move.by is by and (move.when is None or move.when(case))


def step(case: Case, event: Event, by: Role) -> CaseStatus:
    """The status `event` takes `case` to; TransitionError if the table does not allow it."""
    move = TRANSITIONS.get((case.status, event))
    if move is None:
        raise TransitionError(f"Case #{case.id} is {case.status.value}: no one can {event.value} now.")
    if move.by is not by:
        raise TransitionError(f"Case #{case.id}: only {move.by.value} can {event.value}.")
    if move.when is not None and not move.when(case):
        raise TransitionError(f"Case #{case.id} is {case.status.value}, but as it stands no one can {event.value}.")
    return move.to
