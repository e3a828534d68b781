"""Handling one event end to end: identify the caller, dispatch, record actions, deliver.

The handler's writes and its outgoing actions commit in one transaction, so an accepted event
is never half-done; delivery happens after the commit, through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import EVENTS, HANDLER_SECONDS
from bot.outbox import Outbox, enqueue
from bot.router import Router
from handlers.clock import Clock
from handlers.context import Capabilities, Context, FeatureSettings
from handlers.i18n import normalise_locale
from handlers.types import Event
from store import events, identity
from store.models import User, Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Settings that shape who a caller is: default language and first admins."""

    default_locale: str = "fr"
    admins: frozenset[str] = field(default_factory=frozenset)


class Runtime:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        router: Router,
        outbox: Outbox,
        clock: Clock,
        identity_settings: Identity,
        features: FeatureSettings,
    ) -> None:
        self.sessions = sessions
        self.router = router
        self.outbox = outbox
        self.clock = clock
        self.identity = identity_settings
        self.features = features

    def handle(
        self, event: Event, *, capabilities: Capabilities | None = None, deliver: bool = True
    ) -> list[str]:
        """Runs the event once; returns the keys of the deliveries it queued."""
        origin = f"{event.platform}:{event.workspace_id}:{event.event_id or uuid.uuid4().hex}"
        EVENTS.labels(event.platform, event.kind).inc()
        try:
            with (
                HANDLER_SECONDS.labels(event.kind).time(),
                self.sessions() as session,
                session.begin(),
            ):
                keys = self._handle_in(session, event, origin, capabilities or Capabilities())
        except IntegrityError:
            if event.event_id is None:
                raise
            log.info("duplicate event dropped", extra={"event_id": event.event_id})
            return []
        if keys and deliver:
            self.outbox.deliver(keys=keys)
            self.outbox.wakeup.set()
        return keys

    def _handle_in(
        self, session: Session, event: Event, origin: str, capabilities: Capabilities
    ) -> list[str]:
        now = self.clock.now()
        if event.event_id and not events.first_time_seen(
            session, key=f"{event.platform}:{event.workspace_id}:{event.event_id}", now=now
        ):
            log.info("retried event dropped", extra={"event_id": event.event_id})
            return []
        ctx = self.context(session, event, capabilities)
        actions = self.router.dispatch(event, ctx)
        return enqueue(
            session,
            actions,
            platform=event.platform,
            workspace_id=event.workspace_id,
            origin=origin,
            now=now,
            quotes_user_id=ctx.caller.id,
        )

    def context(self, session: Session, event: Event, capabilities: Capabilities) -> Context:
        now = self.clock.now()
        workspace = identity.ensure_workspace(
            session, platform=event.platform, external_id=event.workspace_id, now=now
        )
        caller = identity.ensure_user(
            session,
            workspace=workspace,
            external_id=event.user_id,
            now=now,
            username=event.user_name,
            timezone=event.timezone,
        )
        self._grant_configured_admin(session, workspace, caller)
        return Context(
            session=session,
            clock=self.clock,
            event=event,
            workspace=workspace,
            caller=caller,
            roles=frozenset(identity.roles_of(session, caller)),
            locale=self.locale_of(caller),
            commands=self.router.commands,
            settings=self.features,
            capabilities=capabilities,
        )

    def locale_of(self, user: User) -> str:
        return normalise_locale(user.locale) or self.identity.default_locale

    def _grant_configured_admin(self, session: Session, workspace: Workspace, user: User) -> None:
        if f"{workspace.platform}:{user.external_id}" in self.identity.admins:
            identity.grant_role(session, user=user, role="admin", now=self.clock.now())
