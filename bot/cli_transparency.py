"""Command line for transparency: `export statements` (DSA statements of reasons) and `report --html`."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.charter.loader import CharterInvalid
from bot.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, database_refused, print_charter_issues, settings_from
from bot.runtime import build_services
from bot.settings import DEFAULT_CHARTER, Settings
from bot.transparency.report import build_report, write_report
from bot.transparency.statements import statements


def day(text: str) -> datetime:
    """`YYYY-MM-DD` as the start of that day, UTC (argparse type)."""
    try:
        return datetime.combine(date.fromisoformat(text), time(0, 0), tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2026-01-31; got {text!r}") from None


async def _statements(settings: Settings, since: datetime | None, out: TextIO) -> int:
    services = await build_services(settings)
    try:
        secret = await services.privacy.secret()
        decided = await services.transparency.decided_cases(since=since)
    finally:
        await services.close()
    count = 0
    for line in statements(decided, services.policy.charter, secret):
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def cmd_export_statements(args: argparse.Namespace) -> int:
    """One DSA statement of reasons per decision, as JSON Lines."""
    if database_refused(args):
        return EXIT_USAGE
    buffer = io.StringIO()
    try:
        count = asyncio.run(_statements(settings_from(args), args.since, buffer))
        if args.out in (None, "-"):
            sys.stdout.write(buffer.getvalue())
        else:
            Path(args.out).write_text(buffer.getvalue(), encoding="utf-8")
    except CharterInvalid as exc:
        print_charter_issues(exc)
        return EXIT_ERRORS
    except OSError as exc:
        sys.stderr.write(f"cannot write {args.out or 'to standard output'}: {exc.strerror}\n")
        return EXIT_USAGE
    sys.stderr.write(f"{count} statement(s) of reasons\n")
    return EXIT_OK


def add_export_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`export statements`."""
    export = sub.add_parser("export", help="machine-readable exports")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    command = export_sub.add_parser("statements", help="DSA statements of reasons, one JSON object per decision")
    command.add_argument("--db", help="the SQLite file (default: VIGIE_DB or vigie.sqlite3)")
    command.add_argument("--charter", help=f"the charter (default: VIGIE_CHARTER or {DEFAULT_CHARTER})")
    command.add_argument("--since", type=day, help="only decisions on cases from this day on (YYYY-MM-DD)")
    command.add_argument("--out", help="write to this file instead of standard output (- for standard output)")
    command.set_defaults(func=cmd_export_statements)


async def _html(settings: Settings, folder: Path, since: datetime | None, until: datetime | None) -> str:
    services = await build_services(settings)
    try:
        now = services.clock.now()
        charter = services.policy.charter
        period = charter.transparency.period_days if charter.transparency else 90
        end = until or now
        start = since or end - timedelta(days=period)
        document = await build_report(services.transparency, charter, start, end, now)
    finally:
        await services.close()
    page, data = write_report(document, folder)
    return (
        f"wrote {page} and {data}: {len(document['communities'])} community(ies), {start:%Y-%m-%d} to {end:%Y-%m-%d}\n"
    )


def report_html(args: argparse.Namespace, settings: Settings) -> int:
    """`report --html DIR`: the public page and its figures as JSON, for every community."""
    try:
        sys.stdout.write(asyncio.run(_html(settings, Path(args.html), args.since, args.until)))
    except CharterInvalid as exc:
        print_charter_issues(exc)
        return EXIT_ERRORS
    except OSError as exc:
        sys.stderr.write(f"cannot write {args.html}: {exc.strerror}\n")
        return EXIT_USAGE
    return EXIT_OK


def add_html_report_options(report: argparse.ArgumentParser) -> None:
    """`--html DIR`, `--since` and `--until` on the `report` command."""
    report.add_argument("--html", metavar="DIR", help="write DIR/index.html and DIR/report.json for every community")
    report.add_argument("--since", type=day, help="with --html: from this day (default: the charter's period)")
    report.add_argument("--until", type=day, help="with --html: up to this day, excluded (default: now)")
