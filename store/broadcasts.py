"""Queries about broadcasts, their recipients and acknowledgements, and their delivery rows.

The delivery report reads the outbox itself (rows keyed `broadcast:{id}:…`): what was really
sent, what failed and why, what is still waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from store.models import Broadcast, BroadcastRecipient, Delivery, User, Workspace
from store.models.delivery import DROPPED, FAILED, PENDING
from store.outbox import mark_dropped


def get(session: Session, *, workspace: Workspace, broadcast_id: int) -> Broadcast | None:
    return session.scalar(
        select(Broadcast).where(
            Broadcast.id == broadcast_id, Broadcast.workspace_id == workspace.id
        )
    )


def recent(session: Session, *, workspace: Workspace, limit: int = 10) -> list[Broadcast]:
    return list(
        session.scalars(
            select(Broadcast)
            .where(Broadcast.workspace_id == workspace.id)
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
    )


def everyone(session: Session, *, workspace: Workspace) -> list[User]:
    return list(
        session.scalars(select(User).where(User.workspace_id == workspace.id).order_by(User.id))
    )


def add_recipients(
    session: Session, *, broadcast: Broadcast, user_ids: Sequence[int], batch_size: int
) -> int:
    """One row per recipient, numbered into batches; returns the number of batches."""
    if not user_ids:
        return 0
    session.execute(
        insert(BroadcastRecipient),
        [
            {"broadcast_id": broadcast.id, "user_id": user_id, "batch": index // batch_size}
            for index, user_id in enumerate(user_ids)
        ],
    )
    return (len(user_ids) - 1) // batch_size + 1


def batch_recipients(session: Session, *, broadcast_id: int, batch: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(BroadcastRecipient, BroadcastRecipient.user_id == User.id)
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.batch == batch
            )
            .order_by(BroadcastRecipient.id)
        )
    )


def delivery_prefix(broadcast_id: int) -> str:
    """What the keys of every outbox row of a broadcast (messages, reminders) start with."""
    return f"broadcast:{broadcast_id}:"


def drop_pending(session: Session, *, broadcast_id: int, reason: str) -> None:
    """Its queued rows end as dropped, never sent. The pending rows are locked first, so a row a
    sender is claiming at this very moment is waited for, then seen as no longer pending."""
    rows = session.scalars(
        select(Delivery)
        .where(
            Delivery.key.startswith(delivery_prefix(broadcast_id), autoescape=True),
            Delivery.status == PENDING,
        )
        .with_for_update()
    )
    for row in rows:
        mark_dropped(row, reason=reason)
    session.flush()


def withdraw(session: Session, *, broadcast: Broadcast, reason: str) -> bool:
    """Calls off a staged broadcast as if it had never been fanned out: its queued rows dropped,
    its recipient list forgotten. False when one of its rows already left (or is leaving):
    then the caller must roll back."""
    drop_pending(session, broadcast_id=broadcast.id, reason=reason)
    left = session.scalar(
        select(Delivery.id)
        .where(
            Delivery.key.startswith(delivery_prefix(broadcast.id), autoescape=True),
            Delivery.status.not_in((PENDING, DROPPED)),
        )
        .limit(1)
    )
    if left is not None:
        return False
    session.execute(
        delete(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast.id)
    )
    broadcast.recipients_count = None
    return True


def not_acknowledged(session: Session, *, broadcast_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(BroadcastRecipient, BroadcastRecipient.user_id == User.id)
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.batch.is_not(None),
                BroadcastRecipient.acked_at.is_(None),
            )
            .order_by(BroadcastRecipient.id)
        )
    )


def acknowledge(session: Session, *, broadcast: Broadcast, user: User, now: datetime) -> bool:
    """Records that `user` read it; False when already recorded. Channel readers get a row here."""
    row = session.scalar(
        select(BroadcastRecipient).where(
            BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.user_id == user.id
        )
    )
    if row is None:
        row = BroadcastRecipient(broadcast_id=broadcast.id, user_id=user.id, batch=None)
        session.add(row)
    if row.acked_at is not None:
        return False
    row.acked_at = now
    session.flush()
    return True


def acknowledged_count(session: Session, *, broadcast_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(BroadcastRecipient)
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.acked_at.is_not(None),
            )
        )
        or 0
    )


def delivery_counts(session: Session, *, key_prefix: str) -> dict[str, int]:
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.key.startswith(key_prefix, autoescape=True))
        .group_by(Delivery.status)
    )
    return {status: int(count) for status, count in rows}


def delivery_failures(session: Session, *, key_prefix: str, limit: int = 20) -> list[Delivery]:
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.key.startswith(key_prefix, autoescape=True), Delivery.status == FAILED)
            .order_by(Delivery.id)
            .limit(limit)
        )
    )
