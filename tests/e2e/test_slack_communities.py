"""End to end on Slack with two workspaces: a moderator of one has no say over the other's cases."""

from __future__ import annotations

from bot.adapters.slack.blocks import (
    ACTION_DISMISS,
    ACTION_OVERTURN,
    ACTION_REMOVE,
    ACTION_UPHOLD,
    MODAL_DECIDE,
    ModalContext,
)
from bot.models import Case
from tests.e2e.fake_slack import OTHER_TEAM
from tests.e2e.slack_fixtures import BOB, EVE, GENERAL, OTHER_GENERAL, REVIEW, SlackHarness, in_channel


def state(case: Case) -> tuple[object, ...]:
    """What a decision would change on a case."""
    return (case.status, case.action, case.action_state, case.restore_state, case.decided_by, case.actor_id)


async def removed(slack: SlackHarness, text: str) -> Case:
    message = await slack.say(BOB, text)
    await slack.fake.wait_for("chat.postMessage", in_channel(GENERAL))
    await slack.settle()
    case = await slack.case_for(message)
    assert case is not None
    return case


async def test_a_moderator_of_another_workspace_cannot_read_or_override_a_case(slack: SlackHarness) -> None:
    case = await removed(slack, "you moron")
    trail = await slack.services.store.audit_trail(case.id)

    await slack.command(EVE, "/case", str(case.id), OTHER_GENERAL, team=OTHER_TEAM)
    await slack.command(EVE, "/override", f"{case.id} overturn Looks fine to me", OTHER_GENERAL, team=OTHER_TEAM)
    await slack.settle()

    shown, overridden = (c.args["text"] for c in slack.fake.find("response_url"))
    assert shown == f"There is no case #{case.id}."
    assert f"no case #{case.id}" in overridden.lower()
    assert "moron" not in shown + overridden
    assert state(await slack.services.cases.get(case.id)) == state(case)
    assert await slack.services.store.audit_trail(case.id) == trail
    assert slack.fake.find("chat.postMessage", lambda c: "username" in c.args) == []  # nothing was restored


async def test_a_moderator_of_another_workspace_cannot_use_a_cases_buttons(slack: SlackHarness) -> None:
    held_message = await slack.say(BOB, "this miracle cure fixes everything")
    await slack.fake.wait_for("chat.postMessage", in_channel(REVIEW))
    await slack.settle()
    held = await slack.case_for(held_message)
    assert held is not None
    case = await removed(slack, "shut up moron")

    # A button's value carries only the case number: a forged one names any case.
    clicks = [
        (ACTION_REMOVE, f"{held.id}:review"),
        (ACTION_DISMISS, f"{held.id}:review"),
        (ACTION_UPHOLD, f"{case.id}:appeal"),
        (ACTION_OVERTURN, f"{case.id}:degraded"),
    ]
    for action_id, value in clicks:
        button = {"action_id": action_id, "value": value}
        await slack.click(EVE, button, channel=OTHER_GENERAL, message_ts="1.1", team=OTHER_TEAM)
    await slack.settle()

    answers = [c.args["text"] for c in slack.fake.find("response_url")]
    assert answers == [f"There is no case #{n}." for n in (held.id, held.id, case.id, case.id)]
    assert slack.fake.find("views.open") == []

    # Even a decision form submitted without its button is refused by the core.
    for decision, target, kind in (("overturn", case, "degraded"), ("remove", held, "review")):
        metadata = ModalContext(case_id=target.id, decision=decision, kind=kind, channel=OTHER_GENERAL)
        view = {"type": "modal", "callback_id": MODAL_DECIDE, "private_metadata": metadata.dump(), "blocks": []}
        await slack.submit(EVE, view, {"reason": "Nothing wrong here."}, team=OTHER_TEAM)
    await slack.settle()

    overturn, remove = (
        c.args["text"].lower() for c in slack.fake.find("chat.postEphemeral", lambda c: c.args.get("user") == EVE)
    )
    assert f"no case #{case.id}" in overturn
    assert f"no case #{held.id}" in remove
    assert state(await slack.services.cases.get(held.id)) == state(held)
    assert state(await slack.services.cases.get(case.id)) == state(case)
    assert slack.fake.find("chat.delete", lambda c: c.args.get("ts") == held_message.ts) == []
    assert slack.fake.find("chat.update") == []
