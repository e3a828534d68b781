"""`relais serve` only records a Slack event and acknowledges it; `relais worker` handles it
and answers through the response_url the web process stored with it, once, however many
workers run; the stored response_url goes once the event is handled. `relais run` still
handles what it acknowledges itself."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build
from bot.inbox import InboxWorker
from bot.outbox import OutboxWorker
from bot.serve import ALL, WEB, starter
from store.doorbell import Doorbell
from store.models import Delivery, InboxEvent
from store.models.inbox import INBOX_DONE, INBOX_PENDING
from tests.serving import running_app
from tests.slack_harness import (
    PEOPLE,
    Catcher,
    SlackWorkspace,
    http_settings,
    response_catcher,
    signed_headers,
    slash_body,
)

FORM = "application/x-www-form-urlencoded"


@contextmanager
def relais(engine: Engine, fake: SlackWorkspace, roles: frozenset[str]) -> Iterator[str]:
    with running_app(build(http_settings(engine, fake), upgrade=False), roles) as url:
        yield url


@contextmanager
def worker(engine: Engine, fake: SlackWorkspace) -> Iterator[None]:
    """The part of `relais worker` that answers Slack events: the Slack adapter, the inbox
    loop and the outbox sender (a second `serve` in this process would register its metrics
    twice)."""
    app = build(http_settings(engine, fake), upgrade=False)
    adapter = starter("slack")(app, None, background=True)
    loop = InboxWorker(app.runtime, doorbell=Doorbell(app.engine))
    sender = OutboxWorker(app.outbox)
    loop.start()
    sender.start()
    try:
        yield
    finally:
        loop.stop()
        sender.stop()
        adapter.stop()
        app.close()


def type_moi(url: str, catcher: Catcher, user: str = "U0BEA", n: int = 1) -> requests.Response:
    """`/relais moi` typed in a DM between two people, where the bot cannot post: only the
    command's response_url can answer it."""
    body = slash_body(
        channel_id=f"D0TWOPEOPLE{n}",
        channel_name="directmessage",
        text="moi",
        user_id=user,
        user_name=PEOPLE[user][0],
        response_url=catcher.url,
        trigger_id=f"dm.{n}",
    )
    return requests.post(
        url + "/slack/events",
        data=body,
        headers=signed_headers(body, content_type=FORM),
        timeout=10,
    )


def rows(sessions: sessionmaker[Session]) -> list[InboxEvent]:
    with sessions() as session:
        return list(session.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def settled(sessions: sessionmaker[Session]) -> bool:
    """Every recorded event handled and every reply it queued sent."""
    with sessions() as session:
        pending = session.scalar(
            select(func.count()).where(InboxEvent.status == INBOX_PENDING)
        ) or session.scalar(select(func.count()).where(Delivery.status != "sent"))
    return pending == 0


def test_serve_records_and_acks_and_the_worker_answers_through_the_response_url(
    engine: Engine, committed: sessionmaker[Session]
) -> None:
    with SlackWorkspace() as fake, response_catcher() as catcher:
        with relais(engine, fake, frozenset({WEB})) as web:
            acked = type_moi(web, catcher)
            [waiting] = rows(committed)
            assert acked.status_code == 200
            assert (waiting.status, waiting.reply) == (INBOX_PENDING, {"response_url": catcher.url})
            assert waiting.event["text"] == "moi"
            assert fake.calls_to("chat.postEphemeral") == fake.calls_to("users.info") == []
            with worker(engine, fake):
                eventually(lambda: settled(committed) and bool(catcher.received), "no answer")
        assert catcher.received == [catcher.received[0]]
        assert "Rôles" in catcher.received[0]["text"]
        [handled] = rows(committed)
        assert (handled.status, handled.reply, handled.event) == (INBOX_DONE, None, {})


def test_two_workers_answer_each_command_once(
    engine: Engine, committed: sessionmaker[Session]
) -> None:
    users = sorted(PEOPLE)
    with SlackWorkspace() as fake, response_catcher() as catcher, ExitStack() as stack:
        web = stack.enter_context(relais(engine, fake, frozenset({WEB})))
        for _ in range(2):
            stack.enter_context(worker(engine, fake))
        acks = [type_moi(web, catcher, users[n % len(users)], n) for n in range(12)]
        eventually(lambda: settled(committed) and len(catcher.received) >= 12, "unanswered")
    assert [a.status_code for a in acks] == [200] * 12
    assert len(catcher.received) == 12
    assert {r.status for r in rows(committed)} == {INBOX_DONE}
    assert [r.reply for r in rows(committed)] == [None] * 12


def test_relais_run_answers_what_it_acknowledged_itself(
    engine: Engine, committed: sessionmaker[Session]
) -> None:
    with (
        SlackWorkspace() as fake,
        response_catcher() as catcher,
        relais(engine, fake, ALL) as url,
    ):
        acked = type_moi(url, catcher)
        eventually(lambda: settled(committed) and bool(catcher.received), "no answer")
    assert acked.status_code == 200
    assert len(catcher.received) == 1 and "Rôles" in catcher.received[0]["text"]
    [handled] = rows(committed)
    assert (handled.status, handled.reply) == (INBOX_DONE, None)
