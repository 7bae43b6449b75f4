"""SlackPlatform and SlackDirectory against the fake Slack: error mapping, retries, fallbacks, caching."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import install_retries
from bot.adapters.slack.blocks import ACTION_NUDGE_FIXED, ACTION_NUDGE_NOT_SPONSORED
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.platform import SlackPlatform
from bot.community import CommunityService
from bot.errors import PlatformError, PlatformFailure
from bot.models import ActionState, Case, CaseStatus, Delivery, Nudge, NudgeState, NudgeStep, PostedRef, Statement
from bot.store import SqlStore
from tests.e2e.fake_slack import ADMIN_TOKEN, BOT_TOKEN, ApiCall, FakeSlack
from tests.fakes import RESPECT, START, FakeClock, FakePolicy, make_charter, make_draft

TEAM = "T1"


@dataclass
class World:
    fake: FakeSlack
    store: SqlStore
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
    store = await SqlStore.open(tmp_path / "vigie.sqlite3")
    clock = FakeClock()
    bot = install_retries(AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url), rate_limit_retries=1)
    admin = install_retries(AsyncWebClient(token=ADMIN_TOKEN, base_url=fake.base_url), rate_limit_retries=1)
    community = CommunityService(store)
    store.on_setting_change(community.invalidate)
    directory = SlackDirectory(bot, community, clock)
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


async def test_rate_limit_past_the_retries_is_rate_limited_with_its_wait(world: World) -> None:
    world.fake.fail("chat.delete", "ratelimited", status=429, retry_after=0, times=5)
    with pytest.raises(PlatformError) as raised:
        await world.platform.delete_message(world.case)
    assert (raised.value.failure, raised.value.detail) == (PlatformFailure.RATE_LIMITED, "ratelimited")
    assert raised.value.retryable
    assert raised.value.retry_after == 0
    assert len(world.fake.find("chat.delete")) == 2


async def test_server_errors_are_retried(world: World) -> None:
    world.fake.fail("chat.delete", "internal_error", status=503)
    await world.platform.delete_message(world.case)
    assert len(world.fake.find("chat.delete")) == 2


async def test_the_private_notice_is_a_direct_message_with_both_buttons(world: World) -> None:
    ref = await world.platform.send_private_notice(world.case, STATEMENT)
    [dm] = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "DUANN")
    assert ref == PostedRef("DUANN", dm.result["ts"])
    assert "Votre message a été retiré" in dm.args["text"]
    actions = [e["action_id"] for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["vigie_appeal", "vigie_see"]
    assert world.fake.find("chat.postEphemeral") == []


async def test_a_members_direct_message_channel_is_opened_once(world: World) -> None:
    first = await world.platform.send_private_notice(world.case, STATEMENT)
    second = await world.platform.send_private_notice(world.case, STATEMENT)
    assert len(world.fake.find("conversations.open")) == 1
    assert len(world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "DUANN")) == 2
    assert first is not None
    assert second is not None
    assert first.channel == second.channel == "DUANN"


async def test_a_kept_direct_message_channel_slack_refuses_is_opened_again_next_time(world: World) -> None:
    await world.platform.send_private_notice(world.case, STATEMENT)
    world.fake.fail("chat.postMessage", "channel_not_found", channel="DUANN")
    assert await world.platform.send_private_notice(world.case, STATEMENT) is None  # told ephemerally, as before
    assert len(world.fake.find("chat.postEphemeral")) == 1
    ref = await world.platform.send_private_notice(world.case, STATEMENT)
    assert len(world.fake.find("conversations.open")) == 2
    assert ref is not None
    assert ref.channel == "DUANN"
    assert len(world.fake.find("chat.postMessage", lambda c: c.result.get("ok") is True)) == 2


async def test_the_private_notice_falls_back_to_an_ephemeral_message(world: World) -> None:
    world.fake.fail("conversations.open", "missing_scope")
    assert await world.platform.send_private_notice(world.case, STATEMENT) is None
    [ephemeral] = world.fake.find("chat.postEphemeral")
    assert (ephemeral.args["channel"], ephemeral.args["user"]) == ("C1", "UANN")


async def test_the_private_notice_fails_when_the_author_cannot_be_told(world: World) -> None:
    world.fake.fail("chat.postEphemeral", "user_not_in_channel")
    world.fake.fail("conversations.open", "missing_scope")
    with pytest.raises(PlatformError) as raised:
        await world.platform.send_private_notice(world.case, STATEMENT)
    assert raised.value.failure is PlatformFailure.FORBIDDEN
    assert "the author was not told" in (raised.value.detail or "")
    assert "user_not_in_channel" in (raised.value.detail or "")


async def test_the_public_notice_quotes_nothing_and_returns_its_ts(world: World) -> None:
    ts = await world.platform.post_notice(world.case, STATEMENT, removed=True, told_privately=True)
    [public] = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "C1")
    assert ts == public.result["ts"]
    assert "crétin" not in str(public.args)


async def test_a_failed_public_notice_alerts_the_moderators_when_the_author_was_told(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.store.set_setting("slack", TEAM, "log_channel", "CLOG")
    await world.store.set_setting("slack", TEAM, "language", "en")
    world.fake.channels["C1"] = "general"
    world.fake.fail("chat.postMessage", "not_in_channel", channel="C1")

    with caplog.at_level("WARNING", logger="bot.adapters.slack.platform"), pytest.raises(PlatformError):
        await world.platform.post_notice(world.case, STATEMENT, removed=True, told_privately=True)

    [alert] = world.fake.find("chat.postMessage", lambda c: c.args["channel"] == "CLOG")
    assert f"Case #{world.case.id}: the public notice could not be posted" in alert.args["text"]
    assert "#general" in alert.args["text"]
    assert "not_in_channel" in alert.args["text"]
    assert "crétin" not in alert.args["text"]
    assert len([r for r in caplog.records if r.name == "bot.adapters.slack.platform"]) == 1


async def test_a_failed_public_notice_without_a_log_channel_is_still_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.store.set_setting("slack", TEAM, "language", "en")
    world.fake.fail("chat.postMessage", "channel_not_found", channel="C1")
    with caplog.at_level("WARNING", logger="bot.adapters.slack.platform"), pytest.raises(PlatformError):
        await world.platform.post_notice(world.case, STATEMENT, removed=True, told_privately=True)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.adapters.slack.platform"]
    assert f"Case #{world.case.id}" in line
    assert "channel_not_found" in line


async def test_notice_lands_in_the_thread_the_message_was_in(world: World) -> None:
    world.platform.note_thread("C1", world.case.message_id, "1699999999.000001")
    await world.platform.post_notice(world.case, STATEMENT, removed=True, told_privately=True)
    [public] = world.fake.find("chat.postMessage")
    assert public.args["thread_ts"] == "1699999999.000001"


async def test_a_retracted_notice_loses_its_buttons_and_a_gone_one_is_fine(world: World) -> None:
    await world.platform.retract_notice(world.case, PostedRef("C1", "1700.1"), "Reversed after review.")
    [update] = world.fake.find("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C1", "1700.1")
    assert update.args["text"] == "<@UANN> Reversed after review."
    assert [b["type"] for b in update.args["blocks"]] == ["section"]
    world.fake.fail("chat.update", "message_not_found")
    await world.platform.retract_notice(world.case, PostedRef("DUANN", "1700.2"), "Reversed <!channel>.")
    assert world.fake.find("chat.update")[1].args["text"] == "Reversed &lt;!channel&gt;."


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


async def test_a_restore_after_a_restart_lands_in_the_thread_kept_on_the_case(world: World) -> None:
    message = world.fake.add_message("C1", "UANN", "un autre crétin")
    draft = make_draft(
        message.ts, platform="slack", community=TEAM, channel="C1", author_id="UANN", thread="1699999999.000001"
    )
    case, _ = await world.store.create_case(draft, CaseStatus.OVERTURNED, ActionState.DONE)
    stored = await world.store.get_case(case.id)
    assert stored is not None
    assert stored.thread == "1699999999.000001"
    # A fresh platform, as after a restart: it has seen no thread, the case remembers it.
    assert world.platform.thread_of("C1", message.ts) is None
    await world.platform.restore_message(stored)
    [call] = world.fake.find("chat.postMessage")
    assert call.args["thread_ts"] == "1699999999.000001"


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


def make_nudge(message_ts: str, **changes: object) -> Nudge:
    nudge = Nudge(
        id=7,
        platform="slack",
        community=TEAM,
        channel="C1",
        message_id=message_ts,
        author_id="UANN",
        lang="fr",
        jurisdiction="fr",
        severity="missing",
        label=None,
        suggested_label="Publicité",
        brand=None,
        signals=("promo_code: MAYA20",),
        suggestion="Publicité — -20 % avec le code MAYA20",
        state=NudgeState.OPEN,
        delivery=Delivery.PENDING,
        attempts=1,
        delivery_error=None,
        note=None,
        resolved_by=None,
        created_at=START,
        updated_at=START,
        claimed_at=START,
        reminded_at=None,
        escalated_at=None,
        resolved_at=None,
    )
    return replace(nudge, **changes)  # type: ignore[arg-type]


NOTE = "Bonjour !\n> Publicité — <@UBO> &amp; <https://amzn.to/x|amzn.to/x>\nRien n'a été retiré."


def nudge_buttons(call: ApiCall) -> list[tuple[str, str]]:
    blocks = call.args["blocks"]
    return [(e["action_id"], e["value"]) for b in blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize(
    ("step", "first", "second"),
    [("nudge", "chat.postEphemeral", "chat.postMessage"), ("remind", "chat.postMessage", "chat.postEphemeral")],
)
async def test_a_nudge_reaches_the_author_one_way_or_the_other(
    world: World, step: NudgeStep, first: str, second: str
) -> None:
    world.fake.add_user("UBO", "Bo")
    nudge = make_nudge(world.case.message_id)

    await world.platform.send_nudge(nudge, step, NOTE)
    [sent] = world.fake.find(first)
    assert world.fake.find(second) == []
    assert (sent.args.get("user"), sent.args["channel"]) == (
        ("UANN", "C1") if first.endswith("Ephemeral") else (None, "DUANN")
    )
    assert nudge_buttons(sent) == [(ACTION_NUDGE_FIXED, "7"), (ACTION_NUDGE_NOT_SPONSORED, "7")]
    shown = sent.args["blocks"][0]["text"]["text"]
    assert "> Publicité — @Bo &amp; https://amzn.to/x" in shown  # readable, copyable, and pings nobody
    assert "<@" not in shown

    world.fake.calls.clear()
    world.fake.fail(first, "user_not_in_channel" if first.endswith("Ephemeral") else "channel_not_found")
    await world.platform.send_nudge(nudge, step, NOTE)
    assert [c.result["ok"] for c in world.fake.find(first)] == [False]
    assert [c.result["ok"] for c in world.fake.find(second)] == [True]


async def test_a_nudge_that_reaches_nobody_raises_for_the_core_to_record(world: World) -> None:
    world.fake.fail("chat.postEphemeral", "user_not_in_channel")
    world.fake.fail("conversations.open", "cannot_dm_bot")
    with pytest.raises(PlatformError) as raised:
        await world.platform.send_nudge(make_nudge(world.case.message_id), "nudge", NOTE)
    assert raised.value.failure is PlatformFailure.NOT_IN_CHANNEL
    assert raised.value.detail == "the author was not told: user_not_in_channel, then cannot_dm_bot"


async def test_a_nudge_about_a_thread_reply_lands_in_its_thread(world: World) -> None:
    world.platform.note_thread("C1", world.case.message_id, "1699999999.000001")
    await world.platform.send_nudge(make_nudge(world.case.message_id), "nudge", NOTE)
    assert world.fake.find("chat.postEphemeral")[0].args["thread_ts"] == "1699999999.000001"


async def test_message_link_falls_back_to_the_archive_address(world: World) -> None:
    assert await world.platform.message_link(TEAM, "C1", "1700000000.000100") == (
        "https://vigie.test/archives/C1/p1700000000000100"
    )
    world.fake.fail("chat.getPermalink", "message_not_found")
    assert await world.platform.message_link(TEAM, "C1", "1700000000.000100") == (
        "https://slack.com/archives/C1/p1700000000000100"
    )


async def test_a_staff_note_names_members_without_notifying_them(world: World) -> None:
    world.fake.add_user("UEVIL", "<!channel> & co")
    text = "Reminder #7: <@UANN>'s post (https://vigie.test/p1) — cc <@UEVIL>, <@UGHOST> <!here>"

    await world.platform.post_to_channel(TEAM, "CCOMP", text)

    [call] = world.fake.find("chat.postMessage")
    assert call.args["channel"] == "CCOMP"
    assert call.args["text"] == (
        "Reminder #7: @Ann's post (https://vigie.test/p1) — cc @&lt;!channel&gt; &amp; co, @UGHOST @\u200dhere"
    )
    assert call.args["unfurl_links"] in (False, "false", "0")


async def test_a_staff_note_that_cannot_be_posted_raises(world: World) -> None:
    world.fake.fail("chat.postMessage", "not_in_channel", channel="CCOMP")
    with pytest.raises(PlatformError) as raised:
        await world.platform.post_to_channel(TEAM, "CCOMP", "Reminder #7")
    assert raised.value.failure is PlatformFailure.NOT_IN_CHANNEL


async def test_directory_user_groups_are_read_once_per_workspace_and_cached(world: World) -> None:
    world.fake.groups.update({"S1": ["UANN", "UBO"], "S2": ["UANN"], "S3": ["UBO"]})
    world.fake.group_handles.update({"S1": "ambassador", "S2": "@creators", "S3": "staff"})

    groups = await world.directory.groups_of(TEAM, "UANN")
    assert [(g.id, g.handle) for g in groups] == [("S1", "ambassador"), ("S2", "creators")]
    assert await world.directory.groups_of(TEAM, "UNOBODY") == ()
    assert len(world.fake.find("usergroups.list")) == 1
    assert world.fake.find("usergroups.list")[0].args["include_users"] in ("1", "true", True)
    world.clock.advance(minutes=2)
    assert [g.id for g in await world.directory.groups_of(TEAM, "UBO")] == ["S1", "S3"]
    assert len(world.fake.find("usergroups.list")) == 2


@pytest.mark.parametrize(("error", "calls_after"), [("missing_scope", 1), ("fatal_error", 2)])
async def test_directory_user_groups_refused_mean_none(world: World, error: str, calls_after: int) -> None:
    world.fake.groups["S1"] = ["UANN"]
    world.fake.fail("usergroups.list", error)
    assert await world.directory.groups_of(TEAM, "UANN") == ()
    # A missing scope will not fix itself within the minute; a passing failure is asked again at once.
    await world.directory.groups_of(TEAM, "UANN")
    assert len(world.fake.find("usergroups.list")) == calls_after
