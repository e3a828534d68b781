"""Work due at a given time (timers, reminders, scheduled sends): rows, not sleeping threads.

A job is keyed: scheduling the same key twice keeps one row, so planners can run again safely.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base

JOB_PENDING = "pending"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"
JOB_CANCELLED = "cancelled"
# Jobs still to run, as SQL: written out (not bound) so both databases match it against the
# partial index below, whose predicate it is.
OPEN = f"status IN ('{JOB_PENDING}', '{JOB_RUNNING}')"


class DueJob(Base):
    __tablename__ = "due_jobs"
    # Claims read only open jobs, earliest due first: a partial index stays as small as the
    # queue however many finished jobs accumulate.
    __table_args__ = (
        Index(
            "ix_due_jobs_open",
            "due_at",
            "id",
            postgresql_where=text(OPEN),
            sqlite_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(100))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default=JOB_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"DueJob({self.key!r}, {self.kind}, {self.status}, due={self.due_at:%Y-%m-%d %H:%M})"
