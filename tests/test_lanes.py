"""Lanes: a channel's removals are not held up by its notices, and both keep the channel's order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.lanes import Lanes, handoff, leave_front


class Pipeline:
    """Jobs that log their front ("delete") and back ("notice") stages; each back stage waits for its gate."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self.reached: dict[str, asyncio.Event] = {}
        self.deleted: dict[str, asyncio.Event] = {}

    def job(self, name: str, *, back: bool = True) -> Callable[[], Awaitable[str]]:
        self.gates[name] = asyncio.Event()
        self.reached[name] = asyncio.Event()
        self.deleted[name] = asyncio.Event()

        async def run() -> str:
            self.log.append(f"delete {name}")
            self.deleted[name].set()
            if back:
                await handoff()
                self.reached[name].set()
                await self.gates[name].wait()
                self.log.append(f"notice {name}")
            return name

        return run


async def test_the_next_removal_runs_while_the_notices_before_it_are_under_way() -> None:
    lanes, jobs = Lanes(), Pipeline()
    first = lanes.run("channel", jobs.job("a1"))
    second = lanes.run("channel", jobs.job("a2"))
    await jobs.reached["a1"].wait()  # a1 is in its notices, held at its gate
    await jobs.deleted["a2"].wait()
    assert jobs.log == ["delete a1", "delete a2"]
    assert not jobs.reached["a2"].is_set()  # a2's notices wait for a1's
    jobs.gates["a2"].set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert "notice a2" not in jobs.log
    jobs.gates["a1"].set()
    assert await asyncio.gather(first, second) == ["a1", "a2"]
    assert jobs.log == ["delete a1", "delete a2", "notice a1", "notice a2"]
    assert lanes.backlog == 0


async def test_a_job_without_notices_does_not_let_the_next_one_overtake() -> None:
    lanes, jobs = Lanes(), Pipeline()
    first = lanes.run("channel", jobs.job("a1"))
    quiet = lanes.run("channel", jobs.job("a2", back=False))
    third = lanes.run("channel", jobs.job("a3"))
    await quiet  # a2 is done (it had nothing to announce) while a1's notices are still held
    jobs.gates["a3"].set()
    await jobs.deleted["a3"].wait()
    for _ in range(20):
        await asyncio.sleep(0)
    assert "notice a3" not in jobs.log
    jobs.gates["a1"].set()
    await asyncio.gather(first, third)
    assert jobs.log == ["delete a1", "delete a2", "delete a3", "notice a1", "notice a3"]


async def test_a_removal_waits_for_the_removal_before_it() -> None:
    lanes = Lanes()
    gate, log = asyncio.Event(), []

    async def slow() -> None:
        await gate.wait()
        log.append("delete a1")
        await handoff()

    async def quick() -> None:
        log.append("delete a2")

    first, second = lanes.run("channel", slow), lanes.run("channel", quick)
    elsewhere = lanes.run("other", quick)
    await elsewhere  # another channel is not held up
    assert log == ["delete a2"]
    gate.set()
    await asyncio.gather(first, second)
    assert log == ["delete a2", "delete a1", "delete a2"]


async def test_handoff_outside_a_lane_does_nothing() -> None:
    await asyncio.wait_for(handoff(), 1)


async def test_the_oldest_waiting_job_is_reported_until_it_finishes() -> None:
    lanes, gate = Lanes(), asyncio.Event()
    held = lanes.run("channel", gate.wait)
    await asyncio.sleep(0.01)
    assert lanes.backlog == 1
    assert lanes.oldest() > 0
    gate.set()
    await held
    assert (lanes.backlog, lanes.oldest()) == (0, 0.0)


async def test_direct_messages_go_out_unordered_between_the_removal_and_the_notice() -> None:
    lanes, log = Lanes(), []
    first_dm = asyncio.Event()

    async def first() -> None:
        log.append("delete a1")
        await leave_front()
        await first_dm.wait()  # a slow direct message
        log.append("dm a1")
        await handoff()
        log.append("notice a1")

    async def second() -> None:
        log.append("delete a2")
        await leave_front()
        log.append("dm a2")
        await handoff()
        log.append("notice a2")

    one, two = lanes.run("channel", first), lanes.run("channel", second)
    for _ in range(20):
        await asyncio.sleep(0)
    assert log == ["delete a1", "delete a2", "dm a2"]  # a2's notice waits for a1's
    first_dm.set()
    await asyncio.gather(one, two)
    assert log == ["delete a1", "delete a2", "dm a2", "dm a1", "notice a1", "notice a2"]


async def test_removals_run_while_every_notice_slot_is_taken() -> None:
    lanes, jobs = Lanes(bound=1), Pipeline()
    held = lanes.run("busy", jobs.job("a1"))
    await jobs.reached["a1"].wait()  # the only notice slot is a1's
    removal = lanes.run("quiet", jobs.job("b1"))
    await asyncio.wait_for(jobs.deleted["b1"].wait(), 1)  # b1's removal did not wait for it
    assert not jobs.reached["b1"].is_set()
    jobs.gates["a1"].set()
    jobs.gates["b1"].set()
    assert await asyncio.gather(held, removal) == ["a1", "b1"]


async def test_a_job_waiting_for_its_turn_gives_its_slot_to_other_channels() -> None:
    lanes, jobs = Lanes(bound=2), Pipeline()
    first = lanes.run("busy", jobs.job("a1"))
    second = lanes.run("busy", jobs.job("a2"))
    await jobs.reached["a1"].wait()  # a1 holds a slot in its notices; a2 waits for a1 in handoff
    await jobs.deleted["a2"].wait()
    other = lanes.run("quiet", jobs.job("b1"))
    jobs.gates["b1"].set()
    assert await asyncio.wait_for(other, 1) == "b1"  # the quiet channel's notice got a2's slot
    jobs.gates["a1"].set()
    jobs.gates["a2"].set()
    assert await asyncio.gather(first, second) == ["a1", "a2"]


async def test_stopping_calls_off_queued_jobs_and_ends_running_ones_at_a_stage_boundary() -> None:
    lanes, log = Lanes(), []
    in_delete, finish_delete = asyncio.Event(), asyncio.Event()

    async def removal(name: str) -> str:
        log.append(f"delete {name}")
        in_delete.set()
        await finish_delete.wait()
        log.append(f"deleted {name}")
        await leave_front()
        log.append(f"dm {name}")  # never reached once stopping
        return name

    running = lanes.run("channel", lambda: removal("a1"))
    queued = lanes.run("channel", lambda: removal("a2"))
    await in_delete.wait()
    stopping = asyncio.create_task(lanes.stop(grace=5))
    await asyncio.sleep(0)
    finish_delete.set()  # the delete under way finishes...
    await stopping
    assert log == ["delete a1", "deleted a1"]  # ...and the job stops before its next step
    assert running.cancelled()
    assert queued.cancelled()
    assert lanes.backlog == 0
    late = lanes.run("other", lambda: removal("b1"))
    await asyncio.wait([late])
    assert late.cancelled()
    assert "delete b1" not in log


async def test_a_job_that_does_not_reach_a_boundary_is_cut_after_the_grace() -> None:
    lanes = Lanes()
    stuck = lanes.run("channel", asyncio.Event().wait)
    await asyncio.sleep(0)
    await asyncio.wait_for(lanes.stop(grace=0.05), 5)
    assert stuck.cancelled()


async def test_lanes_bound_how_many_jobs_run_at_once() -> None:
    lanes = Lanes(bound=2)
    running: list[int] = []
    peak = 0
    gate = asyncio.Event()
    two_running = asyncio.Event()

    async def job(n: int) -> int:
        nonlocal peak
        running.append(n)
        peak = max(peak, len(running))
        if len(running) == 2:
            two_running.set()
        await gate.wait()
        running.remove(n)
        return n

    futures = [lanes.run(("lane", n), lambda n=n: job(n)) for n in range(5)]
    await two_running.wait()
    assert lanes.backlog == 5
    gate.set()
    assert await asyncio.gather(*futures) == [0, 1, 2, 3, 4]
    assert peak == 2
    assert lanes.backlog == 0


async def test_a_failing_job_reaches_its_submitter_and_the_lane_goes_on() -> None:
    lanes = Lanes()

    async def boom() -> int:
        raise ValueError("boom")

    async def fine() -> int:
        return 7

    failed, after = lanes.run("c", boom), lanes.run("c", fine)
    with pytest.raises(ValueError, match="boom"):
        await failed
    assert await after == 7
