"""SlackPlatform and SlackDirectory against the fake Slack: error mapping, retries, fallbacks, caching."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_api import install_retries
from bot.adapters.slack_directory import SlackDirectory
from bot.adapters.slack_platform import SlackPlatform
from bot.errors import PlatformError, PlatformFailure
from bot.models import ActionState, Case, CaseStatus, Statement
from bot.store.sqlite import SqliteStore
from tests.e2e.fake_slack import ADMIN_TOKEN, BOT_TOKEN, FakeSlack
from tests.fakes import RESPECT, FakeClock, FakePolicy, make_charter, make_draft

TEAM = "T1"


@dataclass
class World:
    fake: FakeSlack
    store: SqliteStore
    clock: FakeClock
    directory: SlackDirectory
    platform: SlackPlatform
    bare: SlackPlatform  # no admin token
    case: Case


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("UANN", "Ann", locale="fr-FR")
    store = await SqliteStore.open(tmp_path / "vigie.sqlite3")
    clock = FakeClock()
    bot = install_retries(AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url), rate_limit_retries=1)
    admin = install_retries(AsyncWebClient(token=ADMIN_TOKEN, base_url=fake.base_url), rate_limit_retries=1)
    directory = SlackDirectory(bot, store, clock)
    policy = FakePolicy(make_charter())
    message = fake.add_message("C1", "UANN", "tu es un crétin")
    draft = make_draft(message.ts, platform="slack", community=TEAM, channel="C1", author_id="UANN")
    case, _ = await store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING)
    yield World(
        fake,
        store,
        clock,
        directory,
        SlackPlatform(bot, directory=directory, policy=policy, admin_client=admin),
        SlackPlatform(bot, directory=directory, policy=policy),
        case,
    )
    await store.close()
    await fake.close()


STATEMENT = Statement("fr", "Votre message a été retiré : §1 Respect", "Pourquoi : …")


async def test_delete_uses_the_admin_token(world: World) -> None:
    await world.platform.delete_message(world.case)
    [call] = world.fake.find("chat.delete")
    assert (call.token, call.args) == (ADMIN_TOKEN, {"channel": "C1", "ts": world.case.message_id})


async def test_delete_without_admin_token_is_unsupported_and_calls_nothing(world: World) -> None:
    with pytest.raises(PlatformError) as raised:
        await world.bare.delete_message(world.case)
    assert (raised.value.failure, raised.value.detail) == (PlatformFailure.UNSUPPORTED, "no admin user token")
    assert world.fake.calls == []


async def test_delete_of_a_message_already_gone_counts_as_done(world: World) -> None:
    world.fake.messages.clear()
    await world.platform.delete_message(world.case)
    assert world.fake.find("chat.delete")[0].result["error"] == "message_not_found"


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        ("cant_delete_message", PlatformFailure.FORBIDDEN),
        ("missing_scope", PlatformFailure.FORBIDDEN),
        ("not_allowed_token_type", PlatformFailure.FORBIDDEN),
        ("not_in_channel", PlatformFailure.NOT_IN_CHANNEL),
        ("channel_not_found", PlatformFailure.NOT_IN_CHANNEL),
        ("fatal_error", PlatformFailure.UNAVAILABLE),
    ],
)
async def test_slack_errors_map_to_platform_failures(world: World, error: str, failure: PlatformFailure) -> None:
    world.fake.fail("chat.delete", error)
    with pytest.raises(PlatformError) as raised:
        await world.platform.delete_message(world.case)
    assert raised.value.failure is failure
    assert len(world.fake.find("chat.delete")) == 1


async def test_rate_limit_is_retried_honouring_retry_after(world: World) -> None:
    world.fake.fail("chat.delete", "ratelimited", status=429, retry_after=0)
    await world.platform.delete_message(world.case)
    assert [c.result["ok"] for c in world.fake.find("chat.delete")] == [False, True]


async def test_rate_limit_past_the_retries_is_unavailable(world: World) -> None:
    world.fake.fail("chat.delete", "ratelimited", status=429, retry_after=0, times=5)
    with pytest.raises(PlatformError) as raised:
        await world.platform.delete_message(world.case)
    assert (raised.value.failure, raised.value.detail) == (PlatformFailure.UNAVAILABLE, "ratelimited")
    assert len(world.fake.find("chat.delete")) == 2


async def test_server_errors_are_retried(world: World) -> None:
    world.fake.fail("chat.delete", "internal_error", status=503)
    await world.platform.delete_message(world.case)
    assert len(world.fake.find("chat.delete")) == 2


async def test_notice_falls_back_to_a_direct_message(world: World) -> None:
    world.fake.fail("chat.postEphemeral", "user_not_in_channel")
    await world.platform.post_notice(world.case, STATEMENT, removed=True)
    dm = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "DUANN")
    public = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "C1")
    assert dm
    assert "Votre message a été retiré" in dm[0].args["text"]
    assert public
    assert "crétin" not in str(public[0].args)


async def test_notice_fails_when_the_author_cannot_be_told_privately(world: World) -> None:
    world.fake.fail("chat.postEphemeral", "user_not_in_channel")
    world.fake.fail("conversations.open", "missing_scope")
    with pytest.raises(PlatformError) as raised:
        await world.platform.post_notice(world.case, STATEMENT, removed=True)
    assert raised.value.failure is PlatformFailure.NOT_IN_CHANNEL
    assert "the author was not told" in (raised.value.detail or "")
    assert "user_not_in_channel" in (raised.value.detail or "")


async def test_a_failed_public_notice_alerts_the_moderators_when_the_author_was_told(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.store.set_setting("slack", TEAM, "log_channel", "CLOG")
    await world.store.set_setting("slack", TEAM, "language", "en")
    world.fake.channels["C1"] = "general"
    world.fake.fail("chat.postMessage", "not_in_channel", channel="C1")

    with caplog.at_level("WARNING", logger="bot.adapters.slack_platform"):
        await world.platform.post_notice(world.case, STATEMENT, removed=True)

    assert world.fake.find("chat.postEphemeral")[0].result["ok"]
    [alert] = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "CLOG")
    assert f"Case #{world.case.id}: the public notice could not be posted" in alert.args["text"]
    assert "#general" in alert.args["text"]
    assert "not_in_channel" in alert.args["text"]
    assert "crétin" not in alert.args["text"]
    assert len([r for r in caplog.records if r.name == "bot.adapters.slack_platform"]) == 1


async def test_a_failed_public_notice_without_a_log_channel_is_still_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.store.set_setting("slack", TEAM, "language", "en")
    world.fake.fail("chat.postMessage", "channel_not_found", channel="C1")
    with caplog.at_level("WARNING", logger="bot.adapters.slack_platform"):
        await world.platform.post_notice(world.case, STATEMENT, removed=True)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.adapters.slack_platform"]
    assert f"Case #{world.case.id}" in line
    assert "channel_not_found" in line


async def test_notice_lands_in_the_thread_the_message_was_in(world: World) -> None:
    world.platform.note_thread("C1", world.case.message_id, "1699999999.000001")
    await world.platform.post_notice(world.case, STATEMENT, removed=True)
    [public] = world.fake.find("chat.postMessage")
    assert public.args["thread_ts"] == "1699999999.000001"


async def test_cards_need_a_review_channel(world: World) -> None:
    with pytest.raises(PlatformError) as raised:
        await world.platform.send_card(world.case, RESPECT, "degraded")
    assert raised.value.failure is PlatformFailure.UNSUPPORTED
    await world.store.set_setting("slack", TEAM, "log_channel", "CLOG")
    await world.platform.send_card(world.case, RESPECT, "degraded")
    assert world.fake.find("chat.postMessage")[0].args["channel"] == "CLOG"


async def test_alert_goes_to_the_log_channel_escaped(world: World) -> None:
    await world.store.set_setting("slack", TEAM, "review_channel", "CREVIEW")
    await world.platform.alert(TEAM, "Case #1 <!channel> failed")
    [call] = world.fake.find("chat.postMessage")
    assert call.args["channel"] == "CREVIEW"
    assert "&lt;!channel&gt;" in call.args["text"]


async def test_restore_posts_as_the_author_with_a_mark(world: World) -> None:
    await world.platform.restore_message(world.case)
    [call] = world.fake.find("chat.postMessage")
    assert (call.args["username"], call.args["icon_url"]) == ("Ann", "https://avatars.test/UANN.png")
    assert call.args["text"] == "tu es un crétin"
    assert "Rétabli après examen" in str(call.args["blocks"])


async def test_restore_pings_nobody_again(world: World) -> None:
    world.fake.add_user("UBO", "Bo")
    raw = "<!channel> <!here> <!everyone|everyone> <!subteam^S1|@mods> <@UBO> <@UGHOST> tu es un crétin"
    case = replace(world.case, content=raw)

    await world.platform.restore_message(case)

    [call] = world.fake.find("chat.postMessage")
    shown = json.dumps([call.args["text"], call.args["blocks"]], ensure_ascii=False)
    for token in ("<!channel>", "<!here>", "<!everyone", "<!subteam^", "<@UBO>", "<@UGHOST>"):
        assert token not in shown
    assert call.args["text"].endswith("@mods @Bo @user tu es un crétin")
    assert call.args.get("link_names") in (None, False, "0", "false")


async def test_slack_has_no_timeout_so_moderators_are_told(world: World) -> None:
    await world.store.set_setting("slack", TEAM, "log_channel", "CLOG")
    with pytest.raises(PlatformError) as raised:
        await world.platform.timeout_member(world.case, datetime(2026, 3, 2, tzinfo=UTC), "3 cases in 24 h")
    assert raised.value.failure is PlatformFailure.UNSUPPORTED
    [alert] = world.fake.find("chat.postMessage")
    assert alert.args["channel"] == "CLOG"
    assert "<@UANN> a atteint le seuil de récidive du §1 (3 cases in 24 h)" in alert.args["text"]


async def test_directory_caches_users_briefly(world: World) -> None:
    first = await world.directory.actor(TEAM, "UANN")
    await world.directory.actor(TEAM, "UANN")
    assert len(world.fake.find("users.info")) == 1
    world.clock.advance(minutes=11)
    await world.directory.actor(TEAM, "UANN")
    assert len(world.fake.find("users.info")) == 2
    assert (first.name, first.locale, first.is_moderator) == ("Ann", "fr-FR", False)
    assert first.community == TEAM  # the workspace its moderator flag holds in


async def test_directory_moderators_by_list_or_user_group(world: World) -> None:
    world.fake.add_user("UMOD", "Mo")
    world.fake.add_user("UGRP", "Gi")
    world.fake.groups["S1"] = ["UGRP"]
    await world.store.set_setting("slack", TEAM, "moderator_users", ["UMOD"])
    await world.store.set_setting("slack", TEAM, "moderator_usergroup", "S1")
    mod, grouped, member = [await world.directory.actor(TEAM, u) for u in ("UMOD", "UGRP", "UANN")]
    assert (mod.is_moderator, grouped.is_moderator, member.is_moderator) == (True, True, False)
    assert grouped.roles == ("moderator", "S1")


async def test_unknown_user_falls_back_to_the_workspace_language(world: World) -> None:
    await world.store.set_setting("slack", TEAM, "language", "en")
    actor = await world.directory.actor(TEAM, "UGHOST")
    assert (actor.name, actor.locale) == ("UGHOST", "en")
