"""Positions in platform streams, shared by replicas, so a new leader resumes where the last
one stopped (e.g. the `create_at` of the newest Mattermost post handled, or Matrix's opaque
`next_batch` sync token, kept in `token`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class StreamCursor(Base):
    __tablename__ = "stream_cursors"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]
    token: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"StreamCursor({self.name!r}, {self.position})"
