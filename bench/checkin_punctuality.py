"""Check-in and broadcast punctuality: the delay between the due time and the moment Relais hands
each message to the platform, with 2,000 members due at the same minute.

What runs is what `relais worker` runs: the scheduler's tick loop in the background and the
outbox worker thread, which sleeps until the next due row. The platform port is in-process and
only records when it is called, so the figure is Relais's own delay (a real platform adds its
network time and its rate limits).

Two things fall due, `--gap` seconds apart: every member's check-in (staged `planning.LEAD`
ahead with the due time as `not_before`), then a broadcast to the same members scheduled for
that moment (as `diffuser … --le …` confirms it: fanned out 10 min ahead too, each message
held by `not_before` until its due time).

The clock is shifted so that the run starts `--head` seconds before the check-ins' due time
instead of 10 min: the check-ins' send jobs and the broadcast's fan-out and batches, due LEAD
before, are all overdue at once and staged in a burst, which must finish before the due time
(the staging time is reported). `--history N` first fills the queues with N finished jobs and
N sent deliveries, as months of use would.

    .venv/bin/python bench/checkin_punctuality.py                      # SQLite, temporary file
    .venv/bin/python bench/checkin_punctuality.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, select, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.outbox import OutboxPolicy, OutboxWorker  # noqa: E402
from bot.ports import Delivered  # noqa: E402
from bot.scheduler import start_background  # noqa: E402
from handlers.broadcasts.jobs import schedule_fanout  # noqa: E402
from handlers.checkins import planning  # noqa: E402
from handlers.types import Action  # noqa: E402
from store import checkins, identity, migrate  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.models import Broadcast, CheckinSchedule, DueJob, Workspace  # noqa: E402
from store.models.broadcasts import BROADCAST_SCHEDULED, TARGET_COHORT  # noqa: E402
from store.models.jobs import JOB_PENDING, OPEN  # noqa: E402

DUE = datetime(2027, 1, 11, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
STAGING = ("checkins.send", "broadcasts.fanout", "broadcasts.batch")
HISTORY_SQL = (
    # Finished work, as the queues hold it after months of use: one statement each, the same
    # on PostgreSQL and SQLite (a recursive counter).
    """
    INSERT INTO due_jobs (key, kind, workspace_id, payload, due_at, status, attempts,
                          claimed_at, done_at, created_at)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
    SELECT 'history:' || i, 'checkins.send', :workspace, '{}', :at, 'done', 1, :at, :at, :at
    FROM n
    """,
    """
    INSERT INTO deliveries (key, platform, workspace_external_id, kind, channel_id, payload,
                            origin, status, attempts, next_attempt_at, claimed_at,
                            message_id, created_at, sent_at)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
    SELECT 'history:' || i, 'bench', 'T1', 'dm', '@U' || i, '{"kind": "dm"}',
           'job:history', 'sent', 1, :at, :at, 'M' || i, :at, :at
    FROM n
    """,
)


class ShiftedClock:
    """Real time, moved so that the run starts `head` seconds before the due time."""

    def __init__(self, head: float) -> None:
        self.offset = DUE.astimezone(UTC) - timedelta(seconds=head) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def real(self, moment: datetime) -> float:
        """The wall-clock timestamp of a shifted instant."""
        return (moment - self.offset).timestamp()


class TimingPort:
    platform = "bench"

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self._lock = threading.Lock()

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        with self._lock:
            self.sent[key] = time.time()
        return Delivered(message_id=key, channel_id="D")

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        return None


def prepare(url: str, members: int, clock: ShiftedClock, history: int, gap: float) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    app = build(
        Settings(database_url=url, sample_data=False, _env_file=None), engine=engine, upgrade=False
    )
    now = clock.now()
    with app.sessions() as session, session.begin():
        ws = identity.ensure_workspace(session, platform="bench", external_id="T1", now=now)
        cohort = checkins.create_cohort(
            session, workspace=ws, name="Bench", now=now, created_by=None
        )
        for index in range(members):
            user = identity.ensure_user(session, workspace=ws, external_id=f"U{index:05d}", now=now)
            checkins.add_member(session, cohort=cohort, user=user, now=now)
        schedule = CheckinSchedule(
            cohort_id=cohort.id,
            phrase="tous les lundis à 9h",
            rule={"kind": "cron", "day_of_week": "mon", "hour": 9, "minute": 0},
            template="meteo",
            custom_questions=[],
            window_hours=48,
            reminder_hours=24,
            created_at=now,
        )
        session.add(schedule)
        session.flush()
        local = DUE.replace(tzinfo=None) - timedelta(days=1)
        planning.start(
            session, schedule=schedule, cohort=cohort, workspace=ws, now=now, local_now=local
        )
        schedule_broadcast(session, workspace_id=ws.id, cohort_id=cohort.id, now=now, gap=gap)
        workspace_id = ws.id
    if history:
        fill_history(engine, workspace_id, rows=history, at=now - timedelta(days=30))
    engine.dispose()


def schedule_broadcast(
    session: Session, *, workspace_id: int, cohort_id: int, now: datetime, gap: float
) -> None:
    """A confirmed broadcast to the cohort for DUE + gap, as `broadcasts.confirm` leaves it."""
    send_at = DUE.astimezone(UTC) + timedelta(seconds=gap)
    broadcast = Broadcast(
        workspace_id=workspace_id,
        target_kind=TARGET_COHORT,
        target_ref=str(cohort_id),
        target_label="Bench",
        text="Séminaire des chefs de pôle : jeudi 14h, salle Condorcet.",
        send_at=send_at,
        status=BROADCAST_SCHEDULED,
        created_at=now,
        confirmed_at=now,
    )
    session.add(broadcast)
    session.flush()
    workspace = session.get_one(Workspace, workspace_id)
    schedule_fanout(session, broadcast=broadcast, workspace=workspace, wall=None, now=now)


def fill_history(engine: Engine, workspace_id: int, *, rows: int, at: datetime) -> None:
    started = time.time()
    with engine.begin() as connection:
        for statement in HISTORY_SQL:
            connection.execute(text(statement), {"rows": rows, "workspace": workspace_id, "at": at})
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    print(f"history: {rows} done jobs and {rows} sent deliveries in {time.time() - started:.1f} s")


def staged(sessions: sessionmaker[Session], clock: ShiftedClock) -> int:
    """Staging jobs (check-ins' sends, the broadcast's fan-out and batches) already due and not
    yet run: the staging still to do."""
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(DueJob)
                .where(
                    text(OPEN),
                    DueJob.kind.in_(STAGING),
                    DueJob.status == JOB_PENDING,
                    DueJob.due_at <= clock.now(),
                )
            )
            or 0
        )


def report(name: str, delays: list[float], expected: int) -> str:
    if not delays:
        return f"{name}: none of {expected} sent"
    delays.sort()
    cut = max(0, int(len(delays) * 0.99) - 1)
    missing = f" (only {len(delays)} of {expected})" if len(delays) < expected else ""
    return (
        f"{name}: {len(delays)}{missing}; delay due → send: p50 {statistics.median(delays):.2f} s, "
        f"p99 {delays[cut]:.2f} s, max {delays[-1]:.2f} s, earliest {delays[0]:+.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--head", type=float, default=90.0, help="seconds before the due time")
    parser.add_argument("--gap", type=float, default=20.0, help="broadcast after the check-ins")
    parser.add_argument("--history", type=int, default=0, help="finished rows already queued")
    parser.add_argument(
        "--workers", type=int, default=1, help="outbox worker threads (`relais worker` has one)"
    )
    parser.add_argument("--poll", type=float, default=None, help="scheduler poll interval (s)")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    clock = ShiftedClock(args.head)
    started = time.time()
    prepare(url, args.members, clock, args.history, args.gap)
    print(f"set-up: {args.members} members planned in {time.time() - started:.1f} s")
    port = TimingPort()
    app = build(
        Settings(database_url=url, sample_data=False, _env_file=None),
        clock=clock,
        ports={"bench": port},
        policy=OutboxPolicy(channel_interval={}),
        upgrade=False,
    )
    workers = [OutboxWorker(app.outbox) for _ in range(args.workers)]
    for worker in workers:
        worker.start()
    poll = {} if args.poll is None else {"every": timedelta(seconds=args.poll)}
    scheduler = start_background(app.ticker, **poll)
    staging_started = time.time()
    while staged(app.sessions, clock):
        time.sleep(0.5)
    staging = time.time() - staging_started
    due_real = clock.real(DUE.astimezone(UTC))
    print(f"staging: {staging:.1f} s; due in {due_real - time.time():.1f} s")
    expected = 2 * args.members
    while len(port.sent) < expected and time.time() < due_real + args.gap + 120:
        time.sleep(0.2)
    scheduler.shutdown(wait=False)
    for worker in workers:
        worker.stop()
    checkin_delays = [t - due_real for key, t in port.sent.items() if key.startswith("checkin:")]
    broadcast_due = due_real + args.gap
    broadcast_delays = [
        t - broadcast_due for key, t in port.sent.items() if key.startswith("broadcast:")
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{app.engine.dialect.name}, {args.workers} outbox worker(s), load average {load}:\n"
        f"  {report('check-ins', checkin_delays, args.members)}\n"
        f"  {report('broadcast', broadcast_delays, args.members)}"
    )


if __name__ == "__main__":
    main()
