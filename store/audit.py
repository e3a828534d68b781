"""The audit log of admin, staff, committee and moderator actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEntry, User, Workspace


def record(
    session: Session,
    *,
    workspace: Workspace | None,
    actor: User | None,
    action: str,
    now: datetime,
    target: str | None = None,
    detail: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        workspace_id=workspace.id if workspace else None,
        actor_id=actor.id if actor else None,
        action=action,
        target=target,
        detail=detail,
        at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def recent_with_actors(
    session: Session, *, limit: int = 50
) -> list[tuple[AuditEntry, User | None]]:
    query = (
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [(entry, actor) for entry, actor in session.execute(query).all()]
