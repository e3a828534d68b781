"""Slack events that arrive together are recorded in one transaction before their
acknowledgements (issue 19): each is acknowledged once its own row is committed, a retry of a
recorded event is acknowledged and recorded once, and when the store is down none of them is
acknowledged (Slack sends them again)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import requests
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build
from bot.loop_writes import outcomes_in_loop
from bot.recording import (
    REFUSED,
    GroupCommit,
    LoopGroupCommit,
    NotRecorded,
    Outcome,
    outcomes,
    write_with,
)
from bot.serve import WEB
from store import inbox
from store.db import make_engine
from store.doorbell import CHANNEL
from store.models import InboxEvent
from store.models.inbox import INBOX_PENDING
from tests.serving import running_app
from tests.slack_harness import SlackWorkspace, http_settings, signed_headers, slash_body

FORM = "application/x-www-form-urlencoded"
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
MEMBERS = 10
WEB_ONLY = frozenset({WEB})


@contextmanager
def relais_serve(engine: Engine) -> Iterator[str]:
    """`relais serve`: the Slack events are recorded for the workers, then acknowledged."""
    with SlackWorkspace() as fake:
        app = build(http_settings(engine, fake), upgrade=False)
        with running_app(app, WEB_ONLY) as url:
            yield url


def typed(url: str, number: int) -> int:
    """`/relais aide` typed by a member (the command's trigger id is its key); the status."""
    body = slash_body(text="aide", trigger_id=f"together.{number}")
    answer = requests.post(
        url + "/slack/events",
        data=body,
        headers=signed_headers(body, content_type=FORM),
        timeout=30,
    )
    return answer.status_code


def all_at_once(url: str, numbers: Sequence[int]) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(numbers)) as members:
        return list(members.map(lambda n: typed(url, n), numbers))


def recorded(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.scalars(select(InboxEvent).order_by(InboxEvent.key))
        return [(row.key, row.status) for row in rows]


def keys(numbers: Sequence[int]) -> list[tuple[str, str]]:
    return sorted((f"slack:T0RELAIS:command:together.{n}", INBOX_PENDING) for n in numbers)


def test_commands_typed_at_once_are_each_recorded_then_acknowledged_and_retries_once(
    engine: Engine, committed: sessionmaker[Session]
) -> None:
    numbers = range(MEMBERS)
    with relais_serve(engine) as url:
        first = all_at_once(url, numbers)
        stored = recorded(committed)
        again = all_at_once(url, [*numbers, *numbers])
    assert first == [200] * MEMBERS
    assert stored == keys(numbers)
    assert again == [200] * 2 * MEMBERS
    assert recorded(committed) == stored, "a retry is acknowledged, and recorded once"


def test_while_the_store_is_down_no_command_is_acknowledged_and_slack_retries_them(
    engine: Engine, committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = range(MEMBERS)

    def store_down(*_args: Any, **_kwargs: Any) -> list[int | None]:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    async def store_down_in_loop(*_args: Any, **_kwargs: Any) -> list[int | None]:
        raise psycopg.OperationalError("server closed the connection")

    with relais_serve(engine) as url:
        with monkeypatch.context() as down:
            down.setattr(inbox, "record", store_down)
            down.setattr(inbox, "record_in_loop", store_down_in_loop)
            refused = all_at_once(url, numbers)
        retried = all_at_once(url, numbers)
    assert set(refused) == {500}
    assert retried == [200] * MEMBERS
    assert recorded(committed) == keys(numbers)


def test_a_command_after_the_server_cut_the_web_process_connection_is_still_recorded(
    postgres_url: str,
) -> None:
    """PostgreSQL restarted, or an idle timeout closed the connection `relais serve` keeps
    for its acknowledgements: the next command is recorded on a new one, and acknowledged."""
    engine = make_engine(postgres_url)
    numbers = [uuid.uuid4().int, uuid.uuid4().int]
    try:
        with relais_serve(engine) as url:
            before = typed(url, numbers[0])
            with engine.connect() as connection:
                cut = connection.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND query LIKE 'WITH created AS (INSERT INTO inbox_events%'"
                    )
                )
            after = typed(url, numbers[1])
        with engine.connect() as connection:
            stored = connection.scalars(
                select(InboxEvent.key).where(InboxEvent.key.in_(keys_of(numbers)))
            ).all()
    finally:
        with engine.begin() as connection:
            connection.execute(delete(InboxEvent).where(InboxEvent.key.in_(keys_of(numbers))))
        engine.dispose()
    assert (before, cut, after) == (200, 1, 200)
    assert sorted(stored) == sorted(keys_of(numbers))


def keys_of(numbers: Sequence[int]) -> list[str]:
    return [f"slack:T0RELAIS:command:together.{n}" for n in numbers]


def test_a_listening_worker_is_woken_when_serve_records_an_event_for_it(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    number = uuid.uuid4().int
    try:
        with (
            psycopg.connect(conninfo, autocommit=True) as listener,
            relais_serve(engine) as url,
        ):
            listener.execute(f"LISTEN {CHANNEL}")
            status = typed(url, number)
            rung = [n.channel for n in listener.notifies(timeout=20, stop_after=1)]
    finally:
        with engine.begin() as connection:
            connection.execute(delete(InboxEvent).where(InboxEvent.key.endswith(str(number))))
        engine.dispose()
    assert (status, rung) == (200, [CHANNEL])


def arrival(key: str) -> inbox.Arrival:
    return inbox.arrival(
        key=key, platform="slack", user_external_id="U0BEA", event={"text": "aide"}, forms=False,
        now=NOW, elsewhere=True,
    )  # fmt: skip


def test_events_recorded_together_are_recorded_as_if_they_came_one_by_one(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, session.begin():
        [known] = inbox.record(session.connection(), [arrival("k0")])
    with sessions() as session, session.begin():
        row_ids = inbox.record(
            session.connection(), [arrival("k1"), arrival("k0"), arrival("k1"), arrival("k2")]
        )
    with sessions() as session:
        stored = {
            key: row_id for key, row_id in session.execute(select(InboxEvent.key, InboxEvent.id))
        }
    assert known is not None
    assert row_ids == [stored["k1"], None, None, stored["k2"]]
    assert sorted(stored) == ["k0", "k1", "k2"]


class GatedWrites:
    """A store whose first write waits until the test opens it, so that events queue up; it
    is `down`, or refuses the keys in `refused` (and the whole write that holds one)."""

    def __init__(self, *, down: bool = False, refused: frozenset[str] = frozenset()) -> None:
        self.batches: list[list[str]] = []
        self.started = threading.Event()
        self.gate = threading.Event()
        self.down = down
        self.refused = refused

    def __call__(self, arrivals: Sequence[inbox.Arrival]) -> list[int | None]:
        keys = [values["key"] for values in arrivals]
        self.batches.append(keys)
        if len(self.batches) == 1:
            self.started.set()
            assert self.gate.wait(10)
        if self.down:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        if self.refused.intersection(keys):
            raise IntegrityError("INSERT", {}, Exception("null value in column « platform »"))
        return [int(key[1:]) for key in keys]

    def release(self) -> None:
        return None


def record_in_threads(group: GroupCommit, keys: Sequence[str]) -> list[object]:
    """Each key recorded from a thread of its own; their outcomes (a row id or the error)."""
    outcomes: list[object] = [None] * len(keys)

    def one(index: int) -> None:
        try:
            outcomes[index] = group.record(arrival(keys[index]))
        except NotRecorded as error:
            outcomes[index] = type(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcomes


def queued_behind_a_write(store: GatedWrites, keys: Sequence[str]) -> list[object]:
    """`k1` is being written when `keys` arrive, each from a thread of its own; their
    outcomes once the write is let through."""
    group = GroupCommit(store)
    first = threading.Thread(target=record_in_threads, args=(group, ["k1"]))
    first.start()
    assert store.started.wait(10)
    outcomes: list[object] = []
    queued = threading.Thread(target=lambda: outcomes.extend(record_in_threads(group, keys)))
    queued.start()
    while len(group._queue) < len(keys):  # the events waiting for the write in progress
        threading.Event().wait(0.01)
    store.gate.set()
    queued.join(10)
    first.join(10)
    store.down, store.refused = False, frozenset()
    assert group.record(arrival("k9")) == 9, "the next write goes on"
    return outcomes


def queued_behind_a_loop_write(
    store: GatedWrites, keys: Sequence[str], in_loop: GatedLoopWrites | None = None
) -> list[object]:
    """The same, each event awaited in an event loop (an HTTP answer held for its row)."""
    group = LoopGroupCommit(store, in_loop)

    async def outcome(key: str) -> object:
        try:
            return await group.record(arrival(key))
        except NotRecorded as error:
            return type(error)

    async def scenario() -> list[object]:
        first = asyncio.ensure_future(outcome("k1"))
        assert await asyncio.to_thread(store.started.wait, 10)
        queued = [asyncio.ensure_future(outcome(key)) for key in keys]
        await asyncio.sleep(0)  # each is queued behind the write in progress
        store.gate.set()
        outcomes = await asyncio.gather(*queued)
        await first
        store.down, store.refused = False, frozenset()
        assert await group.record(arrival("k9")) == 9, "the next write goes on"
        return outcomes

    try:
        return asyncio.run(scenario())
    finally:
        group.close()


REFUSED_BY_THE_DRIVER = (*REFUSED, psycopg.DataError, psycopg.IntegrityError)


class GatedLoopWrites:
    """The same store awaited in the loop, as PostgreSQL's `LoopWrites` is, with psycopg's
    errors."""

    def __init__(self, store: GatedWrites) -> None:
        self.store = store

    async def outcomes(self, arrivals: Sequence[inbox.Arrival]) -> list[Outcome]:
        return await outcomes_in_loop(self.write, arrivals, REFUSED_BY_THE_DRIVER)

    async def write(self, arrivals: Sequence[inbox.Arrival]) -> list[int | None]:
        try:
            return await asyncio.to_thread(self.store, arrivals)
        except OperationalError as error:
            raise psycopg.OperationalError("server closed the connection") from error
        except IntegrityError as error:
            raise psycopg.IntegrityError("null value in column « platform »") from error

    def close(self) -> None:
        return None


def queued_behind_a_write_in_the_loop(store: GatedWrites, keys: Sequence[str]) -> list[object]:
    """The same, the write itself awaited in the loop (PostgreSQL)."""
    return queued_behind_a_loop_write(store, keys, in_loop=GatedLoopWrites(store))


QUEUED_BEHIND = pytest.mark.parametrize(
    "queued_behind",
    [queued_behind_a_write, queued_behind_a_loop_write, queued_behind_a_write_in_the_loop],
    ids=["threads", "loop", "in-loop"],
)
Queued = Callable[[GatedWrites, Sequence[str]], list[object]]


@QUEUED_BEHIND
def test_events_queued_during_a_write_share_the_next_and_each_gets_its_row(
    queued_behind: Queued,
) -> None:
    store = GatedWrites()
    assert queued_behind(store, ["k2", "k3", "k4"]) == [2, 3, 4]
    assert [sorted(batch) for batch in store.batches] == [["k1"], ["k2", "k3", "k4"], ["k9"]]


@QUEUED_BEHIND
def test_when_the_store_is_down_every_event_of_the_write_fails(queued_behind: Queued) -> None:
    store = GatedWrites(down=True)
    assert queued_behind(store, ["k2", "k3", "k4"]) == [NotRecorded] * 3
    assert [sorted(batch) for batch in store.batches] == [["k1"], ["k2", "k3", "k4"], ["k9"]]


@QUEUED_BEHIND
def test_an_event_the_store_refuses_fails_alone(queued_behind: Queued) -> None:
    store = GatedWrites(refused=frozenset({"k3"}))
    assert queued_behind(store, ["k2", "k3", "k4"]) == [2, NotRecorded, 4]
    assert sorted(map(sorted, store.batches[2:5])) == [["k2"], ["k3"], ["k4"]]


def test_the_store_refuses_an_incomplete_event_as_its_own(
    sessions: sessionmaker[Session],
) -> None:
    incomplete = arrival("k1") | {"platform": None}
    with pytest.raises(REFUSED), sessions() as session, session.begin():
        inbox.record(session.connection(), [incomplete])


def test_a_reply_with_a_lone_surrogate_fails_no_other_event_of_its_write(
    sessions: sessionmaker[Session],
) -> None:
    odd = arrival("k2") | {"reply": {"response_url": "https://hooks.slack.test/\ud800"}}
    written = outcomes(write_with(sessions), [arrival("k1"), odd, arrival("k3")])
    with sessions() as session:
        stored = session.scalars(select(InboxEvent.key)).all()
    assert isinstance(written[0], int) and isinstance(written[2], int)
    assert {"k1", "k3"} <= set(stored), "PostgreSQL refuses k2 alone; SQLite keeps it escaped"
