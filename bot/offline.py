"""The platform used by the offline `screen` job: the transcript is the channel, nothing leaves the machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.charter.model import Rule
from bot.models import Case, Nudge, NudgeStep, PostedRef, Statement
from bot.ports import CardKind


@dataclass(slots=True)
class OfflinePlatform:
    """Carries out actions on a transcript: a removal drops the message from it, notices are kept in order."""

    name: str = "cli"
    removed: set[str] = field(default_factory=set)
    notices: list[tuple[int, Statement]] = field(default_factory=list)
    cards: list[tuple[int, CardKind]] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    nudges: list[tuple[int, NudgeStep, str]] = field(default_factory=list)

    async def delete_message(self, case: Case) -> None:
        """Drop the message from the transcript."""
        self.removed.add(case.message_id)

    async def send_private_notice(self, case: Case, statement: Statement) -> PostedRef | None:
        """A transcript has no private channel: the statement is kept once, with the public notice."""
        return None

    async def post_notice(self, case: Case, statement: Statement, *, removed: bool, told_privately: bool) -> str | None:
        """Keep the statement of reasons the author would see."""
        self.notices.append((case.id, statement))
        return None

    async def notice_lifetime(self, community: str) -> int | None:
        """None: a transcript keeps its notices."""
        return None

    async def expire_notice(self, case: Case, message_id: str) -> None:
        """Nothing to remove: a transcript keeps its notices."""

    async def retract_notice(self, case: Case, notice: PostedRef, text: str) -> None:
        """Keep the line that replaces an overturned case's notice."""
        self.notices.append((case.id, Statement(lang=case.lang or "", title="", body=text)))

    async def send_card(self, case: Case, rule: Rule, kind: CardKind) -> None:
        """Queue the case for a moderator."""
        self.cards.append((case.id, kind))

    async def restore_message(self, case: Case) -> str | None:
        """Put the message back in the transcript (under its own id)."""
        self.removed.discard(case.message_id)
        return case.message_id

    async def notify_author(self, case: Case, text: str) -> None:
        """Keep the private message the author would get."""
        self.notices.append((case.id, Statement(lang=case.lang or "", title="", body=text)))

    async def timeout_member(self, case: Case, until: datetime, reason: str) -> None:
        """Record the timeout; a transcript has no members to silence."""
        self.alerts.append(f"timeout {case.author_id} until {until.isoformat()}: {reason}")

    async def alert(self, community: str, text: str) -> None:
        """Keep moderator alerts."""
        self.alerts.append(text)

    async def send_nudge(self, nudge: Nudge, step: NudgeStep, text: str) -> None:
        """Keep the private disclosure note the author would get."""
        self.nudges.append((nudge.id, step, text))

    async def message_link(self, community: str, channel: str, message_id: str) -> str:
        """A transcript reference: channel and message id."""
        return f"#{channel}/{message_id}"

    async def post_to_channel(self, community: str, channel: str, text: str) -> None:
        """Keep staff notes."""
        self.alerts.append(text)
