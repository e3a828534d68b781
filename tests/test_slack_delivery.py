"""The outbox and the Slack port together: a crash between sending and recording never posts
twice (the delivery key is found in the channel's history), and posts are paced per channel."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.slack.runner import SlackAdapter, connect
from bot.app import App
from bot.outbox import OutboxPolicy, enqueue
from handlers.clock import FakeClock
from handlers.types import Message, Post
from store import outbox as rows
from tests.slack_harness import SlackWorkspace, slack_app

POST = Post(channel_id="idees", message=Message(text="Nouvelle idée"), key="idea:7:root")


@pytest.fixture
def fake() -> Iterator[SlackWorkspace]:
    with SlackWorkspace(per_channel_per_second=1.0) as server:
        yield server


@pytest.fixture
def wired(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, fake: SlackWorkspace
) -> Iterator[tuple[App, SlackAdapter]]:
    app = slack_app(engine, sessions, clock, fake)
    adapter = connect(app, workers=1)
    fake.reset()
    yield app, adapter
    adapter.stop()


def record(app: App, clock: FakeClock, *posts: Post) -> None:
    with app.sessions() as session, session.begin():
        enqueue(
            session,
            list(posts),
            platform="slack",
            workspace_id="T0RELAIS",
            origin="t",
            now=clock.now(),
        )


def crash_while_sending(app: App, clock: FakeClock, *, arrived: bool) -> None:
    """Claims the row as a sender would, maybe sends, then dies before recording the result."""
    with app.sessions() as session, session.begin():
        rows.claim_due(session, now=clock.now(), lease=timedelta(seconds=60), keys=[POST.key or ""])
    if arrived:
        app.outbox.ports["slack"].deliver(POST, key=POST.key or "", workspace_id="T0RELAIS")
    clock.advance(timedelta(seconds=61))


@pytest.mark.parametrize("arrived", [True, False])
def test_a_crash_mid_send_never_posts_twice(
    wired: tuple[App, SlackAdapter], clock: FakeClock, fake: SlackWorkspace, arrived: bool
) -> None:
    app, _ = wired
    record(app, clock, POST)
    crash_while_sending(app, clock, arrived=arrived)

    app.outbox.deliver()

    [message] = fake.messages("C0IDEES")
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert fake.calls_to("conversations.history")
    with app.sessions() as session:
        row = rows.by_key(session, "idea:7:root")
        assert row is not None
        assert (row.status, row.message_id, row.message_channel_id) == (
            "sent",
            message["ts"],
            "C0IDEES",
        )


def test_posts_to_one_channel_are_paced_to_one_per_second(
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    fake: SlackWorkspace,
) -> None:
    app = slack_app(engine, sessions, clock, fake)
    app.outbox.policy = OutboxPolicy(base_delay=0.0, max_delay=0.0)
    adapter = connect(app, workers=1)
    try:
        posts = [Post(channel_id="C0GENERAL", message=Message(text=f"n° {n}")) for n in (1, 2)]
        record(app, clock, *posts)
        assert app.outbox.deliver() == 1
        time.sleep(1.05)
        clock.advance(timedelta(seconds=2))
        assert app.outbox.deliver() == 1
    finally:
        adapter.stop()
    assert [m["text"] for m in fake.messages("C0GENERAL")] == ["n° 1", "n° 2"]
    assert fake.ratelimited_count == 0
