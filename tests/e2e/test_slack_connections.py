"""`run slack` in HTTP mode makes its Web API calls over kept-alive connections, not one new connection per call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.adapters.slack.app import run_slack
from bot.runtime import build_services
from bot.settings import Settings
from tests.e2e.fake_slack import ADMIN_TOKEN, BOT_TOKEN, TEAM, FakeSlack
from tests.e2e.slack_fixtures import ALICE, CHARTER, GENERAL, REVIEW, SECRET, signed_headers


class PeerRecordingSlack(FakeSlack):
    """The fake Slack, noting which client connection (its source port) each Web API call came over."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[tuple[str, int]] = []

    async def _api(self, request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.peers.append((request.match_info["method"], int(peer[1]) if peer else 0))
        return await super()._api(request)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_web_api_calls_reuse_connections(tmp_path: Path) -> None:
    fake = PeerRecordingSlack()
    await fake.start()
    fake.add_user(ALICE, "Alice", locale="fr-FR")
    fake.channels.update({GENERAL: "general", REVIEW: "moderation"})
    port = _free_port()
    settings = Settings(
        db_path=str(tmp_path / "vigie.sqlite3"),
        charter_path=str(CHARTER),
        slack_bot_token=BOT_TOKEN,
        slack_admin_user_token=ADMIN_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        http_host="127.0.0.1",
        http_port=port,
    )
    services = await build_services(settings)
    await services.store.set_setting("slack", TEAM, "review_channel", REVIEW)
    runner = asyncio.create_task(run_slack(services))
    try:
        await fake.wait_for("auth.test", count=2)  # the bot token, then the admin token, one after the other
        message = fake.add_message(GENERAL, ALICE, "quel connard")
        event = {"type": "message", "channel": GENERAL, "channel_type": "channel", **message.payload()}
        body = json.dumps({"team_id": TEAM, "type": "event_callback", "event_id": "Ev0KEEP", "event": event})
        async with aiohttp.ClientSession() as session:
            for _ in range(100):  # the endpoint opens once the tokens are checked
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    headers = {"Content-Type": "application/json", **signed_headers(body)}
                    async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as r:
                        assert r.status == 200
                        break
                await asyncio.sleep(0.05)
        await fake.wait_for("chat.delete")
        await fake.wait_for("chat.postMessage", lambda c: str(c.args.get("channel", "")).startswith("D"))
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await services.close()
        await fake.close()

    [bot_check, admin_check] = [p for method, p in fake.peers if method == "auth.test"][:2]
    assert bot_check == admin_check  # the second call went over the first one's connection
    calls = len(fake.peers)
    assert calls >= 5  # auth.test x2 (+ bolt's), users.info, chat.delete, conversations.open, chat.postMessage…
    assert len({p for _, p in fake.peers}) < calls
