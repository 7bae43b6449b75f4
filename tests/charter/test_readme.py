"""The worked example in policies/README.md stays a valid clause of the shipped charter."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from bot.charter.loader import load_charter, parse_charter
from bot.charter.render import charter_changes

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _worked_example() -> str:
    readme = (POLICIES / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Worked example", 1)[1]
    match = re.search(r"```toml\n(.*?)```", section, re.S)
    assert match is not None
    return textwrap.dedent(match.group(1))


def test_worked_example_clause_loads_and_reads_as_added() -> None:
    shipped = load_charter(POLICIES / "charter.toml")
    text = (POLICIES / "charter.toml").read_text(encoding="utf-8") + "\n" + _worked_example()
    extended = parse_charter(text, "extended.toml")
    rule = extended.rule("self-promotion")
    assert rule is not None
    assert rule.number == 8
    assert rule.exempt_channels == ("vitrine", "showcase")
    assert charter_changes(shipped, extended, "fr") == ["§8 « Autopromotion » : clause ajoutée"]
