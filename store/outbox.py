"""Outbox rows: record once by key, claim atomically, settle as sent, retried or failed.

Claims work across processes: on PostgreSQL rows are locked with `FOR UPDATE SKIP LOCKED`; on
SQLite every transaction is `BEGIN IMMEDIATE` (see `store.db`), so a claim is serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, null, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import Delivery
from store.models.delivery import DROPPED, FAILED, OPEN, PENDING, SENDING, SENT, SUPERSEDED


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
    values = row_values(
        key=key,
        platform=platform,
        workspace_external_id=workspace_external_id,
        kind=kind,
        channel_id=channel_id,
        target_key=target_key,
        payload=payload,
        origin=origin,
        now=now,
        not_before=not_before,
        quotes_user_id=quotes_user_id,
    )
    insert = dialect_insert(session)
    statement = (
        insert(Delivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return session.execute(statement).scalar() is not None


def row_values(
    *,
    key: str,
    platform: str,
    workspace_external_id: str,
    kind: str,
    channel_id: str | None,
    target_key: str | None,
    payload: dict[str, Any],
    origin: str | None,
    now: datetime,
    not_before: datetime | None,
    quotes_user_id: int | None,
    hold: timedelta | None = None,
    turn: datetime | None = None,
) -> dict[str, Any]:
    """A new row's columns, for `record` and `record_many`. `hold`: only a claim by key (the
    process that queued it, about to send it) takes it before then. `turn`: when its channel's
    pace lets it go (`bot.pacing`); it is due then, for any claim, as if put back to it."""
    return {
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
        "next_attempt_at": turn or (not_before or now) + (hold or timedelta(0)),
        "created_at": now,
        "quotes_user_id": quotes_user_id,
        "last_error": None if turn is None else WAITING_TURN,
    }


# Why a row waits for its turn: not untried, so a claim by key does not take it before then.
WAITING_TURN = "paced"


RECORD_CHUNK = 500  # rows per INSERT: well under both databases' bound-parameter limits


def record_many(session: Session, values: Sequence[dict[str, Any]]) -> None:
    """Inserts rows (from `row_values`) whose key does not exist yet, a few hundred per
    round trip: a fan-out to thousands is a handful of round trips, not one per message. The
    statement is built once per database (every event's replies go through here)."""
    statement = _RECORD[session.get_bind().dialect.name]
    connection = session.connection()
    for start in range(0, len(values), RECORD_CHUNK):
        connection.execute(statement, list(values[start : start + RECORD_CHUNK]))


_RECORD = {
    name: insert(Delivery).on_conflict_do_nothing(index_elements=["key"])
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


@dataclass(frozen=True)
class Claimed:
    """A row claimed for sending, with what the sender needs (read by the claim itself)."""

    row_id: int
    key: str
    kind: str
    platform: str
    workspace: str
    payload: str  # the action as JSON text, for `validate_json` (json.loads cost more)
    attempts: int
    target_key: str | None
    stale: bool  # an earlier claim was abandoned mid-send: ask the platform first


def claim_due(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
    platforms: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
    up_to: int | None = None,
    held: timedelta | None = None,
) -> list[Claimed]:
    """Claims due rows for sending, in the order they were queued (a thread's root before its
    replies); `stale` ones were abandoned mid-send by an earlier claim (crash), so the caller
    must ask the platform whether they arrived.

    A row in flight was due when it was claimed (`next_attempt_at <= claimed_at`), so one range
    on the partial index of open rows finds both kinds; sent rows, however many, are not read.
    A claim by `keys` also takes rows `held` for it (`row_values(hold=…)`), on their first try.
    Columns, not ORM objects, in two statements: loading and flushing the objects cost as much
    as a Slack call for every handled event.
    """
    ready = Delivery.next_attempt_at <= now
    if keys is not None and held is not None:
        untried = (Delivery.attempts == 0) & Delivery.last_error.is_(None)
        ready = ready | (untried & (Delivery.next_attempt_at <= now + held))
    due = ready & or_(
        Delivery.status == PENDING,
        (Delivery.status == SENDING) & (Delivery.claimed_at < now - lease),
    )
    # What one event just queued is found by key (the unique index), whatever the backlog.
    rows = Delivery.key.in_(keys) if keys is not None else text(OPEN)
    query = (
        select(*_CLAIMED)
        .where(rows, due)
        .order_by(Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if platforms is not None:
        query = query.where(Delivery.platform.in_(platforms))
    if up_to is not None:
        query = query.where(Delivery.id <= up_to)
    connection = session.connection()
    found = connection.execute(query).all()
    if found:
        connection.execute(
            update(Delivery)
            .where(Delivery.id.in_([row.id for row in found]))
            .values(status=SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        )
    return [
        Claimed(*row[:6], row.attempts + 1, row.target_key, row.status == SENDING) for row in found
    ]


_CLAIMED = (
    Delivery.id,
    Delivery.key,
    Delivery.kind,
    Delivery.platform,
    Delivery.workspace_external_id,
    cast(Delivery.payload, Text),
    Delivery.attempts,
    Delivery.target_key,
    Delivery.status,
)


@dataclass(frozen=True)
class Sent:
    """What the platform answered for one row, to record with others in one statement."""

    row_id: int
    kind: str
    message_id: str | None
    channel_id: str | None
    at: datetime


def mark_sent_many(session: Session, sent: Sequence[Sent]) -> None:
    """Settles a batch as sent in one round trip (one commit for the batch, not one per row),
    through a statement built once."""
    if not sent:
        return
    session.connection().execute(
        _MARK_SENT,
        [
            {
                "row_id": item.row_id,
                "kind_only": {"kind": item.kind},
                "sent_id": item.message_id,
                "sent_channel": item.channel_id,
                "at": item.at,
            }
            for item in sent
        ],
    )


_MARK_SENT = (
    update(Delivery)
    .where(Delivery.id == bindparam("row_id"))
    .values(
        status=SENT,
        payload=bindparam("kind_only"),
        message_id=bindparam("sent_id"),
        message_channel_id=bindparam("sent_channel"),
        sent_at=bindparam("at"),
        last_error=null(),
    )
)


def mark_retry(
    session: Session, *, row_id: int, error: str, at: datetime, refund: bool = False
) -> None:
    """Back to pending until `at`; `refund`: this try does not count as an attempt (a wait
    for pacing or for another delivery). One statement: under load most sends of a busy
    channel are paced, so this runs about as often as a send."""
    session.connection().execute(
        update(Delivery)
        .where(Delivery.id == row_id)
        .values(
            status=PENDING,
            next_attempt_at=at,
            last_error=error[:2000],
            attempts=Delivery.attempts - (1 if refund else 0),
        )
    )


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


def superseded(
    session: Session, *, row_id: int, target_key: str | None, sent_only: bool = False
) -> bool:
    """An update of a post (`target_key`) that a newer update of the same post will overwrite
    (or did, with `sent_only`): sending it now could land after the newer one and show stale
    content."""
    if target_key is None:
        return False
    statuses = (SENT,) if sent_only else (PENDING, SENDING, SENT)
    newer = select(Delivery.id).where(
        Delivery.target_key == target_key,
        Delivery.id > row_id,
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
        select(Delivery.next_attempt_at)
        .where(text(OPEN), Delivery.status == PENDING)
        .order_by(Delivery.next_attempt_at)
        .limit(1)
    )


def queue_depth(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Delivery).where(text(OPEN))) or 0)
