"""The step queries of this round, on both engines: due notice expiries, outcomes in one go, dead claims."""

from __future__ import annotations

import socket
from datetime import timedelta

from bot.models import ActionState, CaseStatus, Step, StepKind, StepState
from bot.store import SqlStore
from bot.store.values import to_text
from tests.fakes import START, make_draft
from tests.store.test_holders import exited_pid


async def test_a_notice_expiry_is_due_once_its_time_has_come_and_done_once_recorded(db_url: str) -> None:
    store = await SqlStore.open(db_url)
    try:
        case, _ = await store.create_case(
            make_draft(), CaseStatus.ACTIONED, ActionState.PENDING, steps=(StepKind.DELETE, StepKind.NOTICE)
        )
        due = START + timedelta(seconds=120)
        expiry = Step(case.id, StepKind.NOTICE_EXPIRY, StepState.PENDING, next_at=due, detail="n-1")
        await store.update_case(case.id, step=Step(case.id, StepKind.NOTICE, StepState.DONE), follow_up=expiry)

        assert await store.cases_with_due_step(StepKind.NOTICE_EXPIRY, due - timedelta(seconds=1), 10) == []
        listed = await store.cases_with_due_step(StepKind.NOTICE_EXPIRY, due, 10)
        assert [(c.id, detail) for c, detail in listed] == [(case.id, "n-1")]
        # The resume loop leaves expiries to their own loop, every other pending step it still sees.
        resumable = await store.due_steps(due, due, besides=StepKind.NOTICE_EXPIRY)
        assert [s.kind for s in resumable] == [StepKind.DELETE]

        await store.record_steps([Step(case.id, StepKind.NOTICE_EXPIRY, StepState.DONE, detail="n-1")], due)
        assert await store.cases_with_due_step(StepKind.NOTICE_EXPIRY, due + timedelta(days=1), 10) == []
        recorded = (await store.steps_of(case.id))[StepKind.NOTICE_EXPIRY]
        assert (recorded.state, recorded.attempts, recorded.detail) == (StepState.DONE, 1, "n-1")
    finally:
        await store.close()


async def test_dead_claims_are_released_on_both_engines(db_url: str) -> None:
    store = await SqlStore.open(db_url)
    try:
        case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
        later, _ = await store.create_case(make_draft("m2"), CaseStatus.ACTIONED, ActionState.PENDING)
        far = to_text(START.replace(year=2099))
        async with store.database.transaction() as tx:
            dead = f"{socket.gethostname()}:{exited_pid()}:12345:gone"
            await tx.execute(
                "INSERT INTO action_claims (case_id, holder, expires_at) VALUES (?, ?, ?)", (case.id, dead, far)
            )
        assert await store.claim_action(later.id)  # this store's own claim, alive
        assert not await store.claim_action(case.id)  # the dead holder's lease has not run out
        assert await store.release_dead_claims() == 1
        assert await store.claim_action(case.id)
        assert await store.release_dead_claims() == 0  # ours are kept
    finally:
        await store.close()
