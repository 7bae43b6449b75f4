"""Statements of reasons: every decision of `screen --db` exports as a line valid against the committed schema."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.__main__ import main
from tests.accountability_scenario import (
    CHARTER,
    INSULT,
    MEMBER_ID,
    MODERATOR,
    OTHER_ID,
    History,
    build_history,
    transcript,
)

SCHEMA = json.loads(resources.files("bot.transparency").joinpath("statement.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path)


def export(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> list[dict[str, Any]]:
    assert main(["export", "statements", "--db", str(db), "--charter", str(CHARTER), *extra]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_schema_itself_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_decision_of_screen_exports_a_valid_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "screen.sqlite3"
    assert main(["screen", "--charter", str(CHARTER), "--db", str(db), str(transcript(tmp_path / "t.jsonl"))]) == 0
    verdicts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    decisions = [v for v in verdicts if v["action"] in ("remove", "warn")]
    lines = export(capsys, db)
    assert len(lines) == len(decisions) > 0
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in lines:
        validator.validate(line)
        assert line["source_type"] == "SOURCE_VOLUNTARY"
        assert line["automated_detection"] == "Yes"
        assert line["automated_decision"] == "AUTOMATED_DECISION_FULLY"
        assert line["territorial_scope"] == ["FR", "BE", "LU"]


def test_sources_map_to_the_dsa_values(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    lines = export(capsys, history.db)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in lines:
        validator.validate(line)
    by_facts = {line["decision_facts"]: line for line in lines}
    assert len(by_facts) == len(lines)

    def find(fragment: str) -> dict[str, Any]:
        matches = [line for line in lines if fragment in line["decision_facts"]]
        assert len(matches) >= 1, fragment
        return matches[0]

    automated = find("detected by the community's published automated rules")
    reported = find("reported by a member")
    manual = find("removed by a moderator on their own initiative")
    partial = find("flagged by the automated rules and decided by a moderator")
    assert (automated["source_type"], automated["automated_detection"], automated["automated_decision"]) == (
        "SOURCE_VOLUNTARY",
        "Yes",
        "AUTOMATED_DECISION_FULLY",
    )
    assert (reported["source_type"], reported["automated_detection"], reported["automated_decision"]) == (
        "SOURCE_TYPE_OTHER_NOTIFICATION",
        "No",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    )
    assert (manual["source_type"], manual["automated_detection"], manual["automated_decision"]) == (
        "SOURCE_VOLUNTARY",
        "No",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    )
    assert (partial["source_type"], partial["automated_detection"], partial["automated_decision"]) == (
        "SOURCE_VOLUNTARY",
        "Yes",
        "AUTOMATED_DECISION_PARTIALLY",
    )
    assert reported["category"] == "STATEMENT_CATEGORY_CONSUMER_INFORMATION"  # clause 5, as the charter maps it
    assert any("overturned" in line["decision_facts"] for line in lines)


def test_statements_hold_no_identity_and_no_text(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in export(capsys, history.db))
    for secret in (MEMBER_ID, OTHER_ID, MODERATOR.id, MODERATOR.name, INSULT, "connard", "ZQXW", "camille"):
        assert secret not in text, secret


def test_puid_is_stable_unique_and_keyed(history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = [line["puid"] for line in export(capsys, history.db)]
    again = [line["puid"] for line in export(capsys, history.db)]
    assert first == again
    assert len(set(first)) == len(first)
    assert all(re.fullmatch(r"vigie-[0-9a-f]{32}", puid) for puid in first)
    # The same case numbers in another installation give other ids: they are keyed, not counters.
    elsewhere = build_history(tmp_path / "elsewhere")
    capsys.readouterr()
    assert not set(first) & {line["puid"] for line in export(capsys, elsewhere.db)}


def test_since_and_out(history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(capsys, history.db, "--since", "2100-01-01") == []
    out = tmp_path / "statements.jsonl"
    assert main(["export", "statements", "--db", str(history.db), "--charter", str(CHARTER), "--out", str(out)]) == 0
    assert "statement(s) of reasons" in capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    with pytest.raises(SystemExit):
        main(["export", "statements", "--db", str(history.db), "--since", "yesterday"])
