"""Data rights, statements and the report on both engines: SQLite and PostgreSQL, through the CLI."""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.__main__ import main
from tests.accountability_scenario import (
    APPEAL_OPEN,
    CHARTER,
    INSULT,
    MEMBER_ID,
    REPORT_NOTE,
    build_history,
    open_services,
)

SCHEMA = json.loads(resources.files("bot.transparency").joinpath("statement.schema.json").read_text(encoding="utf-8"))
TABLES = ("cases", "audit", "disclosure_nudges", "settings", "clause_guards", "guard_events", "privacy_events")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


async def every_row(location: str) -> str:
    """Every row of every table that can hold a member's data, as text."""
    services = await open_services(location)
    try:
        rows = [await services.store.database.fetchall(f"SELECT * FROM {table}") for table in TABLES]
    finally:
        await services.close()
    return repr([[tuple(row) for row in table] for table in rows])


def test_rights_statements_and_report(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = build_history(tmp_path, db_url)
    capsys.readouterr()
    member = f"cli:cli:{MEMBER_ID}"
    data: dict[str, Any] = json.loads(run(capsys, "data", "export", "--db", db_url, "--member", member))
    assert data["cases"][0]["your_text"] == INSULT

    lines = [json.loads(line) for line in run(capsys, "export", "statements", "--db", db_url).splitlines()]
    assert len(lines) == 6
    for line in lines:
        jsonschema.validate(line, SCHEMA)

    site = tmp_path / "site"
    run(capsys, "report", "--db", db_url, "--html", str(site))
    before = json.loads((site / "report.json").read_text(encoding="utf-8"))["communities"]
    assert before[0]["decisions"] == 6

    rows = asyncio.run(every_row(history.location))
    assert MEMBER_ID in rows
    assert INSULT in rows
    run(capsys, "data", "erase", "--db", db_url, "--charter", str(CHARTER), "--member", member, "--yes")
    rows = asyncio.run(every_row(history.location))
    for needle in (MEMBER_ID, INSULT, APPEAL_OPEN, REPORT_NOTE, "ZQXW"):
        assert needle not in rows, needle

    run(capsys, "report", "--db", db_url, "--html", str(site))
    after = json.loads((site / "report.json").read_text(encoding="utf-8"))["communities"]
    assert after == before
    assert json.loads(run(capsys, "data", "export", "--db", db_url, "--member", member))["cases"] == []
