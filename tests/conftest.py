"""Session-wide test setup: Hypothesis without deadlines, a throwaway PostgreSQL server when asked for, the core env."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fakes import Env, build_env
from tests.postgres_server import PostgresServer, find_binaries

# Property tests check behaviour, not speed: no per-example deadline (speed lives in benchmarks/).
settings.register_profile("vigie", deadline=None)
settings.load_profile("vigie")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Started once per session; skipped without binaries, except in CI (CI set), where that fails."""
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no PostgreSQL binaries (initdb, pg_ctl) were found; install postgresql")
        pytest.skip("PostgreSQL binaries not found (install postgresql to run the PostgreSQL half)")
    server = PostgresServer(binaries)
    server.start()
    # A session stopped by SIGTERM (a CI timeout, say) still stops its server: the signal becomes a
    # KeyboardInterrupt, on which pytest runs the session's teardown.
    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield server
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The session's migrated PostgreSQL database, emptied for this test."""
    return postgres_server.clean_database()


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> str:
    """A new PostgreSQL database with no schema at all (for migration tests)."""
    return postgres_server.fresh_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A fresh database location on each engine: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path) + "/vigie.sqlite3"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    """The core wired on a real SQLite file in `tmp_path`, around a fake platform (closed afterwards)."""
    built = await build_env(tmp_path / "vigie.sqlite3")
    yield built
    await built.store.close()
