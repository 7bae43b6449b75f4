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
    except discord.RateLimited as exc:
        # discord.py gave up waiting (max_ratelimit_timeout): a rate limit is never final.
        raise PlatformError(
            PlatformFailure.RATE_LIMITED, f"{action}: rate limited", retry_after=exc.retry_after
        ) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:
            raise PlatformError(
                PlatformFailure.RATE_LIMITED, f"{action}: HTTP 429", retry_after=_retry_after(exc)
            ) from exc
        failure = PlatformFailure.UNAVAILABLE if exc.status >= 500 else PlatformFailure.UNSUPPORTED
        raise PlatformError(failure, f"{action}: HTTP {exc.status} ({exc.code})") from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise PlatformError(PlatformFailure.UNAVAILABLE, f"{action}: {type(exc).__name__}") from exc


def _retry_after(exc: discord.HTTPException) -> float | None:
    """Seconds Discord asked to wait: the Retry-After header, else none (the caller backs off)."""
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
