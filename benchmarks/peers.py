"""Peer filters for the screening benchmark: better-profanity in-process, the npm `obscenity` through Node."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

NODE_DIR = Path(__file__).parent / "node"
SECONDS = 4.0  # each peer is timed on as much of the corpus as it gets through in this time


@dataclass(frozen=True, slots=True)
class PeerRun:
    """What one peer did on a prefix of the lines: how many it screened, how fast, and which it flagged."""

    name: str
    count: int
    msg_per_s: float
    flags: list[bool]


def better_profanity(terms: Sequence[str], lines: Sequence[str], seconds: float = SECONDS) -> PeerRun | None:
    """better-profanity's `contains_profanity`, loaded with the same terms; None when it is not installed."""
    try:
        from better_profanity import Profanity  # type: ignore[import-untyped]
    except ImportError:
        return None
    checker = Profanity(list(terms))
    return _timed("better-profanity", checker.contains_profanity, lines, seconds)


def _timed(name: str, check: Callable[[str], bool], lines: Sequence[str], seconds: float) -> PeerRun:
    flags: list[bool] = []
    started = time.process_time()  # CPU time, as for Vigie
    for line in lines:
        flags.append(bool(check(line)))
        if time.process_time() - started > seconds:
            break
    elapsed = time.process_time() - started
    return PeerRun(name, len(flags), len(flags) / elapsed, flags)


def obscenity_ready() -> bool:
    """Whether Node and the `obscenity` package are there; installs the package with npm when Node is present."""
    if shutil.which("node") is None:
        return False
    if not (NODE_DIR / "node_modules" / "obscenity").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            return False
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=False, timeout=300)
    return (NODE_DIR / "node_modules" / "obscenity").is_dir()


def obscenity(terms: Sequence[str], lines: Sequence[str], seconds: float = SECONDS) -> PeerRun | None:
    """The npm filter `obscenity` (whole-word patterns, its English transformers) on the same terms and lines.

    Node reads everything first and times only the matching loop (CPU time, as for Vigie), so start-up is not
    counted against it.
    """
    node = shutil.which("node")
    if node is None or not obscenity_ready():
        return None
    payload = json.dumps({"terms": list(terms), "lines": list(lines), "seconds": seconds})
    done = subprocess.run(
        [node, str(NODE_DIR / "obscenity_peer.js")],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds * 10 + 120,
    )
    result = json.loads(done.stdout)
    count = int(result["count"])
    flagged = set(result["flagged"])
    return PeerRun(
        "obscenity", count, count / max(float(result["seconds"]), 1e-9), [i in flagged for i in range(count)]
    )
