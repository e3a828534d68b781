"""Incoming events recorded before they are acknowledged, then handled exactly once.

`record` runs in its own short transaction before the adapter acknowledges; `finish` runs at
the start of the transaction that handles the event and marks it done, so the handler's writes
and "done" commit together: a crash or an outage in between leaves the row pending, and the
retry handles it again from scratch.

An event recorded by a process that leaves it to the workers (`relais serve`) is due at once
(the caller then rings their doorbell, `store.doorbell`); one the recording process handles
itself is left to the retry loop only after a grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, null, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.models import InboxEvent
from store.models.inbox import INBOX_DONE, INBOX_PENDING

INBOX_FAILED = "failed"
MAX_ATTEMPTS = 30
RETENTION = timedelta(days=7)
# The adapter handles a new event at once; the retry loop waits this long before it may too.
GRACE = timedelta(seconds=10)
# A worker that took due rows has them to itself this long (it crashed if they are still due).
LEASE = timedelta(seconds=60)


def record(
    session: Session,
    *,
    key: str,
    platform: str,
    user_external_id: str | None,
    event: dict[str, Any],
    forms: bool,
    now: datetime,
    reply: dict[str, str] | None = None,
    elsewhere: bool = False,
) -> int | None:
    """The new row's id, or None when `key` was already recorded (a platform retry).
    `elsewhere`: the workers handle it, so it is due now. The statement is built once per
    database: this insert is on the path of every acknowledgement, and building it per call
    cost more CPU than running it."""
    values = {
        "key": key,
        "platform": platform,
        "user_external_id": user_external_id,
        "event": event,
        "forms": forms,
        "reply": reply,
        "status": INBOX_PENDING,
        "attempts": 0,
        "next_attempt_at": now if elsewhere else now + GRACE,
        "received_at": now,
    }
    dialect = session.get_bind().dialect.name
    found = session.connection().execute(_RECORD[dialect], values).scalar()
    return int(found) if found is not None else None


def _record(insert: Any) -> Any:
    table = InboxEvent.__table__
    return insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)


_RECORD = {"postgresql": _record(pg_insert), "sqlite": _record(sqlite_insert)}


def peek(session: Session, row_id: int) -> InboxEvent | None:
    return session.scalar(
        select(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == INBOX_PENDING)
    )


def finish(session: Session, row_id: int, *, now: datetime) -> bool:
    """Marks the row handled in the caller's transaction if it still waits and no other worker
    holds it (False then): the handling's writes and "done" commit together, and a rollback
    leaves it pending. What the member wrote is dropped, the key stays to recognise retries.
    One statement, claim and "done" at once: the row's lock lasts until the commit, so another
    worker skips it (PostgreSQL) or waits for it (SQLite's `BEGIN IMMEDIATE`)."""
    found = session.connection().execute(_FINISH, {"row_id": row_id, "now": now})
    return found.first() is not None


def _finish() -> Any:
    waiting = (
        select(InboxEvent.id)
        .where(InboxEvent.id == bindparam("row_id"), InboxEvent.status == INBOX_PENDING)
        .with_for_update(skip_locked=True)
    )
    return (
        update(InboxEvent)
        .where(InboxEvent.id.in_(waiting))
        .values(
            status=INBOX_DONE,
            handled_at=bindparam("now"),
            event={},
            reply=null(),
            user_external_id=null(),
        )
        .returning(InboxEvent.id)
    )


_FINISH = _finish()


def note_failure(session: Session, *, row_id: int, error: str, now: datetime) -> None:
    """One more attempt failed: next one after an exponential backoff (1 s … 5 min)."""
    row = session.get(InboxEvent, row_id)
    if row is None or row.status != INBOX_PENDING:
        return
    row.attempts += 1
    row.last_error = error[:500]
    row.next_attempt_at = now + timedelta(seconds=min(300, 2 ** min(row.attempts - 1, 9)))
    if row.attempts >= MAX_ATTEMPTS:
        row.status = INBOX_FAILED
        row.reply = None


@dataclass(frozen=True)
class Taken:
    """A due row as a worker's pass took it: what handling it needs."""

    id: int
    event: dict[str, Any]
    forms: bool
    reply: dict[str, str] | None


def take_due(session: Session, *, now: datetime, limit: int = 50) -> list[Taken]:
    """Rows due now, leased to the caller (pushed `LEASE` ahead) so that another worker's pass
    skips them; `finish` still decides who handles each. Rows another worker is leasing right
    now are skipped (PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises). They come with their
    content, so a pass reads each row once."""
    due = (
        select(InboxEvent.id)
        .where(InboxEvent.status == INBOX_PENDING, InboxEvent.next_attempt_at <= now)
        .order_by(InboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    taken = session.connection().execute(
        update(InboxEvent)
        .where(InboxEvent.id.in_(due))
        .values(next_attempt_at=now + LEASE)
        .returning(InboxEvent.id, InboxEvent.event, InboxEvent.forms, InboxEvent.reply)
    )
    return sorted((Taken(*row) for row in taken), key=lambda row: row.id)


def forget_handled_before(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(
        delete(InboxEvent).where(
            InboxEvent.status != INBOX_PENDING, InboxEvent.received_at < cutoff
        )
    )
    return int(getattr(result, "rowcount", 0))
