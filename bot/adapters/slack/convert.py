"""Convert Slack payloads into the core's models, and Slack markup to and from plain forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.models import Actor, Message

PLATFORM = "slack"

# User-authored subtypes worth screening; joins, deletions, bot posts and the like are not.
SCREENED_SUBTYPES = frozenset({"", "file_share", "thread_broadcast", "me_message"})

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
_BROADCAST = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_PLAIN_BROADCAST = re.compile(r"@(here|channel|everyone)\b")
_CHANNEL_REF = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
_USER_REF = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_GROUP_REF = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$")
_RAW_ID = re.compile(r"^[CGDUWS][A-Z0-9]{2,}$")
_MARKUP = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True, slots=True)
class SlackPost:
    """The parts of a user's Slack message the glue needs, whatever event carried it."""

    team: str
    channel: str
    ts: str
    user: str
    text: str
    at: datetime
    thread_ts: str | None = None
    edited: bool = False
    has_image: bool = False  # an image file shared with the post


def ts_to_datetime(ts: str) -> datetime:
    """A Slack timestamp (`"1700000000.000100"`) as an aware UTC datetime."""
    return datetime.fromtimestamp(float(ts), UTC)


def _from_bot(payload: Mapping[str, Any]) -> bool:
    return bool(payload.get("bot_id")) or payload.get("subtype") == "bot_message" or bool(payload.get("bot_profile"))


def post_from_event(event: Mapping[str, Any], team_id: str) -> SlackPost | None:
    """The user post a `message` event carries, or None when there is nothing to screen.

    Bot messages, deletions, joins and other system subtypes are skipped. A `message_changed`
    event yields the edited post under the original timestamp, and only when its text changed:
    Slack also sends `message_changed` for link unfurls, which must not count as a new post.
    """
    subtype = str(event.get("subtype") or "")
    channel = str(event.get("channel") or "")
    if subtype == "message_changed":
        inner = event.get("message") or {}
        previous = event.get("previous_message") or {}
        if _from_bot(inner) or inner.get("subtype") == "tombstone":
            return None
        text = str(inner.get("text") or "")
        if previous and str(previous.get("text") or "") == text:
            return None
        edited_at = (inner.get("edited") or {}).get("ts") or event.get("event_ts") or event.get("ts")
        return _post(team_id, channel, inner, text, edited_at=str(edited_at) if edited_at else None)
    if subtype not in SCREENED_SUBTYPES or _from_bot(event):
        return None
    return _post(team_id, channel, event, str(event.get("text") or ""), edited_at=None)


def _post(
    team_id: str, channel: str, payload: Mapping[str, Any], text: str, *, edited_at: str | None
) -> SlackPost | None:
    user = payload.get("user")
    ts = payload.get("ts")
    if not user or not ts or not channel:
        return None
    thread_ts = payload.get("thread_ts")
    return SlackPost(
        team=team_id or str(payload.get("team") or ""),
        channel=channel,
        ts=str(ts),
        user=str(user),
        text=text,
        at=ts_to_datetime(edited_at or str(ts)),
        thread_ts=str(thread_ts) if thread_ts and thread_ts != ts else None,
        edited=edited_at is not None,
        has_image=any(str(f.get("mimetype") or "").startswith("image/") for f in payload.get("files") or ()),
    )


def deleted_ts(event: Mapping[str, Any]) -> str | None:
    """The timestamp of the post a `message` event says is gone, or None.

    `message_deleted` names it in `deleted_ts`; a thread parent deleted while it has replies
    arrives as a `message_changed` whose message became a `tombstone`.
    """
    subtype = str(event.get("subtype") or "")
    if subtype == "message_deleted":
        ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        return str(ts) if ts else None
    inner = event.get("message") or {}
    if subtype == "message_changed" and inner.get("subtype") == "tombstone" and inner.get("ts"):
        return str(inner["ts"])
    return None


def post_from_history(message: Mapping[str, Any], team_id: str, channel: str) -> SlackPost | None:
    """A message fetched with `conversations.history`/`replies` (for shortcuts) as a post."""
    if _from_bot(message):
        return None
    return _post(team_id, channel, message, str(message.get("text") or ""), edited_at=None)


def mention_count(text: str) -> int:
    """Distinct users and user groups mentioned; `@here`, `@channel`, `@everyone` count one each."""
    users = set(_USER_MENTION.findall(text))
    groups = set(_GROUP_MENTION.findall(text))
    broadcasts = set(_BROADCAST.findall(text))
    return len(users) + len(groups) + len(broadcasts)


_ZWJ = "\u200d"  # after "@", it keeps "@here" readable while Slack no longer sees a mention


def mentioned_users(text: str) -> list[str]:
    """The user ids `text` mentions, in order of first appearance."""
    return list(dict.fromkeys(_USER_MENTION.findall(text)))


def defuse_mentions(text: str, names: Mapping[str, str] | None = None) -> str:
    """`text` with every mention made inert, for reposting a member's words without pinging anyone.

    `<!here>`, `<!channel>` and `<!everyone>` become a plain "@here" that notifies nobody,
    `<!subteam^S1|@mods>` becomes "@mods", and `<@U1>` becomes "@" and the member's display name
    from `names` ("@user" when unknown). Plain "@here" typed as text is broken up as well.
    """
    known = names or {}
    text = _BROADCAST.sub(lambda m: f"@{_ZWJ}{m.group(1)}", text)
    text = _GROUP_MENTION.sub(lambda m: "@" + (_label(m.group(0)) or "group").lstrip("@"), text)
    # Display names are raw text chosen by members: escaped, so a name cannot smuggle markup in.
    text = _USER_MENTION.sub(lambda m: "@" + escape(known.get(m.group(1)) or "user"), text)
    return _PLAIN_BROADCAST.sub(lambda m: f"@{_ZWJ}{m.group(1)}", text)


def readable(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack markup as a person reads it, escaped once for display: inert mentions, links spelled out.

    Used to show a member's own words back to them (a suggested fix they can copy): `<url|label>`
    becomes "label (url)", `<#C1|general>` becomes "#general", and every mention is made inert
    as in `defuse_mentions`.
    """
    parts: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        parts.append(_unescape(text[position : match.start()]))
        parts.append(_readable_token(match.group(1), names or {}))
        position = match.end()
    parts.append(_unescape(text[position:]))
    plain = _PLAIN_BROADCAST.sub(lambda m: f"@{_ZWJ}{m.group(1)}", "".join(parts))
    return escape(plain)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _readable_token(token: str, names: Mapping[str, str]) -> str:
    target, _, label = token.partition("|")
    label = _unescape(label.strip())
    if target.startswith("@"):
        return "@" + (names.get(target[1:]) or "user")
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return "@" + (label.lstrip("@") or "group")
    if target.startswith("!"):
        return f"@{_ZWJ}" + (label.lstrip("@") or target[1:])
    url = _unescape(target)
    if not label or label in (url, url.split("://", 1)[-1], url.removeprefix("mailto:")):
        return url
    return f"{label} ({url})"


def _label(token: str) -> str:
    _, _, label = token[:-1].partition("|")
    return label.strip()


def to_message(post: SlackPost, author: Actor, channel_name: str = "") -> Message:
    """The core's view of a Slack post; the message id is the post's timestamp."""
    return Message(
        platform=PLATFORM,
        community=post.team,
        channel=post.channel,
        id=post.ts,
        author=author,
        text=post.text,
        created_at=post.at,
        mention_count=mention_count(post.text),
        edited=post.edited,
        channel_name=channel_name,
        has_image=post.has_image,
        thread=post.thread_ts,
    )


@dataclass(frozen=True, slots=True)
class SlackUser:
    """What Vigie keeps from `users.info`."""

    id: str
    name: str
    locale: str | None = None
    avatar_url: str | None = None
    is_admin: bool = False
    is_bot: bool = False


def user_from_info(user: Mapping[str, Any]) -> SlackUser:
    """Read the fields Vigie needs from a `users.info` user object."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name") or ""
    avatar = profile.get("image_192") or profile.get("image_72") or profile.get("image_48")
    return SlackUser(
        id=str(user.get("id") or ""),
        name=str(name),
        locale=str(user["locale"]) if user.get("locale") else None,
        avatar_url=str(avatar) if avatar else None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")),
    )


def escape(text: str) -> str:
    """Escape the three characters Slack reserves for markup in `text` and mrkdwn fields."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD_MARK = "\x00"


def markdown_to_mrkdwn(markdown: str) -> str:
    """Turn the charter's Markdown render into Slack mrkdwn (headings, bold, italics, links)."""
    text = escape(markdown)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1).strip()}{_BOLD_MARK}", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return text.replace(_BOLD_MARK, "*")


def parse_case_id(token: str) -> int | None:
    """A case number typed by a person: `12`, `#12` or `n°12`."""
    digits = token.strip().lstrip("#").removeprefix("n°").strip()
    return int(digits) if digits.isdigit() else None


def channel_ref(token: str) -> str | None:
    """A channel id from `<#C123|name>` (escaped by Slack) or a raw `C123`."""
    match = _CHANNEL_REF.match(token)
    if match:
        return match.group(1)
    return token if _RAW_ID.match(token) and token[0] in "CG" else None


def user_ref(token: str) -> str | None:
    """A user id from `<@U123|name>` or a raw `U123`."""
    match = _USER_REF.match(token)
    if match:
        return match.group(1)
    return token if _RAW_ID.match(token) and token[0] in "UW" else None


def group_ref(token: str) -> str | None:
    """A user group id from `<!subteam^S123|@group>` or a raw `S123`."""
    match = _GROUP_REF.match(token)
    if match:
        return match.group(1)
    return token if _RAW_ID.match(token) and token[0] == "S" else None
