"""The scheduler: a thread ticks; the store decides what is due and claims it once.

The thread sleeps until the earliest pending job falls due, and never longer than the poll
interval, so jobs another process schedules (a broadcast confirmed over HTTP) are seen within
it; a process that was asleep or down ticks once when it wakes. Each tick claims due jobs one by
one, runs each in a savepoint of the transaction that marks it done (its outbox rows commit
with it), commits every few jobs, then delivers. Any number of processes may tick: claims never
overlap (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.outbox import Outbox, enqueue
from handlers.clock import Clock
from handlers.context import FeatureSettings, JobContext
from handlers.registry import Registries
from store import due, events, inbox
from store.models import DueJob, Workspace

log = logging.getLogger(__name__)
MAX_JOB_ATTEMPTS = 5
PURGE_EVERY = timedelta(hours=1)
# How long the scheduler sleeps at most, and how long one transaction of jobs may last:
# chosen by measurement (bench/README.md, "Check-ins and broadcasts").
POLL = timedelta(seconds=1)
JOBS_PER_COMMIT = 20
COMMIT_WITHIN = 0.25


@dataclass
class TickReport:
    jobs: int = 0
    failed: int = 0
    delivered: int = 0


class Ticker:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        registries: Registries,
        outbox: Outbox,
        clock: Clock,
        default_locale: str,
        features: FeatureSettings,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self._sessions = sessions
        self._registries = registries
        self._outbox = outbox
        self._clock = clock
        self._locale = default_locale
        self._features = features
        self._lease = lease
        self._started = time.monotonic()
        self._last_tick: float | None = None
        self._failed = False
        self._purged_at: datetime | None = None

    def tick(self) -> TickReport:
        """Runs every job due now, then delivers what is due; safe to call from any process.

        Jobs commit a few at a time (one commit per job cost more than most jobs on
        PostgreSQL); the outbox worker is woken after each commit, so what the first jobs
        queued leaves while later ones run."""
        report = TickReport()
        while self._run_some(report):
            self._outbox.wakeup.set()
        report.delivered = self._outbox.deliver()
        self._forget_old_event_ids()
        self._last_tick = time.monotonic()
        return report

    def ticking(self, *, within: float = 60.0) -> bool:
        """For /healthz: a tick finished recently. Before the first one, a scheduler just
        started is given `within` seconds, unless a tick already failed."""
        if self._last_tick is None:
            return not self._failed and time.monotonic() - self._started < within
        return time.monotonic() - self._last_tick < within

    def failed(self) -> None:
        """A tick raised (the scheduler logs it and goes on)."""
        self._failed = True

    def _forget_old_event_ids(self) -> None:
        """Hourly: event ids past the platforms' retry window, then each feature's retention
        rules (data kept no longer than the settings allow)."""
        now = self._clock.now()
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        with self._sessions() as session, session.begin():
            events.forget_older_than(session, cutoff=now - events.RETENTION)
            inbox.forget_handled_before(session, cutoff=now - inbox.RETENTION)
            for workspace in session.scalars(select(Workspace)):
                ctx = self._job_context(session, workspace)
                for rule in self._registries.retention_rules():
                    deleted = rule(ctx)
                    if deleted:
                        log.info(
                            "retention applied", extra={"rule": rule.__name__, "rows": deleted}
                        )
        self._purged_at = now

    def next_due_in(self, *, at_most: float) -> float:
        """Seconds until the earliest pending job falls due, capped by `at_most`."""
        with self._sessions() as session:
            due_at = due.next_due_at(session)
        if due_at is None:
            return at_most
        return max(0.0, min(at_most, (due_at - self._clock.now()).total_seconds()))

    def _run_some(self, report: TickReport) -> bool:
        """Runs due jobs in one transaction, up to JOBS_PER_COMMIT or COMMIT_WITHIN seconds;
        True when it stopped at a limit (more may be due), False when nothing more was due."""
        started = time.monotonic()
        with self._sessions() as session, session.begin():
            for _ in range(JOBS_PER_COMMIT):
                if time.monotonic() - started > COMMIT_WITHIN:
                    return True
                if not self._run_one(session, report):
                    return False
        return True

    def _run_one(self, session: Session, report: TickReport) -> bool:
        now = self._clock.now()
        job = due.claim_one(session, now=now, lease=self._lease)
        if job is None:
            return False
        report.jobs += 1
        try:
            with session.begin_nested():
                self._execute(session, job)
            due.finish(job, now=now)
        except Exception as error:
            report.failed += 1
            log.exception("job failed", extra={"job": job.key, "kind": job.kind})
            retry = timedelta(minutes=job.attempts) if job.attempts < MAX_JOB_ATTEMPTS else None
            due.fail(job, error=type(error).__name__, now=now, retry_in=retry)
        return True

    def _job_context(self, session: Session, workspace: Workspace) -> JobContext:
        return JobContext(
            session=session,
            clock=self._clock,
            workspace=workspace,
            default_locale=self._locale,
            settings=self._features,
        )

    def _execute(self, session: Session, job: DueJob) -> None:
        handler = self._registries.job(job.kind)
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind}")
        workspace = session.get_one(Workspace, job.workspace_id)
        actions = handler(self._job_context(session, workspace), dict(job.payload))
        enqueue(
            session,
            actions,
            platform=workspace.platform,
            workspace_id=workspace.external_id,
            origin=f"job:{job.key}",
            now=self._clock.now(),
            pacer=self._outbox.pacer,
        )


class SchedulerThread(threading.Thread):
    """Ticks when the earliest pending job falls due, and at least every `poll`."""

    def __init__(self, ticker: Ticker, *, poll: timedelta) -> None:
        super().__init__(name="relais-scheduler", daemon=True)
        self._ticker = ticker
        self._poll = poll.total_seconds()
        self._halt = threading.Event()

    @property
    def running(self) -> bool:
        return self.is_alive() and not self._halt.is_set()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self._ticker.tick()
                pause = self._ticker.next_due_in(at_most=self._poll)
            except Exception:
                self._ticker.failed()
                log.exception("tick failed")
                pause = self._poll
            self._halt.wait(pause)

    def shutdown(self, wait: bool = True) -> None:
        """Stops after the tick under way (`wait`: returns once it has)."""
        self._halt.set()
        if wait and self.is_alive():
            self.join()


def start_background(ticker: Ticker, *, every: timedelta = POLL) -> SchedulerThread:
    """Ticks in a background thread until `shutdown()`; `every` is the poll interval."""
    thread = SchedulerThread(ticker, poll=every)
    thread.start()
    return thread
