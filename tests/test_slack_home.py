"""The App Home tab: published when a member opens it, built from every feature's sections,
with quick actions that answer in the member's direct conversation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from handlers import home
from handlers.clock import FakeClock
from handlers.home import HomeContext, home_sections
from handlers.registry import Registries, Registry
from handlers.types import Section
from store import identity
from tests.slack_harness import (
    SlackHarness,
    SlackServers,
    call_text,
    fixture,
    running_slack,
    slack_servers,
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


def test_opening_the_home_tab_publishes_it(slack: SlackHarness) -> None:
    slack.event(fixture("app_home_opened"))

    [call] = slack.fake.calls_to("views.publish")
    view = call.args["view"]
    assert (call.args["user_id"], view["type"]) == ("U0BEA", "home")
    text = "\n".join(b["text"]["text"] for b in view["blocks"] if "text" in b)
    assert "Bonjour <@U0BEA>" in text
    actions = [
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions[:3] == ["home.help", "home.me", "core.language"]


def test_other_tabs_publish_nothing(slack: SlackHarness) -> None:
    body = fixture("app_home_opened")
    body["event"]["tab"] = "messages"
    slack.event(body)
    assert slack.fake.calls_to("views.publish") == []


def test_quick_action_answers_in_the_direct_conversation(slack: SlackHarness) -> None:
    slack.interaction(fixture("block_actions_home_help"))

    [answer] = slack.fake.calls_to("chat.postMessage")
    assert answer.args["channel"] == "D0BEA"
    assert "voici ce que vous pouvez faire" in call_text(answer)
    assert slack.fake.calls_to("chat.postEphemeral") == []


def test_a_failing_provider_leaves_the_rest_of_the_page(
    sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    extra = Registry()

    @extra.home(order=10)
    def broken(ctx: HomeContext) -> list[Section]:
        raise RuntimeError("bug in a feature")

    @extra.home(order=20)
    def sessions_section(ctx: HomeContext) -> list[Section]:
        return [Section(title="Sessions de codéveloppement", body="Jeudi 10h")]

    with sessions() as session, session.begin():
        workspace = identity.ensure_workspace(
            session, platform="slack", external_id="T1", now=clock.now()
        )
        user = identity.ensure_user(session, workspace=workspace, external_id="U1", now=clock.now())
        ctx = HomeContext(session, clock, workspace, user, frozenset(), "fr")
        found = home_sections(ctx, Registries((home.registry, extra)))

    assert [s.title for s in found] == [
        "Relais, le bot de la communauté",
        "Sessions de codéveloppement",
    ]


def test_an_empty_page_says_so(sessions: sessionmaker[Session], clock: FakeClock) -> None:
    with sessions() as session, session.begin():
        workspace = identity.ensure_workspace(
            session, platform="slack", external_id="T1", now=clock.now()
        )
        user = identity.ensure_user(session, workspace=workspace, external_id="U1", now=clock.now())
        ctx = HomeContext(session, clock, workspace, user, frozenset(), "en")
        found = home_sections(ctx, Registries((home.registry,)))

    assert found[-1].body == "Nothing in progress for you at the moment."
