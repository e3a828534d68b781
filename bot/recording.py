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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store import db, inbox
from store.inbox import Arrival


class NotRecorded(Exception):
    """The transaction that carried this event failed; the cause says why."""


Write = Callable[[Sequence[Arrival]], list[int | None]]
# What the store refuses for an event's own content (a value too long for its column).
REFUSED = (DataError, IntegrityError)


def write_with(sessions: sessionmaker[Session]) -> Write:
    """One transaction for the arrivals: their rows, and the workers notified if one of them
    is new and theirs (`store.inbox.record`: one statement, so autocommit on PostgreSQL)."""

    def write(arrivals: Sequence[Arrival]) -> list[int | None]:
        with sessions() as session, session.begin():
            db.single_statement(session)
            return inbox.record(session, arrivals)

    return write


class _Waiting:
    """One event in the queue; `woken` is released when it has its row, or its turn to
    write (`leads`)."""

    __slots__ = ("arrival", "error", "leads", "row_id", "woken")

    def __init__(self, arrival: Arrival) -> None:
        self.arrival = arrival
        self.woken = threading.Lock()
        self.woken.acquire()
        self.row_id: int | None = None
        self.error: BaseException | None = None
        self.leads = False


class GroupCommit:
    """`record` from any number of threads; one of them at a time writes what is queued.
    When the store refuses a group for what one event holds (`alone`: a value too long), each
    is written again on its own, so that only that one fails and the others are acknowledged."""

    def __init__(self, write: Write, *, alone: tuple[type[Exception], ...] = ()) -> None:
        self._write = write
        self._alone = alone
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
        if isinstance(waiting.error, Exception):
            raise NotRecorded("the event was not recorded") from waiting.error
        if waiting.error is not None:
            raise waiting.error
        return waiting.row_id

    def _lead(self) -> None:
        """Writes everything queued (the caller first), hands the turn to the first event
        queued meanwhile, then wakes the others of this batch."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self._write_into(batch)
        except self._alone:
            for waiting in batch:
                self._write_into([waiting])
        with self._lock:
            if self._queue:
                self._queue[0].leads = True
                self._queue[0].woken.release()
            else:
                self._writing = False
        for waiting in batch[1:]:
            waiting.woken.release()

    def _write_into(self, batch: Sequence[_Waiting]) -> None:
        """Each event of `batch` gets its row, or the error of the write; raises an `alone`
        error instead when the batch has several events, for them to be written one by one."""
        try:
            row_ids = self._write([waiting.arrival for waiting in batch])
            for waiting, row_id in zip(batch, row_ids, strict=True):
                waiting.row_id = row_id
        except self._alone as error:
            if len(batch) > 1:
                raise
            batch[0].error = error
        except BaseException as error:
            for waiting in batch:
                waiting.error = error
