"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, pg_ctl on a free 127.0.0.1 port."""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bot.store import SqlStore

USER = "vigie"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _runner() -> list[str]:
    """How to run the server's programs: initdb refuses root, so as root they run as another user."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            subprocess.run(["id", user], check=True, capture_output=True)
        except subprocess.CalledProcessError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", user, "--"]
        return ["su", user, "-s", "/bin/sh", "-c"]
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@dataclass
class PostgresServer:
    """One server for the whole test session; each test gets its own fresh database on it."""

    bin: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vigie-pg-")))
    port: int = field(default_factory=_free_port)
    _names: itertools.count[int] = field(default_factory=itertools.count)
    _shared: str | None = None

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = _runner()
        if prefix[:1] == ["su"]:
            return subprocess.run([*prefix, " ".join(command)], check=True, capture_output=True, text=True)
        return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def start(self) -> None:
        self.root.chmod(0o777)  # the unprivileged user writes the cluster and its socket here
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.root} -F"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _in_thread(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        # Its own thread and loop: fixtures may be set up while a test's event loop runs.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, work()).result()

    def fresh_database(self) -> str:
        """A new, empty database (not migrated); returns its URL. Slow-ish: for migration tests."""
        name = f"vigie_{os.getpid()}_{next(self._names)}"

        async def create() -> None:
            conn = await asyncpg.connect(self.url())
            try:
                await conn.execute(f"CREATE DATABASE {name}")
            finally:
                await conn.close()

        self._in_thread(create)
        return self.url(name)

    def clean_database(self) -> str:
        """The session's migrated database with every table emptied and every id counter reset."""
        if self._shared is None:
            self._shared = self.fresh_database()
            self._in_thread(lambda: _migrate(str(self._shared)))
        url = self._shared

        async def empty() -> None:
            conn = await asyncpg.connect(url)
            try:
                tables = [
                    row[0]
                    for row in await conn.fetch(
                        "SELECT tablename FROM pg_tables"
                        " WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"
                    )
                ]
                if tables:
                    await conn.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
            finally:
                await conn.close()

        self._in_thread(empty)
        return url


async def _migrate(url: str) -> None:
    store = await SqlStore.open(url)
    await store.close()
