"""People and a bot on a real Synapse: matrix-nio clients driven from synchronous tests.

`Person` is a real Matrix client (matrix-nio) on its own event loop, with helpers to create
rooms, write, and wait for the bot's answer. `BotProcess` is Relais as `relais run` assembles
it (runtime, outbox, the Matrix adapter) on its own SQLite file, started and stopped like a
process would be, so restarts can be shown.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nio import AsyncClient, RoomCreateResponse, RoomSendResponse, SyncResponse

from bot.adapters.matrix.runner import MatrixAdapter, connect
from bot.app import App, build
from bot.config import Settings
from bot.outbox import OutboxPolicy
from handlers.clock import Clock
from tests.synapse_server import Account, Synapse

T = TypeVar("T")
WAIT_SECONDS = 15.0
_NUMBERS = itertools.count(1)


def fresh_name(prefix: str) -> str:
    """A new account name per test, so tests sharing one homeserver never see each other."""
    return f"{prefix}{next(_NUMBERS)}"


@dataclass
class Seen:
    """A message a person received: where, from whom, and its content."""

    room_id: str
    event_id: str
    sender: str
    content: dict[str, Any]

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))

    @property
    def thread_root(self) -> str | None:
        relation = self.content.get("m.relates_to") or {}
        return relation.get("event_id") if relation.get("rel_type") == "m.thread" else None


class Person:
    def __init__(self, synapse: Synapse, account: Account) -> None:
        self.synapse = synapse
        self.account = account
        self.user_id = account.user_id
        self._loop = asyncio.new_event_loop()
        self.client = AsyncClient(synapse.url, account.user_id)
        self.client.access_token = account.access_token
        self.client.user_id = account.user_id
        self.inbox: list[Seen] = []
        self.invites: list[str] = []
        self._since: str | None = None
        self.sync(timeout_ms=0)
        self.inbox.clear()

    def run(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return self._loop.run_until_complete(factory())

    def close(self) -> None:
        self.run(self.client.close)
        self._loop.close()

    def sync(self, *, timeout_ms: int = 1000) -> None:
        response = self.run(lambda: self.client.sync(timeout=timeout_ms, since=self._since))
        assert isinstance(response, SyncResponse), response
        self._since = response.next_batch
        self.invites.extend(response.rooms.invite)
        for room_id, joined in response.rooms.join.items():
            for event in joined.timeline.events:
                source = event.source
                if source.get("type") in ("m.room.message", "m.room.encrypted"):
                    self.inbox.append(
                        Seen(
                            room_id=room_id,
                            event_id=source["event_id"],
                            sender=source["sender"],
                            content=source.get("content") or {},
                        )
                    )

    def create_room(
        self, *invite: str, name: str | None = None, direct: bool = False, encrypted: bool = False
    ) -> str:
        state = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        created = self.run(
            lambda: self.client.room_create(
                name=name, invite=list(invite), is_direct=direct, initial_state=state
            )
        )
        assert isinstance(created, RoomCreateResponse), created
        return str(created.room_id)

    def say(self, room_id: str, text: str, *, thread: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if thread:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread}
        sent = self.run(lambda: self.client.room_send(room_id, "m.room.message", content))
        assert isinstance(sent, RoomSendResponse), sent
        return str(sent.event_id)

    def invite(self, room_id: str, user_id: str) -> None:
        self.run(lambda: self.client.room_invite(room_id, user_id))

    def join(self, room_id: str) -> None:
        self.run(lambda: self.client.join(room_id))

    def members(self, room_id: str) -> set[str]:
        answer = self.synapse.api(self.account, "GET", f"/rooms/{room_id}/joined_members")
        return set(answer["joined"])

    def wait_member(self, room_id: str, user_id: str, *, present: bool = True) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while (user_id in self.members(room_id)) != present:
            assert time.monotonic() < deadline, f"{user_id} present={not present} in {room_id}"
            time.sleep(0.1)

    def wait_for(self, match: Callable[[Seen], bool], *, seconds: float = WAIT_SECONDS) -> Seen:
        """The first message received (from now or already in the inbox) that matches."""
        deadline = time.monotonic() + seconds
        while True:
            for seen in self.inbox:
                if match(seen):
                    return seen
            left = deadline - time.monotonic()
            assert left > 0, f"nothing matching arrived in {seconds:.0f} s: {self.inbox[-5:]}"
            self.sync(timeout_ms=int(min(left, 2.0) * 1000))

    def from_bot(self, bot: str, room_id: str | None = None) -> list[Seen]:
        self.sync(timeout_ms=0)
        return [s for s in self.inbox if s.sender == bot and room_id in (None, s.room_id)]

    def history(self, room_id: str, sender: str) -> list[str]:
        """Every message body `sender` posted in the room, oldest first (not just the last
        few a sync shows)."""
        path = f"/rooms/{room_id}/messages?dir=b&limit=500"
        chunk = self.synapse.api(self.account, "GET", path)["chunk"]
        return [
            str(e["content"].get("body", ""))
            for e in reversed(chunk)
            if e["type"] == "m.room.message" and e["sender"] == sender
        ]

    def wait_for_invite(self) -> str:
        """Joins the next room this person is invited to and returns it."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.invites:
            assert time.monotonic() < deadline, "no invitation arrived"
            self.sync(timeout_ms=1000)
        room_id = self.invites.pop(0)
        self.join(room_id)
        return room_id

    def accept_invites(self) -> list[str]:
        self.sync(timeout_ms=0)
        accepted, self.invites = self.invites, []
        for room_id in accepted:
            self.join(room_id)
        return accepted


@dataclass
class BotProcess:
    """Relais with the Matrix adapter, on its own database; `start`/`stop` like a process."""

    synapse: Synapse
    account: Account
    database: Path
    clock: Clock | None = None
    allowed_servers: str | None = None
    app: App | None = None
    adapter: MatrixAdapter | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.account.user_id

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{self.database}",
            "sample_data": True,
            "matrix_homeserver": self.synapse.url,
            "matrix_user_id": self.account.user_id,
            "matrix_access_token": self.account.access_token,
            "matrix_allowed_servers": self.allowed_servers,
            "_env_file": None,
            **self.extra,
        }
        return Settings(**values)

    def start(self) -> App:
        self.app = build(
            self.settings(),
            clock=self.clock,
            policy=OutboxPolicy(base_delay=0.2, max_delay=2.0, channel_interval={}),
        )
        self.adapter = connect(self.app)
        self.adapter.inbound.start()
        assert self.adapter.inbound.ready.wait(WAIT_SECONDS), "the bot's first sync never ended"
        return self.app

    def stop(self) -> None:
        if self.adapter is not None:
            self.adapter.stop()
            self.adapter = None
        if self.app is not None:
            self.app.close()
            self.app = None
