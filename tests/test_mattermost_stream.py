"""The adapter's websocket against FakeMattermost: mentions, DMs, threads, and no post lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.adapters.mattermost.stream import Backoff
from handlers.clock import FakeClock
from tests.mattermost_world import World, running_world, text_of, wait_for


@pytest.fixture
def world(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    with running_world(engine, request, tmp_path, clock) as built:
        built.adapter.stream.start()
        built.fake.wait_websocket_client()
        wait_for(lambda: built.adapter.inbound.cursor is not None, what="the first catch-up")
        yield built


def replies_to(world: World, post: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in world.bot_posts() if p["root_id"] == post["id"]]


def in_channel(world: World, channel_id: str) -> list[dict[str, Any]]:
    return [p for p in world.bot_posts() if p["channel_id"] == channel_id]


def test_mention_is_answered_in_its_thread_and_own_posts_are_ignored(world: World) -> None:
    ignored = world.fake.user_posts(
        "bea", world.town["id"], "On parle de relais sans le mentionner"
    )
    asked = world.fake.user_posts("bea", world.town["id"], "@relais aide")

    wait_for(lambda: bool(replies_to(world, asked)), what="the answer to the mention")
    time.sleep(0.3)  # the bot's own answer came back on the websocket: it must not answer it

    [answer] = replies_to(world, asked)
    assert "voici ce que vous pouvez faire" in text_of(answer)
    assert len(world.bot_posts()) == 1
    assert replies_to(world, ignored) == []
    assert world.adapter.stream.state == "connected" and world.adapter.healthy()


def test_direct_message_is_answered_in_the_conversation(world: World) -> None:
    direct = world.fake.direct_channel("bea")
    world.fake.user_posts("bea", direct["id"], "langue en")

    wait_for(lambda: bool(in_channel(world, direct["id"])), what="the answer in the DM")

    [answer] = in_channel(world, direct["id"])
    assert answer["message"] == "Noted: I will speak English with you."
    assert answer["root_id"] == ""


def test_reply_to_a_reply_in_the_bots_thread_is_answered_under_the_root(world: World) -> None:
    asked = world.fake.user_posts("bea", world.town["id"], "@relais moi")
    wait_for(lambda: bool(replies_to(world, asked)), what="the first answer")
    [answer] = replies_to(world, asked)
    carl_root = world.fake.user_posts("carl", world.town["id"], "@relais aide fuseau")
    wait_for(lambda: bool(replies_to(world, carl_root)), what="carl's answer")
    [bot_root] = replies_to(world, carl_root)

    world.fake.user_posts(
        "bea", world.town["id"], "@relais fuseau Europe/Paris", root_id=answer["root_id"]
    )
    wait_for(lambda: len(replies_to(world, asked)) == 2, what="the answer in the thread")

    assert "Europe/Paris" in replies_to(world, asked)[-1]["message"]
    assert bot_root["root_id"] == carl_root["id"]


def test_usernames_in_posts_are_resolved_before_dispatch(world: World) -> None:
    world.slash("carl", "moi")
    asked = world.fake.user_posts("ada", world.town["id"], "@relais role @carl coach")

    wait_for(lambda: bool(replies_to(world, asked)), what="the role answer")

    assert replies_to(world, asked)[0]["message"] == "@carl a maintenant le rôle coach."


def test_dropped_websocket_reconnects_and_handles_the_gap_exactly_once(world: World) -> None:
    fake, town = world.fake, world.town
    direct = fake.direct_channel("carl")
    before = fake.user_posts("bea", town["id"], "@relais moi")
    wait_for(lambda: bool(replies_to(world, before)), what="the answer before the drop")

    fake.refuse_websockets(True)
    fake.drop_websockets()
    wait_for(lambda: world.adapter.stream.state != "connected", what="the loss to be noticed")
    gap = [
        fake.user_posts("bea", town["id"], "@relais aide"),
        fake.user_posts("ada", town["id"], "Pendant la coupure, sans mention"),
        fake.user_posts("carl", direct["id"], "moi"),
        fake.user_posts("carl", town["id"], "@relais fuseau Europe/Paris", root_id=before["id"]),
    ]
    assert world.adapter.healthy()  # briefly away is not unhealthy
    cut_at = time.monotonic()
    fake.refuse_websockets(False)

    fake.wait_websocket_client(timeout=5.0, logins=2)
    reconnected_after = time.monotonic() - cut_at
    wait_for(lambda: len(replies_to(world, gap[0])) == 1, what="the mention of the gap")
    wait_for(lambda: bool(in_channel(world, direct["id"])), what="the DM of the gap")
    wait_for(lambda: len(replies_to(world, before)) == 2, what="the thread reply of the gap")
    after = fake.user_posts("bea", town["id"], "@relais langue")
    wait_for(lambda: bool(replies_to(world, after)), what="a post after the reconnection")
    world.adapter.inbound.catch_up(since=before["create_at"] - 1)  # everything again: no effect
    time.sleep(0.3)

    assert reconnected_after < 5.0
    assert fake.websocket_logins == 2
    assert len(replies_to(world, gap[0])) == 1
    assert replies_to(world, gap[1]) == []
    assert len(in_channel(world, direct["id"])) == 1
    assert len(replies_to(world, before)) == 2
    assert len(replies_to(world, after)) == 1
    assert world.adapter.stream.state == "connected"


def test_backoff_doubles_with_jitter_up_to_a_minute() -> None:
    backoff = Backoff()
    delays = [backoff.next_delay() for _ in range(10)]
    assert 0.8 <= delays[0] <= 1.2
    assert 1.6 <= delays[1] <= 2.4
    assert all(d <= 60.0 for d in delays) and delays[-1] >= 48.0
    backoff.reset()
    assert backoff.next_delay() <= 1.2


def test_stop_closes_the_websocket(world: World) -> None:
    world.adapter.stream.stop()

    assert world.adapter.stream.state == "stopped"
    assert not world.adapter.healthy()
    wait_for(lambda: not world.fake._hub.connections, what="the socket to close")


def test_free_text_mention_goes_to_the_default_answer(world: World) -> None:
    asked = world.fake.user_posts(
        "bea", world.town["id"], "@relais qui a dématérialisé les congés ?"
    )

    wait_for(lambda: bool(replies_to(world, asked)), what="the answer to the question")

    [answer] = replies_to(world, asked)
    assert answer["message"]
    assert "quelque chose s'est mal passé" not in text_of(answer)


def test_a_failed_catch_up_is_retried(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.adapters.mattermost.inbound as inbound

    monkeypatch.setattr(inbound, "CATCH_UP_RETRY_SECONDS", 0.05)
    fake = world.fake
    fake.refuse_websockets(True)
    fake.drop_websockets()
    wait_for(lambda: world.adapter.stream.state != "connected", what="the loss to be noticed")
    missed = fake.user_posts("bea", world.town["id"], "@relais moi")
    fake.fail_next("GET", r"/users/.*/channels$", status=503)
    fake.refuse_websockets(False)

    fake.wait_websocket_client(timeout=5.0, logins=2)
    wait_for(lambda: bool(replies_to(world, missed)), what="the post missed during the outage")

    assert [
        c.status
        for c in fake.calls_to(
            "GET", f"/api/v4/users/{fake.bot['id']}/teams/{fake.team['id']}/channels"
        )
    ][-2:] == [503, 200]


def test_a_new_process_resumes_from_the_stored_cursor(world: World) -> None:
    """A restart, or a replica taking over the stream: posts made while no process listened
    are answered once, from the cursor kept in the store."""
    from bot.adapters.mattermost.runner import connect

    fake, town = world.fake, world.town
    before = fake.user_posts("bea", town["id"], "@relais moi")
    wait_for(lambda: bool(replies_to(world, before)), what="the answer before the stop")
    wait_for(lambda: stored_cursor(world) == before["create_at"], what="the cursor to be stored")
    world.adapter.stream.stop()
    while_down = fake.user_posts("carl", town["id"], "@relais aide")

    successor = connect(world.app)
    try:
        successor.stream.start()
        wait_for(lambda: bool(replies_to(world, while_down)), what="the post made while down")
        time.sleep(0.3)
        assert len(replies_to(world, while_down)) == 1
        assert len(replies_to(world, before)) == 1, "the post already answered is not redone"
    finally:
        successor.stop()


def stored_cursor(world: World) -> int | None:
    from store import cursors

    with world.app.sessions() as session:
        return cursors.position(session, f"mattermost:{world.fake.team['name']}:posts")


def test_a_post_seen_while_the_store_is_down_is_fetched_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inbox before the cursor: a post the store could not record is not skipped by the
    posts after it, and it is answered once the store is back (issue 20, finding 2)."""
    from sqlalchemy.exc import OperationalError

    import bot.adapters.mattermost.inbound as inbound

    monkeypatch.setattr(inbound, "MISSED_RETRY_SECONDS", 0.1)
    accept = world.app.runtime.accept
    refused: list[str] = []

    def store_down_once(event: Any, **kwargs: Any) -> Any:
        if not refused:
            refused.append(event.event_id)
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return accept(event, **kwargs)

    monkeypatch.setattr(world.app.runtime, "accept", store_down_once)
    lost = world.fake.user_posts("bea", world.town["id"], "@relais moi")
    wait_for(lambda: bool(refused), what="the refused record")
    after = world.fake.user_posts("carl", world.town["id"], "@relais aide")
    wait_for(lambda: bool(replies_to(world, after)), what="the answer to the next post")
    wait_for(lambda: bool(replies_to(world, lost)), what="the post the store missed")
    time.sleep(0.3)
    assert refused == [lost["id"]]
    assert len(replies_to(world, lost)) == 1 and len(replies_to(world, after)) == 1
    assert (stored_cursor(world) or 0) < lost["create_at"], "held before the post it missed"
    later = world.fake.user_posts("carl", world.town["id"], "@relais moi")
    wait_for(lambda: bool(replies_to(world, later)), what="the answer once the gap is closed")
    assert (stored_cursor(world) or 0) >= later["create_at"], "the gap closed, the cursor moves"
