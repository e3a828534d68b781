"""The outbox rule: recorded with a key before sending; never the same key twice; retried when
transient; recorded as failed (and reported) when permanent; checked after a crash mid-send."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import pacing
from bot.outbox import Outbox, OutboxPolicy, enqueue
from bot.ports import Delivered
from handlers.clock import FakeClock
from handlers.types import Action, Message, Post, UpdatePost
from store import outbox as rows
from store.models import Delivery
from tests.fakes.recording_port import RecordingPort

POLICY = OutboxPolicy(base_delay=10.0, max_delay=10.0, max_attempts=3, channel_interval={})


def make_outbox(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock, **kw: object
) -> tuple[Outbox, list[Delivery]]:
    failed: list[Delivery] = []
    outbox = Outbox(
        session_factory=sessions,
        ports={"test": port},
        clock=clock,
        policy=kw.get("policy", POLICY),  # type: ignore[arg-type]
        on_failure=failed.append,
    )
    return outbox, failed


def queue(
    sessions: sessionmaker[Session], clock: FakeClock, actions: list[Action], origin: str = "ev1"
) -> list[str]:
    with sessions() as session, session.begin():
        return enqueue(
            session, actions, platform="test", workspace_id="T1", origin=origin, now=clock.now()
        )


def post(text: str, **kw: object) -> Post:
    return Post(channel_id="C1", message=Message(text=text), **kw)  # type: ignore[arg-type]


def status(sessions: sessionmaker[Session], key: str) -> Delivery:
    with sessions() as session:
        row = rows.by_key(session, key)
        assert row is not None
        return row


def test_same_key_twice_is_sent_once(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    queue(sessions, clock, [post("bonjour", key="greeting")])
    queue(sessions, clock, [post("bonjour", key="greeting")], origin="ev2")
    assert outbox.deliver() == 1
    assert outbox.deliver(keys=["greeting"]) == 0
    assert [s.text for s in port.sent] == ["bonjour"]
    assert status(sessions, "greeting").message_id == "m1"


def test_a_retried_event_queues_nothing_new(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    first = queue(sessions, clock, [post("a"), post("b")], origin="slack:T1:Ev1")
    again = queue(sessions, clock, [post("a"), post("b")], origin="slack:T1:Ev1")
    assert first == again == ["slack:T1:Ev1:0", "slack:T1:Ev1:1"]
    outbox.deliver()
    assert [s.text for s in port.sent] == ["a", "b"]


def test_transient_failure_is_retried_after_backoff(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, failed = make_outbox(sessions, port, clock)
    port.fail_transiently(retry_after=None)
    [key] = queue(sessions, clock, [post("rappel")])
    assert outbox.deliver() == 0
    row = status(sessions, key)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "fake outage")
    assert outbox.deliver() == 0, "not due before the backoff"
    clock.advance(timedelta(seconds=13))
    assert outbox.deliver() == 1
    assert status(sessions, key).status == "sent"
    assert [s.text for s in port.sent] == ["rappel"] and not failed


def test_retry_after_from_the_platform_is_honoured(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    port.fail_transiently(retry_after=30)
    queue(sessions, clock, [post("x")])
    outbox.deliver()
    clock.advance(timedelta(seconds=29))
    assert outbox.deliver() == 0
    clock.advance(timedelta(seconds=2))
    assert outbox.deliver() == 1


def test_permanent_failure_is_recorded_and_reported_not_lost(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, failed = make_outbox(sessions, port, clock)
    port.fail_permanently("channel_not_found")
    [key] = queue(sessions, clock, [post("perdu ?")])
    outbox.deliver()
    row = status(sessions, key)
    assert (row.status, row.last_error) == ("failed", "channel_not_found")
    assert row.payload["message"]["text"] == "perdu ?"
    assert [r.key for r in failed] == [key]


def test_too_many_transient_failures_end_as_failed(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, failed = make_outbox(sessions, port, clock)
    port.fail_transiently(times=3, retry_after=1)
    [key] = queue(sessions, clock, [post("x")])
    for _ in range(3):
        outbox.deliver()
        clock.advance(timedelta(seconds=2))
    assert status(sessions, key).status == "failed"
    assert "after 3 attempts" in (status(sessions, key).last_error or "")
    assert len(failed) == 1 and not port.sent


def test_crash_between_claim_and_send_is_sent_once(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    queue(sessions, clock, [post("une fois")])
    with sessions() as session, session.begin():
        rows.claim_due(session, now=clock.now(), lease=POLICY.lease)  # then the process dies
    assert outbox.deliver() == 0, "a fresh claim is left alone during its lease"
    clock.advance(POLICY.lease + timedelta(seconds=1))
    assert outbox.deliver() == 1
    assert [s.text for s in port.sent] == ["une fois"]


def test_crash_after_send_before_record_is_not_sent_again(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    [key] = queue(sessions, clock, [post("une seule fois")])
    with sessions() as session, session.begin():
        [row] = rows.claim_due(session, now=clock.now(), lease=POLICY.lease)
        action = Post.model_validate_json(row.payload)
    port.deliver(action, key=key, workspace_id="T1")  # sent, then the process dies
    clock.advance(POLICY.lease + timedelta(seconds=1))
    outbox.deliver()
    assert [s.text for s in port.sent] == ["une seule fois"]
    assert status(sessions, key).status == "sent"


def test_thread_replies_and_updates_wait_for_their_root(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    port.fail_transiently(retry_after=5)
    queue(
        sessions,
        clock,
        [
            post("racine", key="root"),
            post("réponse", thread_key="root", key="reply"),
            UpdatePost(channel_id="C1", message=Message(text="v2"), target_key="root", key="upd"),
        ],
    )
    outbox.deliver()
    assert port.sent == [], "the root failed once, so its reply and update wait"
    assert status(sessions, "reply").status == "pending"
    clock.advance(timedelta(seconds=6))
    outbox.deliver()
    outbox.deliver()
    by_text = {s.text: s for s in port.sent}
    assert set(by_text) == {"racine", "réponse", "v2"}
    assert by_text["réponse"].thread == by_text["racine"].message_id
    assert by_text["v2"].message_id == by_text["racine"].message_id


def test_channel_pacing_spreads_posts_without_dropping(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    paced = OutboxPolicy(channel_interval={"test": 60.0})
    outbox, _ = make_outbox(sessions, port, clock, policy=paced)
    queue(
        sessions,
        clock,
        [post("1"), post("2"), Post(channel_id="C2", message=Message(text="ailleurs"))],
    )
    outbox.deliver()
    assert sorted(s.text for s in port.sent) == ["1", "ailleurs"]
    row = status(sessions, "ev1:1")
    assert row.status == "pending" and row.attempts == 0


def test_posts_waiting_for_one_channel_each_get_their_own_turn(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    paced = OutboxPolicy(channel_interval={"test": 0.3})
    outbox, _ = make_outbox(sessions, port, clock, policy=paced)
    keys = queue(sessions, clock, [post(f"n° {n}") for n in range(1, 5)])
    outbox.deliver()
    assert [s.text for s in port.sent] == ["n° 1"]
    due = [status(sessions, key).next_attempt_at for key in keys[1:]]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(due)]
    assert all(0.25 < gap < 0.35 for gap in gaps), due
    for sent in (2, 3, 4):
        time.sleep(0.3)
        clock.advance(timedelta(seconds=0.3))
        outbox.deliver()
        assert [s.text for s in port.sent][-1] == f"n° {sent}"
        waiting = [status(sessions, key).next_attempt_at for key in keys[sent:]]
        assert waiting == due[sent - 1 :], "a post whose turn has not come is left alone"
    assert len(port.sent) == 4


def test_a_paced_channels_backlog_is_never_claimed_before_its_turn(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    paced = OutboxPolicy(channel_interval={"test": 0.3})
    outbox, _ = make_outbox(sessions, port, clock, policy=paced)
    with sessions() as session, session.begin():
        keys = enqueue(
            session,
            [post(f"n° {n}") for n in range(1, 5)],
            platform="test",
            workspace_id="T1",
            origin="ev1",
            now=clock.now(),
            hold=timedelta(seconds=5),
            pacer=outbox.pacer,
        )
    assert outbox.deliver(keys=keys, held=timedelta(seconds=5)) == 1
    for sent in (2, 3, 4):
        waiting = [status(sessions, key) for key in keys[sent - 1 :]]
        assert [(row.status, row.attempts, row.claimed_at) for row in waiting] == [
            ("pending", 0, None)
        ] * len(waiting), "a post waiting for its turn is not claimed, nor put back"
        time.sleep(0.3)
        clock.advance(timedelta(seconds=0.3))
        assert outbox.deliver() == 1
    assert [s.text for s in port.sent] == [f"n° {n}" for n in range(1, 5)]
    assert [status(sessions, key).attempts for key in keys] == [1, 1, 1, 1], "one claim each"


def test_the_sender_is_woken_for_a_waiting_post_only_when_it_would_look_too_late(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(
        sessions, port, clock, policy=OutboxPolicy(channel_interval={"test": 1})
    )
    with sessions() as session, session.begin():
        keys = enqueue(
            session,
            [post("tout de suite"), post("dans une seconde")],
            platform="test",
            workspace_id="T1",
            origin="ev1",
            now=clock.now(),
            pacer=outbox.pacer,
        )
    assert outbox.deliver(keys=keys) == 1
    outbox.looks_at = time.monotonic() + 0.5  # the sender looks again before the second's turn
    outbox.leave(keys[1:])
    assert not outbox.wakeup.is_set()
    outbox.looks_at = time.monotonic() + 5  # after it: woken, so the post is not late
    outbox.leave(keys[1:])
    assert outbox.wakeup.is_set()
    outbox.wakeup.clear()
    outbox.looks_at = time.monotonic() + 0.5
    outbox.leave(keys)  # the first went: whatever became of it is for the sender to see
    assert outbox.wakeup.is_set()


def test_unknown_thread_root_fails_permanently(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, failed = make_outbox(sessions, port, clock)
    queue(sessions, clock, [post("orphelin", thread_key="nowhere")])
    outbox.deliver()
    assert [r.last_error for r in failed] == ["unknown target delivery nowhere"]


def test_delivered_message_ids_are_recorded(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    queue(sessions, clock, [post("x", key="k")])
    outbox.deliver()
    with sessions() as session:
        row = rows.by_message(session, platform="test", message_id="m1")
        assert row is not None and row.key == "k" and row.message_channel_id == "C1"
    assert port.find_delivered(post("x"), key="k", workspace_id="T1") == Delivered("m1", "C1")


def test_an_older_update_never_lands_after_a_newer_one(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, _ = make_outbox(sessions, port, clock)
    queue(sessions, clock, [post("carte", key="card")], origin="a")
    outbox.deliver()
    for version in (1, 2, 3):
        update = UpdatePost(
            channel_id="C1",
            message=Message(text=f"{version} soutiens"),
            target_key="card",
            key=f"card:v{version}",
        )
        queue(sessions, clock, [update], origin=f"u{version}")
    outbox.deliver()
    assert [s.text for s in port.sent] == ["carte", "3 soutiens"]
    assert status(sessions, "card:v1").status == "superseded"


def test_recording_tells_whether_the_key_was_new(
    sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    with sessions() as session, session.begin():
        fields = {
            "platform": "test",
            "workspace_external_id": "T1",
            "kind": "post",
            "channel_id": "C1",
            "payload": {},
            "origin": "o",
            "now": clock.now(),
        }
        assert rows.record(session, key="k", **fields) is True  # type: ignore[arg-type]
        assert rows.record(session, key="k", **fields) is False  # type: ignore[arg-type]


def test_a_port_bug_is_checked_after_the_lease_then_sent_once(
    sessions: sessionmaker[Session], port: RecordingPort, clock: FakeClock
) -> None:
    outbox, failed = make_outbox(sessions, port, clock)
    port.fail_next(RuntimeError("bug in an adapter"))
    [key] = queue(sessions, clock, [post("malgré le bug")])
    assert outbox.deliver() == 0
    assert status(sessions, key).status == "sending"
    clock.advance(POLICY.lease + timedelta(seconds=1))
    assert outbox.deliver() == 1
    assert [s.text for s in port.sent] == ["malgré le bug"] and not failed


def test_a_queued_post_keeps_its_turn_however_many_wait(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    monkeypatch.setattr(pacing, "KEPT_TURNS", 2)
    pacer = pacing.Pacer(channel_interval={"test": 10.0}, clock=clock)
    turns = [pacer.wait("test", "T1", "C1", key)[0] for key in ("a", "b", "c", "d")]
    assert turns[0] == 0 and [round(t) for t in turns[1:]] == [10, 20, 30]
    assert round(pacer.wait("test", "T1", "C1", "b")[0]) == 10, "b was not sent: its turn holds"
