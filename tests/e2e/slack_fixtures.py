"""Fixtures that serve the real Vigie slack-bolt AsyncApp over HTTP against the fake Slack."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.app import build_slack_app, http_session, serve_http
from bot.models import Case
from bot.ports import Clock
from bot.runtime import Services, build_services
from bot.settings import Settings
from tests.e2e.fake_slack import (
    ADMIN_TOKEN,
    BOT_TOKEN,
    BOT_USER,
    OTHER_TEAM,
    TEAM,
    ApiCall,
    FakeMessage,
    FakeSlack,
)

__all__ = ["fake_slack", "make_slack", "slack"]  # what conftest.py re-exports: the fixtures only

ROOT = Path(__file__).resolve().parents[2]
CHARTER = ROOT / "policies" / "charter.toml"
SECRET = "vigie-signing-secret"
CLIENT_ID = "1111.2222"  # OAuth: the app's client id and secret
CLIENT_SECRET = "vigie-client-secret"

GENERAL = "C0GENERAL"
REVIEW = "C0REVIEW"
LOG = "C0LOG"
ALICE = "UALICE"  # a member who writes in French
BOB = "UBOB"  # a member who writes in English
MOD = "UMOD"
MOD2 = "UMOD2"
ADMIN = "UADMINUSER"
EVE = "UEVE"  # a moderator of the other workspace only
OTHER_GENERAL = "C0ELSEWHERE"
MAYA = "UMAYA"  # a community ambassador (a team member, for disclosure checks) who writes in French
AMBASSADORS = "S0AMBASSADOR"  # the user group with the handle "ambassador"
COMPLIANCE = "C0COMPLIANCE"

Json = dict[str, Any]


def signed_headers(body: str, *, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack adds to every HTTP request it sends to the app."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature or ""}


def _listener_tasks() -> list[asyncio.Task[Any]]:
    # Bolt runs listeners after the ack in tasks it keeps no handle on; they are recognisable by name.
    return [
        task
        for task in asyncio.all_tasks()
        if "run_ack_function_asynchronously" in getattr(task.get_coro(), "__qualname__", "") and not task.done()
    ]


async def settle_listeners(within: float = 5.0) -> None:
    """Wait until every Bolt listener started so far has finished (no fixed sleeps)."""
    deadline = asyncio.get_running_loop().time() + within
    while busy := _listener_tasks():
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"{len(busy)} Slack listener(s) still running after {within}s"
        await asyncio.wait(busy, timeout=remaining)


def event_callback(event: Json, event_id: str, event_time: int) -> str:
    """An Events API `event_callback` body carrying `event`, as Slack sends it to the app."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0VIGIE",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": event_time,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


@dataclass
class SlackHarness:
    """The app under test, its HTTP endpoint, the fake Slack and the services behind them."""

    fake: FakeSlack
    services: Services
    app: AsyncApp
    url: str
    session: aiohttp.ClientSession
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """Send a raw request to the app's endpoint, signed unless `headers` say otherwise."""
        sent = {"Content-Type": content_type, **(headers if headers is not None else signed_headers(body))}
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            return response.status, await response.text()

    def event_body(self, event: Json) -> str:
        return event_callback(event, f"Ev{next(self._ids):08d}", int(time.time()))

    async def shortcut(self, user: str, callback_id: str, message: FakeMessage, *, team: str = TEAM) -> int:
        """A member of `team` runs a message shortcut on `message`."""
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": team, "domain": "vigie"},
            "user": {"id": user, "team_id": team},
            "channel": {"id": message.channel, "name": "general"},
            "message": message.payload(),
            "message_ts": message.ts,
            "api_app_id": "A0VIGIE",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            "response_url": self.fake.response_url(),
        }
        return await self.interact(payload)

    async def event(self, event: Json, headers: dict[str, str] | None = None) -> int:
        status, _ = await self.post(self.event_body(event), "application/json", headers)
        return status

    async def say(self, user: str, text: str, channel: str = GENERAL, thread_ts: str | None = None) -> FakeMessage:
        """A member posts a message: the fake stores it and Slack sends the `message` event."""
        message = self.fake.add_message(channel, user, text, thread_ts=thread_ts)
        event = {"type": "message", "channel": channel, "channel_type": "channel", "event_ts": message.ts}
        event |= message.payload()
        assert await self.event(event) == 200
        return message

    async def command(self, user: str, command: str, text: str, channel: str = GENERAL, *, team: str = TEAM) -> int:
        form = {
            "token": "legacy",
            "team_id": team,
            "team_domain": "vigie",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0VIGIE",
            "response_url": self.fake.response_url(),
            "trigger_id": f"trigger-{next(self._ids)}",
        }
        status, _ = await self.post(urlencode(form), "application/x-www-form-urlencoded")
        return status

    async def interact(self, payload: Json) -> int:
        status, _ = await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        return status

    async def click(
        self, user: str, button: Json, *, channel: str, message_ts: str, ephemeral: bool = False, team: str = TEAM
    ) -> int:
        """A member of `team` clicks `button` (a Block Kit button element) on a message in `channel`."""
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "vigie"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A0VIGIE",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel, "name": "channel"},
            "response_url": self.fake.response_url(),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "value": button.get("value", ""),
                    "action_ts": str(time.time()),
                }
            ],
        }
        return await self.interact(payload)

    async def submit(self, user: str, view: Json, values: dict[str, str | Json], *, team: str = TEAM) -> int:
        """A member of `team` submits a modal opened with `views.open`: `values` maps block ids to typed
        text, or to a ready-made element state (e.g. a static select's `selected_option`)."""
        state = {
            block: {block: {"type": "plain_text_input", "value": value} if isinstance(value, str) else value}
            for block, value in values.items()
        }
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "vigie"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A0VIGIE",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {**view, "id": f"V{next(self._ids)}", "team_id": team, "state": {"values": state}},
        }
        return await self.interact(payload)

    async def edit(self, message: FakeMessage, text: str) -> int:
        """The author edits `message`: the fake updates it and Slack sends `message_changed`."""
        previous = message.payload()
        self.fake.edit_message(message.channel, message.ts, text)
        edit_ts = self.fake.next_ts()
        return await self.event(
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": message.channel,
                "ts": edit_ts,
                "event_ts": edit_ts,
                "message": {**message.payload(), "edited": {"user": message.user, "ts": edit_ts}},
                "previous_message": previous,
            }
        )

    async def delete(self, message: FakeMessage) -> int:
        """The author deletes `message`: the fake forgets it and Slack sends `message_deleted`."""
        self.fake.messages.pop((message.channel, message.ts), None)
        event_ts = self.fake.next_ts()
        return await self.event(
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "channel": message.channel,
                "ts": event_ts,
                "event_ts": event_ts,
                "deleted_ts": message.ts,
                "previous_message": message.payload(),
            }
        )

    async def settle(self, within: float = 5.0) -> None:
        """Wait until every listener started by the requests sent so far has finished."""
        await settle_listeners(within)

    async def case_for(self, message: FakeMessage) -> Case | None:
        return await self.services.store.case_for_message("slack", TEAM, message.channel, message.ts)


def in_channel(channel: str) -> Callable[[ApiCall], bool]:
    """Match recorded calls addressed to `channel`."""
    return lambda call: call.args.get("channel") == channel


def in_dm(user: str) -> Callable[[ApiCall], bool]:
    """Match recorded calls addressed to the direct-message channel the fake opens with `user`."""
    return lambda call: call.args.get("channel") == f"D{user}"


def button(call: ApiCall, action_id: str) -> Json:
    """The button with `action_id` in the blocks of a recorded `chat.post*` call."""
    for block in call.args.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button in {call}")


def blocks_text(call: ApiCall) -> str:
    """All the visible text of a recorded call (text and blocks), for content assertions."""
    parts = [str(call.args.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(call.args.get("blocks") or [])
    return "\n".join(parts)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    fake.add_user(ALICE, "Alice", locale="fr-FR")
    fake.add_user(BOB, "Bob", locale="en-US")
    fake.add_user(MOD, "Morgane", locale="en-GB")
    fake.add_user(MOD2, "Mateo", locale="en-US")
    fake.add_user(ADMIN, "Ada", locale="en-US", admin=True)
    fake.add_user(EVE, "Eve", locale="en-US", team=OTHER_TEAM)
    fake.add_user(MAYA, "Maya", locale="fr-FR")
    fake.groups[AMBASSADORS] = [MAYA]
    fake.group_handles[AMBASSADORS] = "ambassador"
    fake.channels.update({GENERAL: "general", REVIEW: "moderation", LOG: "vigie-log", OTHER_GENERAL: "lobby"})
    fake.channels[COMPLIANCE] = "compliance"
    yield fake
    await fake.close()


SlackFactory = Callable[..., Awaitable[SlackHarness]]


@pytest.fixture
async def make_slack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackFactory]:
    """Build and serve the app: `await make_slack(admin=False)` for a workspace without admin token,
    `await make_slack(clock=FakeClock())` for services that run on a clock the test moves,
    `await make_slack(db=url)` for another worker on a shared database,
    `await make_slack(oauth=True)` for an app that installs into workspaces through OAuth (no bot token)."""
    opened: list[tuple[Services, web.AppRunner, aiohttp.ClientSession, aiohttp.ClientSession]] = []

    async def make(
        *,
        admin: bool = True,
        configure: bool = True,
        clock: Clock | None = None,
        db: str | None = None,
        oauth: bool = False,
    ) -> SlackHarness:
        settings = Settings(
            db_path=db or str(tmp_path / "vigie.sqlite3"),
            charter_path=str(CHARTER),
            slack_bot_token=None if oauth else BOT_TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake_slack.base_url,
            slack_client_id=CLIENT_ID if oauth else None,
            slack_client_secret=CLIENT_SECRET if oauth else None,
        )
        if oauth:
            fake_slack.client_id, fake_slack.client_secret = CLIENT_ID, CLIENT_SECRET
        services = await build_services(settings, clock)
        if configure:
            for key, value in {
                "review_channel": REVIEW,
                "log_channel": LOG,
                "moderator_users": [MOD, MOD2],
                "language": "en",
            }.items():
                await services.store.set_setting("slack", TEAM, key, value)
            # The other workspace has its own moderator, who has no say over this one's cases.
            await services.store.set_setting("slack", OTHER_TEAM, "moderator_users", [EVE])
        api = http_session()  # as `python -m bot run slack`: every Web API call over one pool of connections
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.base_url, session=api)
        admin_client = AsyncWebClient(token=ADMIN_TOKEN, base_url=fake_slack.base_url, session=api) if admin else None
        app = build_slack_app(services, settings, client=client, admin_client=admin_client)
        runner, port = await serve_http(app, "127.0.0.1", 0)
        session = aiohttp.ClientSession()
        opened.append((services, runner, session, api))
        return SlackHarness(fake_slack, services, app, f"http://127.0.0.1:{port}/slack/events", session)

    yield make
    for services, runner, session, api in opened:
        pending = _listener_tasks()
        if pending:
            await asyncio.wait(pending, timeout=5)
        await session.close()
        await runner.cleanup()
        await services.close()
        await api.close()


@pytest.fixture
async def slack(make_slack: SlackFactory) -> SlackHarness:
    """The app with an admin user token: removals delete."""
    return await make_slack(admin=True)
