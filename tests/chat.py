"""Driving Relais like a platform would, through the one runtime and router, for dialog tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.app import App
from handlers.context import Capabilities
from handlers.types import (
    Button,
    ButtonPress,
    DirectMessage,
    Event,
    FormSubmission,
    Mention,
    SlashCommand,
    ThreadReply,
)
from tests.fakes.recording_port import RecordingPort, Sent


@dataclass
class Chat:
    """A workspace on the recording platform; each call returns what the bot delivered."""

    app: App
    port: RecordingPort
    workspace: str = "T1"
    channel: str = "C-general"
    forms: bool = True
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _base(
        self, user: str, channel: str | None, thread: str | None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "platform": "test",
            "workspace_id": self.workspace,
            "channel_id": channel or self.channel,
            "user_id": user,
            "user_name": user,
            "thread_id": thread,
            "event_id": f"ev{next(self._ids)}",
            **extra,
        }

    def send(self, event: Event) -> list[Sent]:
        before = len(self.port.sent)
        self.app.runtime.handle(event, capabilities=Capabilities(forms=self.forms))
        return self.port.sent[before:]

    def command(
        self, user: str, text: str, *, channel: str | None = None, thread: str | None = None
    ) -> list[Sent]:
        return self.send(
            SlashCommand(**self._base(user, channel, thread), text=text, trigger_id="trig")
        )

    def queued(self, user: str, text: str) -> list[str]:
        """A command handled while the platform is out of reach: its replies wait in the
        outbox, undelivered. Returns their delivery keys."""
        event = SlashCommand(**self._base(user, None, None), text=text, trigger_id="trig")
        return self.app.runtime.handle(
            event, capabilities=Capabilities(forms=self.forms), deliver=False
        )

    def mention(self, user: str, text: str, *, channel: str | None = None) -> list[Sent]:
        base = self._base(user, channel, None)
        return self.send(Mention(**base, text=f"<@BOT> {text}", message_id=f"u{next(self._ids)}"))

    def dm(self, user: str, text: str) -> list[Sent]:
        base = self._base(user, f"D-{user}", None)
        return self.send(DirectMessage(**base, text=text, message_id=f"u{next(self._ids)}"))

    def reply(self, user: str, thread: str, text: str, *, channel: str | None = None) -> list[Sent]:
        base = self._base(user, channel, thread)
        return self.send(ThreadReply(**base, text=text, message_id=f"u{next(self._ids)}"))

    def press(self, user: str, button: Button, *, on: Sent | None = None) -> list[Sent]:
        channel = on.channel if on is not None else None
        base = self._base(user, channel, on.thread if on else None)
        return self.send(
            ButtonPress(
                **base,
                action_id=button.action_id,
                value=button.value,
                message_id=on.message_id if on else None,
                trigger_id="trig",
            )
        )

    def submit(
        self, user: str, form_id: str, values: dict[str, str], *, metadata: str = ""
    ) -> list[Sent]:
        base = self._base(user, None, None)
        return self.send(
            FormSubmission(**base, form_id=form_id, values=values, private_metadata=metadata)
        )


def texts(sent: list[Sent]) -> str:
    return "\n".join(s.text for s in sent)
