"""Every Relais command through Slack payloads, and whole feature flows the Slack way: a modal
opened by a slash command and submitted, a button pressed on a posted card, a reply in the
thread the bot started."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import FEATURES
from handlers.clock import FakeClock
from handlers.registry import Registries
from store.models import CheckinAnswer, Delivery, Idea, IdeaComment, IdeaSupport
from tests.slack_harness import (
    SlackHarness,
    SlackServers,
    call_text,
    fixture,
    running_slack,
    slack_servers,
)

INTERNAL_ERROR = "quelque chose s'est mal passé"
REFUSALS = (
    INTERNAL_ERROR,
    "Il manque",
    "Je ne connais pas",
    "réservée au rôle",
    "ne vous comptez pas",
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


def answers_since(slack: SlackHarness, start: int) -> list[str]:
    with slack.fake._lock:
        calls = slack.fake.calls[start:]
    return [
        call_text(c) or c.args.get("view", {}).get("callback_id", "")
        for c in calls
        if c.method in ("chat.postEphemeral", "chat.postMessage", "views.open")
    ]


def failed_deliveries(slack: SlackHarness) -> list[str]:
    with slack.app.sessions() as session:
        rows = session.scalars(select(Delivery).where(Delivery.status != "sent"))
        return [f"{row.key}: {row.status} {row.last_error}" for row in rows]


def test_every_command_is_answered_through_slack(slack: SlackHarness) -> None:
    """An admin types each command bare: a usage line, a form or an answer, never an error."""
    unanswered: list[str] = []
    for spec in Registries(FEATURES).commands():
        start = len(slack.fake.calls)
        slack.command("U0ADA", spec.name)
        answers = answers_since(slack, start)
        if not answers or any(INTERNAL_ERROR in a for a in answers):
            unanswered.append(f"{spec.name}: {answers}")
    assert unanswered == []
    assert failed_deliveries(slack) == []


def test_role_timezone_and_language_through_slack(slack: SlackHarness) -> None:
    slack.command("U0CARL", "moi")
    slack.command("U0ADA", "role <@U0CARL|carl> coach")
    slack.command("U0CARL", "fuseau America/Cayenne")
    slack.command("U0CARL", "langue en")
    slack.command("U0CARL", "me")
    answers = slack.fake.answers()
    assert "<@U0CARL> a maintenant le rôle coach." in answers[1]
    assert "America/Cayenne" in answers[2]
    assert "I will speak English" in answers[3]
    assert "coach" in answers[4] and "America/Cayenne" in answers[4]


def open_form(slack: SlackHarness, user: str, text: str) -> dict[str, Any]:
    before = set(slack.fake.views)
    slack.command(user, text)
    [new] = [v for key, v in slack.fake.views.items() if key not in before]
    return new


def test_an_idea_from_modal_to_support_and_discussion(slack: SlackHarness) -> None:
    view = open_form(slack, "U0BEA", "idee")
    assert view["callback_id"] == "cmd:idee"
    fields = {b["block_id"] for b in view["blocks"]}
    assert {"titre", "probleme", "proposition"} <= fields

    values = {
        "titre": "Un annuaire des référents numériques",
        "probleme": "On ne sait pas qui appeler dans chaque préfecture <!channel>",
        "proposition": "Un annuaire partagé & tenu à jour",
        "gain": "Moins de temps perdu",
        "perimetre": "Préfectures",
    }
    slack.submit("U0BEA", view["callback_id"], values, view["private_metadata"])

    [card] = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "C0IDEES"]
    card_text = call_text(card)
    assert "Un annuaire des référents numériques" in card_text
    assert "<!channel>" not in card_text and "&amp;" in card_text
    assert slack.fake.answers()[-1]  # the author is told, privately, where the idea went
    with slack.app.sessions() as session:
        idea = session.scalars(select(Idea)).one()

    support = next(
        e
        for b in card.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("idea.support")
    )
    root_ts = slack.fake.messages("C0IDEES")[0]["ts"]
    slack.press(
        "U0CARL",
        support["action_id"],
        support.get("value", ""),
        channel={"id": "C0IDEES", "name": "idees"},
        container={"type": "message", "message_ts": root_ts, "channel_id": "C0IDEES"},
    )
    reply = fixture("message_thread_reply")
    reply["event"] |= {"channel": "C0IDEES", "thread_ts": root_ts, "user": "U0CARL"}
    slack.event(reply)

    with slack.app.sessions() as session:
        supports = session.scalars(select(IdeaSupport).where(IdeaSupport.idea_id == idea.id))
        assert len(list(supports)) == 1
        comment = session.scalars(select(IdeaComment)).one()
        assert comment.message_id == reply["event"]["ts"]
    assert failed_deliveries(slack) == []


SCRIPT = [
    ("U0ADA", 'cohorte creer "Promo Slack" --coach <@U0CARL|carl>'),
    ("U0ADA", 'cohorte ajouter "Promo Slack" <@U0BEA|bea> <@U0EDDIE|eddie>'),
    ("U0ADA", 'cohorte membres "Promo Slack"'),
    ("U0ADA", 'checkin planifier "Promo Slack" "tous les lundis à 9h"'),
    ("U0BEA", "checkin prochain"),
    ("U0ADA", 'codev groupe creer "Groupe Slack" <@U0BEA> <@U0CARL> <@U0EDDIE> <@U0FANNY>'),
    ("U0BEA", 'codev charte accepter --groupe "Groupe Slack"'),
    ("U0BEA", 'codev statut --groupe "Groupe Slack"'),
    ("U0ADA", "campagne ouvrir « Innovation » --jusqu-au 2026-12-31 --canal <#C0IDEES|idees>"),
    ("U0ADA", 'diffuser "Promo Slack" "Rappel : réunion jeudi à 10h"'),
    ("U0ADA", "diffusion liste"),
    ("U0BEA", "mes-donnees"),
]


def test_feature_commands_with_their_arguments(slack: SlackHarness) -> None:
    problems: list[str] = []
    for user, text in SCRIPT:
        start = len(slack.fake.calls)
        slack.command(user, text)
        answers = answers_since(slack, start)
        if not answers or any(refusal in a for a in answers for refusal in REFUSALS):
            problems.append(f"{text}: {answers}")
    assert problems == []
    assert failed_deliveries(slack) == []
    campaign = [
        c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "C0IDEES"
    ]
    assert "Innovation" in call_text(campaign[0])


def test_a_check_in_goes_out_by_dm_and_the_answer_comes_back(
    slack: SlackHarness, clock: FakeClock
) -> None:
    slack.command("U0ADA", 'cohorte creer "Promo"')
    slack.command("U0ADA", 'cohorte ajouter "Promo" <@U0BEA>')
    slack.command("U0ADA", 'checkin planifier "Promo" "tous les lundis à 9h"')
    clock.advance(timedelta(days=7))
    slack.app.ticker.tick()

    to_bea = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "D0BEA"]
    question = to_bea[-1]
    mood = next(
        e
        for b in question.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("checkins.mood")
    )
    asked = [m for m in slack.fake.messages("D0BEA") if m.get("blocks") == question.args["blocks"]]
    slack.press(
        "U0BEA",
        mood["action_id"],
        mood["value"],
        channel={"id": "D0BEA", "name": "directmessage"},
        container={"type": "message", "message_ts": asked[0]["ts"], "channel_id": "D0BEA"},
    )

    with slack.app.sessions() as session:
        answer = session.scalars(select(CheckinAnswer)).one()
        assert answer.score is not None
    assert INTERNAL_ERROR not in slack.fake.answers()[-1]
    assert failed_deliveries(slack) == []
