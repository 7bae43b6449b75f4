"""Markup read-through: entities, tags, Discord markdown and escapes inside words, with spans on the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Action
from bot.screening import ScreeningEngine
from bot.screening.markup import read_through, read_through_map
from bot.screening.normalize import fold_with_map
from tests.screening.builders import make_charter, make_message, make_rule

ENGINE = ScreeningEngine(make_charter(make_rule("insults", 1, terms=("fuck", "shit", "ass", "connard"))))


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("sh&#105;t", "shit"),
        ("sh&#x69;t", "shit"),
        ("caf&eacute;", "café"),
        ("a &lt;b&gt; c &amp; d", "a <b> c & d"),  # Slack's own escapes
        ("a<br>ss", "ass"),
        ("f<b>u</b>ck", "fuck"),
        ("a&lt;br&gt;ss", "ass"),  # a tag typed in Slack arrives escaped
        ("f**u**ck", "fuck"),
        ("f***u***ck", "fuck"),
        ("f__u__ck", "fuck"),
        ("f||u||ck", "fuck"),
        ("f~~u~~ck", "fuck"),
        ("f`u`ck", "fuck"),
        ("f``u``ck", "fuck"),
        ("f**__u__**ck", "fuck"),
        ("f\\*ck", "f*ck"),
        # markup between words is left to the folding, which reads it as a separator
        ("**bold** and ~~gone~~", "**bold** and ~~gone~~"),
        ("`code` here", "`code` here"),
        ("<https://example.org|docs> <@U123> <!here>", "<https://example.org|docs> <@U123> <!here>"),
        ("a \\* b", "a \\* b"),
        ("AT&T & co;", "AT&T & co;"),
        ("&unknownentity;", "&unknownentity;"),
    ],
)
def test_read_through(text: str, read: str) -> None:
    assert read_through(text) == read
    assert read_through_map(text)[0] == read


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("oh sh&#105;t!", "sh&#105;t"),
        ("what a<br>ss", "a<br>ss"),
        ("f<b>u</b>ck off", "f<b>u</b>ck"),
        ("f**u**ck", "f**u**ck"),
        ("so f||u||ck it", "f||u||ck"),
        ("f~~u~~ck", "f~~u~~ck"),
        ("f`u`ck", "f`u`ck"),
        ("quel c**o**nnard", "c**o**nnard"),
    ],
)
def test_markup_inside_words_is_read_through_and_evidence_points_at_the_original(text: str, span: str) -> None:
    verdict = ENGINE.screen(make_message(text))
    assert verdict.action is Action.REMOVE
    assert [text[e.start : e.end] for e in verdict.evidence] == [span]


@pytest.mark.parametrize("text", ["**class** notes", "the `assess` command", "<b>bass</b>", "a_s_s_e_s_s_m_e_n_t"])
def test_markup_never_makes_innocent_words(text: str) -> None:
    assert ENGINE.screen(make_message(text)).action is Action.ALLOW


MARKUP = st.lists(
    st.sampled_from([*"fuckash it*_~|`\\<>/b&#;x0123456789", "&#105;", "&amp;", "<br>", "**", "||", "\u0303"]),
    max_size=40,
).map("".join)


@settings(max_examples=300)
@given(MARKUP)
def test_read_through_map_points_inside_the_original(text: str) -> None:
    read, starts, ends = read_through_map(text)
    assert len(read) == len(starts) == len(ends)
    for start, end in zip(starts, ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert starts == sorted(starts)


@settings(max_examples=300)
@given(MARKUP)
def test_mapped_fold_sees_the_same_text_through_markup(text: str) -> None:
    mapped = fold_with_map(text)
    assert len(mapped.starts) == len(mapped.text)
    for index in range(len(mapped.text)):
        begin, stop = mapped.span(index, index + 1)
        assert 0 <= begin < stop <= len(text)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["f**u**ck", "sh&#105;t", "a<br>ss", "f||u||ck", " ", "class", "**", "x"]), max_size=8))
def test_every_evidence_span_slices_the_original(parts: list[str]) -> None:
    text = "".join(parts)
    verdict = ENGINE.screen(make_message(text))
    for evidence in verdict.evidence:
        assert 0 <= evidence.start < evidence.end <= len(text)
        assert text[evidence.start : evidence.end].strip()
