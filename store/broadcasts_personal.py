"""What broadcasts keep about one member, for export and erasure (RGPD): the broadcasts they
wrote as staff and the ones they received (with « Lu ✅ »)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.broadcasts import drop_pending
from store.models import Broadcast, BroadcastRecipient, User
from store.models.broadcasts import BROADCAST_SENT

ERASED = "never sent: the broadcast's author asked to be forgotten"


def export(session: Session, user: User) -> dict[str, Any]:
    written = session.scalars(
        select(Broadcast).where(Broadcast.author_id == user.id).order_by(Broadcast.id)
    )
    received = session.execute(
        select(Broadcast.id, BroadcastRecipient.acked_at)
        .join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
        .where(BroadcastRecipient.user_id == user.id)
        .order_by(Broadcast.id)
    )
    return {
        "written": [
            {"broadcast": b.id, "text": b.text, "status": b.status, "at": b.created_at.isoformat()}
            for b in written
        ],
        "received": [
            {"broadcast": broadcast_id, "acknowledged_at": acked and acked.isoformat()}
            for broadcast_id, acked in received
        ],
    }


def erase(session: Session, user: User) -> None:
    """Unsent broadcasts the member wrote are deleted; sent ones are messages the programme
    published and stay, without their author. Receipts stay on the anonymised account so
    that a broadcast's read count does not change. An unsent broadcast may already be staged
    in the outbox (fanned out ahead of its time): its queued messages are dropped with it."""
    unsent = list(
        session.scalars(
            select(Broadcast.id).where(
                Broadcast.author_id == user.id, Broadcast.status != BROADCAST_SENT
            )
        )
    )
    for broadcast_id in unsent:
        drop_pending(session, broadcast_id=broadcast_id, reason=ERASED)
    session.execute(delete(Broadcast).where(Broadcast.id.in_(unsent)))
    session.execute(update(Broadcast).where(Broadcast.author_id == user.id).values(author_id=None))
    session.flush()
