"""Due jobs run once, when due, in the transaction that marks them done."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from bot.outbox import Outbox, OutboxPolicy
from bot.scheduler import Ticker
from handlers.clock import FakeClock
from handlers.context import FeatureSettings, JobContext
from handlers.registry import Registries, Registry
from handlers.types import Action, Message, Post
from store import due, identity
from store.models import DueJob
from tests.fakes.recording_port import RecordingPort

jobs = Registry()
calls: list[str] = []


@jobs.job("test.hello")
def say_hello(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    calls.append(payload["name"])
    return [Post(channel_id="C1", message=Message(text=f"Bonjour {payload['name']}"))]


@jobs.job("test.broken")
def broken(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    ctx.session.add(
        DueJob(
            key="never",
            kind="x",
            workspace_id=ctx.workspace.id,
            payload={},
            due_at=ctx.now(),
            created_at=ctx.now(),
        )
    )
    raise RuntimeError("boom")


def make_ticker(app: App, sessions: sessionmaker[Session], clock: FakeClock) -> Ticker:
    return Ticker(
        sessions=sessions,
        registries=Registries((jobs,)),
        outbox=app.outbox,
        clock=clock,
        default_locale="fr",
        features=FeatureSettings(),
    )


def plan(
    sessions: sessionmaker[Session],
    clock: FakeClock,
    key: str,
    kind: str,
    in_minutes: int,
    **payload: Any,
) -> None:
    with sessions() as session, session.begin():
        ws = identity.ensure_workspace(session, platform="test", external_id="T1", now=clock.now())
        due.schedule(
            session,
            key=key,
            kind=kind,
            workspace=ws,
            due_at=clock.now() + timedelta(minutes=in_minutes),
            now=clock.now(),
            payload=payload,
        )


def test_jobs_run_when_due_and_once(
    app: App, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    calls.clear()
    ticker = make_ticker(app, sessions, clock)
    plan(sessions, clock, "hello:ana", "test.hello", 10, name="Ana")
    plan(sessions, clock, "hello:ana", "test.hello", 10, name="Ana (doublon)")
    assert ticker.tick().jobs == 0
    clock.advance(timedelta(minutes=10))
    report = ticker.tick()
    assert (report.jobs, report.delivered) == (1, 1)
    assert ticker.tick().jobs == 0
    assert calls == ["Ana"]
    assert [s.text for s in port.sent] == ["Bonjour Ana"]


def test_a_late_tick_runs_everything_missed(
    app: App, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    ticker = make_ticker(app, sessions, clock)
    for minute in (1, 2, 3):
        plan(sessions, clock, f"h{minute}", "test.hello", minute, name=str(minute))
    clock.advance(timedelta(hours=5))
    assert ticker.tick().jobs == 3
    assert sorted(s.text for s in port.sent) == ["Bonjour 1", "Bonjour 2", "Bonjour 3"]


def test_a_failing_job_changes_nothing_and_is_retried(
    app: App, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    ticker = make_ticker(app, sessions, clock)
    plan(sessions, clock, "b", "test.broken", 0)
    assert ticker.tick().failed == 1
    with sessions() as session:
        assert due.by_key(session, "never") is None
        job = due.by_key(session, "b")
        assert job is not None and (job.status, job.last_error) == ("pending", "RuntimeError")


def test_cancel_and_replace(
    app: App, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    ticker = make_ticker(app, sessions, clock)
    plan(sessions, clock, "x:1", "test.hello", 1, name="annulé")
    with sessions() as session, session.begin():
        assert due.cancel_prefix(session, prefix="x:") == 1
        ws = identity.ensure_workspace(session, platform="test", external_id="T1", now=clock.now())
        due.schedule(
            session,
            key="y",
            kind="test.hello",
            workspace=ws,
            due_at=clock.now() + timedelta(minutes=1),
            now=clock.now(),
            payload={"name": "v1"},
        )
        due.schedule(
            session,
            key="y",
            kind="test.hello",
            workspace=ws,
            due_at=clock.now() + timedelta(minutes=9),
            now=clock.now(),
            payload={"name": "v2"},
            replace=True,
        )
    clock.advance(timedelta(minutes=2))
    ticker.tick()
    assert port.sent == []
    clock.advance(timedelta(minutes=8))
    ticker.tick()
    assert [s.text for s in port.sent] == ["Bonjour v2"]


def test_concurrent_tickers_never_run_a_job_twice(
    committed: sessionmaker[Session], clock: FakeClock
) -> None:
    """Uses real commits only: on SQLite, the rolled-back test transaction would hold the lock."""
    port = RecordingPort()
    outbox = Outbox(
        session_factory=committed,
        ports={"test": port},
        clock=clock,
        policy=OutboxPolicy(channel_interval={}),
    )
    tickers = [
        Ticker(
            sessions=committed,
            registries=Registries((jobs,)),
            outbox=outbox,
            clock=clock,
            default_locale="fr",
            features=FeatureSettings(),
        )
        for _ in range(4)
    ]
    for n in range(40):
        plan(committed, clock, f"c{n}", "test.hello", 0, name=str(n))
    threads = [threading.Thread(target=t.tick) for t in tickers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = sorted(s.text for s in port.sent)
    assert texts == sorted(f"Bonjour {n}" for n in range(40))


def test_old_event_ids_are_forgotten_but_recent_ones_kept(
    app: App, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    from store import events

    with sessions() as session, session.begin():
        assert events.first_time_seen(session, key="slack:T1:Ev-old", now=clock.now())
    clock.advance(timedelta(days=8))
    with sessions() as session, session.begin():
        assert events.first_time_seen(session, key="slack:T1:Ev-new", now=clock.now())
    make_ticker(app, sessions, clock).tick()
    with sessions() as session, session.begin():
        assert events.first_time_seen(session, key="slack:T1:Ev-old", now=clock.now())
        assert not events.first_time_seen(session, key="slack:T1:Ev-new", now=clock.now())


def test_retention_rules_run_hourly_for_each_workspace(
    app: App, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    seen: list[str] = []
    rules = Registry()

    @rules.retention_rule
    def count_workspace(ctx: JobContext) -> int:
        seen.append(ctx.workspace.external_id)
        return 0

    plan(sessions, clock, "w", "test.hello", 60, name="x")
    ticker = Ticker(
        sessions=sessions,
        registries=Registries((jobs, rules)),
        outbox=app.outbox,
        clock=clock,
        default_locale="fr",
        features=FeatureSettings(),
    )
    ticker.tick()
    ticker.tick()
    assert seen == ["T1"]
    clock.advance(timedelta(hours=1))
    ticker.tick()
    assert seen == ["T1", "T1"]
