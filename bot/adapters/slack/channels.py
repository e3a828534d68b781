"""Conversation ids from what features write: ids pass through, `#idees` or `idees` is looked up
with `conversations.list`, and a user id means that person's direct conversation with the bot
(`conversations.open`). Results are cached: names and DMs rarely change."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.ports import PermanentError

_CONVERSATION_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
REFRESH_AT_MOST_EVERY = 60.0


def is_conversation_id(ref: str) -> bool:
    return bool(_CONVERSATION_ID.match(ref))


def is_user_id(ref: str) -> bool:
    return bool(_USER_ID.match(ref))


class ChannelDirectory:
    def __init__(self, client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._by_name: dict[str, str] = {}
        self._dms: dict[str, str] = {}
        self._listed_at: float | None = None

    def resolve(self, ref: str) -> str:
        """The conversation id for an id, a channel name or a user id."""
        ref = ref.strip()
        if is_conversation_id(ref):
            return ref
        if is_user_id(ref):
            return self.dm(ref)
        name = ref.removeprefix("#").lower()
        with self._lock:
            found = self._by_name.get(name)
        if found is None and self._may_refresh():
            self._refresh()
            with self._lock:
                found = self._by_name.get(name)
        if found is None:
            raise PermanentError(f"channel_not_found: {name}")
        return found

    def dm(self, user_id: str) -> str:
        """The bot's direct conversation with one person."""
        with self._lock:
            found = self._dms.get(user_id)
        if found is None:
            found = str(self._client.conversations_open(users=user_id)["channel"]["id"])
            with self._lock:
                self._dms[user_id] = found
        return found

    def _may_refresh(self) -> bool:
        with self._lock:
            now = self._clock()
            if self._listed_at is not None and now - self._listed_at < REFRESH_AT_MOST_EVERY:
                return False
            self._listed_at = now
            return True

    def _refresh(self) -> None:
        names: dict[str, str] = {}
        cursor: str | None = None
        while True:
            page = self._client.conversations_list(
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=1000,
                cursor=cursor,
            )
            for channel in page.get("channels") or []:
                names[str(channel["name"]).lower()] = str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        with self._lock:
            self._by_name = names
