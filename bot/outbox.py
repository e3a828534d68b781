"""The one way actions leave Relais: recorded with a key, then delivered, retried, paced.

The rule, for every platform:
1. `enqueue` writes a row per action in the caller's transaction, keyed; recording an existing
   key does nothing, so a retried event or a re-run job cannot queue a second copy.
2. `deliver` claims due rows in their own transaction (pending → sending), sends, then records
   the platform's message id (→ sent). Transient errors go back to pending with backoff;
   permanent ones, or too many attempts, end as failed with the reason (reported, never lost).
   A rate limit (Retry-After) holds the whole workspace until then: the rows queued behind
   wait without spending attempts, so a fan-out longer than the limits allow is spread, not
   dropped, and the platform gets one refused call per wait instead of one per row.
3. A row found still `sending` after the lease was abandoned by a crash between claim and
   result: the port is asked whether the message arrived (the key travels with it) and it is
   sent again only if it did not. So no key is ever delivered twice.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import DELIVERIES
from bot.pacing import Pacer
from bot.ports import ChatPort, Delivered, PermanentError, TransientError
from handlers.clock import Clock
from handlers.types import Action, OpenForm, Post, UpdatePost
from store import outbox as rows
from store.models import Delivery

log = logging.getLogger(__name__)
ACTION = TypeAdapter[Action](Action)


@dataclass(frozen=True)
class OutboxPolicy:
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 8
    base_delay: float = 1.0
    max_delay: float = 300.0
    batch: int = 50
    channel_interval: Mapping[str, float] = field(default_factory=lambda: {"slack": 1.0})


def channel_of(action: Action) -> str | None:
    if isinstance(action, OpenForm):
        return None
    if hasattr(action, "channel_id"):
        return str(action.channel_id)
    return f"@{action.user_id}"


def enqueue(
    session: Session,
    actions: Sequence[Action],
    *,
    platform: str,
    workspace_id: str,
    origin: str,
    now: datetime,
    quotes_user_id: int | None = None,
    hold: timedelta | None = None,
    pacer: Pacer | None = None,
) -> list[str]:
    """Records actions in the caller's transaction; returns their keys in order. An action's
    `not_before` holds it back until then; `quotes_user_id` is the member whose event produced
    them, for erasure to redact; `hold` keeps them for the caller's `deliver(keys, held=…)`
    that long, away from other processes' senders. With the `pacer` of the outbox that will
    send them (`Outbox.pacer`), each gets its turn in its channel now: due then, never claimed
    before (a message that must wait has no hold)."""
    keys, values = [], []
    for index, action in enumerate(actions):
        key = action.key or f"{origin}:{index}"
        channel, turn = channel_of(action), None
        if pacer is not None and (action.not_before is None or action.not_before <= now):
            wait = pacer.reserve(platform, channel, key)
            turn = now + timedelta(seconds=wait) if wait else None
        values.append(
            rows.row_values(
                key=key,
                platform=platform,
                workspace_external_id=workspace_id,
                kind=action.kind,
                channel_id=channel,
                target_key=action.target_key if isinstance(action, UpdatePost) else None,
                payload=action.model_dump(mode="json"),
                origin=origin,
                now=now,
                not_before=action.not_before,
                quotes_user_id=quotes_user_id,
                hold=hold,
                turn=turn,
            )
        )
        keys.append(key)
    rows.record_many(session, values)
    return keys


class _Unresolved(Exception):
    """The action refers to a delivery that has not happened yet."""


class _SentBatch:
    """What a claimed batch sent, recorded together (one transaction, not one per row)."""

    def __init__(self, write: Callable[[list[tuple[str, rows.Sent]]], None]) -> None:
        self._write = write
        self._sent: list[tuple[str, rows.Sent]] = []
        self.count = 0

    def add(self, item: rows.Claimed, found: Delivered, *, at: datetime) -> None:
        sent = rows.Sent(item.row_id, item.kind, found.message_id, found.channel_id, at)
        self._sent.append((item.platform, sent))
        self.count += 1

    def record(self) -> int:
        """Records what is not yet; returns how many this batch sent in all."""
        if self._sent:
            self._write(self._sent)
            self._sent = []
        return self.count


def _refers_to_a_delivery(action: Action) -> bool:
    """A thread reply or an update names an earlier delivery by key (resolved when sent)."""
    if isinstance(action, Post):
        return bool(action.thread_key and not action.thread_id)
    return isinstance(action, UpdatePost) and bool(action.target_key and not action.message_id)


class Outbox:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        ports: Mapping[str, ChatPort],
        clock: Clock,
        policy: OutboxPolicy | None = None,
        on_failure: Callable[[Delivery], None] | None = None,
    ) -> None:
        self._sessions = session_factory
        self.ports = dict(ports)
        self._clock = clock
        self.policy = policy or OutboxPolicy()
        self._on_failure = on_failure
        self._locks_lock = threading.Lock()
        self._update_locks: dict[str, threading.Lock] = {}
        self.wakeup = threading.Event()
        # Set when the process stops: `deliver` returns between batches and what is left stays
        # due for the next worker (a SIGTERM does not wait for a whole backlog).
        self.stopping = threading.Event()
        # When the sender (`OutboxWorker`) looks for due rows next (monotonic); unknown while
        # it looks.
        self.looks_at = math.inf

    @property
    def policy(self) -> OutboxPolicy:
        return self._policy

    @policy.setter
    def policy(self, policy: OutboxPolicy) -> None:
        """A new policy starts a new pacer (tests and benchmarks change the limits)."""
        self._policy = policy
        self.pacer = Pacer(channel_interval=policy.channel_interval, clock=self._clock)

    def deliver(self, *, keys: Sequence[str] | None = None, held: timedelta | None = None) -> int:
        """Delivers what is due (only `keys` when given); returns how many were sent.

        Rows queued after the call started wait for the next call, so a caller under steady
        load (a scheduler tick) still returns. What a batch sent is recorded in one commit at
        its end: a crash in between leaves rows `sending`, checked against the platform after
        the lease like any other crash, so batching never sends a key twice."""
        sent, ceiling = 0, None
        if keys is not None:  # those waiting for their turn are not claimed before it
            keys = [key for key in keys if not self.pacer.turn_in(key)]
            if not keys:
                return 0
        if keys is None:  # `keys` are a fixed set already
            with self._sessions() as session:
                ceiling = rows.newest_id(session)
        while not self.stopping.is_set():
            with self._sessions() as session, session.begin():
                claimed = rows.claim_due(
                    session,
                    now=self._clock.now(),
                    lease=self.policy.lease,
                    limit=self.policy.batch,
                    platforms=list(self.ports),
                    keys=keys,
                    up_to=ceiling,
                    held=held,
                )
                if not claimed:
                    return sent
                dropped = {
                    row.row_id
                    for row in claimed
                    if rows.superseded(session, row_id=row.row_id, target_key=row.target_key)
                }
                for row_id in dropped:
                    rows.mark_superseded(session, row_id=row_id)
                work = [row for row in claimed if row.row_id not in dropped]
            batch = _SentBatch(self._record_sent)
            try:
                for item in work:
                    self._deliver_one(item, batch)
            finally:
                sent += batch.record()
            if keys is not None and len(claimed) < self.policy.batch:
                return sent  # every key that was due came in this claim
        return sent

    def _deliver_one(self, item: rows.Claimed, batch: _SentBatch) -> None:
        try:
            action = ACTION.validate_json(item.payload)
        except ValueError as error:
            self._settle_failed(item.row_id, f"unreadable action: {error}")
            return
        if _refers_to_a_delivery(action):
            batch.record()  # its root or target may be in this batch, sent but not recorded
        with self._target_lock(action):
            if self._overtaken(item.row_id, action):
                return
            found = self._attempt(item, action)
            if found is None:
                return
            batch.add(item, found, at=self._clock.now())
            if isinstance(action, UpdatePost):
                batch.record()  # recorded under the post's lock: an older update sees it

    def _attempt(self, item: rows.Claimed, action: Action) -> Delivered | None:
        """Sends (or finds, after a crash); None when the row was settled otherwise.

        An unexpected error leaves the row claimed: like a crash, it is checked against the
        platform after the lease, so a message that did go out is not sent twice."""
        row_id, key, platform, workspace = item.row_id, item.key, item.platform, item.workspace
        attempts = item.attempts
        port = self.ports[platform]
        try:
            action = self._resolve(action)
            if item.stale:
                found = port.find_delivered(action, key=key, workspace_id=workspace)
                if found is not None:
                    return found
            wait, why = self.pacer.wait(platform, workspace, channel_of(action), key)
            if wait > 0:
                self._settle_retry(row_id, why, wait, attempts_used=False)
                return None
            return port.deliver(action, key=key, workspace_id=workspace)
        except _Unresolved as missing:
            self._settle_retry(row_id, f"waiting for {missing}", 1.0, attempts_used=False)
        except TransientError as error:
            if error.retry_after:
                self.pacer.hold(platform, workspace, error.retry_after)
            if attempts >= self.policy.max_attempts:
                self._settle_failed(row_id, f"gave up after {attempts} attempts: {error}")
                return None
            delay = error.retry_after or self._backoff(attempts)
            log.warning("delivery retry", extra={"key": key, "attempt": attempts, "delay": delay})
            DELIVERIES.labels(platform, "retried").inc()
            self._settle_retry(row_id, str(error), delay, attempts_used=True)
        except PermanentError as error:
            self._settle_failed(row_id, str(error))
        except Exception:
            log.exception(
                "delivery crashed; checked against the platform after the lease", extra={"key": key}
            )
        return None

    def _record_sent(self, sent: list[tuple[str, rows.Sent]]) -> None:
        with self._sessions() as session, session.begin():
            rows.mark_sent_many(session, [row for _platform, row in sent])
        for platform, _row in sent:
            DELIVERIES.labels(platform, "sent").inc()

    def _target_lock(self, action: Action) -> threading.Lock | contextlib.nullcontext[None]:
        """Updates of one post go out one at a time, so a newer one is never overtaken."""
        if not isinstance(action, UpdatePost) or action.target_key is None:
            return contextlib.nullcontext()
        with self._locks_lock:
            return self._update_locks.setdefault(action.target_key, threading.Lock())

    def _overtaken(self, row_id: int, action: Action) -> bool:
        if not isinstance(action, UpdatePost) or action.target_key is None:
            return False
        with self._sessions() as session, session.begin():
            target = action.target_key
            if not rows.superseded(session, row_id=row_id, target_key=target, sent_only=True):
                return False
            rows.mark_superseded(session, row_id=row_id)
        return True

    def _resolve(self, action: Action) -> Action:
        """Replaces delivery keys (thread roots, posts to update) by platform message ids."""
        if isinstance(action, Post) and action.thread_key and not action.thread_id:
            target = self._sent(action.thread_key)
            return action.model_copy(
                update={
                    "thread_id": target.message_id,
                    "channel_id": target.channel_id or action.channel_id,
                }
            )
        if isinstance(action, UpdatePost) and action.target_key and not action.message_id:
            target = self._sent(action.target_key)
            return action.model_copy(
                update={
                    "message_id": target.message_id,
                    "channel_id": target.channel_id or action.channel_id,
                }
            )
        return action

    def _sent(self, key: str) -> Delivered:
        with self._sessions() as session:
            row = rows.by_key(session, key)
            if row is None or row.status == "failed":
                raise PermanentError(f"unknown target delivery {key}")
            if row.message_id is None:
                raise _Unresolved(key)
            return Delivered(message_id=row.message_id, channel_id=row.message_channel_id)

    def _backoff(self, attempts: int) -> float:
        delay = min(self.policy.base_delay * 2.0 ** (attempts - 1), self.policy.max_delay)
        return float(delay * random.uniform(0.8, 1.2))

    def _settle_retry(self, row_id: int, error: str, delay: float, *, attempts_used: bool) -> None:
        at = self._clock.now() + timedelta(seconds=delay)
        with self._sessions() as session, session.begin():
            rows.mark_retry(session, row_id=row_id, error=error, at=at, refund=not attempts_used)

    def _settle_failed(self, row_id: int, error: str) -> None:
        with self._sessions() as session, session.begin():
            rows.mark_failed(session, row_id=row_id, error=error)
            row = session.get_one(Delivery, row_id)
        log.error("delivery failed", extra={"key": row.key, "kind": row.kind, "error": error})
        DELIVERIES.labels(row.platform, "failed").inc()
        if self._on_failure is not None:
            self._on_failure(row)

    def leave(self, keys: Sequence[str]) -> None:
        """What `deliver(keys=…)` did not send is the sender's: it is woken, unless every key
        waits for a turn that comes after its next look (it finds the rows then), so that a
        backlog's answers do not wake it once each to find nothing due."""
        turns = [self.pacer.turn_in(key) for key in keys]
        if not all(turns) or time.monotonic() + min(turns) < self.looks_at:
            self.wakeup.set()

    def next_due_in(self) -> float:
        """Seconds until the next pending row is due (capped), for the worker's sleep."""
        with self._sessions() as session:
            due = rows.next_due(session)
        if due is None:
            return 5.0
        return max(0.0, min(5.0, (due - self._clock.now()).total_seconds()))


class OutboxWorker(threading.Thread):
    """Delivers in the background: woken after each enqueue, otherwise when rows fall due."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(name="relais-outbox", daemon=True)
        self._outbox = outbox
        self._stopping = threading.Event()  # not `_stop`: `Thread.join` calls its own `_stop`

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._outbox.deliver()
                pause = self._outbox.next_due_in()
            except Exception:
                log.exception("outbox loop error")
                pause = 2.0
            self._outbox.looks_at = time.monotonic() + pause
            self._outbox.wakeup.wait(timeout=pause)
            self._outbox.looks_at = math.inf
            self._outbox.wakeup.clear()

    def stop(self) -> None:
        """Returns once the batch in hand is sent, so no connection outlives the engine."""
        self._stopping.set()
        self._outbox.wakeup.set()
        if self.is_alive():
            self.join(timeout=10)
