"""Mattermost payloads as Relais events: pure functions, tested against stored real payloads.

Which posts matter: direct messages to the bot, mentions of the bot, and replies in threads the
bot started; never the bot's own posts nor system messages (joins, header changes). A post's
thread is always named by its root (`root_id`), whatever reply it answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from handlers.types import (
    ButtonPress,
    DirectMessage,
    FormSubmission,
    Mention,
    SlashCommand,
    TextEvent,
    ThreadReply,
)

PLATFORM = "mattermost"
PostKind = Literal["direct", "mention", "thread"]
PRIVATE_CHANNEL_TYPES = frozenset({"P", "D", "G"})


@dataclass(frozen=True)
class Bot:
    id: str
    username: str


@dataclass(frozen=True)
class IncomingPost:
    """A post from the websocket (`posted`) or from the catch-up, with what we know of it."""

    post: Mapping[str, Any]
    channel_type: str

    @property
    def id(self) -> str:
        return str(self.post.get("id", ""))

    @property
    def create_at(self) -> int:
        return int(self.post.get("create_at") or 0)

    @property
    def root_id(self) -> str:
        return str(self.post.get("root_id") or "")


@dataclass(frozen=True)
class Author:
    """Facts about the person who wrote, from the directory."""

    username: str | None = None
    timezone: str | None = None
    locale: str | None = None


def parse_posted(envelope: Mapping[str, Any]) -> IncomingPost | None:
    """A websocket `posted` event (its `post` is JSON inside JSON); None for anything else."""
    if envelope.get("event") != "posted":
        return None
    data = envelope.get("data") or {}
    try:
        post = json.loads(data.get("post") or "null")
    except (TypeError, ValueError):
        return None
    if not isinstance(post, dict) or not post.get("id") or not post.get("channel_id"):
        return None
    return IncomingPost(post=post, channel_type=str(data.get("channel_type") or ""))


def mentions_name(message: str, username: str) -> bool:
    """Whether `@username` appears as a mention (not inside an e-mail address or a longer name)."""
    pattern = rf"(?<![\w@.])@{re.escape(username)}(?![\w-]|\.\w)"
    return re.search(pattern, message, re.IGNORECASE) is not None


def kind_of(
    incoming: IncomingPost, *, bot: Bot, root_author: Callable[[str], str | None]
) -> PostKind | None:
    """What the post is to the bot, or None when the bot should stay silent.

    `root_author` is only asked about replies, so callers may look the root up lazily. The
    event's `mentions` list is not trusted for this: `@channel` puts every member in it.
    """
    post = incoming.post
    if post.get("user_id") == bot.id or post.get("type") or post.get("delete_at"):
        return None
    if incoming.root_id and root_author(incoming.root_id) == bot.id:
        return "thread"
    if incoming.channel_type == "D":
        return "direct"
    if mentions_name(str(post.get("message", "")), bot.username):
        return "mention"
    return None


def post_event(
    incoming: IncomingPost, kind: PostKind, *, workspace_id: str, text: str, author: Author
) -> TextEvent:
    """The event for a post that matters; `text` has its @usernames already resolved."""
    post = incoming.post
    base: dict[str, Any] = {
        "platform": PLATFORM,
        "workspace_id": workspace_id,
        "channel_id": str(post["channel_id"]),
        "user_id": str(post.get("user_id", "")),
        "user_name": author.username,
        "timezone": author.timezone,
        "thread_id": incoming.root_id or None,
        "event_id": incoming.id,
        "channel_is_private": incoming.channel_type in PRIVATE_CHANNEL_TYPES,
        "text": text,
        "message_id": incoming.id,
    }
    if kind == "thread":
        return ThreadReply(**base)
    if kind == "direct":
        return DirectMessage(**base)
    return Mention(**base)


def slash_event(
    form: Mapping[str, str],
    *,
    workspace_id: str,
    text: str,
    author: Author,
    channel_type: str | None,
) -> SlashCommand:
    """A `/relais …` call (form-encoded); the command word itself is not in `text`."""
    return SlashCommand(
        platform=PLATFORM,
        workspace_id=workspace_id,
        channel_id=form.get("channel_id", ""),
        user_id=form.get("user_id", ""),
        user_name=form.get("user_name") or author.username,
        timezone=author.timezone,
        channel_is_private=None if channel_type is None else channel_type in PRIVATE_CHANNEL_TYPES,
        text=text,
        trigger_id=form.get("trigger_id") or None,
    )


def press_event(
    request: Mapping[str, Any],
    *,
    workspace_id: str,
    action_id: str,
    value: str,
    thread_id: str | None,
    event_id: str,
    author: Author,
) -> ButtonPress:
    """A verified button press or menu choice (`/mattermost/actions`)."""
    trigger = str(request.get("trigger_id") or "")
    return ButtonPress(
        platform=PLATFORM,
        workspace_id=workspace_id,
        channel_id=str(request.get("channel_id", "")),
        user_id=str(request.get("user_id", "")),
        user_name=str(request.get("user_name") or "") or author.username,
        timezone=author.timezone,
        thread_id=thread_id,
        action_id=action_id,
        value=value,
        message_id=str(request.get("post_id") or "") or None,
        trigger_id=trigger or None,
        event_id=event_id,
    )


def action_event_id(nonce: str, user_id: str) -> str:
    """One use of one signed context by one person (a double click acts once). The press's
    `trigger_id`, verified and spent apart (`triggers`), names the gesture, not the button."""
    return "action:" + hashlib.sha256(f"{nonce}:{user_id}".encode()).hexdigest()[:40]


def dialog_event_id(nonce: str) -> str:
    """A dialog is submitted once; its signed state's nonce names that submission."""
    return f"dialog:{nonce}"


def submission_event(
    request: Mapping[str, Any],
    *,
    workspace_id: str,
    form_id: str,
    private_metadata: str,
    nonce: str,
    channel_id: str,
    author: Author,
) -> FormSubmission:
    """A verified dialog submission (`/mattermost/dialogs`); every value becomes text."""
    submission = request.get("submission") or {}
    values = {
        str(name): "" if value is None else _as_text(value) for name, value in submission.items()
    }
    return FormSubmission(
        platform=PLATFORM,
        workspace_id=workspace_id,
        channel_id=channel_id,
        user_id=str(request.get("user_id", "")),
        user_name=author.username,
        timezone=author.timezone,
        form_id=form_id,
        values=values,
        private_metadata=private_metadata,
        event_id=dialog_event_id(nonce),
    )


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
