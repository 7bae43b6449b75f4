"""The locks pin, with hashes, what pyproject.toml declares: all of it for developers, the runtime for the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
FIX = "run `make lock` and commit requirements.lock"


LOCKS = ("requirements.lock", "requirements-runtime.lock")


def declared(*, extras: bool) -> list[Requirement]:
    """The project's requirements: its dependencies, and with `extras` those of all its extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    if extras:
        lines += [line for extra in project.get("optional-dependencies", {}).values() for line in extra]
    return [Requirement(line) for line in lines]


def pinned(lock: str) -> dict[str, set[str]]:
    """The versions a lock pins per package (a universal lock may pin two, one per Python range)."""
    pins: dict[str, set[str]] = {}
    for name, version in PIN.findall((ROOT / lock).read_text(encoding="utf-8")):
        pins.setdefault(canonicalize_name(name), set()).add(version)
    return pins


CASES = [(LOCKS[0], r) for r in declared(extras=True)] + [(LOCKS[1], r) for r in declared(extras=False)]


@pytest.mark.parametrize(("lock", "requirement"), CASES, ids=lambda v: str(v))
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, requirement: Requirement) -> None:
    versions = pinned(lock).get(canonicalize_name(requirement.name))
    assert versions, f"{requirement.name} is not in {lock}: {FIX}"
    assert any(requirement.specifier.contains(v, prereleases=True) for v in versions), (
        f"{lock} pins {requirement.name} {sorted(versions)}, outside {requirement.specifier}: {FIX}"
    )


def test_the_image_gets_the_versions_developers_test() -> None:
    full = pinned(LOCKS[0])
    differing = {name: versions for name, versions in pinned(LOCKS[1]).items() if not versions <= full.get(name, set())}
    assert differing == {}, FIX


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_a_hash(lock: str) -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8"))
    unhashed = [block.split()[0] for block in blocks if PIN.match(block) and "--hash=sha256:" not in block]
    assert unhashed == []
