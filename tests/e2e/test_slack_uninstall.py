"""A workspace that uninstalls Vigie or revokes its tokens: its tokens are forgotten and its data purged;
another workspace on the same app is untouched."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.e2e.fake_slack import OTHER_TEAM, TEAM
from tests.e2e.slack_fixtures import ALICE, SlackHarness, signed_headers


async def send(slack: SlackHarness, team: str, event: dict[str, object]) -> None:
    body = json.loads(slack.event_body(event))
    body["team_id"] = team
    text = json.dumps(body)
    status, _ = await slack.post(text, "application/json", signed_headers(text))
    assert status == 200
    await slack.settle()


async def test_an_uninstall_forgets_the_tokens_and_purges_that_workspace_only(slack: SlackHarness) -> None:
    rows, now = slack.services.installations, datetime.now(UTC)
    for team in (TEAM, OTHER_TEAM):
        await rows.save("", team, "", json.dumps({"team_id": team, "bot_token": f"xoxb-{team}"}), now)
    message = await slack.say(ALICE, "franchement t'es vraiment un connard")
    await slack.fake.wait_for("chat.delete")
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    assert case.content is not None

    await send(slack, TEAM, {"type": "app_uninstalled"})

    assert await rows.find("", TEAM, "") is None
    assert await rows.find("", OTHER_TEAM, "") is not None
    store = slack.services.store
    assert await store.get_setting("slack", TEAM, "review_channel") is None
    assert await store.get_setting("slack", OTHER_TEAM, "moderator_users") is not None
    purged = await store.get_case(case.id)
    assert purged is not None
    assert (purged.content, purged.status) == (None, case.status)
    assert [e.event for e in await store.audit_trail(case.id)][-1] == "purged"


async def test_revoked_tokens_are_forgotten(slack: SlackHarness) -> None:
    rows, now = slack.services.installations, datetime.now(UTC)
    for user in ("", "U1", "U2"):
        await rows.save("", TEAM, user, json.dumps({"team_id": TEAM, "user_id": user}), now)

    await send(slack, TEAM, {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}})
    assert await rows.find("", TEAM, "U1") is None
    assert await rows.find("", TEAM, "U2") is not None

    await send(slack, TEAM, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["B1"]}})
    assert [await rows.find("", TEAM, user) for user in ("", "U2")] == [None, None]
