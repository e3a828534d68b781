"""Waking the workers' inbox loop when a web process records an event for them.

On PostgreSQL the statement that records events for the workers also notifies them
(`pg_notify('relais_inbox')` in `store.inbox.record`), delivered at its commit. PostgreSQL
serialises the commits of transactions that notify (a queue lock held through the WAL flush):
notifying inside each acknowledgement's own insert made 20 concurrent acks wait in line (p99
305 ms against 155 ms without, `bench/slack_ack.py`). The events that arrive together are now
recorded by one statement (`bot.recording`), so one notification per group costs one commit in
line, not twenty. Each worker listens on a connection of its own, outside the pool: a pooled
connection would go back to the pool still listening, and another thread's transaction would
swallow the notifications. SQLite has no notifications: the doorbell is a short poll there, and
on PostgreSQL the poll stays as the fallback (a notification sent while the listener was
reconnecting is lost).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
CHANNEL = "relais_inbox"
POLL_SECONDS = {"postgresql": 1.0, "sqlite": 0.25}


class Doorbell:
    """`wait` returns at a ring, after the poll interval, or soon after `close`. One thread
    waits; it also `release`s the connection once it stops waiting."""

    def __init__(self, engine: Engine) -> None:
        self._listens = engine.dialect.name == "postgresql" and engine.driver == "psycopg"
        self._url = engine.url.set(drivername="postgresql")
        self._poll = POLL_SECONDS.get(engine.dialect.name, 1.0)
        self._closed = threading.Event()
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def wait(self) -> None:
        if not self._listens or self._closed.is_set():
            self._closed.wait(self._poll)
            return
        import psycopg  # here: a process on SQLite, or one that only rings, never loads it

        try:
            connection = self._listening()
            for _ in connection.notifies(timeout=self._poll, stop_after=1):
                break
            for _ in connection.notifies(timeout=0.0):
                pass  # the rings of the events this wake-up will find anyway
        except psycopg.Error as error:
            log.warning("inbox doorbell unreachable", extra={"error": type(error).__name__})
            self._drop()
            self._closed.wait(self._poll)

    def close(self) -> None:
        self._closed.set()

    def release(self) -> None:
        self._drop()

    def _listening(self) -> psycopg.Connection[tuple[object, ...]]:
        import psycopg

        if self._connection is None:
            conninfo = self._url.render_as_string(hide_password=False)
            self._connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            self._connection.execute(f"LISTEN {CHANNEL}")
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            import psycopg

            with contextlib.suppress(psycopg.Error):
                self._connection.close()
            self._connection = None
