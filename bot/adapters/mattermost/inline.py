"""Private replies carried by the HTTP answer of the request that caused them.

An ordinary bot account cannot post ephemeral messages through the REST API (403: only
`system_admin` holds `create_post_ephemeral`, `server/public/model/role.go`), but Mattermost
itself delivers, privately and with no permission check, what a slash command answers with
`response_type: "ephemeral"` (`server/channels/app/command.go`) and a button's `ephemeral_text`
(`DoPostActionWithCookie`, `server/channels/app/integration_action.go`). While a request is open,
the port hands the caller's private replies to it; once it has answered, they go the other way.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InlineReply:
    """The replies one request may still carry: `rich` answers (slash commands) hold several
    posts with attachments, a button's answer holds one plain text."""

    user_id: str
    channel_id: str
    rich: bool
    posts: list[dict[str, Any]] = field(default_factory=list)
    _open: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def offer(self, *, user_id: str, channel_id: str, posts: list[dict[str, Any]]) -> bool:
        """Takes `posts` ({"text", "attachments"}) when this request can still show them."""
        plain = len(posts) == 1 and not posts[0].get("attachments")
        with self._lock:
            if not self._open or (user_id, channel_id) != (self.user_id, self.channel_id):
                return False
            if not self.rich and (self.posts or not plain):
                return False
            self.posts.extend(posts)
            return True

    def close(self) -> list[dict[str, Any]]:
        """What the answer carries; later replies go through the API."""
        with self._lock:
            self._open = False
            return list(self.posts)


class InlineReplies:
    """Which request, if any, the current thread is handling."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def collecting(self, reply: InlineReply) -> Iterator[InlineReply]:
        self._local.reply = reply
        try:
            yield reply
        finally:
            self._local.reply = None

    def offer(self, *, user_id: str, channel_id: str, posts: list[dict[str, Any]]) -> bool:
        reply: InlineReply | None = getattr(self._local, "reply", None)
        return reply is not None and reply.offer(
            user_id=user_id, channel_id=channel_id, posts=posts
        )


def command_answer(posts: list[dict[str, Any]]) -> dict[str, Any]:
    """A slash command's private answer; posts after the first travel in `extra_responses`."""
    answers = [
        {"response_type": "ephemeral", "text": post["text"], "attachments": post["attachments"]}
        for post in posts
    ]
    first = answers[0]
    if len(answers) > 1:
        first["extra_responses"] = answers[1:]
    return first
