"""A Relais app wired to a FakeMattermost through the real adapter, for the Mattermost tests.

Everything goes through real pieces: mattermostdriver for REST, the adapter's websocket loop,
its HTTP routes on the shared server (called with `Request`s as Mattermost would send them),
and the store with real commits (several threads write). What the routes answer is handed back
to the fake, which applies it as the server does (`FakeMattermost.answer_*`): a person sees
only what a real server would show them. The bot is an ordinary account (no
`create_post_ephemeral`) unless a test says otherwise.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.mattermost.runner import MattermostAdapter, connect
from bot.app import App, build
from bot.http import Request, Response, Route
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from store import migrate
from store.db import make_engine, make_session_factory
from tests.conftest import make_settings
from tests.fakes.mattermost_server import FakeMattermost

FIXTURES = Path(__file__).parent / "fixtures" / "mattermost"
SLASH_TOKEN = "slash-token-0123456789"
ACTION_SECRET = "action-secret-0123456789abcdefghijkl"


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text()))


@dataclass
class Routes:
    """The adapter's routes without a socket: requests go straight to the route functions."""

    table: dict[tuple[str, str], Route] = field(default_factory=dict)

    def route(self, method: str, path: str, handler: Route) -> None:
        self.table[(method, path)] = handler

    def dispatch(self, request: Request) -> Response:
        return self.table[(request.method, request.path)](request)


@dataclass
class World:
    fake: FakeMattermost
    app: App
    adapter: MattermostAdapter
    http: Routes
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    town: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ people acting

    def slash(
        self, user: str, text: str, *, token: str = SLASH_TOKEN, channel: str | None = None
    ) -> Response:
        """`/relais <text>` typed by `user`, as Mattermost posts it to the bot."""
        form = fixture("slash_command_role")
        form.update(
            channel_id=channel or self.town["id"],
            user_id=self.users[user]["id"],
            user_name=user,
            text=text,
            token=token,
            trigger_id=self.trigger(self.users[user]["id"]),
        )
        body = urlencode(form).encode()
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "authorization": f"Token {token}",
        }
        response = self.http.dispatch(Request("POST", "/mattermost/command", {}, headers, body))
        answer = json.loads(response.body) if response.body else None
        self.fake.answer_command(form["user_id"], form["channel_id"], response.status, answer)
        return response

    def press(
        self, user: str, post: dict[str, Any], label: str, *, option: str | None = None
    ) -> Response:
        """A click on the button (or menu) named `label` of `post`."""
        action = find_action(post, label)
        body = fixture("action_select_option" if option else "action_button_press")
        context = dict(action["integration"]["context"])
        if option is not None:
            context["selected_option"] = option
        body.update(
            user_id=self.users[user]["id"],
            user_name=user,
            channel_id=post["channel_id"],
            post_id=post["id"],
            trigger_id=self.trigger(self.users[user]["id"]),
            context=context,
        )
        return self.send_action(body)

    def send_action(self, body: dict[str, Any]) -> Response:
        """An action call as the server makes it, its answer applied as the server does."""
        response = self.call("/mattermost/actions", body)
        answer = json.loads(response.body) if response.body else None
        self.fake.answer_action(
            str(body.get("user_id")), str(body.get("channel_id")), response.status, answer
        )
        return response

    def submit(
        self, user: str, dialog: dict[str, Any], values: dict[str, Any], *, channel: str = ""
    ) -> Response:
        """Fills and submits a dialog the bot opened (in the town square unless told)."""
        body = fixture("dialog_submission")
        body.update(
            callback_id=dialog["dialog"]["callback_id"],
            state=dialog["dialog"]["state"],
            user_id=self.users[user]["id"],
            channel_id=channel or self.town["id"],
            submission=values,
        )
        return self.send_dialog(body)

    def send_dialog(self, body: dict[str, Any]) -> Response:
        response = self.call("/mattermost/dialogs", body)
        self.fake.answer_dialog(response.status, json.loads(response.body or b"null"))
        return response

    def call(self, path: str, body: dict[str, Any]) -> Response:
        headers = {"content-type": "application/json"}
        return self.http.dispatch(Request("POST", path, {}, headers, json.dumps(body).encode()))

    def trigger(self, user_id: str, *, age: timedelta = timedelta(0)) -> str:
        """The `trigger_id` the server signs for a press by `user_id` now (the test's clock is
        the server's), or `age` ago."""
        at = self.app.runtime.clock.now() - age
        return self.fake.trigger_id(user_id, at_ms=int(at.timestamp() * 1000))

    # ------------------------------------------------------------ what the bot did

    def bot_posts(self) -> list[dict[str, Any]]:
        return [p for p in self.fake.posts if p["user_id"] == self.fake.bot["id"]]

    def public_posts(self) -> list[dict[str, Any]]:
        """The bot's posts in team channels (not its direct messages)."""
        direct = {p["channel_id"] for p in self.bot_posts()} - self.fake.team_channel_ids()
        return [p for p in self.bot_posts() if p["channel_id"] not in direct]

    def ephemerals(self, user: str) -> list[dict[str, Any]]:
        """Every private reply `user` sees, oldest first: ephemeral posts (sent by the server
        from an answer, or by the bot when allowed) and the bot's direct messages."""
        uid = self.users[user]["id"]
        direct = self.fake.direct_channel_ids(uid)
        found = [p for p in self.fake.ephemeral_posts if p["target_user_id"] == uid]
        found += [p for p in self.bot_posts() if p["channel_id"] in direct]
        return sorted(found, key=lambda p: p["create_at"])

    def last_ephemeral(self, user: str) -> dict[str, Any]:
        found = self.ephemerals(user)
        assert found, f"no private reply for {user}"
        return found[-1]


def find_action(post: dict[str, Any], label: str) -> dict[str, Any]:
    for attachment in post.get("props", {}).get("attachments", []):
        for action in attachment.get("actions", []):
            if action["name"] == label:
                return dict(action)
    raise AssertionError(f"no action {label!r} in {post.get('props')}")


def text_of(post: dict[str, Any]) -> str:
    """Everything a person reads in a post: message, attachment titles, texts and fields."""
    parts = [post.get("message", "")]
    for attachment in post.get("props", {}).get("attachments", []):
        parts += [attachment.get("title", ""), attachment.get("text", "")]
        parts += [f"{f['title']}: {f['value']}" for f in attachment.get("fields", [])]
    return "\n".join(p for p in parts if p)


def wait_for(check: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def make_world(
    fake: FakeMattermost, engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> World:
    users = {
        name: fake.add_user(name, first_name=name.capitalize()) for name in ("ada", "bea", "carl")
    }
    town = fake.add_channel("ville", members=list(users))
    for name in ("idees", "moderation-idees"):
        fake.add_channel(name, members=list(users))
    settings = make_settings(
        engine,
        admins=[f"mattermost:{users['ada']['id']}"],
        mattermost_url=fake.base_url,
        mattermost_token=fake.token,
        mattermost_team=fake.team["name"],
        mattermost_slash_token=SLASH_TOKEN,
        action_secret=ACTION_SECRET,
        public_url="https://relais.exemple.fr",
    )
    app = build(
        settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
        upgrade=False,
    )
    adapter = connect(app)
    http = Routes()
    adapter.routes.register(http)
    return World(fake=fake, app=app, adapter=adapter, http=http, users=users, town=town)


@contextlib.contextmanager
def committed_store(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    """Real commits, as several threads write. On SQLite, a database of the test's own: the
    shared `committed` clean-up empties FTS5 shadow tables, which corrupts the index."""
    if engine.dialect.name != "sqlite":
        yield engine, request.getfixturevalue("committed")
        return
    own = make_engine(f"sqlite:///{tmp_path / 'mattermost.db'}")
    migrate.upgrade(own)
    try:
        yield own, make_session_factory(own)
    finally:
        own.dispose()


@contextlib.contextmanager
def running_world(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    """A started fake and the adapter's routes; the websocket is left to the tests that need it."""
    with committed_store(engine, request, tmp_path) as (store, sessions), FakeMattermost() as fake:
        world = make_world(fake, store, sessions, clock)
        try:
            yield world
        finally:
            world.adapter.stop()
