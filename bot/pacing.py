"""How fast the outbox may send: platform rate limits, kept in memory per process.

Two limits: a minimum interval between messages to one channel (Slack asks for one per second),
and a pause of a whole workspace after the platform answered 429 with Retry-After, so queued
rows wait instead of each spending an attempt on a refusal.

A message is given its turn in its channel when it is queued (`reserve`, through
`bot.outbox.enqueue(…, pacer=…)`): its row is due then, so the senders claim only what may go
now, and a backlog in a paced channel is neither claimed nor put back. Claimed, put back to
its turn and claimed again, each answer queued behind others cost two writes and two commits
more in the worker, beside the acknowledgements (bench/slack_ack.py). A message queued without
a pacer gets its turn when first claimed, and is put back until then. A turn reserved for a
message that is never sent here (its transaction rolled back, another process sent it) only
leaves a gap of one interval in its channel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from handlers.clock import Clock
from store.outbox import WAITING_TURN

# A message back this much before its turn goes out: the store rounds the time it is due.
EARLY = 0.05
# A message may never come back for its turn (another process sent it, it failed): past this
# many turns kept, those gone by for a minute are forgotten, and the bound doubles while the
# others are rows still queued (a fan-out to thousands), so that forgetting stays rare.
KEPT_TURNS = 10_000
STALE = 60.0


class Pacer:
    def __init__(self, *, channel_interval: Mapping[str, float], clock: Clock) -> None:
        self._interval = channel_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._next_turn: dict[tuple[str, str], float] = {}
        self._turns: dict[str, float] = {}
        self._holds: dict[tuple[str, str], datetime] = {}
        self._kept_at_most = KEPT_TURNS

    def reserve(self, platform: str, channel: str | None, key: str) -> float:
        """Gives message `key` its turn in its channel now, as it is queued; seconds until
        then (0: it may go at once). `wait` lets it go when it comes back for that turn."""
        interval = self._interval.get(platform)
        if not interval or channel is None:
            return 0.0
        with self._lock:
            now = time.monotonic()
            turn = max(now, self._next_turn.get((platform, channel), now))
            self._next_turn[(platform, channel)] = turn + interval
            self._keep(key, turn, now)
        return turn - now if turn - now > EARLY else 0.0

    def wait(
        self, platform: str, workspace: str, channel: str | None, key: str
    ) -> tuple[float, str]:
        """Seconds to wait before sending message `key` (0: go now, and the send is counted),
        and why; a message told to wait keeps its turn until it comes back."""
        held = self._held(platform, workspace)
        if held > 0:
            return held, "rate limited"
        interval = self._interval.get(platform)
        if not interval or channel is None:
            return 0.0, ""
        with self._lock:
            now = time.monotonic()
            turn = self._turns.pop(key, None)
            if turn is None:
                turn = max(now, self._next_turn.get((platform, channel), now))
                self._next_turn[(platform, channel)] = turn + interval
            if turn - now > EARLY:
                self._keep(key, turn, now)
                return turn - now, WAITING_TURN
        return 0.0, ""

    def turn_in(self, key: str) -> float:
        """Seconds until the turn kept for message `key` (0: none kept, or it has come)."""
        with self._lock:
            turn = self._turns.get(key)
        wait = 0.0 if turn is None else turn - time.monotonic()
        return wait if wait > EARLY else 0.0

    def _keep(self, key: str, turn: float, now: float) -> None:
        if len(self._turns) >= self._kept_at_most:
            gone = now - STALE
            self._turns = {k: t for k, t in self._turns.items() if t > gone}
            self._kept_at_most = max(KEPT_TURNS, 2 * len(self._turns))
        self._turns[key] = turn

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
