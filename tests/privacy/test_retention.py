"""Retention in the running bot: once a day, snapshots past retention_days are deleted and each community told."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.models import CaseStatus
from bot.offline import OfflinePlatform
from bot.runtime import build_services
from bot.settings import Settings
from tests.accountability_scenario import CHARTER, database_bytes, message
from tests.fakes import FakeClock


async def test_the_daily_job_purges_once_a_day_and_posts_the_count(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    db = tmp_path / "vigie.sqlite3"
    services = await build_services(Settings(db_path=str(db), charter_path=str(CHARTER)), clock)
    platform = OfflinePlatform()
    services.register(platform)
    try:
        for n in range(3):
            await services.intake.on_message(message(f"old{n}", f"a{n}", f"t'es qu'un connard OLDTEXT{n}"))
        clock.advance(days=100)
        await services.intake.on_message(message("young", "b", "t'es qu'un connard YOUNGTEXT"))
        clock.advance(days=81)  # the first three are now 181 days old; the charter keeps 180
        jobs = dict(services.housekeeping())
        assert await jobs["retention"]() == {("cli", "cli"): 3}
        assert platform.alerts == [
            "Conservation : le texte de 3 message(s) retiré(s) de plus de 180 jours a été supprimé aujourd'hui, "
            "comme le prévoit la charte."
        ]
        assert await jobs["retention"]() == {}  # once a day
        old = await services.store.case_for_message("cli", "cli", "general", "old0")
        young = await services.store.case_for_message("cli", "cli", "general", "young")
        assert old is not None
        assert young is not None
        assert old.content is None
        assert old.status is CaseStatus.ACTIONED  # the decision stays
        assert young.content is not None
        assert (await services.store.audit_trail(old.id))[-1].event == "purged"
        clock.advance(days=1)
        assert await jobs["retention"]() == {}  # a new day, nothing old enough: no post
        assert len(platform.alerts) == 1
    finally:
        await services.close()
    raw = database_bytes(db)
    assert b"OLDTEXT" not in raw
    assert b"YOUNGTEXT" in raw


async def test_the_count_is_posted_in_the_communitys_language(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    services = await build_services(Settings(db_path=str(tmp_path / "v.sqlite3"), charter_path=str(CHARTER)), clock)
    platform = OfflinePlatform()
    services.register(platform)
    try:
        await services.community.set_setting("cli", "cli", "language", "en")
        await services.intake.on_message(message("old", "a", "t'es qu'un connard"))
        clock.advance(days=181)
        assert await services.retention.run() == {("cli", "cli"): 1}
        assert platform.alerts == [
            "Retention: the text of 1 removed message(s) older than 180 days was deleted today, as the charter says."
        ]
    finally:
        await services.close()
