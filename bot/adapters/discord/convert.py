"""Pure conversions from discord.py objects to the core's models (Message, Actor)."""

from __future__ import annotations

import hashlib
from datetime import datetime

import discord

from bot.models import Actor, Message

PLATFORM = "discord"


def is_moderator(user: discord.abc.User, permissions: discord.Permissions | None, moderator_role: str | None) -> bool:
    """Moderators can manage messages where they act, or hold the guild's configured moderator role."""
    if permissions is not None and (permissions.manage_messages or permissions.administrator):
        return True
    if moderator_role and isinstance(user, discord.Member):
        return any(str(role.id) == moderator_role for role in user.roles)
    return False


def role_keys(user: discord.abc.User) -> tuple[str, ...]:
    """Role ids and names, so a charter's `exempt_roles` may name either; @everyone is left out."""
    if not isinstance(user, discord.Member):
        return ()
    keys: list[str] = []
    for role in user.roles:
        if role.is_default():
            continue
        keys += [str(role.id), role.name]
    return tuple(keys)


def to_actor(
    user: discord.abc.User,
    *,
    permissions: discord.Permissions | None = None,
    moderator_role: str | None = None,
    locale: discord.Locale | str | None = None,
    community: str = "",
) -> Actor:
    """The core's view of a Discord user acting in guild `community`, with their permissions in that channel."""
    avatar = user.display_avatar.url if user.display_avatar else None
    loc = locale.value if isinstance(locale, discord.Locale) else locale
    return Actor(
        platform=PLATFORM,
        id=str(user.id),
        name=user.display_name,
        roles=role_keys(user),
        locale=loc,
        is_moderator=is_moderator(user, permissions, moderator_role),
        avatar_url=avatar,
        community=community,
    )


def channel_permissions(message: discord.Message) -> discord.Permissions | None:
    """The author's permissions in the message's channel, when the guild is cached."""
    channel = message.channel
    if isinstance(message.author, discord.Member) and isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return channel.permissions_for(message.author)
    return None


def mention_count(message: discord.Message) -> int:
    """Distinct users and roles mentioned; @everyone/@here counts as one."""
    users = {user.id for user in message.mentions if user.id != message.author.id}
    roles = {role.id for role in message.role_mentions} | set(message.raw_role_mentions)
    return len(users) + len(roles) + (1 if message.mention_everyone else 0)


def has_image(message: discord.Message) -> bool:
    """Whether the post carries an image: an image attachment or an image embed."""
    if any((a.content_type or "").startswith("image/") for a in message.attachments):
        return True
    return any(embed.type in {"image", "gifv"} or embed.image for embed in message.embeds)


def to_message(
    message: discord.Message,
    *,
    moderator_role: str | None = None,
    lang: str | None = None,
    edited: bool = False,
) -> Message:
    """The core's view of a guild message; `lang` is the community's language when the author's is unknown."""
    guild_id = str(message.guild.id) if message.guild else ""
    channel_name = getattr(message.channel, "name", "") or ""
    author = to_actor(
        message.author,
        permissions=channel_permissions(message),
        moderator_role=moderator_role,
        community=guild_id,
    )
    return Message(
        platform=PLATFORM,
        community=guild_id,
        channel=str(message.channel.id),
        id=str(message.id),
        author=author,
        text=message.content,
        created_at=message.created_at,
        lang=lang,
        mention_count=mention_count(message),
        edited=edited or message.edited_at is not None,
        channel_name=channel_name,
        has_image=has_image(message),
    )


def jump_url(guild_id: str, channel_id: str, message_id: str) -> str:
    """A link that opens the message in any Discord client."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def automod_message_id(
    *,
    guild_id: str,
    channel_id: str,
    user_id: str,
    rule_id: str,
    content: str,
    at: datetime,
    alert_message_id: str | None = None,
) -> str:
    """A stable stand-in id for a message Discord's AutoMod blocked (a blocked message never gets one).

    Built from the event itself, so the same block replayed gives the same id (one case), and
    blocks in two guilds, channels or by two members never share one. The event carries no time
    of its own: the second it was handled stands in, unless an alert message id pins it down.
    """
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    moment = alert_message_id or str(int(at.timestamp()))
    return f"automod-{guild_id}-{channel_id}-{user_id}-{rule_id}-{digest}-{moment}"
