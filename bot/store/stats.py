"""Counts over cases: the transparency report and the escalation count of an author's standing cases."""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Database
from bot.store.values import to_text

# One pass over a community's cases for a period: (dimension, key, count) rows.
_STATS_SQL = """
WITH scope AS (
    SELECT * FROM cases WHERE platform = ? AND community = ? AND created_at >= ? AND created_at < ?
)
SELECT 'total', 'cases', COUNT(*) FROM scope
UNION ALL SELECT 'clause', CAST(clause AS TEXT), COUNT(*) FROM scope GROUP BY clause
UNION ALL SELECT 'action', action, COUNT(*) FROM scope GROUP BY action
UNION ALL SELECT 'source', source, COUNT(*) FROM scope GROUP BY source
UNION ALL SELECT 'status', status, COUNT(*) FROM scope GROUP BY status
UNION ALL SELECT 'automated', CASE automated WHEN 1 THEN 'true' ELSE 'false' END, COUNT(*) FROM scope GROUP BY automated
UNION ALL SELECT 'appeals', 'appealed', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL
UNION ALL SELECT 'appeals', 'upheld', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL AND status = 'upheld'
UNION ALL SELECT 'appeals', 'overturned', COUNT(*) FROM scope WHERE appeal_reason IS NOT NULL AND status = 'overturned'
UNION ALL SELECT 'overrides', 'count', COUNT(*) FROM audit JOIN scope ON scope.id = audit.case_id
    WHERE audit.event = 'overridden'
"""


class StatsQueries:
    """The counting half of the Store port; needs `_db` from the store it is mixed into."""

    _db: Database

    async def count_enforced(self, platform: str, community: str, author_id: str, since: datetime) -> int:
        """How many removals or warnings of this author stand (not overturned) since `since`."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM cases WHERE platform = ? AND community = ? AND author_id = ?"
            " AND created_at >= ? AND action IN ('remove', 'warn')"
            " AND status IN ('actioned', 'appealed', 'upheld')",
            (platform, community, author_id, to_text(since)),
        )
        return int(row[0]) if row else 0

    async def stats(self, platform: str, community: str, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
        """Anonymous counts for a transparency report over cases created in [since, until).

        Keys: `total` ({"cases"}), `clause`, `action`, `source`, `status`, `automated` ("true"/"false"),
        `appeals` ({"appealed", "upheld", "overturned"}) and `overrides` ({"count"}).
        """
        result: dict[str, dict[str, int]] = {
            "total": {"cases": 0},
            "clause": {},
            "action": {},
            "source": {},
            "status": {},
            "automated": {},
            "appeals": {"appealed": 0, "upheld": 0, "overturned": 0},
            "overrides": {"count": 0},
        }
        rows = await self._db.fetchall(_STATS_SQL, (platform, community, to_text(since), to_text(until)))
        for dimension, key, count in rows:
            if key is not None:
                result[dimension][str(key)] = int(count)
        return result
