"""The noisy-rule guard: a clause whose appeals keep being overturned goes to review, alerted and audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import TransitionError
from bot.models import Action, Actor, CaseStatus
from bot.offline import OfflinePlatform
from bot.runtime import Services
from tests.accountability_scenario import MODERATOR, message, open_services

INSULT = "Franchement t'es qu'un connard"


async def removal(services: Services, n: int) -> int:
    outcome = await services.intake.on_message(message(f"i{n}", f"author-{n}", INSULT))
    case = outcome.outcome.case
    assert case is not None
    assert case.action is Action.REMOVE
    return case.id


async def appeal_and_decide(services: Services, n: int, decision: str) -> None:
    case_id = await removal(services, n)
    await services.cases.appeal(case_id, Actor("cli", f"author-{n}", community="cli"), "je citais un film")
    await services.cases.decide(case_id, MODERATOR, decision, "vu")


@pytest.fixture
async def services(tmp_path: Path) -> Services:
    return await open_services(tmp_path / "vigie.sqlite3")


async def test_overturned_appeals_move_the_clause_to_review_until_restored(services: Services) -> None:
    platform = services.platforms["cli"]
    assert isinstance(platform, OfflinePlatform)
    try:
        # Clause 1 in the shipped charter: guard = { max_overturn_rate = 0.3, min_appeals = 10 }.
        for n in range(9):
            await appeal_and_decide(services, n, "overturn" if n % 3 else "uphold")
        assert not services.guards.is_tripped("cli", "cli", 1)  # 6 of 9 overturned, but fewer than 10 appeals
        assert platform.alerts == []
        await appeal_and_decide(services, 9, "overturn")  # 7 of 10: 70% > 30%
        assert services.guards.is_tripped("cli", "cli", 1)
        assert len(platform.alerts) == 1
        assert "7 of the last 10" in platform.alerts[0]
        assert "§1" in platform.alerts[0]
        trail = await services.store.audit_trail(await removal_case_of(services, 9))
        assert trail[-1].event == "guard_tripped"
        assert "7 of 10" in (trail[-1].detail or "")

        held = (await services.intake.on_message(message("after", "author-x", INSULT))).outcome.case
        assert held is not None
        assert held.status is CaseStatus.REVIEW
        assert held.action is Action.REVIEW
        assert any(e.matcher == "guard" for e in held.evidence)

        member = Actor("cli", "author-x", community="cli")
        with pytest.raises(TransitionError):
            await services.guards.restore("cli", "cli", 1, member, "fixed")
        row = await services.guards.restore("cli", "cli", 1, MODERATOR, "Les termes ont été corrigés")
        assert row.state == "restored"
        assert not services.guards.is_tripped("cli", "cli", 1)
        with pytest.raises(TransitionError, match="nothing to restore"):
            await services.guards.restore("cli", "cli", 1, MODERATOR, "again")
        again = (await services.intake.on_message(message("later", "author-y", INSULT))).outcome.case
        assert again is not None
        assert again.action is Action.REMOVE
        events = await services.transparency.guard_events(
            "cli", "cli", held.created_at.replace(year=2000), again.created_at.replace(year=2100)
        )
        assert [(e.clause, e.event, e.appeals, e.overturned) for e in events] == [
            (1, "tripped", 10, 7),
            (1, "restored", 10, 7),
        ]
    finally:
        await services.close()


async def removal_case_of(services: Services, n: int) -> int:
    case = await services.store.case_for_message("cli", "cli", "general", f"i{n}")
    assert case is not None
    return case.id


async def test_fewer_appeals_than_the_minimum_never_trip(services: Services) -> None:
    try:
        for n in range(3):
            outcome = await services.intake.on_message(
                message(f"s{n}", f"spammer-{n}", "free nitro https://grabify.link/x")
            )
            case = outcome.outcome.case
            assert case is not None
            await services.cases.appeal(case.id, Actor("cli", f"spammer-{n}", community="cli"), "pas du spam")
            await services.cases.decide(case.id, MODERATOR, "overturn", "ok")
        # Clause 3 has min_appeals = 10: three overturns are not enough.
        assert not services.guards.is_tripped("cli", "cli", 3)
    finally:
        await services.close()


async def test_a_guard_tripped_by_another_process_is_picked_up_by_housekeeping(tmp_path: Path) -> None:
    first = await open_services(tmp_path / "vigie.sqlite3")
    second = await open_services(tmp_path / "vigie.sqlite3")
    try:
        await first.transparency.set_guard(
            "cli",
            "cli",
            1,
            state="tripped",
            appeals=10,
            overturned=7,
            at=first.clock.now(),
            actor_id="vigie",
            reason="test",
            case_id=None,
        )
        await first.guards.load()
        assert first.guards.is_tripped("cli", "cli", 1)
        assert not second.guards.is_tripped("cli", "cli", 1)  # its cache predates the trip
        await dict(second.housekeeping())["guard states"]()
        assert second.guards.is_tripped("cli", "cli", 1)
    finally:
        await first.close()
        await second.close()
