"""A ChatPort that records what would have been sent, for dialog tests through the router."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from bot.ports import Delivered, PermanentError, TransientError
from handlers.types import (
    Action,
    Button,
    DirectMessageAction,
    Ephemeral,
    Message,
    OpenForm,
    Post,
    UpdatePost,
)


@dataclass
class Sent:
    """One delivered action, as a user would see it."""

    action: Action
    key: str
    message_id: str | None

    @property
    def message(self) -> Message | None:
        return None if isinstance(self.action, OpenForm) else self.action.message

    @property
    def text(self) -> str:
        """Everything readable in the message: text, section titles, bodies and fields."""
        if self.message is None:
            assert isinstance(self.action, OpenForm)
            return self.action.form.title
        parts = [self.message.text]
        for section in self.message.sections:
            parts.extend(filter(None, [section.title, section.body]))
            parts.extend(f"{name}: {value}" for name, value in section.fields)
        return "\n".join(parts)

    @property
    def buttons(self) -> list[Button]:
        if self.message is None:
            return []
        found = list(self.message.buttons)
        for section in self.message.sections:
            found.extend(section.buttons)
        return found

    def button(self, label_or_action: str) -> Button:
        for button in self.buttons:
            if label_or_action in (button.label, button.action_id):
                return button
        raise AssertionError(f"no button {label_or_action!r} in {self.buttons}")

    @property
    def to_user(self) -> str | None:
        if isinstance(self.action, DirectMessageAction | Ephemeral | OpenForm):
            return self.action.user_id
        return None

    @property
    def channel(self) -> str | None:
        return getattr(self.action, "channel_id", None)

    @property
    def thread(self) -> str | None:
        return getattr(self.action, "thread_id", None)


@dataclass
class RecordingPort:
    platform: str = "test"
    sent: list[Sent] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            if isinstance(action, UpdatePost):
                message_id = action.message_id
            else:
                message_id = f"m{next(self._ids)}"
            self.sent.append(Sent(action=action, key=key, message_id=message_id))
            channel = getattr(action, "channel_id", None)
            if isinstance(action, DirectMessageAction):
                channel = f"D-{action.user_id}"
            return Delivered(message_id=message_id, channel_id=channel)

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        for sent in self.sent:
            if sent.key == key:
                return Delivered(message_id=sent.message_id, channel_id=sent.channel)
        return None

    def fail_next(self, error: Exception) -> None:
        self.failures.append(error)

    def fail_transiently(self, times: int = 1, *, retry_after: float | None = 0.0) -> None:
        for _ in range(times):
            self.failures.append(TransientError("fake outage", retry_after=retry_after))

    def fail_permanently(self, reason: str = "channel_not_found") -> None:
        self.failures.append(PermanentError(reason))

    def posts(self) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.action, Post)]

    def to(self, user_id: str) -> list[Sent]:
        """Direct messages and ephemeral messages addressed to one user."""
        return [s for s in self.sent if s.to_user == user_id]

    def clear(self) -> None:
        self.sent.clear()
