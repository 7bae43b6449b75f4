"""Periodic duties of a running bot: purge content past retention, and any recurring job registered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]

DEFAULT_INTERVAL_SECONDS = 300.0


async def run_jobs_once(jobs: Sequence[tuple[str, Job]]) -> None:
    """Run each job once; one failing job is logged and never stops the others."""
    for name, job in jobs:
        try:
            await job()
        except Exception:
            log.exception("housekeeping job %s failed; it will run again next round", name)


async def run_forever(jobs: Sequence[tuple[str, Job]], interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
    """Run the jobs every `interval` seconds until cancelled."""
    while True:
        await run_jobs_once(jobs)
        await asyncio.sleep(interval)
