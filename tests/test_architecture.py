"""The core stays platform-neutral: nothing in bot/ outside bot/adapters imports a platform SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "aiohttp")
CORE_FILES = sorted(p for p in (ROOT / "bot").rglob("*.py") if "adapters" not in p.relative_to(ROOT).parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_files_are_found() -> None:
    assert len(CORE_FILES) > 10


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_platform_sdks(path: Path) -> None:
    if path.name == "__main__.py":
        # The CLI is the one composition point allowed to start adapters, and only lazily inside a function.
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {
            alias.name if isinstance(node, ast.Import) else node.module
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [node])
        }
        assert not any(str(m).startswith(("bot.adapters", *FORBIDDEN)) for m in top_level)
        return
    bad = sorted(m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN or m.startswith("bot.adapters"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        if "store" in path.relative_to(ROOT).parts:
            continue
        if imported_modules(path) & {"aiosqlite", "sqlite3"}:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


GLUE_FILES = sorted([*(ROOT / "bot" / "adapters").rglob("*.py"), *(ROOT / "cogs").rglob("*.py")])


@pytest.mark.parametrize("path", GLUE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_glue_reads_settings_through_the_community_service(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    store_calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"get_setting", "set_setting", "settings_for"}
        and isinstance(node.value, ast.Attribute | ast.Name)
        and (node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id).endswith("store")
    ]
    assert not store_calls, f"{path.relative_to(ROOT)} reads settings rows from the store at lines {store_calls}"
