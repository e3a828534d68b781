"""The console's side of the ChatPort: messages are lines of a transcript, then text on a
terminal. The transcript (given by the wiring) outlives the process, so that a second process
(`relais press b12`, `relais say --thread t7`) finds the buttons and threads the first one
printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.adapters.dialogue import picks
from bot.ports import Delivered, PermanentError
from bot.transcript import Line, LineButton, NewLine, Transcript
from handlers.types import (
    Action,
    DirectMessageAction,
    Ephemeral,
    Message,
    OpenForm,
    Post,
    UpdatePost,
)

BOT_NAME = "relais"


@dataclass(frozen=True)
class Shown:
    """What the console printer receives: the recorded line and how to label it."""

    message: Line
    buttons: list[LineButton]
    kind: str
    updated: bool = False


def dm_channel(user: str) -> str:
    return f"@{user}"


def is_private_channel(name: str) -> bool:
    return name.startswith("@") or name.startswith(("prive-", "private-"))


class ConsolePort:
    platform = "console"

    def __init__(self, *, transcript: Transcript, show: Callable[[Shown], None]) -> None:
        self.transcript = transcript
        self.show = show

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        shown = self._update(action) if isinstance(action, UpdatePost) else self._add(action, key)
        self.show(shown)
        return Delivered(message_id=str(shown.message.id), channel_id=shown.message.channel)

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        found = self.transcript.delivered(key)
        if found is None:
            return None
        return Delivered(message_id=str(found.id), channel_id=found.channel)

    def record_user_message(
        self, *, author: str, channel: str, text: str, thread: int | None
    ) -> Line:
        """A human's line, recorded so it has a `t` reference like the bot's."""
        line = NewLine(
            channel=channel, thread_id=thread, author=author, text=text, body={"kind": "user"}
        )
        return self.transcript.add(line, [])[0]

    def _add(self, action: Action, key: str) -> Shown:
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
        line = NewLine(
            channel=channel,
            thread_id=thread,
            author=BOT_NAME,
            audience=audience,
            delivery_key=key,
            text=message_body.text if message_body else action.form.title,  # type: ignore[union-attr]
            body=body,
        )
        added, buttons = self.transcript.add(line, _buttons(message_body) if message_body else [])
        return Shown(message=added, buttons=buttons, kind=kind)

    def _update(self, action: UpdatePost) -> Shown:
        number = _thread_number(action.message_id)
        replaced = (
            self.transcript.replace(
                number,
                text=action.message.text,
                message=action.message.model_dump(mode="json"),
                buttons=_buttons(action.message),
            )
            if number
            else None
        )
        if replaced is None:
            raise PermanentError(f"no console message {action.message_id}")
        line, buttons = replaced
        kind = str(line.body.get("kind", "post"))
        return Shown(message=line, buttons=buttons, kind=kind, updated=True)


def _buttons(body: Message) -> list[tuple[str, str, str]]:
    return [(pick.action_id, pick.value, pick.label) for pick in picks(body)]


def _thread_number(value: str | None) -> int | None:
    if not value:
        return None
    digits = value.lstrip("t")
    return int(digits) if digits.isdigit() else None
