"""Who a Slack user is (display name, locale, timezone), from `users.info`, cached.

Events carry only a user id; features greet people by name, answer in their language and
schedule in their timezone. A failed lookup never blocks an event: it goes on without profile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.types import Event

log = logging.getLogger(__name__)
TTL = 3600.0
FAILURE_TTL = 60.0


@dataclass(frozen=True)
class Profile:
    name: str | None = None
    display_name: str | None = None
    locale: str | None = None
    timezone: str | None = None
    is_bot: bool = False


class UserDirectory:
    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Profile | None]] = {}

    def profile(self, user_id: str) -> Profile | None:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = self._fetch(user_id)
        with self._lock:
            self._cache[user_id] = (now + (self._ttl if found else FAILURE_TTL), found)
        return found

    def enrich(self, event: Event) -> Event:
        """The event with the author's name, locale and timezone filled in when known."""
        profile = self.profile(event.user_id)
        if profile is None:
            return event
        return event.model_copy(
            update={
                "user_name": profile.name or event.user_name,
                "locale": profile.locale or event.locale,
                "timezone": profile.timezone or event.timezone,
            }
        )

    def _fetch(self, user_id: str) -> Profile | None:
        try:
            user = self._client.users_info(user=user_id, include_locale=True)["user"]
        except SlackApiError as error:
            reason = error.response.get("error")
            log.warning("users.info failed", extra={"user": user_id, "error": reason})
            return None
        except OSError as error:
            reason = type(error).__name__
            log.warning("users.info unreachable", extra={"user": user_id, "error": reason})
            return None
        profile = user.get("profile") or {}
        return Profile(
            name=user.get("name") or None,
            display_name=profile.get("display_name") or user.get("real_name") or None,
            locale=user.get("locale") or None,
            timezone=user.get("tz") or None,
            is_bot=bool(user.get("is_bot")),
        )
