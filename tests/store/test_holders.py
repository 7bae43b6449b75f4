"""A restarted bot takes over at once the claims its dead predecessor on this host left, and no one else's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.store import SqlStore, holders
from bot.store.values import to_text
from tests.fakes import START


def exited_pid() -> int:
    """The pid of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_this_process_is_not_gone() -> None:
    assert not holders.gone(holders.this_process())


def test_a_process_that_ended_or_whose_pid_was_reused_is_gone() -> None:
    host = socket.gethostname()
    assert holders.gone(f"{host}:{exited_pid()}:12345:abcd")
    # Our own pid, started at another time: a restarted container's pid 1, not us.
    assert holders.gone(f"{host}:{os.getpid()}:1:abcd")


def test_other_hosts_and_unknown_names_are_left_to_their_lease() -> None:
    assert not holders.gone(f"not-{socket.gethostname()}:{exited_pid()}:12345:abcd")
    assert not holders.gone("a name from an older version")


async def test_release_dead_claims_frees_only_the_dead_holders_claims(tmp_path: Path) -> None:
    store = await SqlStore.open(tmp_path / "vigie.sqlite3")
    try:
        host, far = socket.gethostname(), to_text(START.replace(year=2099))
        alive_elsewhere = f"{host}:{os.getpid()}:{holders._started(os.getpid())}:other"  # another store, this process
        held = {1: f"{host}:{exited_pid()}:12345:dead", 2: alive_elsewhere, 3: f"elsewhere:{exited_pid()}:1:far"}
        async with store.database.transaction() as tx:
            for case_id, holder in held.items():
                await tx.execute(
                    "INSERT INTO action_claims (case_id, holder, expires_at) VALUES (?, ?, ?)", (case_id, holder, far)
                )
        assert await store.release_dead_claims() == 1
        rows = await store.database.fetchall("SELECT case_id FROM action_claims ORDER BY case_id")
        assert [row[0] for row in rows] == [2, 3]
    finally:
        await store.close()
