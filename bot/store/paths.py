"""Checks on a database path before it is opened, so the CLI can refuse it with one clear line (SQLite only)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.store.locate import is_postgres, sqlite_path


def database_problem(path: str, *, must_exist: bool) -> str | None:
    """Why `path` cannot serve as Vigie's database (None when it can): a folder, a missing folder, read-only."""
    if is_postgres(path):
        return None  # a server: reachability is checked when it is opened
    path = sqlite_path(path)
    if path == ":memory:":
        return None
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        return f"the database path {path} is a directory, not a file"
    if not target.exists():
        if must_exist:
            return f"there is no database at {path} (check --db or VIGIE_DB)"
        if not folder.is_dir():
            return f"cannot create the database {path}: the folder {folder} does not exist"
        if not _writable(folder):
            return f"cannot create the database {path}: the folder {folder} is read-only"
        return None
    if not target.is_file():
        return f"the database path {path} is not a regular file"
    if not _writable(target):
        return f"the database {path} is read-only"
    if not _writable(folder):
        return f"the database {path} is in a read-only folder (SQLite needs to write its journal beside it)"
    return None


def _writable(path: Path) -> bool:
    # Root may write anything, but a file or folder with no write bit at all is read-only on purpose.
    mode = path.stat().st_mode
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)
