"""A step's clock as stored state: remaining time is computed, notices are due jobs.

Every change of the clock (a new step, a pause, a resumption, an extension) bumps the session's
`timer_version`, cancels the pending notices and schedules new ones under the new version; a
notice that still fires with an old version is ignored. Nothing sleeps, nothing advances alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from handlers.codev.keys import timer_key, timer_prefix
from store import due
from store.models import CodevSession, Workspace
from store.models.codev import RUNNING

TIMER_JOB = "codev.timer"
WARN, END = "warn", "end"
WARN_BEFORE = timedelta(minutes=1)


def planned_seconds(row: CodevSession) -> int:
    return row.minutes[row.step] * 60 + row.extra_seconds


def elapsed_seconds(row: CodevSession, now: datetime) -> float:
    until = row.paused_at or now
    return (until - row.step_started_at).total_seconds() - row.paused_seconds


def remaining_seconds(row: CodevSession, now: datetime) -> int:
    """Negative once the step has run over its time."""
    return round(planned_seconds(row) - elapsed_seconds(row, now))


def ends_at(row: CodevSession, now: datetime) -> datetime:
    return now + timedelta(seconds=remaining_seconds(row, now))


def start_step(row: CodevSession, step: int, now: datetime) -> None:
    row.step = step
    row.step_started_at = now
    row.paused_at = None
    row.paused_seconds = 0
    row.extra_seconds = 0


def pause(row: CodevSession, now: datetime) -> None:
    row.paused_at = now


def resume(row: CodevSession, now: datetime) -> None:
    if row.paused_at is not None:
        row.paused_seconds += round((now - row.paused_at).total_seconds())
        row.paused_at = None


def extend(row: CodevSession, minutes: int, now: datetime) -> None:
    """Adds time; a step that had run over restarts from zero, so `+5` means five more minutes."""
    overrun = -remaining_seconds(row, now)
    if overrun > 0:
        row.extra_seconds += overrun
    row.extra_seconds += minutes * 60


def reschedule(session: Session, row: CodevSession, *, workspace: Workspace, now: datetime) -> None:
    """Cancels the step's pending notices and plans the ones the current clock calls for."""
    due.cancel_prefix(session, prefix=timer_prefix(row))
    row.timer_version += 1
    if row.status != RUNNING or row.paused_at is not None:
        return
    left = remaining_seconds(row, now)
    end = now + timedelta(seconds=left)
    notices = [(WARN, end - WARN_BEFORE)] if left > WARN_BEFORE.total_seconds() else []
    if left > 0:
        notices.append((END, end))
    for notice, at in notices:
        due.schedule(
            session,
            key=timer_key(row, notice),
            kind=TIMER_JOB,
            workspace=workspace,
            due_at=at,
            now=now,
            payload={"session": row.id, "version": row.timer_version, "notice": notice},
        )
