"""Broadcasts by programme staff: a draft, confirmed for now or later, fanned out in batches
ahead of its moment, sent at that moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base
from store.models.core import User

BROADCAST_DRAFT = "draft"
# Confirmed, its moment not come yet; its messages may already be queued (`fanned_out_at`).
BROADCAST_SCHEDULED = "scheduled"
# Its moment came: its messages are (being) handed out; it can no longer be cancelled.
BROADCAST_SENT = "sent"
BROADCAST_CANCELLED = "cancelled"

TARGET_COHORT = "cohort"
TARGET_CHANNEL = "channel"
TARGET_ROLE = "role"


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_ref: Mapped[str] = mapped_column(String(100))
    target_label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    send_at: Mapped[datetime]
    acknowledge: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=BROADCAST_DRAFT)
    recipients_count: Mapped[int | None]
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    fanned_out_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"Broadcast({self.id}, {self.target_kind}:{self.target_ref}, {self.status})"


class BroadcastRecipient(Base):
    """Who a broadcast reached (or, for a channel, who acknowledged it), and when they read it."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (UniqueConstraint("broadcast_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    batch: Mapped[int | None]
    acked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"BroadcastRecipient(broadcast={self.broadcast_id}, user={self.user_id})"
