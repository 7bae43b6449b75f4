"""Discord objects built from gateway payloads become the core's Message and Actor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.adapters.discord.convert import (
    automod_message_id,
    is_moderator,
    jump_url,
    mention_count,
    to_actor,
    to_message,
)
from tests.e2e.fake_discord import FakeDiscord, FakeUser

HELPER_ROLE = "810000000000000099"


@pytest.fixture
def world() -> tuple[FakeDiscord, discord.Guild, discord.Client]:
    """A client state holding the fake guild, plus a 'Helpers' role without Manage Messages given to bob."""
    fake = FakeDiscord()
    fake.bob.roles.append(HELPER_ROLE)
    client = discord.Client(intents=discord.Intents(guilds=True, members=True))
    payload = fake.guild_payload()
    payload["roles"].append({**payload["roles"][0], "id": HELPER_ROLE, "name": "Helpers", "position": 3})
    guild = discord.Guild(data=payload, state=client._connection)  # type: ignore[arg-type]
    return fake, guild, client


def message(
    world: tuple[FakeDiscord, discord.Guild, discord.Client], author: FakeUser, text: str, **extra: Any
) -> discord.Message:
    fake, guild, client = world
    data = fake.message_payload(author, text, **extra)
    channel = guild.get_channel(int(fake.general))
    assert isinstance(channel, discord.TextChannel)
    return discord.Message(state=client._connection, channel=channel, data=data)  # type: ignore[arg-type]


def test_a_guild_message_becomes_a_core_message(world: Any) -> None:
    fake = world[0]
    msg = message(world, fake.alice, "bonjour à tous")

    converted = to_message(msg, lang="fr")

    assert (converted.platform, converted.community, converted.channel) == ("discord", fake.guild_id, fake.general)
    assert (converted.id, converted.text, converted.lang) == (str(msg.id), "bonjour à tous", "fr")
    assert converted.channel_name == "general"
    assert converted.created_at.tzinfo is not None
    assert not converted.edited
    author = converted.author
    assert (author.platform, author.id, author.name, author.is_moderator) == ("discord", fake.alice.id, "Alice", False)
    assert author.avatar_url is not None
    assert author.community == fake.guild_id  # where its moderator flag was computed


@pytest.mark.parametrize(
    ("who", "moderator_role", "expected"),
    [
        ("alice", None, False),  # a member
        ("mod", None, True),  # Manage Messages through the Moderators role
        ("owner", None, True),  # the owner has every permission
        ("bob", None, False),  # Helpers cannot manage messages...
        ("bob", HELPER_ROLE, True),  # ...unless Helpers is the configured moderator role
        ("alice", HELPER_ROLE, False),
    ],
)
def test_moderators_come_from_permissions_or_the_configured_role(
    world: Any, who: str, moderator_role: str | None, expected: bool
) -> None:
    user = getattr(world[0], who)
    assert to_message(message(world, user, "hi"), moderator_role=moderator_role).author.is_moderator is expected


def test_roles_are_given_by_id_and_by_name_without_everyone(world: Any) -> None:
    fake = world[0]
    roles = to_message(message(world, fake.mod, "hi")).author.roles
    assert roles == (fake.moderator_role_id, "Moderators")


def test_mentions_count_distinct_people_roles_and_everyone(world: Any) -> None:
    fake = world[0]
    mentioned = [fake.bob.user_payload(), fake.mod.user_payload(), fake.bob.user_payload(), fake.alice.user_payload()]
    msg = message(
        world,
        fake.alice,
        "hey",
        mentions=mentioned,
        mention_roles=[fake.moderator_role_id, fake.moderator_role_id],
        mention_everyone=True,
    )
    # bob and modo (alice mentioning herself does not count), one role, @everyone
    assert mention_count(msg) == 4
    assert to_message(msg).mention_count == 4


def test_an_edited_message_is_marked_edited(world: Any) -> None:
    fake = world[0]
    msg = message(world, fake.alice, "fixed", edited_timestamp="2026-03-01T10:00:00+00:00")
    assert to_message(msg).edited
    assert to_message(message(world, fake.alice, "new"), edited=True).edited


def test_an_actor_carries_the_interaction_locale(world: Any) -> None:
    fake, guild, _ = world
    member = guild.get_member(int(fake.mod.id))
    assert member is not None
    actor = to_actor(
        member,
        permissions=discord.Permissions(manage_messages=True),
        locale=discord.Locale.french,
        community=fake.guild_id,
    )
    assert (actor.id, actor.locale, actor.is_moderator, actor.community) == (fake.mod.id, "fr", True, fake.guild_id)


def test_a_plain_user_outside_a_guild_is_no_moderator(world: Any) -> None:
    fake, _, client = world
    user = discord.User(state=client._connection, data=fake.bob.user_payload())
    assert not is_moderator(user, None, HELPER_ROLE)
    assert to_actor(user).roles == ()


def test_jump_url() -> None:
    assert jump_url("1", "2", "3") == "https://discord.com/channels/1/2/3"


AT = datetime(2026, 3, 1, 10, 0, 0, 250_000, tzinfo=UTC)
BLOCK: dict[str, Any] = {
    "guild_id": "1",
    "channel_id": "2",
    "user_id": "3",
    "rule_id": "4",
    "content": "a forbidden word",
    "at": AT,
}


@pytest.mark.parametrize(
    ("change", "same"),
    [
        pytest.param({"at": AT.replace(microsecond=990_000)}, True, id="replayed-within-the-second"),
        pytest.param({"guild_id": "9"}, False, id="another-guild"),
        pytest.param({"channel_id": "9"}, False, id="another-channel"),
        pytest.param({"user_id": "9"}, False, id="another-member"),
        pytest.param({"rule_id": "9"}, False, id="another-rule"),
        pytest.param({"content": "another word"}, False, id="another-text"),
        pytest.param({"at": AT.replace(second=1)}, False, id="a-second-later"),
        pytest.param({"alert_message_id": "77"}, False, id="pinned-by-an-alert"),
    ],
)
def test_automod_ids_are_stable_per_event_and_distinct_across_events(change: dict[str, Any], same: bool) -> None:
    first = automod_message_id(**BLOCK)
    assert (automod_message_id(**(BLOCK | change)) == first) is same
    assert first.startswith("automod-1-2-3-4-")
    assert "forbidden" not in first


def test_an_alert_message_id_pins_the_automod_id_whatever_the_time() -> None:
    pinned = {**BLOCK, "alert_message_id": "77"}
    assert automod_message_id(**pinned) == automod_message_id(**(pinned | {"at": AT.replace(hour=11)}))
