"""Handling one event end to end: identify the caller, dispatch, record actions, deliver.

One event is one call to `handle` and one transaction: the retry check, the caller and the
members the event names, the handler's writes and its outgoing actions commit together, so an
accepted event is never half-done; delivery happens after the commit, through the outbox.
Adapters see this class through the `bot.ports.Runtime` protocol.

Platforms that do not send an acknowledged event again (Slack) go through the inbox: `accept`
records the event before the adapter acknowledges it (and raises while the store is down, so
the adapter does not), then `process` handles it and marks it done in one transaction; the
`InboxWorker` retries what an outage left pending, with backoff. A web process records events
`elsewhere` for the workers' inbox loop, with what the reply needs (Slack's response_url),
which the platform's `restore` hook gets back in the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.loop_writes import held_commit
from bot.metrics import EVENTS, HANDLER_SECONDS
from bot.outbox import Outbox, enqueue
from bot.people import Identity, introduce, resolve
from bot.ports import Cursor, Home, Person, Prepare, Restore
from bot.recording import EVENT, GroupCommit, arrival_of, origin_of, write_with
from bot.router import Router
from handlers.clock import Clock
from handlers.context import Capabilities, Context, FeatureSettings, MemberContext
from handlers.types import Action, Event
from store import cursors, events, inbox
from store import outbox as deliveries
from store.models import Workspace

log = logging.getLogger(__name__)
Outgoing = tuple[Workspace, Sequence[Action]]
"""Actions to send in one workspace."""
# Two events of a new member at once both create their account: the loser is run again.
COLLISION_ATTEMPTS = 3
# A restored reply (Slack's response_url) is known in this process only: what the event
# queued is held this long for this process's delivery, away from other workers' senders.
REPLY_HOLD = timedelta(seconds=5)


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
        self._recording = GroupCommit(write_with(sessions))
        self._held = held_commit(sessions)
        self.router = router
        self.outbox = outbox
        self.clock = clock
        self.identity = identity_settings
        self.features = features
        self._preparers: dict[str, Prepare] = {}
        self._restorers: dict[str, Restore] = {}

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
        origin = origin_of(event)
        EVENTS.labels(event.platform, event.kind).inc()
        for attempt in range(1, COLLISION_ATTEMPTS + 1):
            try:
                with (
                    HANDLER_SECONDS.labels(event.kind).time(),
                    self.sessions() as session,
                    session.begin(),
                ):
                    self._advance(session, cursor)
                    keys = self._handle_in(
                        session, event, origin, capabilities or Capabilities(), people
                    )
                break
            except IntegrityError:
                if event.event_id is not None and self._seen(origin):
                    log.info("duplicate event dropped", extra={"event_id": event.event_id})
                    return []
                if attempt == COLLISION_ATTEMPTS:
                    raise
                log.info("write collision, handled again", extra={"event_kind": event.kind})
        if keys and deliver:
            self.deliver(keys)
        return keys

    def _advance(self, session: Session, cursor: Cursor | None) -> None:
        if cursor is not None:
            cursors.advance(session, name=cursor.name, to=cursor.position, now=self.clock.now())

    def close(self) -> None:
        self._held.close()

    def prepare_with(
        self, platform: str, prepare: Prepare, *, restore: Restore | None = None
    ) -> None:
        self._preparers[platform] = prepare
        if restore is not None:
            self._restorers[platform] = restore

    def accept(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        cursor: Cursor | None = None,
        reply: dict[str, str] | None = None,
        elsewhere: bool = False,
    ) -> int | None:
        """Records the event durably, before the platform is told it arrived (a stream's
        `cursor` moves in the same transaction), with what its `reply` needs. Returns the inbox
        row to `process`, or None for a platform's retry; raises when the store is down (then
        the adapter must not acknowledge). `elsewhere`: the workers handle it, at once. Events
        that arrive together share one transaction (`bot.recording`)."""
        arrival = arrival_of(event, capabilities, reply, elsewhere, self.clock.now())
        if cursor is None:
            return self._recording.record(arrival)
        with self.sessions() as session, session.begin():
            self._advance(session, cursor)
            [row_id] = inbox.record(session.connection(), [arrival])
        return row_id

    async def accept_async(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        reply: dict[str, str] | None = None,
        elsewhere: bool = False,
    ) -> int | None:
        """`accept`, awaited in the HTTP server's loop before its answer is sent."""
        arrival = arrival_of(event, capabilities, reply, elsewhere, self.clock.now())
        return await self._held.record(arrival)

    def process(
        self,
        row_id: int,
        *,
        event: Event | None = None,
        capabilities: Capabilities | None = None,
        deliver: bool = True,
    ) -> list[str]:
        """Handles a recorded event once: the handler's writes and "done" commit together. A
        failure (the store down) leaves it pending for the `InboxWorker`, with backoff. The
        adapter that just recorded it passes the event along; the inbox loop reads it back,
        with what the reply needs."""
        if event is not None:
            forms = (capabilities or Capabilities()).forms
            return self._process(row_id, event, forms, deliver=deliver)[1]
        with self.sessions() as session:
            taken = inbox.peek(session, row_id)
        return self._taken(taken, deliver=deliver)[1] if taken else []

    def retry_due(self, *, pool: Executor | None = None) -> int:
        """One pass of the inbox loop: the recorded events due now (new ones left to the
        workers, failed ones after their backoff), on `pool`'s threads; how many were done."""
        with self.sessions() as session, session.begin():
            rows = inbox.take_due(session, now=self.clock.now())
        return sum(done for done, _keys in (pool.map if pool else map)(self._taken, rows))

    def _taken(self, row: inbox.Taken, *, deliver: bool = True) -> tuple[bool, list[str]]:
        """A recorded event read back, its reply's needs restored (held for this process)."""
        event, held = EVENT.validate_python(row.event), None
        restore = self._restorers.get(event.platform)
        if row.reply and restore is not None:
            restore(event, row.reply)
            held = REPLY_HOLD if deliver else None
        return self._process(row.id, event, row.forms, deliver=deliver, held=held)

    def _process(
        self, row: int, event: Event, forms: bool, *, deliver: bool, held: timedelta | None = None
    ) -> tuple[bool, list[str]]:
        """Whether the row is settled (handled, here or elsewhere), and the keys queued."""
        people: Sequence[Person] = ()
        prepare = self._preparers.get(event.platform)
        if prepare is not None:
            try:
                event, people = prepare(event)
            except Exception:
                log.warning("event preparation failed", extra={"event_kind": event.kind})
        origin = origin_of(event)
        EVENTS.labels(event.platform, event.kind).inc()
        try:
            with (
                HANDLER_SECONDS.labels(event.kind).time(),
                self.sessions() as session,
                session.begin(),
            ):
                if not inbox.finish(session, row, now=self.clock.now()):
                    return True, []
                keys = self._handle_in(
                    session, event, origin, Capabilities(forms=forms), people, hold=held
                )
        except IntegrityError as error:
            if self._seen(origin):  # handled already, through another path
                with self.sessions() as session, session.begin():
                    inbox.finish(session, row, now=self.clock.now())
                return True, []
            self._note_failure(row, error)  # two events created one row at once: again
            return False, []
        except Exception as error:
            log.warning("event left for a retry", extra={"error": type(error).__name__})
            self._note_failure(row, error)
            return False, []
        if keys and deliver:
            self.deliver(keys, held=held)
        return True, keys

    def _seen(self, origin: str) -> bool:
        with self.sessions() as session:
            return events.seen(session, key=origin)

    def _note_failure(self, row_id: int, error: Exception) -> None:
        try:
            with self.sessions() as session, session.begin():
                inbox.note_failure(
                    session, row_id=row_id, error=type(error).__name__, now=self.clock.now()
                )
        except Exception:
            log.warning("inbox unreachable; the retry loop will pick the event up")

    def deliver(self, keys: Sequence[str], *, held: timedelta | None = None) -> None:
        if self.outbox.deliver(keys=keys, held=held) < len(keys):
            self.outbox.leave(keys)  # not due yet, paced, failed: the sender's

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
                pacer=self.outbox.pacer,
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
                    pacer=self.outbox.pacer,
                )
        if keys:
            self.outbox.deliver(keys=keys)
        return keys

    def check(self, event: Event, *, capabilities: Capabilities | None = None) -> None:
        """Runs the event's feature in a transaction that is rolled back: a form's field errors
        (`FieldErrors`) are known while the form is still open, before the submission is
        recorded. Two new members colliding are left to the real run."""
        with self.sessions() as session:
            transaction = session.begin()
            try:
                ctx = self.context(session, event, capabilities or Capabilities())
                self.router.dispatch(event, ctx)
            except IntegrityError:
                pass
            finally:
                transaction.rollback()

    def first_use(self, *, platform: str, workspace_id: str, token: str) -> bool:
        """Records a single-use token the platform signed (a Mattermost trigger id); False when
        it was used before, here or in another process."""
        key = f"{platform}:{workspace_id}:once:{token}"
        try:
            with self.sessions() as session, session.begin():
                return events.first_time_seen(session, key=key, now=self.clock.now())
        except IntegrityError:
            return False

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
        *,
        hold: timedelta | None = None,
    ) -> list[str]:
        now = self.clock.now()
        if event.event_id and not events.first_time_seen(
            session, key=f"{event.platform}:{event.workspace_id}:{event.event_id}", now=now
        ):
            log.info("retried event dropped", extra={"event_id": event.event_id})
            return []
        ctx = self.context(session, event, capabilities)
        introduce(session, ctx, people, now=self.clock.now())
        actions = self.router.dispatch(event, ctx)
        return enqueue(
            session,
            actions,
            platform=event.platform,
            workspace_id=event.workspace_id,
            origin=origin,
            now=now,
            quotes_user_id=ctx.caller.id,
            hold=hold,
            pacer=self.outbox.pacer,
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
        """The one place a caller is resolved (`bot.people.resolve`)."""
        return resolve(
            session,
            who,
            platform=platform,
            workspace_id=workspace_id,
            clock=self.clock,
            admins=self.identity.admins,
            default_locale=self.identity.default_locale,
            features=self.features,
        )
