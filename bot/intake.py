"""Where every new or edited message enters the core: moderation first, then the disclosure check."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.catchup import ScreenedMarks
from bot.disclosure.nudges import NudgeService
from bot.errors import PlatformError, PlatformFailure
from bot.models import Action, Message, Nudge, NudgeStep
from bot.moderation import ModerationService, Outcome
from bot.ports import Platform

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What happened to one message: its moderation outcome and its disclosure nudge, if any."""

    outcome: Outcome
    nudge: Nudge | None


class MessageIntake:
    """The one entry point the platform glue calls for messages, and the sender of disclosure nudges."""

    def __init__(
        self,
        moderation: ModerationService,
        nudges: NudgeService,
        platforms: Mapping[str, Platform],
        marks: ScreenedMarks | None = None,
    ) -> None:
        """`platforms` is the live registry, so platforms that connect later are used; `marks` notes the
        last message screened per channel (for the catch-up after downtime)."""
        self._moderation = moderation
        self._nudges = nudges
        self._platforms = platforms
        self._marks = marks

    async def on_message(self, message: Message) -> IntakeResult:
        """Screen a new or edited message; a post that stays up is then checked for a missing disclosure."""
        outcome = await self._moderation.handle_message(message)
        if self._marks is not None:
            self._marks.seen(message)
        if outcome.case is not None and outcome.case.action is Action.REMOVE:
            return IntakeResult(outcome, None)  # a removed post needs no disclosure label
        observed = await (self._nudges.observe_edit(message) if message.edited else self._nudges.observe_post(message))
        nudge = observed.nudge
        # Only the event that created the nudge sends its first note: a replay, a concurrent copy or
        # an edit during the send would otherwise send it again. Retries go through deliver_due.
        if nudge is not None and observed.created and nudge.needs_delivery and nudge.platform in self._platforms:
            await self._nudges.deliver(nudge, self.send)
            await self._alert_restricted(nudge)
        return IntakeResult(outcome, nudge)

    async def _alert_restricted(self, nudge: Nudge) -> None:
        """A restricted promotion (loi 2023-451 art. 4, UK crypto rules) also goes to the compliance channel at once.

        Sent once, by the event that created the nudge; a failure is logged and the ordinary
        escalation still follows if the post stays unfixed.
        """
        platform = self._platforms.get(nudge.platform)
        if platform is None:
            return
        try:
            link = await platform.message_link(nudge.community, nudge.channel, nudge.message_id)
            lang = await self._nudges.community_language(nudge.platform, nudge.community)
            text = self._nudges.restricted_alert_for(nudge, author=f"<@{nudge.author_id}>", link=link, lang=lang)
            if text is None:
                return
            channel = await self._nudges.compliance_channel(nudge.platform, nudge.community)
            if channel is None:
                await platform.alert(nudge.community, text)
            else:
                await platform.post_to_channel(nudge.community, channel, text)
            log.info("disclosure nudge %d: restricted promotion sent to compliance", nudge.id)
        except PlatformError as error:
            log.warning("disclosure nudge %d: restricted-promotion alert not delivered: %s", nudge.id, error)

    async def on_delete(self, platform: str, community: str, channel: str, message_id: str) -> None:
        """A deleted post withdraws its open nudge (and its stored text)."""
        await self._nudges.on_delete(platform, community, channel, message_id)

    async def deliver_due(self) -> int:
        """Send due reminders and escalations; each is recorded before it is sent and sent once."""
        return await self._nudges.deliver_due(self.send, platforms=tuple(self._platforms))

    async def send(self, nudge: Nudge, step: NudgeStep) -> None:
        """Deliver one step of a nudge on its platform; raise PlatformError when it cannot be delivered."""
        platform = self._platforms.get(nudge.platform)
        if platform is None:
            raise PlatformError(PlatformFailure.UNSUPPORTED, f"no {nudge.platform} connection")
        if step != "escalate":
            await platform.send_nudge(nudge, step, self._nudges.text_for(nudge, step=step))
            return
        channel = await self._nudges.compliance_channel(nudge.platform, nudge.community)
        link = await platform.message_link(nudge.community, nudge.channel, nudge.message_id)
        lang = await self._nudges.community_language(nudge.platform, nudge.community)
        text = self._nudges.escalation_for(nudge, author=f"<@{nudge.author_id}>", link=link, lang=lang)
        if channel is None:
            # No compliance channel yet: the moderators' log/review channel, rather than losing it.
            log.info("disclosure nudge %d: no compliance channel set, escalated to the log channel", nudge.id)
            await platform.alert(nudge.community, text)
            return
        await platform.post_to_channel(nudge.community, channel, text)
