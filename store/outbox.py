"""Outbox rows: record once by key, claim atomically, settle as sent, retried or failed.

Claims work across processes: on PostgreSQL rows are locked with `FOR UPDATE SKIP LOCKED`; on
SQLite every transaction is `BEGIN IMMEDIATE` (see `store.db`), so a claim is serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import Delivery
from store.models.delivery import DROPPED, FAILED, PENDING, SENDING, SENT, SUPERSEDED


def record(
    session: Session,
    *,
    key: str,
    platform: str,
    workspace_external_id: str,
    kind: str,
    channel_id: str | None,
    target_key: str | None = None,
    payload: dict[str, Any],
    origin: str | None,
    now: datetime,
    not_before: datetime | None = None,
    quotes_user_id: int | None = None,
) -> bool:
    """Inserts the row unless its key exists; True when this call created it."""
    values = {
        "key": key,
        "platform": platform,
        "workspace_external_id": workspace_external_id,
        "kind": kind,
        "channel_id": channel_id,
        "target_key": target_key,
        "payload": payload,
        "origin": origin,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
        "quotes_user_id": quotes_user_id,
    }
    insert = dialect_insert(session)
    statement = (
        insert(Delivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return session.execute(statement).scalar() is not None


def claim_due(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
    platforms: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
    up_to: int | None = None,
) -> list[tuple[Delivery, bool]]:
    """Claims due rows for sending; each comes with True when an earlier claim was abandoned
    mid-send (crash), so the caller must ask the platform whether it arrived."""
    query = (
        select(Delivery)
        .where(
            or_(
                (Delivery.status == PENDING) & (Delivery.next_attempt_at <= now),
                (Delivery.status == SENDING) & (Delivery.claimed_at < now - lease),
            )
        )
        .order_by(Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if platforms is not None:
        query = query.where(Delivery.platform.in_(platforms))
    if keys is not None:
        query = query.where(Delivery.key.in_(keys))
    if up_to is not None:
        query = query.where(Delivery.id <= up_to)
    claimed = []
    for row in session.scalars(query):
        claimed.append((row, row.status == SENDING))
        row.status = SENDING
        row.claimed_at = now
        row.attempts += 1
    session.flush()
    return claimed


def mark_sent(
    session: Session, *, row_id: int, message_id: str | None, channel_id: str | None, now: datetime
) -> None:
    row = session.get_one(Delivery, row_id)
    row.status = SENT
    row.payload = {"kind": row.kind}
    row.message_id = message_id
    row.message_channel_id = channel_id
    row.sent_at = now
    row.last_error = None


def mark_retry(session: Session, *, row_id: int, error: str, at: datetime) -> None:
    row = session.get_one(Delivery, row_id)
    row.status = PENDING
    row.next_attempt_at = at
    row.last_error = error[:2000]


def mark_superseded(session: Session, *, row_id: int) -> None:
    row = session.get_one(Delivery, row_id)
    row.status = SUPERSEDED
    row.payload = {"kind": row.kind}
    row.last_error = "superseded by a newer update of the same post"


def mark_dropped(row: Delivery, *, reason: str) -> None:
    """A pending row that must never leave: its text goes now, the row stays as a trace."""
    row.status = DROPPED
    row.payload = {"kind": row.kind}
    row.last_error = reason


def mark_failed(session: Session, *, row_id: int, error: str) -> None:
    row = session.get_one(Delivery, row_id)
    row.status = FAILED
    row.last_error = error[:2000]


def superseded(session: Session, row: Delivery, *, sent_only: bool = False) -> bool:
    """An update of a post that a newer update of the same post will overwrite (or did,
    with `sent_only`): sending it now could land after the newer one and show stale content."""
    if row.target_key is None:
        return False
    statuses = (SENT,) if sent_only else (PENDING, SENDING, SENT)
    newer = select(Delivery.id).where(
        Delivery.target_key == row.target_key,
        Delivery.id > row.id,
        Delivery.status.in_(statuses),
    )
    return session.scalar(newer.limit(1)) is not None


def by_key(session: Session, key: str) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.key == key))


def by_message(session: Session, *, platform: str, message_id: str) -> Delivery | None:
    """The delivery that produced a platform message: how a thread reply finds its feature."""
    return session.scalars(
        select(Delivery)
        .where(Delivery.platform == platform, Delivery.message_id == message_id)
        .order_by(Delivery.id)
    ).first()


def newest_id(session: Session) -> int:
    return int(session.scalar(select(func.max(Delivery.id))) or 0)


def next_due(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == PENDING)
    )


def queue_depth(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status.in_((PENDING, SENDING)))
        )
        or 0
    )
