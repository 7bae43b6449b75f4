"""A community history large enough for the report to publish exact figures (5 or more per cell)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.__main__ import main
from bot.models import Actor
from tests.accountability_scenario import CHARTER, MODERATOR, open_services

INSULTS, SPAM, COARSE, APPEALED, OVERTURNED = 12, 6, 5, 6, 4


def build(tmp: Path) -> Path:
    """Screen 23 messages with `screen --db`, then appeal six removals and decide them (four overturned)."""
    tmp.mkdir(parents=True, exist_ok=True)
    lines = [
        *({"id": f"i{n}", "author": f"a{n}", "text": "t'es qu'un connard"} for n in range(INSULTS)),
        *({"id": f"s{n}", "author": f"b{n}", "text": f"free nitro https://grabify.link/x{n}"} for n in range(SPAM)),
        *({"id": f"c{n}", "author": f"c{n}", "text": "quel con celui-là"} for n in range(COARSE)),
        {"id": "ok", "author": "d", "text": "Bonjour à tous"},
    ]
    transcript = tmp / "t.jsonl"
    transcript.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    db = tmp / "vigie.sqlite3"
    assert main(["screen", "--charter", str(CHARTER), "--db", str(db), str(transcript)]) == 0
    asyncio.run(_appeals(db))
    return db


async def _appeals(db: Path) -> None:
    services = await open_services(db)
    try:
        for n in range(APPEALED):
            case = await services.store.case_for_message("cli", "cli", "general", f"i{n}")
            assert case is not None
            await services.cases.appeal(case.id, Actor("cli", f"a{n}", community="cli"), "je citais")
            await services.cases.decide(case.id, MODERATOR, "overturn" if n < OVERTURNED else "uphold", "vu")
    finally:
        await services.close()
