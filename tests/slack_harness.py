"""What the Slack adapter tests share: the fake workspace, signed requests, a running adapter.

`SlackWorkspace` is the shared `FakeSlack` plus `conversations.list` (channel names → ids), which
the adapter needs and the fake does not serve. `SlackHarness` runs the real adapter behind the
real HTTP server, so tests speak to it exactly as Slack does: signed form or JSON bodies.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.slack.runner import SlackAdapter, connect
from bot.app import App, build
from bot.config import Settings
from bot.http import HttpServer, Request, Response
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from tests.conftest import make_settings
from tests.fakes.slack_server import FakeSlack, SlackCall

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FIXTURES = Path(__file__).parent / "fixtures" / "slack"
PEOPLE = {
    "U0ADA": ("ada", "fr-FR"),
    "U0BEA": ("bea", "fr-FR"),
    "U0CARL": ("carl", "fr-FR"),
    "U0EDDIE": ("eddie", "en-GB"),
    "U0FANNY": ("fanny", "fr-FR"),
}


class SlackWorkspace(FakeSlack):
    """The fake Slack with the members used in tests and `conversations.list`."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._methods["conversations.list"] = self._list_conversations
        for user_id, (name, locale) in PEOPLE.items():
            self.add_user(user_id, name, locale=locale, real_name=name.title())
        self.add_channel("C0IDEES", "idees")

    def _list_conversations(self, _args: dict[str, Any]) -> dict[str, Any]:
        channels = [c for c in self._workspace.channels.values() if c["is_channel"]]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def answers(self, method: str = "chat.postEphemeral") -> list[str]:
        """Texts of the calls to `method`, blocks included, for assertions on what people read."""
        return [call_text(call) for call in self.calls_to(method)]


def http_settings(engine: Engine, fake: SlackWorkspace) -> Settings:
    """Slack over HTTP on `engine` and `fake`, with no sample data: what `relais serve`,
    `relais worker` or `relais run` read from their environment."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        sample_data=False,
        database_url=engine.url.render_as_string(hide_password=False),
        http_host="127.0.0.1",
        http_port=0,
        slack_bot_token=fake.bot_token,
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
    )


def call_text(call: SlackCall) -> str:
    parts = [str(call.args.get("text") or "")]
    for block in call.args.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields") or [])
        if block["type"] == "context":
            parts.extend(e["text"] for e in block["elements"])
    return "\n".join(parts)


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def signed_headers(
    body: str, *, content_type: str, secret: str = SECRET, age: float = 0.0
) -> dict[str, str]:
    timestamp = str(int(time.time() - age))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def slash_body(**fields: str) -> str:
    return urlencode(fixture("slash_command_aide") | fields)


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


@dataclass
class Posted:
    status: int
    body: str
    elapsed: float


@dataclass
class SlackHarness:
    fake: SlackWorkspace
    app: App
    adapter: SlackAdapter
    http: HttpServer
    _triggers: Iterator[int] = field(default_factory=lambda: iter(range(1, 1_000_000)))

    def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
    ) -> Posted:
        """A request to `/slack/events`, signed unless `headers` says otherwise. Waits for the
        workers first: tests share one database connection, which the listener now uses too
        (it records the event before acknowledging)."""
        self.wait()
        sent = headers if headers is not None else signed_headers(body, content_type=content_type)
        connection = http.client.HTTPConnection("127.0.0.1", self.http.port, timeout=10)
        started = time.perf_counter()
        try:
            connection.request("POST", "/slack/events", body=body.encode(), headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        return Posted(response.status, text, time.perf_counter() - started)

    def command(self, user: str, text: str, *, channel: str = "C0GENERAL") -> Posted:
        """`/relais <text>` typed by `user`, then waits until the bot has answered."""
        posted = self.post(
            slash_body(
                user_id=user,
                user_name=PEOPLE.get(user, (user.lower(), ""))[0],
                text=text,
                channel_id=channel,
                trigger_id=f"trigger.{next(self._triggers)}",
            )
        )
        self.wait()
        return posted

    def event(self, body: dict[str, Any], *, retry: int | None = None) -> Posted:
        text = json.dumps(body)
        headers = signed_headers(text, content_type="application/json")
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        posted = self.post(text, content_type="application/json", headers=headers)
        self.wait()
        return posted

    def interaction(self, payload: dict[str, Any]) -> Posted:
        payload = payload | {"trigger_id": f"trigger.{next(self._triggers)}"}
        posted = self.post(interaction_body(payload))
        self.wait()
        return posted

    def press(self, user: str, action_id: str, value: str = "", **where: Any) -> Posted:
        payload = fixture("block_actions_language")
        payload["user"] = {"id": user, "username": PEOPLE[user][0], "team_id": "T0RELAIS"}
        payload["actions"][0] |= {"action_id": action_id, "value": value}
        payload |= where
        return self.interaction(payload)

    def submit(self, user: str, callback_id: str, values: dict[str, str], metadata: str) -> Posted:
        payload = fixture("view_submission_report_form")
        payload["user"] = {"id": user, "username": PEOPLE[user][0], "team_id": "T0RELAIS"}
        state = {
            name: {name: {"type": "plain_text_input", "value": v}} for name, v in values.items()
        }
        payload["view"] |= {
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": state},
        }
        return self.interaction(payload)

    def wait(self) -> None:
        assert self.adapter.receiver.pool.wait_idle(10), "the Slack workers did not finish"


def slack_app(
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    fake: FakeSlack,
    **settings: Any,
) -> App:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.base_url,
        "admins": ["slack:U0ADA"],
    }
    return build(
        make_settings(engine, **(values | settings)),
        clock=clock,
        engine=engine,
        sessions=sessions,
        policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
        upgrade=False,
    )


@dataclass
class SlackServers:
    """The fake Slack and the HTTP server, started once per test module (stopping a server
    takes half a second); each test attaches a fresh adapter to them."""

    fake: SlackWorkspace
    http: HttpServer


@contextmanager
def slack_servers() -> Iterator[SlackServers]:
    with SlackWorkspace() as fake:
        server = HttpServer(host="127.0.0.1", port=0)
        server.start()
        try:
            yield SlackServers(fake, server)
        finally:
            server.stop()


@contextmanager
def running_slack(
    servers: SlackServers,
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    **settings: Any,
) -> Iterator[SlackHarness]:
    """The adapter in HTTP mode with one worker (tests share one database connection)."""
    app = slack_app(engine, sessions, clock, servers.fake, **settings)
    adapter = connect(app, workers=1)
    servers.fake.reset()
    adapter.listen(servers.http)
    try:
        yield SlackHarness(servers.fake, app, adapter, servers.http)
    finally:
        adapter.stop()


@dataclass
class Catcher:
    """A local endpoint standing for Slack's response URLs."""

    server: HttpServer
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/response"

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.received.append(request.json())
        return Response.text("ok")


@contextmanager
def response_catcher() -> Iterator[Catcher]:
    server = HttpServer(host="127.0.0.1", port=0)
    catcher = Catcher(server)
    server.route("POST", "/response", catcher.handle)
    server.start()
    try:
        yield catcher
    finally:
        server.stop()
