"""`relais serve` answers HTTP and nothing else; `relais worker` runs the background work and
no chat route; two workers on one database deliver each due check-in once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build
from bot.config import Settings
from bot.outbox import Outbox, OutboxPolicy, enqueue
from bot.ports import Delivered
from bot.serve import WEB, WORKER, serve
from handlers.clock import FakeClock
from handlers.types import Action, Message, Post
from store.models import CheckinOccurrence
from tests.fakes.mattermost_server import FakeMattermost
from tests.fakes.recording_port import RecordingPort
from tests.fakes.slack_server import FakeSlack
from tests.serving import running_app
from tests.test_checkins_two_processes import DUE, AppendingPort, plan_cohort

WEB_ONLY = frozenset({WEB})
BACKGROUND_THREADS = {"relais-scheduler", "relais-outbox", "relais-inbox", "relais-leader"}


def slack_settings(tmp_path: Path, fake: FakeSlack, **more: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        sample_data=False,
        database_url=f"sqlite:///{tmp_path / 'relais.db'}",
        http_host="127.0.0.1",
        http_port=0,
        slack_bot_token=fake.bot_token,
        slack_signing_secret="s" * 32,
        slack_api_url=fake.base_url,
        **more,
    )


def background_threads() -> set[str]:
    return {t.name for t in threading.enumerate()} & BACKGROUND_THREADS


def test_serve_answers_slack_without_the_scheduler_or_the_sender(tmp_path: Path) -> None:
    with FakeSlack() as fake, running_app(build(slack_settings(tmp_path, fake)), WEB_ONLY) as url:
        health = requests.get(url + "/healthz", timeout=5)
        unsigned = requests.post(url + "/slack/events", data="command=/relais", timeout=5)
        threads = background_threads()
    assert health.status_code == 200
    assert health.json()["checks"] == {"database": True, "slack": True}
    assert unsigned.status_code == 401  # the route is there: Bolt refuses the missing signature
    assert threads == set()


def test_worker_runs_the_background_and_no_chat_route(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        app = build(slack_settings(tmp_path, fake))
        with running_app(app, frozenset({WORKER})) as url:
            slack = requests.post(url + "/slack/events", data="command=/relais", timeout=5)
            metrics = requests.get(url + "/metrics", timeout=5)
            checks = requests.get(url + "/healthz", timeout=5).json()["checks"]
            threads = background_threads()
    assert slack.status_code == 404
    assert metrics.status_code == 200
    assert set(checks) == {"database", "slack", "scheduler"}
    assert {"relais-scheduler", "relais-outbox", "relais-inbox"} <= threads


def mattermost_settings(tmp_path: Path, fake: FakeMattermost) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        sample_data=False,
        database_url=f"sqlite:///{tmp_path / 'relais.db'}",
        http_host="127.0.0.1",
        http_port=0,
        mattermost_url=fake.base_url,
        mattermost_token=fake.token,
        mattermost_team=fake.team["name"],
        mattermost_slash_token="slash-token-0123456789",
        action_secret="a" * 32,
        public_url="https://relais.exemple.fr",
    )


def test_mattermost_websocket_runs_in_the_worker_not_in_serve(tmp_path: Path) -> None:
    with FakeMattermost() as fake:
        with running_app(build(mattermost_settings(tmp_path, fake)), frozenset({WEB})) as url:
            command = requests.post(url + "/mattermost/command", data="text=aide", timeout=5)
            web_health = requests.get(url + "/healthz", timeout=5)
            web_threads = {t.name for t in threading.enumerate()}
        assert command.status_code != 404
        assert web_health.status_code == 200
        assert "relais-leader" not in web_threads and "relais-mattermost-ws" not in web_threads
        assert fake.websocket_logins == 0
        with running_app(build(mattermost_settings(tmp_path, fake)), frozenset({WORKER})) as url:
            fake.wait_websocket_client()
            routed = requests.post(url + "/mattermost/command", data="text=aide", timeout=5)
        assert routed.status_code == 404


def test_a_stopping_worker_leaves_its_backlog_to_the_next_one(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    """SIGTERM does not wait for a whole backlog: the batch in hand is sent, the rest stays due
    for the next worker, and nothing is sent twice."""
    policy = OutboxPolicy(channel_interval={}, batch=10)
    stopping = Outbox(session_factory=sessions, ports={"test": port}, clock=clock, policy=policy)
    with sessions() as session, session.begin():
        enqueue(
            session,
            [Post(channel_id="C1", message=Message(text=f"rappel {i}")) for i in range(30)],
            platform="test",
            workspace_id="T1",
            origin="job:backlog",
            now=clock.now(),
        )
    stopping.stopping.set()
    assert stopping.deliver() == 0
    stopping.stopping.clear()
    deliver = port.deliver

    def stop_after_first(action: Action, *, key: str, workspace_id: str) -> Delivered:
        stopping.stopping.set()
        return deliver(action, key=key, workspace_id=workspace_id)

    port.deliver = stop_after_first  # type: ignore[method-assign]
    assert stopping.deliver() == 10
    port.deliver = deliver  # type: ignore[method-assign]
    following = Outbox(session_factory=sessions, ports={"test": port}, clock=clock, policy=policy)
    assert following.deliver() == 20
    assert sorted(s.action.message.text for s in port.posts()) == sorted(
        f"rappel {i}" for i in range(30)
    )


def drive_worker(url: str, out: Path, go: Path) -> None:
    """One `relais worker` (the worker role of `serve`) at the check-in's due time: starts
    when the test drops `go`, stops when it drops `go.stop`."""
    app = build(
        Settings(database_url=url, sample_data=False, http_port=0, _env_file=None),  # type: ignore[call-arg]
        clock=FakeClock(DUE),
        ports={"test": AppendingPort(out)},
        policy=OutboxPolicy(channel_interval={}),
        upgrade=False,
    )
    out.with_suffix(".ready").touch()
    while not go.exists():
        time.sleep(0.01)
    stop = threading.Event()
    thread = threading.Thread(
        target=serve, kwargs={"app": app, "roles": frozenset({WORKER}), "stop": stop}
    )
    thread.start()
    while not go.with_suffix(".stop").exists():
        time.sleep(0.05)
    stop.set()
    thread.join(30)


@pytest.mark.slow
def test_two_workers_deliver_each_due_checkin_once(
    engine: Engine, committed: sessionmaker[Session], tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("two worker processes share PostgreSQL in production")
    user_ids = plan_cohort(committed)
    with committed() as session:
        occurrence = session.scalar(
            select(CheckinOccurrence.id).where(CheckinOccurrence.slot == "2026-12-14T09:00")
        )
    expected = {f"checkin:{occurrence}:{user_id}" for user_id in user_ids}
    url = engine.url.render_as_string(hide_password=False)
    go = tmp_path / "go"
    outputs = [tmp_path / "a.log", tmp_path / "b.log"]
    for out in outputs:
        out.touch()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.test_worker_split", url, str(out), str(go)],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "RELAIS_SAMPLE_DATA": "false"},
        )
        for out in outputs
    ]
    try:
        deadline = time.monotonic() + 120
        while not all(out.with_suffix(".ready").exists() for out in outputs):
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.02)
        go.touch()
        while not expected <= {k for out in outputs for k in out.read_text().splitlines()}:
            assert time.monotonic() < deadline, "the workers did not deliver every check-in"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.1)
    finally:
        go.with_suffix(".stop").touch()
        codes = [w.wait(timeout=60) for w in workers]
    keys = [line for out in outputs for line in out.read_text().splitlines()]
    assert codes == [0, 0]
    assert set(keys) == expected
    assert Counter(keys).most_common(1)[0][1] == 1
    assert all(out.read_text() for out in outputs), "both workers should have delivered some"


if __name__ == "__main__":
    drive_worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
