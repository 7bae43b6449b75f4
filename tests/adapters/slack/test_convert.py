"""Slack payloads to core models, mention counting, Markdown to mrkdwn, and id parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.slack.convert import (
    SlackPost,
    channel_ref,
    defuse_mentions,
    deleted_ts,
    group_ref,
    markdown_to_mrkdwn,
    mention_count,
    mentioned_users,
    parse_case_id,
    post_from_event,
    readable,
    to_message,
    ts_to_datetime,
    user_from_info,
    user_ref,
)
from bot.models import Actor

BASE: dict[str, Any] = {"type": "message", "channel": "C1", "user": "U1", "text": "bonjour", "ts": "1700000000.000100"}


@pytest.mark.parametrize(
    ("event", "screened"),
    [
        pytest.param(BASE, True, id="plain"),
        pytest.param({**BASE, "subtype": "thread_broadcast", "thread_ts": "1699999999.000001"}, True, id="broadcast"),
        pytest.param({**BASE, "subtype": "file_share"}, True, id="file-share-comment"),
        pytest.param({**BASE, "bot_id": "B1"}, False, id="bot-id"),
        pytest.param({**BASE, "subtype": "bot_message"}, False, id="bot-message"),
        pytest.param({**BASE, "subtype": "channel_join"}, False, id="join"),
        pytest.param({**BASE, "subtype": "message_deleted"}, False, id="deleted"),
        pytest.param({key: v for key, v in BASE.items() if key != "user"}, False, id="no-user"),
    ],
)
def test_which_events_are_screened(event: dict[str, Any], screened: bool) -> None:
    assert (post_from_event(event, "T1") is not None) is screened


def test_plain_message_becomes_a_post() -> None:
    post = post_from_event({**BASE, "thread_ts": "1699999999.000001"}, "T1")
    assert post == SlackPost(
        team="T1",
        channel="C1",
        ts="1700000000.000100",
        user="U1",
        text="bonjour",
        at=datetime(2023, 11, 14, 22, 13, 20, 100, tzinfo=UTC),
        thread_ts="1699999999.000001",
    )


def _changed(new_text: str, old_text: str, **inner: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "ts": "1700000100.000001",
        "event_ts": "1700000100.000001",
        "message": {"type": "message", "user": "U1", "text": new_text, "ts": "1700000000.000100", **inner},
        "previous_message": {"type": "message", "user": "U1", "text": old_text, "ts": "1700000000.000100"},
    }


def test_edit_keeps_the_original_ts_and_takes_the_new_text() -> None:
    post = post_from_event(_changed("new words", "old words", edited={"user": "U1", "ts": "1700000050.000000"}), "T1")
    assert post is not None
    assert (post.ts, post.text, post.edited) == ("1700000000.000100", "new words", True)
    assert post.at == ts_to_datetime("1700000050.000000")


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(_changed("same", "same"), id="unfurl-same-text"),
        pytest.param(_changed("x", "y", bot_id="B1"), id="bot-edit"),
        pytest.param(_changed("", "y", subtype="tombstone"), id="tombstone"),
    ],
)
def test_edits_not_screened(event: dict[str, Any]) -> None:
    assert post_from_event(event, "T1") is None


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("no one", 0),
        ("<@U1> <@U2|bob> <@U1>", 2),
        ("<!here> <!channel> <!everyone> <!here|here>", 3),
        ("<!subteam^S1|@mods> <@W9>", 2),
        ("<#C1|general> <https://x.test|x>", 0),
    ],
)
def test_mention_count(text: str, count: int) -> None:
    assert mention_count(text) == count


def test_to_message_uses_the_ts_as_id() -> None:
    post = post_from_event({**BASE, "text": "<@U2> <@U3> hi"}, "T1")
    assert post is not None
    message = to_message(post, Actor("slack", "U1", "Ann"), "general")
    assert (message.platform, message.community, message.id, message.channel_name) == (
        "slack",
        "T1",
        "1700000000.000100",
        "general",
    )
    assert message.mention_count == 2


def test_user_from_info_prefers_display_name_and_reads_locale() -> None:
    user = user_from_info(
        {
            "id": "U1",
            "name": "ann",
            "locale": "fr-FR",
            "is_owner": True,
            "profile": {"display_name": "", "real_name": "Ann Dupont", "image_72": "https://a.test/72.png"},
        }
    )
    assert (user.name, user.locale, user.avatar_url, user.is_admin) == (
        "Ann Dupont",
        "fr-FR",
        "https://a.test/72.png",
        True,
    )


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("# Charter\n## §1 Respect", "*Charter*\n*§1 Respect*"),
        ("**bold** and *italic*", "*bold* and _italic_"),
        ("see [the site](https://vigie.test/charter)", "see <https://vigie.test/charter|the site>"),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("- item * 2 *", "- item * 2 *"),
    ],
)
def test_markdown_to_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert markdown_to_mrkdwn(markdown) == mrkdwn


@pytest.mark.parametrize(("token", "case"), [("12", 12), ("#12", 12), ("n°7", 7), ("x", None), ("", None)])
def test_parse_case_id(token: str, case: int | None) -> None:
    assert parse_case_id(token) == case


def test_refs() -> None:
    assert channel_ref("<#C0ABC|general>") == "C0ABC"
    assert channel_ref("C0ABC") == "C0ABC"
    assert channel_ref("<@U0ABC>") is None
    assert user_ref("<@U0ABC|ann>") == "U0ABC"
    assert user_ref("general") is None
    assert group_ref("<!subteam^S0ABC|@mods>") == "S0ABC"
    assert group_ref("U0ABC") is None


ZWJ = "\u200d"
NAMES = {"U1": "Ann", "W2": "Bo <!channel>"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("<!here> look", f"@{ZWJ}here look", id="here"),
        pytest.param("<!channel|channel> look", f"@{ZWJ}channel look", id="channel-with-label"),
        pytest.param("<!everyone>", f"@{ZWJ}everyone", id="everyone"),
        pytest.param("ping <!subteam^S1|@mods>", "ping @mods", id="group-with-label"),
        pytest.param("ping <!subteam^S1>", "ping @group", id="group-without-label"),
        pytest.param("hi <@U1>", "hi @Ann", id="known-member"),
        pytest.param("hi <@U1|ann>", "hi @Ann", id="known-member-with-label"),
        pytest.param("hi <@U9>", "hi @user", id="unknown-member"),
        pytest.param("hi <@W2>", "hi @Bo &lt;!channel&gt;", id="a-name-cannot-smuggle-markup"),
        pytest.param("typed @here as text", f"typed @{ZWJ}here as text", id="plain-here"),
        pytest.param(
            "see <#C1|general> and <https://a.test|a>", "see <#C1|general> and <https://a.test|a>", id="links"
        ),
        pytest.param("mail me@heresy.test", "mail me@heresy.test", id="not-a-mention"),
    ],
)
def test_mentions_are_made_inert_for_a_repost(text: str, expected: str) -> None:
    defused = defuse_mentions(text, NAMES)
    assert defused == expected
    assert defuse_mentions(defused, NAMES) == defused  # a second pass changes nothing


def test_mentioned_users_in_order_once_each() -> None:
    assert mentioned_users("<@U2> <@U1|a> <@U2> <!here> <!subteam^S1|@x>") == ["U2", "U1"]


@pytest.mark.parametrize(
    ("event", "ts"),
    [
        pytest.param(
            {"type": "message", "subtype": "message_deleted", "channel": "C1", "ts": "2.0", "deleted_ts": "1.5"},
            "1.5",
            id="deleted",
        ),
        pytest.param(
            {"type": "message", "subtype": "message_deleted", "previous_message": {"ts": "1.5"}},
            "1.5",
            id="deleted-previous-only",
        ),
        pytest.param(
            {"subtype": "message_changed", "message": {"subtype": "tombstone", "ts": "1.5", "text": "x"}},
            "1.5",
            id="thread-parent-deleted",
        ),
        pytest.param({**BASE, "subtype": "message_changed", "message": {**BASE, "text": "new"}}, None, id="edit"),
        pytest.param(BASE, None, id="new-post"),
    ],
)
def test_which_events_say_a_post_is_gone(event: dict[str, Any], ts: str | None) -> None:
    assert deleted_ts(event) == ts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Publicité — code MAYA20", "Publicité — code MAYA20"),
        ("a &lt;b&gt; &amp; c", "a &lt;b&gt; &amp; c"),
        ("see <https://amzn.to/x>", "see https://amzn.to/x"),
        ("see <https://amzn.to/x|amzn.to/x>", "see https://amzn.to/x"),
        ("see <https://shop.test/?a=1&amp;b=2|the shop>", "see the shop (https://shop.test/?a=1&amp;b=2)"),
        ("mail <mailto:a@b.test|a@b.test>", "mail mailto:a@b.test"),
        ("in <#C123|general> and <#C456>", "in #general and #C456"),
        ("hi <@UBO> and <@UGHOST|ghost>", "hi @Bo and @user"),
        (
            "<!subteam^S1|@mods> <!here> <!channel|channel> @everyone",
            "@mods @\u200dhere @\u200dchannel @\u200deveryone",
        ),
    ],
)
def test_readable_shows_slack_markup_as_people_read_it(text: str, expected: str) -> None:
    assert readable(text, {"UBO": "Bo"}) == expected
