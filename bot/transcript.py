"""The console's chat history, kept in the store so that a second process (`relais press b12`,
`relais say --thread t7`) finds the buttons and threads the first one printed.

The console adapter sees it through the `Transcript` protocol and plain `Line`s; the
wiring gives it a `StoreTranscript`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import Clock
from store import console
from store.models import ConsoleButton, ConsoleMessage

Spec = tuple[str, str, str]
"""A button to record: action id, value, label."""


@dataclass(frozen=True)
class LineButton:
    """A button printed on the console; `b<id>` is what `relais press` takes."""

    id: int
    message_id: int
    action_id: str
    value: str
    label: str


@dataclass(frozen=True)
class Line:
    """A message shown on the console; `t<id>` is the thread reference users type."""

    id: int
    channel: str
    thread_id: int | None
    author: str
    audience: str | None
    text: str
    body: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class NewLine:
    channel: str
    author: str
    text: str
    body: dict[str, object]
    thread_id: int | None = None
    audience: str | None = None
    delivery_key: str | None = None


class Transcript(Protocol):
    def add(self, line: NewLine, buttons: list[Spec]) -> tuple[Line, list[LineButton]]:
        """Records a line and its buttons (action id, value, label) in one transaction."""
        ...

    def replace(
        self,
        number: int,
        *,
        text: str,
        message: dict[str, object],
        buttons: list[Spec],
    ) -> tuple[Line, list[LineButton]] | None:
        """A line's new text, message and buttons; None when there is no such line."""
        ...

    def line(self, number: int) -> Line | None: ...

    def button(self, number: int) -> LineButton | None: ...

    def delivered(self, key: str) -> Line | None: ...


class StoreTranscript:
    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def add(self, line: NewLine, buttons: list[Spec]) -> tuple[Line, list[LineButton]]:
        with self._sessions() as session, session.begin():
            message = console.add_message(
                session,
                channel=line.channel,
                thread_id=line.thread_id,
                author=line.author,
                audience=line.audience,
                text=line.text,
                body=line.body,
                now=self._clock.now(),
                delivery_key=line.delivery_key,
            )
            stored = console.replace_buttons(session, message, buttons) if buttons else []
            return _line(message), [_button(b) for b in stored]

    def replace(
        self,
        number: int,
        *,
        text: str,
        message: dict[str, object],
        buttons: list[Spec],
    ) -> tuple[Line, list[LineButton]] | None:
        with self._sessions() as session, session.begin():
            found = console.message(session, number)
            if found is None:
                return None
            found.text = text
            found.body = {**found.body, "message": message}
            stored = console.replace_buttons(session, found, buttons)
            return _line(found), [_button(b) for b in stored]

    def line(self, number: int) -> Line | None:
        with self._sessions() as session:
            found = console.message(session, number)
            return _line(found) if found is not None else None

    def button(self, number: int) -> LineButton | None:
        with self._sessions() as session:
            found = console.button(session, number)
            return _button(found) if found is not None else None

    def delivered(self, key: str) -> Line | None:
        with self._sessions() as session:
            found = console.by_delivery_key(session, key)
            return _line(found) if found is not None else None


def _line(row: ConsoleMessage) -> Line:
    return Line(
        id=row.id,
        channel=row.channel,
        thread_id=row.thread_id,
        author=row.author,
        audience=row.audience,
        text=row.text,
        body=dict(row.body),
    )


def _button(row: ConsoleButton) -> LineButton:
    return LineButton(
        id=row.id,
        message_id=row.message_id,
        action_id=row.action_id,
        value=row.value,
        label=row.label,
    )
