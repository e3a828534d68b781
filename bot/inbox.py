"""The retry loop of the inbox: events recorded before their acknowledgement but not handled
(the store went down, the process died) are handled again, with backoff, until done."""

from __future__ import annotations

import logging
import threading

from bot.runtime import Runtime

log = logging.getLogger(__name__)


class InboxWorker(threading.Thread):
    """Retries recorded events that are still pending (an outage, a crash) until handled."""

    def __init__(self, runtime: Runtime, *, interval: float = 1.0) -> None:
        super().__init__(name="relais-inbox", daemon=True)
        self._runtime = runtime
        self._interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._runtime.retry_due()
            except Exception:
                log.warning("inbox retry loop: store unreachable")
            self._stopping.wait(self._interval)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)
