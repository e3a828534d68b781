"""The local console: a chat in the terminal through the same router as Slack and Mattermost.

`ConsoleClient` turns what a person types into events (`relais say`, `relais press`,
`relais submit`, and the interactive `relais chat`); the `ConsolePort` prints what comes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.adapters.console_port import ConsolePort, Shown, dm_channel, is_private_channel
from bot.ports import Runtime
from handlers.context import Capabilities
from handlers.i18n import Translator
from handlers.types import (
    ButtonPress,
    ChannelMessage,
    DirectMessage,
    Event,
    Form,
    FormSubmission,
    Mention,
    SlashCommand,
    ThreadReply,
)

_REF = re.compile(r"^[btf]?(\d+)$", re.IGNORECASE)


class ConsoleInputError(Exception):
    """A reference or value the console cannot use; the message is already translated."""


@dataclass
class ConsoleClient:
    runtime: Runtime
    port: ConsolePort
    workspace: str
    command_name: str = "relais"
    forms: bool = False
    pending_forms: list[tuple[int, Form]] = field(default_factory=list)

    def say(self, user: str, text: str, *, channel: str, thread: str | None = None) -> list[str]:
        """One line typed by `user`; returns the keys of what the bot delivered."""
        user = normalise_name(user)
        dm = channel.startswith("@")
        channel = dm_channel(user) if dm else channel.lstrip("#") or "general"
        thread_number = self._thread(thread) if thread else None
        stored = self.port.record_user_message(
            author=user, channel=channel, text=text, thread=thread_number
        )
        base = {
            "platform": "console",
            "workspace_id": self.workspace,
            "channel_id": channel,
            "user_id": user,
            "user_name": user,
            "thread_id": str(thread_number) if thread_number else None,
            "event_id": f"msg-{stored.id}",
            "channel_is_private": is_private_channel(channel),
        }
        stripped = text.strip()
        event: Event
        if stripped.lower().startswith(f"/{self.command_name}"):
            event = SlashCommand(**base, text=stripped[len(self.command_name) + 1 :])
        elif thread_number:
            event = ThreadReply(**base, text=stripped, message_id=str(stored.id))
        elif dm:
            event = DirectMessage(**base, text=stripped, message_id=str(stored.id))
        elif re.search(rf"@{self.command_name}\b", stripped, re.IGNORECASE):
            event = Mention(**base, text=stripped, message_id=str(stored.id))
        else:
            event = ChannelMessage(**base, text=stripped, message_id=str(stored.id))
        return self._handle(event)

    def press(self, user: str, ref: str) -> list[str]:
        user = normalise_name(user)
        button = self.port.transcript.button(self._number(ref, "b"))
        message = self.port.transcript.line(button.message_id) if button is not None else None
        if button is None or message is None:
            raise ConsoleInputError(self._t("console.error.unknown_button", ref=ref))
        event = ButtonPress(
            platform="console",
            workspace_id=self.workspace,
            channel_id=message.channel,
            user_id=user,
            user_name=user,
            thread_id=str(message.thread_id) if message.thread_id else None,
            action_id=button.action_id,
            value=button.value,
            message_id=str(message.id),
            channel_is_private=is_private_channel(message.channel),
        )
        return self._handle(event)

    def submit(self, user: str, ref: str, values: dict[str, str]) -> list[str]:
        user = normalise_name(user)
        message = self.port.transcript.line(self._number(ref, "f"))
        if message is None or "form" not in message.body:
            raise ConsoleInputError(self._t("console.error.unknown_form", ref=ref))
        form = Form.model_validate(message.body["form"])
        channel = message.channel
        known = {f.name for f in form.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConsoleInputError(
                self._t(
                    "console.error.unknown_fields",
                    fields=", ".join(unknown),
                    known=", ".join(sorted(known)),
                )
            )
        event = FormSubmission(
            platform="console",
            workspace_id=self.workspace,
            channel_id=channel,
            user_id=user,
            user_name=user,
            form_id=form.form_id,
            values=values,
            private_metadata=form.private_metadata,
            channel_is_private=is_private_channel(channel),
        )
        return self._handle(event)

    def collect_form(self, shown: Shown, user: str) -> None:
        """Remembers forms opened for `user`, for the interactive chat to ask field by field."""
        form = shown.message.body.get("form")
        if form and shown.message.audience == user:
            self.pending_forms.append((shown.message.id, Form.model_validate(form)))

    def _handle(self, event: Event) -> list[str]:
        return self.runtime.handle(event, capabilities=Capabilities(forms=self.forms))

    def _thread(self, ref: str) -> int:
        number = self._number(ref, "t")
        if self.port.transcript.line(number) is None:
            raise ConsoleInputError(self._t("console.error.unknown_thread", ref=ref))
        return number

    def _number(self, ref: str, prefix: str) -> int:
        match = _REF.match(ref.strip())
        if not match or (ref[0].isalpha() and ref[0].lower() != prefix):
            raise ConsoleInputError(self._t("console.error.bad_reference", ref=ref, prefix=prefix))
        return int(match.group(1))

    def _t(self, key: str, **params: str) -> str:
        return Translator(self.runtime.default_locale)(key, **params)


def normalise_name(name: str) -> str:
    return name.strip().lstrip("@").lower()
