"""End to end on Discord: disclosure nudges by DM, their buttons, reminders, escalation and the /disclosure commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.bot import drain_handlers
from bot.models import Delivery, Nudge, NudgeState
from bot.runtime import Services, build_services
from bot.settings import Settings
from tests.e2e.discord_fixtures import eventually, running_bot
from tests.e2e.fake_discord import FakeDiscord, Request
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]
EPHEMERAL = 64
SPONSORED = "J'adore mon nouveau casque ! -20 % avec le code MAYA20 sur la boutique"
FIXED = "Publicité — J'adore mon nouveau casque ! -20 % avec le code MAYA20 sur la boutique"
DM_CHANNEL = r"1\d{18}"  # the fake numbers DM channels from 11…; guild channels start with 7


@pytest.fixture
def charter_file() -> Path:
    """The shipped charter: its [disclosure] section checks the "ambassador" role for the French audience."""
    return ROOT / "policies" / "charter.toml"


@pytest.fixture
def clock() -> FakeClock:
    """The services' clock, advanced by hand to make reminders due."""
    return FakeClock()


@pytest.fixture
async def services(discord_settings: Settings, fake: FakeDiscord, clock: FakeClock) -> AsyncIterator[Services]:
    """Real services on a fake clock, with the fake guild's channels, moderator role and compliance channel set."""
    built = await build_services(discord_settings, clock=clock)
    store, guild = built.store, fake.guild_id
    await store.set_setting("discord", guild, "review_channel", fake.review)
    await store.set_setting("discord", guild, "log_channel", fake.log)
    await store.set_setting("discord", guild, "moderator_role", fake.moderator_role_id)
    await store.set_setting("discord", guild, "disclosure_compliance_channel", fake.compliance)
    yield built
    await built.close()


def custom_ids(payload: dict[str, Any]) -> list[str]:
    """Every custom_id in a message's components."""
    return [c["custom_id"] for row in payload.get("components") or [] for c in row.get("components", [])]


def labels(payload: dict[str, Any]) -> list[str]:
    """Every button label in a message's components."""
    return [c["label"] for row in payload.get("components") or [] for c in row.get("components", [])]


def sub(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    """A subcommand invocation (type 1) with its options."""
    return [{"name": name, "type": 1, "options": list(options)}]


async def nudge_from(services: Services, request: Request) -> Nudge:
    """The nudge whose id a DM or pointer carries in its first button, once its delivery is recorded.

    The fake sees the request before the bot sees the answer: the bot records the delivery after that.
    """
    nudge_id = int(custom_ids(request.json)[0].rsplit(":", 1)[1])

    async def probe() -> Nudge | None:
        nudge = await services.nudges.get(nudge_id)
        return nudge if nudge.delivery is not Delivery.PENDING else None

    return await eventually(probe)


async def nudge_in(services: Services, nudge_id: int, state: NudgeState) -> Nudge:
    """The nudge once it reached `state` (the bot's handlers write it)."""

    async def probe() -> Nudge | None:
        nudge = await services.nudges.get(nudge_id)
        return nudge if nudge.state is state else None

    return await eventually(probe)


async def dm_note(fake: FakeDiscord, *, count: int = 1) -> Request:
    """The `count`-th message the bot sent in a DM."""
    return await fake.wait_for("POST", rf"/channels/{DM_CHANNEL}/messages", count=count)


async def test_a_team_members_sponsored_post_gets_a_dm_and_ive_fixed_it_resolves_it_after_a_restart(
    fake: FakeDiscord, services: Services
) -> None:
    async with running_bot(services):
        await fake.send_message(fake.alice, SPONSORED)  # not a team member: no nudge
        post = await fake.send_message(fake.maya, SPONSORED)
        opened = await fake.wait_for("POST", "/users/@me/channels")
        note = await dm_note(fake)
        await drain_handlers(2)

        assert str(opened.json["recipient_id"]) == fake.maya.id
        assert note.path == f"/channels/{fake.dm_channel_of(fake.maya)}/messages"
        nudge = await nudge_from(services, note)
        assert (nudge.message_id, nudge.author_id, nudge.state) == (post["id"], fake.maya.id, NudgeState.OPEN)
        assert custom_ids(note.json) == [f"vigie:nudge:fixed:{nudge.id}", f"vigie:nudge:not-sponsored:{nudge.id}"]
        assert labels(note.json) == ["C'est corrigé", "Pas sponsorisé"]
        assert "Publicité" in note.json["content"]
        assert note.json["allowed_mentions"] == {"parse": []}
        # Private and never punitive: one DM, nothing in the channel, nothing deleted.
        assert len(fake.calls("POST", "/users/@me/channels")) == 1
        assert fake.posted(fake.general) == []
        assert fake.calls("DELETE", r"/channels/\d+/messages/\d+") == []

        # Pressed before fixing: the post is read again and the nudge stays open.
        dm_message = fake.last_bot_message(fake.dm_channel_of(fake.maya))
        early = await fake.interact(fake.dm_click(fake.maya, dm_message, f"vigie:nudge:fixed:{nudge.id}"))
        assert early.json["type"] == 5
        assert not early.json.get("data", {}).get("flags", 0) & EPHEMERAL  # in the DM itself, a plain answer
        still = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
        assert still.json["content"].startswith("Merci ! Je ne vois pas encore la mention attendue")
        assert (await services.nudges.get(nudge.id)).is_open

    # The post was edited while Vigie was down; the button still works after the restart.
    fake.messages[post["id"]]["content"] = FIXED
    async with running_bot(services):
        await fake.interact(fake.dm_click(fake.maya, dm_message, f"vigie:nudge:fixed:{nudge.id}"))
        answer = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+", count=2)
        assert answer.json["content"] == "Merci, c'est parfait : la mention est en place. Bonne journée !"
        assert fake.calls("GET", rf"/channels/{fake.general}/messages/{post['id']}")
        fixed = await nudge_in(services, nudge.id, NudgeState.FIXED)
        assert (fixed.resolved_by, fixed.suggestion) == (fake.maya.id, None)  # the suggested text goes once closed
        retired = await fake.wait_for("PATCH", rf"/channels/{DM_CHANNEL}/messages/{dm_message['id']}")
        assert retired.json["components"] == []


async def test_an_unfixed_post_is_reminded_once_then_escalated_to_the_compliance_channel(
    fake: FakeDiscord, services: Services, clock: FakeClock, vigie: Any
) -> None:
    post = await fake.send_message(fake.maya, SPONSORED)
    nudge = await nudge_from(services, await dm_note(fake))
    assert await services.intake.deliver_due() == 0

    clock.advance(hours=25)
    assert await services.intake.deliver_due() == 1
    reminder = await dm_note(fake, count=2)
    assert reminder.json["content"].startswith("Petit rappel, en privé")
    assert custom_ids(reminder.json) == [f"vigie:nudge:fixed:{nudge.id}", f"vigie:nudge:not-sponsored:{nudge.id}"]

    clock.advance(hours=25)
    assert await services.intake.deliver_due() == 1
    escalation = (await fake.wait_for("POST", rf"/channels/{fake.compliance}/messages")).json
    assert f"https://discord.com/channels/{fake.guild_id}/{fake.general}/{post['id']}" in escalation["content"]
    assert f"<@{fake.maya.id}>" in escalation["content"]
    assert SPONSORED not in escalation["content"]  # the link, never the text
    assert "MAYA20" not in escalation["content"]
    assert escalation["allowed_mentions"] == {"parse": []}
    assert (await services.nudges.get(nudge.id)).state is NudgeState.ESCALATED

    assert await services.intake.deliver_due() == 0  # nothing is sent twice
    assert len(fake.calls("POST", rf"/channels/{DM_CHANNEL}/messages")) == 2
    assert fake.posted(fake.general) == []


async def test_closed_dms_leave_a_neutral_pointer_whose_button_shows_the_note_to_the_author_alone(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    await services.store.set_setting("discord", fake.guild_id, "notice_seconds", 1)
    fake.fail("POST", rf"/channels/{DM_CHANNEL}/messages", 403, code=50007)
    await fake.send_message(fake.maya, SPONSORED)

    pointer = await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
    nudge = await nudge_from(services, pointer)
    assert pointer.json["content"] == f"<@{fake.maya.id}>, Vigie a un message privé pour vous."
    assert pointer.json["allowed_mentions"] == {"parse": [], "users": [int(fake.maya.id)]}
    assert "message_reference" not in pointer.json  # nothing points at the post
    assert custom_ids(pointer.json) == [f"vigie:nudge:show:{nudge.id}"]
    pointer_message = fake.last_bot_message(fake.general)

    nosy = (await fake.interact(fake.click(fake.bob, pointer_message, f"vigie:nudge:show:{nudge.id}"))).json
    assert nosy["data"]["flags"] == EPHEMERAL
    assert nosy["data"]["content"] == "This note is for someone else."
    assert "components" not in nosy["data"] or nosy["data"]["components"] == []

    shown = (
        await fake.interact(fake.click(fake.maya, pointer_message, f"vigie:nudge:show:{nudge.id}", locale="fr"))
    ).json
    assert (shown["type"], shown["data"]["flags"]) == (4, EPHEMERAL)
    assert "Publicité" in shown["data"]["content"]
    assert custom_ids(shown["data"]) == [f"vigie:nudge:fixed:{nudge.id}", f"vigie:nudge:not-sponsored:{nudge.id}"]

    # The pointer goes away by itself; the nudge counts as delivered.
    await fake.wait_for("DELETE", rf"/channels/{fake.general}/messages/{pointer_message['id']}", within=5)
    assert (await services.nudges.get(nudge.id)).delivery is Delivery.DONE


async def test_an_edit_adding_the_label_closes_the_nudge_and_a_deletion_withdraws_one(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    post = await fake.send_message(fake.maya, SPONSORED)
    first = await nudge_from(services, await dm_note(fake))
    await fake.edit_message(post, FIXED)
    assert (await nudge_in(services, first.id, NudgeState.FIXED)).resolved_by == fake.maya.id

    other = await fake.send_message(fake.maya, "Mon avis sur la boutique : -15 % avec le code MAYA20 !")
    second = await nudge_from(services, await dm_note(fake, count=2))
    assert second.message_id == other["id"]
    await fake.delete_message_event(other)
    await nudge_in(services, second.id, NudgeState.WITHDRAWN)
    await drain_handlers(2)
    assert len(fake.calls("POST", rf"/channels/{DM_CHANNEL}/messages")) == 2  # no note about either afterwards


async def test_not_sponsored_is_recorded_and_only_moderators_see_the_report(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    post = await fake.send_message(fake.maya, SPONSORED)
    nudge = await nudge_from(services, await dm_note(fake))
    dm_message = fake.last_bot_message(fake.dm_channel_of(fake.maya))

    modal = (await fake.interact(fake.dm_click(fake.maya, dm_message, f"vigie:nudge:not-sponsored:{nudge.id}"))).json
    assert (modal["type"], modal["data"]["custom_id"]) == (9, f"vigie:nudge-form:{nudge.id}")
    form = fake.dm_submit_modal(
        fake.maya, f"vigie:nudge-form:{nudge.id}", {"note": "Acheté avec mes sous"}, message=dm_message
    )
    await fake.interact(form)
    answered = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert answered.json["content"].startswith("C'est noté, merci.")
    recorded = await nudge_in(services, nudge.id, NudgeState.NOT_SPONSORED)
    assert recorded.note == "Acheté avec mes sous"

    refused = (await fake.interact(fake.slash(fake.bob, "disclosure", sub("report")))).json
    assert refused["data"] == {**refused["data"], "content": "Only moderators can do this.", "flags": EPHEMERAL}

    report = (await fake.interact(fake.slash(fake.mod, "disclosure", sub("report")))).json
    assert report["data"]["flags"] == EPHEMERAL
    content = report["data"]["content"]
    assert content.startswith("Disclosure nudges: 1 in all, 0 open")
    assert '1 "not sponsored" answers to review' in content
    assert f"https://discord.com/channels/{fake.guild_id}/{fake.general}/{post['id']}" in content
    assert "Acheté avec mes sous" in content
    assert report["data"]["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SPONSORED, None),
        (FIXED, "This text looks sponsored and its label “Publicité” suits France."),
        ("J'adore ce casque, il est super.", "Nothing in this text looks sponsored: no label is needed."),
    ],
)
async def test_disclosure_check_is_a_private_dry_run_for_anyone(
    fake: FakeDiscord, services: Services, vigie: Any, text: str, expected: str | None
) -> None:
    option = {"name": "text", "type": 3, "value": text}
    answer = (await fake.interact(fake.slash(fake.bob, "disclosure", sub("check", option)))).json
    assert (answer["type"], answer["data"]["flags"]) == (4, EPHEMERAL)
    if expected is not None:
        assert answer["data"]["content"] == expected
        assert not answer["data"].get("embeds")
    else:
        embed = answer["data"]["embeds"][0]
        assert embed["title"] == "Needs a label for France: no label"
        fields = {field["name"]: field["value"] for field in embed["fields"]}
        assert "promo code" in fields["Why it looks sponsored"]
        assert fields["Label found"] == "none"
        assert fields["Suggested text"].startswith("> Publicité")
    assert fake.calls("POST", "/users/@me/channels") == []  # nothing recorded, nobody told
    assert (await services.nudges.report("discord", fake.guild_id)).total == 0


async def test_setup_sets_the_compliance_channel_and_an_audience_the_charter_knows(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    channel = {**fake.channels[fake.log], "permissions": "0"}
    options = [
        {"name": "compliance_channel", "type": 7, "value": fake.log},
        {"name": "jurisdiction", "type": 3, "value": "us"},
    ]
    resolved = {"channels": {fake.log: channel}}
    shown = (await fake.interact(fake.slash(fake.owner, "vigie", sub("setup", *options), resolved=resolved))).json
    fields = {field["name"]: field["value"] for field in shown["data"]["embeds"][0]["fields"]}
    assert (fields["Compliance channel (disclosure)"], fields["Audience (disclosure)"]) == (f"<#{fake.log}>", "us")
    assert await services.store.get_setting("discord", fake.guild_id, "disclosure_compliance_channel") == fake.log
    assert await services.nudges.jurisdiction_for("discord", fake.guild_id) == "us"

    unknown = [{"name": "jurisdiction", "type": 3, "value": "mars"}]
    refused = (await fake.interact(fake.slash(fake.owner, "vigie", sub("setup", *unknown)))).json
    assert refused["data"]["content"].startswith("Unknown audience “mars”. The charter knows: fr, us, uk")
    assert await services.nudges.jurisdiction_for("discord", fake.guild_id) == "us"


async def test_setup_offers_the_charters_audiences_as_you_type(fake: FakeDiscord, vigie: Any) -> None:
    typing = fake.slash(fake.owner, "vigie", sub("setup", {"name": "jurisdiction", "type": 3, "value": "ni"}))
    typing["type"] = 4  # autocomplete
    typing["data"]["options"][0]["options"][0]["focused"] = True
    offered = (await fake.interact(typing)).json
    assert offered["type"] == 8
    assert offered["data"]["choices"] == [
        {"name": "United States (us)", "value": "us"},
        {"name": "United Kingdom (uk)", "value": "uk"},
    ]
