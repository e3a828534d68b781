"""One leader among replicas, for the services that must run once (a platform websocket).

On PostgreSQL the leader holds `pg_try_advisory_lock` on a dedicated connection opened outside
any pool: a pooled connection would go back to the pool still holding the lock after `close()`
(FACTS.md). When the leader's process dies, PostgreSQL drops its connection and the lock with
it; another replica, polling every few seconds, takes over. SQLite means a single process, which
is always the leader.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


def lock_id(name: str) -> int:
    """A stable 32-bit id for the lock's name, the same in every replica."""
    return zlib.crc32(name.encode())


class LeaderLock:
    def __init__(self, database_url: str, *, name: str = "relais-leader") -> None:
        url = make_url(database_url)
        self._postgres = url.get_backend_name() == "postgresql"
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._id = lock_id(name)
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def try_acquire(self) -> bool:
        if not self._postgres or self._connection is not None:
            return True
        connection = psycopg.connect(self._dsn, autocommit=True, connect_timeout=5)
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self._id,)).fetchone()
        if row is not None and row[0]:
            self._connection = connection
            return True
        connection.close()
        return False

    def still_held(self) -> bool:
        """False when the dedicated connection broke: the lock is gone with it."""
        if not self._postgres:
            return True
        if self._connection is None:
            return False
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (self._id,))
            except psycopg.Error:
                log.warning("leader unlock failed; the lock goes with the connection")
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


class Leadership(threading.Thread):
    """Starts leader-only services when this replica wins the lock, stops them if it is lost."""

    def __init__(
        self,
        lock: LeaderLock,
        *,
        on_elected: Callable[[], None],
        on_demoted: Callable[[], None],
        every: float = 5.0,
    ) -> None:
        super().__init__(name="relais-leader", daemon=True)
        self._lock = lock
        self._on_elected = on_elected
        self._on_demoted = on_demoted
        self._every = every
        self._stop_event = threading.Event()
        self.leading = False

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self._step()
            except Exception:
                log.exception("leader election step failed")
            self._stop_event.wait(self._every)
        if self.leading:
            self._on_demoted()
            self.leading = False
        self._lock.release()

    def _step(self) -> None:
        if self.leading and not self._lock.still_held():
            log.warning("leadership lost")
            self.leading = False
            self._on_demoted()
        if not self.leading and self._lock.try_acquire():
            log.info("leadership acquired")
            self.leading = True
            self._on_elected()

    def stop(self) -> None:
        self._stop_event.set()
