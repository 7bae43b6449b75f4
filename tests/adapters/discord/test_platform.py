"""Small pure parts of the Discord glue: error translation, webhook names, message splitting, modal values."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.adapters.discord.errors import translated_errors
from bot.adapters.discord.platform import webhook_name
from bot.adapters.discord.render import chunks
from bot.adapters.discord.views.base import submitted_values
from bot.errors import PlatformError, PlatformFailure


def http_error(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="fake")
    return kind(response, {"code": 50013, "message": "fake"})


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (http_error(discord.Forbidden, 403), PlatformFailure.FORBIDDEN),
        (http_error(discord.NotFound, 404), PlatformFailure.NOT_FOUND),
        (http_error(discord.DiscordServerError, 503), PlatformFailure.UNAVAILABLE),
        (http_error(discord.HTTPException, 429), PlatformFailure.RATE_LIMITED),
        (http_error(discord.HTTPException, 400), PlatformFailure.UNSUPPORTED),
        (aiohttp.ClientConnectionError("reset"), PlatformFailure.UNAVAILABLE),
        (TimeoutError(), PlatformFailure.UNAVAILABLE),
    ],
)
async def test_discord_errors_become_platform_errors(error: Exception, failure: PlatformFailure) -> None:
    with pytest.raises(PlatformError) as caught:
        async with translated_errors("delete"):
            raise error
    assert caught.value.failure is failure
    assert caught.value.detail.startswith("delete")


async def test_other_errors_are_not_hidden() -> None:
    with pytest.raises(KeyError):
        async with translated_errors("delete"):
            raise KeyError("bug")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice", "Alice"),
        ("Discord fan", "D\u200biscord fan"),
        ("ClydeBot", "C\u200blydeBot"),
        ("everyone", "e\u200bveryone"),
        ("  ", "member"),
        ("x" * 100, "x" * 80),
    ],
)
def test_webhook_names_are_ones_discord_accepts(name: str, expected: str) -> None:
    assert webhook_name(name) == expected


@pytest.mark.parametrize("limit", [20, 2000])
def test_chunks_split_on_lines_within_the_limit(limit: int) -> None:
    text = "\n".join(f"line {n} " + "word " * (n % 7) for n in range(300)) + "\n" + "z" * 45
    pieces = list(chunks(text, limit))
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert "".join(pieces) == text


def test_modal_values_from_text_inputs_and_labelled_selects() -> None:
    data = {
        "custom_id": "vigie:remove-form:1:2",
        "components": [
            {"type": 18, "id": 1, "component": {"type": 3, "custom_id": "clause", "values": ["respect"]}},
            {"type": 1, "components": [{"type": 4, "custom_id": "reason", "value": "rude"}]},
            {"type": 18, "id": 3, "component": {"type": 4, "custom_id": "note", "value": ""}},
        ],
    }
    assert submitted_values(data) == {"clause": "respect", "reason": "rude", "note": ""}
