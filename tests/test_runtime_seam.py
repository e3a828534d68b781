"""The seam between a platform and the features: one event is one call into the runtime and one
transaction, the caller and the members the event names resolved there, once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from bot.app import App
from bot.ports import Cursor
from handlers.clock import FakeClock
from handlers.types import DirectMessage
from store.models import Delivery, User
from tests.slack_harness import (
    SlackHarness,
    SlackServers,
    fixture,
    running_slack,
    slack_servers,
)


@pytest.fixture(scope="module")
def servers() -> Iterator[SlackServers]:
    with slack_servers() as started:
        yield started


@pytest.fixture
def slack(
    servers: SlackServers, engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> Iterator[SlackHarness]:
    with running_slack(servers, engine, sessions, clock) as harness:
        yield harness


def mention(text: str, *, event_id: str = "Ev0SEAM") -> dict[str, Any]:
    body = fixture("app_mention_top_level")
    body["event_id"] = event_id
    body["event"]["text"] = text
    return body


def test_a_mention_is_one_runtime_call_and_one_transaction(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = slack.app.runtime
    calls: list[Any] = []
    handle = runtime.handle

    def counted(*args: Any, **kwargs: Any) -> list[str]:
        calls.append((args, kwargs))
        return handle(*args, **kwargs)

    opened: list[SessionTransaction] = []

    def on_create(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            opened.append(transaction)

    monkeypatch.setattr(runtime, "handle", counted)
    monkeypatch.setattr(runtime.outbox, "deliver", lambda **_: None)
    event.listen(runtime.sessions, "after_transaction_create", on_create)
    try:
        slack.event(mention("<@U0RELAISBOT> aide, et <@U0CARL> aussi"))
    finally:
        event.remove(runtime.sessions, "after_transaction_create", on_create)

    assert len(calls) == 1
    assert len(opened) == 1
    with runtime.sessions() as session:
        people = {u.external_id: u.username for u in session.scalars(select(User))}
        queued = session.scalars(select(Delivery)).all()
    assert people == {"U0BEA": "bea", "U0CARL": "carl"}
    assert len(queued) == 1


def test_the_home_tab_goes_through_the_runtime(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = slack.app.runtime
    visits: list[dict[str, Any]] = []
    home = runtime.home

    def counted(**kwargs: Any) -> Any:
        visits.append(kwargs)
        return home(**kwargs)

    monkeypatch.setattr(runtime, "home", counted)
    slack.event(fixture("app_home_opened"))

    assert [(v["workspace_id"], v["person"].user_id) for v in visits] == [("T0RELAIS", "U0BEA")]
    assert len(slack.fake.calls_to("views.publish")) == 1


def test_a_stream_post_moves_its_cursor_in_its_own_transaction(app: App) -> None:
    opened: list[SessionTransaction] = []

    def on_create(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            opened.append(transaction)

    post = DirectMessage(
        platform="test",
        workspace_id="T1",
        channel_id="D1",
        user_id="bea",
        event_id="post-1",
        text="aide",
        message_id="post-1",
    )
    event.listen(app.runtime.sessions, "after_transaction_create", on_create)
    try:
        app.runtime.handle(post, cursor=Cursor("test:T1:posts", 1765094400123), deliver=False)
        app.runtime.handle(post, cursor=Cursor("test:T1:posts", 1765094400999), deliver=False)
    finally:
        event.remove(app.runtime.sessions, "after_transaction_create", on_create)

    assert len(opened) == 2, "one transaction per post, the retry included"
    assert app.cursors.position("test:T1:posts") == 1765094400999
