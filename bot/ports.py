"""What the runtime and an adapter promise each other; adapters import this, never the runtime.

`ChatPort` is what every chat platform implements for delivering actions: the outbox resolves
keys into platform ids before calling a port, so ports only translate an action into API calls.
A port raises `TransientError` for what is worth retrying (network, 429, 5xx) and
`PermanentError` for what is not (channel not found, invalid arguments).

`Runtime` is what an adapter is given to hand an event over: one call per event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.config import Settings
from handlers.clock import Clock
from handlers.context import Capabilities
from handlers.types import Action, Event, Section


@dataclass(frozen=True)
class Person:
    """A member as their platform describes them: the event's author, or someone it names."""

    user_id: str
    name: str | None = None
    display_name: str | None = None
    timezone: str | None = None


Prepare = Callable[[Event], tuple[Event, Sequence[Person]]]
"""An adapter's last touch to a recorded event before it is handled: the event completed from
the platform (author's profile, channel privacy) and the people its text names."""


Restore = Callable[[Event, dict[str, str]], None]
"""An adapter's way back to what a recorded event's reply needs, stored with it by the process
that received it (Slack: the response_url), before another process handles it."""


@dataclass(frozen=True)
class Cursor:
    """Where a stream adapter is once this event is handled (Mattermost: the post's
    `create_at`); it only moves forward."""

    name: str
    position: int


@dataclass(frozen=True)
class Home:
    """A member's home page, ready to render, and the language to render its chrome in."""

    sections: list[Section] = field(default_factory=list)
    locale: str = "fr"


class Runtime(Protocol):
    """One entry point per event; each call is one transaction."""

    @property
    def clock(self) -> Clock: ...

    @property
    def default_locale(self) -> str: ...

    def handle(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        people: Sequence[Person] = (),
        cursor: Cursor | None = None,
        deliver: bool = True,
    ) -> list[str]:
        """Drops a retry, resolves the caller and the `people` the platform vouches for, runs
        the feature, queues its replies, moves the stream's `cursor`, all in one transaction;
        delivers after the commit. Returns the delivery keys."""
        ...

    def deliver(self, keys: Sequence[str]) -> None:
        """Delivers what `handle(…, deliver=False)` queued, once the adapter has answered."""
        ...

    def accept(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        cursor: Cursor | None = None,
        reply: dict[str, str] | None = None,
        elsewhere: bool = False,
    ) -> int | None:
        """Records the event in the inbox before the adapter acknowledges it (a stream's
        `cursor` moves in the same transaction), with what its `reply` needs (given back to
        the `restore` hook of the process that handles it); raises while the store is down
        (then the adapter must not acknowledge). None: already recorded. `elsewhere`: this
        process does not handle it; the workers' inbox loop takes it at once."""
        ...

    async def accept_async(
        self,
        event: Event,
        *,
        capabilities: Capabilities | None = None,
        reply: dict[str, str] | None = None,
        elsewhere: bool = False,
    ) -> int | None:
        """`accept` awaited in the HTTP server's event loop (`bot.http.Response.hold`): the
        answer waits for the row without holding a thread."""
        ...

    def process(
        self,
        row_id: int,
        *,
        event: Event | None = None,
        capabilities: Capabilities | None = None,
        deliver: bool = True,
    ) -> list[str]:
        """Handles the event recorded as `row_id` once (in one transaction); what fails stays
        for the retry loop."""
        ...

    def prepare_with(
        self, platform: str, prepare: Prepare, *, restore: Restore | None = None
    ) -> None:
        """What the runtime does to this platform's recorded events before handling them
        (look the author up, name the people the text mentions); `restore` gets back what the
        reply needs, recorded with an event that another process received."""
        ...

    def home(self, *, platform: str, workspace_id: str, person: Person) -> Home:
        """A member's home page, gathered by the features through the same identity path."""
        ...

    def check(self, event: Event, *, capabilities: Capabilities | None = None) -> None:
        """Runs the event's feature without keeping anything: raises `FieldErrors` for a form
        whose fields must be corrected, before the submission is recorded."""
        ...

    def first_use(self, *, platform: str, workspace_id: str, token: str) -> bool:
        """Records a single-use token the platform signed (a Mattermost trigger id); False
        when it was already used."""
        ...

    def already_handled(self, *, platform: str, workspace_id: str, event_id: str) -> bool:
        """Whether an event with this id was handled (`handle` drops it anyway; an adapter
        asks to answer a replay differently)."""
        ...

    def message_of(self, key: str, *, platform: str) -> str | None:
        """The platform's id of the message delivered under `key`, once it is sent."""
        ...

    def send(
        self, actions: Sequence[Action], *, platform: str, workspace_id: str, origin: str
    ) -> None:
        """Queues and delivers what the adapter must say on its own, answering no feature
        (Matrix: a form's next question, why an encrypted room gets no answer); `origin`
        keys it, so saying it twice sends it once."""
        ...


class Cursors(Protocol):
    """Where a stream adapter resumes after a restart (`Runtime.handle` moves it)."""

    def position(self, name: str) -> int | None: ...

    def token(self, name: str) -> str | None:
        """For streams whose server hands out opaque positions (Matrix's `next_batch`), saved
        after each batch rather than with each event."""
        ...

    def save_token(self, name: str, token: str) -> None: ...


@dataclass(frozen=True)
class Delivered:
    """Where the platform put the message, so that later updates and thread replies find it."""

    message_id: str | None = None
    channel_id: str | None = None


class TransientError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentError(Exception):
    pass


class ChatPort(Protocol):
    platform: str

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        """Sends one action; `key` travels with the message (metadata) where the platform
        allows, so `find_delivered` can recognise it after a crash."""
        ...

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        """After a crash mid-send: the message if it did arrive, None if it did not."""
        ...


class Assembly(Protocol):
    """What a platform's `connect` is handed by the wiring (`bot.app.App`): the settings, the
    runtime, where streams resume, and a way to plug the platform's port into the outbox."""

    @property
    def settings(self) -> Settings: ...

    @property
    def runtime(self) -> Runtime: ...

    @property
    def cursors(self) -> Cursors: ...

    def plug(self, port: ChatPort) -> None:
        """The outbox delivers this platform's actions through `port` from now on."""
        ...
