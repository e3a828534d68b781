"""Queries about workspaces, users and roles. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, contains_eager

from store.models import RoleGrant, User, Workspace

PLACEHOLDER = "@"


def ensure_workspace(
    session: Session, *, platform: str, external_id: str, now: datetime, name: str | None = None
) -> Workspace:
    workspace = session.scalar(
        select(Workspace).where(
            Workspace.platform == platform, Workspace.external_id == external_id
        )
    )
    if workspace is None:
        workspace = Workspace(platform=platform, external_id=external_id, name=name, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def ensure_user(
    session: Session,
    *,
    workspace: Workspace,
    external_id: str,
    now: datetime,
    username: str | None = None,
    display_name: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
    known: User | None = None,
) -> User:
    """Finds or creates a user; platform facts refresh unless the user chose otherwise. A
    placeholder made for their name (a role given before they ever wrote) becomes them.
    `known`: the user, already found (`member`)."""
    user = known or find_user(session, workspace=workspace, external_id=external_id)
    if user is None and username:
        user = find_user(session, workspace=workspace, external_id=PLACEHOLDER + username.lower())
        if user is not None:
            user.external_id = external_id
    if user is None:
        user = User(workspace_id=workspace.id, external_id=external_id, created_at=now)
        session.add(user)
    if username:
        user.username = username
    if display_name:
        user.display_name = display_name
    if locale and not user.locale_chosen:
        user.locale = locale
    if timezone and not user.timezone_chosen:
        user.timezone = timezone
    session.flush()
    return user


def placeholder_user(session: Session, *, workspace: Workspace, name: str, now: datetime) -> User:
    """Someone known only by `@name` so far; `ensure_user` gives them their platform id."""
    external_id = PLACEHOLDER + name.lower()
    user = find_user(session, workspace=workspace, external_id=external_id)
    if user is None:
        user = User(
            workspace_id=workspace.id, external_id=external_id, username=name, created_at=now
        )
        session.add(user)
        session.flush()
    return user


def is_placeholder(user: User) -> bool:
    return user.external_id.startswith(PLACEHOLDER)


def member(
    session: Session, *, platform: str, workspace_external_id: str, external_id: str
) -> tuple[User, set[str]] | None:
    """A known user with their workspace and roles in one round trip (every event's caller
    is looked up so; three queries were a fifth of a worker's time on a short command)."""
    rows = session.execute(
        select(User, RoleGrant.role)
        .join(User.workspace)
        .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            Workspace.platform == platform,
            Workspace.external_id == workspace_external_id,
            User.external_id == external_id,
        )
        .options(contains_eager(User.workspace))
    ).all()
    if not rows:
        return None
    return rows[0][0], {role for _user, role in rows if role is not None}


def find_user(session: Session, *, workspace: Workspace, external_id: str) -> User | None:
    return session.scalar(
        select(User).where(User.workspace_id == workspace.id, User.external_id == external_id)
    )


def find_user_by_name(session: Session, *, workspace: Workspace, name: str) -> User | None:
    """By username first, then by display name (case-insensitive)."""
    lowered = name.lower()
    for column in (User.username, User.display_name):
        user = session.scalars(
            select(User)
            .where(User.workspace_id == workspace.id, func.lower(column) == lowered)
            .order_by(User.id)
        ).first()
        if user is not None:
            return user
    return None


def roles_of(session: Session, user: User) -> set[str]:
    return set(session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == user.id)))


def grant_role(
    session: Session, *, user: User, role: str, now: datetime, by: User | None = None
) -> bool:
    """Returns False when the user already had the role."""
    if role in roles_of(session, user):
        return False
    session.add(
        RoleGrant(user_id=user.id, role=role, granted_by=by.id if by else None, created_at=now)
    )
    session.flush()
    return True


def revoke_role(session: Session, *, user: User, role: str) -> bool:
    result = session.execute(
        delete(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role == role)
    )
    return bool(getattr(result, "rowcount", 0))


def users_with_role(session: Session, *, workspace: Workspace, role: str) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.workspace_id == workspace.id, RoleGrant.role == role)
            .order_by(User.id)
        )
    )
