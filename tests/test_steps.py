"""Every side effect is a tracked step: pending before it is tried, retried with backoff, never twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.errors import PlatformFailure
from bot.models import ActionState, Case, CaseStatus, StepKind, StepState
from tests.fakes import MODERATOR, Env, FakeClock, build_env, make_message

INSULT = "franchement tu es un crétin"


def attempts(env: Env, method: str) -> list[str]:
    """Every attempt at `method`, failed ones included (the fake records only calls that succeed)."""
    tried: list[str] = []

    async def count(case: Case) -> None:
        tried.append(case.message_id)

    env.platform.hooks[method] = count
    return tried


async def states(env: Env, case_id: int) -> dict[StepKind, StepState]:
    return {kind: step.state for kind, step in (await env.store.steps_of(case_id)).items()}


async def test_a_removal_records_its_steps_with_the_case_and_marks_each_done(env: Env) -> None:
    seen: list[dict[StepKind, StepState]] = []

    async def look(case: Case) -> None:
        seen.append(await states(env, case.id))

    env.platform.hooks["delete_message"] = look
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    # Before the delete was tried, every step of the removal was already recorded as pending.
    assert seen == [
        {
            StepKind.DELETE: StepState.PENDING,
            StepKind.AUTHOR_DM: StepState.PENDING,
            StepKind.NOTICE: StepState.PENDING,
            StepKind.ESCALATION: StepState.PENDING,
        }
    ]
    assert await states(env, outcome.case.id) == {
        StepKind.DELETE: StepState.DONE,
        StepKind.AUTHOR_DM: StepState.DONE,
        StepKind.NOTICE: StepState.DONE,
        StepKind.ESCALATION: StepState.DONE,
    }


@pytest.mark.parametrize("failure", [PlatformFailure.RATE_LIMITED, PlatformFailure.UNAVAILABLE])
async def test_a_rate_limited_delete_waits_its_retry_after_and_never_fails(env: Env, failure: PlatformFailure) -> None:
    env.platform.fail("delete_message", failure, "HTTP 429", retry_after=30)
    tried = attempts(env, "delete_message")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    case_id = outcome.case.id
    case = await env.store.get_case(case_id)
    assert case is not None
    assert case.action_state is ActionState.PENDING  # not failed: a rate limit only slows a removal down
    step = (await env.store.steps_of(case_id))[StepKind.DELETE]
    assert step.state is StepState.PENDING
    assert step.next_at == env.clock.now() + timedelta(seconds=30)
    assert env.platform.named("alert") == []
    assert env.platform.named("post_notice") == []  # nobody is told before the message is down

    assert await env.moderation.resume_due() == 0  # not due yet
    assert len(tried) == 1
    env.clock.advance(seconds=29)
    assert await env.moderation.resume_due() == 0
    env.clock.advance(seconds=2)
    assert await env.moderation.resume_due() == 1  # due, still limited: scheduled again
    assert len(tried) == 2

    env.platform.heal()
    env.clock.advance(seconds=31)
    assert await env.moderation.resume_due() == 1
    case = await env.store.get_case(case_id)
    assert case is not None
    assert case.action_state is ActionState.DONE
    assert len(tried) == 3
    assert len(env.platform.named("delete_message")) == 1
    assert len(env.platform.named("post_notice")) == 1
    assert len(env.platform.named("send_private_notice")) == 1
    assert (await states(env, case_id))[StepKind.NOTICE] is StepState.DONE
    env.clock.advance(minutes=10)
    assert await env.moderation.resume_due() == 0


async def test_backoff_grows_without_a_retry_after(env: Env) -> None:
    env.platform.fail("delete_message", PlatformFailure.UNAVAILABLE, "503")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    waits = []
    for _ in range(4):
        step = (await env.store.steps_of(outcome.case.id))[StepKind.DELETE]
        assert step.next_at is not None
        waits.append((step.next_at - env.clock.now()).total_seconds())
        env.clock.set(step.next_at)
        assert await env.moderation.resume_due() == 1
    assert waits == [2.0, 4.0, 8.0, 16.0]


async def test_forbidden_and_not_found_are_final(env: Env) -> None:
    env.platform.fail("delete_message", PlatformFailure.FORBIDDEN, "Missing Permissions")
    tried = attempts(env, "delete_message")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert outcome.case.action_state is ActionState.FAILED
    assert outcome.case.action_error == "forbidden: Missing Permissions"
    assert (await env.store.steps_of(outcome.case.id))[StepKind.DELETE].state is StepState.FAILED
    env.clock.advance(hours=1)
    assert await env.moderation.resume_due() == 0
    assert len(tried) == 1


def restarted(before: Env) -> FakeClock:
    """The clock of a process started a few seconds after `before` stopped."""
    clock = FakeClock()
    clock.set(before.clock.now() + timedelta(seconds=5))
    return clock


class Killed(BaseException):
    """Stands for the process dying in the middle of a platform call."""


async def test_a_removal_cut_before_its_notice_gets_it_after_a_restart_and_only_once(tmp_path: Path) -> None:
    path = tmp_path / "vigie.sqlite3"
    first = await build_env(path)

    async def die(case: Case) -> None:
        raise Killed

    first.platform.hooks["post_notice"] = die
    with pytest.raises(Killed):
        await first.moderation.handle_message(make_message(INSULT))
    await first.store.close()
    assert len(first.platform.named("delete_message")) == 1
    assert len(first.platform.named("send_private_notice")) == 1
    assert first.platform.named("post_notice") == []

    second = await build_env(path, clock=restarted(first))
    try:
        assert await second.moderation.resume_pending("discord") == 1
        case = await second.store.case_for_message("discord", "g1", "c1", "m1")
        assert case is not None
        assert (case.status, case.action_state) == (CaseStatus.ACTIONED, ActionState.DONE)
        assert len(second.platform.named("post_notice")) == 1  # the public notice, at last
        assert second.platform.named("send_private_notice") == []  # the DM had gone out: not again
        assert second.platform.named("delete_message") == []
        assert (await states(second, case.id))[StepKind.NOTICE] is StepState.DONE
        assert await second.moderation.resume_pending("discord") == 0
        assert len(second.platform.named("post_notice")) == 1
    finally:
        await second.store.close()


async def test_a_removal_cut_before_its_delete_is_deleted_and_noticed_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "vigie.sqlite3"
    first = await build_env(path)

    async def die(case: Case) -> None:
        raise Killed

    first.platform.hooks["delete_message"] = die
    with pytest.raises(Killed):
        await first.moderation.handle_message(make_message(INSULT))
    await first.store.close()

    second = await build_env(path, clock=restarted(first))
    try:
        assert await second.moderation.resume_pending("discord") >= 1
        assert len(second.platform.named("delete_message")) == 1
        assert len(second.platform.named("post_notice")) == 1
        assert len(second.platform.named("send_private_notice")) == 1
        await second.moderation.resume_pending("discord")
        assert len(second.platform.named("post_notice")) == 1
    finally:
        await second.store.close()


async def test_a_failed_timeout_is_retried_and_applied_once(env: Env) -> None:
    env.platform.fail("timeout_member", PlatformFailure.UNAVAILABLE, "503")
    tried = attempts(env, "timeout_member")
    for n in range(3):
        await env.moderation.handle_message(make_message(f"{INSULT} {n}", message_id=f"m{n}"))
    third = await env.store.case_for_message("discord", "g1", "c1", "m2")
    assert third is not None
    timeout = (await env.store.steps_of(third.id))[StepKind.TIMEOUT]
    assert timeout.state is StepState.PENDING
    assert len(tried) == 1
    env.platform.heal()
    assert timeout.next_at is not None
    env.clock.set(timeout.next_at)
    assert await env.moderation.resume_due() == 1
    assert len(tried) == 2
    assert len(env.platform.named("timeout_member")) == 1
    assert (await env.store.steps_of(third.id))[StepKind.TIMEOUT].state is StepState.DONE
    env.clock.advance(minutes=5)
    assert await env.moderation.resume_due() == 0
    assert len(tried) == 2


async def test_a_review_card_that_could_not_be_posted_is_posted_later(env: Env) -> None:
    env.platform.fail("send_card", PlatformFailure.UNAVAILABLE, "503")
    tried = attempts(env, "send_card")
    outcome = await env.moderation.handle_message(make_message("c'est une arnaque ce site"))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.REVIEW
    card = (await env.store.steps_of(outcome.case.id))[StepKind.REVIEW_CARD]
    assert card.state is StepState.PENDING
    env.platform.heal()
    assert card.next_at is not None
    env.clock.set(card.next_at)
    assert await env.moderation.resume_due() == 1
    assert len(tried) == 2
    assert len(env.platform.named("send_card")) == 1
    assert (await env.store.steps_of(outcome.case.id))[StepKind.REVIEW_CARD].state is StepState.DONE


async def test_an_overturn_before_the_retry_cancels_the_pending_steps(env: Env) -> None:
    env.platform.fail("delete_message", PlatformFailure.RATE_LIMITED, "429", retry_after=5)
    tried = attempts(env, "delete_message")
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None

    await env.cases.override(outcome.case.id, MODERATOR, "overturn", "not an insult here")
    env.platform.heal()
    env.clock.advance(seconds=6)
    await env.moderation.resume_due()
    await env.moderation.resume_pending("discord")
    assert len(tried) == 1
    assert env.platform.named("delete_message") == []
    assert env.platform.named("post_notice") == []
    final = await states(env, outcome.case.id)
    assert final[StepKind.NOTICE] is StepState.FAILED  # cancelled: the removal no longer stands


async def test_each_channel_keeps_its_order(env: Env) -> None:
    order: list[str] = []
    release = asyncio.Event()

    async def slow_first(case: Case) -> None:
        order.append(case.message_id)
        if case.message_id == "a1":
            await release.wait()

    env.platform.hooks["delete_message"] = slow_first
    first = asyncio.create_task(env.moderation.handle_message(make_message(INSULT, message_id="a1")))
    second = asyncio.create_task(env.moderation.handle_message(make_message(INSULT, message_id="a2")))
    other = asyncio.create_task(env.moderation.handle_message(make_message(INSULT, message_id="b1", channel="c2")))
    await other  # another channel is not held up by a1
    assert order[:1] == ["a1"]
    assert "a2" not in order  # a2 waits for a1 in its channel
    assert env.moderation.lanes.backlog == 2
    release.set()
    await asyncio.gather(first, second)
    assert order == ["a1", "b1", "a2"]
    assert env.moderation.lanes.backlog == 0


async def test_a_stop_mid_backlog_leaves_steps_pending_and_the_next_start_finishes_them_once(env: Env) -> None:
    in_delete, never = asyncio.Event(), asyncio.Event()

    async def hang_on_the_first(case: Case) -> None:
        if case.message_id == "a1":
            in_delete.set()
            await never.wait()  # a delete the stop cuts (the platform never answers)

    env.platform.hooks["delete_message"] = hang_on_the_first
    first = asyncio.create_task(env.moderation.handle_message(make_message(INSULT, message_id="a1")))
    queued = asyncio.create_task(env.moderation.handle_message(make_message(INSULT, message_id="a2")))
    await in_delete.wait()
    await env.moderation.stop(grace=0.05)
    for outcome in await asyncio.gather(first, queued):
        assert outcome.case is not None  # recorded, handed back as it stands
        assert set((await states(env, outcome.case.id)).values()) == {StepState.PENDING}  # nothing failed
        assert outcome.case.action_state is ActionState.PENDING
    assert await env.store.claim_action(outcome.case.id)  # the stop gave its claims back
    await env.store.release_action(outcome.case.id)

    restarted = await build_env(env.path, clock=env.clock)
    try:
        await restarted.moderation.resume_pending("discord")
        for message_id in ("a1", "a2"):
            case = await restarted.store.case_for_message("discord", "g1", "c1", message_id)
            assert case is not None
            assert set((await states(restarted, case.id)).values()) == {StepState.DONE}
        notices = [call.case_id for call in restarted.platform.named("post_notice")]
        assert len(notices) == len(set(notices)) == 2  # each author told once
    finally:
        await restarted.store.close()


async def test_a_public_notice_is_removed_when_its_time_is_up_even_after_a_restart(env: Env) -> None:
    env.platform.lifetime = 120
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    case_id = outcome.case.id
    posted = env.platform.named("post_notice")
    assert len(posted) == 1
    expiry = (await env.store.steps_of(case_id))[StepKind.NOTICE_EXPIRY]
    assert (expiry.state, expiry.next_at) == (StepState.PENDING, env.clock.now() + timedelta(seconds=120))
    assert await env.moderation.expire_notices() == 0  # not yet
    assert env.platform.named("expire_notice") == []

    env.clock.advance(seconds=121)
    restarted = await build_env(env.path, clock=env.clock)  # the process that posted it is gone
    restarted.platform.lifetime = 120
    try:
        await restarted.moderation.resume_pending("discord")
        assert restarted.platform.named("expire_notice") == []  # not a step to resume: it has its own time
        assert await restarted.moderation.expire_notices() == 1
        removed = restarted.platform.named("expire_notice")
        assert [(call.case_id, call.text) for call in removed] == [(case_id, expiry.detail)]
        assert (await states(restarted, case_id))[StepKind.NOTICE_EXPIRY] is StepState.DONE
        assert await restarted.moderation.expire_notices() == 0  # once
    finally:
        await restarted.store.close()


async def test_a_notice_that_cannot_be_removed_yet_is_tried_again_later(env: Env) -> None:
    env.platform.lifetime = 60
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    env.clock.advance(seconds=61)
    env.platform.fail("expire_notice", PlatformFailure.RATE_LIMITED, "HTTP 429", retry_after=5)
    assert await env.moderation.expire_notices() == 1
    step = (await env.store.steps_of(outcome.case.id))[StepKind.NOTICE_EXPIRY]
    assert (step.state, step.next_at) == (StepState.PENDING, env.clock.now() + timedelta(seconds=5))
    env.platform.heal()
    env.clock.advance(seconds=6)
    assert await env.moderation.expire_notices() == 1
    assert (await states(env, outcome.case.id))[StepKind.NOTICE_EXPIRY] is StepState.DONE


async def test_notices_that_stay_record_no_expiry(env: Env) -> None:
    outcome = await env.moderation.handle_message(make_message(INSULT))
    assert outcome.case is not None
    assert StepKind.NOTICE_EXPIRY not in await env.store.steps_of(outcome.case.id)


async def test_a_warning_notice_still_up_goes_with_the_removal_notice_after_an_edit(env: Env) -> None:
    env.platform.lifetime = 120
    warned = await env.moderation.handle_message(make_message("oh zut alors"))
    assert warned.case is not None
    escalated = await env.moderation.handle_message(replace(make_message(INSULT), edited=True))
    assert escalated.case is not None
    assert escalated.case.id == warned.case.id
    posted = [call for call in env.platform.calls if call.method == "post_notice"]
    assert len(posted) == 2  # the warning's notice, then the removal's
    env.clock.advance(seconds=121)
    assert await env.moderation.expire_notices() == 1
    removed = [call.text for call in env.platform.named("expire_notice")]
    assert len(removed) == len(set(removed)) == 2  # both notices, each once


async def test_steps_wait_for_their_platform_to_connect_instead_of_failing(env: Env) -> None:
    env.platform.lifetime = 60
    env.platform.fail("delete_message", PlatformFailure.UNAVAILABLE, "HTTP 503")
    first = await env.moderation.handle_message(make_message(INSULT))
    env.platform.heal()
    noticed = await env.moderation.handle_message(make_message(INSULT, message_id="m2", channel="c2"))
    assert first.case is not None
    assert noticed.case is not None
    env.clock.advance(seconds=120)  # the retry and the notice expiry are both due

    restarted = await build_env(env.path, clock=env.clock, connected=False)  # Discord not connected yet
    restarted.platform.lifetime = 60
    try:
        await restarted.moderation.resume_due()
        assert await restarted.moderation.expire_notices() == 0
        assert restarted.platform.calls == []
        assert set((await states(restarted, first.case.id)).values()) == {StepState.PENDING}
        assert (await states(restarted, noticed.case.id))[StepKind.NOTICE_EXPIRY] is StepState.PENDING

        restarted.platforms["discord"] = restarted.platform  # connected
        await restarted.moderation.resume_due()
        assert await restarted.moderation.expire_notices() == 1
        resumed = await states(restarted, first.case.id)
        assert resumed.pop(StepKind.NOTICE_EXPIRY) is StepState.PENDING  # its notice is now up for 60 s
        assert set(resumed.values()) == {StepState.DONE}
        assert (await states(restarted, noticed.case.id))[StepKind.NOTICE_EXPIRY] is StepState.DONE
    finally:
        await restarted.store.close()
