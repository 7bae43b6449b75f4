"""Fixtures that run the real VigieBot against the fake Discord, with a real SQLite store."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import discord
import pytest

from bot.adapters.discord.bot import VigieBot
from bot.models import Case
from bot.runtime import Services, build_services
from bot.settings import Settings
from tests.e2e.fake_discord import GENERAL_ID, GUILD_ID, FakeDiscord

T = TypeVar("T")

TEST_CHARTER = """
[charter]
name = "Test charter"
version = "t1"
languages = ["en", "fr"]
default_language = "en"
retention_days = 30
appeal_window_days = 30

[[rules]]
id = "respect"
number = 1
action = "remove"
title.en = "Respect for people"
title.fr = "Respect des personnes"
description.en = "No insults."
description.fr = "Pas d'insultes."
terms = ["moron", "crétin"]
escalation = { count = 3, window_hours = 1, timeout_minutes = 10 }

[[rules]]
id = "ads"
number = 2
action = "review"
title.en = "No advertising"
title.fr = "Pas de publicité"
description.en = "No ads."
description.fr = "Pas de pub."
terms = ["buy followers"]

[[rules]]
id = "tone"
number = 3
action = "warn"
title.en = "Keep it friendly"
title.fr = "Restons aimables"
description.en = "Mind your tone."
description.fr = "Surveillez votre ton."
terms = ["shut up"]
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fresh fake Discord on 127.0.0.1."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def charter_file(tmp_path: Path) -> Path:
    """A small two-clause charter: §1 removes insults, §2 holds ads for review."""
    path = tmp_path / "charter.toml"
    path.write_text(TEST_CHARTER, encoding="utf-8")
    return path


@pytest.fixture
def discord_settings(
    tmp_path: Path, fake: FakeDiscord, charter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Settings pointing the bot at the fake, as DISCORD_API_BASE / DISCORD_GATEWAY_URL would."""
    # The bot rewrites these class attributes from the settings; put them back after the test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )
    return Settings(
        db_path=str(tmp_path / "vigie.sqlite3"),
        charter_path=str(charter_file),
        discord_token="fake-token",
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
    )


@pytest.fixture
async def services(discord_settings: Settings, fake: FakeDiscord) -> AsyncIterator[Services]:
    """Real services on a SQLite file, with the fake guild's review/log channels and moderator role set."""
    built = await build_services(discord_settings)
    store, guild = built.store, fake.guild_id
    await store.set_setting("discord", guild, "review_channel", fake.review)
    await store.set_setting("discord", guild, "log_channel", fake.log)
    await store.set_setting("discord", guild, "moderator_role", fake.moderator_role_id)
    yield built
    await built.close()


@contextlib.asynccontextmanager
async def running_bot(services: Services, **options: Any) -> AsyncIterator[VigieBot]:
    """Start a VigieBot against the fake and stop it cleanly."""
    bot = VigieBot(services, guild_ready_timeout=0.05, chunk_guilds_at_startup=False, **options)
    task = asyncio.create_task(bot.start("fake-token"))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        await bot.close()
        if task.done():
            task.result()
        raise AssertionError("the bot did not become ready")
    try:
        yield bot
    finally:
        await bot.close()
        await task


@pytest.fixture
async def vigie(services: Services) -> AsyncIterator[VigieBot]:
    """A running bot."""
    async with running_bot(services) as bot:
        yield bot


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 5.0) -> T:
    """Poll `probe` until it returns something truthy (state written by the bot's own tasks)."""
    async with asyncio.timeout(within):
        while True:
            value = await probe()
            if value:
                return value
            await asyncio.sleep(0.01)


async def case_for(
    services: Services,
    message_id: str,
    check: Callable[[Case], bool] = bool,
    *,
    guild: str = GUILD_ID,
    channel: str = GENERAL_ID,
) -> Case:
    """The stored case of a message (in #general of the first guild by default), once it satisfies `check`."""

    async def probe() -> Case | None:
        case = await services.store.case_for_message("discord", guild, channel, message_id)
        return case if case is not None and check(case) else None

    return await eventually(probe)
