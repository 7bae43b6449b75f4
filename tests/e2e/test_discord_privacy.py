"""End to end on Discord: /privacy, /mydata, /mycases, /forgetme and /guard through the real client and the fake."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.models import ActionState
from bot.runtime import Services
from tests.accountability_scenario import database_bytes
from tests.e2e.discord_fixtures import TEST_CHARTER, case_for
from tests.e2e.fake_discord import FakeDiscord

EPHEMERAL = 64
PRIVACY = """
[privacy]
controller = "Test community team"
contact = "privacy@example.org"
purposes.en = "Moderating under the charter."
purposes.fr = "Modérer selon la charte."
stored.en = "Removed messages and decisions."
stored.fr = "Les messages retirés et les décisions."
retention.en = "Removed text is deleted after $retention_days days."
retention.fr = "Le texte retiré est supprimé après $retention_days jours."
rights.en = "Use /mydata, /mycases and /forgetme."
rights.fr = "Utilisez /mydata, /mycases et /forgetme."
"""
INSULT = "you absolute moron QWERTYSECRET"


TRANSPARENCY = """
[transparency]
territorial_scope = ["FR", "BE"]
url = "https://example.org/transparence"
"""


@pytest.fixture
def charter_file(tmp_path: Path) -> Path:
    categorised = re.sub(r'(action = "\w+"\n)', r'\1category = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"\n', TEST_CHARTER)
    path = tmp_path / "charter.toml"
    path.write_text(categorised + PRIVACY + TRANSPARENCY, encoding="utf-8")
    return path


async def followup(fake: FakeDiscord, token: str) -> dict[str, Any]:
    """The follow-up message sent after a deferred answer."""
    sent = await fake.wait_for("POST", rf"/webhooks/\d+/{token}")
    body: dict[str, Any] = sent.json
    return body


async def removed(fake: FakeDiscord, services: Services) -> int:
    insult = await fake.send_message(fake.alice, INSULT)
    case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    return case.id


async def test_privacy_shows_the_notice_privately(fake: FakeDiscord, vigie: Any) -> None:
    answer = (await fake.interact(fake.slash(fake.bob, "privacy", locale="fr"))).json
    assert answer["data"]["flags"] == EPHEMERAL
    assert "Le texte retiré est supprimé après 30 jours." in answer["data"]["content"]
    assert "privacy@example.org" in answer["data"]["content"]


async def test_mydata_sends_exactly_the_members_data_as_a_private_file(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    case_id = await removed(fake, services)
    await fake.send_message(fake.bob, "bob says moron too BOBSECRET")
    payload = fake.slash(fake.alice, "mydata")
    assert (await fake.interact(payload)).json["data"]["flags"] == EPHEMERAL
    sent = await followup(fake, payload["token"])
    assert sent["flags"] == EPHEMERAL
    assert "1 case(s)" in sent["content"]
    data = json.loads(sent["_files"]["vigie-mydata.json"])
    assert data["member"] == {"platform": "discord", "community": fake.guild_id, "user": fake.alice.id}
    assert [c["case"] for c in data["cases"]] == [case_id]
    assert data["cases"][0]["your_text"] == INSULT
    assert "BOBSECRET" not in sent["_files"]["vigie-mydata.json"]
    assert fake.bob.id not in sent["_files"]["vigie-mydata.json"]


async def test_mycases_lists_the_members_own_cases(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    case_id = await removed(fake, services)
    own = (await fake.interact(fake.slash(fake.alice, "mycases"))).json
    assert own["data"]["flags"] == EPHEMERAL
    assert f"#{case_id}" in own["data"]["embeds"][0]["description"]
    assert "Respect for people" in own["data"]["embeds"][0]["description"]
    other = (await fake.interact(fake.slash(fake.bob, "mycases"))).json
    assert other["data"]["content"] == "You have no cases in this community."


async def test_forgetme_asks_then_erases_everything_that_points_to_the_member(
    fake: FakeDiscord, services: Services, vigie: Any, discord_settings: Any
) -> None:
    case_id = await removed(fake, services)
    payload = fake.slash(fake.alice, "forgetme")
    asked = (await fake.interact(payload)).json
    assert asked["data"]["flags"] == EPHEMERAL
    assert "Erase your data?" in asked["data"]["content"]
    buttons = asked["data"]["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["Erase my data", "Cancel"]
    message = fake.responses[payload["id"]]

    stranger = fake.click(fake.bob, message, buttons[0]["custom_id"])
    await fake.dispatch("INTERACTION_CREATE", stranger)  # not theirs: ignored
    assert (await services.store.get_case(case_id)).author_id == fake.alice.id  # type: ignore[union-attr]

    press = fake.click(fake.alice, message, buttons[0]["custom_id"])
    await fake.interact(press)
    done = await followup(fake, press["token"])
    assert done["content"].startswith("Done: 1 case(s)")
    case = await services.store.get_case(case_id)
    assert case is not None
    assert case.author_id.startswith("anon-")
    assert case.content is None
    raw = database_bytes(Path(discord_settings.db_path))
    assert fake.alice.id.encode() not in raw
    assert b"QWERTYSECRET" not in raw


async def test_guard_status_and_restore_are_for_moderators(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    refused = (await fake.interact(fake.slash(fake.bob, "guard", [{"name": "status", "type": 1, "options": []}]))).json
    assert refused["data"]["flags"] == EPHEMERAL
    status = (await fake.interact(fake.slash(fake.mod, "guard", [{"name": "status", "type": 1, "options": []}]))).json
    assert status["data"]["content"] == "No clause is held back by its guard."
    options = [{"name": "clause", "type": 4, "value": 1}, {"name": "reason", "type": 3, "value": "fixed"}]
    nothing = (
        await fake.interact(fake.slash(fake.mod, "guard", [{"name": "restore", "type": 1, "options": options}]))
    ).json
    assert "nothing to restore" in nothing["data"]["content"]


async def test_charter_publish_links_the_transparency_page(fake: FakeDiscord, vigie: Any) -> None:
    channel = {**fake.channels[fake.announcements], "permissions": "0"}
    options = [{"name": "publish", "type": 1, "options": [{"name": "channel", "type": 7, "value": fake.announcements}]}]
    payload = fake.slash(fake.owner, "charter", options, resolved={"channels": {fake.announcements: channel}})
    await fake.interact(payload)
    posted = await fake.wait_for("POST", rf"/channels/{fake.announcements}/messages")
    everything = "".join(p.json["content"] for p in fake.posted(fake.announcements))
    assert posted.json["content"].startswith("# Test charter")
    assert "Transparency report: https://example.org/transparence" in everything
