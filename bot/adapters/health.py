"""The health endpoint (GET /healthz) of a running bot, and the probe behind `python -m bot health`."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from aiohttp import web

from bot.adapters.transparency_http import add_transparency_routes
from bot.runtime import Services

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


async def serve_health(services: Services, host: str, port: int) -> web.AppRunner:
    """Serve /healthz: 200 with the state of the database and each platform, 503 when one is down."""

    async def healthz(_: web.Request) -> web.Response:
        report = await services.health()
        status = 200 if report["ok"] else 503
        return web.json_response(report, status=status)

    app = web.Application()
    app.router.add_get(HEALTH_PATH, healthz)
    if services.settings.transparency_page:
        add_transparency_routes(app, services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health endpoint on %s:%d%s", host, port, HEALTH_PATH)
    return runner


def probe(host: str, port: int, *, timeout: float = 3.0) -> tuple[bool, str]:
    """Ask a running bot how it is: (healthy, one line saying why)."""
    target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a wildcard bind is reached locally
    url = f"http://{target}:{port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read())
        except ValueError:
            return False, f"unhealthy: HTTP {exc.code} from {url}"
        return False, "unhealthy: " + _summary(body)
    except (OSError, ValueError) as exc:
        return False, f"no bot answers at {url} ({getattr(exc, 'reason', exc)})"
    return True, "healthy: " + _summary(body)


def _summary(body: object) -> str:
    if not isinstance(body, dict):
        return "unreadable answer"
    parts = [f"{name} {'up' if ok else 'DOWN'}" for name, ok in sorted((body.get("checks") or {}).items())]
    backlog = body.get("backlog")
    if backlog is not None:
        parts.append(f"backlog {backlog}")
    return ", ".join(parts) or "nothing to check"
