"""The local console's own chat history, so that several processes share threads and buttons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class ConsoleMessage(Base):
    """A message shown on the console; `t<id>` is the thread reference users type."""

    __tablename__ = "console_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(100), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("console_messages.id"))
    author: Mapped[str] = mapped_column(String(100))
    audience: Mapped[str | None] = mapped_column(String(100))
    delivery_key: Mapped[str | None] = mapped_column(String(255), index=True)
    text: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"ConsoleMessage(t{self.id}, #{self.channel})"


class ConsoleButton(Base):
    """A button printed on the console; `b<id>` is what `relais press` takes."""

    __tablename__ = "console_buttons"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("console_messages.id", ondelete="CASCADE"))
    action_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text, default="")
    label: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"ConsoleButton(b{self.id}, {self.action_id})"
