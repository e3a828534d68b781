"""Two bot processes ticking on one database: every member's check-in is delivered exactly once.

Each process is this module run as a script (`python -m tests.test_checkins_two_processes URL
OUT GO`): it says it is ready, waits for the start signal, then ticks until there is nothing
left, appending every delivered key to its own file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build
from bot.config import Settings
from bot.outbox import OutboxPolicy
from bot.ports import Delivered
from handlers.checkins import planning
from handlers.clock import FakeClock
from handlers.types import Action
from store import checkins as store
from store import identity
from store.models import CheckinOccurrence, CheckinSchedule
from tests.checkins_support import paris

MEMBERS = 80
DUE = paris(2026, 12, 14, 9)


class AppendingPort:
    """Records each delivery as one line in a file (appends are atomic for short lines)."""

    platform = "test"

    def __init__(self, path: Path) -> None:
        self._path = path

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        with self._path.open("a", encoding="utf-8") as out:
            out.write(key + "\n")
        return Delivered(message_id=key, channel_id="D")

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        return None


def drive(url: str, out: Path, go: Path) -> None:
    clock = FakeClock(DUE)
    settings = Settings(database_url=url, sample_data=False, _env_file=None)
    app = build(
        settings,
        clock=clock,
        ports={"test": AppendingPort(out)},
        policy=OutboxPolicy(channel_interval={}),
        upgrade=False,
    )
    out.with_suffix(".ready").touch()
    while not go.exists():
        time.sleep(0.01)
    idle = 0
    while idle < 3:
        report = app.ticker.tick()
        idle = idle + 1 if report.jobs == 0 and report.delivered == 0 else 0


def plan_cohort(committed: sessionmaker[Session]) -> list[int]:
    """A cohort of MEMBERS people with a Monday check-in planned; returns their user ids."""
    now = paris(2026, 12, 7, 10)
    with committed() as session, session.begin():
        ws = identity.ensure_workspace(session, platform="test", external_id="T1", now=now)
        cohort = store.create_cohort(
            session, workspace=ws, name="Grande cohorte", now=now, created_by=None
        )
        users = [
            identity.ensure_user(session, workspace=ws, external_id=f"m{i}", now=now)
            for i in range(MEMBERS)
        ]
        for user in users:
            store.add_member(session, cohort=cohort, user=user, now=now)
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
        planning.start(
            session,
            schedule=schedule,
            cohort=cohort,
            workspace=ws,
            now=now,
            local_now=datetime(2026, 12, 7, 10),
        )
        return [u.id for u in users]


@pytest.mark.slow
def test_two_processes_deliver_every_checkin_exactly_once(
    engine: Engine, committed: sessionmaker[Session], tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip(
            "the two-process test is about PostgreSQL's row locks (SQLite: see test_scheduler)"
        )
    user_ids = plan_cohort(committed)
    url = engine.url.render_as_string(hide_password=False)
    go = tmp_path / "go"
    outputs = [tmp_path / "a.log", tmp_path / "b.log"]
    env = {**os.environ, "RELAIS_SAMPLE_DATA": "false"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.test_checkins_two_processes", url, str(out), str(go)],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
        )
        for out in outputs
    ]
    deadline = time.monotonic() + 60
    while not all(out.with_suffix(".ready").exists() for out in outputs):
        assert time.monotonic() < deadline, "the bot processes did not start"
        time.sleep(0.02)
    go.touch()
    for process in processes:
        assert process.wait(timeout=120) == 0
    keys = [line for out in outputs for line in out.read_text().splitlines()]
    with committed() as session:
        occurrence = session.scalar(
            select(CheckinOccurrence.id).where(CheckinOccurrence.slot == "2026-12-14T09:00")
        )
    expected = {f"checkin:{occurrence}:{user_id}" for user_id in user_ids}
    assert set(keys) == expected
    assert Counter(keys).most_common(1)[0][1] == 1
    assert all(out.read_text() for out in outputs), "both processes should have delivered some"


if __name__ == "__main__":
    drive(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
