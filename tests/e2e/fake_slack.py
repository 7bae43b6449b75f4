"""A fake Slack (Web API, response URLs and a Socket Mode websocket) on 127.0.0.1 that records every call."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

Json = dict[str, Any]

BOT_TOKEN = "xoxb-vigie-test"
ADMIN_TOKEN = "xoxp-admin-test"
APP_TOKEN = "xapp-vigie-test"
TEAM = "T0VIGIE"
OTHER_TEAM = "T0OTHER"  # a second workspace the same app is installed in
BOT_USER = "UVIGIE"
BOT_ID = "BVIGIE"
ADMIN_USER = "UADMIN"
ALL_SCOPES = (
    "channels:history,channels:read,chat:write,chat:write.customize,commands,files:write,groups:history,groups:read,"
    "im:write,usergroups:read,users:read"
)
_JSON_ARGS = ("blocks", "view", "attachments")


@dataclass
class ApiCall:
    """One Web API call (or response URL post) the fake received, and what it answered."""

    method: str
    token: str | None
    args: Json
    result: Json = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} [{(self.token or '')[:5]}] {json.dumps(self.args, ensure_ascii=False)[:240]}"


@dataclass
class Failure:
    """A canned error for the next `times` calls of a method (to `channel` only, when set)."""

    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1
    extra: Json = field(default_factory=dict)
    channel: str | None = None

    def applies(self, args: Json) -> bool:
        return self.channel is None or args.get("channel") == self.channel


@dataclass
class FakeMessage:
    """A message the fake knows about (posted by a member or by the app)."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None = None
    bot: bool = False
    extra: Json = field(default_factory=dict)
    subtype: str | None = None  # e.g. "tombstone": a deleted thread parent kept for its replies

    def payload(self) -> Json:
        data: Json = {"type": "message", "user": self.user, "text": self.text, "ts": self.ts}
        if self.subtype:
            data["subtype"] = self.subtype
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.bot:
            data["bot_id"] = BOT_ID
        return data


class FakeSlack:
    """Serves `/api/<method>`, `/hooks/<id>` (response URLs) and `/link` (Socket Mode) on 127.0.0.1."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.users: dict[str, Json] = {}
        self.groups: dict[str, list[str]] = {}
        self.group_handles: dict[str, str] = {}  # user group id -> handle, for usergroups.list
        self.channels: dict[str, str] = {}
        self.messages: dict[tuple[str, str], FakeMessage] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.acks: list[Json] = []
        self.scopes = ALL_SCOPES  # what auth.test reports for the bot token
        self.install_codes: dict[str, str] = {}  # OAuth: a code Slack handed the browser -> the team installing
        self.installed: dict[str, str] = {}  # OAuth: each token oauth.v2.access issued -> its team
        self.client_id, self.client_secret = "", ""  # OAuth: the app's credentials, when set
        self.base_url = ""
        self.port = 0
        self._cond = asyncio.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._routes: dict[str, Callable[[str | None, Json], Json]] = {
            "auth.test": self._auth_test,
            "oauth.v2.access": self._oauth_access,
            "apps.connections.open": self._connections_open,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": lambda token, args: {"message_ts": self.next_ts()},
            "chat.update": lambda token, args: {"channel": args.get("channel"), "ts": args.get("ts")},
            "chat.delete": self._delete,
            "chat.getPermalink": self._permalink,
            "views.open": lambda token, args: {"view": {"id": f"V{next(self._ids):05d}", **(args.get("view") or {})}},
            "users.info": self._users_info,
            "usergroups.users.list": self._group_users,
            "usergroups.list": self._group_list,
            "conversations.info": self._conversation_info,
            "conversations.open": lambda token, args: {"channel": {"id": f"D{args.get('users', 'X')}"}},
            "conversations.history": self._history,
            "users.conversations": self._member_of,
            "conversations.replies": self._replies,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": lambda token, args: {"file": {"id": args.get("file")}},
        }
        self.uploads: dict[str, bytes] = {}  # file id -> uploaded bytes
        self.shared_files: list[Json] = []  # completed uploads: file ids, channel, comment

    # -- setup -------------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; return the Web API base URL."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)  # slack_sdk reads with GET, writes with POST
        app.router.add_post("/hooks/{hook}", self._hook)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(getattr(site._server, "sockets", [])[0].getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/api/"
        return self.base_url

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def response_url(self) -> str:
        """A fresh response URL served by the fake (Slack's would be on hooks.slack.com)."""
        return f"http://127.0.0.1:{self.port}/hooks/{next(self._ids)}"

    def next_ts(self) -> str:
        return f"1760000000.{next(self._ts):06d}"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        locale: str = "en-US",
        admin: bool = False,
        bot: bool = False,
        team: str = TEAM,
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": name.lower(),
            "real_name": name,
            "is_admin": admin,
            "is_owner": False,
            "is_bot": bot,
            "locale": locale,
            "profile": {"display_name": name, "real_name": name, "image_192": f"https://avatars.test/{user_id}.png"},
        }

    def add_message(self, channel: str, user: str, text: str, *, thread_ts: str | None = None) -> FakeMessage:
        """A member's message, as if posted in Slack; returns it with its new ts."""
        message = FakeMessage(channel, self.next_ts(), user, text, thread_ts)
        self.messages[(channel, message.ts)] = message
        return message

    def edit_message(self, channel: str, ts: str, text: str) -> FakeMessage:
        """A member edits a message in place (no event is sent: the caller decides)."""
        message = self.messages[(channel, ts)]
        message.text = text
        return message

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        status: int = 200,
        retry_after: int | None = None,
        extra: Json | None = None,
        channel: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (addressed to `channel`, if given) fail with Slack error `error`."""
        failure = Failure(error, status, retry_after, times, extra or {}, channel)
        self.failures.setdefault(method, []).append(failure)

    # -- inspection --------------------------------------------------------------------------

    def find(self, method: str, where: Callable[[ApiCall], bool] | None = None) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method and (where is None or where(c))]

    async def wait_for(
        self,
        method: str,
        where: Callable[[ApiCall], bool] | None = None,
        *,
        count: int = 1,
        within: float = 5.0,
    ) -> list[ApiCall]:
        """Wait until `count` calls of `method` (matching `where`) were received; return them."""

        def enough() -> bool:
            return len(self.find(method, where)) >= count

        try:
            async with self._cond:
                await asyncio.wait_for(self._cond.wait_for(enough), within)
        except TimeoutError:
            seen = "\n  ".join(str(c) for c in self.calls) or "(none)"
            raise AssertionError(f"no {count}x {method} within {within}s; calls seen:\n  {seen}") from None
        return self.find(method, where)

    async def _record(self, call: ApiCall) -> None:
        async with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _args(self, request: web.Request) -> Json:
        args: Json = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        for key in _JSON_ARGS:
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        args = await self._args(request)
        if auth.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            args |= {"client_id": client_id, "client_secret": secret}
        body, status, headers = self._answer(method, token, args)
        await self._record(ApiCall(method, token, args, body))
        return web.json_response(body, status=status, headers=headers)

    def _answer(self, method: str, token: str | None, args: Json) -> tuple[Json, int, dict[str, str]]:
        queued = self.failures.get(method) or []
        failure = next((f for f in queued if f.applies(args)), None)
        if failure is not None:
            failure.times -= 1
            if failure.times <= 0:
                queued.remove(failure)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return {"ok": False, "error": failure.error, **failure.extra}, failure.status, headers
        if method != "oauth.v2.access" and token not in (BOT_TOKEN, ADMIN_TOKEN, APP_TOKEN, *self.installed):
            return {"ok": False, "error": "invalid_auth"}, 200, {}
        handler = self._routes.get(method)
        try:
            result = handler(token, args) if handler else {}
        except SlackFault as fault:
            return {"ok": False, "error": fault.error}, 200, {}
        headers = {"x-oauth-scopes": self.scopes} if token == BOT_TOKEN or token in self.installed else {}
        return {"ok": True, **result}, 200, headers

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file"]] = await request.read()
        return web.Response(text="OK - 1")

    def _upload_url(self, token: str | None, args: Json) -> Json:
        file_id = f"F{next(self._ids):05d}"
        return {"upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, token: str | None, args: Json) -> Json:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files or []
        self.shared_files.append(
            {"files": files, "channel": args.get("channel_id"), "comment": args.get("initial_comment")}
        )
        return {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    async def _hook(self, request: web.Request) -> web.Response:
        await self._record(ApiCall("response_url", None, await request.json()))
        return web.Response(text="ok")

    # -- Web API methods ---------------------------------------------------------------------

    def _oauth_access(self, token: str | None, args: Json) -> Json:
        """Exchange an install code for the team's tokens: a bot token and the installing admin's user token."""
        credentials = (args.get("client_id"), args.get("client_secret"))
        if not self.client_id or credentials != (self.client_id, self.client_secret):
            raise SlackFault("invalid_client_id")
        team = self.install_codes.pop(str(args.get("code")), None)
        if team is None:
            raise SlackFault("invalid_code")
        bot, user = f"xoxb-{team}-{next(self._ids)}", f"xoxp-{team}-{next(self._ids)}"
        self.installed |= {bot: team, user: team}
        return {
            "access_token": bot,
            "token_type": "bot",
            "scope": ALL_SCOPES,
            "bot_user_id": f"UBOT{team}",
            "app_id": "A0VIGIE",
            "team": {"id": team, "name": f"Workspace {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": f"UADMIN{team}", "scope": "chat:write", "access_token": user, "token_type": "user"},
        }

    def _auth_test(self, token: str | None, args: Json) -> Json:
        if token in self.installed:
            team = self.installed[token]
            return {
                "team_id": team,
                "user_id": f"UBOT{team}",
                "bot_id": f"B{team}",
                "user": "vigie",
                "url": "https://vigie.test/",
            }
        if token == ADMIN_TOKEN:
            return {"team_id": TEAM, "user_id": ADMIN_USER, "user": "admin", "url": "https://vigie.test/"}
        return {"team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "user": "vigie", "url": "https://vigie.test/"}

    def _connections_open(self, token: str | None, args: Json) -> Json:
        if token != APP_TOKEN:
            raise SlackFault("not_allowed_token_type")
        return {"url": f"ws://127.0.0.1:{self.port}/link"}

    def _post_message(self, token: str | None, args: Json) -> Json:
        channel = str(args.get("channel"))
        message = FakeMessage(
            channel, self.next_ts(), BOT_USER, str(args.get("text") or ""), args.get("thread_ts"), bot=True, extra=args
        )
        self.messages[(channel, message.ts)] = message
        return {"channel": channel, "ts": message.ts, "message": message.payload()}

    def _delete(self, token: str | None, args: Json) -> Json:
        key = (str(args.get("channel")), str(args.get("ts")))
        message = self.messages.get(key)
        if message is None:
            raise SlackFault("message_not_found")
        if (token == BOT_TOKEN or str(token).startswith("xoxb-T")) and not message.bot:
            # Slack: "When used with a bot token, this method may delete only messages posted by that bot."
            raise SlackFault("cant_delete_message")
        del self.messages[key]
        return {"channel": key[0], "ts": key[1]}

    def _permalink(self, token: str | None, args: Json) -> Json:
        ts = str(args.get("message_ts")).replace(".", "")
        return {"permalink": f"https://vigie.test/archives/{args.get('channel')}/p{ts}"}

    def _users_info(self, token: str | None, args: Json) -> Json:
        user = self.users.get(str(args.get("user")))
        if user is None or (token in self.installed and user["team_id"] != self.installed[token]):
            # An installed workspace's token sees only that workspace's members.
            raise SlackFault("user_not_found")
        data = dict(user)
        if str(args.get("include_locale")).lower() not in ("true", "1"):
            data.pop("locale", None)
        return {"user": data}

    def _group_users(self, token: str | None, args: Json) -> Json:
        return {"users": self.groups.get(str(args.get("usergroup")), [])}

    def _group_list(self, token: str | None, args: Json) -> Json:
        with_users = str(args.get("include_users")).lower() in ("true", "1")
        groups = []
        for group_id, members in self.groups.items():
            handle = self.group_handles.get(group_id, group_id.lower())
            group: Json = {"id": group_id, "team_id": TEAM, "handle": handle, "name": handle.title(), "date_delete": 0}
            if with_users:
                group["users"] = list(members)
            groups.append(group)
        return {"usergroups": groups}

    def _conversation_info(self, token: str | None, args: Json) -> Json:
        channel = str(args.get("channel"))
        if channel not in self.channels:
            raise SlackFault("channel_not_found")
        return {"channel": {"id": channel, "name": self.channels[channel]}}

    def _history(self, token: str | None, args: Json) -> Json:
        """As on Slack: top-level messages only (no thread replies), newest first, `oldest` and `latest`
        exclusive unless `inclusive`, at most `limit` (default 100), `has_more` when some were left out."""
        channel = str(args.get("channel"))
        oldest, latest = float(args.get("oldest", 0)), float(args.get("latest", 1e12))
        inclusive = str(args.get("inclusive")).lower() in ("true", "1")
        found = [
            self._with_replies(m)
            for (c, ts), m in sorted(self.messages.items(), reverse=True)
            if c == channel
            and m.thread_ts in (None, ts)
            and (oldest <= float(ts) <= latest if inclusive else oldest < float(ts) < latest)
        ]
        limit = int(args.get("limit") or 100)
        return {"messages": found[:limit], "has_more": len(found) > limit}

    def _with_replies(self, parent: FakeMessage) -> Json:
        """A top-level message as history shows it: with `reply_count` and `latest_reply` if it has a thread."""
        data = parent.payload()
        replies = [
            ts
            for (c, ts), m in self.messages.items()
            if c == parent.channel and m.thread_ts == parent.ts and ts != parent.ts
        ]
        if replies:
            data.update(thread_ts=parent.ts, reply_count=len(replies), latest_reply=max(replies, key=float))
        return data

    def _member_of(self, token: str | None, args: Json) -> Json:
        """users.conversations: the bot is a member of every channel the fake knows."""
        return {"channels": [{"id": c, "name": n} for c, n in sorted(self.channels.items())]}

    def _replies(self, token: str | None, args: Json) -> Json:
        """The thread of `ts` (its parent or one of its replies), within `oldest`..`latest`."""
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        message = self.messages.get((channel, ts))
        if message is None:
            raise SlackFault("thread_not_found")
        root = message.thread_ts or message.ts
        oldest, latest = float(args.get("oldest", 0)), float(args.get("latest", 1e12))
        found = [
            m.payload()
            for (c, m_ts), m in sorted(self.messages.items())
            if c == channel and (m_ts == root or m.thread_ts == root) and oldest <= float(m_ts) <= latest
        ]
        return {"messages": found, "has_more": False}

    # -- Socket Mode -------------------------------------------------------------------------

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}}))
        self._socket_open.set()
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                await self._record_ack(json.loads(frame.data))
        self._sockets.remove(socket)
        return socket

    async def _record_ack(self, ack: Json) -> None:
        async with self._cond:
            self.acks.append(ack)
            self._cond.notify_all()

    async def drop_socket(self) -> None:
        """Close the app's Socket Mode connection from Slack's side (a server restart, a network blip)."""
        self._socket_open.clear()
        for socket in list(self._sockets):
            await socket.close()

    async def push(self, envelope: Json, within: float = 5.0) -> Json:
        """Send one Socket Mode envelope to the connected app; return its ack."""
        await asyncio.wait_for(self._socket_open.wait(), within)
        await self._sockets[-1].send_str(json.dumps(envelope))

        def acked() -> bool:
            return any(a.get("envelope_id") == envelope["envelope_id"] for a in self.acks)

        async with self._cond:
            await asyncio.wait_for(self._cond.wait_for(acked), within)
        return next(a for a in self.acks if a.get("envelope_id") == envelope["envelope_id"])


class SlackFault(Exception):
    """A Slack error answered with HTTP 200 and `ok: false`, as Slack does."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error
