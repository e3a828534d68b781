"""Who is who: workspaces, users, roles, processed platform events and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base

ROLES: tuple[str, ...] = ("member", "coach", "staff", "committee", "admin")


class Workspace(Base):
    """A Slack team, a Mattermost team, or the local console's demo workspace."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    users: Mapped[list[User]] = relationship(back_populates="workspace")

    def __repr__(self) -> str:
        return f"Workspace({self.platform}:{self.external_id})"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(100), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(10))
    locale_chosen: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    timezone_chosen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    workspace: Mapped[Workspace] = relationship(back_populates="users")
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="RoleGrant.user_id"
    )

    @property
    def label(self) -> str:
        return self.display_name or self.username or self.external_id

    def __repr__(self) -> str:
        return f"User({self.external_id!r}, {self.label!r})"


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"RoleGrant(user={self.user_id}, {self.role})"


class ProcessedEvent(Base):
    """Platform event ids already handled: a retried delivery finds its key here and stops."""

    __tablename__ = "processed_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"ProcessedEvent({self.key!r})"


class AuditEntry(Base):
    """What admins, staff, committees and moderators did, for accountability."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"AuditEntry({self.action!r}, {self.target!r})"
