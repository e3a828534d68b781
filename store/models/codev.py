"""Peer co-development groups (Payette–Champagne method): members, sessions and what was said.

Everything a group produced hangs from `CodevGroup` with ON DELETE CASCADE, so deleting a group
deletes its content in one statement. A session's clock is stored, never slept on: the remaining
time of the current step is derived from `step_started_at`, `paused_at`, `paused_seconds` and
`extra_seconds` with the injectable clock, so a restart resumes where the session was.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base
from store.models.core import User

MEMBER = "member"
COFACILITATOR = "cofacilitator"
RUNNING = "running"
DONE = "done"


class CodevGroup(Base):
    """A group of 4 to 8 peers and its coach, tied to one (preferably private) channel."""

    __tablename__ = "codev_groups"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    channel_id: Mapped[str] = mapped_column(String(100), index=True)
    channel_private: Mapped[bool | None]
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    speaking_reminders: Mapped[bool] = mapped_column(default=True)
    durations: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    next_session_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    coach: Mapped[User] = relationship()
    members: Mapped[list[CodevMember]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CodevMember.id",
    )
    sessions: Mapped[list[CodevSession]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CodevSession.id",
    )

    def __repr__(self) -> str:
        return f"CodevGroup({self.id}, {self.name!r})"


class CodevMember(Base):
    """A participant (`member`) or a co-facilitator who may run sessions beside the coach."""

    __tablename__ = "codev_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("codev_groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    charter_accepted_at: Mapped[datetime | None]
    joined_at: Mapped[datetime]

    group: Mapped[CodevGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"CodevMember(group={self.group_id}, user={self.user_id}, {self.role})"


class CodevSession(Base):
    """One session; at most one runs per group (a partial unique index says so)."""

    __tablename__ = "codev_sessions"
    __table_args__ = (
        Index(
            "uq_codev_sessions_running",
            "group_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("codev_groups.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    format: Mapped[str] = mapped_column(String(10))
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str | None] = mapped_column(Text)
    request: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=RUNNING)
    minutes: Mapped[list[int]] = mapped_column(JSON)
    step: Mapped[int] = mapped_column(default=0)
    step_started_at: Mapped[datetime]
    paused_at: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    extra_seconds: Mapped[int] = mapped_column(default=0)
    timer_version: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    group: Mapped[CodevGroup] = relationship(back_populates="sessions")
    client: Mapped[User] = relationship(foreign_keys=[client_id])
    actions: Mapped[list[CodevAction]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CodevAction.id"
    )

    def __repr__(self) -> str:
        return f"CodevSession({self.id}, group={self.group_id}, step={self.step}, {self.status})"


class CodevContribution(Base):
    """A message written in the session thread, with its step and author (never logged)."""

    __tablename__ = "codev_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("codev_sessions.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(100))
    reminded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"CodevContribution({self.id}, session={self.session_id}, step={self.step})"


class CodevReady(Base):
    """A member's «ready» for one step of one session."""

    __tablename__ = "codev_ready"
    __table_args__ = (UniqueConstraint("session_id", "step", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("codev_sessions.id", ondelete="CASCADE"))
    step: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"CodevReady(session={self.session_id}, step={self.step}, user={self.user_id})"


class CodevAction(Base):
    """One line of the client's action plan, picked from a suggestion or written by them."""

    __tablename__ = "codev_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("codev_sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("codev_contributions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"CodevAction({self.id}, session={self.session_id}, due={self.due_on})"


class CodevRating(Base):
    """A member's 1–5 rating of a session; rating again replaces it."""

    __tablename__ = "codev_ratings"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("codev_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int]
    at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"CodevRating(session={self.session_id}, user={self.user_id}, {self.score})"
