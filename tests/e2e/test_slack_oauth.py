"""Slack through OAuth, end to end over HTTP against the fake Slack: the install round trip, two
workspaces moderated each with its own tokens and nothing crossing between them, and an uninstall."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.errors import PlatformError
from tests.e2e.fake_slack import OTHER_TEAM, TEAM, ApiCall
from tests.e2e.slack_fixtures import (
    ALICE,
    CLIENT_ID,
    EVE,
    GENERAL,
    LOG,
    OTHER_GENERAL,
    REVIEW,
    SlackFactory,
    SlackHarness,
    signed_headers,
)

OTTO = "UOTTO"  # a member of the other workspace
ODA = "UODA"  # an admin of the other workspace
OTHER_REVIEW = "C0OTHERREVIEW"
INSULT = "franchement t'es vraiment un connard"


def root(slack: SlackHarness) -> str:
    return slack.url.removesuffix("/slack/events")


def browser(state: str) -> dict[str, str]:
    """The state cookie a browser sends back (the cookie is Secure, so aiohttp's jar would keep it on plain HTTP)."""
    return {"Cookie": f"slack-app-oauth-state={state}"}


async def install(slack: SlackHarness, team: str) -> dict[str, str]:
    """A workspace admin installs the app: /slack/install, Slack's consent page, /slack/oauth_redirect."""
    async with slack.session.get(f"{root(slack)}/slack/install", allow_redirects=False) as started:
        assert started.status == 302
        location = started.headers["Location"]
        cookie = started.cookies["slack-app-oauth-state"].value
    query = parse_qs(urlsplit(location).query)
    assert location.startswith("https://slack.com/oauth/v2/authorize?")
    assert query["client_id"] == [CLIENT_ID]
    assert "chat:write" in query["scope"][0].split(",")
    assert query["user_scope"] == ["chat:write"]
    state = query["state"][0]
    assert cookie == state
    code = f"code-{team}-{time.monotonic_ns()}"
    slack.fake.install_codes[code] = team  # the admin approved: Slack sends the browser back with a code
    redirect = f"{root(slack)}/slack/oauth_redirect?code={code}&state={state}"
    async with slack.session.get(redirect, allow_redirects=False, headers=browser(state)) as finished:
        assert finished.status == 200, await finished.text()
    exchange = slack.fake.find("oauth.v2.access")[-1]
    assert (exchange.args["client_id"], exchange.args["code"]) == (CLIENT_ID, code)
    stored = await slack.services.installations.find("", team, "")
    assert stored is not None
    installation = json.loads(stored)
    return {"bot": installation["bot_token"], "user": installation["user_token"], "state": state}


async def send(slack: SlackHarness, team: str, event: dict[str, object]) -> None:
    body = json.loads(slack.event_body(event))
    body["team_id"] = team
    body["authorizations"] = [{"team_id": team, "user_id": f"UBOT{team}", "is_bot": True}]
    text = json.dumps(body)
    status, _ = await slack.post(text, "application/json", signed_headers(text))
    assert status == 200


async def say(slack: SlackHarness, team: str, user: str, channel: str, text: str) -> str:
    message = slack.fake.add_message(channel, user, text)
    event = {"type": "message", "channel": channel, "channel_type": "channel", "event_ts": message.ts}
    await send(slack, team, event | message.payload())
    return message.ts


@pytest.fixture
async def oauth_slack(make_slack: SlackFactory) -> SlackHarness:
    slack = await make_slack(oauth=True)
    slack.fake.add_user(OTTO, "Otto", team=OTHER_TEAM)
    slack.fake.add_user(ODA, "Oda", admin=True, team=OTHER_TEAM)
    slack.fake.channels[OTHER_REVIEW] = "other-moderation"
    await slack.services.store.set_setting("slack", OTHER_TEAM, "review_channel", OTHER_REVIEW)
    return slack


async def test_the_oauth_round_trip_stores_the_installation(oauth_slack: SlackHarness) -> None:
    slack = oauth_slack
    tokens = await install(slack, TEAM)
    assert tokens["bot"].startswith(f"xoxb-{TEAM}")
    assert tokens["user"].startswith(f"xoxp-{TEAM}")
    assert (await slack.services.installations.find("", OTHER_TEAM, "")) is None

    # A state is good once, and only with the cookie of the browser it was handed to.
    async with slack.session.get(f"{root(slack)}/slack/install", allow_redirects=False) as started:
        state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    slack.fake.install_codes["code-again"] = OTHER_TEAM
    for used, cookie in ((state, {}), (tokens["state"], browser(tokens["state"])), (state, browser("forged"))):
        url = f"{root(slack)}/slack/oauth_redirect?code=code-again&state={used}"
        async with slack.session.get(url, allow_redirects=False, headers=cookie) as refused:
            assert refused.status in (400, 401)  # bolt: invalid_browser, invalid_state
    assert (await slack.services.installations.find("", OTHER_TEAM, "")) is None
    assert "code-again" in slack.fake.install_codes  # Slack was never asked


async def test_two_installed_workspaces_are_moderated_each_with_its_own_tokens(oauth_slack: SlackHarness) -> None:
    slack = oauth_slack
    first, second = await install(slack, TEAM), await install(slack, OTHER_TEAM)
    assert first["bot"] != second["bot"]

    ours = await say(slack, TEAM, ALICE, GENERAL, INSULT)
    theirs = await say(slack, OTHER_TEAM, OTTO, OTHER_GENERAL, INSULT)
    deleted = await slack.fake.wait_for("chat.delete", count=2)
    await slack.settle()

    assert {(c.args["channel"], c.args["ts"], c.token) for c in deleted} == {
        (GENERAL, ours, first["user"]),
        (OTHER_GENERAL, theirs, second["user"]),
    }
    store = slack.services.store
    case_a = await store.case_for_message("slack", TEAM, GENERAL, ours)
    case_b = await store.case_for_message("slack", OTHER_TEAM, OTHER_GENERAL, theirs)
    assert case_a is not None
    assert case_b is not None
    assert (case_a.community, case_b.community) == (TEAM, OTHER_TEAM)
    assert await store.case_for_message("slack", OTHER_TEAM, GENERAL, ours) is None

    # Every call the app made with an installation's token concerned that token's own workspace.
    team_of_channel = {GENERAL: TEAM, REVIEW: TEAM, LOG: TEAM, OTHER_GENERAL: OTHER_TEAM, OTHER_REVIEW: OTHER_TEAM}
    team_of_channel |= {f"D{u}": t for u, t in ((ALICE, TEAM), (OTTO, OTHER_TEAM))}
    installed = slack.fake.installed

    def workspace(call: ApiCall) -> str | None:
        if "channel" in call.args:
            return team_of_channel[str(call.args["channel"])]
        if "user" in call.args:
            return str(slack.fake.users[str(call.args["user"])]["team_id"])
        if "users" in call.args:
            return str(slack.fake.users[str(call.args["users"])]["team_id"])
        return None

    made = [c for c in slack.fake.calls if c.token in installed and c.method != "auth.test"]
    assert {c.method for c in made} >= {"chat.delete", "users.info", "chat.postMessage"}
    for call in made:
        assert workspace(call) in (installed[str(call.token)], None), str(call)
    assert all(call.result.get("ok") for call in made if call.method == "users.info")
    notices = [c for c in made if c.method == "chat.postMessage"]
    assert {installed[str(c.token)] for c in notices} == {TEAM, OTHER_TEAM}

    # A setting changed in one workspace stays there; a command from one cannot reach the other's case.
    await slack.command(ODA, "/vigie-setup", f"log <#{OTHER_REVIEW}>", OTHER_GENERAL, team=OTHER_TEAM)
    await slack.command(EVE, "/case", str(case_a.id), OTHER_GENERAL, team=OTHER_TEAM)
    await slack.settle()
    setup, shown = (c.args["text"] for c in slack.fake.find("response_url"))
    assert "other-moderation" in setup
    assert shown == f"There is no case #{case_a.id}."
    assert await store.get_setting("slack", OTHER_TEAM, "log_channel") == OTHER_REVIEW
    assert await store.get_setting("slack", TEAM, "log_channel") == LOG


async def test_an_uninstall_removes_that_workspaces_tokens_only(oauth_slack: SlackHarness) -> None:
    slack = oauth_slack
    await install(slack, TEAM)
    second = await install(slack, OTHER_TEAM)
    platform = slack.services.platforms["slack"]
    assert await platform.client_for(TEAM)  # type: ignore[attr-defined]

    await send(slack, TEAM, {"type": "app_uninstalled"})
    await slack.settle()

    assert await slack.services.installations.find("", TEAM, "") is None
    with pytest.raises(PlatformError):
        await platform.client_for(TEAM)  # type: ignore[attr-defined]
    theirs = await say(slack, OTHER_TEAM, OTTO, OTHER_GENERAL, INSULT)
    (deleted,) = await slack.fake.wait_for("chat.delete")
    await slack.settle()
    assert (deleted.args["ts"], deleted.token) == (theirs, second["user"])
