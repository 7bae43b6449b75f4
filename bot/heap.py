"""Long-lived objects (modules, charter matchers, lexicons, caches) taken out of the collector's full scans."""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def settle() -> None:
    """Collect what is garbage now, then freeze every object still alive out of the cyclic collector's scans.

    A running bot holds a large, stable heap: imported modules, the compiled charter, word lists, the
    platform client's caches. Left in the collector's oldest generation, each full collection walks
    all of it on the event loop, 200-350 ms measured at 1,000 msg/s (benchmarks/RESULTS.md), which
    every message waiting behind it pays. Frozen objects are still freed by reference counting; only
    cycles among them are never collected, so this is called after startup and after a charter reload,
    not per message.
    """
    gc.collect()
    gc.freeze()
    log.debug("heap settled: %d objects frozen", gc.get_freeze_count())
