"""Slack as it really behaves (issue 14, points 5 and 7): a private channel's id starts with `C`
like a public one's, and a modal's field error must come back in the submission's
acknowledgement (`response_action: "errors"`) to show on the field, before the modal closes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from tests.slack_harness import (
    SlackHarness,
    SlackServers,
    call_text,
    fixture,
    running_slack,
    slack_servers,
)

MEMBERS = ("U0BEA", "U0CARL", "U0EDDIE", "U0FANNY")


@pytest.fixture(scope="module")
def servers() -> Iterator[SlackServers]:
    with slack_servers() as started:
        started.fake.add_channel("C0SECRET", "codev-secret", is_private=True)
        started.fake.add_channel("C0OPEN", "codev-ouvert")
        yield started


@pytest.fixture
def slack(
    servers: SlackServers, engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> Iterator[SlackHarness]:
    with running_slack(servers, engine, sessions, clock) as harness:
        yield harness


def last_answer(slack: SlackHarness, user: str) -> str:
    calls = [c for c in slack.fake.calls_to("chat.postEphemeral") if c.args["user"] == user]
    assert calls, f"no private answer to {user}"
    return call_text(calls[-1])


def create_group(slack: SlackHarness, channel: str) -> None:
    mentions = " ".join(f"<@{m}|{m[3:].lower()}>" for m in MEMBERS)
    slack.command("U0ADA", f'codev groupe creer "Groupe {channel}" {mentions}', channel=channel)


def test_a_private_channel_whose_id_starts_with_c_is_private(slack: SlackHarness) -> None:
    """Point 5: the slash command names the channel by its own name, the id starts with `C`;
    only `conversations.info` says it is private, and the coach is told so."""
    create_group(slack, "C0SECRET")
    secret = last_answer(slack, "U0ADA")
    create_group(slack, "C0OPEN")
    public = last_answer(slack, "U0ADA")

    assert "Le canal est privé" in secret
    assert "Ce canal est public" in public
    looked_up = [c.args["channel"] for c in slack.fake.calls_to("conversations.info")]
    assert sorted(set(looked_up)) == ["C0OPEN", "C0SECRET"]


def test_a_private_channel_is_looked_up_once(slack: SlackHarness) -> None:
    slack.command("U0BEA", "aide", channel="C0SECRET")
    slack.command("U0BEA", "moi", channel="C0SECRET")
    assert len(slack.fake.calls_to("conversations.info")) == 1


def find_button(message: dict[str, Any], label: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element["text"]["text"] == label:
                return dict(element)
    raise AssertionError(f"no button {label!r}")


def test_a_modal_with_a_bad_date_shows_the_error_on_the_field(
    slack: SlackHarness, clock: FakeClock
) -> None:
    """Point 7: a due date already past, picked in the action-plan modal, is refused in the
    acknowledgement, on the `echeance` block; the corrected modal is then accepted."""
    create_group(slack, "C0SECRET")
    [charter] = [m for m in slack.fake.messages("C0SECRET") if "charte" in m.get("text", "")]
    accept = find_button(charter, "J'accepte la charte")
    for member in MEMBERS:
        slack.press(
            member,
            accept["action_id"],
            accept.get("value", ""),
            channel={"id": "C0SECRET"},
            container={"type": "message", "message_ts": charter["ts"], "channel_id": "C0SECRET"},
            message=charter,
        )
    slack.command("U0ADA", "codev lancer --client <@U0BEA|bea>", channel="C0SECRET")
    for step in range(5):
        if step == 3:
            slack.command("U0BEA", "codev contrat « Comment tenir le cap ? »", channel="C0SECRET")
        slack.command("U0ADA", "codev suivant", channel="C0SECRET")
    slack.command("U0BEA", "codev action", channel="C0SECRET")
    [opened] = slack.fake.calls_to("views.open")
    view = opened.args["view"]
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()

    refused = submit_date(slack, view, "Appeler la DRH", yesterday)
    accepted = submit_date(slack, view, "Appeler la DRH", tomorrow)

    answer = json.loads(refused.body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["echeance"]
    assert "déjà passée" in answer["errors"]["echeance"]
    assert accepted.status == 200 and accepted.body == ""
    assert "Appeler la DRH" in last_answer(slack, "U0BEA")


def submit_date(slack: SlackHarness, view: dict[str, Any], text: str, due: str) -> Any:
    payload = fixture("view_submission_report_form")
    payload["user"] = {"id": "U0BEA", "username": "bea", "team_id": "T0RELAIS"}
    state = {
        "texte": {"texte": {"type": "plain_text_input", "value": text}},
        "echeance": {"echeance": {"type": "datepicker", "selected_date": due}},
    }
    payload["view"] |= {
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": state},
    }
    return slack.interaction(payload)
