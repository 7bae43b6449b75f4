"""Folding table: each evasion folds to the plain word, innocent text keeps its words apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.screening.normalize import AMBIGUOUS, AT, fold, fold_chars, fold_parts, fold_with_map, run_lengths

FOLDS = [
    # case and compatibility forms
    ("CON", "con"),
    ("ｃｏｎ", "con"),  # fullwidth
    ("𝐜𝐨𝐧", "con"),  # mathematical bold
    ("ℭ𝔬𝔫", "con"),  # fraktur
    ("ⓒⓞⓝ", "con"),  # circled
    ("ᴄᴏɴ", "con"),  # small capitals
    # look-alikes from other scripts
    ("сon", "con"),  # Cyrillic с
    ("cоn", "con"),  # Cyrillic о
    ("ѕраm", "spam"),  # Cyrillic ѕ р а
    ("ϲοn", "con"),  # Greek lunate sigma and omicron
    # diacritics and invisible characters
    ("Conférence", "conference"),
    ("ÉLÈVE", "eleve"),
    ("c\u200bo\u200dn", "con"),  # zero-width space and joiner
    ("\u202econ\u202c", "con"),  # bidi override
    ("s\u00adpam", "spam"),  # soft hyphen
    ("z\u0337\u0322a\u0335l\u0334g\u0336o\u0338", "zalgo"),
    # leetspeak inside words
    ("c0n", "con"),
    ("$hit", "shit"),
    ("@ss", f"{AT}s"),  # an a or an o
    ("1d10t", f"{AMBIGUOUS}d{AMBIGUOUS}ot"),
    ("sh!t", f"sh{AMBIGUOUS}t"),
    ("ILL", f"{AMBIGUOUS}l"),  # a capital i could be a lower-case L
    ("h4ck3r", "hacker"),
    # separators between single characters
    ("s.p.a.m", "spam"),
    ("s p a m", "spam"),
    ("s-p-a-m", "spam"),
    ("s_p_a_m", "spam"),
    ("C . O . N", "con"),
    ("le c o n", "le con"),
    ("you're a c.o.n", "you're a con"),
    # repeated letters collapse
    ("spaaaam", "spam"),
    ("cooooon", "con"),
    # innocent text is left readable
    ("il y a un chat", "il y a un chat"),
    ("J. R. R. Tolkien", "jr. tolkien"),
    ("idiot!", "idiot!"),
    ("2024", "2024"),
    ("10 €", "10 €"),
    ("meet at 10:30", "met at 10:30"),
]


@pytest.mark.parametrize(("text", "expected"), FOLDS)
def test_fold_table(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(("text", "expected"), FOLDS)
def test_mapped_fold_is_the_same_text(text: str, expected: str) -> None:
    assert fold_with_map(text).text == expected


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("hey c.o.n!", "con", "c.o.n"),
        ("un ｃｏｎ là", "con", "ｃｏｎ"),
        ("spaaaam now", "spam", "spaaaam"),
        ("c\u200bo\u200bn", "con", "c\u200bo\u200bn"),
        ("Ünïcödé", "unicode", "Ünïcödé"),
        ("cооn", "con", "cооn"),
    ],
)
def test_span_map_points_at_the_original_characters(text: str, word: str, original: str) -> None:
    mapped = fold_with_map(text)
    start = mapped.text.index(word)
    begin, end = mapped.span(start, start + len(word))
    assert text[begin:end] == original


def test_separated_words_are_not_glued() -> None:
    assert fold("le chat mange une souris") == "le chat mange une souris"
    assert fold("s.p.a.m and h.a.m") == "spam and ham"


def test_numbers_stay_digits_outside_words() -> None:
    assert fold("le 12/03/2024, 3 000 € et 15 % en 2025") == "le 12/03/2024, 3 0 € et 15 % en 2025"


def test_run_lengths_tell_single_from_double_letters() -> None:
    spread, collapsed = fold_parts("ass as")
    assert collapsed == "as as"
    assert run_lengths(spread) == {1: 2}


def test_fold_chars_keeps_structure() -> None:
    assert fold_chars("ＥＸＡＭＰＬＥ．ＣＯＭ") == "example.com"
    assert fold_chars("Tab\tNew\nline") == "tab new line"


@given(st.text())
def test_fast_and_mapped_folds_agree(text: str) -> None:
    mapped = fold_with_map(text)
    assert mapped.text == fold(text)
    assert len(mapped.starts) == len(mapped.ends) == len(mapped.text)


@given(st.text(), st.data())
def test_every_folded_span_is_a_non_empty_slice_of_the_original(text: str, data: st.DataObject) -> None:
    mapped = fold_with_map(text)
    if not mapped.text:
        return
    start = data.draw(st.integers(0, len(mapped.text) - 1))
    end = data.draw(st.integers(start + 1, len(mapped.text)))
    begin, stop = mapped.span(start, end)
    assert 0 <= begin < stop <= len(text)


@given(st.text(alphabet=st.sampled_from("ab .-_1!|$@0CОо\u200b\u0301")))
def test_agree_on_dense_evasion_alphabet(text: str) -> None:
    assert fold_with_map(text).text == fold(text)
