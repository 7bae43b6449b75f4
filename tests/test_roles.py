"""One `role_key` for every comparison of role names: screening exemptions, disclosure team roles, Slack groups."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.charter.disclosure_model import DisclosurePolicy
from bot.roles import role_key
from bot.screening.engine import ScreeningEngine
from tests.screening.builders import make_charter, make_message, make_rule

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("written", "member_has", "same"),
    [
        ("Modérateurs", "moderateurs", True),
        ("@Staff", "staff", True),
        ("  Équipe ", "EQUIPE", True),
        ("9001", "9001", True),
        ("Straße", "strasse", True),  # casefold, not lower
        ("mods", "moderators", False),
        ("staff", "staff-bot", False),
    ],
)
def test_role_key(written: str, member_has: str, same: bool) -> None:
    assert (role_key(written) == role_key(member_has)) is same


@pytest.mark.parametrize(("member_role", "exempt"), [("Modérateurs", True), ("moderateurs", True), ("membres", False)])
def test_screening_and_disclosure_agree_on_who_holds_a_role(member_role: str, exempt: bool) -> None:
    rule = make_rule("spam", 1, terms=("spam",), exempt_roles=("@modérateurs",))
    engine = ScreeningEngine(make_charter(rule))
    policy = DisclosurePolicy(team_roles=("@modérateurs",), jurisdiction="fr", jurisdictions={})
    assert engine.exempt(rule, make_message("spam", roles=(member_role,))) is exempt
    assert policy.is_team((member_role,)) is exempt


def test_no_other_role_key_is_defined() -> None:
    definitions = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("cogs").rglob("*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.lstrip("_") == "role_key"
    ]
    assert definitions == ["bot/roles.py:8"]
