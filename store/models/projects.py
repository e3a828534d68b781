"""Past transformation projects: the community's memory, its alumni and what members thought.

A project's lists (themes, people, results, sources…) are JSON: they are read whole, shown whole
and searched through the shared full-text index. `facets` repeats the filterable values folded
(`|theme=sante|region=bretagne|kind=collectivite|org=…`) so filters need no JSON operators.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base
from store.models.core import User


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(80), index=True)
    region: Mapped[str | None] = mapped_column(String(80), index=True)
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    themes: Mapped[list[str]] = mapped_column(JSON)
    methods: Mapped[list[str]] = mapped_column(JSON)
    partners: Mapped[list[str]] = mapped_column(JSON)
    results: Mapped[list[str]] = mapped_column(JSON)
    award: Mapped[str | None] = mapped_column(String(300))
    lessons: Mapped[list[str]] = mapped_column(JSON)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    facets: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    alumni: Mapped[list[ProjectAlumnus]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectAlumnus.id"
    )

    def __repr__(self) -> str:
        return f"Project({self.slug!r})"


class ProjectAlumnus(Base):
    """A member who declared having worked on a project (or whom staff listed in the alumni
    registry), with the role and organisation they gave; shown as a contact for it."""

    __tablename__ = "project_alumni"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]

    project: Mapped[Project] = relationship(back_populates="alumni")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"ProjectAlumnus(project={self.project_id}, user={self.user_id})"


class ProjectFeedback(Base):
    """One member's latest 👍/👎 on a project shown as an answer, with the question (shortened)."""

    __tablename__ = "project_feedback"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    useful: Mapped[bool]
    question: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"ProjectFeedback(project={self.project_id}, useful={self.useful})"


class ProjectQuestion(Base):
    """A question the knowledge base could not answer well, kept so its asker can hand it to
    the community channel with one button."""

    __tablename__ = "project_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"ProjectQuestion({self.id}, posted={self.posted_at is not None})"
