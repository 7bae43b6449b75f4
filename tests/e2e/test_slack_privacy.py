"""Members' data rights and rule guards on Slack, end to end through the real slack-bolt app and the fake Slack."""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import Case
from bot.privacy.pseudonym import MemberKey
from tests.accountability_scenario import database_bytes
from tests.e2e.fake_slack import TEAM, FakeMessage
from tests.e2e.slack_fixtures import ALICE, BOB, GENERAL, MOD, SlackHarness, in_channel, in_dm

INSULT = "t'es qu'un connard SLACKSECRET"


async def removed(slack: SlackHarness, user: str = ALICE, text: str = INSULT) -> tuple[FakeMessage, Case]:
    message = await slack.say(user, text)
    await slack.fake.wait_for("chat.postMessage", in_dm(user))
    await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL))
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    return message, case


async def answers(slack: SlackHarness) -> list[str]:
    """What members were told privately through their response URLs, in order."""
    await slack.settle()
    return [str(call.args.get("text", "")) for call in slack.fake.find("response_url")]


async def test_privacy_shows_the_notice(slack: SlackHarness) -> None:
    assert await slack.command(BOB, "/privacy", "") == 200
    text = (await answers(slack))[-1]
    assert "privacy@example.org" in text
    assert "180" in text  # the charter's retention, filled in


async def test_mydata_sends_the_members_own_data_as_a_file_in_a_dm(slack: SlackHarness) -> None:
    _, case = await removed(slack)
    await removed(slack, BOB, "espèce de connard BOBSECRET")
    assert await slack.command(ALICE, "/mydata", "") == 200
    await slack.settle()
    [shared] = slack.fake.shared_files
    assert shared["channel"] == f"D{ALICE}"
    data = json.loads(slack.fake.uploads[shared["files"][0]["id"]].decode("utf-8"))
    assert data["member"] == {"platform": "slack", "community": TEAM, "user": ALICE}
    assert [c["case"] for c in data["cases"]] == [case.id]
    assert data["cases"][0]["your_text"] == INSULT
    raw = json.dumps(data)
    assert "BOBSECRET" not in raw
    assert BOB not in raw
    assert "1 dossier(s)" in (await answers(slack))[-1]  # Alice reads Slack in French


async def test_mycases_lists_own_cases_only(slack: SlackHarness) -> None:
    _, case = await removed(slack)
    await slack.command(ALICE, "/mycases", "")
    assert f"#{case.id}" in (await answers(slack))[-1]
    await slack.command(BOB, "/mycases", "")
    assert (await answers(slack))[-1] == "You have no cases in this community."


async def test_forgetme_asks_then_erases(slack: SlackHarness, tmp_path: Path) -> None:
    _, case = await removed(slack)
    await slack.command(ALICE, "/forgetme", "")
    await slack.settle()
    asked = slack.fake.find("response_url")[-1].args
    assert "Effacer vos données ?" in asked["text"]
    yes = asked["blocks"][1]["elements"][0]
    assert yes["action_id"] == "vigie_forget_yes"
    await slack.click(ALICE, yes, channel=GENERAL, message_ts="1.0", ephemeral=True)
    assert (await answers(slack))[-1].startswith("C'est fait : 1 dossier(s)")
    erased = await slack.services.store.get_case(case.id)
    assert erased is not None
    assert erased.author_id == await slack.services.privacy.pseudonym_for(MemberKey("slack", TEAM, ALICE))
    assert erased.content is None
    raw = database_bytes(Path(slack.services.settings.db_path))
    assert ALICE.encode() not in raw
    assert b"SLACKSECRET" not in raw


async def test_guard_is_for_moderators(slack: SlackHarness) -> None:
    await slack.command(BOB, "/guard", "")
    assert "moderator" in (await answers(slack))[-1].lower()
    await slack.command(MOD, "/guard", "")
    assert (await answers(slack))[-1] == "No clause is held back by its guard."
    await slack.command(MOD, "/guard", "restore 1 fixed the list")
    assert "nothing to restore" in (await answers(slack))[-1]
