"""Loading and validating charter files: the shipped charter, every error kind, extension sections."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.charter import loader
from bot.charter.fields import ParseContext
from bot.charter.issues import CharterIssue
from bot.charter.loader import (
    CharterInvalid,
    check_charter,
    load_charter,
    load_document,
    parse_charter,
)
from bot.models import Action

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "policies" / "charter.toml"
DATA = Path(__file__).parent / "data"

VALID = """\
[charter]
name = "Test charter"
version = "1.0"
languages = ["fr", "en"]
default_language = "fr"
retention_days = 90

[[rules]]
id = "respect"
number = 1
action = "remove"
title.fr = "Respect"
title.en = "Respect"
description.fr = "Pas d'insultes."
description.en = "No insults."
terms = ["connard", "moron"]
fuzzy = 90
escalation = { count = 3, window_hours = 24, timeout_minutes = 60 }

[[rules]]
id = "spam"
number = 2
action = "review"
title.fr = "Spam"
title.en = "Spam"
description.fr = "Pas de spam."
description.en = "No spam."
patterns = ['(?i)free\\s+nitro']
explanation.fr = "Retiré au titre du §$clause."
explanation.en = "Removed under §$clause."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "charter.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing `marker`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"marker {marker!r} not in text")


def test_valid_fixture_loads(tmp_path: Path) -> None:
    charter = load_charter(write(tmp_path, VALID))
    assert [rule.id for rule in charter.rules] == ["respect", "spam"]
    assert charter.appeal_window_days == 30
    assert charter.published is None
    assert charter.rules[1].patterns == ("(?i)free\\s+nitro",)


def test_shipped_charter_loads_with_every_clause_bilingual() -> None:
    charter = load_charter(SHIPPED)
    assert charter.name == "Charte de la communauté / Community charter"
    assert charter.version == "2026.11"
    assert charter.languages == ("fr", "en")
    assert charter.default_language == "fr"
    assert (charter.retention_days, charter.appeal_window_days) == (180, 30)
    assert [rule.number for rule in charter.rules] == [1, 2, 3, 4, 5, 6, 7]
    for rule in charter.rules:
        for part in (rule.title, rule.description, rule.rationale, rule.fix):
            assert set(part) == {"fr", "en"}, rule.id
    by_id = {rule.id: rule for rule in charter.rules}
    assert by_id["respect"].action is Action.REMOVE
    assert {"connard", "asshole"} <= set(by_id["respect"].terms)
    # Short words that are also everyday speech only ever reach a person (§7), never a removal.
    assert not {"con", "ass"} & set(by_id["respect"].terms)
    assert by_id["coarse-language"].action is Action.REVIEW
    assert set(by_id["coarse-language"].terms) == {"con", "ass"}
    assert by_id["spam"].max_mentions == 5
    assert by_id["spam"].links is not None
    assert by_id["spam"].links.block_invites
    assert "grabify.link" in by_id["spam"].links.deny_domains
    assert by_id["spam"].explanation
    assert by_id["privacy"].explanation
    assert by_id["privacy"].personal_data == ("email", "phone")
    assert by_id["partnerships"].action is Action.REVIEW
    assert not by_id["partnerships"].terms
    assert by_id["safety"].action is Action.REVIEW
    assert charter.content_hash == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert charter.source == str(SHIPPED)
    assert check_charter(SHIPPED) == []


@pytest.mark.parametrize("path", sorted((ROOT / "policies" / "examples").glob("*.toml")), ids=lambda p: p.name)
def test_example_charters_load(path: Path) -> None:
    assert load_charter(path).rules


def test_parse_charter_from_text_hashes_the_text() -> None:
    charter = parse_charter(VALID)
    assert charter.source == "<string>"
    assert charter.content_hash == hashlib.sha256(VALID.encode()).hexdigest()


# (case id, old text, new text, rule, field, message fragment, line marker in the new text)
ERRORS = [
    ("syntax", "retention_days = 90", "retention_days = = 90", None, None, "syntax error", "retention_days = ="),
    ("unknown key", 'terms = ["connard"', 'term = ["connard"', "respect", "term", "did you mean 'terms'?", "term ="),
    (
        "unknown key exempt_role",
        "fuzzy = 90",
        'fuzzy = 90\nexempt_role = ["mod"]',
        "respect",
        "exempt_role",
        "did you mean 'exempt_roles'?",
        "exempt_role =",
    ),
    (
        "unknown nested key",
        "window_hours = 24",
        "window_hour = 24",
        "respect",
        "escalation.window_hour",
        "did you mean 'window_hours'?",
        "escalation =",
    ),
    (
        "unknown top-level table",
        '[[rules]]\nid = "respect"',
        '[disclosur]\nlabels = []\n\n[[rules]]\nid = "respect"',
        None,
        "disclosur",
        "unknown table [disclosur]",
        "[disclosur]",
    ),
    (
        "wrong type",
        "number = 2",
        'number = "2"',
        "spam",
        "number",
        "expected a whole number > 0; got '2'",
        'number = "2"',
    ),
    (
        "version as number",
        'version = "1.0"',
        "version = 1.0",
        None,
        "charter.version",
        'expected a text in quotes such as "1.0"',
        "version = 1.0",
    ),
    (
        "missing language text",
        'description.en = "No spam."\n',
        "",
        "spam",
        "description.en",
        "expected a text in 'en'",
        'description.fr = "Pas de spam."',
    ),
    (
        "language not listed",
        'title.en = "Spam"',
        'title.en = "Spam"\ntitle.de = "Spam"',
        "spam",
        "title.de",
        "charter.languages (fr, en); got 'de'",
        "title.de",
    ),
    (
        "text not per language",
        'title.fr = "Spam"\ntitle.en = "Spam"',
        'title = "Spam"',
        "spam",
        "title",
        "one text per language (title.fr, title.en)",
        'title = "Spam"',
    ),
    (
        "duplicate id",
        'id = "spam"',
        'id = "respect"',
        "respect",
        "id",
        "already used by rule #1",
        'id = "respect"\nnumber = 2',
    ),
    (
        "duplicate number",
        "number = 2",
        "number = 1",
        "spam",
        "number",
        "already used by rule #1",
        'number = 1\naction = "review"',
    ),
    (
        "bad action",
        'action = "review"',
        'action = "delete"',
        "spam",
        "action",
        "expected one of remove, review, warn; got 'delete'",
        'action = "delete"',
    ),
    (
        "backreference",
        "'(?i)free\\s+nitro'",
        "'(a)\\1'",
        "spam",
        "patterns",
        "got '(a)\\1', refused by RE2",
        "patterns =",
    ),
    (
        "lookahead",
        "'(?i)free\\s+nitro'",
        "'nitro(?=free)'",
        "spam",
        "patterns",
        "got 'nitro(?=free)', refused by RE2",
        "patterns =",
    ),
    ("lookbehind", "'(?i)free\\s+nitro'", "'(?<=free)nitro'", "spam", "patterns", "linear time", "patterns ="),
    ("atomic group", "'(?i)free\\s+nitro'", "'(?>free)nitro'", "spam", "patterns", "linear time", "patterns ="),
    ("matches empty text", "'(?i)free\\s+nitro'", "'(nitro)?'", "spam", "patterns", "matches empty text", "patterns ="),
    ("pattern too long", "'(?i)free\\s+nitro'", "'" + "a" * 501 + "'", "spam", "patterns", "at most 500", "patterns ="),
    (
        "too many patterns",
        "patterns = ['(?i)free\\s+nitro']",
        "patterns = [" + ", ".join(f"'p{i}x'" for i in range(201)) + "]",
        "spam",
        "patterns",
        "at most 200 items; got 201",
        "patterns =",
    ),
    (
        "unknown placeholder",
        "Removed under §$clause.",
        "Removed by $user.",
        "spam",
        "explanation.en",
        "got '$user'",
        "explanation.en",
    ),
    (
        "misspelt placeholder",
        "Removed under §$clause.",
        "Removed: $titel.",
        "spam",
        "explanation.en",
        "did you mean $title?",
        "explanation.en",
    ),
    (
        "dunder placeholder",
        "Removed under §$clause.",
        "Removed ${__class__}.",
        "spam",
        "explanation.en",
        "got '${__class__}'",
        "explanation.en",
    ),
    (
        "attribute placeholder",
        "Removed under §$clause.",
        "Removed ${clause.__class__.__init__.__globals__}.",
        "spam",
        "explanation.en",
        "got '${clause.__class__",
        "explanation.en",
    ),
    (
        "item placeholder",
        "Removed under §$clause.",
        "Removed ${case[0]}.",
        "spam",
        "explanation.en",
        "write $$ for a dollar sign",
        "explanation.en",
    ),
    (
        "fuzzy without long term",
        'terms = ["connard", "moron"]',
        'terms = ["con", "ass"]',
        "respect",
        "fuzzy",
        "at least one term of 5 letters",
        "fuzzy = 90",
    ),
    ("fuzzy out of range", "fuzzy = 90", "fuzzy = 101", "respect", "fuzzy", "from 0 to 100; got 101", "fuzzy = 101"),
    (
        "empty terms",
        'terms = ["connard", "moron"]',
        "terms = []",
        "respect",
        "terms",
        "at least one item",
        "terms = []",
    ),
    (
        "short term",
        'terms = ["connard", "moron"]',
        'terms = ["connard", "x"]',
        "respect",
        "terms",
        "at least 2 letters",
        "terms =",
    ),
    (
        "term that folds to empty",
        'terms = ["connard", "moron"]',
        'terms = ["connard", "\\u200b\\u200d"]',
        "respect",
        "terms",
        "empty once invisible characters are removed",
        "terms =",
    ),
    (
        "same term twice once folded",
        'terms = ["connard", "moron"]',
        'terms = ["connard", "CONNARD"]',
        "respect",
        "terms",
        "expected each term once",
        "terms =",
    ),
    (
        "default language not listed",
        'default_language = "fr"',
        'default_language = "de"',
        None,
        "charter.default_language",
        "expected one of the charter languages fr, en; got 'de'",
        "default_language",
    ),
    (
        "retention zero",
        "retention_days = 90",
        "retention_days = 0",
        None,
        "charter.retention_days",
        "> 0; got 0",
        "retention_days",
    ),
    (
        "retention negative",
        "retention_days = 90",
        "retention_days = -5",
        None,
        "charter.retention_days",
        "> 0; got -5",
        "retention_days",
    ),
    (
        "appeal window longer than retention",
        "retention_days = 90",
        "retention_days = 90\nappeal_window_days = 120",
        None,
        "charter.appeal_window_days",
        "at most retention_days (90)",
        "appeal_window_days",
    ),
    (
        "published as text",
        "retention_days = 90",
        'retention_days = 90\npublished = "2026-11-01"',
        None,
        "charter.published",
        "without quotes",
        "published",
    ),
    (
        "escalation on a review rule",
        'explanation.en = "Removed under §$clause."',
        'explanation.en = "Removed under §$clause."\nescalation = { count = 2, window_hours = 1, timeout_minutes = 5 }',
        "spam",
        "escalation",
        "only on rules whose action is remove or warn",
        "escalation = { count = 2",
    ),
    (
        "missing escalation key",
        "window_hours = 24, timeout_minutes = 60",
        "window_hours = 24",
        "respect",
        "escalation.timeout_minutes",
        "got nothing (the key is missing)",
        "escalation =",
    ),
    (
        "bad personal data kind",
        "fuzzy = 90",
        'fuzzy = 90\npersonal_data = ["email", "address"]',
        "respect",
        "personal_data",
        "items among email, phone; got 'address'",
        "personal_data",
    ),
    (
        "domain with scheme",
        "fuzzy = 90",
        'fuzzy = 90\nlinks = { deny_domains = ["https://grabify.link/x"] }',
        "respect",
        "links.deny_domains",
        "bare domain",
        "links =",
    ),
    (
        "allowed invites without blocking",
        "fuzzy = 90",
        'fuzzy = 90\nlinks = { allowed_invites = ["partner"] }',
        "respect",
        "links.allowed_invites",
        "block_invites = true",
        "links =",
    ),
    (
        "bad rule id",
        'id = "spam"',
        'id = "Spam Rule"',
        "#2",
        "id",
        "lowercase letters",
        'id = "Spam Rule"',
    ),
    (
        "boolean is not a number",
        "number = 2",
        "number = true",
        "spam",
        "number",
        "got true",
        "number = true",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "rule", "field", "fragment", "marker"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_each_error_names_file_line_rule_and_field(
    tmp_path: Path, old: str, new: str, rule: str | None, field: str | None, fragment: str, marker: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = write(tmp_path, text)

    issues = check_charter(path)

    matching = [issue for issue in issues if issue.field == field and fragment in issue.message]
    assert matching, "\n".join(str(issue) for issue in issues)
    issue = matching[0]
    expected_line = line_of(text, marker.split("\n")[0]) if "\n" not in marker else _line_of_block(text, marker)
    assert issue.file == str(path)
    assert issue.line == expected_line
    assert issue.rule == rule
    rendered = str(issue)
    assert rendered.startswith(f"{path}:{expected_line}: ")
    if rule is not None:
        assert (f"rule {rule}" if rule.startswith("#") else f"rule '{rule}'") in rendered
    if field is not None:
        assert f"field '{field}'" in rendered
    assert "\n" not in rendered
    with pytest.raises(CharterInvalid) as raised:
        load_charter(path)
    assert issue in raised.value.issues


def _line_of_block(text: str, block: str) -> int:
    return text[: text.index(block)].count("\n") + 1


def test_issue_string_matches_the_documented_shape() -> None:
    issue = CharterIssue(
        "policies/charter.toml", 42, "spam", "action", "expected one of remove, review, warn; got 'delete'"
    )
    assert str(issue) == (
        "policies/charter.toml:42: rule 'spam', field 'action': expected one of remove, review, warn; got 'delete'"
    )
    assert str(CharterIssue("c.toml", None, None, None, "boom")) == "c.toml: boom"


def test_every_problem_is_reported_in_one_pass_sorted_by_line() -> None:
    path = DATA / "broken.toml"
    issues = check_charter(path)
    fields = {issue.field for issue in issues}
    assert {
        "charter.version",
        "charter.default_language",
        "charter.retention_days",
        "disclosur",
        "action",
        "term",
        "exempt_role",
        "patterns",
        "explanation.fr",
        "fuzzy",
        "terms",
        "id",
        "number",
        "title",
        "description.de",
        "links.deny_domains",
        "links.allowed_invites",
        "escalation.timeout_minutes",
        "duplicates.window_second",
        "personal_data",
    } <= fields
    lines = [issue.line or 0 for issue in issues]
    assert lines == sorted(lines)
    assert all(str(issue).startswith(f"{path}:") for issue in issues)
    with pytest.raises(CharterInvalid) as raised:
        load_charter(path)
    assert len(raised.value.issues) == len(issues)
    assert f"the charter has {len(issues)} problems" in str(raised.value)


def test_syntax_error_carries_the_toml_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[charter]\nname = "x"\nversion = "1"\nlanguages = ["fr"\ndefault_language = "fr"\n')
    [issue] = check_charter(path)
    assert issue.line == 5
    assert "syntax error" in issue.message
    assert "column" in issue.message
    assert str(issue).startswith(f"{path}:5: expected valid TOML")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b'[charter]\nname = "caf\xe9"\n', "not valid UTF-8"),
        (b"", "[charter] table"),
    ],
    ids=["latin-1 bytes", "empty file"],
)
def test_unusable_files(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = tmp_path / "charter.toml"
    path.write_bytes(data)
    issues = check_charter(path)
    assert any(fragment in str(issue) for issue in issues), issues


def test_missing_file_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    [issue] = check_charter(tmp_path / "absent.toml")
    assert issue.file == str(tmp_path / "absent.toml")
    assert "readable file" in issue.message


def test_rules_must_be_an_array_of_tables(tmp_path: Path) -> None:
    head = VALID.split("[[rules]]")[0]
    issues = check_charter(write(tmp_path, head + "[rules]\nid = 'x'\n"))
    assert [issue.field for issue in issues] == ["rules"]
    assert "at least one [[rules]] clause; got a table" in issues[0].message


def test_section_parser_extension_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, ...]] = []

    def parse_disclosure(table: Mapping[str, object], ctx: ParseContext) -> tuple[str, ...]:
        seen.append(tuple(rule.id for rule in ctx.rules))
        reader = ctx.reader(table, ("disclosure",), field="disclosure")
        reader.check_keys({"labels"})
        return reader.strings("labels") or ()

    monkeypatch.setitem(loader.SECTION_PARSERS, "disclosure", parse_disclosure)
    good = write(tmp_path, VALID + '\n[disclosure]\nlabels = ["Publicité", "#ad"]\n')
    document = load_document(good)
    assert document.sections == {"disclosure": ("Publicité", "#ad")}
    assert seen == [("respect", "spam")]

    bad_text = VALID + '\n[disclosure]\nlabel = ["Publicité"]\n'
    [issue] = check_charter(write(tmp_path, bad_text))
    assert issue.field == "disclosure.label"
    assert issue.line == line_of(bad_text, "label =")
    assert "did you mean 'labels'?" in issue.message


def test_registered_section_must_be_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(loader.SECTION_PARSERS, "disclosure", lambda table, ctx: table)
    text = 'disclosure = "yes"\n' + VALID
    [issue] = check_charter(write(tmp_path, text))
    assert (issue.field, issue.line) == ("disclosure", 1)
    assert "expected a [disclosure] table" in issue.message


@pytest.mark.parametrize("name", ["charter", "rules", "version", "content_hash"])
def test_register_section_refuses_built_in_names(name: str) -> None:
    with pytest.raises(ValueError, match="built in"):
        loader.register_section(name, lambda table, ctx: None)
    assert name not in loader.SECTION_PARSERS


@pytest.mark.parametrize(
    ("header", "loads", "window"),
    [
        ("retention_days = 7", False, None),
        ("retention_days = 29", False, None),
        ("retention_days = 30", True, 30),
        ("retention_days = 7\nappeal_window_days = 7", True, 7),
        ("retention_days = 7\nappeal_window_days = 8", False, None),
    ],
)
def test_retention_must_outlast_the_appeal_window_even_the_default_one(
    tmp_path: Path, header: str, loads: bool, window: int | None
) -> None:
    text = VALID.replace("retention_days = 90", header, 1)
    path = write(tmp_path, text)
    if loads:
        assert load_charter(path).appeal_window_days == window
        return
    issues = check_charter(path)
    assert len(issues) == 1, "\n".join(str(issue) for issue in issues)
    assert "since an appeal needs the removed text" in issues[0].message
    field = "charter.appeal_window_days" if "appeal_window_days" in header else "charter.retention_days"
    assert issues[0].field == field
    assert issues[0].line == line_of(text, field.split(".")[1])


def test_rules_are_sorted_by_clause_number(tmp_path: Path) -> None:
    text = VALID.replace("number = 1", "number = 7")
    charter = load_charter(write(tmp_path, text))
    assert [(rule.number, rule.id) for rule in charter.rules] == [(2, "spam"), (7, "respect")]
    assert charter.clause(7) is charter.rule("respect")


def test_inline_tables_and_optional_keys_map_onto_the_model(tmp_path: Path) -> None:
    extra = """
[[rules]]
id = "links"
number = 3
action = "warn"
title = { fr = "Liens", en = "Links" }
description = { fr = "Liens sûrs.", en = "Safe links." }
rationale = { fr = "Sécurité.", en = "Safety." }
fix = { fr = "Retirez le lien.", en = "Remove the link." }
links = { deny_domains = ["WWW.Grabify.link"], allow_domains = ["example.org"], block_invites = true, \
allowed_invites = ["partner"] }
duplicates = { count = 3, window_seconds = 60 }
max_mentions = 4
personal_data = ["phone"]
exempt_roles = ["moderator", "123456789"]
exempt_channels = ["annonces"]
"""
    charter = load_charter(write(tmp_path, VALID + extra))
    rule = charter.rule("links")
    assert rule is not None
    assert rule.action is Action.WARN
    assert rule.links is not None
    assert rule.links.deny_domains == ("grabify.link",)
    assert rule.links.allowed_invites == ("partner",)
    assert rule.duplicates is not None
    assert rule.duplicates.similarity == 90
    assert rule.exempt_roles == ("moderator", "123456789")
    assert rule.exempt_channels == ("annonces",)
    assert rule.fuzzy is None
    assert rule.escalation is None
