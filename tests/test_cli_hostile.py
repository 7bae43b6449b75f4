"""The CLI never dies on one bad line, never prints a traceback, and always writes valid UTF-8."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHARTER = ROOT / "policies" / "charter.toml"

GOOD = b'{"id": "ok1", "text": "hello"}'
HOSTILE: list[tuple[str, bytes, object]] = [
    ("lone surrogate in text", b'{"id": "s1", "text": "a\\ud800b"}', "s1"),
    ("lone surrogate in the id", b'{"id": "\\udfff", "text": "hi"}', None),
    ("lone surrogate in a key", b'{"id": "s3", "text": "hi", "\\ud800": 1}', "s3"),
    ("invalid UTF-8", b'{"id": "u1", "text": "caf\xe9 \xff"}', None),
    ("huge ts", b'{"id": "t1", "text": "hi", "ts": 1e300}', "t1"),
    ("NaN ts", b'{"id": "t2", "text": "hi", "ts": NaN}', None),
    ("Infinity ts", b'{"id": "t3", "text": "hi", "ts": Infinity}', None),
    ("negative huge ts", b'{"id": "t4", "text": "hi", "ts": -1e20}', "t4"),
    ("5,000-digit id", b'{"id": ' + b"9" * 5000 + b', "text": "hi"}', None),
    ("deep nesting", b'{"id": "n1", "text": "hi", "roles": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", None),
]


def screen(stdin: bytes, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "screen", "--charter", str(CHARTER), *args, "-"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_every_hostile_line_gets_its_own_output_line_and_the_run_goes_on(tmp_path: Path) -> None:
    lines = [GOOD, b"", *(raw for _, raw, _ in HOSTILE), GOOD.replace(b"ok1", b"ok2")]
    done = screen(b"\n".join(lines) + b"\n", "--db", str(tmp_path / "v.sqlite3"))
    assert done.returncode == 1
    out = done.stdout.decode("utf-8")  # strict: the output is always valid UTF-8
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(lines) - 1  # the blank line is skipped
    assert results[0]["id"] == "ok1"
    assert results[0]["action"] == "allow"
    assert results[-1]["id"] == "ok2"
    for (name, _, expected_id), result, number in zip(HOSTILE, results[1:-1], range(3, 100), strict=False):
        assert result["line"] == number, name
        assert result["id"] == expected_id, name
        assert result["error"], name
    err = done.stderr.decode("utf-8").splitlines()
    assert "Traceback" not in done.stderr.decode("utf-8")
    assert [e.split(":")[0] for e in err[:-1]] == [f"line {n}" for n in range(3, 3 + len(HOSTILE))]
    assert err[-1] == f"{len(HOSTILE)} line(s) could not be screened"


@pytest.mark.parametrize(("name", "raw", "expected_id"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_each_hostile_line_alone(name: str, raw: bytes, expected_id: object) -> None:
    done = screen(raw + b"\n")
    assert done.returncode == 1, done.stderr
    [result] = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert result["line"] == 1
    assert result["id"] == expected_id
    [line] = done.stderr.decode("utf-8").splitlines()[:1]
    assert line.startswith("line 1: ")


def test_a_repeated_id_reports_what_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite3"
    lines = [
        b'{"id": "d1", "text": "espece de connard"}',
        b'{"id": "d1", "text": "hello there"}',
        b'{"id": "d2", "text": "hello there"}',
        b'{"id": "d2", "text": "espece de connard"}',
    ]
    done = screen(b"\n".join(lines) + b"\n", "--db", str(db))
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT message_id, action FROM cases").fetchall())
    assert stored["d1"] == "remove"
    assert [r["action"] for r in results[:2]] == ["remove", "remove"]  # the first line's case stands
    assert results[0]["case"] == results[1]["case"]
    assert results[2]["action"] == "allow"
    assert results[3]["action"] == stored["d2"]  # a later insult under a known id is recorded and reported


@pytest.mark.parametrize("kind", ["directory", "missing folder", "read-only file", "read-only folder"])
def test_a_bad_db_path_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        db = tmp_path
    elif kind == "missing folder":
        db = tmp_path / "nope" / "v.sqlite3"
    elif kind == "read-only file":
        db = tmp_path / "v.sqlite3"
        sqlite3.connect(db).close()
        db.chmod(0o444)
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        db = folder / "v.sqlite3"
    try:
        done = screen(GOOD + b"\n", "--db", str(db))
    finally:
        for path in (tmp_path / "ro", tmp_path / "v.sqlite3"):
            if path.exists():
                path.chmod(0o755)
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode("utf-8").splitlines()
    assert len(err) == 1, err
    assert str(db) in err[0]


@pytest.mark.parametrize("command", [["purge"], ["report", "--community", "g1"]])
def test_purge_and_report_refuse_a_database_that_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "bot", *command, "--db", str(missing)],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1
    assert "no database" in done.stderr.decode()
    assert not missing.exists()


def test_report_reads_the_given_database(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite3"
    assert screen(b'{"id": "x", "text": "espece de connard"}\n', "--db", str(db)).returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--db", str(db)],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={**os.environ, "VIGIE_CHARTER": str(CHARTER)},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["total"]["cases"] == 1


def test_an_invalid_log_level_is_one_line_and_exit_1() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={**os.environ, "VIGIE_LOG_LEVEL": "LOUD", "DISCORD_TOKEN": "x"},
    )
    assert done.returncode == 1
    [line] = done.stderr.decode().splitlines()
    assert "VIGIE_LOG_LEVEL" in line
