"""The offline main job: screen a JSON Lines transcript, optionally recording cases like the bot does."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.disclosure.checker import DisclosureFinding
from bot.explain import verdict_reason
from bot.models import Actor, Message, Verdict
from bot.policy import ActivePolicy
from bot.ports import Clock

log = logging.getLogger(__name__)

PLATFORM = "cli"
_KNOWN_KEYS = frozenset({"id", "text", "author", "roles", "channel", "lang", "ts", "mentions"})


class LineError(ValueError):
    """A transcript line that cannot be screened; the message says why."""


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One parsed input line."""

    number: int
    message: Message


def _str_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LineError(f'"{name}" must be a list of strings')
    return tuple(value)


def _timestamp(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise LineError(f'"ts" must be an ISO 8601 date or epoch seconds, got {value!r}') from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise LineError('"ts" must be an ISO 8601 date or epoch seconds')


def parse_line(raw: str, number: int, now: datetime) -> TranscriptLine:
    """Parse one JSON line into a Message; raise LineError with a precise reason."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise LineError("expected a JSON object")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise LineError(f"unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(_KNOWN_KEYS))}")
    message_id = data.get("id")
    if isinstance(message_id, bool) or not isinstance(message_id, str | int):
        raise LineError('"id" must be a string or an integer')
    text = data.get("text")
    if not isinstance(text, str):
        raise LineError('"text" must be a string')
    author = data.get("author", "anonymous")
    channel = data.get("channel", "general")
    lang = data.get("lang")
    for name, value in (("author", author), ("channel", channel)):
        if not isinstance(value, str) or not value:
            raise LineError(f'"{name}" must be a non-empty string')
    if lang is not None and not isinstance(lang, str):
        raise LineError('"lang" must be a string such as "fr" or "en"')
    mentions = data.get("mentions", 0)
    if isinstance(mentions, bool) or not isinstance(mentions, int) or mentions < 0:
        raise LineError('"mentions" must be a non-negative integer')
    actor = Actor(platform=PLATFORM, id=author, name=author, roles=_str_list(data.get("roles"), "roles"), locale=lang)
    message = Message(
        platform=PLATFORM,
        community=PLATFORM,
        channel=channel,
        channel_name=channel,
        id=str(message_id),
        author=actor,
        text=text,
        created_at=_timestamp(data.get("ts"), now),
        lang=lang,
        mention_count=mentions,
    )
    return TranscriptLine(number=number, message=message)


def render_result(message: Message, verdict: Verdict, policy: ActivePolicy) -> dict[str, Any]:
    """The output object for one screened message."""
    rule = policy.charter.rule(verdict.rule_id) if verdict.rule_id else None
    reason = None
    if rule is not None:
        reason = verdict_reason((e.matcher for e in verdict.evidence), rule, policy.charter, message.lang)
    return {
        "id": message.id,
        "action": verdict.action.value,
        "rule": verdict.rule_id,
        "clause": verdict.clause,
        "reason": reason,
        "evidence": [{"matcher": e.matcher, "start": e.start, "end": e.end} for e in verdict.evidence],
        "disclosure": finding.as_json() if (finding := _disclosure(message, policy)) else None,
    }


async def read_lines(lines: Iterable[str], clock: Clock, errors: TextIO) -> AsyncIterator[TranscriptLine | None]:
    """Yield parsed lines in order; a bad line is reported on `errors` and yields None."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield parse_line(raw, number, clock.now())
        except LineError as exc:
            errors.write(f"line {number}: {exc}\n")
            yield None


def _disclosure(message: Message, policy: ActivePolicy) -> DisclosureFinding | None:
    """The offline disclosure check: `screen` never resolves a link."""
    checker = policy.disclosure_checker
    return checker.check(message) if checker is not None else None
