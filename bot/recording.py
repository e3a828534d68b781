"""Group commit: the events that arrive while one is being recorded share the next transaction.

An event is acknowledged only once its row is committed (`Runtime.accept`: Slack does not send
an acknowledged event again). With one transaction per acknowledgement, 20 members at once
kept the web process's CPU busy with the session, the pool and the round trips around one
insert each. Here, as a database does with its log flushes, the first event to arrive records
itself at once (no timer: an event alone is never delayed); those that arrive meanwhile wait,
then the first of them records all of them in one transaction (one insert of several rows, one
notification to the workers) and wakes each with its own row. When that transaction fails (the
store is down), every event it carried fails with it: none of them is acknowledged, and the
platform sends them again.

Over HTTP (`relais serve`), the answer itself waits rather than a thread: the route returns its
acknowledgement with the recording to await (`bot.http.Response.hold`), and the server's event
loop gathers the events of a group (`LoopGroupCommit`) and, on PostgreSQL, writes it itself
(`bot.loop_writes`).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Protocol
from weakref import WeakKeyDictionary

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handlers.context import Capabilities
from handlers.types import Event
from store import db, inbox
from store.inbox import Arrival

EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def origin_of(event: Event) -> str:
    """The event's key: the platform's own id where it gives one, so that retries match."""
    return f"{event.platform}:{event.workspace_id}:{event.event_id or uuid.uuid4().hex}"


def arrival_of(
    event: Event,
    capabilities: Capabilities | None,
    reply: dict[str, str] | None,
    elsewhere: bool,
    now: datetime,
) -> Arrival:
    """The inbox row of an event to record (`store.inbox.arrival`)."""
    return inbox.arrival(
        key=origin_of(event),
        platform=event.platform,
        user_external_id=event.user_id,
        event=EVENT.dump_python(event, mode="json"),
        forms=(capabilities or Capabilities()).forms,
        now=now,
        reply=reply,
        elsewhere=elsewhere,
    )


class NotRecorded(Exception):
    """The transaction that carried this event failed; the cause says why."""


Write = Callable[[Sequence[Arrival]], list[int | None]]
Outcome = int | None | BaseException
"""An event's row once written (None: recorded before), or the error that kept it out."""
# What the store refuses for an event's own content (a value too long for its column).
REFUSED: tuple[type[Exception], ...] = (DataError, IntegrityError)


class Writer(Protocol):
    """A `Write` that may keep its connection between writes; `release` gives it back."""

    def __call__(self, arrivals: Sequence[Arrival]) -> list[int | None]: ...

    def release(self) -> None: ...


def write_with(sessions: sessionmaker[Session]) -> Writer:
    """One transaction for the arrivals: their rows, and the workers notified if one of them
    is new and theirs (`store.inbox.record`: one statement, so autocommit on PostgreSQL), on
    a connection kept from one write to the next; through the sessions when they are bound to
    a connection of their own (a test's transaction)."""
    bind = sessions.kw.get("bind")
    return KeptConnection(bind) if isinstance(bind, Engine) else SessionWrites(sessions)


class SessionWrites:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def __call__(self, arrivals: Sequence[Arrival]) -> list[int | None]:
        with self._sessions() as session, session.begin():
            db.single_statement(session)
            return inbox.record(session.connection(), arrivals)

    def release(self) -> None:
        return None


class KeptConnection:
    """Writes of one writer at a time (a group commit's) on one connection, kept while the
    writes follow each other and given back to the pool when the group commit has nothing
    queued: a session and a pool checkout for each write were 8 % of the web process's CPU per
    acknowledgement (bench/slack_ack.py). Back in the pool, a connection that sits unused is
    checked before its next use (`store.db`); one that failed a write is dropped."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __call__(self, arrivals: Sequence[Arrival]) -> list[int | None]:
        if self._connection is None:
            self._connection = db.one_statement(self._engine.connect())
        try:
            with self._connection.begin():
                return inbox.record(self._connection, arrivals)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


class LoopWrite(Protocol):
    """A group's write awaited in the event loop (`bot.loop_writes`): each arrival's outcome,
    as `outcomes` gives them; `close` ends its connections."""

    def outcomes(self, arrivals: Sequence[Arrival]) -> Awaitable[list[Outcome]]: ...

    def close(self) -> None: ...


class _Waiting:
    """One event in the queue; `woken` is released when it has its row, or its turn to
    write (`leads`)."""

    __slots__ = ("arrival", "leads", "outcome", "woken")

    def __init__(self, arrival: Arrival) -> None:
        self.arrival = arrival
        self.woken = threading.Lock()
        self.woken.acquire()
        self.outcome: Outcome = None
        self.leads = False


class GroupCommit:
    """`record` from any number of threads; one of them at a time writes what is queued."""

    def __init__(self, write: Writer) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._writing = False

    def record(self, arrival: Arrival) -> int | None:
        """The event's new row, or None when its key was recorded before (a platform retry);
        raises `NotRecorded` when the transaction that carried it failed."""
        waiting = _Waiting(arrival)
        with self._lock:
            self._queue.append(waiting)
            leads = not self._writing
            self._writing = True
        if not leads:
            waiting.woken.acquire()
        if leads or waiting.leads:
            self._lead()
        return _row(waiting.outcome)

    def _lead(self) -> None:
        """Writes everything queued (the caller first), wakes the others of this batch, gives
        the connection back if nothing was queued meanwhile, then hands the turn to the first
        event queued since."""
        with self._lock:
            batch, self._queue = self._queue, []
        for waiting, outcome in zip(
            batch, outcomes(self._write, [w.arrival for w in batch]), strict=True
        ):
            waiting.outcome = outcome
        for waiting in batch[1:]:
            waiting.woken.release()
        with self._lock:
            idle = not self._queue
        if idle:
            self._write.release()
        with self._lock:
            if self._queue:
                self._queue[0].leads = True
                self._queue[0].woken.release()
            else:
                self._writing = False


class LoopGroupCommit:
    """The same group commit for events whose acknowledgement waits in an event loop (the
    HTTP server's answer, sent once the row is committed): they wait as futures of the loop,
    and each write is awaited in the loop (`in_loop`, PostgreSQL) or runs in a thread of its
    own while the next group gathers. A blocked thread per waiting event, woken by the writer,
    cost the web process about 0.2 ms of CPU per acknowledgement (bench/slack_ack.py), as
    much as the rest of Relais's side of an ack."""

    def __init__(self, write: Writer, in_loop: LoopWrite | None = None) -> None:
        self._write = write
        self._in_loop = in_loop
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relais-record")
        self._queues: WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopQueue] = WeakKeyDictionary()

    async def record(self, arrival: Arrival) -> int | None:
        """As `GroupCommit.record`, awaited in the running loop."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _LoopQueue()
        waiting: asyncio.Future[Outcome] = loop.create_future()
        queue.waiting.append((arrival, waiting))
        if queue.writing is None:
            queue.writing = loop.create_task(self._drain(loop, queue))
        return _row(await waiting)

    async def _drain(self, loop: asyncio.AbstractEventLoop, queue: _LoopQueue) -> None:
        """Writes what is queued, group after group, until nothing is."""
        while queue.waiting:
            batch, queue.waiting = queue.waiting, []
            arrivals = [arrival for arrival, _ in batch]
            try:
                if self._in_loop is not None:
                    results = await self._in_loop.outcomes(arrivals)
                else:
                    results = await loop.run_in_executor(
                        self._writer, outcomes, self._write, arrivals
                    )
            except BaseException as error:  # the loop is closing: none was recorded
                results = [error] * len(batch)
            for (_, waiting), outcome in zip(batch, results, strict=True):
                if not waiting.done():
                    waiting.set_result(outcome)
        queue.writing = None
        if self._in_loop is None:
            self._writer.submit(self._write.release)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        if self._in_loop is not None:
            self._in_loop.close()


class _LoopQueue:
    __slots__ = ("waiting", "writing")

    def __init__(self) -> None:
        self.waiting: list[tuple[Arrival, asyncio.Future[Outcome]]] = []
        self.writing: asyncio.Task[None] | None = None


def outcomes(write: Write, arrivals: Sequence[Arrival]) -> list[Outcome]:
    """Each arrival's row (None: recorded before), or the error that kept it out. When the
    store refuses a group for what one event holds (`REFUSED`: a value too long), each is
    written again on its own, so that only that one fails and the others are acknowledged."""
    try:
        return list(write(arrivals))
    except REFUSED as error:
        if len(arrivals) == 1:
            return [error]
        return [outcome for one in arrivals for outcome in outcomes(write, [one])]
    except BaseException as error:
        return [error] * len(arrivals)


def _row(outcome: Outcome) -> int | None:
    if isinstance(outcome, Exception):
        raise NotRecorded("the event was not recorded") from outcome
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
