"""The console's side of the ChatPort: messages are rows in the store, then lines on a terminal.

Keeping them in the store lets a second process (`relais press b12`, `relais say --thread t7`)
find the buttons and threads the first one printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ports import Delivered, PermanentError
from handlers.clock import Clock
from handlers.types import (
    Action,
    DirectMessageAction,
    Ephemeral,
    Message,
    OpenForm,
    Post,
    UpdatePost,
)
from store.models import ConsoleButton, ConsoleMessage

BOT_NAME = "relais"


@dataclass(frozen=True)
class Shown:
    """What the console printer receives: the stored message and how to label it."""

    message: ConsoleMessage
    buttons: list[ConsoleButton]
    kind: str
    updated: bool = False


def dm_channel(user: str) -> str:
    return f"@{user}"


def is_private_channel(name: str) -> bool:
    return name.startswith("@") or name.startswith(("prive-", "private-"))


class ConsolePort:
    platform = "console"

    def __init__(
        self, *, sessions: sessionmaker[Session], clock: Clock, show: Callable[[Shown], None]
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.show = show

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        with self._sessions() as session, session.begin():
            if isinstance(action, UpdatePost):
                shown = self._update(session, action)
            else:
                shown = self._store(session, action, key)
            result = Delivered(message_id=str(shown.message.id), channel_id=shown.message.channel)
        self.show(shown)
        return result

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        with self._sessions() as session:
            found = session.scalar(select(ConsoleMessage).where(ConsoleMessage.delivery_key == key))
            if found is None:
                return None
            return Delivered(message_id=str(found.id), channel_id=found.channel)

    def record_user_message(
        self, *, author: str, channel: str, text: str, thread: int | None
    ) -> ConsoleMessage:
        """A human's line, stored so it has a `t` reference like the bot's."""
        with self._sessions() as session, session.begin():
            message = ConsoleMessage(
                channel=channel,
                thread_id=thread,
                author=author,
                audience=None,
                text=text,
                body={"kind": "user"},
                created_at=self._clock.now(),
            )
            session.add(message)
        return message

    def _store(self, session: Session, action: Action, key: str) -> Shown:
        thread: int | None = None
        audience: str | None = None
        if isinstance(action, Post):
            channel = action.channel_id
            thread = _thread_number(action.thread_id)
            kind = "reply" if thread else "post"
        elif isinstance(action, DirectMessageAction):
            channel, kind = dm_channel(action.user_id), "dm"
        elif isinstance(action, Ephemeral):
            channel, audience, kind = action.channel_id, action.user_id, "ephemeral"
            thread = _thread_number(action.thread_id)
        elif isinstance(action, OpenForm):
            channel, audience, kind = action.channel_id, action.user_id, "form"
        else:
            raise PermanentError(f"unsupported action {action.kind}")
        message_body = action.message if not isinstance(action, OpenForm) else None
        body: dict[str, Any] = {"kind": kind}
        if message_body is not None:
            body["message"] = message_body.model_dump(mode="json")
        if isinstance(action, OpenForm):
            body["form"] = action.form.model_dump(mode="json")
        message = ConsoleMessage(
            channel=channel,
            thread_id=thread,
            author=BOT_NAME,
            audience=audience,
            delivery_key=key,
            text=message_body.text if message_body else action.form.title,  # type: ignore[union-attr]
            body=body,
            created_at=self._now(),
        )
        session.add(message)
        session.flush()
        buttons = _store_buttons(session, message, message_body) if message_body else []
        return Shown(message=message, buttons=buttons, kind=kind)

    def _update(self, session: Session, action: UpdatePost) -> Shown:
        number = _thread_number(action.message_id)
        message = session.get(ConsoleMessage, number) if number else None
        if message is None:
            raise PermanentError(f"no console message {action.message_id}")
        message.text = action.message.text
        message.body = {**message.body, "message": action.message.model_dump(mode="json")}
        session.flush()
        buttons = _store_buttons(session, message, action.message)
        kind = str(message.body.get("kind", "post"))
        return Shown(message=message, buttons=buttons, kind=kind, updated=True)

    def _now(self) -> datetime:
        return self._clock.now()


def _store_buttons(session: Session, message: ConsoleMessage, body: Message) -> list[ConsoleButton]:
    """The message's buttons as numbered rows. On an edit, a button that does the same thing
    (same action and value) keeps its number, so `b12` typed from an earlier print still works."""
    found = [(b.action_id, b.value, b.label) for b in body.buttons]
    for section in body.sections:
        found.extend((b.action_id, b.value, b.label) for b in section.buttons)
    for choice in body.choices:
        found.extend((choice.action_id, option.value, option.label) for option in choice.options)
    earlier = {
        (row.action_id, row.value): row
        for row in session.scalars(
            select(ConsoleButton)
            .where(ConsoleButton.message_id == message.id)
            .order_by(ConsoleButton.id)
        )
    }
    buttons = []
    for action_id, value, label in found:
        row = earlier.pop((action_id, value), None)
        if row is None:
            row = ConsoleButton(
                message_id=message.id, action_id=action_id, value=value, label=label
            )
            session.add(row)
        row.label = label
        buttons.append(row)
    for gone in earlier.values():
        session.delete(gone)
    session.flush()
    return sorted(buttons, key=lambda row: row.id)


def _thread_number(value: str | None) -> int | None:
    if not value:
        return None
    digits = value.lstrip("t")
    return int(digits) if digits.isdigit() else None
