"""The message intake: moderation first, then disclosure nudges delivered privately, reminded and escalated once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.models import Actor, Message
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
    assert fixed.text is None  # the post text is erased once the nudge closes


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


async def test_escalation_without_a_compliance_channel_is_recorded_as_failed(tmp_path: Path) -> None:
    clock = FakeClock()
    services, platform = await open_services(tmp_path / "v.sqlite3", clock)
    try:
        nudge = (await services.intake.on_message(post(SPONSORED))).nudge
        assert nudge is not None
        clock.advance(hours=25)
        assert await services.intake.deliver_due() == 1  # the reminder
        clock.advance(hours=25)
        assert await services.intake.deliver_due() == 0  # the escalation has nowhere to go
        stored = await services.nudges.get(nudge.id)
        assert stored.delivery_error is not None
        assert "compliance channel" in stored.delivery_error
        assert platform.alerts == []
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
