"""Per-guild settings and interaction helpers shared by the Discord cogs, views and platform."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import discord
from discord import app_commands

from bot.adapters.discord.convert import PLATFORM, to_actor
from bot.adapters.discord.i18n import lang_of
from bot.community import (
    LANGUAGE,
    LOG_CHANNEL,
    MODERATOR_ROLE,
    NOTICE_SECONDS,
    PUBLISHED_CHARTER,
    REVIEW_CHANNEL,
    CommunityService,
)
from bot.errors import NotFoundError, PlatformError, Refused, TransitionError
from bot.i18n import tr
from bot.models import Actor

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["LANGUAGE", "LOG_CHANNEL", "MODERATOR_ROLE", "NOTICE_SECONDS", "PUBLISHED_CHARTER", "REVIEW_CHANNEL"]


class HasServices(Protocol):
    """A discord.py client that carries the Vigie services (the bot)."""

    services: Services


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One guild's Vigie settings with their declared defaults (bot/community.py), from the cache."""

    review_channel: int | None
    log_channel: int | None
    moderator_role: str | None
    notice_seconds: int
    language: str | None

    @classmethod
    async def load(cls, community: CommunityService, guild_id: int | str) -> GuildSettings:
        """A guild's settings; the store is read only the first time (and after a change)."""
        settings = await community.of(PLATFORM, str(guild_id))
        review, log_channel = settings.get(REVIEW_CHANNEL), settings.get(LOG_CHANNEL)
        return cls(
            review_channel=_channel_id(review),
            log_channel=_channel_id(log_channel),
            moderator_role=settings.get(MODERATOR_ROLE),
            notice_seconds=settings.get(NOTICE_SECONDS),
            language=settings.get(LANGUAGE),
        )


def _channel_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def services_of(interaction: discord.Interaction[Any]) -> Services:
    """The services of the bot that received the interaction."""
    client: HasServices = interaction.client
    return client.services


async def actor_for(interaction: discord.Interaction[Any]) -> Actor:
    """The person behind an interaction, a moderator (or not) in the guild the interaction comes from only."""
    role = None
    if interaction.guild_id is not None:
        role = (await GuildSettings.load(services_of(interaction).community, interaction.guild_id)).moderator_role
    return to_actor(
        interaction.user,
        permissions=interaction.permissions,
        moderator_role=role,
        locale=interaction.locale,
        community=str(interaction.guild_id) if interaction.guild_id is not None else "",
    )


async def card_language(interaction: discord.Interaction[Any]) -> str:
    """The language the guild's cards are written in (its setting, else the charter's)."""
    services = services_of(interaction)
    if interaction.guild_id is not None:
        language = (await GuildSettings.load(services.community, interaction.guild_id)).language
        if language:
            return language
    return services.policy.charter.default_language


def user_lang(interaction: discord.Interaction[Any]) -> str:
    """The interface language of the person who interacted."""
    return lang_of(interaction.locale)


async def reply(
    interaction: discord.Interaction[Any], content: str | None, *, ephemeral: bool = True, **kwargs: Any
) -> None:
    """Answer an interaction, whether or not it was already answered; mentions nobody."""
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def refuse(interaction: discord.Interaction[Any], key: str, **values: object) -> None:
    """Tell the person, privately and in their language, why nothing happened."""
    await reply(interaction, tr(key, user_lang(interaction), **values))


async def guarded(interaction: discord.Interaction[Any], action: Awaitable[Any]) -> None:
    """Run an interaction handler; refusals from the core reach the person privately, nothing crashes."""
    try:
        await action
    except Exception as exc:
        await explain_failure(interaction, exc)


async def explain_failure(interaction: discord.Interaction[Any], exc: BaseException) -> None:
    """Tell the person why their action did not happen: the core's sentence, or a short generic line."""
    try:
        if isinstance(exc, NotModerator):
            await refuse(interaction, "discord.not_moderator")
        elif isinstance(exc, NotAdmin):
            await refuse(interaction, "discord.not_admin")
        elif isinstance(exc, app_commands.NoPrivateMessage):
            await refuse(interaction, "discord.guild_only")
        elif isinstance(exc, Refused):
            # The core's refusal, in the person's language (its English sentence is for logs).
            await refuse(interaction, exc.key, **exc.values)
        elif isinstance(exc, TransitionError | NotFoundError):
            await reply(interaction, str(exc))
        elif isinstance(exc, PlatformError):
            log.warning("discord action failed for interaction %s: %s", interaction.id, exc)
            await refuse(interaction, "discord.platform_failed", detail=exc.failure.value)
        elif isinstance(exc, discord.HTTPException):
            log.warning("discord refused an answer to interaction %s: HTTP %s", interaction.id, exc.status)
        else:
            log.error("interaction %s failed", interaction.id, exc_info=exc)
            await refuse(interaction, "discord.failed")
    except discord.HTTPException as again:
        log.warning("could not answer interaction %s: HTTP %s", interaction.id, again.status)


class NotModerator(app_commands.CheckFailure):
    """The person is neither allowed to manage messages nor holds the moderator role."""


class NotAdmin(app_commands.CheckFailure):
    """The person may not manage the server."""


def moderators_only() -> Callable[[T], T]:
    """A runtime check on top of `default_permissions`, which server admins can loosen."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not (await actor_for(interaction)).is_moderator:
            raise NotModerator()
        return True

    return app_commands.check(predicate)


def admins_only() -> Callable[[T], T]:
    """Only people who can manage the server."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        permissions = interaction.permissions
        if not (permissions.manage_guild or permissions.administrator):
            raise NotAdmin()
        return True

    return app_commands.check(predicate)
