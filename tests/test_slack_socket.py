"""Socket Mode (SLACK_APP_TOKEN set): the adapter connects to the websocket that the fake's
`apps.connections.open` points to, acknowledges each envelope and handles it once."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.slack.runner import SlackAdapter, connect
from bot.http import HttpServer
from handlers.clock import FakeClock
from tests.slack_harness import SlackWorkspace, fixture, slack_app


@pytest.fixture
def socket_slack(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> Iterator[tuple[SlackWorkspace, SlackAdapter, HttpServer]]:
    with SlackWorkspace() as fake:
        app = slack_app(
            engine, sessions, clock, fake, slack_app_token="xapp-test", slack_signing_secret=None
        )
        adapter = connect(app, workers=1)
        server = HttpServer(host="127.0.0.1", port=0)
        adapter.listen(server)
        server.start()
        fake.wait_socket_client(timeout=5)
        try:
            yield fake, adapter, server
        finally:
            server.stop()
            fake.stop()
            adapter.stop()


def send(fake: SlackWorkspace, adapter: SlackAdapter, envelope: dict[str, Any]) -> dict[str, Any]:
    envelope_id = fake.socket_send(envelope)
    ack = fake.wait_ack(envelope_id, timeout=5)
    assert adapter.receiver.pool.wait_idle(10)
    return ack


def test_envelopes_are_acknowledged_and_handled_once(
    socket_slack: tuple[SlackWorkspace, SlackAdapter, HttpServer],
) -> None:
    fake, adapter, server = socket_slack
    assert adapter.healthy()
    mention = fixture("app_mention_top_level")
    acks = [
        send(
            fake,
            adapter,
            {
                "type": "events_api",
                "payload": mention,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
            },
        )
        for attempt in (0, 1)
    ]
    command = fixture("slash_command_aide") | {"text": "langue"}
    send(
        fake,
        adapter,
        {"type": "slash_commands", "payload": command, "accepts_response_payload": True},
    )
    send(fake, adapter, {"type": "interactive", "payload": fixture("block_actions_language")})

    assert all(set(ack) == {"envelope_id"} for ack in acks)
    [reply] = fake.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == mention["event"]["ts"]
    answers = [c.args["text"] for c in fake.calls_to("chat.postEphemeral")]
    assert "Dans quelle langue" in answers[0]
    assert "I will speak English" in answers[1]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("POST", "/slack/events", body=b"{}")
    assert connection.getresponse().status == 404
    connection.close()


def test_an_envelope_the_store_cannot_record_is_not_acknowledged(
    socket_slack: tuple[SlackWorkspace, SlackAdapter, HttpServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Inbox before ack (issue 20): while the database is down, Slack gets no ack and sends
    the envelope again; the retry, once the store is back, is acknowledged and answered."""
    from sqlalchemy.exc import OperationalError

    fake, adapter, _ = socket_slack
    runtime = adapter.receiver._runtime
    accept = runtime.accept

    def store_down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(runtime, "accept", store_down)
    mention = fixture("app_mention_top_level")
    refused = fake.socket_send({"type": "events_api", "payload": mention, "retry_attempt": 0})
    with pytest.raises(TimeoutError):
        fake.wait_ack(refused, timeout=1.5)
    monkeypatch.setattr(runtime, "accept", accept)
    retry = {
        "type": "events_api",
        "payload": mention,
        "retry_attempt": 1,
        "retry_reason": "timeout",
    }
    send(fake, adapter, retry)
    [reply] = fake.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == mention["event"]["ts"]
