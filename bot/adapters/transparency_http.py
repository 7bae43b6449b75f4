"""The public transparency page of a running bot: GET /transparency (HTML) and /transparency/report.json."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web

from bot.runtime import Services
from bot.transparency.page import CSP, render_page
from bot.transparency.report import build_report

log = logging.getLogger(__name__)

PAGE_PATH = "/transparency"
JSON_PATH = "/transparency/report.json"


async def _document(services: Services) -> dict[str, object]:
    charter = services.policy.charter
    now = services.clock.now()
    days = charter.transparency.period_days if charter.transparency else 90
    return await build_report(services.transparency, charter, now - timedelta(days=days), now, now)


def add_transparency_routes(app: web.Application, services: Services) -> None:
    """Serve the page and its figures, computed from the store at each request (for the charter's period)."""

    drawing = asyncio.Lock()  # matplotlib's pyplot is not thread-safe: one chart at a time, off the event loop

    async def page(_: web.Request) -> web.Response:
        document = await _document(services)
        async with drawing:
            html = await asyncio.to_thread(render_page, document)
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)

    async def figures(_: web.Request) -> web.Response:
        return web.json_response(await _document(services))

    app.router.add_get(PAGE_PATH, page)
    app.router.add_get(JSON_PATH, figures)
    log.info("transparency page served at %s", PAGE_PATH)
