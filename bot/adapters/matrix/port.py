"""The Matrix side of the ChatPort: actions in, `m.room.message` events out.

Every event is sent with a transaction id derived from the outbox key, so a retried send (after
a timeout, a crash or a rate limit) is recognised by the homeserver and not posted twice; that
is also how `find_delivered` works. `M_LIMIT_EXCEEDED` comes back as a `TransientError` carrying
the server's `retry_after_ms`, which the outbox honours. Private replies ("visible only to you")
and direct messages go to the person's direct room; forms are asked there field by field.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from nio import RoomResolveAliasResponse, RoomSendResponse, UploadResponse

from bot.adapters.matrix.connection import Connection, checked
from bot.adapters.matrix.conversations import Conversations, Offer
from bot.adapters.matrix.render import content, edit, in_thread, message_content, plain
from bot.adapters.matrix.rooms import DirectRooms
from bot.ports import Delivered, PermanentError
from handlers.i18n import Translator
from handlers.types import (
    Action,
    DirectMessageAction,
    Ephemeral,
    FileAttachment,
    Message,
    OpenForm,
    Post,
    UpdatePost,
)


def transaction_id(key: str, part: int) -> str:
    return f"relais-{hashlib.sha256(key.encode()).hexdigest()[:40]}-{part}"


class MatrixPort:
    platform = "matrix"

    def __init__(
        self,
        *,
        connection: Connection,
        rooms: DirectRooms,
        conversations: Conversations,
        server_name: str,
        locale: str,
        command: str,
    ) -> None:
        self._connection = connection
        self._client = connection.client
        self._rooms = rooms
        self._conversations = conversations
        self._server_name = server_name
        self._t = Translator(locale)
        self._command = command

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        return self._connection.call(lambda: self._deliver(action, key))

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        """Sending again with the same transaction ids returns the event already sent, if any."""
        return self.deliver(action, key=key, workspace_id=workspace_id)

    async def _deliver(self, action: Action, key: str) -> Delivered:
        if isinstance(action, Post):
            room = await self._room_of(action.channel_id)
            return await self._message(room, action.message, key, thread=action.thread_id)
        if isinstance(action, DirectMessageAction | Ephemeral):
            room = await self._rooms.room_with(action.user_id)
            return await self._message(room, action.message, key, thread=None)
        if isinstance(action, UpdatePost):
            return await self._update(action, key)
        if isinstance(action, OpenForm):
            return await self._open_form(action, key)
        raise PermanentError(f"unsupported action {action.kind}")

    async def _message(
        self, room: str, message: Message, key: str, *, thread: str | None
    ) -> Delivered:
        in_room = not self._rooms.direct(room)
        body, picked = message_content(message, t=self._t, command=self._command, in_room=in_room)
        event_id = await self._send(room, body, key, 0, thread=thread)
        for part, file in enumerate(message.files, start=1):
            await self._send_file(room, file, key, part, thread=thread)
        if picked:
            self._conversations.offer(room, thread, Offer(event_id, picked))
        return Delivered(message_id=event_id, channel_id=room)

    async def _update(self, action: UpdatePost, key: str) -> Delivered:
        if not action.message_id:
            raise PermanentError("no message to update")
        room = await self._room_of(action.channel_id)
        if action.erase:
            return await self._redact(room, action, key)
        body, picked = message_content(
            action.message, t=self._t, command=self._command, in_room=True
        )
        await self._send(room, edit(body, action.message_id), key, 0, thread=None)
        if picked:
            self._conversations.offer(room, None, Offer(action.message_id, picked))
        return Delivered(message_id=action.message_id, channel_id=room)

    async def _redact(self, room: str, action: UpdatePost, key: str) -> Delivered:
        """An edit keeps the earlier text in the post's history; a redaction removes it."""
        assert action.message_id
        reason = plain(action.message.text).replace("_", "")
        checked(
            await self._client.room_redact(
                room, action.message_id, reason=reason, tx_id=transaction_id(key, 0)
            )
        )
        return Delivered(message_id=action.message_id, channel_id=room)

    async def _open_form(self, action: OpenForm, key: str) -> Delivered:
        room = await self._rooms.room_with(action.user_id)
        filling = self._conversations.open_form(
            action.user_id, action.form, channel_id=action.channel_id, room_id=room
        )
        intro = self._t(
            "matrix.form.question", title=action.form.title, intro=self._t("console.form_intro")
        )
        question = self._t(
            "matrix.form.field",
            position=1,
            total=len(action.form.fields),
            question=filling.question(self._t),
        )
        body = content(f"{intro}\n{question}", command=self._command)
        event_id = await self._send(room, body, key, 0, thread=None)
        return Delivered(message_id=event_id, channel_id=room)

    async def _send(
        self, room: str, body: dict[str, Any], key: str, part: int, *, thread: str | None
    ) -> str:
        if thread:
            body = in_thread(body, thread)
        answer = checked(
            await self._client.room_send(
                room, "m.room.message", body, tx_id=transaction_id(key, part)
            )
        )
        assert isinstance(answer, RoomSendResponse)
        return str(answer.event_id)

    async def _send_file(
        self, room: str, file: FileAttachment, key: str, part: int, *, thread: str | None
    ) -> None:
        uploaded, _keys = await self._client.upload(
            io.BytesIO(file.content),
            content_type=file.mime_type,
            filename=file.filename,
            filesize=len(file.content),
        )
        uploaded = checked(uploaded)
        assert isinstance(uploaded, UploadResponse)
        body = {
            "msgtype": "m.file",
            "body": file.filename,
            "filename": file.filename,
            "url": uploaded.content_uri,
            "info": {"mimetype": file.mime_type, "size": len(file.content)},
            "m.mentions": {},
        }
        await self._send(room, body, key, part, thread=thread)

    async def _room_of(self, channel: str) -> str:
        """A room id as is; a channel name (`idees`, `#idees`) through its alias on our server."""
        if channel.startswith("!"):
            return channel
        alias = channel if ":" in channel else f"#{channel.lstrip('#')}:{self._server_name}"
        found = await self._client.room_resolve_alias(alias)
        if not isinstance(found, RoomResolveAliasResponse):
            raise PermanentError(f"matrix: no room {alias}")
        return str(found.room_id)
