"""Socket Mode against a fake websocket: handshake, acked envelopes, and the same moderation."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack import app as app_module
from bot.adapters.slack.app import SlackSetupError, check_tokens, run_slack, web_client
from bot.models import ActionState
from bot.runtime import build_services
from bot.settings import Settings
from tests.e2e.fake_slack import ADMIN_TOKEN, APP_TOKEN, BOT_TOKEN, BOT_USER, TEAM, FakeSlack
from tests.e2e.slack_fixtures import ALICE, CHARTER, GENERAL, REVIEW, settle_listeners


def socket_settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    """A Socket Mode app (bot, app and admin tokens) on the fake Slack, its database in `tmp_path`."""
    return Settings(
        db_path=str(tmp_path / "socket.sqlite3"),
        charter_path=str(CHARTER),
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_admin_user_token=ADMIN_TOKEN,
        slack_api_url=fake_slack.base_url,
    )


async def test_socket_mode_handshake_ack_and_moderation(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = socket_settings(fake_slack, tmp_path)
    assert settings.slack_mode == "socket"
    services = await build_services(settings)
    await services.store.set_setting("slack", TEAM, "review_channel", REVIEW)
    # What `python -m bot run slack` does: check the tokens, build the app from the settings, connect.
    runner = asyncio.create_task(run_slack(services))
    try:
        opened = (await fake_slack.wait_for("apps.connections.open"))[0]
        assert opened.token == APP_TOKEN
        assert [c.token for c in fake_slack.find("auth.test")] == [BOT_TOKEN, ADMIN_TOKEN]

        message = fake_slack.add_message(GENERAL, ALICE, "quel connard")
        envelope = {
            "envelope_id": "env-1",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": {
                "team_id": TEAM,
                "api_app_id": "A0VIGIE",
                "type": "event_callback",
                "event_id": "Ev0SOCKET",
                "event_time": 1760000000,
                "event": {"type": "message", "channel": GENERAL, "channel_type": "channel", **message.payload()},
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            },
        }
        ack = await fake_slack.push(envelope)
        assert ack == {"envelope_id": "env-1"}

        delete = (await fake_slack.wait_for("chat.delete"))[0]
        await fake_slack.wait_for("chat.postMessage", lambda c: str(c.args.get("channel", "")).startswith("D"))
        await settle_listeners()
        assert delete.token == ADMIN_TOKEN
        case = await services.store.case_for_message("slack", TEAM, message.channel, message.ts)
        assert case is not None
        assert (case.rule_id, case.action_state) == ("respect", ActionState.DONE)
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await services.close()


async def test_refused_bot_token_is_one_clear_error(fake_slack: FakeSlack) -> None:
    settings = Settings(slack_bot_token="xoxb-revoked", slack_api_url=fake_slack.base_url)
    with pytest.raises(SlackSetupError) as raised:
        await check_tokens(web_client(settings.slack_bot_token, settings), None)
    assert str(raised.value) == "slack: SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"


async def test_refused_admin_token_degrades_instead_of_stopping(fake_slack: FakeSlack) -> None:
    settings = Settings(slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.base_url)
    bot = web_client(BOT_TOKEN, settings)
    assert await check_tokens(bot, web_client("xoxp-revoked", settings)) is None
    admin = web_client(ADMIN_TOKEN, settings)
    assert await check_tokens(bot, admin) is admin


async def test_missing_scopes_are_named_in_one_line(fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    fake_slack.scopes = "channels:history,chat:write,commands,users:read"
    settings = Settings(slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.base_url)
    await check_tokens(web_client(BOT_TOKEN, settings), None)
    [line] = [r.getMessage() for r in caplog.records if "lacks" in r.getMessage()]
    assert line == (
        "slack: the bot token lacks channels:read, chat:write.customize, files:write, groups:history, groups:read, "
        "im:write, usergroups:read; reinstall the app from slack-app-manifest.yml"
    )


async def test_messages_posted_while_the_socket_was_down_are_read_after_it_reconnects(
    fake_slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished: asyncio.Queue[int] = asyncio.Queue()
    real_catch_up = app_module.catch_up

    async def counted(*args: Any) -> int:  # the real catch-up, reporting when each run is over
        screened = await real_catch_up(*args)
        finished.put_nowait(screened)
        return screened

    monkeypatch.setattr(app_module, "catch_up", counted)
    settings = socket_settings(fake_slack, tmp_path)
    services = await build_services(settings)
    await services.store.set_setting("slack", TEAM, "review_channel", REVIEW)
    before = fake_slack.add_message(GENERAL, ALICE, "bonjour à tous")
    await services.store.mark_screened("slack", TEAM, GENERAL, before.ts, services.clock.now())
    runner = asyncio.create_task(run_slack(services))
    try:
        assert await asyncio.wait_for(finished.get(), 10) == 0  # the catch-up at start: nothing missed

        await fake_slack.drop_socket()
        missed = fake_slack.add_message(GENERAL, ALICE, "quel connard")  # no event: the socket is down
        assert await asyncio.wait_for(finished.get(), 10) == 1  # read after the reconnect
        delete = (await fake_slack.wait_for("chat.delete"))[0]
        assert delete.args["ts"] == missed.ts
        case = await services.store.case_for_message("slack", TEAM, GENERAL, missed.ts)
        assert case is not None
        assert case.rule_id == "respect"
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await services.close()
