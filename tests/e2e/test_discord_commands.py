"""End to end on Discord: slash commands, context menus and their forms, driven through the fake Discord."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.models import ActionState, CaseSource, CaseStatus
from bot.runtime import Services
from tests.e2e.discord_fixtures import TEST_CHARTER, case_for
from tests.e2e.fake_discord import MANAGE_MESSAGES, FakeDiscord

EPHEMERAL = 64


def published_commands(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    """The commands the bot published at start, by name."""
    return {c["name"]: c for c in fake.calls("PUT", r"/applications/\d+/commands")[-1].json}


def rewrite(path: Path, content: str) -> None:
    """Edit the charter file as a community manager would."""
    path.write_text(content, encoding="utf-8")


def option(name: str, kind: int, value: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value}


def sub(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    """A subcommand invocation (type 1) with its options."""
    return [{"name": name, "type": 1, "options": list(options)}]


async def test_commands_are_published_with_french_localisations(fake: FakeDiscord, vigie: Any) -> None:
    commands = published_commands(fake)
    assert set(commands) == {
        "charter",
        "appeal",
        "case",
        "cases",
        "override",
        "vigie",
        "disclosure",
        "privacy",
        "mydata",
        "mycases",
        "forgetme",
        "guard",
        "Report to moderators",
        "Remove under charter",
    }
    charter = commands["charter"]
    assert charter["name_localizations"] == {"fr": "charte"}
    show = next(o for o in charter["options"] if o["name"] == "show")
    assert show["name_localizations"] == {"fr": "afficher"}
    assert show["options"][0]["name_localizations"] == {"fr": "article"}
    override = commands["override"]
    assert int(override["default_member_permissions"]) == MANAGE_MESSAGES
    decision = next(o for o in override["options"] if o["name"] == "decision")
    assert [c["name_localizations"] for c in decision["choices"]] == [{"fr": "maintenir"}, {"fr": "annuler"}]
    assert commands["Report to moderators"]["name_localizations"] == {"fr": "Signaler aux modérateurs"}
    assert int(commands["Remove under charter"]["default_member_permissions"]) == MANAGE_MESSAGES


async def test_charter_show_answers_in_the_readers_language(fake: FakeDiscord, vigie: Any) -> None:
    whole = (await fake.interact(fake.slash(fake.bob, "charter", sub("show")))).json
    assert whole["data"]["flags"] == EPHEMERAL
    assert whole["data"]["content"].startswith("# Test charter")
    assert "§2 — No advertising" in whole["data"]["content"]

    clause = (
        await fake.interact(fake.slash(fake.bob, "charter", sub("show", option("clause", 4, 2)), locale="fr"))
    ).json
    assert "§2 — Pas de publicité" in clause["data"]["content"]
    assert "version t1" in clause["data"]["content"]

    missing = (await fake.interact(fake.slash(fake.bob, "charter", sub("show", option("clause", 4, 9))))).json
    assert missing["data"]["content"] == "There is no clause §9."


async def test_charter_publish_pins_and_a_reload_keeps_or_republishes(
    fake: FakeDiscord, services: Services, vigie: Any, charter_file: Path
) -> None:
    channel = {**fake.channels[fake.announcements], "permissions": "0"}

    def publish(user: Any) -> dict[str, Any]:
        options = sub("publish", option("channel", 7, fake.announcements))
        return fake.slash(user, "charter", options, resolved={"channels": {fake.announcements: channel}})

    refused = await fake.interact(publish(fake.bob))
    assert refused.json["data"]["content"] == "Only server managers can do this."

    assert (await fake.interact(publish(fake.owner))).json["type"] == 5
    posted = await fake.wait_for("POST", rf"/channels/{fake.announcements}/messages")
    assert posted.json["content"].startswith("# Test charter")
    await fake.wait_for("PUT", rf"/channels/{fake.announcements}/(messages/)?pins/\d+")
    done = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert done.json["content"] == f"The charter (version t1) is published and pinned in <#{fake.announcements}>."
    stored = await services.store.get_setting("discord", fake.guild_id, "published_charter")
    assert stored["version"] == "t1"

    rewrite(charter_file, TEST_CHARTER.replace('action = "review"', 'action = "delete"'))
    broken = (await fake.interact(fake.slash(fake.owner, "charter", sub("reload")))).json
    assert "version t1 stays in force" in broken["data"]["content"]
    assert "'delete'" in broken["data"]["content"]
    assert services.policy.charter.version == "t1"

    rewrite(charter_file, TEST_CHARTER.replace('version = "t1"', 'version = "t2"'))
    assert (await fake.interact(fake.slash(fake.owner, "charter", sub("reload")))).json["type"] == 5
    again = await fake.wait_for("POST", rf"/channels/{fake.announcements}/messages", count=2)
    assert again.json["content"].startswith("What changed since version t1:")
    assert services.policy.charter.version == "t2"


async def test_setup_stores_guild_settings_for_admins_only(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    options = [option("notice_seconds", 4, 30), option("language", 3, "fr")]
    refused = (await fake.interact(fake.slash(fake.mod, "vigie", sub("setup", *options)))).json
    assert refused["data"]["content"] == "Only server managers can do this."
    assert await services.store.get_setting("discord", fake.guild_id, "notice_seconds") is None

    shown = (await fake.interact(fake.slash(fake.owner, "vigie", sub("setup", *options), locale="fr"))).json
    assert shown["data"]["flags"] == EPHEMERAL
    assert shown["data"]["embeds"][0]["title"] == "Réglages de Vigie pour ce serveur"
    assert await services.store.get_setting("discord", fake.guild_id, "notice_seconds") == 30
    assert await services.store.get_setting("discord", fake.guild_id, "language") == "fr"


async def test_report_from_the_context_menu_then_dismiss(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    message = await fake.send_message(fake.alice, "this product is great, trust me")
    menu = fake.slash(
        fake.bob,
        "Report to moderators",
        command_type=3,
        target_id=message["id"],
        resolved={"messages": {message["id"]: message}},
    )
    modal = (await fake.interact(menu)).json
    assert (modal["type"], modal["data"]["custom_id"]) == (9, f"vigie:report-form:{fake.general}:{message['id']}")

    form = fake.submit_modal(fake.bob, modal["data"]["custom_id"], {"reason": "looks like a hidden ad"})
    assert (await fake.interact(form)).json["type"] == 5
    card = (await fake.wait_for("POST", rf"/channels/{fake.review}/messages")).json
    case = await case_for(services, message["id"])
    assert (case.status, case.source, case.actor_id) == (CaseStatus.REVIEW, CaseSource.REPORT, fake.bob.id)
    assert "looks like a hidden ad" in str(card["embeds"][0]["fields"])
    thanks = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert f"case #{case.id}" in thanks.json["content"]

    card_message = fake.last_bot_message(fake.review)
    asked = (await fake.interact(fake.click(fake.mod, card_message, f"vigie:review:dismiss:{case.id}"))).json
    assert (asked["type"], asked["data"]["custom_id"]) == (9, f"vigie:review-form:dismiss:{case.id}")
    reason = {"reason": "An honest recommendation, not an ad."}
    await fake.interact(
        fake.submit_modal(fake.mod, f"vigie:review-form:dismiss:{case.id}", reason, message=card_message)
    )
    await fake.wait_for("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    dismissed = await services.cases.get(case.id)
    assert (dismissed.status, dismissed.decision_reason) == (
        CaseStatus.DISMISSED,
        "An honest recommendation, not an ad.",
    )
    assert not fake.calls("DELETE")


async def test_remove_under_charter_from_the_context_menu(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    message = await fake.send_message(fake.alice, "a rude but unlisted remark")

    def menu(user: Any) -> dict[str, Any]:
        return fake.slash(
            user,
            "Remove under charter",
            command_type=3,
            target_id=message["id"],
            resolved={"messages": {message["id"]: message}},
        )

    refused = (await fake.interact(menu(fake.bob))).json
    assert refused["data"]["content"] == "Only moderators can do this."

    modal = (await fake.interact(menu(fake.mod))).json
    assert modal["type"] == 9
    select = modal["data"]["components"][0]["component"]
    assert [o["value"] for o in select["options"]] == ["respect", "ads", "tone"]

    form = fake.submit_modal(fake.mod, modal["data"]["custom_id"], {"clause": ["respect"], "reason": "rude"})
    await fake.interact(form)
    await fake.wait_for("DELETE", rf"/channels/{fake.general}/messages/{message['id']}")
    case = await case_for(services, message["id"], lambda c: c.action_state is ActionState.DONE)
    assert (case.source, case.actor_id, case.automated, case.clause) == (CaseSource.MODERATOR, fake.mod.id, False, 1)
    notice = await fake.wait_for("POST", rf"/channels/{fake.general}/messages")
    assert "rude" not in notice.json["content"]


async def test_case_and_paginated_cases_for_moderators(fake: FakeDiscord, services: Services, vigie: Any) -> None:
    for n in range(11):
        await fake.send_message(fake.alice, f"moron number {n}")
    await fake.wait_for("DELETE", count=11)
    cases = await services.cases.cases_for("discord", fake.alice.id, limit=20, community=fake.guild_id)
    assert len(cases) == 11

    refused = (await fake.interact(fake.slash(fake.bob, "case", [option("id", 4, cases[0].id)]))).json
    assert refused["data"]["content"] == "Only moderators can do this."
    shown = (await fake.interact(fake.slash(fake.mod, "case", [option("id", 4, cases[0].id)]))).json
    embed = shown["data"]["embeds"][0]
    assert embed["title"] == f"Case #{cases[0].id}: §1 Respect for people"
    assert "deleted" in next(f["value"] for f in embed["fields"] if f["name"] == "Audit trail")

    resolved = {"users": {fake.alice.id: fake.alice.user_payload()}}
    listed = await fake.interact(fake.slash(fake.mod, "cases", [option("user", 6, fake.alice.id)], resolved=resolved))
    page = listed.json["data"]
    assert page["embeds"][0]["description"].count("\n") == 9  # ten lines
    previous, following = page["components"][0]["components"]
    assert (previous.get("disabled"), following.get("disabled")) == (True, False)

    response = fake.responses[listed.path.split("/")[2]]
    turned = (await fake.interact(fake.click(fake.mod, response, following["custom_id"]))).json
    assert turned["type"] == 7
    assert turned["data"]["embeds"][0]["description"].count("\n") == 0  # the eleventh case


async def test_appeal_by_slash_command_is_for_the_author_only(
    fake: FakeDiscord, services: Services, vigie: Any
) -> None:
    insult = await fake.send_message(fake.alice, "moron")
    case = await case_for(services, insult["id"], lambda c: c.action_state is ActionState.DONE)
    options = [option("case", 4, case.id), option("reason", 3, "it was a quote")]

    await fake.interact(fake.slash(fake.bob, "appeal", options))
    refused = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+")
    assert refused.json["content"] == f"Only the author of case #{case.id} can appeal it."
    assert (await services.cases.get(case.id)).status is CaseStatus.ACTIONED

    await fake.interact(fake.slash(fake.alice, "appeal", options, locale="fr"))
    sent = await fake.wait_for("POST", rf"/webhooks/{fake.APP_ID}/[^/]+", count=2)
    assert sent.json["content"].startswith(f"Votre appel sur le dossier n° {case.id}")
    await fake.wait_for("POST", rf"/channels/{fake.review}/messages")
    assert (await services.cases.get(case.id)).status is CaseStatus.APPEALED
