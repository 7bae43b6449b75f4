"""French law 2023-451 in the nudge flow: the image line, restricted promotions with a distinct note and an alert."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import Actor, Message
from bot.offline import OfflinePlatform
from bot.runtime import Services, build_services
from bot.settings import Settings
from tests.fakes import START, FakeClock

ROOT = Path(__file__).resolve().parents[2]
CHARTER = str(ROOT / "policies" / "charter.toml")
AMBASSADOR = Actor(platform="cli", id="maya", name="Maya", roles=("ambassador",), community="cli")
CRYPTO = "Achetez du bitcoin sur CoinCo avec mon code BTC10 pour -10 %"


def post(text: str, *, image: bool = False, message_id: str = "p1") -> Message:
    return Message(
        platform="cli",
        community="cli",
        channel="general",
        id=message_id,
        author=AMBASSADOR,
        text=text,
        created_at=START,
        lang="fr",
        has_image=image,
    )


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[Services, OfflinePlatform]]:
    services = await build_services(Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=CHARTER), FakeClock())
    platform = OfflinePlatform()
    services.register(platform)
    yield services, platform
    await services.close()


async def test_a_sponsored_post_with_an_image_gets_the_image_line(env: tuple[Services, OfflinePlatform]) -> None:
    services, platform = env
    result = await services.intake.on_message(post("Code LUMIERE20 pour -20 % sur la boutique", image=True))
    assert result.nudge is not None
    assert "image" in result.nudge.signals
    note = platform.nudges[0][2]
    assert "« Image retouchée »" in note
    assert "« Image virtuelle »" in note
    await services.intake.on_message(post("Code LUMIERE20 pour -20 % sur la boutique", message_id="p2"))
    assert "Image retouchée" not in platform.nudges[1][2]


async def test_a_restricted_promotion_gets_a_distinct_note_and_an_immediate_alert(
    env: tuple[Services, OfflinePlatform],
) -> None:
    services, platform = env
    result = await services.intake.on_message(post(CRYPTO))
    assert result.nudge is not None
    assert "restricted:crypto" in result.nudge.signals
    note = platform.nudges[0][2]
    assert note.startswith("Un mot privé important")
    assert "crypto-actifs" in note
    assert "AMF" in note
    assert len(platform.alerts) == 1
    alert = platform.alerts[0]
    assert "#general/p1" in alert  # a link to the post...
    assert "BTC10" not in alert
    assert "CoinCo" not in alert
    await services.intake.on_message(post(CRYPTO))  # a replay alerts nobody again
    assert len(platform.alerts) == 1


async def test_an_ordinary_sponsored_post_alerts_nobody(env: tuple[Services, OfflinePlatform]) -> None:
    services, platform = env
    await services.intake.on_message(post("Code LUMIERE20 pour -20 % sur la boutique"))
    assert platform.nudges
    assert platform.alerts == []


async def test_labelling_a_restricted_promotion_closes_its_note(env: tuple[Services, OfflinePlatform]) -> None:
    services, _ = env
    created = (await services.intake.on_message(post(CRYPTO))).nudge
    assert created is not None
    fixed = await services.nudges.mark_fixed(created.id, AMBASSADOR, "Publicité — " + CRYPTO)
    assert fixed.state.value == "fixed"
