"""The ports through which the core reaches the outside world: Clock, Store, Platform and the current policy."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from bot.charter.model import Charter, Rule
from bot.models import (
    Action,
    ActionState,
    AuditEntry,
    Case,
    CaseDraft,
    CaseStatus,
    Message,
    Nudge,
    NudgeDraft,
    NudgeReport,
    NudgeState,
    NudgeStep,
    PostedRef,
    Statement,
    Step,
    StepKind,
    Verdict,
)

CardKind = Literal["review", "report", "appeal", "degraded"]
"""Why a card lands in the review channel: a `review` verdict, a member report, an appeal,
or a removal the platform could not carry out (`degraded`)."""


class Clock(Protocol):
    """Where the core gets the time; tests inject a fake one."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(UTC)


class Store(Protocol):
    """Durable storage for cases, their audit trail and per-community settings.

    Every method commits before returning, so a crash right after a call loses nothing.
    """

    async def create_case(
        self, draft: CaseDraft, status: CaseStatus, action_state: ActionState, *, steps: Sequence[StepKind] = ()
    ) -> tuple[Case, bool]:
        """Insert a case, its `created` audit entry and its pending `steps` in one transaction.

        Idempotent per message, whatever the rule: if a case already exists for
        (platform, community, channel, message_id), return it with `False` and insert nothing.
        """
        ...

    async def get_case(self, case_id: int) -> Case | None:
        """One case by number."""
        ...

    async def case_for_message(self, platform: str, community: str, channel: str, message_id: str) -> Case | None:
        """The case recorded for a message, if any (a Slack ts is unique only within its channel)."""
        ...

    async def transition(
        self,
        case_id: int,
        *,
        expected: Sequence[CaseStatus],
        entry: AuditEntry,
        **changes: Any,
    ) -> Case:
        """Atomically apply `changes` (Case field names) if the status is one of `expected`,
        append `entry` to the audit log, and return the updated case.

        Raises `TransitionError` if the status moved meanwhile, `NotFoundError` if no such case.
        """
        ...

    async def update_case(
        self,
        case_id: int,
        entry: AuditEntry | None = None,
        *,
        if_action: Action | None = None,
        step: Step | None = None,
        follow_up: Step | None = None,
        **changes: Any,
    ) -> Case:
        """Apply `changes` whatever the status (side-effect bookkeeping), optionally auditing it.

        With `if_action`, `changes` apply only while the case's action is still that one; the
        entry is recorded either way. `step` records an attempted step's outcome in the same transaction,
        `follow_up` a step it leads to (pending, not an attempt).
        """
        ...

    async def steps_of(self, case_id: int) -> dict[StepKind, Step]:
        """The case's tracked steps, by kind."""
        ...

    async def cases_with_due_step(self, kind: StepKind, now: datetime, limit: int) -> list[tuple[Case, str | None]]:
        """Cases with a step of `kind` pending and due by `now`, each with the step's detail, longest due first."""
        ...

    async def record_steps(self, outcomes: Sequence[Step], at: datetime) -> None:
        """Record attempted steps' outcomes in one transaction."""
        ...

    async def begin_step(self, case_id: int, kind: StepKind, at: datetime, *, detail: str | None = None) -> None:
        """Record a step as pending before it is tried."""
        ...

    async def due_steps(
        self, now: datetime, recorded_before: datetime, limit: int = 200, *, besides: StepKind | None = None
    ) -> list[Step]:
        """Pending steps to resume: due retries, and untried steps recorded before `recorded_before`;
        none of kind `besides` (taken up on their own)."""
        ...

    async def pending_steps(self) -> int:
        """How many steps are pending."""
        ...

    async def mark_screened(self, platform: str, community: str, channel: str, message_id: str, at: datetime) -> None:
        """Remember the last message screened in a channel."""
        ...

    async def mark_screened_many(self, marks: list[tuple[str, str, str, str, datetime]]) -> None:
        """Record (platform, community, channel, message_id, at) marks in one transaction."""
        ...

    async def screened_marks(self, platform: str) -> dict[tuple[str, str], tuple[str, datetime]]:
        """The last message screened per (community, channel) of a platform, and when."""
        ...

    async def escalate_case(
        self,
        case_id: int,
        draft: CaseDraft,
        *,
        expected: Sequence[CaseStatus],
        expected_action: Action,
        status: CaseStatus,
        action_state: ActionState,
        entry: AuditEntry,
    ) -> Case:
        """Atomically move an automated, undecided case to the verdict and content snapshot of
        `draft` (an edit of the same message), set `status` and `action_state`, and append `entry`.

        Raises `TransitionError` unless the case is still in one of `expected` with
        `expected_action`, automated, and not decided by anyone; `NotFoundError` if no such case.
        """
        ...

    async def claim_action(self, case_id: int) -> bool:
        """Reserve the case's side effects (delete, warning, restore) for the caller, across every process
        on the database; False if another caller holds them. A lease: a dead holder's claim expires."""
        ...

    async def release_action(self, case_id: int) -> None:
        """Give back a claim taken with `claim_action`."""
        ...

    async def release_dead_claims(self) -> int:
        """Release the claims of processes of this host that are gone; how many were released."""
        ...

    async def audit_trail(self, case_id: int) -> list[AuditEntry]:
        """The case's audit entries, oldest first."""
        ...

    async def cases_for_author(
        self, platform: str, author_id: str, *, limit: int, offset: int = 0, community: str | None = None
    ) -> list[Case]:
        """The author's cases, newest first; only those of `community` unless it is None."""
        ...

    async def count_enforced(self, platform: str, community: str, author_id: str, since: datetime) -> int:
        """How many removals or warnings of this author stand (not overturned) since `since`."""
        ...

    async def list_cases(
        self, platform: str, community: str, *, statuses: Sequence[CaseStatus] = (), limit: int = 50, offset: int = 0
    ) -> list[Case]:
        """A community's cases, newest first, optionally only in some statuses."""
        ...

    async def stats(self, platform: str, community: str, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
        """Transparency counts between two dates: by clause, action, source, status, automation, appeals."""
        ...

    async def pending_actions(self) -> list[Case]:
        """Cases whose delete or restore was recorded but not yet carried out or failed."""
        ...

    async def record_refusal(self, entry: AuditEntry, platform: str, since: datetime, limit: int) -> bool:
        """Audit a refused attempt unless its actor already has `limit` refusals on `platform` since `since`
        (checked and written atomically); whether it was recorded."""
        ...

    async def appealable_cases(
        self, platform: str, author_id: str, since: datetime, community: str | None
    ) -> list[Case]:
        """The author's standing, never-appealed removals and warnings since `since` (one community unless None)."""
        ...

    async def purge_content(self, before: datetime, now: datetime) -> int:
        """Blank the content snapshot of closed cases created before `before`; return how many.

        Cases under appeal keep their content until decided.
        """
        ...

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        """A per-community setting (JSON value), or None."""
        ...

    async def settings_for(self, platform: str, scope: str) -> dict[str, Any]:
        """Every stored setting of one community, by key (JSON values), in one read."""
        ...

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        """Store a per-community setting (JSON value)."""
        ...

    async def schema_version(self) -> int:
        """The migration number the database is at (also a cheap liveness probe)."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...


class Platform(Protocol):
    """What the core asks of a chat platform. Adapters raise `PlatformError` on failure."""

    name: str

    async def delete_message(self, case: Case) -> None:
        """Delete the case's message. Already gone counts as success."""
        ...

    async def send_private_notice(self, case: Case, statement: Statement) -> PostedRef | None:
        """Give the author the statement privately, with Appeal (and See my message for a removal)
        buttons that work for the whole appeal window, restarts included.

        A direct message where the platform allows one: its place is returned, so it can be edited
        once the case is overturned. None when it was delivered but cannot be kept (a Slack
        ephemeral fallback); PlatformError when the author could not be told privately.
        """
        ...

    async def post_notice(self, case: Case, statement: Statement, *, removed: bool, told_privately: bool) -> str | None:
        """Tell the author, publicly but mentioning only them, why (with Appeal / See my message); return
        the notice's message id. `told_privately` is False when the private notice could not be sent."""
        ...

    async def retract_notice(self, case: Case, notice: PostedRef, text: str) -> None:
        """Replace a notice of an overturned case by `text`, its buttons removed; already gone is fine."""
        ...

    async def notice_lifetime(self, community: str) -> int | None:
        """Seconds a public notice stays up before `expire_notice` removes it; None: it stays."""
        ...

    async def expire_notice(self, case: Case, message_id: str) -> None:
        """Remove the case's public notice, its time being up; already gone is fine."""
        ...

    async def send_card(self, case: Case, rule: Rule, kind: CardKind) -> None:
        """Post a review card (clause, evidence, jump link, buttons) in the review channel."""
        ...

    async def restore_message(self, case: Case) -> str | None:
        """Post the case's content back in its channel, marked as restored after review; return the copy's id."""
        ...

    async def notify_author(self, case: Case, text: str) -> None:
        """Tell the author privately (appeal outcome, restoration)."""
        ...

    async def timeout_member(self, case: Case, until: datetime, reason: str) -> None:
        """Stop the author from posting until `until` (escalation)."""
        ...

    async def alert(self, community: str, text: str) -> None:
        """Tell the moderators of a community (log channel) that something needs a human."""
        ...

    async def send_nudge(self, nudge: Nudge, step: NudgeStep, text: str) -> None:
        """Give a team member a private disclosure note ("I've fixed it" / "Not sponsored" buttons).

        Private only: a Discord DM (or, when DMs are closed, a neutral pointer that reveals the note
        ephemerally to the author alone), a Slack ephemeral message. Never public, never a removal.
        """
        ...

    async def message_link(self, community: str, channel: str, message_id: str) -> str:
        """A link moderators can open to see a message in place."""
        ...

    async def post_to_channel(self, community: str, channel: str, text: str) -> None:
        """Post a staff note (disclosure escalation) in a channel, notifying nobody it names."""
        ...


class Screener(Protocol):
    """Anything that screens a message against the charter in force."""

    def screen(self, message: Message) -> Verdict:
        """The verdict for one message."""
        ...


class PolicySource(Protocol):
    """The charter in force and its engine, read at call time so that a reload takes effect."""

    @property
    def charter(self) -> Charter:
        """The charter in force."""
        ...

    @property
    def engine(self) -> Screener:
        """The engine compiled from that charter."""


class NudgeRecords(Protocol):
    """Durable storage of disclosure nudges: one row per post, claims so that one worker sends each step."""

    async def create(self, draft: NudgeDraft) -> tuple[Nudge, bool]:
        """Record a nudge as open with its first delivery claimed; idempotent per post."""
        ...

    async def get(self, nudge_id: int) -> Nudge | None:
        """One nudge by number."""
        ...

    async def for_message(self, platform: str, community: str, channel: str, message_id: str) -> Nudge | None:
        """The nudge about a post, if any."""
        ...

    async def update_finding(self, nudge_id: int, now: datetime, **finding: Any) -> Nudge | None:
        """Replace the finding of an open nudge; None if it is closed or unknown."""
        ...

    async def resolve(
        self, nudge_id: int, state: NudgeState, now: datetime, *, by: str, note: str | None = None
    ) -> Nudge | None:
        """Close an open nudge and purge its post text and suggestion; None if it was not open."""
        ...

    async def claim(
        self, nudge_id: int, step: NudgeStep, now: datetime, *, due: datetime, stale: datetime, max_attempts: int
    ) -> Nudge | None:
        """Claim the right to send `step`; None if another worker has it or it is not due."""
        ...

    async def finish(self, nudge_id: int, now: datetime, *, error: str | None = None) -> Nudge | None:
        """Record how the claimed step went; None if no claim was pending."""
        ...

    async def due(
        self,
        *,
        remind_before: datetime,
        escalate_before: datetime,
        stale: datetime,
        max_attempts: int,
        limit: int = 100,
        platforms: Collection[str] | None = None,
    ) -> list[tuple[Nudge, NudgeStep]]:
        """Open nudges with a step to send, oldest first."""
        ...

    async def report(self, platform: str, community: str, since: datetime | None = None) -> NudgeReport:
        """Counts by state, failed deliveries and the median time from nudge to fix."""
        ...

    async def not_sponsored(self, platform: str, community: str, *, limit: int = 20) -> list[Nudge]:
        """The latest "not sponsored" statements, newest first."""
        ...

    async def forget_stale(self, before: datetime, now: datetime) -> int:
        """Erase the suggestion of nudges still open that were created before `before`."""
        ...

    async def purge(self, before: datetime) -> int:
        """Delete closed nudges closed before `before`; return how many."""
        ...


class LinkResolver(Protocol):
    """Follows a shortened link to see where it lands (bot/adapters/resolver.py; tests use a local server).

    Only the running bot has one, for team members' posts; `python -m bot screen` never does.
    """

    async def resolve(self, url: str) -> str | None:
        """The last address the link redirects to, or None when it cannot be followed safely."""
        ...


class Announcements(Protocol):
    """Messages to every process on the database (PostgreSQL NOTIFY): charter reloads, settings writes."""

    async def announce(self, channel: str, payload: str) -> None:
        """Tell every process listening on `channel`."""
        ...

    async def on_announcement(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` for every announcement on `channel`."""
        ...
