"""Drop platform retries: a platform event id is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import ProcessedEvent


def first_time_seen(session: Session, *, key: str, now: datetime) -> bool:
    """Records `key`; False when it was already recorded (the event is a retry).

    Runs in the caller's transaction, so the key and the event's effects commit together; two
    concurrent deliveries collide on the primary key and the loser's transaction fails.
    """
    if session.scalar(select(ProcessedEvent.key).where(ProcessedEvent.key == key)):
        return False
    session.add(ProcessedEvent(key=key, seen_at=now))
    session.flush()
    return True


def seen(session: Session, *, key: str) -> bool:
    return session.scalar(select(ProcessedEvent.key).where(ProcessedEvent.key == key)) is not None


RETENTION = timedelta(days=7)


def forget_older_than(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.seen_at < cutoff))
    return int(getattr(result, "rowcount", 0))
