"""Locating TOML keys back to lines, so that semantic errors point at the right place."""

from __future__ import annotations

import pytest

from bot.charter.source_map import SourceMap

TEXT = '''\
# a comment with = and [[rules]]
[charter]
name = "x = [y]"
description.fr = """
[[rules]]
not = "a key"
"""
"quoted.key" = 1

[[rules]]
id = "a"
terms = [
    "one",
    "two", # a comment ]
    'thr]ee',
]
links = { deny_domains = ["a.b"], block_invites = true }

[rules.escalation]
count = 2

[[rules]]
id = "b"
title = { fr = "B", en = "B" }
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("charter",), 2),
        (("charter", "name"), 3),
        (("charter", "description", "fr"), 4),
        (("charter", "description"), 4),
        (("charter", "quoted.key"), 8),
        (("rules",), 10),
        (("rules", 0), 10),
        (("rules", 0, "id"), 11),
        (("rules", 0, "terms"), 12),
        (("rules", 0, "links"), 17),
        (("rules", 0, "links", "deny_domains"), 17),
        (("rules", 0, "escalation"), 19),
        (("rules", 0, "escalation", "count"), 20),
        (("rules", 0, "escalation", "window_hours"), 19),
        (("rules", 0, "missing"), 10),
        (("rules", 1), 22),
        (("rules", 1, "id"), 23),
        (("rules", 1, "title", "en"), 24),
        (("absent",), None),
    ],
)
def test_line_of(path: tuple[str | int, ...], line: int | None) -> None:
    assert SourceMap(TEXT).line_of(path) == line


@pytest.mark.parametrize(
    ("needle", "line"),
    [("one", 13), ("two", 14), ("thr]ee", 15), ("not there", 12)],
)
def test_line_of_text_inside_a_multiline_array(needle: str, line: int) -> None:
    assert SourceMap(TEXT).line_of_text(("rules", 0, "terms"), needle) == line


def test_keys_after_a_multiline_array_are_still_found() -> None:
    smap = SourceMap(TEXT)
    assert smap.line_of(("rules", 0, "links")) == 17
    assert smap.line_of_text(("rules", 0, "links", "deny_domains"), "a.b") == 17
