"""The slack-bolt AsyncApp factory and its two runners: HTTP (Events API) and Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.api import call, install_retries
from bot.adapters.slack.catchup import catch_up
from bot.adapters.slack.clients import Installed, SingleWorkspace, SlackClients
from bot.adapters.slack.commands import SlackCommands
from bot.adapters.slack.convert import PLATFORM
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.disclosure import SlackDisclosure
from bot.adapters.slack.glue import Glue
from bot.adapters.slack.installations import DatabaseInstallationStore, DatabaseStateStore
from bot.adapters.slack.listeners import SlackListeners
from bot.adapters.slack.platform import SlackPlatform
from bot.adapters.slack.privacy import SlackPrivacy
from bot.adapters.slack.uninstall import register_uninstall
from bot.errors import PlatformError, PlatformFailure, VigieError
from bot.runtime import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
USER_SCOPES = ("chat:write",)
"""OAuth: the installing admin's user token deletes members' messages (a bot token may delete only its own)."""
BOT_SCOPES = (
    "channels:history",
    "channels:read",
    "chat:write",
    "chat:write.customize",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:write",
    "usergroups:read",
    "users:read",
)
"""What the manifest asks for; a token missing any of them gets one clear log line."""
WEB_API_TIMEOUT = 30
"""Seconds a Web API call may take, pool wait included (slack_sdk's own default)."""
WEB_API_CONNECTIONS = 100
"""Connections the process keeps open to Slack at most (aiohttp's default)."""


class SlackSetupError(VigieError):
    """Slack cannot start: a missing or refused token. The message is one line, safe to print."""


def http_session() -> aiohttp.ClientSession:
    """One pool of keep-alive connections for every Web API call of the process.

    Without it slack_sdk opens a new session, so a new TCP (and TLS) connection, for each call.
    Call it inside the running event loop, and close it when Slack stops.
    """
    connector = aiohttp.TCPConnector(limit=WEB_API_CONNECTIONS)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT))


def web_client(token: str | None, settings: Settings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """A Web API client for `token`, at SLACK_API_URL if set, with the SDK's retry handlers; over
    `session`'s connections when given (else a new connection per call)."""
    if settings.slack_api_url:
        return install_retries(AsyncWebClient(token=token, base_url=settings.slack_api_url, session=session))
    return install_retries(AsyncWebClient(token=token, session=session))


def oauth_settings(services: Services, settings: Settings) -> AsyncOAuthSettings:
    """bolt's OAuth settings on the project's database: installs at /slack/install, Slack returns to
    /slack/oauth_redirect, states are single-use across workers, events are authorized per workspace."""
    installations = DatabaseInstallationStore(services.installations)
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(settings.slack_scopes or BOT_SCOPES),
        user_scopes=list(USER_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install sends the browser straight to Slack
        installation_store=installations,
        state_store=DatabaseStateStore(services.installations),
    )


def build_slack_app(
    services: Services,
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    admin_client: AsyncWebClient | None = None,
) -> AsyncApp:
    """Build Vigie's Slack app and register SlackPlatform with the services.

    Without `client`, both the bot client and the admin client (an admin's user token, optional)
    are built from `settings`; with `client`, `admin_client` is taken as given (None: degraded
    removals). Signature verification stays on: it applies to HTTP mode, Socket Mode skips it.
    With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET the app installs through OAuth and every workspace
    is served with its own installation's tokens; `client` (if given) only sets where Slack is.
    """
    if settings.slack_oauth:
        return _build_oauth_app(services, settings, client)
    if client is None:
        bot = web_client(settings.slack_bot_token, settings)
        token = settings.slack_admin_user_token
        admin = admin_client or (web_client(token, settings) if token else None)
    else:
        bot, admin = install_retries(client), admin_client
    if admin is not None:
        install_retries(admin)
    app = AsyncApp(
        client=bot,
        signing_secret=settings.slack_signing_secret or "",
        name="vigie",
        logger=logging.getLogger("bot.adapters.slack_bolt"),
    )
    _register(app, services, SingleWorkspace(bot, admin))
    log.info("slack app ready (%s removal)", "full" if admin is not None else "degraded: no admin user token")
    return app


def _build_oauth_app(services: Services, settings: Settings, client: AsyncWebClient | None) -> AsyncApp:
    # bolt gives each request a client with the workspace's token at the base URL of the app's client,
    # and calls oauth.v2.access through it: no token of its own.
    base = client.base_url if client is not None else settings.slack_api_url
    session = client.session if client is not None else None
    bare = install_retries(AsyncWebClient(base_url=base, session=session) if base else AsyncWebClient(session=session))
    oauth = oauth_settings(services, settings)
    app = AsyncApp(
        client=bare,
        signing_secret=settings.slack_signing_secret or "",
        name="vigie",
        logger=logging.getLogger("bot.adapters.slack_bolt"),
        oauth_settings=oauth,
    )
    _register(app, services, Installed(oauth.installation_store, base, session))
    log.info("slack app ready for OAuth installs at %s", INSTALL_PATH)
    return app


def _register(app: AsyncApp, services: Services, clients: SlackClients) -> None:
    directory = SlackDirectory(clients, services.community, services.clock)
    platform = SlackPlatform(clients, directory=directory, policy=services.policy)
    services.register(platform)
    glue = Glue(services, platform, directory)
    SlackListeners(glue).register(app)
    SlackCommands(glue).register(app)
    SlackDisclosure(glue).register(app)
    SlackPrivacy(glue).register(app)
    register_uninstall(app, services)


def _scopes(headers: object) -> set[str] | None:
    if not isinstance(headers, Mapping):  # aiohttp gives a case-insensitive multidict
        return None
    for key, value in headers.items():
        if str(key).lower() == "x-oauth-scopes":
            raw = value[0] if isinstance(value, list) else value
            return {scope.strip() for scope in str(raw).split(",") if scope.strip()}
    return None


async def check_tokens(bot: AsyncWebClient, admin: AsyncWebClient | None) -> AsyncWebClient | None:
    """Ask Slack who the tokens belong to; one clear line per problem.

    A refused bot token stops Slack (SlackSetupError). A refused admin token only degrades
    removals, so it is dropped with an error line and the admin client returned is None.
    """
    try:
        response = await call(bot.auth_test(), "auth.test")
    except PlatformError as exc:
        if exc.failure is PlatformFailure.UNAVAILABLE:
            # DNS failure, refused connection, timeout: Slack never saw the token.
            raise SlackSetupError(
                f"slack: cannot reach Slack at {bot.base_url} ({exc.detail or exc.failure.value})"
            ) from None
        raise SlackSetupError(
            f"slack: SLACK_BOT_TOKEN was refused by Slack ({exc.detail or exc.failure.value})"
        ) from exc
    granted = _scopes(response.headers)
    missing = sorted(set(BOT_SCOPES) - granted) if granted is not None else []
    if missing:
        log.error("slack: the bot token lacks %s; reinstall the app from slack-app-manifest.yml", ", ".join(missing))
    if admin is None:
        log.warning("slack: no SLACK_ADMIN_USER_TOKEN; removals will ask authors to edit or delete their message")
        return None
    try:
        await call(admin.auth_test(), "auth.test (admin)")
    except PlatformError as exc:
        log.error(
            "slack: SLACK_ADMIN_USER_TOKEN was refused (%s); removals are degraded", exc.detail or exc.failure.value
        )
        return None
    return admin


async def serve_http(app: AsyncApp, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve the app's Events API endpoint (`/slack/events`); return the runner and the bound port."""
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH, port=port))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server  # aiohttp exposes the bound port only here (port 0 picks a free one)
    sockets = getattr(server, "sockets", None) or []
    bound = int(sockets[0].getsockname()[1]) if sockets else port
    return runner, bound


Started = Callable[[], Coroutine[Any, Any, None]]
"""What to run once the app is up (the catch-up), alongside serving."""


async def _serve_until_cancelled(started: Started | None) -> None:
    task: asyncio.Task[None] | None = asyncio.create_task(started()) if started is not None else None
    try:
        await asyncio.Event().wait()
    finally:
        if task is not None and not task.done():
            task.cancel()


async def run_http(
    app: AsyncApp,
    port: int,
    host: str = "0.0.0.0",  # noqa: S104 - Slack must reach it
    started: Started | None = None,
) -> None:
    """HTTP mode until cancelled: signed requests only (401 on bad or stale signatures)."""
    runner, bound = await serve_http(app, host, port)
    log.info("slack: HTTP mode listening on %s:%d%s", host, bound, EVENTS_PATH)
    try:
        await _serve_until_cancelled(started)
    finally:
        await runner.cleanup()


async def run_socket_mode(
    app: AsyncApp,
    app_token: str,
    started: Started | None = None,
    reconnected: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Socket Mode until cancelled: Slack pushes events over a websocket, no public URL needed.

    `reconnected()` is called at each new connection after the first (its "hello"), before the
    connection's events are handled, and the awaitable it returns runs alongside them.
    """
    handler = AsyncSocketModeHandler(app, app_token)
    hellos = 0
    catching_up: set[asyncio.Task[None]] = set()

    async def on_hello(client: Any, message: dict[str, Any], raw: str | None) -> None:
        nonlocal hellos
        if message.get("type") != "hello":
            return
        hellos += 1
        if hellos > 1 and reconnected is not None:
            log.warning("slack: Socket Mode reconnected; reading what was posted meanwhile")
            task = asyncio.ensure_future(reconnected())
            catching_up.add(task)
            task.add_done_callback(catching_up.discard)

    handler.client.message_listeners.append(on_hello)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("slack: Socket Mode connected")
    try:
        await _serve_until_cancelled(started)
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def run_slack(services: Services) -> None:
    """Check the tokens, build the app and run it in the mode the settings allow."""
    settings = services.settings
    mode = settings.slack_mode
    if mode is None or settings.missing_for("slack"):
        raise SlackSetupError("slack: missing " + ", ".join(settings.missing_for("slack")))
    # The gap starts at the marks as they were before any live event of this run could move them.
    marks = await services.marks.of(PLATFORM)

    async def started() -> None:
        try:
            await catch_up(services, marks)
        except Exception:
            log.exception("slack catch-up failed")

    def reconnected() -> Awaitable[None]:
        # Taken now, at the new connection's hello: its first events must not move the gap's start.
        snapshot = services.marks.snapshot(PLATFORM)

        async def gap() -> None:
            try:
                await catch_up(services, await services.marks.pinned(PLATFORM, snapshot))
            except Exception:
                log.exception("slack catch-up after a reconnect failed")

        return gap()

    async with http_session() as session:  # every Web API call of this run reuses its connections
        if settings.slack_oauth:  # tokens come with each installation; nothing to check before serving
            app = build_slack_app(services, settings, client=web_client(None, settings, session))
            await services.moderation.resume_pending(PLATFORM)
            services.probes[PLATFORM] = lambda: True
            await run_http(app, settings.http_port, settings.http_host, started)
            return
        bot = web_client(settings.slack_bot_token, settings, session)
        token = settings.slack_admin_user_token
        admin = web_client(token, settings, session) if token else None
        admin = await check_tokens(bot, admin)  # a refused bot token raises SlackSetupError (one line)
        app = build_slack_app(services, settings, client=bot, admin_client=admin)
        await services.moderation.resume_pending(PLATFORM)
        services.probes[PLATFORM] = lambda: True  # serving (HTTP) or connected (Socket Mode reconnects by itself)
        if mode == "socket" and settings.slack_app_token:
            await run_socket_mode(app, settings.slack_app_token, started, reconnected)
        else:
            await run_http(app, settings.http_port, settings.http_host, started)
