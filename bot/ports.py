"""The one interface every chat platform implements for delivering actions.

The outbox resolves keys into platform ids before calling a port, so ports only translate an
action into API calls. A port raises `TransientError` for what is worth retrying (network, 429,
5xx) and `PermanentError` for what is not (channel not found, invalid arguments).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handlers.types import Action


@dataclass(frozen=True)
class Delivered:
    """Where the platform put the message, so that later updates and thread replies find it."""

    message_id: str | None = None
    channel_id: str | None = None


class TransientError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentError(Exception):
    pass


class ChatPort(Protocol):
    platform: str

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        """Sends one action; `key` travels with the message (metadata) where the platform
        allows, so `find_delivered` can recognise it after a crash."""
        ...

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        """After a crash mid-send: the message if it did arrive, None if it did not."""
        ...
