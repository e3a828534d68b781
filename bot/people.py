"""The caller of an event, resolved once, and the members it names, recorded before its
feature runs (argument parsing only accepts people the store knows)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.ports import Person
from handlers.clock import Clock
from handlers.context import Context, FeatureSettings, MemberContext
from handlers.i18n import normalise_locale
from store import identity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Settings that shape who a caller is: default language and first admins."""

    default_locale: str = "fr"
    admins: frozenset[str] = field(default_factory=frozenset)


def introduce(session: Session, ctx: Context, people: Sequence[Person], *, now: datetime) -> None:
    """Records the `people` the store does not know yet, each in a savepoint: one recorded
    concurrently by another event is not this event's failure."""
    for person in people:
        if person.user_id == ctx.caller.external_id:
            continue
        try:
            with session.begin_nested():
                known = identity.find_user(
                    session, workspace=ctx.workspace, external_id=person.user_id
                )
                if known is None:
                    identity.ensure_user(
                        session,
                        workspace=ctx.workspace,
                        external_id=person.user_id,
                        now=now,
                        username=person.name,
                        display_name=person.display_name,
                        timezone=person.timezone,
                    )
        except IntegrityError:
            log.info("named member recorded concurrently", extra={"event_id": ctx.event.event_id})


def resolve(
    session: Session,
    who: Person,
    *,
    platform: str,
    workspace_id: str,
    clock: Clock,
    admins: frozenset[str],
    default_locale: str,
    features: FeatureSettings,
) -> MemberContext:
    """Workspace, user (platform facts refreshed), configured admin role, roles and language."""
    now = clock.now()
    known = identity.member(
        session, platform=platform, workspace_external_id=workspace_id, external_id=who.user_id
    )
    user, roles = known or (None, None)
    workspace = user.workspace if user else None
    if workspace is None:
        workspace = identity.ensure_workspace(
            session, platform=platform, external_id=workspace_id, now=now
        )
    caller = identity.ensure_user(
        session,
        workspace=workspace,
        external_id=who.user_id,
        now=now,
        username=who.name,
        timezone=who.timezone,
        known=user,
    )
    if roles is None:
        roles = identity.roles_of(session, caller)
    if f"{workspace.platform}:{caller.external_id}" in admins and "admin" not in roles:
        identity.grant_role(session, user=caller, role="admin", now=now)
        roles = roles | {"admin"}
    return MemberContext(
        session=session,
        clock=clock,
        workspace=workspace,
        caller=caller,
        roles=frozenset(roles),
        locale=normalise_locale(caller.locale) or default_locale,
        settings=features,
    )
