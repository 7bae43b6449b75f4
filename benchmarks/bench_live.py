"""Live load (`python -m benchmarks.bench_live`): the real bot process against the fake Discord and real slack-bolt."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import gc
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks.corpus import make_line, make_vocabulary
from bot.models import Actor, Message
from bot.policy import ActivePolicy
from bot.store import SqlStore
from tests.e2e.fake_discord import FakeDiscord, FakeUser, Request

ROOT = Path(__file__).resolve().parents[1]
CHARTER = ROOT / "policies" / "charter.toml"
SEED = 20261206
MEMBERS = 2_000
CHANNELS = 8
VIOLATING = 0.10
GRACE_SECONDS = 20.0

CLEAN = [
    "Bonjour à tous, quelqu'un a testé la nouvelle version ?",
    "merci pour le lien, je regarde ce soir",
    "I think the conference talk was great, especially the part about classes",
    "on se retrouve à 18h pour la partie ?",
    "Does anyone know how to configure the assistant for this?",
    "haha oui carrément",
    "le calcul est bon, j'ai vérifié deux fois",
    "see you tomorrow everyone",
]
BAD = [
    "espèce de connard",
    "what a moron you are",
    "t'es qu'un connard",
    "shut it, asshole",
    "quel enculé celui-là",
    "you absolute dickhead",
]

_DELETE = re.compile(r"/channels/(\d+)/messages/(\d+)")
_POST = re.compile(r"/channels/(\d+)/messages")
_APPEAL = re.compile(r"vigie:appeal:(\d+)")


class BenchDiscord(FakeDiscord):
    """The project's fake Discord with benchmark bookkeeping: when each DELETE and notice arrived.

    With `storm` > 0, that share of the bot's message deletes and posts is refused with HTTP 429:
    half as Discord sends it (`Via` header, `retry_after` in the body, which discord.py waits out and
    retries itself, up to 5 tries), half bare (no headers, as a proxy might), which reaches Vigie's
    own tracked-step retries.
    """

    def __init__(self, storm: float = 0.0) -> None:
        """A guild with MEMBERS members and CHANNELS screened channels."""
        super().__init__()
        self.storm = storm
        self.refused = 0
        self._storm_rng = random.Random(SEED)
        self._refusing: set[int] = set()
        self.screened = [self._add_channel(f"bench-{i}") for i in range(CHANNELS)]
        self.members = [FakeUser(str(600_000_000_000_100_000 + i), f"member{i}") for i in range(MEMBERS)]
        self.users.extend(self.members)
        self._by_id = {u.id: u for u in self.users}
        self.deletes: dict[str, list[float]] = defaultdict(list)
        self.notices: dict[str, int] = defaultdict(int)  # case id -> public notices posted
        self.timeouts = 0
        self.rest_calls = 0

    def _find_user(self, user_id: str) -> FakeUser:
        return self._by_id[str(user_id)]

    async def _record(self, request: Request) -> None:
        # Counters only: a benchmark's request list would grow without bound.
        self.rest_calls += 1
        storms = request.method in ("DELETE", "POST") and (
            _DELETE.fullmatch(request.path) or _POST.fullmatch(request.path)
        )
        if self.storm and storms and self._storm_rng.random() < self.storm:
            self.refused += 1
            self._refusing.add(id(request))  # refused by `_answer`: neither a deletion nor a notice
            return
        now = time.monotonic()
        if request.method == "DELETE" and (match := _DELETE.fullmatch(request.path)):
            self.deletes[match.group(2)].append(now)
        elif request.method == "POST" and (match := _POST.fullmatch(request.path)):
            if match.group(1) in self.screened:
                found = _APPEAL.search(json.dumps(request.json))
                if found:
                    self.notices[found.group(1)] += 1
        elif request.method == "PATCH" and request.path.startswith("/guilds/"):
            self.timeouts += 1

    def _answer(self, req: Request) -> web.StreamResponse:
        if id(req) not in self._refusing:
            return super()._answer(req)
        self._refusing.discard(id(req))
        body = json.dumps({"message": "You are being rate limited.", "retry_after": 0.25, "global": False})
        if self._storm_rng.random() < 0.5:
            headers = {"Content-Type": "application/json", "Via": "1.1 google", "Retry-After": "1"}
            return web.Response(body=body.encode(), status=429, headers=headers)
        return web.Response(text="429: Too Many Requests", status=429)

    async def post(self, author: FakeUser, content: str, channel: str, *, live: bool) -> str:
        """A member posts; `live` sends it over the gateway (else it only lands in the channel's history)."""
        payload = self.message_payload(author, content, channel=channel)
        ws = self._ws
        if live and ws is not None and not ws.closed and self.connected.is_set():
            # If the bot just died, the message stays in the channel's history for the catch-up.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(ws, "MESSAGE_CREATE", payload)
        return str(payload["id"])


@dataclass
class Run:
    """One load level's results."""

    platform: str
    rate: int
    seconds: float
    sent: int
    violating: int
    removed: int
    lost: int
    doubled: int
    wrongly_removed: int
    notices: int
    cases_without_notice: int
    second_notices: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    rss_mb: list[tuple[float, float]] = field(default_factory=list)
    note: str = ""
    failed: int = 0
    """Cases whose removal, or any of its tracked steps, ended failed."""

    @classmethod
    async def tally(
        cls,
        platform: str,
        rate: int,
        seconds: float,
        sent: tuple[dict[str, float], set[str]],
        fake: Any,
        db: Path,
        *,
        samples: list[tuple[float, float]],
        note: str,
    ) -> Run:
        """Count one level from the send times, the violating ids and the fake's deletes and notices, and
        the cases recorded in `db`."""
        sent_at, bad = sent
        deletes: dict[str, list[float]] = fake.deletes
        notices: dict[str, int] = fake.notices
        per_case = await case_notice_counts(db, platform)
        failed, why = await failed_cases(db)
        latencies = [(deletes[m][0] - sent_at[m]) * 1000 for m in bad if deletes.get(m)]
        removed = [m for m in bad if deletes.get(m)]
        return cls(
            platform=platform,
            rate=rate,
            seconds=seconds,
            sent=len(sent_at),
            violating=len(bad),
            removed=len(removed),
            lost=len(bad) - len(removed),
            doubled=sum(1 for m in bad if len(deletes.get(m, [])) > 1),
            wrongly_removed=sum(1 for m in deletes if m in sent_at and m not in bad),
            notices=sum(notices.values()),
            cases_without_notice=sum(1 for m in removed if per_case.get(m, (False, 0))[1] == 0),
            second_notices=sum(n - 1 for n in notices.values() if n > 1),
            p50_ms=percentile(latencies, 0.50),
            p95_ms=percentile(latencies, 0.95),
            p99_ms=percentile(latencies, 0.99),
            max_ms=max(latencies) if latencies else None,
            rss_mb=samples,
            note=note + (f"; failed steps: {why}" if why else ""),
            failed=failed,
        )

    def line(self) -> str:
        """One Markdown table row."""
        rss = [mb for _, mb in self.rss_mb]
        settled = rss[len(rss) // 6 :] or rss  # after the first sixth: imports, caches and pools warmed up
        drift = f"{min(settled):.0f}–{max(settled):.0f}" if settled else "—"

        def ms(value: float | None) -> str:
            return "—" if value is None else f"{value:,.0f}"

        return (
            f"| {self.platform} | {self.rate:,} | {self.seconds:.0f} | {self.sent:,} | {self.violating:,} | "
            f"{ms(self.p50_ms)} | {ms(self.p95_ms)} | {ms(self.p99_ms)} | {self.lost} | {self.doubled} | "
            f"{self.notices:,} | {self.cases_without_notice} | {self.second_notices} | {drift} |"
        )


HEADER = (
    "| platform | offered/s | s | sent | violating | p50 ms | p95 ms | p99 ms | lost | doubled | "
    "notices | removed w/o notice | 2nd notices | RSS MB (settled min–max) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


class Lines:
    """Generated chat lines the shipped charter allows (varied, so the flood rule stays out of it), and insults."""

    def __init__(self, seed: int, count: int = 4_000) -> None:
        """Screen generated lines once with the shipped charter and keep the allowed ones."""
        rng = random.Random(seed)
        vocabulary = make_vocabulary(rng)
        policy = ActivePolicy.from_path(CHARTER)
        author = Actor(platform="discord", id="1", name="member", community="g")
        self.clean: list[str] = []
        for index in range(count):
            text = make_line(rng, vocabulary) + " " + rng.choice(CLEAN)
            message = Message("discord", "g", "c", str(index), author, text, datetime.now(UTC))
            if policy.screen(message).allowed:
                self.clean.append(text)
        self.vocabulary = vocabulary

    def text(self, rng: random.Random, violating: bool) -> str:
        """A clean line, or an insult inside ordinary words."""
        if violating:
            return f"{rng.choice(self.vocabulary)} {rng.choice(BAD)} {rng.choice(self.vocabulary)}"
        return rng.choice(self.clean)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile, in the values' unit; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds this process (the load generator and the fake) has used."""
    times = os.times()
    return times.user + times.system


def machine_note(bot_cpu: float, own: float, seconds: float) -> str:
    """The bot's and this process's shares of one core over the load (CPU seconds each used during it),
    and the machine's load average."""
    load = os.getloadavg()[0]
    return (
        f"bot CPU {bot_cpu / seconds:.0%} of a core, load generator and fake {own / max(seconds, 1e-9):.0%},"
        f" load average {load:.1f}"
    )


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class BotProcess:
    """`python -m bot run <platform>` in a child process, configured through the environment as in production."""

    def __init__(self, platform: str, env: dict[str, str], log: Path) -> None:
        """Nothing runs until `start`."""
        self.platform = platform
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the bot."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", self.platform],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        """The child's pid."""
        assert self.proc is not None
        return self.proc.pid

    def kill9(self) -> None:
        """SIGKILL, as a crash or an OOM kill would."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self, within: float = 15.0) -> float:
        """SIGTERM and wait; returns how long the bot took to exit."""
        assert self.proc is not None
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(within)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return time.monotonic() - started


def profile(pid: int, seconds: float) -> subprocess.Popen[bytes] | None:
    """With BENCH_PROFILE=path, sample the bot with py-spy (collapsed stacks) while the load runs."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        return None
    command = ["py-spy", "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250"]
    return subprocess.Popen([*command, "--format", "raw", "--output", target, "--nonblocking"])


async def seed_settings(db: Path, platform: str, community: str, review: str, log: str) -> None:
    """Review and log channels set, as an admin's /vigie setup would."""
    store = await SqlStore.open(db)
    try:
        await store.set_setting(platform, community, "review_channel", review)
        await store.set_setting(platform, community, "log_channel", log)
    finally:
        await store.close()


NOTICE_SECONDS = 10


async def seed_notice_lifetime(db: Path, guild: str) -> None:
    """Public notices expire after NOTICE_SECONDS (default 120): their removals, one DELETE per notice,
    then run during the load, as they do in a long run."""
    store = await SqlStore.open(db)
    try:
        await store.set_setting("discord", guild, "notice_seconds", NOTICE_SECONDS)
    finally:
        await store.close()


async def sample_rss(pid_of: Any, samples: list[tuple[float, float]], started: float, stop: asyncio.Event) -> None:
    """Every second, the bot's RSS."""
    while not stop.is_set():
        pid = pid_of()
        if pid:
            samples.append((round(time.monotonic() - started, 1), round(rss_mb(pid), 1)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


FREEZE_EVERY = 5.0
"""Seconds between two freezes of the benchmark process's own heap (see `offer`)."""


async def offer(rate: int, seconds: float, send: Any, *, rng: random.Random) -> tuple[dict[str, float], set[str]]:
    """Call `send(index, violating)` at a fixed offered rate; returns send times and the violating ids."""
    sent_at: dict[str, float] = {}
    bad: set[str] = set()
    total = int(rate * seconds)
    gc.unfreeze()  # what an earlier level left frozen is garbage now: collected before this one starts
    gc.collect()
    started = time.monotonic()
    frozen = started
    index = 0
    while index < total:
        if time.monotonic() - frozen >= FREEZE_EVERY:
            # The fake keeps every message and gateway payload it sent: left to the collector, this
            # process's full collections grew to 200-500 ms over a 60 s run, and a paused fake records
            # DELETEs late. Frozen, they stay out of the scans: the latency measured is the bot's.
            gc.freeze()
            frozen = time.monotonic()
        due = min(total, int((time.monotonic() - started) * rate) + 1)
        while index < due:
            violating = rng.random() < VIOLATING
            message_id = await send(index, violating)
            sent_at[message_id] = time.monotonic()
            if violating:
                bad.add(message_id)
            index += 1
        await asyncio.sleep(0.002)
    return sent_at, bad


async def wait_removed(removed: Any, bad: set[str], grace: float) -> None:
    """Until every violating message was deleted, or `grace` seconds."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not bad <= removed():  # noqa: ASYNC110 - polls another process's effects
        await asyncio.sleep(0.05)


async def case_notice_counts(db: Path, platform: str) -> dict[str, tuple[bool, int]]:
    """Per removed message id: whether its case stands as removed, and how many notices its audit shows."""
    store = await SqlStore.open(db)
    try:
        rows = await store.database.fetchall(
            "SELECT c.message_id, c.action_state,"
            " (SELECT COUNT(*) FROM audit a WHERE a.case_id = c.id AND a.event = 'notice_posted')"
            " FROM cases c WHERE c.platform = ? AND c.action = 'remove'",
            (platform,),
        )
    finally:
        await store.close()
    return {str(r[0]): (r[1] == "done", int(r[2])) for r in rows}


def dump_latencies(sent_at: dict[str, float], deletes: dict[str, list[float]], started: float) -> None:
    """With BENCH_LATENCIES=path, write one CSV line per removal: seconds into the run, latency in ms."""
    target = os.environ.get("BENCH_LATENCIES")
    if not target:
        return
    with Path(target).open("w") as out:
        out.write("sent_s,latency_ms\n")
        for message_id, sent in sorted(sent_at.items(), key=lambda item: item[1]):
            if deletes.get(message_id):
                out.write(f"{sent - started:.3f},{(deletes[message_id][0] - sent) * 1000:.1f}\n")


async def failed_cases(db: Path) -> tuple[int, str]:
    """Cases whose action, or any tracked step, ended `failed`, and which steps with which errors."""
    store = await SqlStore.open(db)
    try:
        row = await store.database.fetchone(
            "SELECT COUNT(*) FROM cases c WHERE c.action_state = 'failed'"
            " OR EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.state = 'failed')"
        )
        kinds = await store.database.fetchall(
            "SELECT kind, error, COUNT(*) FROM case_steps WHERE state = 'failed' GROUP BY kind, error ORDER BY 3 DESC"
        )
    finally:
        await store.close()
    why = ", ".join(f"{kind} ({error}) ×{count}" for kind, error, count in kinds[:5])
    return (int(row[0]) if row else 0), why


async def discord_run(
    rate: int, seconds: float, *, kill_after: float | None = None, down: float = 5.0, storm: float = 0.0
) -> Run:
    """Offer `rate` messages/s for `seconds` to the bot through the fake gateway; optionally kill -9 and
    restart, or answer a share (`storm`) of its deletes and posts with 429."""
    rng = random.Random(SEED + rate)
    lines = Lines(SEED)
    fake = BenchDiscord(storm)
    await fake.start()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    db = work / "vigie.sqlite3"
    await seed_settings(db, "discord", fake.guild_id, fake.review, fake.log)
    await seed_notice_lifetime(db, fake.guild_id)
    env = {
        "VIGIE_DB": str(db),
        "VIGIE_CHARTER": str(CHARTER),
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "VIGIE_LOG_LEVEL": "WARNING",
        # The kill scenario leaves ~600 messages per channel unseen (5 s down + the restart): above the
        # default 500 per channel, so the catch-up limit is raised as an operator would for this rate.
        "VIGIE_CATCH_UP_MESSAGES": "2000",
    }
    bot = BotProcess("discord", env, work / "bot.log")
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    alive = {"pid": 0}

    async def connect() -> None:
        fake.connected.clear()
        bot.start()
        alive["pid"] = bot.pid
        await asyncio.wait_for(fake.connected.wait(), 30)
        await asyncio.sleep(3.0)  # discord.py waits guild_ready_timeout (2 s) before on_ready

    await connect()
    started = time.monotonic()
    cpu_at_start, own_at_start = cpu_seconds(bot.pid), own_cpu()
    profiler = profile(bot.pid, seconds)
    sampler = asyncio.create_task(sample_rss(lambda: alive["pid"], samples, started, stop))
    state = {"live": True}

    async def send(index: int, violating: bool) -> str:
        author = fake.members[index % MEMBERS]
        channel = fake.screened[index % CHANNELS]
        text = lines.text(rng, violating)
        return await fake.post(author, text, channel, live=state["live"])

    note = ""
    if kill_after is None:
        sent_at, bad = await offer(rate, seconds, send, rng=rng)
        note = machine_note(cpu_seconds(bot.pid) - cpu_at_start, own_cpu() - own_at_start, time.monotonic() - started)
    else:
        first = asyncio.create_task(offer(rate, seconds, send, rng=rng))
        await asyncio.sleep(kill_after)
        bot.kill9()
        alive["pid"] = 0
        state["live"] = False  # messages keep coming while the bot is down: they are only in the history
        await asyncio.sleep(down)
        state["live"] = True
        await connect()
        alive["pid"] = bot.pid
        sent_at, bad = await first
        note = f"kill -9 after {kill_after:.0f} s, down {down:.0f} s, restarted"
    await wait_removed(lambda: set(fake.deletes), bad, GRACE_SECONDS)
    await asyncio.sleep(2.0)  # notices follow deletions
    stop.set()
    await sampler
    if profiler is not None:
        profiler.wait()
    exit_seconds = bot.stop()
    note = (note + "; " if note else "") + f"SIGTERM exit {exit_seconds:.1f} s"
    await fake.close()
    if storm:
        note += f"; 429 storm: {fake.refused:,} deletes and posts refused ({storm:.0%})"
    dump_latencies(sent_at, fake.deletes, started)
    return await Run.tally("discord", rate, seconds, (sent_at, bad), fake, db, samples=samples, note=note)


LOCK = Path(tempfile.gettempdir()) / "vigie-bench-live.lock"


@contextlib.contextmanager
def machine_to_ourselves() -> Any:
    """Hold a machine-wide lock for the run: two live benchmarks at once would each measure the other."""
    with LOCK.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another live benchmark on this machine to finish…", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Run the requested scenarios and print a Markdown table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_live", description=__doc__)
    parser.add_argument("--discord", default="100,500,1000,2000", help="offered msg/s, comma-separated ('' skips)")
    parser.add_argument("--slack", default="", help="offered Slack events/s, comma-separated ('' skips)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill", action="store_true", help="also run the kill -9 scenario at 600 msg/s")
    parser.add_argument(
        "--storm", type=float, default=0.0, help="also run 500 msg/s with this share of deletes and posts refused (429)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    runs: list[Run] = []
    for rate in [int(r) for r in args.discord.split(",") if r.strip()]:
        runs.append(asyncio.run(discord_run(rate, args.seconds)))
        print(runs[-1].line() if not args.json else "", file=sys.stderr, flush=True)
    if args.slack.strip():
        from benchmarks.live_slack import slack_run

        for rate in [int(r) for r in args.slack.split(",") if r.strip()]:
            runs.append(asyncio.run(slack_run(rate, args.seconds)))
            print(runs[-1].line() if not args.json else "", file=sys.stderr, flush=True)
    if args.kill:
        runs.append(asyncio.run(discord_run(600, args.seconds, kill_after=args.seconds / 3)))
    if args.storm:
        runs.append(asyncio.run(discord_run(500, args.seconds, storm=args.storm)))
    if args.json:
        print(json.dumps([asdict(r) for r in runs], indent=2))
    else:
        print(HEADER)
        for run in runs:
            print(run.line())
        for run in runs:
            print(f"- {run.platform} {run.rate}/s: {run.note or 'no note'}; cases failed: {run.failed}")
    return 0


if __name__ == "__main__":
    with machine_to_ourselves():
        sys.exit(main())
