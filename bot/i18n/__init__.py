"""Vigie's interface texts: one TOML catalog per language beside this file, looked up with `tr`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

DEFAULT = "en"
"""The source language: every key is written here first, and unknown languages fall back to it."""

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
"""`{name}`, the only placeholder form: no attribute access, indexing or format spec can run."""


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{key}."))
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise TypeError(f"i18n key {key!r} is not text")
    return flat


@cache
def catalogs() -> Mapping[str, Mapping[str, str]]:
    """Every catalog by language code (`en`, `fr`), keys flattened to `table.key`."""
    found: dict[str, Mapping[str, str]] = {}
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = _flatten(tomllib.loads(entry.read_text(encoding="utf-8")))
    return found


def languages() -> tuple[str, ...]:
    """The languages Vigie speaks, the source language first."""
    return (DEFAULT, *sorted(lang for lang in catalogs() if lang != DEFAULT))


def pick(lang: str | None) -> str:
    """The supported language closest to `lang` (`fr-CA`, `fr_FR`, `FR` → `fr`); the source language otherwise."""
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in catalogs() else DEFAULT


def placeholders(template: str) -> frozenset[str]:
    """The names of the `{name}` placeholders in `template`."""
    return frozenset(PLACEHOLDER.findall(template))


def tr(key: str, lang: str | None, /, **values: object) -> str:
    """The text `key` (`table.name`) in `lang`, its `{name}` placeholders filled from `values`.

    Raises:
        KeyError: the key is unknown, or a placeholder it uses was not supplied; both are bugs that
            tests/test_i18n.py catches before they reach a member.
    """
    template = catalogs()[pick(lang)][key]

    def fill(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return PLACEHOLDER.sub(fill, template)


def language_name(code: str, lang: str | None) -> str:
    """A language as people name it in `lang` ("French", "français"); its code when there is no name for it."""
    key = f"setup.lang_{code}"
    return tr(key, lang) if key in catalogs()[DEFAULT] else code
