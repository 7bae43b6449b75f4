"""WAL checkpoints on a thread of their own, so their fsync never stalls the event loop's commits."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

EVERY_SECONDS = 1.0
"""How often the WAL is copied back into the database file."""

LOOP_FALLBACK_PAGES = 20_000
"""The loop's own connection checkpoints only past this many WAL pages (about 80 MB): a safety net
should the thread fall behind. SQLite's default, 1,000 pages, meant an fsync inside a commit on the
loop every few hundred cases under load."""


class WalCheckpointer:
    """A daemon thread with its own connection that runs a PASSIVE checkpoint every `every` seconds.

    PASSIVE never waits for the loop's readers or writers; the thread releases the GIL while SQLite
    copies pages and syncs the file, so the loop keeps running.
    """

    def __init__(self, path: str, every: float = EVERY_SECONDS) -> None:
        """Checkpoint the database at `path`; nothing runs until `start`."""
        self._path = path
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vigie-wal-checkpoint", daemon=True)
        self.passes = 0
        """Checkpoints completed (for tests and health reports)."""
        self._passed = threading.Condition()

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop after the checkpoint under way, if any, then run a last one."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)

    def wait_for_pass(self, after: int, timeout: float) -> bool:
        """Block until more than `after` checkpoints have completed; False on timeout."""
        with self._passed:
            return self._passed.wait_for(lambda: self.passes > after, timeout)

    def _run(self) -> None:
        try:
            # mode=rw: a file removed meanwhile is not created again, empty.
            uri = Path(self._path).resolve().as_uri() + "?mode=rw"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            log.warning("WAL checkpoints fall back to the main connection: %s", exc)
            return
        try:
            conn.execute("PRAGMA busy_timeout = 1000")
            while True:
                stopping = self._stop.wait(self._every)
                self._checkpoint(conn)
                if stopping:
                    return
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # a busy or vanished file: the next pass, or the loop's fallback, will do it
            log.debug("WAL checkpoint skipped: %s", exc)
            return
        with self._passed:
            self.passes += 1
            self._passed.notify_all()
