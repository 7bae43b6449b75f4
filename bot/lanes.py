"""Side effects run in order per channel, in two pipelined stages, a bounded number at once, backlog logged."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BOUND = 32
"""How many cases' side effects may be in flight at once, all channels together."""

BACKLOG_WARNING = 50
"""From this many waiting cases on, the backlog is logged (at most every LOG_EVERY seconds) until it clears."""

LOG_EVERY = 10.0


@dataclass(slots=True)
class _Ticket:
    """A running job's place in its lane and the slot it holds: none, a removal slot or a notice slot."""

    front_left: asyncio.Future[None]
    previous_finished: asyncio.Future[None] | None
    removals: asyncio.Semaphore
    notices: asyncio.Semaphore
    slot: asyncio.Semaphore | None = None
    handed_off: bool = False
    stopping: bool = False
    """Set when the lanes stop: the job ends at its next stage boundary, its later steps left pending."""

    def check(self) -> None:
        """Stop here if the lanes are stopping (the steps not taken stay recorded, for the next start)."""
        if self.stopping:
            raise asyncio.CancelledError("the bot is stopping")

    async def take(self, slot: asyncio.Semaphore) -> None:
        """Hold `slot` (waiting for one to be free)."""
        await slot.acquire()
        self.slot = slot

    def give_back(self) -> None:
        """Release the slot held, if any."""
        if self.slot is not None:
            self.slot.release()
            self.slot = None


_ticket: ContextVar[_Ticket | None] = ContextVar("vigie_lane_ticket", default=None)


async def leave_front() -> None:
    """Let the running lane job's successor start its front stage (its removal) now; this job goes on,
    outside any order, with a notice slot instead of its removal slot until it calls `handoff`.
    Outside a lane job, or once left, it does nothing."""
    ticket = _ticket.get()
    if ticket is None or ticket.front_left.done():
        return
    ticket.check()
    ticket.front_left.set_result(None)
    ticket.give_back()
    await ticket.take(ticket.notices)


async def handoff() -> None:
    """Move the running lane job to its back stage: it waits until the job before it in its lane has
    finished (so public notices keep the channel's order), then goes on.

    Outside a lane job, or once handed off, it does nothing.
    """
    ticket = _ticket.get()
    if ticket is None or ticket.handed_off:
        return
    await leave_front()
    ticket.check()
    ticket.handed_off = True
    previous = ticket.previous_finished
    if previous is not None and not previous.done():
        # Waiting for the job before it, this one gives its slot back to the jobs that can go on.
        ticket.give_back()
        await asyncio.shield(previous)  # shielded: a cancelled waiter must not cancel the job before it
        ticket.check()
        await ticket.take(ticket.notices)


class Lanes:
    """One lane per key (a channel), two stages per lane.

    A job runs its front stage (the removal) after the previous job of its lane has left that stage
    (`leave_front()`), may then do unordered work (a direct message to its author), and, once it calls
    `handoff()`, runs its back stage (the public notice, escalation) after the previous job has
    finished. Each stage keeps submission order within the lane, so a channel's deletions are not held
    up by the notices before them, and its notices still go out in order. Jobs of different lanes run
    concurrently: at most `bound` in their front stage and `bound` past it, so slow direct messages
    or notices never take the slots removals need.

    Nothing is dropped past the knee: jobs wait in their lane, `backlog` counts them, and the log
    says how far behind the bot is until it has caught up.
    """

    def __init__(self, bound: int = DEFAULT_BOUND, *, warn_at: int = BACKLOG_WARNING) -> None:
        """`bound` jobs at most run each stage at once; the backlog is logged from `warn_at` waiting jobs on."""
        self._removals = asyncio.Semaphore(bound)
        self._notices = asyncio.Semaphore(bound)
        self._tails: dict[Hashable, tuple[asyncio.Future[None], asyncio.Future[None]]] = {}
        self._submitted: dict[int, float] = {}
        self._numbers = itertools.count()
        self._tasks: dict[asyncio.Task[None], _Ticket] = {}
        self.stopping = False
        """Set by `stop`: no job starts any more."""
        self._warn_at = warn_at
        self._warned_at: float | None = None

    @property
    def backlog(self) -> int:
        """Jobs submitted and not finished yet."""
        return len(self._submitted)

    def oldest(self) -> float:
        """Seconds the oldest unfinished job has waited (0 when idle)."""
        first = next(iter(self._submitted.values()), None)  # submission order: the first is the oldest
        return 0.0 if first is None else time.monotonic() - first

    def run(self, key: Hashable, job: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        """Queue `job` in lane `key`; the future gives its result once it has run."""
        loop = asyncio.get_running_loop()
        result: asyncio.Future[T] = loop.create_future()
        previous = self._tails.get(key)
        front_left: asyncio.Future[None] = loop.create_future()
        finished: asyncio.Future[None] = loop.create_future()
        self._tails[key] = (front_left, finished)
        number = next(self._numbers)
        self._submitted[number] = time.monotonic()
        ticket = _Ticket(front_left, previous[1] if previous else None, self._removals, self._notices)
        ticket.stopping = self.stopping  # once stopped, nothing starts
        task = loop.create_task(
            self._run(job, result, previous, ticket, lambda: self._finish(key, number, finished, ticket, previous)),
            name=f"vigie-lane-{key}",
        )
        self._tasks[task] = ticket
        task.add_done_callback(lambda done: self._tasks.pop(done, None))
        self._report()
        return result

    async def stop(self, grace: float) -> None:
        """Stop without cutting a step in two: queued jobs are called off at once, running ones end at
        their next stage boundary or after `grace` seconds. Every step not carried out stays recorded
        as pending in the store, for the next start."""
        self.stopping = True
        every = list(self._tasks)
        running = []
        for task, ticket in list(self._tasks.items()):
            ticket.stopping = True
            if ticket.slot is None:
                task.cancel()  # waiting for its turn or for a slot: nothing of it is under way
            else:
                running.append(task)
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
        if every:
            await asyncio.wait(every)
        called_off = sum(1 for task in every if task.cancelled())
        if called_off:
            log.warning("stopped with the side effects of %d case(s) left for the next start", called_off)

    async def _run(
        self,
        job: Callable[[], Awaitable[T]],
        result: asyncio.Future[T],
        previous: tuple[asyncio.Future[None], asyncio.Future[None]] | None,
        ticket: _Ticket,
        finish: Callable[[], None],
    ) -> None:
        try:
            if previous is not None:
                await asyncio.shield(previous[0])  # shielded: a call-off here must not reach the job before
            ticket.check()
            await ticket.take(ticket.removals)
            _ticket.set(ticket)  # this task's own context: seen by `handoff` inside the job
            value = await job()
        except asyncio.CancelledError:
            result.cancel()
            raise
        except BaseException as exc:  # the submitter gets it; the lane goes on
            if not result.done():
                result.set_exception(exc)
        else:
            if not result.done():
                result.set_result(value)
        finally:
            ticket.give_back()
            finish()

    def _finish(
        self,
        key: Hashable,
        number: int,
        finished: asyncio.Future[None],
        ticket: _Ticket,
        previous: tuple[asyncio.Future[None], asyncio.Future[None]] | None,
    ) -> None:
        del self._submitted[number]
        front_left = ticket.front_left
        if not front_left.done():
            front_left.set_result(None)

        def close(_: object = None) -> None:
            # A job is finished for its successors once the jobs before it are too: a job that never
            # reached its back stage must not let the next one overtake the notices still under way.
            if not finished.done():
                finished.set_result(None)
            if self._tails.get(key) == (front_left, finished):
                del self._tails[key]

        if previous is None or previous[1].done():
            close()
        else:
            previous[1].add_done_callback(close)
        self._report()

    def _report(self) -> None:
        now = time.monotonic()
        waiting = len(self._submitted)
        if waiting >= self._warn_at:
            if self._warned_at is None or now - self._warned_at >= LOG_EVERY:
                self._warned_at = now
                log.warning(
                    "backlog: %d case(s) waiting for their side effects, the oldest for %.1f s; catching up",
                    waiting,
                    self.oldest(),
                )
        elif waiting == 0 and self._warned_at is not None:
            self._warned_at = None
            log.warning("backlog cleared: every case's side effects are carried out")
