"""Waking the workers' inbox loop when a web process records an event for them.

On PostgreSQL a `Ringer` thread of the web process sends `NOTIFY relais_inbox` after the
events are committed, one notification for all the events recorded meanwhile: PostgreSQL
serialises the commits of transactions that notify (a queue lock held through the WAL flush),
so notifying inside each acknowledgement's insert made 20 concurrent acks wait in line (p99
305 ms against 155 ms without, `bench/slack_ack.py`). Each worker listens on a connection of
its own, outside the pool: a pooled connection would go back to the pool still listening, and
another thread's transaction would swallow the notifications. SQLite has no notifications: the
doorbell is a short poll there, and on PostgreSQL the poll stays as the fallback (a
notification sent while the listener was reconnecting is lost).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
CHANNEL = "relais_inbox"
POLL_SECONDS = {"postgresql": 1.0, "sqlite": 0.25}


class Ringer(threading.Thread):
    """Notifies the listening workers after `ring`, once for all the rings since the last
    notification (nothing to do on SQLite, where they poll)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(name="relais-doorbell", daemon=True)
        self._engine = engine
        self._rung = threading.Event()
        self._starting = threading.Lock()
        self.notifies = engine.dialect.name == "postgresql"

    def ring(self) -> None:
        if not self.notifies:
            return
        with self._starting:
            if not self.is_alive():
                self.start()
        self._rung.set()

    def run(self) -> None:
        while self._rung.wait():
            self._rung.clear()
            try:
                with self._engine.connect() as connection:
                    connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
                    connection.commit()
            except Exception as error:  # the workers' poll finds the events anyway
                log.warning("inbox doorbell not rung", extra={"error": type(error).__name__})


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
