"""A small community history built through the real CLI and services: removals, a report, appeals, a nudge."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.__main__ import main
from bot.models import Actor, Message
from bot.offline import OfflinePlatform
from bot.runtime import Services, build_services
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHARTER = ROOT / "policies" / "charter.toml"

MEMBER_ID = "lucas-7731"
OTHER_ID = "dana-4402"
MODERATOR = Actor("cli", "mod-ines-5150", "Ines", is_moderator=True, community="cli")
OTHER_MODERATOR = Actor("cli", "mod-omar-6262", "Omar", is_moderator=True, community="cli")
INSULT = "Franchement t'es qu'un connard ZQXW-insulte, va-t'en."
SPAM = "Free N I T R O for everyone ZQXW-spam https://grabify.link/abc123"
SPONSORED = "Trop bien ce casque ZQXW-casque, code promo LUCAS10 sur https://amzn.to/3xYzAbC"
OTHERS = "Espèce de connard, dégage DANA-KEEP"
APPEAL_OPEN = "ZQXW-appel-ouvert je citais quelqu'un"
APPEAL_DECIDED = "ZQXW-appel-tranche ce n'était pas du spam"
REPORT_NOTE = "ZQXW-signalement ce message me gêne"
REPORTED = "Le vaccin contient des puces DANA-REPORTED"
MEMBER_STRINGS = (MEMBER_ID, "ZQXW")


@dataclass
class History:
    """Where the history lives and the case numbers it made."""

    db: Path  # the SQLite file (meaningless for PostgreSQL: use `location`)
    location: str
    insult_case: int
    spam_case: int
    others_case: int
    report_case: int
    reviewed_case: int
    manual_case: int


def transcript(path: Path) -> Path:
    lines = [
        {"id": "m1", "author": MEMBER_ID, "channel": "general", "lang": "fr", "text": INSULT},
        {"id": "m2", "author": MEMBER_ID, "channel": "general", "lang": "en", "text": SPAM},
        {"id": "m3", "author": OTHER_ID, "channel": "general", "lang": "fr", "text": OTHERS},
        {"id": "m4", "author": MEMBER_ID, "channel": "general", "lang": "fr", "roles": ["team"], "text": SPONSORED},
        {"id": "m5", "author": OTHER_ID, "channel": "general", "lang": "fr", "text": REPORTED},
        {"id": "m6", "author": "camille", "channel": "general", "lang": "fr", "text": "Achetez mes stickers ici"},
        {"id": "m7", "author": OTHER_ID, "channel": "general", "lang": "fr", "text": "Quel con celui-là"},
    ]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    return path


async def open_services(db: Path | str) -> Services:
    services = await build_services(Settings(db_path=str(db), charter_path=str(CHARTER)))
    services.register(OfflinePlatform())
    return services


def build_history(tmp: Path, location: str | None = None) -> History:
    """Screen the transcript with `screen --db`, then appeal, decide and report through the services.

    `location` is a database URL (PostgreSQL); by default a SQLite file in `tmp`.
    """
    tmp.mkdir(parents=True, exist_ok=True)
    db = location or str(tmp / "vigie.sqlite3")
    assert main(["screen", "--charter", str(CHARTER), "--db", db, str(transcript(tmp / "t.jsonl"))]) == 0
    return asyncio.run(_moderate(db))


async def _moderate(db: str) -> History:
    services = await open_services(db)
    try:
        store = services.store
        insult = await store.case_for_message("cli", "cli", "general", "m1")
        spam = await store.case_for_message("cli", "cli", "general", "m2")
        others = await store.case_for_message("cli", "cli", "general", "m3")
        assert insult
        assert spam
        assert others
        member = Actor("cli", MEMBER_ID, MEMBER_ID, community="cli")
        await services.cases.appeal(insult.id, member, APPEAL_OPEN)
        await services.cases.appeal(spam.id, member, APPEAL_DECIDED)
        await services.cases.decide(spam.id, MODERATOR, "overturn", "Le lien était légitime")
        reported = await services.moderation.report(message("m5", OTHER_ID, REPORTED), member, REPORT_NOTE)
        await services.cases.remove_from_review(reported.id, OTHER_MODERATOR, "Fausse information dangereuse")
        held = await store.case_for_message("cli", "cli", "general", "m7")
        assert held is not None
        await services.cases.remove_from_review(held.id, MODERATOR, "Insulte")
        manual = await services.moderation.remove_manually(
            message("m6", "camille", "Achetez mes stickers ici"), "spam", MODERATOR, "Publicité hors sujet"
        )
        return History(Path(db), db, insult.id, spam.id, others.id, reported.id, held.id, manual.id)
    finally:
        await services.close()


def message(message_id: str, author: str, text: str) -> Message:
    return Message(
        platform="cli",
        community="cli",
        channel="general",
        id=message_id,
        author=Actor("cli", author, author, community="cli"),
        text=text,
        created_at=datetime.now(UTC),
        lang="fr",
    )


def database_bytes(db: Path) -> bytes:
    """The database file and any write-ahead log or shared-memory file beside it."""
    blobs = [db.read_bytes()]
    for suffix in ("-wal", "-shm", "-journal"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            blobs.append(side.read_bytes())
    return b"".join(blobs)
