"""`report --html`: the page and report.json carry the same figures, masked under 5, with nothing identifying."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.transparency.figures import shown
from tests.accountability_scenario import INSULT, MEMBER_ID, MODERATOR, build_history, open_services
from tests.transparency import report_data


def write(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, Any]]:
    out = tmp_path / "site"
    assert main(["report", "--db", str(db), "--html", str(out)]) == 0, capsys.readouterr().err
    assert "index.html" in capsys.readouterr().out
    return (out / "index.html").read_text(encoding="utf-8"), json.loads((out / "report.json").read_text("utf-8"))


def store_counts(db: Path) -> dict[int, dict[str, int]]:
    """Decisions per clause straight from the database, to hold the report to."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT clause, action, COUNT(*) FROM cases GROUP BY clause, action").fetchall()
        appeals = conn.execute(
            "SELECT clause, status, COUNT(*) FROM cases WHERE appeal_reason IS NOT NULL GROUP BY clause, status"
        ).fetchall()
    finally:
        conn.close()
    counts: dict[int, dict[str, int]] = {}
    for clause, action, count in rows:
        counts.setdefault(clause, {})[{"remove": "removed", "review": "review", "warn": "warned"}[action]] = count
    for clause, status, count in appeals:
        row = counts.setdefault(clause, {})
        row["appeals_filed"] = row.get("appeals_filed", 0) + count
        row[f"appeals_{status}"] = count
    return counts


def test_figures_match_the_store_and_small_counts_are_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = report_data.build(tmp_path / "data")
    capsys.readouterr()
    page, report = write(tmp_path, db, capsys)
    [community] = report["communities"]
    expected = store_counts(db)
    for row in community["clauses"]:
        raw = expected[row["clause"]]
        for column in ("removed", "review", "warned", "appeals_filed", "appeals_upheld", "appeals_overturned"):
            assert row[column] == shown(raw.get(column, 0)), (row["clause"], column)
    clause_1 = next(row for row in community["clauses"] if row["clause"] == 1)
    assert clause_1["removed"] == report_data.INSULTS
    assert clause_1["overturn_rate"] == round(report_data.OVERTURNED / report_data.APPEALED, 3)
    assert community["decisions"] == report_data.INSULTS + report_data.SPAM + report_data.COARSE
    assert community["automated_share"] == 1.0  # removals and sends to review, all by the rules alone
    assert community["median_hours_to_human_decision"] is not None
    assert report["charter"]["version"] in page
    assert report["charter"]["sha256"] in page
    assert '<th scope="col">' in page
    assert 'role="img"' in page
    assert "<title" in page


def test_the_page_requests_nothing_and_names_nobody(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = build_history(tmp_path / "h")
    capsys.readouterr()
    page, report = write(tmp_path, history.db, capsys)
    for secret in (MEMBER_ID, MODERATOR.id, INSULT, "ZQXW", "camille", "dana-4402"):
        assert secret not in page
        assert secret not in json.dumps(report)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page
    assert "@import" not in page
    assert "default-src 'none'" in page
    [community] = report["communities"]
    assert community["decisions"] == 6
    assert community["automated_share"] == 0.5  # a report, a manual removal and a reviewed flag were people's
    assert all(row["removed"] in ("<5", 0) for row in community["clauses"])  # 6 decisions over 5 clauses


async def _create(db: Path) -> None:
    services = await open_services(db)
    await services.close()


def test_an_empty_store_gives_an_empty_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.sqlite3"
    asyncio.run(_create(db))
    page, report = write(tmp_path, db, capsys)
    assert report["communities"] == []
    assert "No decisions during this period." in page
