"""Drop platform retries: a platform event id is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import ProcessedEvent


def first_time_seen(session: Session, *, key: str, now: datetime) -> bool:
    """Records `key`; False when it was already recorded (the event is a retry).

    Runs in the caller's transaction, so the key and the event's effects commit together; of
    two concurrent deliveries, the second waits for the first's commit and then finds the key
    (or records it, if the first rolled back). One statement: it runs for every event.
    """
    insert = dialect_insert(session)
    statement = (
        insert(ProcessedEvent)
        .values(key=key, seen_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ProcessedEvent.key)
    )
    return session.connection().execute(statement).first() is not None


def seen(session: Session, *, key: str) -> bool:
    return session.scalar(select(ProcessedEvent.key).where(ProcessedEvent.key == key)) is not None


RETENTION = timedelta(days=7)


def forget_older_than(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.seen_at < cutoff))
    return int(getattr(result, "rowcount", 0))
