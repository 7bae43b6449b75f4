"""Builders for charters and messages used by the screening tests (no TOML: the dataclasses directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.charter.model import Charter, Rule
from bot.models import Action, Actor, Message

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_rule(rule_id: str, number: int, action: Action = Action.REMOVE, **fields: Any) -> Rule:
    """A rule with bilingual placeholder texts and the given machine fields."""
    return Rule(
        id=rule_id,
        number=number,
        action=action,
        title={"fr": f"Règle {rule_id}", "en": f"Rule {rule_id}"},
        description={"fr": "…", "en": "…"},
        **fields,
    )


def make_charter(*rules: Rule, version: str = "2026.03") -> Charter:
    """A published charter holding these rules."""
    return Charter(
        name="Test community",
        version=version,
        languages=("fr", "en"),
        default_language="fr",
        retention_days=90,
        rules=rules,
        content_hash="ab" * 32,
    )


def make_message(
    text: str,
    *,
    author: str = "u1",
    roles: tuple[str, ...] = (),
    channel: str = "c1",
    channel_name: str = "general",
    message_id: str | None = None,
    at: datetime = T0,
    seconds: float = 0,
    mention_count: int = 0,
    platform: str = "discord",
    community: str = "g1",
) -> Message:
    """A message from `author`; `seconds` moves it after T0."""
    return Message(
        platform=platform,
        community=community,
        channel=channel,
        id=message_id or f"m-{abs(hash((text, author, channel, seconds)))}",
        author=Actor(platform, author, f"name-{author}", roles=roles),
        text=text,
        created_at=at + timedelta(seconds=seconds),
        mention_count=mention_count,
        channel_name=channel_name,
    )
