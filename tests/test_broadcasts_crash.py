"""A broadcast to 2,000 members through the fake Slack survives SIGKILL mid-way: after a
restart, every member has exactly one message.

The bot process is this module run as a script (`python -m tests.test_broadcasts_crash URL
API_URL`): the real Slack port (slack_sdk against the fake), a short outbox lease so that the
restarted process soon asks Slack whether the in-flight messages arrived, and ticks until the
outbox is empty.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.slack.channels import ChannelDirectory
from bot.adapters.slack.client import make_client
from bot.adapters.slack.port import SlackPort
from bot.adapters.slack.response_urls import ResponseUrls
from bot.app import App, build
from bot.config import Settings
from bot.outbox import OutboxPolicy
from handlers.i18n import Translator
from handlers.types import ButtonPress, SlashCommand
from store import checkins, identity, migrate
from store.db import make_engine
from store.models import Broadcast, Delivery, DueJob
from store.models.delivery import PENDING, SENDING
from store.models.jobs import JOB_PENDING
from tests.fakes.slack_server import FakeSlack

MEMBERS = 2000
TEXT = "Séminaire des chefs de pôle : jeudi 14h, salle Condorcet."
KILL_AFTER = 600


def settings(url: str) -> Settings:
    return Settings(database_url=url, sample_data=False, admins=["slack:UADMIN"], _env_file=None)


def work_left(session: Session) -> int:
    deliveries = session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status.in_((PENDING, SENDING)))
    )
    jobs = session.scalar(
        select(func.count()).select_from(DueJob).where(DueJob.status == JOB_PENDING)
    )
    return int(deliveries or 0) + int(jobs or 0)


def drive(url: str, api_url: str) -> None:
    client = make_client(token="xoxb-test", base_url=api_url)
    port = SlackPort(
        client=client,
        channels=ChannelDirectory(client),
        response_urls=ResponseUrls(),
        translator=Translator("fr"),
    )
    app = build(
        settings(url),
        ports={"slack": port},
        policy=OutboxPolicy(lease=timedelta(seconds=1), channel_interval={"slack": 1.0}),
        upgrade=False,
    )
    while True:
        app.ticker.tick()
        with app.sessions() as session:
            if not work_left(session):
                return
        time.sleep(0.2)


def prepare(url: str, fake: FakeSlack) -> None:
    """2,000 members in a cohort, and a broadcast to them confirmed by staff through the router."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    app: App = build(settings(url), engine=engine, upgrade=False)
    team = fake.team_id
    with app.sessions() as session, session.begin():
        now = app.runtime.clock.now()
        ws = identity.ensure_workspace(session, platform="slack", external_id=team, now=now)
        cohort = checkins.create_cohort(
            session, workspace=ws, name="Grande cohorte", now=now, created_by=None
        )
        for index in range(MEMBERS):
            user = identity.ensure_user(session, workspace=ws, external_id=f"U{index:05d}", now=now)
            checkins.add_member(session, cohort=cohort, user=user, now=now)
    base = {
        "platform": "slack",
        "workspace_id": team,
        "channel_id": "C0GENERAL",
        "user_id": "UADMIN",
    }
    command = f'diffuser "Grande cohorte" "{TEXT}"'
    app.runtime.handle(SlashCommand(**base, text=command, event_id="e1"), deliver=False)
    with app.sessions() as session:
        number = session.scalar(select(Broadcast.id))
    app.runtime.handle(
        ButtonPress(**base, action_id="broadcasts.confirm", value=str(number), event_id="e2"),
        deliver=False,
    )
    engine.dispose()


def start(url: str, fake: FakeSlack) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_broadcasts_crash", url, fake.base_url],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "RELAIS_SAMPLE_DATA": "false"},
    )


@pytest.mark.slow
def test_sigkill_midway_then_restart_gives_everyone_exactly_one_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    with FakeSlack() as fake:
        fake.add_user("UADMIN", "ada")
        for index in range(MEMBERS):
            fake.add_user(f"U{index:05d}", f"membre{index}")
        prepare(url, fake)
        first = start(url, fake)
        deadline = time.monotonic() + 120
        while len(fake.calls_to("chat.postMessage")) < KILL_AFTER:
            assert first.poll() is None and time.monotonic() < deadline, "the bot stopped early"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        before_restart = sum(TEXT in str(m.get("text")) for m in fake.messages())
        second = start(url, fake)
        assert second.wait(timeout=180) == 0
        received = Counter(m["channel"] for m in fake.messages() if TEXT in str(m.get("text")))
        history_checks = len(fake.calls_to("conversations.history"))
    assert KILL_AFTER <= before_restart < MEMBERS
    assert len(received) == MEMBERS
    assert set(received.values()) == {1}
    assert history_checks > 0  # the restarted bot asked Slack about the in-flight messages


if __name__ == "__main__":
    drive(sys.argv[1], sys.argv[2])
