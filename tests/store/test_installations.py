"""Slack installations and OAuth states on both engines; an uninstall purges that workspace only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.adapters.slack.installations import DatabaseInstallationStore, DatabaseStateStore
from bot.models import ActionState, CaseStatus
from bot.store import SqlStore
from bot.store.installations import InstallationRows
from tests.fakes import START, make_draft


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(db_url)
    yield opened
    await opened.close()


def install(team: str, user: str, bot_token: str, user_token: str) -> Installation:
    return Installation(
        app_id="A0VIGIE",
        team_id=team,
        team_name=f"Team {team}",
        user_id=user,
        bot_token=bot_token,
        bot_id=f"B{team}",
        bot_user_id=f"UB{team}",
        bot_scopes="chat:write,channels:history",
        user_token=user_token,
        user_scopes="chat:write",
        installed_at=1_760_000_000.0,
    )


async def test_installations_round_trip_per_workspace(store: SqlStore) -> None:
    installations = DatabaseInstallationStore(InstallationRows(store.database))
    await installations.async_save(install("T1", "U1", "xoxb-one", "xoxp-one"))
    await installations.async_save(install("T2", "U9", "xoxb-two", "xoxp-two"))
    await installations.async_save(install("T1", "U2", "xoxb-one-again", "xoxp-one-u2"))  # a later install

    bot_one = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    bot_two = await installations.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot_one is not None
    assert bot_two is not None
    assert (bot_one.bot_token, bot_two.bot_token) == ("xoxb-one-again", "xoxb-two")
    first = await installations.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert first is not None
    assert (first.user_token, first.team_name, first.bot_scopes) == (
        "xoxp-one",
        "Team T1",
        ["chat:write", "channels:history"],
    )
    assert await installations.async_find_bot(enterprise_id=None, team_id="T3") is None


async def test_revocation_forgets_one_workspace_only(store: SqlStore) -> None:
    installations = DatabaseInstallationStore(InstallationRows(store.database))
    await installations.async_save(install("T1", "U1", "xoxb-one", "xoxp-one"))
    await installations.async_save(install("T2", "U9", "xoxb-two", "xoxp-two"))
    await installations.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert await installations.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is not None  # bot token stays
    await installations.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is not None


async def test_a_state_is_consumed_once_by_any_worker(db_url: str) -> None:
    one, two = await SqlStore.open(db_url), await SqlStore.open(db_url)
    try:
        states = [DatabaseStateStore(InstallationRows(s.database)) for s in (one, two)]
        state = await states[0].async_issue()
        results = await asyncio.gather(*(s.async_consume(state) for s in states))
        assert sorted(results) == [False, True]
        assert not await states[0].async_consume("forged")
        stale = DatabaseStateStore(InstallationRows(one.database), lifetime=timedelta(seconds=-1))
        assert not await stale.async_consume(await stale.async_issue())
    finally:
        await one.close()
        await two.close()


async def test_an_uninstall_purges_that_workspace_and_leaves_the_other(store: SqlStore) -> None:
    installations = DatabaseInstallationStore(InstallationRows(store.database))
    await installations.async_save(install("T1", "U1", "xoxb-one", "xoxp-one"))
    await installations.async_save(install("T2", "U9", "xoxb-two", "xoxp-two"))
    gone, _ = await store.create_case(
        make_draft("1.1", platform="slack", community="T1", channel="C1"), CaseStatus.ACTIONED, ActionState.DONE
    )
    kept, _ = await store.create_case(
        make_draft("1.1", platform="slack", community="T2", channel="C1"), CaseStatus.ACTIONED, ActionState.DONE
    )
    await store.set_setting("slack", "T1", "language", "fr")
    await store.set_setting("slack", "T2", "language", "de")

    counts = await InstallationRows(store.database).purge_workspace("T1", START + timedelta(days=1))

    assert counts == {"installations": 2, "settings": 1, "nudges": 0, "cases": 1}
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is not None
    assert await store.get_setting("slack", "T1", "language") is None
    assert await store.get_setting("slack", "T2", "language") == "de"
    purged, other = await store.get_case(gone.id), await store.get_case(kept.id)
    assert purged is not None
    assert other is not None
    assert (purged.content, purged.status) == (None, CaseStatus.ACTIONED)  # the decision stays
    assert other.content == kept.content
    assert [e.event for e in await store.audit_trail(gone.id)][-1] == "purged"
