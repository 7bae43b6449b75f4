"""Errors the core raises and the platform adapters translate into."""

from __future__ import annotations

import enum


class VigieError(Exception):
    """Base class for every error Vigie raises on purpose."""


class TransitionError(VigieError):
    """A case transition that the state machine does not allow (wrong state, wrong person, too late)."""


class Refused(TransitionError):
    """Someone may not do this (not the author, already appealed, not a moderator, their own decision).

    `key` names the sentence the platform glue shows, privately and in the person's language, with
    `values`; the English message stays for logs and for callers that do not localise. Refusals on a
    case are audited with their actor (rate-limited per person).
    """

    def __init__(self, message: str, key: str, **values: object) -> None:
        """Keep the English sentence, the key of its translations and the values they need."""
        super().__init__(message)
        self.key = key
        self.values = values


class NotFoundError(VigieError):
    """A case, rule or record that does not exist."""


class PlatformFailure(enum.StrEnum):
    """Why a platform could not carry out an action."""

    FORBIDDEN = "forbidden"  # missing permission or scope (Discord 403, Slack missing_scope)
    NOT_FOUND = "not_found"  # the target is already gone (Discord 404, Slack message_not_found)
    UNSUPPORTED = "unsupported"  # the platform cannot do this with the current tokens
    NOT_IN_CHANNEL = "not_in_channel"  # the app is not a member of the channel
    UNAVAILABLE = "unavailable"  # network, 5xx: worth retrying later
    RATE_LIMITED = "rate_limited"  # HTTP 429 / Slack ratelimited: retried after `retry_after`, never final


class PlatformError(VigieError):
    """An action the platform refused or could not perform."""

    def __init__(self, failure: PlatformFailure, detail: str = "", *, retry_after: float | None = None) -> None:
        """Keep the failure kind, a short detail safe to log and store, and how long the platform asked to wait."""
        super().__init__(f"{failure.value}: {detail}" if detail else failure.value)
        self.failure = failure
        self.detail = detail
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """True when trying again later may work (network, 5xx, rate limits); 403/404-like refusals are final."""
        return self.failure in (PlatformFailure.UNAVAILABLE, PlatformFailure.RATE_LIMITED)
