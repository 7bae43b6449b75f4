"""Parsing transcript lines for the offline job: good lines, and precise errors for bad ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.transcript import LineError, parse_line

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_full_line() -> None:
    raw = '{"id": 7, "text": "salut", "author": "ana", "roles": ["team"], "channel": "news", "lang": "fr", "ts": 0}'
    message = parse_line(raw, 1, NOW).message
    assert (message.id, message.text, message.author.id, message.channel, message.lang) == (
        "7",
        "salut",
        "ana",
        "news",
        "fr",
    )
    assert message.author.roles == ("team",)
    assert message.created_at == datetime(1970, 1, 1, tzinfo=UTC)


def test_minimal_line_gets_defaults() -> None:
    message = parse_line('{"id": "a", "text": ""}', 3, NOW).message
    assert message.author.id == "anonymous"
    assert message.created_at == NOW


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"text": "x"}', '"id"'),
        ('{"id": true, "text": "x"}', '"id"'),
        ('{"id": "a"}', '"text"'),
        ('{"id": "a", "text": 3}', '"text"'),
        ('{"id": "a", "text": "x", "roles": "team"}', '"roles"'),
        ('{"id": "a", "text": "x", "author": ""}', '"author"'),
        ('{"id": "a", "text": "x", "ts": "yesterday"}', '"ts"'),
        ('{"id": "a", "text": "x", "mentions": -1}', '"mentions"'),
        ('{"id": "a", "text": "x", "txt": "typo"}', "unknown key(s) txt"),
    ],
)
def test_bad_lines_say_why(raw: str, error: str) -> None:
    with pytest.raises(LineError, match=None) as info:
        parse_line(raw, 1, NOW)
    assert error in str(info.value)
