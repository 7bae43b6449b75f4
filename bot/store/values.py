"""Column value conversions shared by every table: datetimes are fixed-width ISO UTC text."""

from __future__ import annotations

from datetime import UTC, datetime


def to_text(moment: datetime) -> str:
    """A fixed-width ISO UTC string, so that text comparison in SQL is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Vigie stores timezone-aware UTC datetimes only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_text(text: str) -> datetime:
    """Parse a stored datetime back into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)
