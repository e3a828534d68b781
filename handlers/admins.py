"""First administrators: `relais admin add` and the console's own user in `relais run`, before
anyone can grant a role from the chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store import identity
from store.models import Workspace


def make_admin(
    session: Session,
    *,
    platform: str,
    workspace_id: str,
    user_id: str,
    username: str | None,
    now: datetime,
) -> Workspace:
    """The person (recorded if new) holds the admin role; returns their workspace."""
    workspace = identity.ensure_workspace(
        session, platform=platform, external_id=workspace_id, now=now
    )
    user = identity.ensure_user(
        session, workspace=workspace, external_id=user_id, now=now, username=username
    )
    identity.grant_role(session, user=user, role="admin", now=now)
    return workspace
