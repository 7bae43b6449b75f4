"""End to end on Discord with two guilds: a moderator of one has no power over the other's cases."""

from __future__ import annotations

from typing import Any

from bot.models import ActionState, Case, CaseSource, CaseStatus
from bot.runtime import Services
from tests.e2e.discord_fixtures import case_for, eventually
from tests.e2e.fake_discord import FakeDiscord

EPHEMERAL = 64


def option(name: str, kind: int, value: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value}


async def removed_in_first_guild(fake: FakeDiscord, services: Services) -> Case:
    insult = await fake.send_message(fake.alice, "you moron")
    return await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)


def state(case: Case) -> tuple[object, ...]:
    """What a decision would change on a case."""
    return (case.status, case.action, case.action_state, case.restore_state, case.decided_by, case.actor_id)


async def _noticed(services: Services, case: Case) -> Case | None:
    """The case once its notice is recorded (the last step of a removal)."""
    return case if "notice_posted" in await events(services, case) else None


async def events(services: Services, case: Case) -> list[str]:
    return [entry.event for entry in await services.store.audit_trail(case.id)]


async def test_a_moderator_of_another_guild_cannot_read_or_override_a_case(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    case = await removed_in_first_guild(fake, services)
    await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
    case = await eventually(lambda: _noticed(services, case))
    trail = await events(services, case)

    shown = await fake.interact(fake.slash(fake.eve, "case", [option("id", 4, case.id)], channel=fake.other_general))
    assert shown.json["data"]["flags"] == EPHEMERAL
    assert shown.json["data"]["content"] == f"There is no case #{case.id}."
    assert "embeds" not in shown.json["data"] or not shown.json["data"]["embeds"]

    options = [option("case", 4, case.id), option("decision", 3, "overturn"), option("reason", 3, "fine by me")]
    await fake.interact(fake.slash(fake.eve, "override", options, channel=fake.other_general))
    refused = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert f"no case #{case.id}" in refused.json["content"].lower()

    assert state(await services.cases.get(case.id)) == state(case)
    assert await events(services, case) == trail
    assert not fake.calls("POST", r"/webhooks/\d+/hooktoken\d+")  # nothing was restored

    resolved = {"users": {fake.alice.id: fake.alice.user_payload()}}
    listed = await fake.interact(
        fake.slash(fake.eve, "cases", [option("user", 6, fake.alice.id)], resolved=resolved, channel=fake.other_general)
    )
    assert listed.json["data"]["embeds"][0]["description"] == "Alice has no cases."


async def test_a_moderator_of_another_guild_cannot_use_a_cases_buttons(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    ad = await fake.send_message(fake.alice, "want to buy followers cheap?")
    await fake.wait_for("POST", rf"/channels/{fake.review}/messages")
    held = await case_for(services, ad["id"])
    insult_case = await removed_in_first_guild(fake, services)
    # Buttons carry only a case number, so a message in the other guild can hold one for any case.
    custom_ids = [
        f"vigie:review:remove:{held.id}",
        f"vigie:review:dismiss:{held.id}",
        f"vigie:decide:overturn:{insult_case.id}",
    ]
    buttons = [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id} for custom_id in custom_ids]
    elsewhere = fake.message_payload(
        fake.bot_user, "card", channel=fake.other_review, components=[{"type": 1, "components": buttons}]
    )

    for custom_id in custom_ids[:2]:
        answer = (await fake.interact(fake.click(fake.eve, elsewhere, custom_id))).json
        assert answer["type"] == 4  # an answer, not the reason form
    opened = (await fake.interact(fake.click(fake.eve, elsewhere, f"vigie:decide:overturn:{insult_case.id}"))).json
    for verb, case_id in (("decide-form:overturn", insult_case.id), ("review-form:remove", held.id)):
        submitted = fake.submit_modal(fake.eve, f"vigie:{verb}:{case_id}", {"reason": "fine"}, message=elsewhere)
        await fake.interact(submitted)

    assert opened["type"] == 4  # an answer, not the reason form
    assert opened["data"]["content"] == f"There is no case #{insult_case.id}."
    # The submitted forms were deferred, so they are answered by follow-ups.
    await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+", count=2)
    answers = [r.json["content"] for r in fake.calls("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")]
    answers += [
        (r.json.get("data") or {}).get("content", "") for r in fake.calls("POST", r"/interactions/\d+/[^/]+/callback")
    ]
    assert sum(f"no case #{held.id}" in a.lower() for a in answers) == 3
    assert sum(f"no case #{insult_case.id}" in a.lower() for a in answers) == 2
    assert state(await services.cases.get(held.id)) == state(held)
    assert (await services.cases.get(insult_case.id)).status is CaseStatus.ACTIONED
    assert not fake.calls("DELETE", rf"/channels/{fake.general}/messages/{ad['id']}")
    assert not fake.calls("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")


async def test_a_removal_form_from_another_guild_cannot_reach_this_guilds_message(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    message = await fake.send_message(fake.alice, "an unlisted remark")
    # The form names a channel and message of the first guild but is submitted from the second.
    custom_id = f"vigie:remove-form:{fake.general}:{message['id']}"
    form = fake.submit_modal(fake.eve, custom_id, {"clause": ["respect"], "reason": "rude"}, channel=fake.other_general)
    await fake.interact(form)
    refused = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")

    assert refused.json["content"] == "That message is not in this server."
    assert await services.store.case_for_message("discord", fake.guild_id, fake.general, message["id"]) is None
    assert not fake.calls("DELETE")

    report = fake.submit_modal(
        fake.eve, f"vigie:report-form:{fake.general}:{message['id']}", {"reason": "x"}, channel=fake.other_general
    )
    await fake.interact(report)
    again = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+", count=2)
    assert again.json["content"] == "That message is not in this server."
    assert await services.store.case_for_message("discord", fake.guild_id, fake.general, message["id"]) is None


async def test_two_automod_blocks_in_two_guilds_at_the_same_instant_are_two_cases(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    rule_id = fake.next_id()
    block = {
        "action": {"type": 1, "metadata": {}},
        "rule_id": rule_id,
        "rule_trigger_type": 1,
        "user_id": fake.alice.id,
        "content": "a forbiddenword here",
        "matched_keyword": "forbiddenword",
        "matched_content": "forbiddenword",
    }
    await fake.dispatch(
        "AUTO_MODERATION_ACTION_EXECUTION", {**block, "guild_id": fake.guild_id, "channel_id": fake.general}
    )
    await fake.dispatch(
        "AUTO_MODERATION_ACTION_EXECUTION",
        {**block, "guild_id": fake.other_guild_id, "channel_id": fake.other_general},
    )

    async def both() -> list[Case] | None:
        found = await services.store.cases_for_author("discord", fake.alice.id, limit=10)
        return found if len(found) == 2 else None

    cases = await eventually(both)
    assert {(c.community, c.channel) for c in cases} == {
        (fake.guild_id, fake.general),
        (fake.other_guild_id, fake.other_general),
    }
    assert {c.source for c in cases} == {CaseSource.PLATFORM_AUTOMOD}
    assert len({c.message_id for c in cases}) == 2
    for case in cases:
        assert case.message_id.startswith(f"automod-{case.community}-{case.channel}-{fake.alice.id}-{rule_id}-")
        assert "forbiddenword" not in case.message_id
