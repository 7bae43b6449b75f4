"""The Slack glue against the fake Slack: user groups as team roles, and reading a post back as it reads now."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.convert import SlackPost, ts_to_datetime
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.glue import Glue
from bot.adapters.slack.platform import SlackPlatform
from bot.charter.loader import load_charter
from bot.errors import PlatformError, PlatformFailure
from bot.policy import ActivePolicy
from bot.runtime import build_services
from bot.settings import Settings
from tests.e2e.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import FakeClock

CHARTER = Path(__file__).resolve().parents[3] / "policies" / "charter.toml"
TEAM = "T1"


@dataclass
class World:
    fake: FakeSlack
    glue: Glue
    client: AsyncWebClient


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("UANN", "Ann", locale="fr-FR")
    charter = load_charter(CHARTER)
    assert charter.disclosure is not None
    # A team role given by user group id: "S2" is on the team whatever its handle.
    policy = ActivePolicy(replace(charter, disclosure=replace(charter.disclosure, team_roles=("ambassador", "S2"))))
    clock = FakeClock()
    services = await build_services(
        Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=str(CHARTER)), clock, policy=policy
    )
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url)
    directory = SlackDirectory(client, services.community, clock)
    platform = SlackPlatform(client, directory=directory, policy=policy)
    yield World(fake, Glue(services, platform, directory), client)
    await services.close()
    await fake.close()


def post(ts: str = "1700000000.000100", text: str = "salut") -> SlackPost:
    return SlackPost(team=TEAM, channel="C1", ts=ts, user="UANN", text=text, at=ts_to_datetime(ts))


async def test_user_groups_become_roles_but_never_moderator_or_exemption_handles(world: World) -> None:
    groups = {"S1": "ambassador", "S2": "paris-crew", "S3": "moderator", "S4": "Modérateur", "S5": "admin"}
    for group_id, handle in groups.items():
        world.fake.groups[group_id] = ["UANN"]
        world.fake.group_handles[group_id] = handle

    message = await world.glue.message(post())

    assert message is not None
    assert message.author.roles == ("S1", "ambassador", "S2", "paris-crew", "S3", "S4", "S5")
    assert not message.author.is_moderator
    disclosure = world.glue.services.policy.charter.disclosure
    assert disclosure is not None
    assert disclosure.is_team(message.author.roles)


async def test_a_member_in_no_group_keeps_the_roles_the_glue_gives(world: World) -> None:
    message = await world.glue.message(post())
    assert message is not None
    assert message.author.roles == ()


async def test_fetch_post_reads_a_top_level_post(world: World) -> None:
    message = world.fake.add_message("C1", "UANN", "Publicité — code MAYA20")
    found = await world.glue.fetch_post(world.client, TEAM, "C1", message.ts)
    assert found is not None
    assert (found.ts, found.text, found.user) == (message.ts, "Publicité — code MAYA20", "UANN")
    assert world.fake.find("conversations.replies") == []


async def test_fetch_post_finds_a_thread_reply_even_when_its_thread_is_unknown(world: World) -> None:
    parent = world.fake.add_message("C1", "UBOB", "question")
    reply = world.fake.add_message("C1", "UANN", "réponse", thread_ts=parent.ts)

    found = await world.glue.fetch_post(world.client, TEAM, "C1", reply.ts)

    assert found is not None
    assert found.text == "réponse"
    assert [m["ts"] for m in world.fake.find("conversations.history")[0].result["messages"]] == []
    [replies] = world.fake.find("conversations.replies")
    assert (replies.args["ts"], replies.args["oldest"], replies.args["latest"]) == (reply.ts, reply.ts, reply.ts)


async def test_fetch_post_goes_straight_to_a_known_thread(world: World) -> None:
    parent = world.fake.add_message("C1", "UBOB", "question")
    reply = world.fake.add_message("C1", "UANN", "réponse", thread_ts=parent.ts)
    world.glue.platform.note_thread("C1", reply.ts, parent.ts)
    found = await world.glue.fetch_post(world.client, TEAM, "C1", reply.ts)
    assert found is not None
    assert world.fake.find("conversations.history") == []
    assert world.fake.find("conversations.replies")[0].args["ts"] == parent.ts


async def test_fetch_post_of_a_deleted_post_is_none(world: World) -> None:
    world.fake.add_message("C1", "UANN", "a neighbour, not the post")
    assert await world.glue.fetch_post(world.client, TEAM, "C1", "1700000000.000100") is None
    assert world.fake.find("conversations.replies")[0].result["error"] == "thread_not_found"


async def test_fetch_post_of_a_tombstone_is_none(world: World) -> None:
    message = world.fake.add_message("C1", "UANN", "This message was deleted.")
    message.subtype = "tombstone"  # a deleted thread parent that Slack keeps for its replies
    assert await world.glue.fetch_post(world.client, TEAM, "C1", message.ts) is None


async def test_fetch_post_raises_when_slack_cannot_tell(world: World) -> None:
    world.fake.fail("conversations.history", "not_in_channel")
    with pytest.raises(PlatformError) as raised:
        await world.glue.fetch_post(world.client, TEAM, "C1", "1700000000.000100")
    assert raised.value.failure is PlatformFailure.NOT_IN_CHANNEL


async def test_a_handle_a_reloaded_charter_exempts_stops_counting_as_a_role(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("UANN", "Ann", locale="fr-FR")
    fake.groups["S2"] = ["UANN"]
    fake.group_handles["S2"] = "paris-crew"
    path = tmp_path / "charter.toml"
    text = CHARTER.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    policy = ActivePolicy.from_path(path)
    clock = FakeClock()
    services = await build_services(
        Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=str(path)), clock, policy=policy
    )
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url)
    directory = SlackDirectory(client, services.community, clock)
    glue = Glue(services, SlackPlatform(client, directory=directory, policy=policy), directory)
    try:
        before = await glue.message(post())
        exempting = 'exempt_roles = ["moderator", "modérateur", "paris-crew"]'
        path.write_text(text.replace('exempt_roles = ["moderator", "modérateur"]', exempting, 1), encoding="utf-8")
        assert policy.reload() == []
        after = await glue.message(post("1700000000.000200"))
    finally:
        await services.close()
        await fake.close()

    assert before is not None
    assert before.author.roles == ("S2", "paris-crew")
    assert after is not None
    assert after.author.roles == ("S2",)  # an exemption by handle anyone could pick is never granted
