"""Posts in, exactly once: live from the websocket, or fetched after a reconnect.

Every post seen moves a cursor (its `create_at`, the server's clock), moved by the runtime in
the post's own transaction, so a restarted process or a replica that takes over the stream
resumes there. When the websocket comes back, the posts created since the cursor in every
channel of the bot are fetched and processed like live ones. The same post may arrive both
ways: the runtime records each post id as the event id in the store, so the second copy is
dropped there, even across threads and processes.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor
from typing import Any

from bot.adapters.mattermost.api import MattermostApi
from bot.adapters.mattermost.directory import Directory
from bot.adapters.mattermost.events import (
    Bot,
    IncomingPost,
    kind_of,
    parse_posted,
    post_event,
)
from bot.ports import Cursor, Cursors, PermanentError, Runtime, TransientError
from handlers.context import Capabilities

log = logging.getLogger(__name__)
CATCH_UP_MARGIN_MS = 2_000
CATCH_UP_ATTEMPTS = 3
CATCH_UP_RETRY_SECONDS = 2.0
STREAM_CAPABILITIES = Capabilities(forms=False)


class Inbound:
    def __init__(
        self,
        *,
        runtime: Runtime,
        cursors: Cursors,
        api: MattermostApi,
        directory: Directory,
        bot: Bot,
        team_id: str,
        workspace_id: str,
        pool: Executor,
    ) -> None:
        self._runtime = runtime
        self._cursors = cursors
        self._api = api
        self._directory = directory
        self._bot = bot
        self._team_id = team_id
        self._workspace_id = workspace_id
        self._pool = pool
        self._cursor: int | None = None
        self._gap_from: int | None = None
        self._lock = threading.Lock()
        self._cursor_name = f"mattermost:{workspace_id}:posts"

    @property
    def workspace_id(self) -> str:
        return self._workspace_id

    @property
    def cursor(self) -> int | None:
        """`create_at` of the newest post seen (milliseconds, server clock)."""
        with self._lock:
            return self._cursor

    def _see(self, create_at: int) -> None:
        with self._lock:
            if self._cursor is None or create_at > self._cursor:
                self._cursor = create_at

    # ------------------------------------------------------------ from the websocket thread

    def on_event(self, envelope: dict[str, Any]) -> None:
        """Called on the websocket's loop: never blocks, hands the post to the pool."""
        incoming = parse_posted(envelope)
        if incoming is None:
            return
        self._see(incoming.create_at)
        self._pool.submit(self._guarded, incoming)

    def on_hello(self) -> None:
        """A (re)connection: fetch what was posted while the websocket was away.

        The gap starts at the cursor as it is now, before the new connection's first post
        moves it; a gap whose catch-up failed is kept and retried at the next connection.
        """
        stored = self._stored_cursor() if self.cursor is None else None
        with self._lock:
            if self._gap_from is None:
                self._gap_from = self._cursor if self._cursor is not None else stored
            since = self._gap_from
        self._pool.submit(self._catch_up_guarded, since)

    # ------------------------------------------------------------ in the pool

    def _guarded(self, incoming: IncomingPost) -> None:
        try:
            self.process(incoming)
        except Exception:
            log.exception("mattermost post failed", extra={"post_id": incoming.id})

    def process(self, incoming: IncomingPost) -> list[str]:
        """Turns one post into an event and runs it; returns the delivery keys queued."""
        kind = kind_of(incoming, bot=self._bot, root_author=self._directory.root_author)
        if kind is None:
            return []
        user_id = str(incoming.post.get("user_id", ""))
        text = self._directory.resolve_mentions(str(incoming.post.get("message", "")))
        event = post_event(
            incoming,
            kind,
            workspace_id=self._workspace_id,
            text=text,
            author=self._directory.author(user_id),
        )
        where = Cursor(self._cursor_name, incoming.create_at)
        return self._runtime.handle(event, capabilities=STREAM_CAPABILITIES, cursor=where)

    def _stored_cursor(self) -> int | None:
        return self._cursors.position(self._cursor_name)

    def _catch_up_guarded(self, since: int | None) -> None:
        for attempt in range(1, CATCH_UP_ATTEMPTS + 1):
            try:
                self.catch_up(since)
            except (TransientError, PermanentError) as error:
                log.warning("mattermost catch-up failed", extra={"error": str(error)})
                if attempt < CATCH_UP_ATTEMPTS:
                    time.sleep(CATCH_UP_RETRY_SECONDS * attempt)
            except Exception:
                log.exception("mattermost catch-up crashed")
                return
            else:
                with self._lock:
                    if self._gap_from == since:
                        self._gap_from = None
                return

    def catch_up(self, since: int | None) -> int:
        """Processes the posts created after `since` in the bot's channels; with no `since`
        (the first connection) only places the cursor at the newest post. Returns how many
        posts were looked at."""
        channels = self._api.channels_of(self._bot.id, self._team_id)
        for channel in channels:
            self._directory.remember_channel(channel)
        if since is None:
            self._see(max((int(c.get("last_post_at") or 0) for c in channels), default=0))
            return 0
        floor = since - CATCH_UP_MARGIN_MS
        missed: list[IncomingPost] = []
        for channel in channels:
            listing = self._api.channel_posts(str(channel["id"]), since=floor)
            for post in listing.get("posts", {}).values():
                if int(post.get("create_at") or 0) > floor and not post.get("delete_at"):
                    kind = str(channel.get("type", ""))
                    missed.append(IncomingPost(post=post, channel_type=kind))
        missed.sort(key=lambda incoming: incoming.create_at)
        for incoming in missed:
            self._see(incoming.create_at)
            self._guarded(incoming)
        log.info("mattermost catch-up", extra={"posts": len(missed), "channels": len(channels)})
        return len(missed)
