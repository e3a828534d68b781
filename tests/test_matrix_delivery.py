"""Delivery to a real Synapse: rate limits (`M_LIMIT_EXCEEDED`, `retry_after_ms`) waited out by
the outbox, and transaction ids that make a retried send land once."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.adapters.matrix.port import MatrixPort
from bot.ports import Delivered, TransientError
from handlers.types import Action, Message, Post
from store.models import Delivery
from tests.matrix_world import BotProcess, Person, fresh_name
from tests.synapse_server import Synapse


class Watched:
    """The real port, noting each rate limit the homeserver answered."""

    platform = "matrix"

    def __init__(self, port: MatrixPort) -> None:
        self.port = port
        self.waits: list[float | None] = []

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        try:
            return self.port.deliver(action, key=key, workspace_id=workspace_id)
        except TransientError as error:
            self.waits.append(error.retry_after)
            raise

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        return self.port.find_delivered(action, key=key, workspace_id=workspace_id)


def test_rate_limits_are_waited_out_and_nothing_is_sent_twice(
    synapse: Synapse, people: Callable[[str], Person], tmp_path: Path
) -> None:
    limited = synapse.register(fresh_name("relais"))
    bot = BotProcess(synapse=synapse, account=limited, database=tmp_path / "relais.db")
    try:
        app = bot.start()
        assert bot.adapter is not None
        watched = Watched(bot.adapter.port)
        app.outbox.ports["matrix"] = watched
        alice = people("alice")
        room = alice.create_room(bot.user_id, name="Annonces")
        alice.wait_member(room, bot.user_id)
        texts = [f"Annonce n°{n}" for n in range(14)]
        actions: list[Action] = [Post(channel_id=room, message=Message(text=t)) for t in texts]
        app.runtime.send(actions, platform="matrix", workspace_id="relais.test", origin="annonces")
        deadline = time.monotonic() + 40
        while pending(bot) and time.monotonic() < deadline:
            time.sleep(0.3)
            app.outbox.deliver()
        assert not pending(bot)
        assert watched.waits and all(wait and 0 < wait <= 10 for wait in watched.waits)
        received = alice.history(room, bot.user_id)
        assert sorted(received) == sorted(texts)
    finally:
        bot.stop()


def pending(bot: BotProcess) -> list[str]:
    assert bot.app is not None
    with bot.app.sessions() as session:
        return list(session.scalars(select(Delivery.key).where(Delivery.status != "sent")))


def test_a_send_retried_with_the_same_key_lands_once(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    assert relais_bot.adapter is not None
    port = relais_bot.adapter.port
    alice = people("alice")
    room = alice.create_room(relais_bot.user_id, name="Annonces")
    alice.wait_member(room, relais_bot.user_id)
    post = Post(channel_id=room, message=Message(text="Une seule fois"))
    first = port.deliver(post, key="annonce:1", workspace_id="relais.test")
    again = port.deliver(post, key="annonce:1", workspace_id="relais.test")
    found = port.find_delivered(post, key="annonce:1", workspace_id="relais.test")
    assert found is not None
    assert first.message_id == again.message_id == found.message_id
    assert alice.history(room, relais_bot.user_id) == ["Une seule fois"]
