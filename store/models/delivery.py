"""The outbox: every outgoing action is a row before it is a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SUPERSEDED = "superseded"
# Never sent: the member it was for, or whose words it quoted, asked to be forgotten first.
DROPPED = "dropped"
# Rows still to send, as SQL: written out (not bound) so both databases match it against the
# partial index below, whose predicate it is.
OPEN = f"status IN ('{PENDING}', '{SENDING}')"


class Delivery(Base):
    """One action to deliver once. `key` is unique: recording the same key twice is a no-op.

    `status` moves pending → sending → sent, or → failed after a permanent error; a row left in
    `sending` by a crash is checked against the platform before it is sent again. Once sent, the
    payload is dropped: what members wrote does not linger in the outbox. A row still pending
    when the member it concerns is erased ends as `dropped`, its payload emptied, never sent.
    """

    __tablename__ = "deliveries"
    # Claims read only open rows, earliest due first: a partial index stays as small as the
    # queue however many sent rows accumulate (SQLite and PostgreSQL both have them).
    __table_args__ = (
        Index(
            "ix_deliveries_open",
            "next_attempt_at",
            "id",
            postgresql_where=text(OPEN),
            sqlite_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_external_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str | None] = mapped_column(String(100))
    target_key: Mapped[str | None] = mapped_column(String(255), index=True)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    origin: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(100), index=True)
    message_channel_id: Mapped[str | None] = mapped_column(String(100))
    # The member whose event produced this message (it may quote them): erasure redacts it.
    quotes_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"Delivery({self.key!r}, {self.kind}, {self.status})"
