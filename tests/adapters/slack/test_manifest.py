"""The shipped Slack app manifest matches what the app listens to and the scopes it checks for."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters.slack.app import BOT_SCOPES
from bot.adapters.slack.blocks import SHORTCUT_REMOVE, SHORTCUT_REPORT

MANIFEST = (Path(__file__).resolve().parents[3] / "slack-app-manifest.yml").read_text(encoding="utf-8")


def _list_under(key: str) -> list[str]:
    """The `- item` lines right under `key:` (comments stripped), enough for this flat manifest."""
    lines = MANIFEST.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = []
    for line in lines[start + 1 :]:
        stripped = line.split(" #")[0].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent and not stripped.startswith("- "):
            break
        if stripped.startswith("- ") and not re.match(r"- [\w_]+: ", stripped):
            items.append(stripped[2:])
    return items


def test_manifest_declares_every_slash_command() -> None:
    commands = re.findall(r"^\s+- command: (\S+)$", MANIFEST, re.MULTILINE)
    assert commands == [
        "/charter",
        "/appeal",
        "/case",
        "/override",
        "/vigie-setup",
        "/disclosure",
        "/privacy",
        "/mydata",
        "/mycases",
        "/forgetme",
        "/guard",
    ]
    assert MANIFEST.count("should_escape: true") == len(commands)  # mentions and channels arrive as ids


def test_manifest_declares_the_commands_the_app_listens_to() -> None:
    adapters = Path(__file__).resolve().parents[3] / "bot" / "adapters" / "slack"
    listened = {
        command
        for source in adapters.glob("*.py")
        for command in re.findall(r'app\.command\("(/[\w-]+)"\)', source.read_text(encoding="utf-8"))
    }
    assert listened == set(re.findall(r"^\s+- command: (\S+)$", MANIFEST, re.MULTILINE))


def test_manifest_shortcuts_match_the_listeners() -> None:
    assert re.findall(r"callback_id: (\S+)", MANIFEST) == [SHORTCUT_REPORT, SHORTCUT_REMOVE]


def test_manifest_scopes_are_the_ones_checked_at_start() -> None:
    assert _list_under("bot") == list(BOT_SCOPES)
    assert _list_under("user") == ["chat:write"]
    assert _list_under("bot_events") == ["message.channels", "message.groups"]
    assert "socket_mode_enabled: true" in MANIFEST
