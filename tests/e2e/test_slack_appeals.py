"""Appeals, overrides, shortcuts and commands on Slack, end to end against the fake Slack."""

from __future__ import annotations

from bot.adapters.slack.blocks import (
    ACTION_APPEAL,
    ACTION_OVERTURN,
    ACTION_UPHOLD,
    MODAL_APPEAL,
    MODAL_DECIDE,
    MODAL_REMOVE,
    MODAL_REPORT,
    SHORTCUT_REMOVE,
    SHORTCUT_REPORT,
)
from bot.models import ActionState, Case, CaseStatus
from tests.e2e.fake_slack import ADMIN_TOKEN, TEAM, ApiCall, FakeMessage
from tests.e2e.slack_fixtures import (
    ADMIN,
    ALICE,
    BOB,
    GENERAL,
    MOD,
    MOD2,
    REVIEW,
    SlackHarness,
    blocks_text,
    button,
    in_channel,
    in_dm,
)


async def _removed(slack: SlackHarness, user: str, text: str) -> tuple[FakeMessage, ApiCall, Case]:
    message = await slack.say(user, text)
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(user)))[0]
    await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL))
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    return message, private, case


async def test_appeal_through_the_modal_then_overturn_restores_the_message(slack: SlackHarness) -> None:
    message, private, case = await _removed(slack, ALICE, "t'es qu'un connard")

    await slack.click(ALICE, button(private, ACTION_APPEAL), channel=f"D{ALICE}", message_ts=private.result["ts"])
    appeal_form = (await slack.fake.wait_for("views.open"))[0].args["view"]
    assert appeal_form["callback_id"] == MODAL_APPEAL
    assert appeal_form["title"]["text"] == f"Appel dossier {case.id}"
    await slack.submit(ALICE, appeal_form, {"reason": "C'était une réplique de film, pas une insulte."})

    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    confirmation = (await slack.fake.wait_for("chat.postEphemeral"))[0]
    await slack.settle()
    assert "Appeal to decide" in blocks_text(card)
    assert "réplique de film" in blocks_text(card)
    assert "t'es qu'un connard" in blocks_text(card)  # the review channel judges the original
    assert confirmation.args["user"] == ALICE
    assert "appel" in confirmation.args["text"]
    assert (await slack.services.cases.get(case.id)).status is CaseStatus.APPEALED

    # A member cannot decide; a moderator gives a reason in a modal.
    await slack.click(BOB, button(card, ACTION_OVERTURN), channel=REVIEW, message_ts=card.result["ts"])
    assert "Only moderators" in (await slack.fake.wait_for("response_url"))[0].args["text"]
    await slack.click(MOD, button(card, ACTION_OVERTURN), channel=REVIEW, message_ts=card.result["ts"])
    decision_form = (await slack.fake.wait_for("views.open", count=2))[1].args["view"]
    assert decision_form["callback_id"] == MODAL_DECIDE
    await slack.submit(MOD, decision_form, {"reason": "A film quote, not aimed at anyone."})

    restored = (await slack.fake.wait_for("chat.postMessage", lambda c: "username" in c.args))[0]
    redrawn = (await slack.fake.wait_for("chat.update", lambda c: c.args["ts"] == card.result["ts"]))[0]
    dm = (await slack.fake.wait_for("chat.postMessage", in_dm(ALICE), count=2))[1]
    await slack.settle()

    assert restored.args["channel"] == GENERAL
    assert restored.args["username"] == "Alice"
    assert restored.args["icon_url"] == f"https://avatars.test/{ALICE}.png"
    assert restored.args["text"] == "t'es qu'un connard"
    assert f"Rétabli après examen (dossier n° {case.id})" in blocks_text(restored)
    assert redrawn.args["ts"] == card.result["ts"]
    assert "A film quote" in blocks_text(redrawn)
    assert "annulée" in dm.args["text"]
    final = await slack.services.cases.get(case.id)
    assert (final.status, final.restore_state, final.decided_by) == (CaseStatus.OVERTURNED, ActionState.DONE, MOD)
    assert message.ts == final.message_id


async def test_override_by_a_non_moderator_is_refused(slack: SlackHarness) -> None:
    _, _, case = await _removed(slack, BOB, "what a moron")

    assert await slack.command(BOB, "/override", f"{case.id} overturn I was only joking") == 200
    refused = (await slack.fake.wait_for("response_url"))[0]
    await slack.settle()

    assert refused.args["text"] == "Only moderators can do this."
    assert refused.args["response_type"] == "ephemeral"
    unchanged = await slack.services.cases.get(case.id)
    assert unchanged.status is CaseStatus.ACTIONED
    assert slack.fake.find("chat.postMessage", lambda c: "username" in c.args) == []


async def test_override_by_a_moderator_overturns_and_restores(slack: SlackHarness) -> None:
    _, _, case = await _removed(slack, BOB, "shut up moron")

    await slack.command(MOD, "/override", f"#{case.id} overturn Friendly banter between regulars.")
    restored = (await slack.fake.wait_for("chat.postMessage", lambda c: "username" in c.args))[0]
    answer = (await slack.fake.wait_for("response_url"))[0]
    await slack.settle()

    assert restored.args["username"] == "Bob"
    assert f"Case #{case.id} is now *overturned*." == answer.args["text"]


async def test_the_moderator_who_removed_cannot_decide_the_appeal(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "let's meet at the usual place")
    await slack.settle()
    await slack.shortcut(MOD, SHORTCUT_REMOVE, message)
    form = (await slack.fake.wait_for("views.open"))[0].args["view"]
    assert form["callback_id"] == MODAL_REMOVE
    clause = {"type": "static_select", "selected_option": {"value": "respect"}}
    await slack.submit(MOD, form, {"clause": clause, "reason": "Targeted harassment in context."})
    await slack.fake.wait_for("chat.delete")
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    assert not case.automated
    assert case.actor_id == MOD

    await slack.command(BOB, "/appeal", f"{case.id} This was a plain meeting reminder.")
    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    await slack.settle()
    await slack.click(MOD, button(card, ACTION_UPHOLD), channel=REVIEW, message_ts=card.result["ts"])
    refused = (await slack.fake.wait_for("response_url", lambda c: "another moderator" in c.args["text"]))[0]
    await slack.settle()
    # Told before any form opens: no reason typed for nothing.
    assert (
        refused.args["text"] == f"You made the decision in case #{case.id}; another moderator must decide its appeal."
    )
    assert len(slack.fake.find("views.open")) == 1  # only the removal form
    assert (await slack.services.cases.get(case.id)).status is CaseStatus.APPEALED

    await slack.click(MOD2, button(card, ACTION_UPHOLD), channel=REVIEW, message_ts=card.result["ts"])
    form = (await slack.fake.wait_for("views.open", count=2))[1].args["view"]
    await slack.submit(MOD2, form, {"reason": "Context shows harassment."})
    await slack.fake.wait_for("chat.postMessage", in_channel(f"D{BOB}"))
    await slack.settle()
    assert (await slack.services.cases.get(case.id)).status is CaseStatus.UPHELD


async def test_report_shortcut_sends_the_message_to_review(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "DM me for a surprise")
    await slack.settle()

    await slack.shortcut(ALICE, SHORTCUT_REPORT, message)
    form = (await slack.fake.wait_for("views.open"))[0].args["view"]
    assert form["callback_id"] == MODAL_REPORT
    await slack.submit(ALICE, form, {"note": "Il m'a relancée trois fois."})

    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    thanks = (await slack.fake.wait_for("chat.postEphemeral"))[0]
    await slack.settle()
    assert "Reported by a member" in blocks_text(card)
    assert "Il m'a relancée trois fois." in blocks_text(card)
    assert thanks.args["user"] == ALICE
    assert "Merci" in thanks.args["text"]
    case = await slack.case_for(message)
    assert case is not None
    assert case.status is CaseStatus.REVIEW
    assert case.author_id == BOB


async def test_long_messages_are_fetched_again_for_a_shortcut(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "word " * 900)
    await slack.settle()
    await slack.shortcut(ALICE, SHORTCUT_REPORT, message)
    form = (await slack.fake.wait_for("views.open"))[0].args["view"]
    assert len(form["private_metadata"]) <= 3000
    await slack.submit(ALICE, form, {})
    await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW))
    await slack.settle()
    history = slack.fake.find("conversations.history")
    assert history
    assert history[0].args["latest"] == message.ts
    case = await slack.case_for(message)
    assert case is not None
    assert case.content == message.text


async def test_remove_shortcut_is_for_moderators(slack: SlackHarness) -> None:
    message = await slack.say(BOB, "anything at all")
    await slack.settle()
    await slack.shortcut(ALICE, SHORTCUT_REMOVE, message)
    refused = (await slack.fake.wait_for("response_url"))[0]
    await slack.settle()
    assert "Seuls les modérateurs" in refused.args["text"]
    assert slack.fake.find("views.open") == []


async def test_charter_command_shows_the_charter_and_one_clause(slack: SlackHarness) -> None:
    for user, text in ((BOB, ""), (ALICE, "§4"), (BOB, "99")):
        await slack.command(user, "/charter", text)
        await slack.settle()  # one answer at a time, so they are read back in order
    whole, clause, missing = (call.args["text"] for call in slack.fake.find("response_url"))
    assert "Respect for people" in whole
    assert "*" in whole
    assert "**" not in whole
    assert "Vie privée" in clause or "privée" in clause
    assert "no clause “99”" in missing


async def test_case_command_for_moderators_only(slack: SlackHarness) -> None:
    _, _, case = await _removed(slack, BOB, "you moron")

    await slack.command(BOB, "/case", str(case.id))
    await slack.fake.wait_for("response_url")
    await slack.command(MOD, "/case", str(case.id))
    shown = (await slack.fake.wait_for("response_url", count=2))[1].args["text"]
    await slack.settle()

    assert "Only the moderators" in slack.fake.find("response_url")[0].args["text"]
    assert f"Case #{case.id}: §1" in shown
    assert "created" in shown
    assert "deleted" in shown
    assert "&gt; you moron" in shown or "> you moron" in shown


async def test_setup_is_for_admins_and_stores_settings(slack: SlackHarness) -> None:
    slack.fake.channels["C0OTHER"] = "other"
    for user, text in (
        (BOB, "review <#C0OTHER|other>"),
        (ADMIN, "review <#C0OTHER|other>"),
        (ADMIN, "moderators <@UMOD|morgane> <@U0NEW|new>"),
        (ADMIN, "moderator-group <!subteam^S0MODS|@mods>"),
        (ADMIN, "language de"),
        (ADMIN, "language fr"),
    ):
        await slack.command(user, "/vigie-setup", text)
        await slack.settle()  # one answer at a time, so they are read back in order
    answers = [c.args["text"] for c in slack.fake.find("response_url")]

    assert answers[0] == "Only workspace admins can configure Vigie."
    # Said back in plain words, with names rather than ids and no markup that would ping anyone.
    assert answers[1] == "Saved. Review channel: #other"
    assert answers[2] == "Saved. Moderators: @Morgane @U0NEW"
    assert answers[3] == "Saved. Moderator group: @mods"
    assert answers[4].startswith("Usage: /vigie-setup")
    assert answers[5] == "Saved. Language: French"
    store = slack.services.store
    assert await store.get_setting("slack", TEAM, "review_channel") == "C0OTHER"
    assert await store.get_setting("slack", TEAM, "moderator_users") == ["UMOD", "U0NEW"]
    assert await store.get_setting("slack", TEAM, "moderator_usergroup") == "S0MODS"


async def test_members_of_the_moderator_user_group_are_moderators(slack: SlackHarness) -> None:
    slack.fake.groups["S0MODS"] = [BOB]
    await slack.services.store.set_setting("slack", TEAM, "moderator_usergroup", "S0MODS")
    _, _, case = await _removed(slack, ALICE, "connard")

    await slack.command(BOB, "/case", str(case.id))
    shown = (await slack.fake.wait_for("response_url"))[0].args["text"]
    await slack.settle()
    assert "§1" in shown
    assert "Only the moderators" not in shown
    assert slack.fake.find("usergroups.users.list")[0].args["usergroup"] == "S0MODS"
    assert [c.token for c in slack.fake.find("chat.delete")] == [ADMIN_TOKEN]


async def test_a_restored_message_pings_nobody_again(slack: SlackHarness) -> None:
    text = "<!channel> <!here|here> <!everyone> <!subteam^S0MODS|@mods> <@UALICE> <@UNOBODY|nobody> what a moron"
    _, _, case = await _removed(slack, BOB, text)

    await slack.command(MOD, "/override", f"{case.id} overturn Heated but fair.")
    restored = (await slack.fake.wait_for("chat.postMessage", lambda c: "username" in c.args))[0]
    await slack.settle()

    shown = blocks_text(restored)
    for token in ("<!channel>", "<!here", "<!everyone>", "<!subteam^", "<@UALICE>", "<@UNOBODY"):
        assert token not in shown
    assert restored.args["text"].endswith("@mods @Alice @user what a moron")
    assert "@mods @Alice @user what a moron" in shown
    assert (await slack.services.cases.get(case.id)).content == text  # the record keeps what was written
