"""End to end on Discord: escalation, AutoMod blocks, and buttons and forms that outlive a restart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.discord.bot import drain_handlers
from bot.models import SYSTEM_ACTOR, Action, ActionState, CaseDraft, CaseSource, CaseStatus
from bot.runtime import Services
from tests.e2e.discord_fixtures import case_for, eventually, running_bot
from tests.e2e.fake_discord import FakeDiscord


async def test_repeat_offences_lead_to_a_timeout(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    for n in range(3):
        await fake.send_message(fake.alice, f"moron {n}")
    timeout = await fake.wait_for("PATCH", rf"/guilds/{fake.guild_id}/members/{fake.alice.id}")
    assert timeout.json["communication_disabled_until"]
    assert len(fake.calls("PATCH", r"/guilds/\d+/members/\d+")) == 1


async def test_a_warning_answers_the_message_and_removes_nothing(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    message = await fake.send_message(fake.alice, "oh shut up")
    notice = (await fake.wait_for("POST", rf"/channels/{fake.general}/messages")).json
    case = await case_for(services, message["id"], lambda c: c.action_state is ActionState.DONE)
    assert notice["content"].startswith(f"<@{fake.alice.id}> **A reminder about our charter: §3 Keep it friendly**")
    assert str(notice["message_reference"]["message_id"]) == message["id"]
    assert [b["custom_id"] for row in notice["components"] for b in row["components"]] == [f"vigie:appeal:{case.id}"]
    assert not fake.calls("DELETE")


async def test_an_automod_block_is_recorded_and_explained(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    execution = {
        "guild_id": fake.guild_id,
        "action": {"type": 1, "metadata": {}},
        "rule_id": fake.next_id(),
        "rule_trigger_type": 1,
        "user_id": fake.alice.id,
        "channel_id": fake.general,
        "content": "a forbiddenword here",
        "matched_keyword": "forbiddenword",
        "matched_content": "forbiddenword",
    }
    await fake.dispatch(
        "AUTO_MODERATION_ACTION_EXECUTION", {**execution, "action": {"type": 2, "metadata": {"channel_id": fake.log}}}
    )
    await fake.dispatch("AUTO_MODERATION_ACTION_EXECUTION", execution)

    notice = (await fake.wait_for("POST", rf"/channels/{fake.general}/messages")).json
    assert f"<@{fake.alice.id}>" in notice["content"]
    assert "forbiddenword" not in notice["content"]
    cases = await services.cases.cases_for("discord", fake.alice.id, community=fake.guild_id)
    assert len(cases) == 1
    case = cases[0]
    assert (case.source, case.status, case.action_state) == (
        CaseSource.PLATFORM_AUTOMOD,
        CaseStatus.ACTIONED,
        ActionState.DONE,
    )
    assert (case.content, case.author_name) == ("a forbiddenword here", "Alice")
    assert not fake.calls("DELETE")  # Discord already blocked it


async def test_buttons_and_forms_keep_working_after_a_restart(fake: FakeDiscord, services: Services) -> None:
    async with running_bot(services):
        insult = await fake.send_message(fake.alice, "moron")
        await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
        case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
        notice = fake.last_bot_message(fake.general)
        opened = await fake.interact(fake.click(fake.alice, notice, f"vigie:appeal:{case.id}"))
        assert opened.json["type"] == 9

    async with running_bot(services):
        # The form opened before the restart is submitted after it.
        form = fake.submit_modal(fake.alice, f"vigie:appeal-form:{case.id}", {"reason": "please look again"})
        assert (await fake.interact(form)).json["type"] == 5
        await fake.wait_for("POST", rf"/channels/{fake.review}/messages")
        assert (await services.cases.get(case.id)).status is CaseStatus.APPEALED
        # A button on a message posted by the previous process still answers.
        seen = (await fake.interact(fake.click(fake.alice, notice, f"vigie:see:{case.id}"))).json
        assert seen["data"]["embeds"][0]["description"] == "moron"


async def test_publishing_without_the_pin_permission_still_posts(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    fake.fail("PUT", r"/channels/\d+/(messages/)?pins/\d+", 403, code=50013)
    channel = {**fake.channels[fake.announcements], "permissions": "0"}
    options = [{"name": "publish", "type": 1, "options": [{"name": "channel", "type": 7, "value": fake.announcements}]}]
    await fake.interact(
        fake.slash(fake.owner, "charter", options, resolved={"channels": {fake.announcements: channel}})
    )
    done = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert "not pinned" in done.json["content"]
    assert fake.posted(fake.announcements)


async def test_a_second_ready_does_not_resume_pending_actions_again(
    fake: FakeDiscord, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(services) as bot:
        readies: list[int] = []

        async def count_ready() -> None:
            readies.append(1)

        async def ready_again() -> bool:
            return bool(readies)

        async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
            """discord.py waits 5 s before identifying again; the fake has no rate limit to honour."""

        monkeypatch.setattr(bot, "before_identify_hook", identify_at_once)
        bot.add_listener(count_ready, "on_ready")
        await drain_handlers(5)  # the first READY's resume has run
        # Recorded and not yet carried out, as a case is while its own handler is still at work.
        insult = fake.message_payload(fake.alice, "moron")
        recorded, _ = await services.store.create_case(
            removal_draft(services, fake, insult["id"]), CaseStatus.ACTIONED, ActionState.PENDING
        )

        await fake.invalidate_session()  # Discord makes the client identify again: a second READY
        await eventually(ready_again)
        await drain_handlers(5)

    assert not fake.calls("DELETE", rf"/channels/{fake.general}/messages/{insult['id']}")
    assert (await services.cases.get(recorded.id)).action_state is ActionState.PENDING


def removal_draft(services: Services, fake: FakeDiscord, message_id: str) -> CaseDraft:
    """An automated removal of `message_id` in #general, as the core records it before acting."""
    charter = services.policy.charter
    return CaseDraft(
        platform="discord",
        community=fake.guild_id,
        channel=fake.general,
        message_id=message_id,
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
