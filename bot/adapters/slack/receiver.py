"""Bolt listeners that acknowledge at once and leave the work to a pool of workers.

Slack wants an answer within 3 seconds and retries otherwise. Each listener calls `ack()`,
translates the payload (pure and fast), queues the event and returns: Bolt answers Slack while
a worker looks the author and the members the text names up, and makes the one
`runtime.handle` call (dedupe, identity, dispatch, store, outbox) that delivers. The same
listeners serve HTTP (through `handle_http` on the shared server, where Bolt verifies
signatures and timestamps) and Socket Mode.

A modal's submission is the exception: it is handled before the acknowledgement, because only
the acknowledgement can keep the modal open with an error under a field
(`response_action: "errors"`); a message sent afterwards arrives once the modal has closed.
Delivery of what it produced still happens after the acknowledgement.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
from bot.ports import Runtime
from handlers.args import FieldErrors
from handlers.context import Capabilities
from handlers.types import ButtonPress, Event, SlashCommand

log = logging.getLogger(__name__)
Payload = dict[str, Any]
T = TypeVar("T")
ANY = re.compile(".*")
MODAL = Capabilities(forms=False, field_errors=True)


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
    ) -> None:
        self.bolt = bolt
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

    def handle_http(self, request: Request) -> Response:
        """The `/slack/events` route: events, slash commands and interactivity on one URL."""
        query: dict[str, Sequence[str]] = dict(request.query)
        answer = self.bolt.dispatch(
            BoltRequest(
                body=request.body.decode("utf-8", errors="replace"),
                query=query,
                headers=dict(request.headers),
            )
        )
        headers = {name: values[0] for name, values in answer.headers.items() if values}
        return Response(status=answer.status, body=(answer.body or "").encode(), headers=headers)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------ listeners

    def _on_command(self, ack: Ack, body: Payload) -> None:
        ack()
        event = _read(from_slash_command, body)
        if event is not None:
            self._urls.remember(
                channel_id=event.channel_id, user_id=event.user_id, url=body.get("response_url")
            )
            self._submit(event)

    def _on_message(self, ack: Ack, body: Payload, context: BoltContext) -> None:
        ack()
        bot = BotIdentity(user_id=context.bot_user_id, bot_id=context.bot_id)
        event = _read(from_event_callback, body, bot)
        if event is not None:
            self._submit(event)

    def _on_home_opened(self, ack: Ack, body: Payload) -> None:
        ack()
        event = body.get("event") or {}
        team, user = body.get("team_id"), event.get("user")
        if event.get("tab") == "home" and team and user:
            publish = self._home.publish
            self.pool.submit(lambda: publish(workspace_id=team, user_id=user), kind="app_home")

    def _on_other_event(self, ack: Ack) -> None:
        ack()

    def _on_action(self, ack: Ack, body: Payload) -> None:
        ack()
        event = _read(from_block_actions, body)
        if event is None:
            return
        container = body.get("container") or {}
        self._urls.remember(
            channel_id=event.channel_id,
            user_id=event.user_id,
            url=body.get("response_url"),
            message_ts=event.message_id if container.get("is_ephemeral") else None,
        )
        self._submit(event)

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
        except Exception:
            log.exception("slack view submission failed")
            keys = []
        ack()
        if keys:
            self.pool.submit(lambda: self._runtime.deliver(keys), kind=event.kind)

    # ------------------------------------------------------------ after the ack

    def _submit(self, event: Event) -> None:
        forms = isinstance(event, SlashCommand | ButtonPress) and bool(event.trigger_id)
        capabilities = Capabilities(forms=forms)
        self.pool.submit(lambda: self._handle(event, capabilities), kind=event.kind)

    def _handle(
        self, event: Event, capabilities: Capabilities, *, deliver: bool = True
    ) -> list[str]:
        people = people_named(self._users, event)
        event = self._privacy.complete(self._users.enrich(event))
        return self._runtime.handle(
            event, capabilities=capabilities, people=people, deliver=deliver
        )


def _read(translate: Callable[..., T], *args: Any) -> T | None:
    """A payload Relais cannot read is dropped with a note, never answered with an error:
    Slack would retry it."""
    try:
        return translate(*args)
    except (KeyError, TypeError, ValueError) as error:
        log.warning("unreadable slack payload", extra={"error": type(error).__name__})
        return None
