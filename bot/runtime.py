"""Handling one event end to end: identify the caller, dispatch, record actions, deliver.

One event is one call to `handle` and one transaction: the retry check, the caller and the
members the event names, the handler's writes and its outgoing actions commit together, so an
accepted event is never half-done; delivery happens after the commit, through the outbox.
Adapters see this class through the `bot.ports.Runtime` protocol.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import EVENTS, HANDLER_SECONDS
from bot.outbox import Outbox, enqueue
from bot.ports import Cursor, Home, Person
from bot.router import Router
from handlers.clock import Clock
from handlers.context import Capabilities, Context, FeatureSettings, MemberContext
from handlers.i18n import normalise_locale
from handlers.types import Action, Event
from store import cursors, events, identity
from store import outbox as deliveries
from store.models import User, Workspace

log = logging.getLogger(__name__)
Outgoing = tuple[Workspace, Sequence[Action]]
"""Actions to send in one workspace."""


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

    @property
    def default_locale(self) -> str:
        return self.identity.default_locale

    def handle(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        people: Sequence[Person] = (),
        cursor: Cursor | None = None,
        deliver: bool = True,
    ) -> list[str]:
        """Runs the event once; returns the keys of the deliveries it queued. `people` are the
        members the event names, as their platform describes them (recorded if new)."""
        origin = f"{event.platform}:{event.workspace_id}:{event.event_id or uuid.uuid4().hex}"
        EVENTS.labels(event.platform, event.kind).inc()
        try:
            with (
                HANDLER_SECONDS.labels(event.kind).time(),
                self.sessions() as session,
                session.begin(),
            ):
                if cursor is not None:
                    cursors.advance(
                        session, name=cursor.name, to=cursor.position, now=self.clock.now()
                    )
                keys = self._handle_in(
                    session, event, origin, capabilities or Capabilities(), people
                )
        except IntegrityError:
            if event.event_id is None:
                raise
            log.info("duplicate event dropped", extra={"event_id": event.event_id})
            return []
        if keys and deliver:
            self.deliver(keys)
        return keys

    def deliver(self, keys: Sequence[str]) -> None:
        self.outbox.deliver(keys=keys)
        self.outbox.wakeup.set()

    def send(
        self, actions: Sequence[Action], *, platform: str, workspace_id: str, origin: str
    ) -> None:
        with self.sessions() as session, session.begin():
            keys = enqueue(
                session,
                actions,
                platform=platform,
                workspace_id=workspace_id,
                origin=origin,
                now=self.clock.now(),
            )
        self.deliver(keys)

    def home(self, *, platform: str, workspace_id: str, person: Person) -> Home:
        """A member's home page, in one transaction of its own (nothing to deliver: the
        adapter shows it at once, and showing it twice is harmless)."""
        EVENTS.labels(platform, "home").inc()
        with (
            HANDLER_SECONDS.labels("home").time(),
            self.sessions() as session,
            session.begin(),
        ):
            ctx = self.member(session, platform=platform, workspace_id=workspace_id, who=person)
            return Home(sections=self.router.home(ctx), locale=ctx.locale)

    def script(
        self, work: Callable[[Session, datetime], Iterable[Outgoing]], *, origin: str
    ) -> list[str]:
        """A CLI path as one unit of work: `work` reads and writes through the session and
        returns what to send, per workspace; that is queued in the same transaction and
        delivered after the commit, like an event's replies. Returns the delivery keys."""
        now = self.clock.now()
        keys: list[str] = []
        with self.sessions() as session, session.begin():
            for workspace, actions in work(session, now):
                keys += enqueue(
                    session,
                    actions,
                    platform=workspace.platform,
                    workspace_id=workspace.external_id,
                    origin=f"{origin}:{workspace.id}",
                    now=now,
                )
        if keys:
            self.outbox.deliver(keys=keys)
        return keys

    def already_handled(self, *, platform: str, workspace_id: str, event_id: str) -> bool:
        with self.sessions() as session:
            return events.seen(session, key=f"{platform}:{workspace_id}:{event_id}")

    def message_of(self, key: str, *, platform: str) -> str | None:
        with self.sessions() as session:
            row = deliveries.by_key(session, key)
            return row.message_id if row is not None and row.platform == platform else None

    def _handle_in(
        self,
        session: Session,
        event: Event,
        origin: str,
        capabilities: Capabilities,
        people: Sequence[Person],
    ) -> list[str]:
        now = self.clock.now()
        if event.event_id and not events.first_time_seen(
            session, key=f"{event.platform}:{event.workspace_id}:{event.event_id}", now=now
        ):
            log.info("retried event dropped", extra={"event_id": event.event_id})
            return []
        ctx = self.context(session, event, capabilities)
        self._introduce(session, ctx, people)
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
        author = Person(user_id=event.user_id, name=event.user_name, timezone=event.timezone)
        member = self.member(
            session, platform=event.platform, workspace_id=event.workspace_id, who=author
        )
        return Context(
            session=session,
            clock=self.clock,
            event=event,
            workspace=member.workspace,
            caller=member.caller,
            roles=member.roles,
            locale=member.locale,
            commands=self.router.commands,
            settings=self.features,
            capabilities=capabilities,
        )

    def member(
        self, session: Session, *, platform: str, workspace_id: str, who: Person
    ) -> MemberContext:
        """The one place a caller is resolved: workspace, user (platform facts refreshed),
        configured admin role, roles and language."""
        now = self.clock.now()
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
        )
        self._grant_configured_admin(session, workspace, caller)
        return MemberContext(
            session=session,
            clock=self.clock,
            workspace=workspace,
            caller=caller,
            roles=frozenset(identity.roles_of(session, caller)),
            locale=self.locale_of(caller),
            settings=self.features,
        )

    def _introduce(self, session: Session, ctx: Context, people: Sequence[Person]) -> None:
        """Members named in the event whom the store does not know yet (argument parsing only
        accepts known people). Recorded in a savepoint: one recorded concurrently by another
        event is not this event's failure."""
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
                            now=self.clock.now(),
                            username=person.name,
                            display_name=person.display_name,
                            timezone=person.timezone,
                        )
            except IntegrityError:
                log.info(
                    "named member recorded concurrently", extra={"event_id": ctx.event.event_id}
                )

    def locale_of(self, user: User) -> str:
        return normalise_locale(user.locale) or self.identity.default_locale

    def _grant_configured_admin(self, session: Session, workspace: Workspace, user: User) -> None:
        if f"{workspace.platform}:{user.external_id}" in self.identity.admins:
            identity.grant_role(session, user=user, role="admin", now=self.clock.now())
