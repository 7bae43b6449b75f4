"""Builds the transparency report (the figures of every community for a period) and writes it as HTML and JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.charter.model import Charter
from bot.store.transparency import TransparencyStore
from bot.transparency.figures import community_figures, report_document
from bot.transparency.page import render_page


async def build_report(
    store: TransparencyStore,
    charter: Charter,
    since: datetime,
    until: datetime,
    now: datetime,
    *,
    only: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Figures for cases created in [since, until), per community (or only one)."""
    found = sorted(set(await store.communities()) | set(await store.nudge_communities()))
    scopes = [only] if only is not None else found
    communities = []
    for platform, community in scopes:
        cases = await store.decided_cases(platform=platform, community=community, since=since, until=until)
        nudges = await store.nudge_counts(platform, community, since, until)
        guards = await store.guards(platform, community)
        events = await store.guard_events(platform, community, since, until)
        communities.append(community_figures(charter, platform, community, cases, nudges, guards, events))
    return report_document(charter, since, until, now, communities)


def write_report(document: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """`folder/index.html` and `folder/report.json`, from the same document."""
    folder.mkdir(parents=True, exist_ok=True)
    page, data = folder / "index.html", folder / "report.json"
    page.write_text(render_page(document), encoding="utf-8")
    data.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return page, data
