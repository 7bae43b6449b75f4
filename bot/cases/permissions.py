"""Who may act on a case: moderators of its community, with a reason of bounded length."""

from __future__ import annotations

from bot.errors import TransitionError
from bot.models import Actor, Case

MAX_REASON = 1000


def require_reason(reason: str | None, what: str = "A reason") -> str:
    """The trimmed reason, or a TransitionError if it is empty or longer than MAX_REASON characters."""
    text = (reason or "").strip()
    if not text:
        raise TransitionError(f"{what} is required.")
    if len(text) > MAX_REASON:
        raise TransitionError(f"{what} must be at most {MAX_REASON} characters (got {len(text)}).")
    return text


def require_moderator(actor: Actor, doing: str) -> None:
    """Refuse anyone whom the platform glue did not mark as a moderator of a known community."""
    if not actor.is_moderator:
        raise TransitionError(f"Only a moderator can {doing}.")
    if not actor.community:
        # The flag holds only in the community where the glue computed it; unknown means none.
        raise TransitionError(f"Only a moderator can {doing}; Vigie could not tell which community you act in.")


def moderates(actor: Actor, platform: str, community: str) -> bool:
    """True when `actor` is a moderator of exactly this community of this platform."""
    return actor.is_moderator and bool(actor.community) and actor.platform == platform and actor.community == community


def is_author(actor: Actor, case: Case) -> bool:
    """True when `actor` wrote the message the case is about."""
    return actor.platform == case.platform and actor.id == case.author_id
