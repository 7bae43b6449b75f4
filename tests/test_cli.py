"""The command line: the offline screen job (good input, bad lines, --db) and charter tooling."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.transcript import summary_line

ROOT = Path(__file__).resolve().parents[1]
CHARTER = ROOT / "policies" / "charter.toml"
SAMPLE = ROOT / "policies" / "examples" / "sample.jsonl"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")]
    return code, lines, captured.err


def test_screen_sample_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys, "screen", "--charter", str(CHARTER), str(SAMPLE))
    assert code == 0, err
    inputs = [json.loads(line)["id"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == inputs
    by_id = {line["id"]: line for line in lines}
    for innocent in ("m1", "m2", "m4", "m10", "m12"):
        assert by_id[innocent]["action"] == "allow", by_id[innocent]
        assert by_id[innocent]["rule"] is None
        assert by_id[innocent]["reason"] is None
    assert by_id["m3"]["action"] == "remove"
    assert by_id["m3"]["clause"] == 1
    assert by_id["m7"]["rule"] == "privacy"
    assert by_id["m9"]["action"] == "review"
    for line in lines:
        assert set(line) >= {"id", "action", "rule", "clause", "reason", "evidence"}


def test_screen_reports_bad_lines_and_continues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(
        '{"id": "a", "text": "hello"}\n{oops\n\n{"id": "b"}\n{"id": "c", "text": "tu es un connard"}\n',
        encoding="utf-8",
    )
    code, lines, err = run(capsys, "screen", "--charter", str(CHARTER), str(transcript))
    assert code == 1
    # One output line per non-blank input line, in order; the bad ones say which line and why.
    assert [line["id"] for line in lines] == ["a", None, "b", "c"]
    assert lines[1]["line"] == 2
    assert lines[2]["line"] == 4
    assert "text" in str(lines[2]["error"])
    assert "line 2:" in err
    assert "line 4:" in err
    assert '"text"' in err


def test_screen_with_db_records_cases_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cases.sqlite3"
    for _ in range(2):
        code, lines, _ = run(capsys, "screen", "--charter", str(CHARTER), "--db", str(db), str(SAMPLE))
        assert code == 0
    flagged = {line["id"] for line in lines if line["action"] != "allow"}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT message_id, platform, rule_id, content FROM cases").fetchall()
    assert {row[0] for row in rows} == flagged  # one case per flagged message, even after a second run
    assert all(row[1] == "cli" and row[3] for row in rows)  # the content snapshot is kept for appeals


def test_charter_check_ok_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["charter", "check", str(CHARTER)]) == 0
    assert "OK" in capsys.readouterr().out
    broken = tmp_path / "broken.toml"
    broken.write_text(CHARTER.read_text(encoding="utf-8").replace('action = "remove"', 'action = "delete"', 1))
    assert main(["charter", "check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:" in err
    assert "'action'" in err


def test_screen_refuses_a_broken_charter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[charter]\nname = 3\n", encoding="utf-8")
    code, lines, err = run(capsys, "screen", "--charter", str(broken), str(SAMPLE))
    assert code == 1
    assert lines == []
    assert "charter refused" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "export", "--member", "cli:cli:alice"],
        ["data", "erase", "--member", "cli:cli:alice", "--yes"],
        ["export", "statements"],
    ],
)
def test_data_and_export_commands_name_the_broken_charter_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "vigie.sqlite3"
    assert main(["screen", "--db", str(db), "--charter", str(CHARTER), str(SAMPLE)]) == 0
    capsys.readouterr()
    broken = tmp_path / "broken.toml"
    broken.write_text("[charter]\nname = 3\n", encoding="utf-8")
    code = main([*argv, "--db", str(db), "--charter", str(broken)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{broken}:" in err  # the issue itself, with its file and line, not only a count
    assert "charter refused" in err


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charter_show(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["charter", "show", "--lang", lang, str(CHARTER)]) == 0
    out = capsys.readouterr().out
    assert "§1" in out
    assert "2026.11" in out


def test_run_without_tokens_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err
    assert main(["run", "slack"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_screen_summary_is_one_line_for_people(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "vigie.sqlite3"
    code, lines, err = run(capsys, "screen", "--summary", "--charter", str(CHARTER), "--db", str(db), str(SAMPLE))
    assert code == 0, err
    actions = [line["action"] for line in lines]
    removed, held, allowed = actions.count("remove"), actions.count("review"), actions.count("allow")
    expected = f"{len(lines)} messages screened: {removed} removed, {held} held for review, {allowed} allowed"
    assert err.splitlines()[-1].startswith(expected)
    assert err.splitlines()[-1].endswith(f"; cases recorded in {db}")


def test_summary_line_counts_unreadable_lines_and_unlabelled_posts() -> None:
    results: list[dict[str, object]] = [
        {"id": "a", "action": "warn", "disclosure": {"severity": "missing"}},
        {"id": "b", "action": "allow", "disclosure": {"severity": "ok"}},
        {"line": 3, "id": None, "error": "not JSON"},
    ]
    assert summary_line(results) == (
        "3 messages screened: 1 warned, 1 allowed, 1 unreadable; 1 sponsored post without a proper label"
    )
    assert summary_line([]) == "0 messages screened: none"
