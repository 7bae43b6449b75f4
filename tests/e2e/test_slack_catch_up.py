"""Slack catch-up after downtime, end to end: real AsyncApp, fake Slack, the marks in a real SQLite store."""

from __future__ import annotations

from dataclasses import replace

from bot.adapters.slack.catchup import catch_up
from bot.intake import IntakeResult
from bot.models import Action, CaseStatus, Message
from tests.e2e.fake_slack import ADMIN_TOKEN, TEAM
from tests.e2e.slack_fixtures import ALICE, BOB, GENERAL, SlackFactory
from tests.e2e.test_slack_oauth import install, say


async def test_messages_posted_while_stopped_are_screened_once_after_start(make_slack: SlackFactory) -> None:
    before = await make_slack()
    screened_before = await before.say(BOB, "hello everyone, the meeting is at noon")
    await before.settle()
    await before.services.marks.flush()  # what a stop does
    assert (await before.services.store.screened_marks("slack"))[(TEAM, GENERAL)][0] == screened_before.ts

    # Posted while Vigie was down: Slack sends no event for them.
    clean = before.fake.add_message(GENERAL, BOB, "sorry I'm late, traffic was terrible")
    violation = before.fake.add_message(GENERAL, ALICE, "franchement t'es vraiment un connard")
    last = before.fake.add_message(GENERAL, BOB, "see you all tomorrow")

    after = await make_slack()  # a new process on the same database
    seen: list[str] = []
    intake = after.services.intake
    on_message = intake.on_message

    async def recording(message: Message) -> IntakeResult:
        seen.append(message.id)
        return await on_message(message)

    intake.on_message = recording  # type: ignore[method-assign]
    assert await catch_up(after.services) == 3

    # In order, from the message after the mark; the one screened before the stop is not read again.
    assert seen == [clean.ts, violation.ts, last.ts]
    history = after.fake.find("conversations.history", lambda c: c.args.get("channel") == GENERAL)
    assert history[0].args["oldest"] == screened_before.ts
    case = await after.case_for(violation)
    assert case is not None
    assert (case.status, case.action, case.rule_id) == (CaseStatus.ACTIONED, Action.REMOVE, "respect")
    deletes = after.fake.find("chat.delete")
    assert [(c.token, c.args["ts"]) for c in deletes] == [(ADMIN_TOKEN, violation.ts)]
    assert await after.case_for(clean) is None
    assert await after.case_for(screened_before) is None
    # The marks moved to the last message of the gap: a second start has nothing left to read.
    await after.services.marks.flush()
    assert (await after.services.store.screened_marks("slack"))[(TEAM, GENERAL)][0] == last.ts
    seen.clear()
    assert await catch_up(after.services) == 0
    assert seen == []
    assert len(after.fake.find("chat.delete")) == 1


async def test_a_gap_longer_than_the_limit_keeps_its_latest_messages(make_slack: SlackFactory) -> None:
    before = await make_slack()
    await before.say(BOB, "first")
    await before.settle()
    await before.services.marks.flush()
    posted = [before.fake.add_message(GENERAL, BOB, f"message {n}") for n in range(5)]

    after = await make_slack()
    after.services.settings = replace(after.services.settings, catch_up_messages=2)
    assert await catch_up(after.services) == 2
    await after.services.marks.flush()
    assert (await after.services.store.screened_marks("slack"))[(TEAM, GENERAL)][0] == posted[-1].ts


async def test_oauth_catch_up_reads_each_workspace_with_its_own_token(make_slack: SlackFactory) -> None:
    slack = await make_slack(oauth=True)
    tokens = await install(slack, TEAM)
    await say(slack, TEAM, BOB, GENERAL, "hello everyone")
    await slack.settle()
    await slack.services.marks.flush()
    violation = slack.fake.add_message(GENERAL, ALICE, "franchement t'es vraiment un connard")

    assert await catch_up(slack.services) == 1
    history = slack.fake.find("conversations.history", lambda c: c.args.get("channel") == GENERAL)
    assert {c.token for c in history} == {tokens["bot"]}  # the gap, and the page before it (for threads)
    deletes = slack.fake.find("chat.delete")
    assert [(c.token, c.args["ts"]) for c in deletes] == [(tokens["user"], violation.ts)]


async def test_thread_replies_posted_while_stopped_are_screened_old_threads_included(make_slack: SlackFactory) -> None:
    before = await make_slack()
    old_parent = await before.say(BOB, "who is coming on Saturday?")
    await before.settle()
    await before.services.marks.flush()

    # While Vigie is down: a reply in a thread started before, and a new thread with a reply.
    old_reply = before.fake.add_message(GENERAL, ALICE, "franchement t'es vraiment un connard", thread_ts=old_parent.ts)
    new_parent = before.fake.add_message(GENERAL, BOB, "new topic: the picnic")
    new_reply = before.fake.add_message(GENERAL, ALICE, "quel connard celui-là", thread_ts=new_parent.ts)
    harmless = before.fake.add_message(GENERAL, BOB, "I'll bring bread", thread_ts=new_parent.ts)

    after = await make_slack()
    assert await catch_up(after.services) == 4  # the new parent and the three replies
    for reply in (old_reply, new_reply):
        case = await after.case_for(reply)
        assert case is not None
        assert (case.action, case.thread) == (Action.REMOVE, reply.thread_ts)
    assert await after.case_for(harmless) is None
    deleted = sorted(c.args["ts"] for c in after.fake.find("chat.delete"))
    assert deleted == sorted([old_reply.ts, new_reply.ts])
    await after.services.marks.flush()
    assert await catch_up(after.services) == 0  # read once
