"""WAL checkpoints run on their own thread: the loop's commits only append to the WAL."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store.checkpoint import LOOP_FALLBACK_PAGES
from bot.store.sqlite import SqliteDatabase


async def test_the_thread_checkpoints_what_the_loop_wrote(tmp_path: Path) -> None:
    db = await SqliteDatabase.connect(tmp_path / "vigie.sqlite3")
    try:
        assert db.checkpointer is not None
        row = await db.fetchone("PRAGMA wal_autocheckpoint")
        assert row is not None
        assert row[0] == LOOP_FALLBACK_PAGES
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            for _ in range(200):
                await tx.execute("INSERT INTO notes (body) VALUES (?)", ("x" * 2000,))
        before = db.checkpointer.passes
        assert await asyncio.to_thread(db.checkpointer.wait_for_pass, before, 10.0)
        # Everything the loop committed is now in the main file: a second checkpoint finds nothing left.
        other = sqlite3.connect(tmp_path / "vigie.sqlite3")
        busy, logged, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        other.close()
        assert busy == 0
        assert logged == copied
    finally:
        await db.close()
    assert db.checkpointer is not None
    assert not db.checkpointer.alive


async def test_a_database_in_memory_has_no_checkpoint_thread() -> None:
    db = await SqliteDatabase.connect(":memory:")
    try:
        assert db.checkpointer is None
    finally:
        await db.close()


async def test_a_removed_file_is_not_created_again_by_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite3"
    db = await SqliteDatabase.connect(path)
    assert db.checkpointer is not None
    await db.close()
    await asyncio.to_thread(_remove, path)
    await asyncio.to_thread(db.checkpointer._run)  # a pass after the file went away
    assert not await asyncio.to_thread(path.exists)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
