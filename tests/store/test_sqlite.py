"""The store on both engines (a SQLite file, a PostgreSQL database): idempotent cases, atomic transitions,
audit, purge, settings; and SQLite's own migration mechanics on real files."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.errors import NotFoundError, TransitionError
from bot.models import SYSTEM_ACTOR, Action, ActionState, AuditEntry, CaseSource, CaseStatus, Evidence
from bot.store import Migration, SqlStore, StoreError, load_migrations
from bot.store.sqlite import SqliteDatabase
from tests.fakes import AUTHOR, START, make_draft


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(db_url)
    yield opened
    await opened.close()


# What each engine raises when a constraint or trigger refuses a statement.
REFUSED = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError, asyncpg.RaiseError)


async def execute(store: SqlStore, sql: str) -> None:
    async with store.database.transaction() as tx:
        await tx.execute(sql)


def entry(
    case_id: int, event: str, at: datetime = START, actor: str = "u-mod", reason: str | None = "why"
) -> AuditEntry:
    return AuditEntry(case_id, at, actor, event, reason)


def raw(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


# --- migrations -------------------------------------------------------------------------------


async def test_fresh_file_is_migrated_to_the_latest_version_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    latest = load_migrations()[-1].version
    first = await SqlStore.open(path)
    assert await first.schema_version() == latest
    case, _ = await first.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    await first.close()

    again = await SqlStore.open(path)
    assert await again.schema_version() == latest
    assert await again.get_case(case.id) == case
    await again.close()
    assert raw(path, "PRAGMA user_version") == [(latest,)]
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]
    tables = {row[0] for row in raw(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"cases", "audit", "settings"} <= tables


def test_packaged_migrations_are_numbered_from_one() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "0001_initial.sql"


async def test_memory_database_works() -> None:
    store = await SqlStore.open(":memory:")
    case, created = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    assert created
    assert await store.get_case(case.id) == case
    await store.close()


async def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    good = load_migrations()
    broken = Migration(
        len(good) + 1, f"{len(good) + 1:04d}_broken.sql", "CREATE TABLE extra (x INTEGER);\nNOT SQL AT ALL;"
    )
    with pytest.raises(StoreError, match="broken"):
        await SqlStore.open(path, migrations=[*good, broken])
    assert raw(path, "PRAGMA user_version") == [(len(good),)]
    assert raw(path, "SELECT name FROM sqlite_master WHERE name = 'extra'") == []


async def test_a_later_migration_is_applied_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "upgrade.sqlite3"
    store = await SqlStore.open(path)
    await store.close()
    good = load_migrations()
    extra = Migration(len(good) + 1, f"{len(good) + 1:04d}_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY);")
    upgraded = await SqlStore.open(path, migrations=[*good, extra])
    assert await upgraded.schema_version() == len(good) + 1
    await upgraded.close()
    assert raw(path, "SELECT name FROM sqlite_master WHERE name = 'notes'") == [("notes",)]


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        await SqlStore.open(path)


# --- cases ------------------------------------------------------------------------------------


async def test_create_case_records_everything_and_a_created_entry(store: SqlStore) -> None:
    draft = make_draft(evidence=(Evidence("term", 9, 15, "crétin"), Evidence("fuzzy", 0, 2)))
    case, created = await store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING)
    assert created
    assert (case.platform, case.message_id, case.author_id, case.rule_id, case.clause) == (
        "discord",
        "m1",
        AUTHOR.id,
        "respect",
        1,
    )
    assert case.evidence == draft.evidence
    assert case.content == draft.content
    assert case.status is CaseStatus.ACTIONED
    assert case.action_state is ActionState.PENDING
    assert case.restore_state is ActionState.NONE
    assert case.created_at == START == case.updated_at
    assert case.created_at.tzinfo is not None
    trail = await store.audit_trail(case.id)
    assert [(e.event, e.actor_id) for e in trail] == [("created", SYSTEM_ACTOR)]
    assert "clause 1" in (trail[0].detail or "")


async def test_create_case_is_idempotent_per_platform_and_message(store: SqlStore) -> None:
    first, created = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    again, created_again = await store.create_case(
        make_draft(rule_id="spam", clause=4, content="other"), CaseStatus.REVIEW, ActionState.NONE
    )
    assert created
    assert not created_again
    assert again == first
    other_platform, created_other = await store.create_case(
        make_draft(platform="slack"), CaseStatus.ACTIONED, ActionState.PENDING
    )
    assert created_other
    assert other_platform.id != first.id
    assert len(await store.audit_trail(first.id)) == 1


async def test_concurrent_creates_for_one_message_make_one_case(store: SqlStore) -> None:
    results = await asyncio.gather(
        *(store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING) for _ in range(8))
    )
    assert sum(created for _, created in results) == 1
    assert len({case.id for case, _ in results}) == 1


async def test_allow_is_never_stored(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="allowed"):
        await store.create_case(make_draft(action=Action.ALLOW), CaseStatus.ACTIONED, ActionState.NONE)


async def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.create_case(make_draft(created_at=datetime(2026, 1, 1)), CaseStatus.ACTIONED, ActionState.NONE)


@pytest.mark.parametrize(
    "hostile",
    [
        "'); DROP TABLE cases; --",
        "Robert'); DELETE FROM audit WHERE ('1'='1",
        '" OR 1=1 --',
        "\x00nul and ünïcödé ‮ right-to-left",
    ],
)
async def test_injection_looking_strings_are_stored_verbatim(store: SqlStore, hostile: str) -> None:
    kept = hostile
    if store.database.engine == "postgresql":
        kept = hostile.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL; the store writes U+FFFD
    case, _ = await store.create_case(
        make_draft(content=hostile, author_name=hostile, message_id=hostile), CaseStatus.ACTIONED, ActionState.PENDING
    )
    updated = await store.transition(
        case.id,
        expected=(CaseStatus.ACTIONED,),
        entry=entry(case.id, "appealed", reason=hostile),
        status=CaseStatus.APPEALED,
        appeal_reason=hostile,
    )
    await store.set_setting("discord", hostile, hostile, {"v": hostile})
    assert (updated.content, updated.author_name, updated.message_id, updated.appeal_reason) == (kept,) * 4
    assert await store.case_for_message("discord", "g1", "c1", hostile) == updated
    assert (await store.audit_trail(case.id))[-1].reason == kept
    assert await store.get_setting("discord", hostile, hostile) == {"v": hostile}
    count = await store.database.fetchone("SELECT COUNT(*) FROM audit")
    assert count is not None
    assert count[0] == 2


async def test_get_case_and_case_for_message_miss_cleanly(store: SqlStore) -> None:
    assert await store.get_case(404) is None
    assert await store.case_for_message("discord", "g1", "c1", "nope") is None


# --- transitions ------------------------------------------------------------------------------


async def test_transition_applies_changes_and_audits_in_one_step(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.DONE)
    later = START + timedelta(hours=2)
    updated = await store.transition(
        case.id,
        expected=(CaseStatus.ACTIONED,),
        entry=entry(case.id, "appealed", at=later, actor=AUTHOR.id, reason="not an insult"),
        status=CaseStatus.APPEALED,
        appeal_reason="not an insult",
    )
    assert updated.status is CaseStatus.APPEALED
    assert updated.appeal_reason == "not an insult"
    assert updated.updated_at == later
    assert updated.created_at == START
    trail = await store.audit_trail(case.id)
    assert [(e.event, e.actor_id, e.reason, e.at) for e in trail][-1] == ("appealed", AUTHOR.id, "not an insult", later)


async def test_transition_from_an_unexpected_status_changes_nothing(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.REVIEW, ActionState.NONE)
    with pytest.raises(TransitionError, match="review"):
        await store.transition(
            case.id, expected=(CaseStatus.ACTIONED,), entry=entry(case.id, "appealed"), status=CaseStatus.APPEALED
        )
    assert await store.get_case(case.id) == case
    assert [e.event for e in await store.audit_trail(case.id)] == ["created"]


async def test_transition_of_a_missing_case(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        await store.transition(
            7, expected=(CaseStatus.REVIEW,), entry=entry(7, "dismissed"), status=CaseStatus.DISMISSED
        )


async def test_concurrent_transitions_let_exactly_one_win(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.APPEALED, ActionState.DONE)

    async def decide(status: CaseStatus) -> bool:
        try:
            await store.transition(
                case.id, expected=(CaseStatus.APPEALED,), entry=entry(case.id, status.value), status=status
            )
        except TransitionError:
            return False
        return True

    wins = await asyncio.gather(decide(CaseStatus.UPHELD), decide(CaseStatus.OVERTURNED), decide(CaseStatus.UPHELD))
    assert sum(wins) == 1
    assert len(await store.audit_trail(case.id)) == 2


async def test_transitions_across_two_connections_to_one_file_let_one_win(db_url: str) -> None:
    path = db_url
    first = await SqlStore.open(path)
    second = await SqlStore.open(path)
    case, _ = await first.create_case(make_draft(), CaseStatus.REVIEW, ActionState.NONE)
    await first.transition(
        case.id, expected=(CaseStatus.REVIEW,), entry=entry(case.id, "dismissed"), status=CaseStatus.DISMISSED
    )
    with pytest.raises(TransitionError, match="dismissed"):
        await second.transition(
            case.id, expected=(CaseStatus.REVIEW,), entry=entry(case.id, "removed"), status=CaseStatus.ACTIONED
        )
    assert (await second.get_case(case.id)).status is CaseStatus.DISMISSED  # type: ignore[union-attr]
    await first.close()
    await second.close()


async def test_racing_connections_see_a_transition_error_not_a_lock_error(db_url: str) -> None:
    path = db_url
    stores = [await SqlStore.open(path) for _ in range(4)]
    for n in range(10):
        case, _ = await stores[0].create_case(make_draft(f"m{n}"), CaseStatus.APPEALED, ActionState.DONE)

        async def decide(store: SqlStore, case_id: int = case.id) -> bool:
            try:
                await store.transition(
                    case_id, expected=(CaseStatus.APPEALED,), entry=entry(case_id, "decided"), status=CaseStatus.UPHELD
                )
            except TransitionError:
                return False
            return True

        wins = await asyncio.gather(*(decide(store) for store in stores))
        assert sum(wins) == 1
    for store in stores:
        await store.close()


@pytest.mark.parametrize(
    "field", ["id", "platform", "message_id", "author_id", "content", "created_at", "status = 'x'; --"]
)
async def test_only_whitelisted_fields_can_change(store: SqlStore, field: str) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    with pytest.raises(ValueError, match="cannot be changed"):
        await store.update_case(case.id, entry(case.id, "x"), **{field: "forged"})
    assert await store.get_case(case.id) == case


async def test_update_case_records_side_effect_bookkeeping(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    failed = await store.update_case(
        case.id,
        entry(case.id, "action_failed", actor=SYSTEM_ACTOR),
        action_state=ActionState.FAILED,
        action_error="forbidden",
    )
    assert (failed.action_state, failed.action_error) == (ActionState.FAILED, "forbidden")
    audited_only = await store.update_case(case.id, entry(case.id, "content_viewed", actor=AUTHOR.id))
    assert audited_only.action_state is ActionState.FAILED
    assert [e.event for e in await store.audit_trail(case.id)] == ["created", "action_failed", "content_viewed"]
    with pytest.raises(NotFoundError):
        await store.update_case(999, None, action_state=ActionState.DONE)


async def test_the_audit_trail_cannot_be_rewritten(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    for sql in ("UPDATE audit SET event = 'nothing'", "DELETE FROM audit"):
        with pytest.raises(REFUSED, match="append-only"):
            await execute(store, sql)
    assert [e.event for e in await store.audit_trail(case.id)] == ["created"]


async def test_audit_entries_must_belong_to_a_case(store: SqlStore) -> None:
    with pytest.raises(REFUSED, match=r"(?i)foreign key"):
        await execute(store, "INSERT INTO audit (case_id, at, actor_id, event) VALUES (12345, 'x', 'y', 'orphan')")


# --- queries ----------------------------------------------------------------------------------


async def test_cases_for_author_newest_first_with_paging(store: SqlStore) -> None:
    ids = []
    for n in range(5):
        case, _ = await store.create_case(
            make_draft(f"m{n}", created_at=START + timedelta(minutes=n)), CaseStatus.ACTIONED, ActionState.DONE
        )
        ids.append(case.id)
    await store.create_case(make_draft("other", author_id="someone"), CaseStatus.ACTIONED, ActionState.DONE)
    page1 = await store.cases_for_author("discord", AUTHOR.id, limit=2)
    page2 = await store.cases_for_author("discord", AUTHOR.id, limit=2, offset=2)
    assert [c.id for c in page1 + page2] == ids[::-1][:4]
    assert await store.cases_for_author("slack", AUTHOR.id, limit=10) == []


async def test_list_cases_filters_by_status(store: SqlStore) -> None:
    review, _ = await store.create_case(make_draft("a"), CaseStatus.REVIEW, ActionState.NONE)
    await store.create_case(make_draft("b"), CaseStatus.ACTIONED, ActionState.DONE)
    await store.create_case(make_draft("c", community="g2"), CaseStatus.REVIEW, ActionState.NONE)
    queue = await store.list_cases("discord", "g1", statuses=(CaseStatus.REVIEW,))
    assert [c.id for c in queue] == [review.id]
    assert len(await store.list_cases("discord", "g1")) == 2


@pytest.mark.parametrize(
    ("status", "action", "counted"),
    [
        (CaseStatus.ACTIONED, Action.REMOVE, True),
        (CaseStatus.ACTIONED, Action.WARN, True),
        (CaseStatus.APPEALED, Action.REMOVE, True),
        (CaseStatus.UPHELD, Action.REMOVE, True),
        (CaseStatus.OVERTURNED, Action.REMOVE, False),
        (CaseStatus.REVIEW, Action.REVIEW, False),
        (CaseStatus.DISMISSED, Action.REVIEW, False),
    ],
)
async def test_count_enforced_counts_standing_removals_and_warnings(
    store: SqlStore, status: CaseStatus, action: Action, counted: bool
) -> None:
    await store.create_case(make_draft("m1", action=action), status, ActionState.DONE)
    await store.create_case(
        make_draft("old", created_at=START - timedelta(days=2)), CaseStatus.ACTIONED, ActionState.DONE
    )
    await store.create_case(make_draft("g2", community="g2"), CaseStatus.ACTIONED, ActionState.DONE)
    since = START - timedelta(hours=24)
    assert await store.count_enforced("discord", "g1", AUTHOR.id, since) == int(counted)


async def test_pending_actions_lists_pending_deletes_and_restores(store: SqlStore) -> None:
    pending_delete, _ = await store.create_case(make_draft("a"), CaseStatus.ACTIONED, ActionState.PENDING)
    await store.create_case(make_draft("b"), CaseStatus.ACTIONED, ActionState.DONE)
    await store.create_case(make_draft("c"), CaseStatus.ACTIONED, ActionState.FAILED)
    restoring, _ = await store.create_case(make_draft("d"), CaseStatus.OVERTURNED, ActionState.DONE)
    await store.update_case(restoring.id, entry(restoring.id, "overturned"), restore_state=ActionState.PENDING)
    assert [c.id for c in await store.pending_actions()] == [pending_delete.id, restoring.id]


# --- retention ---------------------------------------------------------------------------------


async def test_purge_blanks_old_closed_cases_and_keeps_open_ones(store: SqlStore) -> None:
    old = START - timedelta(days=200)
    closed, _ = await store.create_case(make_draft("closed", created_at=old), CaseStatus.ACTIONED, ActionState.DONE)
    appealed, _ = await store.create_case(make_draft("appealed", created_at=old), CaseStatus.APPEALED, ActionState.DONE)
    review, _ = await store.create_case(make_draft("review", created_at=old), CaseStatus.REVIEW, ActionState.NONE)
    restoring, _ = await store.create_case(
        make_draft("restoring", created_at=old), CaseStatus.OVERTURNED, ActionState.DONE
    )
    await store.update_case(restoring.id, entry(restoring.id, "overturned"), restore_state=ActionState.PENDING)
    recent, _ = await store.create_case(make_draft("recent", created_at=START), CaseStatus.UPHELD, ActionState.DONE)

    purged = await store.purge_content(START - timedelta(days=180), START)
    assert purged == 1
    assert (await store.get_case(closed.id)).content is None  # type: ignore[union-attr]
    for kept in (appealed, review, restoring, recent):
        assert (await store.get_case(kept.id)).content == kept.content  # type: ignore[union-attr]
    trail = await store.audit_trail(closed.id)
    assert (trail[-1].event, trail[-1].actor_id, trail[-1].at) == ("purged", SYSTEM_ACTOR, START)
    assert await store.purge_content(START - timedelta(days=180), START) == 0


# --- settings and stats ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["C123", 42, True, ["a", "b"], {"channel": "C1", "lang": "fr"}])
async def test_settings_round_trip_as_json(store: SqlStore, value: object) -> None:
    assert await store.get_setting("slack", "T1", "review_channel") is None
    await store.set_setting("slack", "T1", "review_channel", value)
    assert await store.get_setting("slack", "T1", "review_channel") == value
    assert await store.get_setting("discord", "T1", "review_channel") is None
    await store.set_setting("slack", "T1", "review_channel", "C999")
    assert await store.get_setting("slack", "T1", "review_channel") == "C999"
    await store.set_setting("slack", "T1", "review_channel", None)
    assert await store.get_setting("slack", "T1", "review_channel") is None


async def test_stats_counts_by_clause_action_source_status_and_appeals(store: SqlStore) -> None:
    await store.create_case(make_draft("a"), CaseStatus.ACTIONED, ActionState.DONE)
    await store.create_case(
        make_draft("b", rule_id="spam", clause=4, automated=False, source=CaseSource.MODERATOR),
        CaseStatus.ACTIONED,
        ActionState.DONE,
    )
    await store.create_case(
        make_draft("c", action=Action.REVIEW, source=CaseSource.REPORT), CaseStatus.REVIEW, ActionState.NONE
    )
    appealed, _ = await store.create_case(make_draft("d"), CaseStatus.ACTIONED, ActionState.DONE)
    await store.transition(
        appealed.id,
        expected=(CaseStatus.ACTIONED,),
        entry=entry(appealed.id, "appealed"),
        status=CaseStatus.APPEALED,
        appeal_reason="no",
    )
    await store.transition(
        appealed.id,
        expected=(CaseStatus.APPEALED,),
        entry=entry(appealed.id, "overridden"),
        status=CaseStatus.OVERTURNED,
    )
    await store.create_case(
        make_draft("outside", created_at=START + timedelta(days=40)), CaseStatus.ACTIONED, ActionState.DONE
    )

    stats = await store.stats("discord", "g1", START, START + timedelta(days=30))
    assert stats["total"] == {"cases": 4}
    assert stats["clause"] == {"1": 3, "4": 1}
    assert stats["action"] == {"remove": 3, "review": 1}
    assert stats["source"] == {"automated": 2, "moderator": 1, "report": 1}
    assert stats["status"] == {"actioned": 2, "review": 1, "overturned": 1}
    assert stats["automated"] == {"true": 3, "false": 1}
    assert stats["appeals"] == {"appealed": 1, "upheld": 0, "overturned": 1}
    assert stats["overrides"] == {"count": 1}
    empty = await store.stats("slack", "T1", START, START + timedelta(days=30))
    assert empty["total"] == {"cases": 0}
    assert empty["clause"] == {}


async def test_a_sibling_store_shares_the_connection_and_its_lock(tmp_path: Path) -> None:
    store = await SqlStore.open(tmp_path / "vigie.sqlite3")
    db = store.database
    assert isinstance(db, SqliteDatabase)
    async with db.lock:
        pending = asyncio.ensure_future(store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING))
        await asyncio.sleep(0.01)
        assert not pending.done()
        assert not db.connection.in_transaction
    case, created = await pending
    await store.close()
    assert created
    assert case.id > 0


# --- migration 0003: the case key includes community and channel ------------------------------


_V2_CASE: dict[str, object] = {
    "platform": "discord",
    "community": "g1",
    "channel": "c1",
    "message_id": "m1",
    "author_id": "u1",
    "author_name": "A",
    "rule_id": "respect",
    "clause": 1,
    "charter_version": "v1",
    "charter_hash": "h",
    "action": "remove",
    "evidence": '[{"matcher": "term", "start": 9, "end": 15, "detail": "crétin"}]',
    "confidence": 1.0,
    "automated": 1,
    "actor_id": SYSTEM_ACTOR,
    "source": "automated",
    "content": "tu es un crétin",
    "lang": "fr",
    "status": "appealed",
    "action_state": "done",
    "action_error": None,
    "restore_state": "none",
    "appeal_reason": "citation",
    "decided_by": None,
    "decision_reason": None,
    "created_at": "2026-03-01T09:00:00.000000+00:00",
    "updated_at": "2026-03-02T09:00:00.000000+00:00",
}


def _v2_database(path: Path) -> None:
    """A database at schema version 2 holding cases, audit rows and a case-number high-water mark."""
    version_two = load_migrations()[:2]
    rows = [
        _V2_CASE,
        _V2_CASE
        | {"platform": "slack", "community": "T1", "channel": "C1", "message_id": "1760000000.000100"}
        | {"action": "review", "automated": 0, "source": "report", "content": None, "status": "dismissed"}
        | {"appeal_reason": None, "decided_by": "U8", "decision_reason": "rien"},
        _V2_CASE
        | {"community": "g2", "channel": "c9", "message_id": "m9", "status": "overturned", "action_error": "forbidden"}
        | {"restore_state": "pending", "appeal_reason": None, "decided_by": "u-mod", "decision_reason": "ok"},
    ]
    columns = ", ".join(_V2_CASE)
    marks = ", ".join("?" * len(_V2_CASE))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for migration in version_two:
            conn.executescript(migration.sql)
        conn.execute(f"PRAGMA user_version = {version_two[-1].version}")
        conn.executemany(f"INSERT INTO cases ({columns}) VALUES ({marks})", [tuple(r.values()) for r in rows])
        for case_id, event in [(1, "created"), (1, "appealed"), (2, "created"), (2, "dismissed"), (3, "created")]:
            conn.execute(
                "INSERT INTO audit (case_id, at, actor_id, event) VALUES (?, ?, 'vigie', ?)",
                (case_id, _V2_CASE["created_at"], event),
            )
        # Case 40 was the last number handed out (the later ones never committed, say).
        conn.execute("UPDATE sqlite_sequence SET seq = 40 WHERE name = 'cases'")


async def test_migration_0003_rebuilds_cases_keeping_every_row_id_and_audit_link(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    _v2_database(path)
    cases_before = raw(path, "SELECT * FROM cases ORDER BY id")
    audit_before = raw(path, "SELECT * FROM audit ORDER BY id")

    store = await SqlStore.open(path)
    assert await store.schema_version() == len(load_migrations())
    # Later migrations only add columns (NULL for old rows): the v2 columns keep their values.
    kept = [row[: len(cases_before[0])] for row in raw(path, "SELECT * FROM cases ORDER BY id")]
    assert kept == cases_before
    added = [row[len(cases_before[0]) :] for row in raw(path, "SELECT * FROM cases ORDER BY id")]
    assert {value for row in added for value in row} <= {None}
    assert raw(path, "SELECT * FROM audit ORDER BY id") == audit_before
    assert raw(path, "PRAGMA foreign_key_check") == []
    assert [(row[2], row[3], row[4]) for row in raw(path, "PRAGMA foreign_key_list(audit)")] == [
        ("cases", "case_id", "id")
    ]
    schema = {row[0] for row in raw(path, "SELECT name FROM sqlite_master")}
    assert {"cases_by_author", "cases_by_community", "cases_by_created", "cases_pending"} <= schema
    assert {"audit_no_update", "audit_no_delete", "disclosure_nudges"} <= schema
    assert "cases_rebuilt" not in schema
    assert [e.event for e in await store.audit_trail(1)] == ["created", "appealed"]
    restoring = await store.get_case(3)
    assert restoring is not None
    assert (restoring.status, restoring.restore_state, restoring.content) == (
        CaseStatus.OVERTURNED,
        ActionState.PENDING,
        "tu es un crétin",
    )

    # Same ts in another channel is another message now; numbering resumes after the high-water mark.
    other, created = await store.create_case(
        make_draft("1760000000.000100", platform="slack", community="T1", channel="C2"),
        CaseStatus.ACTIONED,
        ActionState.PENDING,
    )
    assert created
    assert other.id == 41
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await store.database.fetchall(
            "INSERT INTO audit (case_id, at, actor_id, event) VALUES (999, 'x', 'y', 'orphan')"
        )
    await store.close()
    for sql in ("UPDATE audit SET event = 'nothing'", "DELETE FROM audit WHERE case_id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw(path, sql)


async def test_a_migration_that_breaks_a_foreign_key_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "orphan.sqlite3"
    store = await SqlStore.open(path)
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    await store.close()
    good = load_migrations()
    orphan = Migration(
        len(good) + 1,
        f"{len(good) + 1:04d}_orphan.sql",
        "INSERT INTO audit (case_id, at, actor_id, event) VALUES (999, 'x', 'y', 'orphan');",
    )
    with pytest.raises(StoreError, match="foreign key"):
        await SqlStore.open(path, migrations=[*good, orphan])
    assert raw(path, "PRAGMA user_version") == [(len(good),)]
    assert raw(path, "SELECT COUNT(*) FROM audit WHERE event = 'orphan'") == [(0,)]
    reopened = await SqlStore.open(path)
    assert await reopened.get_case(case.id) == case
    await reopened.close()


async def test_the_case_key_is_platform_community_channel_and_message(store: SqlStore) -> None:
    first, _ = await store.create_case(make_draft("1.0001"), CaseStatus.ACTIONED, ActionState.PENDING)
    variants = [
        make_draft("1.0001", channel="c2"),
        make_draft("1.0001", community="g2"),
        make_draft("1.0001", platform="slack"),
    ]
    made = [await store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING) for draft in variants]
    assert all(created for _, created in made)
    assert len({first.id, *(case.id for case, _ in made)}) == 4
    again, created = await store.create_case(make_draft("1.0001", content="x"), CaseStatus.REVIEW, ActionState.NONE)
    assert (again, created) == (first, False)
    for draft, (case, _) in zip(variants, made, strict=True):
        assert await store.case_for_message(draft.platform, draft.community, draft.channel, "1.0001") == case
    assert await store.case_for_message("discord", "g1", "c3", "1.0001") is None


# --- edits, conditional bookkeeping and claims ------------------------------------------------


async def test_escalate_case_moves_an_undecided_automated_case_to_the_edit(store: SqlStore) -> None:
    case, _ = await store.create_case(
        make_draft(action=Action.WARN, rule_id="tone", clause=2, content="zut"), CaseStatus.ACTIONED, ActionState.DONE
    )
    later = START + timedelta(minutes=3)
    escalated = await store.escalate_case(
        case.id,
        make_draft(content="crétin", evidence=(Evidence("term", 0, 6, "crétin"),), charter_version="2026.04"),
        expected=(CaseStatus.ACTIONED,),
        expected_action=Action.WARN,
        status=CaseStatus.ACTIONED,
        action_state=ActionState.PENDING,
        entry=entry(case.id, "edited", at=later, actor=SYSTEM_ACTOR, reason=None),
    )
    assert (escalated.action, escalated.rule_id, escalated.clause, escalated.content) == (
        Action.REMOVE,
        "respect",
        1,
        "crétin",
    )
    assert (escalated.action_state, escalated.charter_version, escalated.updated_at) == (
        ActionState.PENDING,
        "2026.04",
        later,
    )
    assert escalated.evidence == (Evidence("term", 0, 6, "crétin"),)
    assert (escalated.created_at, escalated.message_id, escalated.author_id) == (
        case.created_at,
        case.message_id,
        case.author_id,
    )
    assert [e.event for e in await store.audit_trail(case.id)] == ["created", "edited"]


@pytest.mark.parametrize(
    ("changes", "expected_action"),
    [
        ({"decided_by": "u-mod"}, Action.WARN),
        ({"automated": False}, Action.WARN),
        ({}, Action.REVIEW),
        ({"status": CaseStatus.APPEALED}, Action.WARN),
    ],
    ids=["decided", "manual", "action-moved", "status-moved"],
)
async def test_escalate_case_refuses_a_case_a_person_has_touched(
    store: SqlStore, changes: dict[str, object], expected_action: Action
) -> None:
    case, _ = await store.create_case(make_draft(action=Action.WARN), CaseStatus.ACTIONED, ActionState.DONE)
    if changes:
        case = await store.update_case(case.id, entry(case.id, "touched"), **changes)
    with pytest.raises(TransitionError):
        await store.escalate_case(
            case.id,
            make_draft(content="crétin"),
            expected=(CaseStatus.ACTIONED,),
            expected_action=expected_action,
            status=CaseStatus.ACTIONED,
            action_state=ActionState.PENDING,
            entry=entry(case.id, "edited"),
        )
    assert await store.get_case(case.id) == case
    with pytest.raises(ValueError, match="another message"):
        await store.escalate_case(
            case.id,
            make_draft("other"),
            expected=(case.status,),
            expected_action=case.action,
            status=CaseStatus.ACTIONED,
            action_state=ActionState.PENDING,
            entry=entry(case.id, "edited"),
        )


async def test_the_content_snapshot_is_still_fixed_for_ordinary_updates(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(), CaseStatus.ACTIONED, ActionState.PENDING)
    for field in ("content", "evidence", "confidence"):
        with pytest.raises(ValueError, match="cannot be changed"):
            await store.update_case(case.id, None, **{field: "forged"})
    assert await store.get_case(case.id) == case


async def test_update_case_if_action_leaves_an_escalated_case_pending(store: SqlStore) -> None:
    case, _ = await store.create_case(make_draft(action=Action.WARN), CaseStatus.ACTIONED, ActionState.PENDING)
    await store.update_case(case.id, entry(case.id, "escalated"), action=Action.REMOVE)
    late = await store.update_case(
        case.id, entry(case.id, "warned"), if_action=Action.WARN, action_state=ActionState.DONE
    )
    assert (late.action, late.action_state) == (Action.REMOVE, ActionState.PENDING)
    assert [e.event for e in await store.audit_trail(case.id)][-1] == "warned"
    done = await store.update_case(
        case.id, entry(case.id, "deleted"), if_action=Action.REMOVE, action_state=ActionState.DONE
    )
    assert done.action_state is ActionState.DONE


async def test_claims_are_exclusive_across_stores_until_released(db_url: str) -> None:
    one, two = await SqlStore.open(db_url), await SqlStore.open(db_url)
    try:
        assert await one.claim_action(7)
        assert not await one.claim_action(7)
        assert not await two.claim_action(7)  # another process on the same database
        assert await two.claim_action(8)
        await two.release_action(7)  # not its claim: nothing happens
        assert not await two.claim_action(7)
        await one.release_action(7)
        assert await two.claim_action(7)
        await one.release_action(99)  # releasing what nobody holds is harmless
    finally:
        await one.close()
        await two.close()


async def test_a_dead_holders_claim_is_taken_over_once_its_lease_is_past(db_url: str) -> None:
    one, two = await SqlStore.open(db_url), await SqlStore.open(db_url)
    try:
        assert await one.claim_action(5)
        async with one.database.transaction() as tx:  # as if the holder had died long ago
            await tx.execute("UPDATE action_claims SET expires_at = '2000-01-01T00:00:00.000000+00:00'")
        assert await two.claim_action(5)
        assert not await one.claim_action(5)
    finally:
        await one.close()
        await two.close()
