"""Bolt listeners that record the event, acknowledge, and leave the work to workers.

Slack wants an answer within 3 seconds and does not send an acknowledged event again. Each
listener translates the payload (pure and fast), records it in the inbox (`runtime.accept`,
one insert, with the response_url the reply may need) and only then calls `ack()`: while the
database is down the insert raises, Bolt answers 500 and Slack retries later. In `relais serve`
that is all (`handles=False`): the handling would hold the interpreter lock the next
acknowledgements wait for, so the `relais worker` processes' inbox loop takes the event, gets
the response_url back (`_restore`) and handles it. In `relais run` and Socket Mode a thread of
the pool here does it right after the ack. Handling is one `runtime.process` call (the author
and the members the text names looked up, dedupe, identity, dispatch, store, outbox, "done");
what fails there stays in the inbox for the retry loop. The same listeners serve HTTP (through
`handle_http` on the shared server, where Bolt verifies signatures and timestamps) and Socket
Mode.

A modal's submission is the exception: it is handled before the acknowledgement, because only
the acknowledgement can keep the modal open with an error under a field
(`response_action: "errors"`); a message sent afterwards arrives once the modal has closed.
Delivery of what it produced still happens after the acknowledgement. While the store is down
the handling raises, and the submission is not acknowledged (the modal stays open).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext, BoltRequest

from bot.adapters.slack.events import (
    BotIdentity,
    from_block_actions,
    from_event_callback,
    from_slash_command,
    from_view_submission,
)
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.mentions import people_named
from bot.adapters.slack.privacy import ConversationPrivacy
from bot.adapters.slack.response_urls import ResponseUrls
from bot.adapters.slack.users import UserDirectory
from bot.http import Request, Response
from bot.ports import Person, Runtime
from handlers.args import FieldErrors
from handlers.context import Capabilities
from handlers.types import ButtonPress, Event, SlashCommand

log = logging.getLogger(__name__)
Payload = dict[str, Any]
T = TypeVar("T")
ANY = re.compile(".*")
MODAL = Capabilities(forms=False, field_errors=True)
RESPONSE_URL = "response_url"
# The recordings to await before the answer leaves, in the Bolt context of an HTTP request.
HELD = "relais_held"
Hold = Callable[[], Awaitable[object]]
EPHEMERAL_TS = "ephemeral_ts"


class WorkerPool:
    """Runs work after the acknowledgement; `wait_idle` lets tests and shutdown wait for it."""

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="relais-slack")
        self._pending = 0
        self._changed = threading.Condition()

    def submit(self, work: Callable[[], object], *, kind: str) -> None:
        with self._changed:
            self._pending += 1
        self._executor.submit(self._run, work, kind)

    def _run(self, work: Callable[[], object], kind: str) -> None:
        try:
            work()
        except Exception:
            log.exception("slack work failed", extra={"event_kind": kind})
        finally:
            with self._changed:
                self._pending -= 1
                self._changed.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self._executor.shutdown(wait=True)


class SlackReceiver:
    def __init__(
        self,
        *,
        bolt: App,
        runtime: Runtime,
        users: UserDirectory,
        response_urls: ResponseUrls,
        home: HomePublisher,
        privacy: ConversationPrivacy,
        workers: int = 8,
        handles: bool = True,
    ) -> None:
        self.bolt = bolt
        self._handles = handles
        self._privacy = privacy
        self.pool = WorkerPool(workers)
        self._runtime = runtime
        self._users = users
        self._urls = response_urls
        self._home = home
        bolt.command(ANY)(self._on_command)
        bolt.event("app_mention")(self._on_message)
        bolt.event("message")(self._on_message)
        bolt.event("app_home_opened")(self._on_home_opened)
        bolt.event(ANY)(self._on_other_event)
        bolt.action(ANY)(self._on_action)
        bolt.view(ANY)(self._on_view)
        runtime.prepare_with("slack", self._prepare, restore=self._restore)

    def handle_http(self, request: Request) -> Response:
        """The `/slack/events` route: events, slash commands and interactivity on one URL."""
        query: dict[str, Sequence[str]] = dict(request.query)
        held: list[Hold] = []
        answer = self.bolt.dispatch(
            BoltRequest(
                body=request.body.decode("utf-8", errors="replace"),
                query=query,
                headers=dict(request.headers),
                context={HELD: held},
            )
        )
        headers = {name: values[0] for name, values in answer.headers.items() if values}
        body = (answer.body or "").encode()
        return Response(answer.status, body, headers, partial(_all, held) if held else None)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------ listeners

    def _on_command(self, ack: Ack, body: Payload, context: BoltContext) -> None:
        event = _read(from_slash_command, body)
        if event is not None:
            self._submit(event, context, _reply(body.get("response_url")))
        ack()

    def _on_message(self, ack: Ack, body: Payload, context: BoltContext) -> None:
        bot = BotIdentity(user_id=context.bot_user_id, bot_id=context.bot_id)
        event = _read(from_event_callback, body, bot)
        if event is not None:
            self._submit(event, context)
        ack()

    def _on_home_opened(self, ack: Ack, body: Payload) -> None:
        ack()
        event = body.get("event") or {}
        team, user = body.get("team_id"), event.get("user")
        if event.get("tab") == "home" and team and user:
            publish = self._home.publish
            self.pool.submit(lambda: publish(workspace_id=team, user_id=user), kind="app_home")

    def _on_other_event(self, ack: Ack) -> None:
        ack()

    def _on_action(self, ack: Ack, body: Payload, context: BoltContext) -> None:
        event = _read(from_block_actions, body)
        if event is None:
            ack()
            return
        container = body.get("container") or {}
        ephemeral = event.message_id if container.get("is_ephemeral") else None
        self._submit(event, context, _reply(body.get("response_url"), ephemeral))
        ack()

    def _on_view(self, ack: Ack, body: Payload) -> None:
        event = _read(from_view_submission, body)
        if event is None:
            ack()
            return
        try:
            keys = self._handle(event, MODAL, deliver=False)
        except FieldErrors as invalid:  # nothing was recorded: the corrected modal comes back
            ack(response_action="errors", errors=invalid.errors)
            return
        ack()
        if keys:
            self.pool.submit(lambda: self._runtime.deliver(keys), kind=event.kind)

    # ------------------------------------------------------------ after the ack

    def _submit(
        self, event: Event, context: BoltContext, reply: dict[str, str] | None = None
    ) -> None:
        """Records the event (raises while the store is down: no `ack()` then), and hands it
        to a thread here or to the workers; a retry of an event already recorded is
        acknowledged and dropped. Over HTTP, for the workers, the recording is held for the
        server's loop to await before the acknowledgement leaves (`Response.hold`), so that
        no thread sleeps while its row is written."""
        forms = isinstance(event, SlashCommand | ButtonPress) and bool(event.trigger_id)
        capabilities = Capabilities(forms=forms)
        held = context.get(HELD)
        if not self._handles and held is not None:
            accept = partial(self._runtime.accept_async, event, capabilities=capabilities)
            held.append(partial(accept, reply=reply, elsewhere=True))
            return
        if self._handles and reply:
            self._restore(event, reply)
        row_id = self._runtime.accept(
            event, capabilities=capabilities, reply=reply, elsewhere=not self._handles
        )
        if row_id is not None and self._handles:
            self.pool.submit(lambda: self._process(row_id, event, capabilities), kind=event.kind)

    def _restore(self, event: Event, reply: dict[str, str]) -> None:
        """Keeps the response_url of a recorded event where the port will look for it."""
        self._urls.remember(
            channel_id=event.channel_id,
            user_id=event.user_id,
            url=reply.get(RESPONSE_URL),
            message_ts=reply.get(EPHEMERAL_TS),
        )

    def _process(self, row_id: int, event: Event, capabilities: Capabilities) -> None:
        self._runtime.process(row_id, event=event, capabilities=capabilities)

    def _handle(
        self, event: Event, capabilities: Capabilities, *, deliver: bool = True
    ) -> list[str]:
        event, people = self._prepare(event)
        return self._runtime.handle(
            event, capabilities=capabilities, people=people, deliver=deliver
        )

    def _prepare(self, event: Event) -> tuple[Event, Sequence[Person]]:
        """What an event needs from Slack before it is handled: the members its text names,
        the author's profile and the channel's privacy."""
        people = people_named(self._users, event)
        return self._privacy.complete(self._users.enrich(event)), people


async def _all(held: Sequence[Hold]) -> None:
    for hold in held:
        await hold()


def _reply(url: object, ephemeral_ts: str | None = None) -> dict[str, str] | None:
    """What answering the event may need: its response_url (a slash command typed where the
    bot cannot post, an ephemeral message to replace), stored with it in the inbox."""
    if not isinstance(url, str) or not url:
        return None
    return {RESPONSE_URL: url} | ({EPHEMERAL_TS: ephemeral_ts} if ephemeral_ts else {})


def _read(translate: Callable[..., T], *args: Any) -> T | None:
    """A payload Relais cannot read is dropped with a note, never answered with an error:
    Slack would retry it."""
    try:
        return translate(*args)
    except (KeyError, TypeError, ValueError) as error:
        log.warning("unreadable slack payload", extra={"error": type(error).__name__})
        return None
