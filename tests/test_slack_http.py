"""The Slack adapter through the real HTTP endpoint, with requests signed like Slack's: the ack
comes first, retries change nothing twice, bad signatures change nothing at all."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.router import Router
from handlers.clock import FakeClock
from store.models import ProcessedEvent, User
from tests.slack_harness import (
    SlackHarness,
    SlackServers,
    fixture,
    interaction_body,
    response_catcher,
    running_slack,
    signed_headers,
    slack_servers,
    slash_body,
)


@pytest.fixture(scope="module")
def servers() -> Iterator[SlackServers]:
    with slack_servers() as started:
        yield started


@pytest.fixture
def slack(
    servers: SlackServers, engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> Iterator[SlackHarness]:
    with running_slack(servers, engine, sessions, clock) as harness:
        yield harness


def stored(slack: SlackHarness, model: Any) -> int:
    with slack.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_slash_command_is_acknowledged_then_answered_privately(slack: SlackHarness) -> None:
    posted = slack.command("U0BEA", "aide")

    assert (posted.status, posted.body) == (200, "")
    [call] = slack.fake.calls_to("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"]) == ("C0GENERAL", "U0BEA")
    assert "voici ce que vous pouvez faire" in slack.fake.answers()[0]
    assert "/relais langue" in slack.fake.answers()[0]


def test_the_ack_does_not_wait_for_the_work(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatch = Router.dispatch

    def slow(self: Router, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)
        return dispatch(self, *args, **kwargs)

    monkeypatch.setattr(Router, "dispatch", slow)
    posted = slack.post(slash_body(text="aide", trigger_id="slow.1"))
    assert posted.status == 200 and posted.elapsed < 0.3
    slack.wait()
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1


def test_bad_signature_is_refused_and_changes_nothing(slack: SlackHarness) -> None:
    body = slash_body(text="langue en")
    headers = signed_headers(body, content_type="application/x-www-form-urlencoded", secret="wrong")

    assert slack.post(body, headers=headers).status == 401
    unsigned = {"Content-Type": "application/x-www-form-urlencoded"}
    assert slack.post(body, headers=unsigned).status == 401
    slack.wait()
    assert slack.fake.calls == []
    assert stored(slack, ProcessedEvent) == 0 and stored(slack, User) == 0


def test_request_older_than_five_minutes_is_refused(slack: SlackHarness) -> None:
    body = json.dumps(fixture("app_mention_top_level"))
    headers = signed_headers(body, content_type="application/json", age=6 * 60)

    assert slack.post(body, content_type="application/json", headers=headers).status == 401
    slack.wait()
    assert slack.fake.calls == [] and stored(slack, ProcessedEvent) == 0


def test_url_verification_is_answered(slack: SlackHarness) -> None:
    challenge = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    posted = slack.event(challenge)
    assert posted.status == 200 and challenge["challenge"] in posted.body


def test_an_event_retried_three_times_is_answered_once(slack: SlackHarness) -> None:
    mention = fixture("app_mention_top_level")
    answers = [slack.event(mention, retry=attempt) for attempt in (None, 1, 2)]

    assert [a.status for a in answers] == [200, 200, 200]
    [reply] = slack.fake.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == mention["event"]["ts"]
    assert "voici ce que vous pouvez faire" in slack.fake.answers("chat.postMessage")[0]
    assert stored(slack, ProcessedEvent) == 1


def test_mention_in_a_thread_answers_in_that_thread(slack: SlackHarness) -> None:
    slack.event(fixture("app_mention_in_thread"))
    [reply] = slack.fake.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == "1765094400.000100"
    assert "Rôles" in slack.fake.answers("chat.postMessage")[0]


def test_direct_message_is_answered_in_the_conversation(slack: SlackHarness) -> None:
    slack.event(fixture("message_im"))
    [reply] = slack.fake.calls_to("chat.postMessage")
    assert reply.args["channel"] == "D0BEA"
    assert "I will speak English" in slack.fake.answers("chat.postMessage")[0]


@pytest.mark.parametrize(
    "name", ["message_changed_edit", "message_channel_join", "message_channel_mentioning_bot"]
)
def test_edits_joins_and_mention_twins_are_acknowledged_and_ignored(
    slack: SlackHarness, name: str
) -> None:
    assert slack.event(fixture(name)).status == 200
    assert slack.fake.calls_to("chat.postMessage") == []
    assert stored(slack, ProcessedEvent) == 0


def test_the_bots_own_messages_are_ignored(slack: SlackHarness) -> None:
    body = fixture("message_from_bot")
    assert slack.event(body).status == 200
    assert stored(slack, ProcessedEvent) == 0


def test_button_press_and_a_retried_press(slack: SlackHarness) -> None:
    slack.command("U0BEA", "langue")
    [choose] = slack.fake.calls_to("chat.postEphemeral")
    buttons = choose.args["blocks"][-1]["elements"]
    english = next(b for b in buttons if b["value"] == "en")

    payload = fixture("block_actions_language")
    payload["actions"][0] |= {"action_id": english["action_id"], "value": "en"}
    slack.post(interaction_body(payload))
    slack.post(interaction_body(payload))
    slack.wait()

    answers = slack.fake.answers()
    assert len(answers) == 2 and "I will speak English" in answers[1]
    with slack.app.sessions() as session:
        bea = session.scalars(select(User).where(User.external_id == "U0BEA")).one()
        assert bea.locale == "en"


def test_the_author_is_looked_up_once(slack: SlackHarness) -> None:
    slack.command("U0BEA", "moi")
    slack.command("U0BEA", "moi")
    assert len(slack.fake.calls_to("users.info")) == 1
    with slack.app.sessions() as session:
        bea = session.scalars(select(User).where(User.external_id == "U0BEA")).one()
        assert (bea.username, bea.timezone) == ("bea", "Europe/Paris")


def test_command_typed_where_the_bot_is_absent_is_answered_by_response_url(
    slack: SlackHarness,
) -> None:
    with response_catcher() as catcher:
        body = slash_body(
            channel_id="D0TWOPEOPLE",
            channel_name="directmessage",
            text="moi",
            user_id="U0BEA",
            response_url=catcher.url,
            trigger_id="dm.1",
        )
        slack.post(body)
        slack.wait()
    assert "Rôles" in catcher.received[0]["text"]
