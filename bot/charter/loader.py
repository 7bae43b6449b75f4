"""Loads a charter TOML file into a validated Charter, collecting every problem in one pass."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.charter import checks
from bot.charter.accountability_sections import parse_privacy_section, parse_transparency_section
from bot.charter.disclosure_section import parse_disclosure_section
from bot.charter.fields import ParseContext, TableReader, expected, unknown_key_message
from bot.charter.issues import CharterInvalid, CharterIssue, sorted_issues
from bot.charter.model import Charter, Rule
from bot.charter.rules import parse_rule, rule_label
from bot.charter.source_map import SourceMap

__all__ = [
    "SECTION_PARSERS",
    "CharterDocument",
    "CharterInvalid",
    "CharterIssue",
    "ParseContext",
    "SectionParser",
    "TableReader",
    "check_charter",
    "load_charter",
    "load_document",
    "parse_charter",
    "parse_document",
    "register_section",
]

log = logging.getLogger(__name__)

SectionParser = Callable[[Mapping[str, object], ParseContext], object]
"""Validates one extra top-level table; reports problems through the context and returns its value."""

SECTION_PARSERS: dict[str, SectionParser] = {
    "disclosure": parse_disclosure_section,
    "privacy": parse_privacy_section,
    "transparency": parse_transparency_section,
}
"""Extra top-level tables (such as `[disclosure]`) and their parsers; any other table is an error."""

CHARTER_KEYS = frozenset(
    {
        "name",
        "version",
        "languages",
        "default_language",
        "retention_days",
        "appeal_window_days",
        "published",
        "description",
    }
)
MAX_FILE_BYTES = 1_000_000
# Charter fields the loader fills itself; any other Charter field may come from a section.
_BUILT_IN_FIELDS = frozenset(
    {
        "name",
        "version",
        "languages",
        "default_language",
        "retention_days",
        "rules",
        "content_hash",
        "source",
        "appeal_window_days",
        "published",
        "description",
    }
)
_EXTRA_FIELDS = frozenset(f.name for f in dataclasses.fields(Charter)) - _BUILT_IN_FIELDS
_RESERVED = _BUILT_IN_FIELDS | {"charter"}
# The model's default, which applies when a charter leaves appeal_window_days out.
_DEFAULT_APPEAL_WINDOW_DAYS: int = next(
    f.default for f in dataclasses.fields(Charter) if f.name == "appeal_window_days" and isinstance(f.default, int)
)
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class CharterDocument:
    """A validated charter plus the values of its registered extension sections."""

    charter: Charter
    sections: Mapping[str, object] = field(default_factory=dict)


def register_section(name: str, parser: SectionParser) -> None:
    """Accept a top-level `[name]` table in charters and validate it with `parser`."""
    if name in _RESERVED:
        raise ValueError(f"the name {name!r} is built in to the charter")
    SECTION_PARSERS[name] = parser


def parse_charter(text: str, source: str = "<string>") -> Charter:
    """A validated Charter from TOML text; raises CharterInvalid listing every problem."""
    return parse_document(text, source).charter


def load_charter(path: str | Path) -> Charter:
    """A validated Charter from a file; raises CharterInvalid listing every problem."""
    return load_document(path).charter


def check_charter(path: str | Path) -> list[CharterIssue]:
    """Every problem in a charter file, sorted by line; empty when it is valid."""
    try:
        load_document(path)
    except CharterInvalid as invalid:
        return invalid.issues
    return []


def parse_document(text: str, source: str = "<string>") -> CharterDocument:
    """A validated charter and its extension sections from TOML text."""
    return _parse_bytes(text.encode("utf-8"), source)


def load_document(path: str | Path) -> CharterDocument:
    """A validated charter and its extension sections from a file."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        issue = CharterIssue(source, None, None, None, f"expected a readable file; got {error.strerror}")
        raise CharterInvalid([issue]) from None
    document = _parse_bytes(data, source)
    charter = document.charter
    log.info(
        "charter loaded from %s: version %s, %d clauses, hash %s",
        source,
        charter.version,
        len(charter.rules),
        charter.short_hash,
    )
    return document


def _parse_bytes(data: bytes, source: str) -> CharterDocument:
    if len(data) > MAX_FILE_BYTES:
        raise CharterInvalid(
            [CharterIssue(source, None, None, None, f"expected a file under {MAX_FILE_BYTES} bytes; got {len(data)}")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"expected UTF-8 text; got the byte 0x{data[error.start]:02x}, which is not valid UTF-8"
        raise CharterInvalid([CharterIssue(source, line, None, None, message)]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CharterInvalid([_syntax_issue(source, error)]) from None

    ctx = ParseContext(source=source, source_map=SourceMap(text))
    top = TableReader(ctx, raw, (), rule=None, field="")
    _check_top_level(top)
    header = _charter_header(top)
    rules = _rules(ctx, raw)
    ctx.rules = rules
    sections = _sections(ctx, raw)

    if ctx.issues or header is None:
        raise CharterInvalid(sorted_issues(ctx.issues))
    charter = Charter(
        name=header.name,
        version=header.version,
        languages=ctx.languages,
        default_language=ctx.default_language,
        retention_days=header.retention_days,
        rules=rules,
        content_hash=hashlib.sha256(data).hexdigest(),
        source=source,
        appeal_window_days=header.appeal_window_days,
        published=header.published,
        description=header.description,
    )
    # A section named like an extra Charter field (e.g. `disclosure`) is also stored on the Charter.
    # Any: the section parser owns the value's type, which the field's annotation must match.
    extras: dict[str, Any] = {name: value for name, value in sections.items() if name in _EXTRA_FIELDS}
    if extras:
        charter = dataclasses.replace(charter, **extras)
    return CharterDocument(charter=charter, sections=MappingProxyType(sections))


def _check_top_level(top: TableReader) -> None:
    known = {"charter", "rules", *SECTION_PARSERS}
    for key, value in top.data.items():
        if key in known:
            continue
        message = unknown_key_message(key, known)
        if isinstance(value, dict):
            message = message.replace(f"unknown key '{key}'", f"unknown table [{key}]", 1)
        top.issue(key, message)


def _syntax_issue(source: str, error: tomllib.TOMLDecodeError) -> CharterIssue:
    message = str(error)
    line: int | None = None
    position = _TOML_POSITION.search(message)
    if position is not None:
        line = int(position.group(1))
        message = f"{message[: position.start()]} (column {position.group(2)})"
    return CharterIssue(source, line, None, None, f"expected valid TOML; got a syntax error: {message}")


@dataclass(frozen=True, slots=True)
class _Header:
    name: str
    version: str
    retention_days: int
    appeal_window_days: int
    published: date | None
    description: Mapping[str, str]


def _charter_header(top: TableReader) -> _Header | None:
    """Validate `[charter]` and set the context languages; the header when it is usable."""
    if not top.has("charter"):
        top.missing("charter", "a [charter] table with name, version, languages, default_language, retention_days")
        return None
    t = top.table("charter")
    if t is None:
        return None
    t.check_keys(CHARTER_KEYS)
    name = t.string("name", required=True)
    version = t.string("version", required=True)
    languages = t.strings("languages", max_items=20)
    if languages is None and not t.has("languages"):
        t.missing("languages", 'a list of language codes such as ["fr", "en"]')
    valid_languages = True
    for lang in languages or ():
        if not checks.is_language(lang):
            what = "two- or three-letter lowercase language codes such as 'fr'"
            t.issue("languages", expected(what, lang), needle=lang)
            valid_languages = False
    if languages and valid_languages:
        top.ctx.languages = languages
    default = t.string("default_language", required=True)
    if default is not None and languages and default not in languages:
        t.issue("default_language", expected(f"one of the charter languages {', '.join(languages)}", default))
    elif default is not None:
        top.ctx.default_language = default
    retention = t.integer("retention_days", required=True, minimum=1)
    appeal = t.integer("appeal_window_days", minimum=1)
    if retention is not None and appeal is not None and appeal > retention:
        t.issue(
            "appeal_window_days",
            f"expected at most retention_days ({retention}), since an appeal needs the removed text; got {appeal}",
        )
    elif retention is not None and not t.has("appeal_window_days") and retention < _DEFAULT_APPEAL_WINDOW_DAYS:
        # The default window applies when the key is absent, and it needs the removed text just as much.
        t.issue(
            "retention_days",
            f"expected at least {_DEFAULT_APPEAL_WINDOW_DAYS}, the default appeal window (appeal_window_days is not"
            f" set), since an appeal needs the removed text; got {retention}",
        )
    published = t.date("published")
    description = t.texts("description")
    if name is None or version is None or retention is None:
        return None
    return _Header(
        name=name,
        version=version,
        retention_days=retention,
        appeal_window_days=_DEFAULT_APPEAL_WINDOW_DAYS if appeal is None else appeal,
        published=published,
        description=description or {},
    )


def _rules(ctx: ParseContext, raw: Mapping[str, object]) -> tuple[Rule, ...]:
    value = raw.get("rules")
    if not isinstance(value, list) or not value:
        found = "nothing" if value is None else expected("", value).split("; got ")[1]
        ctx.report(("rules",), f"expected at least one [[rules]] clause; got {found}", field="rules")
        return ()
    parsed: list[Rule] = []
    ids: dict[object, int] = {}
    numbers: dict[object, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            ctx.report(("rules", index), expected("a [[rules]] table", item), rule=f"#{index + 1}", field="rules")
            continue
        rule = parse_rule(ctx, item, index)
        if rule is not None:
            parsed.append(rule)
        _check_unique(ctx, item, index, "id", ids)
        _check_unique(ctx, item, index, "number", numbers)
    return tuple(sorted(parsed, key=lambda rule: rule.number))


def _check_unique(ctx: ParseContext, item: Mapping[str, object], index: int, key: str, seen: dict[object, int]) -> None:
    value = item.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool):
        return
    if value in seen:
        first = seen[value]
        line = ctx.source_map.line_of(("rules", first, key))
        where = f"rule #{first + 1}" + (f" (line {line})" if line is not None else "")
        what = "rule id" if key == "id" else "clause number"
        ctx.report(
            ("rules", index, key),
            f"expected each {what} once; got {value!r}, already used by {where}",
            rule=rule_label(item, index),
            field=key,
        )
    else:
        seen[value] = index


def _sections(ctx: ParseContext, raw: Mapping[str, object]) -> dict[str, object]:
    sections: dict[str, object] = {}
    for name, parser in SECTION_PARSERS.items():
        if name not in raw:
            continue
        value = raw[name]
        if not isinstance(value, dict):
            ctx.report((name,), expected(f"a [{name}] table", value), field=name)
            continue
        sections[name] = parser(value, ctx)
    return sections
