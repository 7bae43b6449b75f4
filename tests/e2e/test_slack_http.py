"""HTTP mode faults: request signatures, stale timestamps, URL verification and Slack errors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from bot.models import ActionState
from tests.e2e.slack_fixtures import ALICE, GENERAL, LOG, MOD, SECRET, SlackFactory, SlackHarness, signed_headers


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: {**signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64}, id="bad-signature"),
        pytest.param(lambda body: signed_headers(body, secret="not-the-secret"), id="wrong-secret"),
        pytest.param(lambda body: signed_headers(body, timestamp=int(time.time()) - 6 * 60), id="stale-timestamp"),
        pytest.param(lambda body: {}, id="unsigned"),
    ],
)
async def test_unsigned_or_stale_requests_are_rejected(
    slack: SlackHarness, headers: Callable[[str], dict[str, str]]
) -> None:
    message = slack.fake.add_message(GENERAL, ALICE, "connard")
    body = slack.event_body({"type": "message", "channel": GENERAL, **message.payload()})

    status, text = await slack.post(body, "application/json", headers(body))
    await slack.settle()

    assert status == 401
    assert json.loads(text) == {"error": "invalid request"}
    assert await slack.case_for(message) is None
    assert slack.fake.calls == []


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "vigie-challenge", "type": "url_verification"})
    status, text = await slack.post(body, "application/json")
    assert status == 200
    assert json.loads(text) == {"challenge": "vigie-challenge"}
    assert SECRET not in text


async def test_rate_limited_delete_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.fake.fail("chat.delete", "ratelimited", status=429, retry_after=0)
    message = await slack.say(ALICE, "sale connard")

    await slack.fake.wait_for("chat.delete", count=2)
    await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == f"D{ALICE}")
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    assert case.action_state is ActionState.DONE


async def test_missing_scope_keeps_the_case_and_alerts(
    make_slack: SlackFactory, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await make_slack(admin=True)
    slack.fake.fail("chat.delete", "missing_scope", extra={"needed": "chat:write", "provided": "identify"})
    message = await slack.say(ALICE, "pauvre connard")

    alert = (await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == LOG))[0]
    await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == f"D{ALICE}")
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    assert case.action_state is ActionState.FAILED
    assert case.action_error == "forbidden: missing_scope chat:write"
    assert f"Case #{case.id}" in alert.args["text"]
    assert "connard" not in alert.args["text"]
    assert any("needs the chat:write scope" in r.getMessage() for r in caplog.records)


async def test_not_in_channel_on_restore_is_recorded_and_alerted(slack: SlackHarness) -> None:
    message = await slack.say(ALICE, "gros connard")
    await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == GENERAL)
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None

    slack.fake.fail("chat.postMessage", "not_in_channel")
    await slack.command(MOD, "/override", f"{case.id} overturn Quoting a film.")
    alert = (await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == LOG))[0]
    await slack.settle()

    overturned = await slack.services.cases.get(case.id)
    assert overturned.restore_state is ActionState.FAILED
    assert overturned.action_error == "not_in_channel: not_in_channel"
    assert "could not be restored" in alert.args["text"]
