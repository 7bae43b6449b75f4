"""Records of disclosure nudges (one per post), shared by the nudge service and its store."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

NudgeStep = Literal["nudge", "remind", "escalate"]
"""What a delivery is: the first private note, the one reminder, or the note to the compliance channel."""


class NudgeState(enum.StrEnum):
    """Where a nudge stands. Only the first three are open; closing one purges the post text."""

    OPEN = "open"  # the author was told privately
    REMINDED = "reminded"  # the one reminder was sent
    ESCALATED = "escalated"  # the compliance channel was told; the author can still fix it
    FIXED = "fixed"  # the post now carries a proper label (edit or "I've fixed it")
    NOT_SPONSORED = "not_sponsored"  # the author says it is not sponsored; a person decides
    WITHDRAWN = "withdrawn"  # the post was deleted


OPEN_STATES: tuple[NudgeState, ...] = (NudgeState.OPEN, NudgeState.REMINDED, NudgeState.ESCALATED)
STEP_OF_STATE: dict[NudgeState, NudgeStep] = {
    NudgeState.OPEN: "nudge",
    NudgeState.REMINDED: "remind",
    NudgeState.ESCALATED: "escalate",
}


class Delivery(enum.StrEnum):
    """Whether the latest step reached its recipient. `pending` is a claim: recorded, being sent."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class NudgeDraft:
    """Everything known about a nudge before the store numbers it.

    Privacy: only what the nudge needs is kept. The post itself is never stored; `suggestion`
    (the post with the label) lives only while the nudge is open; `signals` names signal kinds.
    """

    platform: str
    community: str
    channel: str
    message_id: str
    author_id: str
    lang: str  # language of the private note
    jurisdiction: str
    severity: str  # soft, misplaced, insufficient or missing
    label: str | None
    suggested_label: str
    brand: str | None
    signals: tuple[str, ...]
    suggestion: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Nudge:
    """A recorded nudge about one post."""

    id: int
    platform: str
    community: str
    channel: str
    message_id: str
    author_id: str
    lang: str
    jurisdiction: str
    severity: str
    label: str | None
    suggested_label: str
    brand: str | None
    signals: tuple[str, ...]
    suggestion: str | None
    state: NudgeState
    delivery: Delivery
    attempts: int
    delivery_error: str | None
    note: str | None  # the author's "not sponsored" statement
    resolved_by: str | None
    created_at: datetime
    updated_at: datetime
    claimed_at: datetime
    reminded_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Whether the author still has something to do."""
        return self.state in OPEN_STATES

    @property
    def step(self) -> NudgeStep | None:
        """The delivery the current state stands for, or None once closed."""
        return STEP_OF_STATE.get(self.state)

    @property
    def needs_delivery(self) -> bool:
        """Whether the caller that got this nudge back should deliver its current step now."""
        return self.is_open and self.delivery is Delivery.PENDING


@dataclass(frozen=True, slots=True)
class NudgeReport:
    """Counts for `/disclosure report` (one community, optionally since a date)."""

    platform: str
    community: str
    total: int
    open: int  # open, reminded or escalated
    reminded: int
    escalated: int
    fixed: int
    not_sponsored: int
    withdrawn: int
    failed_deliveries: int
    median_time_to_fix: timedelta | None

    @property
    def fix_rate(self) -> float | None:
        """Fixed nudges over all nudges whose post still exists; None when there are none."""
        counted = self.total - self.withdrawn
        return self.fixed / counted if counted else None
