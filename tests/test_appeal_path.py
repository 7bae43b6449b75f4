"""The appeal path as people live it: checks before any form, refusals audited and rate-limited,
the author's open cases, durable notice places, the human decision and the restored copy on the case."""

from __future__ import annotations

import asyncio

import pytest

from bot.cases.service import REFUSALS_AUDITED
from bot.errors import NotFoundError, PlatformFailure, Refused
from bot.models import CaseStatus, StepKind, StepState
from tests.fakes import AUTHOR, FOREIGN_MODERATOR, MEMBER, MODERATOR, OTHER_MODERATOR, Env, make_message

INSULT = "franchement tu es un crétin"


async def removed(env: Env, message_id: str = "m1", text: str = INSULT) -> int:
    outcome = await env.moderation.handle_message(make_message(text, message_id))
    assert outcome.case is not None
    return outcome.case.id


async def refusals(env: Env, case_id: int) -> list[tuple[str, str | None]]:
    return [(e.actor_id, e.detail) for e in await env.store.audit_trail(case_id) if e.event == "refused"]


async def test_a_removal_keeps_where_its_two_notices_are(env: Env) -> None:
    case = await env.cases.get(await removed(env))
    assert (case.private_channel, case.private_message_id) == ("dm-u-author", "private-1-2")
    assert case.notice_message_id == "notice-1-3"
    details = [e.detail for e in await env.store.audit_trail(case.id) if e.event == "private_notice_sent"]
    assert details == ["dm-u-author/private-1-2"]


async def test_without_a_private_notice_the_public_one_says_so(env: Env) -> None:
    env.platform.fail("send_private_notice")
    case = await env.cases.get(await removed(env))
    assert case.private_notice is None
    assert case.action_state.value == "done"  # the public notice still reached the author
    events = [e.event for e in await env.store.audit_trail(case.id)]
    assert events == ["created", "deleted", "private_notice_failed", "notice_posted"]


async def test_appeal_checks_come_before_any_form_and_refusals_are_audited(env: Env) -> None:
    case_id = await removed(env)
    assert (await env.cases.check_appeal(case_id, AUTHOR)).id == case_id

    with pytest.raises(Refused) as stranger:
        await env.cases.check_appeal(case_id, MEMBER)
    assert (stranger.value.key, stranger.value.values) == ("refused.not_author", {"case": case_id})

    await env.cases.appeal(case_id, AUTHOR, "c'était une citation")
    with pytest.raises(Refused) as again:
        await env.cases.check_appeal(case_id, AUTHOR)
    assert again.value.key == "refused.already_appealed"

    assert await refusals(env, case_id) == [
        (MEMBER.id, "appeal: not_author"),
        (AUTHOR.id, "appeal: already_appealed"),
    ]


async def test_a_stranger_asking_for_the_text_is_refused_and_audited(env: Env) -> None:
    case_id = await removed(env)
    with pytest.raises(Refused, match="Only the author"):
        await env.cases.content_for(case_id, MEMBER)
    assert await refusals(env, case_id) == [(MEMBER.id, "see: not_author_see")]


async def test_a_member_deciding_is_refused_and_audited_a_foreign_moderator_sees_nothing(env: Env) -> None:
    case_id = await removed(env)
    await env.cases.appeal(case_id, AUTHOR, "c'était une citation")
    with pytest.raises(Refused) as member:
        await env.cases.check_decision(case_id, MEMBER)
    assert member.value.key == "refused.not_moderator"
    with pytest.raises(Refused):
        await env.cases.decide(case_id, MEMBER, "overturn", "je le trouve drôle")
    with pytest.raises(NotFoundError):
        await env.cases.check_decision(case_id, FOREIGN_MODERATOR)
    assert await refusals(env, case_id) == [
        (MEMBER.id, "decide: not_moderator"),
        (MEMBER.id, "decide: not_moderator"),
    ]
    assert (await env.cases.get(case_id)).status is CaseStatus.APPEALED


async def test_the_moderator_who_removed_is_refused_before_the_form(env: Env) -> None:
    case = await env.moderation.remove_manually(make_message("pub", "m-manual"), "spam", MODERATOR, "pub")
    await env.cases.appeal(case.id, AUTHOR, "ce n'était pas de la pub")
    with pytest.raises(Refused) as own:
        await env.cases.check_decision(case.id, MODERATOR)
    assert own.value.key == "refused.own_decision"
    assert (await env.cases.check_decision(case.id, OTHER_MODERATOR)).id == case.id


async def test_refusals_are_audited_up_to_a_limit_per_person(env: Env) -> None:
    case_id = await removed(env)
    for _ in range(REFUSALS_AUDITED + 3):
        with pytest.raises(Refused):
            await env.cases.check_appeal(case_id, MEMBER)
    assert len(await refusals(env, case_id)) == REFUSALS_AUDITED
    # Someone else is not silenced by the first person's flood, and the limit lifts with time.
    with pytest.raises(Refused):
        await env.cases.content_for(case_id, MODERATOR)
    env.clock.advance(minutes=11)
    with pytest.raises(Refused):
        await env.cases.check_appeal(case_id, MEMBER)
    assert len(await refusals(env, case_id)) == REFUSALS_AUDITED + 2


async def test_the_author_is_offered_only_the_cases_they_can_still_appeal(env: Env) -> None:
    first = await removed(env, "m1")
    second = await removed(env, "m2", "zut alors")  # a warning is appealable too
    appealed = await removed(env, "m3")
    await env.cases.appeal(appealed, AUTHOR, "citation")
    held = await env.moderation.handle_message(make_message("c'est une arnaque", "m4"))
    assert held.case is not None
    assert held.case.status is CaseStatus.REVIEW
    assert [c.id for c in await env.cases.appealable_for(AUTHOR)] == [second, first]
    assert await env.cases.appealable_for(MEMBER) == []
    env.clock.advance(days=31)
    assert await env.cases.appealable_for(AUTHOR) == []


async def test_a_decision_is_dated_and_the_restored_copy_is_kept(env: Env) -> None:
    case_id = await removed(env)
    await env.cases.appeal(case_id, AUTHOR, "citation")
    env.clock.advance(hours=2)
    decided = await env.cases.decide(case_id, MODERATOR, "overturn", "c'était une citation")
    assert (decided.decided_by, decided.decided_at, decided.decision_reason) == (
        MODERATOR.id,
        env.clock.now(),
        "c'était une citation",
    )
    assert decided.human_decision
    assert decided.restored_message_id == f"copy-{case_id}"


async def test_concurrent_refusals_cannot_pass_the_limit(env: Env) -> None:
    case_id = await removed(env)

    async def attempt() -> None:
        with pytest.raises(Refused):
            await env.cases.check_appeal(case_id, MEMBER)

    await asyncio.gather(*(attempt() for _ in range(REFUSALS_AUDITED * 3)))
    assert len(await refusals(env, case_id)) == REFUSALS_AUDITED


async def test_a_retraction_that_fails_for_now_is_a_step_resumed_later(env: Env) -> None:
    case_id = await removed(env)
    await env.cases.appeal(case_id, AUTHOR, "citation")
    env.platform.fail("retract_notice", PlatformFailure.UNAVAILABLE, "network down")
    await env.cases.decide(case_id, MODERATOR, "overturn", "c'était une citation")
    step = (await env.store.steps_of(case_id))[StepKind.RETRACT]
    assert step.state is StepState.PENDING
    assert step.next_at is not None

    env.platform.heal()
    env.platform.calls.clear()
    env.clock.advance(minutes=10)
    await env.moderation.resume_due()
    assert [c.method for c in env.platform.calls] == ["retract_notice", "retract_notice"]
    assert (await env.store.steps_of(case_id))[StepKind.RETRACT].state is StepState.DONE


async def test_a_case_re_imposed_before_its_retraction_is_not_retracted(env: Env) -> None:
    case_id = await removed(env)
    env.platform.fail("retract_notice", PlatformFailure.UNAVAILABLE)
    await env.cases.override(case_id, MODERATOR, "overturn", "faux positif")
    await env.cases.override(case_id, OTHER_MODERATOR, "uphold", "finalement non")
    env.platform.heal()
    env.platform.calls.clear()
    env.clock.advance(minutes=10)
    await env.moderation.resume_due()
    assert env.platform.named("retract_notice") == []
    assert (await env.store.steps_of(case_id))[StepKind.RETRACT].state is StepState.FAILED
