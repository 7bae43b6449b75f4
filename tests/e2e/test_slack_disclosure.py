"""Disclosure nudges on Slack, end to end: real AsyncApp over HTTP, fake Slack Web API, real SQLite, a fake clock."""

from __future__ import annotations

import re

import pytest

from bot.adapters.slack.blocks import ACTION_NUDGE_FIXED, ACTION_NUDGE_NOT_SPONSORED, MODAL_NOT_SPONSORED
from bot.models import Nudge, NudgeState
from tests.e2e.fake_slack import TEAM, ApiCall, FakeMessage
from tests.e2e.slack_fixtures import (
    ADMIN,
    ALICE,
    BOB,
    COMPLIANCE,
    GENERAL,
    MAYA,
    MOD,
    SlackFactory,
    SlackHarness,
    blocks_text,
    button,
    in_channel,
)
from tests.fakes import FakeClock

SPONSORED = "J'adore mon nouveau casque ! -20 % avec le code MAYA20 sur la boutique"
FIXED = "Publicité — " + SPONSORED
DM = f"D{MAYA}"  # the fake opens direct messages as "D" + user id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def vigie(make_slack: SlackFactory, clock: FakeClock) -> SlackHarness:
    """The app on a fake clock, with a compliance channel for escalations."""
    slack = await make_slack(clock=clock)
    await slack.services.store.set_setting("slack", TEAM, "disclosure_compliance_channel", COMPLIANCE)
    return slack


async def nudged(
    slack: SlackHarness, text: str = SPONSORED, thread_ts: str | None = None
) -> tuple[FakeMessage, ApiCall, Nudge]:
    """Maya posts a sponsored message; return it, the private note she got, and the recorded nudge."""
    message = await slack.say(MAYA, text, thread_ts=thread_ts)
    note = (await slack.fake.wait_for("chat.postEphemeral"))[0]
    await slack.settle()
    nudge = await slack.services.nudges.get(int(button(note, ACTION_NUDGE_FIXED)["value"]))
    return message, note, nudge


async def answers(slack: SlackHarness, count: int = 1) -> list[str]:
    """The private answers (response URLs) the app sent so far, waiting for `count` of them."""
    await slack.fake.wait_for("response_url", count=count)
    await slack.settle()
    return [str(call.args.get("text")) for call in slack.fake.find("response_url")]


async def test_a_team_members_sponsored_post_gets_a_private_note_with_two_buttons(vigie: SlackHarness) -> None:
    message, note, nudge = await nudged(vigie)

    assert (note.args["channel"], note.args["user"]) == (GENERAL, MAYA)
    shown = blocks_text(note)
    assert "Bonjour ! Un petit mot privé" in shown  # Maya's Slack locale is fr-FR
    assert "> Publicité — J'adore mon nouveau casque" in shown  # the suggested fix, ready to copy
    assert button(note, ACTION_NUDGE_FIXED)["text"]["text"] == "C'est corrigé"
    assert button(note, ACTION_NUDGE_NOT_SPONSORED)["text"]["text"] == "Pas sponsorisé"
    assert button(note, ACTION_NUDGE_NOT_SPONSORED)["value"] == str(nudge.id)
    # Private and never punitive: nothing public, nothing removed, no moderation case.
    assert vigie.fake.find("chat.postMessage") == []
    assert vigie.fake.find("chat.delete") == []
    assert (GENERAL, message.ts) in vigie.fake.messages
    assert await vigie.case_for(message) is None
    assert (nudge.message_id, nudge.author_id, nudge.jurisdiction, nudge.state) == (
        message.ts,
        MAYA,
        "fr",
        NudgeState.OPEN,
    )
    assert vigie.fake.find("usergroups.list")  # Maya is on the team through her "ambassador" user group


async def test_a_user_group_handle_never_passes_for_a_moderator_or_an_exemption(vigie: SlackHarness) -> None:
    vigie.fake.groups["S0SELFMADE"] = [BOB]
    vigie.fake.group_handles["S0SELFMADE"] = "moderator"  # members may be allowed to create user groups
    message = await vigie.say(BOB, "write to me at bob.private@example.com")
    await vigie.fake.wait_for("chat.delete")  # §4 exempts the role "moderator": not a user group named so
    await vigie.command(BOB, "/disclosure", "report")
    assert (await answers(vigie))[0] == "Only the moderators of this workspace can do this."
    assert await vigie.case_for(message) is not None


async def test_the_same_post_from_a_member_outside_the_team_gets_nothing(vigie: SlackHarness) -> None:
    await vigie.say(ALICE, SPONSORED)
    await vigie.settle()
    assert vigie.fake.find("chat.postEphemeral") == []
    assert vigie.fake.find("chat.postMessage") == []


async def test_ive_fixed_it_after_labelling_the_post_resolves_the_nudge(vigie: SlackHarness) -> None:
    message, note, nudge = await nudged(vigie)
    vigie.fake.edit_message(GENERAL, message.ts, FIXED)  # no event: the button alone re-reads the post

    await vigie.click(MAYA, button(note, ACTION_NUDGE_FIXED), channel=GENERAL, message_ts="0", ephemeral=True)

    assert (await answers(vigie))[0] == "Merci, c'est parfait : la mention est en place. Bonne journée !"
    [read] = vigie.fake.find("conversations.history")
    assert (read.args["channel"], read.args["latest"], read.args["oldest"]) == (GENERAL, message.ts, message.ts)
    fixed = await vigie.services.nudges.get(nudge.id)
    assert (fixed.state, fixed.resolved_by, fixed.suggestion) == (NudgeState.FIXED, MAYA, None)


async def test_ive_fixed_it_too_early_says_what_is_still_missing(vigie: SlackHarness) -> None:
    _, note, nudge = await nudged(vigie)
    await vigie.click(MAYA, button(note, ACTION_NUDGE_FIXED), channel=GENERAL, message_ts="0", ephemeral=True)
    assert "Je ne vois pas encore la mention attendue" in (await answers(vigie))[0]
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.OPEN


async def test_a_thread_reply_is_nudged_in_its_thread_and_read_back_from_it(vigie: SlackHarness) -> None:
    parent = await vigie.say(BOB, "Qui a testé le nouveau casque ?")
    reply, note, nudge = await nudged(vigie, thread_ts=parent.ts)
    assert note.args["thread_ts"] == parent.ts
    vigie.fake.edit_message(GENERAL, reply.ts, FIXED)

    await vigie.click(MAYA, button(note, ACTION_NUDGE_FIXED), channel=GENERAL, message_ts="0", ephemeral=True)

    assert "la mention est en place" in (await answers(vigie))[0]
    assert vigie.fake.find("conversations.replies")[0].args["ts"] == parent.ts
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.FIXED


@pytest.mark.parametrize("action_id", [ACTION_NUDGE_FIXED, ACTION_NUDGE_NOT_SPONSORED])
async def test_a_forged_click_by_someone_else_is_refused(vigie: SlackHarness, action_id: str) -> None:
    message, note, nudge = await nudged(vigie)
    vigie.fake.edit_message(GENERAL, message.ts, FIXED)

    await vigie.click(BOB, button(note, action_id), channel=GENERAL, message_ts="0")

    assert (await answers(vigie))[0] == "Only the author of the post can answer this reminder."
    assert await vigie.services.nudges.get(nudge.id) == nudge
    assert vigie.fake.find("conversations.history") == []  # the post was not even read
    assert vigie.fake.find("views.open") == []


async def test_not_sponsored_records_the_authors_statement(vigie: SlackHarness) -> None:
    _, note, nudge = await nudged(vigie)

    await vigie.click(MAYA, button(note, ACTION_NUDGE_NOT_SPONSORED), channel=GENERAL, message_ts="0", ephemeral=True)
    form = (await vigie.fake.wait_for("views.open"))[0].args["view"]
    assert form["callback_id"] == MODAL_NOT_SPONSORED
    assert form["title"]["text"] == "Pas sponsorisé"
    await vigie.submit(MAYA, form, {"note": "J'ai acheté ce casque moi-même, le code est celui de tout le monde."})

    reply = (await vigie.fake.wait_for("chat.postEphemeral", count=2))[1]
    await vigie.settle()
    assert (reply.args["channel"], reply.args["user"]) == (GENERAL, MAYA)
    assert reply.args["text"].startswith("C'est noté, merci.")
    answered = await vigie.services.nudges.get(nudge.id)
    assert answered.state is NudgeState.NOT_SPONSORED
    assert answered.note == "J'ai acheté ce casque moi-même, le code est celui de tout le monde."

    # The moderators' report counts it and lists it for a person to decide.
    await vigie.command(MOD, "/disclosure", "report")
    report = (await answers(vigie))[-1]
    assert "1 in all, 0 open" in report
    assert '1 "not sponsored" answers to review' in report
    assert f"#{nudge.id}, @Maya" in report
    assert "le code est celui de tout le monde" in report
    assert f"https://vigie.test/archives/{GENERAL}/p{nudge.message_id.replace('.', '')}" in report


async def test_an_unfixed_post_is_reminded_once_then_escalated_once(vigie: SlackHarness, clock: FakeClock) -> None:
    message, _, nudge = await nudged(vigie)
    intake = vigie.services.intake
    assert await intake.deliver_due() == 0

    clock.advance(hours=25)
    assert await intake.deliver_due() == 1
    [reminder] = vigie.fake.find("chat.postMessage", in_channel(DM))
    assert "Petit rappel, en privé" in blocks_text(reminder)
    assert button(reminder, ACTION_NUDGE_FIXED)["value"] == str(nudge.id)
    assert await intake.deliver_due() == 0  # sent once

    clock.advance(hours=25)
    assert await intake.deliver_due() == 1
    assert await intake.deliver_due() == 0
    [escalation] = vigie.fake.find("chat.postMessage", in_channel(COMPLIANCE))
    text = escalation.args["text"]
    assert f"https://vigie.test/archives/{GENERAL}/p{message.ts.replace('.', '')}" in text
    assert "@Maya" in text  # named for the staff, without notifying her
    assert not re.search(r"<@[UW]", text)
    assert "MAYA20" not in text  # the finding, never the post
    assert "casque" not in text
    assert escalation.args.get("unfurl_links") in (False, "false", "0")
    assert [c.args["channel"] for c in vigie.fake.find("chat.postMessage")] == [DM, COMPLIANCE]  # nothing public
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.ESCALATED


async def test_a_reminder_falls_back_to_an_ephemeral_note_when_direct_messages_fail(
    vigie: SlackHarness, clock: FakeClock
) -> None:
    _, _, nudge = await nudged(vigie)
    vigie.fake.fail("conversations.open", "cannot_dm_bot")
    clock.advance(hours=25)
    assert await vigie.services.intake.deliver_due() == 1
    reminder = vigie.fake.find("chat.postEphemeral")[1]
    assert (reminder.args["channel"], reminder.args["user"]) == (GENERAL, MAYA)
    assert "Petit rappel" in blocks_text(reminder)
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.REMINDED


async def test_editing_the_post_with_a_label_closes_the_nudge(vigie: SlackHarness) -> None:
    message, note, nudge = await nudged(vigie)
    assert await vigie.edit(message, FIXED) == 200
    await vigie.settle()
    closed = await vigie.services.nudges.get(nudge.id)
    assert (closed.state, closed.suggestion) == (NudgeState.FIXED, None)
    assert len(vigie.fake.find("chat.postEphemeral")) == 1  # no second note

    # A late "Not sponsored" on a closed reminder only says where it stands.
    await vigie.click(MAYA, button(note, ACTION_NUDGE_NOT_SPONSORED), channel=GENERAL, message_ts="0", ephemeral=True)
    assert (await answers(vigie))[0].startswith("Merci, c'est parfait")
    assert vigie.fake.find("views.open") == []
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.FIXED


async def test_deleting_the_post_withdraws_the_nudge(vigie: SlackHarness, clock: FakeClock) -> None:
    message, _, nudge = await nudged(vigie)
    assert await vigie.delete(message) == 200
    await vigie.settle()
    assert (await vigie.services.nudges.get(nudge.id)).state is NudgeState.WITHDRAWN
    clock.advance(hours=50)
    assert await vigie.services.intake.deliver_due() == 0  # no reminder about a post that is gone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Use code MAYA20 for 20% off my new headphones",
            ["This looks sponsored (a promo code) but does not say it is advertising.", "Suggested text:"],
        ),
        (
            "Publicité — -20 % avec le code MAYA20 sur la boutique",
            ["This looks sponsored (a promo code) and “Publicité” is a proper label", "Nothing to change."],
        ),
        ("I had a great time at the meetup yesterday", ["Nothing here looks sponsored"]),
    ],
)
async def test_disclosure_check_is_a_private_dry_run_for_anyone(
    vigie: SlackHarness, text: str, expected: list[str]
) -> None:
    await vigie.command(BOB, "/disclosure", f"check {text}")
    [answer] = await answers(vigie)
    for part in expected:
        assert part in answer
    assert "nothing was recorded" in answer
    assert (await vigie.services.nudges.report("slack", TEAM)).total == 0
    assert vigie.fake.find("chat.postEphemeral") == []


async def test_disclosure_report_is_for_moderators(vigie: SlackHarness) -> None:
    await nudged(vigie)
    await vigie.command(BOB, "/disclosure", "report")
    assert (await answers(vigie))[0] == "Only the moderators of this workspace can do this."
    await vigie.command(MOD, "/disclosure", "report")
    report = (await answers(vigie, count=2))[1]
    assert report.startswith("Disclosure nudges: 1 in all, 1 open (0 escalated), 0 fixed")
    assert "No “not sponsored” answers to review." in report


async def test_disclosure_without_a_known_verb_shows_the_usage(vigie: SlackHarness) -> None:
    await vigie.command(BOB, "/disclosure", "")
    assert (await answers(vigie))[0].startswith("Usage: /disclosure check")


async def test_setup_sets_the_compliance_channel_and_the_audience(make_slack: SlackFactory) -> None:
    slack = await make_slack()
    store = slack.services.store
    replies: list[str] = []
    for number, (user, text) in enumerate(
        (
            (ADMIN, f"compliance <#{COMPLIANCE}|compliance>"),
            (ADMIN, "jurisdiction US"),
            (ADMIN, "jurisdiction xx"),
            (BOB, "jurisdiction de"),
            (ADMIN, "show"),
        ),
        start=1,
    ):
        await slack.command(user, "/vigie-setup", text)
        # Wait for this command's own answer before the next one, so each answer is matched to its command.
        received = await slack.fake.wait_for("response_url", count=number)
        assert len(received) == number  # exactly this command's answer arrived, nothing else
        replies.append(str(received[-1].args.get("text")))
    saved, audience, unknown, refused, shown = replies

    assert saved == "Saved. Compliance channel (disclosure): #compliance"
    assert audience == "Saved. Audience (disclosure): us"
    assert unknown.startswith("Unknown audience “xx”. The charter knows: ")
    assert "nl" in unknown
    assert refused == "Only workspace admins can configure Vigie."
    assert "Compliance channel (disclosure): #compliance" in shown
    assert "Audience (disclosure): us" in shown
    assert await store.get_setting("slack", TEAM, "disclosure_compliance_channel") == COMPLIANCE
    assert await store.get_setting("slack", TEAM, "disclosure_jurisdiction") == "us"
    assert await slack.services.nudges.jurisdiction_for("slack", TEAM) == "us"
