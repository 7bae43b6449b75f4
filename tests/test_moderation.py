"""Moderation pipeline on a real SQLite file: record before act, act once, degrade honestly, escalate, resume."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cases.actions import AUTOMOD_ACTOR, CaseActions
from bot.errors import NotFoundError, PlatformFailure, TransitionError
from bot.models import SYSTEM_ACTOR, Action, ActionState, Actor, Case, CaseSource, CaseStatus, StepKind, StepState
from bot.moderation import ModerationService
from bot.store import SqlStore
from tests.fakes import (
    AUTHOR,
    FOREIGN_MODERATOR,
    MEMBER,
    MODERATOR,
    OTHER_MODERATOR,
    Env,
    build_env,
    make_charter,
    make_draft,
    make_message,
)

INSULT = "franchement tu es un crétin"


# --- automated screening ----------------------------------------------------------------------


async def test_an_allowed_message_leaves_no_trace(env: Env) -> None:
    outcome = await env.moderation.handle_message(make_message("bonjour à toutes et à tous"))
    assert outcome.verdict.action is Action.ALLOW
    assert outcome.case is None
    assert not outcome.created
    assert await env.store.case_for_message("discord", "g1", "c1", "m1") is None
    assert env.platform.calls == []


async def test_a_removal_is_recorded_then_carried_out_then_explained(env: Env) -> None:
    outcome = await env.moderation.handle_message(make_message(INSULT))
    case = outcome.case
    assert outcome.created
    assert case is not None
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (case.rule_id, case.clause, case.source, case.actor_id) == ("respect", 1, CaseSource.AUTOMATED, SYSTEM_ACTOR)
    assert case.automated
    assert case.content == INSULT
    assert case.lang == "fr"
    assert case.charter_version == env.policy.charter.version
    assert case.charter_hash == env.policy.charter.content_hash
    assert case.evidence
    assert case.created_at == env.clock.now()
    assert [c.method for c in env.platform.calls] == ["delete_message", "send_private_notice", "post_notice"]
    notice = env.platform.named("post_notice")[0]
    assert notice.removed is True
    assert notice.statement is not None
    assert "crétin" not in notice.statement.text
    assert await env.trail_events(case.id) == ["created", "deleted", "private_notice_sent", "notice_posted"]


async def test_the_case_is_committed_before_the_platform_is_asked_to_delete(env: Env) -> None:
    seen: list[Case | None] = []

    async def look_from_another_connection(case: Case) -> None:
        other = await SqlStore.open(env.path)
        try:
            seen.append(await other.case_for_message(case.platform, case.community, case.channel, case.message_id))
        finally:
            await other.close()

    env.platform.hooks["delete_message"] = look_from_another_connection
    await env.moderation.handle_message(make_message(INSULT))
    assert len(seen) == 1
    committed = seen[0]
    assert committed is not None
    assert committed.content == INSULT
    assert committed.action_state is ActionState.PENDING
    assert env.platform.named("delete_message")


@pytest.mark.parametrize(
    "failure",
    [
        PlatformFailure.FORBIDDEN,
        PlatformFailure.UNSUPPORTED,
        PlatformFailure.NOT_IN_CHANNEL,
    ],
)
async def test_a_refused_delete_keeps_the_case_and_degrades_honestly(env: Env, failure: PlatformFailure) -> None:
    env.platform.fail("delete_message", failure, "Missing Permissions")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    case = await env.store.case_for_message("discord", "g1", "c1", "m1")
    assert case is not None
    assert outcome.case == case
    assert case.action_state is ActionState.FAILED
    assert case.action_error == f"{failure.value}: Missing Permissions"
    assert case.content == INSULT
    assert [c.method for c in env.platform.calls] == ["alert", "send_card", "send_private_notice", "post_notice"]
    alert = env.platform.named("alert")[0]
    assert alert.community == "g1"
    assert alert.text is not None
    assert f"#{case.id}" in alert.text
    assert "crétin" not in alert.text
    assert env.platform.named("send_card")[0].kind == "degraded"
    assert env.platform.named("post_notice")[0].removed is False
    events = await env.trail_events(case.id)
    assert events[:2] == ["created", "action_failed"]
    assert {"alert_sent", "card_sent", "notice_posted"} <= set(events)


async def test_a_message_already_gone_counts_as_removed(env: Env) -> None:
    env.platform.fail("delete_message", PlatformFailure.NOT_FOUND, "Unknown Message")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.DONE
    assert env.platform.named("post_notice")[0].removed is True
    trail = await env.store.audit_trail(outcome.case.id)
    assert trail[1].event == "deleted"
    assert trail[1].detail == "the message was already gone"


async def test_every_platform_step_can_fail_without_losing_the_case(env: Env) -> None:
    for method in ("delete_message", "post_notice", "send_card", "alert"):
        env.platform.fail(method, PlatformFailure.FORBIDDEN, "403")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    case = await env.store.get_case(outcome.case.id)
    assert case is not None
    assert case.action_state is ActionState.FAILED
    events = await env.trail_events(case.id)
    assert {"action_failed", "alert_failed", "card_failed", "notice_failed"} <= set(events)


async def test_an_adapter_bug_is_contained_and_recorded(env: Env) -> None:
    async def broken(case: Case) -> None:
        raise KeyError("oops")

    env.platform.hooks["delete_message"] = broken
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.FAILED
    assert outcome.case.action_error == "unsupported: unexpected KeyError"


async def test_a_notice_that_cannot_be_posted_is_audited(env: Env) -> None:
    env.platform.fail("post_notice", PlatformFailure.FORBIDDEN, "Cannot send messages")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.DONE
    assert await env.trail_events(outcome.case.id) == ["created", "deleted", "private_notice_sent", "notice_failed"]


async def test_a_message_is_acted_on_at_most_once(env: Env) -> None:
    first = await env.moderation.handle_message(make_message(INSULT))
    edited = replace(make_message("tu es vraiment un idiot de crétin"), edited=True)
    second = await env.moderation.handle_message(edited)
    replay = await env.moderation.handle_message(make_message(INSULT))
    assert first.created
    assert not second.created
    assert not replay.created
    assert first.case is not None
    assert second.case is not None
    assert second.case.id == first.case.id
    assert second.case.content == INSULT
    assert len(env.platform.named("delete_message")) == 1
    assert len(env.platform.named("post_notice")) == 1


async def test_a_warning_is_a_notice_without_removal(env: Env) -> None:
    outcome = await env.moderation.handle_message(make_message("zut alors"))
    case = outcome.case
    assert case is not None
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.WARN, ActionState.DONE)
    assert [c.method for c in env.platform.calls] == ["send_private_notice", "post_notice"]
    assert env.platform.named("post_notice")[0].removed is False
    assert await env.trail_events(case.id) == ["created", "private_notice_sent", "notice_posted", "warned"]


async def test_a_warning_that_cannot_be_posted_is_marked_failed(env: Env) -> None:
    env.platform.fail("post_notice", PlatformFailure.NOT_IN_CHANNEL)
    env.platform.fail("send_private_notice", PlatformFailure.FORBIDDEN)
    outcome = await env.moderation.handle_message(make_message("zut alors"))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.FAILED
    assert outcome.case.action_error == "not_in_channel"
    assert env.platform.named("alert")


async def test_a_doubtful_message_goes_to_humans_and_stays_up(env: Env) -> None:
    outcome = await env.moderation.handle_message(make_message("c'est une arnaque ce site"))
    case = outcome.case
    assert case is not None
    assert (case.status, case.action, case.action_state) == (CaseStatus.REVIEW, Action.REVIEW, ActionState.NONE)
    assert [(c.method, c.kind) for c in env.platform.calls] == [("send_card", "review")]
    assert await env.trail_events(case.id) == ["created", "card_sent"]


async def test_a_review_card_that_cannot_be_posted_raises_an_alert(env: Env) -> None:
    env.platform.fail("send_card", PlatformFailure.FORBIDDEN)
    outcome = await env.moderation.handle_message(make_message("c'est une arnaque ce site"))
    assert outcome.case is not None
    assert env.platform.named("alert")
    assert await env.trail_events(outcome.case.id) == ["created", "card_failed", "alert_sent"]


async def test_a_platform_not_connected_yet_leaves_the_removal_pending_not_failed(tmp_path: Path) -> None:
    env = await build_env(tmp_path / "db.sqlite3")
    lonely = ModerationService(env.store, env.policy, env.clock, CaseActions(env.store, env.policy, env.clock, {}))
    outcome = await lonely.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.PENDING  # tried again once Discord is connected
    delete = (await env.store.steps_of(outcome.case.id))[StepKind.DELETE]
    assert delete.state is StepState.PENDING
    assert "no discord connection yet" in (delete.error or "")
    await env.store.close()


async def test_platforms_registered_after_wiring_are_used(tmp_path: Path) -> None:
    env = await build_env(tmp_path / "db.sqlite3")
    platforms: dict[str, object] = {}
    actions = CaseActions(env.store, env.policy, env.clock, platforms)  # type: ignore[arg-type]
    service = ModerationService(env.store, env.policy, env.clock, actions)
    platforms["discord"] = env.platform
    outcome = await service.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.DONE
    await env.store.close()


async def test_a_charter_reload_takes_effect_on_the_next_message(env: Env) -> None:
    env.policy.swap(make_charter(version="2026.04"))
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.charter_version == "2026.04"


async def test_the_language_comes_from_the_author_then_the_message(env: Env) -> None:
    no_locale = replace(AUTHOR, locale=None)
    message = replace(make_message(INSULT, author=no_locale), lang="en")
    outcome = await env.moderation.handle_message(message)
    assert outcome.case is not None
    assert outcome.case.lang == "en"


async def test_one_info_line_per_enforcement_without_the_content(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.cases.actions"):
        outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 1
    assert f"case {outcome.case.id}" in lines[0]
    assert "discord" in lines[0]
    assert "clause 1" in lines[0]
    assert "remove" in lines[0]
    assert all("crétin" not in r.getMessage() for r in caplog.records)


# --- escalation -------------------------------------------------------------------------------


async def test_the_third_offence_within_the_window_times_the_author_out(env: Env) -> None:
    for n in range(1, 4):
        env.clock.advance(hours=1)
        await env.moderation.handle_message(make_message(INSULT, f"m{n}"))
        timeouts = env.platform.named("timeout_member")
        assert len(timeouts) == (1 if n == 3 else 0)
    timeout = env.platform.named("timeout_member")[0]
    assert timeout.until == env.clock.now() + timedelta(minutes=60)
    assert "3 enforced cases" in (timeout.text or "")
    case = await env.store.case_for_message("discord", "g1", "c1", "m3")
    assert case is not None
    assert "timeout" in await env.trail_events(case.id)


async def test_offences_outside_the_window_or_overturned_do_not_count(env: Env) -> None:
    await env.moderation.handle_message(make_message(INSULT, "old"))
    env.clock.advance(hours=25)
    first = await env.moderation.handle_message(make_message(INSULT, "m1"))
    assert first.case is not None
    await env.cases.override(first.case.id, MODERATOR, "overturn", "it was a quote")
    await env.moderation.handle_message(make_message(INSULT, "m2"))
    await env.moderation.handle_message(make_message(INSULT, "m3"))
    assert env.platform.named("timeout_member") == []


async def test_a_refused_timeout_is_audited(env: Env) -> None:
    env.platform.fail("timeout_member", PlatformFailure.FORBIDDEN, "Missing Permissions")
    for n in range(3):
        await env.moderation.handle_message(make_message(INSULT, f"m{n}"))
    case = await env.store.case_for_message("discord", "g1", "c1", "m2")
    assert case is not None
    trail = await env.store.audit_trail(case.id)
    assert trail[-1].event == "timeout_failed"
    assert trail[-1].detail == "forbidden: Missing Permissions"


# --- manual removal, reports, platform filters ------------------------------------------------


async def test_a_moderator_removes_a_message_by_hand(env: Env) -> None:
    case = await env.moderation.remove_manually(
        make_message("message banal", "m9"), "spam", MODERATOR, "  pub déguisée "
    )
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (case.source, case.automated, case.actor_id) == (CaseSource.MODERATOR, False, MODERATOR.id)
    assert (case.rule_id, case.clause) == ("spam", 4)
    assert case.decision_reason == "pub déguisée"
    assert case.evidence[0].matcher == "moderator"
    assert [c.method for c in env.platform.calls] == ["delete_message", "send_private_notice", "post_notice"]
    trail = await env.store.audit_trail(case.id)
    assert [(e.event, e.actor_id) for e in trail][:2] == [("created", MODERATOR.id), ("removal_decided", MODERATOR.id)]


@pytest.mark.parametrize(
    ("actor", "rule_id", "reason", "error"),
    [
        (MEMBER, "spam", "pub", TransitionError),
        (MODERATOR, "no-such-rule", "pub", NotFoundError),
        (MODERATOR, "spam", "   ", TransitionError),
        (MODERATOR, "spam", "x" * 1001, TransitionError),
    ],
)
async def test_manual_removal_refusals(
    env: Env, actor: object, rule_id: str, reason: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await env.moderation.remove_manually(make_message("hello"), rule_id, actor, reason)  # type: ignore[arg-type]
    assert await env.store.case_for_message("discord", "g1", "c1", "m1") is None
    assert env.platform.calls == []


async def test_manual_removal_of_a_message_held_for_review_takes_over_its_case(env: Env) -> None:
    held = await env.moderation.handle_message(make_message("une arnaque"))
    assert held.case is not None
    case = await env.moderation.remove_manually(make_message("une arnaque"), "scam", MODERATOR, "confirmed scam")
    assert case.id == held.case.id
    assert (case.status, case.action_state, case.actor_id, case.automated) == (
        CaseStatus.ACTIONED,
        ActionState.DONE,
        MODERATOR.id,
        False,
    )
    assert env.platform.named("delete_message")


async def test_manual_removal_retries_a_failed_automatic_removal(env: Env) -> None:
    env.platform.fail("delete_message")
    first = await env.moderation.handle_message(make_message(INSULT))
    assert first.case is not None
    assert first.case.action_state is ActionState.FAILED
    env.platform.heal()
    retried = await env.moderation.remove_manually(make_message(INSULT), "respect", MODERATOR, "permissions fixed")
    assert retried.id == first.case.id
    assert retried.action_state is ActionState.DONE
    assert retried.action_error is None


async def test_manual_removal_of_an_already_removed_message_says_so(env: Env) -> None:
    await env.moderation.handle_message(make_message(INSULT))
    with pytest.raises(TransitionError, match="already removed"):
        await env.moderation.remove_manually(make_message(INSULT), "respect", MODERATOR, "again")
    assert len(env.platform.named("delete_message")) == 1


async def test_a_report_of_a_clean_message_goes_to_review_under_the_first_review_clause(env: Env) -> None:
    case = await env.moderation.report(make_message("rien à signaler"), MEMBER, "il me harcèle en DM")
    assert (case.status, case.action, case.source, case.automated) == (
        CaseStatus.REVIEW,
        Action.REVIEW,
        CaseSource.REPORT,
        False,
    )
    assert (case.rule_id, case.clause) == ("scam", 3)
    assert case.evidence[-1].matcher == "report"
    assert case.evidence[-1].detail == "il me harcèle en DM"
    assert [(c.method, c.kind) for c in env.platform.calls] == [("send_card", "report")]


async def test_a_report_never_removes_even_when_the_engine_would(env: Env) -> None:
    case = await env.moderation.report(make_message(INSULT), MEMBER, "insulte")
    assert case.status is CaseStatus.REVIEW
    assert (case.rule_id, case.clause) == ("respect", 1)
    assert [e.matcher for e in case.evidence][-1] == "report"
    assert len(case.evidence) >= 2
    assert env.platform.named("delete_message") == []


async def test_a_second_report_returns_the_existing_case(env: Env) -> None:
    first = await env.moderation.report(make_message("bof"), MEMBER, "spam ?")
    second = await env.moderation.report(make_message("bof"), OTHER_MODERATOR, "vraiment")
    assert second.id == first.id
    assert len(env.platform.named("send_card")) == 1
    trail = await env.store.audit_trail(first.id)
    assert [(e.event, e.actor_id) for e in trail][-1] == ("reported", OTHER_MODERATOR.id)


@pytest.mark.parametrize(("rule_name", "expected"), [("spam", "spam"), ("Spam", "spam"), ("Block words", "respect")])
async def test_a_platform_filter_removal_is_recorded_and_explained(env: Env, rule_name: str, expected: str) -> None:
    case = await env.moderation.record_platform_automod(make_message("gagnez au casino"), rule_name)
    assert case.rule_id == expected
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (case.source, case.actor_id) == (CaseSource.PLATFORM_AUTOMOD, AUTOMOD_ACTOR)
    assert [(c.method, c.removed) for c in env.platform.calls] == [("send_private_notice", None), ("post_notice", True)]
    again = await env.moderation.record_platform_automod(make_message("gagnez au casino"), rule_name)
    assert again.id == case.id
    assert len(env.platform.calls) == 2


# --- crash recovery and retention -------------------------------------------------------------


async def test_resume_carries_out_a_removal_recorded_before_a_crash(env: Env) -> None:
    crashed, _ = await env.store.create_case(
        make_draft("m7", created_at=env.clock.now()), CaseStatus.ACTIONED, ActionState.PENDING
    )
    assert env.platform.calls == []
    assert await env.moderation.resume_pending() == 1
    case = await env.store.get_case(crashed.id)
    assert case is not None
    assert case.action_state is ActionState.DONE
    assert [c.method for c in env.platform.calls] == ["delete_message", "send_private_notice", "post_notice"]
    assert await env.moderation.resume_pending() == 0


async def test_resume_after_a_restart_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    before = await build_env(path)
    before.platform.fail("delete_message", PlatformFailure.UNAVAILABLE)
    crashed, _ = await before.store.create_case(make_draft("m5"), CaseStatus.ACTIONED, ActionState.PENDING)
    await before.store.close()

    after = await build_env(path)
    assert await after.moderation.resume_pending() == 1
    case = await after.store.get_case(crashed.id)
    assert case is not None
    assert case.action_state is ActionState.DONE
    assert after.platform.named("delete_message")[0].case_id == crashed.id
    await after.store.close()


async def test_resume_finishes_a_restore_and_tells_the_author(env: Env) -> None:
    case, _ = await env.store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.DONE)
    entry = replace((await env.store.audit_trail(case.id))[0], event="overturned", actor_id=MODERATOR.id)
    await env.store.transition(
        case.id,
        expected=(CaseStatus.ACTIONED,),
        entry=entry,
        status=CaseStatus.OVERTURNED,
        restore_state=ActionState.PENDING,
    )
    assert await env.moderation.resume_pending() == 1
    restored = await env.store.get_case(case.id)
    assert restored is not None
    assert restored.restore_state is ActionState.DONE
    assert [c.method for c in env.platform.calls] == ["restore_message", "notify_author"]


async def test_resume_calls_off_a_removal_whose_case_was_overturned(env: Env) -> None:
    case, _ = await env.store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    entry = replace((await env.store.audit_trail(case.id))[0], event="overridden", actor_id=MODERATOR.id)
    await env.store.transition(case.id, expected=(CaseStatus.ACTIONED,), entry=entry, status=CaseStatus.OVERTURNED)
    assert await env.moderation.resume_pending() == 1
    cancelled = await env.store.get_case(case.id)
    assert cancelled is not None
    assert cancelled.action_state is ActionState.NONE
    assert env.platform.named("delete_message") == []


async def test_purge_expired_follows_the_charter_retention(env: Env) -> None:
    old = await env.moderation.handle_message(make_message(INSULT, "old"))
    env.clock.advance(days=100)
    recent = await env.moderation.handle_message(make_message(INSULT, "recent"))
    env.clock.advance(days=81)
    assert await env.moderation.purge_expired() == 1
    assert old.case is not None
    assert recent.case is not None
    assert (await env.cases.get(old.case.id)).content is None
    assert (await env.cases.get(recent.case.id)).content == INSULT


async def test_resume_pending_only_touches_the_platform_that_connected(tmp_path: Path) -> None:
    env = await build_env(tmp_path / "v.sqlite3")
    try:
        await env.store.create_case(make_draft("s1", platform="slack"), CaseStatus.ACTIONED, ActionState.PENDING)
        assert await env.moderation.resume_pending("discord") == 0
        pending = await env.store.case_for_message("slack", "g1", "c1", "s1")
        assert pending is not None
        assert pending.action_state is ActionState.PENDING
        assert await env.moderation.resume_pending("slack") == 1
    finally:
        await env.store.close()


# --- community scope of moderator removals and reports ----------------------------------------


@pytest.mark.parametrize(
    ("moderator", "match"),
    [
        (FOREIGN_MODERATOR, "community"),
        (Actor("slack", MODERATOR.id, is_moderator=True, community="g1"), "community"),
        (replace(MODERATOR, community=""), "which community"),
    ],
    ids=["other-guild", "other-platform", "no-community"],
)
async def test_only_a_moderator_of_the_messages_community_removes_it(env: Env, moderator: Actor, match: str) -> None:
    with pytest.raises(TransitionError, match=match):
        await env.moderation.remove_manually(make_message("message banal"), "spam", moderator, "pub")
    assert await env.store.case_for_message("discord", "g1", "c1", "m1") is None
    assert env.platform.calls == []


async def test_a_report_from_another_community_is_refused(env: Env) -> None:
    outsider = replace(MEMBER, community="g2")
    with pytest.raises(TransitionError, match="community"):
        await env.moderation.report(make_message("bof"), outsider, "spam ?")
    held = await env.moderation.handle_message(make_message("une arnaque", "m2"))
    assert held.case is not None
    trail = await env.store.audit_trail(held.case.id)
    with pytest.raises(TransitionError, match="community"):
        await env.moderation.report(make_message("une arnaque", "m2"), outsider, "spam ?")
    assert await env.store.case_for_message("discord", "g1", "c1", "m1") is None
    assert await env.store.audit_trail(held.case.id) == trail


# --- one message, one case, per channel -------------------------------------------------------


async def test_the_same_message_id_in_two_channels_or_communities_makes_separate_cases(env: Env) -> None:
    ts = "1760000000.000100"  # Slack ts values repeat across channels
    first = await env.moderation.handle_message(make_message(INSULT, ts))
    other_channel = await env.moderation.handle_message(make_message(INSULT, ts, channel="c2"))
    other_community = await env.moderation.handle_message(make_message(INSULT, ts, community="g2"))
    outcomes = (first, other_channel, other_community)
    assert all(o.created and o.case is not None for o in outcomes)
    assert len({o.case.id for o in outcomes if o.case}) == 3
    assert len(env.platform.named("delete_message")) == 3
    found = await env.store.case_for_message("discord", "g1", "c2", ts)
    assert found is not None
    assert found.id == other_channel.case.id  # type: ignore[union-attr]
    assert await env.store.case_for_message("discord", "g1", "c3", ts) is None
    report = await env.moderation.report(make_message(INSULT, ts, channel="c2"), MEMBER, "insulte")
    assert report.id == found.id


# --- a case's side effects are carried out once -----------------------------------------------


async def test_resume_called_while_the_delete_is_in_flight_acts_once(env: Env) -> None:
    resumed: list[int] = []

    async def reconnect(case: Case) -> None:
        if not resumed:  # Discord's READY after a re-identify, while this delete waits out a 429
            resumed.append(-1)
            resumed[0] = await env.moderation.resume_pending()

    env.platform.hooks["delete_message"] = reconnect
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert resumed == [0]
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.DONE
    assert len(env.platform.named("delete_message")) == 1
    assert len(env.platform.named("post_notice")) == 1
    assert (await env.trail_events(outcome.case.id)).count("deleted") == 1


async def test_a_concurrent_resume_leaves_a_slow_delete_to_its_caller(env: Env) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def rate_limited(case: Case) -> None:
        if not entered.is_set():
            entered.set()
            await release.wait()

    env.platform.hooks["delete_message"] = rate_limited
    handling = asyncio.ensure_future(env.moderation.handle_message(make_message(INSULT)))
    await entered.wait()
    assert await env.moderation.resume_pending() == 0
    release.set()
    outcome = await handling
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.DONE
    assert len(env.platform.named("delete_message")) == 1
    assert len(env.platform.named("post_notice")) == 1
    assert await env.moderation.resume_pending() == 0


async def test_an_overturn_during_the_delete_wins_over_the_removed_notice(env: Env) -> None:
    async def overturned_meanwhile(case: Case) -> None:
        await env.cases.override(case.id, MODERATOR, "overturn", "c'est une citation")

    env.platform.hooks["delete_message"] = overturned_meanwhile
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    case = outcome.case
    assert (case.status, case.action_state, case.restore_state) == (
        CaseStatus.OVERTURNED,
        ActionState.DONE,
        ActionState.DONE,
    )
    assert env.platform.named("post_notice") == []
    assert [c.text for c in env.platform.named("restore_message")] == [INSULT]
    assert env.platform.named("timeout_member") == []
    trail = await env.store.audit_trail(case.id)
    deleted = next(e for e in trail if e.event == "deleted")
    assert "overturned meanwhile" in (deleted.detail or "")
    assert [e.event for e in trail].count("restored") == 1


async def test_a_refused_delete_after_an_overturn_raises_no_alarm(env: Env) -> None:
    async def overturned_meanwhile(case: Case) -> None:
        await env.cases.override(case.id, MODERATOR, "overturn", "c'est une citation")

    env.platform.hooks["delete_message"] = overturned_meanwhile
    env.platform.fail("delete_message", PlatformFailure.FORBIDDEN)
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert (outcome.case.status, outcome.case.action_state) == (CaseStatus.OVERTURNED, ActionState.FAILED)
    assert [c.method for c in env.platform.calls] == ["notify_author"]


async def test_resume_during_a_restore_restores_once(env: Env) -> None:
    case = (await env.moderation.handle_message(make_message(INSULT))).case
    assert case is not None
    resumed: list[int] = []

    async def reconnect(restoring: Case) -> None:
        if not resumed:
            resumed.append(-1)
            resumed[0] = await env.moderation.resume_pending()

    env.platform.hooks["restore_message"] = reconnect
    result = await env.cases.override(case.id, MODERATOR, "overturn", "citation")
    assert resumed == [0]
    assert result.restore_state is ActionState.DONE
    assert len(env.platform.named("restore_message")) == 1
    assert len(env.platform.named("notify_author")) == 1


async def test_a_decision_re_imposed_during_the_restore_asks_for_the_copy_to_go(env: Env) -> None:
    case = (await env.moderation.handle_message(make_message(INSULT))).case
    assert case is not None

    async def upheld_meanwhile(restoring: Case) -> None:
        env.platform.hooks.pop("restore_message")
        await env.cases.override(case.id, OTHER_MODERATOR, "uphold", "finalement non")

    env.platform.hooks["restore_message"] = upheld_meanwhile
    await env.cases.override(case.id, MODERATOR, "overturn", "citation")
    final = await env.cases.get(case.id)
    assert (final.status, final.restore_state) == (CaseStatus.UPHELD, ActionState.DONE)
    alerts = [c.text or "" for c in env.platform.named("alert")]
    assert any("re-imposed while its message was being restored" in a for a in alerts)


async def test_a_removal_decided_while_a_warning_is_posted_is_still_carried_out(env: Env) -> None:
    async def moderator_steps_in(case: Case) -> None:
        if case.action is Action.WARN:
            await env.moderation.remove_manually(make_message("zut alors"), "tone", MODERATOR, "récidive")

    env.platform.hooks["post_notice"] = moderator_steps_in
    await env.moderation.handle_message(make_message("zut alors"))
    case = await env.store.case_for_message("discord", "g1", "c1", "m1")
    assert case is not None
    assert (case.action, case.action_state, case.decided_by) == (Action.REMOVE, ActionState.DONE, MODERATOR.id)
    assert len(env.platform.named("delete_message")) == 1
    assert [c.removed for c in env.platform.named("post_notice")] == [False, True]
    assert "warned" in await env.trail_events(case.id)


# --- edits that make a message worse ----------------------------------------------------------

MILD_SCAM = "c'est une arnaque ce site"
MILD_TONE = "zut alors"


@pytest.mark.parametrize("first", [MILD_SCAM, MILD_TONE], ids=["held-for-review", "warned"])
async def test_an_edit_that_adds_an_insult_is_removed(env: Env, first: str) -> None:
    original = await env.moderation.handle_message(make_message(first))
    assert original.case is not None
    env.platform.calls.clear()
    env.clock.advance(minutes=2)
    outcome = await env.moderation.handle_message(replace(make_message(INSULT), edited=True))
    case = outcome.case
    assert case is not None
    assert not outcome.created
    assert case.id == original.case.id
    assert (case.status, case.action, case.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (case.rule_id, case.clause, case.automated, case.decided_by) == ("respect", 1, True, None)
    assert case.content == INSULT
    assert case.evidence
    assert all(e.matcher != "report" for e in case.evidence)
    assert case.created_at == original.case.created_at
    assert [(c.method, c.removed) for c in env.platform.calls][:3] == [
        ("delete_message", None),
        ("send_private_notice", None),
        ("post_notice", True),
    ]
    edited = next(e for e in await env.store.audit_trail(case.id) if e.event == "edited")
    assert (edited.actor_id, edited.at) == (SYSTEM_ACTOR, env.clock.now())
    assert f"{original.case.action.value} → remove" in (edited.detail or "")
    assert "crétin" not in (edited.detail or "")


async def test_a_warned_message_edited_into_a_doubtful_one_goes_to_review(env: Env) -> None:
    await env.moderation.handle_message(make_message(MILD_TONE))
    env.platform.calls.clear()
    outcome = await env.moderation.handle_message(replace(make_message(MILD_SCAM), edited=True))
    assert outcome.case is not None
    assert (outcome.case.status, outcome.case.action, outcome.case.rule_id) == (
        CaseStatus.REVIEW,
        Action.REVIEW,
        "scam",
    )
    assert outcome.case.content == MILD_SCAM
    assert [(c.method, c.kind) for c in env.platform.calls] == [("send_card", "review")]


async def _moderator_closed_review(env: Env) -> None:
    held = await env.moderation.handle_message(make_message(MILD_SCAM))
    assert held.case is not None
    await env.cases.dismiss(held.case.id, MODERATOR, "faux positif")


async def _warning_appealed(env: Env) -> None:
    warned = await env.moderation.handle_message(make_message(MILD_TONE))
    assert warned.case is not None
    await env.cases.appeal(warned.case.id, AUTHOR, "c'était pour rire")


async def _warning_overturned(env: Env) -> None:
    warned = await env.moderation.handle_message(make_message(MILD_TONE))
    assert warned.case is not None
    await env.cases.override(warned.case.id, MODERATOR, "overturn", "rien de grave")


async def _reported(env: Env) -> None:
    await env.moderation.report(make_message("bof"), MEMBER, "à surveiller")


async def _held(env: Env) -> None:
    await env.moderation.handle_message(make_message(MILD_SCAM))


async def _warned(env: Env) -> None:
    await env.moderation.handle_message(make_message(MILD_TONE))


@pytest.mark.parametrize(
    ("setup", "edited_text", "edited_flag"),
    [
        (_moderator_closed_review, INSULT, True),
        (_warning_appealed, INSULT, True),
        (_warning_overturned, INSULT, True),
        (_reported, INSULT, True),
        (_held, MILD_TONE, True),  # milder
        (_held, "encore une arnaque ici", True),  # just as severe
        (_warned, "zut et rezut", True),
        (_warned, INSULT, False),  # a replay, not an edit
    ],
    ids=["dismissed", "appealed", "overturned", "reported", "milder", "same", "same-warn", "not-an-edit"],
)
async def test_an_edit_never_undoes_a_human_decision_nor_softens_a_case(
    env: Env, setup: object, edited_text: str, edited_flag: bool
) -> None:
    await setup(env)  # type: ignore[operator]
    before = await env.store.case_for_message("discord", "g1", "c1", "m1")
    assert before is not None
    trail = await env.store.audit_trail(before.id)
    env.platform.calls.clear()
    outcome = await env.moderation.handle_message(replace(make_message(edited_text), edited=edited_flag))
    assert outcome.case == before
    assert await env.store.get_case(before.id) == before
    assert await env.store.audit_trail(before.id) == trail
    assert env.platform.calls == []


async def test_two_racing_edits_escalate_once(env: Env) -> None:
    await env.moderation.handle_message(make_message(MILD_TONE))
    env.platform.calls.clear()
    first, second = await asyncio.gather(
        env.moderation.handle_message(replace(make_message(INSULT), edited=True)),
        env.moderation.handle_message(replace(make_message("espèce d'idiot"), edited=True)),
    )
    assert first.case is not None
    assert second.case is not None
    case = await env.store.get_case(first.case.id)
    assert case is not None
    assert (case.action, case.action_state) == (Action.REMOVE, ActionState.DONE)
    assert len(env.platform.named("delete_message")) == 1
    assert (await env.trail_events(case.id)).count("edited") == 1


async def test_a_moderator_decision_landing_while_the_edit_is_screened_stands(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = await env.moderation.handle_message(make_message(MILD_SCAM))
    assert held.case is not None
    real_create = env.store.create_case

    async def dismissed_meanwhile(*args: object, **kwargs: object) -> tuple[Case, bool]:
        found = await real_create(*args, **kwargs)  # type: ignore[arg-type]
        await env.cases.dismiss(found[0].id, MODERATOR, "vu, rien à signaler")
        return found  # the case as it was before the moderator's decision

    monkeypatch.setattr(env.store, "create_case", dismissed_meanwhile)
    env.platform.calls.clear()
    outcome = await env.moderation.handle_message(replace(make_message(INSULT), edited=True))
    final = await env.store.get_case(held.case.id)
    assert final is not None
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.REVIEW  # what the service knew; nothing more happened
    assert (final.status, final.content, final.action) == (CaseStatus.DISMISSED, MILD_SCAM, Action.REVIEW)
    assert "edited" not in await env.trail_events(final.id)
    assert env.platform.calls == []


async def test_an_overturn_during_the_notice_is_restored_by_the_claim_holder(env: Env) -> None:
    overturned: list[Case] = []

    async def moderator_overturns(case: Case) -> None:
        if not overturned:  # the moderator acts while the public notice is still being posted
            overturned.append(await env.cases.override(case.id, MODERATOR, "overturn", "heated but fair"))

    env.platform.hooks["post_notice"] = moderator_overturns
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert overturned[0].status is CaseStatus.OVERTURNED
    assert outcome.case.restore_state is ActionState.DONE
    assert len(env.platform.named("restore_message")) == 1
    assert "restored" in await env.trail_events(outcome.case.id)
