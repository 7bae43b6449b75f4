"""The case state machine on a real SQLite file: appeals, decisions, overrides, reviews, and who may do what."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.errors import NotFoundError, PlatformFailure, TransitionError
from bot.models import Action, ActionState, Actor, Case, CaseStatus
from tests.fakes import (
    AUTHOR,
    FOREIGN_MODERATOR,
    MEMBER,
    MODERATOR,
    OTHER_MODERATOR,
    Env,
    make_message,
)

INSULT = "franchement tu es un crétin"
WARNING = "zut alors"
DOUBT = "c'est une arnaque"


async def removed(env: Env, text: str = INSULT, message_id: str = "m1") -> Case:
    outcome = await env.moderation.handle_message(make_message(text, message_id))
    assert outcome.case is not None
    env.platform.calls.clear()
    return outcome.case


async def manual_removal(env: Env, by: Actor = MODERATOR) -> Case:
    case = await env.moderation.remove_manually(make_message("message de pub", "m-manual"), "spam", by, "pub")
    env.platform.calls.clear()
    return case


async def appealed(env: Env, case: Case | None = None) -> Case:
    target = case or await removed(env)
    result = await env.cases.appeal(target.id, AUTHOR, "c'était une citation")
    env.platform.calls.clear()
    return result


# --- appeals ----------------------------------------------------------------------------------


async def test_the_author_appeals_a_removal(env: Env) -> None:
    case = await removed(env)
    env.clock.advance(days=3)
    result = await env.cases.appeal(case.id, AUTHOR, "  c'était une citation \n")
    assert result.status is CaseStatus.APPEALED
    assert result.appeal_reason == "c'était une citation"
    assert [(c.method, c.kind) for c in env.platform.calls] == [("send_card", "appeal")]
    entry = next(e for e in await env.store.audit_trail(case.id) if e.event == "appealed")
    assert (entry.actor_id, entry.reason, entry.at) == (AUTHOR.id, "c'était une citation", env.clock.now())


async def test_a_warning_can_be_appealed_too(env: Env) -> None:
    case = await removed(env, WARNING)
    assert (await env.cases.appeal(case.id, AUTHOR, "pas méchant")).status is CaseStatus.APPEALED


@pytest.mark.parametrize(
    ("who", "reason", "match"),
    [
        (MEMBER, "pas juste", "Only the author"),
        (MODERATOR, "pas juste", "Only the author"),
        (Actor("slack", AUTHOR.id, "Alice"), "pas juste", "Only the author"),
        (AUTHOR, "   ", "required"),
        (AUTHOR, "x" * 1001, "at most 1000"),
    ],
)
async def test_appeal_refusals(env: Env, who: Actor, reason: str, match: str) -> None:
    case = await removed(env)
    with pytest.raises(TransitionError, match=match):
        await env.cases.appeal(case.id, who, reason)
    assert (await env.cases.get(case.id)).status is CaseStatus.ACTIONED
    assert env.platform.calls == []


async def test_an_appeal_of_exactly_1000_characters_is_accepted(env: Env) -> None:
    case = await removed(env)
    assert (await env.cases.appeal(case.id, AUTHOR, "x" * 1000)).status is CaseStatus.APPEALED


async def test_appeal_is_open_until_the_end_of_the_window_and_no_later(env: Env) -> None:
    on_time = await removed(env, message_id="a")
    late = await removed(env, message_id="b")
    env.clock.advance(days=30)
    assert (await env.cases.appeal(on_time.id, AUTHOR, "à temps")).status is CaseStatus.APPEALED
    env.clock.advance(seconds=1)
    with pytest.raises(TransitionError, match=r"appeal window .* closed .* 30 days"):
        await env.cases.appeal(late.id, AUTHOR, "trop tard")


async def test_a_case_can_be_appealed_only_once_even_after_the_decision(env: Env) -> None:
    case = await appealed(env)
    with pytest.raises(TransitionError, match="already been appealed"):
        await env.cases.appeal(case.id, AUTHOR, "encore")
    await env.cases.decide(case.id, MODERATOR, "uphold", "insulte caractérisée")
    with pytest.raises(TransitionError, match="already been appealed"):
        await env.cases.appeal(case.id, AUTHOR, "encore")


async def test_there_is_nothing_to_appeal_in_review_or_after_a_dismissal(env: Env) -> None:
    held = await removed(env, DOUBT)
    with pytest.raises(TransitionError, match="still waiting"):
        await env.cases.appeal(held.id, AUTHOR, "?")
    await env.cases.dismiss(held.id, MODERATOR, "faux positif")
    with pytest.raises(TransitionError, match="dismissed"):
        await env.cases.appeal(held.id, AUTHOR, "?")


async def test_appealing_a_missing_case(env: Env) -> None:
    with pytest.raises(NotFoundError, match="#404"):
        await env.cases.appeal(404, AUTHOR, "?")


# --- appeal decisions -------------------------------------------------------------------------


async def test_upholding_an_appeal_tells_the_author_why(env: Env) -> None:
    case = await appealed(env)
    env.clock.advance(hours=5)
    result = await env.cases.decide(case.id, MODERATOR, "uphold", "insulte caractérisée")
    assert result.status is CaseStatus.UPHELD
    assert (result.decided_by, result.decision_reason) == (MODERATOR.id, "insulte caractérisée")
    assert result.restore_state is ActionState.NONE
    notes = env.platform.named("notify_author")
    assert len(notes) == 1
    assert "insulte caractérisée" in (notes[0].text or "")
    assert env.platform.named("restore_message") == []
    entry = next(e for e in await env.store.audit_trail(case.id) if e.event == "appeal_upheld")
    assert (entry.actor_id, entry.at) == (MODERATOR.id, env.clock.now())


async def test_overturning_a_removal_restores_the_message(env: Env) -> None:
    case = await appealed(env)
    result = await env.cases.decide(case.id, MODERATOR, "overturn", "c'était bien une citation")
    assert result.status is CaseStatus.OVERTURNED
    assert result.restore_state is ActionState.DONE
    assert [c.method for c in env.platform.calls] == [
        "restore_message",
        "retract_notice",
        "retract_notice",
        "notify_author",
    ]
    assert env.platform.named("restore_message")[0].text == INSULT
    assert result.restored_message_id == f"copy-{case.id}"
    # Both notices (public, then the private DM) now say the removal was reversed, and nothing else.
    public, private = env.platform.named("retract_notice")
    assert (public.kind, private.kind) == (
        f"c1/{case.notice_message_id}",
        f"{case.private_channel}/{case.private_message_id}",
    )
    assert "annulé par un modérateur" in (public.text or "")
    assert "de nouveau visible" in (public.text or "")
    events = await env.trail_events(case.id)
    assert events[-5:] == ["appeal_overturned", "restored", "notice_retracted", "notice_retracted", "author_notified"]


async def test_overturning_a_warning_restores_nothing(env: Env) -> None:
    case = await appealed(env, await removed(env, WARNING))
    result = await env.cases.decide(case.id, MODERATOR, "overturn", "ok")
    assert result.status is CaseStatus.OVERTURNED
    assert result.restore_state is ActionState.NONE
    assert [c.method for c in env.platform.calls] == ["retract_notice", "retract_notice", "notify_author"]
    assert "Retiré après examen" in (env.platform.named("retract_notice")[0].text or "")


async def test_overturning_a_removal_that_never_happened_restores_nothing(env: Env) -> None:
    env.platform.fail("delete_message")
    case = await removed(env)
    assert case.action_state is ActionState.FAILED
    case = await appealed(env, case)
    result = await env.cases.decide(case.id, MODERATOR, "overturn", "ok")
    assert result.restore_state is ActionState.NONE
    assert env.platform.named("restore_message") == []


async def test_a_failed_restore_is_kept_on_the_case_and_alerted(env: Env) -> None:
    case = await appealed(env)
    env.platform.fail("restore_message", PlatformFailure.FORBIDDEN, "Manage Webhooks")
    result = await env.cases.decide(case.id, MODERATOR, "overturn", "ok")
    assert result.status is CaseStatus.OVERTURNED
    assert result.restore_state is ActionState.FAILED
    assert result.action_error == "forbidden: Manage Webhooks"
    assert [c.method for c in env.platform.calls] == ["alert", "retract_notice", "retract_notice", "notify_author"]
    assert "restore_failed" in await env.trail_events(case.id)


@pytest.mark.parametrize(
    ("who", "decision", "reason", "match"),
    [
        (MEMBER, "uphold", "non", "Only a moderator"),
        (AUTHOR, "overturn", "oui", "Only a moderator"),
        (MODERATOR, "maybe", "hmm", "Unknown decision"),
        (MODERATOR, "uphold", "", "required"),
    ],
)
async def test_decide_refusals(env: Env, who: Actor, decision: str, reason: str, match: str) -> None:
    case = await appealed(env)
    with pytest.raises(TransitionError, match=match):
        await env.cases.decide(case.id, who, decision, reason)
    assert (await env.cases.get(case.id)).status is CaseStatus.APPEALED
    assert env.platform.calls == []


async def test_only_appealed_cases_are_decided_and_only_once(env: Env) -> None:
    case = await removed(env)
    with pytest.raises(TransitionError, match="no pending appeal"):
        await env.cases.decide(case.id, MODERATOR, "uphold", "ok")
    await appealed(env, case)
    await env.cases.decide(case.id, MODERATOR, "uphold", "ok")
    with pytest.raises(TransitionError, match="already decided"):
        await env.cases.decide(case.id, OTHER_MODERATOR, "overturn", "non")


async def test_the_moderator_who_removed_cannot_decide_the_appeal(env: Env) -> None:
    case = await appealed(env, await manual_removal(env, by=MODERATOR))
    with pytest.raises(TransitionError, match="another moderator"):
        await env.cases.decide(case.id, MODERATOR, "uphold", "j'ai raison")
    assert (await env.cases.get(case.id)).status is CaseStatus.APPEALED
    result = await env.cases.decide(case.id, OTHER_MODERATOR, "uphold", "confirmé")
    assert result.status is CaseStatus.UPHELD


async def test_any_moderator_decides_an_appeal_of_an_automated_removal(env: Env) -> None:
    case = await appealed(env)
    assert case.automated
    assert (await env.cases.decide(case.id, MODERATOR, "uphold", "ok")).status is CaseStatus.UPHELD


# --- overrides --------------------------------------------------------------------------------


async def test_override_overturns_a_standing_removal_and_restores_it(env: Env) -> None:
    case = await removed(env)
    result = await env.cases.override(case.id, MODERATOR, "overturn", "faux positif")
    assert (result.status, result.restore_state) == (CaseStatus.OVERTURNED, ActionState.DONE)
    entry = next(e for e in await env.store.audit_trail(case.id) if e.event == "overridden")
    assert (entry.actor_id, entry.reason, entry.detail) == (MODERATOR.id, "faux positif", "overturn (was actioned)")
    assert [c.method for c in env.platform.calls] == [
        "restore_message",
        "retract_notice",
        "retract_notice",
        "notify_author",
    ]


async def test_override_reverses_an_upheld_decision(env: Env) -> None:
    case = await appealed(env)
    await env.cases.decide(case.id, MODERATOR, "uphold", "ok")
    env.platform.calls.clear()
    result = await env.cases.override(case.id, OTHER_MODERATOR, "overturn", "erreur de lecture")
    assert (result.status, result.restore_state, result.decided_by) == (
        CaseStatus.OVERTURNED,
        ActionState.DONE,
        OTHER_MODERATOR.id,
    )


async def test_override_re_imposes_an_overturned_removal_and_flags_the_restored_copy(env: Env) -> None:
    case = await removed(env)
    await env.cases.override(case.id, MODERATOR, "overturn", "faux positif")
    env.platform.calls.clear()
    result = await env.cases.override(case.id, OTHER_MODERATOR, "uphold", "finalement non")
    assert result.status is CaseStatus.UPHELD
    assert result.restore_state is ActionState.DONE
    assert [c.method for c in env.platform.calls] == ["alert", "notify_author"]
    entry = [e for e in await env.store.audit_trail(case.id) if e.event == "overridden"][-1]
    assert "restored copy stays up" in (entry.detail or "")


async def test_override_upholds_an_appeal_in_progress(env: Env) -> None:
    case = await appealed(env)
    result = await env.cases.override(case.id, MODERATOR, "uphold", "clair")
    assert result.status is CaseStatus.UPHELD


@pytest.mark.parametrize(
    ("setup", "decision", "match"),
    [
        ("actioned", "uphold", "nothing to uphold"),
        ("review", "overturn", "nothing was enforced"),
        ("dismissed", "uphold", "nothing was enforced"),
        ("overturned", "overturn", "already overturned"),
        ("upheld", "uphold", "already upheld"),
    ],
)
async def test_override_refuses_moves_that_mean_nothing(env: Env, setup: str, decision: str, match: str) -> None:
    case = await removed(env, DOUBT if setup in {"review", "dismissed"} else INSULT)
    if setup == "dismissed":
        await env.cases.dismiss(case.id, MODERATOR, "ok")
    elif setup == "overturned":
        await env.cases.override(case.id, MODERATOR, "overturn", "ok")
    elif setup == "upheld":
        await env.cases.decide((await appealed(env, case)).id, MODERATOR, "uphold", "ok")
    before = await env.cases.get(case.id)
    with pytest.raises(TransitionError, match=match):
        await env.cases.override(case.id, OTHER_MODERATOR, decision, "raison")
    assert await env.cases.get(case.id) == before


@pytest.mark.parametrize(("who", "reason"), [(MEMBER, "ok"), (AUTHOR, "ok"), (MODERATOR, " ")])
async def test_override_needs_a_moderator_and_a_reason(env: Env, who: Actor, reason: str) -> None:
    case = await removed(env)
    with pytest.raises(TransitionError):
        await env.cases.override(case.id, who, "overturn", reason)
    assert (await env.cases.get(case.id)).status is CaseStatus.ACTIONED


async def test_a_moderator_cannot_override_to_uphold_their_own_appealed_removal(env: Env) -> None:
    case = await appealed(env, await manual_removal(env, by=MODERATOR))
    with pytest.raises(TransitionError, match="another moderator"):
        await env.cases.override(case.id, MODERATOR, "uphold", "j'ai raison")
    result = await env.cases.override(case.id, MODERATOR, "overturn", "je me suis trompée")
    assert result.status is CaseStatus.OVERTURNED


# --- review queue -----------------------------------------------------------------------------


async def test_a_moderator_removes_a_message_held_for_review(env: Env) -> None:
    case = await removed(env, DOUBT)
    result = await env.cases.remove_from_review(case.id, MODERATOR, "arnaque avérée")
    assert (result.status, result.action, result.action_state) == (CaseStatus.ACTIONED, Action.REMOVE, ActionState.DONE)
    assert (result.actor_id, result.automated, result.decided_by) == (MODERATOR.id, False, MODERATOR.id)
    assert [(c.method, c.removed) for c in env.platform.calls] == [
        ("delete_message", None),
        ("send_private_notice", None),
        ("post_notice", True),
    ]
    assert "removed_after_review" in await env.trail_events(case.id)
    appeal = await env.cases.appeal(case.id, AUTHOR, "ce n'est pas une arnaque")
    with pytest.raises(TransitionError, match="another moderator"):
        await env.cases.decide(appeal.id, MODERATOR, "uphold", "si")


async def test_a_moderator_dismisses_a_review_and_automation_never_reopens_it(env: Env) -> None:
    case = await removed(env, DOUBT)
    result = await env.cases.dismiss(case.id, MODERATOR, "faux positif")
    assert (result.status, result.decided_by, result.decision_reason) == (
        CaseStatus.DISMISSED,
        MODERATOR.id,
        "faux positif",
    )
    edited = replace(make_message("c'est une arnaque, un crétin d'arnaque"), edited=True)
    outcome = await env.moderation.handle_message(edited)
    assert not outcome.created
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.DISMISSED
    assert env.platform.calls == []


@pytest.mark.parametrize("method", ["remove_from_review", "dismiss"])
async def test_review_moves_need_a_review_case_a_moderator_and_a_reason(env: Env, method: str) -> None:
    held = await removed(env, DOUBT)
    enforced = await removed(env, INSULT, "m2")
    act = getattr(env.cases, method)
    with pytest.raises(TransitionError, match="Only a moderator"):
        await act(held.id, MEMBER, "ok")
    with pytest.raises(TransitionError, match="required"):
        await act(held.id, MODERATOR, "")
    with pytest.raises(TransitionError, match="not waiting for review"):
        await act(enforced.id, MODERATOR, "ok")
    assert (await env.cases.get(held.id)).status is CaseStatus.REVIEW


# --- the author's own text, trail, listing ----------------------------------------------------


async def test_the_author_gets_their_removed_text_back(env: Env) -> None:
    case = await removed(env)
    assert await env.cases.content_for(case.id, AUTHOR) == INSULT
    entry = (await env.store.audit_trail(case.id))[-1]
    assert (entry.event, entry.actor_id) == ("content_viewed", AUTHOR.id)


@pytest.mark.parametrize("who", [MEMBER, MODERATOR, Actor("slack", AUTHOR.id)])
async def test_nobody_else_gets_the_removed_text(env: Env, who: Actor) -> None:
    case = await removed(env)
    with pytest.raises(TransitionError, match="Only the author"):
        await env.cases.content_for(case.id, who)


async def test_after_the_retention_period_the_text_is_gone_and_the_author_is_told_why(env: Env) -> None:
    case = await removed(env)
    env.clock.advance(days=181)
    assert await env.moderation.purge_expired() == 1
    with pytest.raises(NotFoundError, match="deleted after 180 days"):
        await env.cases.content_for(case.id, AUTHOR)


async def test_an_open_appeal_keeps_its_text_past_retention(env: Env) -> None:
    case = await appealed(env)
    env.clock.advance(days=400)
    assert await env.moderation.purge_expired() == 0
    assert await env.cases.content_for(case.id, AUTHOR) == INSULT


async def test_trail_lists_every_step_with_who_and_when(env: Env) -> None:
    case = await removed(env)
    env.clock.advance(days=1)
    await env.cases.appeal(case.id, AUTHOR, "citation")
    env.clock.advance(days=1)
    await env.cases.decide(case.id, MODERATOR, "overturn", "oui")
    trail = await env.cases.trail(case.id)
    assert [(e.event, e.actor_id) for e in trail if e.event in {"created", "appealed", "appeal_overturned"}] == [
        ("created", "vigie"),
        ("appealed", AUTHOR.id),
        ("appeal_overturned", MODERATOR.id),
    ]
    assert [e.at for e in trail] == sorted(e.at for e in trail)
    with pytest.raises(NotFoundError):
        await env.cases.trail(999)


async def test_cases_for_lists_an_authors_cases_in_one_community_newest_first(env: Env) -> None:
    first = await removed(env, message_id="a")
    env.clock.advance(minutes=1)
    second = await removed(env, WARNING, message_id="b")
    elsewhere = await env.moderation.handle_message(make_message(INSULT, "c", community="g2"))
    assert elsewhere.case is not None
    listed = await env.cases.cases_for("discord", AUTHOR.id, community="g1")
    assert [c.id for c in listed] == [second.id, first.id]
    assert [c.id for c in await env.cases.cases_for("discord", AUTHOR.id, community="g2")] == [elsewhere.case.id]
    assert [c.id for c in await env.cases.cases_for("discord", AUTHOR.id, 1, 1, community="g1")] == [first.id]
    assert await env.cases.cases_for("discord", MEMBER.id, community="g1") == []
    with pytest.raises(TransitionError, match="community"):
        await env.cases.cases_for("discord", AUTHOR.id, community="")


async def test_decisions_concern_the_case_even_if_its_rule_left_the_charter(env: Env) -> None:
    from tests.fakes import TONE, make_charter

    case = await appealed(env)
    env.policy.swap(make_charter(TONE, version="2026.05"))
    result = await env.cases.decide(case.id, MODERATOR, "uphold", "règle de l'époque")
    assert result.status is CaseStatus.UPHELD
    assert result.charter_version == "2026.03"
    assert env.platform.named("notify_author")


async def test_an_appeal_card_for_a_retired_rule_still_reaches_moderators(env: Env) -> None:
    from tests.fakes import TONE, make_charter

    case = await removed(env)
    env.policy.swap(make_charter(TONE, version="2026.05"))
    await env.cases.appeal(case.id, AUTHOR, "citation")
    card = env.platform.named("send_card")[0]
    assert (card.kind, card.text) == ("appeal", "respect")


async def test_appeal_window_uses_the_charter_in_force(env: Env) -> None:
    from tests.fakes import make_charter

    case = await removed(env)
    env.policy.swap(make_charter(appeal_days=90))
    env.clock.advance(days=60)
    assert (await env.cases.appeal(case.id, AUTHOR, "ok")).status is CaseStatus.APPEALED
    assert timedelta(days=60) <= env.clock.now() - case.created_at


# --- one community's moderators, one community's cases ----------------------------------------

SLACK_MODERATOR = Actor("slack", MODERATOR.id, "Morgane", is_moderator=True, community="g1")
NOWHERE_MODERATOR = Actor("discord", "u-mod-nowhere", "Paul", is_moderator=True)
"""Marked moderator by glue that did not say where: trusted nowhere."""


async def _target(env: Env, action: str) -> Case:
    """A g1 case in the state `action` applies to."""
    if action in {"remove_from_review", "dismiss"}:
        return await removed(env, DOUBT)
    if action == "decide":
        return await appealed(env)
    return await removed(env)


async def _act(env: Env, action: str, case_id: int, who: Actor) -> Case:
    if action == "decide":
        return await env.cases.decide(case_id, who, "overturn", "pas d'accord")
    if action == "override":
        return await env.cases.override(case_id, who, "overturn", "pas d'accord")
    if action == "remove_from_review":
        return await env.cases.remove_from_review(case_id, who, "arnaque")
    return await env.cases.dismiss(case_id, who, "faux positif")


ACTIONS = ["decide", "override", "remove_from_review", "dismiss"]


@pytest.mark.parametrize("who", [FOREIGN_MODERATOR, SLACK_MODERATOR], ids=["other-guild", "other-platform"])
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_moderator_elsewhere_cannot_act_on_a_case_and_learns_nothing(env: Env, action: str, who: Actor) -> None:
    case = await _target(env, action)
    before, trail = await env.cases.get(case.id), await env.store.audit_trail(case.id)
    with pytest.raises(NotFoundError) as refused:
        await _act(env, action, case.id, who)
    with pytest.raises(NotFoundError) as missing:
        await _act(env, action, 9999, who)
    assert str(refused.value) == f"There is no case #{case.id}."
    assert str(missing.value) == "There is no case #9999."
    assert await env.cases.get(case.id) == before
    assert await env.store.audit_trail(case.id) == trail
    assert env.platform.calls == []


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_moderator_flag_without_a_community_is_refused(env: Env, action: str) -> None:
    case = await _target(env, action)
    before = await env.cases.get(case.id)
    with pytest.raises(TransitionError, match="which community"):
        await _act(env, action, case.id, NOWHERE_MODERATOR)
    assert await env.cases.get(case.id) == before
    assert env.platform.calls == []


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_moderator_of_the_cases_community_acts(env: Env, action: str) -> None:
    case = await _target(env, action)
    result = await _act(env, action, case.id, OTHER_MODERATOR)
    assert result.decided_by == OTHER_MODERATOR.id


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (AUTHOR, True),
        (replace(AUTHOR, community="g2"), True),  # the author is the author wherever they ask from
        (MODERATOR, True),
        (FOREIGN_MODERATOR, False),
        (SLACK_MODERATOR, False),
        (NOWHERE_MODERATOR, False),
        (MEMBER, False),
        (Actor("slack", AUTHOR.id, "Alice"), False),
    ],
)
async def test_get_for_shows_a_case_to_its_author_and_its_communitys_moderators(
    env: Env, who: Actor, sees: bool
) -> None:
    case = await removed(env)
    if sees:
        assert await env.cases.get_for(case.id, who) == case
        return
    with pytest.raises(NotFoundError) as refused:
        await env.cases.get_for(case.id, who)
    assert str(refused.value) == f"There is no case #{case.id}."


async def test_get_for_a_missing_case(env: Env) -> None:
    with pytest.raises(NotFoundError, match="#77"):
        await env.cases.get_for(77, MODERATOR)


@pytest.mark.parametrize(
    ("who", "sees"), [(MODERATOR, True), (AUTHOR, False), (FOREIGN_MODERATOR, False), (NOWHERE_MODERATOR, False)]
)
async def test_trail_for_is_for_the_cases_moderators_only(env: Env, who: Actor, sees: bool) -> None:
    case = await env.moderation.report(make_message("rien"), MEMBER, "spam ?")
    if sees:
        trail = await env.cases.trail_for(case.id, who)
        assert (trail[0].event, trail[0].actor_id) == ("created", MEMBER.id)
        return
    with pytest.raises(NotFoundError, match=f"no case #{case.id}"):
        await env.cases.trail_for(case.id, who)
