"""Discord shards across processes: VIGIE_SHARD_COUNT and VIGIE_SHARD_IDS choose the bot and its shards."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord.ext import commands

from bot.adapters.discord.bot import ShardedVigieBot, VigieBot, make_bot
from bot.runtime import build_services
from bot.settings import Settings
from tests.fakes import FakeClock

CHARTER = str(Path(__file__).resolve().parents[3] / "policies" / "charter.toml")


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        (None, None, (None, None)),
        ("4", None, (4, (0, 1, 2, 3))),
        ("4", "0,1", (4, (0, 1))),
        ("8", "4-7", (8, (4, 5, 6, 7))),
        ("4", " 3, 1 ", (4, (1, 3))),
    ],
)
def test_shard_settings(count: str | None, ids: str | None, expected: tuple[object, object]) -> None:
    env = {k: v for k, v in {"VIGIE_SHARD_COUNT": count, "VIGIE_SHARD_IDS": ids}.items() if v is not None}
    settings = Settings.from_env(env)
    assert (settings.shard_count, settings.shard_ids) == expected


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        (None, "0", "needs VIGIE_SHARD_COUNT"),
        ("0", None, "from 1"),
        ("two", None, "from 1"),
        ("2", "2", "below VIGIE_SHARD_COUNT"),
        ("4", "1,1", "distinct"),
        ("4", "a", "like 0,1"),
    ],
)
def test_bad_shard_settings_are_refused_in_one_line(count: str | None, ids: str | None, message: str) -> None:
    env = {k: v for k, v in {"VIGIE_SHARD_COUNT": count, "VIGIE_SHARD_IDS": ids}.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


async def test_without_shard_settings_the_bot_is_unsharded(tmp_path: Path) -> None:
    services = await build_services(Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=CHARTER), FakeClock())
    try:
        bot = make_bot(services)
        assert type(bot) is VigieBot
        assert not isinstance(bot, commands.AutoShardedBot)
        assert bot.sync_commands
    finally:
        await services.close()


@pytest.mark.parametrize(("ids", "publishes"), [((0, 1), True), ((2, 3), False)])
async def test_a_process_runs_the_shards_it_was_given(tmp_path: Path, ids: tuple[int, ...], publishes: bool) -> None:
    settings = Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=CHARTER, shard_count=4, shard_ids=ids)
    services = await build_services(settings, FakeClock())
    try:
        bot = make_bot(services)
        assert isinstance(bot, ShardedVigieBot)
        assert isinstance(bot, commands.AutoShardedBot)
        assert (bot.shard_count, bot.shard_ids) == (4, list(ids))
        assert bot.sync_commands is publishes  # only shard 0's process publishes the slash commands
    finally:
        await services.close()
