"""PostgreSQL really stopped for 4 s, then started again, while Slack sends 10 events a second
(issue 20, finding 2: 51 of 296 acknowledged events were lost this way).

Slack's side is played as Slack plays it: signed `event_callback` requests over HTTP; an
answer other than 200 is sent again later with `X-Slack-Retry-Num`, a 200 never. Every
acknowledged event must then be answered exactly once: one `chat.postMessage` per delivery
key, and at least one per event.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.adapters.slack.metadata import delivery_key
from bot.adapters.slack.runner import connect
from bot.http import HttpServer
from bot.inbox import InboxWorker
from bot.outbox import OutboxWorker
from handlers.clock import SystemClock
from store import migrate
from store.db import make_engine
from store.doorbell import Doorbell
from store.models import InboxEvent
from store.models.inbox import INBOX_PENDING
from tests.slack_harness import SlackHarness, SlackWorkspace, fixture, signed_headers, slack_app
from tests.throwaway_pg import throwaway_cluster

RATE = 10
SECONDS = 12
OUTAGE = (3.0, 4.0)


def dm(number: int) -> dict[str, Any]:
    body = fixture("message_im")
    body["event_id"] = f"Ev{number:04d}"
    body["event"] = body["event"] | {"text": "langue en", "ts": f"1765094520.{number:06d}"}
    return body


def send(harness: SlackHarness, number: int, acked: set[str]) -> int:
    """Posts like Slack: again (with a retry header) until answered 200; returns refusals."""
    text = json.dumps(dm(number))
    refused = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        headers = signed_headers(text, content_type="application/json")
        if refused:
            headers |= {"X-Slack-Retry-Num": str(refused), "X-Slack-Retry-Reason": "http_error"}
        if harness.post(text, content_type="application/json", headers=headers).status == 200:
            acked.add(f"Ev{number:04d}")
            return refused
        refused += 1
        time.sleep(1.0)
    return refused


@dataclass
class Outcome:
    acknowledged: int
    refused_then_acknowledged: int
    lost: int
    answered_twice: int

    def __str__(self) -> str:
        return (
            f"{self.acknowledged} acknowledged, {self.refused_then_acknowledged} refused during"
            f" the outage then acknowledged on a retry, {self.lost} lost,"
            f" {self.answered_twice} answered twice"
        )


def run_outage(*, rate: int, seconds: int, stop_at: float, down_for: float) -> Outcome:
    """`rate` signed DMs a second for `seconds`; PostgreSQL stopped at `stop_at` for
    `down_for` seconds, then started again; waits until every acknowledged event is answered."""
    with throwaway_cluster() as cluster, SlackWorkspace() as fake:
        engine = make_engine(cluster.url)
        migrate.upgrade(engine)
        sessions = sessionmaker(bind=engine, expire_on_commit=False)
        app = slack_app(engine, sessions, SystemClock(), fake)  # type: ignore[arg-type]
        adapter = connect(app, workers=4)
        http = HttpServer(host="127.0.0.1", port=0)
        adapter.listen(http)
        http.start()
        retries = InboxWorker(app.runtime, doorbell=Doorbell(engine))
        deliveries = OutboxWorker(app.outbox)
        retries.start()
        deliveries.start()
        harness = SlackHarness(fake, app, adapter, http)
        acked: set[str] = set()
        refusals: list[int] = []
        senders: list[threading.Thread] = []
        outage = threading.Thread(target=_outage, args=(cluster, stop_at, down_for))
        started = time.monotonic()
        try:
            outage.start()
            for number in range(rate * seconds):
                time.sleep(max(0.0, started + number / rate - time.monotonic()))
                sender = threading.Thread(
                    target=lambda n=number: refusals.append(send(harness, n, acked))
                )
                sender.start()
                senders.append(sender)
            for sender in senders:
                sender.join()
            outage.join()
            _wait_for(lambda: _pending(sessions) == 0, "recorded events still pending")
            _wait_for(lambda: adapter.receiver.pool.wait_idle(1), "workers still busy")
            _wait_for(lambda: _all_answered(fake, acked), "acknowledged events not answered")
        finally:
            retries.stop()
            deliveries.stop()
            adapter.stop()
            http.stop()
            engine.dispose()
    posted = Counter(delivery_key(call.args) for call in fake.calls_to("chat.postMessage"))
    answered = {key.split(":")[2] for key in posted if key}
    return Outcome(
        acknowledged=len(acked),
        refused_then_acknowledged=sum(1 for r in refusals if r),
        lost=len(acked - answered),
        answered_twice=sum(1 for key, n in posted.items() if key and n > 1),
    )


def test_no_acknowledged_event_is_lost_or_handled_twice_across_a_restart() -> None:
    outcome = run_outage(rate=RATE, seconds=SECONDS, stop_at=OUTAGE[0], down_for=OUTAGE[1])
    print(f"\n{outcome}")
    assert outcome.acknowledged == RATE * SECONDS
    assert outcome.refused_then_acknowledged > 0, "the outage hit no request: it proves nothing"
    assert outcome.lost == 0
    assert outcome.answered_twice == 0


def _outage(cluster: Any, stop_at: float, down_for: float) -> None:
    time.sleep(stop_at)
    cluster.stop()
    time.sleep(down_for)
    cluster.start()


def _pending(sessions: sessionmaker[Any]) -> int:
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(InboxEvent)
                .where(InboxEvent.status == INBOX_PENDING)
            )
            or 0
        )


def _all_answered(fake: SlackWorkspace, acked: set[str]) -> bool:
    keys = {delivery_key(call.args) for call in fake.calls_to("chat.postMessage")}
    return acked <= {key.split(":")[2] for key in keys if key}


def _wait_for(condition: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # the database may still be coming back
            pass
        time.sleep(0.5)
    raise AssertionError(what)
