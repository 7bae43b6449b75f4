"""Typed views of the charter's `[privacy]` and `[transparency]` sections and of a clause's `guard`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# This module stays free of bot.charter.model imports: model.py imports it.

RETENTION_PLACEHOLDER = "$retention_days"
"""The retention text must say this, so the notice can never disagree with `charter.retention_days`."""


@dataclass(frozen=True, slots=True)
class PrivacyNotice:
    """The privacy notice members read with `/privacy`: who is responsible, why, what, how long, their rights.

    Every text is given per charter language. `retention` may use `$retention_days`,
    `$appeal_window_days` and `$disclosure_retention_days`, filled in from the charter.
    """

    controller: str
    contact: str
    purposes: Mapping[str, str]
    stored: Mapping[str, str]
    retention: Mapping[str, str]
    rights: Mapping[str, str]
    legal_basis: Mapping[str, str] = field(default_factory=dict)
    erasure: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TransparencyPolicy:
    """What the public transparency page and the statements of reasons say about the whole service."""

    territorial_scope: tuple[str, ...]  # ISO codes of the EEA countries the community serves
    url: str | None = None  # where the transparency page is published (linked from /charter publish)
    period_days: int = 90  # the default period of a report


@dataclass(frozen=True, slots=True)
class Guard:
    """A noisy-rule guard: when the clause's recent decided appeals overturn more than
    `max_overturn_rate` (at least `min_appeals` of them, within `window_days`), removals
    under it go to review until a moderator restores it."""

    max_overturn_rate: float
    min_appeals: int
    window_days: int = 90
