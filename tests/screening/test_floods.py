"""Duplicate floods: one author repeating (nearly) the same text across channels within the window."""

from __future__ import annotations

from bot.charter.model import FloodPolicy
from bot.models import Action, Message
from bot.screening import FloodTracker, ScreeningEngine
from tests.screening.builders import make_charter, make_message, make_rule

TEXT = "Achetez mes cryptos sur mon site !"


def engine(count: int = 3, window: int = 60, similarity: int = 90, **kwargs: object) -> ScreeningEngine:
    rule = make_rule("flood", 7, Action.REVIEW, duplicates=FloodPolicy(count, window, similarity), **kwargs)
    return ScreeningEngine(make_charter(rule))


def copy(text: str, seconds: float, channel: str, author: str = "u1", **kwargs: object) -> Message:
    return make_message(text, seconds=seconds, channel=channel, author=author, **kwargs)  # type: ignore[arg-type]


def test_the_copy_that_reaches_the_count_is_flagged() -> None:
    screening = engine()
    actions = [screening.screen(copy(TEXT, i * 5, f"c{i}")).action for i in range(5)]
    assert actions == [Action.ALLOW, Action.ALLOW, Action.REVIEW, Action.REVIEW, Action.REVIEW]


def test_verdict_points_at_the_whole_message() -> None:
    screening = engine(count=2)
    screening.screen(copy(TEXT, 0, "c1"))
    verdict = screening.screen(copy(TEXT, 1, "c2"))
    assert verdict.rule_id == "flood"
    assert [(e.matcher, e.start, e.end) for e in verdict.evidence] == [("duplicate", 0, len(TEXT))]
    assert verdict.evidence[0].detail == "2 similar messages within 60s"


def test_near_duplicates_count_with_folding_and_similarity() -> None:
    screening = engine()
    screening.screen(copy(TEXT, 0, "c1"))
    screening.screen(copy("ACHETEZ mes cryptos sur mon site !!!", 10, "c2"))
    assert screening.screen(copy("Achetez mes crypto sur mon site", 20, "c3")).action is Action.REVIEW


def test_different_texts_do_not_count() -> None:
    screening = engine()
    texts = ["Bonjour tout le monde", "Quelqu'un a vu le match ?", "Je reviens dans une heure"]
    assert [screening.screen(copy(t, i, "c1")).action for i, t in enumerate(texts)] == [Action.ALLOW] * 3


def test_copies_outside_the_window_do_not_count() -> None:
    screening = engine(window=60)
    screening.screen(copy(TEXT, 0, "c1"))
    screening.screen(copy(TEXT, 50, "c2"))
    assert screening.screen(copy(TEXT, 91, "c3")).action is Action.ALLOW  # the first copy is 91 s old
    assert screening.screen(copy(TEXT, 100, "c4")).action is Action.REVIEW  # 50 s, 91 s and 100 s


def test_authors_platforms_and_communities_are_tracked_apart() -> None:
    screening = engine(count=2)
    screening.screen(copy(TEXT, 0, "c1", author="u1"))
    assert screening.screen(copy(TEXT, 1, "c1", author="u2")).action is Action.ALLOW
    assert screening.screen(copy(TEXT, 2, "c1", author="u1", community="g2")).action is Action.ALLOW
    assert screening.screen(copy(TEXT, 3, "c1", author="u1", platform="slack")).action is Action.ALLOW
    assert screening.screen(copy(TEXT, 4, "c2", author="u1")).action is Action.REVIEW


def test_short_texts_are_ignored() -> None:
    screening = engine(count=2)
    assert [screening.screen(copy("merci !", i, "c1")).action for i in range(4)] == [Action.ALLOW] * 4


def test_stretched_junk_counts_by_its_written_length() -> None:
    screening = engine(count=2)
    screening.screen(copy("AAAAAAAAAAAAAAAA", 0, "c1"))
    assert screening.screen(copy("aaaaaaaaaaaaaaaaaaaaa", 1, "c2")).action is Action.REVIEW


def test_an_edited_message_does_not_count_twice() -> None:
    screening = engine(count=2)
    first = copy(TEXT, 0, "c1")
    screening.screen(first)
    assert screening.screen(copy(TEXT + " ", 5, "c1", message_id=first.id)).action is Action.ALLOW


def test_exempt_channels_neither_count_nor_flag() -> None:
    screening = engine(count=2, exempt_channels=("#annonces",))
    screening.screen(copy(TEXT, 0, "c1", channel_name="annonces"))
    assert screening.screen(copy(TEXT, 1, "c2", channel_name="annonces")).action is Action.ALLOW
    assert screening.screen(copy(TEXT, 2, "c3", channel_name="general")).action is Action.ALLOW
    assert screening.screen(copy(TEXT, 3, "c4", channel_name="general")).action is Action.REVIEW


def test_memory_is_bounded_per_author_and_in_authors() -> None:
    tracker = FloodTracker(max_authors=50)
    screening = ScreeningEngine(engine(count=3).charter, floods=tracker)
    for i in range(40):
        screening.screen(copy(f"{TEXT} numéro {i}", i, "c1"))
    assert tracker.entries(("discord", "g1", "u1")) <= 3 + 4
    for i in range(200):
        screening.screen(copy(TEXT, i, "c1", author=f"a{i}"))
    assert len(tracker) == 50
    assert tracker.entries(("discord", "g1", "a199")) == 1
    assert tracker.entries(("discord", "g1", "a0")) == 0  # least recently active, forgotten first


def test_history_survives_a_charter_reload_when_the_tracker_is_passed_on() -> None:
    old = engine(count=2)
    old.screen(copy(TEXT, 0, "c1"))
    new = ScreeningEngine(old.charter, floods=old.floods)
    assert new.screen(copy(TEXT, 1, "c2")).action is Action.REVIEW


def test_long_messages_compare_quickly_and_still_match() -> None:
    screening = engine(count=2)
    long_text = "spam " * 20_000
    screening.screen(copy(long_text, 0, "c1"))
    assert screening.screen(copy(long_text, 1, "c2")).action is Action.REVIEW
