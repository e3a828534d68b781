"""Whether a Slack conversation is private, asked of Slack (`conversations.info`), cached.

Channel ids do not say it: `G…` was the convention for private channels until 2021, and every
private channel created since starts with `C`, like public ones. The payload says it for message
events (`channel_type`: `im`, `mpim`, `group`) and some slash commands (`directmessage`,
`privategroup`, `mpdm-…`); for the rest (`app_mention`, buttons, modals, commands in a private
channel) `conversations.info` answers with `is_private`, `is_im` and `is_mpim`. The scopes it
needs are `channels:read`, `groups:read`, `im:read` and `mpim:read`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.types import Event

log = logging.getLogger(__name__)
TTL = 3600.0
FAILURE_TTL = 60.0


class ConversationPrivacy:
    def __init__(self, client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, bool | None]] = {}

    def is_private(self, channel_id: str) -> bool | None:
        """True for private channels, DMs and group DMs; None when Slack would not say."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(channel_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = self._fetch(channel_id)
        with self._lock:
            self._cache[channel_id] = (now + (TTL if found is not None else FAILURE_TTL), found)
        return found

    def complete(self, event: Event) -> Event:
        """The event with `channel_is_private` filled in when the payload left it open."""
        if event.channel_is_private is not None:
            return event
        private = self.is_private(event.channel_id)
        return (
            event if private is None else event.model_copy(update={"channel_is_private": private})
        )

    def _fetch(self, channel_id: str) -> bool | None:
        try:
            channel = self._client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            reason = error.response.get("error")
            needed = error.response.get("needed")
            log.warning(
                "conversations.info failed",
                extra={"channel": channel_id, "error": reason, "needed": needed},
            )
            return None
        except OSError as error:
            log.warning(
                "conversations.info unreachable",
                extra={"channel": channel_id, "error": type(error).__name__},
            )
            return None
        return bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))
