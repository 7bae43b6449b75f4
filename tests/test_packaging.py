"""Two commands and a reproducible image: what the Makefile, the Dockerfile and the metadata promise."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def dry_run(target: str) -> list[str]:
    """The commands `make TARGET` would run on a fresh clone (no .venv yet), without running them."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "--no-print-directory", target, "VENV=/nonexistent/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_run_builds_the_venv_from_the_lock_then_screens_the_sample() -> None:
    commands = dry_run("run")
    steps = ["-m venv", "--require-hashes --no-deps -r requirements.lock", "--no-deps -e .", "-m bot screen"]
    positions = [next(i for i, c in enumerate(commands) if step in c) for step in steps]
    assert positions == sorted(positions)
    assert "--summary" in commands[-1]
    assert "--db vigie.sqlite3 policies/examples/sample.jsonl" in commands[-1]


def test_make_test_runs_what_ci_runs_in_that_order() -> None:
    commands = dry_run("test")
    checks = ["ruff check .", "ruff format --check .", "mypy", "-m bot charter check", "-m pytest"]
    positions = [next(i for i, c in enumerate(commands) if c.endswith(check) or check + " " in c) for check in checks]
    assert positions == sorted(positions)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == "make test"


def test_the_image_base_is_pinned_by_digest_in_a_documented_arg() -> None:
    arg = re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim@sha256:[0-9a-f]{64}$", DOCKERFILE, re.MULTILINE)
    assert arg is not None
    assert "FROM ${PYTHON_IMAGE}" in DOCKERFILE
    assert DOCKERFILE[: arg.start()].rstrip().splitlines()[-1].startswith("#")


def test_the_image_installs_locked_dependencies_before_copying_the_code() -> None:
    lock_install = DOCKERFILE.index("--require-hashes --no-deps -r requirements-runtime.lock")
    assert DOCKERFILE.index("COPY requirements-runtime.lock") < lock_install < DOCKERFILE.index("COPY bot ")
    for line in re.findall(r"^COPY (.+) \S+$", DOCKERFILE, re.MULTILINE):
        for source in line.split():
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert all((ROOT / name).is_file() for name in project["license-files"])
