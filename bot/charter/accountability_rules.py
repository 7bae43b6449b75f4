"""Validation of a clause's `category` (DSA statement category) and `guard` (noisy-rule guard)."""

from __future__ import annotations

import difflib

from bot.charter.accountability_model import Guard
from bot.charter.fields import TableReader, expected
from bot.transparency.dsa import CATEGORIES

GUARD_KEYS = frozenset({"max_overturn_rate", "min_appeals", "window_days"})


def parse_category(r: TableReader) -> str | None:
    """The clause's `STATEMENT_CATEGORY_*` value, or None when absent or wrong (reported)."""
    value = r.string("category")
    if value is None:
        return None
    if value not in CATEGORIES:
        close = difflib.get_close_matches(value.upper(), CATEGORIES, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        what = "a DSA statement category such as 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC'"
        r.issue("category", expected(what, value) + hint)
        return None
    return value


def parse_guard(r: TableReader, action: str | None) -> Guard | None:
    """`guard = { max_overturn_rate = 0.3, min_appeals = 10 }`, or None (problems reported)."""
    t = r.table("guard")
    if t is None:
        return None
    t.check_keys(GUARD_KEYS)
    rate = t.data.get("max_overturn_rate")
    usable_rate: float | None = None
    if rate is None:
        t.missing("max_overturn_rate", "a share of overturned appeals between 0 and 1, such as 0.3")
    elif isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
        t.issue("max_overturn_rate", expected("a number from 0 up to (not including) 1, such as 0.3", rate))
    else:
        usable_rate = float(rate)
    appeals = t.integer("min_appeals", required=True, minimum=1, maximum=10_000)
    window = t.integer("window_days", minimum=1, maximum=3650)
    if action is not None and action != "remove":
        r.issue(
            "guard", "expected a guard only on rules whose action is remove (it moves them to review); got " + action
        )
        return None
    if usable_rate is None or appeals is None:
        return None
    return Guard(max_overturn_rate=usable_rate, min_appeals=appeals, window_days=window or 90)
