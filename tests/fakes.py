"""Test doubles and builders shared by the suite: a recording platform, a settable clock, a small charter."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.cases.actions import CaseActions
from bot.cases.service import CaseService
from bot.charter.model import Charter, Escalation, Rule
from bot.errors import PlatformError, PlatformFailure
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
    PostedRef,
    Statement,
)
from bot.moderation import ModerationService
from bot.ports import CardKind
from bot.store import SqlStore

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

Hook = Callable[[Case], Awaitable[None]]


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = START) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)`, e.g. `advance(days=31)`."""
        self.current += timedelta(**delta)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


@dataclass(frozen=True, slots=True)
class Call:
    """One request the core made to the platform."""

    method: str
    case_id: int | None = None
    kind: str | None = None  # card kind
    removed: bool | None = None  # post_notice
    statement: Statement | None = None
    text: str | None = None  # notify_author / alert / timeout reason
    community: str | None = None
    until: datetime | None = None


@dataclass
class FakePlatform:
    """Records every call in `calls`; `fail(method, ...)` makes a method raise PlatformError.

    `hooks[method]` runs inside the call (before it is recorded), e.g. to look at the database
    while the platform is being asked to act.
    """

    name: str = "discord"
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, PlatformError] = field(default_factory=dict)
    hooks: dict[str, Hook] = field(default_factory=dict)
    lifetime: int | None = None
    """Seconds a public notice stays (None: it stays)."""

    def fail(
        self,
        method: str,
        failure: PlatformFailure = PlatformFailure.FORBIDDEN,
        detail: str = "",
        *,
        retry_after: float | None = None,
    ) -> None:
        """Make `method` raise `PlatformError(failure, detail)` until `heal(method)`."""
        self.failures[method] = PlatformError(failure, detail, retry_after=retry_after)

    def heal(self, method: str | None = None) -> None:
        """Stop failing `method` (or every method)."""
        if method is None:
            self.failures.clear()
        else:
            self.failures.pop(method, None)

    async def _enter(self, method: str, case: Case | None) -> None:
        hook = self.hooks.get(method)
        if hook is not None and case is not None:
            await hook(case)
        error = self.failures.get(method)
        if error is not None:
            raise error

    def named(self, method: str) -> list[Call]:
        """The calls made to `method`, in order."""
        return [c for c in self.calls if c.method == method]

    async def delete_message(self, case: Case) -> None:
        await self._enter("delete_message", case)
        self.calls.append(Call("delete_message", case.id))

    async def send_private_notice(self, case: Case, statement: Statement) -> PostedRef | None:
        await self._enter("send_private_notice", case)
        self.calls.append(Call("send_private_notice", case.id, statement=statement))
        return PostedRef(f"dm-{case.author_id}", f"private-{case.id}-{len(self.calls)}")

    async def post_notice(self, case: Case, statement: Statement, *, removed: bool, told_privately: bool) -> str | None:
        await self._enter("post_notice", case)
        self.calls.append(Call("post_notice", case.id, removed=removed, statement=statement))
        return f"notice-{case.id}-{len(self.calls)}"

    async def notice_lifetime(self, community: str) -> int | None:
        return self.lifetime

    async def expire_notice(self, case: Case, message_id: str) -> None:
        await self._enter("expire_notice", case)
        self.calls.append(Call("expire_notice", case.id, text=message_id))

    async def retract_notice(self, case: Case, notice: PostedRef, text: str) -> None:
        await self._enter("retract_notice", case)
        self.calls.append(Call("retract_notice", case.id, text=text, kind=f"{notice.channel}/{notice.message_id}"))

    async def send_card(self, case: Case, rule: Rule, kind: CardKind) -> None:
        await self._enter("send_card", case)
        self.calls.append(Call("send_card", case.id, kind=kind, text=rule.id))

    async def restore_message(self, case: Case) -> str | None:
        await self._enter("restore_message", case)
        self.calls.append(Call("restore_message", case.id, text=case.content))
        return f"copy-{case.id}"

    async def notify_author(self, case: Case, text: str) -> None:
        await self._enter("notify_author", case)
        self.calls.append(Call("notify_author", case.id, text=text))

    async def timeout_member(self, case: Case, until: datetime, reason: str) -> None:
        await self._enter("timeout_member", case)
        self.calls.append(Call("timeout_member", case.id, until=until, text=reason))

    async def alert(self, community: str, text: str) -> None:
        await self._enter("alert", None)
        self.calls.append(Call("alert", community=community, text=text))


# --- charter, engine and message builders shared by the store, moderation and case tests ---

RESPECT = Rule(
    id="respect",
    number=1,
    action=Action.REMOVE,
    title={"fr": "Respect", "en": "Respect"},
    description={"fr": "Pas d'insultes.", "en": "No insults."},
    terms=("crétin", "idiot"),
    escalation=Escalation(count=3, window_hours=24, timeout_minutes=60),
)
TONE = Rule(
    id="tone",
    number=2,
    action=Action.WARN,
    title={"fr": "Ton", "en": "Tone"},
    description={"fr": "Restez courtois.", "en": "Stay courteous."},
    terms=("zut",),
)
DOUBT = Rule(
    id="scam",
    number=3,
    action=Action.REVIEW,
    title={"fr": "Arnaques", "en": "Scams"},
    description={"fr": "Pas d'arnaques.", "en": "No scams."},
    terms=("arnaque",),
)
SPAM = Rule(
    id="spam",
    number=4,
    action=Action.REMOVE,
    title={"fr": "Publicité", "en": "Spam"},
    description={"fr": "Pas de publicité.", "en": "No advertising."},
    terms=("casino",),
)


def make_charter(*rules: Rule, version: str = "2026.03", retention_days: int = 180, appeal_days: int = 30) -> Charter:
    """A small bilingual charter; defaults to respect (remove), tone (warn), scam (review), spam (remove)."""
    return Charter(
        name="Test community",
        version=version,
        languages=("fr", "en"),
        default_language="fr",
        retention_days=retention_days,
        rules=rules or (RESPECT, TONE, DOUBT, SPAM),
        content_hash=hashlib.sha256(version.encode()).hexdigest(),
        appeal_window_days=appeal_days,
    )


class FakePolicy:
    """The `policy` the services read at call time (real engine); `swap` plays a charter reload."""

    def __init__(self, charter: Charter) -> None:
        self.charter = charter
        self.engine = _engine(charter)

    def swap(self, charter: Charter) -> None:
        self.charter = charter
        self.engine = _engine(charter)


def _engine(charter: Charter) -> Any:
    # Imported here so that store tests do not depend on the screening package.
    from bot.screening.engine import ScreeningEngine

    return ScreeningEngine(charter)


AUTHOR = Actor("discord", "u-author", "Alice", locale="fr", community="g1")
MODERATOR = Actor("discord", "u-mod", "Morgane", is_moderator=True, community="g1")
OTHER_MODERATOR = Actor("discord", "u-mod2", "Nadia", is_moderator=True, community="g1")
MEMBER = Actor("discord", "u-member", "Bob", community="g1")
FOREIGN_MODERATOR = Actor("discord", "u-mod-g2", "Octave", is_moderator=True, community="g2")
"""A moderator of another guild: must neither see nor touch g1's cases."""


def make_message(
    text: str,
    message_id: str = "m1",
    *,
    author: Actor = AUTHOR,
    at: datetime = START,
    community: str = "g1",
    channel: str = "c1",
) -> Message:
    """A Discord message, by default in guild g1, channel c1."""
    return Message(
        platform=author.platform,
        community=community,
        channel=channel,
        id=message_id,
        author=author,
        text=text,
        created_at=at,
        channel_name="general",
    )


def make_draft(message_id: str = "m1", *, content: str = "tu es un crétin", **changes: Any) -> CaseDraft:
    """A removal draft under the respect clause, for store tests."""
    base = CaseDraft(
        platform="discord",
        community="g1",
        channel="c1",
        message_id=message_id,
        author_id=AUTHOR.id,
        author_name=AUTHOR.name,
        rule_id="respect",
        clause=1,
        charter_version="2026.03",
        charter_hash="ab" * 32,
        action=Action.REMOVE,
        evidence=(Evidence("term", 9, 15, "crétin"),),
        confidence=1.0,
        automated=True,
        actor_id=SYSTEM_ACTOR,
        source=CaseSource.AUTOMATED,
        content=content,
        lang="fr",
        created_at=START,
    )
    return replace(base, **changes)


def make_case(case_id: int = 42, **changes: Any) -> Case:
    """A recorded, carried-out removal built from `make_draft`, for rendering tests."""
    draft = make_draft()
    base = Case(
        id=case_id,
        **{f.name: getattr(draft, f.name) for f in fields(CaseDraft)},
        status=CaseStatus.ACTIONED,
        action_state=ActionState.DONE,
        action_error=None,
        restore_state=ActionState.NONE,
        appeal_reason=None,
        decided_by=None,
        decision_reason=None,
        updated_at=draft.created_at,
    )
    return replace(base, **changes)


@dataclass
class Env:
    """A wired core on a real SQLite file: store, clock, platform, policy and both services."""

    path: Path
    store: SqlStore
    clock: FakeClock
    platform: FakePlatform
    policy: FakePolicy
    moderation: ModerationService
    cases: CaseService
    platforms: dict[str, Any]
    """The live registry the services read (an adapter registers its platform once connected)."""

    async def trail_events(self, case_id: int) -> list[str]:
        return [entry.event for entry in await self.store.audit_trail(case_id)]


async def build_env(
    path: Path, charter: Charter | None = None, clock: FakeClock | None = None, *, connected: bool = True
) -> Env:
    """Open a store at `path` and wire the services around a FakePlatform named "discord" (registered in
    `platforms` only when `connected`, as an adapter does once it has connected)."""
    store = await SqlStore.open(path)
    clock = clock or FakeClock()
    platform = FakePlatform()
    policy = FakePolicy(charter or make_charter())
    platforms: dict[str, Any] = {"discord": platform} if connected else {}
    actions = CaseActions(store, policy, clock, platforms)
    return Env(
        path=path,
        store=store,
        clock=clock,
        platform=platform,
        policy=policy,
        moderation=ModerationService(store, policy, clock, actions),
        cases=CaseService(store, policy, clock, actions),
        platforms=platforms,
    )
