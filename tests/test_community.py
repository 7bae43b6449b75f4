"""Community settings: declared once with defaults, read once per community, dropped on write, free on the hot path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.community import (
    DECLARED,
    LANGUAGE,
    MODERATOR_USERS,
    NOTICE_SECONDS,
    REVIEW_CHANNEL,
    CommunityService,
    declare,
)
from bot.models import Actor, Message
from bot.runtime import Services, build_services
from bot.settings import Settings
from bot.store import SqlStore
from tests.fakes import START, FakeClock

ROOT = Path(__file__).resolve().parents[1]
CHARTER = str(ROOT / "policies" / "charter.toml")


class CountingRows:
    """The store's settings side, counting reads; `gate` holds reads until the test opens it."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.reads = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.entered = asyncio.Event()

    async def settings_for(self, platform: str, scope: str) -> dict[str, Any]:
        self.reads += 1
        self.entered.set()
        await self.gate.wait()
        return await self.store.settings_for(platform, scope)

    async def set_setting(self, platform: str, scope: str, key: str, value: Any) -> None:
        await self.store.set_setting(platform, scope, key, value)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(tmp_path / "v.sqlite3")
    yield opened
    await opened.close()


async def test_defaults_apply_until_a_value_is_stored(store: SqlStore) -> None:
    community = CommunityService(store)
    settings = await community.of("discord", "g1")
    assert settings.get(NOTICE_SECONDS) == 120
    assert settings.get(REVIEW_CHANNEL) is None
    assert settings.get(MODERATOR_USERS) == ()
    await community.set("discord", "g1", NOTICE_SECONDS, 30)
    await community.set("slack", "T1", MODERATOR_USERS, ["U1", "U2"])
    assert await community.get("discord", "g1", NOTICE_SECONDS) == 30
    assert await community.get("slack", "T1", MODERATOR_USERS) == ("U1", "U2")
    assert await community.get("discord", "g2", NOTICE_SECONDS) == 120  # other communities keep the default
    await community.set("discord", "g1", NOTICE_SECONDS, None)
    assert await community.get("discord", "g1", NOTICE_SECONDS) == 120


async def test_an_unreadable_stored_value_falls_back_to_the_default(store: SqlStore) -> None:
    community = CommunityService(store)
    await store.set_setting("discord", "g1", NOTICE_SECONDS.key, "soon")
    await store.set_setting("slack", "T1", MODERATOR_USERS.key, "U1")
    assert await community.get("discord", "g1", NOTICE_SECONDS) == 120
    assert await community.get("slack", "T1", MODERATOR_USERS) == ()


async def test_each_community_is_read_once_and_again_only_after_a_write(store: SqlStore) -> None:
    rows = CountingRows(store)
    community = CommunityService(rows)
    for _ in range(20):
        await community.get("discord", "g1", LANGUAGE)
        await community.get("discord", "g1", REVIEW_CHANNEL)
    assert rows.reads == 1
    await community.get("discord", "g2", LANGUAGE)
    assert rows.reads == 2
    await community.set("discord", "g1", LANGUAGE, "fr")
    assert await community.get("discord", "g1", LANGUAGE) == "fr"
    assert rows.reads == 3
    assert await community.get("discord", "g2", LANGUAGE) is None
    assert rows.reads == 3  # a write drops only its own community


async def test_a_write_straight_to_the_store_is_seen_once_subscribed(store: SqlStore) -> None:
    community = CommunityService(store)
    store.on_setting_change(community.invalidate)
    assert await community.get("slack", "T1", REVIEW_CHANNEL) is None
    await store.set_setting("slack", "T1", REVIEW_CHANNEL.key, "C9")
    assert await community.get("slack", "T1", REVIEW_CHANNEL) == "C9"


async def test_concurrent_first_reads_share_one_load(store: SqlStore) -> None:
    rows = CountingRows(store)
    rows.gate.clear()
    community = CommunityService(rows)
    readers = [asyncio.create_task(community.get("discord", "g1", NOTICE_SECONDS)) for _ in range(10)]
    await rows.entered.wait()
    rows.gate.set()
    assert await asyncio.gather(*readers) == [120] * 10
    assert rows.reads == 1


async def test_a_write_during_a_load_is_not_hidden_by_the_stale_read(store: SqlStore) -> None:
    rows = CountingRows(store)
    rows.gate.clear()
    community = CommunityService(rows)
    reader = asyncio.create_task(community.get("discord", "g1", LANGUAGE))
    await rows.entered.wait()
    await store.set_setting("discord", "g1", LANGUAGE.key, "fr")
    community.invalidate("discord", "g1")  # what the store's listener does
    rows.gate.set()
    await reader
    assert await community.get("discord", "g1", LANGUAGE) == "fr"


def test_a_key_is_declared_once() -> None:
    assert DECLARED["notice_seconds"] is NOTICE_SECONDS
    with pytest.raises(ValueError, match="declared twice"):
        declare("notice_seconds", 5, int, "again")


def _post(index: int, text: str) -> Message:
    author = Actor(platform="cli", id=f"u{index % 7}", name="Member", community="cli")
    return Message(
        platform="cli",
        community="cli",
        channel="general",
        id=f"m{index}",
        author=author,
        text=text,
        created_at=START,
        lang="fr",
    )


async def test_a_message_that_makes_no_case_costs_no_database_round_trip(tmp_path: Path) -> None:
    services: Services = await build_services(
        Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=CHARTER), FakeClock()
    )
    statements: list[str] = []
    try:
        await services.community.set("cli", "cli", LANGUAGE, "fr")
        await services.community.of("cli", "cli")  # the first message of a community reads its settings once
        await services.store.database.connection.set_trace_callback(statements.append)
        texts = ["Bonjour à tous", "Quelqu'un a vu le match hier ?", "Merci pour le lien", "on se voit demain"]
        for index in range(40):
            settings = await services.community.of("cli", "cli")
            assert settings.get(LANGUAGE) == "fr"
            result = await services.intake.on_message(_post(index, texts[index % len(texts)]))
            assert result.outcome.case is None
            assert result.nudge is None
        await services.store.database.connection.set_trace_callback(None)
        assert statements == []
        # The counter is live: a message that makes a case does reach the database.
        await services.store.database.connection.set_trace_callback(statements.append)
        outcome = await services.intake.on_message(_post(99, "espèce de connard"))
        await services.store.database.connection.set_trace_callback(None)
        assert outcome.outcome.case is not None
        assert statements
    finally:
        await services.close()
