"""Handling one event end to end: identify the caller, dispatch, record actions, deliver.

The handler's writes and its outgoing actions commit in one transaction, so an accepted event
is never half-done; delivery happens after the commit, through the outbox.

Platforms that do not send an acknowledged event again (Slack) go through the inbox: `accept`
records the event before the adapter acknowledges it (and raises while the store is down, so
the adapter does not), then `process` handles it and marks it done in one transaction; the
`InboxWorker` retries what an outage left pending, with backoff.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import EVENTS, HANDLER_SECONDS
from bot.outbox import Outbox, enqueue
from bot.router import Router
from handlers.clock import Clock
from handlers.context import Capabilities, Context, FeatureSettings
from handlers.i18n import normalise_locale
from handlers.types import Event
from store import events, identity, inbox
from store.models import User, Workspace

log = logging.getLogger(__name__)
EVENT: TypeAdapter[Event] = TypeAdapter(Event)
Prepare = Callable[[Event], Event]
# Two events of a new member at once both create their account: the loser is run again.
COLLISION_ATTEMPTS = 3


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
        # Per platform, what an adapter adds to a recorded event before it is handled (the
        # author's name and time zone looked up on the platform, for instance).
        self.preparers: dict[str, Prepare] = {}

    def accept(self, event: Event, *, capabilities: Capabilities | None = None) -> int | None:
        """Records the event durably, before the platform is told it arrived. Returns the inbox
        row to `process`, or None for a retry of an event already recorded; raises when the
        store is down, and then the adapter must not acknowledge."""
        forms = (capabilities or Capabilities()).forms
        with self.sessions() as session, session.begin():
            return inbox.record(
                session,
                key=_origin(event),
                platform=event.platform,
                user_external_id=event.user_id,
                event=EVENT.dump_python(event, mode="json", exclude={"raw"}),
                forms=forms,
                now=self.clock.now(),
            )

    def process(self, row_id: int, *, deliver: bool = True) -> list[str]:
        """Handles a recorded event once: the handler's writes and "done" commit together. A
        failure (the store down) leaves it pending for the `InboxWorker`, with backoff."""
        with self.sessions() as session:
            row = inbox.peek(session, row_id)
            if row is None:
                return []
            event, forms = EVENT.validate_python(row.event), row.forms
        prepare = self.preparers.get(event.platform)
        if prepare is not None:
            try:
                event = prepare(event)
            except Exception:
                log.warning("event preparation failed", extra={"event_kind": event.kind})
        try:
            with self.sessions() as session, session.begin():
                claimed = inbox.claim(session, row_id)
                if claimed is None:
                    return []
                keys = self._handle_in(session, event, _origin(event), Capabilities(forms=forms))
                inbox.mark_done(claimed, now=self.clock.now())
        except IntegrityError as error:
            if self._seen(_origin(event)):  # handled already, through another path
                self._mark_done(row_id)
            else:  # two events created the same row at once (a new member): handle it again
                self._note_failure(row_id, error)
            return []
        except Exception as error:
            log.warning("event left for a retry", extra={"error": type(error).__name__})
            self._note_failure(row_id, error)
            return []
        if keys and deliver:
            self.outbox.deliver(keys=keys)
            self.outbox.wakeup.set()
        return keys

    def retry_due(self) -> int:
        """One pass of the retry loop: every recorded event due again; how many were done."""
        with self.sessions() as session:
            row_ids = inbox.due(session, now=self.clock.now())
        return sum(1 for row_id in row_ids if self._processed(row_id))

    def _processed(self, row_id: int) -> bool:
        self.process(row_id)
        with self.sessions() as session:
            return inbox.peek(session, row_id) is None

    def _seen(self, origin: str) -> bool:
        with self.sessions() as session:
            return events.seen(session, key=origin)

    def _mark_done(self, row_id: int) -> None:
        with self.sessions() as session, session.begin():
            row = inbox.claim(session, row_id)
            if row is not None:
                inbox.mark_done(row, now=self.clock.now())

    def _note_failure(self, row_id: int, error: Exception) -> None:
        try:
            with self.sessions() as session, session.begin():
                inbox.note_failure(
                    session, row_id=row_id, error=type(error).__name__, now=self.clock.now()
                )
        except Exception:
            log.warning("inbox unreachable; the retry loop will pick the event up")

    def handle(
        self, event: Event, *, capabilities: Capabilities | None = None, deliver: bool = True
    ) -> list[str]:
        """Runs the event once; returns the keys of the deliveries it queued."""
        origin = _origin(event)
        EVENTS.labels(event.platform, event.kind).inc()
        for attempt in range(1, COLLISION_ATTEMPTS + 1):
            try:
                with (
                    HANDLER_SECONDS.labels(event.kind).time(),
                    self.sessions() as session,
                    session.begin(),
                ):
                    keys = self._handle_in(session, event, origin, capabilities or Capabilities())
                break
            except IntegrityError:
                if event.event_id is not None and self._seen(origin):
                    log.info("duplicate event dropped", extra={"event_id": event.event_id})
                    return []
                if attempt == COLLISION_ATTEMPTS:
                    raise
                log.info("write collision, handled again", extra={"event_kind": event.kind})
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


def _origin(event: Event) -> str:
    """The event's key: the platform's own id where it gives one, so that retries match."""
    return f"{event.platform}:{event.workspace_id}:{event.event_id or uuid.uuid4().hex}"


class InboxWorker(threading.Thread):
    """Retries recorded events that are still pending (an outage, a crash) until handled."""

    def __init__(self, runtime: Runtime, *, interval: float = 1.0) -> None:
        super().__init__(name="relais-inbox", daemon=True)
        self._runtime = runtime
        self._interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._runtime.retry_due()
            except Exception:
                log.warning("inbox retry loop: store unreachable")
            self._stopping.wait(self._interval)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)
