"""The scheduler: APScheduler only ticks; the store decides what is due and claims it once.

APScheduler runs with its in-memory job store (never shared between processes), no misfire
limit and coalescing, so a process that was asleep or down ticks once when it wakes. Each tick
claims due jobs one by one, runs each in the transaction that marks it done (its outbox rows
commit with it), then delivers. Any number of processes may tick: claims never overlap.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.outbox import Outbox, enqueue
from handlers.clock import Clock
from handlers.context import FeatureSettings, JobContext
from handlers.registry import Registries
from store import due, events
from store.models import DueJob, Workspace

log = logging.getLogger(__name__)
MAX_JOB_ATTEMPTS = 5
PURGE_EVERY = timedelta(hours=1)


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
        """Runs every job due now, then delivers what is due; safe to call from any process."""
        report = TickReport()
        while self._run_one(report):
            pass
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
            for workspace in session.scalars(select(Workspace)):
                ctx = self._job_context(session, workspace)
                for rule in self._registries.retention_rules():
                    deleted = rule(ctx)
                    if deleted:
                        log.info(
                            "retention applied", extra={"rule": rule.__name__, "rows": deleted}
                        )
        self._purged_at = now

    def _run_one(self, report: TickReport) -> bool:
        with self._sessions() as session, session.begin():
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
        )


def start_background(
    ticker: Ticker, *, every: timedelta = timedelta(seconds=5)
) -> BackgroundScheduler:
    """Ticks in a background thread until the scheduler is shut down."""
    scheduler = BackgroundScheduler(
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        timezone="UTC",
    )
    scheduler.add_job(
        _tick,
        "interval",
        args=[ticker],
        seconds=every.total_seconds(),
        id="tick",
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler


def _tick(ticker: Ticker) -> None:
    try:
        ticker.tick()
    except Exception:
        ticker.failed()
        log.exception("tick failed")
