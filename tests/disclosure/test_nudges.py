"""The nudge flow on a real SQLite file: record first, deliver privately, re-check, remind and escalate once."""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.charter.model import Charter
from bot.disclosure.nudges import NudgeService, report_text
from bot.errors import NotFoundError, PlatformError, PlatformFailure, TransitionError
from bot.models import Actor, Delivery, Nudge, NudgeState, NudgeStep
from bot.store import SqlStore
from bot.store.locate import is_postgres
from bot.store.nudges import NudgeStore
from bot.store.postgres import translate
from tests.disclosure.conftest import MEMBER, TEAM, Holder, MessageFactory, open_nudge_store
from tests.fakes import FakeClock

UNLABELLED = "Le nouveau Café Lumière, -20 % avec le code LUMIERE20"
FIXED = "Publicité — " + UNLABELLED
SOFT = "#ad " + UNLABELLED


@dataclass
class Outbox:
    """Records what the adapter was asked to send; `failing` makes every send fail like closed DMs."""

    sent: list[tuple[int, NudgeStep]] = field(default_factory=list)
    failing: bool = False

    async def __call__(self, nudge: Nudge, step: NudgeStep) -> None:
        if self.failing:
            raise PlatformError(PlatformFailure.FORBIDDEN, "cannot send messages to this user")
        self.sent.append((nudge.id, step))


@dataclass
class FakeSettings:
    values: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    async def get_setting(self, platform: str, scope: str, key: str) -> Any:
        return self.values.get((platform, scope, key))


def make_service(store: NudgeStore, charter: Charter, clock: FakeClock, **kwargs: Any) -> NudgeService:
    return NudgeService(store, Holder(charter), clock, **kwargs)


@pytest.fixture
def service(store: NudgeStore, charter: Charter, clock: FakeClock) -> NudgeService:
    return make_service(store, charter, clock)


def rows(location: str | Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the database directly, whatever the engine (a second connection, as an inspector would)."""
    if not is_postgres(location):
        with sqlite3.connect(location) as conn:
            return conn.execute(sql, params).fetchall()

    async def fetch() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(str(location))
        try:
            return [tuple(row) for row in await conn.fetch(translate(sql)[0], *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


async def posted(service: NudgeService, post: MessageFactory, outbox: Outbox, text: str = UNLABELLED) -> Nudge:
    nudge = await service.on_post(post(text))
    assert nudge is not None
    assert await service.deliver(nudge, outbox)
    return await service.get(nudge.id)


# --- recording -------------------------------------------------------------------------------


async def test_the_migration_runner_applies_the_nudge_table(db_path: Path) -> None:
    main = await SqlStore.open(db_path)
    try:
        assert await main.schema_version() >= 2
    finally:
        await main.close()
    assert rows(db_path, "SELECT COUNT(*) FROM disclosure_nudges") == [(0,)]


async def test_a_nudge_is_recorded_before_it_is_returned(
    service: NudgeService, post: MessageFactory, db_path: Path
) -> None:
    nudge = await service.on_post(post(UNLABELLED, message_id="m-42"))
    assert nudge is not None
    assert nudge.needs_delivery
    assert (nudge.state, nudge.delivery, nudge.severity, nudge.jurisdiction) == (
        NudgeState.OPEN,
        Delivery.PENDING,
        "missing",
        "fr",
    )
    assert nudge.suggested_label == "Collaboration commerciale avec Café Lumière"
    assert nudge.lang == "fr"
    stored = rows(db_path, "SELECT message_id, author_id, state, delivery, post_text FROM disclosure_nudges")
    assert stored == [("m-42", "u-team", "open", "pending", None)]  # the post text is never stored


async def test_a_post_seen_twice_gives_one_nudge_and_one_delivery(service: NudgeService, post: MessageFactory) -> None:
    outbox = Outbox()
    message = post(UNLABELLED)
    first = await service.on_post(message)
    assert first is not None
    assert await service.deliver(first, outbox)
    again = await service.on_post(message)
    assert again is not None
    assert again.id == first.id
    assert not again.needs_delivery
    assert not await service.deliver(again, outbox)
    assert outbox.sent == [(first.id, "nudge")]


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (UNLABELLED, MEMBER),  # not a team member
        (FIXED, TEAM),  # properly disclosed
        ("J'adore Café Lumière", TEAM),  # a brand, no commercial signal
    ],
)
async def test_no_nudge_when_none_is_needed(
    text: str, author: Actor, service: NudgeService, post: MessageFactory, db_path: Path
) -> None:
    assert await service.on_post(post(text, author=author)) is None
    assert rows(db_path, "SELECT COUNT(*) FROM disclosure_nudges") == [(0,)]


# --- edits and buttons -------------------------------------------------------------------------


async def test_an_edit_that_fixes_the_post_resolves_the_nudge_and_erases_the_text(
    service: NudgeService, post: MessageFactory, clock: FakeClock, db_path: Path
) -> None:
    nudge = await posted(service, post, Outbox())
    clock.advance(hours=2)
    fixed = await service.on_edit(post(FIXED, message_id=nudge.message_id))
    assert fixed is not None
    assert (fixed.state, fixed.resolved_by, fixed.suggestion) == (NudgeState.FIXED, "u-team", None)
    assert fixed.resolved_at == clock.now()
    assert rows(db_path, "SELECT post_text, suggestion FROM disclosure_nudges") == [(None, None)]
    clock.advance(days=5)
    assert await service.due() == []


async def test_an_edit_that_does_not_fix_it_keeps_the_nudge_open_with_a_fresh_suggestion(
    service: NudgeService, post: MessageFactory
) -> None:
    nudge = await posted(service, post, Outbox())
    edited = await service.on_edit(post(SOFT, message_id=nudge.message_id))
    assert edited is not None
    assert edited.is_open
    assert (edited.severity, edited.label) == ("soft", "#ad")
    assert edited.suggestion is not None
    assert edited.suggestion.startswith("Collaboration commerciale avec Café Lumière : Le nouveau")
    assert not edited.needs_delivery


async def test_an_edit_can_make_a_post_need_a_nudge(service: NudgeService, post: MessageFactory) -> None:
    message = post("Le nouveau café est là")
    assert await service.on_post(message) is None
    nudge = await service.on_edit(post(UNLABELLED, message_id=message.id))
    assert nudge is not None
    assert nudge.needs_delivery


async def test_ive_fixed_it_rechecks_the_current_text(service: NudgeService, post: MessageFactory) -> None:
    nudge = await posted(service, post, Outbox())
    still = await service.mark_fixed(nudge.id, TEAM, UNLABELLED)
    assert still.is_open
    assert still.severity == "missing"
    done = await service.mark_fixed(nudge.id, TEAM, FIXED)
    assert done.state is NudgeState.FIXED
    assert (await service.mark_fixed(nudge.id, TEAM, FIXED)).id == done.id  # a second press changes nothing


async def test_only_the_author_can_answer(service: NudgeService, post: MessageFactory) -> None:
    nudge = await posted(service, post, Outbox())
    stranger = Actor("discord", "u-other", roles=("team",), is_moderator=True)
    with pytest.raises(TransitionError, match="Only the author"):
        await service.mark_fixed(nudge.id, stranger, FIXED)
    with pytest.raises(TransitionError, match="Only the author"):
        await service.mark_not_sponsored(nudge.id, Actor("slack", TEAM.id), "no")
    with pytest.raises(NotFoundError):
        await service.mark_fixed(9999, TEAM, FIXED)
    assert (await service.get(nudge.id)).is_open


async def test_not_sponsored_is_recorded_counted_and_stops_reminders(
    service: NudgeService, post: MessageFactory, clock: FakeClock
) -> None:
    nudge = await posted(service, post, Outbox())
    answered = await service.mark_not_sponsored(nudge.id, TEAM, "  I bought it   myself ")
    assert (answered.state, answered.note) == (NudgeState.NOT_SPONSORED, "I bought it myself")
    with pytest.raises(TransitionError, match="already closed"):
        await service.mark_fixed(nudge.id, TEAM, FIXED)
    clock.advance(days=3)
    assert await service.due() == []
    report = await service.report("discord", "g-1")
    assert (report.not_sponsored, report.open) == (1, 0)
    assert [n.id for n in await service.not_sponsored_answers("discord", "g-1")] == [nudge.id]


async def test_a_deleted_post_closes_its_nudge(service: NudgeService, post: MessageFactory) -> None:
    nudge = await posted(service, post, Outbox())
    elsewhere = await service.on_delete("discord", nudge.community, "another-channel", nudge.message_id)
    assert elsewhere is None  # the same id in another channel is another post
    gone = await service.on_delete("discord", nudge.community, nudge.channel, nudge.message_id)
    assert gone is not None
    assert gone.state is NudgeState.WITHDRAWN
    assert await service.on_delete("discord", nudge.community, nudge.channel, "unknown") is None


async def test_same_id_in_two_channels_gives_two_nudges(service: NudgeService, post: MessageFactory) -> None:
    first = await service.on_post(post(UNLABELLED, channel="c-1", message_id="1700000000.000100"))
    second = await service.on_post(post(UNLABELLED, channel="c-2", message_id="1700000000.000100"))
    assert first is not None
    assert second is not None
    assert first.id != second.id


async def test_ive_fixed_it_on_a_post_that_is_gone(service: NudgeService, post: MessageFactory) -> None:
    nudge = await posted(service, post, Outbox())
    assert (await service.mark_fixed(nudge.id, TEAM, None)).state is NudgeState.WITHDRAWN


# --- reminders and escalation ------------------------------------------------------------------


async def test_one_reminder_then_one_escalation_on_the_charters_delays(
    service: NudgeService, post: MessageFactory, clock: FakeClock
) -> None:
    outbox = Outbox()
    nudge = await posted(service, post, outbox)
    clock.advance(hours=23, minutes=59)
    assert await service.deliver_due(outbox) == 0
    clock.advance(minutes=1)
    assert await service.deliver_due(outbox) == 1
    assert await service.deliver_due(outbox) == 0
    reminded = await service.get(nudge.id)
    assert (reminded.state, reminded.delivery, reminded.reminded_at) == (
        NudgeState.REMINDED,
        Delivery.DONE,
        clock.now(),
    )
    clock.advance(hours=23)
    assert await service.deliver_due(outbox) == 0
    clock.advance(hours=1)
    assert await service.deliver_due(outbox) == 1
    clock.advance(days=30)
    assert await service.deliver_due(outbox) == 0
    assert outbox.sent == [(nudge.id, "nudge"), (nudge.id, "remind"), (nudge.id, "escalate")]
    escalated = await service.get(nudge.id)
    assert escalated.state is NudgeState.ESCALATED
    assert escalated.suggestion is not None  # still open: the author can fix it, and the compliance team can look
    fixed = await service.on_edit(post(FIXED, message_id=nudge.message_id))
    assert fixed is not None
    assert fixed.state is NudgeState.FIXED


async def test_mark_reminded_claims_only_once_and_only_when_due(
    service: NudgeService, post: MessageFactory, clock: FakeClock
) -> None:
    nudge = await posted(service, post, Outbox())
    assert await service.mark_reminded(nudge.id) is None  # too early
    clock.advance(hours=24)
    claimed = await service.mark_reminded(nudge.id)
    assert claimed is not None
    assert claimed.needs_delivery
    assert await service.mark_reminded(nudge.id) is None
    assert await service.mark_escalated(nudge.id) is None  # the reminder is still being sent


async def test_a_restart_after_a_delivered_reminder_sends_nothing_twice(
    db_path: Path, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    outbox = Outbox()
    store, conn = await open_nudge_store(db_path)
    service = make_service(store, charter, clock)
    nudge = await posted(service, post, outbox)
    clock.advance(hours=24)
    assert await service.deliver_due(outbox) == 1
    await conn.close()

    store, conn = await open_nudge_store(db_path)
    service = make_service(store, charter, clock)
    try:
        clock.advance(hours=1)
        assert await service.deliver_due(outbox) == 0
        clock.advance(hours=23)
        assert await service.deliver_due(outbox) == 1
        assert await service.deliver_due(outbox) == 0
    finally:
        await conn.close()
    assert outbox.sent == [(nudge.id, "nudge"), (nudge.id, "remind"), (nudge.id, "escalate")]


async def test_a_crash_between_claim_and_send_loses_nothing(
    db_path: Path, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    outbox = Outbox()
    store, conn = await open_nudge_store(db_path)
    service = make_service(store, charter, clock)
    nudge = await posted(service, post, outbox)
    clock.advance(hours=24)
    assert await service.mark_reminded(nudge.id) is not None  # recorded, then the worker dies
    await conn.close()

    store, conn = await open_nudge_store(db_path)
    service = make_service(store, charter, clock)
    try:
        assert await service.deliver_due(outbox) == 0  # the claim may still be in flight
        clock.advance(minutes=16)
        assert await service.due() == [(await service.get(nudge.id), "remind")]
        assert await service.deliver_due(outbox) == 1
        clock.advance(minutes=30)
        assert await service.deliver_due(outbox) == 0
    finally:
        await conn.close()
    assert outbox.sent == [(nudge.id, "nudge"), (nudge.id, "remind")]


async def test_a_crash_before_the_first_delivery_is_recovered(
    db_path: Path, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    outbox = Outbox()
    store, conn = await open_nudge_store(db_path)
    nudge = await make_service(store, charter, clock).on_post(post(UNLABELLED))
    assert nudge is not None
    await conn.close()  # recorded, never sent

    store, conn = await open_nudge_store(db_path)
    service = make_service(store, charter, clock)
    try:
        clock.advance(minutes=20)
        assert await service.deliver_due(outbox) == 1
        assert await service.deliver_due(outbox) == 0
    finally:
        await conn.close()
    assert outbox.sent == [(nudge.id, "nudge")]


async def test_two_workers_never_both_claim_a_step(
    db_path: Path, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    store_a, conn_a = await open_nudge_store(db_path)
    store_b, conn_b = await open_nudge_store(db_path)
    try:
        worker_a = make_service(store_a, charter, clock)
        worker_b = make_service(store_b, charter, clock)
        nudge = await posted(worker_a, post, Outbox())
        clock.advance(hours=24)
        due_a, due_b = await asyncio.gather(worker_a.due(), worker_b.due())
        assert [step for _, step in due_a] == [step for _, step in due_b] == ["remind"]
        claims = await asyncio.gather(worker_a.mark_reminded(nudge.id), worker_b.mark_reminded(nudge.id))
        assert sum(claim is not None for claim in claims) == 1
    finally:
        await conn_a.close()
        await conn_b.close()


async def test_failed_deliveries_are_retried_a_few_times_then_the_flow_goes_on(
    service: NudgeService, post: MessageFactory, clock: FakeClock
) -> None:
    outbox = Outbox(failing=True)
    nudge = await service.on_post(post(UNLABELLED))
    assert nudge is not None
    assert not await service.deliver(nudge, outbox)
    failed = await service.get(nudge.id)
    assert (failed.delivery, failed.attempts) == (Delivery.FAILED, 1)
    assert failed.delivery_error is not None
    assert "forbidden" in failed.delivery_error
    assert await service.due() == []
    for attempt in (2, 3):
        clock.advance(minutes=16)
        assert [step for _, step in await service.due()] == ["nudge"]
        assert await service.deliver_due(outbox) == 0
        assert (await service.get(nudge.id)).attempts == attempt
    clock.advance(minutes=16)
    assert await service.due() == []  # three attempts: no more retries of the first note
    outbox.failing = False
    clock.advance(hours=24)
    assert await service.deliver_due(outbox) == 1
    assert outbox.sent == [(nudge.id, "remind")]
    report = await service.report("discord", "g-1")
    assert report.failed_deliveries == 0


# --- settings, report, retention, texts --------------------------------------------------------


async def test_the_community_jurisdiction_setting_is_honoured(
    store: NudgeStore, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    settings = FakeSettings({("discord", "g-nl", "disclosure_jurisdiction"): "nl"})
    service = make_service(store, charter, clock, settings=settings)
    text = "#spon Nieuwe koffie! Gebruik code LUMIERE20 voor korting"
    assert await service.on_post(post(text, community="g-nl")) is None
    nudge = await service.on_post(post(text, community="g-fr"))
    assert nudge is not None
    assert (nudge.jurisdiction, nudge.severity) == ("fr", "insufficient")
    finding = await service.dry_run(text, platform="discord", community="g-nl")
    assert finding is not None
    assert finding.severity.value == "ok"


async def test_the_compliance_channel_comes_from_the_setting_the_charter_names(
    store: NudgeStore, charter: Charter, clock: FakeClock
) -> None:
    settings = FakeSettings({("slack", "T1", "disclosure_compliance_channel"): "C-COMPLIANCE"})
    service = make_service(store, charter, clock, settings=settings)
    assert await service.compliance_channel("slack", "T1") == "C-COMPLIANCE"
    assert await service.compliance_channel("slack", "T2") is None


async def test_report_numbers(service: NudgeService, post: MessageFactory, clock: FakeClock) -> None:
    outbox = Outbox()
    start = clock.now()
    fixed_fast = await posted(service, post, outbox)
    fixed_slow = await posted(service, post, outbox)
    answered = await posted(service, post, outbox)
    deleted = await posted(service, post, outbox)
    still_open = await posted(service, post, outbox)
    other = await service.on_post(post(UNLABELLED, community="g-2"))
    assert other is not None
    clock.set(start + timedelta(hours=2))
    await service.mark_fixed(fixed_fast.id, TEAM, FIXED)
    clock.set(start + timedelta(hours=4))
    await service.on_edit(post(FIXED, message_id=fixed_slow.message_id))
    await service.mark_not_sponsored(answered.id, TEAM, "personal purchase")
    await service.on_delete("discord", deleted.community, deleted.channel, deleted.message_id)
    report = await service.report("discord", "g-1")
    assert (report.total, report.open, report.fixed, report.not_sponsored, report.withdrawn) == (5, 1, 2, 1, 1)
    assert report.fix_rate == 0.5
    assert report.median_time_to_fix == timedelta(hours=3)
    assert "Taux de correction : 50 %. Délai médian de correction : 3.0 h." in report_text(report, "fr")
    assert '1 open (0 escalated), 2 fixed, 1 "not sponsored" answers' in report_text(report, "en")
    assert still_open.is_open
    later = await service.report("discord", "g-1", since=start + timedelta(hours=1))
    assert later.total == 0
    empty = await service.report("slack", "T9")
    assert (empty.total, empty.fix_rate, empty.median_time_to_fix) == (0, None, None)


async def test_closed_nudges_are_deleted_after_the_retention(
    service: NudgeService, post: MessageFactory, clock: FakeClock, db_path: Path
) -> None:
    outbox = Outbox()
    closed = await posted(service, post, outbox)
    still_open = await posted(service, post, outbox)
    await service.mark_fixed(closed.id, TEAM, FIXED)
    clock.advance(days=89)
    assert await service.purge() == 0
    clock.advance(days=2)
    assert await service.purge() == 1
    assert rows(db_path, "SELECT id FROM disclosure_nudges") == [(still_open.id,)]


async def test_the_private_note_is_friendly_specific_and_in_the_authors_language(
    service: NudgeService, post: MessageFactory
) -> None:
    nudge = await posted(service, post, Outbox())
    fr = service.text_for(nudge)
    assert fr.startswith("Bonjour !")
    assert "un code promo" in fr
    assert "Publicité" in fr  # the jurisdiction's rule, quoted from the charter
    assert "> Collaboration commerciale avec Café Lumière : Le nouveau Café Lumière" in fr
    assert "Rien n'a été retiré" in fr
    en = service.text_for(nudge, "en-GB", step="remind")
    assert en.startswith("A gentle private reminder")
    assert "Nothing was removed" in en
    for text in (fr, en):
        assert not any(word in text.lower() for word in ("violation", "infraction", "sanction", "punish", "banned"))


async def test_the_escalation_note_names_the_post_but_never_quotes_it(
    service: NudgeService, post: MessageFactory
) -> None:
    nudge = await posted(service, post, Outbox())
    text = service.escalation_for(nudge, author="<@u-team>", link="https://discord.com/channels/g-1/c-1/m-1")
    assert "<@u-team>" in text
    assert "https://discord.com/channels/g-1/c-1/m-1" in text
    assert "48 h" in text
    assert UNLABELLED not in text
    assert "LUMIERE20" not in text


async def test_only_signal_kinds_are_stored_never_fragments_of_the_post(
    service: NudgeService, post: MessageFactory, db_path: Path
) -> None:
    nudge = await posted(service, post, Outbox())
    assert set(nudge.signals) <= {"brand", "affiliate", "sponsor_link", "promo_code", "gift", "sponsor_cta"}
    assert "promo_code" in nudge.signals
    [(signals, text)] = rows(db_path, "SELECT signals, post_text FROM disclosure_nudges")
    assert "LUMIERE20" not in signals
    assert "Lumière" not in signals
    assert text is None


async def test_a_nudge_left_open_past_the_retention_loses_its_suggestion(
    service: NudgeService, post: MessageFactory, clock: FakeClock, db_path: Path
) -> None:
    nudge = await posted(service, post, Outbox())
    assert nudge.suggestion is not None
    clock.advance(days=89)
    await service.purge()
    assert (await service.get(nudge.id)).suggestion is not None
    clock.advance(days=2)
    await service.purge()
    kept = await service.get(nudge.id)
    assert kept.is_open  # nothing pretends it was fixed or withdrawn
    assert kept.suggestion is None
    assert rows(db_path, "SELECT suggestion, post_text FROM disclosure_nudges") == [(None, None)]


async def test_due_skips_nudges_of_platforms_that_are_not_connected(
    service: NudgeService, post: MessageFactory, clock: FakeClock
) -> None:
    nudge = await service.on_post(post(UNLABELLED))  # recorded, first note never sent
    assert nudge is not None
    clock.advance(hours=1)
    outbox = Outbox()
    assert await service.deliver_due(outbox, platforms=("slack",)) == 0
    waiting = await service.get(nudge.id)
    assert (waiting.attempts, waiting.delivery, waiting.delivery_error) == (1, Delivery.PENDING, None)
    assert await service.deliver_due(outbox, platforms=("slack", nudge.platform)) == 1
    assert outbox.sent == [(nudge.id, "nudge")]
