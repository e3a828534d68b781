"""The contract the platforms and the features share: typed incoming events and outgoing actions.

Adapters turn platform payloads into these events and render these actions; features never see a
platform payload.

Text in a `Message` is *neutral markup*, rendered natively by each adapter:
`**bold**`, `_italic_`, `` `code` ``, `[label](https://url)`, `> quote`, `- item`, and user
mentions written `<@USER_ID>` (the platform's own user id). Text a user wrote must go through
`handlers.text.quote_user` before it is placed in a message.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Platform = Literal["console", "slack", "mattermost", "matrix", "test"]
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- interactive elements


class Button(_Frozen):
    """A neutral button; `action_id` routes the press, `value` is what the handler gets back."""

    action_id: str
    label: str
    value: str = ""
    style: Literal["default", "primary", "danger"] = "default"


class Option(_Frozen):
    value: str
    label: str


class Choice(_Frozen):
    """A choice list (select menu): picking an option is a press of `action_id` with its value."""

    action_id: str
    placeholder: str
    options: tuple[Option, ...]


class FormField(_Frozen):
    name: str
    label: str
    kind: Literal["text", "textarea", "select", "date", "number"] = "text"
    required: bool = True
    max_length: int | None = None
    options: tuple[Option, ...] = ()
    initial: str | None = None
    hint: str | None = None


class Form(_Frozen):
    """A form (Slack modal, Mattermost dialog, console questions); submitted to `form_id`."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    private_metadata: str = ""


class Section(_Frozen):
    """A card inside a message: a title, a body and labelled fields."""

    title: str | None = None
    body: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()


class FileAttachment(_Frozen):
    """A file uploaded with the message (charts, exports); bytes travel as base64 in JSON."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64"
    )

    filename: str
    title: str
    content: bytes
    mime_type: str = "application/octet-stream"


class Message(_Frozen):
    text: str
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    choices: tuple[Choice, ...] = ()
    files: tuple[FileAttachment, ...] = ()
    lang: str | None = None
    """The language the message is written in, for the words an adapter adds around it (a
    field's colon, how to answer a numbered choice); None: the adapter's default language."""


# ---------------------------------------------------------------- incoming events


class _EventBase(_Frozen):
    platform: Platform
    workspace_id: str
    channel_id: str
    user_id: str
    thread_id: str | None = None
    user_name: str | None = None
    locale: str | None = None
    timezone: str | None = None
    event_id: str | None = Field(default=None, description="Platform id used to drop retries.")
    channel_is_private: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _whole_characters(cls, value: Any) -> Any:
        """JSON may carry a lone UTF-16 surrogate (`"\\ud800"`) that no database or encoder
        accepts: it becomes U+FFFD here, once, instead of raising deep in a handler."""
        return _whole(value)


def _whole(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_whole(key): _whole(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


class SlashCommand(_EventBase):
    kind: Literal["slash_command"] = "slash_command"
    text: str
    trigger_id: str | None = None


class ChannelMessage(_EventBase):
    kind: Literal["channel_message"] = "channel_message"
    text: str
    message_id: str


class Mention(_EventBase):
    kind: Literal["mention"] = "mention"
    text: str
    message_id: str


class DirectMessage(_EventBase):
    kind: Literal["direct_message"] = "direct_message"
    text: str
    message_id: str


class ThreadReply(_EventBase):
    """A reply in a thread (`thread_id` is the root message id)."""

    kind: Literal["thread_reply"] = "thread_reply"
    text: str
    message_id: str


class ButtonPress(_EventBase):
    kind: Literal["button_press"] = "button_press"
    action_id: str
    value: str = ""
    message_id: str | None = None
    trigger_id: str | None = None


class FormSubmission(_EventBase):
    kind: Literal["form_submission"] = "form_submission"
    form_id: str
    values: dict[str, str]
    private_metadata: str = ""


Event = Annotated[
    SlashCommand
    | ChannelMessage
    | Mention
    | DirectMessage
    | ThreadReply
    | ButtonPress
    | FormSubmission,
    Field(discriminator="kind"),
]
TextEvent = SlashCommand | ChannelMessage | Mention | DirectMessage | ThreadReply


# ---------------------------------------------------------------- outgoing actions


class _ActionBase(_Frozen):
    key: str | None = Field(
        default=None,
        description="Idempotency key; the outbox derives one from the event when it is None.",
    )
    not_before: datetime | None = Field(
        default=None,
        description="Delivered no earlier than this instant (a check-in at the member's time).",
    )


class Post(_ActionBase):
    """A message in a channel, or in a thread when `thread_id` or `thread_key` is set.

    `thread_key` names an earlier delivery by its key (e.g. the root post of an idea) so that
    features can reply under a post whose platform id is only known after delivery.
    """

    kind: Literal["post"] = "post"
    channel_id: str
    message: Message
    thread_id: str | None = None
    thread_key: str | None = None


class DirectMessageAction(_ActionBase):
    kind: Literal["direct_message"] = "direct_message"
    user_id: str
    message: Message


class Ephemeral(_ActionBase):
    """Visible to one user only, in a channel (and thread when given)."""

    kind: Literal["ephemeral"] = "ephemeral"
    channel_id: str
    user_id: str
    message: Message
    thread_id: str | None = None


class UpdatePost(_ActionBase):
    """Replaces an earlier post, named by its delivery key (`target_key`) or platform id."""

    kind: Literal["update_post"] = "update_post"
    channel_id: str
    message: Message
    target_key: str | None = None
    message_id: str | None = None
    erase: bool = Field(
        default=False,
        description="The earlier content must not survive, not even in an edit history "
        "(erasure): a platform that keeps edits (Matrix) redacts the post instead.",
    )


class OpenForm(_ActionBase):
    kind: Literal["open_form"] = "open_form"
    user_id: str
    channel_id: str
    form: Form
    trigger_id: str | None = None


Action = Annotated[
    Post | DirectMessageAction | Ephemeral | UpdatePost | OpenForm,
    Field(discriminator="kind"),
]
