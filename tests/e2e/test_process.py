"""The bot as an operator runs it: `python -m bot run` in its own process, /healthz, SIGTERM, unreachable APIs."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from pathlib import Path

from tests.e2e.fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
CHARTER = ROOT / "policies" / "charter.toml"


def not_logs(err: str) -> list[str]:
    """The lines of stderr that are not timestamped log records: what the operator is told."""
    return [line for line in err.splitlines() if not re.match(r"\d{4}-\d\d-\d\d \d\d:", line)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def bot_env(tmp_path: Path, fake: FakeDiscord, health: int) -> dict[str, str]:
    return {
        "VIGIE_DB": str(tmp_path / "vigie.sqlite3"),
        "VIGIE_CHARTER": str(CHARTER),
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "VIGIE_HTTP_HOST": "127.0.0.1",
        "VIGIE_HEALTH_PORT": str(health),
    }


async def test_a_running_bot_is_healthy_and_stops_cleanly_on_sigterm(tmp_path: Path, fake: FakeDiscord) -> None:
    health = free_port()
    env = bot_env(tmp_path, fake, health)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "discord",
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(fake.connected.wait(), 30)
        # Healthy once READY has been processed; each probe is a real request to the bot's /healthz.
        async with asyncio.timeout(20):
            while True:
                code, out, _ = await cli("health", "--port", str(health), env=env)
                if code == 0:
                    break
                await asyncio.sleep(0.2)
        assert "discord up" in out
        assert "database up" in out
        insult = await fake.send_message(fake.alice, "espèce de connard")
        await fake.wait_for("DELETE", rf"/channels/{fake.general}/messages/{insult['id']}", within=10)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 10)
        took = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()
    assert took < 10
    assert "Traceback" not in err.decode()
    assert "stopping" in err.decode()
    code, _, err_text = await cli("health", "--port", str(health), env=env)
    assert code == 1
    assert "no bot answers" in err_text


async def test_an_unreachable_discord_api_is_one_line_and_exit_1(tmp_path: Path) -> None:
    dead = free_port()  # nothing listens there
    env = {
        "VIGIE_DB": str(tmp_path / "vigie.sqlite3"),
        "VIGIE_CHARTER": str(CHARTER),
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": f"http://127.0.0.1:{dead}/api/v10",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{dead}/gateway",
        "VIGIE_HEALTH_PORT": str(free_port()),
        "VIGIE_HTTP_HOST": "127.0.0.1",
    }
    code, _, err = await cli("run", "discord", env=env)
    assert code == 1
    assert "Traceback" not in err
    lines = not_logs(err)
    assert len(lines) == 1, lines
    assert "cannot reach Discord" in lines[0]


async def test_an_unresolvable_slack_host_is_not_a_refused_token(tmp_path: Path) -> None:
    env = {
        "VIGIE_DB": str(tmp_path / "vigie.sqlite3"),
        "VIGIE_CHARTER": str(CHARTER),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": "http://no-such-host.invalid/api/",
        "VIGIE_HEALTH_PORT": str(free_port()),
        "VIGIE_HTTP_PORT": str(free_port()),
        "VIGIE_HTTP_HOST": "127.0.0.1",
    }
    code, _, err = await cli("run", "slack", env=env)
    assert code == 1
    assert "Traceback" not in err
    lines = not_logs(err)
    assert len(lines) == 1, lines
    assert "cannot reach Slack" in lines[0]
    assert "refused" not in lines[0]
