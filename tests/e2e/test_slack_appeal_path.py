"""The appeal path on Slack as a member and a moderator live it, through the real slack-bolt app against the
fake: a durable private notice that outlives a restart, no form that ends in a refusal, notices retracted on
overturn, case pages naming the person who decided, no raw mention markup shown to people, refusals audited."""

from __future__ import annotations

from bot.adapters.slack.blocks import ACTION_APPEAL, ACTION_OVERTURN, ACTION_SEE, MODAL_APPEAL
from bot.cases.service import REFUSALS_AUDITED
from bot.models import Case, CaseStatus
from tests.e2e.fake_slack import ApiCall, FakeMessage
from tests.e2e.slack_fixtures import (
    ALICE,
    BOB,
    GENERAL,
    MOD,
    REVIEW,
    SlackFactory,
    SlackHarness,
    blocks_text,
    button,
    in_channel,
    in_dm,
)
from tests.fakes import FakeClock

ZWJ = "\u200d"


async def removed(slack: SlackHarness, user: str, text: str) -> tuple[FakeMessage, ApiCall, ApiCall, Case]:
    """`user` posts `text`, Vigie removes it: the message, the private DM, the public notice and the case."""
    message = await slack.say(user, text)
    private = (await slack.fake.wait_for("chat.postMessage", in_dm(user)))[0]
    public = (await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL)))[0]
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    return message, private, public, case


async def refusals(slack: SlackHarness, case_id: int) -> list[tuple[str, str | None]]:
    return [(e.actor_id, e.detail) for e in await slack.services.store.audit_trail(case_id) if e.event == "refused"]


async def test_an_hour_later_and_after_a_restart_the_private_notice_still_works(make_slack: SlackFactory) -> None:
    clock = FakeClock()
    first = await make_slack(clock=clock)
    _, private, _, case = await removed(first, BOB, "what a moron")
    assert (case.private_channel, case.private_message_id) == (f"D{BOB}", private.result["ts"])
    assert "Your message was removed: §1" in blocks_text(private)
    assert f"Case #{case.id}." in blocks_text(private)
    assert "moron" not in blocks_text(private)

    clock.advance(hours=1)
    again = await make_slack(clock=clock)  # a new process on the same database
    dm = f"D{BOB}"
    await again.click(BOB, button(private, ACTION_SEE), channel=dm, message_ts=private.result["ts"])
    shown = (await again.fake.wait_for("response_url"))[0]
    assert "what a moron" in shown.args["text"]
    await again.click(BOB, button(private, ACTION_APPEAL), channel=dm, message_ts=private.result["ts"])
    form = (await again.fake.wait_for("views.open"))[0].args["view"]
    assert form["callback_id"] == MODAL_APPEAL
    await again.submit(BOB, form, {"reason": "I was quoting a film."})
    await again.fake.wait_for("chat.postMessage", in_channel(REVIEW))
    await again.settle()
    assert (await again.services.cases.get(case.id)).status is CaseStatus.APPEALED


async def test_appeal_alone_offers_the_open_cases_and_a_case_number_opens_the_form(slack: SlackHarness) -> None:
    _, _, _, case = await removed(slack, BOB, "you moron")

    await slack.command(BOB, "/appeal", "")
    offered = (await slack.fake.wait_for("response_url"))[0]
    await slack.settle()
    assert offered.args["response_type"] == "ephemeral"
    appeal = next(
        b["accessory"] for b in offered.args["blocks"] if b.get("accessory", {}).get("action_id") == ACTION_APPEAL
    )
    assert appeal["value"] == str(case.id)
    assert f"#{case.id} · §1 Respect for people" in blocks_text(ApiCall("x", None, offered.args))

    await slack.command(ALICE, "/appeal", "")
    assert (await slack.fake.wait_for("response_url", count=2))[1].args["text"] == (
        "Vous n'avez aucun dossier dont vous pouvez faire appel en ce moment."
    )
    await slack.command(BOB, "/appeal", f"{case.id}")
    form = (await slack.fake.wait_for("views.open"))[0].args["view"]
    await slack.settle()
    assert form["callback_id"] == MODAL_APPEAL


async def test_no_form_opens_only_to_be_refused_and_refusals_are_audited(slack: SlackHarness) -> None:
    _, private, public, case = await removed(slack, BOB, "what a moron")

    # Someone else's notice: answered at once, no form.
    await slack.click(ALICE, button(public, ACTION_APPEAL), channel=GENERAL, message_ts=public.result["ts"])
    stranger = (await slack.fake.wait_for("response_url"))[0]
    await slack.settle()
    assert stranger.args["text"] == f"Seul l'auteur du dossier n° {case.id} peut en faire appel."
    assert slack.fake.find("views.open") == []

    await slack.command(BOB, "/appeal", f"{case.id} It was a quote.")
    await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW))
    await slack.settle()
    await slack.click(BOB, button(private, ACTION_APPEAL), channel=f"D{BOB}", message_ts=private.result["ts"])
    second = (await slack.fake.wait_for("response_url", count=3))[2]
    await slack.settle()
    assert second.args["text"].startswith(f"You already appealed case #{case.id}")
    assert slack.fake.find("views.open") == []

    card = slack.fake.find("chat.postMessage", in_channel(REVIEW))[0]
    await slack.click(BOB, button(card, ACTION_OVERTURN), channel=REVIEW, message_ts=card.result["ts"])
    await slack.settle()
    assert slack.fake.find("views.open") == []
    assert await refusals(slack, case.id) == [
        (ALICE, "appeal: not_author"),
        (BOB, "appeal: already_appealed"),
        (BOB, "decide: not_moderator"),
    ]

    # Hammering the button: every click is answered, the audit keeps only the first few per person.
    for _ in range(REFUSALS_AUDITED):
        await slack.click(ALICE, button(public, ACTION_APPEAL), channel=GENERAL, message_ts=public.result["ts"])
    await slack.settle()
    assert len([r for r in await refusals(slack, case.id) if r[0] == ALICE]) == REFUSALS_AUDITED

    await slack.command(MOD, "/case", str(case.id))
    page = (await slack.fake.wait_for("response_url", lambda c: "Refused attempts" in c.args["text"]))[0]
    await slack.settle()
    assert f"<@{BOB}> · decide: not_moderator" in page.args["text"]


async def test_an_overturn_retracts_both_notices_and_the_case_page_tells_the_whole_story(slack: SlackHarness) -> None:
    _, private, public, case = await removed(slack, BOB, "shut up moron")

    await slack.command(MOD, "/override", f"{case.id} overturn Banter between regulars.")
    restored = (await slack.fake.wait_for("chat.postMessage", lambda c: "username" in c.args))[0]
    await slack.fake.wait_for("chat.update", count=2)
    await slack.settle()
    final = await slack.services.cases.get(case.id)
    assert final.restored_message_id == restored.result["ts"]

    edits = {(c.args["channel"], c.args["ts"]): c for c in slack.fake.find("chat.update")}
    for channel, ts in ((GENERAL, public.result["ts"]), (f"D{BOB}", private.result["ts"])):
        edit = edits[(channel, ts)]
        assert "Reversed after review" in edit.args["text"]
        assert all(block["type"] != "actions" for block in edit.args["blocks"])  # no live buttons

    await slack.command(MOD, "/case", str(case.id))
    page = (await slack.fake.wait_for("response_url", lambda c: "Decision" in c.args["text"]))[0].args["text"]
    await slack.settle()
    assert f"*Decision*: <@{MOD}> · {final.decided_at:%Y-%m-%d %H:%M} UTC\nBanter between regulars." in page
    assert "*First decided by*: Vigie (automated" in page
    copy = f"https://vigie.test/archives/{GENERAL}/p{restored.result['ts'].replace('.', '')}"
    assert f"<{copy}|Open the restored copy>" in page


async def test_slack_markup_is_shown_as_a_reader_sees_it_and_pings_nobody(slack: SlackHarness) -> None:
    _, private, _, case = await removed(slack, ALICE, "<!channel> <@UBOB> espèce de connard")

    await slack.click(ALICE, button(private, ACTION_SEE), channel=f"D{ALICE}", message_ts=private.result["ts"])
    seen = (await slack.fake.wait_for("response_url"))[0].args["text"]
    assert f"> @{ZWJ}channel @Bob espèce de connard" in seen
    assert "<!" not in seen
    assert "<@" not in seen
    assert "&lt;" not in seen

    await slack.command(ALICE, "/appeal", f"{case.id} @channel regardez, c'était une blague avec <@UBOB>")
    card = (await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW)))[0]
    await slack.settle()
    content, reason = (b["text"]["text"] for b in card.args["blocks"] if "> " in b.get("text", {}).get("text", ""))
    assert f"> @{ZWJ}channel @Bob espèce de connard" in content
    assert f"> @{ZWJ}channel regardez, c'était une blague avec @Bob" in reason
    for shown in (content, reason):
        assert "<!" not in shown
        assert "<@" not in shown
        assert "@channel" not in shown  # a plain "@channel" is broken up too
