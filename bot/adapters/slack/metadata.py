"""What Relais hides in Slack objects to find its way back: the delivery key in a message's
metadata (so a crash between send and record can be checked against the channel history), and
the conversation a modal was opened from in its `private_metadata` (modals have no channel)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

DELIVERY_EVENT = "relais_delivery"
PRIVATE_METADATA_MAX = 3000


def delivery_metadata(key: str) -> dict[str, Any]:
    return {"event_type": DELIVERY_EVENT, "event_payload": {"key": key}}


def delivery_key(message: dict[str, Any]) -> str | None:
    """The key a Relais message was sent with, if it is one."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != DELIVERY_EVENT:
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return key if isinstance(key, str) else None


@dataclass(frozen=True)
class FormOrigin:
    """Where a form was opened, so the answer to its submission lands there."""

    channel_id: str | None
    thread_id: str | None
    metadata: str


def encode_form_origin(origin: FormOrigin) -> str:
    encoded = json.dumps(
        {"c": origin.channel_id, "t": origin.thread_id, "m": origin.metadata},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    if len(encoded) > PRIVATE_METADATA_MAX:
        raise ValueError(f"form metadata longer than {PRIVATE_METADATA_MAX} characters")
    return encoded


def decode_form_origin(raw: str) -> FormOrigin:
    """A modal opened by something else than Relais keeps its metadata as it was."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return FormOrigin(None, None, raw)
    if not isinstance(data, dict) or "m" not in data:
        return FormOrigin(None, None, raw)
    return FormOrigin(_text(data.get("c")), _text(data.get("t")), str(data["m"]))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
