"""What every command-line module shares: exit codes, settings from flags, refusals in one line each."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.charter.loader import CharterInvalid
from bot.settings import Settings
from bot.store.paths import database_problem

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def settings_from(args: argparse.Namespace) -> Settings:
    """The environment's settings, with `--db` and `--charter` taking precedence when given."""
    env = Settings.from_env()
    return Settings(db_path=args.db or env.db_path, charter_path=args.charter or env.charter_path)


def print_charter_issues(exc: CharterInvalid, out: TextIO | None = None) -> None:
    """Every issue (file, line, rule, field), then the count; on standard error unless told otherwise."""
    out = out or sys.stderr
    for issue in exc.issues:
        out.write(f"{issue}\n")
    out.write(f"charter refused: {len(exc.issues)} issue(s)\n")


def database_refused(args: argparse.Namespace) -> bool:
    """True, after saying why on stderr, when `--db` names a database that does not exist or cannot be used."""
    if args.db and (problem := database_problem(args.db, must_exist=True)):
        sys.stderr.write(f"vigie: {problem}\n")
        return True
    return False
