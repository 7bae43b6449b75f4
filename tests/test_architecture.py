"""The core stays platform-neutral: nothing in bot/ outside bot/adapters imports a platform SDK, however written."""

from __future__ import annotations

import ast
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "aiohttp")
ADAPTERS = "bot.adapters"
ENTRY_POINT = "bot/__main__.py"
"""The CLI may start the adapters, lazily inside a function; it never imports an SDK itself."""


def core_files(root: Path) -> list[Path]:
    """Every module of the core: bot/ outside bot/adapters/."""
    return sorted(p for p in (root / "bot").rglob("*.py") if "adapters" not in p.relative_to(root).parts)


def _module_of(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _resolve(node: ast.ImportFrom, path: Path, root: Path) -> str:
    """The absolute module a `from ... import` names, relative ones resolved against the file's package."""
    if node.level == 0:
        return node.module or ""
    package = _module_of(path, root)
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _banned(module: str) -> bool:
    return module.split(".")[0] in FORBIDDEN or module == ADAPTERS or module.startswith(ADAPTERS + ".")


def _dynamic_target(node: ast.Call) -> str | None:
    """The module a call to importlib.import_module / import_module / __import__ loads ("?" if computed)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in {"import_module", "__import__"}:
        return None
    first = node.args[0] if node.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "?"


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> ast.Module:
    return ast.parse(text)  # the copies share all but one file with the tree: parse each text once


def violations(root: Path) -> list[str]:
    """Every import of a platform SDK or of the adapters in the core under `root`, one line each."""
    found: list[str] = []
    for path in core_files(root):
        where = str(path.relative_to(root))
        tree = _parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = _resolve(node, path, root)
                modules = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Call) and (target := _dynamic_target(node)) is not None:
                if target == "?" or _banned(target):
                    found.append(f"{where}:{node.lineno}: dynamic import of {target}")
                continue
            bad = sorted({m for m in modules if _banned(m)})
            if not bad:
                continue
            lazy_entry = where == ENTRY_POINT and id(node) not in top_level
            if lazy_entry and not any(m.split(".")[0] in FORBIDDEN for m in bad):
                continue
            found.append(f"{where}:{node.lineno}: imports {', '.join(bad)}")
    return found


def test_core_files_are_found() -> None:
    assert len(core_files(ROOT)) > 30


def test_the_core_imports_no_platform_sdk() -> None:
    assert violations(ROOT) == []


PLANTED = {
    "absolute": "import discord\n",
    "absolute from": "from slack_sdk.web.async_client import AsyncWebClient\n",
    "absolute submodule": "import aiohttp.web\n",
    "adapters": "from bot.adapters.discord.bot import VigieBot\n",
    "relative": "from .adapters.discord.bot import VigieBot\n",
    "relative package": "from . import adapters\n",
    "importlib": 'import importlib\nimportlib.import_module("slack_bolt")\n',
    "import_module": 'from importlib import import_module\nimport_module("discord.ext.commands")\n',
    "dunder import": '__import__("aiohttp")\n',
    "computed name": 'import importlib\nimportlib.import_module("disc" + "ord")\n',
    "type checking only": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import discord\n",
    "inside a function": "def later() -> None:\n    import slack_bolt\n",
    "entry point top level": "from bot.adapters.slack.app import run_slack\n",
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tree's bot/ package and ruff settings, to plant violations in."""
    copy = tmp_path_factory.mktemp("tree")
    for source in (ROOT / "bot").rglob("*.py"):  # sources only: data files play no part in imports
        target = copy / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _plant(pristine: Path, tmp_path: Path, kind: str) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    target = tree / (ENTRY_POINT if kind == "entry point top level" else "bot/explain.py")
    future = "from __future__ import annotations\n"
    text = target.read_text(encoding="utf-8")
    assert future in text
    target.write_text(text.replace(future, future + PLANTED[kind], 1), encoding="utf-8")
    return tree


def test_the_copy_starts_clean(pristine: Path) -> None:
    assert violations(pristine) == []


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_each_planted_violation_is_caught(pristine: Path, tmp_path: Path, kind: str) -> None:
    tree = _plant(pristine, tmp_path, kind)
    found = violations(tree)
    assert len(found) == 1, found
    assert found[0].startswith(("bot/explain.py:", f"{ENTRY_POINT}:"))


def test_the_entry_point_may_start_adapters_lazily(pristine: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    entry = tree / ENTRY_POINT
    entry.write_text(entry.read_text(encoding="utf-8") + "\n\ndef _x() -> None:\n    import discord\n")
    assert [v.split(":")[0] for v in violations(tree)] == [ENTRY_POINT]  # an SDK itself, even lazily: no


def _ruff(tree: Path) -> str:
    command = ["check", "--no-cache", "--select", "TID", "--output-format", "concise", "bot/explain.py", ENTRY_POINT]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("absolute", "TID251"),
        ("absolute from", "TID251"),
        ("adapters", "TID251"),
        ("relative", "TID252"),
        ("importlib", "TID251"),
        ("import_module", "TID251"),
    ],
)
def test_ruff_flags_the_same_imports_in_editors(pristine: Path, tmp_path: Path, kind: str, rule: str) -> None:
    assert _ruff(pristine).strip() in {"", "All checks passed!"}
    flagged = [line for line in _ruff(_plant(pristine, tmp_path, kind)).splitlines() if f" {rule} " in line]
    assert [line.split(":")[0] for line in flagged] == ["bot/explain.py"]


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        if "store" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        if imported & {"aiosqlite", "sqlite3", "asyncpg"}:
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
