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
from bot.models import Actor, Case, Message, Verdict
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
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, ValueError, OSError):
            raise LineError('"ts" is out of range: epoch seconds between years 1 and 9999 are accepted') from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise LineError(f'"ts" must be an ISO 8601 date or epoch seconds, got {value[:40]!r}') from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise LineError('"ts" must be an ISO 8601 date or epoch seconds')


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise LineError("not valid JSON: nested too deeply") from None
    except LineError:
        raise
    except ValueError as exc:  # an integer past Python's digit limit
        raise LineError(f"not valid JSON: {str(exc).split(';')[0]}") from None


def _no_constant(name: str) -> Any:
    raise LineError(f"not valid JSON: {name} is not a JSON number")


def _has_lone_surrogate(value: Any) -> bool:
    """True when a string anywhere in the decoded line holds a lone surrogate (it cannot be written as UTF-8)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def line_id(raw: str) -> str | int | None:
    """The `id` of a line that could not be screened, when it can still be read (else None)."""
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError, LineError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or _has_lone_surrogate(value):
        return None
    return value


def parse_line(raw: str, number: int, now: datetime) -> TranscriptLine:
    """Parse one JSON line into a Message; raise LineError with a precise reason."""
    data = _decode(raw)
    if not isinstance(data, dict):
        raise LineError("expected a JSON object")
    if _has_lone_surrogate(data):
        raise LineError("a string holds a lone surrogate (\\ud800-\\udfff alone is not Unicode text)")
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


def render_result(message: Message, verdict: Verdict, policy: ActivePolicy, case: Case | None = None) -> dict[str, Any]:
    """The output object for one screened message; with `case`, what is recorded for its id (which may be
    an earlier line's verdict: a message is recorded once)."""
    action, rule_id, clause, evidence = verdict.action, verdict.rule_id, verdict.clause, verdict.evidence
    if case is not None:
        action, rule_id, clause, evidence = case.action, case.rule_id, case.clause, case.evidence
    rule = policy.charter.rule(rule_id) if rule_id else None
    reason = None
    if rule is not None:
        reason = verdict_reason((e.matcher for e in evidence), rule, policy.charter, message.lang)
    result: dict[str, Any] = {
        "id": message.id,
        "action": action.value,
        "rule": rule_id,
        "clause": clause,
        "reason": reason,
        "evidence": [{"matcher": e.matcher, "start": e.start, "end": e.end} for e in evidence],
        "disclosure": finding.as_json() if (finding := _disclosure(message, policy)) else None,
    }
    if case is not None:
        result["case"] = case.id
    return result


@dataclass(frozen=True, slots=True)
class BadLine:
    """An input line that could not be screened: its number, its id if readable, and why."""

    number: int
    id: str | int | None
    error: str

    def as_json(self) -> dict[str, Any]:
        """The output object standing in for the line."""
        return {"line": self.number, "id": self.id, "error": self.error}


async def read_lines(
    lines: Iterable[bytes | str], clock: Clock, errors: TextIO
) -> AsyncIterator[TranscriptLine | BadLine]:
    """Yield parsed lines in order, blank ones skipped; a bad line is reported on `errors` and yields a BadLine.

    Bytes are decoded here, one line at a time, so that invalid UTF-8 spoils only its own line.
    """
    for number, item in enumerate(lines, start=1):
        try:
            raw = item.decode("utf-8") if isinstance(item, bytes) else item
        except UnicodeDecodeError as exc:
            bad = BadLine(number, None, f"not valid UTF-8 (byte {exc.start + 1})")
            errors.write(f"line {number}: {bad.error}\n")
            yield bad
            continue
        if not raw.strip():
            continue
        try:
            yield parse_line(raw, number, clock.now())
        except LineError as exc:
            bad = BadLine(number, line_id(raw), str(exc))
            errors.write(f"line {number}: {bad.error}\n")
            yield bad


def _disclosure(message: Message, policy: ActivePolicy) -> DisclosureFinding | None:
    """The offline disclosure check: `screen` never resolves a link."""
    checker = policy.disclosure_checker
    return checker.check(message) if checker is not None else None


_DONE = (("remove", "removed"), ("warn", "warned"), ("review", "held for review"), ("allow", "allowed"))


def summary_line(results: Iterable[dict[str, Any]], *, db: str | None = None) -> str:
    """One line for people after `screen --summary`: what was done with how many messages, and where the cases are."""
    counts: dict[str, int] = {}
    total = unlabelled = failed = 0
    for result in results:
        total += 1
        if "error" in result:
            failed += 1
            continue
        counts[str(result["action"])] = counts.get(str(result["action"]), 0) + 1
        disclosure = result.get("disclosure")
        if isinstance(disclosure, dict) and disclosure.get("severity") not in (None, "ok"):
            unlabelled += 1
    parts = [f"{counts[action]} {word}" for action, word in _DONE if counts.get(action)]
    if failed:
        parts.append(f"{failed} unreadable")
    line = f"{total} message{'s' if total != 1 else ''} screened: {', '.join(parts) or 'none'}"
    if unlabelled:
        line += f"; {unlabelled} sponsored post{'s' if unlabelled != 1 else ''} without a proper label"
    return line + (f"; cases recorded in {db}" if db else "")
