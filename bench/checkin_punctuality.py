"""Check-in punctuality: the delay between each member's due time and the moment Relais hands
the check-in to the platform, with 2,000 members due at the same minute.

What runs is what `relais run` runs: APScheduler ticking the claim loop every 5 s in the
background, and the outbox worker thread, which sleeps until the next due row. The platform
port is in-process and only records when it is called, so the figure is Relais's own delay
(a real platform adds its network time and its rate limits).

The clock is shifted so that the run starts `--head` seconds before the due time instead of
`planning.LEAD` (10 min): the send jobs, due LEAD before, are all overdue at once and staged in
a burst, which must finish before the due time (the staging time is reported).

    .venv/bin/python bench/checkin_punctuality.py                      # SQLite, temporary file
    .venv/bin/python bench/checkin_punctuality.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
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

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.outbox import OutboxPolicy, OutboxWorker  # noqa: E402
from bot.ports import Delivered  # noqa: E402
from bot.scheduler import start_background  # noqa: E402
from handlers.checkins import planning  # noqa: E402
from handlers.types import Action  # noqa: E402
from store import checkins, identity, migrate  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.models import CheckinSchedule, DueJob  # noqa: E402
from store.models.jobs import JOB_PENDING  # noqa: E402

DUE = datetime(2027, 1, 11, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


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


def prepare(url: str, members: int, clock: ShiftedClock) -> None:
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
    engine.dispose()


def staged(sessions: sessionmaker[Session], clock: ShiftedClock) -> int:
    """Send jobs already due and not yet run: the staging still to do."""
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(DueJob)
                .where(
                    DueJob.kind == "checkins.send",
                    DueJob.status == JOB_PENDING,
                    DueJob.due_at <= clock.now(),
                )
            )
            or 0
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--head", type=float, default=90.0, help="seconds before the due time")
    parser.add_argument(
        "--workers", type=int, default=1, help="outbox worker threads (`relais run` has one)"
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    clock = ShiftedClock(args.head)
    started = time.time()
    prepare(url, args.members, clock)
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
    scheduler = start_background(app.ticker, every=timedelta(seconds=5))
    staging_started = time.time()
    while staged(app.sessions, clock):
        time.sleep(0.5)
    staging = time.time() - staging_started
    due_real = clock.real(DUE.astimezone(UTC))
    print(f"staging: {staging:.1f} s; due in {due_real - time.time():.1f} s")
    while len(port.sent) < args.members and time.time() < due_real + 120:
        time.sleep(0.2)
    scheduler.shutdown(wait=False)
    for worker in workers:
        worker.stop()
    delays = sorted(port.sent[key] - due_real for key in port.sent if key.count(":") == 2)
    if len(delays) < args.members:
        print(f"only {len(delays)} of {args.members} check-ins sent")
    cut = max(0, int(len(delays) * 0.99) - 1)
    print(
        f"{app.engine.dialect.name}, {args.workers} outbox worker(s): {len(delays)} check-ins; "
        "delay due → send: "
        f"p50 {statistics.median(delays):.2f} s, p99 {delays[cut]:.2f} s, max {delays[-1]:.2f} s, "
        f"earliest {delays[0]:+.2f} s"
    )


if __name__ == "__main__":
    main()
