"""Command line: run the bots, screen a transcript offline, check and publish the charter, purge and report."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot import heap
from bot.charter.loader import CharterInvalid, check_charter, load_charter
from bot.charter.render import render_markdown
from bot.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, print_charter_issues
from bot.cli_data import add_data_commands
from bot.cli_transparency import add_export_commands, add_html_report_options, report_html
from bot.errors import VigieError
from bot.housekeeping import run_forever
from bot.offline import OfflinePlatform
from bot.policy import ActivePolicy
from bot.ports import SystemClock
from bot.privacy.notice import render_privacy
from bot.runtime import Services, build_services
from bot.settings import DEFAULT_CHARTER, Settings
from bot.store import StoreError
from bot.store.paths import database_problem
from bot.transcript import BadLine, read_lines, render_result, summary_line

log = logging.getLogger("bot")


def cmd_charter_check(args: argparse.Namespace) -> int:
    """Validate a charter; print every issue; exit 1 if any."""
    issues = check_charter(args.path)
    for issue in issues:
        sys.stderr.write(f"{issue}\n")
    if issues:
        sys.stderr.write(f"{args.path}: {len(issues)} issue(s)\n")
        return EXIT_ERRORS
    charter = load_charter(args.path)
    sys.stdout.write(
        f"{args.path}: OK, {charter.name} version {charter.version}, {len(charter.rules)} clauses, "
        f"sha256 {charter.short_hash}\n"
    )
    return EXIT_OK


def cmd_charter_show(args: argparse.Namespace) -> int:
    """Print the publishable Markdown render of a charter."""
    try:
        charter = load_charter(args.path)
    except CharterInvalid as exc:
        print_charter_issues(exc, sys.stderr)
        return EXIT_ERRORS
    lang = args.lang or charter.default_language
    if lang not in charter.languages:
        sys.stderr.write(f"language {lang!r} is not in this charter; choose one of {', '.join(charter.languages)}\n")
        return EXIT_USAGE
    sys.stdout.write(render_markdown(charter, lang))
    if charter.privacy is not None:
        sys.stdout.write("\n" + render_privacy(charter, lang))
    return EXIT_OK


async def _screen(args: argparse.Namespace, source: Iterable[bytes]) -> int:
    policy = ActivePolicy.from_path(args.charter)
    clock = SystemClock()
    failures = 0
    results: list[dict[str, object]] = []
    services = None
    if args.db:
        services = await build_services(Settings(db_path=args.db, charter_path=args.charter), clock, policy=policy)
        services.register(OfflinePlatform())
    try:
        async for line in read_lines(source, clock, sys.stderr):
            if isinstance(line, BadLine):
                failures += 1
                results.append(line.as_json())
                _emit(results[-1])
                continue
            if services is not None:
                await services.intake.on_message(line.message)
                # What is stored for this id: a repeated id keeps the case of its first line.
                message = line.message
                case = await services.store.case_for_message(
                    message.platform, message.community, message.channel, message.id
                )
                result = render_result(message, policy.screen(message), policy, case)
            else:
                result = render_result(line.message, policy.screen(line.message), policy)
            results.append(result)
            _emit(result)
    finally:
        if services is not None:
            await services.close()
    if failures:
        sys.stderr.write(f"{failures} line(s) could not be screened\n")
    if args.summary:
        sys.stderr.write(summary_line(results, db=args.db) + "\n")
    return EXIT_ERRORS if failures else EXIT_OK


def _emit(result: dict[str, object]) -> None:
    """One output line; ASCII escapes keep it valid UTF-8 whatever the input held."""
    sys.stdout.write(json.dumps(result, ensure_ascii=True) + "\n")


def cmd_screen(args: argparse.Namespace) -> int:
    """Screen a JSON Lines transcript; one JSON line per non-blank input line, in order."""
    if args.db and (problem := database_problem(args.db, must_exist=False)):
        sys.stderr.write(f"vigie: {problem}\n")
        return EXIT_USAGE
    try:
        if args.file == "-":
            return asyncio.run(_screen(args, sys.stdin.buffer))
        with Path(args.file).open("rb") as source:
            return asyncio.run(_screen(args, source))
    except CharterInvalid as exc:
        print_charter_issues(exc, sys.stderr)
        return EXIT_ERRORS
    except StoreError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:
        sys.stderr.write(f"cannot read {args.file}: {exc.strerror}\n")
        return EXIT_USAGE


async def _run(settings: Settings, wanted: Sequence[str]) -> int:
    platforms = list(wanted) or [p for p in ("discord", "slack") if not settings.missing_for(p)]
    if not platforms:
        sys.stderr.write(
            "vigie: no platform to run. Set DISCORD_TOKEN for Discord, and/or SLACK_BOT_TOKEN with "
            "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) for Slack. "
            "Without tokens, try: python -m bot screen policies/examples/sample.jsonl\n"
        )
        return EXIT_USAGE
    missing = [f"{p}: missing {', '.join(settings.missing_for(p))}" for p in platforms if settings.missing_for(p)]
    if missing:
        sys.stderr.write("vigie: cannot start " + "; ".join(missing) + "\n")
        return EXIT_USAGE
    services = await build_services(settings)
    from bot.adapters.resolver import HttpLinkResolver

    resolver = HttpLinkResolver()
    services.nudges.use_resolver(resolver)
    services.policy.on_reload(lambda _: heap.settle())
    try:
        await _serve(services, platforms)
    finally:
        await resolver.close()
        await services.close()
    return EXIT_OK


LANES_GRACE_SECONDS = 3.0
"""At a stop, how long a case's side effect under way may take to finish before it is left for the next start."""
SHUTDOWN_SECONDS = 6.0
"""SIGTERM to exit: in-flight handlers finish (or their steps stay pending for the next start) within this."""


async def _serve(services: Services, platforms: Sequence[str]) -> None:
    """Run the platforms, housekeeping and /healthz until a platform stops or SIGTERM/SIGINT arrives."""
    from bot.adapters.health import serve_health

    runners: list[Coroutine[Any, Any, None]] = []
    if "discord" in platforms:
        from bot.adapters.discord.bot import run_discord

        runners.append(run_discord(services))
    if "slack" in platforms:
        from bot.adapters.slack.app import run_slack

        runners.append(run_slack(services))
    heap.settle()  # the charter, word lists and platform modules are loaded: out of the full collections
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    settings = services.settings
    health = await serve_health(services, settings.http_host, settings.health_port)
    tasks = [asyncio.create_task(runner) for runner in runners]
    chores = asyncio.create_task(run_forever(services.housekeeping(), interval=60))
    retries = asyncio.create_task(
        run_forever(
            [
                ("resume steps", services.moderation.resume_due),
                ("expire notices", services.moderation.expire_notices),
                ("screened marks", services.marks.flush),
            ],
            2,
        )
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({*tasks, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.warning("stopping: no new events; in-flight work finishes or stays recorded for the next start")
        # Before the platforms close their connections (a step cut by a closed session would end
        # failed): periodic work first, which feeds the lanes, then the lanes.
        for chore in (chores, retries):
            chore.cancel()
        await asyncio.gather(chores, retries, return_exceptions=True)
        await services.moderation.stop(LANES_GRACE_SECONDS)
        for task in tasks:
            task.cancel()
        try:
            async with asyncio.timeout(SHUTDOWN_SECONDS):
                results = await asyncio.gather(*tasks, return_exceptions=True)
        except TimeoutError:
            log.warning("stopping after %.0f s with work still running; it resumes at the next start", SHUTDOWN_SECONDS)
            results = []
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, asyncio.CancelledError):
                raise result
    finally:
        stopping.cancel()
        chores.cancel()
        retries.cancel()
        await health.cleanup()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def cmd_health(args: argparse.Namespace) -> int:
    """Ask the running bot's /healthz (for Docker's HEALTHCHECK): exit 0 when healthy, 1 otherwise."""
    from bot.adapters.health import probe

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_ERRORS
    healthy, line = probe(settings.http_host, args.port or settings.health_port)
    (sys.stdout if healthy else sys.stderr).write(line + "\n")
    return EXIT_OK if healthy else EXIT_ERRORS


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bots whose tokens are set (or the one named)."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_ERRORS
    problem = database_problem(settings.db_path, must_exist=False)
    if problem:
        sys.stderr.write(f"vigie: {problem}\n")
        return EXIT_USAGE
    logging.getLogger().setLevel(settings.log_level)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(_run(settings, [args.platform] if args.platform else []))
    except CharterInvalid as exc:
        print_charter_issues(exc, sys.stderr)
        return EXIT_ERRORS
    except StoreError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_USAGE
    except VigieError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_ERRORS
    return EXIT_OK


async def _purge(settings: Settings) -> int:
    services = await build_services(settings)
    try:
        count = await services.moderation.purge_expired()
        nudges = await services.nudges.purge()
    finally:
        await services.close()
    sys.stdout.write(f"deleted {nudges} closed disclosure reminder(s) past their retention\n")
    sys.stdout.write(
        f"purged the content of {count} case(s) older than {services.policy.charter.retention_days} days\n"
    )
    return EXIT_OK


def _existing_database(args: argparse.Namespace) -> Settings | int:
    """Settings whose database (--db, else VIGIE_DB) already exists; else one line and the exit status."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_ERRORS
    settings = replace(settings, db_path=args.db or settings.db_path)
    problem = database_problem(settings.db_path, must_exist=True)
    if problem:
        sys.stderr.write(f"vigie: {problem}\n")
        return EXIT_USAGE
    return settings


def cmd_purge(args: argparse.Namespace) -> int:
    """Blank removed-content snapshots older than the charter's retention."""
    settings = _existing_database(args)
    if isinstance(settings, int):
        return settings
    try:
        return asyncio.run(_purge(settings))
    except CharterInvalid as exc:
        print_charter_issues(exc, sys.stderr)
        return EXIT_ERRORS
    except StoreError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_USAGE


async def _report(settings: Settings, platform: str, community: str, days: int) -> dict[str, object]:
    services = await build_services(settings)
    try:
        until = services.clock.now()
        since = until - timedelta(days=days)
        counts = await services.store.stats(platform, community, since, until)
    finally:
        await services.close()
    charter = services.policy.charter
    decided = counts["appeals"]["upheld"] + counts["appeals"]["overturned"]
    return {
        "platform": platform,
        "community": community,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "charter": {"version": charter.version, "sha256": charter.content_hash},
        "counts": counts,
        "appeal_reversal_rate": round(counts["appeals"]["overturned"] / decided, 3) if decided else None,
    }


def cmd_report(args: argparse.Namespace) -> int:
    """Print an anonymous transparency report (JSON): counts by clause, action, source, appeals."""
    settings = _existing_database(args)
    if isinstance(settings, int):
        return settings
    if args.html is not None:
        return report_html(args, settings)
    try:
        report = asyncio.run(_report(settings, args.platform, args.community, args.days))
    except CharterInvalid as exc:
        print_charter_issues(exc, sys.stderr)
        return EXIT_ERRORS
    except StoreError as exc:
        sys.stderr.write(f"vigie: {exc}\n")
        return EXIT_USAGE
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bot` argument parser."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the Discord and/or Slack bots (tokens from the environment)")
    run.add_argument("platform", nargs="?", choices=["discord", "slack"])
    run.set_defaults(func=cmd_run)

    health = sub.add_parser("health", help="ask the running bot whether it is healthy (exit 0) or not (exit 1)")
    health.add_argument("--port", type=int, help="the health port (default: VIGIE_HEALTH_PORT, 8080)")
    health.set_defaults(func=cmd_health)

    screen = sub.add_parser("screen", help="screen a JSON Lines transcript offline")
    screen.add_argument("--charter", default=DEFAULT_CHARTER)
    screen.add_argument("--db", help="record cases in this SQLite file, as the bot would")
    screen.add_argument("--summary", action="store_true", help="end with one line for people on standard error")
    screen.add_argument("file", nargs="?", default="-", help="JSON Lines file, or - for standard input")
    screen.set_defaults(func=cmd_screen)

    charter = sub.add_parser("charter", help="check or render the charter")
    charter_sub = charter.add_subparsers(dest="charter_command", required=True)
    check = charter_sub.add_parser("check", help="validate a charter file")
    check.add_argument("path", nargs="?", default=DEFAULT_CHARTER)
    check.set_defaults(func=cmd_charter_check)
    show = charter_sub.add_parser("show", help="print the publishable Markdown")
    show.add_argument("--lang")
    show.add_argument("path", nargs="?", default=DEFAULT_CHARTER)
    show.set_defaults(func=cmd_charter_show)

    purge = sub.add_parser("purge", help="delete content snapshots past the charter's retention")
    purge.add_argument("--db", help="the SQLite file (default: VIGIE_DB); it must exist")
    purge.set_defaults(func=cmd_purge)

    report = sub.add_parser("report", help="anonymous transparency report for one community (JSON)")
    report.add_argument("--platform", default="cli", choices=["cli", "discord", "slack"])
    report.add_argument("--community", default="cli", help="guild id (Discord) or team id (Slack)")
    report.add_argument("--days", type=int, default=90)
    report.add_argument("--db", help="the SQLite file (default: VIGIE_DB); it must exist")
    add_html_report_options(report)
    report.set_defaults(func=cmd_report)

    add_data_commands(sub)
    add_export_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m bot` and the `vigie` script."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
