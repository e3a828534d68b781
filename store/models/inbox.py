"""The inbox: every incoming event is a row before it is acknowledged to the platform.

A platform that got its acknowledgement will not send the event again, so the event must be
durable first; a worker then handles it, retrying with backoff while the database or a
feature fails. Once handled, the payload (what the member wrote) and the way to answer it
(`reply`: Slack's response_url, a secret for 30 minutes) are dropped; the key stays a while so
that a platform retry is recognised.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base

INBOX_PENDING = "pending"
INBOX_DONE = "done"


class InboxEvent(Base):
    __tablename__ = "inbox_events"
    __table_args__ = (Index("ix_inbox_events_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    event: Mapped[dict[str, Any]] = mapped_column(JSON)
    forms: Mapped[bool] = mapped_column(default=True)
    reply: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=INBOX_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"InboxEvent({self.key!r}, {self.status}, attempts={self.attempts})"
