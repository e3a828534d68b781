"""The inbox on both databases: an event is recorded once, handled once, and one that failed
(the store down mid-handling) is handled by the retry loop after its backoff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import SlashCommand
from store.models import InboxEvent
from store.models.inbox import INBOX_DONE, INBOX_PENDING
from tests.fakes.recording_port import RecordingPort


def command(text: str = "moi", event_id: str = "Ev1") -> SlashCommand:
    return SlashCommand(
        platform="test", workspace_id="T1", channel_id="C1", user_id="bea", text=text,
        event_id=event_id, user_name="bea",
    )  # fmt: skip


def test_recorded_once_handled_once(
    app: App, port: RecordingPort, sessions: sessionmaker[Session]
) -> None:
    row_id = app.runtime.accept(command())
    assert row_id is not None
    assert app.runtime.accept(command()) is None, "a platform retry is recorded once"
    assert app.runtime.process(row_id)
    assert app.runtime.process(row_id) == []
    assert len(port.sent) == 1
    with sessions() as session:
        row = session.get_one(InboxEvent, row_id)
        assert (row.status, row.event, row.user_external_id) == (INBOX_DONE, {}, None)


def test_a_failure_is_retried_after_its_backoff(
    app: App,
    port: RecordingPort,
    clock: FakeClock,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatch = app.runtime.router.dispatch
    calls: list[int] = []

    def down_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return dispatch(*args, **kwargs)

    monkeypatch.setattr(app.runtime.router, "dispatch", down_once)
    row_id = app.runtime.accept(command())
    assert row_id is not None
    assert app.runtime.process(row_id) == []
    with sessions() as session:
        row = session.get_one(InboxEvent, row_id)
        assert (row.status, row.attempts, row.last_error) == (INBOX_PENDING, 1, "OperationalError")
    assert app.runtime.retry_due() == 0, "not before its backoff"
    clock.advance(timedelta(seconds=2))
    assert app.runtime.retry_due() == 1
    assert app.runtime.retry_due() == 0
    assert len(port.sent) == 1 and len(calls) == 2


def test_a_failing_event_in_a_pass_leaves_the_others_handled(
    app: App,
    port: RecordingPort,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatch = app.runtime.router.dispatch

    def second_fails(event: Any, ctx: Any) -> Any:
        if event.event_id == "Ev2":
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return dispatch(event, ctx)

    monkeypatch.setattr(app.runtime.router, "dispatch", second_fails)
    rows = [app.runtime.accept(command(event_id=f"Ev{n}"), elsewhere=True) for n in (1, 2, 3)]
    assert app.runtime.retry_due() == 2
    assert len(port.sent) == 2
    with sessions() as session:
        found = [session.get_one(InboxEvent, row) for row in rows]
        assert [(row.status, row.attempts) for row in found] == [
            (INBOX_DONE, 0),
            (INBOX_PENDING, 1),
            (INBOX_DONE, 0),
        ]
        assert found[1].event["event_id"] == "Ev2", "what it needs is kept for the retry"
