"""Catch-up after downtime on Discord: messages posted while the bot was away are screened once, in order."""

from __future__ import annotations

import pytest

from bot.models import ActionState
from bot.runtime import Services
from tests.e2e.discord_fixtures import case_for, eventually, running_bot
from tests.e2e.fake_discord import FakeDiscord


async def screened_up_to(services: Services, fake: FakeDiscord, message_id: str) -> None:
    """Wait until the bot has screened `message_id` in #general (its in-memory mark reached it)."""

    async def probe() -> bool:
        mark = (await services.marks.of("discord")).get((fake.guild_id, fake.general))
        return mark is not None and mark[0] == message_id

    await eventually(probe)


def history_reads(fake: FakeDiscord) -> int:
    return len(fake.calls("GET", r"/channels/\d+/messages"))


async def test_messages_posted_while_the_bot_was_down_are_moderated_once(
    fake: FakeDiscord, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(services):
        await fake.send_message(fake.bob, "hello all")
        last = await fake.send_message(fake.bob, "how are you")
        await screened_up_to(services, fake, last["id"])
    # The mark is written every 2 s by a running bot, and at stop; here, at once.
    await services.marks.flush()

    # While Vigie is down: an insult and an ordinary message are posted (no gateway event reaches it).
    missed = fake.message_payload(fake.alice, "you are a moron")
    fine = fake.message_payload(fake.bob, "nice weather today")
    async with running_bot(services) as bot:

        async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
            """discord.py waits 5 s before identifying again; the fake has no rate limit to honour."""

        monkeypatch.setattr(bot, "before_identify_hook", identify_at_once)
        await fake.wait_for("DELETE", rf"/channels/{fake.general}/messages/{missed['id']}")
        case = await case_for(services, missed["id"], lambda c: c.action_state is ActionState.DONE)
        assert case.rule_id == "respect"
        assert await services.store.case_for_message("discord", fake.guild_id, fake.general, fine["id"]) is None
        notices = await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
        assert f"<@{fake.alice.id}>" in notices.json["content"]
        reads = history_reads(fake)
        assert reads >= 1
        # A new session (not resumed) catches up again: nothing is acted on twice.
        await fake.invalidate_session()
        await fake.wait_for("GET", r"/channels/\d+/messages", count=reads + 1)
        await fake.request_reconnect()  # a resumed session replays missed events instead: no history read
        after_resume = history_reads(fake)
        late = await fake.send_message(fake.alice, "moron again")
        await fake.wait_for("DELETE", rf"/channels/{fake.general}/messages/{late['id']}")
        assert history_reads(fake) == after_resume
    assert len(fake.calls("DELETE", rf"/channels/{fake.general}/messages/{missed['id']}")) == 1
    own_notices = [r for r in fake.posted(fake.general) if f"<@{fake.alice.id}>" in str((r.json or {}).get("content"))]
    assert len(own_notices) == 2  # one per removed message, none repeated by the second catch-up


async def test_the_catch_up_starts_after_the_last_message_screened(fake: FakeDiscord, services: Services) -> None:
    old = fake.message_payload(fake.alice, "an old moron message from before Vigie was installed")
    async with running_bot(services):
        hi = await fake.send_message(fake.bob, "hi")
        await screened_up_to(services, fake, hi["id"])
    assert history_reads(fake) == 0  # a first start has no gap to fill
    await services.marks.flush()
    async with running_bot(services):
        read = await fake.wait_for("GET", rf"/channels/{fake.general}/messages")
        assert read.query["after"] == hi["id"]
    assert not fake.calls("DELETE", rf"/channels/{fake.general}/messages/{old['id']}")
