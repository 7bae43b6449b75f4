"""Migration 0004: disclosure nudges keyed per channel, and the Discord language setting renamed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import SqlStore, load_migrations

NUDGE = (
    "INSERT INTO disclosure_nudges (platform, community, channel, message_id, author_id, lang, jurisdiction,"
    " severity, suggested_label, signals, state, delivery, created_at, updated_at, claimed_at)"
    " VALUES ('slack', 'T1', ?, '1700000000.000100', 'U1', 'fr', 'fr', 'missing', 'Publicité', '[]',"
    " 'open', 'done', '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00',"
    " '2026-01-01T00:00:00.000000+00:00')"
)


async def test_upgrade_keeps_nudges_and_moves_the_language_setting(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    before = [m for m in load_migrations() if m.version <= 3]
    old = await SqlStore.open(path, migrations=before)
    await old.set_setting("discord", "g1", "default_language", "en")
    await old.set_setting("discord", "g2", "default_language", "en")
    await old.set_setting("discord", "g2", "language", "fr")
    await old.close()
    with sqlite3.connect(path) as conn:
        conn.execute(NUDGE, ("C1",))
        try:
            conn.execute(NUDGE, ("C2",))  # the old key refuses the same ts in another channel
            refused = False
        except sqlite3.IntegrityError:
            refused = True
    assert refused

    upgraded = await SqlStore.open(path)
    try:
        assert await upgraded.get_setting("discord", "g1", "language") == "en"
        assert await upgraded.get_setting("discord", "g2", "language") == "fr"  # an explicit value wins
        assert await upgraded.get_setting("discord", "g1", "default_language") is None
    finally:
        await upgraded.close()
    with sqlite3.connect(path) as conn:
        conn.execute(NUDGE, ("C2",))  # now a different post
        rows = conn.execute("SELECT id, channel FROM disclosure_nudges ORDER BY id").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert rows == [(1, "C1"), (2, "C2")]
    assert version == max(m.version for m in load_migrations())
