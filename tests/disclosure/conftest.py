"""Fixtures for the disclosure tests: the shipped charter with its [disclosure] section, messages, a nudge store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.charter import loader
from bot.charter.disclosure_model import DisclosurePolicy
from bot.charter.disclosure_section import parse_disclosure_section
from bot.charter.model import Charter
from bot.models import Actor, Message
from bot.store import SqlStore
from bot.store.nudges import NudgeStore
from tests.fakes import START, FakeClock

ROOT = Path(__file__).resolve().parents[2]
CHARTER = ROOT / "policies" / "charter.toml"
DRAFT = ROOT / "policies" / "disclosure-section.toml.draft"

TEAM = Actor("discord", "u-team", "Camille", roles=("Équipe",), locale="fr")
MEMBER = Actor("discord", "u-member", "Alex", roles=("member",), locale="en-US")


def shipped_text() -> str:
    """The shipped charter with its [disclosure] section (appended from the draft until it is merged)."""
    text = CHARTER.read_text(encoding="utf-8")
    if "\n[disclosure]" not in text and DRAFT.exists():
        text += DRAFT.read_text(encoding="utf-8")
    return text


def parse_with_section(text: str, source: str = "policies/charter.toml") -> Charter:
    """Parse a charter with the [disclosure] parser registered, whatever the loader registers itself."""
    added = "disclosure" not in loader.SECTION_PARSERS
    if added:
        loader.SECTION_PARSERS["disclosure"] = parse_disclosure_section
    try:
        return loader.parse_charter(text, source)
    finally:
        if added:
            del loader.SECTION_PARSERS["disclosure"]


@pytest.fixture(scope="session")
def charter() -> Charter:
    return parse_with_section(shipped_text())


@pytest.fixture(scope="session")
def policy(charter: Charter) -> DisclosurePolicy:
    assert charter.disclosure is not None
    return charter.disclosure


MessageFactory = Callable[..., Message]


@pytest.fixture
def post() -> MessageFactory:
    counter = iter(range(1, 1_000_000))

    def make(
        text: str,
        *,
        author: Actor = TEAM,
        lang: str | None = None,
        message_id: str | None = None,
        community: str = "g-1",
        channel: str = "c-1",
    ) -> Message:
        return Message(
            platform=author.platform,
            community=community,
            channel=channel,
            id=message_id or f"m-{next(counter)}",
            author=author,
            text=text,
            created_at=START,
            lang=lang,
        )

    return make


@dataclass
class Holder:
    """The policy holder the service reads the charter from (like bot.policy.ActivePolicy)."""

    charter: Charter


@pytest.fixture
def db_path(db_url: str) -> str:
    """The test's database on each engine in turn: a SQLite file, then a PostgreSQL database."""
    return db_url


async def open_nudge_store(location: str | Path) -> tuple[NudgeStore, SqlStore]:
    """Open the database (migrated) with its own connection, as another process would; close the SqlStore."""
    main = await SqlStore.open(location)
    return NudgeStore(main.database), main


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[NudgeStore]:
    nudge_store, conn = await open_nudge_store(db_path)
    yield nudge_store
    await conn.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)
