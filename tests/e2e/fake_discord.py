"""A fake Discord (REST + gateway) on 127.0.0.1 that the real discord.py client talks to in end-to-end tests."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

Json = dict[str, Any]

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_WEBHOOKS = 1 << 29
MODERATE_MEMBERS = 1 << 40
ADMINISTRATOR = 1 << 3

MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY

DISCORD_EPOCH_MS = 1_420_070_400_000

GUILD_ID = "800000000000000001"  # the first guild, where most tests happen
GENERAL_ID = "700000000000000100"  # its #general channel


@dataclass(frozen=True)
class Request:
    """One REST call the fake received."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.json!r}"[:300]


@dataclass
class Failure:
    """A canned error for requests matching `method` and the `path` regex."""

    method: str
    path: re.Pattern[str]
    status: int
    body: Json
    times: int | None  # None: forever


@dataclass
class FakeUser:
    """A user of the fake guild, with the roles it holds there."""

    id: str
    name: str
    roles: list[str] = field(default_factory=list)
    bot: bool = False
    global_name: str | None = None

    def user_payload(self) -> Json:
        """The user object as Discord sends it."""
        return {
            "id": self.id,
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name or self.name.title(),
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member_payload(
        self, *, with_user: bool = True, permissions: int | None = None, foreign: frozenset[str] = frozenset()
    ) -> Json:
        """The guild member object, without the `foreign` roles of other guilds; interactions carry permissions."""
        data: Json = {
            "roles": [role for role in self.roles if role not in foreign],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user_payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


def _json(obj: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the content type is exactly application/json (no charset).
    return web.Response(body=json.dumps(obj).encode(), status=status, headers={"Content-Type": "application/json"})


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class FakeDiscord:
    """A small Discord: two guilds, a few channels and users, a recorded REST API and a scriptable gateway.

    Most tests live in the first guild; the second ("other") exists so tests can show that a
    moderator there has no power over the first one's cases.
    """

    APP_ID = "900000000000000001"

    def __init__(self) -> None:
        """Build the guild; call `start()` to serve it."""
        self._last_id = 0
        self.guild_id = GUILD_ID
        self.moderator_role_id = "810000000000000001"
        self.bot_role_id = "810000000000000002"
        self.other_guild_id = "800000000000000002"
        self.other_moderator_role_id = "810000000000000003"
        self.other_bot_role_id = "810000000000000004"
        self.channels: dict[str, Json] = {}
        self.general = self._add_channel("general")
        assert self.general == GENERAL_ID
        self.review = self._add_channel("review")
        self.log = self._add_channel("mod-log")
        self.announcements = self._add_channel("charter")
        self.other_general = self._add_channel("lobby", guild_id=self.other_guild_id)
        self.other_review = self._add_channel("other-review", guild_id=self.other_guild_id)
        self.compliance = self._add_channel("compliance")
        bot_roles = [self.bot_role_id, self.other_bot_role_id]
        self.bot_user = FakeUser("700000000000000001", "vigie", bot_roles, bot=True, global_name="Vigie")
        self.owner = FakeUser("600000000000000001", "owner")
        self.alice = FakeUser("600000000000000002", "alice", global_name="Alice")
        self.bob = FakeUser("600000000000000003", "bob", global_name="Bob")
        self.mod = FakeUser("600000000000000004", "modo", [self.moderator_role_id], global_name="Modo")
        self.mod2 = FakeUser("600000000000000005", "modeuse", [self.moderator_role_id], global_name="Modeuse")
        # A moderator of the other guild only.
        self.eve = FakeUser("600000000000000006", "eve", [self.other_moderator_role_id], global_name="Eve")
        # A team member: her role is named like the charter's `team_roles`, so her posts get the disclosure check.
        self.ambassador_role_id = "810000000000000005"
        self.maya = FakeUser("600000000000000007", "maya", [self.ambassador_role_id], global_name="Maya")
        self.users = [self.bot_user, self.owner, self.alice, self.bob, self.mod, self.mod2, self.maya]
        self.other_users = [self.bot_user, self.alice, self.eve]

        self.requests: list[Request] = []
        self.failures: list[Failure] = []
        self.messages: dict[str, Json] = {}
        self.bot_messages: list[Json] = []  # everything the bot (or its webhooks) posted, in order
        self.responses: dict[str, Json] = {}  # interaction id -> the message its response created
        self.reject_token = False  # answer GET /users/@me with 401
        self.close_on_identify: int | None = None  # e.g. 4014: disallowed intents
        self.webhooks: dict[str, Json] = {}
        self.dm_channels: dict[str, str] = {}  # user id -> their DM channel with the bot
        self.gateway_ops: list[Json] = []  # every op the client sent (heartbeats excluded)
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        # Sharding: how many shards GET /gateway/bot announces, and which shard serves which guild
        # (Discord's rule is (guild_id >> 22) % shard_count; a test may place guilds itself).
        self.shard_count = 1
        self.guild_shards: dict[str, int] = {}
        self.shard_sockets: dict[int, web.WebSocketResponse] = {}
        self._seq = 0
        self._sent: list[Json] = []  # dispatches of the current session, for resume replays
        self.session_id = "fake-session-1"
        self.connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1, on a free port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        """Stop serving."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        """What DISCORD_API_BASE should be."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL should be."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> str:
        """A fresh snowflake: time-based like Discord's (so `after=` a moment works), and always increasing."""
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(self._last_id + 1, stamp)
        return str(self._last_id)

    # ---------------------------------------------------------------- guild model

    def _add_channel(self, name: str, *, guild_id: str | None = None) -> str:
        channel_id = str(700_000_000_000_000_100 + len(self.channels))
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "name": name,
            "position": len(self.channels),
            "permission_overwrites": [],
            "guild_id": guild_id or self.guild_id,
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }
        return channel_id

    def _role(self, role_id: str, name: str, permissions: int, position: int) -> Json:
        return {
            "id": role_id,
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def guild_of(self, channel_id: str) -> str:
        """The guild a channel belongs to."""
        return str(self.channels[channel_id]["guild_id"])

    def _guild_roles(self, guild_id: str) -> tuple[str, str]:
        """(moderator role, bot role) of a guild."""
        if guild_id == self.other_guild_id:
            return self.other_moderator_role_id, self.other_bot_role_id
        return self.moderator_role_id, self.bot_role_id

    def _foreign_roles(self, guild_id: str) -> frozenset[str]:
        """The roles of the guilds other than `guild_id`, left out of its member objects."""
        other = self.guild_id if guild_id == self.other_guild_id else self.other_guild_id
        return frozenset(self._guild_roles(other))

    def guild_payload(self, guild_id: str | None = None) -> Json:
        """GUILD_CREATE data of the first guild, or of `guild_id`."""
        guild_id = guild_id or self.guild_id
        moderator_role, bot_role = self._guild_roles(guild_id)
        members = self.other_users if guild_id == self.other_guild_id else self.users
        bot_perms = MEMBER_PERMISSIONS | MANAGE_MESSAGES | MANAGE_WEBHOOKS | MODERATE_MEMBERS
        return {
            "id": guild_id,
            "name": "Other Guild" if guild_id == self.other_guild_id else "Fake Guild",
            "icon": None,
            "owner_id": self.owner.id,
            "unavailable": False,
            "member_count": len(members),
            "large": False,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
            "afk_timeout": 300,
            "roles": [
                self._role(guild_id, "@everyone", MEMBER_PERMISSIONS, 0),
                self._role(moderator_role, "Moderators", MEMBER_PERMISSIONS | MANAGE_MESSAGES, 1),
                self._role(bot_role, "Vigie", bot_perms, 2),
                *self._extra_roles(guild_id),
            ],
            "channels": [c for c in self.channels.values() if c["guild_id"] == guild_id],
            "members": [u.member_payload(foreign=self._foreign_roles(guild_id)) for u in members],
            "emojis": [],
            "stickers": [],
            "features": [],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
        }

    def _extra_roles(self, guild_id: str) -> list[Json]:
        """Roles without permissions that only the first guild has (the team role)."""
        if guild_id != self.guild_id:
            return []
        return [self._role(self.ambassador_role_id, "ambassador", 0, 1)]

    def permissions_of(self, user: FakeUser, guild_id: str | None = None) -> int:
        """The user's permissions in a guild (the first by default), as an interaction would carry them."""
        guild_id = guild_id or self.guild_id
        if user.id == self.owner.id and guild_id == self.guild_id:
            return ADMINISTRATOR | MEMBER_PERMISSIONS | MANAGE_MESSAGES
        perms = MEMBER_PERMISSIONS
        if self._guild_roles(guild_id)[0] in user.roles:
            perms |= MANAGE_MESSAGES
        return perms

    # ---------------------------------------------------------------- REST

    def fail(self, method: str, path: str, status: int, *, code: int = 0, times: int | None = 1) -> None:
        """Answer the next `times` matching requests with an error status."""
        body = {"code": code, "message": f"fake error {status}"}
        self.failures.append(Failure(method, re.compile(path), status, body, times))

    async def _record(self, request: Request) -> None:
        async with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif raw:
                body = self._multipart_json(raw, request.content_type)
        req = Request(request.method, path, dict(request.query), body)
        await self._record(req)
        for failure in self.failures:
            if failure.method == request.method and failure.path.fullmatch(path):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                return _json(failure.body, failure.status)
        return self._answer(req)

    @staticmethod
    def _multipart_json(raw: bytes, content_type: str) -> Any:
        # discord.py sends multipart only with files; keep the JSON part, which is what tests assert on.
        match = re.search(rb'name="payload_json"\r\n(?:[^\r\n]*\r\n)*?\r\n(.*?)\r\n--', raw, re.S)
        body = json.loads(match.group(1)) if match else {"_content_type": content_type}
        # Attached files, by name, so tests can read what a member received.
        files = re.findall(rb'filename="([^"]+)"\r\n(?:[^\r\n]*\r\n)*?\r\n(.*?)\r\n--', raw, re.S)
        if files and isinstance(body, dict):
            body["_files"] = {name.decode(): content.decode("utf-8", "replace") for name, content in files}
        return body

    def _answer(self, req: Request) -> web.StreamResponse:
        m, p = req.method, req.path
        if m == "GET" and p == "/users/@me":
            if self.reject_token:
                return _json({"code": 0, "message": "401: Unauthorized"}, 401)
            return _json(self.bot_user.user_payload())
        if m == "GET" and p == "/gateway/bot":
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 16}
            return _json({"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit})
        if m == "GET" and p == "/oauth2/applications/@me":
            return _json(self._application())
        if m == "PUT" and re.fullmatch(r"/applications/\d+(?:/guilds/\d+)?/commands", p):
            # Discord answers with the stored commands; context menus come back with an empty description.
            return _json(
                [
                    {"description": "", **cmd, "id": self.next_id(), "application_id": self.APP_ID, "version": "1"}
                    for cmd in req.json
                ]
            )
        if match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", p):
            channel_id, message_id = match.groups()
            if m == "DELETE":
                if self.messages.pop(message_id, None) is None:
                    return _json({"code": 10008, "message": "Unknown Message"}, 404)
                return web.Response(status=204)
            if m == "GET":
                if message_id not in self.messages:
                    return _json({"code": 10008, "message": "Unknown Message"}, 404)
                return _json(self.messages[message_id])
            if m == "PATCH":
                msg = self.messages.get(message_id) or self._bot_message(channel_id, {})
                msg.update({k: v for k, v in (req.json or {}).items() if k in ("content", "embeds", "components")})
                return _json(msg)
        if m == "GET" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return _json(self._history(match.group(1), req.query))
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return _json(self._bot_message(match.group(1), req.json or {}))
        if m in ("PUT", "DELETE") and re.fullmatch(r"/channels/\d+/(?:messages/)?pins/\d+", p):
            return web.Response(status=204)
        if m == "POST" and p == "/users/@me/channels":
            # One DM channel per user, as on Discord.
            recipient = str(req.json["recipient_id"])
            channel_id = self.dm_channels.setdefault(recipient, self.next_id())
            return _json({"id": channel_id, "type": 1, "recipients": [self._user(recipient)]})
        if m == "PATCH" and (match := re.fullmatch(r"/guilds/\d+/members/(\d+)", p)):
            user = self._find_user(match.group(1))
            return _json({**user.member_payload(), **(req.json or {})})
        if match := re.fullmatch(r"/channels/(\d+)/webhooks", p):
            channel_id = match.group(1)
            if m == "GET":
                return _json([w for w in self.webhooks.values() if w["channel_id"] == channel_id])
            hook = {
                "id": self.next_id(),
                "type": 1,
                "name": (req.json or {}).get("name", "hook"),
                "channel_id": channel_id,
                "guild_id": self.guild_of(channel_id),
                "token": "hooktoken" + self.next_id(),
                "application_id": self.APP_ID,
                "avatar": None,
                "user": self.bot_user.user_payload(),
            }
            self.webhooks[hook["id"]] = hook
            return _json(hook)
        if m == "POST" and (match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", p)):
            hook_id = match.group(1)
            if hook_id in self.webhooks:
                channel_id = self.webhooks[hook_id]["channel_id"]
                data = dict(req.json or {})
                author = {**self.bot_user.user_payload(), "id": hook_id, "username": data.get("username", "hook")}
                msg = self._bot_message(channel_id, data, author=author)
                msg["webhook_id"] = hook_id
                return _json(msg)
            # an interaction follow-up (application id + interaction token)
            return _json(self._bot_message(self.general, req.json or {}, store=False))
        if m == "PATCH" and re.fullmatch(r"/webhooks/\d+/[^/]+/messages/[^/]+", p):
            return _json(self._bot_message(self.general, req.json or {}, store=False))
        if m == "POST" and (match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p)):
            rtype = (req.json or {}).get("type", 4)
            data = (req.json or {}).get("data") or {}
            resource: Json = {"type": rtype}
            interaction: Json = {
                "id": match.group(1),
                "type": 2,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            }
            if rtype == 4:
                response = self._bot_message(self.general, data, store=False)
                self.responses[match.group(1)] = response
                resource["message"] = response
                interaction["response_message_id"] = response["id"]
            return _json({"interaction": interaction, "resource": resource})
        if m == "GET" and (match := re.fullmatch(r"/guilds/\d+/members/(\d+)", p)):
            return _json(self._find_user(match.group(1)).member_payload())
        if m == "GET" and (match := re.fullmatch(r"/users/(\d+)", p)):
            return _json(self._user(match.group(1)))
        if m == "GET" and (match := re.fullmatch(r"/channels/(\d+)", p)):
            return _json(self.channels[match.group(1)])
        log.warning("fake discord: unhandled %s %s", m, p)
        return _json({"code": 0, "message": "not handled by the fake"}, 404)

    def _history(self, channel_id: str, query: dict[str, str]) -> list[Json]:
        """GET /channels/{id}/messages?after=&limit=: the `limit` messages right after `after`, newest first."""
        after = int(query.get("after", "0"))
        limit = min(int(query.get("limit", "50")), 100)
        found = sorted(
            (m for m in self.messages.values() if m["channel_id"] == channel_id and int(m["id"]) > after),
            key=lambda m: int(m["id"]),
        )
        return list(reversed(found[:limit]))

    def _application(self) -> Json:
        return {
            "id": self.APP_ID,
            "name": "Vigie",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.user_payload(),
            "verify_key": "00",
            "flags": 0,
            "interactions_endpoint_url": None,
            "team": None,
        }

    def _find_user(self, user_id: str) -> FakeUser:
        return next(u for u in self.users if u.id == str(user_id))

    def _user(self, user_id: Any) -> Json:
        return self._find_user(str(user_id)).user_payload()

    def _bot_message(self, channel_id: str, data: Json, *, author: Json | None = None, store: bool = True) -> Json:
        msg: Json = {
            "id": self.next_id(),
            "channel_id": channel_id,
            "author": author or self.bot_user.user_payload(),
            "content": data.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": data.get("flags", 0),
        }
        if channel_id in self.channels:
            msg["guild_id"] = self.guild_of(channel_id)
        if store:
            self.messages[msg["id"]] = msg
            self.bot_messages.append(msg)
        return msg

    # ---------------------------------------------------------------- waiting on REST calls

    def calls(self, method: str, path: str = ".*", predicate: Callable[[Request], bool] | None = None) -> list[Request]:
        """Recorded requests matching `method` and the `path` regex (full match)."""
        pattern = re.compile(path)
        return [
            r
            for r in self.requests
            if r.method == method and pattern.fullmatch(r.path) and (predicate is None or predicate(r))
        ]

    async def wait_for(
        self,
        method: str,
        path: str = ".*",
        predicate: Callable[[Request], bool] | None = None,
        *,
        count: int = 1,
        within: float = 5.0,
    ) -> Request:
        """Wait until `count` matching requests arrived; return the last of them."""

        def enough() -> bool:
            return len(self.calls(method, path, predicate)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(enough), within)
            except TimeoutError:
                seen = "\n  ".join(str(r) for r in self.requests[-15:])
                raise AssertionError(f"no {method} {path} after {within}s; last requests:\n  {seen}") from None
        return self.calls(method, path, predicate)[count - 1]

    # ---------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            op = data["op"]
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None}))
                continue
            self.gateway_ops.append(data)
            if op == 2 and self.close_on_identify is not None:
                await ws.close(code=self.close_on_identify, message=b"refused by the fake")
            elif op == 2:
                await self._on_identify(ws, data["d"].get("shard") or [0, 1])
            elif op == 6:
                await self._on_resume(ws, data["d"])
        if self._ws is ws:
            self._ws = None
            self.connected.clear()
        for shard, socket in list(self.shard_sockets.items()):
            if socket is ws:
                del self.shard_sockets[shard]
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        self._seq += 1
        payload = {"op": 0, "t": event, "s": self._seq, "d": data}
        self._sent.append(payload)
        await ws.send_str(json.dumps(payload))

    def shard_of(self, guild_id: str) -> int:
        """The shard that serves `guild_id`."""
        return self.guild_shards.get(guild_id, (int(guild_id) >> 22) % self.shard_count)

    async def _on_identify(self, ws: web.WebSocketResponse, shard: list[int]) -> None:
        self._seq = 0
        self._sent = []
        self.shard_sockets[shard[0]] = ws
        guilds = [g for g in (self.guild_id, self.other_guild_id) if shard[1] == 1 or self.shard_of(g) == shard[0]]
        ready = {
            "v": 10,
            "user": self.bot_user.user_payload(),
            "guilds": [{"id": g, "unavailable": True} for g in guilds],
            "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": self.APP_ID, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await self._send(ws, "READY", ready)
        for guild in guilds:
            await self._send(ws, "GUILD_CREATE", self.guild_payload(guild))
        self.connected.set()

    async def _on_resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        seq = data.get("seq") or 0
        missed = [p for p in self._sent if p["s"] > seq]
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}}))
        for payload in missed:
            await ws.send_str(json.dumps(payload))
        self.connected.set()

    async def dispatch(self, event: str, data: Json) -> None:
        """Send a dispatch to the connected client (sharded: to the shard serving the event's guild)."""
        if self.shard_count > 1 and "guild_id" in data:
            shard = self.shard_of(str(data["guild_id"]))
            for _ in range(50):
                if shard in self.shard_sockets:
                    break
                await asyncio.sleep(0.1)
            await self._send(self.shard_sockets[shard], event, data)
            return
        await asyncio.wait_for(self.connected.wait(), 5)
        assert self._ws is not None
        await self._send(self._ws, event, data)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT and wait until the client resumed its session."""
        assert self._ws is not None
        resumes = sum(1 for op in self.gateway_ops if op["op"] == 6)
        self.connected.clear()
        await self._ws.send_str(json.dumps({"op": 7, "d": None}))
        await asyncio.wait_for(self.connected.wait(), 5)
        assert sum(1 for op in self.gateway_ops if op["op"] == 6) == resumes + 1, "the client identified again"

    async def invalidate_session(self) -> None:
        """Send op 9 INVALID_SESSION (not resumable) and wait until the client identified again (a new READY)."""
        assert self._ws is not None
        identifies = sum(1 for op in self.gateway_ops if op["op"] == 2)
        self.connected.clear()
        await self._ws.send_str(json.dumps({"op": 9, "d": False}))
        await asyncio.wait_for(self.connected.wait(), 5)
        assert sum(1 for op in self.gateway_ops if op["op"] == 2) == identifies + 1, "the client did not identify"

    # ---------------------------------------------------------------- payload builders

    def message_payload(self, author: FakeUser, content: str, *, channel: str | None = None, **extra: Any) -> Json:
        """A MESSAGE_CREATE payload from `author`, also stored so the bot can fetch or delete it."""
        channel_id = channel or self.general
        guild_id = self.guild_of(channel_id)
        msg = {
            "id": self.next_id(),
            "channel_id": channel_id,
            "guild_id": guild_id,
            "author": author.user_payload(),
            "member": author.member_payload(with_user=False, foreign=self._foreign_roles(guild_id)),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
            **extra,
        }
        self.messages[msg["id"]] = msg
        return msg

    async def send_message(self, author: FakeUser, content: str, *, channel: str | None = None) -> Json:
        """A member posts a message."""
        msg = self.message_payload(author, content, channel=channel)
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    async def edit_message(self, message: Json, content: str) -> Json:
        """A member edits a message (MESSAGE_UPDATE with the full new message)."""
        edited = {**message, "content": content, "edited_timestamp": _now_iso()}
        self.messages[edited["id"]] = edited
        await self.dispatch("MESSAGE_UPDATE", edited)
        return edited

    def _interaction_base(self, user: FakeUser, itype: int, *, channel: str | None, locale: str) -> Json:
        channel_id = channel or self.general
        guild_id = self.guild_of(channel_id)
        return {
            "id": self.next_id(),
            "application_id": self.APP_ID,
            "type": itype,
            "token": "itok" + self.next_id(),
            "version": 1,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": self.channels[channel_id],
            "member": user.member_payload(
                permissions=self.permissions_of(user, guild_id), foreign=self._foreign_roles(guild_id)
            ),
            "app_permissions": str(MEMBER_PERMISSIONS | MANAGE_MESSAGES | MANAGE_WEBHOOKS | MODERATE_MEMBERS),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }

    def click(self, user: FakeUser, message: Json, custom_id: str, *, locale: str = "en-US") -> Json:
        """A button press on a message the bot posted."""
        data = self._interaction_base(user, 3, channel=message["channel_id"], locale=locale)
        data["message"] = message
        data["data"] = {"custom_id": custom_id, "component_type": 2}
        return data

    def dm_channel_of(self, user: FakeUser) -> str:
        """The DM channel the bot opened with `user` (POST /users/@me/channels)."""
        return self.dm_channels[user.id]

    def _dm_base(self, user: FakeUser, itype: int, channel: str, *, locale: str) -> Json:
        return {
            "id": self.next_id(),
            "application_id": self.APP_ID,
            "type": itype,
            "token": "itok" + self.next_id(),
            "version": 1,
            "channel_id": channel,
            "channel": {"id": channel, "type": 1, "recipients": [user.user_payload()]},
            "user": user.user_payload(),
            "app_permissions": str(MEMBER_PERMISSIONS),
            "locale": locale,
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
        }

    def dm_click(self, user: FakeUser, message: Json, custom_id: str, *, locale: str = "en-US") -> Json:
        """A button press on a message the bot sent in a DM (no guild, `user` instead of `member`)."""
        data = self._dm_base(user, 3, message["channel_id"], locale=locale)
        data["message"] = message
        data["data"] = {"custom_id": custom_id, "component_type": 2}
        return data

    def dm_submit_modal(
        self, user: FakeUser, custom_id: str, values: dict[str, str], *, message: Json, locale: str = "en-US"
    ) -> Json:
        """A modal opened from a DM button, submitted with text values."""
        data = self._dm_base(user, 5, message["channel_id"], locale=locale)
        components = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        data["data"] = {"custom_id": custom_id, "components": components}
        data["message"] = message
        return data

    async def delete_message_event(self, message: Json) -> None:
        """A member deletes a message (MESSAGE_DELETE)."""
        self.messages.pop(message["id"], None)
        event = {"id": message["id"], "channel_id": message["channel_id"], "guild_id": message.get("guild_id")}
        await self.dispatch("MESSAGE_DELETE", event)

    def submit_modal(
        self,
        user: FakeUser,
        custom_id: str,
        values: dict[str, str | list[str]],
        *,
        message: Json | None = None,
        locale: str = "en-US",
        channel: str | None = None,
    ) -> Json:
        """A modal submission (in `channel`, else the message's); text values become text inputs, lists selects."""
        components: list[Json] = []
        for key, value in values.items():
            if isinstance(value, list):
                components.append(
                    {"type": 18, "id": len(components) + 1, "component": {"type": 3, "custom_id": key, "values": value}}
                )
            else:
                components.append({"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]})
        channel = channel or (message["channel_id"] if message else None)
        data = self._interaction_base(user, 5, channel=channel, locale=locale)
        data["data"] = {"custom_id": custom_id, "components": components}
        if message is not None:
            data["message"] = message  # a modal opened from a button carries that button's message
        return data

    def slash(
        self,
        user: FakeUser,
        name: str,
        options: list[Json] | None = None,
        *,
        resolved: Json | None = None,
        locale: str = "en-US",
        channel: str | None = None,
        command_type: int = 1,
        target_id: str | None = None,
    ) -> Json:
        """An application command (slash command or context menu) invocation."""
        data = self._interaction_base(user, 2, channel=channel, locale=locale)
        inner: Json = {"id": self.next_id(), "name": name, "type": command_type, "options": options or []}
        if resolved:
            inner["resolved"] = resolved
        if target_id:
            inner["target_id"] = target_id
        data["data"] = inner
        return data

    async def interact(self, payload: Json, *, within: float = 5.0) -> Request:
        """Dispatch an interaction and wait for the bot's callback (its first response)."""
        await self.dispatch("INTERACTION_CREATE", payload)
        return await self.wait_for("POST", rf"/interactions/{payload['id']}/[^/]+/callback", within=within)

    def posted(self, channel: str) -> list[Request]:
        """Messages the bot posted in a channel (regular sends, not webhooks)."""
        return self.calls("POST", rf"/channels/{channel}/messages")

    def last_bot_message(self, channel: str) -> Json:
        """The latest message the bot posted in a channel, as clients would see it (to click its buttons)."""
        return next(m for m in reversed(self.bot_messages) if m["channel_id"] == channel)
