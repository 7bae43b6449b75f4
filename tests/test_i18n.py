"""The catalogs in bot/i18n: same keys and placeholders in every language, and every `tr` call supplies them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import DEFAULT, PLACEHOLDER, catalogs, languages, pick, placeholders, tr

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("cogs").rglob("*.py")])
NAMESPACES = tuple(sorted({key.split(".")[0] for key in catalogs()[DEFAULT]}))  # the top-level tables
KEY_SHAPE = re.compile(rf"(?:{'|'.join(NAMESPACES)})(?:\.[a-z0-9_]+)+")


def _key_pattern(node: ast.expr) -> re.Pattern[str] | None:
    """The keys a `tr` key argument can name: exact for a literal, a pattern for an f-string or `'a.' + b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value))
    parts: list[str] = []
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
            parts.append(re.escape(value.value) if is_text else "[a-z0-9_]+")  # type: ignore[attr-defined]
    elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        parts = [re.escape(node.left.value), "[a-z0-9_]+"]
    else:
        return None
    pattern = "".join(parts)
    # A key whose table is itself computed (f"{ns}.x") cannot be checked here; tr raises at run time.
    return re.compile(pattern) if re.match(r"[a-z_.\\]+\\\.", pattern) else None


def call_problems(source: str, name: str = "<source>") -> list[str]:
    """Every `tr(...)` call in `source` naming no known key, or not supplying a placeholder its key uses."""
    source_keys = catalogs()[DEFAULT]
    problems: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"):
            continue
        if not node.args:
            problems.append(f"{name}:{node.lineno}: tr() without a key")
            continue
        pattern = _key_pattern(node.args[0])
        if pattern is None:
            continue
        matching = [key for key in source_keys if pattern.fullmatch(key)]
        if not matching:
            problems.append(f"{name}:{node.lineno}: no key matches {pattern.pattern}")
        if any(keyword.arg is None for keyword in node.keywords):
            continue  # **values: checked when the text is built
        supplied = {keyword.arg for keyword in node.keywords}
        for key in matching:
            for lang, catalog in catalogs().items():
                missing = placeholders(catalog[key]) - supplied
                if missing:
                    problems.append(f"{name}:{node.lineno}: {key} ({lang}) needs {sorted(missing)}")
    return problems


def literal_key_problems(source: str, name: str = "<source>") -> list[str]:
    """Catalog-shaped string literals (passed to helpers such as `refuse`) that name no key."""
    keys = catalogs()[DEFAULT]
    tree = ast.parse(source)
    prefixes = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    prefixes |= {id(node.left) for node in ast.walk(tree) if isinstance(node, ast.BinOp)}
    return [
        f"{name}:{node.lineno}: unknown key {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prefixes
        and KEY_SHAPE.fullmatch(node.value)
        and node.value not in keys
    ]


def test_there_are_two_languages_and_english_is_the_source() -> None:
    assert languages() == ("en", "fr")


@pytest.mark.parametrize("lang", [lang for lang in catalogs() if lang != DEFAULT])
def test_every_key_exists_in_every_language(lang: str) -> None:
    source, other = set(catalogs()[DEFAULT]), set(catalogs()[lang])
    assert sorted(source - other) == [], f"missing in {lang}"
    assert sorted(other - source) == [], f"only in {lang}"


@pytest.mark.parametrize("lang", [lang for lang in catalogs() if lang != DEFAULT])
def test_every_language_uses_the_same_placeholders(lang: str) -> None:
    differing = [
        key
        for key, text in catalogs()[DEFAULT].items()
        if placeholders(text) != placeholders(catalogs()[lang].get(key, text))
    ]
    assert differing == []


@pytest.mark.parametrize("lang", sorted(catalogs()))
def test_one_placeholder_convention(lang: str) -> None:
    for key, text in catalogs()[lang].items():
        rest = PLACEHOLDER.sub("", text)
        assert "{" not in rest, f"{lang} {key}: a brace that is not a {{name}} placeholder"
        assert "}" not in rest, f"{lang} {key}: a brace that is not a {{name}} placeholder"
        assert not re.search(r"\$[a-z{]", rest), f"{lang} {key}: a $name placeholder"
        assert text.strip() or text in {" and ", " et "}, f"{lang} {key} is empty"


def test_every_tr_call_names_a_key_and_supplies_its_placeholders() -> None:
    problems: list[str] = []
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        problems += call_problems(source, name) + literal_key_problems(source, name)
    assert problems == []


def test_the_call_check_catches_a_missing_placeholder_an_unknown_key_and_a_bad_literal() -> None:
    planted = (
        'tr("discord.appeal_sent", lang)\n'
        'tr("discord.no_such_text", lang)\n'
        'tr(f"discord.card_{kind}", lang, case=1)\n'
        'refuse(interaction, "discord.not_a_key")\n'
    )
    problems = call_problems(planted) + literal_key_problems(planted)
    assert any(":1: discord.appeal_sent (en) needs ['case']" in problem for problem in problems)
    assert any(":2: no key matches" in problem for problem in problems)
    assert any(":3: discord.card_review (en) needs ['clause', 'title']" in problem for problem in problems)
    assert any(":4: unknown key 'discord.not_a_key'" in problem for problem in problems)


def test_tr_fills_placeholders_in_the_asked_language() -> None:
    assert tr("slack.not_found", "fr", case=12) == "Le dossier n° 12 n'existe pas."
    assert tr("slack.not_found", "en", case=12) == "Case #12 does not exist."


@pytest.mark.parametrize(
    ("lang", "expected"), [("fr-CA", "fr"), ("fr_FR", "fr"), ("FR", "fr"), ("de", "en"), (None, "en")]
)
def test_pick_finds_the_closest_language(lang: str | None, expected: str) -> None:
    assert pick(lang) == expected


def test_tr_never_reaches_into_values_or_expands_them_twice() -> None:
    class Sneaky:
        secret = "token"

        def __str__(self) -> str:
            return "{case}"

    assert tr("slack.not_found", "en", case=Sneaky()) == "Case #{case} does not exist."


def test_tr_refuses_a_missing_placeholder_or_key() -> None:
    with pytest.raises(KeyError):
        tr("slack.not_found", "en")
    with pytest.raises(KeyError):
        tr("slack.no_such_text", "en")


def language_tables(source: str) -> list[str]:
    """Names of module-level dicts keyed by language codes ({"en": {...}, "fr": {...}})."""
    found = []
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if not (isinstance(target, ast.Name) and isinstance(value, ast.Dict) and len(value.keys) >= 2):
            continue
        keys = {key.value for key in value.keys if isinstance(key, ast.Constant)}
        texts = all(
            isinstance(table, ast.Dict) and all(isinstance(text, ast.Constant | ast.JoinedStr) for text in table.values)
            for table in value.values
        )  # word lists and other language data stay in code
        if texts and DEFAULT in keys and all(isinstance(key, str) and len(key) == 2 for key in keys):
            found.append(target.id)
    return found


def test_texts_live_in_the_catalogs() -> None:
    found = {f"{path.relative_to(ROOT)}: {name}" for path in SOURCES for name in language_tables(path.read_text())}
    assert found == set(), "put interface texts in bot/i18n/*.toml (see CONTRIBUTING.md)"


def test_the_table_finder_sees_a_planted_language_table() -> None:
    planted = (
        'TEXT: dict[str, dict[str, str]] = {"fr": {"hi": "salut"}, "en": {"hi": "hi"}}\nOTHER = {"a": 1, "b": 2}\n'
    )
    assert language_tables(planted) == ["TEXT"]
