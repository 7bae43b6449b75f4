"""Typed, issue-reporting readers for TOML tables, shared by the charter and its extension sections."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.charter.issues import CharterIssue
from bot.charter.model import Rule
from bot.charter.source_map import Path, PathPart, SourceMap


@dataclass
class ParseContext:
    """What a section parser needs: where issues go, how to find lines, what the charter declares.

    `languages`, `default_language` and `rules` are filled in as the loader learns them; an
    extension section is parsed last, so it sees the validated rules.
    """

    source: str
    source_map: SourceMap
    issues: list[CharterIssue] = field(default_factory=list)
    languages: tuple[str, ...] = ()
    default_language: str = ""
    rules: tuple[Rule, ...] = ()

    def report(
        self,
        path: Sequence[PathPart],
        message: str,
        *,
        rule: str | None = None,
        field: str | None = None,
        needle: str | None = None,
    ) -> None:
        """Record an issue located at `path` (or at the line of `needle` inside that value)."""
        line = self.source_map.line_of_text(path, needle) if needle else self.source_map.line_of(path)
        self.issues.append(CharterIssue(self.source, line, rule, field, message))

    def reader(self, data: Mapping[str, object], path: Sequence[PathPart], *, field: str = "") -> TableReader:
        """A reader for the table at `path`; `field` prefixes the field names in its issues."""
        return TableReader(self, data, tuple(path), rule=None, field=field)


def show(value: object) -> str:
    """A short, TOML-flavoured rendering of a found value for "got ..." messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def expected(what: str, value: object) -> str:
    """The standard `expected ...; got ...` message."""
    return f"expected {what}; got {show(value)}"


MISSING = "nothing (the key is missing)"


def unknown_key_message(key: str, known: Collection[str]) -> str:
    """Name the closest known key so that a typo never silently disables a rule."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"unknown key '{key}'; did you mean '{close[0]}'?"
    return f"unknown key '{key}'; expected one of {', '.join(sorted(known))}"


class TableReader:
    """Reads the keys of one TOML table, reporting every problem to the context.

    Getters return None when the key is absent or invalid (after reporting), so callers
    carry on and collect every issue in one pass.
    """

    def __init__(
        self,
        ctx: ParseContext,
        data: Mapping[str, object],
        path: Path,
        *,
        rule: str | None,
        field: str,
    ) -> None:
        """Read `data`, found at `path`, on behalf of `rule` (if any)."""
        self.ctx = ctx
        self.data = data
        self.path = path
        self.rule = rule
        self.field = field

    def name(self, key: str) -> str:
        """The dotted field name used in issues."""
        return f"{self.field}.{key}" if self.field else key

    def issue(self, key: str | None, message: str, *, needle: str | None = None) -> None:
        """Report a problem with `key` (or with the table itself when `key` is None)."""
        path = self.path if key is None else (*self.path, *key.split("."))
        name = (self.field or None) if key is None else self.name(key)
        self.ctx.report(path, message, rule=self.rule, field=name, needle=needle)

    def check_keys(self, known: Collection[str]) -> None:
        """Report every key that is not in `known`."""
        for key in self.data:
            if key not in known:
                self.issue(key, unknown_key_message(key, known))

    def has(self, key: str) -> bool:
        """Whether the key is present at all."""
        return key in self.data

    def missing(self, key: str, what: str) -> None:
        """Report a required key that is absent."""
        self.issue(key, f"expected {what}; got {MISSING}")

    def string(self, key: str, *, required: bool = False) -> str | None:
        """A non-empty string."""
        if key not in self.data:
            if required:
                self.missing(key, "a text in quotes")
            return None
        value = self.data[key]
        if not isinstance(value, str):
            quoted = isinstance(value, int | float) and not isinstance(value, bool)
            self.issue(key, expected(f'a text in quotes such as "{value}"' if quoted else "a text in quotes", value))
            return None
        if not value.strip():
            self.issue(key, expected("a non-empty text", value))
            return None
        return value.strip()

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole number within bounds."""
        if key not in self.data:
            if required:
                self.missing(key, _bounds("a whole number", minimum, maximum))
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(key, expected(_bounds("a whole number", minimum, maximum), value))
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.issue(key, expected(_bounds("a whole number", minimum, maximum), value))
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        """`true` or `false`."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, bool):
            self.issue(key, expected("true or false (without quotes)", value))
            return None
        return value

    def date(self, key: str) -> date | None:
        """A TOML date such as `2026-11-01` (without quotes)."""
        if key not in self.data:
            return None
        value = self.data[key]
        if isinstance(value, datetime) or not isinstance(value, date):
            self.issue(key, expected("a date such as 2026-11-01 (without quotes)", value))
            return None
        return value

    def choice(self, key: str, choices: Sequence[str], *, required: bool = False) -> str | None:
        """One string out of `choices`."""
        what = f"one of {', '.join(choices)}"
        if key not in self.data:
            if required:
                self.missing(key, what)
            return None
        value = self.data[key]
        if not isinstance(value, str) or value not in choices:
            self.issue(key, expected(what, value))
            return None
        return value

    def strings(self, key: str, *, max_items: int = 1000, unique: bool = True) -> tuple[str, ...] | None:
        """A non-empty list of non-empty strings (duplicates reported when `unique`)."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, list):
            self.issue(key, expected('a list such as ["a", "b"]', value))
            return None
        if not value:
            self.issue(key, expected("at least one item (or remove the key)", value))
            return None
        if len(value) > max_items:
            self.issue(key, f"expected at most {max_items} items; got {len(value)}")
            return None
        items: list[str] = []
        ok = True
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.issue(key, expected("a non-empty text in quotes for every item", item))
                ok = False
                continue
            if unique and item.strip() in items:
                self.issue(key, f"expected each item once; got {show(item)} twice", needle=item)
                ok = False
                continue
            items.append(item.strip())
        return tuple(items) if ok else None

    def table(self, key: str) -> TableReader | None:
        """A reader for the sub-table `key`, if present and a table."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            self.issue(key, expected("a table such as { key = value }", value))
            return None
        return TableReader(self.ctx, value, (*self.path, key), rule=self.rule, field=self.name(key))

    def texts(self, key: str, *, required: bool = False) -> dict[str, str] | None:
        """One non-empty text per charter language: `key.fr = "..."`, `key.en = "..."`.

        A text given in some languages must be given in all of them, so that nobody reads
        a clause, a reason or a template in a language the charter did not promise.
        """
        languages = self.ctx.languages
        sample = ", ".join(f"{key}.{lang}" for lang in languages) or f"{key}.fr"
        if key not in self.data:
            if required:
                self.missing(key, f"one text per language ({sample})")
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            self.issue(key, expected(f"one text per language ({sample})", value))
            return None
        found: dict[str, str] = {}
        ok = True
        for lang, text in value.items():
            if languages and lang not in languages:
                what = f"a language listed in charter.languages ({', '.join(languages)})"
                self.issue(f"{key}.{lang}", expected(what, lang))
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.issue(f"{key}.{lang}", expected("a non-empty text in quotes", text))
                ok = False
            else:
                found[lang] = text.strip()
        for lang in languages:
            if lang not in value:
                self.issue(
                    f"{key}.{lang}",
                    f"expected a text in '{lang}' (charter.languages lists it); got {MISSING}",
                )
                ok = False
        return found if ok else None


def _bounds(what: str, minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{what} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{what} >= {minimum}" if minimum != 1 else f"{what} > 0"
    if maximum is not None:
        return f"{what} <= {maximum}"
    return what
