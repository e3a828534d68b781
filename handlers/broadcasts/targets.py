"""Who a broadcast goes to: a channel (`#name`), a cohort (by name), or everyone with a role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from handlers.args import UsageError
from handlers.roles import role_named
from handlers.text import quote_user
from store import broadcasts as store
from store import checkins, identity
from store.models import Broadcast, Cohort, User, Workspace
from store.models.broadcasts import TARGET_CHANNEL, TARGET_COHORT, TARGET_ROLE

_CHANNEL = re.compile(r"^<#([^>|]+)(?:\|([^>]*))?>$")
_EVERYONE = ("tous", "tout le monde", "everyone", "all")


@dataclass(frozen=True)
class Target:
    kind: str
    ref: str
    label: str


def resolve(session: Session, *, workspace: Workspace, text: str) -> Target:
    """`#canal` or `<#C123|canal>`, then a cohort name, then a role; UsageError otherwise."""
    raw = text.strip()
    channel = _CHANNEL.match(raw)
    if channel:
        return Target(TARGET_CHANNEL, channel.group(1), f"#{channel.group(2) or channel.group(1)}")
    if raw.startswith("#") and len(raw) > 1:
        return Target(TARGET_CHANNEL, raw[1:], raw)
    cohort = checkins.find_cohort(session, workspace=workspace, name=raw)
    if cohort is not None:
        return Target(TARGET_COHORT, str(cohort.id), cohort.name)
    role = "member" if raw.casefold() in _EVERYONE else role_named(raw)
    if role is not None:
        return Target(TARGET_ROLE, role, raw)
    raise UsageError("broadcasts.target.unknown", target=quote_user(raw, limit=60))


def recipients(
    session: Session, *, workspace: Workspace, target: Target | Broadcast, bot_user_id: str | None
) -> list[User]:
    """People a cohort or role broadcast reaches now (a channel broadcast has none)."""
    kind = target.kind if isinstance(target, Target) else target.target_kind
    ref = target.ref if isinstance(target, Target) else target.target_ref
    if kind == TARGET_COHORT:
        cohort = session.get(Cohort, int(ref))
        users = (
            checkins.members(session, cohort=cohort) if cohort and not cohort.archived_at else []
        )
    elif kind == TARGET_ROLE:
        if ref == "member":
            users = store.everyone(session, workspace=workspace)
        else:
            users = identity.users_with_role(session, workspace=workspace, role=ref)
    else:
        users = []
    return [u for u in users if u.external_id != bot_user_id]
