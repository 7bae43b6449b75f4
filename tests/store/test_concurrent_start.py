"""Migrations are serialised: processes that open one fresh database at the same moment all succeed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import SqlStore, load_migrations
from bot.store.migrate import split_statements

ROOT = Path(__file__).resolve().parents[2]

# Each child imports everything first, says "ready", then waits for the parent's "go" on stdin,
# so the opens start together rather than one after the other.
CHILD = """
import asyncio, sys
from bot.store import SqlStore

async def main() -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    store = await SqlStore.open(sys.argv[1])
    print(await store.schema_version(), flush=True)
    await store.close()

asyncio.run(main())
"""


def _start_together(path: Path, count: int) -> list[tuple[int, str, str]]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        out, err = child.communicate(timeout=60)
        results.append((child.returncode, out.strip(), err.strip()))
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_processes_starting_together_on_a_fresh_file_all_succeed(tmp_path: Path, attempt: int) -> None:
    latest = load_migrations()[-1].version
    results = _start_together(tmp_path / f"fresh{attempt}.sqlite3", 4)
    assert results == [(0, str(latest), "")] * 4


async def test_a_database_at_the_latest_version_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    store = await SqlStore.open(path)
    await store.close()
    again = await SqlStore.open(path)  # nothing pending: no write transaction, no error
    try:
        assert await again.schema_version() == load_migrations()[-1].version
    finally:
        await again.close()


def test_migration_scripts_split_into_whole_statements() -> None:
    script = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER t_no_update BEFORE UPDATE ON t\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert "'a;b'" in statements[0]
    assert statements[1].strip().startswith("CREATE TRIGGER")
    assert statements[1].strip().endswith("END;")
