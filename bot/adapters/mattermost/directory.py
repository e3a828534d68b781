"""Who and where (and the key the server signs with), asked of Mattermost once and remembered
for a while.

Names typed in messages become the neutral forms features parse before dispatch: `@bea` →
`<@USER_ID>` (so `role @bea coach` works), `~ville` → `<#CHANNEL_ID|ville>`. Our messages' `<@ID>`
become `@username` again; replies need the author of their thread's root. A lookup that fails
leaves the text as it was: a slow server must not make the bot mute.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from bot.adapters.mattermost.api import MattermostApi
from bot.adapters.mattermost.events import Author
from bot.ports import PermanentError, TransientError

log = logging.getLogger(__name__)
K = TypeVar("K")
V = TypeVar("V")
TTL_SECONDS = 600.0
_USERNAME = re.compile(r"(?<![\w@.<])@([a-zA-Z0-9][a-zA-Z0-9._-]*)")
_CHANNEL = re.compile(r"(?<![\w~])~([a-z0-9][a-z0-9_-]*)")
_SPECIAL = frozenset({"channel", "all", "here", "everyone"})
_LOOKUP_ERRORS = (TransientError, PermanentError)
_ID = re.compile(r"[a-z0-9]{26}")


class _Cache(Generic[K, V]):
    """A small thread-safe LRU with expiry."""

    def __init__(self, size: int = 5000, ttl: float = TTL_SECONDS) -> None:
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: K) -> tuple[bool, V | None]:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic():
                return False, None
            self._items.move_to_end(key)
            return True, found[1]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self._ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class Directory:
    def __init__(self, api: MattermostApi, *, team_id: str) -> None:
        self._api = api
        self._team_id = team_id
        self._users: _Cache[str, dict[str, Any]] = _Cache()
        self._names: _Cache[str, str] = _Cache()
        self._channel_types: _Cache[str, str] = _Cache()
        self._root_authors: _Cache[str, str | None] = _Cache()
        self._channel_ids: _Cache[str, str] = _Cache()
        self._signing_key: _Cache[str, str] = _Cache(size=1)

    def remember_user(self, user: dict[str, Any]) -> None:
        self._users.put(str(user["id"]), user)
        self._names.put(str(user["username"]).lower(), str(user["id"]))

    def user(self, user_id: str) -> dict[str, Any] | None:
        found, user = self._users.get(user_id)
        if found:
            return user
        try:
            users = self._api.users_by_ids([user_id])
        except _LOOKUP_ERRORS:
            log.warning("user lookup failed", extra={"user_id": user_id})
            return None
        for fetched in users:
            self.remember_user(fetched)
        return next((u for u in users if u.get("id") == user_id), None)

    def username(self, user_id: str) -> str | None:
        user = self.user(user_id)
        return str(user["username"]) if user else None

    def author(self, user_id: str) -> Author:
        """Username, timezone and interface language of a person (empty when the server cannot
        say)."""
        user = self.user(user_id)
        if user is None:
            return Author()
        zone = user.get("timezone") or {}
        automatic = str(zone.get("useAutomaticTimezone", "true")).lower() == "true"
        timezone = zone.get("automaticTimezone") if automatic else zone.get("manualTimezone")
        return Author(
            username=str(user.get("username") or "") or None,
            timezone=timezone or None,
            locale=str(user.get("locale") or "") or None,
        )

    def resolve_mentions(self, text: str) -> str:
        """`@bea` → `<@USER_ID>` and `~ville` → `<#CHANNEL_ID|ville>` for every name the server
        knows, as features expect people and channels; the rest is unchanged."""
        return self._resolve_channels(self._resolve_users(text))

    def _resolve_users(self, text: str) -> str:
        candidates = {m.group(1).lower() for m in _USERNAME.finditer(text)} - _SPECIAL
        if not candidates:
            return text
        ids = self._ids_for(candidates | {name.rstrip("._-") for name in candidates})

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).lower()
            if name in ids:
                return f"<@{ids[name]}>"
            trimmed = name.rstrip("._-")
            if trimmed in ids:
                return f"<@{ids[trimmed]}>" + match.group(1)[len(trimmed) :]
            return match.group(0)

        return _USERNAME.sub(replace, text)

    def _resolve_channels(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            try:
                return f"<#{self.channel_id(name)}|{name}>"
            except _LOOKUP_ERRORS:
                return match.group(0)

        return _CHANNEL.sub(replace, text)

    def _ids_for(self, names: set[str]) -> dict[str, str]:
        known: dict[str, str] = {}
        missing = []
        for name in names:
            found, user_id = self._names.get(name)
            if found and user_id:
                known[name] = user_id
            else:
                missing.append(name)
        if missing:
            try:
                users = self._api.users_by_usernames(sorted(missing))
            except _LOOKUP_ERRORS:
                log.warning("username lookup failed", extra={"count": len(missing)})
                users = []
            for user in users:
                self.remember_user(user)
                known[str(user["username"]).lower()] = str(user["id"])
        return known

    def channel_type(self, channel_id: str) -> str | None:
        found, kind = self._channel_types.get(channel_id)
        if found:
            return kind
        try:
            channel = self._api.channel(channel_id)
        except _LOOKUP_ERRORS:
            return None
        self.remember_channel(channel)
        return str(channel.get("type") or "") or None

    def remember_channel(self, channel: dict[str, Any]) -> None:
        self._channel_types.put(str(channel["id"]), str(channel.get("type") or ""))
        if channel.get("name"):
            self._channel_ids.put(str(channel["name"]), str(channel["id"]))

    def channel_id(self, channel: str) -> str:
        """Features may name a channel (`idees`, `#general`): Mattermost wants its id.

        Raises the API's error when no such channel exists in the team.
        """
        if _ID.fullmatch(channel):
            return channel
        name = channel.lstrip("#~").lower()
        found, channel_id = self._channel_ids.get(name)
        if found and channel_id:
            return channel_id
        fetched = self._api.channel_by_name(self._team_id, name)
        self.remember_channel(fetched)
        return str(fetched["id"])

    def root_author(self, post_id: str) -> str | None:
        """Who wrote a thread's root post (None if unknown); asked only for replies."""
        found, author = self._root_authors.get(post_id)
        if found:
            return author
        try:
            post = self._api.get_post(post_id)
        except PermanentError:
            author = None
        except TransientError:
            return None
        else:
            author = str(post.get("user_id") or "") or None
        self._root_authors.put(post_id, author)
        return author

    def signing_key(self) -> str | None:
        """The key the server signs trigger ids with (`AsymmetricSigningPublicKey` of its client
        configuration, base64 DER); None when the server cannot say right now."""
        found, key = self._signing_key.get("server")
        if found:
            return key
        try:
            key = str(self._api.client_config().get("AsymmetricSigningPublicKey") or "") or None
        except _LOOKUP_ERRORS:
            log.warning("mattermost client configuration unreadable")
            return None
        if key is not None:
            self._signing_key.put("server", key)
        return key
