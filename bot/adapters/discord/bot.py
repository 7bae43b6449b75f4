"""VigieBot, the discord.py Bot that carries the services, and `run_discord` that starts it."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.context import explain_failure
from bot.adapters.discord.i18n import VigieTranslator
from bot.adapters.discord.platform import DiscordPlatform
from bot.adapters.discord.views import DYNAMIC_ITEMS, MODAL_ROUTES
from bot.adapters.discord.views.base import route_modal
from bot.errors import VigieError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

PLATFORM_NAME = "discord"

EXTENSIONS = (
    "cogs.screening",
    "cogs.charter",
    "cogs.appeals",
    "cogs.cases",
    "cogs.reports",
    "cogs.setup",
    "cogs.disclosure",
    "cogs.privacy",
    "cogs.guard",
)
"""Cogs loaded at start, in order."""

LOGIN_FAILED = (
    "Discord refused the token: set DISCORD_TOKEN to the bot token from the Developer Portal "
    "(Applications > your app > Bot > Reset Token)."
)
INTENTS_MISSING = (
    "Discord refused the Message Content intent: enable it in the Developer Portal "
    "(Applications > your app > Bot > Privileged Gateway Intents > Message Content Intent)."
)
NOT_CONFIGURED = "DISCORD_TOKEN is not set: Vigie cannot connect to Discord."


DRAIN_SECONDS = 5.0
_HANDLER_TASKS = (
    "discord.py: ",  # event listeners
    "CommandTree-invoker",  # slash commands and context menus
    "discord-ui-",  # buttons and modals
)


async def drain_handlers(within: float) -> None:
    """Wait until discord.py's handler tasks are done, so a stop never cuts a case between two steps."""
    current = asyncio.current_task()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (left := deadline - loop.time()) > 0:
        busy = [
            task
            for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name().startswith(_HANDLER_TASKS)
        ]
        if not busy:
            return
        await asyncio.wait(busy, timeout=left)
    log.warning("stopping with Discord handlers still running after %.0f s", within)


def vigie_intents() -> discord.Intents:
    """Guilds, guild messages and their content, and AutoMod executions; no member list is needed."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.auto_moderation_execution = True
    return intents


def point_at(settings: Settings) -> None:
    """Send REST calls and the gateway connection to the configured endpoints (proxies, the test fake)."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class VigieTree(app_commands.CommandTree[Any]):
    """The command tree: refusals and core errors are answered privately, in the person's language."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        """Unwrap the handler's exception and explain it."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        await explain_failure(interaction, original)


class VigieBot(commands.Bot):
    """The Discord side of Vigie: holds the services, registers the Discord platform, loads the cogs."""

    def __init__(self, services: Services, *, sync_commands: bool = True, **options: Any) -> None:
        """`options` go to discord.py (tests pass `guild_ready_timeout`, `chunk_guilds_at_startup`)."""
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=vigie_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=VigieTree,
            **options,
        )
        self.services = services
        self.platform = DiscordPlatform(self, services.community, services.policy)
        self.sync_commands = sync_commands

    async def on_message(self, message: discord.Message, /) -> None:
        """Vigie has slash commands only: messages go to the cogs' listeners, never to a prefix parser
        (which would build a command context for every message of every channel)."""

    async def login(self, token: str) -> None:
        """Apply the endpoint settings before the first REST call."""
        point_at(self.services.settings)
        await super().login(token)

    async def setup_hook(self) -> None:
        """Register the platform and persistent buttons, load the cogs, publish the slash commands."""
        self.services.register(self.platform)
        self.services.probes[PLATFORM_NAME] = self.connected
        await self.tree.set_translator(VigieTranslator())
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("published %d application commands", len(synced))

    def connected(self) -> bool:
        """Ready, not closed, and holding a gateway connection (for /healthz)."""
        return self.is_ready() and not self.is_closed() and self.ws is not None

    async def close(self) -> None:
        """Let event and interaction handlers in flight finish (a few seconds at most), then disconnect."""
        await drain_handlers(DRAIN_SECONDS)
        await super().close()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Modal submissions are routed by custom_id, so a form opened before a restart still works."""
        await route_modal(interaction, MODAL_ROUTES)


class ShardedVigieBot(VigieBot, commands.AutoShardedBot):
    """VigieBot on the gateway shards this process was given (VIGIE_SHARD_COUNT, VIGIE_SHARD_IDS).

    Each process runs its own shards; the database is shared, so a case, a claim or a button press
    is handled the same whichever process receives it.
    """


def make_bot(services: Services) -> VigieBot:
    """One unsharded bot, as always; or, with shards configured, the shards this process runs.

    Only the process running shard 0 publishes the slash commands (the same for every shard).
    """
    settings = services.settings
    if settings.shard_count is None:
        return VigieBot(services)
    ids = list(settings.shard_ids or range(settings.shard_count))
    return ShardedVigieBot(services, sync_commands=0 in ids, shard_count=settings.shard_count, shard_ids=ids)


async def run_discord(services: Services) -> None:
    """Run the bot until it is closed; token and intent problems raise `VigieError` with one clear sentence."""
    token = services.settings.discord_token
    if not token:
        raise VigieError(NOT_CONFIGURED)
    bot = make_bot(services)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        raise VigieError(LOGIN_FAILED) from None
    except discord.PrivilegedIntentsRequired:
        raise VigieError(INTENTS_MISSING) from None
    except (aiohttp.ClientError, OSError) as exc:
        # DNS failure, refused connection, proxy down: say where, not a traceback.
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise VigieError(f"cannot reach Discord at {discord.http.Route.BASE}: {reason}") from None
