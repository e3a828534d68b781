"""Slack's `response_url`s, kept for their 30 minutes of validity.

A slash command typed where the bot is not a member (a DM between two people, a channel it was
not invited to) cannot be answered with `chat.postEphemeral`; its `response_url` can. An
ephemeral message cannot be edited with `chat.update`; the `response_url` of a press on it can.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

VALIDITY = 29 * 60.0
MAX_ENTRIES = 10_000


class ResponseUrls:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._urls: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def remember(
        self, *, channel_id: str, user_id: str, url: str | None, message_ts: str | None = None
    ) -> None:
        if not url:
            return
        expires = self._clock() + VALIDITY
        with self._lock:
            for key in (_for_user(channel_id, user_id), _for_message(message_ts)):
                if key is not None:
                    self._urls[key] = (expires, url)
                    self._urls.move_to_end(key)
            while len(self._urls) > MAX_ENTRIES:
                self._urls.popitem(last=False)

    def for_user(self, channel_id: str, user_id: str) -> str | None:
        """The latest valid URL for answering this person in this conversation."""
        return self._get(_for_user(channel_id, user_id))

    def for_message(self, message_ts: str) -> str | None:
        """The URL that can replace this (ephemeral) message."""
        return self._get(_for_message(message_ts))

    def _get(self, key: str | None) -> str | None:
        if key is None:
            return None
        with self._lock:
            found = self._urls.get(key)
        if found is None or found[0] < self._clock():
            return None
        return found[1]


def _for_user(channel_id: str, user_id: str) -> str:
    return f"user:{channel_id}:{user_id}"


def _for_message(message_ts: str | None) -> str | None:
    return f"message:{message_ts}" if message_ts else None
