"""Cohorts, their check-in schedules, and each member's round of each occurrence.

An occurrence is one wall-clock slot of a schedule ("Monday 14 December, 9:00"); each member gets
a round for it, due at that wall-clock time in their own timezone. Rounds are the source of
truth for what was sent, answered, missed or skipped; due jobs only wake them up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base
from store.models.core import User

CALENDAR_FRANCE = "france"
CALENDAR_ALSACE_MOSELLE = "alsace-moselle"

ROUND_PLANNED = "planned"
ROUND_OPEN = "open"
ROUND_CLOSED = "closed"
ROUND_ABSENT = "absent"
ROUND_EXPIRED = "expired"
ROUND_CANCELLED = "cancelled"


class Cohort(Base):
    """A group of managers followed together by programme staff."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    nominative: Mapped[bool] = mapped_column(default=False)
    calendar: Mapped[str] = mapped_column(String(20), default=CALENDAR_FRANCE)
    missed_alert: Mapped[int | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]

    members: Mapped[list[CohortMember]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])

    def __repr__(self) -> str:
        return f"Cohort({self.id}, {self.name!r})"


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"CohortMember(cohort={self.cohort_id}, user={self.user_id})"


class Absence(Base):
    """Days a member declared away: no check-in reaches them then, and none counts as missed."""

    __tablename__ = "checkin_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Absence(user={self.user_id}, {self.starts_on}→{self.ends_on})"


class CheckinSchedule(Base):
    """When a cohort is asked, and what: the phrase staff typed and the rule it parsed into."""

    __tablename__ = "checkin_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    phrase: Mapped[str] = mapped_column(String(200))
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    template: Mapped[str] = mapped_column(String(20))
    custom_questions: Mapped[list[str]] = mapped_column(JSON)
    window_hours: Mapped[int]
    reminder_hours: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"CheckinSchedule({self.id}, {self.phrase!r})"


class CheckinOccurrence(Base):
    """One wall-clock slot of a schedule (`slot` is local time, e.g. `2026-12-14T09:00`)."""

    __tablename__ = "checkin_occurrences"
    __table_args__ = (UniqueConstraint("schedule_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("checkin_schedules.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    slot: Mapped[str] = mapped_column(String(16))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    schedule: Mapped[CheckinSchedule] = relationship()

    @property
    def local_start(self) -> datetime:
        return datetime.fromisoformat(self.slot)

    def __repr__(self) -> str:
        return f"CheckinOccurrence({self.id}, {self.slot})"


class CheckinRound(Base):
    """One member's check-in for one occurrence: due in their timezone, then answered or not."""

    __tablename__ = "checkin_rounds"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id"),
        Index("ix_checkin_rounds_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_occurrences.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=ROUND_PLANNED)
    opened_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    occurrence: Mapped[CheckinOccurrence] = relationship()
    user: Mapped[User] = relationship()
    answers: Mapped[list[CheckinAnswer]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return (
            f"CheckinRound({self.id}, occ={self.occurrence_id}, user={self.user_id}, {self.status})"
        )


class CheckinAnswer(Base):
    """One answer to one question; never logged, shown to staff only as allowed by the cohort."""

    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("round_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_rounds.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(40))
    score: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    round: Mapped[CheckinRound] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"CheckinAnswer(round={self.round_id}, {self.question})"
