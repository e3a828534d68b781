"""How fast the outbox may send: platform rate limits, kept in memory per process.

Two limits: a minimum interval between messages to one channel (Slack asks for one per second),
and a pause of a whole workspace after the platform answered 429 with Retry-After, so queued
rows wait instead of each spending an attempt on a refusal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from handlers.clock import Clock


class Pacer:
    def __init__(self, *, channel_interval: Mapping[str, float], clock: Clock) -> None:
        self._interval = channel_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last_sent: dict[tuple[str, str], float] = {}
        self._holds: dict[tuple[str, str], datetime] = {}

    def wait(self, platform: str, workspace: str, channel: str | None) -> tuple[float, str]:
        """Seconds to wait before sending (0: go now, and the send is counted), and why."""
        held = self._held(platform, workspace)
        if held > 0:
            return held, "rate limited"
        interval = self._interval.get(platform)
        if not interval or channel is None:
            return 0.0, ""
        with self._lock:
            now = time.monotonic()
            last = self._last_sent.get((platform, channel))
            if last is not None and now - last < interval:
                return interval - (now - last), "paced"
            self._last_sent[(platform, channel)] = now
        return 0.0, ""

    def hold(self, platform: str, workspace: str, seconds: float) -> None:
        """The platform said to wait: nothing more goes to this workspace until then."""
        until = self._clock.now() + timedelta(seconds=seconds)
        with self._lock:
            current = self._holds.get((platform, workspace))
            if current is None or until > current:
                self._holds[(platform, workspace)] = until

    def _held(self, platform: str, workspace: str) -> float:
        with self._lock:
            until = self._holds.get((platform, workspace))
        if until is None:
            return 0.0
        return max(0.0, (until - self._clock.now()).total_seconds())
