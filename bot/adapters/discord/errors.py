"""Translation of discord.py and network errors into the core's PlatformError."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
import discord

from bot.errors import PlatformError, PlatformFailure


@contextlib.asynccontextmanager
async def translated_errors(action: str) -> AsyncIterator[None]:
    """Turn discord.py and network errors into the core's PlatformError."""
    try:
        yield
    except discord.Forbidden as exc:
        raise PlatformError(PlatformFailure.FORBIDDEN, f"{action}: missing permission ({exc.code})") from exc
    except discord.NotFound as exc:
        raise PlatformError(PlatformFailure.NOT_FOUND, f"{action}: not found ({exc.code})") from exc
    except discord.HTTPException as exc:
        failure = PlatformFailure.UNAVAILABLE if exc.status >= 500 or exc.status == 429 else PlatformFailure.UNSUPPORTED
        raise PlatformError(failure, f"{action}: HTTP {exc.status} ({exc.code})") from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise PlatformError(PlatformFailure.UNAVAILABLE, f"{action}: {type(exc).__name__}") from exc
