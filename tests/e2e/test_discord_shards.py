"""Two real bot processes, shards 0 and 1 of 2, on one PostgreSQL database: every violation removed once,
with one process killed (SIGKILL) in the middle and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg

from tests.e2e.fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
CHARTER = ROOT / "policies" / "charter.toml"
INSULT = "franchement t'es vraiment un connard"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_shard(fake: FakeDiscord, db: str, shard: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "VIGIE_DB": db,
        "VIGIE_CHARTER": str(CHARTER),
        "VIGIE_SHARD_COUNT": "2",
        "VIGIE_SHARD_IDS": str(shard),
        "VIGIE_HEALTH_PORT": str(_free_port()),
        "VIGIE_HTTP_HOST": "127.0.0.1",
        "VIGIE_LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "discord"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def until(probe: Any, within: float, what: str) -> None:
    for _ in range(int(within / 0.1)):
        if probe():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def recorded(db: str, message_id: str) -> bool:
    conn = await asyncpg.connect(db)
    try:
        return bool(await conn.fetchval("SELECT COUNT(*) FROM cases WHERE message_id = $1", message_id))
    finally:
        await conn.close()


async def test_two_shard_processes_remove_every_violation_once_across_a_crash(
    postgres_url: str, tmp_path: Path
) -> None:
    fake = FakeDiscord()
    fake.shard_count = 2
    # One guild per shard (both fixture guilds fall on shard 1 under Discord's rule, so the fake places them).
    fake.guild_shards = {fake.guild_id: 0, fake.other_guild_id: 1}
    await fake.start()
    logs = {shard: tmp_path / f"shard{shard}.log" for shard in (0, 1)}
    procs = {shard: start_shard(fake, postgres_url, shard, logs[shard]) for shard in (0, 1)}
    channels = {0: fake.general, 1: fake.other_general}
    sent: list[str] = []

    async def violate(shard: int) -> str:
        message = fake.message_payload(fake.alice, INSULT, channel=channels[shard])
        await fake.dispatch("MESSAGE_CREATE", message)
        sent.append(message["id"])
        return str(message["id"])

    def deletes(message_id: str) -> int:
        return len(fake.calls("DELETE", rf"/channels/\d+/messages/{message_id}"))

    try:
        await until(lambda: set(fake.shard_sockets) == {0, 1}, 60, "both shards to connect")
        for _ in range(3):
            await violate(0)
            await violate(1)
        await until(lambda: all(deletes(m) for m in sent), 30, "the first removals")

        # Shard 1's process is killed as soon as its next case is recorded: its delete may be in flight.
        in_flight = await violate(1)
        await violate(0)
        for _ in range(100):
            if await recorded(postgres_url, in_flight):
                break
            await asyncio.sleep(0.05)
        procs[1].send_signal(signal.SIGKILL)
        procs[1].wait(timeout=10)
        await until(lambda: 1 not in fake.shard_sockets, 10, "shard 1 to drop")
        await violate(0)  # shard 0 carries on alone

        procs[1] = start_shard(fake, postgres_url, 1, logs[1])
        await until(lambda: set(fake.shard_sockets) == {0, 1}, 60, "shard 1 to come back")
        for _ in range(2):
            await violate(0)
            await violate(1)
        await until(lambda: all(deletes(m) for m in sent), 60, "every removal")
        await asyncio.sleep(1)  # anything doubled would show up now

        assert not any(m in fake.messages for m in sent), "a violation was left in place"
        counts = {m: deletes(m) for m in sent}
        assert all(count == 1 for m, count in counts.items() if m != in_flight), counts
        # The in-flight one: removed once; a second request can only meet an already-deleted message.
        assert counts[in_flight] in (1, 2)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
        await fake.close()
        for shard, log in logs.items():
            sys.stderr.write(f"--- shard {shard}\n{log.read_text(errors='replace')[-3000:]}\n")
