"""Slack payloads as Relais events: pure functions, one per kind of payload, tested on fixtures.

Every event gets an `event_id` so the runtime drops Slack's retries: the Events API's own
`event_id`, and the `trigger_id` of slash commands and interactions (unique per user gesture).
Edits, joins and other message subtypes, and anything a bot wrote, are not events for Relais.
A message that mentions the bot is left to its `app_mention` twin, so it is handled once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.metadata import decode_form_origin
from bot.adapters.slack.render import original_action_id
from handlers.types import (
    ButtonPress,
    ChannelMessage,
    DirectMessage,
    Event,
    FormSubmission,
    Mention,
    SlashCommand,
    ThreadReply,
)

Payload = dict[str, Any]
USER_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
PRIVATE_CHANNEL_NAMES = frozenset({"directmessage", "privategroup"})


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in this workspace, to recognise its own messages and mentions."""

    user_id: str | None
    bot_id: str | None = None


def from_slash_command(body: Payload) -> SlashCommand:
    channel = body["channel_id"]
    name = body.get("channel_name") or ""
    return SlashCommand(
        platform="slack",
        workspace_id=body["team_id"],
        channel_id=channel,
        user_id=body["user_id"],
        user_name=body.get("user_name") or None,
        event_id=f"command:{body['trigger_id']}",
        channel_is_private=_private_hint(name=name),
        text=body.get("text") or "",
        trigger_id=body["trigger_id"],
    )


def from_event_callback(body: Payload, bot: BotIdentity) -> Event | None:
    """`app_mention` and `message` events; None for what Relais does not listen to."""
    event = body.get("event") or {}
    if not _written_by_a_person(event, bot):
        return None
    if event.get("type") == "app_mention":
        return _text_event(body, event, mention=True)
    if event.get("type") != "message" or event.get("subtype") not in USER_SUBTYPES:
        return None
    mentioned = bool(bot.user_id) and f"<@{bot.user_id}>" in event.get("text", "")
    if mentioned and event.get("channel_type") != "im":
        return None
    return _text_event(body, event, mention=False)


def from_block_actions(body: Payload) -> ButtonPress | None:
    """The first action of a press (Relais shows one control per action)."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    user = body["user"]
    container = body.get("container") or {}
    message = body.get("message") or {}
    message_ts = container.get("message_ts") or message.get("ts")
    thread = container.get("thread_ts") or message.get("thread_ts")
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return ButtonPress(
        platform="slack",
        workspace_id=_team(body),
        channel_id=channel or user["id"],
        user_id=user["id"],
        user_name=user.get("username") or None,
        thread_id=thread if thread and thread != message_ts else None,
        event_id=f"action:{body.get('trigger_id') or action.get('action_ts')}",
        channel_is_private=True if channel is None else None,
        action_id=original_action_id(action["action_id"]),
        value=_action_value(action),
        message_id=message_ts,
        trigger_id=body.get("trigger_id"),
    )


def from_view_submission(body: Payload) -> FormSubmission:
    view = body["view"]
    user = body["user"]
    origin = decode_form_origin(view.get("private_metadata") or "")
    gesture = body.get("trigger_id") or f"{view['id']}:{view.get('hash', '')}"
    return FormSubmission(
        platform="slack",
        workspace_id=_team(body),
        channel_id=origin.channel_id or user["id"],
        user_id=user["id"],
        user_name=user.get("username") or None,
        thread_id=origin.thread_id,
        event_id=f"view:{gesture}",
        channel_is_private=True if origin.channel_id is None else None,
        form_id=view["callback_id"],
        values=form_values(view.get("state") or {}),
        private_metadata=origin.metadata,
    )


def form_values(state: Payload) -> dict[str, str]:
    """`state.values` (block → action → typed value) flattened to field name → text."""
    values: dict[str, str] = {}
    for actions in (state.get("values") or {}).values():
        for name, entry in (actions or {}).items():
            values[name] = _action_value(entry or {})
    return values


def _text_event(body: Payload, event: Payload, *, mention: bool) -> Event:
    channel_type = event.get("channel_type")
    thread = event.get("thread_ts")
    base: dict[str, Any] = {
        "platform": "slack",
        "workspace_id": body.get("team_id") or event.get("team"),
        "channel_id": event["channel"],
        "user_id": event["user"],
        "event_id": body.get("event_id") or f"message:{event['channel']}:{event['ts']}",
        "channel_is_private": _private_hint(channel_type),
        "text": event.get("text") or "",
        "message_id": event["ts"],
    }
    if thread and thread != event["ts"]:
        return ThreadReply(**base, thread_id=thread)
    if mention:
        return Mention(**base)
    if channel_type == "im":
        return DirectMessage(**base)
    return ChannelMessage(**base)


def _written_by_a_person(event: Payload, bot: BotIdentity) -> bool:
    if event.get("bot_id") or event.get("subtype") == "bot_message" or event.get("hidden"):
        return False
    user = event.get("user")
    return bool(user) and user != bot.user_id and "edited" not in event


def _action_value(entry: Payload) -> str:
    """Whatever the control holds: a button's value, a picked option, a date, a number…"""
    for name in (
        "value",
        "selected_date",
        "selected_time",
        "selected_user",
        "selected_channel",
        "selected_conversation",
    ):
        if entry.get(name) is not None:
            return str(entry[name])
    option = entry.get("selected_option")
    if option:
        return str(option.get("value", ""))
    chosen = entry.get("selected_options") or []
    return ",".join(str(o.get("value", "")) for o in chosen)


def _private_hint(channel_type: str | None = None, *, name: str = "") -> bool | None:
    """What the payload itself says; None when only `conversations.info` can tell (the
    receiver asks it, see `privacy`): a channel id's first letter says nothing, private
    channels created since 2021 start with `C` like public ones."""
    if channel_type in ("im", "mpim", "group") or name in PRIVATE_CHANNEL_NAMES:
        return True
    if name.startswith("mpdm-"):
        return True
    if channel_type == "channel":
        return False
    return None


def _team(body: Payload) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or body["user"].get("team_id"))
