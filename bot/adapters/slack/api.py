"""Slack Web API calls with their errors mapped to the core's PlatformError, and retry handlers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import PlatformError, PlatformFailure

log = logging.getLogger(__name__)

FAILURES: dict[str, PlatformFailure] = {
    "missing_scope": PlatformFailure.FORBIDDEN,
    "not_allowed_token_type": PlatformFailure.FORBIDDEN,
    "cant_delete_message": PlatformFailure.FORBIDDEN,
    "cant_update_message": PlatformFailure.FORBIDDEN,
    "restricted_action": PlatformFailure.FORBIDDEN,
    "not_authed": PlatformFailure.FORBIDDEN,
    "invalid_auth": PlatformFailure.FORBIDDEN,
    "account_inactive": PlatformFailure.FORBIDDEN,
    "token_revoked": PlatformFailure.FORBIDDEN,
    "message_not_found": PlatformFailure.NOT_FOUND,
    "thread_not_found": PlatformFailure.NOT_FOUND,
    "user_not_found": PlatformFailure.NOT_FOUND,
    "not_in_channel": PlatformFailure.NOT_IN_CHANNEL,
    "channel_not_found": PlatformFailure.NOT_IN_CHANNEL,
    "user_not_in_channel": PlatformFailure.NOT_IN_CHANNEL,
    "is_archived": PlatformFailure.NOT_IN_CHANNEL,
    "ratelimited": PlatformFailure.RATE_LIMITED,
}


def install_retries(client: AsyncWebClient, *, rate_limit_retries: int = 3) -> AsyncWebClient:
    """Give `client` the SDK's retry handlers: connection errors, 5xx, and 429 honouring Retry-After."""
    kinds = {type(handler) for handler in client.retry_handlers}
    wanted: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
    ]
    client.retry_handlers.extend(handler for handler in wanted if type(handler) not in kinds)
    return client


def slack_error_code(exc: SlackApiError) -> str:
    """The `error` field of a failed Web API response."""
    data = exc.response.data if exc.response is not None else None
    return str(data.get("error", "unknown")) if isinstance(data, dict) else "unknown"


def to_platform_error(exc: Exception, what: str) -> PlatformError:
    """Map a Slack or network failure to the core's vocabulary, logging one clear line."""
    if isinstance(exc, SlackApiError):
        code = slack_error_code(exc)
        failure = FAILURES.get(code, PlatformFailure.UNAVAILABLE)
        if code == "missing_scope":
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            needed = data.get("needed", "?")
            log.error("slack: %s needs the %s scope; add it from slack-app-manifest.yml and reinstall", what, needed)
            return PlatformError(failure, f"missing_scope {needed}")
        if failure is PlatformFailure.RATE_LIMITED:
            headers = exc.response.headers if exc.response is not None else {}
            found = next((v for k, v in (headers or {}).items() if str(k).lower() == "retry-after"), None)
            raw = str(found[0] if isinstance(found, list) and found else found)
            try:
                wait: float | None = float(raw) if found is not None else None
            except ValueError:
                wait = None
            log.warning("slack: %s rate limited (retry after %s s)", what, wait)
            return PlatformError(failure, code, retry_after=wait)
        if failure is PlatformFailure.NOT_IN_CHANNEL:
            log.warning("slack: %s failed with %s; invite the app to the channel", what, code)
        else:
            log.warning("slack: %s failed with %s", what, code)
        return PlatformError(failure, code)
    log.warning("slack: %s failed: %s", what, type(exc).__name__)
    return PlatformError(PlatformFailure.UNAVAILABLE, type(exc).__name__)


async def call(request: Awaitable[AsyncSlackResponse], what: str) -> AsyncSlackResponse:
    """Await one Web API call; raise PlatformError on any Slack, network or timeout failure."""
    try:
        return await request
    except (TimeoutError, SlackApiError, aiohttp.ClientError) as exc:
        raise to_platform_error(exc, what) from exc
