"""Incoming events recorded before they are acknowledged, then handled exactly once.

`record` runs in its own short transaction before the adapter acknowledges; `claim` runs at
the start of the transaction that handles the event and marks it done, so the handler's writes
and "done" commit together: a crash or an outage in between leaves the row pending, and the
retry handles it again from scratch.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import InboxEvent
from store.models.inbox import INBOX_DONE, INBOX_PENDING

INBOX_FAILED = "failed"
MAX_ATTEMPTS = 30
RETENTION = timedelta(days=7)
# The adapter handles a new event at once; the retry loop waits this long before it may too.
GRACE = timedelta(seconds=10)


def record(
    session: Session,
    *,
    key: str,
    platform: str,
    user_external_id: str | None,
    event: dict[str, Any],
    forms: bool,
    now: datetime,
) -> int | None:
    """The new row's id, or None when `key` was already recorded (a platform retry)."""
    insert = dialect_insert(session)
    statement = (
        insert(InboxEvent)
        .values(
            key=key,
            platform=platform,
            user_external_id=user_external_id,
            event=event,
            forms=forms,
            status=INBOX_PENDING,
            attempts=0,
            next_attempt_at=now + GRACE,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(InboxEvent.id)
    )
    found = session.execute(statement).scalar()
    return int(found) if found is not None else None


def claim(session: Session, row_id: int) -> InboxEvent | None:
    """The row, locked for this transaction, if it still waits to be handled. On PostgreSQL a
    row another worker is handling is skipped; SQLite's `BEGIN IMMEDIATE` serialises."""
    return session.scalar(
        select(InboxEvent)
        .where(InboxEvent.id == row_id, InboxEvent.status == INBOX_PENDING)
        .with_for_update(skip_locked=True)
    )


def peek(session: Session, row_id: int) -> InboxEvent | None:
    return session.scalar(
        select(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == INBOX_PENDING)
    )


def mark_done(row: InboxEvent, *, now: datetime) -> None:
    """Handled: what the member wrote is dropped, the key stays to recognise retries."""
    row.status = INBOX_DONE
    row.handled_at = now
    row.event = {}
    row.user_external_id = None


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


def due(session: Session, *, now: datetime, limit: int = 50) -> list[int]:
    return list(
        session.scalars(
            select(InboxEvent.id)
            .where(InboxEvent.status == INBOX_PENDING, InboxEvent.next_attempt_at <= now)
            .order_by(InboxEvent.id)
            .limit(limit)
        )
    )


def forget_handled_before(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(
        delete(InboxEvent).where(
            InboxEvent.status != INBOX_PENDING, InboxEvent.received_at < cutoff
        )
    )
    return int(getattr(result, "rowcount", 0))
