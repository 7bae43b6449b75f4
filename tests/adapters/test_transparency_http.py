"""The running bot's /transparency page: served from the store when enabled, same figures as report.json."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.transparency_http import add_transparency_routes
from bot.runtime import build_services
from bot.settings import Settings
from tests.accountability_scenario import CHARTER
from tests.transparency import report_data


def test_the_setting_comes_from_the_environment() -> None:
    assert Settings.from_env({"VIGIE_TRANSPARENCY": "on"}).transparency_page
    assert not Settings.from_env({}).transparency_page


async def test_the_page_and_its_figures_are_served(tmp_path: Path) -> None:
    db = await asyncio.to_thread(report_data.build, tmp_path / "data")
    services = await build_services(Settings(db_path=str(db), charter_path=str(CHARTER), transparency_page=True))
    app = web.Application()
    add_transparency_routes(app, services)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        page = await client.get("/transparency")
        assert page.status == 200
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        html = await page.text()
        assert "<svg" in html
        assert "Transparency report" in html
        figures = await (await client.get("/transparency/report.json")).json()
        [community] = figures["communities"]
        assert community["decisions"] == report_data.INSULTS + report_data.SPAM + report_data.COARSE
        assert f'data-figure="decisions">{community["decisions"]}<' in html
    finally:
        await client.close()
        await services.close()
