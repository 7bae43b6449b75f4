"""Command line for members' data rights: `data export` and `data erase` for one member."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.charter.loader import CharterInvalid
from bot.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, database_refused, print_charter_issues, settings_from
from bot.privacy.pseudonym import MemberKey
from bot.runtime import build_services
from bot.settings import DEFAULT_CHARTER, Settings


def _member(args: argparse.Namespace) -> MemberKey | None:
    try:
        return MemberKey.parse(args.member)
    except ValueError as exc:
        sys.stderr.write(f"--member: {exc}\n")
        return None


async def _export(settings: Settings, member: MemberKey) -> str:
    services = await build_services(settings)
    try:
        data = await services.privacy.export(member)
    finally:
        await services.close()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


async def _erase(settings: Settings, member: MemberKey) -> str:
    services = await build_services(settings)
    try:
        counts = await services.privacy.erase(member)
        alias = await services.privacy.pseudonym_for(member)
    finally:
        await services.close()
    return (
        f"erased: {counts.cases} case(s), {counts.nudges} disclosure note(s), {counts.audit} audit entr(ies) now "
        f"name {alias}; {counts.withdrawn_appeals} open appeal(s) withdrawn\n"
    )


def cmd_data_export(args: argparse.Namespace) -> int:
    """Print everything held about one member as JSON."""
    member = _member(args)
    if member is None:
        return EXIT_USAGE
    if database_refused(args):
        return EXIT_USAGE
    try:
        sys.stdout.write(asyncio.run(_export(settings_from(args), member)))
    except CharterInvalid as exc:
        print_charter_issues(exc)
        return EXIT_ERRORS
    return EXIT_OK


def cmd_data_erase(args: argparse.Namespace) -> int:
    """Erase one member's texts and pseudonymise their ids; asks for --yes."""
    member = _member(args)
    if member is None:
        return EXIT_USAGE
    if not args.yes:
        sys.stderr.write(
            f"this deletes the texts of {member} and replaces their id by a pseudonym, for good; "
            "run again with --yes to confirm\n"
        )
        return EXIT_USAGE
    if database_refused(args):
        return EXIT_USAGE
    try:
        sys.stdout.write(asyncio.run(_erase(settings_from(args), member)))
    except CharterInvalid as exc:
        print_charter_issues(exc)
        return EXIT_ERRORS
    return EXIT_OK


def add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`data export` and `data erase`."""
    data = sub.add_parser("data", help="a member's data: export it (access) or erase it")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    for name, func, text in (
        ("export", cmd_data_export, "print everything held about one member (JSON)"),
        ("erase", cmd_data_erase, "delete a member's texts and pseudonymise their ids"),
    ):
        command = data_sub.add_parser(name, help=text)
        command.add_argument("--db", help="the SQLite file (default: VIGIE_DB or vigie.sqlite3)")
        command.add_argument("--charter", help=f"the charter (default: VIGIE_CHARTER or {DEFAULT_CHARTER})")
        command.add_argument("--member", required=True, help="PLATFORM:COMMUNITY:USER, e.g. cli:cli:lucas")
        if name == "erase":
            command.add_argument("--yes", action="store_true", help="confirm the erasure")
        command.set_defaults(func=func)
