"""What every Slack listener shares: payload accessors, the member's language, and private replies."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.api import call
from bot.adapters.slack.blocks import ModalContext
from bot.adapters.slack.convert import SlackPost, escape, parse_case_id, post_from_history, to_message
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.platform import SlackPlatform
from bot.charter.model import Charter
from bot.errors import PlatformError, PlatformFailure, Refused
from bot.i18n import tr
from bot.models import Message
from bot.roles import role_key
from bot.runtime import Services

log = logging.getLogger(__name__)

Body = dict[str, Any]

RESERVED_ROLES = ("moderator", "admin")
"""Roles the glue grants itself; a user group's handle never passes for one of them."""


def team_of(body: Mapping[str, Any], context: AsyncBoltContext) -> str:
    """The workspace a request comes from, whatever its payload type."""
    team = context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (body.get("user") or {}).get("team_id") or "")


def user_of(body: Mapping[str, Any], context: AsyncBoltContext) -> str:
    """The member who sent a command, clicked or submitted."""
    return str(context.user_id or body.get("user_id") or (body.get("user") or {}).get("id") or "")


def channel_of(body: Mapping[str, Any]) -> str | None:
    """The channel a command, button or shortcut was used in, if any."""
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    return str(channel) if channel else None


def typed(view: Mapping[str, Any], block_id: str) -> str:
    """What the member typed or picked in a modal's input block."""
    value = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(block_id, {})
    if value.get("type") == "static_select":
        return str((value.get("selected_option") or {}).get("value") or "")
    return str(value.get("value") or "")


def case_number(token: str) -> int | None:
    """A case number typed in a command, or None."""
    return parse_case_id(token) if token else None


def _exactly(messages: object, ts: str) -> Mapping[str, Any] | None:
    if not isinstance(messages, list):
        return None
    return next((m for m in messages if isinstance(m, Mapping) and m.get("ts") == ts), None)


def _live(message: Mapping[str, Any], team: str, channel: str) -> SlackPost | None:
    if message.get("subtype") == "tombstone":  # "This message was deleted." kept for its replies
        return None
    return post_from_history(message, team, channel)


class Glue:
    """The services, the Slack platform and the directory, with the helpers every listener needs."""

    def __init__(self, services: Services, platform: SlackPlatform, directory: SlackDirectory) -> None:
        """Bind the listeners to one process's services (no global app)."""
        self.services = services
        self.platform = platform
        self.directory = directory
        self._protected: tuple[Charter, frozenset[str]] | None = None

    async def lang(self, team: str, user: str) -> str:
        """The charter language closest to the member's Slack locale (or the workspace's language)."""
        return self.services.policy.charter.language_for(await self.directory.language(team, user))

    async def message(self, post: SlackPost) -> Message | None:
        """The core's view of a member's post; None for bot users."""
        if (await self.directory.user(post.team, post.user)).is_bot:
            return None
        author = await self.directory.actor(post.team, post.user)
        groups = await self.group_roles(post.team, post.user)
        if groups:
            author = replace(author, roles=tuple(dict.fromkeys((*author.roles, *groups))))
        return to_message(post, author, await self.directory.channel_name(post.team, post.channel))

    async def group_roles(self, team: str, user: str) -> tuple[str, ...]:
        """The member's user groups as roles (for the charter's `team_roles`): every id, and the handles.

        Members may be allowed to create user groups, so a handle that reads like a role the glue
        grants ("moderator") or like a rule's `exempt_roles` is left out: exemptions by user group
        go by id, which nobody can pick.
        """
        groups = await self.directory.groups_of(team, user)
        if not groups:
            return ()
        protected = self._protected_roles()
        roles: list[str] = []
        for group in groups:
            roles.append(group.id)
            if group.handle and role_key(group.handle) not in protected:
                roles.append(group.handle)
        return tuple(roles)

    def _protected_roles(self) -> frozenset[str]:
        """Role keys no user group handle may stand for, worked out once per charter (they change on reload)."""
        charter = self.services.policy.charter
        if self._protected is None or self._protected[0] is not charter:
            keys = {role_key(role) for role in RESERVED_ROLES}
            keys |= {role_key(role) for rule in charter.rules for role in rule.exempt_roles}
            self._protected = (charter, frozenset(keys))
        return self._protected[1]

    async def fetch_post(
        self, client: AsyncWebClient, team: str, channel: str, ts: str, thread_ts: str | None = None
    ) -> SlackPost | None:
        """A post as it reads now; None when it is gone. Raises PlatformError when Slack cannot tell.

        `conversations.history` holds only top-level posts, so a post it does not return is looked
        for among thread replies too (the thread may be unknown after a restart).
        """
        thread = thread_ts or self.platform.thread_of(channel, ts)
        if not thread or thread == ts:
            response = await call(
                client.conversations_history(channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1),
                "conversations.history",
            )
            found = _exactly(response.get("messages"), ts)
            if found is not None:
                return _live(found, team, channel)
        try:
            response = await call(
                client.conversations_replies(channel=channel, ts=thread or ts, oldest=ts, latest=ts, inclusive=True),
                "conversations.replies",
            )
        except PlatformError as exc:
            if exc.failure is PlatformFailure.NOT_FOUND:
                return None
            raise
        found = _exactly(response.get("messages"), ts)
        return _live(found, team, channel) if found is not None else None

    async def reply(
        self,
        client: AsyncWebClient,
        body: Mapping[str, Any],
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
    ) -> None:
        """An answer only `user` sees: through the response URL, else ephemeral, else a direct message."""
        response_url = body.get("response_url")
        extra: dict[str, Any] = {"blocks": blocks} if blocks else {}
        if response_url:
            try:
                sent = await AsyncWebhookClient(str(response_url)).send_dict(
                    {"text": text, "response_type": "ephemeral", "replace_original": False, **extra}
                )
                if sent.status_code == 200:
                    return
            except (aiohttp.ClientError, TimeoutError):
                pass  # the response URL expired or is unreachable: try the Web API
        metadata = ModalContext.load((body.get("view") or {}).get("private_metadata"))
        channel = metadata.channel or channel_of(body)
        if channel:
            try:
                await call(
                    client.chat_postEphemeral(channel=channel, user=user, text=text, **extra), "chat.postEphemeral"
                )
                return
            except PlatformError:
                pass  # Vigie is not in that channel: a direct message still reaches the member
        try:
            await call(client.chat_postMessage(channel=user, text=text, **extra), "chat.postMessage (DM)")
        except PlatformError:
            log.warning("slack: could not answer user %s", user)

    async def refuse(self, client: AsyncWebClient, body: Mapping[str, Any], user: str, exc: Exception) -> None:
        """Show the core's refusal sentence, or a platform failure, to the person who asked."""
        if isinstance(exc, PlatformError):
            team = str(body.get("team_id") or (body.get("team") or {}).get("id") or "")
            text = tr("slack.platform_failed", await self.lang(team, user), failure=exc.failure.value)
            await self.reply(client, body, user, text)
            return
        if isinstance(exc, Refused):
            # The core's refusal, in the member's language (its English sentence is for logs).
            team = str(body.get("team_id") or (body.get("team") or {}).get("id") or "")
            await self.reply(client, body, user, escape(tr(exc.key, await self.lang(team, user), **exc.values)))
            return
        await self.reply(client, body, user, escape(str(exc)))
