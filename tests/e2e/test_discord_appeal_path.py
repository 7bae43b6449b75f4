"""The appeal path on Discord as a member and a moderator live it, through the real client against the fake:
a durable private notice that outlives a restart, no form that ends in a refusal, notices retracted on
overturn, case pages that name the person who decided and link to the restored copy, refusals audited."""

from __future__ import annotations

from typing import Any

from bot.cases.service import REFUSALS_AUDITED
from bot.models import ActionState, Case, CaseStatus
from bot.runtime import Services
from tests.e2e.discord_fixtures import case_for, running_bot
from tests.e2e.fake_discord import FakeDiscord

EPHEMERAL = 64


def option(name: str, kind: int, value: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value}


def custom_ids(payload: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in payload.get("components") or [] for c in row.get("components", [])]


async def removed(fake: FakeDiscord, services: Services, text: str = "you are a moron") -> tuple[dict[str, Any], Case]:
    insult = await fake.send_message(fake.alice, text)
    await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
    case = await case_for(services, insult["id"], lambda c: c.notice_message_id is not None)
    return insult, case


async def appeal_by_button(fake: FakeDiscord, message: dict[str, Any], case_id: int, reason: str) -> None:
    """The author clicks Appeal on `message` and sends the form, as a member would."""
    assert (await fake.interact(fake.click(fake.alice, message, f"vigie:appeal:{case_id}"))).json["type"] == 9
    form = fake.submit_modal(fake.alice, f"vigie:appeal-form:{case_id}", {"reason": reason}, message=message)
    assert (await fake.interact(form)).json["type"] == 5
    await fake.wait_for("POST", rf"/channels/{fake.review}/messages")


async def refusals(services: Services, case_id: int) -> list[tuple[str, str | None]]:
    return [(e.actor_id, e.detail) for e in await services.store.audit_trail(case_id) if e.event == "refused"]


async def test_the_private_notice_works_after_a_restart(fake: FakeDiscord, services: Services) -> None:
    async with running_bot(services):
        _, case = await removed(fake, services)
        dm_channel = fake.dm_channel_of(fake.alice)
        private = fake.last_bot_message(dm_channel)
        # The DM names the clause and the case, quotes nothing, and carries both buttons.
        assert private["content"].startswith("**Your message was removed: §1 Respect for people**")
        assert f"Case #{case.id}." in private["content"]
        assert "moron" not in private["content"]
        assert custom_ids(private) == [f"vigie:appeal:{case.id}", f"vigie:see:{case.id}"]
        assert (case.private_channel, case.private_message_id) == (dm_channel, private["id"])
        # The public notice may expire; the DM does not.
        public = fake.calls("POST", rf"/channels/{fake.general}/messages")[0]
        assert "Vigie could not send you a private copy" not in public.json["content"]

    async with running_bot(services):
        # A new process: the buttons on the old DM still answer, for the author, privately.
        seen = (await fake.interact(fake.dm_click(fake.alice, private, f"vigie:see:{case.id}"))).json
        assert (seen["type"], seen["data"]["flags"]) == (4, EPHEMERAL)
        assert seen["data"]["embeds"][0]["description"] == "you are a moron"
        opened = (await fake.interact(fake.dm_click(fake.alice, private, f"vigie:appeal:{case.id}"))).json
        assert (opened["type"], opened["data"]["custom_id"]) == (9, f"vigie:appeal-form:{case.id}")
        form = fake.dm_submit_modal(fake.alice, f"vigie:appeal-form:{case.id}", {"reason": "a quote"}, message=private)
        assert (await fake.interact(form)).json["type"] == 5
        await fake.wait_for("POST", rf"/channels/{fake.review}/messages")
    assert (await services.cases.get(case.id)).status is CaseStatus.APPEALED


async def test_with_dms_closed_the_notice_says_how_to_find_the_case_and_appeal_lists_it(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    dm_channel = fake.dm_channels.setdefault(fake.alice.id, fake.next_id())
    fake.fail("POST", rf"/channels/{dm_channel}/messages", 403, code=50007)  # Cannot send messages to this user
    _, case = await removed(fake, services)
    public = fake.calls("POST", rf"/channels/{fake.general}/messages")[0].json
    assert f"Type /appeal during the appeal window to find case #{case.id} again." in public["content"]
    assert case.private_notice is None
    events = [e.event for e in await services.store.audit_trail(case.id)]
    assert "private_notice_failed" in events

    # Later, the public notice long gone: /appeal alone offers the open cases, to her eyes only.
    listed = (await fake.interact(fake.slash(fake.alice, "appeal"))).json
    assert (listed["type"], listed["data"]["flags"]) == (4, EPHEMERAL)
    assert f"#{case.id} · §1 Respect for people" in listed["data"]["content"]
    assert custom_ids(listed["data"]) == [f"vigie:appeal:{case.id}"]
    nothing = (await fake.interact(fake.slash(fake.bob, "appeal"))).json
    assert nothing["data"]["content"] == "You have no case you can appeal right now."

    offered = fake.responses[fake.calls("POST", r"/interactions/\d+/[^/]+/callback")[0].path.split("/")[2]]
    opened = (await fake.interact(fake.click(fake.alice, offered, f"vigie:appeal:{case.id}"))).json
    assert (opened["type"], opened["data"]["custom_id"]) == (9, f"vigie:appeal-form:{case.id}")
    # /appeal with the case but no reason opens the same form.
    again = (await fake.interact(fake.slash(fake.alice, "appeal", [option("case", 4, case.id)]))).json
    assert (again["type"], again["data"]["custom_id"]) == (9, f"vigie:appeal-form:{case.id}")


async def test_no_form_opens_only_to_be_refused_and_refusals_are_audited(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    _, case = await removed(fake, services)
    notice = next(m for m in fake.bot_messages if m["id"] == case.notice_message_id)

    stranger = (await fake.interact(fake.click(fake.bob, notice, f"vigie:appeal:{case.id}"))).json
    assert (stranger["type"], stranger["data"]["flags"]) == (4, EPHEMERAL)  # an answer, not a form
    assert stranger["data"]["content"] == f"Only the author of case #{case.id} can appeal it."

    await appeal_by_button(fake, notice, case.id, "a quote")
    second = (await fake.interact(fake.click(fake.alice, notice, f"vigie:appeal:{case.id}", locale="fr"))).json
    assert second["type"] == 4
    assert second["data"]["content"].startswith(f"Vous avez déjà fait appel du dossier n° {case.id}")

    card = fake.last_bot_message(fake.review)
    member = (await fake.interact(fake.click(fake.bob, card, f"vigie:decide:overturn:{case.id}"))).json
    assert (member["type"], member["data"]["content"]) == (4, "Only moderators can do this.")
    assert await refusals(services, case.id) == [
        (fake.bob.id, "appeal: not_author"),
        (fake.alice.id, "appeal: already_appealed"),
        (fake.bob.id, "decide: not_moderator"),
    ]

    # A member hammering the button is answered every time, but the audit keeps only the first few.
    for _ in range(REFUSALS_AUDITED + 2):
        await fake.interact(fake.click(fake.bob, notice, f"vigie:appeal:{case.id}"))
    assert len([r for r in await refusals(services, case.id) if r[0] == fake.bob.id]) == REFUSALS_AUDITED

    shown = (await fake.interact(fake.slash(fake.mod, "case", [option("id", 4, case.id)]))).json
    fields = {f["name"]: f["value"] for f in shown["data"]["embeds"][0]["fields"]}
    assert f"<@{fake.bob.id}> · decide: not_moderator" in fields["Refused attempts"]
    assert f"<@{fake.alice.id}> · appeal: already_appealed" in fields["Refused attempts"]


async def test_the_moderator_who_removed_is_told_before_the_decision_form(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    message = await fake.send_message(fake.alice, "a rude but unlisted remark")
    menu = fake.slash(
        fake.mod,
        "Remove under charter",
        command_type=3,
        target_id=message["id"],
        resolved={"messages": {message["id"]: message}},
    )
    modal = (await fake.interact(menu)).json
    form = fake.submit_modal(fake.mod, modal["data"]["custom_id"], {"clause": ["respect"], "reason": "rude"})
    await fake.interact(form)
    mod = await case_for(services, message["id"], lambda c: c.notice_message_id is not None)
    notice = next(m for m in fake.bot_messages if m["id"] == mod.notice_message_id)
    await appeal_by_button(fake, notice, mod.id, "it was not rude")
    card = fake.last_bot_message(fake.review)

    own = (await fake.interact(fake.click(fake.mod, card, f"vigie:decide:uphold:{mod.id}"))).json
    assert own["type"] == 4
    assert (
        own["data"]["content"] == f"You made the decision in case #{mod.id}; another moderator must decide its appeal."
    )
    other = (await fake.interact(fake.click(fake.mod2, card, f"vigie:decide:uphold:{mod.id}"))).json
    assert other["type"] == 9


async def test_an_overturn_retracts_both_notices_and_the_case_page_tells_the_whole_story(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    _, case = await removed(fake, services)
    options = [option("case", 4, case.id), option("decision", 3, "overturn"), option("reason", 3, "A film quote.")]
    await fake.interact(fake.slash(fake.mod, "override", options))
    copy = (await fake.wait_for("POST", r"/webhooks/\d+/hooktoken\d+")).json
    public = await fake.wait_for("PATCH", rf"/channels/{fake.general}/messages/{case.notice_message_id}")
    private = await fake.wait_for("PATCH", rf"/channels/{case.private_channel}/messages/{case.private_message_id}")
    final = await case_for(services, case.message_id, lambda c: c.restore_state is ActionState.DONE)

    # Both notices now say the removal was reversed, and their buttons are gone.
    for edit in (public, private):
        assert edit.json["components"] == []
        assert "Reversed after review" in edit.json["content"]
    restored = next(m for m in reversed(fake.bot_messages) if m.get("webhook_id") and m["content"] == copy["content"])
    assert final.restored_message_id == restored["id"]

    shown = (await fake.interact(fake.slash(fake.mod2, "case", [option("id", 4, case.id)]))).json
    fields = {f["name"]: f["value"] for f in shown["data"]["embeds"][0]["fields"]}
    assert fields["Decision"].startswith(f"<@{fake.mod.id}> · <t:")
    assert fields["Decision"].endswith("A film quote.")
    assert fields["First decided by"] == "Vigie (automated)"
    assert "Decided by" not in fields
    jump = f"https://discord.com/channels/{fake.guild_id}/{fake.general}/{restored['id']}"
    assert fields["Jump to the restored copy"] == jump

    # Nothing is left to appeal, and the author is told so before any form.
    late = (await fake.interact(fake.slash(fake.alice, "appeal", [option("case", 4, case.id)]))).json
    assert (late["type"], late["data"]["flags"]) == (4, EPHEMERAL)
    assert late["data"]["content"] == f"Case #{case.id} was already overturned: there is nothing left to appeal."


async def test_setup_answers_in_plain_words_in_the_members_language(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    options = [option("moderator_role", 8, fake.moderator_role_id), option("notice_seconds", 4, 45)]
    resolved = {"roles": {fake.moderator_role_id: fake.guild_payload()["roles"][1]}}
    shown = (
        await fake.interact(fake.slash(fake.owner, "vigie", sub("setup", *options), resolved=resolved, locale="fr"))
    ).json
    fields = {f["name"]: f["value"] for f in shown["data"]["embeds"][0]["fields"]}
    assert fields["Modérateurs"] == f"<@&{fake.moderator_role_id}>"
    assert fields["Les avis publics restent"] == "45 secondes"
    assert fields["Langue"] == "anglais"
    assert not any("_" in name for name in fields)  # no internal setting names


def sub(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "type": 1, "options": list(options)}]
