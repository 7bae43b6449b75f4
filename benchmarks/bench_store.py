"""Store benchmark (`python -m benchmarks.bench_store`): case creation and settings reads per second, both engines.

SQLite runs on a temp file; PostgreSQL on a throwaway local server started like the tests do (initdb,
pg_ctl on 127.0.0.1), or on the server named by `--postgres URL`. Each engine is measured with one
writer and with several concurrent writers (one store each, as separate processes would hold).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.models import ActionState, CaseStatus
from bot.store import SqlStore
from tests.fakes import make_draft
from tests.postgres_server import PostgresServer, find_binaries

CASES = 2_000
READS = 20_000
WRITERS = 4


async def _create(store: SqlStore, prefix: str, count: int) -> None:
    base = make_draft()
    for n in range(count):
        draft = replace(base, message_id=f"{prefix}-{n}", channel=f"c{n % 50}")
        await store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING)


async def measure(location: str) -> dict[str, float]:
    """Cases created per second (one writer, then WRITERS concurrent stores) and settings reads per second."""
    store = await SqlStore.open(location)
    started = time.perf_counter()
    await _create(store, "solo", CASES)
    solo = CASES / (time.perf_counter() - started)

    others = [await SqlStore.open(location) for _ in range(WRITERS)]
    started = time.perf_counter()
    await asyncio.gather(*(_create(s, f"w{i}", CASES // WRITERS) for i, s in enumerate(others)))
    concurrent = CASES / (time.perf_counter() - started)
    for other in others:
        await other.close()

    for n in range(50):
        await store.set_setting("discord", f"g{n}", "language", "fr")
    started = time.perf_counter()
    for n in range(READS):
        await store.settings_for("discord", f"g{n % 50}")
    reads = READS / (time.perf_counter() - started)
    await store.close()
    return {"create_solo": solo, "create_concurrent": concurrent, "settings_reads": reads}


async def run(postgres: str | None) -> None:
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite (WAL, file)", await measure(str(Path(folder) / "bench.sqlite3"))))
    server = None
    if postgres is None:
        binaries = find_binaries()
        if binaries is None:
            sys.exit("no PostgreSQL binaries: install postgresql or pass --postgres URL")
        server = PostgresServer(binaries)
        server.start()
        postgres = server.fresh_database()
    try:
        rows.append(("PostgreSQL (asyncpg pool, local)", await measure(postgres)))
    finally:
        if server is not None:
            server.stop()
    print(f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}; Python {platform.python_version()}")
    print(f"| Engine | Cases/s, 1 writer | Cases/s, {WRITERS} stores at once | Settings reads/s |")
    print("|---|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['create_solo']:,.0f} | {r['create_concurrent']:,.0f} | {r['settings_reads']:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="measure this PostgreSQL server instead of a throwaway one")
    asyncio.run(run(parser.parse_args().postgres))


if __name__ == "__main__":
    main()
