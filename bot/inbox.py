"""The inbox loop: events a web process recorded and left to the workers are handled as soon
as the doorbell rings, and events an outage left pending (the store went down, the process
died) are handled again, with backoff, until done."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.runtime import Runtime
from store.doorbell import Doorbell

log = logging.getLogger(__name__)


class InboxWorker(threading.Thread):
    """Handles every due recorded event, pass after pass while there are some, then waits for
    the doorbell (a notification, or its short poll). `threads` handle a pass's events side by
    side: most of an event's time is spent waiting for Slack and the database."""

    def __init__(self, runtime: Runtime, *, doorbell: Doorbell, threads: int = 1) -> None:
        super().__init__(name="relais-inbox", daemon=True)
        self._runtime = runtime
        self._doorbell = doorbell
        self._threads = threads
        self._stopping = threading.Event()

    def run(self) -> None:
        pool = ThreadPoolExecutor(self._threads, thread_name_prefix="relais-inbox")
        try:
            while not self._stopping.is_set():
                try:
                    while self._runtime.retry_due(pool=pool) and not self._stopping.is_set():
                        pass
                except Exception:
                    log.warning("inbox loop: store unreachable")
                self._doorbell.wait()
        finally:
            pool.shutdown(wait=True)
            self._doorbell.release()

    def stop(self) -> None:
        self._stopping.set()
        self._doorbell.close()
        self.join(timeout=10)
