"""A fake Mattermost (REST v4 subset + websocket) on 127.0.0.1, to test the adapter through
mattermostdriver and websockets with the server's real JSON shapes and event format.

In strict mode (the default) it also enforces the server's rules that decide whether a reply
reaches a person, each traced to Mattermost's source (github.com/mattermost/mattermost):

- `POST /posts/ephemeral` answers 403 `api.context.permissions.app_error` unless the bot's roles
  grant `create_post_ephemeral` (`server/channels/api4/post.go`, `createEphemeralPost`:
  `SessionHasPermissionTo(..., PermissionCreatePostEphemeral)`); by default only `system_admin`
  holds it (`server/public/model/role.go`, `MakeDefaultRoles`), and a bot account is created as
  `system_user` unless an admin picks "System Admin".
- `POST /posts` in a channel the bot is not a member of answers 403 (`createPost` in
  `server/channels/api4/post.go` checks `PermissionCreatePost` on the channel, which membership
  grants, and for an open channel falls back to `PermissionCreatePostPublic`, held by
  `system_post_all_public` and `system_admin`).
- What the bot answers to a slash command, a button or a dialog is applied the way the server
  applies it (`answer_command`, `answer_action`, `answer_dialog` below): a command's ephemeral
  response and a button's `ephemeral_text` become ephemeral posts the server itself sends to the
  caller (`server/channels/app/command.go`, `HandleCommandResponsePost`; `DoPostActionWithCookie`
  in `server/channels/app/integration_action.go`), with no permission check; any answer other
  than HTTP 200 is dropped (`DoActionRequest`: `resp.StatusCode != http.StatusOK` is an error),
  so nothing is shown; a dialog's `errors` are shown on its fields (`SubmitInteractiveDialog`).
- Every JSON answer has the bare `Content-Type: application/json`
  (`server/channels/web/handlers.go`); a 429 is the rate limiter's plain "limit exceeded" with
  `X-RateLimit-Limit/Remaining/Reset` and `Retry-After` in seconds
  (`server/channels/app/ratelimit.go`, `RateLimitWriter` and `setRateLimitHeaders`).
- Every button press and slash command gets a `trigger_id` signed as the server signs it
  (`trigger_id` below: `GenerateTriggerId` in `server/public/model/integration_action.go`, ECDSA
  P-256 over SHA-256 of `clientTriggerId:userId:millis:`), with the public key published in the
  client configuration (`GET /config/client?format=old`, `AsymmetricSigningPublicKey`, base64
  DER: `regenerateClientConfig`; without `format=old` the answer is 501, `getClientConfig` in
  `server/channels/api4/config.go`).
With `strict=False` the bot holds every permission (the "friendly" mode of older tests).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ._aiohttp_thread import AiohttpThread, ServedFake, authorization_token

SERVER_VERSION = "9.11.0.9.11.0.fake.false"
WEBSOCKET_PATH = "/api/v4/websocket"
_MENTION = re.compile(r"@([a-z0-9][a-z0-9._-]*)")
# `server/public/model/role.go`, `MakeDefaultRoles`: the permissions the fake checks, by role.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_user": ("create_direct_channel", "create_group_channel", "create_team"),
    "system_post_all": ("create_post",),
    "system_post_all_public": ("create_post_public",),
    "system_admin": ("create_post_ephemeral", "manage_system", "create_post", "create_post_public"),
}
_DEFAULT_429_HEADERS = {
    "X-Ratelimit-Limit": "10",
    "X-Ratelimit-Remaining": "0",
    "X-Ratelimit-Reset": "1",
    "Retry-After": "1",
}

# The decoded request body, kept for handlers and for the call record.
_BODY: web.RequestKey[Any] = web.RequestKey("body")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(payload: Any, status: int = 200) -> web.Response:
    """Answer with the bare `application/json` type: mattermostdriver compares it exactly."""
    body = json.dumps(payload).encode()
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})


def _new_id() -> str:
    """A 26-character lowercase id, the shape of Mattermost ids."""
    return base64.b32encode(uuid.uuid4().bytes).decode().lower()[:26]


class ApiError(Exception):
    """A Mattermost AppError answer."""

    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id

    def response(self) -> web.Response:
        payload = {
            "id": self.error_id,
            "message": str(self),
            "detailed_error": "",
            "request_id": _new_id(),
            "status_code": self.status,
        }
        return _json(payload, self.status)


def _not_found(what: str) -> ApiError:
    return ApiError(404, f"app.{what}.missing.app_error", f"Unable to find the {what}.")


@dataclass(frozen=True)
class MattermostCall:
    """One REST call as received (body: decoded JSON, or form fields for uploads)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float
    status: int


@dataclass
class _Failure:
    method: str
    path: re.Pattern[str]
    status: int
    headers: dict[str, str]
    remaining: int

    def response(self) -> web.Response:
        if self.status == 429:  # Mattermost's rate limiter answers in plain text
            return web.Response(status=429, text="limit exceeded\n", headers=self.headers)
        error = ApiError(self.status, "api.context.injected_failure.app_error", "Injected failure")
        response = error.response()
        response.headers.update(self.headers)
        return response


class _Store:
    """Users, team, channels, posts and files, with Mattermost's JSON shapes (used under a lock)."""

    def __init__(self, team_name: str) -> None:
        self._last_ms = 0
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.members: dict[str, set[str]] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.ephemeral_posts: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.dialogs: list[dict[str, Any]] = []
        now = self.now_ms()
        self.team = {
            "id": _new_id(),
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "display_name": team_name.capitalize(),
            "name": team_name,
            "description": "",
            "email": "",
            "type": "O",
            "company_name": "",
            "allowed_domains": "",
            "invite_id": _new_id(),
            "allow_open_invite": False,
        }

    def now_ms(self) -> int:
        """Strictly increasing milliseconds, so `since` queries never miss a post."""
        self._last_ms = max(time.time_ns() // 1_000_000, self._last_ms + 1)
        return self._last_ms

    # -- users -----------------------------------------------------------------------------------

    def add_user(self, username: str, **fields: Any) -> dict[str, Any]:
        now = self.now_ms()
        user = {
            "id": _new_id(),
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "username": username,
            "auth_data": "",
            "auth_service": "",
            "email": fields.get("email") or f"{username}@example.org",
            "nickname": fields.get("nickname", ""),
            "first_name": fields.get("first_name", ""),
            "last_name": fields.get("last_name", ""),
            "position": "",
            "roles": "system_user",
            "locale": fields.get("locale", "fr"),
            "timezone": {
                "automaticTimezone": fields.get("timezone", "Europe/Paris"),
                "manualTimezone": "",
                "useAutomaticTimezone": "true",
            },
            "is_bot": fields.get("is_bot", False),
            "props": {},
        }
        self.users[user["id"]] = user
        return user

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            raise _not_found("user")
        return self.users[user_id]

    def user_by_name(self, username: str) -> dict[str, Any]:
        for user in self.users.values():
            if user["username"] == username:
                return user
        raise _not_found("user")

    # -- channels --------------------------------------------------------------------------------

    def add_channel(
        self, name: str, kind: str, display_name: str, member_ids: Iterable[str], team_id: str
    ) -> dict[str, Any]:
        now = self.now_ms()
        channel: dict[str, Any] = {
            "id": _new_id(),
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "team_id": team_id,
            "type": kind,
            "display_name": display_name,
            "name": name,
            "header": "",
            "purpose": "",
            "last_post_at": 0,
            "total_msg_count": 0,
            "creator_id": "",
        }
        self.channels[channel["id"]] = channel
        self.members[channel["id"]] = set(member_ids)
        return channel

    def channel(self, channel_id: str) -> dict[str, Any]:
        if channel_id not in self.channels:
            raise _not_found("channel")
        return self.channels[channel_id]

    def channel_by_name(self, team_id: str, name: str) -> dict[str, Any]:
        for channel in self.channels.values():
            if channel["team_id"] == team_id and channel["name"] == name:
                return channel
        raise ApiError(404, "app.channel.get_by_name.missing.app_error", "Channel does not exist.")

    def direct_channel(self, user_ids: list[str]) -> dict[str, Any]:
        if len(user_ids) != 2:
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid user ids.")
        for user_id in user_ids:
            self.user(user_id)
        name = "__".join(sorted(user_ids))
        for channel in self.channels.values():
            if channel["type"] == "D" and channel["name"] == name:
                return channel
        return self.add_channel(name, "D", "", user_ids, "")

    def channels_of(self, user_id: str, team_id: str) -> list[dict[str, Any]]:
        """Like Mattermost: the team's channels the user is in, plus direct/group channels."""
        return [
            c
            for c in self.channels.values()
            if user_id in self.members[c["id"]] and c["team_id"] in (team_id, "")
        ]

    # -- posts -----------------------------------------------------------------------------------

    def create_post(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(str(body.get("channel_id", "")))
        root_id = str(body.get("root_id") or "")
        if root_id and self.posts.get(root_id, {}).get("channel_id") != channel["id"]:
            raise ApiError(400, "api.post.create_post.root_id.app_error", "Invalid RootId.")
        if not body.get("message") and not body.get("file_ids"):
            raise ApiError(400, "model.post.is_valid.msg.app_error", "Invalid message.")
        now = self.now_ms()
        post = {
            "id": _new_id(),
            "create_at": now,
            "update_at": now,
            "edit_at": 0,
            "delete_at": 0,
            "is_pinned": False,
            "user_id": user_id,
            "channel_id": channel["id"],
            "root_id": root_id,
            "original_id": "",
            "message": body.get("message", ""),
            "type": "",
            "props": body.get("props") or {},
            "hashtags": "",
            "pending_post_id": body.get("pending_post_id", ""),
            "reply_count": 0,
            "metadata": {},
        }
        if body.get("file_ids"):
            post["file_ids"] = list(body["file_ids"])
        self.posts[post["id"]] = post
        channel["last_post_at"] = now
        channel["total_msg_count"] += 1
        if root_id:
            self.posts[root_id]["reply_count"] += 1
        return post

    def post(self, post_id: str) -> dict[str, Any]:
        post = self.posts.get(post_id)
        if post is None or post["delete_at"]:
            raise _not_found("post")
        return post

    def edit_post(self, post_id: str, editor_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        post = self.post(post_id)
        if post["user_id"] != editor_id:
            raise ApiError(403, "api.context.permissions.app_error", "No permission to edit.")
        for key in ("message", "props", "file_ids", "is_pinned"):
            if key in changes:
                post[key] = changes[key]
        post["edit_at"] = post["update_at"] = self.now_ms()
        return post

    @staticmethod
    def post_list(posts: list[dict[str, Any]]) -> dict[str, Any]:
        """Mattermost's PostList: `order` newest first, `posts` keyed by id."""
        ordered = sorted(posts, key=lambda p: p["create_at"], reverse=True)
        return {
            "order": [p["id"] for p in ordered],
            "posts": {p["id"]: p for p in ordered},
            "next_post_id": "",
            "prev_post_id": "",
            "has_next": False,
        }

    def channel_posts(self, channel_id: str, query: dict[str, str]) -> dict[str, Any]:
        self.channel(channel_id)
        posts = [p for p in self.posts.values() if p["channel_id"] == channel_id]
        if "since" in query:
            since = int(query["since"])
            return self.post_list([p for p in posts if max(p["create_at"], p["update_at"]) > since])
        live = sorted((p for p in posts if not p["delete_at"]), key=lambda p: -p["create_at"])
        page, per_page = int(query.get("page", 0)), int(query.get("per_page", 60))
        return self.post_list(live[page * per_page : (page + 1) * per_page])

    def thread(self, post_id: str) -> dict[str, Any]:
        root_id = self.post(post_id)["root_id"] or post_id
        return self.post_list(
            [p for p in self.posts.values() if root_id in (p["id"], p["root_id"])]
        )

    def posted_data(self, post: dict[str, Any]) -> dict[str, Any]:
        """The `data` of a `posted` event; `mentions` only if someone is mentioned, as upstream."""
        channel = self.channels[post["channel_id"]]
        sender = self.users[post["user_id"]]
        data = {
            "channel_display_name": (
                f"@{sender['username']}" if channel["type"] == "D" else channel["display_name"]
            ),
            "channel_name": channel["name"],
            "channel_type": channel["type"],
            "post": json.dumps(post),
            "sender_name": f"@{sender['username']}",
            "set_online": True,
            "team_id": channel["team_id"],
        }
        mentions = self._mentions(post, channel)
        if mentions:
            data["mentions"] = json.dumps(mentions)
        return data

    def _mentions(self, post: dict[str, Any], channel: dict[str, Any]) -> list[str]:
        if channel["type"] == "D":
            return sorted(self.members[channel["id"]] - {post["user_id"]})
        names = set(_MENTION.findall(post["message"].lower()))
        return [
            u["id"]
            for u in self.users.values()
            if u["username"] in names and u["id"] != post["user_id"]
        ]


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    request: web.Request
    user_id: str = ""
    seq: int = 0


@dataclass
class _Hub:
    """Websocket clients: authentication challenge, `hello`, numbered events, abrupt drops."""

    server: AiohttpThread
    changed: threading.Condition
    tokens: dict[str, str]
    connections: list[_Connection] = field(default_factory=list)
    logins: int = 0
    refusing: bool = False

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.refusing:
            return web.Response(status=503, text="websocket refused by the fake")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.server.websockets.add(ws)
        conn = _Connection(ws, request)
        with self.changed:
            self.connections.append(conn)
        try:
            header_user = self.tokens.get(authorization_token(request, ("bearer", "token")) or "")
            if header_user:
                await self._authenticated(conn, header_user, None)
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_request(conn, json.loads(msg.data))
        finally:
            with self.changed:
                self.connections.remove(conn)
                self.changed.notify_all()
            self.server.websockets.discard(ws)
        return ws

    async def _on_request(self, conn: _Connection, req: dict[str, Any]) -> None:
        seq = req.get("seq", 0)
        if not isinstance(seq, int) or seq <= 0:
            await self._fail(conn, seq, "api.web_socket_router.bad_seq.app_error")
        elif req.get("action") == "authentication_challenge":
            if conn.user_id:
                return
            user_id = self.tokens.get(str(req.get("data", {}).get("token")))
            if user_id is None:  # Mattermost closes the socket without answering
                _abort(conn)
                return
            await self._authenticated(conn, user_id, seq)
        elif not conn.user_id:
            await self._fail(conn, seq, "api.web_socket_router.not_authenticated.app_error")
        else:
            await conn.ws.send_json({"status": "OK", "seq_reply": seq})

    async def _fail(self, conn: _Connection, seq: Any, error_id: str) -> None:
        error = {"id": error_id, "message": error_id, "status_code": 400}
        await conn.ws.send_json({"status": "FAIL", "seq_reply": seq, "error": error})

    async def _authenticated(self, conn: _Connection, user_id: str, seq: int | None) -> None:
        conn.user_id = user_id
        if seq is not None:
            await conn.ws.send_json({"status": "OK", "seq_reply": seq})
        data = {"server_version": SERVER_VERSION, "connection_id": _new_id()}
        await self._send(conn, "hello", data, {"user_id": user_id})
        with self.changed:
            self.logins += 1
            self.changed.notify_all()

    async def _send(
        self, conn: _Connection, event: str, data: dict[str, Any], broadcast: dict[str, Any]
    ) -> None:
        message = {
            "event": event,
            "data": data,
            "broadcast": {
                "omit_users": None,
                "user_id": "",
                "channel_id": "",
                "team_id": "",
                "connection_id": "",
                "omit_connection_id": "",
                **broadcast,
            },
            "seq": conn.seq,
        }
        conn.seq += 1
        with contextlib.suppress(ConnectionError):  # a vanished client misses it, as upstream
            await conn.ws.send_json(message)

    async def broadcast(self, event: str, data: dict[str, Any], channel_id: str) -> None:
        with self.changed:
            targets = [c for c in self.connections if c.user_id]
        for conn in targets:
            await self._send(conn, event, data, {"channel_id": channel_id})

    async def drop_all(self) -> None:
        with self.changed:
            targets = list(self.connections)
        for conn in targets:
            _abort(conn)

    def wait_client(self, timeout: float, logins: int) -> None:
        def ready() -> bool:
            return self.logins >= logins and any(c.user_id for c in self.connections)

        with self.changed:
            if not self.changed.wait_for(ready, timeout):
                raise TimeoutError(f"no authenticated websocket client (login #{logins})")


def _abort(conn: _Connection) -> None:
    """Cut the TCP connection without a close frame, like a crash or a network failure."""
    transport = conn.request.transport
    if transport is not None:
        transport.abort()


class FakeMattermost(ServedFake):
    """A Mattermost server with one team and a bot user, serving REST v4 and the websocket.

    REST calls need `Authorization: Bearer <token>` (401 otherwise). Human activity is simulated
    with `user_posts`; posts the bot makes through REST also produce `posted` events.
    """

    scheme = "http"
    host = "127.0.0.1"

    def __init__(
        self,
        *,
        token: str = "mm-bot-token",
        team_name: str = "equipe",
        strict: bool = True,
        bot_roles: str = "system_user",
    ) -> None:
        self.token = token
        self.strict = strict
        self._lock = threading.RLock()
        self._store = _Store(team_name)
        self.bot = self._store.add_user("relais", first_name="Relais", is_bot=True)
        self.bot["roles"] = bot_roles
        self.calls: list[MattermostCall] = []
        self.dropped_answers: list[tuple[str, int, Any]] = []
        self.dialog_errors: list[dict[str, str]] = []
        self._failures: list[_Failure] = []
        self.signing_key = ec.generate_private_key(ec.SECP256R1())

        app = web.Application(middlewares=[self._middleware])
        self._server = AiohttpThread(app, "fake-mattermost")
        self._hub = _Hub(self._server, threading.Condition(self._lock), {token: self.bot["id"]})
        self._add_routes(app.router)

    # -- addresses -------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def websocket_url(self) -> str:
        return f"ws://{self.host}:{self.port}{WEBSOCKET_PATH}"

    @property
    def team(self) -> dict[str, Any]:
        return self._store.team

    # -- test helpers ----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        first_name: str = "",
        last_name: str = "",
        nickname: str = "",
        email: str | None = None,
        locale: str = "fr",
        timezone: str = "Europe/Paris",
    ) -> dict[str, Any]:
        with self._lock:
            return self._store.add_user(
                username,
                first_name=first_name,
                last_name=last_name,
                nickname=nickname,
                email=email,
                locale=locale,
                timezone=timezone,
            )

    def add_channel(
        self,
        name: str,
        type: str = "O",  # Mattermost's own field name
        *,
        display_name: str | None = None,
        members: Iterable[str] = (),
    ) -> dict[str, Any]:
        """A team channel ("O" public, "P" private); the bot and the given usernames are members."""
        with self._lock:
            ids = [self.bot["id"], *(self._store.user_by_name(m)["id"] for m in members)]
            return self._store.add_channel(
                name, type, display_name or name.capitalize(), ids, self.team["id"]
            )

    def direct_channel(self, username: str) -> dict[str, Any]:
        """The direct channel between the bot and `username` (created if needed)."""
        with self._lock:
            user_id = self._store.user_by_name(username)["id"]
            return self._store.direct_channel([self.bot["id"], user_id])

    def team_channel_ids(self) -> set[str]:
        with self._lock:
            return {cid for cid, c in self._store.channels.items() if c["type"] in ("O", "P")}

    def direct_channel_ids(self, user_id: str) -> set[str]:
        """Ids of the direct channels `user_id` is in."""
        with self._lock:
            channels = self._store.channels
            return {
                cid
                for cid, c in channels.items()
                if c["type"] == "D" and user_id in self._store.members[cid]
            }

    def user_posts(
        self,
        username: str,
        channel_id: str,
        message: str,
        root_id: str = "",
        props: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A human posts: the post is stored and a `posted` event is pushed to websocket clients."""
        with self._lock:
            user_id = self._store.user_by_name(username)["id"]
            body = {"channel_id": channel_id, "message": message, "root_id": root_id}
            post = self._store.create_post(user_id, {**body, "props": props or {}})
            data = self._store.posted_data(post)
        self._server.call(self._hub.broadcast("posted", data, channel_id))
        return dict(post)

    @property
    def posts(self) -> list[dict[str, Any]]:
        """Stored posts, oldest first (ephemeral posts are in `ephemeral_posts`)."""
        with self._lock:
            return [
                dict(p) for p in sorted(self._store.posts.values(), key=lambda p: p["create_at"])
            ]

    @property
    def ephemeral_posts(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._store.ephemeral_posts)

    def trigger_id(
        self,
        user_id: str,
        *,
        at_ms: int | None = None,
        key: ec.EllipticCurvePrivateKey | None = None,
    ) -> str:
        """The `trigger_id` the server sends with a press by `user_id` (`GenerateTriggerId`):
        base64 of `clientTriggerId:userId:millis:` and the base64 ASN.1 ECDSA signature of that
        text, by the server's key (or `key`, to forge one)."""
        millis = at_ms if at_ms is not None else time.time_ns() // 1_000_000
        data = f"{_new_id()}:{user_id}:{millis}:"
        signer = key or self.signing_key
        signature = signer.sign(data.encode(), ec.ECDSA(hashes.SHA256()))
        return base64.b64encode((data + base64.b64encode(signature).decode()).encode()).decode()

    @property
    def public_key(self) -> str:
        """`AsymmetricSigningPublicKey` of the client configuration: base64 of the DER key."""
        der = self.signing_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode()

    def bot_may(self, permission: str) -> bool:
        """Whether the bot's roles grant `permission` (always, outside strict mode)."""
        roles = str(self.bot.get("roles") or "").split()
        granted = {p for role in roles for p in ROLE_PERMISSIONS.get(role, ())}
        return not self.strict or permission in granted

    def answer_command(self, user_id: str, channel_id: str, status: int, body: Any) -> None:
        """What the server does with the bot's answer to a slash command (`command.go`):
        ephemeral responses (the default type) and their `extra_responses` become ephemeral
        posts to the caller; a non-200 answer is an error shown instead of any reply."""
        if status != 200:
            self.dropped_answers.append(("command", status, body))
            return
        if not body:
            return
        for answer in [body, *(body.get("extra_responses") or [])]:
            if not (answer.get("text") or answer.get("attachments")):
                raise ApiError(400, "api.command.execute_command.failed_empty.app_error", "Empty")
            if answer.get("response_type", "ephemeral") != "ephemeral":
                continue
            props = {"attachments": answer["attachments"]} if answer.get("attachments") else {}
            self._server_ephemeral(user_id, channel_id, answer.get("text") or "", props)

    def answer_action(self, user_id: str, channel_id: str, status: int, body: Any) -> None:
        """`DoPostActionWithCookie`: only a 200 is read; its `ephemeral_text` goes privately
        to the presser, sent by the server itself."""
        if status != 200:
            self.dropped_answers.append(("action", status, body))
            return
        text = (body or {}).get("ephemeral_text")
        if text:
            self._server_ephemeral(user_id, channel_id, text, {})

    def answer_dialog(self, status: int, body: Any) -> None:
        """`SubmitInteractiveDialog`: a 200's `errors` stay on the open dialog's fields."""
        if status != 200:
            self.dropped_answers.append(("dialog", status, body))
            return
        errors = (body or {}).get("errors")
        if errors:
            self.dialog_errors.append(dict(errors))

    def _server_ephemeral(
        self, user_id: str, channel_id: str, message: str, props: dict[str, Any]
    ) -> None:
        with self._lock:
            now = self._store.now_ms()
            self._store.ephemeral_posts.append(
                {
                    "id": _new_id(),
                    "create_at": now,
                    "update_at": now,
                    "user_id": self.bot["id"],
                    "channel_id": channel_id,
                    "root_id": "",
                    "message": message,
                    "props": props,
                    "type": "system_ephemeral",
                    "target_user_id": user_id,
                    "sent_by": "server",
                }
            )

    @property
    def dialogs(self) -> list[dict[str, Any]]:
        """Bodies of /actions/dialogs/open calls."""
        with self._lock:
            return list(self._store.dialogs)

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Uploaded files by id: the file info plus `content` bytes."""
        with self._lock:
            return dict(self._store.files)

    def calls_to(self, method: str, path: str) -> list[MattermostCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method.upper() and c.path == path]

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Fail the next `times` REST calls matching method and path (re.search).

        429 answers Mattermost's plain-text "limit exceeded" with X-Ratelimit-* and Retry-After
        headers (overridable); other statuses answer an AppError JSON.
        """
        if headers is None:
            headers = _DEFAULT_429_HEADERS if status == 429 else {}
        failure = _Failure(method.upper(), re.compile(path_regex), status, dict(headers), times)
        with self._lock:
            self._failures.append(failure)

    def drop_websockets(self) -> None:
        """Cut every websocket connection abruptly (no close frame: clients see code 1006)."""
        self._server.call(self._hub.drop_all())

    def refuse_websockets(self, refuse: bool = True) -> None:
        """While true, websocket upgrades get HTTP 503, as during a server restart."""
        with self._lock:
            self._hub.refusing = refuse

    def wait_websocket_client(self, timeout: float = 5.0, logins: int = 1) -> None:
        """Wait for an authenticated websocket client; `logins=2` waits for the first reconnect."""
        self._hub.wait_client(timeout, logins)

    @property
    def websocket_logins(self) -> int:
        """Successful websocket authentications so far."""
        with self._lock:
            return self._hub.logins

    # -- HTTP plumbing ---------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Failure injection, token check, AppError answers and recording around every route."""
        if request.path == WEBSOCKET_PATH:
            return await handler(request)
        at = time.monotonic()
        if request.content_type == "application/json" and request.can_read_body:
            request[_BODY] = await request.json()
        response: web.StreamResponse | None = self._injected_failure(request)
        if response is None:  # not `or`: responses are mappings, falsy when empty
            response = await self._serve(request, handler)
        call = MattermostCall(
            request.method,
            request.path,
            dict(request.query),
            request.get(_BODY),
            dict(request.headers),
            at,
            response.status,
        )
        with self._lock:
            self.calls.append(call)
        return response

    async def _serve(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if authorization_token(request, ("bearer", "token")) != self.token:
                raise ApiError(
                    401, "api.context.session_expired.app_error", "Invalid or expired session."
                )
            return await handler(request)
        except ApiError as exc:
            return exc.response()
        except web.HTTPException as exc:  # unknown route or method
            error_id = f"api.context.{exc.status}.app_error"
            return ApiError(exc.status, error_id, exc.reason).response()

    def _injected_failure(self, request: web.Request) -> web.Response | None:
        with self._lock:
            for failure in self._failures:
                if failure.method == request.method and failure.path.search(request.path):
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    return failure.response()
        return None

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        v4 = "/api/v4"
        routes: list[tuple[str, str, Handler]] = [
            ("GET", WEBSOCKET_PATH, self._hub.handle),
            ("GET", "/users/me", self._me),
            ("POST", "/users/ids", self._users_by_ids),
            ("POST", "/users/usernames", self._users_by_names),
            ("GET", "/users/username/{username}", self._user_by_name),
            ("GET", "/users/{user_id}", self._user),
            ("GET", "/users/{user_id}/teams/{team_id}/channels", self._user_channels),
            ("GET", "/teams/name/{name}", self._team_by_name),
            ("GET", "/teams/{team_id}/channels/name/{name}", self._channel_by_name),
            ("POST", "/channels/direct", self._direct_channel),
            ("GET", "/channels/{channel_id}", self._channel),
            ("GET", "/channels/{channel_id}/posts", self._channel_posts),
            ("POST", "/posts", self._create_post),
            ("POST", "/posts/ephemeral", self._ephemeral_post),
            ("GET", "/posts/{post_id}", self._post),
            ("PUT", "/posts/{post_id}", self._update_post),
            ("PUT", "/posts/{post_id}/patch", self._patch_post),
            ("GET", "/posts/{post_id}/thread", self._thread),
            ("POST", "/posts/{post_id}/pin", self._pin_post),
            ("POST", "/actions/dialogs/open", self._open_dialog),
            ("POST", "/roles/names", self._roles_by_names),
            ("POST", "/files", self._upload_files),
            ("GET", "/config/client", self._client_config),
        ]
        for method, path, handler in routes:
            router.add_route(method, path if path == WEBSOCKET_PATH else v4 + path, handler)

    # -- REST handlers (Mattermost's status codes: 201 on creation) ------------------------------

    async def _client_config(self, request: web.Request) -> web.Response:
        if request.query.get("format") != "old":
            raise ApiError(
                501,
                "api.config.client.old_format.app_error",
                "New format for the client configuration is not supported yet.",
            )
        return _json(
            {
                "Version": "9.11.0",
                "SiteName": "Mattermost",
                "AsymmetricSigningPublicKey": self.public_key,
            }
        )

    async def _me(self, _request: web.Request) -> web.Response:
        return _json(self.bot)

    async def _users_by_ids(self, request: web.Request) -> web.Response:
        with self._lock:
            users = self._store.users
            return _json([users[i] for i in request.get(_BODY) or [] if i in users])

    async def _users_by_names(self, request: web.Request) -> web.Response:
        names = set(request.get(_BODY) or [])
        with self._lock:
            return _json([u for u in self._store.users.values() if u["username"] in names])

    async def _user_by_name(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.user_by_name(request.match_info["username"]))

    async def _user(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.user(request.match_info["user_id"]))

    async def _user_channels(self, request: web.Request) -> web.Response:
        info = request.match_info
        with self._lock:
            return _json(self._store.channels_of(info["user_id"], info["team_id"]))

    async def _team_by_name(self, request: web.Request) -> web.Response:
        if request.match_info["name"] != self.team["name"]:
            raise _not_found("team")
        return _json(self.team)

    async def _channel_by_name(self, request: web.Request) -> web.Response:
        info = request.match_info
        with self._lock:
            return _json(self._store.channel_by_name(info["team_id"], info["name"]))

    async def _direct_channel(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.direct_channel(list(request.get(_BODY) or [])), 201)

    async def _channel(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.channel(request.match_info["channel_id"]))

    async def _channel_posts(self, request: web.Request) -> web.Response:
        with self._lock:
            posts = self._store.channel_posts(request.match_info["channel_id"], dict(request.query))
            return _json(posts)

    async def _roles_by_names(self, request: web.Request) -> web.Response:
        """`POST /roles/names`: any session may read roles (`server/channels/api4/role.go`)."""
        names = [n for n in request.get(_BODY) or [] if n in ROLE_PERMISSIONS]
        roles = [
            {"id": _new_id(), "name": n, "permissions": list(ROLE_PERMISSIONS[n])} for n in names
        ]
        return _json(roles)

    def _forbidden(self, permission: str) -> ApiError:
        """`c.SetPermissionError`: 403 with the permission named in the message."""
        message = f"You do not have the appropriate permissions. ({permission})"
        return ApiError(403, "api.context.permissions.app_error", message)

    async def _create_post(self, request: web.Request) -> web.Response:
        body = request.get(_BODY) or {}
        with self._lock:
            members = self._store.members.get(str(body.get("channel_id", "")), set())
            channel = self._store.channels.get(str(body.get("channel_id", "")))
            public = channel is not None and channel["type"] == "O"
            allowed = self.bot["id"] in members or (public and self.bot_may("create_post_public"))
            if channel is not None and not allowed and self.strict:
                raise self._forbidden("create_post")
            post = self._store.create_post(self.bot["id"], body)
            data = self._store.posted_data(post)
        await self._hub.broadcast("posted", data, post["channel_id"])
        return _json(post, 201)

    async def _ephemeral_post(self, request: web.Request) -> web.Response:
        """Stored apart: the event goes to the target user only, never to the bot's socket."""
        if not self.bot_may("create_post_ephemeral"):
            raise self._forbidden("create_post_ephemeral")
        body = request.get(_BODY) or {}
        with self._lock:
            self._store.user(str(body.get("user_id", "")))
            channel = self._store.channel(str(body.get("post", {}).get("channel_id", "")))
            now = self._store.now_ms()
            post = {
                **body["post"],
                "id": _new_id(),
                "create_at": now,
                "update_at": now,
                "user_id": self.bot["id"],
                "channel_id": channel["id"],
                "type": "system_ephemeral",
                "target_user_id": body["user_id"],
            }
            self._store.ephemeral_posts.append(post)
        return _json({k: v for k, v in post.items() if k != "target_user_id"}, 201)

    async def _post(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.post(request.match_info["post_id"]))

    async def _update_post(self, request: web.Request) -> web.Response:
        body = request.get(_BODY) or {}
        if body.get("id") != request.match_info["post_id"]:
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid post id.")
        return await self._edit(body["id"], body)

    async def _patch_post(self, request: web.Request) -> web.Response:
        return await self._edit(request.match_info["post_id"], request.get(_BODY) or {})

    async def _edit(self, post_id: str, changes: dict[str, Any]) -> web.Response:
        with self._lock:
            post = self._store.edit_post(post_id, self.bot["id"], changes)
            data = {"post": json.dumps(post)}
        await self._hub.broadcast("post_edited", data, post["channel_id"])
        return _json(post)

    async def _thread(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self._store.thread(request.match_info["post_id"]))

    async def _pin_post(self, request: web.Request) -> web.Response:
        with self._lock:
            post = self._store.post(request.match_info["post_id"])
            post["is_pinned"] = True
            post["update_at"] = self._store.now_ms()
        return _json({"status": "OK"})

    async def _open_dialog(self, request: web.Request) -> web.Response:
        body = request.get(_BODY) or {}
        if not (body.get("trigger_id") and body.get("url") and body.get("dialog")):
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid dialog.")
        with self._lock:
            self._store.dialogs.append(body)
        return _json({"status": "OK"})

    async def _upload_files(self, request: web.Request) -> web.Response:
        """Multipart upload: `channel_id` (field or query) and one or more `files` parts."""
        fields: dict[str, str] = dict(request.query)
        uploads: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename:
                uploads.append((part.filename, await part.read()))
            else:
                fields[part.name] = await part.text()
        request[_BODY] = {**fields, "files": [name for name, _ in uploads]}
        with self._lock:
            self._store.channel(fields.get("channel_id", ""))
            infos = [self._file_info(name, content) for name, content in uploads]
        return _json({"file_infos": infos, "client_ids": []}, 201)

    def _file_info(self, name: str, content: bytes) -> dict[str, Any]:
        now = self._store.now_ms()
        info = {
            "id": _new_id(),
            "user_id": self.bot["id"],
            "post_id": "",
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "name": name,
            "extension": name.rpartition(".")[2] if "." in name else "",
            "size": len(content),
            "mime_type": "application/octet-stream",
            "has_preview_image": False,
        }
        self._store.files[info["id"]] = {**info, "content": content}
        return info
