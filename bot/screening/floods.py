"""Duplicate floods: the same or nearly the same text from one author within a time window, in bounded memory."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from bot.charter.model import FloodPolicy

MIN_LENGTH = 8  # "ok", "merci", "+1" are repeated innocently all day
_COMPARED_CHARS = 512  # similarity of long texts is judged on their start; it keeps each comparison cheap
_EXTRA_ENTRIES = 4


class _Seen(NamedTuple):
    message_id: str
    at: float
    text: str  # folded, truncated to _COMPARED_CHARS
    digest: int  # hash of the whole folded text, so long identical copies still compare equal


class FloodTracker:
    """Recent folded texts per (platform, community, author); least recently active authors are forgotten first."""

    def __init__(self, max_authors: int = 10_000) -> None:
        self.max_authors = max_authors
        self._recent: OrderedDict[tuple[str, str, str], deque[_Seen]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._recent)

    def entries(self, author: tuple[str, str, str]) -> int:
        """How many recent messages are remembered for this author (for tests and metrics)."""
        return len(self._recent.get(author, ()))

    def observe(
        self,
        author: tuple[str, str, str],
        message_id: str,
        at: float,
        text: str,
        folded: str,
        policies: Sequence[FloodPolicy],
    ) -> list[int]:
        """Remember this message and return, per policy, how many similar messages fall in its window.

        `text` is the message as written (short ones are ignored), `folded` its matching form, which is
        what gets compared. The count includes this message, so the copy that reaches `policy.count` is
        the one flagged. An edited message replaces its earlier text instead of counting twice.
        """
        if len(text.strip()) < MIN_LENGTH or not policies:
            return [0] * len(policies)
        seen = self._recent.get(author)
        if seen is None:
            seen = deque()
            self._recent[author] = seen
            while len(self._recent) > self.max_authors:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(author)
        horizon = at - max(policy.window_seconds for policy in policies)
        kept = [entry for entry in seen if entry.at >= horizon and entry.message_id != message_id]
        current = _Seen(message_id, at, folded[:_COMPARED_CHARS], hash(folded))
        counts = []
        for policy in policies:
            similar = 1
            for entry in kept:
                if abs(at - entry.at) <= policy.window_seconds and _similar(entry, current, policy.similarity):
                    similar += 1
            counts.append(similar)
        kept.append(current)
        limit = max(policy.count for policy in policies) + _EXTRA_ENTRIES
        seen.clear()
        seen.extend(kept[-limit:])
        return counts


def _similar(old: _Seen, new: _Seen, similarity: int) -> bool:
    if old.digest == new.digest:
        return True
    return fuzz.ratio(old.text, new.text, score_cutoff=similarity) >= similarity
