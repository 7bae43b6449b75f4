"""Frozen dataclasses shared by the core, the store and the platform adapters."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

SYSTEM_ACTOR = "vigie"
"""The actor id recorded when Vigie itself acts (automated decisions)."""


class Action(enum.StrEnum):
    """What a verdict asks for, from the mildest to the harshest."""

    ALLOW = "allow"
    WARN = "warn"
    REVIEW = "review"
    REMOVE = "remove"

    @property
    def severity(self) -> int:
        """Rank used to keep the harshest action when several rules match."""
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.WARN: 1, Action.REVIEW: 2, Action.REMOVE: 3}


class CaseStatus(enum.StrEnum):
    """Where a case stands in its life cycle."""

    REVIEW = "review"  # held for a moderator; the message stays up
    ACTIONED = "actioned"  # removed or warned; appealable
    DISMISSED = "dismissed"  # a moderator closed a review with no action
    APPEALED = "appealed"  # the author appealed; waiting for a moderator
    UPHELD = "upheld"  # a moderator confirmed the decision
    OVERTURNED = "overturned"  # a moderator reversed it; content is restored


class ActionState(enum.StrEnum):
    """Progress of a side effect (delete, restore) that the platform must carry out."""

    NONE = "none"
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class CaseSource(enum.StrEnum):
    """How the case came to be, for statements of reasons and transparency reports."""

    AUTOMATED = "automated"
    MODERATOR = "moderator"
    REPORT = "report"
    PLATFORM_AUTOMOD = "platform_automod"


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone acting on a platform: an author, a reporter or a moderator.

    `is_moderator` is computed by the platform glue from roles and per-community settings, so it
    holds only in `community` (the guild or workspace the actor acts from); the core only trusts it
    for cases of that community, and never guesses it.
    """

    platform: str
    id: str
    name: str = ""
    roles: tuple[str, ...] = ()
    locale: str | None = None
    is_moderator: bool = False
    avatar_url: str | None = None
    community: str = ""

    @property
    def key(self) -> str:
        """Globally unique `(platform, id)` key."""
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class Message:
    """A chat message as the core sees it, whatever platform it came from."""

    platform: str
    community: str  # Discord guild id, Slack team id, "cli" for the offline job
    channel: str
    id: str
    author: Actor
    text: str
    created_at: datetime
    lang: str | None = None
    mention_count: int = 0  # distinct user and role mentions; @everyone/@here count as one each
    edited: bool = False
    channel_name: str = ""
    has_image: bool = False  # an image attachment or embed (the French "image retouchée" rule)
    thread: str | None = None  # the thread it was posted in (Slack thread_ts), kept on its case

    @property
    def key(self) -> str:
        """Globally unique `(platform, id)` key."""
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a matcher fired: a span of the *original* text plus a moderator-only detail."""

    matcher: str  # term, fuzzy, pattern, link, invite, mentions, duplicate, email, phone, report, automod
    start: int
    end: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The screening engine's decision for one message."""

    action: Action
    rule_id: str | None = None
    clause: int | None = None
    charter_version: str = ""
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 1.0
    automated: bool = True

    @property
    def allowed(self) -> bool:
        """True when nothing needs doing."""
        return self.action is Action.ALLOW


@dataclass(frozen=True, slots=True)
class Statement:
    """A rendered statement of reasons, ready for any platform to display."""

    lang: str
    title: str
    body: str

    @property
    def text(self) -> str:
        """Title and body as plain text."""
        return f"{self.title}\n{self.body}"


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """Everything known about a case before the store numbers it."""

    platform: str
    community: str
    channel: str
    message_id: str
    author_id: str
    author_name: str
    rule_id: str
    clause: int
    charter_version: str
    charter_hash: str
    action: Action
    evidence: tuple[Evidence, ...]
    confidence: float
    automated: bool
    actor_id: str
    source: CaseSource
    content: str
    lang: str | None
    created_at: datetime
    thread: str | None = None  # the message's thread (Slack), so notices and restores land there


@dataclass(frozen=True, slots=True)
class Case:
    """A recorded moderation decision and everything an appeal needs."""

    id: int
    platform: str
    community: str
    channel: str
    message_id: str
    author_id: str
    author_name: str
    rule_id: str
    clause: int
    charter_version: str
    charter_hash: str
    action: Action
    evidence: tuple[Evidence, ...]
    confidence: float
    automated: bool
    actor_id: str
    source: CaseSource
    content: str | None  # None once purged after the charter's retention
    lang: str | None
    status: CaseStatus
    action_state: ActionState  # the delete (remove) or notice (warn) side effect
    action_error: str | None
    restore_state: ActionState  # the restore side effect after an overturn
    appeal_reason: str | None
    decided_by: str | None
    decision_reason: str | None
    created_at: datetime
    updated_at: datetime
    notice_message_id: str | None = None  # the public notice, in `channel`
    private_channel: str | None = None  # the author's durable private notice (a direct message)
    private_message_id: str | None = None
    restored_message_id: str | None = None  # the copy posted back in `channel` after an overturn
    decided_at: datetime | None = None  # when `decided_by` decided
    thread: str | None = None  # the message's thread (Slack): a restore after a restart lands in it

    @property
    def author_key(self) -> str:
        """Globally unique key of the author."""
        return f"{self.platform}:{self.author_id}"

    @property
    def human_decision(self) -> bool:
        """Whether a person (not automation) took the decision that stands."""
        return self.decided_by is not None and self.decided_by != SYSTEM_ACTOR

    @property
    def private_notice(self) -> PostedRef | None:
        """Where the author's private notice is, if one was delivered durably."""
        if self.private_channel and self.private_message_id:
            return PostedRef(self.private_channel, self.private_message_id)
        return None

    @property
    def public_notice(self) -> PostedRef | None:
        """Where the public notice is, if it was posted."""
        return PostedRef(self.channel, self.notice_message_id) if self.notice_message_id else None


@dataclass(frozen=True, slots=True)
class PostedRef:
    """A message Vigie posted: its channel (or direct-message channel) and its id (a Slack ts)."""

    channel: str
    message_id: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of a case's append-only audit trail: who did what, when and why."""

    case_id: int
    at: datetime
    actor_id: str
    event: str
    reason: str | None = None
    detail: str | None = None


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


class StepKind(enum.StrEnum):
    """One side effect of a case, tracked on its own (pending before it is tried, then done or failed).

    Extensible: a new kind is one member here plus the code in bot/cases/actions.py that carries
    it out and resumes it; the store keeps kinds as text and lists none of them.
    """

    DELETE = "delete"  # the removal of the member's message
    AUTHOR_DM = "author_dm"  # the durable private notice (a direct message with Appeal / See my message)
    NOTICE = "notice"  # the short public notice in the channel
    ESCALATION = "escalation"  # counting the author's standing cases against the rule's threshold
    TIMEOUT = "timeout"  # the timeout the escalation decided
    REVIEW_CARD = "review_card"  # the card that puts a held or reported message in front of moderators
    ALERT = "alert"  # telling moderators that a removal needs a human
    RETRACT = "retract"  # editing an overturned case's notices into "reversed", their buttons gone
    NOTICE_EXPIRY = "notice_expiry"  # removing the public notice once its time is up (due at `next_at`)


class StepState(enum.StrEnum):
    """Where a tracked step stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Step:
    """A tracked side effect: `next_at` is when a pending retry is due (None: as soon as possible)."""

    case_id: int
    kind: StepKind
    state: StepState
    attempts: int = 0
    next_at: datetime | None = None
    error: str | None = None
    detail: str | None = None
