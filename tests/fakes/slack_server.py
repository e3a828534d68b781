"""A fake Slack (Web API + Socket Mode) on 127.0.0.1, to test adapters through slack_sdk itself.

Arguments are checked against Slack's published OpenAPI description, failures and rate limits can
be injected, and every call is recorded for assertions.

In strict mode (the default) the bot token holds only the scopes of the shipped manifest
(`deploy/slack/manifest.yml`), and a method acting on a conversation needs the scope of that
conversation's kind among those the spec lists for it (`security.slackAuth` in
`specs/slack/slack_web_openapi_v2_without_examples.json`: `conversations.info` lists
`channels:read`, `groups:read`, `im:read`, `mpim:read`; `channels` is public channels, `groups`
private ones, `im` direct and `mpim` group direct conversations). A missing one answers
`{"ok": false, "error": "missing_scope", "needed": …, "provided": …}` as Slack does. Private
channels keep the id a test gives them: since 2021 Slack gives them `C…` ids like public ones.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import yaml
from aiohttp import WSMsgType, web

from ._aiohttp_thread import AiohttpThread, ServedFake, authorization_token

_MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yml"
_CONVERSATION_FAMILIES = ("channels", "groups", "im", "mpim")
_SPEC_NAME = "slack_web_openapi_v2_without_examples.json"
_SPEC_PLACES = (Path(__file__).resolve().parents[1] / "fixtures" / _SPEC_NAME,)
# Arguments the spec marks optional although Slack rejects calls without them (or the method is
# newer than the spec).
_EXTRA_REQUIRED: dict[str, tuple[str, ...]] = {
    "chat.delete": ("channel", "ts"),
    "conversations.info": ("channel",),
    "conversations.history": ("channel",),
    "conversations.replies": ("channel", "ts"),
    "users.info": ("user",),
    "views.update": ("view",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
}
# Groups of arguments of which at least one must be given.
_ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "chat.postMessage": (("text", "blocks", "attachments"),),
    "chat.postEphemeral": (("text", "blocks", "attachments"),),
    "conversations.open": (("channel", "users"),),
    "views.update": (("view_id", "external_id"),),
}
# Arguments that travel as JSON strings in form bodies; decoded so tests see structures.
_JSON_ARGS = frozenset({"blocks", "attachments", "metadata", "view", "files"})
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
_ERROR_FOR_STATUS = {429: "ratelimited", 500: "fatal_error", 503: "service_unavailable"}


class SlackError(Exception):
    """A Slack `{"ok": false, "error": ...}` answer raised from a method implementation."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class SlackCall:
    """One Web API call as the fake received it (token removed, JSON arguments decoded)."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int
    remaining: int


@functools.cache
def _spec_required() -> dict[str, frozenset[str]]:
    """Required arguments per method from Slack's OpenAPI file (token excluded: it is a header)."""
    env = os.environ.get("RELAIS_SLACK_OPENAPI")
    places = (Path(env), *_SPEC_PLACES) if env else _SPEC_PLACES
    spec_path = next((p for p in places if p.is_file()), None)
    if spec_path is None:
        raise FileNotFoundError(f"{_SPEC_NAME} not found; copy it to {_SPEC_PLACES[0]}")
    paths = json.loads(spec_path.read_text(encoding="utf-8"))["paths"]
    return {
        path.lstrip("/"): frozenset(
            p["name"]
            for op in ops.values()
            for p in op.get("parameters", [])
            if p.get("required") and p["name"] != "token"
        )
        for path, ops in paths.items()
    }


@functools.cache
def _spec_scopes() -> dict[str, frozenset[str]]:
    """Scopes per method from the spec's `security` (any one of them may grant the call)."""
    spec_path = next(p for p in _SPEC_PLACES if p.is_file())
    paths = json.loads(spec_path.read_text(encoding="utf-8"))["paths"]
    return {
        path.lstrip("/"): frozenset(
            scope
            for op in ops.values()
            for requirement in op.get("security") or []
            for scope in requirement.get("slackAuth") or []
        )
        for path, ops in paths.items()
    }


@functools.cache
def manifest_scopes() -> frozenset[str]:
    """The bot scopes the shipped manifest asks for."""
    manifest = yaml.safe_load(_MANIFEST.read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


def _conversation_family(channel: dict[str, Any]) -> str:
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    return "groups" if channel.get("is_private") else "channels"


def _missing_arguments(method: str, args: dict[str, Any]) -> bool:
    def given(name: str) -> bool:
        return args.get(name) not in (None, "", [])

    required = _spec_required().get(method, frozenset()) | set(_EXTRA_REQUIRED.get(method, ()))
    if not all(given(name) for name in required):
        return True
    return not all(any(given(n) for n in group) for group in _ONE_OF.get(method, ()))


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


class _PostRateLimiter:
    """Slack's chat.postMessage limits: about one message per second per channel, plus an
    optional workspace-wide budget per minute."""

    def __init__(self, per_channel_per_second: float | None, workspace_per_minute: int | None):
        self._interval = 1.0 / per_channel_per_second if per_channel_per_second else 0.0
        self._per_minute = workspace_per_minute
        self._last_post: dict[str, float] = {}
        self._recent: deque[float] = deque()

    def retry_after(self, channel: str, now: float) -> int | None:
        """Seconds to wait (Retry-After, at least 1), or None after recording an allowed post."""
        wait = 0.0
        last = self._last_post.get(channel)
        if self._interval and last is not None:
            wait = self._interval - (now - last)
        if self._per_minute is not None:
            while self._recent and now - self._recent[0] >= 60:
                self._recent.popleft()
            if len(self._recent) >= self._per_minute:
                wait = max(wait, 60 - (now - self._recent[0]))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._last_post[channel] = now
        self._recent.append(now)
        return None

    def reset(self) -> None:
        self._last_post.clear()
        self._recent.clear()


class _SocketModeHub:
    """Socket Mode connections: `hello` on connect, envelopes out, acknowledgements back."""

    def __init__(self, server: AiohttpThread, changed: threading.Condition, app_id: str) -> None:
        self._server = server
        self._changed = changed
        self._app_id = app_id
        self._clients: list[web.WebSocketResponse] = []
        self._acks: dict[str, dict[str, Any]] = {}

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._server.websockets.add(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._clients) + 1,
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self._app_id},
            }
        )
        with self._changed:
            self._clients.append(ws)
            self._changed.notify_all()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._record_ack(json.loads(msg.data))
        finally:
            with self._changed:
                self._clients.remove(ws)
            self._server.websockets.discard(ws)
        return ws

    def _record_ack(self, ack: dict[str, Any]) -> None:
        if "envelope_id" in ack:
            with self._changed:
                self._acks[ack["envelope_id"]] = ack
                self._changed.notify_all()

    def send(self, envelope: dict[str, Any]) -> str:
        full = {
            "envelope_id": str(uuid.uuid4()),
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            **envelope,
        }
        self._server.call(self._send_to_newest(full))
        return str(full["envelope_id"])

    async def _send_to_newest(self, envelope: dict[str, Any]) -> None:
        with self._changed:
            if not self._clients:
                raise RuntimeError("no Socket Mode client is connected")
            ws = self._clients[-1]
        await ws.send_json(envelope)

    def wait_client(self, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._clients), timeout):
                raise TimeoutError("no Socket Mode client connected")

    def wait_ack(self, envelope_id: str, timeout: float) -> dict[str, Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise TimeoutError(f"no ack for envelope {envelope_id}")
            return self._acks[envelope_id]

    def reset(self) -> None:
        with self._changed:
            self._acks.clear()


class _Workspace:
    """Workspace state and the Web API methods acting on it (called under the fake's lock)."""

    def __init__(self, team_id: str, bot_user_id: str, bot_id: str, app_id: str) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.base_url = ""  # http://127.0.0.1:PORT once the server listens
        self._last_ts_us = 0
        self._ids = itertools.count(1)

    def methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update_message,
            "chat.delete": self.delete_message,
            "chat.getPermalink": self.permalink,
            "conversations.open": self.open_conversation,
            "conversations.info": lambda a: {"channel": self.channel(a["channel"])},
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "users.info": self.user_info,
            "views.open": self.open_view,
            "views.update": self.update_view,
            "views.publish": self.publish_view,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
            "apps.connections.open": self.socket_url,
            "pins.add": self.pin,
            "reactions.add": self.react,
        }

    # -- state helpers -------------------------------------------------------------------------

    def next_ts(self) -> str:
        """Strictly increasing, wall-clock based timestamps, like Slack's message ids."""
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def add_user(self, user_id: str, name: str, **profile: Any) -> dict[str, Any]:
        real_name = profile.get("real_name") or name
        tz = profile.get("tz", "Europe/Paris")
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": profile.get("tz_offset", 3600),
            "locale": profile.get("locale", "fr-FR"),
            "is_bot": profile.get("is_bot", False),
            "is_admin": False,
            "profile": {
                "real_name": real_name,
                "display_name": profile.get("display_name", ""),
                "email": profile.get("email") or f"{name}@example.org",
            },
        }
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, **flags: Any) -> dict[str, Any]:
        channel = {
            "id": channel_id,
            "name": name,
            "is_channel": not flags.get("is_im") and not flags.get("is_mpim"),
            "is_group": False,
            "is_im": flags.get("is_im", False),
            "is_mpim": flags.get("is_mpim", False),
            "is_private": flags.get("is_private", False),
            "is_archived": False,
            "is_member": True,
            "created": int(time.time()),
            **({"user": flags["user"]} if "user" in flags else {}),
        }
        self.channels[channel_id] = channel
        return channel

    def channel(self, ref: str) -> dict[str, Any]:
        """Resolve a channel id, a (#)name, or a user id (its direct conversation)."""
        if ref in self.channels:
            return self.channels[ref]
        if ref in self.users:
            return self.im_with(ref)
        name = ref.removeprefix("#")
        for channel in self.channels.values():
            if channel["name"] == name and channel["is_channel"]:
                return channel
        raise SlackError("channel_not_found")

    def im_with(self, user_id: str) -> dict[str, Any]:
        channel_id = "D" + user_id.removeprefix("U").removeprefix("W")
        return self.channels.get(channel_id) or self.add_channel(
            channel_id, user_id, is_im=True, is_private=True, user=user_id
        )

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        for message in self.messages:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def own_message(self, channel: str, ts: str, error: str) -> dict[str, Any]:
        message = self.message(channel, ts)
        if message.get("user") != self.bot_user_id:
            raise SlackError(error)
        return message

    def store_message(self, channel: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        message = {"type": "message", "channel": channel, "user": user, "ts": self.next_ts()}
        if user == self.bot_user_id:
            message |= {"bot_id": self.bot_id, "app_id": self.app_id, "team": self.team_id}
        message |= {k: v for k, v in fields.items() if v not in (None, "")}
        self.messages.append(message)
        if "thread_ts" in message:
            self._count_reply(channel, message)
        return message

    def _count_reply(self, channel: str, reply: dict[str, Any]) -> None:
        try:
            parent = self.message(channel, reply["thread_ts"])
        except SlackError:
            return
        parent["thread_ts"] = parent["ts"]
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        parent["latest_reply"] = reply["ts"]
        parent["reply_users"] = sorted({*parent.get("reply_users", []), reply["user"]})

    @staticmethod
    def public(message: dict[str, Any], with_metadata: bool = True) -> dict[str, Any]:
        hidden = {"channel"} if with_metadata else {"channel", "metadata"}
        return {k: v for k, v in message.items() if k not in hidden}

    # -- Web API methods -----------------------------------------------------------------------

    def auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://relais-test.slack.com/",
            "team": "Relais",
            "user": self.users[self.bot_user_id]["name"],
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        keys = ("text", "blocks", "attachments", "thread_ts", "metadata")
        fields = {k: args.get(k) for k in keys}
        message = self.store_message(channel, self.bot_user_id, fields)
        return {"channel": channel, "ts": message["ts"], "message": self.public(message)}

    def post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self.channel(args["channel"])
        if args["user"] not in self.users:
            raise SlackError("user_not_found")
        return {"message_ts": self.next_ts()}

    def update_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        message = self.own_message(channel, args["ts"], "cant_update_message")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": self.public(message),
        }

    def delete_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        self.messages.remove(self.own_message(channel, args["ts"], "cant_delete_message"))
        return {"channel": channel, "ts": args["ts"]}

    def permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        message = self.message(channel, args["message_ts"])
        link = f"https://relais-test.slack.com/archives/{channel}/p{message['ts'].replace('.', '')}"
        if message.get("thread_ts", message["ts"]) != message["ts"]:
            link += f"?thread_ts={message['thread_ts']}&cid={channel}"
        return {"channel": channel, "permalink": link}

    def open_conversation(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": self.channel(args["channel"])}
        users = args["users"] if isinstance(args["users"], list) else args["users"].split(",")
        unknown = [u for u in users if u not in self.users]
        if unknown:
            raise SlackError("user_not_found")
        if len(users) == 1:
            return {"channel": self.im_with(users[0])}
        channel_id = "G" + "".join(sorted(u[1:5] for u in users))
        channel = self.channels.get(channel_id) or self.add_channel(
            channel_id, "mpdm-" + "--".join(sorted(users)), is_mpim=True, is_private=True
        )
        return {"channel": channel}

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        found = [
            m
            for m in self.messages
            if m["channel"] == channel and m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        return self._page(found[::-1], args)

    def replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        try:
            self.message(channel, args["ts"])
        except SlackError:
            raise SlackError("thread_not_found") from None
        found = [
            m
            for m in self.messages
            if m["channel"] == channel and args["ts"] in (m["ts"], m.get("thread_ts"))
        ]
        return self._page(found, args)

    def _page(self, found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        inclusive = _truthy(args.get("inclusive"))
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or math.inf)

        def within(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        found = [m for m in found if within(float(m["ts"]))]
        limit = int(args.get("limit") or 100)
        with_metadata = _truthy(args.get("include_all_metadata"))
        return {
            "messages": [self.public(m, with_metadata) for m in found[:limit]],
            "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def user_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args["user"])
        if user is None:
            raise SlackError("user_not_found")
        if _truthy(args.get("include_locale")):
            return {"user": user}
        return {"user": {k: v for k, v in user.items() if k != "locale"}}

    def _store_view(self, view: dict[str, Any], view_id: str, **extra: Any) -> dict[str, Any]:
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "state": {"values": {}},
            "hash": self.next_ts(),
            "root_view_id": view_id,
            "previous_view_id": None,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
            **extra,
        }
        self.views[view_id] = stored
        return {"view": stored}

    def open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._store_view(args["view"], self.new_id("V"))

    def update_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id") or next(
            (v["id"] for v in self.views.values() if v["external_id"] == args.get("external_id")),
            None,
        )
        if view_id not in self.views:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return self._store_view(args["view"], view_id)

    def publish_view(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["user_id"] not in self.users:
            raise SlackError("user_not_found")
        home_id = next(
            (v["id"] for v in self.views.values() if v.get("user_id") == args["user_id"]), None
        )
        return self._store_view(args["view"], home_id or self.new_id("V"), user_id=args["user_id"])

    def upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = self.new_id("F")
        self.files[file_id] = {
            "id": file_id,
            "name": args["filename"],
            "title": args["filename"],
            "size": int(args["length"]),
            "content": None,
            "channels": [],
        }
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = args["files"]
        if any(self.files.get(e["id"], {}).get("content") is None for e in entries):
            raise SlackError("file_not_found")
        refs = [args["channel_id"]] if args.get("channel_id") else []
        refs += [c for c in str(args.get("channels") or "").split(",") if c]
        channels = [self.channel(ref)["id"] for ref in refs]
        done = []
        for entry in entries:
            record = self.files[entry["id"]]
            record |= {
                "title": entry.get("title") or record["name"],
                "channels": channels,
                "initial_comment": args.get("initial_comment"),
                "thread_ts": args.get("thread_ts"),
            }
            done.append({k: record[k] for k in ("id", "name", "title", "size")})
        return {"files": done}

    def socket_url(self, _args: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        ws_base = self.base_url.replace("http://", "ws://", 1)
        return {"url": f"{ws_base}/link/?ticket={ticket}&app_id={self.app_id}"}

    def pin(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        message = self.message(channel, args.get("timestamp", ""))
        if channel in message.setdefault("pinned_to", []):
            raise SlackError("already_pinned")
        message["pinned_to"].append(channel)
        return {}

    def react(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(args["channel"])["id"]
        message = self.message(channel, args["timestamp"])
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == args["name"]), None)
        if reaction is None:
            reaction = {"name": args["name"], "users": [], "count": 0}
            reactions.append(reaction)
        if self.bot_user_id in reaction["users"]:
            raise SlackError("already_reacted")
        reaction["users"].append(self.bot_user_id)
        reaction["count"] += 1
        return {}


class FakeSlack(ServedFake):
    """A Slack workspace with one bot, serving the Web API at `base_url` and Socket Mode.

    Tokens are checked: `bot_token` for Web API methods, `app_token` for apps.connections.open.
    Channel "C0GENERAL" (#general) and the bot user exist from the start.
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",
        app_token: str = "xapp-test",
        team_id: str = "T0RELAIS",
        per_channel_per_second: float | None = None,
        workspace_per_minute: int | None = None,
        strict: bool = True,
        scopes: frozenset[str] | None = None,
    ) -> None:
        _spec_required()  # fail at construction, not on the first call, if the spec is missing
        self.bot_token = bot_token
        self.app_token = app_token
        self.strict = strict
        self.scopes = manifest_scopes() if scopes is None else scopes
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._workspace = _Workspace(team_id, "U0RELAISBOT", "B0RELAIS", "A0RELAIS")
        self._workspace.add_user(self.bot_user_id, "relais", real_name="Relais", is_bot=True)
        self._workspace.add_channel("C0GENERAL", "general")
        self._methods = self._workspace.methods()
        self._limiter = _PostRateLimiter(per_channel_per_second, workspace_per_minute)
        self._failures: dict[str, deque[_Failure]] = {}
        self.calls: list[SlackCall] = []
        self.ratelimited_count = 0

        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        self._server = AiohttpThread(app, "fake-slack")
        self._socket = _SocketModeHub(self._server, self._changed, self._workspace.app_id)
        app.router.add_get("/link/", self._socket.handle)

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        super().start()
        self._workspace.base_url = f"http://127.0.0.1:{self._server.port}"
        return self

    @property
    def base_url(self) -> str:
        return f"{self._workspace.base_url}/api/"

    @property
    def team_id(self) -> str:
        return self._workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self._workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self._workspace.bot_id

    # -- test helpers ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str = "",
        tz: str = "Europe/Paris",
        tz_offset: int = 3600,
        locale: str = "fr-FR",
        email: str | None = None,
        is_bot: bool = False,
    ) -> dict[str, Any]:
        """Add a member; users.info returns it (locale only with include_locale, as Slack)."""
        with self._lock:
            return self._workspace.add_user(
                user_id,
                name,
                real_name=real_name,
                display_name=display_name,
                tz=tz,
                tz_offset=tz_offset,
                locale=locale,
                email=email,
                is_bot=is_bot,
            )

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False
    ) -> dict[str, Any]:
        with self._lock:
            return self._workspace.add_channel(channel_id, name, is_private=is_private)

    def add_message(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> str:
        """Store a message written by a human (for history/replies); returns its ts."""
        with self._lock:
            channel_id = self._workspace.channel(channel)["id"]
            fields = {"text": text, "thread_ts": thread_ts}
            return str(self._workspace.store_message(channel_id, user, fields)["ts"])

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Stored messages, oldest first, each with its `channel`."""
        with self._lock:
            return [dict(m) for m in self._workspace.messages if channel in (None, m["channel"])]

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._workspace.views)

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._workspace.files)

    def reset(self) -> None:
        """Forget calls, messages, views, files, pending failures, counters and acks."""
        with self._lock:
            self.calls.clear()
            self._workspace.messages.clear()
            self._workspace.views.clear()
            self._workspace.files.clear()
            self._failures.clear()
            self._limiter.reset()
            self.ratelimited_count = 0
        self._socket.reset()

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail.

        Default: HTTP 429 with Retry-After. `status=500/503`: transient server errors.
        `error="channel_not_found"` alone: HTTP 200 with that Slack error.
        """
        final_status = status if status is not None else (200 if error else 429)
        final_error = error or _ERROR_FOR_STATUS.get(final_status, "internal_error")
        with self._lock:
            failure = _Failure(final_status, final_error, retry_after, times)
            self._failures.setdefault(method, deque()).append(failure)

    # -- Socket Mode -----------------------------------------------------------------------------

    def socket_send(self, envelope: dict[str, Any]) -> str:
        """Send an envelope to the newest Socket Mode connection (Slack picks one); returns its id.

        Missing envelope_id, accepts_response_payload, retry_attempt, retry_reason are filled in.
        """
        return self._socket.send(envelope)

    def wait_socket_client(self, timeout: float = 5.0) -> None:
        self._socket.wait_client(timeout)

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The acknowledgement message the client sent: {"envelope_id", optional "payload"}."""
        return self._socket.wait_ack(envelope_id, timeout)

    # -- HTTP ------------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        args = await _read_args(request)
        token = authorization_token(request) or args.pop("token", None)
        with self._lock:
            status, payload, headers = self._answer(method, args, token, at)
            headers = {**headers, "x-oauth-scopes": ",".join(sorted(self.scopes))}
            self.calls.append(SlackCall(method, args, dict(request.headers), at, status))
            if status == 429:
                self.ratelimited_count += 1
        return web.json_response(payload, status=status, headers=headers)

    def _answer(
        self, method: str, args: dict[str, Any], token: str | None, now: float
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        failure = self._take_failure(method)
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            return failure.status, {"ok": False, "error": failure.error}, headers
        try:
            if method not in self._methods:
                raise SlackError("unknown_method")
            self._authorize(method, token)
            if _missing_arguments(method, args):
                raise SlackError("invalid_arguments")
            needed = self._missing_scope(method, args)
            if needed is not None:
                provided = ",".join(sorted(self.scopes))
                error = {"ok": False, "error": "missing_scope", "needed": needed}
                return 200, {**error, "provided": provided}, {}
            if method == "chat.postMessage":
                channel = self._workspace.channel(args["channel"])["id"]
                wait = self._limiter.retry_after(channel, now)
                if wait is not None:
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
            return 200, {"ok": True, **self._methods[method](args)}, {}
        except SlackError as exc:
            return 200, {"ok": False, "error": exc.error}, {}

    def _missing_scope(self, method: str, args: dict[str, Any]) -> str | None:
        """The scope a conversation method lacks for this conversation's kind, if any."""
        listed = _spec_scopes().get(method, frozenset())
        families = {s.split(":")[0]: s for s in listed if s.split(":")[0] in _CONVERSATION_FAMILIES}
        if not self.strict or not families or not isinstance(args.get("channel"), str):
            return None
        channel = self._workspace.channels.get(args["channel"])
        if channel is None:
            return None
        needed = families.get(_conversation_family(channel))
        return needed if needed is not None and needed not in self.scopes else None

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        return failure

    def _authorize(self, method: str, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        expected = self.app_token if method in _APP_TOKEN_METHODS else self.bot_token
        if token in (self.bot_token, self.app_token) and token != expected:
            raise SlackError("not_allowed_token_type")
        if token != expected:
            raise SlackError("invalid_auth")

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL of files.getUploadURLExternal: raw body or multipart `file` part."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = form.get("file")
            content = part.file.read() if isinstance(part, web.FileField) else b""
        else:
            content = await request.read()
        with self._lock:
            record = self._workspace.files.get(request.match_info["file_id"])
            if record is None:
                return web.Response(status=404, text="file not found")
            record["content"] = content
        return web.Response(text=f"OK - {len(content)}")


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (JSON or form), decoding JSON-valued arguments."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json" and request.can_read_body:
        args.update(await request.json())
    elif request.can_read_body:
        args.update(await request.post())
    for key in _JSON_ARGS & args.keys():
        if isinstance(args[key], str) and args[key][:1] in ("[", "{"):
            args[key] = json.loads(args[key])
    return args
