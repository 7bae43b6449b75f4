"""Members' data rights end to end through the CLI: export exactly their data, erase it for good."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.models import AuditEntry, Case
from bot.privacy.pseudonym import MemberKey
from tests.accountability_scenario import (
    APPEAL_DECIDED,
    APPEAL_OPEN,
    CHARTER,
    INSULT,
    MEMBER_ID,
    MEMBER_STRINGS,
    MODERATOR,
    OTHER_ID,
    OTHER_MODERATOR,
    OTHERS,
    REPORT_NOTE,
    REPORTED,
    SPAM,
    SPONSORED,
    History,
    build_history,
    database_bytes,
    open_services,
)

MEMBER = f"cli:cli:{MEMBER_ID}"
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


async def stats(db: Path) -> dict[str, dict[str, int]]:
    services = await open_services(db)
    try:
        return await services.store.stats("cli", "cli", *EVER)
    finally:
        await services.close()


async def erased_case(history: History) -> tuple[Case | None, list[AuditEntry], str]:
    services = await open_services(history.db)
    try:
        case = await services.store.get_case(history.insult_case)
        trail = await services.store.audit_trail(history.insult_case)
        return case, trail, await services.privacy.pseudonym_for(MemberKey.parse(MEMBER))
    finally:
        await services.close()


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path)


def export(capsys: pytest.CaptureFixture[str], db: Path, member: str = MEMBER) -> dict[str, object]:
    assert main(["data", "export", "--db", str(db), "--charter", str(CHARTER), "--member", member]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_export_holds_exactly_the_members_data(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    data = export(capsys, history.db)
    text = json.dumps(data, ensure_ascii=False)
    cases = {c["case"]: c for c in data["cases"]}  # type: ignore[attr-defined]
    assert set(cases) == {history.insult_case, history.spam_case}
    assert cases[history.insult_case]["your_text"] == INSULT
    assert cases[history.insult_case]["appeal"] == {"reason": APPEAL_OPEN, "outcome": "pending"}
    assert cases[history.spam_case]["appeal"] == {"reason": APPEAL_DECIDED, "outcome": "overturned"}
    assert [r["case"] for r in data["reports_you_made"]] == [history.report_case]  # type: ignore[attr-defined]
    notes = data["disclosure_notes"]
    assert [note["severity"] for note in notes] == ["missing"]  # type: ignore[attr-defined]
    assert "promo_code" in notes[0]["signals"]  # type: ignore[index]
    assert data["state"] == {"removals_and_warnings_standing": 1, "open_appeals": 1}
    # Nobody else's data: not the other member, not the text they reported, not the moderators.
    for foreign in (OTHER_ID, OTHERS, REPORTED, MODERATOR.id, MODERATOR.name, OTHER_MODERATOR.id, "Omar"):
        assert foreign not in text, foreign
    by = {line["by"] for c in cases.values() for line in c["history"]}
    assert by <= {"you", "vigie", "a moderator", "a member"}


def test_export_of_a_member_with_nothing_is_empty(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    data = export(capsys, history.db, "cli:cli:nobody")
    assert data["cases"] == []
    assert data["reports_you_made"] == []
    assert data["disclosure_notes"] == []


def test_member_key_is_checked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["data", "export", "--db", str(tmp_path / "x.db"), "--member", "lucas"]) == 2
    assert "PLATFORM:COMMUNITY:USER" in capsys.readouterr().err


def test_erase_needs_yes(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "erase", "--db", str(history.db), "--charter", str(CHARTER), "--member", MEMBER]) == 2
    assert "--yes" in capsys.readouterr().err
    assert MEMBER_ID.encode() in database_bytes(history.db)


def test_erase_leaves_no_trace_and_keeps_the_counts(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    before = asyncio.run(stats(history.db))
    raw = database_bytes(history.db)
    for needle in (*MEMBER_STRINGS, INSULT, SPAM, APPEAL_OPEN, REPORT_NOTE):
        assert needle.encode() in raw, needle  # the check below can fail

    argv = ["data", "erase", "--db", str(history.db), "--charter", str(CHARTER), "--member", MEMBER, "--yes"]
    assert main(argv) == 0
    assert "1 open appeal(s) withdrawn" in capsys.readouterr().out

    raw = database_bytes(history.db)
    for needle in (*MEMBER_STRINGS, INSULT, SPAM, SPONSORED, APPEAL_OPEN, APPEAL_DECIDED, REPORT_NOTE, "LUCAS10"):
        assert needle.encode() not in raw, needle
    # Other members' data and the moderators' trail stay.
    assert OTHER_ID.encode() in raw
    assert MODERATOR.id.encode() in raw
    assert OTHERS.encode() in raw

    after = asyncio.run(stats(history.db))
    insult, trail, alias = asyncio.run(erased_case(history))
    assert insult is not None
    assert insult.author_id == alias
    assert insult.content is None
    assert insult.status.value == "actioned"
    assert [e.event for e in trail][-2:] == ["appeal_withdrawn", "erased"]
    assert before["clause"] == after["clause"]
    assert before["action"] == after["action"]
    assert before["appeals"] == after["appeals"]
    assert before["source"] == after["source"]
    assert export(capsys, history.db)["cases"] == []


def test_the_audit_trail_refuses_any_other_rewrite(history: History) -> None:
    import sqlite3

    conn = sqlite3.connect(history.db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET event = 'nothing' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET actor_id = 'someone-else' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit WHERE id = 1")
    finally:
        conn.close()
