"""Which room is whose: direct rooms with each person, and whether a room is 1:1 or encrypted.

Matrix has no private message outside rooms: "visible only to you" replies and direct messages
go to a 1:1 room with the person. The bot remembers those rooms where Matrix clients do, in its
`m.direct` account data on the server, so a restart finds them again; it creates one (not
encrypted, the person invited) when there is none. Everything here runs on the client's loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import quote

from nio import AsyncClient, DirectRoomsResponse, MatrixRoom, RoomCreateResponse, RoomPreset

from bot.adapters.matrix.connection import checked
from bot.ports import TransientError

log = logging.getLogger(__name__)


def is_direct(room: MatrixRoom | None, bot: str, *, marked: bool = False) -> bool:
    """A 1:1 room: the bot and one person, in a room marked direct or without a name (what
    Element and Tchap create for a conversation with one person)."""
    if room is None:
        return False
    people = {user for user in room.users if user != bot}
    return len(people) == 1 and room.member_count <= 2 and (marked or room.is_group)


class DirectRooms:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._by_user: dict[str, str] = {}
        self._loaded = False
        self._locks: dict[str, asyncio.Lock] = {}

    async def load(self) -> None:
        """Reads `m.direct` once (absent for a new bot account)."""
        if self._loaded:
            return
        answer = await self._client.list_direct_rooms()
        if isinstance(answer, DirectRoomsResponse):
            for user, rooms in answer.rooms.items():
                if rooms:
                    self._by_user[user] = rooms[-1]
        self._loaded = True

    def marked(self, room_id: str) -> bool:
        """Whether `room_id` is someone's direct room in the bot's `m.direct`."""
        return room_id in self._by_user.values()

    def direct(self, room_id: str) -> bool:
        room = self._client.rooms.get(room_id)
        return is_direct(room, self._client.user_id, marked=self.marked(room_id))

    def known(self, user_id: str) -> str | None:
        room_id = self._by_user.get(user_id)
        room = self._client.rooms.get(room_id or "")
        if room_id and room is not None and room.encrypted:
            return None
        return room_id

    async def remember(self, user_id: str, room_id: str) -> None:
        """Records `room_id` as the direct room with `user_id`, in memory and on the server."""
        await self.load()
        if self._by_user.get(user_id) == room_id:
            return
        self._by_user[user_id] = room_id
        await self._save()

    async def room_with(self, user_id: str) -> str:
        """The direct room with `user_id`, created (and the person invited) when there is none."""
        await self.load()
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            found = self.known(user_id) or self._joined_one_to_one(user_id)
            if found:
                if found != self._by_user.get(user_id):
                    await self.remember(user_id, found)
                return found
            created = checked(
                await self._client.room_create(
                    is_direct=True, invite=[user_id], preset=RoomPreset.trusted_private_chat
                )
            )
            assert isinstance(created, RoomCreateResponse)
            log.info("matrix direct room created")
            await self.remember(user_id, created.room_id)
            return str(created.room_id)

    def _joined_one_to_one(self, user_id: str) -> str | None:
        for room_id, room in self._client.rooms.items():
            if (
                not room.encrypted
                and is_direct(room, self._client.user_id)
                and user_id in room.users
            ):
                return str(room_id)
        return None

    async def _save(self) -> None:
        content: dict[str, Any] = {user: [room] for user, room in self._by_user.items()}
        user = quote(self._client.user_id, safe="")
        path = f"/_matrix/client/v3/user/{user}/account_data/m.direct"
        response = await self._client.send(
            "PUT",
            path,
            data=json.dumps(content),
            headers={
                "Authorization": f"Bearer {self._client.access_token}",
                "Content-Type": "application/json",
            },
        )
        status = response.status
        response.release()
        if status >= 500:
            raise TransientError(f"matrix: m.direct not saved ({status})")
