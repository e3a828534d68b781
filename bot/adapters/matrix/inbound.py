"""The sync loop: invitations accepted, messages handled exactly once, the position kept.

Each `/sync` answer is handled in order, then its `next_batch` is stored through the runtime, so
a restarted bot resumes where it stopped: what was sent while it was down is answered, and what
was already handled is not answered again (a batch cut short by a crash is replayed, and the
runtime drops the events it already saw by their event id). A bot that never synced starts from
now and does not answer the rooms' history. The loop runs on the client's event loop; handling
an event is blocking work (database, outbox) and goes to a thread pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

from nio import MessageDirection, RoomGetStateEventResponse, RoomMessagesResponse, SyncResponse

from bot.adapters.matrix.connection import Connection
from bot.adapters.matrix.conversations import Conversations, FormInProgress
from bot.adapters.matrix.events import (
    Incoming,
    addressed,
    localpart,
    parse_message,
    server_of,
    to_event,
)
from bot.adapters.matrix.rooms import DirectRooms
from bot.ports import Cursors, Runtime
from handlers.context import Capabilities
from handlers.i18n import Translator
from handlers.text import quote_user
from handlers.types import ButtonPress, DirectMessageAction, FormSubmission, Message, Post

log = logging.getLogger(__name__)
T = TypeVar("T")
SYNC_TIMEOUT_MS = 30_000
UNHEALTHY_AFTER = 120.0
SYNC_FILTER: dict[str, Any] = {
    "room": {"timeline": {"limit": 100}},
    "presence": {"not_types": ["*"]},
}
CAPABILITIES = Capabilities(forms=True)
MISSED_PAGES = 20


class Inbound:
    def __init__(
        self,
        *,
        runtime: Runtime,
        cursors: Cursors,
        connection: Connection,
        rooms: DirectRooms,
        conversations: Conversations,
        workspace_id: str,
        allowed_servers: list[str],
        command: str,
        locale: str,
        pool: Executor,
    ) -> None:
        self._runtime = runtime
        self._cursors = cursors
        self._connection = connection
        self._client = connection.client
        self._rooms = rooms
        self._conversations = conversations
        self._workspace_id = workspace_id
        self._allowed = set(allowed_servers)
        self._command = command
        self._t = Translator(locale)
        self._pool = pool
        self._cursor = f"matrix:{connection.user_id}:sync"
        self._future: Future[None] | None = None
        self._stopping = False
        self._last_sync = time.monotonic()
        self.ready = threading.Event()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._stopping = False
        self._future = asyncio.run_coroutine_threadsafe(self._run(), self._connection.loop)

    def stop(self) -> None:
        self._stopping = True
        if self._future is not None:
            self._future.cancel()
            with contextlib.suppress(Exception):
                self._future.result(5.0)

    def healthy(self) -> bool:
        return time.monotonic() - self._last_sync < UNHEALTHY_AFTER

    def allowed(self, user_id: str) -> bool:
        return server_of(user_id) in self._allowed

    async def _blocking(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)

    async def _run(self) -> None:
        token = await self._blocking(self._cursors.token, self._cursor)
        answer_history = token is not None
        first, failures = True, 0
        while not self._stopping:
            try:
                response = await self._client.sync(
                    timeout=0 if first else SYNC_TIMEOUT_MS,
                    since=token,
                    full_state=first,
                    sync_filter=SYNC_FILTER,
                )
            except (OSError, TimeoutError) as error:
                response = error
            if not isinstance(response, SyncResponse):
                failures += 1
                log.warning("matrix sync failed", extra={"error": str(response)[:200]})
                await asyncio.sleep(min(60.0, 2.0**failures))
                continue
            failures = 0
            await self._rooms.load()
            await self._handle(response, timeline=answer_history or not first, since=token)
            token = response.next_batch
            await self._blocking(self._cursors.save_token, self._cursor, token)
            first = False
            self._last_sync = time.monotonic()
            self.ready.set()

    # ------------------------------------------------------------ one sync answer

    async def _handle(self, response: SyncResponse, *, timeline: bool, since: str | None) -> None:
        for room_id, invited in response.rooms.invite.items():
            await self._invited(room_id, [_stripped(event) for event in invited.invite_state])
        for room_id, joined in response.rooms.join.items():
            if not timeline:
                continue
            sources = [e.source for e in joined.timeline.events]
            if joined.timeline.limited and since and joined.timeline.prev_batch:
                sources = await self._missed(room_id, joined.timeline.prev_batch, since) + sources
            for source in self._since_joined(sources):
                try:
                    await self._timeline(room_id, source)
                except Exception:
                    log.exception("matrix event failed", extra={"room": room_id})

    async def _missed(self, room_id: str, before: str, since: str) -> list[dict[str, Any]]:
        """A sync after a long stop shows only a room's last messages: the ones between the
        stored position and those are fetched page by page, oldest first."""
        found: list[dict[str, Any]] = []
        start = before
        for _ in range(MISSED_PAGES):
            page = await self._client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(page, RoomMessagesResponse) or not page.chunk:
                break
            found.extend(event.source for event in page.chunk)
            if not page.end or page.end == start:
                break
            start = page.end
        return list(reversed(found))

    def _since_joined(self, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A room just joined shows some of its history first: that is not for the bot."""
        bot = self._connection.user_id
        for index in range(len(sources) - 1, -1, -1):
            source = sources[index]
            if (
                source.get("type") == "m.room.member"
                and source.get("state_key") == bot
                and (source.get("content") or {}).get("membership") == "join"
                and (source.get("unsigned") or {}).get("prev_content", {}).get("membership")
                != "join"
            ):
                return sources[index + 1 :]
        return sources

    async def _invited(self, room_id: str, state: list[dict[str, Any]]) -> None:
        bot = self._connection.user_id
        member = next(
            (
                e
                for e in state
                if e.get("type") == "m.room.member"
                and e.get("state_key") == bot
                and (e.get("content") or {}).get("membership") == "invite"
            ),
            None,
        )
        inviter = str(member.get("sender", "")) if member else ""
        if not self.allowed(inviter):
            log.info("matrix invitation declined", extra={"server": server_of(inviter)})
            await self._client.room_leave(room_id)
            return
        await self._client.join(room_id)
        if await self._encrypted(room_id):
            await self._client.room_leave(room_id)
            await self._tell_encrypted(room_id, inviter, _room_name(state) or room_id)
            return
        if member and (member.get("content") or {}).get("is_direct"):
            await self._rooms.remember(inviter, room_id)
        log.info("matrix invitation accepted")

    async def _encrypted(self, room_id: str) -> bool:
        found = await self._client.room_get_state_event(room_id, "m.room.encryption")
        return isinstance(found, RoomGetStateEventResponse)

    async def _tell_encrypted(self, room_id: str, user_id: str, name: str) -> None:
        """Says once, in the person's direct room, why the bot stays silent in that room."""
        text = self._t("matrix.encrypted_room", room=quote_user(name, limit=80))
        notice = DirectMessageAction(user_id=user_id, message=Message(text=text))
        origin = f"matrix:{self._workspace_id}:encrypted:{room_id}:{user_id}"
        await self._blocking(self._send, [notice], origin)

    async def _timeline(self, room_id: str, source: dict[str, Any]) -> None:
        sender = str(source.get("sender", ""))
        if sender == self._connection.user_id or not self.allowed(sender):
            return
        if source.get("type") == "m.room.encrypted":
            room = self._client.rooms.get(room_id)
            await self._tell_encrypted(room_id, sender, room.display_name if room else room_id)
            return
        incoming = parse_message(source, room_id)
        if incoming is None:
            return
        room = self._client.rooms.get(room_id)
        direct = self._rooms.direct(room_id)
        if direct and (form := self._conversations.form_of(sender, room_id)) is not None:
            await self._blocking(self._form_answer, form, incoming)
            return
        typed = incoming.text if direct else addressed(incoming.text, self._command)
        found = self._conversations.choice(room_id, incoming.thread_root, typed or "")
        if found is not None:
            offer, pick = found
            press = ButtonPress(
                **self._base(incoming, direct=direct),
                action_id=pick.action_id,
                value=pick.value,
                message_id=offer.event_id,
            )
            await self._blocking(self._handle_event, press)
            return
        private = room is not None and room.join_rule != "public"
        event = to_event(
            incoming,
            workspace_id=self._workspace_id,
            command=self._command,
            direct=direct,
            private=private,
        )
        if event is not None:
            await self._blocking(self._handle_event, event)

    # ------------------------------------------------------------ in the pool

    def _handle_event(self, event: Any) -> None:
        self._runtime.handle(event, capabilities=CAPABILITIES)

    def _send(self, actions: list[Any], origin: str) -> None:
        self._runtime.send(
            actions, platform="matrix", workspace_id=self._workspace_id, origin=origin
        )

    def _form_answer(self, form: FormInProgress, incoming: Incoming) -> None:
        """One answer of a form asked field by field; the last one submits it."""
        filling = form.filling
        origin = f"matrix:{self._workspace_id}:{incoming.event_id}"
        if not filling.answer(incoming.text):
            self._conversations.close_form(incoming.sender)
            cancelled = Message(text=self._t("console.form_cancelled"))
            self._send([Post(channel_id=incoming.room_id, message=cancelled)], origin)
            return
        if filling.current is not None:
            question = self._t(
                "matrix.form.field",
                position=filling.position + 1,
                total=len(filling.form.fields),
                question=filling.question(self._t),
            )
            self._send([Post(channel_id=incoming.room_id, message=Message(text=question))], origin)
            return
        self._conversations.close_form(incoming.sender)
        base = self._base(incoming, direct=True)
        base["channel_id"] = form.channel_id
        submission = FormSubmission(
            **base,
            form_id=filling.form.form_id,
            values=filling.values,
            private_metadata=filling.form.private_metadata,
        )
        self._handle_event(submission)

    def _base(self, incoming: Incoming, *, direct: bool) -> dict[str, Any]:
        return {
            "platform": "matrix",
            "workspace_id": self._workspace_id,
            "channel_id": incoming.room_id,
            "user_id": incoming.sender,
            "user_name": localpart(incoming.sender),
            "thread_id": incoming.thread_root,
            "event_id": incoming.event_id,
            "channel_is_private": direct,
        }


def _room_name(state: list[dict[str, Any]]) -> str | None:
    for event in state:
        if event.get("type") == "m.room.name":
            name = (event.get("content") or {}).get("name")
            return str(name) if name else None
    return None


def _stripped(event: Any) -> dict[str, Any]:
    """An invitation's state event as sent; nio moves member contents out of `source`."""
    content = getattr(event, "content", None)
    return {**event.source, "content": content or event.source.get("content") or {}}
