"""The message intake: moderation first, then disclosure nudges delivered privately, reminded and escalated once."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import PlatformError, PlatformFailure
from bot.models import Actor, Delivery, Message, Nudge, NudgeState, NudgeStep
from bot.offline import OfflinePlatform
from bot.runtime import Services, build_services
from bot.settings import Settings
from tests.fakes import START, FakeClock

ROOT = Path(__file__).resolve().parents[1]
CHARTER = str(ROOT / "policies" / "charter.toml")
AMBASSADOR = Actor(platform="cli", id="maya", name="Maya", roles=("ambassador",), community="cli")
SPONSORED = "J'adore mon nouveau casque ! -20 % avec le code MAYA20 sur la boutique"
FIXED = "Publicité — J'adore mon nouveau casque ! -20 % avec le code MAYA20 sur la boutique"


def post(text: str, *, author: Actor = AMBASSADOR, edited: bool = False, message_id: str = "p1") -> Message:
    return Message(
        platform="cli",
        community="cli",
        channel="general",
        id=message_id,
        author=author,
        text=text,
        created_at=START,
        lang="fr",
        edited=edited,
    )


async def open_services(db: Path, clock: FakeClock) -> tuple[Services, OfflinePlatform]:
    services = await build_services(Settings(db_path=str(db), charter_path=CHARTER), clock)
    platform = OfflinePlatform()
    services.register(platform)
    return services, platform


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[Services, OfflinePlatform, FakeClock]]:
    clock = FakeClock()
    services, platform = await open_services(tmp_path / "v.sqlite3", clock)
    yield services, platform, clock
    await services.close()


async def test_sponsored_team_post_gets_one_private_nudge(env: tuple[Services, OfflinePlatform, FakeClock]) -> None:
    services, platform, _ = env
    result = await services.intake.on_message(post(SPONSORED))
    assert result.outcome.verdict.allowed
    assert result.nudge is not None
    assert [(n, step) for n, step, _ in platform.nudges] == [(result.nudge.id, "nudge")]
    assert "Publicité" in platform.nudges[0][2]
    assert platform.notices == []  # nothing public
    assert platform.removed == set()  # never removed
    await services.intake.on_message(post(SPONSORED))  # a replay sends nothing more
    assert len(platform.nudges) == 1


async def test_member_or_removed_posts_get_no_nudge(env: tuple[Services, OfflinePlatform, FakeClock]) -> None:
    services, platform, _ = env
    member = replace(AMBASSADOR, id="sam", roles=())
    assert (await services.intake.on_message(post(SPONSORED, author=member))).nudge is None
    removed = await services.intake.on_message(post(SPONSORED + " espèce de connard", message_id="p2"))
    assert removed.outcome.case is not None
    assert removed.nudge is None
    assert platform.nudges == []


async def test_edit_with_the_label_resolves_the_nudge(env: tuple[Services, OfflinePlatform, FakeClock]) -> None:
    services, _, _ = env
    first = (await services.intake.on_message(post(SPONSORED))).nudge
    assert first is not None
    assert first.is_open
    fixed = (await services.intake.on_message(post(FIXED, edited=True))).nudge
    assert fixed is not None
    assert not fixed.is_open
    assert fixed.suggestion is None  # the suggested text is erased once the nudge closes
    with sqlite3.connect(services.settings.db_path) as conn:
        stored = conn.execute("SELECT post_text, signals FROM disclosure_nudges").fetchall()
    assert stored == [(None, '["promo_code"]')]  # the post itself is never stored, only signal kinds


async def test_unfixed_post_is_reminded_then_escalated_once_across_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    db = tmp_path / "v.sqlite3"
    services, platform = await open_services(db, clock)
    await services.store.set_setting("cli", "cli", "disclosure_compliance_channel", "compliance")
    await services.intake.on_message(post(SPONSORED))
    assert await services.intake.deliver_due() == 0  # nothing is due yet

    clock.advance(hours=25)
    assert await services.intake.deliver_due() == 1
    assert [step for _, step, _ in platform.nudges] == ["nudge", "remind"]
    await services.close()

    restarted, platform = await open_services(db, clock)  # a restart loses nothing and repeats nothing
    try:
        assert await restarted.intake.deliver_due() == 0
        clock.advance(hours=25)
        assert await restarted.intake.deliver_due() == 1
        assert await restarted.intake.deliver_due() == 0
        assert len(platform.alerts) == 1
        assert "#general/p1" in platform.alerts[0]  # the escalation links the post
        assert SPONSORED not in platform.alerts[0]  # and never quotes it
        assert platform.alerts[0].startswith("Rappel de transparence")  # the charter's default language
    finally:
        await restarted.close()


async def test_escalation_without_a_compliance_channel_goes_to_the_log_channel(tmp_path: Path) -> None:
    clock = FakeClock()
    services, platform = await open_services(tmp_path / "v.sqlite3", clock)
    try:
        nudge = (await services.intake.on_message(post(SPONSORED))).nudge
        assert nudge is not None
        clock.advance(hours=25)
        assert await services.intake.deliver_due() == 1  # the reminder
        clock.advance(hours=25)
        assert await services.intake.deliver_due() == 1  # the escalation, to the moderators' log channel
        stored = await services.nudges.get(nudge.id)
        assert (stored.state, stored.delivery, stored.delivery_error) == (NudgeState.ESCALATED, Delivery.DONE, None)
        assert len(platform.alerts) == 1
        assert platform.alerts[0].startswith("Rappel de transparence")
        assert "L'auteur a reçu un message privé et un rappel" in platform.alerts[0]
        assert SPONSORED not in platform.alerts[0]
    finally:
        await services.close()


async def test_escalation_follows_the_community_language(tmp_path: Path) -> None:
    clock = FakeClock()
    services, platform = await open_services(tmp_path / "v.sqlite3", clock)
    try:
        await services.store.set_setting("cli", "cli", "disclosure_compliance_channel", "compliance")
        await services.store.set_setting("cli", "cli", "language", "en")
        await services.intake.on_message(post(SPONSORED))
        for _ in range(2):
            clock.advance(hours=25)
            await services.intake.deliver_due()
        assert len(platform.alerts) == 1
        assert platform.alerts[0].startswith("Disclosure reminder")
    finally:
        await services.close()


class SlowPlatform(OfflinePlatform):
    """Holds every private note until `gate` opens; `failing` steps cannot be delivered."""

    def __init__(self, failing: tuple[NudgeStep, ...] = ()) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.sending = asyncio.Event()
        self.failing = failing

    async def send_nudge(self, nudge: Nudge, step: NudgeStep, text: str) -> None:
        if step in self.failing:
            raise PlatformError(PlatformFailure.FORBIDDEN, "cannot send messages to this user")
        self.sending.set()
        await self.gate.wait()
        await super().send_nudge(nudge, step, text)


async def slow_services(db: Path, clock: FakeClock, platform: SlowPlatform) -> Services:
    services = await build_services(Settings(db_path=str(db), charter_path=CHARTER), clock)
    services.register(platform)
    return services


async def test_a_concurrent_replay_sends_the_first_note_once(tmp_path: Path) -> None:
    platform = SlowPlatform()
    services = await slow_services(tmp_path / "v.sqlite3", FakeClock(), platform)
    try:
        first = asyncio.create_task(services.intake.on_message(post(SPONSORED)))
        replay = asyncio.create_task(services.intake.on_message(post(SPONSORED)))
        await platform.sending.wait()
        await asyncio.sleep(0.05)  # let the replay run to the end while the first send is in flight
        platform.gate.set()
        results = await asyncio.gather(first, replay)
        assert {r.nudge.id for r in results if r.nudge is not None} == {1}
        assert [(n, step) for n, step, _ in platform.nudges] == [(1, "nudge")]
    finally:
        await services.close()


async def test_an_edit_during_a_slow_send_sends_nothing_more(tmp_path: Path) -> None:
    platform = SlowPlatform()
    services = await slow_services(tmp_path / "v.sqlite3", FakeClock(), platform)
    try:
        first = asyncio.create_task(services.intake.on_message(post(SPONSORED)))
        await platform.sending.wait()
        edited = await asyncio.wait_for(services.intake.on_message(post(SPONSORED + " !", edited=True)), 1)
        assert edited.nudge is not None
        assert edited.nudge.is_open
        platform.gate.set()
        await first
        assert [step for _, step, _ in platform.nudges] == ["nudge"]
    finally:
        await services.close()


async def test_a_nudge_waits_for_its_platform_without_burning_attempts(tmp_path: Path) -> None:
    clock = FakeClock()
    services = await build_services(Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=CHARTER), clock)
    try:
        nudge = (await services.intake.on_message(post(SPONSORED))).nudge
        assert nudge is not None
        for _ in range(5):
            clock.advance(hours=1)
            assert await services.intake.deliver_due() == 0
        waiting = await services.nudges.get(nudge.id)
        assert (waiting.attempts, waiting.delivery, waiting.delivery_error) == (1, Delivery.PENDING, None)
        platform = OfflinePlatform()
        services.register(platform)
        assert await services.intake.deliver_due() == 1
        assert [step for _, step, _ in platform.nudges] == ["nudge"]
    finally:
        await services.close()


async def test_the_escalation_says_when_the_reminder_never_reached_the_author(tmp_path: Path) -> None:
    clock = FakeClock()
    platform = SlowPlatform(failing=("remind",))
    platform.gate.set()
    services = await slow_services(tmp_path / "v.sqlite3", clock, platform)
    try:
        await services.store.set_setting("cli", "cli", "disclosure_compliance_channel", "compliance")
        await services.intake.on_message(post(SPONSORED))
        for _ in range(6):
            clock.advance(hours=25)
            await services.intake.deliver_due()
        assert [step for _, step, _ in platform.nudges] == ["nudge"]
        assert len(platform.alerts) == 1
        assert "n'a pas pu être remis" in platform.alerts[0]
        assert "L'auteur a reçu" not in platform.alerts[0]
    finally:
        await services.close()
