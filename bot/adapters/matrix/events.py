"""Matrix timeline events as Relais events: who may speak to the bot and how they address it.

Element and Tchap send no slash commands to bots: in a room, a message starting with
`!relais ` is for the bot (a question or a command); in a 1:1 room every message is. A message
in a thread keeps the thread's root as `thread_id`, so answers stay in that thread. Users are
identified by their full Matrix id (`@bea:agent.tchap.gouv.fr`); mentions of users (pills or
typed ids) become the neutral `<@…>` form the features understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.types import DirectMessage, Event, Mention, ThreadReply

_USER_ID = re.compile(r"(?<![\w<@])@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(?::\d{1,5})?")
_PILL = re.compile(r'<a href="https://matrix\.to/#/(@[^"?]+)"[^>]*>([^<]*)</a>')


def server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def localpart(user_id: str) -> str:
    return user_id[1:].split(":", 1)[0]


@dataclass(frozen=True)
class Incoming:
    """A text message someone posted in a room the bot is in."""

    room_id: str
    event_id: str
    sender: str
    text: str
    thread_root: str | None


def parse_message(source: dict[str, Any], room_id: str) -> Incoming | None:
    """A text message (`m.text`), or None for notices, edits, reactions and everything else."""
    if source.get("type") != "m.room.message":
        return None
    body = source.get("content") or {}
    if body.get("msgtype") != "m.text" or not isinstance(body.get("body"), str):
        return None
    relation = body.get("m.relates_to") or {}
    if relation.get("rel_type") == "m.replace":
        return None
    text = _with_mentions(body["body"], body.get("formatted_body"))
    if "m.in_reply_to" in relation and not relation.get("is_falling_back"):
        text = _without_reply_fallback(text)
    thread = relation.get("event_id") if relation.get("rel_type") == "m.thread" else None
    return Incoming(
        room_id=room_id,
        event_id=str(source.get("event_id", "")),
        sender=str(source.get("sender", "")),
        text=text,
        thread_root=thread,
    )


def _with_mentions(body: str, formatted: Any) -> str:
    if isinstance(formatted, str):
        for user_id, label in _PILL.findall(formatted):
            if label and label in body:
                body = body.replace(label, f"<@{user_id}>", 1)
    return _USER_ID.sub(lambda match: f"<@{match.group(0)}>", body)


def _without_reply_fallback(text: str) -> str:
    lines = text.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def addressed(text: str, command: str) -> str | None:
    """The text after the `!relais` prefix, or None when the message is not for the bot."""
    match = re.match(rf"\s*!{re.escape(command)}(?:\s+|$)", text, re.IGNORECASE)
    return text[match.end() :].strip() if match else None


def to_event(
    incoming: Incoming,
    *,
    workspace_id: str,
    command: str,
    direct: bool,
    private: bool,
) -> Event | None:
    """The Relais event for a message, or None when it is not addressed to the bot."""
    base: dict[str, Any] = {
        "platform": "matrix",
        "workspace_id": workspace_id,
        "channel_id": incoming.room_id,
        "user_id": incoming.sender,
        "user_name": localpart(incoming.sender),
        "thread_id": incoming.thread_root,
        "event_id": incoming.event_id,
        "channel_is_private": direct or private,
        "message_id": incoming.event_id,
    }
    asked = addressed(incoming.text, command)
    if direct:
        return DirectMessage(**base, text=asked if asked is not None else incoming.text.strip())
    if asked is not None:
        return Mention(**base, text=asked)
    if incoming.thread_root:
        return ThreadReply(**base, text=incoming.text.strip())
    return None
