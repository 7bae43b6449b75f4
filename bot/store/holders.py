"""Claim holders: a process named by host, pid and start time, and whether a holder on this host is gone."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path


def _started(pid: int) -> str | None:
    """When the process started (clock ticks since boot, from /proc), or None where /proc is missing."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def this_process() -> str:
    """A new holder name for a store of this process: host, pid, start time and a nonce."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid) or '-'}:{secrets.token_hex(4)}"


def gone(holder: str) -> bool:
    """True when `holder` names a process of this host that no longer runs: its pid is free, or now
    belongs to a process started at another time (a restarted container reuses pid 1)."""
    try:
        host, pid_text, started, _ = holder.rsplit(":", 3)
        pid = int(pid_text)
    except ValueError:
        return False  # not a name this version gives: left to its lease
    if host != socket.gethostname():
        return False  # another machine's process: only its lease tells
    now_started = _started(pid)
    if now_started is not None:
        return started not in ("-", now_started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
