"""Automatic moderation on Slack, end to end: real AsyncApp over HTTP, fake Slack Web API, real SQLite."""

from __future__ import annotations

import re

from bot.adapters.slack.blocks import ACTION_DISMISS, ACTION_OVERTURN, ACTION_REMOVE, ACTION_SEE, ACTION_UPHOLD
from bot.models import Action, ActionState, CaseStatus
from tests.e2e.fake_slack import ADMIN_TOKEN, TEAM
from tests.e2e.slack_fixtures import (
    ALICE,
    BOB,
    GENERAL,
    LOG,
    MOD,
    REVIEW,
    SlackFactory,
    SlackHarness,
    blocks_text,
    button,
    in_channel,
    in_dm,
    signed_headers,
)


def mentioned(text: str) -> set[str]:
    return set(re.findall(r"<@([A-Z0-9]+)", text))


async def test_violation_with_admin_token_is_recorded_deleted_and_explained(slack: SlackHarness) -> None:
    message = await slack.say(ALICE, "franchement t'es vraiment un connard")

    delete = (await slack.fake.wait_for("chat.delete"))[0]
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(ALICE)))[0]
    notice = (await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL)))[0]
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (case.rule_id, case.clause, case.community, case.channel) == ("respect", 1, TEAM, GENERAL)
    assert case.content == "franchement t'es vraiment un connard"
    # Deleting a member's message needs the admin's user token; the bot token never tried.
    assert delete.token == ADMIN_TOKEN
    assert delete.args == {"channel": GENERAL, "ts": message.ts}
    assert [c.token for c in slack.fake.find("chat.delete")] == [ADMIN_TOKEN]
    assert (GENERAL, message.ts) not in slack.fake.messages
    # The statement goes to the author alone, durably (a direct message), in her locale (fr-FR), and quotes nothing.
    assert "Votre message a été retiré : §1" in blocks_text(private)
    assert f"/appeal {case.id}" in blocks_text(private)
    assert (case.private_channel, case.private_message_id) == (f"D{ALICE}", private.result["ts"])
    assert case.notice_message_id == notice.result["ts"]
    assert slack.fake.find("chat.postEphemeral") == []
    public = blocks_text(notice)
    assert "§1" in public
    assert f"{case.id}" in public
    assert mentioned(public) == {ALICE}
    for call in (private, notice):
        assert "connard" not in blocks_text(call)
    # The message is gone, so the public notice is not hidden in the thread of a deleted message.
    assert notice.args.get("thread_ts") is None


async def test_see_my_message_is_for_the_author_only(slack: SlackHarness) -> None:
    await slack.say(ALICE, "quel connard celui-là")
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(ALICE)))[0]
    notice = (await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL)))[0]
    await slack.settle()

    see = button(notice, ACTION_SEE)
    assert await slack.click(BOB, see, channel=GENERAL, message_ts=notice.result["ts"]) == 200
    refused = (await slack.fake.wait_for("response_url"))[0]
    assert "Only the author" in refused.args["text"]
    assert "connard" not in refused.args["text"]

    await slack.click(ALICE, button(private, ACTION_SEE), channel=f"D{ALICE}", message_ts=private.result["ts"])
    shown = (await slack.fake.wait_for("response_url", count=2))[1]
    assert "quel connard celui-là" in shown.args["text"]
    assert shown.args["response_type"] == "ephemeral"


async def test_without_admin_token_removal_degrades_honestly(make_slack: SlackFactory) -> None:
    slack = await make_slack(admin=False)
    message = await slack.say(BOB, "you are such a moron")

    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(BOB)))[0]
    notice = (await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL)))[0]
    alert = (await slack.fake.wait_for("chat.postMessage", in_channel(LOG)))[0]
    await slack.settle()

    assert slack.fake.find("chat.delete") == []
    assert (GENERAL, message.ts) in slack.fake.messages
    case = await slack.case_for(message)
    assert case is not None
    assert (case.status, case.action_state) == (CaseStatus.ACTIONED, ActionState.FAILED)
    assert "no admin user token" in (case.action_error or "")
    assert "Please edit or delete your message" in blocks_text(private)
    # The message is still up: the public reply goes in its thread and asks for an edit.
    assert notice.args["thread_ts"] == message.ts
    assert "Please edit or delete it" in blocks_text(notice)
    assert mentioned(blocks_text(notice)) == {BOB}
    assert "Removal needs a moderator" in blocks_text(card)
    assert button(card, ACTION_OVERTURN)["value"] == f"{case.id}:degraded"
    assert "moron" not in blocks_text(alert)


async def test_retried_event_is_acted_on_once(slack: SlackHarness) -> None:
    message = slack.fake.add_message(GENERAL, ALICE, "espèce de connard")
    body = slack.event_body({"type": "message", "channel": GENERAL, **message.payload()})

    assert (await slack.post(body, "application/json"))[0] == 200
    await slack.fake.wait_for("chat.delete")
    retry = {**signed_headers(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await slack.post(body, "application/json", retry))[0] == 200
    await slack.settle()

    assert len(slack.fake.find("chat.delete")) == 1
    assert len(slack.fake.find("chat.postMessage", in_dm(ALICE))) == 1
    assert len(slack.fake.find("chat.postMessage", in_channel(GENERAL))) == 1
    case = await slack.case_for(message)
    assert case is not None
    assert case.id == 1


async def test_message_changed_is_screened_again_under_the_original_ts(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "hello everyone, nice to meet you")
    await slack.settle()
    assert slack.fake.find("chat.delete") == []

    edit_ts = slack.fake.next_ts()
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": GENERAL,
        "ts": edit_ts,
        "event_ts": edit_ts,
        "message": {
            "type": "message",
            "user": BOB,
            "text": "hello everyone, you are a moron",
            "ts": message.ts,
            "edited": {"user": BOB, "ts": edit_ts},
        },
        "previous_message": {"type": "message", "user": BOB, "text": message.text, "ts": message.ts},
    }
    assert await slack.event(edited) == 200

    delete = (await slack.fake.wait_for("chat.delete"))[0]
    await slack.settle()
    assert delete.args["ts"] == message.ts
    case = await slack.case_for(message)
    assert case is not None
    assert case.content == "hello everyone, you are a moron"


async def test_bot_messages_and_system_subtypes_are_not_screened(slack: SlackHarness) -> None:
    for event in (
        {"type": "message", "channel": GENERAL, "bot_id": "B0OTHER", "text": "moron", "ts": slack.fake.next_ts()},
        {"type": "message", "subtype": "bot_message", "channel": GENERAL, "text": "moron", "ts": slack.fake.next_ts()},
        {"type": "message", "subtype": "channel_join", "channel": GENERAL, "user": BOB, "text": "moron", "ts": "1.1"},
    ):
        assert await slack.event(event) == 200
    await slack.settle()
    assert slack.fake.find("chat.delete") == []
    assert slack.fake.find("chat.postEphemeral") == []
    assert slack.fake.find("chat.postMessage") == []


async def test_review_card_then_removal_by_a_moderator(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "this miracle cure fixes everything")
    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    await slack.settle()
    assert slack.fake.find("chat.postMessage", in_dm(BOB)) == []  # held for a person: nothing is said yet
    assert "Review needed" in blocks_text(card)
    assert "miracle cure" in blocks_text(card)  # moderators see what they judge
    assert "Remove under §6" in blocks_text(card)

    remove = button(card, ACTION_REMOVE)
    await slack.click(BOB, remove, channel=REVIEW, message_ts=card.result["ts"])
    refused = (await slack.fake.wait_for("response_url"))[0]
    assert refused.args["text"] == "Only moderators can do this."

    await slack.click(MOD, remove, channel=REVIEW, message_ts=card.result["ts"])
    modal = (await slack.fake.wait_for("views.open"))[0].args["view"]
    await slack.submit(MOD, modal, {"reason": "Dangerous health advice."})

    delete = (await slack.fake.wait_for("chat.delete"))[0]
    update = (await slack.fake.wait_for("chat.update"))[0]
    await slack.fake.wait_for("chat.postMessage", in_dm(BOB))
    await slack.settle()
    assert delete.args["ts"] == message.ts
    assert update.args["ts"] == card.result["ts"]
    assert "Dangerous health advice." in blocks_text(update)
    assert all(b["type"] != "actions" for b in update.args["blocks"])
    # The closed card shows the person's decision, not "Decided by: Vigie (automated)".
    assert f"*Decision*\n<@{MOD}> · " in blocks_text(update)
    assert "*Decided by*" not in blocks_text(update)
    case = await slack.case_for(message)
    assert case is not None
    assert (case.status, case.decided_by, case.automated) == (CaseStatus.ACTIONED, MOD, False)


async def test_review_card_dismissed_keeps_the_message(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "my uncle swears by this miracle cure")
    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    await slack.settle()
    assert [b["action_id"] for b in card.args["blocks"][-1]["elements"]] == [ACTION_REMOVE, ACTION_DISMISS]

    await slack.click(MOD, button(card, ACTION_DISMISS), channel=REVIEW, message_ts=card.result["ts"])
    modal = (await slack.fake.wait_for("views.open"))[0].args["view"]
    await slack.submit(MOD, modal, {"reason": "A personal anecdote, no advice."})
    await slack.fake.wait_for("chat.update")
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    assert case.status is CaseStatus.DISMISSED
    assert slack.fake.find("chat.delete") == []
    assert ACTION_UPHOLD not in str(slack.fake.find("chat.update")[0].args["blocks"])


async def test_a_failed_public_notice_is_alerted_and_the_author_still_told(slack: SlackHarness) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel", channel=GENERAL)
    message = await slack.say(BOB, "you absolute moron")

    alert = (await slack.fake.wait_for("chat.postMessage", in_channel(LOG)))[0]
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(BOB)))[0]
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    assert f"case #{case.id}" in blocks_text(private).lower()
    assert f"Case #{case.id}: the public notice could not be posted in #general (not_in_channel)" in alert.args["text"]
    assert "moron" not in alert.args["text"]
    events = [entry.event for entry in await slack.services.store.audit_trail(case.id)]
    # The author was told privately; the public notice's failure is on the record.
    assert {"private_notice_sent", "notice_failed"} <= set(events)
    assert (case.status, case.action_state) == (CaseStatus.ACTIONED, ActionState.DONE)


async def test_a_private_notice_that_reaches_nobody_is_recorded_as_failed(slack: SlackHarness) -> None:
    slack.fake.fail("chat.postEphemeral", "user_not_in_channel")
    slack.fake.fail("conversations.open", "cannot_dm_bot")
    message = await slack.say(BOB, "you absolute moron")
    await slack.fake.wait_for("chat.delete")
    await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL))
    await slack.settle()

    case = await slack.case_for(message)
    assert case is not None
    trail = await slack.services.store.audit_trail(case.id)
    failed = [entry for entry in trail if entry.event == "private_notice_failed"]
    assert [entry.event for entry in trail if "notice" in entry.event] == ["private_notice_failed", "notice_posted"]
    assert "the author was not told" in (failed[0].detail or "")
