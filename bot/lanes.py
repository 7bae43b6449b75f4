"""Side effects run in order per channel, a bounded number at once, with the backlog visible in the log."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_Job = tuple[Callable[[], Awaitable[Any]], "asyncio.Future[Any]", float]

DEFAULT_BOUND = 32
"""How many cases' side effects may be in flight at once, all channels together."""

BACKLOG_WARNING = 50
"""From this many waiting cases on, the backlog is logged (at most every LOG_EVERY seconds) until it clears."""

LOG_EVERY = 10.0


class Lanes:
    """One FIFO lane per key (a channel): jobs of a lane run one after another, in submission order;
    jobs of different lanes run concurrently, at most `bound` at a time.

    Nothing is dropped past the knee: jobs wait in their lane, `backlog` counts them, and the log
    says how far behind the bot is until it has caught up.
    """

    def __init__(self, bound: int = DEFAULT_BOUND, *, warn_at: int = BACKLOG_WARNING) -> None:
        """`bound` jobs at most run at once; the backlog is logged from `warn_at` waiting jobs on."""
        self._bound = asyncio.Semaphore(bound)
        self._lanes: dict[Hashable, deque[_Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._warn_at = warn_at
        self._warned_at: float | None = None
        self.waiting = 0
        """Jobs submitted and not finished yet (queued or running)."""
        self.done = 0

    @property
    def backlog(self) -> int:
        """Jobs submitted and not finished yet."""
        return self.waiting

    def oldest(self) -> float:
        """Seconds the oldest unfinished job has waited (0 when idle)."""
        now = time.monotonic()
        return max((now - lane[0][2] for lane in self._lanes.values() if lane), default=0.0)

    def run(self, key: Hashable, job: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        """Queue `job` in lane `key`; the future gives its result once it has run."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        lane = self._lanes.get(key)
        if lane is None:
            lane = deque()
            self._lanes[key] = lane
            worker = loop.create_task(self._drain(key, lane), name=f"vigie-lane-{key}")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        lane.append((job, future, time.monotonic()))
        self.waiting += 1
        self._report()
        return future

    async def _drain(
        self, key: Hashable, lane: deque[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any], float]]
    ) -> None:
        try:
            while lane:
                job, future, _ = lane[0]
                try:
                    async with self._bound:
                        result = await job()
                except asyncio.CancelledError:
                    if not future.done():
                        future.cancel()
                    raise
                except BaseException as exc:  # the submitter gets it; the lane goes on
                    if not future.done():
                        future.set_exception(exc)
                else:
                    if not future.done():
                        future.set_result(result)
                finally:
                    lane.popleft()
                    self.waiting -= 1
                    self.done += 1
                    self._report()
        finally:
            if self._lanes.get(key) is lane:
                del self._lanes[key]
            for _, future, _ in lane:
                if not future.done():
                    future.cancel()

    def _report(self) -> None:
        now = time.monotonic()
        if self.waiting >= self._warn_at:
            if self._warned_at is None or now - self._warned_at >= LOG_EVERY:
                self._warned_at = now
                log.warning(
                    "backlog: %d case(s) waiting for their side effects, the oldest for %.1f s; catching up",
                    self.waiting,
                    self.oldest(),
                )
        elif self.waiting == 0 and self._warned_at is not None:
            self._warned_at = None
            log.warning("backlog cleared: every case's side effects are carried out")
