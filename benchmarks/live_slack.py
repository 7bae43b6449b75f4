"""Live load, Slack half: the real bot in HTTP mode fed signed Events API posts, against the fake Slack."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.bench_live import (
    CHARTER,
    GRACE_SECONDS,
    SEED,
    BotProcess,
    Lines,
    Run,
    cpu_seconds,
    dump_latencies,
    machine_note,
    offer,
    own_cpu,
    percentile,
    profile,
    sample_rss,
    seed_settings,
    wait_removed,
)
from tests.e2e.fake_slack import ADMIN_TOKEN, BOT_TOKEN, TEAM, FakeSlack, Json
from tests.e2e.slack_fixtures import SECRET, event_callback, signed_headers

MEMBERS = 2_000
CHANNELS = 8
CONNECTIONS = int(os.environ.get("BENCH_SLACK_CONNECTIONS", "64"))
"""Keep-alive connections the load generator posts events over (Slack itself opens many in parallel)."""
REVIEW = "C0REVIEW"
LOG = "C0LOG"


class BenchSlack(FakeSlack):
    """The project's fake Slack with benchmark bookkeeping: counters, not a request log (it would grow)."""

    def __init__(self) -> None:
        """A workspace with MEMBERS members and CHANNELS screened channels."""
        super().__init__()
        self.screened = [f"C0BENCH{i}" for i in range(CHANNELS)]
        self.channels.update({c: f"bench-{i}" for i, c in enumerate(self.screened)})
        self.channels.update({REVIEW: "moderation", LOG: "vigie-log"})
        self.members = [f"U{i:08d}" for i in range(MEMBERS)]
        for index, member in enumerate(self.members):
            self.add_user(member, f"member{index}")
        self.deletes: dict[str, list[float]] = defaultdict(list)  # ts -> when each chat.delete arrived
        self.notices: dict[str, int] = defaultdict(int)  # case id -> public notices posted in the channels
        self.methods: dict[str, int] = defaultdict(int)  # Web API method -> calls

    async def _record(self, call: Any) -> None:
        self.methods[call.method] += 1

    def _delete(self, token: str | None, args: Json) -> Json:
        # Members' messages are not stored (30,000 a run): every admin delete succeeds, as on Slack.
        if token != ADMIN_TOKEN:
            return super()._delete(token, args)
        self.deletes[str(args.get("ts"))].append(time.monotonic())
        return {"channel": args.get("channel"), "ts": args.get("ts")}

    def _post_message(self, token: str | None, args: Json) -> Json:
        channel = str(args.get("channel"))
        if channel in self.screened:
            for block in args.get("blocks") or []:
                block_id = str(block.get("block_id") or "")
                if block_id.startswith("thread:"):
                    self.notices[block_id.removeprefix("thread:")] += 1
        # Nothing is stored: the bot's own posts are never read back during the load.
        return {"channel": channel, "ts": self.next_ts(), "message": {"type": "message", "bot_id": "BVIGIE"}}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_listening(port: int, within: float = 30.0) -> None:
    """Until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + within
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {within:.0f} s") from None
            await asyncio.sleep(0.1)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return


def event_body(event_id: str, channel: str, user: str, ts: str, text: str) -> str:
    """An Events API `event_callback` carrying a member's `message`, as Slack sends it."""
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": TEAM,
    }
    return event_callback(event, event_id, int(float(ts)))


class EventPoster:
    """A pool of keep-alive HTTP connections posting signed events; records each POST's ack latency."""

    def __init__(self, url: str, connections: int = CONNECTIONS) -> None:
        """Nothing is sent until `start`."""
        self.url = url
        self.connections = connections
        self.queue: asyncio.Queue[tuple[float, str] | None] = asyncio.Queue()
        self.ack_ms: list[float] = []
        self.wait_ms: list[float] = []  # offered -> POST started: the generator's own queueing
        self.statuses: dict[int, int] = defaultdict(int)
        self.failed = 0
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the pool and its workers (one connection each, kept alive)."""
        connector = aiohttp.TCPConnector(limit=self.connections, force_close=False)
        self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.connections)]

    def put(self, body: str) -> None:
        """Queue one event body; the time it was offered is kept with it."""
        self.queue.put_nowait((time.monotonic(), body))

    async def _work(self) -> None:
        assert self._session is not None
        while (item := await self.queue.get()) is not None:
            offered, body = item
            started = time.monotonic()
            self.wait_ms.append((started - offered) * 1000)
            headers = {"Content-Type": "application/json", **signed_headers(body, secret=SECRET)}
            try:
                async with self._session.post(self.url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    self.statuses[response.status] += 1
            except (aiohttp.ClientError, TimeoutError):
                self.failed += 1
                continue
            self.ack_ms.append((time.monotonic() - started) * 1000)

    async def close(self) -> None:
        """Let queued events go out, then close the pool."""
        for _ in self._workers:
            self.queue.put_nowait(None)
        await asyncio.gather(*self._workers)
        if self._session is not None:
            await self._session.close()


async def loop_lag(lags: list[float], stop: asyncio.Event, every: float = 0.01) -> None:
    """How late this process's event loop wakes up (ms): the fake Slack answers the bot no sooner than that."""
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(every)
        lags.append((time.monotonic() - before - every) * 1000)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


async def slack_run(rate: int, seconds: float) -> Run:
    """Offer `rate` message events/s for `seconds` to `python -m bot run slack` (HTTP mode) over signed POSTs."""
    rng = random.Random(SEED + rate)
    lines = Lines(SEED)
    fake = BenchSlack()
    await fake.start()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-slack-"))
    db = work / "vigie.sqlite3"
    await seed_settings(db, "slack", TEAM, REVIEW, LOG)
    port = free_port()
    env = {
        "VIGIE_DB": str(db),
        "VIGIE_CHARTER": str(CHARTER),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_ADMIN_USER_TOKEN": ADMIN_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "VIGIE_HTTP_HOST": "127.0.0.1",
        "VIGIE_HTTP_PORT": str(port),
        "VIGIE_HEALTH_PORT": str(free_port()),
        "VIGIE_LOG_LEVEL": "WARNING",
    }
    bot = BotProcess("slack", env, work / "bot.log")
    bot.start()
    await wait_listening(port)
    poster = EventPoster(f"http://127.0.0.1:{port}/slack/events")
    await poster.start()
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    started = time.monotonic()
    cpu_at_start, own_at_start = cpu_seconds(bot.pid), own_cpu()
    profiler = profile(bot.pid, seconds)
    sampler = asyncio.create_task(sample_rss(lambda: bot.pid, samples, started, stop))
    lags: list[float] = []
    lagger = asyncio.create_task(loop_lag(lags, stop))
    epoch = int(time.time())

    async def send(index: int, violating: bool) -> str:
        ts = f"{epoch + index // 1_000_000}.{index % 1_000_000:06d}"
        user = fake.members[index % MEMBERS]
        channel = fake.screened[index % CHANNELS]
        poster.put(event_body(f"Ev{SEED}{index:08d}", channel, user, ts, lines.text(rng, violating)))
        return ts

    sent_at, bad = await offer(rate, seconds, send, rng=rng)
    elapsed = time.monotonic() - started
    machine = machine_note(cpu_seconds(bot.pid) - cpu_at_start, own_cpu() - own_at_start, elapsed)
    await wait_removed(lambda: set(fake.deletes), bad, GRACE_SECONDS)
    await poster.close()
    await asyncio.sleep(2.0)  # notices follow deletions
    stop.set()
    await sampler
    await lagger
    if profiler is not None:
        profiler.wait()
    exit_seconds = bot.stop()
    await fake.close()
    dump_latencies(sent_at, fake.deletes, started)
    refused = sum(n for status, n in poster.statuses.items() if status != 200) + poster.failed
    note = (
        f"event POST ack ms p50 {_ms(percentile(poster.ack_ms, 0.5))} / p99 {_ms(percentile(poster.ack_ms, 0.99))}"
        f" / max {_ms(max(poster.ack_ms, default=None))}, not acked with 200: {refused};"
        f" generator queueing p99 {_ms(percentile(poster.wait_ms, 0.99))} ms,"
        f" generator loop lag p99 {_ms(percentile(lags, 0.99))} ms;"
        f" users.info {fake.methods['users.info']}, auth.test {fake.methods['auth.test']},"
        f" conversations.info {fake.methods['conversations.info']}; {machine}; SIGTERM exit {exit_seconds:.1f} s"
    )
    return await Run.tally("slack", rate, seconds, (sent_at, bad), fake, db, samples=samples, note=note)
