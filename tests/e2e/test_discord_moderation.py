"""End to end on Discord: the real VigieBot against the fake Discord, cases in a real SQLite file."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.adapters.discord.bot import INTENTS_MISSING, LOGIN_FAILED, run_discord
from bot.errors import VigieError
from bot.models import SYSTEM_ACTOR, Action, ActionState, CaseDraft, CaseSource, CaseStatus
from bot.runtime import Services
from tests.e2e.discord_fixtures import case_for, eventually, running_bot
from tests.e2e.fake_discord import FakeDiscord

EPHEMERAL = 64


def custom_ids(payload: dict[str, Any]) -> list[str]:
    """Every custom_id in a message's components."""
    return [c["custom_id"] for row in payload.get("components") or [] for c in row.get("components", [])]


def message_path(channel: str, message_id: str) -> str:
    return rf"/channels/{channel}/messages/{message_id}"


async def test_removal_notice_see_appeal_and_overturn_restores(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    insult = await fake.send_message(fake.alice, "you are a moron")

    await fake.wait_for("DELETE", message_path(fake.general, insult["id"]))
    notice = (await fake.wait_for("POST", rf"/channels/{fake.general}/messages")).json
    case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    assert (case.status, case.rule_id, case.clause, case.automated) == (CaseStatus.ACTIONED, "respect", 1, True)
    assert case.content == "you are a moron"

    # The notice mentions only the author, never quotes them, and offers the two buttons.
    assert f"<@{fake.alice.id}>" in notice["content"]
    assert "moron" not in notice["content"]
    assert "§1" in notice["content"]
    assert notice["allowed_mentions"] == {"parse": [], "users": [int(fake.alice.id)], "replied_user": True}
    assert custom_ids(notice) == [f"vigie:appeal:{case.id}", f"vigie:see:{case.id}"]
    notice_message = fake.last_bot_message(fake.general)

    # See my message: the author gets the text privately; someone else gets a refusal without it.
    seen = (await fake.interact(fake.click(fake.alice, notice_message, f"vigie:see:{case.id}"))).json
    assert seen["type"] == 4
    assert seen["data"]["flags"] == EPHEMERAL
    assert seen["data"]["embeds"][0]["description"] == "you are a moron"
    nosy = (await fake.interact(fake.click(fake.bob, notice_message, f"vigie:see:{case.id}"))).json
    assert nosy["data"]["flags"] == EPHEMERAL
    assert "moron" not in str(nosy)

    # Appeal: a stranger is refused, the author gets the reason modal.
    refused = (await fake.interact(fake.click(fake.bob, notice_message, f"vigie:appeal:{case.id}"))).json
    assert refused["type"] == 4
    assert refused["data"]["flags"] == EPHEMERAL
    modal = (await fake.interact(fake.click(fake.alice, notice_message, f"vigie:appeal:{case.id}"))).json
    assert modal["type"] == 9
    assert modal["data"]["custom_id"] == f"vigie:appeal-form:{case.id}"

    submitted = fake.submit_modal(fake.alice, f"vigie:appeal-form:{case.id}", {"reason": "I was quoting a film"})
    assert (await fake.interact(submitted)).json["type"] == 5
    card = (await fake.wait_for("POST", rf"/channels/{fake.review}/messages")).json
    assert custom_ids(card) == [f"vigie:decide:uphold:{case.id}", f"vigie:decide:overturn:{case.id}"]
    assert "you are a moron" in card["embeds"][0]["description"]
    assert "I was quoting a film" in str(card["embeds"][0]["fields"])
    await case_for(services, insult["id"], lambda c: c.status is CaseStatus.APPEALED)
    card_message = fake.last_bot_message(fake.review)

    # A moderator overturns with a reason: the message comes back through a webhook, the author is told.
    opened = (await fake.interact(fake.click(fake.mod, card_message, f"vigie:decide:overturn:{case.id}"))).json
    assert (opened["type"], opened["data"]["custom_id"]) == (9, f"vigie:decide-form:overturn:{case.id}")
    decision = fake.submit_modal(
        fake.mod, f"vigie:decide-form:overturn:{case.id}", {"reason": "Quoting, not insulting"}, message=card_message
    )
    assert (await fake.interact(decision)).json["type"] == 6

    hook = await fake.wait_for("POST", r"/channels/\d+/webhooks")
    assert hook.json["name"] == "Vigie restore"
    restored = (await fake.wait_for("POST", r"/webhooks/\d+/hooktoken\d+")).json
    assert restored["username"] == "Alice"
    assert restored["content"].startswith("you are a moron\n")
    assert "Restored after review" in restored["content"]
    assert restored["allowed_mentions"] == {"parse": []}
    dm_channel = await fake.wait_for("POST", "/users/@me/channels")
    assert dm_channel.json["recipient_id"] in (fake.alice.id, int(fake.alice.id))
    told = await fake.wait_for("POST", r"/channels/\d+/messages", lambda r: "overturned" in str(r.json))
    assert "Quoting, not insulting" in told.json["content"]
    edited_card = await fake.wait_for("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert edited_card.json["components"] == []

    final = await case_for(services, insult["id"], lambda c: c.restore_state is ActionState.DONE)
    assert (final.status, final.decided_by) == (CaseStatus.OVERTURNED, fake.mod.id)


async def test_an_edit_that_introduces_a_violation_is_screened_again(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    await services.store.set_setting("discord", fake.guild_id, "language", "fr")
    message = await fake.send_message(fake.alice, "hello everyone")
    await fake.edit_message(message, "hello everyone, bande de crétin")

    await fake.wait_for("DELETE", message_path(fake.general, message["id"]))
    notice = (await fake.wait_for("POST", rf"/channels/{fake.general}/messages")).json
    case = await case_for(services, message["id"], lambda c: c.action_state is ActionState.DONE)
    assert case.content == "hello everyone, bande de crétin"
    assert "Votre message a été retiré" in notice["content"]
    assert "crétin" not in notice["content"]
    assert len(fake.calls("DELETE", message_path(fake.general, message["id"]))) == 1


async def test_review_card_then_moderator_removes_from_it(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    ad = await fake.send_message(fake.alice, "want to buy followers cheap?")

    card = (await fake.wait_for("POST", rf"/channels/{fake.review}/messages")).json
    case = await case_for(services, ad["id"])
    assert (case.status, case.action_state) == (CaseStatus.REVIEW, ActionState.NONE)
    assert custom_ids(card) == [f"vigie:review:remove:{case.id}", f"vigie:review:dismiss:{case.id}"]
    assert card["components"][0]["components"][0]["label"] == "Remove under §2"
    embed = card["embeds"][0]
    assert embed["url"] == f"https://discord.com/channels/{fake.guild_id}/{fake.general}/{ad['id']}"
    assert "buy followers" in str(embed["fields"])  # moderators may see the matched words
    assert not fake.calls("DELETE")
    card_message = fake.last_bot_message(fake.review)

    refused = (await fake.interact(fake.click(fake.bob, card_message, f"vigie:review:remove:{case.id}"))).json
    assert (refused["type"], refused["data"]["flags"]) == (4, EPHEMERAL)
    assert not fake.calls("DELETE")

    asked = (await fake.interact(fake.click(fake.mod, card_message, f"vigie:review:remove:{case.id}"))).json
    assert (asked["type"], asked["data"]["custom_id"]) == (9, f"vigie:review-form:remove:{case.id}")
    assert not fake.calls("DELETE")  # nothing happens until the moderator says why
    reason = {"reason": "Selling followers breaks §2."}
    submitted = fake.submit_modal(fake.mod, f"vigie:review-form:remove:{case.id}", reason, message=card_message)
    assert (await fake.interact(submitted)).json["type"] == 6
    await fake.wait_for("DELETE", message_path(fake.general, ad["id"]))
    closed = await fake.wait_for("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert closed.json["components"] == []
    removed = await case_for(services, ad["id"], lambda c: c.action_state is ActionState.DONE)
    assert (removed.status, removed.actor_id, removed.automated) == (CaseStatus.ACTIONED, fake.mod.id, False)
    assert removed.decision_reason == "Selling followers breaks §2."
    # The closed card shows the person's decision (who, when, why), not "Vigie (automated)".
    fields = {f["name"]: f["value"] for f in closed.json["embeds"][0]["fields"]}
    assert "Decided by" not in fields
    assert fields["Decision"].startswith(f"<@{fake.mod.id}> · <t:")
    assert fields["Decision"].endswith("Selling followers breaks §2.")


async def test_a_member_cannot_override_but_a_moderator_can(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    insult = await fake.send_message(fake.alice, "moron")
    case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    options = [
        {"name": "case", "type": 4, "value": case.id},
        {"name": "decision", "type": 3, "value": "overturn"},
        {"name": "reason", "type": 3, "value": "I like them"},
    ]

    refused = (await fake.interact(fake.slash(fake.bob, "override", options))).json
    assert (refused["type"], refused["data"]["flags"]) == (4, EPHEMERAL)
    assert refused["data"]["content"] == "Only moderators can do this."
    assert (await services.cases.get(case.id)).status is CaseStatus.ACTIONED
    assert not fake.calls("POST", r"/webhooks/\d+/hooktoken\d+")

    granted = (await fake.interact(fake.slash(fake.mod2, "override", options, locale="fr"))).json
    assert granted["type"] == 5
    followup = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert followup.json["content"] == f"Le dossier n° {case.id} est maintenant overturned."
    assert (await services.cases.get(case.id)).status is CaseStatus.OVERTURNED
    await fake.wait_for("POST", r"/webhooks/\d+/hooktoken\d+")


async def test_forbidden_delete_is_recorded_alerted_and_the_bot_carries_on(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    first = fake.message_payload(fake.alice, "moron")
    fake.fail("DELETE", message_path(fake.general, first["id"]), 403, code=50013)
    await fake.dispatch("MESSAGE_CREATE", first)

    failed = await case_for(services, first["id"], lambda c: c.action_state is ActionState.FAILED)
    assert failed.action_error is not None
    assert "forbidden" in failed.action_error
    alert = await fake.wait_for("POST", rf"/channels/{fake.log}/messages")
    assert f"Case #{failed.id}" in alert.json["content"]
    assert alert.json["allowed_mentions"] == {"parse": []}
    degraded = await fake.wait_for("POST", rf"/channels/{fake.review}/messages")
    assert "Could not remove" in degraded.json["embeds"][0]["title"]
    asked = await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
    assert str(asked.json["message_reference"]["message_id"]) == first["id"]
    assert "moron" not in asked.json["content"]

    second = await fake.send_message(fake.bob, "moron again")
    await fake.wait_for("DELETE", message_path(fake.general, second["id"]))
    assert (await case_for(services, second["id"], lambda c: c.action_state is ActionState.DONE)).status is (
        CaseStatus.ACTIONED
    )


async def test_a_message_replayed_after_a_resume_is_acted_on_once(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    insult = await fake.send_message(fake.alice, "moron")
    await fake.wait_for("POST", rf"/channels/{fake.general}/messages")

    await fake.request_reconnect()
    assert [op["op"] for op in fake.gateway_ops].count(2) == 1  # resumed, not identified again
    resume = next(op for op in fake.gateway_ops if op["op"] == 6)
    assert resume["d"]["session_id"] == fake.session_id
    await fake.dispatch("MESSAGE_CREATE", insult)

    # A later message is handled after the replay; by then a second action would have shown up.
    later = await fake.send_message(fake.bob, "moron")
    await fake.wait_for("POST", rf"/channels/{fake.general}/messages", count=2)
    await case_for(services, later["id"], lambda c: c.action_state is ActionState.DONE)
    assert len(fake.calls("DELETE", message_path(fake.general, insult["id"]))) == 1
    assert len(fake.posted(fake.general)) == 2
    assert len(await services.cases.cases_for("discord", fake.alice.id, community=fake.guild_id)) == 1


async def test_a_pending_removal_is_completed_on_start(fake: FakeDiscord, services: Services) -> None:
    insult = fake.message_payload(fake.alice, "moron")
    charter = services.policy.charter
    draft = CaseDraft(
        platform="discord",
        community=fake.guild_id,
        channel=fake.general,
        message_id=insult["id"],
        author_id=fake.alice.id,
        author_name="Alice",
        rule_id="respect",
        clause=1,
        charter_version=charter.version,
        charter_hash=charter.content_hash,
        action=Action.REMOVE,
        evidence=(),
        confidence=1.0,
        automated=True,
        actor_id=SYSTEM_ACTOR,
        source=CaseSource.AUTOMATED,
        content="moron",
        lang="en",
        created_at=services.clock.now(),
    )
    recorded, _ = await services.store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING)

    async with running_bot(services):
        await fake.wait_for("DELETE", message_path(fake.general, insult["id"]))
        await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
        done = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    assert done.id == recorded.id


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [("token", LOGIN_FAILED), ("intents", INTENTS_MISSING)],
)
async def test_token_and_intent_problems_end_with_one_clear_line(
    fake: FakeDiscord, services: Services, caplog: pytest.LogCaptureFixture, breakage: str, expected: str
) -> None:
    if breakage == "token":
        fake.reject_token = True
    else:
        fake.close_on_identify = 4014
    with caplog.at_level(logging.ERROR), pytest.raises(VigieError) as info:
        await run_discord(services)
    assert str(info.value) == expected
    assert info.value.__cause__ is None
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("padding", [0, 1990], ids=["short", "too-long-for-the-mark"])
async def test_a_restore_mentions_nobody_whatever_its_length(
    fake: FakeDiscord, services: Services, vigie: Any, padding: int
) -> None:
    content = f"@everyone @here <@&{fake.moderator_role_id}> <@{fake.bob.id}> moron " + "x" * padding
    insult = await fake.send_message(fake.alice, content)
    case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    options = [
        {"name": "case", "type": 4, "value": case.id},
        {"name": "decision", "type": 3, "value": "overturn"},
        {"name": "reason", "type": 3, "value": "heated but fair"},
    ]
    await fake.interact(fake.slash(fake.mod, "override", options))

    restored = (await fake.wait_for("POST", r"/webhooks/\d+/hooktoken\d+")).json
    assert restored["content"].startswith(content[:1900])
    assert restored["allowed_mentions"] == {"parse": []}
    assert bool(restored.get("embeds")) is (padding > 0)  # the mark moves to an embed when the text is full


async def test_a_members_dm_channel_is_opened_once_even_after_discord_py_forgets_it(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    first = await fake.send_message(fake.alice, "you are a moron")
    await fake.wait_for("POST", r"/channels/\d+/messages", lambda r: "vigie:appeal" in str(r.json))
    await case_for(services, first["id"], lambda c: c.public_notice is not None)
    # discord.py keeps only 128 DM channels; a busy server's offenders push Alice's out of its cache.
    vigie._connection._private_channels.clear()
    vigie._connection._private_channels_by_user.clear()

    second = await fake.send_message(fake.alice, "still a moron")
    await case_for(services, second["id"], lambda c: c.public_notice is not None and c.private_notice is not None)
    dms = fake.calls("POST", rf"/channels/{fake.dm_channel_of(fake.alice)}/messages")
    assert len(dms) == 2  # both statements reached her privately
    assert len(fake.calls("POST", "/users/@me/channels")) == 1


async def test_the_public_notice_is_removed_once_its_lifetime_is_over(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    await services.store.set_setting("discord", fake.guild_id, "notice_seconds", 1)
    insult = await fake.send_message(fake.alice, "you are a moron")
    case = await case_for(services, insult["id"], lambda c: c.public_notice is not None)
    assert case.notice_message_id is not None
    assert await services.moderation.expire_notices() == 0  # still within its second

    await eventually(services.moderation.expire_notices, within=5)
    await fake.wait_for("DELETE", message_path(fake.general, case.notice_message_id))
    assert len(fake.calls("DELETE", message_path(fake.general, insult["id"]))) == 1  # the member's message, once
